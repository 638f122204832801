"""A ledger record's history as a reader wants it: who changed what, from
which value to which, newest first (from simple-history's rows, in one query
plus the names the values refer to)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy

from regions.models import Region
from targets.ledger import Industry

KINDS = {"+": gettext_lazy("创建"), "~": gettext_lazy("修改"), "-": gettext_lazy("删除")}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    kind: str
    reason: str
    changes: list[FieldChange]


def _shown(field, value, names: dict) -> str:
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        return names.get(field.related_model, {}).get(value, str(value))
    return str(value)


def record_history(
    record, skip: tuple[str, ...] = ("updated_at", "updated_by")
) -> list[HistoryEntry]:
    """The history of ``record`` (an Incubator or an Enterprise), newest first."""
    rows = list(
        record.history.select_related("history_user").order_by("history_date", "history_id")
    )
    plan_id = getattr(record, "plan_id", None) or record.region.plan_id
    names = {
        Industry: dict(Industry.objects.filter(plan_id=plan_id).values_list("pk", "name")),
        Region: dict(Region.objects.filter(plan_id=plan_id).values_list("pk", "name")),
    }
    if hasattr(record, "incubator_id"):
        from reports.models import Incubator

        ids = {row.incubator_id for row in rows}
        names[Incubator] = dict(Incubator.objects.filter(pk__in=ids).values_list("pk", "name"))
    meta = type(record)._meta
    entries, previous = [], None
    for row in rows:
        changes = []
        if previous is not None:
            delta = row.diff_against(previous)
            for change in delta.changes:
                if change.field in skip:
                    continue
                field = meta.get_field(change.field)
                changes.append(
                    FieldChange(
                        str(field.verbose_name),
                        _shown(field, change.old, names),
                        _shown(field, change.new, names),
                    )
                )
        user = row.history_user
        entries.append(
            HistoryEntry(
                when=row.history_date,
                who=(user.get_full_name() or user.username) if user else "—",
                kind=str(KINDS.get(row.history_type, row.history_type)),
                reason=row.history_change_reason or "",
                changes=changes,
            )
        )
        previous = row
    return entries[::-1]
