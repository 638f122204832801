"""Is the plan consistent with itself? A pure computation over the plan as plain data.

Two rules, as the annexes hold them:
- for each broken-down indicator and year, the region targets (annex 2) sum to the
  county target (annex 1); and likewise the regions' own plan totals (annex 2's 总计),
  where every region with a target has one, sum to the county's (an indicator with
  totals only has nothing else to check);
- for each indicator with a plan total (annex 1's 总计), the yearly county targets sum
  to it. A region's own plan total, where one exists, is checked the same way.
Stretch values (高线) are not summed: the plan sets them on their own.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from targets.excel.format import PlanSpec

REGIONS_VS_COUNTY = "regions"  # Σ regions of a year = county target of that year
YEARS_VS_TOTAL = "years"  # Σ yearly targets = plan total (county, or one region)


@dataclass(frozen=True)
class CheckLine:
    kind: str
    indicator_code: str
    indicator_name: str
    year: int | None  # None: the whole plan
    parts_sum: Decimal | None  # None: no part has a target
    target: Decimal | None  # None: the target the parts should sum to is missing
    region_name: str = ""  # only for a region's own plan total
    county_name: str = ""  # the plan's name for its total row (全县, 全市…)

    @property
    def ok(self) -> bool:
        return self.parts_sum is not None and self.parts_sum == self.target

    @property
    def difference(self) -> Decimal | None:
        if self.parts_sum is None or self.target is None:
            return None
        return self.parts_sum - self.target

    @property
    def rule(self) -> str:
        if self.kind == REGIONS_VS_COUNTY:
            return _("各区域之和 = %(county)s") % {"county": self.county_name}
        return _("%(region)s各年之和 = 总计") % {"region": self.region_name}

    @property
    def period(self) -> str:
        return _("%(year)d年") % {"year": self.year} if self.year else _("总计")

    def describe(self) -> str:
        """One sentence naming the indicator, the year and both sums."""
        params = {
            "indicator": self.indicator_name,
            "period": self.period,
            "region": self.region_name,
            "parts": format_number(self.parts_sum),
            "target": format_number(self.target),
            "county": self.county_name,
        }
        if self.kind == REGIONS_VS_COUNTY:
            return (
                _("%(indicator)s %(period)s:各区域之和 %(parts)s,%(county)s目标 %(target)s")
                % params
            )
        return _("%(indicator)s:%(region)s各年之和 %(parts)s,总计目标 %(target)s") % params


@dataclass(frozen=True)
class PlanCheckReport:
    lines: tuple[CheckLine, ...]

    @property
    def differences(self) -> list[CheckLine]:
        return [line for line in self.lines if not line.ok]

    @property
    def ok(self) -> bool:
        return not self.differences


def check_plan_consistency(plan: PlanSpec) -> PlanCheckReport:
    """Every sum the plan implies, compared with the target it should equal."""
    values: dict[tuple, Decimal] = {
        (t.indicator_code, t.region_code, t.year): t.value for t in plan.targets
    }
    region_years: dict[tuple, list[Decimal]] = defaultdict(list)  # year None: plan totals
    for t in plan.targets:
        if t.region_code is not None:
            region_years[t.indicator_code, t.year].append(t.value)
    region_names = {r.code: r.name for r in plan.regions}
    lines: list[CheckLine] = []
    for indicator in plan.indicators:
        code, name = indicator.code, indicator.name
        if indicator.by_region:
            for year in plan.years:
                parts = region_years.get((code, year))
                county = values.get((code, None, year))
                if parts or county is not None:
                    total = sum(parts, Decimal(0)) if parts else None
                    lines.append(
                        CheckLine(
                            REGIONS_VS_COUNTY,
                            code,
                            name,
                            year,
                            total,
                            county,
                            county_name=plan.county_name,
                        )
                    )
            # The regions' own plan totals, where each region with a target of
            # this indicator has one (else its years are checked, not a total).
            targeted = {r for (c, r, _y) in values if c == code and r is not None}
            if targeted and all((code, r, None) in values for r in targeted):
                parts = [values[code, r, None] for r in targeted]
                # The county's total: annex 1's 总计, else (optional there)
                # the sum of its years, as the engine takes it.
                county = values.get((code, None, None))
                county_years = [values.get((code, None, year)) for year in plan.years]
                if county is None and any(v is not None for v in county_years):
                    county = sum((v for v in county_years if v is not None), Decimal(0))
                lines.append(
                    CheckLine(
                        REGIONS_VS_COUNTY,
                        code,
                        name,
                        None,
                        sum(parts, Decimal(0)),
                        county,
                        county_name=plan.county_name,
                    )
                )
        for region_code in [None, *region_names]:
            total_target = values.get((code, region_code, None))
            if total_target is None:
                continue
            yearly = [values.get((code, region_code, year)) for year in plan.years]
            present = [v for v in yearly if v is not None]
            if not present:
                continue  # a total with no yearly split (spread over the plan): nothing to add up
            parts_sum = sum(present, Decimal(0))
            region = region_names.get(region_code, "")
            lines.append(
                CheckLine(YEARS_VS_TOTAL, code, name, None, parts_sum, total_target, region)
            )
    return PlanCheckReport(tuple(lines))


def format_number(value: Decimal | None) -> str:
    if value is None:
        return _("(无)")
    text = f"{value.normalize():f}"
    return "0" if text == "-0" else text


def _width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def format_report(report: PlanCheckReport) -> str:
    """A plain-text table, one line per check, aligned for Chinese text."""
    header = [_("检查项"), _("指标"), _("年份"), _("合计"), _("目标"), _("差额"), _("结果")]
    rows = [header]
    for line in report.lines:
        difference = line.difference
        rows.append(
            [
                line.rule,
                line.indicator_name,
                line.period,
                format_number(line.parts_sum),
                format_number(line.target),
                "" if difference is None else format_number(difference),
                _("一致") if line.ok else _("不一致"),
            ]
        )
    widths = [max(_width(row[i]) for row in rows) for i in range(len(header))]
    numeric = {3, 4, 5}
    out = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - _width(cell))
            cells.append(pad + cell if i in numeric else cell + pad)
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)
