"""Who reads which briefing: a township official only their own township's,
with its rank among townships only when the setting allows it and never a
name of another; the county's only for a reader who sees every region. And
the briefing costs the same number of queries at any size of plan."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from regions.models import Region
from reports.briefing.compose import briefing_for, compose_briefing
from reports.briefing.facts import OutsideScope
from reports.demo.scale import generate_plan
from reports.progress import load_plan_data, progress_table
from reports.progress.engine import Period
from tests.test_briefing_numbers import full_text, region_names_in


def engine_rank(plan, period: Period, region) -> tuple[int, int]:
    """The region's place in the engine's ranking of every region (1 = furthest ahead)."""
    data = load_plan_data(plan, Region.objects.filter(plan=plan), whole_county=False)
    scores = {s.region.id: s.score for s in progress_table(data, period).ranking}
    own = scores[region.pk]
    return 1 + sum(score > own for score in scores.values()), len(scores)


def test_a_township_official_gets_their_own_briefing_whatever_they_ask(
    demo, official, region_a, region_b
):
    briefing = briefing_for(official, demo, 2026, 2, region=region_b)
    assert briefing.region_id == region_a.pk
    assert region_names_in(briefing, demo) == {region_a.name}


def test_no_rank_unless_the_setting_allows_it(demo, official, region_a, settings):
    settings.BRIEFING_SHOW_TOWNSHIP_RANK = False
    assert "居第" not in full_text(briefing_for(official, demo, 2026, 2))


def test_with_the_setting_a_township_reads_its_rank_and_still_no_other_name(
    demo, official, region_a, settings
):
    settings.BRIEFING_SHOW_TOWNSHIP_RANK = True
    briefing = briefing_for(official, demo, 2026, 2)
    position, total = engine_rank(demo, Period(2026, 2), region_a)
    overview = briefing.sections[0].paragraphs
    assert f"综合各项指标进度，昆阳在{total}个乡镇中居第{position}位。" in overview
    assert region_names_in(briefing, demo) == {region_a.name}


def test_the_county_briefing_needs_a_reader_who_sees_every_region(demo, official):
    with pytest.raises(OutsideScope):
        compose_briefing(
            plan=demo, year=2026, quarter=2, regions=Region.objects.visible_to(official)
        )


def test_a_region_outside_the_readers_scope_is_refused(demo, official, region_b):
    with pytest.raises(OutsideScope):
        compose_briefing(
            plan=demo,
            year=2026,
            quarter=2,
            regions=Region.objects.visible_to(official),
            region=region_b,
        )


def test_a_quarter_outside_the_plan_is_refused(demo, leader):
    with pytest.raises(ValueError):
        compose_briefing(plan=demo, year=2031, quarter=1, regions=Region.objects.all())


def test_county_staff_may_read_a_townships_briefing(demo, staff, region_b):
    briefing = briefing_for(staff, demo, 2026, 2, region=region_b)
    assert briefing.region_id == region_b.pk
    assert region_names_in(briefing, demo) == {region_b.name}


def queries_for(plan, *, township: bool) -> int:
    regions = Region.objects.filter(plan=plan)
    region = regions.order_by("order").first() if township else None
    with CaptureQueriesContext(connection) as captured:
        compose_briefing(
            plan=plan, year=2026, quarter=3, regions=regions, region=region, show_rank=township
        )
    return len(captured)


@pytest.mark.parametrize("township", [False, True], ids=["county", "township-with-rank"])
def test_the_briefing_costs_the_same_queries_at_any_size(db, township):
    small = generate_plan(regions=3, indicators=3, years=3, quarters=8, seed=1, name="small")
    large = generate_plan(regions=60, indicators=6, years=3, quarters=8, seed=2, name="large")
    assert queries_for(small, township=township) == queries_for(large, township=township)


def test_staff_may_count_submitted_reports_and_leaders_may_not(demo, staff, leader):
    """2026 Q3: 腾蛟 has submitted, not yet approved."""
    counted = briefing_for(staff, demo, 2026, 3, include_submitted=True)
    assert "本通报计入了已上报尚未审核的数据，审核后可能变化。" in counted.opening
    assert "9个乡镇中，6个数据已计入（含已上报尚未审核的）；麻步、海西、经开区数据未报" in (
        counted.opening
    )
    ignored = briefing_for(leader, demo, 2026, 3, include_submitted=True)
    assert "计入了已上报" not in ignored.opening
    assert "9个乡镇中，5个数据已审核计入；腾蛟、麻步、海西、经开区数据未报" in ignored.opening


def test_a_township_counted_before_approval_says_so(demo, staff):
    tengjiao = demo.regions.get(name="腾蛟")
    counted = briefing_for(staff, demo, 2026, 3, region=tengjiao, include_submitted=True)
    assert "本季度数据已上报，尚未审核，本通报已计入。" in counted.opening
    waiting = briefing_for(staff, demo, 2026, 3, region=tengjiao)
    assert "本季度数据已上报，尚未审核，未计入统计。" in waiting.opening


def test_each_indicators_rank_is_the_engines_pace_rank(demo, official, region_a, settings):
    settings.BRIEFING_SHOW_TOWNSHIP_RANK = True
    briefing = briefing_for(official, demo, 2026, 2)
    data = load_plan_data(demo, Region.objects.filter(plan=demo), whole_county=False)
    table = progress_table(data, Period(2026, 2))
    paragraphs = briefing.sections[1].paragraphs
    for indicator in table.broken_down:
        paces = {r.id: table.cell(r.id, indicator.id).progress_vs_expected for r in table.regions}
        paces = {key: pace for key, pace in paces.items() if pace is not None}
        paragraph = next(p for p in paragraphs if indicator.name in p)
        if region_a.pk not in paces:
            assert "居第" not in paragraph
            continue
        position = 1 + sum(pace > paces[region_a.pk] for pace in paces.values())
        assert f"该项进度在{len(paces)}个乡镇中居第{position}位。" in paragraph
