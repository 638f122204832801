"""The ledger's numbers: per region × indicator × quarter for every indicator
a ``LedgerSource`` counts, and the stock at a date for the stock goals — read
in a constant number of queries whatever the plan's size, counted by the pure
rules of ``reports.progress.ledger_rules``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from reports.choices import OPERATING_STATUSES
from reports.models import (
    Enterprise,
    EnterpriseFlagGrant,
    Incubator,
    IncubatorFlagGrant,
    IncubatorRecognition,
)
from reports.progress.ledger_rules import (
    Cells,
    EnterpriseRow,
    IncubatorRow,
    Ledger,
    Record,
    SourceRule,
    count_cells,
    quarter_end,
    stock_at,
    total,
)
from targets.ledger import LedgerSource
from targets.models import Plan


def enterprise_identity(credit_code: str, normalised_name: str) -> str:
    return credit_code or f"name:{normalised_name}"


def read_sources(plan: Plan, *, goals: bool) -> dict[int, tuple[SourceRule, bool]]:
    """The plan's ledger sources for indicators (or, ``goals``, for goals):
    indicator or goal id → (rule, derived). Two queries."""
    subject = "goal_id" if goals else "indicator_id"
    rows = list(
        LedgerSource.objects.filter(plan=plan, **{f"{subject}__isnull": False}).values_list(
            "pk", subject, "rule", "min_level", "kind", "derived"
        )
    )
    flags = defaultdict(set)
    through = LedgerSource.flags.through.objects.filter(ledgersource__plan=plan)
    for source_id, flag_id in through.values_list("ledgersource_id", "ledgerflag_id"):
        flags[source_id].add(flag_id)
    return {
        subject_id: (SourceRule(rule, frozenset(flags[pk]), min_level, kind), derived)
        for pk, subject_id, rule, min_level, kind, derived in rows
    }


def read_ledger(
    plan: Plan, region_ids: Iterable[int] | None = None, *, enterprises: bool = True
) -> Ledger:
    """The plan's ledger (only ``region_ids``' when given): five queries, three
    without ``enterprises``."""
    incubators_qs = Incubator.objects.filter(region__plan=plan)
    if region_ids is not None:
        incubators_qs = incubators_qs.filter(region_id__in=list(region_ids))
    incubators = {
        row[0]: IncubatorRow(*row)
        for row in incubators_qs.values_list(
            "pk",
            "region_id",
            "name",
            "kind",
            "floor_area",
            "status",
            "status_since",
            "operating_since",
        )
    }
    ids = incubators_qs.values("pk")
    recognitions = defaultdict(list)
    for incubator_id, level, on in IncubatorRecognition.objects.filter(
        incubator__in=ids
    ).values_list("incubator_id", "level", "recognised_on"):
        recognitions[incubator_id].append((level, on))
    ledger = Ledger(incubators, [], dict(recognitions), {}, {})
    if not enterprises:
        return ledger
    grants = defaultdict(list)
    for incubator_id, flag_id, on in IncubatorFlagGrant.objects.filter(
        incubator__in=ids
    ).values_list("incubator_id", "flag_id", "granted_on"):
        grants[incubator_id].append((flag_id, on))
    enterprises_qs = Enterprise.objects.filter(plan=plan, incubator__in=ids)
    ledger.enterprises = [
        EnterpriseRow(pk, region_id, incubator_id, name, enterprise_identity(code, norm), entered)
        for pk, region_id, incubator_id, name, code, norm, entered in enterprises_qs.values_list(
            "pk",
            "incubator__region_id",
            "incubator_id",
            "name",
            "credit_code",
            "normalised_name",
            "entered_on",
        )
    ]
    enterprise_grants = defaultdict(list)
    for enterprise_id, flag_id, on in EnterpriseFlagGrant.objects.filter(
        enterprise__in=enterprises_qs.values("pk")
    ).values_list("enterprise_id", "flag_id", "granted_on"):
        enterprise_grants[enterprise_id].append((flag_id, on))
    ledger.incubator_grants = dict(grants)
    ledger.enterprise_grants = dict(enterprise_grants)
    return ledger


@dataclass
class LedgerCounts:
    """The ledger's number of each indicator it counts, per region (None: the
    whole county) and quarter, with the records behind each."""

    years: tuple[int, ...]
    # indicator id → its rule and whether its figures are derived
    sources: dict[int, tuple[SourceRule, bool]] = field(default_factory=dict)
    cells: dict[int, Cells] = field(default_factory=dict)

    @property
    def indicator_ids(self) -> list[int]:
        return list(self.sources)

    def is_derived(self, indicator_id: int) -> bool:
        return self.sources[indicator_id][1]

    def records(
        self, indicator_id: int, region_id: int | None, year: int, quarters: Iterable[int]
    ) -> list[Record]:
        cells = self.cells.get(indicator_id, {})
        return [record for q in quarters for record in cells.get((region_id, year, q), [])]

    def value(self, indicator_id: int, region_id: int | None, year: int, quarter: int) -> Decimal:
        return total(self.records(indicator_id, region_id, year, [quarter]))

    def year_to_date(
        self, indicator_id: int, region_id: int | None, year: int, quarter: int
    ) -> Decimal:
        return total(self.records(indicator_id, region_id, year, range(1, quarter + 1)))


def ledger_counts(
    plan: Plan,
    region_ids: Iterable[int] | None = None,
    *,
    derived_only: bool = False,
    years: Iterable[int] | None = None,
) -> LedgerCounts:
    """Every counted indicator's cells: seven queries (two when the plan
    declares no source). ``region_ids``: only those regions' records (the
    county cells then hold only theirs too); ``years``: only those years'
    cells (the plan's by default)."""
    counts = LedgerCounts(tuple(years if years is not None else plan.years))
    sources = read_sources(plan, goals=False)
    if derived_only:
        sources = {key: value for key, value in sources.items() if value[1]}
    counts.sources = sources
    if not sources:
        return counts
    ledger = read_ledger(plan, region_ids)
    for indicator_id, (source, _derived) in sources.items():
        counts.cells[indicator_id] = count_cells(source, ledger, counts.years)
    return counts


def ledger_is_kept(ledger: Ledger) -> bool:
    """A plan keeps its ledger once it holds any incubator."""
    return bool(ledger.incubators)


def source_rule(source: LedgerSource) -> SourceRule:
    """A stock goal's source as the rules read it (flags play no part in a stock)."""
    return SourceRule(source.rule, frozenset(), source.min_level, source.kind)


def stock_series(
    plan: Plan, sources: dict[int, SourceRule], periods: Iterable[tuple[int, int]]
) -> dict[int, dict[tuple[int, int], Decimal]]:
    """For each goal of ``sources`` (goal id → its incubator-stock rule), the
    county's stock at the end of each of ``periods`` — empty when the plan
    keeps no ledger (its goals then keep their reported series). Two queries,
    none without sources."""
    if not sources:
        return {}
    ledger = read_ledger(plan, enterprises=False)
    if not ledger_is_kept(ledger):
        return {}
    return {
        goal_id: {
            (year, quarter): stock_on(source, ledger, quarter_end(year, quarter))
            for year, quarter in periods
        }
        for goal_id, source in sources.items()
    }


def stock_on(source: SourceRule, ledger: Ledger, day: date) -> Decimal:
    """A stock goal's count at ``day``."""
    return Decimal(len(stock_at(source, ledger, day, OPERATING_STATUSES)))
