"""What the report pages share: the "as of" quarter and the progress table.

``ProgressMixin`` (on top of ``targets.access.PlanAccessMixin``) gives a page
the plan, the user's regions, the chosen quarter, what counts, the reporting
coverage and the progress table from one place, in a constant number of
queries; ``PeriodChoiceMixin`` gives the staff pages the quarter to work on
instead; ``EntryAccessMixin`` is who may enter figures for which regions
(staff all, a township official their own).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig, Table

from regions.models import Region
from regions.roles import ENTER_FIGURES, REPORT_OWN_FIGURES
from reports.figures.deadlines import latest_shown, quarter_begun
from reports.figures.quarters import quarter_to_work_on
from reports.progress import Period
from reports.progress.display import coverage_notice, coverage_words
from reports.progress.queries import (
    INCLUDE_PARAM,
    INCLUDE_SUBMITTED,
    includes_submitted,
    may_include_submitted,
)
from reports.progress.reuse import ProgressSource, scope_key
from reports.views.forms import PeriodForm
from targets.access import PlanAccessMixin

# Stands for a region's code in a reversed URL (a slug no region has).
REGION_SLOT = "region-code-slot"


class PeriodMixin:
    """The quarter a page is "as of": ``?period=2026Q3`` (or a posted
    ``period``), else ``default_period``. A bad one falls back to the default,
    with a warning on pages that show messages (``warn_on_bad_period``)."""

    warn_on_bad_period = True
    # Whether a quarter not yet begun may be chosen: on the entry pages (shown
    # read-only, saying why), not on those showing progress.
    offers_later_quarters = True

    @property
    def default_period(self) -> Period:
        raise NotImplementedError

    def period_form(self, data=None, **kwargs) -> PeriodForm:
        through = None if self.offers_later_quarters else latest_shown(self.plan.first_year)
        return PeriodForm(data, plan_years=self.plan.years, through=through, **kwargs)

    @cached_property
    def period(self) -> Period:
        source = self.request.POST if self.request.method == "POST" else self.request.GET
        chosen = self.period_form(source or None).chosen()
        if chosen is not None:
            return chosen
        if source.get("period") and self.warn_on_bad_period:
            if PeriodForm(source, plan_years=self.plan.years).chosen() is not None:
                messages.warning(self.request, _("所选季度尚未开始,已显示默认季度。"))
            else:
                messages.warning(self.request, _("所选季度无效,已显示默认季度。"))
        return self.default_period

    def asked_period_refused(self) -> bool:
        """A quarter was asked for (``?period=``) and is not one this page
        offers (malformed, outside the plan, or not begun where later
        quarters are not offered). A download names its quarter in the file:
        it must refuse rather than hand over the default quarter's file."""
        asked = self.request.GET.get("period")
        return bool(asked) and self.period_form(self.request.GET).chosen() is None

    def refuse_download_of_bad_period(self, back: str) -> HttpResponse | None:
        """A download asked for a quarter it cannot give (``asked_period_refused``):
        back to the page ``back``, saying so, rather than the default quarter's
        file and a warning left to surface on some later page. None when the
        asked quarter is sound (or none was asked)."""
        if not self.asked_period_refused():
            return None
        self.warn_on_bad_period = False
        messages.error(
            self.request, _("所选季度无效或不可选,未下载。请在页面上选择季度后重新下载。")
        )
        return redirect(back)

    def refuse_bad_posted_period(self) -> HttpResponse | None:
        """A form posted with its quarter missing, malformed or outside the
        plan (tampered or stale): saving it into the default quarter would
        put the values where nobody typed them. The page again, saying so
        (400); None when the posted quarter is sound."""
        # The quarters the page offers: a later one, where none is offered,
        # would fall back to the default quarter too.
        if self.period_form(self.request.POST).chosen() is not None:
            return None
        self.warn_on_bad_period = False
        messages.error(
            self.request,
            _(
                "提交的季度无效(缺失、格式错误或不在计划期内),未保存任何数据。"
                "请在下面选择季度后重新填写。"
            ),
        )
        return self.render_to_response(self.get_context_data(), status=400)

    def period_context(self) -> dict:
        return {
            "period": self.period,
            "period_form": self.period_form(initial={"period": self.period.code}),
        }


class PeriodChoiceMixin(PeriodMixin):
    """Staff pages default to the quarter to work on (``quarter_to_work_on``)."""

    @cached_property
    def default_period(self) -> Period:
        return quarter_to_work_on(self.plan)


class ProgressMixin(PeriodMixin, PlanAccessMixin):
    """Loads the scoped plan data, resolves ``?period=`` and builds the table.

    What counts: approved figures (and the county's own); staff may tick
    "include submitted" (``?include=submitted``), which every link of the
    page then keeps; anyone else's ``include`` is ignored.

    ``needs_series``: the page draws quarter-by-quarter series, so it reads
    every figure; other pages read the database's sums for the chosen quarter.
    ``data_region_ids()`` / ``data_indicator_code()`` narrow what is read.
    A quarter not yet begun is not offered: nothing is reported for it.
    """

    offers_later_quarters = False
    needs_series = False
    # False: the page shows its regions only, so county rows are not read.
    reads_county_rows = True

    def data_region_ids(self) -> set[int] | None:
        """Only these regions' rows (None: every region in scope)."""
        return None

    def data_indicator_code(self) -> str | None:
        return None

    def coverage_region_name(self) -> str:
        """A page about one region names it in its coverage words."""
        return ""

    @cached_property
    def may_include_submitted(self) -> bool:
        return may_include_submitted(self.request.user)

    @cached_property
    def include_submitted(self) -> bool:
        return includes_submitted(self.request.user, self.request.GET.get(INCLUDE_PARAM))

    @cached_property
    def progress_source(self) -> ProgressSource:
        """The way to the computed progress, reused until the data changes
        (``reports.progress.reuse``): one query for the data version, none
        more when this page's table was computed at that version before."""
        return ProgressSource(
            self.plan,
            self.regions,
            whole_county=self.whole_county,
            scope=scope_key(self.whole_county, self.own_region),
            include_submitted=self.include_submitted,
        )

    @cached_property
    def scoped_reporting(self):
        """The scope's regions and who reported what, read once for the
        default quarter, the figures and the coverage."""
        return self.progress_source.reporting

    @cached_property
    def _data_and_table(self):
        return self.progress_source.table(
            self.period,
            county_rows=self.reads_county_rows,
            indicator_code=self.data_indicator_code(),
            series=self.needs_series,
            only_regions=self.data_region_ids(),
        )

    @property
    def data(self):
        return self._data_and_table[0]

    @cached_property
    def default_period(self) -> Period:
        return self.progress_source.latest_period

    @property
    def table(self):
        return self._data_and_table[1]

    def reused_charts(self, name: str, build):
        """A page's charts (their JSON) reused with its table: the same
        numbers at the same data version, in the language of the request."""
        key = ("charts", name, self.period.code, get_language(), self.request.path)
        return self.progress_source.reuse(key, build)

    @cached_property
    def coverage(self):
        """How many of the page's regions reported its quarter."""
        reporting = self.scoped_reporting.reporting
        return reporting.coverage(self.period, [region.id for region in self.data.regions])

    @cached_property
    def page_query(self) -> str:
        """The query string that keeps this page's choices on its links:
        ``period=2026Q3``, and ``include=submitted`` when ticked."""
        params = {"period": self.period.code}
        if self.include_submitted:
            params[INCLUDE_PARAM] = INCLUDE_SUBMITTED
        return urlencode(params)

    def region_urls(self) -> dict[str, str]:
        # One reverse() for a thousand regions: codes are slugs, safe in a path.
        pattern = reverse("reports:township", kwargs={"region": REGION_SLOT})
        query = f"?{self.page_query}"
        return {
            region.code: pattern.replace(REGION_SLOT, region.code) + query
            for region in self.data.regions
        }

    def indicator_urls(self) -> dict[str, str]:
        query = f"?{self.page_query}"
        return {
            indicator.code: reverse("reports:indicator", kwargs={"indicator": indicator.code})
            + query
            for indicator in self.data.indicators
        }

    def paginate(self, table: Table, *, paginate: bool = True) -> Table:
        """Sorting from the request, and pages of ``MATRIX_PAGE_SIZE`` rows once
        there are more regions than that (Pingyang's nine fit one screen, a
        province's thousand do not); ``paginate=False`` for exports."""
        per_page = settings.MATRIX_PAGE_SIZE
        split = paginate and len(self.table.regions) > per_page
        RequestConfig(self.request, paginate={"per_page": per_page} if split else False).configure(
            table
        )
        return table

    def county_missing(self) -> list[str]:
        """The county-only indicators on this page the bureau has not entered
        for its quarter (read from the table: no query)."""
        if not (self.whole_county and self.reads_county_rows):
            return []
        return [
            indicator.name
            for indicator in self.table.indicators
            if not indicator.by_region and not self.table.cell(None, indicator.id).reported
        ]

    def coverage_context(self) -> dict:
        words = {"region_term": self.plan.region_term, "region_name": self.coverage_region_name()}
        notice = coverage_notice(self.coverage, **words, county_missing=self.county_missing())
        if not quarter_begun(self.period):  # a plan that starts later: its first quarter
            notice = _("%(period)s尚未开始:本计划从这一季度起填报,目前还没有任何数据。") % {
                "period": self.period.label
            }
        return {
            "coverage": self.coverage,
            "coverage_words": coverage_words(self.coverage, **words),
            "coverage_notice": notice,
            "may_include_submitted": self.may_include_submitted,
            "include_submitted": self.include_submitted,
            "page_query": self.page_query,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.period_context(), progress=self.table, **self.coverage_context())
        return context


class EntryAccessMixin(PeriodChoiceMixin, PlanAccessMixin):
    """The entry pages (grid, template, upload, submit): county staff
    (``enter_figures``) work on every region and the county; a township
    official (``report_own_figures``) on their own region only, which no
    parameter can change (``entry_region``). Anyone else: 403."""

    required_permission = (ENTER_FIGURES, REPORT_OWN_FIGURES)

    @cached_property
    def entry_region(self) -> Region | None:
        """None for staff (every region and the county); the official's region."""
        if self.request.user.has_perm(ENTER_FIGURES):
            return None
        return self.own_region

    def check_access(self, request):
        if self.entry_region is None and not request.user.has_perm(ENTER_FIGURES):
            # Reporting for one's own region needs a region, and county-wide
            # users have none.
            raise PermissionDenied(_("您的账号没有此操作的权限。"))
        return super().check_access(request)

    @cached_property
    def default_period(self) -> Period:
        return quarter_to_work_on(self.plan, self.entry_region)
