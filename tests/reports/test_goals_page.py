"""The 三年目标 page and the overview's goals panel: every headline goal, its
numbers from the same figures the progress pages count, and a second plan's
own goals from its workbook."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from reports.choices import GoalStatus, Status, SubmissionState
from reports.models import Figure, GoalFigure, Submission
from reports.progress import Period
from reports.progress.display import STATUS_COLOURS, goal_status_colour
from targets.choices import GoalKind
from targets.formatting import format_percent
from targets.ledger import LedgerSource
from targets.models import Goal
from targets.services import import_plan
from tests.targets.test_goals_workbook import OTHER_GOALS, SEED_GOALS, add_goals_sheet
from tests.targets.test_workbook import build_other_county

AS_OF = Period(2026, 2)  # where the county pages open on the demo


def rows_of(response) -> dict[str, dict]:
    return {row["text"]: row for row in response.context["goal_table"].data.data}


def approved_sum(figures) -> Decimal:
    """The database's sum of ``figures`` whose region's report is approved."""
    approved = set(
        Submission.objects.filter(state=SubmissionState.APPROVED).values_list(
            "region_id", "year", "quarter"
        )
    )
    return sum(
        (f.value for f in figures if (f.region_id, f.year, f.quarter) in approved), Decimal(0)
    )


def counted_plan_to_date(indicator_code: str) -> Decimal:
    """The database's sum since the plan began of the approved regions' figures."""
    figures = Figure.objects.filter(indicator__code=indicator_code).exclude(year__gt=AS_OF.year)
    return approved_sum(figures.exclude(year=AS_OF.year, quarter__gt=AS_OF.quarter))


def test_the_goals_page_lists_every_goal_with_the_counted_plan_to_date(client_for, leader, demo):
    response = client_for(leader).get(reverse("reports:goals"), {"period": AS_OF.code})
    assert response.status_code == 200
    rows = rows_of(response)
    assert list(rows) == [text for text, *_ in SEED_GOALS]
    talents = rows["累计新增创新创业人才超5000人"]
    assert talents["value"] == counted_plan_to_date("talents")
    assert talents["goal"] == 5000
    # The annex's own number is shown beside the text's, the value judged
    # against each (both are floors): at the pace of the 6 quarters so far,
    # carried over the 6 to come.
    value = talents["value"]
    forecast = value * 2
    needed, pace = (6000 - value) / 6, value / 6
    annex = (
        GoalStatus.ON_COURSE
        if forecast >= 6000
        else GoalStatus.BEHIND
        if needed <= 2 * pace
        else GoalStatus.OUT_OF_REACH
    )
    assert f"附件1计划期目标 6000人({GoalStatus(annex).label})" in talents["note"]
    space = rows["未来三年累计新增空间达到70万平方米(高线80万)"]
    assert (space["goal"], space["stretch"]) == (70, 80)
    body = response.content.decode()
    assert "chart-goals" in body and "按当前进度预计" in body
    assert "每年目标按本年平均速度推算到本年底" in body  # what the forecast is, per kind


def test_a_goal_left_at_0_places_shows_its_indicators_sum_as_the_indicator_does(
    client_for, leader, demo
):
    """A cumulative goal counts its indicator's figures: loaded with 小数位数
    left blank (0), it still shows their sum with the indicator's decimals,
    never 6 where the indicator's pages show 6.20."""
    from targets.formatting import format_number
    from targets.models import Goal

    Goal.objects.filter(plan=demo, code="space").update(decimal_places=0)
    response = client_for(leader).get(reverse("reports:goals"), {"period": AS_OF.code})
    space = rows_of(response)["未来三年累计新增空间达到70万平方米(高线80万)"]
    value = counted_plan_to_date("space")
    assert value != value.to_integral_value()  # the demo's sum has decimals to lose
    assert space["value"] == value and space["decimal_places"] == 2
    assert format_number(value, 2) in response.content.decode()


def test_a_series_goal_shows_its_latest_report_and_an_annual_floor_each_year(
    client_for, leader, staff, demo
):
    bases = Goal.objects.get(code="bases")
    LedgerSource.objects.filter(goal__code="bases").delete()  # its own series, not the ledger's
    for quarter, value in ((1, 31), (2, 29)):
        GoalFigure.objects.update_or_create(
            goal=bases, year=2026, quarter=quarter, defaults={"value": value}
        )
    response = client_for(leader).get(reverse("reports:goals"), {"period": AS_OF.code})
    rows = rows_of(response)
    stock = rows["全县累计建成各类孵化基地30个以上"]
    assert stock["value"] == 29  # an incubation base closed: 29, not 31 + 29
    assert stock["status"] != GoalStatus.MET_EARLY
    assert "截至2026年第2季度填报" in stock["note"]
    floor = rows["每年新增在孵企业200家以上"]
    assert "2025年" in floor["note"] and "2026年" in floor["note"]
    share = GoalFigure.objects.get(goal__code="leading-industry-firms", year=2026, quarter=2)
    assert rows["主导产业企业占比75%以上"]["value"] == share.value / share.denominator * 100


def test_the_overview_has_a_compact_goals_panel_agreeing_with_the_page(client_for, leader, demo):
    client = client_for(leader)
    page = rows_of(client.get(reverse("reports:goals"), {"period": AS_OF.code}))
    response = client.get(reverse("reports:overview"), {"period": AS_OF.code})
    panel = rows_of(response)
    assert list(panel) == list(page)
    for text, row in panel.items():
        assert (row["value"], row["status"]) == (page[text]["value"], page[text]["status"])
    columns = [c.name for c in response.context["goal_table"].columns]
    assert columns == ["text", "value", "goal", "status"]
    assert reverse("reports:goals") in response.content.decode()


def test_the_goals_chart_is_one_bar_per_goal_coloured_by_status(client_for, leader, demo):
    GoalFigure.objects.filter(goal__code="bases").delete()
    LedgerSource.objects.filter(goal__code="bases").delete()  # its own series, not the ledger's
    response = client_for(leader).get(reverse("reports:goals"), {"period": AS_OF.code})
    (_chart_id, figure), *_ = response.context["charts"]
    bars = json.loads(figure)["data"][0]
    assert len(bars["y"]) == len(SEED_GOALS)
    assert bars["y"][0].startswith("1. ")
    statuses = [row["status"] for row in rows_of(response).values()]
    assert bars["marker"]["color"] == [goal_status_colour(status) for status in statuses]
    # Nothing reported for the stock goals yet: grey, as a township that has not reported.
    assert bars["marker"]["color"][2] == STATUS_COLOURS[Status.NOT_REPORTED]
    # Each bar says its share, short enough for a phone; the table numbers
    # its rows as the chart does, since the chart cuts long goals short.
    rows = list(rows_of(response).values())
    for label, text, length, row in zip(bars["y"], bars["text"], bars["x"], rows, strict=True):
        assert label.startswith(f"{row['number']}. ")
        if row["value"] is None:
            assert text == "—" and length is None
        else:
            assert text == format_percent(row["value"] / row["goal"])
            # The bar ends where its text says (cut at 150%, never past it).
            assert length == min(float(text.rstrip("%")), 150.0)
    assert bars["text"][0].endswith("%")


def test_a_second_plan_shows_its_own_goals_without_code_change(client_for, staff, plan, tmp_path):
    path = tmp_path / "donghu.xlsx"
    build_other_county(path)
    add_goals_sheet(path, OTHER_GOALS)
    import_plan(path, activate=True)

    response = client_for(staff).get(reverse("reports:goals"))

    assert response.status_code == 200
    assert list(rows_of(response)) == [row[2] for row in OTHER_GOALS[1:]]


@pytest.mark.parametrize(("years", "term"), [(4, "四年目标"), (2, "两年目标")])
def test_a_plan_names_its_goals_by_its_own_length(client_for, staff, db, years, term):
    """Pingyang's 三年目标 is its three years: a four-year plan has 四年目标,
    on every page, the report and the briefing alike."""
    from io import BytesIO

    from openpyxl import load_workbook

    from reports.demo.scale import generate_plan

    plan = generate_plan(regions=3, indicators=2, years=years, quarters=4, seed=3)
    client = client_for(staff)
    period = {"period": "2025Q4"}
    page = client.get(reverse("reports:goals"), period).content.decode()
    assert f'<h1 class="h4">{term} · 2025年第4季度</h1>' in page
    assert f">{term}</a>" in page  # the bar's link
    assert "三年目标" not in page
    assert f"{term}数据填报" in client.get(reverse("reports:goal_entry"), period).content.decode()
    book = load_workbook(BytesIO(client.get(reverse("reports:report"), period).content))
    assert term in book.sheetnames and book[term]["A1"].value.endswith(f"{term}完成情况")
    briefing = client.get(reverse("reports:briefing"), period).content.decode()
    assert f"{term}进展" in briefing and "三年目标" not in briefing
    assert plan.goals.exists()


def test_a_goal_on_a_half_reported_quarter_reads_provisional(client_for, leader, demo):
    """2026 Q3 misses four townships' reports: the goals measured on the
    indicators stand on incomplete figures and say so, as the indicators do;
    2026 Q2 is complete and says nothing of the kind."""
    client = client_for(leader)
    q3 = rows_of(client.get(reverse("reports:goals"), {"period": "2026Q3"}))
    space = q3["未来三年累计新增空间达到70万平方米(高线80万)"]
    assert space["status_label"].endswith("(暂定)")
    assert GoalStatus(space["status"]).label + "(暂定)" == space["status_label"]
    bases = q3["全县累计建成各类孵化基地30个以上"]  # counted from the ledger
    assert "暂定" not in bases["status_label"]
    q2 = rows_of(client.get(reverse("reports:goals"), {"period": "2026Q2"}))
    assert not any("暂定" in row["status_label"] for row in q2.values())
    api = client.get(reverse("api:goals"), {"period": "2026Q3"}).json()["goals"]
    assert {g["code"]: g["provisional"] for g in api}["space"] is True


def test_a_goal_on_a_county_only_indicator_not_yet_entered_reads_provisional(
    client_for, leader, demo
):
    """Another county's plan may measure a goal on a county-only indicator.
    In a quarter the bureau has not entered yet (carriers, 2026 Q4) the goal
    holds what is known so far, provisionally — not "no data"."""
    carriers = demo.indicators.get(code="carriers")
    Goal.objects.create(
        plan=demo,
        code="carriers-total",
        order=99,
        text="累计新增市级及以上孵化载体20个以上",
        kind=GoalKind.CUMULATIVE,
        value=20,
        unit="个",
        indicator=carriers,
    )
    response = client_for(leader).get(reverse("reports:goals"), {"period": "2026Q4"})
    row = rows_of(response)["累计新增市级及以上孵化载体20个以上"]
    known = sum(
        Figure.objects.filter(indicator=carriers, region__isnull=True).values_list(
            "value", flat=True
        ),
        Decimal(0),
    )
    assert not Figure.objects.filter(indicator=carriers, year=2026, quarter=4).exists()
    assert row["value"] == known > 0
    assert row["status"] != GoalStatus.NO_DATA
    assert "暂定" in row["status_label"]
    # Carriers are a year-end milestone: the pace is per year ended by the
    # quarter the value covers (2026 Q3: one, 2025), carried over the two
    # year ends still to come (2026's among them, the quarter not yet
    # entered not counted as a quarter of nothing).
    assert row["forecast"] == known + known * 2


def annual_floor_row(plan, as_of: Period):
    """The plan's annual-floor goal as the county's page evaluates it."""
    from reports.progress import load_plan_data, progress_table
    from reports.progress.goal_queries import evaluate_goals, load_goals

    data = load_plan_data(plan, plan.regions.all(), whole_county=True)
    rows = evaluate_goals(plan, load_goals(plan), progress_table(data, as_of), as_of)
    return next(r for r in rows if r.goal.kind == GoalKind.ANNUAL_FLOOR)


def test_closing_a_quarter_a_township_never_reported_settles_the_year(demo, staff):
    """2025 Q4 lacks 昆阳's report: the county's 2025 of 每年新增在孵企业200家以上
    stands on what is in, below the floor but not yet missed, provisionally.
    Once the bureau closes 2025 Q4 nothing more will come: the year is final,
    missed, and neither the goal nor the county's cell is provisional."""
    from reports.figures.quarters import close_quarter
    from reports.progress import load_plan_data, progress_table

    Figure.objects.filter(indicator__code="enterprises", year=2025).update(value=5)
    kunyang = demo.regions.get(code="kunyang")
    Submission.objects.filter(region=kunyang, year=2025, quarter=4).delete()

    def floor_and_cell():
        data = load_plan_data(demo, demo.regions.all(), whole_county=True)
        enterprises = demo.indicators.get(code="enterprises")
        cell = progress_table(data, Period(2025, 4)).cell(None, enterprises.pk)
        return annual_floor_row(demo, Period(2026, 2)), cell

    row, cell = floor_and_cell()
    year = row.result.years[0]
    assert year.year == 2025 and year.status == GoalStatus.OUT_OF_REACH and not year.complete
    assert cell.provisional

    close_quarter(demo, staff, 2025, 4, reason="昆阳未报,按已审核数据关账", override=True)
    row, cell = floor_and_cell()
    year = row.result.years[0]
    assert year.status == GoalStatus.MISSED and year.complete and not year.provisional
    assert row.result.status == GoalStatus.MISSED and not row.provisional
    assert not cell.provisional and cell.status in (Status.BEHIND, Status.SERIOUSLY_BEHIND)


def test_closing_a_quarter_no_township_reported_settles_the_year_on_the_rest(demo, staff):
    """No township's 2025 Q4 report is in: the county has no sum for the
    quarter, and its 2025 of 每年新增在孵企业200家以上 covers Q1–Q3, below the
    floor, not yet missed. Once the bureau closes 2025 Q4, the quarter counts
    as 0 (nothing more will come): the year covers all four quarters with the
    same value, and it is final and missed, not provisional."""
    from reports.figures.quarters import close_quarter

    Figure.objects.filter(indicator__code="enterprises", year=2025).update(value=5)
    Submission.objects.filter(plan=demo, year=2025, quarter=4).delete()

    def floor_2025():
        row = annual_floor_row(demo, Period(2026, 2))
        return row, row.result.years[0]

    row, year = floor_2025()
    through_q3 = year.value
    assert year.year == 2025 and year.status != GoalStatus.MISSED
    assert not year.complete and year.provisional

    close_quarter(demo, staff, 2025, 4, reason="各乡镇均未报,按0计关账", override=True)
    row, year = floor_2025()
    assert year.value == through_q3
    assert year.status == GoalStatus.MISSED and year.complete and not year.provisional
    assert row.result.status == GoalStatus.MISSED and not row.provisional


def test_a_quarter_no_township_reported_leaves_the_rest_of_the_year_counted(demo):
    """No township's 2025 Q2 report is approved: the county's 2025 of the
    annual floor is Q1, Q3 and Q4 as approved (not Q1 alone, the line cut at
    the gap), provisional and not final; the goals page, the chart line and
    the cell agree."""
    from reports.progress import load_plan_data, progress_table
    from reports.progress.goal_queries import evaluate_goals, load_goals

    Submission.objects.filter(plan=demo, year=2025, quarter=2).delete()
    enterprises = demo.indicators.get(code="enterprises")
    in_2025 = approved_sum(Figure.objects.filter(indicator=enterprises, year=2025))
    as_of = Period(2026, 2)
    data = load_plan_data(demo, demo.regions.all(), whole_county=True)
    table = progress_table(data, as_of)
    row = next(
        r
        for r in evaluate_goals(demo, load_goals(demo), table, as_of)
        if r.goal.kind == GoalKind.ANNUAL_FLOOR
    )
    year = row.result.years[0]
    assert (year.year, year.value) == (2025, in_2025)
    assert year.provisional and not year.complete
    cell = progress_table(data, Period(2025, 4)).cell(None, enterprises.pk)
    assert cell.ytd_actual == in_2025 and cell.provisional
    plan_line = table.plan_cumulative_series(None, enterprises.pk)
    assert plan_line[1].actual is None  # 2025 Q2: nobody's report counts
    assert plan_line[-1].actual == table.cell(None, enterprises.pk).plan_actual


def test_an_annual_floors_note_in_english_spaces_its_years(client_for, leader, demo):
    """Each year of a floor is a note of its own, set apart as the language
    sets sentences apart: "；" in Chinese, "; " in English."""
    client = client_for(leader)
    chinese = rows_of(client.get(reverse("reports:goals"), {"period": AS_OF.code}))
    note = chinese["每年新增在孵企业200家以上"]["note"]
    assert re.search(r"2025年 \d+\(.+\);2026年", note), note
    english = client.get(
        reverse("reports:goals"), {"period": AS_OF.code}, HTTP_ACCEPT_LANGUAGE="en"
    )
    note = rows_of(english)["每年新增在孵企业200家以上"]["note"]
    assert re.search(r"2025: \d+ \(.+\); 2026", note), note


def goal_rows(plan, as_of: Period) -> dict[str, object]:
    """Every goal of the plan as the county's page evaluates it, by code."""
    from reports.progress import load_plan_data, progress_table
    from reports.progress.goal_queries import evaluate_goals, load_goals

    data = load_plan_data(plan, plan.regions.all(), whole_county=True)
    rows = evaluate_goals(plan, load_goals(plan), progress_table(data, as_of), as_of)
    return {row.goal.code: row for row in rows}


def test_a_cumulative_goal_counts_a_closed_quarter_no_township_reported_as_0(demo, staff):
    """2026 Q4: no township reported and the bureau closed it (as it closed Q3
    with reports missing). Nothing more will come: 累计新增创新创业人才 is
    judged over all eight quarters so far, the last adding 0 — its pace is
    the known total ÷ 8, carried over the four quarters left — and it is no
    longer provisional, as the indicator's own cell is not."""
    from reports.figures.quarters import close_quarter

    close_quarter(demo, staff, 2026, 3, reason="部分乡镇未报,按已审核数据关账", override=True)
    before = goal_rows(demo, Period(2026, 4))["talents"]
    assert before.provisional  # Q4 open: still to come
    close_quarter(demo, staff, 2026, 4, reason="各乡镇均未报,按0计关账", override=True)
    row = goal_rows(demo, Period(2026, 4))["talents"]
    talents = demo.indicators.get(code="talents")
    known = approved_sum(Figure.objects.filter(indicator=talents, region__isnull=False))
    assert row.result.value == known > 0
    assert row.result.forecast == known + known / 8 * 4
    assert not row.provisional
    assert row.result.status == GoalStatus.BEHIND


def test_an_annual_floor_reached_is_not_provisional_while_reports_are_missing(
    client_for, leader, demo
):
    """2026 Q3 misses four townships' reports, yet the county's 2026 of
    每年新增在孵企业200家以上 is already above 200: figures only add, so the
    year reads 提前达成 without 暂定, as the indicator's done cell does."""
    enterprises = demo.indicators.get(code="enterprises")
    Figure.objects.filter(indicator=enterprises, year=2026, quarter=1).update(value=30)
    row = goal_rows(demo, Period(2026, 3))["enterprises"]
    year = row.result.years[-1]
    assert year.year == 2026 and year.value >= 200
    assert year.status == GoalStatus.MET_EARLY and not year.provisional
    page = rows_of(client_for(leader).get(reverse("reports:goals"), {"period": "2026Q3"}))
    note = page["每年新增在孵企业200家以上"]["note"]
    assert f"2026年 {year.value:.0f}(提前达成)" in note
