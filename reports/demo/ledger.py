"""A demo ledger (孵化载体台账) beside the demo figures: per region 3–8 incubators
of various kinds, levels and statuses, 10–40 enterprises each (most with a
valid 统一社会信用代码, a few without, and one firm reported by two regions
under the same name), recognitions and titles dated inside the plan, and
quarterly operating data for the demo's quarters.

Every name starts with “（演示）” and the plan is already marked demo. The
records are built from the demo figures just written: for most region ×
indicator × quarter cells the ledger's count (``reports.progress.ledger_counts``)
equals the reported figure, for the others it is a little off, so the
reconciliation page has differences to show. Positions and the seeded random
generator decide everything, never a region's or indicator's name.
"""

from __future__ import annotations

import random
from collections import defaultdict
from decimal import Decimal

from reports.demo.ledger_build import DemoLedgerResult, _aim, _Builder
from reports.models import Figure, Incubator
from targets.choices import IncubatorLevel, LedgerRule
from targets.evaluation import EvaluationThresholds
from targets.ledger import LedgerSource
from targets.models import Plan

TWIN_NAME = "（演示）启明云帆科技有限公司"
DEMO_THRESHOLDS = {
    "recommend_min_score": Decimal(60),
    "recommend_top": 1,
    "rectify_below": Decimal(35),
    "delist_below": Decimal(15),
}


def seed_ledger(
    plan: Plan,
    periods: list[tuple[int, int]],
    rng: random.Random,
    skip: frozenset[tuple[int, int, int]] = frozenset(),
) -> DemoLedgerResult:
    """The demo ledger of ``periods`` (the demo's quarters), into a plan that
    holds no incubator yet (else nothing: a ledger is never added to).
    ``skip``: (region id, year, quarter) whose operating data is left out."""
    if not periods or Incubator.objects.filter(region__plan=plan).exists():
        return DemoLedgerResult()
    regions = list(plan.regions.order_by("order", "pk"))
    sources = {
        s.indicator_id: s
        for s in LedgerSource.objects.filter(plan=plan, indicator__isnull=False)
        .select_related("indicator")
        .prefetch_related("flags")
    }
    reported = defaultdict(dict)  # indicator id → {(region id | None, year, quarter): value}
    for indicator_id, region_id, year, quarter, value in Figure.objects.filter(
        indicator_id__in=list(sources)
    ).values_list("indicator_id", "region_id", "year", "quarter", "value"):
        if (year, quarter) in periods:
            reported[indicator_id][(region_id, year, quarter)] = value
    build = _Builder(plan, periods, rng)

    def aims(source) -> dict[tuple[int | None, int, int], Decimal]:
        cells = sorted(
            reported[source.indicator_id].items(), key=lambda kv: (kv[0][0] or 0, kv[0][1:])
        )
        return {key: _aim(rng, value, source.indicator.quantum) for key, value in cells}

    by_rule = defaultdict(list)
    for source in sources.values():
        by_rule[source.rule].append(source)
    space = {}
    for source in by_rule[LedgerRule.FLOOR_AREA_OPENED][:1]:
        space = aims(source)
    for region in regions:
        opened = {(y, q): v for (r, y, q), v in space.items() if r == region.pk and v > 0}
        # A carrier for two or three openings: the other quarters' space has
        # no carrier behind it (the reconciliation shows the difference).
        chosen = dict(
            sorted(rng.sample(sorted(opened.items()), min(len(opened), rng.randint(2, 3))))
        )
        build.incubators(region, chosen)
    for source in by_rule[LedgerRule.RECOGNITIONS]:
        build.early_recognitions(source.min_level or IncubatorLevel.COUNTY)
        for (region_id, year, quarter), count in aims(source).items():
            build.recognise(region_id, (year, quarter), int(count), source.min_level or 1)
    for source in by_rule[LedgerRule.INCUBATOR_FLAG]:
        flags = [flag.pk for flag in source.flags.all()]
        for (region_id, year, quarter), count in aims(source).items():
            build.title(region_id, (year, quarter), int(count), flags)
    twins = _twin_cells(regions, reported, by_rule[LedgerRule.ENTERPRISE_ENTRIES], rng)
    for source in by_rule[LedgerRule.ENTERPRISE_ENTRIES][:1]:
        by_id = {region.pk: region for region in regions}
        for (region_id, year, quarter), count in aims(source).items():
            if region_id in by_id:
                twin = twins.get((region_id, year, quarter)) if count else None
                build.enter(by_id[region_id], (year, quarter), int(count), twin)
    for region in regions:
        build.fill(region)
    for source in by_rule[LedgerRule.ENTERPRISE_FLAG]:
        flags = [flag.pk for flag in source.flags.all()]
        for (region_id, year, quarter), count in aims(source).items():
            build.certify(region_id, (year, quarter), int(count), flags)
    # The plan text names no thresholds; the demo sets some so that the
    # evaluation page has candidates to show (a real plan sets its own).
    EvaluationThresholds.objects.get_or_create(plan=plan, defaults=DEMO_THRESHOLDS)
    return build.save(periods, set(skip))


def _twin_cells(regions, reported, sources, rng) -> dict[tuple[int, int, int], str]:
    """Where the firm two regions both report enters: the same quarter in two
    regions, once as written and once with a space (same normalised name)."""
    if not sources or len(regions) < 2:
        return {}
    cells = reported[sources[0].indicator_id]
    period = sorted({(y, q) for (_r, y, q) in cells})[0]
    first, second = regions[0], regions[1]
    return {
        (first.pk, *period): TWIN_NAME,
        (second.pk, *period): TWIN_NAME.replace("云帆", "云帆 "),
    }
