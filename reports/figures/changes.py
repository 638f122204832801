"""What a write of figures is made of: the cells to change (``FigureChange``),
why a write is refused (``FigureError`` and its kinds), and what it changed or
would change (``ChangeSummary``).

``ChangeSummary`` is the one summary of changes: the entry grid's save, an
upload's preview and confirmation and the ``import_figures`` command all count
and word their changes with it, so the same changes read the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from reports.progress import Period

Key = tuple[int, int | None, int, int]  # indicator, region (None: county), year, quarter


class FigureError(Exception):
    """A write that was refused as a whole; ``messages`` say why, in Chinese."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


class QuarterClosedError(FigureError):
    pass


@dataclass(frozen=True)
class FigureChange:
    """One cell to write. ``value`` None clears the cell (deletes the figure).

    ``seen_version``: the figure's version when the editor loaded it (0: there
    was none). When given and no longer current, the write is a conflict.
    """

    indicator_id: int
    region_id: int | None
    year: int
    quarter: int
    value: Decimal | None
    note: str | None = None
    seen_version: int | None = None

    @property
    def key(self) -> Key:
        return (self.indicator_id, self.region_id, self.year, self.quarter)


@dataclass(frozen=True)
class Conflict:
    """Someone else saved this cell after the editor loaded it."""

    change: FigureChange
    current_value: Decimal | None
    current_version: int
    changed_by: str


class FigureConflictError(FigureError):
    def __init__(self, conflicts: list[Conflict]):
        super().__init__(
            [_("有 %(n)s 个单元格在您打开后已被他人修改,未保存任何数据。") % {"n": len(conflicts)}]
        )
        self.conflicts = conflicts


@dataclass(frozen=True)
class ChangedCell:
    """One cell's value before and after (None: no figure)."""

    key: Key
    old: Decimal | None
    new: Decimal | None


@dataclass
class ChangeSummary:
    """The cells a write changed (or a preview would change), and how many it
    left as they were."""

    changes: list[ChangedCell] = field(default_factory=list)
    unchanged: int = 0
    # The bureau's entry into a region's report that still lacks an
    # indicator: saved, not approved (region name, quarter).
    unapproved: list[tuple[str, Period]] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(1 for c in self.changes if c.old is None and c.new is not None)

    @property
    def updated(self) -> int:
        return sum(1 for c in self.changes if c.old is not None and c.new is not None)

    @property
    def cleared(self) -> int:
        return sum(1 for c in self.changes if c.new is None)

    @property
    def periods(self) -> list[Period]:
        """The quarters with a change, in order."""
        return sorted({Period(c.key[2], c.key[3]) for c in self.changes})

    def describe_unapproved(self) -> str:
        """What the bureau's entry left unapproved, for a warning ('' if none)."""
        if not self.unapproved:
            return ""
        return _(
            "以下报告尚有指标未填,已保存但未审核通过,暂不计入统计;填齐后再次保存即审核通过:"
            "%(reports)s"
        ) % {"reports": "、".join(f"{name}{period.label}" for name, period in self.unapproved)}

    def describe(self, *, with_unchanged: bool = False) -> str:
        """'新增 1 项,修改 2 项,清除 0 项' (and ';5 项不变')."""
        counts = _("新增 %(created)s 项,修改 %(updated)s 项,清除 %(cleared)s 项") % {
            "created": self.created,
            "updated": self.updated,
            "cleared": self.cleared,
        }
        if not with_unchanged:
            return counts
        return _("%(counts)s;%(unchanged)s 项不变") % {
            "counts": counts,
            "unchanged": self.unchanged,
        }
