"""The headline goals as a django-tables2 table: one row per goal, built from
``reports.progress.goal_queries.GoalRow``; columns only format."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.progress.display import goal_status_badge_html
from reports.progress.goal_display import goal_note, goal_places, goal_status_label
from reports.progress.goal_queries import GoalRow
from targets.formatting import NumberKind
from targets.tables import BaseTable, ValueColumn


class GoalStatusColumn(tables.Column):
    """The status's colour, in words that name an annual floor's missed years."""

    def render(self, value, record):
        return goal_status_badge_html(value, record["status_label"])

    def value(self, record):
        return record["status_label"]


class GoalTable(BaseTable):
    # The number the goals chart labels its bars with (their text is cut short there).
    number = tables.Column(verbose_name=gettext_lazy("序号"))
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
            "number",
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

    # What a phone shows on the overview (no goals chart there to number).
    SUMMARY_EXCLUDE = ("number", "kind", "stretch", "unit", "forecast", "note")

    @classmethod
    def for_rows(cls, rows: list[GoalRow], *, summary: bool = False) -> GoalTable:
        data = [
            {
                "number": row.goal.order,
                "text": row.goal.text,
                "kind": row.goal.get_kind_display(),
                "value": row.result.value,
                "goal": row.goal.value,
                "stretch": row.goal.stretch_value,
                "unit": row.goal.unit,
                "status": row.result.status,
                "status_label": goal_status_label(row.result, row.provisional),
                "forecast": row.result.forecast,
                "note": goal_note(row),
                "decimal_places": goal_places(row),
            }
            for row in rows
        ]
        forecast = ValueColumn(verbose_name=_("按当前进度预计"), kind=NumberKind.DERIVED)
        return cls(
            data,
            extra_columns=[("forecast", forecast)],
            exclude=cls.SUMMARY_EXCLUDE if summary else (),
        )
