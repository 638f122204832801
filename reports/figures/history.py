"""The change history of figures (and targets) for one region and quarter,
read from django-simple-history: who, when, old value, new value and how."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import django_tables2 as tables
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.choices import Source
from reports.models import Figure
from targets.models import Target
from targets.tables import BaseTable, ValueColumn


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
    at = tables.DateTimeColumn(verbose_name=gettext_lazy("时间"), format="Y-m-d H:i")
    user = tables.Column(verbose_name=gettext_lazy("修改人"))
    subject = tables.Column(verbose_name=gettext_lazy("项目"))
    old = ValueColumn(verbose_name=gettext_lazy("原值"))
    new = ValueColumn(verbose_name=gettext_lazy("新值"))
    how = tables.Column(verbose_name=gettext_lazy("方式"))

    @classmethod
    def build(cls, rows: list[ChangeRow], empty_text: str) -> ChangeTable:
        return cls([row.__dict__ for row in rows], empty_text=empty_text)
