"""The figures of the indicators a plan derives from its ledger
(``LedgerSource.derived``): computed from the ledger, never typed.

``sync_derived_figures`` recomputes them (``reports.progress.ledger_counts``) and
writes the cells that differ through ``record_figures`` with the source
"ledger" — so the derived figures are ordinary figures: the progress pages,
exports, the official report, the API and the history all read them as any
other, and they count once the region's report is approved, like the rest of
it. Every ledger write calls it inside its own transaction: a change the
writer may not make to the figures (a closed quarter, a report already
handed in) refuses the whole ledger write, with the figures' own message.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from regions.roles import ENTER_FIGURES
from reports.choices import Source
from reports.figures.changes import ChangeSummary, FigureChange
from reports.figures.services import record_figures
from reports.models import Figure
from reports.progress.ledger_counts import ledger_counts
from reports.progress.ledger_rules import quarter_of
from targets.models import Plan


def started_quarters(plan: Plan, today: date | None = None) -> list[tuple[int, int]]:
    """The plan's quarters that have begun by ``today``."""
    now = quarter_of(today or timezone.localdate())
    return [(y, q) for y in plan.years for q in (1, 2, 3, 4) if (y, q) <= now]


def derived_changes(
    plan: Plan, region_ids: Iterable[int] | None = None, *, county: bool = True
) -> list[FigureChange]:
    """The cells of the derived indicators whose figure differs from the
    ledger's number, in the quarters begun so far: each region's (or only
    ``region_ids``'), and the county's for a county-only indicator when
    ``county``. Constant queries."""
    counts = ledger_counts(plan, region_ids, derived_only=True)
    if not counts.sources:
        return []
    indicators = {
        i.pk: i
        for i in plan.indicators.filter(pk__in=counts.indicator_ids).only(
            "by_region", "decimal_places"
        )
    }
    regions = plan.regions.all()
    if region_ids is not None:
        regions = regions.filter(pk__in=list(region_ids))
    region_list = list(regions.values_list("pk", flat=True))
    figures = Figure.objects.in_plan(plan).filter(indicator_id__in=list(indicators))
    existing = {
        (i, r, y, q): value
        for i, r, y, q, value in figures.values_list(
            "indicator_id", "region_id", "year", "quarter", "value"
        )
    }
    changes = []
    for indicator_id, indicator in indicators.items():
        places = [None] if not indicator.by_region else region_list
        if places == [None] and not county:
            continue
        for region_id in places:
            for year, quarter in started_quarters(plan):
                value = counts.value(indicator_id, region_id, year, quarter)
                value = value.quantize(indicator.quantum)
                current = existing.get((indicator_id, region_id, year, quarter))
                if current is not None and current == value:
                    continue
                changes.append(FigureChange(indicator_id, region_id, year, quarter, value, note=""))
    return changes


@transaction.atomic
def sync_derived_figures(
    plan: Plan, user, region_ids: Iterable[int] | None = None, *, reason: str = ""
) -> ChangeSummary:
    """Bring the derived figures in line with the ledger, as ``user``: staff
    write every region and the county; anyone else only ``region_ids`` (their
    own), never the county's cells. Raises what ``record_figures`` raises."""
    county = user.has_perm(ENTER_FIGURES)
    changes = derived_changes(plan, region_ids, county=county)
    if not changes:
        return ChangeSummary()
    return record_figures(plan, user, changes, source=Source.LEDGER, reason=reason)
