"""Writing a planned ledger workbook (``reports.ledger.workbook_plan``): all
or nothing, in dependency order — incubators, their recognitions and titles,
enterprises, their titles, then the operating data through
``record_operating_data`` (the figures' rules: region, submission state,
closed quarters, versions).

The incubator and enterprise writes here are deliberately minimal (one save
each, with ``updated_by`` and a history row saying who, how and from which
file): the ledger pages' write path (``reports.ledger.services``) is built
beside this and is meant to replace them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from regions.models import region_id_of
from regions.roles import ENTER_FIGURES, REPORT_OWN_FIGURES
from reports.choices import Source
from reports.figures.changes import FigureError
from reports.ledger.operating import METRIC_NAMES, OperatingChange, record_operating_data
from reports.ledger.workbook import (
    SHEET_ENTERPRISE_FLAGS,
    SHEET_ENTERPRISES,
    SHEET_INCUBATOR_FLAGS,
    SHEET_INCUBATORS,
    SHEET_OPERATING,
    SHEET_RECOGNITIONS,
    LedgerFile,
)
from reports.ledger.workbook_plan import LedgerPlan, plan_ledger
from reports.models import (
    Enterprise,
    EnterpriseFlagGrant,
    Incubator,
    IncubatorFlagGrant,
    IncubatorRecognition,
)
from targets.excel.values import normalize
from targets.models import Plan


class LedgerChangedError(FigureError):
    """The database changed between the preview and the confirmation."""

    def __init__(self):
        super().__init__(
            [_("预览之后台账已被他人修改,未写入任何数据。请重新上传文件,核对最新的差异。")]
        )


@dataclass
class LedgerWritten:
    counts: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        return ",".join(
            f"{sheet} {count} 行" for sheet, count in self.counts.items() if count
        ) or _("没有修改")


def writable_regions(plan: Plan, user):
    """The regions ``user`` may import ledger rows for: staff every region of
    the plan, a township official their own; anyone else none (refused)."""
    if user.has_perm(ENTER_FIGURES):
        return list(plan.regions.all()), None
    if user.has_perm(REPORT_OWN_FIGURES):
        own = plan.regions.filter(pk=region_id_of(user)).first()
        if own is not None:
            return [own], own
    raise PermissionDenied(_("您的账号没有导入台账的权限。"))


def preview_ledger(plan: Plan, user, file: LedgerFile) -> LedgerPlan:
    regions, own = writable_regions(plan, user)
    return plan_ledger(plan, regions, file, user_region=own)


@transaction.atomic
def apply_ledger(plan: Plan, user, file: LedgerFile, staged_ops: dict, *, file_name: str):
    """Plan ``file`` again and write it, if it plans as it did at preview
    (``staged_ops``); else ``LedgerChangedError``. Raises what
    ``record_operating_data`` raises for the operating data."""
    regions, own = writable_regions(plan, user)
    # Lock the incubators involved so two confirmations do not interleave.
    list(Incubator.objects.select_for_update().filter(region__in=regions).values_list("pk"))
    replanned = plan_ledger(plan, regions, file, user_region=own)
    if not replanned.ok:
        raise FigureError(replanned.problems)
    if replanned.ops != staged_ops:
        raise LedgerChangedError()
    writer = _Writer(plan, user, file_name)
    ops = replanned.ops
    for op in ops[SHEET_INCUBATORS]:
        writer.incubator(op)
    for op in ops[SHEET_RECOGNITIONS]:
        writer.grant(
            IncubatorRecognition, op, level=int(op["what"]), recognised_on=_day(op["date"])
        )
    for op in ops[SHEET_INCUBATOR_FLAGS]:
        writer.grant(IncubatorFlagGrant, op, flag_id=op["what"], granted_on=_day(op["date"]))
    for op in ops[SHEET_ENTERPRISES]:
        writer.enterprise(op)
    for op in ops[SHEET_ENTERPRISE_FLAGS]:
        writer.enterprise_flag(op)
    changes = [
        OperatingChange(
            writer.incubator_id(op["incubator"]),
            op["year"],
            op["quarter"],
            values={name: Decimal(op["values"][name]) for name in METRIC_NAMES},
            note=op["note"],
            seen_version=op["version"],
        )
        for op in ops[SHEET_OPERATING]
    ]
    if changes:
        record_operating_data(plan, user, changes, source=Source.UPLOAD, reason=file_name)
    return LedgerWritten({sheet: len(rows) for sheet, rows in ops.items()})


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


class _Writer:
    def __init__(self, plan: Plan, user, file_name: str):
        self.plan, self.user = plan, user
        self.reason = f"{Source.UPLOAD.value}: {file_name}"
        self.incubators: dict[tuple[int, str], int] = {}
        self.enterprises_by_row: dict[int, int] = {}

    def mark(self, record) -> None:
        record._history_user = self.user
        record._change_reason = self.reason

    def incubator_id(self, key: list) -> int:
        region_id, name = key
        wanted = (region_id, normalize(name))
        if wanted not in self.incubators:
            for incubator in Incubator.objects.filter(region_id=region_id).only("pk", "name"):
                self.incubators[(region_id, normalize(incubator.name))] = incubator.pk
        return self.incubators[wanted]

    def incubator(self, op: dict) -> None:
        values = op["values"]
        region_id, name = op["key"]
        incubator = (
            Incubator.objects.get(pk=op["pk"])
            if op["pk"]
            else Incubator(region_id=region_id, name=name)
        )
        incubator.operator = values["operator"]
        incubator.kind = values["kind"]
        incubator.lead_industry_id = values["lead_industry"]
        incubator.second_industry_id = values["second_industry"]
        incubator.floor_area = Decimal(values["floor_area"])
        incubator.status = values["status"]
        incubator.status_since = _day(values["status_since"])
        incubator.operating_since = _day(values["operating_since"])
        incubator.note = values["note"]
        incubator.updated_by = self.user
        self.mark(incubator)
        incubator.save()
        self.incubators[(region_id, normalize(incubator.name))] = incubator.pk

    def grant(self, model, op: dict, **values) -> None:
        incubator_id = self.incubator_id(op["incubator"])
        record = model.objects.get(pk=op["pk"]) if op["pk"] else model(incubator_id=incubator_id)
        for name, value in values.items():
            setattr(record, name, value)
        self.mark(record)
        record.save()

    def enterprise(self, op: dict) -> None:
        values = op["values"]
        firm = Enterprise.objects.get(pk=op["pk"]) if op["pk"] else Enterprise(plan=self.plan)
        firm.incubator_id = self.incubator_id(op["incubator"])
        firm.name = values["name"]
        firm.credit_code = values["credit_code"]
        firm.industry_id = values["industry"]
        firm.entered_on = _day(values["entered_on"])
        firm.stage = values["stage"]
        firm.left_on = _day(values["left_on"])
        firm.exit_reason = values["exit_reason"]
        firm.note = values["note"]
        firm.updated_by = self.user
        self.mark(firm)
        firm.save()
        self.enterprises_by_row[op["row"]] = firm.pk

    def enterprise_flag(self, op: dict) -> None:
        firm_id = op["enterprise"] or self.enterprises_by_row.get(op["enterprise_row"])
        if firm_id is None:  # planned with a firm that is neither stored nor written
            raise LedgerChangedError()
        grant = (
            EnterpriseFlagGrant.objects.get(pk=op["pk"])
            if op["pk"]
            else EnterpriseFlagGrant(enterprise_id=firm_id, flag_id=op["what"])
        )
        grant.granted_on = _day(op["date"])
        self.mark(grant)
        grant.save()
