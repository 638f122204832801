"""The quarterly briefing in the browser: staff edit the text, save, find it
in the history and download the Word file, which LibreOffice prints (its first
page kept as a screenshot). A leader reading it on a phone and an official
landing on their own township's briefing are part of their journeys
(test_journeys.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.browser.conftest import SCREENSHOTS, SKIP_REASON
from tests.reports.test_briefing_docx import SOFFICE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(bool(SKIP_REASON), reason=SKIP_REASON or "-"),
]


def test_staff_edit_the_briefing_and_download_it(app, demo, staff, tmp_path):
    app.log_in(staff.username, at="/briefing/?period=2026Q2")
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
