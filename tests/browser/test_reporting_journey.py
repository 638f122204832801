"""Township reporting end to end in headless chromium: a township official
fills the grid and saves a draft, uploads a corrected template, submits; the
bureau returns it with a reason; the official sees the reason, fixes one cell
and submits again; the bureau approves. The leader's overview counts the
township's figures only from the approval on, and says how many regions are
approved. Fails on a console error or a request to another host (``Guard``)."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from reports.models import Submission
from tests.browser.conftest import SKIP_REASON
from tests.browser.test_journeys import READ_CELL, read_number

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(bool(SKIP_REASON), reason=SKIP_REASON or "-"),
]

PERIOD = "2026Q4"  # the demo's first quarter with nothing reported
SPACE = "新增孵化空间面积"
REASON = "空间面积与台账不符,请核实"


def county_space(app) -> Decimal | None:
    """The county's year-to-date space; None while no township's 2026 Q4
    counts (the county then reads 未报, not 0)."""
    app.visit(f"/overview/?period={PERIOD}")
    if app.page.evaluate(READ_CELL, [SPACE, "年度累计完成"]).strip() == "未报":
        return None
    return read_number(app, SPACE, "年度累计完成")


def coverage(app) -> str:
    return app.page.locator("p.coverage").first.inner_text()


def save(app, button_name: str) -> None:
    """Saves the grid, confirming its warnings when it asks."""
    page = app.page
    app.submit(page.get_by_role("button", name=button_name))
    confirm = page.locator("input[name=confirm_warnings]")
    if confirm.count():
        confirm.check()
        app.submit(page.get_by_role("button", name="确认并保存"))
    assert "已保存" in page.locator(".alert-success").inner_text()


def state_shown(app) -> str:
    return app.page.locator("#report-status-title").inner_text()


def test_a_township_reports_the_bureau_returns_then_approves_and_only_then_it_counts(
    signed_in, demo, staff, leader, official, region_a, tmp_path
):
    indicators = list(demo.indicators.filter(by_region=True))

    # Each at their own browser, logged in through the form once: the page
    # they open sends them to it first.
    as_leader = signed_in(leader, at=f"/overview/?period={PERIOD}")
    assert f"0/{demo.regions.count()} {demo.region_term}已审核" in coverage(as_leader)
    assert county_space(as_leader) is None
    as_leader.visit("/overview/?period=2026Q3")
    before = read_number(as_leader, SPACE, "年度累计完成")  # the year through Q3

    # The official fills their own row only (no other region, no county row).
    as_official = signed_in(official, at=f"/entry/?period={PERIOD}")
    page = as_official.page
    assert page.locator("tbody tr").count() == 1
    values = {indicator.name: "1" for indicator in indicators}
    values[SPACE] = "1.5"
    for name, value in values.items():
        page.get_by_label(f"{region_a.name} · {name}", exact=True).fill(value)
    save(as_official, "保存草稿")
    assert "填报中" in state_shown(as_official)
    as_official.screenshot("township-entry-draft")

    # A corrected template: 1.5 → 2.5 for the space, previewed, confirmed.
    as_official.visit(f"/entry/upload/?period={PERIOD}")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="下载模板").click()
    template = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(template)
    book = openpyxl.load_workbook(template)
    sheet = book["填报"]
    header = next(row for row in sheet.iter_rows() if row[0].value == "区域")
    rows = [r for r in sheet.iter_rows(min_row=header[0].row + 1) if r[0].value]
    assert [r[0].value for r in rows] == [region_a.name]  # their own region only
    column = next(c.column for c in header if str(c.value or "").startswith(SPACE))
    cell = sheet.cell(row=rows[0][0].row, column=column)
    assert Decimal(str(cell.value)) == Decimal("1.5")
    cell.value = 2.5
    book.save(template)
    page.set_input_files("input[name=file]", template)
    as_official.submit(page.get_by_role("button", name="上传并预览"))
    preview = page.locator("table tbody tr", has_text=region_a.name)
    cells = preview.locator("td").all_inner_texts()
    assert (cells[-2].strip(), cells[-1].strip()) == ("1.5", "2.5")
    as_official.submit(page.get_by_role("button", name="确认导入"))
    assert "已导入" in page.locator(".alert-success").inner_text()

    # Submit: the grid locks; nothing counts yet.
    as_official.visit(f"/entry/?period={PERIOD}")
    as_official.submit(page.get_by_role("button", name="上报本季度数据"))
    assert "已上报" in state_shown(as_official)
    assert page.get_by_label(f"{region_a.name} · {SPACE}", exact=True).is_disabled()
    assert county_space(as_leader) is None

    # The as_staff returns it with a reason.
    as_staff = signed_in(staff, at=f"/review/?period={PERIOD}")
    as_staff.screenshot("review", full_page=False)
    as_staff.page.locator(f"#review-{region_a.code}").check()
    as_staff.page.fill("#return-reason", REASON)
    as_staff.submit(as_staff.page.get_by_role("button", name="退回所选区域"))
    assert Submission.objects.get(region=region_a, year=2026, quarter=4).state == "returned"

    # The official sees the reason, fixes one cell, submits again.
    as_official.visit(f"/entry/?period={PERIOD}")
    assert REASON in page.locator(".return-reason").inner_text()
    as_official.screenshot("township-entry-returned")
    page.get_by_label(f"{region_a.name} · {SPACE}", exact=True).fill("2")
    save(as_official, "保存草稿")
    as_official.submit(page.get_by_role("button", name="上报本季度数据"))
    assert "已上报" in state_shown(as_official)

    assert county_space(as_leader) is None

    # The as_staff approves; from now on the leader's overview counts it.
    as_staff.visit(f"/review/?period={PERIOD}")
    as_staff.page.locator(f"#review-{region_a.code}").check()
    as_staff.submit(as_staff.page.get_by_role("button", name="审核通过所选区域"))
    assert Submission.objects.get(region=region_a, year=2026, quarter=4).state == "approved"

    assert county_space(as_leader) == before + Decimal(2)
    assert f"1/{demo.regions.count()} {demo.region_term}已审核" in coverage(as_leader)
    as_leader.screenshot("overview-after-approval", full_page=False)
