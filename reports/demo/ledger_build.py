"""Building the demo ledger in memory, then writing it (``reports.demo.ledger``
seeds it from the demo figures)."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from simple_history.utils import bulk_create_with_history

from reports.choices import EnterpriseStage, IncubatorStatus, Source
from reports.ledger.identity import (
    CREDIT_CODE_CHARS,
    credit_code_check_char,
    name_key,
    normalise_name,
)
from reports.models import (
    Enterprise,
    EnterpriseFlagGrant,
    Incubator,
    IncubatorFlagGrant,
    IncubatorQuarter,
    IncubatorRecognition,
)
from reports.progress.ledger_rules import quarter_end
from targets.choices import IncubatorKind, IncubatorLevel
from targets.ledger import Industry
from targets.models import Plan

DEMO = "（演示）"
DEMO_NOTE = "演示数据"
# Share of cells whose ledger count equals the reported figure.
MATCH_SHARE = 0.6
DEMO_INDUSTRIES = (
    ("demo-equipment", "智能装备"),
    ("demo-materials", "新材料"),
    ("demo-digital", "数字经济"),
    ("demo-health", "生物医药"),
)
WORDS = (
    "博创",
    "云帆",
    "启航",
    "朝晖",
    "云岭",
    "星河",
    "智谷",
    "青禾",
    "海蓝",
    "卓远",
    "汇智",
    "新程",
)
TRADES = ("智能科技", "新材料", "电子", "生物科技", "软件", "装备制造")
CARRIER_WORDS = ("科创园", "创业园", "智造园", "双创中心", "数字港", "青创空间", "产业园", "众创谷")
# Kinds, with weights: 孵化基地 most, then 众创空间, 孵化器…
KINDS = (
    (IncubatorKind.BASE, 4),
    (IncubatorKind.MAKERSPACE, 3),
    (IncubatorKind.INCUBATOR, 2),
    (IncubatorKind.ACCELERATOR, 1),
    (IncubatorKind.NURSERY, 1),
)


@dataclass
class DemoLedgerResult:
    incubators: int = 0
    enterprises: int = 0
    quarters: int = 0


@dataclass
class _Carrier:
    incubator: Incubator
    levels: dict[int, date] = field(default_factory=dict)
    flags: dict[int, date] = field(default_factory=dict)


def _day_in(rng: random.Random, year: int, quarter: int, after: date | None = None) -> date:
    start = date(year, quarter * 3 - 2, 1)
    if after is not None and after > start:
        start = after
    end = quarter_end(year, quarter)
    return start + timedelta(days=rng.randint(0, max((end - start).days, 0)))


def _aim(rng: random.Random, reported: Decimal, quantum: Decimal) -> Decimal:
    """The ledger's number for a cell: the reported one, or a little off."""
    if rng.random() < MATCH_SHARE:
        return reported
    if quantum < 1:
        off = reported * Decimal(str(rng.choice((0.6, 0.8, 1.2))))
        return off.quantize(quantum, rounding=ROUND_HALF_UP)
    return max(Decimal(0), reported + rng.choice((-1, 1, 2)))


class _Builder:
    def __init__(self, plan: Plan, periods: list[tuple[int, int]], rng: random.Random):
        self.plan, self.periods, self.rng = plan, periods, rng
        self.start = date(plan.first_year, 1, 1)
        self.codes: set[str] = set()
        self.names: set[str] = set()
        self.carriers: dict[int, list[_Carrier]] = defaultdict(list)  # region id →
        self.enterprises: dict[int, list[Enterprise]] = defaultdict(list)  # region id →
        self.enterprise_flags: dict[int, dict[int, date]] = defaultdict(dict)  # id(e) →
        self.industries = self._industries()

    def _industries(self) -> list[Industry]:
        existing = list(self.plan.industries.all())
        if existing:
            return existing
        return Industry.objects.bulk_create(
            Industry(plan=self.plan, code=code, name=f"{DEMO}{name}", order=n)
            for n, (code, name) in enumerate(DEMO_INDUSTRIES, start=1)
        )

    def credit_code(self) -> str:
        while True:
            body = "".join(self.rng.choice(CREDIT_CODE_CHARS) for _ in range(9))
            first17 = f"91330326{body}"
            code = first17 + credit_code_check_char(first17)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def firm_name(self, region) -> str:
        while True:
            word = self.rng.choice(WORDS) + self.rng.choice(WORDS)
            name = f"{DEMO}{region.name}{word}{self.rng.choice(TRADES)}有限公司"
            if name not in self.names:
                self.names.add(name)
                return name

    # --- incubators -------------------------------------------------------------
    def incubators(self, region, opened_in: dict[tuple[int, int], Decimal]) -> None:
        """3–8 carriers: one opened in each quarter of ``opened_in`` with that
        area, the others earlier (one under construction, now and then one
        rectifying or de-listed)."""
        rng = self.rng
        total = max(rng.randint(3, 8), len(opened_in) + 1)
        kinds = [kind for kind, weight in KINDS for _ in range(weight)]
        openings = sorted(opened_in.items())
        for n in range(total):
            kind = rng.choice(kinds)
            name = f"{DEMO}{region.name}{CARRIER_WORDS[n % len(CARRIER_WORDS)]}"
            if n >= len(CARRIER_WORDS):
                name += str(n // len(CARRIER_WORDS) + 1)
            status, status_since = IncubatorStatus.OPERATING, None
            if n < len(openings):
                (year, quarter), area = openings[n]
                opened = _day_in(rng, year, quarter)
            else:
                area = Decimal(rng.randint(30, 400)) / 100
                opened = date(self.plan.first_year - rng.randint(1, 6), rng.randint(1, 12), 1)
                roll = rng.random()
                if n == total - 1 and roll < 0.35:
                    status, opened = IncubatorStatus.BUILDING, None
                elif n == total - 2 and roll < 0.3:
                    status = IncubatorStatus.RECTIFYING
                    status_since = _day_in(rng, *self.periods[-1])
                elif n == total - 2 and roll < 0.45:
                    status = IncubatorStatus.DELISTED
                    status_since = _day_in(rng, *self.periods[len(self.periods) // 2])
            lead, second = (
                rng.sample(self.industries, 2) if len(self.industries) > 1 else (None, None)
            )
            incubator = Incubator(
                region=region,
                name=name,
                operator=f"{DEMO}{region.name}{rng.choice(WORDS)}运营管理有限公司",
                kind=kind,
                lead_industry=lead,
                second_industry=second if rng.random() < 0.4 else None,
                floor_area=area,
                status=status,
                status_since=status_since or opened or self.start,
                operating_since=opened,
                note=DEMO_NOTE,
            )
            self.carriers[region.pk].append(_Carrier(incubator))

    def operating(self, region_id: int | None, by: date) -> list[_Carrier]:
        carriers = (
            self.carriers[region_id]
            if region_id is not None
            else [c for cs in self.carriers.values() for c in cs]
        )
        return [
            c
            for c in carriers
            if c.incubator.operating_since is not None and c.incubator.operating_since <= by
        ]

    def early_recognitions(self, min_level: int) -> None:
        """Some carriers were recognised before the plan (a county level, or
        already at the source's level): the stock goals have a start."""
        for carrier in self.operating(None, self.start - timedelta(days=1)):
            roll = self.rng.random()
            if roll < 0.35:
                carrier.levels[IncubatorLevel.COUNTY] = carrier.incubator.operating_since
            elif roll < 0.65:
                level = self.rng.choice([lv for lv in IncubatorLevel.values if lv >= min_level])
                on = max(carrier.incubator.operating_since, date(self.plan.first_year - 1, 6, 1))
                carrier.levels[level] = on

    def recognise(self, region_id, period, count: int, min_level: int) -> None:
        """``count`` carriers first recognised at ``min_level`` or above in ``period``."""
        pool = [
            c
            for c in self.operating(region_id, quarter_end(*period))
            if not any(level >= min_level for level in c.levels)
        ]
        levels = [lv for lv in IncubatorLevel.values if lv >= min_level]
        for carrier in self.rng.sample(pool, min(count, len(pool))):
            level = self.rng.choice(levels[:2])
            carrier.levels[level] = _day_in(self.rng, *period, carrier.incubator.operating_since)

    def title(self, region_id, period, count: int, flags: list[int]) -> None:
        """``count`` carriers first gaining one of ``flags`` in ``period``; the
        first of them gains a second one later, which counts no more."""
        pool = [
            c
            for c in self.operating(region_id, quarter_end(*period))
            if not set(c.flags) & set(flags)
        ]
        for carrier in self.rng.sample(pool, min(count, len(pool))):
            carrier.flags[flags[0]] = _day_in(self.rng, *period, carrier.incubator.operating_since)
            if len(flags) > 1 and period == self.periods[0]:
                carrier.flags[flags[1]] = _day_in(self.rng, *self.periods[-1])

    # --- enterprises ------------------------------------------------------------
    def enter(self, region, period, count: int, twin: str | None = None) -> None:
        """``count`` firms entering the region's carriers in ``period``; ``twin``:
        the first of them carries that name and no credit code (the firm
        another region reports too)."""
        hosts = self.operating(region.pk, quarter_end(*period)) or self.operating(
            region.pk, date.max
        )
        for n in range(count):
            host = self.rng.choice(hosts).incubator
            entered = _day_in(self.rng, *period, host.operating_since)
            self.enterprises[region.pk].append(
                self.firm(region, host, entered, twin if n == 0 else None)
            )

    def firm(self, region, host: Incubator, entered: date, name: str | None = None) -> Enterprise:
        without_code = name is not None or self.rng.random() < 0.06
        stage = self.rng.choice(EnterpriseStage.values)
        return Enterprise(
            plan=self.plan,
            name=name or self.firm_name(region),
            credit_code="" if without_code else self.credit_code(),
            incubator=host,
            industry=self.rng.choice(self.industries) if self.industries else None,
            entered_on=entered,
            stage=stage,
            note=DEMO_NOTE,
        )

    def fill(self, region) -> None:
        """Every carrier in operation before the plan holds 10–40 firms: the
        rest of them entered before the plan."""
        held = defaultdict(int)
        for firm in self.enterprises[region.pk]:
            held[id(firm.incubator)] += 1
        for carrier in self.operating(region.pk, self.start - timedelta(days=1)):
            host = carrier.incubator
            for _n in range(max(0, self.rng.randint(10, 40) - held[id(host)])):
                days = (self.start - host.operating_since).days
                entered = host.operating_since + timedelta(days=self.rng.randint(0, days - 1))
                self.enterprises[region.pk].append(self.firm(region, host, entered))

    def certify(self, region_id, period, count: int, flags: list[int]) -> None:
        """``count`` firms first gaining one of ``flags`` in ``period``; one
        gains a second title a quarter later, which counts no more."""
        end = quarter_end(*period)
        pool = [
            f
            for f in self.enterprises[region_id]
            if f.entered_on <= end and not set(self.enterprise_flags[id(f)]) & set(flags)
        ]
        for firm in self.rng.sample(pool, min(count, len(pool))):
            grants = self.enterprise_flags[id(firm)]
            grants[self.rng.choice(flags)] = _day_in(self.rng, *period, firm.entered_on)
            if len(flags) > 1 and self.rng.random() < 0.1:
                second = next(flag for flag in flags if flag not in grants)
                grants[second] = min(end + timedelta(days=30), date(self.plan.last_year, 12, 31))

    # --- writing ----------------------------------------------------------------
    def save(
        self, quarters: list[tuple[int, int]], skip: set[tuple[int, int, int]]
    ) -> DemoLedgerResult:
        carriers = [c for cs in self.carriers.values() for c in cs]
        incubators = [c.incubator for c in carriers]
        for incubator in incubators:  # what save() sets; bulk_create calls no save()
            incubator.name_key = name_key(incubator.name)
        bulk_create_with_history(incubators, Incubator, default_change_reason=Source.DEMO)
        IncubatorRecognition.objects.bulk_create(
            IncubatorRecognition(incubator=c.incubator, level=level, recognised_on=on)
            for c in carriers
            for level, on in c.levels.items()
        )
        IncubatorFlagGrant.objects.bulk_create(
            IncubatorFlagGrant(incubator=c.incubator, flag_id=flag, granted_on=on)
            for c in carriers
            for flag, on in c.flags.items()
        )
        firms = [f for fs in self.enterprises.values() for f in fs]
        held_by = defaultdict(list)
        for firm in firms:
            host = firm.incubator
            firm.incubator = host  # now saved: its id, keeping the cached object
            held_by[id(host)].append(firm)
            firm.normalised_name = normalise_name(firm.name)
        bulk_create_with_history(firms, Enterprise, default_change_reason=Source.DEMO)
        EnterpriseFlagGrant.objects.bulk_create(
            EnterpriseFlagGrant(enterprise=f, flag_id=flag, granted_on=on)
            for f in firms
            for flag, on in self.enterprise_flags[id(f)].items()
        )
        rows = self.operating_rows(carriers, held_by, quarters, skip)
        bulk_create_with_history(rows, IncubatorQuarter, default_change_reason=Source.DEMO)
        return DemoLedgerResult(len(incubators), len(firms), len(rows))

    def operating_rows(self, carriers, held_by, quarters, skip) -> list[IncubatorQuarter]:
        """Each carrier's operating data for each demo quarter it operated in
        (none for a region whose report of that quarter is not started)."""
        rows = []
        for carrier in carriers:
            host = carrier.incubator
            mine = held_by[id(host)]
            for year, quarter in quarters:
                end = quarter_end(year, quarter)
                if host.operating_since is None or host.operating_since > end:
                    continue
                if (host.region_id, year, quarter) in skip:
                    continue
                held = sum(1 for f in mine if f.entered_on <= end)
                revenue = Decimal(self.rng.randint(held * 20, held * 90 + 50))
                lead_share = Decimal(str(round(self.rng.uniform(0.55, 0.9), 2)))
                rows.append(
                    IncubatorQuarter(
                        incubator=host,
                        year=year,
                        quarter=quarter,
                        occupancy_rate=Decimal(self.rng.randint(600, 980)) / 10,
                        enterprises=held,
                        new_talent=self.rng.randint(0, 12),
                        financing=Decimal(self.rng.randint(0, 30) * 10),
                        revenue=revenue,
                        graduates=self.rng.randint(0, 2),
                        lead_industry_enterprises=int(held * lead_share),
                        lead_industry_revenue=(revenue * lead_share).quantize(Decimal("0.01")),
                        note=DEMO_NOTE,
                    )
                )
        return rows
