"""The official report workbook: annex layout, the engine's numbers, status
colours, a native chart over annex 2's cells, text that never becomes a
formula, and the same access rules as the county-wide pages."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from urllib.parse import unquote

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from reports.choices import Status, SubmissionState
from reports.demo.scale import generate_plan
from reports.models import Figure, Submission
from reports.progress.display import STATUS_COLOURS, status_label
from targets.access import township_page_url
from targets.formatting import NumberKind, format_number, format_percent
from tests.targets.test_plan_fixture import ANNEX1, YEARS

ANNEX1_SHEET, ANNEX2_SHEET, CHART_SHEET = "附件1 任务指标", "附件2 任务分解", "图表"
MEASURES_SHEET = "任务推进"  # the plan's measures (the Pingyang plan has 18)
# The demo's latest complete quarter, the report's default (its 2026 Q3 is
# half reported on purpose).
AS_OF = "2026Q2"
FIRST_DATA_ROW = 5  # annex 1: title, period, group header, header
FIRST_REGION_ROW = 5  # annex 2: title, period, indicator header, sub-header

# Annex 1, 2026 (transcribed from 平政办〔2025〕49号, not read from the fixture).
ANNEX1_2026 = {
    "新增孵化空间面积(万平方米)": 22,
    "新增市级及以上孵化载体(个)": 7,
    "新增在孵企业(项目)(个)": 200,
    "新增创新创业人才数(个)": 2000,
    "新培育省级及以上科技企业(家)": 30,
    "新建成新质孵化器(个)": 1,
}
# Annex 2, 2026: region → space, enterprises, talents, tech enterprises, "20" incubators.
ANNEX2_2026 = {
    "昆阳": (3, 40, 400, 5, 0),
    "鳌江": (5, 20, 200, 2, 0),
    "水头": (2, 20, 200, 5, 0),
    "萧江": (2, 15, 150, 1, 0),
    "万全": (4, 30, 300, 5, 0),
    "腾蛟": (2, 25, 250, 5, 0),
    "麻步": (1, 10, 100, 1, 0),
    "海西": (1, 10, 100, 1, 0),
    "经开区": (2, 30, 300, 5, 1),
}
ANNEX1_HEADER = [
    "2025年建设任务",
    "2026年建设任务",
    "2027年建设任务",
    "总计",
    "总计高线",
    "年度累计完成",
    "完成率",
    "序时进度应完成",
    "状态",
    "计划期累计",
    "计划期完成率",
]
# What a rate cell looks like in Excel: one decimal, and "<0.1%" for a
# non-zero rate that one decimal would show as 0.0%.
DERIVED = NumberKind.DERIVED
RATE_FORMAT = '[=0]0.0%;[<0.0005]"<0.1%";0.0%'


def download(client, period: str | None = AS_OF):
    params = {} if period is None else {"period": period}
    return client.get(reverse("reports:report"), params)


def workbook_of(response):
    return load_workbook(BytesIO(response.content))


def county_ytd(indicator, year: int = 2026, quarter: int = 2) -> Decimal:
    """Independent of the engine: a broken-down indicator's county figure is
    the sum of its regions, a county-only one its own county rows — for
    quarters whose reports are all approved (checked), so every figure counts."""
    figures = Figure.objects.filter(indicator=indicator, year=year, quarter__lte=quarter)
    figures = figures.filter(region__isnull=not indicator.by_region)
    reports = Submission.objects.filter(year=year, quarter__lte=quarter)
    assert not reports.exclude(state=SubmissionState.APPROVED).exists(), "not all approved"
    return figures.aggregate(total=Sum("value"))["total"] or Decimal(0)


def annex1_rows(workbook) -> dict[str, dict]:
    """Annex 1's data rows by indicator label, each a dict of header → cell."""
    sheet = workbook[ANNEX1_SHEET]
    header = [cell.value for cell in sheet[4]]
    rows = {}
    for row in sheet.iter_rows(min_row=FIRST_DATA_ROW):
        if isinstance(row[0].value, int):
            cells = {name: cell for name, cell in zip(header, row, strict=True) if name}
            rows[row[1].value] = cells | {"序号": row[0]}
    return rows


def annex2_rows(workbook) -> list[tuple]:
    sheet = workbook[ANNEX2_SHEET]
    return [row for row in sheet.iter_rows(min_row=FIRST_REGION_ROW) if row[1].value]


def fill_colour(cell) -> str:
    return cell.fill.fgColor.rgb[-6:].upper()


@pytest.mark.parametrize("persona", ["staff", "leader"])
def test_county_roles_download_the_report_with_a_chinese_file_name(
    client_for, demo, persona, request
):
    response = download(client_for(request.getfixturevalue(persona)))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" in disposition
    filename = unquote(disposition.split("filename*=utf-8''")[1])
    assert filename == f"{demo.name}完成情况_{AS_OF}.xlsx"
    sheets = {ANNEX1_SHEET, ANNEX2_SHEET, CHART_SHEET, "三年目标", MEASURES_SHEET}
    assert set(workbook_of(response).sheetnames) == sheets


def test_title_names_the_plan_and_the_period(client_for, leader, demo):
    sheet = workbook_of(download(client_for(leader)))[ANNEX1_SHEET]
    assert demo.name in sheet["A1"].value
    assert "截至2026年第2季度" in sheet["A2"].value
    merged = {str(cells) for cells in sheet.merged_cells.ranges}
    assert "A1:M1" in merged  # 高线 included
    assert {"A3:A4", "B3:B4", "C3:G3", "H3:K3", "L3:M3"} <= merged
    assert [cell.value for cell in sheet[3]][:2] == ["序号", "指标名称(单位)"]
    assert (sheet["C3"].value, sheet["H3"].value, sheet["L3"].value) == (
        "任务指标",
        "2026年完成情况",
        "计划期完成情况",
    )
    assert [cell.value for cell in sheet[4]][2:] == ANNEX1_HEADER
    assert sheet.freeze_panes == "C5"


def test_overview_links_to_the_report_for_its_period(client_for, leader, demo):
    response = client_for(leader).get(reverse("reports:overview"), {"period": "2025Q4"})
    assert f'href="{reverse("reports:report")}?period=2025Q4"' in response.content.decode()


def test_annex1_has_every_years_targets_the_total_and_the_high_line(client_for, staff, demo):
    rows = annex1_rows(workbook_of(download(client_for(staff))))
    assert list(rows) == list(ANNEX1_2026)
    for indicator in demo.indicators.all():
        row = rows[indicator.label]
        years = tuple(row[f"{year}年建设任务"].value for year in YEARS)
        assert (*years, row["总计"].value) == ANNEX1[indicator.name], indicator.name
        assert row["序号"].value == indicator.order
        # 高线: the plan's 80 万㎡ of space; blank where the plan sets none.
        assert row["总计高线"].value == (80 if indicator.code == "space" else None)
        # Excel shows what the plan page shows: 22 and 0.35, never 22.00.
        for column in ("2026年建设任务", "总计"):
            shown = format_number(Decimal(str(row[column].value)), indicator.decimal_places)
            assert as_excel_shows(row[column]) == shown, (indicator.name, column)


def as_excel_shows(cell) -> str:
    """The text Excel shows for a number cell of the report's formats ("0",
    "0.0", "0.00"…: fixed places, rounded half up)."""
    assert cell.number_format == "0" or cell.number_format.startswith("0."), cell.number_format
    places = len(cell.number_format.partition(".")[2])
    return str(Decimal(str(cell.value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def exactly(value: Decimal):
    """As exact as a cell holds a number (openpyxl writes 16 significant
    digits; Excel computes with 15)."""
    return pytest.approx(float(value), rel=1e-15, abs=0)


def test_annex1_progress_is_the_engines_exact_numbers_with_formats(client_for, staff, demo):
    """Written exact, not pre-rounded: Excel's own formula over the cells must
    give what the cell holds, and the number format shows it at the page's
    precision."""
    client = client_for(staff)
    table = client.get(reverse("reports:overview"), {"period": AS_OF}).context["progress"]
    rows = annex1_rows(workbook_of(download(client)))
    for indicator in table.indicators:
        progress = table.cell(None, indicator.id)
        row = rows[indicator.label]
        ytd = county_ytd(demo.indicators.get(pk=indicator.id))
        assert Decimal(str(row["年度累计完成"].value)) == ytd == progress.ytd_actual
        assert row["完成率"].value == exactly(ytd / progress.annual_target)
        assert row["完成率"].number_format == RATE_FORMAT
        assert row["计划期完成率"].value == exactly(progress.plan_completion)
        assert row["计划期完成率"].number_format == RATE_FORMAT
        expected = row["序时进度应完成"]
        assert expected.value == exactly(progress.expected_value)
        # The format shows what the page shows (16.5, 1.25, 150), digit for digit.
        on_page = format_number(progress.expected_value, indicator.decimal_places, DERIVED)
        assert as_excel_shows(expected) == on_page
        on_page = format_number(progress.ytd_actual, indicator.decimal_places)
        assert as_excel_shows(row["年度累计完成"]) == on_page
        assert Decimal(str(row["计划期累计"].value)) == progress.plan_actual
    space = rows["新增孵化空间面积(万平方米)"]["完成率"].value
    assert space != round(space, 3)  # 9.15 ÷ 22 = 0.415909…, not 0.416


def test_annex2_names_indicators_as_annex2_does(client_for, staff, demo):
    client = client_for(staff)
    sheet = workbook_of(download(client))[ANNEX2_SHEET]
    names = [sheet.cell(3, 3 + 4 * index).value for index in range(5)]
    plan_page = dict(client.get(reverse("targets:plan")).context["annex2"])[2026]
    assert names == [str(column.header) for column in plan_page.columns][1:]
    assert names == [
        "新增孵化空间面积(万平方米)",
        "新增在孵企业(项目)(个)",
        "新增创新创业人才数(个)",
        "新增省级及以上科技企业数(家)",  # annex 1: 新培育省级及以上科技企业
        "新增温州“20”孵化器(个)",  # annex 1: 新建成新质孵化器
    ]


def test_status_cells_carry_the_status_colour_and_name(client_for, staff, demo):
    response = client_for(staff).get(reverse("reports:overview"), {"period": AS_OF})
    table = response.context["progress"]
    rows = annex1_rows(workbook_of(download(client_for(staff))))
    for indicator in table.indicators:
        status = table.cell(None, indicator.id).status
        cell = rows[indicator.label]["状态"]
        assert cell.value == status_label(status)
        assert fill_colour(cell) == STATUS_COLOURS[Status(status)].lstrip("#").upper()


def test_annex2_lists_every_region_and_the_county_with_annex2_targets(client_for, staff, demo):
    workbook = workbook_of(download(client_for(staff)))
    rows = annex2_rows(workbook)
    assert [row[1].value for row in rows] == [*ANNEX2_2026, demo.county_name]
    for row in rows[:-1]:
        targets = tuple(row[2 + 4 * index].value for index in range(5))
        assert targets == ANNEX2_2026[row[1].value]
    county = rows[-1]
    assert county[1].font.b
    assert county[2].value == 22  # space: the regions' targets sum to annex 1
    sheet = workbook[ANNEX2_SHEET]
    assert sheet.freeze_panes == "C5"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert "C3:F3" in {str(merged) for merged in sheet.merged_cells.ranges}


def test_chart_bars_read_annex2_completion_cells(client_for, leader, demo):
    workbook = workbook_of(download(client_for(leader)))
    charts = workbook[CHART_SHEET]._charts
    assert len(charts) == 5  # one per broken-down indicator
    bars = charts[0]
    reference = bars.series[0].val.numRef.f
    assert reference == "'附件2 任务分解'!$E$5:$E$13"  # space's 完成率, 昆阳..经开区
    sheet = workbook[ANNEX2_SHEET]
    assert sheet["E4"].value == "完成率"
    assert all(sheet[f"E{row}"].number_format == RATE_FORMAT for row in range(5, 14))


def test_a_formula_like_region_name_stays_text(client_for, staff, demo):
    name = '=HYPERLINK("http://x")'
    demo.regions.filter(name="昆阳").update(name=name)
    workbook = workbook_of(download(client_for(staff)))
    cell = annex2_rows(workbook)[0][1]
    assert cell.value == name
    assert cell.data_type == "s"
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)


def test_township_official_is_sent_to_their_township_without_a_workbook(
    client_for, official, region_a, demo
):
    response = download(client_for(official))
    assert response.status_code == 302
    # (on the quarter asked for: the download asks for one)
    assert response["Location"].split("?")[0] == township_page_url(region_a)
    assert "Content-Disposition" not in response


def test_no_period_reports_the_latest_complete_quarter(client_for, staff, demo):
    response = download(client_for(staff), None)
    assert response.status_code == 200
    assert AS_OF in unquote(response["Content-Disposition"])
    assert "2026年第2季度" in workbook_of(response)[ANNEX1_SHEET]["A2"].value


@pytest.mark.parametrize("period", ["2031Q9", "nonsense", "2027Q1"])
def test_a_bad_period_goes_back_to_the_overview_saying_so(client_for, staff, demo, period):
    """Not the default quarter's file: the user asked for another quarter."""
    client = client_for(staff)
    response = download(client, period)
    assert response.status_code == 302 and "Content-Disposition" not in response
    assert response["Location"] == reverse("reports:overview")
    page = client.get(response["Location"]).content.decode()
    assert "所选季度无效或不可选,未下载。请在页面上选择季度后重新下载。" in page
    assert "已显示默认季度" not in page
    # Said once, where the user lands: not again on the next page.
    assert "未下载" not in client.get(reverse("targets:plan")).content.decode()


def test_an_earlier_quarter_reports_that_quarter(client_for, staff, demo):
    response = download(client_for(staff), "2025Q4")
    rows = annex1_rows(workbook_of(response))
    space = demo.indicators.get(code="space")
    # The year the rates measure stands out among annex 1's years.
    assert rows[space.label]["2025年建设任务"].font.b
    assert not rows[space.label]["2026年建设任务"].font.b
    assert Decimal(str(rows[space.label]["年度累计完成"].value)) == county_ytd(space, 2025, 4)
    assert workbook_of(response)[ANNEX1_SHEET]["H3"].value == "2025年完成情况"


def test_report_shows_the_overview_numbers(client_for, leader, demo):
    """Same engine, same numbers: every county figure on the overview page
    reads the same in the workbook, down to the displayed percent."""
    client = client_for(leader)
    table = client.get(reverse("reports:overview"), {"period": AS_OF}).context["progress"]
    rows = annex1_rows(workbook_of(download(client)))
    for indicator in table.indicators:
        progress = table.cell(None, indicator.id)
        row = rows[indicator.label]
        assert Decimal(str(row["2026年建设任务"].value)) == progress.annual_target
        assert Decimal(str(row["年度累计完成"].value)) == progress.ytd_actual
        rate = Decimal(str(row["完成率"].value))
        assert format_percent(rate) == format_percent(progress.completion)
        assert Decimal(str(row["计划期累计"].value)) == progress.plan_actual
        assert Decimal(str(row["总计"].value)) == progress.plan_target


def test_report_query_count_does_not_grow_with_the_plan(client_for, staff, demo):
    """Pinned like the dashboards (tests/reports/test_query_counts.py), at 13:
    session and user (read, user; no session write within the minute), the
    plan, its data version, then regions, submissions, closed quarters, the
    county-only indicators entered, indicators, targets, figures once; then
    5 for the goals sheet, as on the overview (the goals, their series, and
    an annual floor's indicator, targets and figures quarter by quarter) and
    2 for the stock goals the ledger counts (its incubators and their
    recognitions); then the measures sheet: the measures, and when there
    are any, their departments and reports and open work items (3 more for
    the seed plan's 18; the generated plan has none)."""
    client = client_for(staff)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("reports:report")).status_code == 200
        return len(queries)

    seed_count = count()
    generate_plan(regions=90, indicators=6, years=3, seed=7)  # becomes the current plan
    assert (seed_count, count()) == (13 + 5 + 2 + 4, 13 + 5 + 2 + 1)
    # Again at the same version: the table and the goals reused; the
    # measures sheet still reads its one query (no measures in this plan).
    assert count() == 6 + 1


def test_chart_expected_line_follows_each_indicators_pacing(client_for, leader, demo):
    """At 2026 Q2 a spread indicator's 序时 is 2/4 of the year; a year-end
    milestone (新建成新质孵化器) owes nothing until the fourth quarter."""
    workbook = workbook_of(download(client_for(leader)))
    sheet = workbook[CHART_SHEET]
    headers = {sheet.cell(4, column).value: column for column in (2, 3)}
    spread, year_end = headers["序时进度"], headers["序时进度(年底考核)"]
    assert [sheet.cell(row, spread).value for row in range(5, 14)] == [0.5] * 9
    assert [sheet.cell(row, year_end).value for row in range(5, 14)] == [0] * 9
    lines = {
        chart.title.tx.rich.p[0].r[0].t: chart._charts[1].series[0].val.numRef.f
        for chart in sheet._charts
    }
    letter = "ABCDEFG"
    assert (
        lines["新增孵化空间面积(万平方米)"]
        == f"'图表'!${letter[spread - 1]}$5:${letter[spread - 1]}$13"
    )
    year_end_line = f"'图表'!${letter[year_end - 1]}$5:${letter[year_end - 1]}$13"
    # Each chart plots a column of the 附件2 sheet and is titled as it names it.
    assert lines["新增温州“20”孵化器(个)"] == year_end_line
    assert "新增省级及以上科技企业数(家)" in lines and "新建成新质孵化器(个)" not in lines


def test_a_county_only_indicator_not_entered_reads_not_reported_in_annex1(client_for, staff, demo):
    """2026 Q4: the bureau has not entered carriers yet. Its actuals read 未报,
    as a township's do in annex 2 — not blank, not 0."""
    assert not Figure.objects.filter(
        indicator__code="carriers", region__isnull=True, year=2026, quarter=4
    ).exists()
    row = annex1_rows(workbook_of(download(client_for(staff), "2026Q4")))[
        "新增市级及以上孵化载体(个)"
    ]
    assert row["年度累计完成"].value == "未报" and row["计划期累计"].value == "未报"
    assert row["完成率"].value is None
    assert row["状态"].value == "未报"


def sheet_text(sheet) -> str:
    return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)


def test_a_half_reported_quarter_says_under_both_annexes_what_the_totals_hold(
    client_for, staff, demo
):
    """2026 Q3 is not fully reported in the demo: the county total holds the
    earlier approved quarters of the regions not yet approved, so it is not
    the sum of the rows that read 未报. The page says so; the report, read
    apart from the page, says it under both annexes too."""
    client = client_for(staff)
    page = client.get(reverse("reports:overview"), {"period": "2026Q3"})
    notice = page.context["coverage_notice"]
    assert "合计含这些乡镇此前已审核的季度,不含本季度" in notice
    book = workbook_of(download(client, "2026Q3"))
    assert notice in sheet_text(book[ANNEX1_SHEET])
    assert notice in sheet_text(book[ANNEX2_SHEET])
    # A quarter every region reported needs no such words.
    complete = workbook_of(download(client, AS_OF))
    assert "合计含这些" not in sheet_text(complete[ANNEX1_SHEET])
    assert "合计含这些" not in sheet_text(complete[ANNEX2_SHEET])
