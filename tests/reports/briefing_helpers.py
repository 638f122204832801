"""Reading a briefing back from the page and from its Word file."""

from __future__ import annotations

import html
import re
from io import BytesIO

from docx import Document

TABLE = re.compile(r'<table class="[^"]*briefing-table[^"]*">(.*?)</table>', re.S)
ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
CELL = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.S)
PARAGRAPH = re.compile(r'<(?:p|h2|h3) class="briefing-[a-z]+[^"]*">(.*?)</(?:p|h2|h3)>', re.S)


def page_table(content: bytes) -> list[list[str]]:
    """The indicators' table as the page shows it: header row first."""
    match = TABLE.search(content.decode())
    assert match, "no briefing table on the page"
    return [
        [html.unescape(cell.strip()) for cell in CELL.findall(row)] for row in ROW.findall(match[1])
    ]


def page_paragraphs(content: bytes) -> list[str]:
    """The document's lines on the page: 文号, title, headings, paragraphs."""
    return [html.unescape(text.strip()) for text in PARAGRAPH.findall(content.decode())]


def docx_table(content: bytes) -> list[list[str]]:
    document = Document(BytesIO(content))
    assert len(document.tables) == 1
    return [[cell.text for cell in row.cells] for row in document.tables[0].rows]


def docx_paragraphs(content: bytes) -> list[str]:
    return [p.text for p in Document(BytesIO(content)).paragraphs if p.text]
