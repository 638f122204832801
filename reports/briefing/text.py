"""The briefing as editable text, and back.

Staff edit the body (the opening and the numbered sections) in one text box:
one paragraph per line, each section's heading on its own line with its
number ("一、…" in Chinese, "I. …" in English), as the page shows it. Parsing
reads the headings back by that numbering, so the edited text renders (page,
Word) exactly like the generated one. Title, 文号 line, table and notes are
not part of the body: the title and 文号 line have their own fields, and the
table holds the engine's numbers, which nobody types.

Pure: no models, no database.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re

from reports.briefing.document import Briefing, BriefingSection, BriefingTable

# A heading line, as composing numbers them ("一、总体情况", "I. Overview") or
# as staff may type them ("1. …", "1、…"); not "1.5万平方米…", whose dot is
# a decimal point.
HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}、|[IVXLC]{1,6}\.\s|\d{1,2}(?:[．、]|\.(?!\d)))\s*\S"
)
# A heading is a short line; a longer numbered line is an ordinary paragraph.
MAX_HEADING_LENGTH = 60


def body_text(briefing: Briefing) -> str:
    """The editable body: the opening, then each section's heading (numbered
    by composing) and its paragraphs, one per line."""
    lines = [briefing.opening] if briefing.opening else []
    for section in briefing.sections:
        lines.append(section.heading)
        lines.extend(section.paragraphs)
    return "\n".join(lines)


def parse_body(text: str) -> tuple[str, tuple[BriefingSection, ...]]:
    """The opening and the sections of an edited body. Blank lines are
    dropped; lines before the first heading make the opening."""
    opening: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        if HEADING.match(line) and len(line) <= MAX_HEADING_LENGTH:
            sections.append((line, []))
        elif sections:
            sections[-1][1].append(line)
        else:
            opening.append(line)
    return "\n".join(opening), tuple(
        BriefingSection(heading=heading, paragraphs=tuple(paragraphs))
        for heading, paragraphs in sections
    )


def with_text(briefing: Briefing, *, title: str, number_line: str, body: str) -> Briefing:
    """``briefing`` with an edited title, 文号 line and body."""
    opening, sections = parse_body(body)
    return dataclasses.replace(
        briefing, title=title, number_line=number_line, opening=opening, sections=sections
    )


def table_data(table: BriefingTable) -> dict:
    """The table as stored with an edited version (JSON)."""
    return {"header": list(table.header), "rows": [list(row) for row in table.rows]}


def table_from_data(data: dict) -> BriefingTable:
    return BriefingTable(
        header=tuple(str(cell) for cell in data.get("header", ())),
        rows=tuple(tuple(str(cell) for cell in row) for row in data.get("rows", ())),
    )


def fingerprint(briefing: Briefing) -> str:
    """A SHA-256 of everything generated (text, table, notes): equal exactly
    when the data produce the same briefing."""
    content = {
        "title": briefing.title,
        "number_line": briefing.number_line,
        "opening": briefing.opening,
        "sections": [[s.heading, list(s.paragraphs)] for s in briefing.sections],
        "table": table_data(briefing.table),
        "notes": list(briefing.notes),
    }
    encoded = json.dumps(content, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()
