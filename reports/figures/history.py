"""The change history of figures (and targets) for one region and quarter,
read from django-simple-history: who, when, old value, new value and how; and
the steps of the region's report for the quarter (``SubmissionEvent``: saved,
上报, 退回, 审核, 代填), with who, when, the state after and the reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import django_tables2 as tables
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.choices import Source, SubmissionAction, SubmissionState
from reports.models import Figure, SubmissionEvent
from targets.models import Target
from targets.tables import BaseTable, DateTimeColumn, ValueColumn


@dataclass
class ChangeRow:
    at: datetime
    user: str
    subject: str
    old: Decimal | None
    new: Decimal | None
    how: str
    decimal_places: int


def _how(reason: str | None) -> str:
    """'upload: 昆阳补报' → 'Excel 上传:昆阳补报'."""
    if not reason:
        return ""
    source, _sep, why = reason.partition(": ")
    try:
        label = str(Source(source).label)
    except ValueError:
        return reason
    return f"{label}:{why}" if why else label


def _rows(records, subject) -> list[ChangeRow]:
    """History records of many objects → one row per change, with the old
    value taken from the same object's previous record."""
    rows, last_value = [], {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        old = last_value.get(record.id)
        new = None if record.history_type == "-" else record.value
        last_value[record.id] = new
        rows.append(
            ChangeRow(
                at=record.history_date,
                user=(record.history_user.username if record.history_user else "—"),
                subject=subject(record),
                old=old,
                new=new,
                how=_how(record.history_change_reason),
                decimal_places=record.indicator.decimal_places,
            )
        )
    rows.reverse()  # newest first
    return rows


def figure_history(plan, region_id: int | None, year: int, quarter: int) -> list[ChangeRow]:
    records = (
        Figure.history.filter(indicator__plan=plan, region_id=region_id, year=year, quarter=quarter)
        .select_related("history_user", "indicator")
        .order_by("history_date", "history_id")
    )
    return _rows(records, lambda r: r.indicator.name)


def target_history(plan, region_id: int | None) -> list[ChangeRow]:
    records = (
        Target.history.filter(indicator__plan=plan, region_id=region_id)
        .select_related("history_user", "indicator")
        .order_by("history_date", "history_id")
    )
    return _rows(records, lambda r: f"{r.indicator.name} · {r.year or _('总计')}")


class ChangeTable(BaseTable):
    at = DateTimeColumn(verbose_name=gettext_lazy("时间"), format="Y-m-d H:i")
    user = tables.Column(verbose_name=gettext_lazy("修改人"))
    subject = tables.Column(verbose_name=gettext_lazy("项目"))
    old = ValueColumn(verbose_name=gettext_lazy("原值"))
    new = ValueColumn(verbose_name=gettext_lazy("新值"))
    how = tables.Column(verbose_name=gettext_lazy("方式"))

    @classmethod
    def build(cls, rows: list[ChangeRow], empty_text: str) -> ChangeTable:
        return cls([row.__dict__ for row in rows], empty_text=empty_text)


@dataclass
class EventRow:
    at: datetime
    user: str
    action: str
    state: str
    reason: str


def submission_events(plan, region_id: int | None, year: int, quarter: int) -> list[EventRow]:
    """Every step of the region's report for the quarter, newest first; none
    for the county (its figures are the bureau's own)."""
    if region_id is None:
        return []
    events = (
        SubmissionEvent.objects.filter(
            submission__plan=plan,
            submission__region_id=region_id,
            submission__year=year,
            submission__quarter=quarter,
        )
        .select_related("user")
        .order_by("-at", "-pk")
    )
    return [
        EventRow(
            at=event.at,
            user=(event.user.username if event.user else "—"),
            action=str(SubmissionAction(event.action).label),
            state=str(SubmissionState(event.state).label),
            reason=event.reason,
        )
        for event in events
    ]


class EventTable(BaseTable):
    at = DateTimeColumn(verbose_name=gettext_lazy("时间"), format="Y-m-d H:i")
    user = tables.Column(verbose_name=gettext_lazy("操作人"))
    action = tables.Column(verbose_name=gettext_lazy("操作"))
    state = tables.Column(verbose_name=gettext_lazy("操作后状态"))
    reason = tables.Column(verbose_name=gettext_lazy("原因或说明"), default="")

    @classmethod
    def build(cls, rows: list[EventRow], empty_text: str) -> EventTable:
        return cls([row.__dict__ for row in rows], empty_text=empty_text)
