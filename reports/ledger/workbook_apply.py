"""Writing a planned ledger workbook (``reports.ledger.workbook_plan``): all
or nothing, in dependency order — incubators, their recognitions and titles,
enterprises, their titles, then the operating data.

Records go through the ledger's write path (``reports.ledger.services``: who
may write the region, the records' own rules, one record per credit code,
history with the user); the operating data through ``record_operating_data``
(the figures' rules: region, submission state, closed quarters, versions).
The services have no "change the date" for a recognition or a title: those
two edits are saved here, with history.

The preview runs the same writes and rolls them back (``dry_run``), so every
row the services would refuse is listed with its sheet and row before
anything is confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from regions.models import Region
from regions.roles import ENTER_FIGURES
from reports.choices import Source
from reports.figures.changes import FigureError
from reports.ledger import services
from reports.ledger.derived import derived_figures_once
from reports.ledger.operating import METRIC_NAMES, OperatingChange, record_operating_data
from reports.ledger.workbook import (
    MAX_PROBLEMS,
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
from targets.excel.values import Loc, ProblemList, normalize
from targets.ledger import Industry, LedgerFlag
from targets.models import Plan


class LedgerChangedError(FigureError):
    """The database changed between the preview and the confirmation."""

    def __init__(self):
        super().__init__(
            [_("预览之后台账已被他人修改,未写入任何数据。请重新上传文件,核对最新的差异。")]
        )


class _DryRun(Exception):
    pass


@dataclass
class LedgerWritten:
    counts: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        parts = [
            _("%(sheet)s %(count)s 行") % {"sheet": sheet, "count": count}
            for sheet, count in self.counts.items()
            if count
        ]
        return "、".join(parts) or _("没有修改")


def writable_regions(plan: Plan, user) -> tuple[list[Region], Region | None]:
    """The regions ``user`` may import ledger rows for, and a township
    official's own region (None for staff); anyone else is refused."""
    if not services.may_write_ledger(user):
        raise PermissionDenied(_("您的账号没有导入台账的权限。"))
    regions = list(services.writable_regions(plan, user).order_by("order", "pk"))
    if not regions:
        raise PermissionDenied(_("您的账号没有导入台账的权限。"))
    if user.has_perm(ENTER_FIGURES):
        return regions, None
    return regions, regions[0]


# Data rows an uploaded ledger workbook may hold, every sheet together. The
# upload and its confirmation are page requests, each within the app server's
# timeout (gunicorn's default is 30 s), and each writes every row through the
# services (the upload in a dry run it rolls back): measured on PostgreSQL at
# about 1.6 s per 1,000 new firms (benchmarks/ledger.py), more for rows that
# add a title to a firm. A county's whole ledger is a few thousand rows.
LEDGER_MAX_ROWS = 5_000


def preview_ledger(plan: Plan, user, file: LedgerFile) -> LedgerPlan:
    """What ``file`` would change, and every row that cannot be taken: the
    plan's problems, then the writes' own, found by running the rows that
    planned well and rolling back — so one upload lists them all."""
    rows = sum(len(sheet) for sheet in file.sheets.values())
    if rows > LEDGER_MAX_ROWS:
        message = _(
            "文件共 %(rows)s 行数据,超过一次导入 %(limit)s 行的上限;请按区域分成几个文件上传。"
        )
        return LedgerPlan(problems=[message % {"rows": rows, "limit": LEDGER_MAX_ROWS}])
    regions, own = writable_regions(plan, user)
    planned = plan_ledger(plan, regions, file, user=user, user_region=own)
    ops = {
        sheet: [op for op in rows if (sheet, op["row"]) not in file.refused_rows]
        for sheet, rows in planned.ops.items()
    }
    if any(ops.values()) and not file.more_problems:
        # As the confirmation writes: the derived figures once, at the end (per
        # row they cost as much as the row itself). Only if they refuse is the
        # file rehearsed again following each row, to name the rows that change
        # figures that may no longer change.
        found = _rehearse(plan, user, ops, derived_once=True)
        if found is None:
            found = _rehearse(plan, user, ops, derived_once=False) or []
        listed = [*file.problems, *found]
        planned.problems = ProblemList(
            listed[:MAX_PROBLEMS], unlisted=max(0, len(listed) - MAX_PROBLEMS)
        )
    return planned


def _rehearse(plan: Plan, user, ops: dict, *, derived_once: bool) -> list[str] | None:
    """Write ``ops`` and roll back: the rows refused, each named. None: the
    derived figures, synced once at the end, refused (no row to name)."""
    problems: list[str] = []
    try:
        with transaction.atomic():
            if derived_once:
                with derived_figures_once(plan, user):
                    _Writer(plan, user, "", problems).write(ops)
            else:
                _Writer(plan, user, "", problems).write(ops)
            raise _DryRun
    except _DryRun:
        return problems
    except FigureError:
        return None


@transaction.atomic
def apply_ledger(plan: Plan, user, file: LedgerFile, staged_ops: dict, *, file_name: str):
    """Plan ``file`` again and write it, if it plans as it did at preview
    (``staged_ops``); else ``LedgerChangedError``. Any refusal writes nothing."""
    regions, own = writable_regions(plan, user)
    # Lock the regions' incubators so two confirmations do not interleave.
    list(Incubator.objects.select_for_update().filter(region__in=regions).values_list("pk"))
    replanned = plan_ledger(plan, regions, file, user=user, user_region=own)
    if not replanned.ok:
        raise FigureError(replanned.problems)
    if replanned.ops != staged_ops:
        raise LedgerChangedError()
    problems: list[str] = []
    # The derived figures follow once, for every region the file touched.
    with derived_figures_once(plan, user):
        _Writer(plan, user, file_name, problems).write(replanned.ops)
        if problems:
            raise FigureError(problems)
    return LedgerWritten({sheet: len(rows) for sheet, rows in replanned.ops.items()})


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


class _Writer:
    """Writes the planned records op by op, each in its own savepoint; a
    refused op is noted (sheet, row, why) and the rest go on, so that every
    refusal is listed. The caller rolls everything back if any was refused."""

    def __init__(self, plan: Plan, user, file_name: str, problems: list[str]):
        self.plan, self.user, self.file_name, self.problems = plan, user, file_name, problems
        self.regions = {r.pk: r for r in plan.regions.all()}
        self.industries = {i.pk: i for i in Industry.objects.filter(plan=plan)}
        self.flags = {f.pk: f for f in LedgerFlag.objects.filter(plan=plan)}
        self.incubators: dict[tuple[int, str], Incubator] = {}
        self.enterprises_by_row: dict[int, Enterprise] = {}
        self.failed = False

    def write(self, ops: dict) -> None:
        steps = [
            (SHEET_INCUBATORS, self.incubator),
            (SHEET_RECOGNITIONS, self.recognition),
            (SHEET_INCUBATOR_FLAGS, self.incubator_flag),
            (SHEET_ENTERPRISES, self.enterprise),
            (SHEET_ENTERPRISE_FLAGS, self.enterprise_flag),
        ]
        for sheet, step in steps:
            for op in ops.get(sheet, []):
                self.attempt(sheet, op, step)
        self.operating(ops.get(SHEET_OPERATING, []))

    def attempt(self, sheet: str, op: dict, step) -> None:
        try:
            with transaction.atomic():
                step(op)
        except _Missing:
            pass  # what it depends on was refused, and said so
        except (services.LedgerError, FigureError, PermissionDenied) as error:
            messages = getattr(error, "messages", None) or [str(error)]
            for message in messages:
                self.problems.append(Loc(sheet, op["row"]).says(str(message)))

    def incubator(self, op: dict) -> None:
        v = op["values"]
        fields = {
            "operator": v["operator"],
            "kind": v["kind"],
            "lead_industry": self.industries.get(v["lead_industry"]),
            "second_industry": self.industries.get(v["second_industry"]),
            "floor_area": Decimal(v["floor_area"]),
            "status": v["status"],
            "status_since": _day(v["status_since"]),
            "operating_since": _day(v["operating_since"]),
            "note": v["note"],
        }
        region_id, name = op["key"]
        if op["pk"]:
            incubator = Incubator.objects.select_related("region").get(pk=op["pk"])
            incubator = services.update_incubator(self.user, incubator, **fields)
        else:
            incubator = services.create_incubator(
                self.user, region=self.regions[region_id], name=name, **fields
            )
        self.incubators[(region_id, normalize(name))] = incubator

    def incubator_of(self, key: list) -> Incubator:
        region_id, name = key
        wanted = (region_id, normalize(name))
        if wanted not in self.incubators:
            for incubator in Incubator.objects.filter(region_id=region_id).select_related("region"):
                self.incubators.setdefault((region_id, normalize(incubator.name)), incubator)
        if wanted not in self.incubators:
            raise _Missing
        return self.incubators[wanted]

    def recognition(self, op: dict) -> None:
        incubator = self.incubator_of(op["incubator"])
        if op["pk"]:
            self.redate(IncubatorRecognition, op["pk"], op["date"])
        else:
            services.add_recognition(
                self.user, incubator, level=int(op["what"]), recognised_on=_day(op["date"])
            )

    def incubator_flag(self, op: dict) -> None:
        incubator = self.incubator_of(op["incubator"])
        if op["pk"]:
            self.redate(IncubatorFlagGrant, op["pk"], op["date"])
        else:
            flag = self.flags[op["what"]]
            services.grant_incubator_flag(
                self.user, incubator, flag=flag, granted_on=_day(op["date"])
            )

    def enterprise(self, op: dict) -> None:
        v = op["values"]
        fields = {
            "name": v["name"],
            "credit_code": v["credit_code"],
            "incubator": self.incubator_of(op["incubator"]),
            "industry": self.industries.get(v["industry"]),
            "entered_on": _day(v["entered_on"]),
            "stage": v["stage"],
            "left_on": _day(v["left_on"]),
            "exit_reason": v["exit_reason"],
            "note": v["note"],
        }
        if op["pk"]:
            firm = Enterprise.objects.select_related("incubator__region").get(pk=op["pk"])
            firm = services.update_enterprise(self.user, firm, **fields)
        else:
            firm = services.create_enterprise(self.user, **fields)
        self.enterprises_by_row[op["row"]] = firm

    def enterprise_flag(self, op: dict) -> None:
        if op["pk"]:
            self.redate(EnterpriseFlagGrant, op["pk"], op["date"])
            return
        if op["enterprise"]:
            firm = Enterprise.objects.select_related("incubator__region").get(pk=op["enterprise"])
        else:
            firm = self.enterprises_by_row.get(op["enterprise_row"])
            if firm is None:
                raise _Missing
        services.grant_enterprise_flag(
            self.user, firm, flag=self.flags[op["what"]], granted_on=_day(op["date"])
        )

    def redate(self, model, pk: int, day: str) -> None:
        """A recognition's or a title's date corrected."""
        grant = model.objects.get(pk=pk)
        reason = f"{Source.UPLOAD.value}: {self.file_name}"
        services.redate_grant(self.user, grant, _day(day), reason=reason)

    def operating(self, ops: list[dict]) -> None:
        changes = []
        for op in ops:
            try:
                incubator = self.incubator_of(op["incubator"])
            except _Missing:
                continue
            changes.append(
                OperatingChange(
                    incubator.pk,
                    op["year"],
                    op["quarter"],
                    values={name: Decimal(op["values"][name]) for name in METRIC_NAMES},
                    note=op["note"],
                    seen_version=op["version"],
                )
            )
        if not changes:
            return
        try:
            with transaction.atomic():
                record_operating_data(
                    self.plan, self.user, changes, source=Source.UPLOAD, reason=self.file_name
                )
        except (FigureError, PermissionDenied) as error:
            messages = getattr(error, "messages", None) or [str(error)]
            self.problems.extend(Loc(SHEET_OPERATING).says(str(m)) for m in messages)


class _Missing(Exception):
    """An op whose incubator or enterprise was itself refused."""
