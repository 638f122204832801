"""The quarterly briefing in the browser: a leader reads it on a phone with
its two charts; staff edit the text, save, find it in the history and
download the Word file, which LibreOffice prints (its first page kept as a
screenshot); a township official lands on their own township's briefing."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.browser.conftest import SCREENSHOTS, SKIP_REASON
from tests.browser.test_journeys import PHONE, assert_fits_the_phone, assert_no_other_township
from tests.reports.test_briefing_docx import SOFFICE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(bool(SKIP_REASON), reason=SKIP_REASON or "-"),
]


@pytest.mark.browser_context_args(
    viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
)
def test_leader_reads_the_briefing_on_a_phone(app, demo, leader):
    app.log_in(leader.username)
    app.page.get_by_role("link", name="季度通报").first.click()
    app.page.wait_for_url("**/briefing/")
    assert app.wait_for_charts() == 2
    assert app.page.locator(".briefing-title").inner_text().startswith("关于")
    assert app.page.locator("textarea[name=body]").count() == 0  # leaders read
    assert_fits_the_phone(app.page)
    app.screenshot("briefing-phone-full")
    # The first screen, and the charts, as a reader sees them.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    app.page.screenshot(path=SCREENSHOTS / "briefing-phone.png", scale="css")
    charts = app.page.locator("#chart-completion")
    charts.scroll_into_view_if_needed()
    app.page.screenshot(path=SCREENSHOTS / "briefing-phone-charts.png", scale="css")


def test_staff_edit_the_briefing_and_download_it(app, demo, staff, tmp_path):
    app.log_in(staff.username)
    app.visit("/briefing/?period=2026Q2")
    page = app.page
    page.locator("summary", has_text="编辑通报文本").click()
    body = page.locator("textarea[name=body]")
    body.fill(body.input_value() + "\n请各乡镇对照序时进度，抓紧补齐短板。")
    app.submit(page.get_by_role("button", name="保存为新版本"))
    assert "已保存为第 1 版" in page.content()
    assert page.locator(".briefing-para", has_text="抓紧补齐短板").count() == 1
    assert page.locator(".briefing-history li").count() == 1

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 Word 文档").click()
    download = download_info.value
    assert download.suggested_filename.endswith("(第1版).docx")
    docx = tmp_path / "briefing.docx"
    download.save_as(docx)
    if SOFFICE is None:
        return
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "briefing.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert "抓紧补齐短板" in text.replace("\n", "").replace(" ", "")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(tmp_path / "briefing.pdf"),
            str(Path(SCREENSHOTS) / "briefing-pdf"),
        ],
        check=True,
    )


def test_an_official_lands_on_their_own_townships_briefing(app, demo, official):
    app.log_in(official.username)
    app.page.get_by_role("link", name="季度通报").first.click()
    app.page.wait_for_url("**/briefing/townships/kunyang/")
    assert app.wait_for_charts() == 2
    assert app.page.locator("textarea[name=body]").count() == 0
    assert_no_other_township(app.page)
