"""What the bureau reviews: per quarter every region's report and where it
stands, and for each the quarter's values beside the previous quarter's and
the year's target, with the entry grid's warnings (``EntryCell.warning``).

Read in a constant number of queries (the entry grid's, and one for the last
step of each report). Approving and returning are
``reports.figures.submissions``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from regions.models import Region
from reports.choices import NOT_STARTED, SubmissionState
from reports.figures.entry import EntryGrid, EntryRow
from reports.figures.quarters import is_closed, quarter_to_work_on
from reports.figures.submissions import state_label
from reports.models import Submission, SubmissionEvent
from reports.progress import Period
from targets.models import Indicator, Plan

# The order in which the states are counted on the page.
STATE_ORDER = (
    SubmissionState.SUBMITTED,
    SubmissionState.RETURNED,
    SubmissionState.DRAFT,
    NOT_STARTED,
    SubmissionState.APPROVED,
)


@dataclass
class ReviewLine:
    """One indicator of one region's report."""

    indicator: Indicator
    value: Decimal | None
    previous: Decimal | None  # the quarter before
    target: Decimal | None  # the year's
    year_to_date: Decimal | None  # the year through this quarter
    warning: str | None


@dataclass
class ReviewRegion:
    region: Region
    state: str
    version: int
    return_reason: str
    lines: list[ReviewLine]
    last_event: SubmissionEvent | None = None

    @property
    def state_label(self) -> str:
        return state_label(self.state)

    @property
    def warnings(self) -> list[str]:
        return [line.warning for line in self.lines if line.warning]

    @property
    def missing(self) -> int:
        return sum(1 for line in self.lines if line.value is None)

    @property
    def submitted(self) -> bool:
        return self.state == SubmissionState.SUBMITTED

    @property
    def has_figures(self) -> bool:
        return any(line.value is not None for line in self.lines)


@dataclass
class ReviewBoard:
    plan: Plan
    period: Period
    closed: bool
    regions: list[ReviewRegion] = field(default_factory=list)

    @classmethod
    def load(cls, plan: Plan, period: Period) -> ReviewBoard:
        grid = EntryGrid.load(plan, period)
        last = _last_events(plan, period)
        # A plan of county-level indicators only: its regions hand in nothing.
        owe_reports = any(indicator.by_region for indicator in grid.indicators)
        regions = [
            _review_region(row, last.get(row.region.pk))
            for row in grid.rows
            if row.region is not None and owe_reports
        ]
        return cls(plan, period, is_closed(plan, period), regions)

    @property
    def counts(self) -> list[tuple[str, int]]:
        """(state label, how many regions) in ``STATE_ORDER``, zeros left out."""
        counted = Counter(region.state for region in self.regions)
        return [(state_label(state), counted[state]) for state in STATE_ORDER if counted[state]]

    @property
    def approved_all(self) -> bool:
        return all(region.state == SubmissionState.APPROVED for region in self.regions)

    @property
    def any_submitted(self) -> bool:
        return any(region.submitted for region in self.regions)

    @property
    def can_return(self) -> bool:
        """Returning needs an open quarter and a report handed in (or approved)."""
        returnable = (SubmissionState.SUBMITTED, SubmissionState.APPROVED)
        return not self.closed and any(region.state in returnable for region in self.regions)


def _review_region(row: EntryRow, last_event: SubmissionEvent | None) -> ReviewRegion:
    lines = []
    for cell in row.cells:
        if cell is None:
            continue
        value = cell.value
        lines.append(
            ReviewLine(
                indicator=cell.indicator,
                value=value,
                previous=cell.previous,
                target=cell.target,
                year_to_date=None if value is None else cell.ytd_before + value,
                warning=cell.warning(value, f"{row.label} · {cell.indicator.name}"),
            )
        )
    return ReviewRegion(
        region=row.region,
        state=row.state,
        version=row.version,
        return_reason=row.return_reason,
        lines=lines,
        last_event=last_event,
    )


def _last_events(plan: Plan, period: Period) -> dict[int, SubmissionEvent]:
    """Region id → the latest step of its report for ``period``."""
    events = (
        SubmissionEvent.objects.filter(
            submission__plan=plan,
            submission__year=period.year,
            submission__quarter=period.quarter,
        )
        .select_related("user", "submission")
        .order_by("-at", "-pk")
    )
    latest: dict[int, SubmissionEvent] = {}
    for event in events:
        latest.setdefault(event.submission.region_id, event)
    return latest


def quarter_to_review(plan: Plan) -> Period:
    """The review page's default: the latest open quarter with a report
    waiting for review (已上报), else the quarter staff work on."""
    # A closed quarter's reports can no longer be reviewed: not a default.
    closed = set(plan.closed_quarters.values_list("year", "quarter"))
    waiting = [
        key
        for key in Submission.objects.filter(plan=plan, state=SubmissionState.SUBMITTED)
        .order_by("-year", "-quarter")
        .values_list("year", "quarter")
        .distinct()
        if key not in closed and plan.contains(*key)
    ]
    if waiting:
        return Period(*waiting[0])
    return quarter_to_work_on(plan)
