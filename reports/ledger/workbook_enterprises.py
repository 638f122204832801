"""Planning the enterprise sheets of a ledger workbook (在孵企业, 企业标识):
identity by credit code (checked with its GB 32100 check character) or, without
one, by normalised name; a firm already recorded under another incubator is a
row error naming it — to those who may see its region — never a second
record. A mixin of ``reports.ledger.workbook_plan``'s planner."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.ledger.identity import clean_credit_code, credit_code_problem, normalise_name
from reports.ledger.workbook import SHEET_ENTERPRISE_FLAGS, SHEET_ENTERPRISES, SheetRow
from reports.models import Enterprise, EnterpriseFlagGrant
from targets.models import Plan

ENTERPRISE_FIELDS = (
    "name",
    "credit_code",
    "industry",
    "entered_on",
    "stage",
    "left_on",
    "exit_reason",
    "note",
)
CREDIT_CODE_WORDS = {
    "length": gettext_lazy("统一社会信用代码应为 18 位"),
    "characters": gettext_lazy(
        "统一社会信用代码含有不允许的字符(只能是数字和除 I、O、Z、S、V 外的大写字母)"
    ),
    "check": gettext_lazy("统一社会信用代码校验位不正确,请核对"),
}


class EnterprisePlanning:
    """The enterprise sheets; expects the planner's ``problem``,
    ``incubator_key``, ``named``, ``incubators``, ``industries``, ``flags``,
    ``region_names``, ``result`` and its stamp checks (``StampChecks``)."""

    def enterprise_rows(self) -> None:
        rows = self.file.sheets.get(SHEET_ENTERPRISES, [])
        found = _EnterpriseIndex(self.plan)
        seen = set()
        # Code or name → the records the flags sheet may mean by it: several
        # when firms without credit codes share a name.
        self.enterprise_keys: dict[str, list[dict]] = {}
        for row in rows:
            v = row.values
            key = self.incubator_key(SHEET_ENTERPRISES, row)
            industry = self.named(SHEET_ENTERPRISES, row, "industry", self.industries)
            code = clean_credit_code(v.get("credit_code") or "")
            problem = credit_code_problem(code) if code else None
            if problem:
                self.problem(SHEET_ENTERPRISES, row, str(CREDIT_CODE_WORDS[problem]), "credit_code")
            if not self.enterprise_dates_ok(row) or key is None or industry is False or problem:
                continue
            normal = normalise_name(v["name"])
            incubator = self.incubators.get(key)
            existing = found.match(code, normal, incubator.pk if incubator else None)
            # Two rows naming one record, or two new rows of one firm. Two
            # records may share a name (without credit codes, under two
            # incubators): each row then names its own.
            ident = existing.pk if existing else code or normal
            if ident in seen:
                self.problem(SHEET_ENTERPRISES, row, _("同一企业在本表中出现了两次"), "name")
                continue
            seen.add(ident)
            if existing is not None:
                self.names(SHEET_ENTERPRISES, existing)
            if existing is not None and (
                incubator is None or existing.incubator_id != incubator.pk
            ):
                # Moved since the export: that is what to say; else it is
                # elsewhere. Another region's record is neither named nor
                # dated to a township official (``elsewhere`` says only that).
                visible = existing.incubator.region_id in self.region_names
                if not (visible and self.stale(SHEET_ENTERPRISES, row, existing)):
                    self.problem(SHEET_ENTERPRISES, row, self.elsewhere(existing), "name")
                continue
            values = {name: v.get(name) for name in ENTERPRISE_FIELDS}
            values.update(
                credit_code=code or (existing.credit_code if existing else ""),
                industry=industry,
                exit_reason=v.get("exit_reason") or "",
                note=v.get("note") or "",
            )
            target = {"pk": _pk(existing), "row": row.row}
            self.enterprise_keys.setdefault(code or normal, []).append(target)
            if existing and _enterprise_values(existing) == values:
                self.result.unchanged += 1
                continue
            if self.stale(SHEET_ENTERPRISES, row, existing):
                continue
            self.result.ops[SHEET_ENTERPRISES].append(
                {
                    "row": row.row,
                    "incubator": [key[0], v["incubator"]],
                    "pk": _pk(existing),
                    "values": values,
                    "old": _enterprise_values(existing) if existing else None,
                }
            )
        self.found_enterprises = found

    def enterprise_dates_ok(self, row: SheetRow) -> bool:
        v = row.values
        if v.get("left_on") and v.get("entered_on") and v["left_on"] < v["entered_on"]:
            self.problem(SHEET_ENTERPRISES, row, _("毕业或退出日期早于入孵日期"), "left_on")
            return False
        if bool(v.get("left_on")) != bool(v.get("exit_reason")):
            message = _("毕业或退出日期与原因须同时填写或同时留空")
            self.problem(SHEET_ENTERPRISES, row, message, "exit_reason")
            return False
        return True

    def elsewhere(self, existing: Enterprise) -> str:
        """Where the firm is recorded already; another region's record is
        named only to those who may see that region."""
        region_id = existing.incubator.region_id
        if region_id in self.region_names:
            return _(
                "该企业已登记为“%(name)s”(%(region)s · %(incubator)s),不能重复登记;"
                "如已迁入,请先在台账中修改其所在载体"
            ) % {
                "name": existing.name,
                "region": self.region_names[region_id],
                "incubator": existing.incubator.name,
            }
        message = _("该企业已由其他区域登记,不能重复登记;请联系%(bureau)s核对")
        return message % {"bureau": self.plan.bureau_name}

    def flag_targets(self, code: str, normal: str) -> list[dict]:
        """The records a title row may mean: the file's own rows of that code
        or name, else the recorded firms the user may see."""
        if targets := self.enterprise_keys.get(code or normal):
            return targets
        found = self.found_enterprises
        if code and code in found.by_code:
            firms = [found.by_code[code]]
        else:
            firms = [f for f in found.by_name.get(normal, ()) if not code or not f.credit_code]
        return [
            {"pk": f.pk, "row": None} for f in firms if f.incubator.region_id in self.region_names
        ]

    def enterprise_flag_rows(self) -> None:
        seen = set()
        for row in self.file.sheets.get(SHEET_ENTERPRISE_FLAGS, []):
            v = row.values
            flag = self.named(SHEET_ENTERPRISE_FLAGS, row, "flag", self.flags, "enterprise")
            code = clean_credit_code(v.get("credit_code") or "")
            targets = self.flag_targets(code, normalise_name(v.get("enterprise")))
            if not targets:
                message = _("“%(name)s”不是已登记或本文件中新增的企业") % {
                    "name": v.get("enterprise")
                }
                self.problem(SHEET_ENTERPRISE_FLAGS, row, message, "enterprise")
                continue
            if flag in (None, False) or not v.get("granted_on"):
                continue
            target = targets[0]
            if len(targets) > 1:
                # Firms sharing a name without credit codes: the row means the
                # one that holds this title on this date already (the export's
                # own row, unchanged); a new or changed title cannot be placed.
                holding = [
                    t
                    for t in targets
                    if t["pk"] is not None
                    and self.found_enterprises.flags.get((t["pk"], flag), (None, None))[1]
                    == v["granted_on"]
                    and (t["pk"], t["row"], flag) not in seen
                ]
                if not holding:
                    message = _(
                        "有多家企业名为“%(name)s”且没有统一社会信用代码,无法确定是哪一家;"
                        "请先在台账中为其填写信用代码"
                    ) % {"name": v.get("enterprise")}
                    self.problem(SHEET_ENTERPRISE_FLAGS, row, message, "enterprise")
                    continue
                target = holding[0]
            ref = (target["pk"], target["row"], flag)
            if ref in seen:
                self.problem(SHEET_ENTERPRISE_FLAGS, row, _("同一企业的同一标识出现了两次"))
                continue
            seen.add(ref)
            holder = self.found_enterprises.by_pk.get(target["pk"])  # None: new in this file
            if holder is not None:
                self.names(SHEET_ENTERPRISE_FLAGS, holder)
            existing = self.found_enterprises.flags.get((target["pk"], flag))
            old = existing[1] if existing else None
            if old == v["granted_on"]:
                self.result.unchanged += 1
                continue
            if self.stale(SHEET_ENTERPRISE_FLAGS, row, holder):
                continue
            self.result.ops[SHEET_ENTERPRISE_FLAGS].append(
                {
                    "row": row.row,
                    "enterprise": target["pk"],
                    "enterprise_row": target["row"],
                    "name": v.get("enterprise"),
                    "what": flag,
                    "date": v["granted_on"],
                    "pk": existing[0] if existing else None,
                    "old": old,
                }
            )


class _EnterpriseIndex:
    """The plan's enterprises by credit code and by normalised name (two
    queries, whatever their number), and their titles."""

    def __init__(self, plan: Plan):
        firms = list(Enterprise.objects.filter(plan=plan).select_related("incubator", "updated_by"))
        self.by_pk = {f.pk: f for f in firms}
        self.by_code = {f.credit_code: f for f in firms if f.credit_code}
        self.by_name: dict[str, list[Enterprise]] = {}
        for firm in firms:
            self.by_name.setdefault(firm.normalised_name, []).append(firm)
        self.flags = {
            (g.enterprise_id, g.flag_id): (g.pk, g.granted_on.isoformat())
            for g in EnterpriseFlagGrant.objects.filter(enterprise__plan=plan)
        }

    def match(self, code: str, normal: str, incubator_id: int | None = None) -> Enterprise | None:
        """The record a row names: by credit code, else by name (when either
        has no code) — the one under ``incubator_id`` if several share it."""
        if code and code in self.by_code:
            return self.by_code[code]
        named = [f for f in self.by_name.get(normal, ()) if not code or not f.credit_code]
        own = next((f for f in named if f.incubator_id == incubator_id), None)
        return own or (named[0] if named else None)


def _pk(record) -> int | None:
    return record.pk if record is not None else None


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _enterprise_values(firm: Enterprise) -> dict:
    return {
        "name": firm.name,
        "credit_code": firm.credit_code,
        "industry": firm.industry_id,
        "entered_on": _iso(firm.entered_on),
        "stage": firm.stage,
        "left_on": _iso(firm.left_on),
        "exit_reason": firm.exit_reason,
        "note": firm.note,
    }
