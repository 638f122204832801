"""Checking an untrusted .xlsx before any spreadsheet library parses a byte of
it; shared by every Excel import (nothing in openpyxl stops a zip bomb):

1. the raw size is capped (at most ``max_bytes + 1`` bytes are ever read);
2. it must be a zip holding ``xl/workbook.xml`` — an old ``.xls``, a CSV or a
   random zip gets a message saying what it is and what to do;
3. every member is inflated in chunks while counting the bytes actually
   produced (not the sizes the archive claims): a total cap and a per-member
   compression-ratio cap stop zip bombs early;
4. any XML with a ``<!DOCTYPE`` or ``<!ENTITY`` is refused: Excel never writes
   one, and it is how entity-expansion ("billion laughs") and external-entity
   attacks start. openpyxl also parses through defusedxml; this check covers
   python-calamine, which does not use it;
5. the same pass notes whether any worksheet has formula or error cells, and
   whether every cell's position is explicit and inside the limits: what
   decides how ``targets.excel.values`` reads the sheets;
6. the text the shared-string cells would spell out is added up: a small,
   well-formed file can point a million cells at one long string, which a
   reader copying it per cell (python-calamine does) would inflate to
   gigabytes. Past the unpacked-size cap the file is refused.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext as _

CHUNK_BYTES = 1 << 20
# A member must inflate to this much before its ratio counts: small XML parts
# (styles, themes) legitimately compress very well.
RATIO_FLOOR_BYTES = 1 << 20
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2: .xls (and encrypted .xlsx)
DTD_RE = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
# A formula element (<f>, <f t="shared" …/>, <x:f>) or an error cell (t="e").
CELL_MARKER_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]|\st\s*=\s*[\"']e[\"']")
# Cells as Excel and openpyxl write them: position first. Anything else is
# read by openpyxl, which streams and so cannot be made to allocate a huge grid.
CELL_COLUMN_RE = re.compile(rb'<c r="([A-Z]{1,3})\d')
CELL_ROW_RE = re.compile(rb'<c r="[A-Z]{1,3}(\d{1,7})"')
# Every cell element however written (any whitespace, a namespace prefix):
# what the cells written as above must account for.
PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
CELL_TAG_RE = re.compile(rb"<" + PREFIX + rb"c[\s/>]")
# The shared strings (<si> items, in order, however written) and the cells
# pointing at one.
SHARED_TABLE_RE = re.compile(rb"<" + PREFIX + rb"sst[\s>/]")
SHARED_ITEM_RE = re.compile(
    rb"<" + PREFIX + rb"si(?:\s[^>]*?)?(?:/>|>.*?</" + PREFIX + rb"si\s*>)", re.S
)
SHARED_CELL_RE = re.compile(rb"\st\s*=\s*[\"']s[\"']")
SHARED_VALUE_RE = re.compile(
    rb"<c\s[^>]*?\bt\s*=\s*[\"']s[\"'][^>]*>\s*<" + PREFIX + rb"v>\s*(\d{1,9})\s*<"
)


@dataclass(frozen=True)
class XlsxLimits:
    """How big an untrusted workbook may be, packed, unpacked and as a grid."""

    max_bytes: int
    max_unpacked_bytes: int
    max_ratio: int = 100
    max_rows: int = 10_000
    max_columns: int = 500
    # The fast reader holds the rectangle up to the last cell in memory.
    max_cells: int = 2_000_000


class UnsafeWorkbookError(Exception):
    """The file cannot be read; ``messages`` say why, in Chinese."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


def read_capped(source: str | Path | BinaryIO | bytes, max_bytes: int) -> bytes:
    """The file's bytes, refusing anything over ``max_bytes`` without reading it all."""
    if isinstance(source, bytes):
        data = source[: max_bytes + 1]
    else:
        try:
            if isinstance(source, str | Path):
                with open(source, "rb") as stream:
                    data = stream.read(max_bytes + 1)
            else:
                data = source.read(max_bytes + 1)
        except OSError as exc:
            raise UnsafeWorkbookError([_("无法打开文件:%(error)s") % {"error": exc}]) from exc
    if len(data) > max_bytes:
        raise UnsafeWorkbookError([too_big_message(max_bytes)])
    return data


def too_big_message(max_bytes: int) -> str:
    return _("文件过大:超过 %(size)s 的上限") % {"size": human_size(max_bytes)}


def human_size(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):.0f} MB"
    return f"{max(1, size // 1024)} KB"


def not_xlsx_message(data: bytes) -> str:
    """ "Not an xlsx", with a hint for what the file most likely is."""
    base = _("文件不是有效的 Excel 工作簿(.xlsx)")
    if not data.strip():
        return base + _(":文件是空的")
    if data.startswith(XLS_MAGIC):
        hint = _(
            ":这是旧版 Excel(.xls)文件或加密的工作簿;请在 Excel 中另存为 .xlsx(不设密码)后再导入"
        )
        return base + hint
    if data.startswith(b"PK"):
        return base + _(":压缩包已损坏或不是 Excel 工作簿;请用 Excel 另存为 .xlsx 后再导入")
    sample = data[:2000]
    if b"\x00" not in sample and (b"," in sample or b"\t" in sample):
        return base + _(":看起来是 CSV 或文本文件;请用 Excel 另存为 .xlsx 后再导入")
    return base + _(";请用 Excel 另存为 .xlsx 后再导入")


@dataclass(frozen=True)
class ArchiveScan:
    """What the pre-parse pass learnt about the worksheets.

    ``cell_markers``: some cell is a formula or an error value, which only a
    two-pass openpyxl read tells from an empty cell. ``fast_readable``: no
    markers, and every cell's position is explicit and inside the limits (the
    fast reader allocates the whole rectangle up to the last cell, so one stray
    cell at XFD1048576 would exhaust memory).
    """

    cell_markers: bool
    fast_readable: bool


def check_archive(data: bytes, limits: XlsxLimits) -> ArchiveScan:
    """Refuse anything but a sound, reasonably sized xlsx archive (see the module
    docstring)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise UnsafeWorkbookError([not_xlsx_message(data)]) from None
    with archive:
        if "xl/workbook.xml" not in archive.namelist():
            raise UnsafeWorkbookError([not_xlsx_message(data)])
        if sum(info.file_size for info in archive.infolist()) > limits.max_unpacked_bytes:
            raise UnsafeWorkbookError([_bomb_message(limits)])
        unpacked, markers, fast = 0, False, True
        shared = SharedText()
        for info in archive.infolist():
            try:
                xml = _inflate(archive, info, limits.max_unpacked_bytes - unpacked, limits)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError):
                raise UnsafeWorkbookError([not_xlsx_message(data)]) from None
            except (OSError, RuntimeError):  # e.g. an encrypted member
                raise UnsafeWorkbookError([not_xlsx_message(data)]) from None
            unpacked += len(xml)
            if not info.filename.endswith((".xml", ".rels", ".vml")):
                continue
            # "!" is rare in sheet XML, so the exact search rarely runs.
            if b"!" in xml and DTD_RE.search(xml):
                message = _("文件中的 XML 含有 DOCTYPE/实体声明(Excel 不会生成),已拒绝")
                raise UnsafeWorkbookError([message])
            # Every part, not only xl/worksheets/: the workbook's relationships
            # decide where a sheet lives, and a hostile file may put it anywhere.
            if _has_cell_markers(xml):
                markers = True
            elif fast:
                fast = _fast_readable(xml, limits)
            shared.note(xml)
        if shared.spelled_out() > limits.max_unpacked_bytes:
            message = _(
                "文件中的文本单元格展开后过大(上限 %(size)s),已拒绝;"
                "请使用系统下载的模板,只填写所需内容"
            )
            raise UnsafeWorkbookError([message % {"size": human_size(limits.max_unpacked_bytes)}])
    return ArchiveScan(cell_markers=markers, fast_readable=fast and not markers)


class SharedText:
    """How much text the shared-string cells spell out: each cell's string's
    size, summed. Conservative where a file is odd: a cell whose index cannot
    be read counts as the longest string; two string tables, as the larger
    string at each index."""

    def __init__(self):
        self.tables: list[list[int]] = []
        self.indices: dict[int, int] = {}
        self.unread = 0

    def note(self, xml: bytes) -> None:
        """Takes in a part: a string table, a sheet's cells (or both)."""
        if b"sst" in xml and SHARED_TABLE_RE.search(xml):
            self.tables.append([len(item.group(0)) for item in SHARED_ITEM_RE.finditer(xml)])
        if b"s" not in xml:
            return
        cells = len(SHARED_CELL_RE.findall(xml))
        if not cells:
            return
        read = 0
        for match in SHARED_VALUE_RE.finditer(xml):
            index = int(match.group(1))
            self.indices[index] = self.indices.get(index, 0) + 1
            read += 1
        self.unread += max(0, cells - read)

    def spelled_out(self) -> int:
        if not self.tables:
            return 0
        sizes = [max(column) for column in zip_longest(*self.tables, fillvalue=0)]
        total = self.unread * max(sizes, default=0)
        for index, count in self.indices.items():
            total += (sizes[index] if index < len(sizes) else 0) * count
        return total


def _has_cell_markers(xml: bytes) -> bool:
    """Formula or error cells? Plain substring searches first (fast even on a
    100 MB sheet); the exact pattern only runs where they hit."""
    maybe = b"<f" in xml or b":f" in xml or b'"e"' in xml or b"'e'" in xml
    return maybe and CELL_MARKER_RE.search(xml) is not None


def _bomb_message(limits: XlsxLimits) -> str:
    message = _("文件解压后过大或压缩比异常(上限 %(size)s),可能是“压缩炸弹”,已拒绝")
    return message % {"size": human_size(limits.max_unpacked_bytes)}


def _inflate(archive, info, allowance: int, limits: XlsxLimits) -> bytes:
    """One member's bytes, counted as they come out: never more than
    ``allowance`` in all, nor a ratio above the limit once past the floor."""
    chunks, size = [], 0
    with archive.open(info) as member:
        while chunk := member.read(CHUNK_BYTES):
            size += len(chunk)
            too_big = size > allowance
            if too_big or (
                size > RATIO_FLOOR_BYTES and size > limits.max_ratio * max(info.compress_size, 1)
            ):
                raise UnsafeWorkbookError([_bomb_message(limits)])
            chunks.append(chunk)
    return b"".join(chunks)


def _fast_readable(xml: bytes, limits: XlsxLimits) -> bool:
    """Whether a worksheet's XML (without cell markers) is safe for the fast reader."""
    rows = CELL_ROW_RE.findall(xml)
    cells = len(CELL_TAG_RE.findall(xml))
    if cells != len(rows):  # a cell without an explicit position, or written unusually
        return False
    if not rows:
        return True
    last_column = max(column_index(letters) for letters in set(CELL_COLUMN_RE.findall(xml)))
    last_row = max(map(int, set(rows)))
    return last_row <= limits.max_rows + 1 and last_column * last_row <= limits.max_cells


def column_index(letters: bytes | str) -> int:
    """A → 1, Z → 26, AA → 27."""
    index = 0
    for letter in letters.decode() if isinstance(letters, bytes) else letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index
