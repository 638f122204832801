"""The dashboards show the engine's numbers for the user's scope, and they agree
with the database and the seed targets."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from io import BytesIO
from urllib.parse import unquote

import django_tables2 as tables
import pytest
from django.db.models import Sum
from django.urls import reverse
from django_tables2.rows import BoundRows
from openpyxl import load_workbook

from reports.choices import Source, Status, SubmissionState
from reports.figures.changes import FigureChange
from reports.figures.services import record_figures
from reports.models import Figure, Submission
from reports.progress import ZERO, Period

# Where the county pages open on the demo: its latest complete quarter (its
# 2026 Q3 is half reported on purpose).
AS_OF = Period(2026, 2)


def ytd_from_db(
    indicator, region=None, *, county=False, year=2026, quarter=AS_OF.quarter
) -> Decimal:
    """The database's year-to-date sum, for quarters whose reports are all
    approved (so every figure summed counts): checked, not assumed."""
    figures = Figure.objects.filter(indicator=indicator, year=year, quarter__lte=quarter)
    reports = Submission.objects.filter(year=year, quarter__lte=quarter)
    if region is not None:
        figures, reports = figures.filter(region=region), reports.filter(region=region)
    elif not county:
        raise ValueError("say region= or county=True")
    assert not reports.exclude(state=SubmissionState.APPROVED).exists(), "not all approved"
    return figures.aggregate(total=Sum("value"))["total"] or Decimal(0)


def rows_by_label(table):
    return {row["label"]: row["progress"] for row in table.data.data}


def test_overview_defaults_to_the_latest_complete_quarter(client_for, leader, demo):
    response = client_for(leader).get(reverse("reports:overview"))
    assert response.status_code == 200
    assert response.context["period"] == AS_OF
    assert "2026年第2季度" in response.content.decode()


def test_overview_county_numbers_match_the_database_and_annex1(client_for, leader, demo):
    response = client_for(leader).get(reverse("reports:overview"))
    rows = rows_by_label(response.context["indicator_table"])
    space = demo.indicators.get(code="space")
    progress = rows["新增孵化空间面积(万平方米)"]
    assert progress.annual_target == 22  # annex 1, 2026
    assert progress.ytd_actual == ytd_from_db(space, county=True)
    assert progress.completion == progress.ytd_actual / 22
    assert progress.expected_value == Decimal("11")  # 22 × 2/4
    assert progress.plan_target == 70
    assert progress.stretch_target == 80
    assert progress.plan_expected == Decimal("27")  # 16 + 22 × 2/4
    carriers = rows["新增市级及以上孵化载体(个)"]
    assert carriers.annual_target == 7
    assert carriers.ytd_actual == ytd_from_db(demo.indicators.get(code="carriers"), county=True)


def test_a_years_own_high_line_shows_where_the_plan_gives_one(client_for, leader, demo):
    """Another county's plan may set a high line (高线) for each year: the
    overview, the indicator page and the API show it beside the year's target
    (the Pingyang plan has the plan period's only, so its pages show none)."""
    from targets.models import Target
    from targets.versioning import bump_data_version

    client = client_for(leader)
    assert "年度高线" not in client.get(reverse("reports:overview")).content.decode()
    space = demo.indicators.get(code="space")
    Target.objects.filter(indicator=space, region=None, year=2026).update(stretch_value=25)
    bump_data_version(demo.pk)  # as the admin's save does

    page = client.get(reverse("reports:overview"))
    progress = rows_by_label(page.context["indicator_table"])["新增孵化空间面积(万平方米)"]
    actual = ytd_from_db(space, county=True)
    assert progress.annual_stretch_target == 25 and progress.stretch_target == 80
    assert progress.annual_stretch_completion == actual / 25
    # 年度目标 22, then 年度高线 25, as targets are shown (as the plan gives them).
    beside_target = re.compile(r'<td class="num">22</td>\s*<td class="num">25</td>')
    html = page.content.decode()
    assert "年度高线" in html and beside_target.search(html)
    indicator = client.get(reverse("reports:indicator", args=["space"])).content.decode()
    assert "年度高线" in indicator and beside_target.search(indicator)
    api = client.get(reverse("api:progress")).json()["rows"]
    county = next(r for r in api if r["region"] is None and r["indicator"] == "space")
    assert Decimal(county["annual_stretch_target"]) == 25
    assert Decimal(county["annual_stretch_completion"]) == (actual / 25).quantize(
        Decimal("0.000001")
    )
    kunyang = next(r for r in api if r["region"] == "kunyang" and r["indicator"] == "space")
    assert kunyang["annual_stretch_target"] is None  # the county's, not the township's


@pytest.mark.parametrize(
    ("period", "incubators", "carriers"),
    [
        ("2025Q1", Status.ON_PACE, Status.ON_PACE),
        ("2025Q3", Status.ON_PACE, Status.ON_PACE),
        ("2025Q4", Status.SERIOUSLY_BEHIND, Status.SERIOUSLY_BEHIND),
    ],
)
def test_a_year_end_milestone_is_not_behind_before_the_years_end(
    client_for, leader, official, staff, plan, period, incubators, carriers
):
    """Nothing achieved yet (every region reports 0, and so does the county):
    floor space (spread) is seriously behind from Q1, the incubators and
    carriers (year-end milestones) only once the year is over. (Reported as 0:
    a quarter not reported at all is 未报, not behind.)"""
    zeros = [
        FigureChange(indicator.pk, region.pk if indicator.by_region else None, 2025, q, ZERO)
        for indicator in plan.indicators.all()
        for region in (plan.regions.all() if indicator.by_region else [None])
        for q in (1, 2, 3, 4)
    ]
    record_figures(plan, staff, zeros, source=Source.FORM)
    county = rows_by_label(
        client_for(leader)
        .get(reverse("reports:overview"), {"period": period})
        .context["indicator_table"]
    )
    assert county["新增孵化空间面积(万平方米)"].status == Status.SERIOUSLY_BEHIND
    assert county["新建成新质孵化器(个)"].status == incubators
    assert county["新增市级及以上孵化载体(个)"].status == carriers
    township = client_for(official).get(
        reverse("reports:township", args=["kunyang"]), {"period": period}
    )
    # 昆阳 owes one incubator in 2025.
    own = rows_by_label(township.context["indicator_table"])["新建成新质孵化器(个)"]
    assert (own.annual_target, own.status) == (1, incubators)


def test_overview_completion_chart_marks_each_indicators_own_expected_share(
    client_for, leader, plan
):
    response = client_for(leader).get(reverse("reports:overview"), {"period": "2025Q2"})
    chart = json.loads(dict(response.context["charts"])["chart-completion"])
    bars, marks = chart["data"]
    assert marks["y"] == bars["y"]
    # Half the year is due for amounts; nothing yet for the two year-end milestones.
    assert marks["x"] == [50, 0, 50, 50, 50, 0]
    assert not chart["layout"].get("shapes")  # no single 序时 line that fits only some bars


def test_overview_ranks_the_far_behind_township_first(client_for, leader, demo):
    response = client_for(leader).get(reverse("reports:overview"))
    lagging = [score.region.name for score, _url in response.context["lagging"]]
    # The demo profile makes 海西 (pace 0.4) the furthest behind.
    assert lagging[0] == "海西"
    # Only townships behind on something are listed (as the briefing names them).
    assert all(score.behind for score, _url in response.context["lagging"])
    assert "单项超过序时的只按达到序时计" in response.content.decode()


def test_overview_says_when_no_township_is_behind(client_for, leader, demo):
    from reports.models import Figure

    Figure.objects.filter(region__isnull=False).update(value=1000)  # every target reached
    response = client_for(leader).get(reverse("reports:overview"))
    assert response.context["lagging"] == []
    assert "各乡镇均无滞后指标。" in response.content.decode()


def test_overview_charts_are_json_for_the_static_script(client_for, leader, demo):
    response = client_for(leader).get(reverse("reports:overview"))
    html = response.content.decode()
    assert 'data-chart-for="chart-heatmap"' in html
    assert "<script>" not in html  # no inline scripts (CSP)
    charts = dict(response.context["charts"])
    heatmap = json.loads(charts["chart-heatmap"])
    assert heatmap["data"][0]["type"] == "heatmap"
    assert heatmap["data"][0]["y"] == [
        "昆阳",
        "鳌江",
        "水头",
        "萧江",
        "万全",
        "腾蛟",
        "麻步",
        "海西",
        "经开区",
    ]


def test_period_can_be_chosen_and_a_bad_one_falls_back(client_for, leader, demo):
    client = client_for(leader)
    response = client.get(reverse("reports:overview"), {"period": "2025Q2"})
    assert response.context["period"] == Period(2025, 2)
    for bad in ["2024Q1", "2025Q5", "x", "2025Q2'--", "9" * 40]:
        response = client.get(reverse("reports:overview"), {"period": bad})
        assert response.status_code == 200
        assert response.context["period"] == AS_OF
        assert "所选季度无效" in response.content.decode()


@pytest.mark.parametrize("name", ["reports:overview", "reports:goals", "reports:briefing"])
def test_a_quarter_not_begun_is_neither_offered_nor_shown(client_for, leader, demo, name):
    """Today is in 2026 Q4: 2027 Q1 has no figures and no ledger yet, so a
    page would judge it on nothing (0 and behind, a stock "as at" a day not
    come). It falls back to the default, saying why; the selector stops at
    the quarter under way."""
    response = client_for(leader).get(reverse(name), {"period": "2027Q1"})
    assert response.status_code == 200
    assert response.context["period"] == AS_OF
    assert response.content.decode().count("所选季度尚未开始") == 1  # said once
    offered = [code for code, _label in response.context["period_form"].fields["period"].choices]
    assert offered[0] == "2026Q4" and offered[-1] == "2025Q1"


def test_every_quarter_is_offered_once_it_has_begun(client_for, leader, demo, every_quarter_begun):
    response = client_for(leader).get(reverse("reports:overview"), {"period": "2027Q4"})
    assert response.context["period"] == Period(2027, 4)


def test_matrix_cells_match_the_database_with_a_county_total_row(client_for, staff, demo):
    response = client_for(staff).get(reverse("reports:matrix"))
    assert response.status_code == 200
    rows = response.context["matrix"].data.data
    assert [row["region"] for row in rows][-1] == "全县"
    enterprises = demo.indicators.get(code="enterprises")
    key = f"i{enterprises.pk}"
    for row in rows[:-1]:
        region = demo.regions.get(name=row["region"])
        assert row[key].ytd_actual == ytd_from_db(enterprises, region)
        assert row[key].annual_target == (40 if row["region"] == "昆阳" else row[key].annual_target)
    assert rows[-1][key].ytd_actual == sum(row[key].ytd_actual for row in rows[:-1])
    assert rows[-1][key].annual_target == 200


def test_matrix_sorting_keeps_the_county_row_last(client_for, staff, demo):
    space = demo.indicators.get(code="space")
    response = client_for(staff).get(reverse("reports:matrix"), {"sort": f"-i{space.pk}"})
    rows = list(response.context["matrix"].data)
    assert rows[-1]["region"] == "全县"
    completions = [row[f"i{space.pk}"].completion for row in rows[:-1]]
    assert completions == sorted(completions, reverse=True)


@pytest.mark.parametrize("descending", [True, False])
def test_matrix_sorting_ranks_a_zero_target_done_with_the_complete(
    client_for, staff, demo, descending
):
    """A township asked nothing this year (target 0) is 已完成 without a rate:
    sorted best first it comes before every cell behind, not below 0.0%."""
    incubators = demo.indicators.get(code="incubators-20")
    key = f"i{incubators.pk}"
    sort = f"-{key}" if descending else key
    response = client_for(staff).get(reverse("reports:matrix"), {"sort": sort})
    rows = list(response.context["matrix"].data)[:-1]
    statuses = [row[key].status for row in rows]
    zero_done = [r[key].annual_target == 0 and r[key].status == Status.DONE for r in rows]
    short = [r[key].completion is not None and r[key].completion < 1 for r in rows]
    assert any(zero_done) and any(short), statuses  # the demo holds both
    done_at = [i for i, flag in enumerate(zero_done) if flag]
    short_at = [i for i, flag in enumerate(short) if flag]
    if descending:
        assert max(done_at) < min(short_at), statuses
    else:
        assert max(short_at) < min(done_at), statuses


def test_matrix_xlsx_export_has_the_same_numbers(client_for, staff, demo):
    response = client_for(staff).get(reverse("reports:matrix"), {"_export": "xlsx"})
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.title == "乡镇任务完成情况_2026Q2"  # what and which quarter, in Chinese
    header = [cell.value for cell in sheet[1]]
    talents = demo.indicators.get(code="talents")
    actual_col = header.index("新增创新创业人才数(个) 累计完成")
    target_col = header.index("新增创新创业人才数(个) 年度目标")
    by_region = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    kunyang = demo.regions.get(name="昆阳")
    assert Decimal(str(by_region["昆阳"][actual_col].value)) == ytd_from_db(talents, kunyang)
    assert by_region["昆阳"][target_col].value == 400
    assert by_region["全县"][target_col].value == 2000


def test_matrix_csv_export_neutralises_formula_text(client_for, staff, demo):
    demo.regions.filter(name="昆阳").update(name="=HYPERLINK(1)")
    response = client_for(staff).get(reverse("reports:matrix"), {"_export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text


def test_matrix_csv_export_is_streamed_with_a_line_per_region_and_the_county(
    client_for, staff, demo
):
    response = client_for(staff).get(reverse("reports:matrix"), {"_export": "csv"})
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == demo.regions.count() + 2  # header, regions, county
    assert lines[-1].startswith("全县,")


def test_matrix_exports_hold_exactly_what_django_tables2_would_export(client_for, staff, demo):
    # The project's faster as_values against the library's own, cell by cell.
    response = client_for(staff).get(reverse("reports:matrix"))
    table = response.context["matrix"]
    ours = list(table.as_values())
    # The library's own rows too (the project's call each column's methods
    # through targets.tables._Call).
    table.rows = BoundRows(data=table.data, table=table, pinned_data=table.pinned_data)
    library = list(tables.Table.as_values(table))
    assert ours == library
    assert len(ours) > 2 and any(isinstance(cell, Decimal) for cell in ours[1])


def test_matrix_xlsx_export_keeps_formula_text_as_text(client_for, staff, demo):
    demo.regions.filter(name="昆阳").update(name="=1+1")
    response = client_for(staff).get(reverse("reports:matrix"), {"_export": "xlsx"})
    sheet = load_workbook(BytesIO(response.content)).active
    cell = next(row[0] for row in sheet.iter_rows(min_row=2) if row[0].value == "=1+1")
    assert cell.data_type == "s"


def test_matrix_rejects_an_unknown_export_format(client_for, staff, demo):
    response = client_for(staff).get(reverse("reports:matrix"), {"_export": "pdf"})
    assert response.status_code == 404


def test_township_page_shows_its_targets_figures_and_charts(client_for, official, demo):
    region = demo.regions.get(name="昆阳")
    response = client_for(official).get(reverse("reports:township", args=[region.code]))
    assert response.status_code == 200
    # A township opens on its own latest approved quarter: 昆阳's 2026 Q3.
    assert response.context["period"] == Period(2026, 3)
    rows = rows_by_label(response.context["indicator_table"])
    space = rows["新增孵化空间面积(万平方米)"]
    assert space.annual_target == 3  # annex 2: 昆阳 2026
    space_ytd = ytd_from_db(demo.indicators.get(code="space"), region, quarter=3)
    assert space.ytd_actual == space_ytd
    targets = {row["label"]: row for row in response.context["targets_table"].data.data}
    assert [targets["新增在孵企业(项目)(个)"][f"y{y}"] for y in (2025, 2026, 2027)] == [40, 40, 40]
    figures = response.context["figures_table"].data.data
    assert len(figures) == 5 and "2026Q3" in figures[0] and "2026Q4" not in figures[0]
    charts = dict(response.context["charts"])
    assert "chart-completion" in charts and "chart-cumulative-space" in charts


def test_township_official_is_sent_from_county_pages_to_their_own(client_for, official, demo):
    client = client_for(official)
    for name in ["reports:overview", "reports:matrix"]:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url == reverse("reports:township", args=["kunyang"])
    response = client.get(reverse("reports:indicator", args=["space"]))
    assert response.url == reverse("reports:township", args=["kunyang"])
    assert client.get(reverse("home")).url == reverse("reports:township", args=["kunyang"])


def test_township_official_gets_404_for_another_township(client_for, official, demo):
    response = client_for(official).get(reverse("reports:township", args=["aojiang"]))
    assert response.status_code == 404


def test_township_official_cannot_export_the_matrix(client_for, official, demo):
    response = client_for(official).get(reverse("reports:matrix"), {"_export": "xlsx"})
    assert response.status_code == 302
    assert response.url == reverse("reports:township", args=["kunyang"])


def test_indicator_page_for_a_broken_down_indicator(client_for, leader, demo):
    response = client_for(leader).get(reverse("reports:indicator", args=["talents"]))
    assert response.status_code == 200
    rows = response.context["region_table"].data.data
    assert [row["region"] for row in rows][-1] == "全县"
    assert rows[-1]["progress"].annual_target == 2000
    charts = dict(response.context["charts"])
    assert set(charts) == {
        "chart-actual",
        "chart-gap",
        "chart-cumulative",
        "chart-plan",
        "chart-plan-county",
    }
    gap = json.loads(charts["chart-gap"])["data"][0]["x"]
    assert gap == sorted(gap, reverse=True)


def test_indicator_page_shows_the_high_line_for_space(client_for, leader, demo):
    response = client_for(leader).get(reverse("reports:indicator", args=["space"]))
    county_chart = json.loads(dict(response.context["charts"])["chart-plan-county"])
    assert any(shape.get("y0") == 80 for shape in county_chart["layout"]["shapes"])
    assert "高线 80" in response.content.decode()


def test_indicator_page_says_when_an_indicator_is_judged_at_year_end(client_for, leader, demo):
    client = client_for(leader)
    note = "本指标年底考核"
    assert note in client.get(reverse("reports:indicator", args=["incubators-20"])).content.decode()
    assert note not in client.get(reverse("reports:indicator", args=["space"])).content.decode()
    # Its period line does not claim three quarters of the year are due.
    milestone = reverse("reports:indicator", args=["incubators-20"])
    q3 = client.get(milestone, {"period": "2026Q3"}).content.decode()
    assert "序时进度:年底考核,第4季度前不计" in q3 and "全年目标的 3/4" not in q3
    q4 = client.get(milestone, {"period": "2025Q4"}).content.decode()
    assert "序时进度:全年目标的 4/4" in q4
    space = client.get(reverse("reports:indicator", args=["space"]), {"period": "2026Q3"})
    assert "序时进度:全年目标的 3/4" in space.content.decode()


def test_indicator_page_for_a_county_only_indicator(client_for, leader, demo):
    response = client_for(leader).get(reverse("reports:indicator", args=["carriers"]))
    assert response.status_code == 200
    assert response.context["region_table"] is None
    assert response.context["county"].annual_target == 7


def test_unknown_indicator_and_region_are_404(client_for, leader, demo):
    client = client_for(leader)
    assert client.get(reverse("reports:indicator", args=["nope"])).status_code == 404
    assert client.get(reverse("reports:township", args=["nope"])).status_code == 404


@pytest.mark.parametrize("persona", ["staff", "leader"])
def test_home_sends_county_users_to_the_overview(client_for, persona, request, demo):
    response = client_for(request.getfixturevalue(persona)).get(reverse("home"))
    assert response.url == reverse("reports:overview")


def test_refusals_are_explained_in_chinese_on_the_site_layout(client_for, official, leader, demo):
    missing = client_for(official).get(reverse("reports:township", args=["aojiang"]))
    assert missing.status_code == 404
    html = missing.content.decode()
    assert "没有找到该页面" in html and "返回首页" in html and "鳌江" not in html
    refused = client_for(leader).get(reverse("reports:entry"))
    assert refused.status_code == 403
    assert "没有权限" in refused.content.decode()


def test_matrix_csv_export_is_streamed_row_by_row(client_for, staff, demo):
    response = client_for(staff).get(reverse("reports:matrix"), {"_export": "csv"})
    assert response.streaming
    chunks = list(response.streaming_content)
    lines = b"".join(chunks).decode("utf-8-sig").splitlines()
    assert len(chunks) == 1 + len(lines)  # the BOM, then one chunk per line
    assert [line.split(",")[0] for line in lines[1:]][:2] == ["昆阳", "鳌江"]


@pytest.mark.parametrize(
    ("name", "home"),
    [
        ("reports:matrix", "/townships/kunyang/"),
        ("reports:briefing", "/briefing/townships/kunyang/"),
        # the Word file asked for: their own township's Word file
        ("reports:briefing_word", "/briefing/townships/kunyang/word/"),
    ],
)
def test_a_township_official_sent_home_stays_on_the_quarter_asked_for(
    client_for, official, demo, name, home
):
    client = client_for(official)
    response = client.get(reverse(name), {"period": "2026Q2"})
    assert response.status_code == 302 and response["Location"] == f"{home}?period=2026Q2"
    followed = client.get(response["Location"])
    assert followed.status_code == 200
    if name == "reports:briefing_word":
        assert "2026年第2季度" in unquote(followed["Content-Disposition"])
    else:
        assert followed.context["period"] == Period(2026, 2)
    assert client.get(reverse(name))["Location"] == home


def test_the_english_ranking_counts_one_indicator_in_the_singular(client_for, leader, demo):
    """ "1 indicator behind", never "1 indicators behind"."""
    client = client_for(leader)
    counts = []
    for period in ["2025Q2", "2025Q4", "2026Q1", "2026Q2"]:
        html = client.get(
            reverse("reports:overview"), {"period": period}, HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        for count, word in re.findall(r"(\d+) (indicators?) behind", html):
            assert word == ("indicator" if count == "1" else "indicators"), (period, count)
            counts.append(count)
    assert "1" in counts and any(count != "1" for count in counts)
