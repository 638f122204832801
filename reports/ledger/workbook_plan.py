"""What an uploaded ledger workbook would change, checked against the
database and the user's scope: every record it creates or updates, or every
row that cannot be taken, each named by sheet and row. Writes nothing.

The plan is a deterministic function of the file's rows and the database, made
of plain values (``LedgerPlan.ops``): the preview stages it, the confirmation
plans the same rows again and writes only if the result is unchanged — a
record edited in between is a conflict, not a silent overwrite.

Identity: an incubator is (区域, 载体名称); an enterprise is its credit code
when it has one (checked with its GB 32100 check character), else its
normalised name. An enterprise already recorded under another incubator is a
row error naming the existing record — never a second record. Rows absent from
a file leave records as they are; a blank optional cell clears that field.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from regions.models import Region
from reports.figures.deadlines import not_begun_message
from reports.figures.quarters import closed_periods
from reports.figures.submissions import handed_in_by_period, period_label
from reports.ledger.operating import METRIC_NAMES, cell_message, row_problems
from reports.ledger.workbook import (
    SHEET_INCUBATOR_FLAGS,
    SHEET_INCUBATORS,
    SHEET_OPERATING,
    SHEET_RECOGNITIONS,
    SHEETS,
    LedgerFile,
    SheetRow,
    decimal_of,
)
from reports.ledger.workbook_enterprises import EnterprisePlanning
from reports.ledger.workbook_stamps import StampChecks
from reports.models import (
    Incubator,
    IncubatorFlagGrant,
    IncubatorQuarter,
    IncubatorRecognition,
)
from targets.excel.values import Loc, normalize
from targets.ledger import Industry, LedgerFlag
from targets.models import Plan

INCUBATOR_FIELDS = (
    "operator",
    "kind",
    "lead_industry",
    "second_industry",
    "floor_area",
    "status",
    "status_since",
    "operating_since",
    "note",
)


@dataclass
class LedgerPlan:
    """``ops``: per sheet, the records to write (plain values); ``problems``:
    why the file cannot be taken; ``unchanged``: rows equal to what is stored."""

    ops: dict[str, list[dict]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changes(self) -> int:
        return sum(len(ops) for ops in self.ops.values())


class _Planner(EnterprisePlanning, StampChecks):
    def __init__(self, plan: Plan, regions: list[Region], file: LedgerFile):
        self.plan, self.file = plan, file
        self.result = LedgerPlan(ops={name: [] for name in SHEETS})
        self.regions = {normalize(r.name): r for r in regions}
        self.region_names = {r.pk: r.name for r in regions}
        self.industries = {
            normalize(i.name): i.pk for i in Industry.objects.filter(plan=plan).only("pk", "name")
        }
        flags = LedgerFlag.objects.filter(plan=plan).only("pk", "name", "applies_to")
        self.flags = {(f.applies_to, normalize(f.name)): f.pk for f in flags}
        self.incubators = {
            (i.region_id, normalize(i.name)): i
            for i in Incubator.objects.filter(region__in=regions).select_related("updated_by")
        }
        self.new_incubators: set[tuple[int, str]] = set()

    def problem(self, sheet: str, row: SheetRow, message: str, column: str | None = None) -> None:
        header = next((c.header for c in SHEETS[sheet] if c.field == column), "")
        self.file.problem(
            Loc(sheet, row.row, None, ""), f"{header}:{message}" if header else message
        )

    def region(self, sheet: str, row: SheetRow) -> Region | None:
        region = self.regions.get(normalize(row.values.get("region")))
        if region is None and row.values.get("region"):
            message = _("“%(name)s”不是您可以导入的区域") % {"name": row.values["region"]}
            self.problem(sheet, row, message, "region")
        return region

    def incubator_key(self, sheet: str, row: SheetRow) -> tuple[int, str] | None:
        region = self.region(sheet, row)
        name = row.values.get("incubator")
        if region is None or not name:
            return None
        key = (region.pk, normalize(name))
        if key not in self.incubators and key not in self.new_incubators:
            message = _("“%(name)s”不是%(region)s已登记或本文件中新增的载体") % {
                "name": name,
                "region": region.name,
            }
            self.problem(sheet, row, message, "incubator")
            return None
        return key

    def named(self, sheet, row, column, table, applies=None) -> int | bool | None:
        """An industry or a title by name: its id, None when blank, False when unknown."""
        name = row.values.get(column)
        if not name:
            return None
        pk = table.get((applies, normalize(name)) if applies else normalize(name))
        if pk is None:
            message = _("“%(name)s”不是本计划的%(what)s") % {
                "name": name,
                "what": _("标识") if applies else _("产业"),
            }
            self.problem(sheet, row, message, column)
            return False
        return pk

    # --- the sheets ---------------------------------------------------------

    def incubator_rows(self) -> None:
        seen = set()
        for row in self.file.sheets.get(SHEET_INCUBATORS, []):
            region, v = self.region(SHEET_INCUBATORS, row), row.values
            lead = self.named(SHEET_INCUBATORS, row, "lead_industry", self.industries)
            second = self.named(SHEET_INCUBATORS, row, "second_industry", self.industries)
            if region is None or not v.get("name") or lead is False or second is False:
                continue
            key = (region.pk, normalize(v["name"]))
            if key in seen:
                self.problem(SHEET_INCUBATORS, row, _("同一载体在本表中出现了两次"), "name")
                continue
            seen.add(key)
            values = {name: v.get(name) for name in INCUBATOR_FIELDS}
            values.update(lead_industry=lead, second_industry=second)
            values["operator"], values["note"] = values["operator"] or "", values["note"] or ""
            existing = self.incubators.get(key)
            if existing is None:
                self.new_incubators.add(key)
            else:
                self.names(SHEET_INCUBATORS, existing)
            old = _incubator_values(existing) if existing else None
            if old == values:
                self.result.unchanged += 1
                continue
            if self.stale(SHEET_INCUBATORS, row, existing):
                continue
            op = {"row": row.row, "key": [region.pk, v["name"]], "pk": _pk(existing)}
            self.result.ops[SHEET_INCUBATORS].append({**op, "values": values, "old": old})

    def grant_rows(self, sheet: str, date_field: str, what: str) -> None:
        stored = _stored_grants(sheet, self.incubators.values())
        seen = set()
        for row in self.file.sheets.get(sheet, []):
            key = self.incubator_key(sheet, row)
            if sheet == SHEET_RECOGNITIONS:
                what_id = row.values.get("level")
            else:
                what_id = self.named(sheet, row, "flag", self.flags, "incubator")
            if key is None or what_id in (None, False) or not row.values.get(date_field):
                continue
            if (key, what_id) in seen:
                self.problem(sheet, row, _("同一载体的同一%(what)s出现了两次") % {"what": what})
                continue
            seen.add((key, what_id))
            incubator = self.incubators.get(key)
            if incubator is not None:
                self.names(sheet, incubator)
            existing = stored.get((incubator.pk if incubator else None, str(what_id)))
            old = existing[1] if existing else None
            if old == row.values[date_field]:
                self.result.unchanged += 1
                continue
            if self.stale(sheet, row, incubator):
                continue
            self.result.ops[sheet].append(
                {
                    "row": row.row,
                    "incubator": [key[0], row.values["incubator"]],
                    "what": what_id,
                    "date": row.values[date_field],
                    "pk": existing[0] if existing else None,
                    "old": old,
                }
            )

    def operating_rows(self, user_region: Region | None) -> None:
        rows = self.file.sheets.get(SHEET_OPERATING, [])
        keyed = []
        for row in rows:
            key = self.incubator_key(SHEET_OPERATING, row)
            year, quarter = row.values.get("year"), row.values.get("quarter")
            if key is None or year is None or quarter is None:
                continue
            year, quarter = int(year), int(quarter)
            if not self.plan.contains(year, quarter):
                self.problem(
                    SHEET_OPERATING,
                    row,
                    _("%(period)s不在计划期内") % {"period": period_label(year, quarter)},
                )
                continue
            if not_begun := not_begun_message(year, quarter):
                self.problem(SHEET_OPERATING, row, not_begun)
                continue
            values = {name: decimal_of(row.values.get(name)) for name in METRIC_NAMES}
            if any(value is None for value in values.values()):
                continue  # the reader said which cells
            problems = row_problems(values)
            for column, message in problems:
                self.problem(
                    SHEET_OPERATING, row, cell_message(row.values["incubator"], column, message)
                )
            if not problems:
                keyed.append((row, key, year, quarter, values))
        self.plan_operating(keyed, user_region)

    def plan_operating(self, keyed, user_region: Region | None) -> None:
        """Rows that change nothing are "unchanged", whatever their quarter's
        state: a ledger export carries every approved quarter's rows, and
        uploading it back with a firm added must not be refused over them.
        A row that would change a closed or (for a township) handed-in
        quarter is a problem of its own row."""
        periods = {(year, quarter) for _r, _k, year, quarter, _v in keyed}
        stored = defaultdict(dict)
        ids = [i.pk for i in self.incubators.values()]
        for r in IncubatorQuarter.objects.filter(
            incubator_id__in=ids, year__in={p[0] for p in periods}
        ).select_related("entered_by"):
            stored[(r.incubator_id, r.year, r.quarter)] = r
        seen, changes = set(), []
        for row, key, year, quarter, values in keyed:
            incubator = self.incubators.get(key)
            ident = (key, year, quarter)
            if ident in seen:
                self.problem(SHEET_OPERATING, row, _("同一载体同一季度出现了两次"))
                continue
            seen.add(ident)
            current = stored.get((incubator.pk, year, quarter)) if incubator else None
            plain = {name: str(value) for name, value in values.items()}
            note = row.values.get("note") or ""
            if (
                current
                and all(getattr(current, n) == values[n] for n in METRIC_NAMES)
                and current.note == note
            ):
                self.result.unchanged += 1
                continue
            what = _("“%(incubator)s”%(period)s的运营数据") % {
                "incubator": row.values["incubator"],
                "period": period_label(year, quarter),
            }
            if self.stale_operating(SHEET_OPERATING, row, current, what):
                continue
            changes.append((row, year, quarter))
            self.result.ops[SHEET_OPERATING].append(
                {
                    "row": row.row,
                    "incubator": [key[0], row.values["incubator"]],
                    "year": year,
                    "quarter": quarter,
                    "values": plain,
                    "note": note,
                    "version": current.version if current else 0,
                    "old": {
                        **{n: str(getattr(current, n)) for n in METRIC_NAMES},
                        "note": current.note,
                    }
                    if current
                    else None,
                }
            )
        self.refuse_locked_quarters(changes, user_region)

    def refuse_locked_quarters(self, changes, user_region: Region | None) -> None:
        """Each changed row of a closed quarter, or of a quarter the township
        has handed in, is a problem naming its row."""
        periods = {(year, quarter) for _row, year, quarter in changes}
        if not periods:
            return
        refused = {
            period: _("%(period)s已关闭,不能导入该季度的运营数据")
            % {"period": period_label(*period)}
            for period in closed_periods(self.plan) & periods
        }
        if user_region is not None:
            handed_in = handed_in_by_period(self.plan, user_region.pk, periods - refused.keys())
            refused.update(handed_in)
        for row, year, quarter in changes:
            if (year, quarter) in refused:
                self.problem(SHEET_OPERATING, row, refused[(year, quarter)])


def _pk(record) -> int | None:
    return record.pk if record is not None else None


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _incubator_values(incubator: Incubator) -> dict:
    return {
        "operator": incubator.operator,
        "kind": incubator.kind,
        "lead_industry": incubator.lead_industry_id,
        "second_industry": incubator.second_industry_id,
        "floor_area": str(incubator.floor_area),
        "status": incubator.status,
        "status_since": _iso(incubator.status_since),
        "operating_since": _iso(incubator.operating_since),
        "note": incubator.note,
    }


def _stored_grants(sheet: str, incubators) -> dict:
    ids = [i.pk for i in incubators]
    if sheet == SHEET_RECOGNITIONS:
        rows = IncubatorRecognition.objects.filter(incubator_id__in=ids)
        return {(r.incubator_id, str(r.level)): (r.pk, r.recognised_on.isoformat()) for r in rows}
    rows = IncubatorFlagGrant.objects.filter(incubator_id__in=ids)
    return {(r.incubator_id, str(r.flag_id)): (r.pk, r.granted_on.isoformat()) for r in rows}


def plan_ledger(
    plan: Plan, regions: list[Region], file: LedgerFile, *, user=None, user_region=None
) -> LedgerPlan:
    """What ``file`` would change for ``user``, who may write ``regions``
    (``user_region``: a township official's own, whose handed-in quarters
    refuse operating data)."""
    planner = _Planner(plan, regions, file)
    planner.start_stamps(user)
    planner.incubator_rows()
    planner.grant_rows(SHEET_RECOGNITIONS, "recognised_on", _("级别"))
    planner.grant_rows(SHEET_INCUBATOR_FLAGS, "granted_on", _("标识"))
    planner.enterprise_rows()
    planner.enterprise_flag_rows()
    planner.operating_rows(user_region)
    planner.refuse_foreign_stamps()
    result = planner.result
    result.problems = file.all_problems
    return result
