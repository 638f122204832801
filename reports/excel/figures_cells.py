"""A figures workbook as read: each value (``ReadCell``), the whole file with
every problem at its sheet, row and column (``FiguresFile``), and the rules for
one cell: a number for a figure (``amount``), a whole number for a year or a
quarter, a cell that should stay empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from regions.models import Region
from reports.excel.figures_format import PlanShape, ValueMode
from reports.progress import Period
from targets.excel.values import Loc, ProblemList, describe_non_number, normalize, said_at
from targets.formatting import value_problems_text
from targets.models import Indicator

HEADER_SEARCH_ROWS = 10
MAX_PROBLEMS = 500


@dataclass(slots=True)
class ReadCell:
    """One value as read: ``value`` None is an empty cell (no figure); ``note``
    None leaves the figure's note as it is. ``key`` is the figure's identity:
    (indicator id, region id or None for the county, year, quarter)."""

    indicator: Indicator
    region: Region | None
    year: int
    quarter: int
    value: Decimal | None
    note: str | None
    row: int
    column: int
    key: tuple[int, int | None, int, int] = field(init=False)

    def __post_init__(self) -> None:
        region_id = self.region.id if self.region is not None else None
        self.key = (self.indicator.id, region_id, self.year, self.quarter)


@dataclass
class FiguresFile:
    """What a workbook says: its layout, mode and period, its cells, and every problem."""

    layout: str = ""  # "template" or "long"
    sheet: str = ""
    mode: ValueMode = ValueMode.QUARTER
    period: Period | None = None  # the template's quarter; None for a long sheet
    generated_at: datetime | None = None
    cells: list[ReadCell] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    headers: dict[int, str] = field(default_factory=dict)
    more_problems: int = 0

    def loc(self, row: int | None = None, column: int | None = None) -> Loc:
        return Loc(self.sheet, row, column, self.headers.get(column, "") if column else "")

    def problem(self, loc: Loc | str, message: str) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.more_problems += 1
            return
        self.problems.append(loc.says(message) if isinstance(loc, Loc) else said_at(loc, message))

    @property
    def all_problems(self) -> list[str]:
        """The problems to show, ending with how many more were not listed."""
        return ProblemList(self.problems, unlisted=self.more_problems)


def amount(raw: object, indicator: Indicator) -> tuple[Decimal | None, str | None]:
    """A cell as a figure value: (value, None), (None, None) for an empty cell,
    or (None, why not) — the entry grid's rules (``Indicator.value_problems``)."""
    if raw is None:
        return None, None
    kind = type(raw)
    if kind is float:
        number = Decimal(repr(raw))  # the shortest repr: 0.35 stays 0.35
    elif kind is int:
        number = Decimal(raw)
    elif kind is str and not raw.strip():
        return None, None
    else:
        return None, describe_non_number(raw)
    if not number.is_finite():  # 1e309 read as inf: no number Excel shows
        return None, _("不是有效的数字。")
    problems = indicator.value_problems(number)
    if problems:
        return None, value_problems_text(number, problems)
    return number, None


def whole_number(value: object) -> int | None:
    """An integer from a cell: 2026, 2026.0 or the text "2026"; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = normalize(value).removesuffix("年")
        return int(text) if text.isascii() and text.isdigit() and len(text) < 6 else None
    return None


def is_blank(raw: object) -> bool:
    return raw is None or (type(raw) is str and not raw.strip())


def find_header(rows: list[list[object]], wanted: str) -> int | None:
    for number, row in enumerate(rows[:HEADER_SEARCH_ROWS], start=1):
        if any(normalize(value) == wanted for value in row):
            return number
    return None


def blocked_reason(indicator: Indicator, shape: PlanShape) -> str:
    if indicator.by_region:
        return _("该单元格不应填写:此指标按%(region)s填报,%(county)s数为各%(region)s之和") % {
            "county": shape.county_name,
            "region": shape.region_term,
        }
    return _("该单元格不应填写:此指标仅在%(county)s一级填报") % {"county": shape.county_name}
