"""The headline goals as a django-tables2 table: one row per goal, built from
``reports.progress.goal_queries.GoalRow``; columns only format."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.choices import GoalStatus
from reports.progress.display import goal_status_badge_html
from reports.progress.goal_queries import GoalRow
from targets.choices import GoalKind
from targets.formatting import NumberKind, format_number
from targets.tables import BaseTable, ValueColumn

# Shares and coverage are percents, shown to one place.
PERCENT_PLACES = 1


def goal_places(row: GoalRow) -> int:
    if row.goal.kind in (GoalKind.SHARE, GoalKind.COVERAGE):
        return PERCENT_PLACES
    return row.goal.decimal_places


def goal_note(row: GoalRow) -> str:
    """What else the reader needs: the annex's own number, each year of a
    floor, the quarter a stock or share was last reported."""
    goal, result, places = row.goal, row.result, goal_places(row)
    notes = []
    if row.differs_from_annex:
        annex = format_number(row.annex_total, goal.indicator.decimal_places)
        notes.append(_("附件1计划期目标 %(value)s%(unit)s") % {"value": annex, "unit": goal.unit})
    for year in result.years:
        value = format_number(year.value, places) if year.value is not None else "—"
        notes.append(
            _("%(year)s年 %(value)s(%(status)s)")
            % {"year": year.year, "value": value, "status": GoalStatus(year.status).label}
        )
    if result.measured_at is not None:
        notes.append(_("截至%(period)s填报") % {"period": result.measured_at.label})
    return ";".join(notes)


class GoalStatusColumn(tables.Column):
    def render(self, value):
        return goal_status_badge_html(value)

    def value(self, value):
        return str(GoalStatus(value).label)


class GoalTable(BaseTable):
    text = tables.Column(verbose_name=gettext_lazy("目标要求"))
    kind = tables.Column(verbose_name=gettext_lazy("类型"))
    value = ValueColumn(verbose_name=gettext_lazy("截至目前"))
    goal = ValueColumn(verbose_name=gettext_lazy("目标值"))
    stretch = ValueColumn(verbose_name=gettext_lazy("高线"))
    unit = tables.Column(verbose_name=gettext_lazy("单位"), default="")
    status = GoalStatusColumn(verbose_name=gettext_lazy("状态"))
    note = tables.Column(verbose_name=gettext_lazy("说明"), default="")

    class Meta(BaseTable.Meta):
        sequence = (
            "text",
            "kind",
            "value",
            "goal",
            "stretch",
            "unit",
            "status",
            "forecast",
            "note",
        )

    # What a phone shows on the overview.
    SUMMARY_EXCLUDE = ("kind", "stretch", "unit", "forecast", "note")

    @classmethod
    def for_rows(cls, rows: list[GoalRow], *, summary: bool = False, last_year: int) -> GoalTable:
        data = [
            {
                "text": row.goal.text,
                "kind": row.goal.get_kind_display(),
                "value": row.result.value,
                "goal": row.goal.value,
                "stretch": row.goal.stretch_value,
                "unit": row.goal.unit,
                "status": row.result.status,
                "forecast": row.result.forecast,
                "note": goal_note(row),
                "decimal_places": goal_places(row),
            }
            for row in rows
        ]
        forecast = ValueColumn(
            verbose_name=_("按当前进度预计%(year)s年") % {"year": last_year},
            kind=NumberKind.DERIVED,
        )
        return cls(
            data,
            extra_columns=[("forecast", forecast)],
            exclude=cls.SUMMARY_EXCLUDE if summary else (),
        )
