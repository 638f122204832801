"""The official report's 三年目标 sheet: the page's goals, numbers and statuses."""

from __future__ import annotations

from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from reports.models import GoalFigure
from targets.formatting import format_number
from targets.ledger import LedgerSource
from targets.models import Goal
from tests.reports.test_report_workbook import as_excel_shows
from tests.targets.test_goals_workbook import SEED_GOALS


def test_the_report_has_a_goals_sheet_agreeing_with_the_page(client_for, leader, staff, demo):
    bases = Goal.objects.get(code="bases")
    LedgerSource.objects.filter(goal__code="bases").delete()  # its own series, not the ledger's
    GoalFigure.objects.update_or_create(
        goal=bases, year=2026, quarter=2, defaults={"value": 29, "entered_by": staff}
    )
    client = client_for(leader)
    page = client.get(reverse("reports:goals"), {"period": "2026Q2"})
    shown = {row["text"]: row for row in page.context["goal_table"].data.data}

    response = client.get(reverse("reports:report"), {"period": "2026Q2"})

    book = load_workbook(BytesIO(response.content))
    assert "三年目标" in book.sheetnames
    sheet = book["三年目标"]
    headers = ["序号", "出处", "目标要求", "类型", "单位", "截至目前"]
    assert [c.value for c in sheet[3]][:6] == headers
    assert sheet.cell(3, 10).value == "按当前进度预计"
    texts = [sheet.cell(row, 3).value for row in range(4, 4 + len(SEED_GOALS))]
    assert texts == [text for text, *_ in SEED_GOALS]
    for row in range(4, 4 + len(SEED_GOALS)):
        expected = shown[sheet.cell(row, 3).value]
        value = sheet.cell(row, 6).value
        assert (value is None) == (expected["value"] is None)
        if value is not None:
            assert abs(value - float(expected["value"])) < 1e-9
        assert sheet.cell(row, 9).value == expected["status_label"]
        # Excel shows each number as the page does: a coverage of 80 of 100 %
        # reads 80 and 100 in both, not 80.0 and 100.0 in one.
        for column, key in ((6, "value"), (7, "goal")):
            if expected[key] is not None:
                on_page = format_number(expected[key], expected["decimal_places"])
                assert as_excel_shows(sheet.cell(row, column)) == on_page, (row, key)
    # The demo's 2025 had 196 new firms, under the floor of 200: the goal is
    # missed, and the row says in which year (its value is 2026's).
    floor_row = texts.index("每年新增在孵企业200家以上") + 4
    assert sheet.cell(floor_row, 9).value == "未达成(2025年)"
    bases_row = texts.index("全县累计建成各类孵化基地30个以上") + 4
    assert sheet.cell(bases_row, 6).value == 29
    assert "截至2026年第2季度填报" in sheet.cell(bases_row, 11).value
