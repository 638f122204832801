"""The plan as an Excel workbook: read it into a ``PlanSpec`` (the writer is
``targets.excel.writing``, the format ``targets.excel.format``).

No database here. ``read_plan_workbook`` returns a ``PlanSpec`` or raises
``PlanWorkbookError`` carrying every problem found, each message naming the sheet,
row and column. The file is opened by ``targets.excel.grid``, the sheets read by
``targets.excel.list_sheets`` (计划, 指标, 区域) and ``targets.excel.annex_sheets``
(附件1, 附件2). The layout is documented in docs/plan-workbook.md. Sheet and header
names are the file format, so they are deliberately not translated.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext as _

from targets.excel.annex_sheets import TargetCells, read_annex1, read_annex2
from targets.excel.cells import Loc, Problems
from targets.excel.evaluation_sheets import read_criteria, read_thresholds
from targets.excel.format import (
    SHEET_ANNEX1,
    SHEET_ANNEX2,
    SHEET_CRITERIA,
    SHEET_GOALS,
    SHEET_INDICATORS,
    SHEET_PLAN,
    SHEET_REGIONS,
    SHEET_THRESHOLDS,
    PlanSpec,
)
from targets.excel.goal_sheet import read_goals
from targets.excel.grid import load_grids, read_bytes
from targets.excel.ledger_sheets import read_ledger_sheets
from targets.excel.list_sheets import read_indicators, read_plan_sheet, read_regions
from targets.excel.measure_sheets import read_measure_sheets


def read_plan_workbook(source: str | Path | BinaryIO) -> PlanSpec:
    """Parse a plan workbook; raise PlanWorkbookError listing every problem."""
    grids = load_grids(read_bytes(source))
    problems = Problems()
    plan = read_plan_sheet(grids[SHEET_PLAN], problems)
    indicators = read_indicators(grids[SHEET_INDICATORS], problems)
    regions = read_regions(grids[SHEET_REGIONS], plan, problems)
    goals = read_goals(grids.get(SHEET_GOALS), indicators, problems)
    departments, measures, work_items = read_measure_sheets(grids, plan, problems)
    industries, ledger_flags, ledger_sources = read_ledger_sheets(
        grids, indicators, goals, problems
    )
    criteria = read_criteria(grids.get(SHEET_CRITERIA), problems)
    thresholds = read_thresholds(grids.get(SHEET_THRESHOLDS), problems)
    problems.raise_if_any()
    cells = TargetCells()
    read_annex1(grids[SHEET_ANNEX1], plan, indicators, problems, cells)
    county_row = []
    if SHEET_ANNEX2 in grids:
        county_row = read_annex2(grids[SHEET_ANNEX2], plan, indicators, regions, problems, cells)
    elif any(indicator.by_region for indicator in indicators):
        message = _("工作表不存在(有按区域分解的指标时必须有附件2)")
        problems.add(Loc(SHEET_ANNEX2), message)
    # The county row of 附件2 repeats 附件1: it is checked, never a second source.
    # (Only once 附件1 is sound, or a bad 附件1 cell would be reported twice.)
    for key, stretch, number, loc in [] if problems.messages else county_row:
        expected = cells.get(key, stretch)
        if expected is None:
            message = _("工作表“附件1”中没有对应的%(county)s数值(%(county)s行只作核对)")
            problems.add(loc, message, county=plan.county_name)
        elif expected != number:
            message = _("%(county)s行的 %(value)s 与工作表“附件1”的 %(expected)s 不一致")
            problems.add(loc, message, county=plan.county_name, value=number, expected=expected)
    targets = cells.build(problems)
    problems.raise_if_any()
    return PlanSpec(
        name=plan.name,
        first_year=plan.first_year,
        last_year=plan.last_year,
        document_number=plan.document_number,
        county_name=plan.county_name,
        region_term=plan.region_term,
        bureau_name=plan.bureau_name,
        indicators=tuple(indicators),
        regions=tuple(regions),
        targets=tuple(targets),
        goals=tuple(goals),
        departments=tuple(departments),
        measures=tuple(measures),
        work_items=tuple(work_items),
        industries=tuple(industries),
        ledger_flags=tuple(ledger_flags),
        ledger_sources=tuple(ledger_sources),
        evaluation_criteria=tuple(criteria),
        evaluation_thresholds=thresholds,
    )
