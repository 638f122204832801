"""台账核对: the ledger's number beside the reported (approved) figure, per
region and indicator the ledger counts, for a quarter and its year to date;
differences highlighted, with the incubators and enterprises behind the
ledger's number listed by name. County staff and leaders see every region
and the county; a township official their own region only. Exportable
(``?_export=xlsx`` or ``csv``)."""

from __future__ import annotations

import django_tables2 as tables
from django.http import Http404
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from reports.excel.tables import EXPORT_FORMATS, export_response
from reports.ledger.reconcile import ReconcileRow, reconcile
from reports.progress.queries import latest_period, load_reporting
from reports.views.mixins import PeriodMixin
from targets.access import PlanAccessMixin
from targets.formatting import NumberKind
from targets.tables import BaseTable, ValueColumn

NOT_REPORTED = gettext_lazy("未报")
PARTLY_REPORTED = gettext_lazy("部分未报")
# A county row's records can run into thousands: the page lists the first
# ones, the export all of them.
RECORDS_SHOWN = 30


class ReportedColumn(ValueColumn):
    """A reported figure; 未报 when none counts, 部分未报 on the county's row
    while some region's report is not approved."""

    def __init__(self, *args, **kwargs):
        kwargs["empty_values"] = ()  # None is rendered here, in words
        super().__init__(*args, **kwargs)

    @staticmethod
    def missing(record) -> str:
        return str(PARTLY_REPORTED if record["partial"] else NOT_REPORTED)

    def render(self, value, record):
        return self.missing(record) if value is None else super().render(value, record)

    def value(self, value, record):
        return self.missing(record) if value is None else super().value(value, record)


class RecordsColumn(tables.Column):
    """The records behind a differing ledger number: name (on a county row,
    with its township) and the date that counts."""

    def render(self, value):
        shown = format_html_join(
            "",
            '<div class="small">{} <span class="text-muted">{}</span></div>',
            ((name, date_format(on, "Y-m-d")) for name, on in value[:RECORDS_SHOWN]),
        )
        if len(value) <= RECORDS_SHOWN:
            return shown
        more = _("……另有 %(count)d 条,见导出文件。") % {"count": len(value) - RECORDS_SHOWN}
        return format_html('{}<div class="small text-muted">{}</div>', shown, more)

    def value(self, value):
        return "、".join(name for name, _on in value)


class ReconcileTable(BaseTable):
    region = tables.Column(verbose_name=gettext_lazy("区域"))
    indicator = tables.Column(verbose_name=gettext_lazy("指标"))
    unit = tables.Column(verbose_name=gettext_lazy("单位"))
    ledger = ValueColumn(verbose_name=gettext_lazy("台账数(本季度)"))
    reported = ReportedColumn(verbose_name=gettext_lazy("填报数(本季度)"))
    difference = ValueColumn(verbose_name=gettext_lazy("差额(本季度)"), kind=NumberKind.VALUE)
    ledger_ytd = ValueColumn(verbose_name=gettext_lazy("台账数(年度累计)"))
    reported_ytd = ReportedColumn(verbose_name=gettext_lazy("填报数(年度累计)"))
    difference_ytd = ValueColumn(verbose_name=gettext_lazy("差额(年度累计)"))
    records = RecordsColumn(verbose_name=gettext_lazy("台账记录(有差异时列出)"), default="")

    class Meta(BaseTable.Meta):
        row_attrs = {
            "class": lambda record: "table-warning" if record["differs"] else "",
            "data-differs": lambda record: "1" if record["differs"] else "0",
        }

    @classmethod
    def for_rows(cls, rows: list[ReconcileRow], region_names: dict[int, str]) -> ReconcileTable:
        return cls([_row(row, region_names) for row in rows])


def _row(row: ReconcileRow, region_names: dict[int, str]) -> dict:
    def gap(ledger, reported):
        return None if reported is None else ledger - reported

    shown = row.records_ytd if row.differs_ytd else row.records if row.differs else ()
    if row.region_id is None:  # the county's row: say which township each is in
        shown = [(f"{r.name}({region_names.get(r.region_id, '')})", r.on) for r in shown]
    else:
        shown = [(r.name, r.on) for r in shown]
    return {
        "region": row.region_name,
        "indicator": row.indicator.name,
        "unit": row.indicator.unit,
        "decimal_places": row.indicator.decimal_places,
        "ledger": row.ledger,
        "reported": row.reported,
        "difference": gap(row.ledger, row.reported),
        "ledger_ytd": row.ledger_ytd,
        "reported_ytd": row.reported_ytd,
        "difference_ytd": gap(row.ledger_ytd, row.reported_ytd),
        "records": shown,
        "differs": row.any_difference,
        "partial": row.partial,
    }


class LedgerReconcileView(PeriodMixin, PlanAccessMixin, TemplateView):
    template_name = "reports/ledger_reconcile.html"
    # Like the progress pages: a quarter not begun has nothing to reconcile
    # (asked for, the page says so and shows the default quarter; the export
    # refuses).
    offers_later_quarters = False

    @cached_property
    def scoped(self):
        return load_reporting(self.plan, self.regions)

    @cached_property
    def default_period(self):
        return latest_period(
            self.plan, self.regions, whole_county=self.whole_county, scoped=self.scoped
        )

    @cached_property
    def rows(self) -> list[ReconcileRow]:
        regions = [(region.id, region.name) for region in self.scoped.regions]
        return reconcile(
            self.plan,
            self.period,
            regions,
            whole_county=self.whole_county,
            counted=self.scoped.reporting.reported_quarters(),
        )

    def table(self) -> ReconcileTable:
        return ReconcileTable.for_rows(self.rows, {r.id: r.name for r in self.scoped.regions})

    def get(self, request, *args, **kwargs):
        export_format = request.GET.get("_export")
        if export_format is None:
            return super().get(request, *args, **kwargs)
        if export_format not in EXPORT_FORMATS:
            raise Http404(_("不支持的导出格式。"))
        if refusal := self.refuse_download_of_bad_period(request.path):
            return refusal
        filename = _("台账核对_%(period)s") % {"period": self.period.code}
        return export_response(self.table(), export_format, filename)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            self.period_context(),
            table=self.table(),
            differences=sum(1 for row in self.rows if row.any_difference),
            page_query=f"period={self.period.code}",
        )
        return context
