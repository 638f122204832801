"""The briefing as a Word document in 公文 layout, and that LibreOffice opens it
and prints the same title and numbers."""

from __future__ import annotations

import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from reports.briefing.document import Briefing, BriefingSection, BriefingTable
from reports.briefing.docx import BODY_FONT, FALLBACKS, HEADING_FONT, TITLE_FONT, briefing_docx
from tests.reports.briefing_helpers import docx_table, page_table

BRIEFING = Briefing(
    title="关于2026年第3季度大孵化器集群建设推进情况的通报",
    number_line="2026年第3季度 · 依据平政办发〔2025〕1号",
    opening="现将2026年第3季度全县大孵化器集群建设推进情况通报如下。",
    sections=(
        BriefingSection("一、总体情况", ("全县新增孵化空间面积14.76万平方米。", "9个乡镇已上报。")),
        BriefingSection("二、下一步工作要求", ("加快进度。",)),
    ),
    table=BriefingTable(
        ("指标", "年度目标", "累计完成", "完成率"),
        (
            ("新增孵化空间面积(万平方米)", "22", "14.76", "67.1%"),
            ("新引育企业(家)", "120", "95", "79.2%"),
        ),
    ),
    year=2026,
    quarter=3,
    notes=("数据截至2026年10月15日。",),
)


def east_asian_font(element) -> str | None:
    fonts = element.find(qn("w:rPr") + "/" + qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def test_the_document_is_laid_out_as_a_government_document():
    document = Document(BytesIO(briefing_docx(BRIEFING)))
    section = document.sections[0]
    # A4 and GB/T 9704's margins (stored in twentieths of a point: to 0.01 cm).
    measures = ("page_width", "page_height", "top_margin", "bottom_margin")
    measures += ("left_margin", "right_margin")
    assert [round(getattr(section, name).cm, 2) for name in measures] == [
        21.0,
        29.7,
        3.7,
        3.5,
        2.8,
        2.6,
    ]
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[:3] == [BRIEFING.number_line, BRIEFING.title, BRIEFING.opening]
    assert texts[3:7] == ["一、总体情况", *BRIEFING.sections[0].paragraphs, "二、下一步工作要求"]
    body = next(p for p in document.paragraphs if p.text == BRIEFING.opening)
    assert body.paragraph_format.line_spacing == Pt(28)
    assert body.paragraph_format.first_line_indent == Pt(32)  # two characters of 三号
    assert "PAGE" in section.footer._element.xml  # page numbers at the foot


def test_chinese_text_is_set_in_the_official_fonts_not_only_the_latin_half():
    document = Document(BytesIO(briefing_docx(BRIEFING)))
    normal = document.styles["Normal"].element
    assert east_asian_font(normal) == BODY_FONT
    by_text = {p.text: p for p in document.paragraphs if p.text}
    runs = [run for p in document.paragraphs for run in p.runs if run.text.strip()]
    assert runs and all(east_asian_font(run._element) for run in runs)
    assert east_asian_font(by_text[BRIEFING.title].runs[0]._element) == TITLE_FONT
    assert east_asian_font(by_text["一、总体情况"].runs[0]._element) == HEADING_FONT
    assert east_asian_font(by_text[BRIEFING.opening].runs[0]._element) == BODY_FONT
    # Each official font names a stock fallback in the font table.
    font_table = next(
        part for part in document.part.package.parts if part.partname == "/word/fontTable.xml"
    ).blob.decode()
    for font, fallback in FALLBACKS.items():
        assert re.search(rf'w:name="{font}"><w:altName w:val="{fallback}"/>', font_table)


def test_the_table_holds_the_briefings_cells():
    content = briefing_docx(BRIEFING)
    assert docx_table(content) == [list(BRIEFING.table.header), *map(list, BRIEFING.table.rows)]


SOFFICE = shutil.which("soffice") or (
    "/usr/bin/soffice" if Path("/usr/bin/soffice").exists() else None
)
needs_soffice = pytest.mark.skipif(
    SOFFICE is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) and poppler's pdftotext are needed to open the .docx",
)


def to_pdf(docx: bytes, directory: Path) -> Path:
    """The .docx converted by headless LibreOffice, with a profile of its own
    (parallel runs would otherwise share and lock the user's)."""
    source = directory / "briefing.docx"
    source.write_bytes(docx)
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{directory / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(directory),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return directory / "briefing.pdf"


def squeeze(text: str) -> str:
    """Without white space: pdftotext breaks lines and spaces digits from Chinese."""
    return re.sub(r"\s+", "", text)


@needs_soffice
def test_libreoffice_opens_the_word_file_with_the_pages_title_and_numbers(
    client_for, leader, demo, tmp_path
):
    client = client_for(leader)
    page = client.get(reverse("reports:briefing"))
    word = client.get(reverse("reports:briefing_word"))
    rows = page_table(page.content)
    assert docx_table(word.content) == rows
    pdf = to_pdf(word.content, tmp_path)
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    text = squeeze(
        subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
    )
    assert squeeze(page.context["briefing"].title) in text
    numbers = [cell for row in rows[1:] for cell in row[1:] if re.search(r"\d", cell)]
    assert numbers
    for cell in numbers:
        assert squeeze(cell) in text, cell
