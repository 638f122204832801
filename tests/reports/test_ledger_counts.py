"""The ledger's numbers per region, indicator and quarter, rule by rule, on
hand-built records in the Pingyang plan (whose ledger sources are: 新增孵化空间面积
← area opened, 新增市级及以上孵化载体 ← recognitions 市级+ (county-only), 新增在孵企业
← entries, 新培育省级及以上科技企业 ← enterprise titles, 新建成新质孵化器 ← incubator
titles; stock goals: 各类孵化基地 (every kind), 省级+ 孵化器, 省级+ 众创空间)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from reports.choices import IncubatorStatus
from reports.progress import Period
from reports.progress.goal_queries import ledger_stocks, load_goals
from reports.progress.ledger_counts import ledger_counts
from targets.choices import IncubatorKind, IncubatorLevel
from tests.reports.ledger_factories import credit_code, enterprise, incubator


def ind(plan, code):
    return plan.indicators.get(code=code).pk


def flag(plan, code):
    return plan.ledger_flags.get(code=code)


def test_floor_area_counts_incubators_opened_in_the_quarter_only(plan, region_a, region_b):
    incubator(region_a, "甲", area="1.25", opened=date(2025, 2, 10))
    incubator(region_a, "乙", area="0.50", opened=date(2025, 3, 31))
    incubator(region_a, "丙", area="3.00", opened=date(2025, 4, 1))  # next quarter
    incubator(region_a, "丁", area="9.00", opened=date(2024, 12, 31))  # before the plan
    incubator(region_a, "戊", area="7.00", opened=None, status=IncubatorStatus.BUILDING)
    incubator(region_b, "己", area="2.00", opened=date(2025, 1, 5))
    counts = ledger_counts(plan)
    space = ind(plan, "space")
    assert counts.value(space, region_a.pk, 2025, 1) == Decimal("1.75")
    assert counts.value(space, region_a.pk, 2025, 2) == Decimal("3.00")
    assert counts.value(space, region_b.pk, 2025, 1) == Decimal("2.00")
    assert counts.value(space, None, 2025, 1) == Decimal("3.75")
    assert counts.year_to_date(space, region_a.pk, 2025, 2) == Decimal("4.75")
    names = [r.name for r in counts.records(space, region_a.pk, 2025, [1])]
    assert names == ["甲", "乙"]


def test_recognitions_count_a_carrier_once_at_its_first_level_at_or_above_the_minimum(
    plan, region_a, region_b
):
    carriers = ind(plan, "carriers")  # county-only, 市级及以上
    incubator(
        region_a,
        "先市后省",
        levels=[
            (IncubatorLevel.CITY, date(2025, 5, 1)),
            (IncubatorLevel.PROVINCE, date(2026, 2, 1)),
        ],
    )
    incubator(region_a, "县级", levels=[(IncubatorLevel.COUNTY, date(2025, 5, 1))])
    incubator(
        region_b,
        "县级后升市级",
        levels=[
            (IncubatorLevel.COUNTY, date(2024, 3, 1)),
            (IncubatorLevel.CITY, date(2025, 6, 30)),
        ],
    )
    incubator(region_b, "早已市级", levels=[(IncubatorLevel.CITY, date(2024, 6, 1))])
    counts = ledger_counts(plan)
    # County-only: the whole county's carriers in the county cell.
    assert counts.value(carriers, None, 2025, 2) == 2
    assert sorted(r.name for r in counts.records(carriers, None, 2025, [2])) == [
        "先市后省",
        "县级后升市级",
    ]
    assert counts.value(carriers, None, 2026, 1) == 0  # the later 省级 is no new carrier
    assert counts.value(carriers, None, 2024, 2) == 0  # outside the plan: not counted


def test_recognitions_honour_the_kind(plan, region_a):
    source = plan.ledger_sources.get(indicator__code="carriers")
    source.kind = IncubatorKind.MAKERSPACE
    source.save()
    incubator(region_a, "孵化器", levels=[(IncubatorLevel.CITY, date(2025, 5, 1))])
    incubator(
        region_a,
        "众创",
        kind=IncubatorKind.MAKERSPACE,
        levels=[(IncubatorLevel.CITY, date(2025, 5, 1))],
    )
    counts = ledger_counts(plan)
    assert [r.name for r in counts.records(ind(plan, "carriers"), None, 2025, [2])] == ["众创"]


def test_incubator_title_gained_twice_counts_once_when_first_gained(plan, region_a):
    new_quality, wenzhou = flag(plan, "new-quality"), flag(plan, "wenzhou-20")
    other = flag(plan, "cultivation")  # not one of the source's titles
    incubator(
        region_a, "两块牌子", flags=[(wenzhou, date(2025, 8, 1)), (new_quality, date(2026, 1, 5))]
    )
    incubator(region_a, "培育库", flags=[(other, date(2025, 8, 1))])
    counts = ledger_counts(plan)
    titles = ind(plan, "incubators-20")
    assert counts.value(titles, region_a.pk, 2025, 3) == 1
    assert counts.value(titles, region_a.pk, 2026, 1) == 0
    assert counts.year_to_date(titles, region_a.pk, 2025, 4) == 1


def test_entries_in_the_quarter_and_a_firm_two_townships_report_counts_once_in_the_county(
    plan, region_a, region_b
):
    home_a, home_b = incubator(region_a, "甲"), incubator(region_b, "乙")
    enterprise(home_a, "一号科技有限公司", date(2025, 1, 2), code=credit_code(1))
    enterprise(home_a, "二号科技有限公司", date(2025, 4, 2), code=credit_code(2))
    enterprise(home_a, "三号科技有限公司", date(2024, 12, 2))
    enterprise(home_a, "无码科技有限公司", date(2025, 2, 2))
    enterprise(home_b, "无码科技 （有限公司）", date(2025, 3, 2))  # same firm, no code
    counts = ledger_counts(plan)
    entries = ind(plan, "enterprises")
    assert counts.value(entries, region_a.pk, 2025, 1) == 2
    assert counts.value(entries, region_b.pk, 2025, 1) == 1
    assert counts.value(entries, None, 2025, 1) == 2  # not 3: one firm
    assert counts.value(entries, region_a.pk, 2025, 2) == 1


def test_enterprise_titles_first_gained_in_the_quarter_each_firm_once(plan, region_a):
    sme, high_tech = flag(plan, "provincial-tech-sme"), flag(plan, "high-tech")
    home = incubator(region_a, "甲")
    enterprise(
        home,
        "两项资质",
        date(2024, 5, 1),
        flags=[(sme, date(2025, 7, 1)), (high_tech, date(2025, 8, 1))],
    )
    enterprise(home, "早有资质", date(2024, 5, 1), flags=[(sme, date(2024, 9, 1))])
    enterprise(home, "后获资质", date(2024, 5, 1), flags=[(high_tech, date(2025, 12, 31))])
    counts = ledger_counts(plan)
    tech = ind(plan, "tech-enterprises")
    assert counts.value(tech, region_a.pk, 2025, 3) == 1
    assert counts.value(tech, region_a.pk, 2025, 4) == 1
    assert counts.year_to_date(tech, region_a.pk, 2025, 4) == 2


def test_township_scope_reads_only_its_own_records(plan, region_a, region_b):
    incubator(region_a, "甲", area="1.00", opened=date(2025, 2, 1))
    incubator(region_b, "乙", area="2.00", opened=date(2025, 2, 1))
    counts = ledger_counts(plan, [region_a.pk])
    space = ind(plan, "space")
    assert counts.value(space, region_a.pk, 2025, 1) == 1
    assert counts.value(space, region_b.pk, 2025, 1) == 0


def stock(plan, code, as_of):
    goals = load_goals(plan)
    stocks = ledger_stocks(plan, goals, as_of)
    goal = next(g for g in goals if g.code == code)
    return stocks.get(goal.pk)


def test_stock_counts_operating_carriers_of_the_kind_and_level_at_each_quarter_end(plan, region_a):
    province = [(IncubatorLevel.PROVINCE, date(2025, 5, 1))]
    incubator(region_a, "省级孵化器", levels=province)
    incubator(region_a, "市级孵化器", levels=[(IncubatorLevel.CITY, date(2025, 1, 1))])
    incubator(region_a, "省级众创", kind=IncubatorKind.MAKERSPACE, levels=province)
    incubator(
        region_a,
        "整改中",
        levels=province,
        status=IncubatorStatus.RECTIFYING,
        status_since=date(2025, 9, 1),
    )
    incubator(
        region_a,
        "已摘牌",
        levels=province,
        status=IncubatorStatus.DELISTED,
        status_since=date(2025, 8, 15),
    )
    incubator(region_a, "在建", levels=province, opened=None, status=IncubatorStatus.BUILDING)
    series = stock(plan, "provincial-incubators", Period(2025, 4))
    # Q1: not yet 省级; Q2: 省级孵化器, 整改中, 已摘牌 (still operating then);
    # Q3 and Q4: 已摘牌 no longer counts, 整改中 still does.
    assert series == {
        (2025, 1): 0,
        (2025, 2): 3,
        (2025, 3): 2,
        (2025, 4): 2,
    }


def test_stock_goals_keep_their_reported_series_while_no_ledger_is_kept(plan):
    assert stock(plan, "provincial-incubators", Period(2025, 4)) is None


def test_counts_take_a_constant_number_of_queries(plan, region_a, django_assert_num_queries):
    home = incubator(region_a, "甲", opened=date(2025, 2, 1))
    enterprise(home, "一", date(2025, 2, 1))
    with django_assert_num_queries(7):
        ledger_counts(plan)
    for n in range(30):
        more = incubator(region_a, f"乙{n}", opened=date(2025, 2, 1))
        enterprise(
            more, f"企业{n}", date(2025, 2, 1), flags=[(flag(plan, "high-tech"), date(2025, 5, 1))]
        )
    with django_assert_num_queries(7):
        ledger_counts(plan)
