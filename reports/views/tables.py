"""django-tables2 tables of progress. Rows are dicts holding ``CellProgress``
objects from the engine; columns only format, never compute.

A subject that has not reported the quarter has no numbers (the engine gives
None): its actuals and its status read 未报, on the page and in exports, never
0; a provisional status reads e.g. "滞后(暂定)" (``reports.progress.display``)."""

from __future__ import annotations

from decimal import Decimal

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.choices import Status
from reports.progress import Period, plan_periods
from reports.progress.display import (
    field_kind,
    shown_status,
    status_badge_html,
    status_label,
)
from reports.progress.table import IndicatorInfo, ProgressTable
from targets.formatting import format_percent, format_value, percent_export
from targets.tables import BaseTable, ValueColumn

NUM = {"td": {"class": "num"}, "th": {"class": "num"}}


class PercentColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", NUM)
        kwargs.setdefault("default", None)
        super().__init__(*args, **kwargs)

    def render(self, value):
        return format_percent(value)

    def value(self, value):
        return percent_export(value)


NOT_REPORTED_TEXT = Status.NOT_REPORTED.label

# The actuals a subject without a report has none of: they read 未报.
ACTUAL_FIELDS = ("quarter_actual", "ytd_actual", "plan_actual")


class StatusColumn(tables.Column):
    """A status of the cell at ``accessor`` (a ``CellProgress``): ``field`` is
    ``status`` or ``plan_status``; provisional when the cell says so."""

    PROVISIONAL = {"status": "provisional", "plan_status": "plan_provisional"}

    def __init__(self, *args, field: str = "status", **kwargs):
        self.field = field
        kwargs.setdefault("default", None)
        super().__init__(*args, **kwargs)

    def _parts(self, progress) -> tuple[str, bool]:
        return getattr(progress, self.field), getattr(progress, self.PROVISIONAL[self.field])

    def render(self, value):
        return status_badge_html(*self._parts(value))

    def value(self, value):
        return status_label(*self._parts(value))


class ProgressValueColumn(ValueColumn):
    """A number of the row's progress (the cell at ``cell`` in the row, by
    default ``progress``); an actual of a subject that has not reported
    reads 未报, on the page and in exports."""

    def __init__(self, *args, cell: str = "progress", **kwargs):
        self.cell = cell
        # Render None too: it is 未报 or "—", never the table's blank.
        kwargs.setdefault("empty_values", ())
        super().__init__(*args, **kwargs)

    def _not_reported(self, value, record) -> bool:
        progress = record.get(self.cell)
        return value is None and progress is not None and not progress.reported

    def render(self, value, record):
        if self._not_reported(value, record):
            return NOT_REPORTED_TEXT
        return super().render(value, record)

    def value(self, value, record):
        if self._not_reported(value, record):
            return str(NOT_REPORTED_TEXT)
        return super().value(value, record)


class PinnedLastData(tables.data.TableListData):
    """Sorting a table never moves its total row (``pinned``) from the bottom."""

    def order_by(self, aliases):
        super().order_by(aliases)
        self.data.sort(key=lambda row: bool(row.get("pinned")))


def progress_value(field: str, verbose_name) -> ValueColumn:
    """A column of one number field of the row's ``progress``, shown as the
    field's kind says (the charts format the same field the same way)."""
    column = ProgressValueColumn if field in ACTUAL_FIELDS else ValueColumn
    return column(accessor=f"progress__{field}", kind=field_kind(field), verbose_name=verbose_name)


class ProgressColumnsTable(BaseTable):
    """The engine's numbers for one subject × indicator per row."""

    status = StatusColumn(accessor="progress", verbose_name=gettext_lazy("状态"))
    completion = PercentColumn(accessor="progress__completion", verbose_name=gettext_lazy("完成率"))
    annual_target = progress_value("annual_target", gettext_lazy("年度目标"))
    annual_stretch_target = progress_value("annual_stretch_target", gettext_lazy("年度高线"))
    ytd_actual = progress_value("ytd_actual", gettext_lazy("年度累计完成"))
    expected_value = progress_value("expected_value", gettext_lazy("序时进度应完成"))
    gap_to_target = progress_value("gap_to_target", gettext_lazy("距年度目标"))
    projection = progress_value("projection", gettext_lazy("按当前进度年末预计"))
    needed_per_quarter = progress_value("needed_per_quarter", gettext_lazy("剩余每季度需完成"))
    plan_actual = progress_value("plan_actual", gettext_lazy("计划期累计"))
    plan_target = progress_value("plan_target", gettext_lazy("计划期目标"))
    plan_completion = PercentColumn(
        accessor="progress__plan_completion", verbose_name=gettext_lazy("计划期完成率")
    )
    plan_status = StatusColumn(
        accessor="progress", field="plan_status", verbose_name=gettext_lazy("计划期状态")
    )
    stretch_target = progress_value("stretch_target", gettext_lazy("高线"))

    @staticmethod
    def stretch_exclusion(rows: list[dict]) -> tuple[str, ...]:
        """The high-line columns, shown only where the plan gives one."""
        return tuple(
            name
            for name in ("annual_stretch_target", "stretch_target")
            if all(getattr(row["progress"], name) is None for row in rows)
        )


def _linked(value, record):
    if record.get("url"):
        return format_html('<a href="{}">{}</a>', record["url"], value)
    return value


class IndicatorProgressTable(ProgressColumnsTable):
    """One row per indicator for one subject (the county or a township)."""

    label = tables.Column(verbose_name=gettext_lazy("指标"))

    class Meta(ProgressColumnsTable.Meta):
        sequence = ("label", "...")

    def render_label(self, value, record):
        return _linked(value, record)

    # The leaders' overview keeps to what a phone can show.
    SUMMARY_EXCLUDE = ("gap_to_target", "projection", "needed_per_quarter", "plan_status")

    @classmethod
    def for_subject(
        cls, table: ProgressTable, region_id: int | None, urls=None, summary: bool = False
    ):
        rows = [
            {
                "label": indicator.label,
                "decimal_places": indicator.decimal_places,
                "progress": progress,
                "url": (urls or {}).get(indicator.code),
            }
            for indicator in table.indicators
            if (progress := table.get(region_id, indicator.id)) is not None
        ]
        exclude = cls.stretch_exclusion(rows) + (cls.SUMMARY_EXCLUDE if summary else ())
        return cls(rows, exclude=exclude)


class RegionProgressTable(ProgressColumnsTable):
    """One row per township for one indicator, with the county row last."""

    region = tables.Column(verbose_name=gettext_lazy("区域"))

    class Meta(ProgressColumnsTable.Meta):
        sequence = ("region", "...")

    def render_region(self, value, record):
        return _linked(value, record)

    @classmethod
    def for_indicator(
        cls, table: ProgressTable, indicator: IndicatorInfo, county_name: str, region_urls: dict
    ):
        rows = [
            {
                "region": region.name,
                "decimal_places": indicator.decimal_places,
                "progress": progress,
                "url": region_urls.get(region.code),
            }
            for region, progress in table.column(indicator.id)
        ]
        rows.append(
            {
                "region": county_name,
                "decimal_places": indicator.decimal_places,
                "progress": table.cell(None, indicator.id),
                "pinned": True,
            }
        )
        return cls(PinnedLastData(rows), exclude=cls.stretch_exclusion(rows))


class QuarterFigureColumn(ValueColumn):
    """One quarter's figure; 未报 when the subject has not reported that
    quarter (blank would read as "nothing new", which is a figure: 0)."""

    def __init__(self, *args, reported: bool, **kwargs):
        self.reported = reported
        kwargs.setdefault("empty_values", ())
        super().__init__(*args, **kwargs)

    def render(self, value, record):
        if value is None and not self.reported:
            return NOT_REPORTED_TEXT
        return super().render(value, record)


class QuarterlyFiguresTable(BaseTable):
    """The figures reported each quarter (本季度新增) for one subject: only
    those that count (approved, or submitted when staff include them)."""

    label = tables.Column(verbose_name=gettext_lazy("指标"))

    @classmethod
    def build(cls, data, region_id: int | None, *, through: Period):
        periods = plan_periods(data.plan.years, through)
        indicators = [i for i in data.indicators if i.by_region == (region_id is not None)]
        reported = data.reported()
        rows = []
        for indicator in indicators:
            row = {"label": indicator.label, "decimal_places": indicator.decimal_places}
            for period in periods:
                row[period.code] = data.figures.get(
                    (indicator.id, region_id, period.year, period.quarter)
                )
            rows.append(row)
        extra = [
            (
                period.code,
                QuarterFigureColumn(
                    verbose_name=period.label,
                    reported=region_id is None
                    or reported is None
                    or (period.year, period.quarter) in reported.get(region_id, ()),
                ),
            )
            for period in periods
        ]
        return cls(rows, extra_columns=extra)


class MatrixTable(BaseTable):
    """The annex-2 layout for one year: regions × indicators, each cell
    actual / target with completion and status colour; a pinned county row.

    On screen one column per indicator; in exports each indicator spreads into
    actual, target, completion, expected and status columns of plain values.
    """

    region = tables.Column(verbose_name=gettext_lazy("区域"), order_by=("order",))

    class Meta(BaseTable.Meta):
        orderable = True

    def render_region(self, value, record):
        return _linked(value, record)

    def value_region(self, value):
        return value

    @classmethod
    def build(cls, table: ProgressTable, *, county_name: str, region_urls: dict, **kwargs):
        indicators = table.broken_down
        rows = []
        for order, row in enumerate([*table.rows(), table.county_row()]):
            pinned = row.region is None
            record = {
                "region": county_name if pinned else row.region.name,
                "order": order,
                "pinned": pinned,
                "url": None if pinned else region_urls.get(row.region.code),
            }
            for indicator in indicators:
                progress = table.get(None if pinned else row.region.id, indicator.id)
                record[f"i{indicator.id}"] = progress
                for fields in (YEAR_FIELDS, PLAN_FIELDS):
                    rank = completion_rank(progress, fields["completion"])
                    record[f"rank_i{indicator.id}_{fields['completion']}"] = rank
            rows.append(record)
        extra = []
        for indicator in indicators:
            # An indicator the plan gives only a total is judged on the plan
            # so far (its status is the plan's): its column shows those
            # numbers, named 指标(计划期) as in the official report.
            on_plan = table.subjects[(None, indicator.id)].total_only
            extra.append((f"i{indicator.id}", MatrixCellColumn(indicator, on_plan=on_plan)))
            extra += _export_columns(indicator, on_plan=on_plan)
        return cls(PinnedLastData(rows), extra_columns=extra, **kwargs)


# The numbers a matrix column shows: the year's, or the plan's so far.
YEAR_FIELDS = {
    "actual": "ytd_actual",
    "target": "annual_target",
    "completion": "completion",
    "expected": "expected_value",
}
PLAN_FIELDS = {
    "actual": "plan_actual",
    "target": "plan_target",
    "completion": "plan_completion",
    "expected": "plan_expected",
}


def completion_rank(progress, field: str) -> Decimal:
    """Where a cell sorts in a column ordered by completion (``field``: the
    year's or the plan's): by the rate it shows; a cell done without a rate (a
    zero target, asked nothing) as complete, with the cells at 100%; a cell
    with no rate otherwise (no target, not reported) below every rate."""
    value = getattr(progress, field) if progress is not None else None
    if value is not None:
        return value
    status = None
    if progress is not None:
        status = progress.plan_status if field == "plan_completion" else progress.status
    return Decimal(1) if status == Status.DONE else Decimal(-1)


def matrix_label(indicator: IndicatorInfo, on_plan: bool) -> str:
    if on_plan:
        return _("%(indicator)s(计划期)") % {"indicator": indicator.label}
    return indicator.label


def _export_columns(
    indicator: IndicatorInfo, *, on_plan: bool = False
) -> list[tuple[str, tables.Column]]:
    key = f"i{indicator.id}"
    places = indicator.decimal_places
    fields = PLAN_FIELDS if on_plan else YEAR_FIELDS
    label = matrix_label(indicator, on_plan)

    def value_column(attr: str, title: str) -> tables.Column:
        column = ProgressValueColumn if attr in ACTUAL_FIELDS else ValueColumn
        extra = {"cell": key} if attr in ACTUAL_FIELDS else {}
        return column(
            accessor=f"{key}__{attr}",
            verbose_name=f"{label} {title}",
            decimal_places=places,
            kind=field_kind(attr),
            visible=False,
            **extra,
        )

    return [
        (f"{key}_actual", value_column(fields["actual"], _("累计完成"))),
        (
            f"{key}_target",
            value_column(fields["target"], _("计划期目标") if on_plan else _("年度目标")),
        ),
        (
            f"{key}_completion",
            PercentColumn(
                accessor=f"{key}__{fields['completion']}",
                verbose_name=f"{label} {_('完成率')}(%)",
                visible=False,
            ),
        ),
        (f"{key}_expected", value_column(fields["expected"], _("序时进度应完成"))),
        (
            f"{key}_status",
            StatusColumn(
                accessor=key,
                verbose_name=f"{label} {_('状态')}",
                visible=False,
            ),
        ),
    ]


class MatrixCellColumn(tables.Column):
    """actual / target, completion underneath, cell coloured by status."""

    def __init__(self, indicator: IndicatorInfo, *, on_plan: bool = False):
        self.indicator = indicator
        self.fields = PLAN_FIELDS if on_plan else YEAR_FIELDS
        super().__init__(
            verbose_name=matrix_label(indicator, on_plan),
            accessor=f"i{indicator.id}",
            order_by=(f"rank_i{indicator.id}_{self.fields['completion']}",),
            exclude_from_export=True,
            attrs={
                "td": {"class": lambda record: _cell_class(record, self.indicator)},
                "th": {"class": "num"},
            },
            default=None,
        )

    def render(self, value):
        places = self.indicator.decimal_places
        target = format_value(getattr(value, self.fields["target"]), places)
        if not value.reported:
            return format_html(
                '<span class="cell-actual">{}</span> / <span class="cell-target">{}</span>',
                NOT_REPORTED_TEXT,
                target,
            )
        return format_html(
            '<span class="cell-actual">{}</span> / <span class="cell-target">{}</span>'
            "<br><small>{}{}</small>",
            format_value(getattr(value, self.fields["actual"]), places),
            target,
            format_percent(getattr(value, self.fields["completion"])),
            _(" · 暂定") if value.provisional else "",
        )


def _cell_class(record, indicator: IndicatorInfo) -> str:
    progress = record.get(f"i{indicator.id}")
    if not progress:
        return "num"
    shown = shown_status(progress.status, progress.provisional)
    return f"num status-{shown}" + (" provisional" if progress.provisional else "")
