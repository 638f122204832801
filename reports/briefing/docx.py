"""The briefing as a Word document in the style of a 公文 (GB/T 9704):
A4 with the standard margins, the 文号 line over a red rule, the title in
小标宋 (二号, centred), the body in 仿宋 (三号, 28-point lines, two-character
first-line indent), section headings in 黑体, the indicators' table, page
numbers "— 1 —" at the foot.

Fonts: python-docx's ``font.name`` sets only the Latin font, so every run and
the default style also get ``w:eastAsia``, or Chinese text falls back to the
template's East Asian font. The 公文 fonts (仿宋_GB2312, 方正小标宋简体) are
named as such (a bureau's Word has them) and the font table gives each an
``altName`` that stock Windows has (仿宋, 宋体, 黑体); a machine with neither
substitutes its own CJK font (LibreOffice on Linux: Noto/WenQuanYi).
"""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from regions.text import xml_safe
from reports.briefing.document import Briefing

LATIN = "Times New Roman"
BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
# What Word uses when the bureau's fonts are missing (all ship with Windows).
FALLBACKS = {BODY_FONT: "仿宋", TITLE_FONT: "宋体", HEADING_FONT: "SimHei"}
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
TABLE_SIZE = Pt(10.5)  # 五号
LINE = Pt(28)
RED = RGBColor(0xC0, 0x00, 0x00)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _fonts(run_or_style, east_asian: str, latin: str = LATIN) -> None:
    """Both halves of the font: Latin (``font.name``) and East Asian."""
    run_or_style.font.name = latin
    fonts = run_or_style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)


def _run(paragraph, text: str, *, font: str = BODY_FONT, size=BODY_SIZE, bold=False):
    run = paragraph.add_run(xml_safe(text))
    _fonts(run, font)
    run.font.size = size
    run.bold = bold
    return run


def _spacing(paragraph, *, indent: bool = False, exact=LINE) -> None:
    layout = paragraph.paragraph_format
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = exact
    layout.space_before = layout.space_after = Pt(0)
    if indent:
        layout.first_line_indent = BODY_SIZE * 2


def _page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = document.styles["Normal"]
    _fonts(normal, BODY_FONT)
    normal.font.size = BODY_SIZE
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(footer, "— ", size=Pt(14))
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    footer._p.append(field)
    page_run = OxmlElement("w:r")
    field.append(page_run)
    text = OxmlElement("w:t")
    text.text = "1"
    page_run.append(text)
    _run(footer, " —", size=Pt(14))


def _red_rule(paragraph) -> None:
    """The 版头's red separator line: a bottom border on the 文号 paragraph."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("val", "single"), ("sz", "12"), ("space", "6"), ("color", "C00000")):
        bottom.set(qn(f"w:{name}"), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _font_fallbacks(document) -> None:
    """Name a stock Windows font as each 公文 font's ``altName``."""
    for part in document.part.package.parts:
        if str(part.partname) != "/word/fontTable.xml":
            continue
        entries = "".join(
            f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/></w:font>'
            for name, alt in FALLBACKS.items()
        )
        part._blob = part.blob.replace(b"</w:fonts>", entries.encode() + b"</w:fonts>")


def _table(document, briefing: Briefing) -> None:
    table = briefing.table
    if not table.header:
        return
    caption = document.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _spacing(caption)
    _run(caption, _("附表:指标完成情况"), font=HEADING_FONT)
    grid = document.add_table(rows=1 + len(table.rows), cols=len(table.header))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row_index, row in enumerate((table.header, *table.rows)):
        for column, value in enumerate(row):
            cell = grid.cell(row_index, column)
            paragraph = cell.paragraphs[0]
            paragraph.alignment = (
                WD_ALIGN_PARAGRAPH.LEFT if column == 0 else WD_ALIGN_PARAGRAPH.CENTER
            )
            _spacing(paragraph, exact=Pt(16))
            _run(paragraph, value, size=TABLE_SIZE, bold=row_index == 0)


def briefing_docx(briefing: Briefing) -> bytes:
    """The .docx file of ``briefing`` (generated or as edited)."""
    document = Document()
    _page(document)
    _font_fallbacks(document)
    document.core_properties.title = xml_safe(briefing.title)

    if briefing.number_line:
        number = document.add_paragraph()
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _spacing(number)
        _run(number, briefing.number_line)
        _red_rule(number)
        document.add_paragraph()

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _spacing(title, exact=Pt(36))
    _run(title, briefing.title, font=TITLE_FONT, size=TITLE_SIZE)
    title.paragraph_format.space_after = LINE

    for text in filter(None, briefing.opening.split("\n")):
        paragraph = document.add_paragraph()
        _spacing(paragraph, indent=True)
        _run(paragraph, text)
    for section in briefing.sections:
        paragraph = document.add_paragraph()
        _spacing(paragraph, indent=True)
        _run(paragraph, section.heading, font=HEADING_FONT)
        for text in section.paragraphs:
            paragraph = document.add_paragraph()
            _spacing(paragraph, indent=True)
            _run(paragraph, text)

    _table(document, briefing)
    for note in briefing.notes:
        paragraph = document.add_paragraph()
        _spacing(paragraph, exact=Pt(20))
        _run(paragraph, note, size=Pt(12))

    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
