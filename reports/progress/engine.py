"""The progress engine: pure functions over plain data, no database.

Pages, charts, Excel exports and the API all take their numbers from here, so a
rate or status is computed once and reads the same everywhere. Figures are each
quarter's new amount (本季度新增) as ``Decimal``; nothing is rounded here —
quantize only for display, with the indicator's ``decimal_places``.

A quarter a region has not reported (no approved report) is unknown, not 0:
its cell has no numbers and reads 未报 (``Status.NOT_REPORTED``), its lines
break there, and a status computed while some quarter of the year is missing
is marked provisional (``CellProgress.provisional``) — unless the bureau closed
that quarter: nothing more will come for it, the status is final.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from django.utils.translation import gettext

from reports.choices import Status
from targets.choices import Pacing

ZERO = Decimal(0)
QUARTERS_PER_YEAR = 4

# One subject × indicator's figures by (year, quarter); the table's inputs by
# (indicator, region or None, year or None) and (indicator, region or None, year, quarter).
Quarterly = Mapping[tuple[int, int], Decimal]
TargetKey = tuple[int, int | None, int | None]
FigureKey = tuple[int, int | None, int, int]
T = TypeVar("T")


@dataclass(frozen=True, order=True)
class Period:
    """One quarter of one year; ordered in time so periods compare and sort."""

    year: int
    quarter: int

    def __post_init__(self) -> None:
        if not 1 <= self.quarter <= QUARTERS_PER_YEAR:
            raise ValueError(f"quarter must be 1..4, not {self.quarter}")

    @property
    def label(self) -> str:
        return gettext("%(year)s年第%(quarter)s季度") % {"year": self.year, "quarter": self.quarter}

    @property
    def code(self) -> str:
        """Stable text form for URLs and exports: ``2025Q3``."""
        return f"{self.year}Q{self.quarter}"

    @property
    def quarters_elapsed(self) -> int:
        """Quarters of its year done by the end of this period (序时 numerator)."""
        return self.quarter

    def quarters_since(self, first_year: int) -> int:
        """Quarters done since ``first_year`` Q1, this one included."""
        return (self.year - first_year) * QUARTERS_PER_YEAR + self.quarter

    def previous(self) -> Period:
        return self._shift(-1)

    def next(self) -> Period:
        return self._shift(1)

    def _shift(self, quarters: int) -> Period:
        year, index = divmod(
            self.year * QUARTERS_PER_YEAR + self.quarter - 1 + quarters, QUARTERS_PER_YEAR
        )
        return Period(year, index + 1)

    @classmethod
    def from_code(cls, code: str) -> Period:
        """Parse ``2025Q3`` (case-insensitive); ValueError on anything else."""
        year, sep, quarter = code.strip().upper().partition("Q")
        if not (
            sep and year.isascii() and year.isdigit() and quarter.isascii() and quarter.isdigit()
        ):
            raise ValueError(f"not a period code: {code!r}")
        return cls(int(year), int(quarter))


@dataclass(frozen=True)
class Bands:
    """Status thresholds as shares of the expected value (settings, not code)."""

    behind_below: Decimal = Decimal("1.0")
    seriously_behind_below: Decimal = Decimal("0.8")

    def __post_init__(self) -> None:
        if self.seriously_behind_below > self.behind_below:
            raise ValueError("seriously_behind_below must not exceed behind_below")

    @classmethod
    def from_settings(cls) -> Bands:
        from django.conf import settings

        return cls(settings.PROGRESS_BEHIND_BELOW, settings.PROGRESS_SERIOUSLY_BEHIND_BELOW)


DEFAULT_BANDS = Bands()


def expected_share(quarter: int, pacing: str = Pacing.SPREAD) -> Decimal:
    """Share of a year's target due after ``quarter`` quarters (序时进度):
    n/4 when spread over the quarters; 0 until the fourth quarter, then all of
    it, for a year-end milestone (``Pacing.YEAR_END``)."""
    if not 1 <= quarter <= QUARTERS_PER_YEAR:
        raise ValueError(f"quarter must be 1..4, not {quarter}")
    if pacing == Pacing.YEAR_END:
        return Decimal(1) if quarter == QUARTERS_PER_YEAR else ZERO
    if pacing != Pacing.SPREAD:
        raise ValueError(f"unknown pacing {pacing!r}")
    return Decimal(quarter) / QUARTERS_PER_YEAR


def ratio(numerator: Decimal, denominator: Decimal | None) -> Decimal | None:
    """``numerator / denominator``, or None when there is nothing to divide by."""
    if denominator is None or denominator == 0:
        return None
    return numerator / denominator


def classify(
    actual: Decimal, target: Decimal | None, expected: Decimal | None, bands: Bands
) -> Status:
    """Status of an actual against its target and time-elapsed expected value.

    A zero target is DONE: nothing is required, and calling it behind would flag
    a region the plan gave no work. When nothing is expected yet (a plan whose
    early years carry no target) an unfinished subject is ON_PACE, not behind.
    Bands are inclusive at their floor: exactly 100% of expected is on pace.
    """
    if target is None:
        return Status.NO_TARGET
    if target == 0 or actual >= target:
        return Status.DONE
    pace = ratio(actual, expected)
    if pace is None or pace >= bands.behind_below:
        return Status.ON_PACE
    if pace >= bands.seriously_behind_below:
        return Status.BEHIND
    return Status.SERIOUSLY_BEHIND


def year_to_date(figures: Quarterly, as_of: Period) -> Decimal:
    """Sum of ``as_of``'s year, quarters 1..n (累计); missing quarters count 0."""
    return sum((figures.get((as_of.year, q), ZERO) for q in range(1, as_of.quarter + 1)), ZERO)


def plan_to_date(figures: Quarterly, first_year: int, as_of: Period) -> Decimal:
    """Sum since ``first_year`` Q1 through ``as_of``; later figures are ignored.
    (Compared as (year, quarter) tuples, in the order of ``Period``: a
    thousand-region table makes this call tens of thousands of times.)"""
    start, end = (first_year, 1), (as_of.year, as_of.quarter)
    return sum((v for key, v in figures.items() if start <= key <= end), ZERO)


def county_quarterly(region_figures: Iterable[Quarterly]) -> dict[tuple[int, int], Decimal]:
    """County figures of a broken-down indicator: the per-quarter sum of its regions."""
    total: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for figures in region_figures:
        for key, value in figures.items():
            total[key] += value
    return dict(total)


def plan_periods(plan_years: Sequence[int], through: Period | None = None) -> list[Period]:
    """Every quarter of the plan in order, stopping at ``through`` when given."""
    periods = [Period(y, q) for y in sorted(plan_years) for q in range(1, QUARTERS_PER_YEAR + 1)]
    return [p for p in periods if through is None or p <= through]


def latest_period_with_figures(
    figure_keys: Iterable[tuple], plan_years: Sequence[int]
) -> Period | None:
    """Latest quarter inside the plan with any figure recorded (a recorded 0
    counts: it is a report). Keys are any tuples ending in (year, quarter), so
    both a table's 4-part figure keys and a subject's (year, quarter) work."""
    years = set(plan_years)
    periods = [Period(*key[-2:]) for key in figure_keys if key[-2] in years]
    return max(periods, default=None)


def default_period(figure_keys: Iterable[tuple], plan_years: Sequence[int]) -> Period:
    """The quarter a dashboard opens on: the latest reported one, else the plan's first."""
    if not plan_years:
        raise ValueError("a plan needs at least one year")
    return latest_period_with_figures(figure_keys, plan_years) or Period(min(plan_years), 1)


@dataclass(frozen=True)
class SubjectData:
    """Everything known about one subject (a region or the county) × indicator.

    ``yearly_targets`` may miss a year (no target that year). ``plan_total`` is
    annex 1's 总计; when absent the plan target is the sum of the yearly targets.
    ``stretch_total`` is the plan-wide high line (高线), e.g. 80 万㎡ of space;
    ``yearly_stretch`` a year's own high line, where the plan gives one.
    ``pacing`` is the indicator's: how 序时 runs through each year.

    ``unreported``: the (year, quarter)s the subject itself has not reported —
    its figures for them are unknown, not 0. ``incomplete``: the quarters whose
    figures are a sum with some part missing (the county of a broken-down
    indicator while a region has not reported): the sum is shown, and a status
    computed on it is provisional. ``closed``: the quarters the bureau closed:
    one of them unreported still reads 未报, but nothing more will come for it,
    so it makes no status provisional. ``figures`` hold only what was reported.
    """

    plan_years: tuple[int, ...]
    yearly_targets: Mapping[int, Decimal]
    figures: Quarterly
    plan_total: Decimal | None = None
    stretch_total: Decimal | None = None
    pacing: str = Pacing.SPREAD
    unreported: frozenset[tuple[int, int]] = frozenset()
    incomplete: frozenset[tuple[int, int]] = frozenset()
    yearly_stretch: Mapping[int, Decimal] = field(default_factory=dict)
    closed: frozenset[tuple[int, int]] = frozenset()

    def __post_init__(self) -> None:
        if not self.plan_years:
            raise ValueError("a plan needs at least one year")

    def reported(self, period: Period) -> bool:
        return (period.year, period.quarter) not in self.unreported

    def _gap_in(self, quarters: Iterable[tuple[int, int]]) -> bool:
        unreported, incomplete = self.unreported, self.incomplete
        if not unreported and not incomplete:
            return False
        return any(
            (key in unreported or key in incomplete) and key not in self.closed for key in quarters
        )

    def provisional(self, as_of: Period) -> bool:
        """Some quarter of ``as_of``'s year so far is missing (in full or in part)."""
        return self._gap_in((as_of.year, q) for q in range(1, as_of.quarter + 1))

    def plan_provisional(self, as_of: Period) -> bool:
        """Some quarter since the plan began is missing (in full or in part)."""
        end = (as_of.year, as_of.quarter)
        return self._gap_in(
            (year, quarter)
            for year in self.plan_years
            for quarter in range(1, QUARTERS_PER_YEAR + 1)
            if (year, quarter) <= end
        )

    @property
    def first_year(self) -> int:
        return min(self.plan_years)

    @property
    def plan_target(self) -> Decimal | None:
        if self.plan_total is not None:
            return self.plan_total
        if not self.yearly_targets:
            return None
        return sum(self.yearly_targets.values(), ZERO)

    @property
    def total_only(self) -> bool:
        """The plan gives only a total, no yearly split: the subject is judged
        on the plan-to-date against the plan's 序时, the only target it has."""
        return not self.yearly_targets and self.plan_total is not None

    def expected_share(self, quarter: int) -> Decimal:
        return expected_share(quarter, self.pacing)

    def expected_value(self, as_of: Period) -> Decimal | None:
        """The year's 序时 expected value: its target × the share due by now."""
        target = self.yearly_targets.get(as_of.year)
        return None if target is None else target * self.expected_share(as_of.quarter)

    def plan_expected(self, as_of: Period) -> Decimal | None:
        """Earlier years' targets plus this year's share due by now (n/4, or
        for a year-end milestone nothing before Q4); a missing year counts 0.

        With only a plan total and no yearly split, the total is spread evenly
        over the plan's quarters (over its years, due at each year's end, for
        a year-end milestone): the only time-elapsed reading the data allows.
        """
        if self.yearly_targets:
            earlier = sum((v for y, v in self.yearly_targets.items() if y < as_of.year), ZERO)
            this_year = self.yearly_targets.get(as_of.year, ZERO)
            return earlier + this_year * self.expected_share(as_of.quarter)
        if self.plan_total is None:
            return None
        if self.pacing == Pacing.YEAR_END:
            years_done = as_of.year - self.first_year + self.expected_share(as_of.quarter)
            return self.plan_total * years_done / len(self.plan_years)
        quarters = len(self.plan_years) * QUARTERS_PER_YEAR
        return self.plan_total * as_of.quarters_since(self.first_year) / quarters

    def check(self, period: Period) -> None:
        if period.year not in self.plan_years:
            raise ValueError(f"{period.code} is outside the plan years {self.plan_years}")


@dataclass(frozen=True)
class CellProgress:
    """One cell of the progress table: a subject (a region, or the county)
    × indicator as of a period.

    Year fields compare year-to-date against the year's target; ``plan_*``
    fields compare everything since the plan began against the plan total.
    Rates are fractions (0.775), never percents. ``gap_to_expected`` is signed
    (negative = ahead of 序时); ``shortfall_to_expected`` is the same clipped at 0.

    ``reported`` False: the subject has not reported ``period``; every number
    that depends on its figures is None (targets and 序时 are still known) and
    both statuses are ``Status.NOT_REPORTED``. ``provisional``: the status
    stands on a year with some quarter missing and may still change (never
    for DONE: figures only add; nor without a target); ``plan_provisional``
    the same for the plan so far.
    """

    period: Period
    quarter_actual: Decimal | None
    ytd_actual: Decimal | None
    annual_target: Decimal | None
    expected_share: Decimal
    expected_value: Decimal | None
    completion: Decimal | None
    progress_vs_expected: Decimal | None
    gap_to_target: Decimal | None
    gap_to_expected: Decimal | None
    shortfall_to_expected: Decimal | None
    status: Status
    projection: Decimal | None
    needed_per_quarter: Decimal | None
    plan_actual: Decimal | None
    plan_target: Decimal | None
    plan_expected: Decimal | None
    plan_completion: Decimal | None
    plan_progress_vs_expected: Decimal | None
    plan_gap_to_target: Decimal | None
    plan_status: Status
    stretch_target: Decimal | None
    stretch_completion: Decimal | None
    reported: bool = True
    provisional: bool = False
    plan_provisional: bool = False
    # The year's own high line (年度高线) and the year to date against it.
    annual_stretch_target: Decimal | None = None
    annual_stretch_completion: Decimal | None = None

    @property
    def judged_on_plan(self) -> bool:
        """No target of the year, only the plan's total (``SubjectData.total_only``):
        the status is the plan's, and so are the rates that go with it."""
        return (
            self.reported
            and self.annual_target is None
            and self.plan_target is not None
            and self.status != Status.NO_TARGET
        )

    @property
    def judged_completion(self) -> Decimal | None:
        """The completion the status judges: the year's, or the plan's."""
        return self.plan_completion if self.judged_on_plan else self.completion

    @property
    def judged_pace(self) -> Decimal | None:
        """Progress against the 序时 the status judges (the year's or the plan's)."""
        return self.plan_progress_vs_expected if self.judged_on_plan else self.progress_vs_expected

    @property
    def judged_expected_share(self) -> Decimal | None:
        """The share of its target due by now that the status judges against:
        the year's 序时 share, or the plan's expected ÷ its total (None for a
        zero total: nothing is due)."""
        return self.plan_expected_share if self.judged_on_plan else self.expected_share

    @property
    def plan_expected_share(self) -> Decimal | None:
        """The plan's 序时 as a share of its total (None for a zero total:
        nothing is due)."""
        if not self.plan_target or self.plan_expected is None:
            return None
        return self.plan_expected / self.plan_target


def pace(
    data: SubjectData, as_of: Period, bands: Bands = DEFAULT_BANDS
) -> tuple[Decimal | None, Status]:
    """Just the year's progress against 序时 and the status: what ranking all
    regions needs, without the rest of ``CellProgress`` (the same numbers
    ``compute_progress`` reports, from the same functions)."""
    if not data.reported(as_of):
        return None, Status.NOT_REPORTED
    if data.total_only:
        actual = plan_to_date(data.figures, data.first_year, as_of)
        expected = data.plan_expected(as_of)
        return ratio(actual, expected), classify(actual, data.plan_total, expected, bands)
    ytd = year_to_date(data.figures, as_of)
    target = data.yearly_targets.get(as_of.year)
    expected = data.expected_value(as_of)
    return ratio(ytd, expected), classify(ytd, target, expected, bands)


def compute_progress(
    data: SubjectData, as_of: Period, bands: Bands = DEFAULT_BANDS
) -> CellProgress:
    """The whole progress record of one subject × indicator as of ``as_of``.

    ``projection`` is the year-end total at the pace so far (ytd × 4/n).
    ``needed_per_quarter`` spreads the remaining gap over the quarters left;
    None in the last quarter (none are left) or without a target, 0 once done.
    """
    data.check(as_of)
    if not data.reported(as_of):
        return _not_reported(data, as_of)
    share = data.expected_share(as_of.quarter)
    ytd = year_to_date(data.figures, as_of)
    target = data.yearly_targets.get(as_of.year)
    expected = data.expected_value(as_of)
    gap = None if target is None else max(target - ytd, ZERO)
    gap_expected = None if expected is None else expected - ytd
    quarters_left = QUARTERS_PER_YEAR - as_of.quarter
    plan_actual = plan_to_date(data.figures, data.first_year, as_of)
    plan_target = data.plan_target
    plan_expected = data.plan_expected(as_of)
    stretch = data.stretch_total
    annual_stretch = data.yearly_stretch.get(as_of.year)
    plan_status = classify(plan_actual, plan_target, plan_expected, bands)
    if data.total_only:  # no target of the year: its status is the plan's
        status, provisional = plan_status, data.plan_provisional(as_of)
    else:
        status = classify(ytd, target, expected, bands)
        provisional = data.provisional(as_of)
    return CellProgress(
        period=as_of,
        quarter_actual=data.figures.get((as_of.year, as_of.quarter), ZERO),
        ytd_actual=ytd,
        annual_target=target,
        expected_share=share,
        expected_value=expected,
        completion=ratio(ytd, target),
        progress_vs_expected=ratio(ytd, expected),
        gap_to_target=gap,
        gap_to_expected=gap_expected,
        shortfall_to_expected=None if gap_expected is None else max(gap_expected, ZERO),
        status=status,
        projection=ytd * QUARTERS_PER_YEAR / as_of.quarter,
        needed_per_quarter=None if gap is None or not quarters_left else gap / quarters_left,
        plan_actual=plan_actual,
        plan_target=plan_target,
        plan_expected=plan_expected,
        plan_completion=ratio(plan_actual, plan_target),
        plan_progress_vs_expected=ratio(plan_actual, plan_expected),
        plan_gap_to_target=None if plan_target is None else max(plan_target - plan_actual, ZERO),
        plan_status=plan_status,
        stretch_target=stretch,
        stretch_completion=ratio(plan_actual, stretch),
        provisional=may_change(status) and provisional,
        plan_provisional=may_change(plan_status) and data.plan_provisional(as_of),
        annual_stretch_target=annual_stretch,
        annual_stretch_completion=ratio(ytd, annual_stretch),
    )


def may_change(status: Status) -> bool:
    """Whether missing figures could still change a status: not once done
    (figures are never negative, so more can only add) nor without a target."""
    return status not in (Status.DONE, Status.NO_TARGET)


def _not_reported(data: SubjectData, as_of: Period) -> CellProgress:
    """A subject that has not reported ``as_of``: what it owes, no numbers of its own."""
    return CellProgress(
        period=as_of,
        quarter_actual=None,
        ytd_actual=None,
        annual_target=data.yearly_targets.get(as_of.year),
        expected_share=data.expected_share(as_of.quarter),
        expected_value=data.expected_value(as_of),
        completion=None,
        progress_vs_expected=None,
        gap_to_target=None,
        gap_to_expected=None,
        shortfall_to_expected=None,
        status=Status.NOT_REPORTED,
        projection=None,
        needed_per_quarter=None,
        plan_actual=None,
        plan_target=data.plan_target,
        plan_expected=data.plan_expected(as_of),
        plan_completion=None,
        plan_progress_vs_expected=None,
        plan_gap_to_target=None,
        plan_status=Status.NOT_REPORTED,
        stretch_target=data.stretch_total,
        stretch_completion=None,
        reported=False,
        annual_stretch_target=data.yearly_stretch.get(as_of.year),
    )


def owing_most_first(rows: Iterable[tuple[T, CellProgress]]) -> list[tuple[T, CellProgress]]:
    """The rows that owe something against the year's target (a gap, even 0),
    largest gap first; equal gaps keep their order. The rows are any label
    with its progress, e.g. a township's name."""
    owing = [(label, p) for label, p in rows if p.gap_to_target is not None]
    return sorted(owing, key=lambda row: row[1].gap_to_target, reverse=True)


@dataclass(frozen=True)
class SeriesPoint:
    """One point of a cumulative chart line; ``expected`` is None without a
    target, ``actual`` None in a quarter the subject has not reported: the
    line breaks there instead of dropping to a false low. A later quarter's
    point is the sum of what is in, the number its table cell shows
    (provisional there)."""

    period: Period
    actual: Decimal | None
    expected: Decimal | None


def cumulative_series(data: SubjectData, through: Period) -> list[SeriesPoint]:
    """Year-to-date actual and 序时 expected for each quarter; resets every
    year. None in a quarter the subject has not reported; a later quarter
    sums what is in, as ``compute_progress`` does."""
    data.check(through)
    return [
        SeriesPoint(
            period,
            year_to_date(data.figures, period) if data.reported(period) else None,
            data.expected_value(period),
        )
        for period in plan_periods(data.plan_years, through)
    ]


def plan_cumulative_series(data: SubjectData, through: Period) -> list[SeriesPoint]:
    """Plan-to-date actual and plan expected for each quarter since the plan
    began; None in a quarter the subject has not reported, and a later
    quarter sums what is in, as ``compute_progress`` does."""
    data.check(through)
    return [
        SeriesPoint(
            period,
            plan_to_date(data.figures, data.first_year, period) if data.reported(period) else None,
            data.plan_expected(period),
        )
        for period in plan_periods(data.plan_years, through)
    ]
