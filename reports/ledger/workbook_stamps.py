"""The 记录版本 column of an uploaded ledger workbook (``STAMP_HEADER``): each
row of an exported workbook carries the state of its record as the export saw
it. A row that would change a record changed since then would silently undo
that change (a row carries every field, also those its sender never touched):
it is refused, naming the record, who changed it and when.

- 孵化载体, 在孵企业: the record's ``export_stamp`` (its id and last change);
  载体认定, 载体标识, 企业标识: their holder's, which a recognition or title
  added or redated moves.
- 季度运营数据: the quarter's ``operating_stamp`` ("0": none stored).
- A stamp of a record the row no longer names (renamed, moved, merged or
  deleted since, or renamed in the file) would register that record twice:
  refused too, unless the file also holds that record's own row (a row copied
  to add another record).
- A blank stamp (a workbook made by hand) is not checked.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from reports.ledger.services import record_stamp
from reports.ledger.workbook import SheetRow
from reports.models import Enterprise, Incubator, IncubatorQuarter


def export_stamp(record: Incubator | Enterprise) -> str:
    """An incubator's or enterprise's 记录版本 in an exported workbook: its id
    and its last change. The id finds the record again when the row's name or
    region no longer does (renamed, moved, merged since)."""
    return f"{record.pk}:{record_stamp(record)}"


def stamp_id(stamp: str) -> int | None:
    """The record id in an ``export_stamp``; None when it holds none."""
    head, colon, _rest = stamp.partition(":")
    return int(head) if colon and head.isascii() and head.isdigit() and len(head) < 19 else None


def operating_stamp(stored: IncubatorQuarter | None) -> str:
    """A quarter's operating data as an export showed them: their version and
    last entry ("0": nothing stored). The time tells apart data cleared and
    entered again, which start again at version 1."""
    if stored is None:
        return "0"
    return f"{stored.version}:{stored.entered_at.isoformat()}"


def changed_since_export(what: str, who, when, user=None) -> str:
    """Why a workbook row is refused: ``what`` (a record, a quarter's operating
    data) was changed by ``who`` at ``when`` after the workbook was exported,
    and taking the row would undo that change. ``user``: the uploader, told so
    when it was their own change (an earlier upload of the same file)."""
    words = {"what": what, "when": timezone.localtime(when).strftime("%Y-%m-%d %H:%M")}
    if who is not None and user is not None and who.pk == user.pk:
        message = _(
            "%(what)s在本文件导出后已由您本人修改(%(when)s,例如上一次上传);为免覆盖,"
            "本行未导入。请重新导出台账,在新文件中修改后再上传。"
        )
    else:
        words["who"] = (who.get_full_name() or who.get_username()) if who else _("他人")
        message = _(
            "%(what)s在本文件导出后已被%(who)s修改(%(when)s);为免覆盖该修改,本行未导入。"
            "请重新导出台账,在新文件中修改后再上传。"
        )
    return message % words


class StampChecks:
    """For the workbook planner; expects its ``problem``."""

    def start_stamps(self, user) -> None:
        self.uploader = user
        # sheet → ids of the records its rows name; rows whose stamp is another
        # record's, decided once every row of the sheet is read.
        self.named_ids: dict[str, set[int]] = {}
        self.foreign_stamps: list[tuple[str, SheetRow, int]] = []

    def names(self, sheet: str, record) -> None:
        """A row of ``sheet`` names ``record`` (an existing incubator or firm)."""
        self.named_ids.setdefault(sheet, set()).add(record.pk)

    def stale(self, sheet: str, row: SheetRow, record) -> bool:
        """Whether the row, which changes ``record`` (or a title it holds; None:
        a record new in this file), must be refused over its stamp. A stamp of
        another record is decided by ``refuse_foreign_stamps``."""
        stamp = row.values.get("stamp")
        if not stamp or (record is not None and stamp == export_stamp(record)):
            return False
        pk = stamp_id(stamp)
        if pk is None:
            message = _("不是导出时写入的值;请重新导出后再改,或清空该格(不再核对)")
            self.problem(sheet, row, message, "stamp")
            return True
        if record is None or pk != record.pk:
            self.foreign_stamps.append((sheet, row, pk))
            return False
        message = changed_since_export(
            f"“{record.name}”", record.updated_by, record.updated_at, self.uploader
        )
        self.problem(sheet, row, message, "stamp")
        return True

    def refuse_foreign_stamps(self) -> None:
        for sheet, row, pk in self.foreign_stamps:
            if pk in self.named_ids.get(sheet, ()):
                continue  # copied from that record's own row, which the file still has
            message = _(
                "本行的记录版本属于另一条记录(导出后被改名、移动、合并或删除,或本行的名称被改动);"
                "为免重复登记,本行未导入。请重新导出后再改;确为新增的记录,请清空本行的记录版本。"
            )
            self.problem(sheet, row, message, "stamp")

    def stale_operating(
        self, sheet: str, row: SheetRow, current: IncubatorQuarter | None, what: str
    ) -> bool:
        """Whether an operating-data row that changes a quarter's data (``what``
        names them) must be refused: changed, or cleared, since the export."""
        stamp = row.values.get("stamp")
        if not stamp or stamp == operating_stamp(current):
            return False
        if current is not None:
            message = changed_since_export(
                what, current.entered_by, current.entered_at, self.uploader
            )
        else:
            message = _(
                "%(what)s在本文件导出后已被清空;为免覆盖,本行未导入。"
                "请重新导出台账,在新文件中修改后再上传。"
            ) % {"what": what}
        self.problem(sheet, row, message, "stamp")
        return True
