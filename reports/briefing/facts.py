"""What a briefing speaks of, as plain data: the engine's cells and results
for one quarter and the quarter before, the reporting coverage, the headline
goals and the measures. ``reports.briefing.gather`` reads them from the
database; the phrasing rules (``reports.briefing.phrasing``) read only these.
No models, no database."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from reports.progress.coverage import Coverage
from reports.progress.engine import CellProgress, Period
from reports.progress.table import IndicatorInfo, RegionInfo


class OutsideScope(ValueError):
    """The briefing asked for speaks of a region the reader may not see, or
    of the whole county for a reader who sees only part of it."""


@dataclass(frozen=True)
class Rank:
    """A position among ``total`` regions, 1 = furthest ahead of 序时."""

    position: int
    total: int


@dataclass(frozen=True)
class IndicatorFacts:
    """One indicator for the briefing's subject (the county or a township).

    ``previous``: the same cell as of the quarter before (None before the
    plan's first quarter). ``regions``: every visible region's cell, in region
    order (the county briefing of a broken-down indicator; empty otherwise).
    ``rank``: the township's place on this indicator, when allowed.
    ``total_only``: the plan gives the subject a total and no year's target."""

    indicator: IndicatorInfo
    cell: CellProgress
    previous: CellProgress | None
    regions: tuple[tuple[RegionInfo, CellProgress], ...] = ()
    rank: Rank | None = None
    total_only: bool = False


@dataclass(frozen=True)
class GoalFacts:
    text: str
    unit: str
    places: int
    status: str
    value: Decimal | None
    goal: Decimal
    # The status in words (an annual floor's missed years named), and an
    # annual floor's year: its value is that year's so far.
    status_label: str = ""
    year: int | None = None


@dataclass(frozen=True)
class MeasureFacts:
    """A measure that shows no progress this quarter: never reported, not
    started, lagging, or not reported in the quarter."""

    label: str
    title: str
    lead: str
    status: str | None  # the latest report's status, None when never reported
    reported: bool  # reported in the quarter


@dataclass(frozen=True)
class LaggingRegion:
    region: RegionInfo
    behind: int  # indicators behind or seriously behind 序时


@dataclass(frozen=True)
class BriefingFacts:
    plan_name: str
    document_number: str
    county_name: str
    region_term: str
    period: Period
    first_year: int
    last_year: int
    region: RegionInfo | None  # None: the county-wide briefing
    coverage: Coverage
    not_reported: tuple[RegionInfo, ...]  # in scope, figures not counted this quarter
    submitted: tuple[RegionInfo, ...]  # of those: submitted, awaiting review
    indicators: tuple[IndicatorFacts, ...]
    overall_rank: Rank | None = None
    goals: tuple[GoalFacts, ...] = ()
    measures: tuple[MeasureFacts, ...] = ()
    includes_submitted: bool = False
    # Regions behind 序时 on some indicator, the furthest behind first (the
    # engine's ranking); the county briefing only.
    lagging: tuple[LaggingRegion, ...] = ()
    # False for a quarter not yet begun (a plan that starts later): nothing
    # can be reported for it yet, so nobody is asked to.
    begun: bool = True
    # A township's briefing: the quarters of the year before this one that it
    # did not report and the bureau closed (counted as nothing, for good).
    closed_missed: tuple[int, ...] = ()

    @property
    def subject_name(self) -> str:
        return self.county_name if self.region is None else self.region.name

    @property
    def county_missing(self) -> list[str]:
        """The county-only indicators the bureau has not entered for the
        quarter (the county briefing only)."""
        if self.region is not None:
            return []
        return [
            item.indicator.name
            for item in self.indicators
            if not item.indicator.by_region and not item.cell.reported
        ]
