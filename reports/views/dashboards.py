"""Dashboards: county overview, township matrix, township page, indicator page.

Every view goes through ``ProgressMixin`` (and so ``PlanAccessMixin``): the plan,
the user's regions, the "as of" period and the progress table come from one
place, in a constant number of queries.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import RedirectView, TemplateView
from django_tables2 import RequestConfig

from reports.excel.tables import EXPORT_FORMATS, export_response
from reports.progress import Period
from reports.progress.queries import latest_period, load_plan_data, progress_table
from reports.views import charts
from reports.views.forms import PeriodForm
from reports.views.tables import (
    IndicatorProgressTable,
    MatrixTable,
    QuarterlyFiguresTable,
    RegionProgressTable,
)
from targets.access import (
    CountyWideMixin,
    OutOfScope,
    PlanAccessMixin,
    scope_for,
    township_page_url,
)
from targets.models import current_plan
from targets.tables import Annex1Table


class HomeView(RedirectView):
    """Leaders and staff land on the county overview, a township official on
    their own township (one redirect, not two)."""

    def get_redirect_url(self, *args, **kwargs):
        try:
            scope = scope_for(self.request.user, current_plan(self.request))
        except OutOfScope:
            # The overview says what is missing (no plan, no region bound).
            return reverse("reports:overview")
        if scope.own_region is not None:
            return township_page_url(scope.own_region)
        return reverse("reports:overview")


class PeriodMixin:
    """The quarter a page is "as of": ``?period=2026Q3`` (or a posted
    ``period``), else ``default_period``. A bad one falls back to the default,
    with a warning on pages that show messages (``warn_on_bad_period``)."""

    warn_on_bad_period = True

    @property
    def default_period(self) -> Period:
        raise NotImplementedError

    @cached_property
    def period(self) -> Period:
        source = self.request.POST if self.request.method == "POST" else self.request.GET
        chosen = PeriodForm(source or None, plan_years=self.plan.years).chosen()
        if chosen is not None:
            return chosen
        if source.get("period") and self.warn_on_bad_period:
            messages.warning(self.request, _("所选季度无效,已显示默认季度。"))
        return self.default_period

    def period_context(self) -> dict:
        return {
            "period": self.period,
            "period_form": PeriodForm(
                initial={"period": self.period.code}, plan_years=self.plan.years
            ),
        }


class ProgressMixin(PeriodMixin, PlanAccessMixin):
    """Loads the scoped plan data, resolves ``?period=`` and builds the table.

    ``needs_series``: the page draws quarter-by-quarter series, so it reads
    every figure; other pages read the database's sums for the chosen quarter.
    ``data_regions()`` / ``data_indicator_code()`` narrow what is read.
    """

    needs_series = False
    # False: the page shows its regions only, so county rows are not read.
    reads_county_rows = True

    def data_regions(self):
        return self.regions

    def data_indicator_code(self) -> str | None:
        return None

    @cached_property
    def data(self):
        return load_plan_data(
            self.plan,
            self.data_regions(),
            whole_county=self.whole_county and self.reads_county_rows,
            indicator_code=self.data_indicator_code(),
            summarise_for=None if self.needs_series else self.period,
        )

    @cached_property
    def default_period(self) -> Period:
        return latest_period(self.plan, self.regions, whole_county=self.whole_county)

    @cached_property
    def table(self):
        return progress_table(self.data, self.period)

    def region_urls(self) -> dict[str, str]:
        query = f"?period={self.period.code}"
        return {
            region.code: reverse("reports:township", kwargs={"region": region.code}) + query
            for region in self.data.regions
        }

    def indicator_urls(self) -> dict[str, str]:
        query = f"?period={self.period.code}"
        return {
            indicator.code: reverse("reports:indicator", kwargs={"indicator": indicator.code})
            + query
            for indicator in self.data.indicators
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.period_context(), progress=self.table)
        return context


class OverviewView(CountyWideMixin, ProgressMixin, TemplateView):
    """Leaders' home: every annex-1 indicator for the county, the townships
    lagging most, and the township × indicator heatmap."""

    template_name = "reports/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        table = self.table
        # Leaders read this on a phone: the annex-1 essentials, the rest is
        # one tap away on each indicator's page.
        indicator_rows = IndicatorProgressTable.for_subject(
            table, None, urls=self.indicator_urls(), summary=True
        )
        region_urls = self.region_urls()
        county = [table.get(None, indicator.id) for indicator in table.indicators]
        context.update(
            indicator_table=indicator_rows,
            lagging=[(score, region_urls[score.region.code]) for score in table.lagging(5)],
            charts=[
                (
                    "chart-completion",
                    charts.figure_json(
                        charts.completion_bars(
                            [indicator.name for indicator in table.indicators],
                            county,
                            title=_("%(county)s各指标年度完成率")
                            % {"county": self.plan.county_name},
                            period=self.period,
                        )
                    ),
                ),
                ("chart-heatmap", charts.figure_json(self.heatmap(table))),
            ],
        )
        return context

    def heatmap(self, table):
        """Every township while they fit on a screen; beyond that the ones
        lagging most, most behind first."""
        limit = settings.HEATMAP_MAX_REGIONS
        region = self.plan.region_term
        if len(table.regions) <= limit:
            title = _("各%(region)s进度热力图(实际 ÷ 序时进度)") % {"region": region}
            return charts.progress_heatmap(table, title=title)
        lagging = [score.region for score in table.lagging(limit)]
        title = _("滞后最多的 %(shown)s 个%(region)s(共 %(total)s 个):实际 ÷ 序时进度") % {
            "shown": len(lagging),
            "region": region,
            "total": len(table.regions),
        }
        return charts.progress_heatmap(table, lagging, title=title)


class MatrixView(CountyWideMixin, ProgressMixin, TemplateView):
    """Annex-2 layout for the chosen year: regions × indicators, sortable and
    exportable (``?_export=xlsx`` or ``csv``)."""

    template_name = "reports/matrix.html"

    def build_table(self, *, paginate: bool = True) -> MatrixTable:
        table = MatrixTable.build(
            self.table, county_name=self.plan.county_name, region_urls=self.region_urls()
        )
        # Pingyang's nine townships fit one screen; a province's thousand do
        # not, so past MATRIX_PAGE_SIZE rows the page is split (exports never are).
        per_page = settings.MATRIX_PAGE_SIZE
        split = paginate and len(self.table.regions) > per_page
        RequestConfig(self.request, paginate={"per_page": per_page} if split else False).configure(
            table
        )
        return table

    def get(self, request, *args, **kwargs):
        export_format = request.GET.get("_export")
        if export_format is None:
            return super().get(request, *args, **kwargs)
        if export_format not in EXPORT_FORMATS:
            raise Http404(_("不支持的导出格式。"))
        filename = _("%(region)s任务完成情况_%(period)s") % {
            "region": self.plan.region_term,
            "period": self.period.code,
        }
        return export_response(self.build_table(paginate=False), export_format, filename)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["matrix"] = self.build_table()
        return context


class TownshipView(ProgressMixin, TemplateView):
    """A township official's home: its targets for every year, quarterly
    figures, progress against 序时, and its charts."""

    template_name = "reports/township.html"
    needs_series = True
    reads_county_rows = False

    @cached_property
    def region(self):
        return self.get_region_or_404(self.kwargs["region"])

    def data_regions(self):
        # Only this township's figures, whoever is looking.
        return self.regions.filter(pk=self.region.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        region = self.region
        table = self.table
        indicators = table.broken_down
        progresses = [table.get(region.pk, indicator.id) for indicator in indicators]
        cumulative = [
            (
                f"chart-cumulative-{indicator.code}",
                charts.figure_json(
                    charts.cumulative_lines(
                        indicator,
                        [(region.name, table.plan_cumulative_series(region.pk, indicator.id))],
                        title=indicator.label,
                        expected_name=_("序时进度"),
                    )
                ),
            )
            for indicator in indicators
        ]
        context.update(
            region=region,
            indicator_table=IndicatorProgressTable.for_subject(table, region.pk),
            targets_table=self.targets_table(region),
            figures_table=self.figures_table(region),
            charts=[
                (
                    "chart-completion",
                    charts.figure_json(
                        charts.completion_bars(
                            [indicator.name for indicator in indicators],
                            progresses,
                            title=_("各指标年度完成率"),
                            period=self.period,
                        )
                    ),
                ),
                *cumulative,
            ],
        )
        return context

    def targets_table(self, region):
        rows = []
        for indicator in self.table.broken_down:
            row = {
                "order": indicator_order(self.data, indicator),
                "label": indicator.label,
                "decimal_places": indicator.decimal_places,
            }
            yearly = [
                self.data.targets.get((indicator.id, region.pk, year), (None, None))[0]
                for year in self.plan.years
            ]
            row.update(
                {f"y{year}": value for year, value in zip(self.plan.years, yearly, strict=True)}
            )
            # Decimal start: a row of zero targets must stay a Decimal, not int 0.
            row["total"] = sum((v for v in yearly if v is not None), Decimal(0))
            row["stretch"] = None
            rows.append(row)
        return Annex1Table.for_plan(self.plan.years, rows, has_stretch=False, numbered=False)

    def figures_table(self, region):
        return QuarterlyFiguresTable.build(self.data, region.pk, through=self.period)


def indicator_order(data, indicator) -> int:
    return [i.id for i in data.indicators].index(indicator.id) + 1


def lagging_first(table, indicator, limit: int) -> list:
    """Every township while they fit a chart; beyond ``limit`` the ones
    furthest behind 序时 on this indicator (no-target ones last)."""
    regions = list(table.regions)
    if len(regions) <= limit:
        return regions

    def behind(region):
        pace, _status = table.cells.pace((region.id, indicator.id)) or (None, None)
        return (pace is None, pace)

    return sorted(regions, key=behind)[:limit]


class IndicatorView(CountyWideMixin, ProgressMixin, TemplateView):
    """All townships for one indicator: actual vs target with 序时 markers, the
    ranked gap, cumulative lines and the plan-to-date picture."""

    template_name = "reports/indicator.html"
    needs_series = True

    def data_indicator_code(self) -> str | None:
        return self.kwargs["indicator"]

    @staticmethod
    def charted_regions(table, indicator) -> list:
        return lagging_first(table, indicator, settings.HEATMAP_MAX_REGIONS)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        indicator = next(
            (i for i in self.data.indicators if i.code == self.kwargs["indicator"]), None
        )
        if indicator is None:
            raise Http404(_("没有找到该指标。"))
        table = self.table
        county = table.get(None, indicator.id)
        county_label = self.plan.county_name
        if indicator.by_region:
            charted = self.charted_regions(table, indicator)
            column = [(region.name, table.cell(region.id, indicator.id)) for region in charted]
            series = [
                (region.name, table.plan_cumulative_series(region.id, indicator.id))
                for region in charted
            ]
            chart_list = [
                ("chart-actual", charts.actual_vs_target(indicator, column, self.period)),
                ("chart-gap", charts.gap_ranking(indicator, column, self.period)),
                (
                    "chart-cumulative",
                    charts.cumulative_lines(
                        indicator,
                        series,
                        title=_("各%(region)s计划期累计完成(按季度)")
                        % {"region": self.plan.region_term},
                    ),
                ),
                ("chart-plan", charts.plan_to_date_bars(indicator, column, self.period)),
                (
                    "chart-plan-county",
                    charts.plan_to_date_bars(indicator, [(county_label, county)], self.period),
                ),
            ]
            region_table = RegionProgressTable.for_indicator(
                table, indicator, county_label, self.region_urls()
            )
            per_page = settings.MATRIX_PAGE_SIZE
            split = len(table.regions) > per_page
            RequestConfig(
                self.request, paginate={"per_page": per_page} if split else False
            ).configure(region_table)
            if len(charted) < len(table.regions):
                context["charted_note"] = _(
                    "图表显示本指标滞后最多的 %(shown)s 个%(region)s(共 %(total)s 个)。"
                ) % {
                    "shown": len(charted),
                    "region": self.plan.region_term,
                    "total": len(table.regions),
                }
        else:
            chart_list = [
                (
                    "chart-cumulative",
                    charts.cumulative_lines(
                        indicator,
                        [(county_label, table.plan_cumulative_series(None, indicator.id))],
                        title=_("%(county)s计划期累计完成(按季度)") % {"county": county_label},
                        expected_name=_("计划期序时进度"),
                    ),
                ),
                (
                    "chart-plan",
                    charts.plan_to_date_bars(indicator, [(county_label, county)], self.period),
                ),
            ]
            region_table = None
        context.update(
            indicator=indicator,
            county=county,
            region_table=region_table,
            charts=[(key, charts.figure_json(fig)) for key, fig in chart_list],
        )
        return context
