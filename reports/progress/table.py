"""The progress table: every region × indicator of a plan as of one quarter.

Built from plain data (``reports.progress.queries.load_plan_data`` reads it) on top of
the single-subject engine in ``reports.progress``; pages, charts, exports and
the API all read their numbers from a ``ProgressTable``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from reports.choices import Status
from reports.progress.engine import (
    DEFAULT_BANDS,
    ZERO,
    Bands,
    CellProgress,
    FigureKey,
    Period,
    Quarterly,
    SeriesPoint,
    SubjectData,
    TargetKey,
    compute_progress,
    county_quarterly,
    cumulative_series,
    pace,
    plan_cumulative_series,
    plan_periods,
    plan_to_date,
)
from targets.choices import Pacing
from targets.formatting import labelled


@dataclass(frozen=True)
class IndicatorInfo:
    id: int
    code: str
    name: str
    unit: str = ""
    decimal_places: int = 0
    by_region: bool = True
    order: int = 0  # annex 1's 序号
    alt_name: str = ""  # annex 2's name for it, when it differs
    pacing: str = Pacing.SPREAD

    @property
    def label(self) -> str:
        """Name with unit, as the annexes print it: 新增孵化空间面积(万平方米)."""
        return labelled(self.name, self.unit)

    @property
    def annex2_label(self) -> str:
        """Annex 2's own name with the unit: 新增温州“20”孵化器(个)."""
        return labelled(self.alt_name or self.name, self.unit)


@dataclass(frozen=True)
class RegionInfo:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class TableRow:
    """One row of the progress table; ``region`` None is the county row.

    ``cells`` line up with ``ProgressTable.indicators``; a region's cell is None
    for a county-only indicator (there is no township figure to show).
    """

    region: RegionInfo | None
    cells: tuple[CellProgress | None, ...]


@dataclass(frozen=True)
class LagScore:
    """How far a region is behind 序时: ``score`` 1 = on pace everywhere;
    ``provisional``: some of it stands on a year with a quarter not reported."""

    region: RegionInfo
    score: Decimal
    behind: int
    provisional: bool = False


class LazyCells(Mapping):
    """Cells computed on first use: a page about one indicator or the county
    row of a thousand-region plan should not pay for all twenty thousand."""

    def __init__(self, subjects: Mapping, as_of: Period, bands: Bands):
        self._subjects = subjects
        self._as_of = as_of
        self._bands = bands
        self._done: dict = {}

    def __getitem__(self, key):
        try:
            return self._done[key]
        except KeyError:
            cell = compute_progress(self._subjects[key], self._as_of, self._bands)
            self._done[key] = cell
            return cell

    def __iter__(self):
        return iter(self._subjects)

    def __len__(self):
        return len(self._subjects)

    def pace(self, key) -> tuple[Decimal | None, Status] | None:
        if key not in self._subjects:
            return None
        if key in self._done and not self._subjects[key].total_only:
            cell = self._done[key]  # (a plan total only is paced on the plan: not in the cell)
            return cell.progress_vs_expected, cell.status
        return pace(self._subjects[key], self._as_of, self._bands)


@dataclass(frozen=True)
class ProgressTable:
    """Every region × broken-down indicator plus the county row, as of one period."""

    as_of: Period
    indicators: tuple[IndicatorInfo, ...]
    regions: tuple[RegionInfo, ...]
    subjects: Mapping[tuple[int | None, int], SubjectData]
    cells: LazyCells

    def cell(self, region_id: int | None, indicator_id: int) -> CellProgress:
        """A region's (None = county) progress; KeyError for region × county-only."""
        return self.cells[(region_id, indicator_id)]

    def get(self, region_id: int | None, indicator_id: int) -> CellProgress | None:
        return self.cells.get((region_id, indicator_id))

    @property
    def broken_down(self) -> tuple[IndicatorInfo, ...]:
        return tuple(i for i in self.indicators if i.by_region)

    def _row(self, region: RegionInfo | None) -> TableRow:
        region_id = None if region is None else region.id
        return TableRow(region, tuple(self.get(region_id, i.id) for i in self.indicators))

    def rows(self) -> list[TableRow]:
        """Region rows in the order the regions were given (annex 2 order)."""
        return [self._row(region) for region in self.regions]

    def county_row(self) -> TableRow:
        return self._row(None)

    def column(self, indicator_id: int) -> list[tuple[RegionInfo, CellProgress]]:
        """One indicator across regions, in region order: the per-township chart."""
        return [(r, p) for r in self.regions if (p := self.get(r.id, indicator_id))]

    def lagging(self, n: int | None = None) -> list[LagScore]:
        """The ``n`` regions furthest behind 序时 (all when ``n`` is None); see
        ``ranking``."""
        return self.ranking if n is None else self.ranking[:n]

    @cached_property
    def ranking(self) -> list[LagScore]:
        """Regions ranked by how far behind 序时 they are, the most behind first.

        Score = mean over indicators with something due by now (a positive
        序时 expected value: a year-end milestone only in Q4) of
        min(progress_vs_expected, 1). Capping at 1 stops a surplus on one
        indicator from hiding a shortfall on another; a mean (not a min) still
        separates a region behind on one indicator from one behind on all.
        Regions with no scorable indicator are left out, so is a region that
        has not reported the quarter (it has no pace); ties keep region order.
        """
        scores = []
        indicators = self.broken_down
        for region in self.regions:
            paces = [
                found
                for i in indicators
                if (found := self.cells.pace((region.id, i.id))) and found[0] is not None
            ]
            if not paces:
                continue
            score = sum((min(pace, Decimal(1)) for pace, _ in paces), ZERO) / len(paces)
            behind = sum(s in (Status.BEHIND, Status.SERIOUSLY_BEHIND) for _, s in paces)
            provisional = any(
                self.subjects[(region.id, i.id)].provisional(self.as_of) for i in indicators
            )
            scores.append(LagScore(region, score, behind, provisional))
        scores.sort(key=lambda s: s.score)
        return scores

    def lagging_on(self, indicator_id: int, limit: int) -> list[RegionInfo]:
        """Every region while there are at most ``limit`` (a chart's worth);
        beyond, the ``limit`` furthest behind 序时 on this one indicator, the
        most behind first; regions with no pace (no target, nothing due yet)
        after all the others. Ties keep region order."""
        regions = list(self.regions)
        if len(regions) <= limit:
            return regions

        def behind(region: RegionInfo) -> tuple[bool, Decimal | None]:
            pace, _status = self.cells.pace((region.id, indicator_id)) or (None, None)
            return (pace is None, pace)

        return sorted(regions, key=behind)[:limit]

    def known_plan_to_date(self, region_id: int | None, indicator_id: int) -> Decimal:
        """What the subject reported since the plan began, through the table's
        quarter: its earlier quarters count even when this one is not in
        (its cell then has no plan-to-date of its own)."""
        subject = self.subjects[(region_id, indicator_id)]
        return plan_to_date(subject.figures, subject.first_year, self.as_of)

    def latest_known(self, region_id: int | None, indicator_id: int) -> Period | None:
        """The latest quarter through the table's whose figures are known: the
        latest the subject reported, carried through the quarters right after
        it that the bureau closed unreported (they add 0: nothing more will
        come for them) — from the plan's first quarter when it begins so."""
        subject = self.subjects[(region_id, indicator_id)]
        latest = previous = None
        for period in plan_periods(subject.plan_years, self.as_of):
            closed = (period.year, period.quarter) in subject.closed
            if subject.reported(period) or (closed and latest == previous):
                latest = period
            previous = period
        return latest

    def cumulative_series(
        self, region_id: int | None, indicator_id: int, through: Period | None = None
    ) -> list[SeriesPoint]:
        """Chart line of year-to-date vs 序时, through the table's period by default."""
        return cumulative_series(self.subjects[(region_id, indicator_id)], through or self.as_of)

    def plan_cumulative_series(
        self, region_id: int | None, indicator_id: int, through: Period | None = None
    ) -> list[SeriesPoint]:
        subject = self.subjects[(region_id, indicator_id)]
        return plan_cumulative_series(subject, through or self.as_of)


def build_table(
    *,
    indicators: Sequence[IndicatorInfo],
    regions: Sequence[RegionInfo],
    targets: Mapping[TargetKey, tuple[Decimal, Decimal | None]],
    figures: Mapping[FigureKey, Decimal],
    plan_years: Sequence[int],
    as_of: Period,
    bands: Bands = DEFAULT_BANDS,
    reported: Mapping[int, Set[tuple[int, int]]] | None = None,
    county_reported: Mapping[int, Set[tuple[int, int]]] | None = None,
    closed: Set[tuple[int, int]] = frozenset(),
) -> ProgressTable:
    """The progress of every region × broken-down indicator and the county row.

    ``targets`` map (indicator, region or None, year or None for the plan total)
    to (value, stretch or None); ``figures`` map (indicator, region or None,
    year, quarter) to the quarter's new amount. A broken-down indicator's county
    figures are the sum of *every* region present in ``figures`` — not only
    ``regions`` — so a table scoped to one township still shows the true county
    total; county-level figures entered for it are ignored (the county is never
    entered by hand). A county-only indicator uses its own county figures.

    ``reported`` maps a region to the (year, quarter)s it has reported (whose
    figures count); its other quarters are unreported — unknown, not 0 — and a
    region it does not list reported nothing. The county row of a broken-down
    indicator is then incomplete in every quarter some of ``regions`` did not
    report, and unreported (未报) in every quarter none of the regions in
    ``reported`` did. None: every quarter of every region counts as reported
    (plain data).

    ``county_reported`` maps a county-only indicator to the (year, quarter)s
    the bureau entered (or closed); its other quarters are unreported, as a
    region's. An indicator it does not list (one the ledger derives: never
    typed) and None: every quarter counts as reported.

    ``closed``: the quarters the bureau closed, whose figures are final. A
    region that did not report one still reads 未报 there, but neither its row
    nor the county's is provisional for it: nothing more will come.
    """
    years = tuple(sorted(plan_years))
    every_quarter = frozenset((p.year, p.quarter) for p in plan_periods(years))
    unreported: dict[int, frozenset[tuple[int, int]]] = {}
    if reported is not None:
        unreported = {
            region.id: every_quarter - frozenset(reported.get(region.id, ())) for region in regions
        }
    closed = frozenset(closed)
    county_incomplete = frozenset().union(*unreported.values()) - closed
    # The sum of regions none of which reported is unknown, not 0: the county
    # row of a broken-down indicator reads 未报 in such a quarter, as a region does.
    county_unreported: frozenset[tuple[int, int]] = frozenset()
    if reported is not None:
        county_unreported = every_quarter - frozenset().union(*map(frozenset, reported.values()))
    by_subject: dict[tuple[int | None, int], dict[tuple[int, int], Decimal]] = defaultdict(dict)
    for (indicator_id, region_id, year, quarter), value in figures.items():
        by_subject[(region_id, indicator_id)][(year, quarter)] = value

    def subject(
        region_id: int | None,
        indicator: IndicatorInfo,
        quarterly: Quarterly,
        incomplete: frozenset[tuple[int, int]] = frozenset(),
        missing: frozenset[tuple[int, int]] | None = None,
    ) -> SubjectData:
        of_year = {y: t for y in years if (t := targets.get((indicator.id, region_id, y)))}
        yearly = {y: value for y, (value, _stretch) in of_year.items()}
        yearly_stretch = {y: st for y, (_value, st) in of_year.items() if st is not None}
        total, stretch = targets.get((indicator.id, region_id, None), (None, None))
        if missing is None:
            missing = (
                unreported.get(region_id, frozenset()) if region_id is not None else frozenset()
            )
        return SubjectData(
            years,
            yearly,
            quarterly,
            total,
            stretch,
            indicator.pacing,
            missing or frozenset(),
            incomplete,
            yearly_stretch,
            closed,
        )

    regional_by_indicator: dict[int, list[Quarterly]] = defaultdict(list)
    for (region_id, indicator_id), quarterly in by_subject.items():
        if region_id is not None:
            regional_by_indicator[indicator_id].append(quarterly)

    subjects: dict[tuple[int | None, int], SubjectData] = {}
    for indicator in indicators:
        if indicator.by_region:
            for region in regions:
                key = (region.id, indicator.id)
                subjects[key] = subject(region.id, indicator, by_subject.get(key, {}))
            county = county_quarterly(regional_by_indicator[indicator.id])
            subjects[(None, indicator.id)] = subject(
                None, indicator, county, county_incomplete, missing=county_unreported
            )
        else:
            county = by_subject.get((None, indicator.id), {})
            missing = None
            if county_reported is not None and indicator.id in county_reported:
                missing = every_quarter - frozenset(county_reported[indicator.id])
            subjects[(None, indicator.id)] = subject(None, indicator, county, missing=missing)

    if as_of.year not in years:
        raise ValueError(f"{as_of.code} is outside the plan years {years}")
    return ProgressTable(
        as_of, tuple(indicators), tuple(regions), subjects, LazyCells(subjects, as_of, bands)
    )
