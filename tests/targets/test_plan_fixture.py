"""The Pingyang plan fixture against the official document, cell by cell.

The expected values below are transcribed by hand from 平政办〔2025〕49号
(annex 1 and annex 2), independently of fixtures/pingyang_2025_2027.json.
A second test reads the document's own text (docs/source/), as published.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from targets.models import Target

YEARS = (2025, 2026, 2027)

# Annex 1: indicator name → (2025, 2026, 2027, 总计)
ANNEX1 = {
    "新增孵化空间面积": (16, 22, 32, 70),
    "新增市级及以上孵化载体": (5, 7, 9, 21),
    "新增在孵企业(项目)": (200, 200, 200, 600),
    "新增创新创业人才数": (2000, 2000, 2000, 6000),
    "新培育省级及以上科技企业": (30, 30, 40, 100),
    "新建成新质孵化器": (2, 1, 1, 4),
}

# Annex 2 columns, in the document's order within each year.
ANNEX2_INDICATORS = (
    "新增孵化空间面积",
    "新增在孵企业(项目)",
    "新增创新创业人才数",
    "新培育省级及以上科技企业",
    "新建成新质孵化器",
)
# Region → 2025 (5 values), 2026 (5), 2027 (5).
ANNEX2 = {
    "昆阳": ((2, 40, 400, 5, 1), (3, 40, 400, 5, 0), (5, 40, 400, 5, 0)),
    "鳌江": ((3, 20, 200, 2, 1), (5, 20, 200, 2, 0), (5, 20, 200, 5, 0)),
    "水头": ((2, 20, 200, 5, 0), (2, 20, 200, 5, 0), (4, 20, 200, 5, 0)),
    "萧江": ((1, 15, 150, 1, 0), (2, 15, 150, 1, 0), (3, 15, 150, 5, 0)),
    "万全": ((3, 30, 300, 5, 0), (4, 30, 300, 5, 0), (5, 30, 300, 5, 0)),
    "腾蛟": ((2, 25, 250, 5, 0), (2, 25, 250, 5, 0), (2, 25, 250, 5, 0)),
    "麻步": ((1, 10, 100, 1, 0), (1, 10, 100, 1, 0), (2, 10, 100, 3, 1)),
    "海西": ((1, 10, 100, 1, 0), (1, 10, 100, 1, 0), (1, 10, 100, 2, 0)),
    "经开区": ((1, 30, 300, 5, 0), (2, 30, 300, 5, 1), (5, 30, 300, 5, 0)),
}


def stored_targets(plan) -> dict[tuple[str, str | None, int | None], Target]:
    return {
        (t.indicator.name, t.region.name if t.region else None, t.year): t
        for t in Target.objects.filter(indicator__plan=plan).select_related("indicator", "region")
    }


def test_plan_identity(plan):
    assert plan.name == "平阳县大孵化器集群建设三年行动计划(2025—2027年)"
    assert plan.document_number == "平政办〔2025〕49号"
    assert (plan.first_year, plan.last_year) == (2025, 2027)
    assert list(plan.regions.values_list("name", flat=True)) == list(ANNEX2)
    assert list(plan.indicators.values_list("name", flat=True)) == list(ANNEX1)


def test_indicator_units_precision_and_breakdown(plan):
    indicators = {i.name: i for i in plan.indicators.all()}
    assert indicators["新增孵化空间面积"].unit == "万平方米"
    assert indicators["新增孵化空间面积"].decimal_places == 2
    assert indicators["新增市级及以上孵化载体"].by_region is False
    assert indicators["新建成新质孵化器"].alt_name == "新增温州“20”孵化器"
    assert [i.name for i in indicators.values() if i.by_region] == list(ANNEX2_INDICATORS)


def test_milestones_are_due_at_year_end_amounts_spread_over_the_quarters(plan):
    """A few whole incubators or recognitions a year are judged at the year's
    end; floor space, enterprises, talents and tech enterprises accrue all year."""
    pacing = dict(plan.indicators.values_list("name", "pacing"))
    assert pacing == {
        "新增孵化空间面积": "spread",
        "新增市级及以上孵化载体": "year_end",
        "新增在孵企业(项目)": "spread",
        "新增创新创业人才数": "spread",
        "新培育省级及以上科技企业": "spread",
        "新建成新质孵化器": "year_end",
    }


@pytest.mark.parametrize("indicator", list(ANNEX1))
def test_annex1_every_cell(plan, indicator):
    targets = stored_targets(plan)
    *yearly, total = ANNEX1[indicator]
    for year, expected in zip(YEARS, yearly, strict=True):
        assert targets[(indicator, None, year)].value == Decimal(expected), (indicator, year)
    assert targets[(indicator, None, None)].value == Decimal(total)


def test_space_total_carries_the_80_high_line(plan):
    targets = stored_targets(plan)
    assert targets[("新增孵化空间面积", None, None)].stretch_value == Decimal(80)
    others = [t for key, t in targets.items() if key != ("新增孵化空间面积", None, None)]
    assert all(t.stretch_value is None for t in others)


@pytest.mark.parametrize("region", list(ANNEX2))
def test_annex2_every_cell(plan, region):
    targets = stored_targets(plan)
    for year, values in zip(YEARS, ANNEX2[region], strict=True):
        for indicator, expected in zip(ANNEX2_INDICATORS, values, strict=True):
            assert targets[(indicator, region, year)].value == Decimal(expected), (
                region,
                year,
                indicator,
            )


def test_no_targets_beyond_the_annexes(plan):
    # 6 × (3 years + total) county targets + 9 regions × 3 years × 5 indicators.
    assert Target.objects.filter(indicator__plan=plan).count() == 6 * 4 + 9 * 3 * 5
    assert not Target.objects.filter(indicator__by_region=False, region__isnull=False).exists()


def test_region_targets_sum_to_county_targets(plan):
    targets = stored_targets(plan)
    for year in YEARS:
        for indicator in ANNEX2_INDICATORS:
            regional = sum(targets[(indicator, region, year)].value for region in ANNEX2)
            assert regional == targets[(indicator, None, year)].value, (indicator, year)


# The plan document as the county government published it (text of the web page).
SEED = Path(__file__).resolve().parents[2] / "docs" / "source" / "pingyang-plan-2025-2027.txt"


def test_annex2_matches_the_seed_text(plan):
    """Parse annex 2's long column of numbers straight out of the document."""
    text = SEED.read_text(encoding="utf-8")
    annex2 = text[text.index("附件2\n\n平阳县") :]
    targets = stored_targets(plan)
    for region in [*ANNEX2, "全县"]:
        block = re.search(rf"\n{region}\n\n((?:[\d.]+\n\n?){{15}})", annex2)
        assert block, region
        numbers = [Decimal(n) for n in block.group(1).split()]
        for index, value in enumerate(numbers):
            year = YEARS[index // 5]
            indicator = ANNEX2_INDICATORS[index % 5]
            where = None if region == "全县" else region
            assert targets[(indicator, where, year)].value == value, (region, year, indicator)
