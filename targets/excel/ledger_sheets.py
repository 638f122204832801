"""The plan workbook's ledger sheets, all optional: 产业 (the industries an
incubator or enterprise belongs to), 台账标识 (the titles an incubator or an
enterprise can gain) and 台账口径 (which indicator or stock goal the ledger
counts, by which rule, and whether the indicator's figures are derived from
it). Every bad cell is reported with its sheet, row and column, and nothing
is imported then. The layout is in docs/plan-workbook.md.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from targets.choices import LEDGER_FLAG_RULES, GoalKind, LedgerRule
from targets.excel.cells import BadCell, Problems, name_text, slug, text, unique, yes_no
from targets.excel.format import (
    APPLIES_READ,
    APPLIES_WORDS,
    INDUSTRY_COLUMNS,
    KIND_WORDS,
    LEDGER_FLAG_COLUMNS,
    LEDGER_SOURCE_COLUMNS,
    LEVEL_WORDS,
    RULE_WORDS,
    SHEET_GOALS,
    SHEET_INDICATORS,
    SHEET_INDUSTRIES,
    SHEET_LEDGER_FLAGS,
    SHEET_LEDGER_SOURCES,
    GoalSpec,
    IndicatorSpec,
    IndustrySpec,
    LedgerFlagSpec,
    LedgerSourceSpec,
)
from targets.excel.list_sheets import _fields, _records
from targets.excel.values import normalize

# Which titles each flag rule counts.
FLAG_RULE_APPLIES = {
    LedgerRule.INCUBATOR_FLAG: "incubator",
    LedgerRule.ENTERPRISE_FLAG: "enterprise",
}
_LIST_SPLIT = re.compile(r"[、,，;；\s]+")


def _word(value: object, words: dict, what: str, *, required: bool = True):
    """A cell naming one of ``words``' values (or its key, the code)."""
    word = normalize(text(value, 30, required=required))
    if not word:
        return None
    read = {w: key for key, w in words.items()} | {str(key): key for key in words}
    if word not in read:
        known = "、".join(words.values())
        message = _("%(what)s应填%(known)s之一,而不是“%(value)s”")
        raise BadCell(message % {"what": what, "known": known, "value": word})
    return read[word]


def _applies(value: object) -> str:
    word = normalize(text(value, 20))
    found = (
        {w: key for key, w in APPLIES_WORDS.items()} | APPLIES_READ | {k: k for k in APPLIES_WORDS}
    )
    if word not in found:
        message = _("应填“孵化载体”或“在孵企业”,而不是“%(value)s”")
        raise BadCell(message % {"value": word})
    return found[word]


def _codes(value: object) -> tuple[str, ...]:
    raw = text(value, 400, required=False)
    return tuple(code for code in _LIST_SPLIT.split(raw) if code)


def read_ledger_sheets(
    grids: dict, indicators: list[IndicatorSpec], goals: list[GoalSpec], problems: Problems
) -> tuple[list[IndustrySpec], list[LedgerFlagSpec], list[LedgerSourceSpec]]:
    industries = _read_industries(grids.get(SHEET_INDUSTRIES), problems)
    flags = _read_flags(grids.get(SHEET_LEDGER_FLAGS), problems)
    sources = _read_sources(grids.get(SHEET_LEDGER_SOURCES), indicators, goals, flags, problems)
    return industries, flags, sources


def _read_industries(sheet, problems: Problems) -> list[IndustrySpec]:
    if sheet is None:
        return []
    found_all, codes, names = [], {}, {}
    converters = {"代码": slug, "产业名称": lambda v: name_text(v, 100)}
    for row, record in _records(sheet, INDUSTRY_COLUMNS, ("产业名称", "代码"), problems):
        found = _fields(record, converters, problems)
        if found is None:
            continue
        ok = unique(codes, found["代码"], _("代码"), row, record["代码"][1], problems)
        name = normalize(found["产业名称"])
        ok = unique(names, name, _("产业名称"), row, record["产业名称"][1], problems) and ok
        if ok:
            found_all.append(IndustrySpec(found["代码"], found["产业名称"], len(found_all) + 1))
    return found_all


def _read_flags(sheet, problems: Problems) -> list[LedgerFlagSpec]:
    if sheet is None:
        return []
    flags, codes, names = [], {}, {}
    converters = {"代码": slug, "名称": lambda v: name_text(v, 100), "适用对象": _applies}
    for row, record in _records(sheet, LEDGER_FLAG_COLUMNS, ("名称", "代码", "适用对象"), problems):
        found = _fields(record, converters, problems)
        if found is None:
            problems.refuse_row(record)
            continue
        ok = unique(codes, found["代码"], _("代码"), row, record["代码"][1], problems)
        key = (found["适用对象"], normalize(found["名称"]))
        ok = unique(names, key, _("名称"), row, record["名称"][1], problems) and ok
        if ok:
            applies = found["适用对象"]
            order = sum(1 for flag in flags if flag.applies_to == applies) + 1
            flags.append(LedgerFlagSpec(found["代码"], found["名称"], applies, order))
    return flags


def _read_sources(sheet, indicators, goals, flags, problems: Problems) -> list[LedgerSourceSpec]:
    if sheet is None:
        return []
    indicator_codes = {i.code for i in indicators}
    goal_kinds = {g.code: g.kind for g in goals}
    flag_applies = {f.code: f.applies_to for f in flags}
    converters = {
        "指标代码": lambda v: text(v, 40, required=False),
        "目标代码": lambda v: text(v, 40, required=False),
        "口径": lambda v: _word(v, RULE_WORDS, _("口径")),
        "标识": _codes,
        "最低级别": lambda v: _word(v, LEVEL_WORDS, _("最低级别"), required=False),
        "载体类型": lambda v: _word(v, KIND_WORDS, _("载体类型"), required=False) or "",
        "由台账生成": lambda v: False if v in (None, "") else yes_no(v),
    }
    sources, subjects = [], {}
    for row, record in _records(sheet, LEDGER_SOURCE_COLUMNS, ("口径",), problems):
        found = _fields(record, converters, problems)
        if found is None:
            continue
        indicator, goal, rule = found["指标代码"] or None, found["目标代码"] or None, found["口径"]
        where = {name: loc for name, (_value, loc) in record.items()}
        for name in LEDGER_SOURCE_COLUMNS:  # a column left out: name the rule's cell
            where.setdefault(name, where["口径"])
        errors = len(problems.messages)
        if (indicator is None) == (goal is None):
            problems.add(where["口径"], _("“指标代码”和“目标代码”须填且只填一个"))
        elif indicator is not None and indicator not in indicator_codes:
            if not problems.was_refused(SHEET_INDICATORS, indicator):  # else said at its row
                message = _("工作表“指标”中没有代码“%(code)s”")
                problems.add(where["指标代码"], message, code=indicator)
        elif goal is not None and goal not in goal_kinds:
            if not problems.was_refused(SHEET_GOALS, goal):
                message = _("工作表“目标要求”中没有代码“%(code)s”")
                problems.add(where["目标代码"], message, code=goal)
        elif goal is not None and (
            rule != LedgerRule.INCUBATOR_STOCK or goal_kinds[goal] != GoalKind.STOCK
        ):
            problems.add(where["口径"], _("目标要求只能是存量目标,按“载体存量”口径计数"))
        elif indicator is not None and rule == LedgerRule.INCUBATOR_STOCK:
            problems.add(where["口径"], _("指标按期间新增计数,不能用“载体存量”口径"))
        if goal is not None and found["由台账生成"]:
            problems.add(where["由台账生成"], _("只有指标可以由台账生成"))
        if rule in LEDGER_FLAG_RULES and not found["标识"]:
            problems.add(where["标识"], _("该口径需要指定标识(台账标识的代码)"))
        for code in found["标识"]:
            if code not in flag_applies:
                if not problems.was_refused(SHEET_LEDGER_FLAGS, code):
                    message = _("工作表“台账标识”中没有代码“%(code)s”")
                    problems.add(where["标识"], message, code=code)
            elif rule not in LEDGER_FLAG_RULES:
                problems.add(where["标识"], _("只有按标识计数的口径才填标识"))
            elif flag_applies[code] != FLAG_RULE_APPLIES[rule]:
                message = _("标识“%(code)s”适用于%(applies)s,与口径不符")
                problems.add(
                    where["标识"], message, code=code, applies=APPLIES_WORDS[flag_applies[code]]
                )
        subject = ("indicator", indicator) if indicator else ("goal", goal)
        label = _("指标代码") if indicator else _("目标代码")
        loc = (
            where["指标代码" if indicator else "目标代码"] if (indicator or goal) else where["口径"]
        )
        if indicator or goal:
            unique(subjects, subject, label, row, loc, problems)
        if len(problems.messages) > errors:
            continue
        sources.append(
            LedgerSourceSpec(
                rule=rule,
                indicator_code=indicator,
                goal_code=goal,
                flags=found["标识"],
                min_level=found["最低级别"],
                kind=found["载体类型"],
                derived=found["由台账生成"],
            )
        )
    return sources


def ledger_rows(plan) -> dict[str, list[list[object]]]:
    """The ledger sheets' rows (header first) of a ``PlanSpec``, by sheet, as
    ``read_ledger_sheets`` reads them; none when the plan declares no ledger."""
    sheets = {}
    if plan.industries:
        sheets[SHEET_INDUSTRIES] = [list(INDUSTRY_COLUMNS)] + [
            [n, i.code, i.name] for n, i in enumerate(plan.industries, start=1)
        ]
    if plan.ledger_flags:
        sheets[SHEET_LEDGER_FLAGS] = [list(LEDGER_FLAG_COLUMNS)] + [
            [n, f.code, f.name, APPLIES_WORDS[f.applies_to]]
            for n, f in enumerate(plan.ledger_flags, start=1)
        ]
    if plan.ledger_sources:
        sheets[SHEET_LEDGER_SOURCES] = [list(LEDGER_SOURCE_COLUMNS)] + [
            [
                n,
                s.indicator_code or "",
                s.goal_code or "",
                RULE_WORDS[s.rule],
                "、".join(s.flags),
                LEVEL_WORDS[s.min_level] if s.min_level else "",
                KIND_WORDS[s.kind] if s.kind else "",
                "是" if s.derived else "否",
            ]
            for n, s in enumerate(plan.ledger_sources, start=1)
        ]
    return sheets


LEDGER_WIDTHS = {
    SHEET_INDUSTRIES: [6, 18, 30],
    SHEET_LEDGER_FLAGS: [6, 22, 30, 12],
    SHEET_LEDGER_SOURCES: [6, 18, 22, 16, 40, 10, 12, 12],
}
