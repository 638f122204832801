"""What the dashboards count: a region's figures of a quarter once the bureau
has approved them (and the county's own figures always); a region that has
not reported reads 未报, never 0; every page says how many regions reported;
a page opens on the latest quarter whose reporting is complete."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from django.db.models import Sum
from django.urls import reverse
from openpyxl import load_workbook

from reports.choices import GoalStatus, Source, Status
from reports.figures.changes import FigureChange
from reports.figures.quarters import close_quarter
from reports.figures.services import record_figures
from reports.figures.submissions import approve, submit
from reports.models import ClosedQuarter, Figure
from reports.progress import Period
from targets.ledger import LedgerSource

# The demo's last quarter once finished (``demo_complete``): every region approved.
LAST_COMPLETE = Period(2026, 3)
HALF = "2026Q4"
YEAR, QUARTER = 2026, 4


def fill(plan, user, region, value="2", year=YEAR, quarter=QUARTER):
    """Every broken-down indicator of ``region`` for the quarter."""
    changes = [
        FigureChange(indicator.pk, region.pk, year, quarter, Decimal(value))
        for indicator in plan.indicators.filter(by_region=True)
    ]
    return record_figures(plan, user, changes, source=Source.FORM)


@pytest.fixture
def half_reported(demo_complete, staff, official, region_a, region_b):
    """On the demo with 2026 Q3 complete, 2026 Q4: 昆阳 submitted (not yet
    approved), 鳌江 entered by the bureau (代填, approved), the seven others
    nothing."""
    fill(demo_complete, official, region_a, "5")
    submit(demo_complete, official, region_a, YEAR, QUARTER)
    fill(demo_complete, staff, region_b, "3")
    return demo_complete


def by_label(response) -> dict:
    return {row["label"]: row["progress"] for row in response.context["indicator_table"].data.data}


def api_rows(payload) -> dict:
    return {(row["region"], row["indicator"]): row for row in payload["rows"]}


def ytd_from_db(indicator, region) -> Decimal:
    figures = Figure.objects.filter(indicator=indicator, region=region, year=YEAR)
    return figures.aggregate(total=Sum("value"))["total"] or Decimal(0)


# --- the default quarter and what a half-reported quarter says --------------------------


def test_the_overview_stays_on_the_last_complete_quarter(client_for, leader, half_reported):
    response = client_for(leader).get(reverse("reports:overview"))
    assert response.context["period"] == LAST_COMPLETE
    html = response.content.decode()
    assert "截至2026年第3季度 · 9/9 乡镇已审核" in html
    assert "填报尚未完成" not in html


@pytest.mark.parametrize("name", ["reports:overview", "reports:matrix", "reports:report"])
def test_every_county_page_and_the_report_default_to_the_last_complete_quarter(
    client_for, leader, half_reported, name
):
    response = client_for(leader).get(reverse(name))
    if name == "reports:report":
        assert "2026Q3" in response["Content-Disposition"]
    else:
        assert response.context["period"] == LAST_COMPLETE


def test_the_demo_opens_on_2026_q2_and_says_its_2026_q3_is_half_reported(client_for, leader, demo):
    """The demo as seeded: 2026 Q3 has 5 regions approved, 腾蛟 submitted, and
    麻步 (returned), 海西 (draft) and 经开区 (nothing) not reported."""
    client = client_for(leader)
    response = client.get(reverse("reports:overview"))
    assert response.context["period"] == Period(2026, 2)
    assert "截至2026年第2季度 · 9/9 乡镇已审核" in response.content.decode()
    response = client.get(reverse("reports:overview"), {"period": "2026Q3"})
    html = response.content.decode()
    assert "截至2026年第3季度 · 5/9 乡镇已审核,1 已上报,3 未报" in html
    # Their earlier approved quarters stay in the county's total: the notice
    # says so, as the total is more than the rows shown.
    assert "填报尚未完成:4 个乡镇的数据尚未审核" in html
    assert "合计含这些乡镇此前已审核的季度,不含本季度" in html
    assert by_label(response)["新增孵化空间面积(万平方米)"].provisional is True


def test_asked_for_a_half_reported_quarter_the_overview_says_so(client_for, leader, half_reported):
    response = client_for(leader).get(reverse("reports:overview"), {"period": HALF})
    assert response.context["period"] == Period(YEAR, QUARTER)
    html = response.content.decode()
    assert "截至2026年第4季度 · 1/9 乡镇已审核,1 已上报,7 未报" in html
    assert "填报尚未完成:8 个乡镇的数据尚未审核" in html
    county = by_label(response)
    firms = county["新增在孵企业(项目)(个)"]
    # 鳌江's 3 is in; 昆阳's submitted 5 is not; the others reported nothing yet.
    assert firms.provisional is True
    assert firms.status == Status.SERIOUSLY_BEHIND  # what the engine computed
    table = response.context["indicator_table"].as_html(response.wsgi_request)
    assert "滞后(暂定)" in table
    assert "严重滞后" not in table  # not on a quarter most regions have not reported
    # The bureau has not entered its own county-only figure of the quarter yet.
    assert county["新增市级及以上孵化载体(个)"].status == Status.NOT_REPORTED


def test_a_region_that_has_not_reported_reads_not_reported_in_the_matrix_and_exports(
    client_for, staff, half_reported, region_b
):
    client = client_for(staff)
    response = client.get(reverse("reports:matrix"), {"period": HALF})
    space = half_reported.indicators.get(code="space")
    rows = {row["region"]: row for row in response.context["matrix"].data.data}
    assert rows["水头"][f"i{space.pk}"].status == Status.NOT_REPORTED
    assert rows["水头"][f"i{space.pk}"].ytd_actual is None
    assert rows["昆阳"][f"i{space.pk}"].status == Status.NOT_REPORTED  # submitted, not approved
    assert rows["鳌江"][f"i{space.pk}"].ytd_actual == ytd_from_db(space, region_b)
    html = response.content.decode()
    assert "未报" in html and "status-not_reported" in html
    assert "1/9 乡镇已审核,1 已上报,7 未报" in html

    exported = client.get(reverse("reports:matrix"), {"period": HALF, "_export": "xlsx"})
    sheet = load_workbook(BytesIO(exported.content)).active
    header = [cell.value for cell in sheet[1]]
    by_region = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    actual = header.index("新增孵化空间面积(万平方米) 累计完成")
    status = header.index("新增孵化空间面积(万平方米) 状态")
    assert by_region["水头"][actual] == "未报"
    assert by_region["水头"][status] == "未报"
    assert Decimal(str(by_region["鳌江"][actual])) == ytd_from_db(space, region_b)
    assert by_region["全县"][status] == "滞后(暂定)"

    csv = client.get(reverse("reports:matrix"), {"period": HALF, "_export": "csv"})
    assert "未报" in b"".join(csv.streaming_content).decode("utf-8-sig")


def test_the_heatmap_greys_a_region_that_has_not_reported(client_for, leader, half_reported):
    import json

    response = client_for(leader).get(reverse("reports:overview"), {"period": HALF})
    heatmap = json.loads(dict(response.context["charts"])["chart-heatmap"])
    progress, missing = heatmap["data"]
    row = progress["y"].index("水头")
    assert all(value is None for value in progress["z"][row])
    assert all(value is not None for value in missing["z"][row])
    assert all("未报" in text for text in missing["text"][row])
    reported = progress["y"].index("鳌江")
    assert all(value is None for value in missing["z"][reported])


def test_the_township_page_of_a_region_that_has_not_reported(client_for, leader, half_reported):
    response = client_for(leader).get(
        reverse("reports:township", args=["shuitou"]), {"period": HALF}
    )
    html = response.content.decode()
    assert "截至2026年第4季度 · 水头未报" in html
    assert "水头2026年第4季度的数据尚未审核" in html
    space = by_label(response)["新增孵化空间面积(万平方米)"]
    assert (space.status, space.ytd_actual) == (Status.NOT_REPORTED, None)
    figures = {row["label"]: row for row in response.context["figures_table"].data.data}
    assert figures["新增孵化空间面积(万平方米)"]["2026Q4"] is None
    assert "未报" in response.context["figures_table"].as_html(response.wsgi_request)
    import json

    line = json.loads(dict(response.context["charts"])["chart-cumulative-space"])["data"][0]
    assert line["x"][-1] == "2026Q4" and line["y"][-1] is None  # a gap, not a drop to the floor
    assert line["y"][-2] is not None


def test_the_indicator_page_says_who_reported(client_for, leader, half_reported):
    response = client_for(leader).get(
        reverse("reports:indicator", args=["space"]), {"period": HALF}
    )
    html = response.content.decode()
    assert "1/9 乡镇已审核,1 已上报,7 未报" in html
    rows = {row["region"]: row["progress"] for row in response.context["region_table"].data.data}
    assert rows["水头"].status == Status.NOT_REPORTED
    assert rows["全县"].provisional is True
    assert "滞后(暂定)" in html


def test_the_api_gives_null_for_a_region_that_has_not_reported_and_its_coverage(
    client_for, leader, half_reported, region_b
):
    payload = client_for(leader).get(reverse("api:progress"), {"period": HALF}).json()
    assert payload["coverage"] == {
        "regions": 9,
        "approved": 1,
        "submitted": 1,
        "not_reported": 7,
        "complete": False,
        "includes_submitted": False,
    }
    rows = api_rows(payload)
    for region in ("shuitou", "kunyang"):
        row = rows[(region, "space")]
        assert row["reported"] is False
        assert row["status"] == Status.NOT_REPORTED
        for field in ("actual", "quarter_actual", "completion", "plan_actual", "plan_completion"):
            assert row[field] is None, (region, field)
        assert row["target"] is not None  # what is owed is still known
    space = half_reported.indicators.get(code="space")
    aojiang = rows[("aojiang", "space")]
    assert Decimal(aojiang["actual"]) == ytd_from_db(space, region_b)
    assert aojiang["reported"] is True and aojiang["provisional"] is False
    county = rows[(None, "space")]
    assert county["provisional"] is True and county["actual"] is not None


def test_the_api_default_period_is_the_last_complete_quarter(client_for, leader, half_reported):
    payload = client_for(leader).get(reverse("api:progress")).json()
    assert payload["period"] == LAST_COMPLETE.code
    assert payload["coverage"]["approved"] == 9 and payload["coverage"]["complete"] is True


def test_a_township_opens_on_its_own_latest_approved_quarter(
    client_for, other_official, official, half_reported
):
    # 鳌江's 2026 Q4 is approved; the county's is not complete.
    response = client_for(other_official).get(reverse("reports:township", args=["aojiang"]))
    assert response.context["period"] == Period(YEAR, QUARTER)
    assert "截至2026年第4季度 · 鳌江已审核" in response.content.decode()
    # 昆阳's Q4 is only submitted: its official still opens on Q3.
    response = client_for(official).get(reverse("reports:township", args=["kunyang"]))
    assert response.context["period"] == LAST_COMPLETE


def test_a_closed_quarter_is_complete_even_with_regions_missing(
    client_for, leader, staff, half_reported
):
    ClosedQuarter.objects.create(plan=half_reported, year=YEAR, quarter=QUARTER, closed_by=staff)
    response = client_for(leader).get(reverse("reports:overview"))
    assert response.context["period"] == Period(YEAR, QUARTER)
    # Its missing regions are still missing, and said so.
    assert "1/9 乡镇已审核,1 已上报,7 未报" in response.content.decode()


def test_without_a_complete_quarter_the_latest_counted_one_is_shown_as_provisional(
    client_for, leader, staff, plan, region_b
):
    fill(plan, staff, region_b, "1", year=2025, quarter=2)
    response = client_for(leader).get(reverse("reports:overview"))
    assert response.context["period"] == Period(2025, 2)
    html = response.content.decode()
    assert "1/9 乡镇已审核,8 未报" in html
    assert "填报尚未完成" in html


def test_nothing_reported_opens_on_the_plans_first_quarter(client_for, leader, plan):
    response = client_for(leader).get(reverse("reports:overview"))
    assert response.context["period"] == Period(2025, 1)
    assert "0/9 乡镇已审核,9 未报" in response.content.decode()


def test_the_report_title_states_the_coverage(client_for, leader, half_reported):
    client = client_for(leader)
    for period, words in [
        ("2026Q3", "9/9 乡镇已审核"),
        (HALF, "1/9 乡镇已审核,1 已上报,7 未报"),
    ]:
        response = client.get(reverse("reports:report"), {"period": period})
        workbook = load_workbook(BytesIO(response.content))
        for sheet in workbook.worksheets:
            assert words in sheet["A2"].value, (period, sheet.title)
    annex2 = workbook.worksheets[1]
    values = {row[1]: row for row in annex2.iter_rows(min_row=5, values_only=True)}
    # 水头: target, 未报 for the actual, no completion, status 未报.
    assert values["水头"][3:6] == ("未报", None, "未报")


def test_the_coverage_names_the_plans_own_region_term(client_for, leader, half_reported):
    half_reported.region_term = "街道"
    half_reported.save()
    html = client_for(leader).get(reverse("reports:overview"), {"period": HALF}).content.decode()
    assert "1/9 街道已审核,1 已上报,7 未报" in html
    assert "乡镇已审核" not in html


# --- nothing in draft or submitted counts --------------------------------------------------


def numbers(client, period: str, **params) -> dict:
    """Every number each reading channel shows for ``period``, keyed by where."""
    query = {"period": period, **params}
    seen = {}
    overview = client.get(reverse("reports:overview"), query)
    for label, progress in by_label(overview).items():
        seen[("overview", label)] = (progress.ytd_actual, progress.status, progress.provisional)
    for row in client.get(reverse("reports:matrix"), query).context["matrix"].data.data:
        for key, cell in row.items():
            if key.startswith("i") and cell is not None:
                seen[("matrix", row["region"], key)] = (cell.ytd_actual, cell.status)
    township = client.get(reverse("reports:township", args=["kunyang"]), query)
    for label, progress in by_label(township).items():
        seen[("township", label)] = (progress.ytd_actual, progress.plan_actual, progress.status)
    for row in township.context["figures_table"].data.data:
        seen[("figures", row["label"])] = tuple(sorted(row.items()))
    indicator = client.get(reverse("reports:indicator", args=["space"]), query)
    for row in indicator.context["region_table"].data.data:
        seen[("indicator", row["region"])] = (row["progress"].ytd_actual, row["progress"].status)
    payload = client.get(reverse("api:progress"), query).json()
    for key, row in api_rows(payload).items():
        seen[("api", key)] = row
    report = load_workbook(BytesIO(client.get(reverse("reports:report"), query).content))
    for sheet in report.worksheets[:2]:
        for row in sheet.iter_rows(min_row=3, values_only=True):
            if any(value is not None for value in row[1:]):  # not a note under the table
                seen[("report", sheet.title, row[:2])] = row
    return seen


def test_a_draft_or_submitted_figure_changes_no_number_until_approved(
    client_for, leader, staff, official, demo_complete, region_a
):
    # 2026 Q3 complete: 昆阳's Q4 is the only report not yet approved, so it
    # alone is what staff's "include submitted" adds.
    demo = demo_complete
    client = client_for(leader)
    before = numbers(client, HALF)

    fill(demo, official, region_a, "5")  # a draft
    assert numbers(client_for(leader), HALF) == before
    submit(demo, official, region_a, YEAR, QUARTER)
    assert numbers(client_for(leader), HALF) == before
    # Staff may look ahead, explicitly; without asking they see what leaders see.
    assert numbers(client_for(staff), HALF) == before
    included = numbers(client_for(staff), HALF, include="submitted")
    assert included != before

    approve(demo, staff, region_a, YEAR, QUARTER)
    after = numbers(client_for(leader), HALF)
    assert after != before
    # What staff previewed is exactly what now counts.
    assert included == after
    space = demo.indicators.get(code="space")
    api = after[("api", ("kunyang", "space"))]
    assert Decimal(api["actual"]) == ytd_from_db(space, region_a)
    assert api["quarter_actual"] == "5.0000"


def test_only_staff_may_include_submitted_figures(
    client_for, leader, staff, official, half_reported
):
    space = "新增孵化空间面积(万平方米)"

    def county(user, **params):
        response = client_for(user).get(reverse("reports:overview"), {"period": HALF, **params})
        return by_label(response)[space].ytd_actual, response.content.decode()

    approved_only, html = county(leader)
    assert "包含已上报未审核的数据" not in html  # no such option for leaders
    assert county(leader, include="submitted")[0] == approved_only
    staff_default, html = county(staff)
    assert staff_default == approved_only
    assert "包含已上报未审核的数据" in html  # the option, not ticked
    with_submitted, html = county(staff, include="submitted")
    assert with_submitted == approved_only + 5  # 昆阳's submitted 5
    assert "含已上报未审核的数据" in html
    # The links a page offers keep the choice.
    assert "include=submitted" in html
    # A township official never gets it, not even for their own region.
    page = client_for(official).get(
        reverse("reports:township", args=["kunyang"]), {"period": HALF, "include": "submitted"}
    )
    assert by_label(page)[space].status == Status.NOT_REPORTED
    assert "包含已上报未审核的数据" not in page.content.decode()
    api = client_for(official).get(
        reverse("api:progress"), {"period": HALF, "include": "submitted"}
    )
    assert api.json()["coverage"]["includes_submitted"] is False
    staff_api = client_for(staff).get(
        reverse("api:progress"), {"period": HALF, "include": "submitted"}
    )
    assert staff_api.json()["coverage"]["includes_submitted"] is True
    assert api_rows(staff_api.json())[("kunyang", "space")]["reported"] is True


def test_a_quarter_no_township_has_reported_reads_not_reported_for_the_county(
    client_for, leader, demo_complete
):
    """2026 Q4, nothing approved yet: the county's sum of broken-down
    indicators is unknown (未报), not 0 for the quarter and a full year's total,
    on the page, the API and the briefing; the annual floor measured on one of
    them is not yet missed for 2026, only behind so far (暂定)."""
    client = client_for(leader)
    page = client.get(reverse("reports:overview"), {"period": HALF})
    space = by_label(page)["新增孵化空间面积(万平方米)"]
    assert (space.status, space.ytd_actual, space.annual_target) == (
        Status.NOT_REPORTED,
        None,
        22,
    )
    api = api_rows(client.get(reverse("api:progress"), {"period": HALF}).json())
    county = api[(None, "space")]
    assert (county["reported"], county["actual"], county["quarter_actual"]) == (False, None, None)
    briefing = client.get(reverse("reports:briefing"), {"period": HALF}).content.decode()
    assert "全县新增孵化空间面积数据未报" in briefing
    assert "全年累计" not in briefing and "未完成年度目标" not in briefing

    goals = client.get(reverse("api:goals"), {"period": HALF}).json()["goals"]
    floor = next(goal for goal in goals if goal["code"] == "enterprises")
    year = next(year for year in floor["years"] if year["year"] == YEAR)
    enterprises = demo_complete.indicators.get(code="enterprises")
    through_q3 = Figure.objects.filter(indicator=enterprises, year=YEAR, quarter__lte=3)
    assert Decimal(year["value"]) == through_q3.aggregate(total=Sum("value"))["total"]
    assert (year["complete"], year["provisional"]) == (False, True)
    assert year["status"] != "missed"
    note = client.get(reverse("reports:goals"), {"period": HALF}).content.decode()
    assert f"{YEAR}年 {year['value'].split('.')[0]}(" in note
    assert f"{GoalStatus(year['status']).label},暂定)" in note


def test_a_county_only_indicator_counts_once_the_bureau_entered_it(client_for, leader, staff, demo):
    """The bureau's own figures need no review, but a quarter it has not
    entered yet is unknown (未报), not 0 and behind; its entry, 0 included,
    counts at once, and closing the quarter settles it as entered."""
    carriers = demo.indicators.get(code="carriers")
    label = "新增市级及以上孵化载体(个)"
    assert not Figure.objects.filter(indicator=carriers, year=YEAR, quarter=QUARTER).exists()
    page = client_for(leader).get(reverse("reports:overview"), {"period": HALF})
    before = by_label(page)
    assert before[label].status == Status.NOT_REPORTED
    assert before[label].ytd_actual is None and before[label].annual_target == 7
    notice = "新增市级及以上孵化载体本季度尚未填报,显示为“未报”。"
    assert notice in page.context["coverage_notice"]

    record_figures(
        demo,
        staff,
        [FigureChange(carriers.pk, None, YEAR, QUARTER, Decimal(2))],
        source=Source.FORM,
    )
    page = client_for(leader).get(reverse("reports:overview"), {"period": HALF})
    after = by_label(page)
    assert notice not in page.context["coverage_notice"]
    assert after[label].ytd_actual == ytd_from_db(carriers, None)
    assert Figure.objects.get(indicator=carriers, year=YEAR, quarter=QUARTER).value == 2
    assert after[label].status != Status.NOT_REPORTED and after[label].provisional is False


def test_closing_a_quarter_settles_a_county_only_indicator_left_blank(
    client_for, leader, staff, demo
):
    ClosedQuarter.objects.create(plan=demo, year=YEAR, quarter=QUARTER, closed_by=staff)
    carriers = demo.indicators.get(code="carriers")
    shown = by_label(client_for(leader).get(reverse("reports:overview"), {"period": HALF}))
    cell = shown["新增市级及以上孵化载体(个)"]
    assert cell.status != Status.NOT_REPORTED
    assert cell.ytd_actual == ytd_from_db(carriers, None)  # nothing new in Q4


def test_a_county_only_indicator_the_ledger_derives_is_never_not_reported(client_for, leader, demo):
    """Its figures come from the ledger, never typed: nothing to enter, so
    no 未报 and no notice asking the bureau to enter it."""
    LedgerSource.objects.filter(indicator__code="carriers").update(derived=True)
    page = client_for(leader).get(reverse("reports:overview"), {"period": HALF})
    assert by_label(page)["新增市级及以上孵化载体(个)"].status != Status.NOT_REPORTED
    assert "新增市级及以上孵化载体本季度尚未填报" not in (page.context["coverage_notice"] or "")


def test_a_closed_quarter_a_region_missed_leaves_its_status_final_not_provisional(
    client_for, leader, staff, demo
):
    """经开区 reported nothing for 2026 Q3 and the bureau closed the quarter:
    nothing more will come for it. In Q4 (reported), its 2026 so far has a
    quarter 未报 but its status is final, as the county's already was; its own
    page, asked for Q3, says the quarter is closed rather than "may change"."""
    kaifaqu = demo.regions.get(code="kaifaqu")
    fill(demo, staff, kaifaqu, "0")  # Q4, entered by the bureau: counts; behind
    client = client_for(leader)

    def row() -> dict:
        payload = client.get(reverse("api:progress"), {"period": HALF}).json()
        return api_rows(payload)[("kaifaqu", "space")]

    before = row()  # Q3 may still come
    assert (before["provisional"], before["plan_provisional"]) == (True, True)
    close_quarter(demo, staff, 2026, 3, "经开区未报,按期关闭", override=True)
    after = row()
    assert (after["provisional"], after["plan_provisional"]) == (False, False)
    assert after["status"] == before["status"] and after["actual"] == before["actual"]
    assert after["reported"] is True and after["status"] != Status.NOT_REPORTED
    page = client.get(reverse("reports:township", args=["kaifaqu"]), {"period": "2026Q3"})
    notice = page.context["coverage_notice"]
    assert "2026年第3季度已关闭:经开区本季度的数据未经审核" in notice
    assert "可能变化" not in notice
    rows = {r["label"]: r["progress"] for r in page.context["indicator_table"].data.data}
    assert rows["新增孵化空间面积(万平方米)"].status == Status.NOT_REPORTED
    # Its Q4 briefing says why its year lacks Q3, and calls nothing 暂定.
    briefing = client.get(reverse("reports:briefing_region", args=["kaifaqu"]), {"period": HALF})
    text = briefing.content.decode()
    assert "本年度第3季度数据未报或未审核，季度已关闭，未计入全年累计。" in text
    assert "暂定" not in text
