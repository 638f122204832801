"""The ledger beside the figures (台账核对): for a quarter and its year to date,
per region and indicator the ledger counts, the ledger's number next to the
reported figure that counts (its region's report approved; a county-only
figure always), and the records behind the ledger's number.

A township's own rows for a township official; every region and the county
for county users — the county row of an indicator reported by region sets
the ledger's county number (each firm once, however many townships report
it) against the sum of the townships' approved figures. Constant queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from reports.choices import SubmissionState
from reports.models import Figure
from reports.progress import Period
from reports.progress.ledger_counts import ledger_counts
from reports.progress.ledger_rules import Record
from reports.progress.queries import counted_figures
from targets.models import Indicator, Plan


@dataclass(frozen=True)
class ReconcileRow:
    region_id: int | None  # None: the county
    region_name: str
    indicator: Indicator
    ledger: Decimal
    reported: Decimal | None  # None: no figure that counts
    ledger_ytd: Decimal
    reported_ytd: Decimal | None
    records: tuple[Record, ...]
    records_ytd: tuple[Record, ...]
    # The county's row while some region's report for the quarter is not
    # approved: no sum to set against the ledger (部分未报).
    partial: bool = False

    @property
    def differs(self) -> bool:
        return self.reported is not None and self.reported != self.ledger

    @property
    def differs_ytd(self) -> bool:
        return self.reported_ytd is not None and self.reported_ytd != self.ledger_ytd

    @property
    def any_difference(self) -> bool:
        return self.differs or self.differs_ytd


def reported_figures(
    plan: Plan, indicator_ids: list[int], period: Period, region_ids: list[int] | None
) -> dict[tuple[int, int | None, int], Decimal]:
    """The figures that count (approved reports, the county's own) of the
    year through ``period``: (indicator, region, quarter) → value. One query."""
    figures = Figure.objects.in_plan(plan).filter(
        indicator_id__in=indicator_ids, year=period.year, quarter__lte=period.quarter
    )
    if region_ids is not None:
        figures = figures.filter(region_id__in=region_ids)
    figures = counted_figures(figures, [SubmissionState.APPROVED])
    return {
        (indicator_id, region_id, quarter): value
        for indicator_id, region_id, quarter, value in figures.values_list(
            "indicator_id", "region_id", "quarter", "value"
        )
    }


def _sum(values: list[Decimal]) -> Decimal | None:
    return sum(values, Decimal(0)) if values else None


def reconcile(
    plan: Plan,
    period: Period,
    regions: list[tuple[int, str]],
    *,
    whole_county: bool,
    counted: Mapping[int, frozenset[tuple[int, int]]],
) -> list[ReconcileRow]:
    """Every row of the page: ``regions`` are the scoped (id, name) pairs in
    plan order; ``whole_county`` adds the county rows and the county-only
    indicators. ``counted``: region → the (year, quarter)s whose report is
    approved. A region not approved for ``period`` reads 未报 for the quarter
    and the year to date alike, as on every other page: its earlier quarters
    alone are no year to date to set against the ledger's. So does the county
    row of an indicator reported by region while some region is not approved
    (部分未报): the ledger counts every region's records, the figures would
    miss that region's, and the difference would be only its missing report."""
    region_ids = [pk for pk, _name in regions]
    counts = ledger_counts(plan, None if whole_county else region_ids, years=[period.year])
    if not counts.sources:
        return []
    indicators = [
        i
        for i in plan.indicators.filter(pk__in=counts.indicator_ids).order_by("order", "pk")
        if i.by_region or whole_county
    ]
    figures = reported_figures(
        plan, [i.pk for i in indicators], period, None if whole_county else region_ids
    )
    by_cell: dict[tuple[int, int | None], dict[int, Decimal]] = defaultdict(dict)
    for (indicator_id, region_id, quarter), value in figures.items():
        by_cell[(indicator_id, region_id)][quarter] = value
    year, quarter = period.year, period.quarter
    all_approved = all((year, quarter) in counted.get(pk, ()) for pk in region_ids)
    rows = []
    for indicator in indicators:
        places: list[tuple[int | None, str]] = list(regions) if indicator.by_region else []
        if whole_county:
            places.append((None, plan.county_name))
        for region_id, name in places:
            partial = region_id is None and indicator.by_region and not all_approved
            if partial:
                now = ytd = None
            elif region_id is None and indicator.by_region:
                # The county's reported number: the townships' figures summed.
                cells = [by_cell[(indicator.pk, r)] for r in region_ids]
                now = _sum([c[quarter] for c in cells if quarter in c])
                ytd = _sum([v for c in cells for q, v in c.items()])
            elif region_id is not None and (year, quarter) not in counted.get(region_id, ()):
                now = ytd = None
            else:
                cell = by_cell[(indicator.pk, region_id)]
                now = cell.get(quarter)
                ytd = _sum(list(cell.values()))
            rows.append(
                ReconcileRow(
                    region_id=region_id,
                    region_name=name,
                    indicator=indicator,
                    ledger=counts.value(indicator.pk, region_id, year, quarter),
                    reported=now,
                    ledger_ytd=counts.year_to_date(indicator.pk, region_id, year, quarter),
                    reported_ytd=ytd,
                    records=tuple(counts.records(indicator.pk, region_id, year, [quarter])),
                    records_ytd=tuple(
                        counts.records(indicator.pk, region_id, year, range(1, quarter + 1))
                    ),
                    partial=partial,
                )
            )
    return rows
