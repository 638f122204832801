"""The three users' main journeys in headless chromium (issue 6), the
quarterly briefing as the leader (on a phone) and an official read it included.

Each fails on a browser console error or a request to another host (see
``Guard`` in conftest.py) and saves screenshots of the pages it visits to
``artifacts/screenshots/`` (whole pages for the README's).
"""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest
from django.urls import NoReverseMatch, reverse

from tests.browser.conftest import SKIP_REASON

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(bool(SKIP_REASON), reason=SKIP_REASON or "-"),
]

# The other townships of the Pingyang plan: an official of 昆阳 never sees them.
OTHER_TOWNSHIPS = ("鳌江", "水头", "萧江", "万全", "腾蛟", "麻步", "海西", "经开区")
PHONE = {"width": 390, "height": 844}

# Reads one cell of a progress table: the row whose first cell mentions
# ``row``, the column headed exactly ``column``.
READ_CELL = """([row, column]) => {
  for (const table of document.querySelectorAll("table")) {
    const heads = [...table.querySelectorAll("thead th")].map(th => th.innerText.trim());
    const index = heads.indexOf(column);
    if (index < 0) continue;
    for (const tr of table.querySelectorAll("tbody tr")) {
      if (tr.cells[0] && tr.cells[0].innerText.includes(row)) return tr.cells[index].innerText;
    }
  }
  return null;
}"""


def read_number(app, row: str, column: str) -> Decimal:
    text = app.page.evaluate(READ_CELL, [row, column])
    assert text is not None, f"no cell {row} × {column}"
    return Decimal(text.replace(",", "").strip() or "0")


def test_county_staff_enters_a_quarter_uploads_and_sees_the_overview_change(
    app, demo, staff, tmp_path
):
    page = app.page
    app.log_in(staff.username)
    assert page.url.endswith("/overview/")
    app.wait_for_charts()
    app.screenshot("overview")

    # No township has reported 2026 Q4 yet: the county reads 未报, not 0; what
    # the year holds so far is what counts through Q3.
    app.visit("/overview/?period=2026Q4")
    assert app.page.evaluate(READ_CELL, ["新增孵化空间面积", "年度累计完成"]).strip() == "未报"
    app.visit("/overview/?period=2026Q3")
    space_before = read_number(app, "新增孵化空间面积", "年度累计完成")

    app.visit("/matrix/")
    app.screenshot("matrix")

    # The entry grid for an empty quarter: 昆阳's whole report, one figure of
    # 鳌江's and the county's own, saved all at once.
    app.visit("/entry/?period=2026Q4")
    regional = [i.name for i in demo.indicators.filter(by_region=True)]
    for name in regional:
        value = "1.5" if name == "新增孵化空间面积" else "1"
        page.get_by_label(f"昆阳 · {name}", exact=True).fill(value)
    page.get_by_label("鳌江 · 新增在孵企业(项目)", exact=True).fill("12")
    page.get_by_label(f"{demo.county_name} · 新增市级及以上孵化载体", exact=True).fill("1")
    app.screenshot("entry")
    app.submit(page.get_by_role("button", name="保存本季度数据"))
    # Values far above a region's earlier quarters ask for a confirmation.
    confirm = page.locator("input[name=confirm_warnings]")
    if confirm.count():
        confirm.check()
        app.submit(page.get_by_role("button", name="确认并保存"))
    success = page.locator(".alert-success").inner_text()
    assert "已保存" in success
    assert f"新增 {len(regional) + 2} 项" in success
    # 鳌江's report still lacks figures: saved, not counted, and staff are told.
    assert "鳌江2026年第4季度" in page.locator(".alert-warning").inner_text()
    expected = space_before + Decimal("1.5")

    uploaded = upload_a_changed_template(app, tmp_path, regional)
    if uploaded is not None:
        expected += uploaded

    app.visit("/overview/?period=2026Q4")
    app.wait_for_charts()
    assert read_number(app, "新增孵化空间面积", "年度累计完成") == expected
    app.visit("/indicators/space/?period=2026Q4")
    assert app.wait_for_charts() >= 4
    assert read_number(app, demo.county_name, "年度累计完成") == expected
    app.screenshot("indicator")
    if uploaded is None:
        pytest.skip(
            "reports:upload does not exist yet: entry and overview checked, "
            "the upload step did not run"
        )


def upload_a_changed_template(app, tmp_path, regional: list[str]) -> Decimal | None:
    """Downloads the 2026 Q4 template from the upload page, fills 水头's
    report in it (space 0.8, the rest 0), uploads it, checks the preview and
    confirms. Returns the change to 水头's space, or None while the upload
    pages are not built."""
    try:
        upload_url = reverse("reports:upload")
    except NoReverseMatch:
        return None
    page = app.page
    app.visit(f"{upload_url}?period=2026Q4")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="下载模板").click()
    template = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(template)
    assert template.suffix == ".xlsx"

    book = openpyxl.load_workbook(template)
    sheet = book["填报"]
    header = next(row for row in sheet.iter_rows() if row[0].value == "区域")
    row = next(r[0].row for r in sheet.iter_rows(min_row=header[0].row) if r[0].value == "水头")
    filled = 0
    for name in regional:
        column = next(c.column for c in header if str(c.value or "").startswith(name))
        cell = sheet.cell(row=row, column=column)
        assert cell.value is None  # nothing reported for 水头 in 2026 Q4 yet
        cell.value = 0.8 if name == "新增孵化空间面积" else 0
        filled += 1
    book.save(template)

    page.set_input_files("input[name=file]", template)
    app.submit(page.get_by_role("button", name="上传并预览"))
    assert page.locator("table tbody tr", has_text="水头").count() == filled
    preview = page.locator("table tbody tr", has_text="水头").filter(has_text="新增孵化空间面积")
    assert preview.count() == 1, page.locator("main").inner_text()
    cells = preview.locator("td").all_inner_texts()
    assert "新增孵化空间面积" in cells[2]
    assert (cells[-2].strip(), cells[-1].strip()) == ("(无)", "0.8")
    app.screenshot("upload-preview")
    app.submit(page.get_by_role("button", name="确认导入"))
    assert "已导入" in page.locator(".alert-success").inner_text()
    return Decimal("0.8")


def test_township_official_lands_on_own_township_and_briefing_and_is_refused_elsewhere(
    app, demo, official
):
    page = app.page
    app.log_in(official.username)
    assert page.url.endswith("/townships/kunyang/")
    assert app.wait_for_charts() > 0
    app.screenshot("township")
    assert_no_other_township(page)

    # Another township's page is a plain 404, with nothing of that township.
    with app.guard.expecting_error("status of 404"):
        app.visit("/townships/aojiang/", status=404)
    assert_no_other_township(page)

    # A county page or export sends the official home, with no workbook.
    downloads = []

    def downloaded(download) -> None:
        downloads.append(download)

    page.on("download", downloaded)
    app.visit("/matrix/?_export=xlsx")
    assert page.url.endswith("/townships/kunyang/")
    app.visit("/overview/")
    assert page.url.endswith("/townships/kunyang/")
    page.remove_listener("download", downloaded)
    assert downloads == []
    assert_no_other_township(page)

    # The quarterly briefing in the menu is their own township's, to read.
    page.get_by_role("link", name="季度通报").first.click()
    page.wait_for_url("**/briefing/townships/kunyang/")
    assert app.wait_for_charts() == 2
    assert page.locator("textarea[name=body]").count() == 0
    assert_no_other_township(page)


def assert_no_other_township(page) -> None:
    html = page.content()
    shown = [name for name in OTHER_TOWNSHIPS if name in html]
    assert not shown, f"{page.url} shows {shown}"


@pytest.mark.browser_context_args(
    viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
)
def test_leader_on_a_phone_sees_every_chart_and_reads_the_briefing(app, demo, leader):
    app.log_in(leader.username)
    assert app.page.url.endswith("/overview/")
    assert app.wait_for_charts() == 2
    assert_fits_the_phone(app.page)
    # No toolbar over the charts' titles on a touch screen.
    assert app.page.locator(".modebar-btn").count() == 0
    # The townships' matrix is wider than the phone: a box that scrolls
    # sideways fades at its edge while there is more to the right, and no
    # longer once swiped to the end.
    app.visit("/matrix/")
    marked = app.page.evaluate(
        """() => [...document.querySelectorAll(".table-container, .table-responsive")]
            .map(b => [b.scrollWidth > b.clientWidth + 1, b.classList.contains("more-right")])"""
    )
    assert [True, True] in marked and all(wide == faded for wide, faded in marked)
    app.page.locator(".more-right").first.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    app.page.wait_for_function("() => !document.querySelector('.more-right')")
    app.visit("/overview/")
    assert app.wait_for_charts() == 2
    app.screenshot("overview-phone")

    app.visit("/indicators/space/")
    assert app.wait_for_charts() >= 4
    assert_fits_the_phone(app.page)
    app.screenshot("indicator-phone", full_page=False)

    app.visit("/goals/")
    assert app.wait_for_charts() == 1
    assert_fits_the_phone(app.page)
    app.screenshot("goals-phone", full_page=False)

    # The quarterly briefing from the menu, with its two charts: leaders read it.
    # On a phone the menu is folded behind one button, the page's first screen
    # left to the page.
    page = app.page
    briefing_link = page.get_by_role("link", name="季度通报").first
    assert not briefing_link.is_visible()
    page.get_by_text("菜单", exact=True).click()
    briefing_link.click()
    page.wait_for_url("**/briefing/")
    assert app.wait_for_charts() == 2
    assert page.locator(".briefing-title").inner_text().startswith("关于")
    assert page.locator("textarea[name=body]").count() == 0  # leaders read
    assert_fits_the_phone(page)
    app.screenshot("briefing-phone-full")
    # The first screen, and the charts, as a reader sees them.
    app.screenshot("briefing-phone", full_page=False)
    page.locator("#chart-completion").scroll_into_view_if_needed()
    app.screenshot("briefing-phone-charts", full_page=False)


@pytest.mark.browser_context_args(
    viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
)
def test_a_township_official_on_a_phone_gets_an_entry_grid_that_fits(app, demo, official):
    """The grid scrolls sideways inside its box, hidden labels included: the
    page itself stays as wide as the phone."""
    app.log_in(official.username, at="/entry/")
    assert app.page.locator("table.entry-grid input").count() > 0
    assert_fits_the_phone(app.page)


def assert_fits_the_phone(page) -> None:
    """No sideways scrolling of the page; wide tables scroll inside their box."""
    overflowing = page.evaluate(
        """(width) => [...document.body.querySelectorAll("*")]
          .filter(el => el.getBoundingClientRect().right > width + 1)
          .filter(el => !el.closest(".table-responsive, .table-container"))
          .map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
                     + (el.className && el.className.baseVal === undefined
                        ? "." + el.className.trim().split(/\\s+/).join(".") : ""))
          .slice(0, 10)""",
        PHONE["width"],
    )
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"] + 1, f"page is {scroll_width}px wide: {overflowing}"
