"""The briefing's plain shape: what composing produces and every rendering
(the page, the edit form, the .docx) reads. No models, no database."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class BriefingTable:
    """The indicators' table: a header row and rows of already formatted cells."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class BriefingSection:
    """A numbered section (一、二、…): its heading and its paragraphs."""

    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Briefing:
    """One quarter's briefing for one reader's scope (the county or a township)."""

    title: str
    # The 文号 line, e.g. the plan's document number and the period; may be empty.
    number_line: str
    opening: str
    sections: tuple[BriefingSection, ...]
    table: BriefingTable
    # The period it speaks of, for file names and headings.
    year: int
    quarter: int
    # The region it speaks of; None for the county-wide briefing.
    region_id: int | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
