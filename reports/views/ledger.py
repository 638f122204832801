"""The ledger's read pages: the incubator list, an incubator's page and the
enterprise list, with their exports (``?_export=xlsx`` or ``csv``).

Every page is a ``LedgerMixin`` (on ``PlanAccessMixin``): records are read
only through the user's scoped regions, so a township official sees their
own region's and gets 404 for another's, exactly like a record that does not
exist. Leaders read everything; the write pages are in ``ledger_edit``.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from reports.excel.tables import EXPORT_FORMATS, export_response
from reports.ledger import listing
from reports.ledger.duplicates import suspect_ids
from reports.ledger.record_history import record_history
from reports.ledger.services import may_write_ledger
from reports.models import Enterprise, Incubator
from reports.views.ledger_forms import (
    EnterpriseFilterForm,
    FlagGrantForm,
    IncubatorFilterForm,
    RecognitionForm,
)
from reports.views.ledger_tables import (
    EnterpriseTable,
    IncubatorTable,
    RecordHistoryTable,
    level_label,
)
from targets.access import PlanAccessMixin
from targets.ledger import LedgerFlag

PER_PAGE = 50
HISTORY_PER_PAGE = 20


def history_table(request, record) -> RecordHistoryTable:
    """A ledger record's history, a page at a time (its own page parameter,
    ``history-page``, beside a page's other table)."""
    table = RecordHistoryTable(record_history(record), prefix="history-")
    RequestConfig(request, paginate={"per_page": HISTORY_PER_PAGE}).configure(table)
    return table


class LedgerMixin(PlanAccessMixin):
    """The user's incubators and enterprises, and whether they may write."""

    @cached_property
    def may_write(self) -> bool:
        return may_write_ledger(self.request.user)

    def incubator_or_404(self, pk: int) -> Incubator:
        found = (
            Incubator.objects.filter(region__in=self.regions, pk=pk)
            .select_related("region", "lead_industry", "second_industry")
            .first()
        )
        if found is None:
            raise Http404(_("没有找到该载体。"))
        return found

    def enterprise_or_404(self, pk: int) -> Enterprise:
        found = (
            Enterprise.objects.filter(incubator__region__in=self.regions, pk=pk)
            .select_related("incubator__region", "industry")
            .first()
        )
        if found is None:
            raise Http404(_("没有找到该企业。"))
        return found

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_write"] = self.may_write
        return context


class LedgerListView(LedgerMixin, TemplateView):
    """A filtered, paged list with counts and exports; subclasses say what."""

    filter_form_class: type
    export_name: str

    @cached_property
    def filter_form(self):
        data = self.request.GET.copy()
        for key in ("page", "_export", "sort"):
            data.pop(key, None)
        form = self.filter_form_class(
            data,
            regions=list(self.regions),
            industries=list(listing.plan_industries(self.plan)),
            region_term=self.plan.region_term,
        )
        if data and not form.is_valid():
            messages.warning(self.request, _("部分筛选条件无效,已忽略。"))
        return form

    def rows(self):
        raise NotImplementedError

    def build_table(self, rows):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        export_format = request.GET.get("_export")
        if export_format is None:
            return super().get(request, *args, **kwargs)
        if export_format not in EXPORT_FORMATS:
            raise Http404(_("不支持的导出格式。"))
        return export_response(self.build_table(self.rows()), export_format, str(self.export_name))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = self.rows()
        table = self.build_table(rows)
        RequestConfig(self.request, paginate={"per_page": PER_PAGE}).configure(table)
        query = self.request.GET.copy()
        for key in ("page", "_export"):
            query.pop(key, None)
        context.update(
            table=table,
            filter_form=self.filter_form,
            page_query=query.urlencode(),
            counts=self.counts(rows),
        )
        return context


class IncubatorListView(LedgerListView):
    template_name = "reports/ledger/incubators.html"
    filter_form_class = IncubatorFilterForm
    export_name = gettext_lazy("孵化载体")

    def rows(self):
        return listing.incubators(self.regions, self.filter_form.chosen())

    def build_table(self, rows):
        return IncubatorTable(rows)

    def counts(self, rows):
        return listing.incubator_counts(rows)


class EnterpriseListView(LedgerListView):
    template_name = "reports/ledger/enterprises.html"
    filter_form_class = EnterpriseFilterForm
    export_name = gettext_lazy("在孵企业")

    def rows(self):
        return listing.enterprises(self.regions, self.filter_form.chosen())

    def build_table(self, rows):
        return EnterpriseTable(rows, suspects=self.suspects, may_edit=self.may_write)

    @cached_property
    def suspects(self) -> set[int]:
        return suspect_ids(self.plan)

    def counts(self, rows):
        return listing.enterprise_counts(rows)


class IncubatorDetailView(LedgerMixin, TemplateView):
    """One incubator: its record, recognitions, titles, enterprises and history."""

    template_name = "reports/ledger/incubator.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        incubator = self.incubator_or_404(self.kwargs["incubator"])
        recognitions = list(incubator.recognitions.order_by("recognised_on", "level"))
        firms = list(incubator.enterprises.select_related("industry").order_by("entered_on", "pk"))
        top = max((r.level for r in recognitions), default=None)
        enterprises = EnterpriseTable(
            firms,
            suspects=suspect_ids(self.plan),
            may_edit=self.may_write,
            exclude=("region", "incubator", "level"),
            empty_text=_("暂无在孵企业。"),
        )
        RequestConfig(self.request, paginate={"per_page": PER_PAGE}).configure(enterprises)
        context.update(
            incubator=incubator,
            level=level_label(top),
            recognitions=recognitions,
            flag_grants=list(incubator.flag_grants.select_related("flag")),
            enterprises=enterprises,
            enterprise_total=len(firms),
            current_count=sum(1 for firm in firms if firm.left_on is None),
            history=history_table(self.request, incubator),
        )
        if self.may_write:
            flags = LedgerFlag.objects.filter(
                plan=self.plan, applies_to=LedgerFlag.Applies.INCUBATOR
            )
            context.update(
                recognition_form=RecognitionForm(),
                flag_form=FlagGrantForm(flags=flags),
            )
        return context
