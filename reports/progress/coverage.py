"""Who has reported what: the reporting state of every region × quarter as
plain data, the coverage of one quarter, and which quarter is complete.

Pure, like the engine: ``reports.progress.queries.load_reporting`` reads the
submissions and closed quarters into a ``Reporting``; pages, exports and the
API take from it the quarters each region reported (what the engine counts),
the coverage they state in words, and the quarter they open on.

A region × quarter counts once its report is approved (已审核); staff may ask to
count reports submitted and not yet approved as well (``includes_submitted``).
Drafts and returned reports never count.

A county-only indicator is the bureau's own: its quarter is reported once the
bureau entered a figure for it (0 included) or closed the quarter. Until then
it is unknown (未报), as a region's unreported quarter is, not 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from reports.choices import COUNTED_STATES, COUNTED_STATES_WITH_SUBMITTED, SubmissionState
from reports.progress.engine import Period, plan_periods


@dataclass(frozen=True)
class Coverage:
    """How many of ``regions`` reported ``period``: approved, submitted (not yet
    approved) and the rest (nothing, a draft or a returned report: 未报).
    ``includes_submitted``: the numbers shown count the submitted ones too."""

    period: Period
    regions: int
    approved: int
    submitted: int
    includes_submitted: bool = False
    closed: bool = False

    @property
    def not_reported(self) -> int:
        return self.regions - self.approved - self.submitted

    @property
    def counted(self) -> int:
        return self.approved + (self.submitted if self.includes_submitted else 0)

    @property
    def complete(self) -> bool:
        """Every region's figures count: nothing shown is provisional."""
        return self.counted == self.regions


@dataclass(frozen=True)
class Reporting:
    """The reporting state of ``region_ids`` (the regions in the viewer's
    scope) in the plan's quarters. ``states`` maps (region, year, quarter) to
    a submission state; a missing key is nothing reported (未填报). ``closed``
    holds the plan's closed quarters."""

    plan_years: tuple[int, ...]
    region_ids: tuple[int, ...]
    states: Mapping[tuple[int, int, int], str]
    closed: frozenset[tuple[int, int]] = frozenset()
    includes_submitted: bool = False
    # The plan's county-only indicators, and the (indicator, year, quarter)s
    # for which the bureau entered a figure.
    county_indicators: tuple[int, ...] = ()
    county_entered: frozenset[tuple[int, int, int]] = frozenset()

    @property
    def counted_states(self) -> tuple[str, ...]:
        states = COUNTED_STATES_WITH_SUBMITTED if self.includes_submitted else COUNTED_STATES
        return tuple(str(state) for state in states)

    @cached_property
    def _counted(self) -> frozenset[tuple[int, int, int]]:
        counted = self.counted_states
        return frozenset(key for key, state in self.states.items() if state in counted)

    def reported_quarters(self) -> dict[int, frozenset[tuple[int, int]]]:
        """Region → the (year, quarter)s whose figures count (the engine's ``reported``)."""
        quarters: dict[int, set[tuple[int, int]]] = {region: set() for region in self.region_ids}
        for region, year, quarter in self._counted:
            quarters.setdefault(region, set()).add((year, quarter))
        return {region: frozenset(found) for region, found in quarters.items()}

    def county_reported_quarters(self) -> dict[int, frozenset[tuple[int, int]]]:
        """County-only indicator → the (year, quarter)s it is reported for:
        entered, or closed (the engine's ``county_reported``)."""
        quarters: dict[int, set[tuple[int, int]]] = {i: set() for i in self.county_indicators}
        for indicator, year, quarter in self.county_entered:
            quarters.setdefault(indicator, set()).add((year, quarter))
        return {indicator: frozenset(found) | self.closed for indicator, found in quarters.items()}

    def county_missing(self, period: Period) -> list[int]:
        """The county-only indicators the bureau has not entered for ``period``
        (none once it is closed)."""
        if (period.year, period.quarter) in self.closed:
            return []
        return [
            indicator
            for indicator in self.county_indicators
            if (indicator, period.year, period.quarter) not in self.county_entered
        ]

    def coverage(self, period: Period, region_ids: Iterable[int] | None = None) -> Coverage:
        """``period``'s coverage of ``region_ids`` (default: every region in
        scope), of those that owe reports (none in a plan of county-level
        indicators only)."""
        owing = set(self.region_ids)
        regions = (
            self.region_ids if region_ids is None else tuple(r for r in region_ids if r in owing)
        )
        found = [self.states.get((region, period.year, period.quarter)) for region in regions]
        return Coverage(
            period,
            regions=len(regions),
            approved=found.count(SubmissionState.APPROVED),
            submitted=found.count(SubmissionState.SUBMITTED),
            includes_submitted=self.includes_submitted,
            closed=(period.year, period.quarter) in self.closed,
        )

    def latest_complete(self) -> Period | None:
        """The latest quarter whose reporting is done: closed, or every region's
        figures count and the bureau entered every county-only indicator.
        Without regions nor county-only indicators only a closed quarter is
        complete."""
        for period in reversed(plan_periods(self.plan_years)):
            if (period.year, period.quarter) in self.closed:
                return period
            if not (self.region_ids or self.county_indicators):
                continue
            if all(
                (region, period.year, period.quarter) in self._counted for region in self.region_ids
            ) and not self.county_missing(period):
                return period
        return None

    def latest_counted(self, region_ids: Iterable[int] | None = None) -> Period | None:
        """The latest quarter in which any of ``region_ids`` (default: all in
        scope) has figures that count."""
        wanted = set(self.region_ids if region_ids is None else region_ids)
        years = set(self.plan_years)
        periods = [
            Period(year, quarter)
            for region, year, quarter in self._counted
            if region in wanted and year in years
        ]
        return max(periods, default=None)
