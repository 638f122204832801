"""What the ledger counts, by rule (``targets.choices.LedgerRule``): pure
functions over plain rows, no models (``reports.progress.ledger_counts`` reads them).

A period is a quarter: a record counts in the quarter its date falls in, and
a year to date is the sum of its quarters (each record counts once, on one
date, so the sums never count it twice).

- floor_area_opened: the floor area of the incubators that entered operation
  (``operating_since``) in the quarter;
- recognitions: the incubators whose FIRST recognition at ``min_level`` or
  above falls in the quarter (a carrier recognised 市级 in 2025 and 省级 in
  2026 is one new 市级及以上 carrier, in 2025);
- incubator_flag / enterprise_flag: the incubators / enterprises whose first
  grant of any of the source's flags falls in the quarter (a second title, or
  the same one reported twice, counts no more);
- enterprise_entries: the enterprises whose entry date falls in the quarter;
- incubator_stock (goals): the incubators operating at a date.

``kind`` narrows every incubator rule (and the enterprise rules, to the
enterprises of incubators of that kind). An enterprise is counted once per
identity — its credit code, or its normalised name when it has none — so a
firm two townships both report counts once in the county's number (and once
in each township's own).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal(0)

INCUBATOR, ENTERPRISE = "incubator", "enterprise"


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_end(year: int, quarter: int) -> date:
    month = quarter * 3
    return date(year, month, 31 if month in (3, 12) else 30)


@dataclass(frozen=True)
class IncubatorRow:
    id: int
    region_id: int
    name: str
    kind: str
    floor_area: Decimal
    status: str
    status_since: date
    operating_since: date | None


@dataclass(frozen=True)
class EnterpriseRow:
    id: int
    region_id: int
    incubator_id: int
    name: str
    identity: str  # the credit code, or "name:" + the normalised name
    entered_on: date


@dataclass(frozen=True)
class Record:
    """One record behind a count: which incubator or enterprise, where, when,
    and how much it adds (1, or a floor area)."""

    kind: str  # INCUBATOR or ENTERPRISE
    id: int
    name: str
    region_id: int
    on: date
    amount: Decimal


@dataclass(frozen=True)
class SourceRule:
    """A ledger source as plain data."""

    rule: str
    flag_ids: frozenset[int] = frozenset()
    min_level: int | None = None
    kind: str = ""


@dataclass
class Ledger:
    """The ledger's rows a count needs. ``recognitions``: incubator id →
    [(level, date)]; ``incubator_grants`` / ``enterprise_grants``: id →
    [(flag id, date)]."""

    incubators: dict[int, IncubatorRow]
    enterprises: list[EnterpriseRow]
    recognitions: dict[int, list[tuple[int, date]]]
    incubator_grants: dict[int, list[tuple[int, date]]]
    enterprise_grants: dict[int, list[tuple[int, date]]]


def _first(dates: Iterable[date]) -> date | None:
    return min(dates, default=None)


def _incubator_records(source: SourceRule, ledger: Ledger) -> list[Record]:
    records = []
    for incubator in ledger.incubators.values():
        if source.kind and incubator.kind != source.kind:
            continue
        amount = Decimal(1)
        if source.rule == "floor_area_opened":
            on, amount = incubator.operating_since, incubator.floor_area
        elif source.rule == "recognitions":
            floor = source.min_level or 0
            on = _first(
                d for level, d in ledger.recognitions.get(incubator.id, ()) if level >= floor
            )
        else:  # incubator_flag
            grants = ledger.incubator_grants.get(incubator.id, ())
            on = _first(d for flag, d in grants if flag in source.flag_ids)
        if on is not None:
            records.append(
                Record(INCUBATOR, incubator.id, incubator.name, incubator.region_id, on, amount)
            )
    return records


def _enterprise_dates(source: SourceRule, ledger: Ledger) -> list[tuple]:
    """(date, id, identity, region id, name) of each enterprise the rule
    counts, earliest first."""
    rows = []
    for enterprise in ledger.enterprises:
        incubator = ledger.incubators.get(enterprise.incubator_id)
        if source.kind and (incubator is None or incubator.kind != source.kind):
            continue
        if source.rule == "enterprise_entries":
            on = enterprise.entered_on
        else:  # enterprise_flag
            grants = ledger.enterprise_grants.get(enterprise.id, ())
            on = _first(d for flag, d in grants if flag in source.flag_ids)
        if on is not None:
            rows.append(
                (on, enterprise.id, enterprise.identity, enterprise.region_id, enterprise.name)
            )
    rows.sort()
    return rows


# (region id | None for the county, year, quarter) → the records counted there.
Cells = dict[tuple[int | None, int, int], list[Record]]


def count_cells(source: SourceRule, ledger: Ledger, years: Iterable[int]) -> Cells:
    """Every region's and the county's records per quarter of ``years``."""
    years = set(years)
    cells: Cells = {}

    def put(region_id, record):
        year, quarter = quarter_of(record.on)
        if year in years:
            cells.setdefault((region_id, year, quarter), []).append(record)

    if source.rule in ("enterprise_entries", "enterprise_flag"):
        # Each identity once: in its region at its earliest date there, in
        # the county at its earliest date anywhere (one pass, earliest first).
        in_region, in_county = set(), set()
        for on, pk, identity, region_id, name in _enterprise_dates(source, ledger):
            first_here = (region_id, identity) not in in_region
            first_anywhere = identity not in in_county
            in_region.add((region_id, identity))
            in_county.add(identity)
            if (first_here or first_anywhere) and on.year in years:
                record = Record(ENTERPRISE, pk, name, region_id, on, Decimal(1))
                if first_here:
                    put(region_id, record)
                if first_anywhere:
                    put(None, record)
    else:
        for record in _incubator_records(source, ledger):
            put(record.region_id, record)
            put(None, record)
    for records in cells.values():
        records.sort(key=lambda r: (r.on, r.name))
    return cells


def total(records: Iterable[Record]) -> Decimal:
    return sum((record.amount for record in records), ZERO)


def operating_at(incubator: IncubatorRow, day: date, operating: Iterable[str]) -> bool:
    """In operation at ``day``: opened by then, and either still operating
    now or not yet moved to its present non-operating status then (a carrier
    摘牌 in 2026 still counted at the end of 2025)."""
    if incubator.operating_since is None or incubator.operating_since > day:
        return False
    return incubator.status in operating or incubator.status_since > day


def stock_at(source: SourceRule, ledger: Ledger, day: date, operating: Iterable[str]) -> list[int]:
    """The incubators a stock goal counts at ``day`` (their ids): operating,
    of the source's kind if set, recognised at ``min_level`` or above by then
    if set."""
    operating = tuple(operating)
    counted = []
    for incubator in ledger.incubators.values():
        if source.kind and incubator.kind != source.kind:
            continue
        if not operating_at(incubator, day, operating):
            continue
        if source.min_level is not None and not any(
            level >= source.min_level and on <= day
            for level, on in ledger.recognitions.get(incubator.id, ())
        ):
            continue
        counted.append(incubator.id)
    return counted
