"""The yearly evaluation's arithmetic (绩效评估), over plain data: what each
criterion reads from an incubator's quarters, its 0–100 score, the weighted
total, the ranking per kind and the candidates the plan's thresholds make.
No models, no database: ``reports.ledger.evaluation`` feeds it.

- A criterion's value over the year (``metric_value``): a rate is the mean of
  the quarters reported, the enterprises are those of the last quarter
  reported, a flow is the year's sum, a share is the ratio of the year's sums
  (enterprises: of the last quarter) in percent; a share of nothing is None.
- Its score: with ``full_marks_at``, 100 × value / full_marks_at, capped at
  100; without, relative to the incubators of the same kind that have a value
  that year: 100 × (value − lowest) / (highest − lowest), 100 when they are
  all equal. A value of None scores 0.
- The total: Σ weight × score / Σ weight. An incubator that reported no
  quarter of the year has no total, no rank and no candidacy (it is listed
  as not reported: a missing report is not a low score).
- The ranking: per kind, by total, highest first; equal totals share a rank
  (1, 1, 3).
- The candidates, first rule that applies: 摘牌 when the total is below
  ``delist_below``, or the incubator is already ordered to rectify and is
  still below ``rectify_below``; 限期整改 when below ``rectify_below``;
  择优申报 when at least ``recommend_min_score`` and within the kind's first
  ``recommend_top`` ranks (each condition only when set, at least one set).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

HUNDRED = Decimal(100)
ZERO = Decimal(0)


class Metric(StrEnum):
    """Mirrors ``targets.choices.EvaluationMetric``'s stored values."""

    OCCUPANCY_RATE = "occupancy_rate"
    ENTERPRISES = "enterprises"
    NEW_TALENT = "new_talent"
    FINANCING = "financing"
    REVENUE = "revenue"
    GRADUATES = "graduates"
    LEAD_INDUSTRY_FIRM_SHARE = "lead_firm_share"
    LEAD_INDUSTRY_REVENUE_SHARE = "lead_revenue_share"


class Candidacy(StrEnum):
    """Mirrors ``reports.choices.EvaluationDecisionKind``'s stored values."""

    RECOMMEND = "recommend"
    RECTIFY = "rectify"
    DELIST = "delist"


class Because(StrEnum):
    """Which rule made the candidate (the page words it)."""

    BELOW_DELIST = "below_delist"
    STILL_BELOW_AFTER_RECTIFYING = "still_below"
    BELOW_RECTIFY = "below_rectify"
    TOP_OF_KIND = "top_of_kind"


@dataclass(frozen=True)
class QuarterData:
    quarter: int
    occupancy_rate: Decimal
    enterprises: int
    new_talent: int
    financing: Decimal
    revenue: Decimal
    graduates: int
    lead_industry_enterprises: int
    lead_industry_revenue: Decimal


@dataclass(frozen=True)
class Criterion:
    code: str
    metric: str
    weight: Decimal
    full_marks_at: Decimal | None = None


@dataclass(frozen=True)
class Thresholds:
    recommend_min_score: Decimal | None = None
    recommend_top: int | None = None
    rectify_below: Decimal | None = None
    delist_below: Decimal | None = None


@dataclass(frozen=True)
class Evaluated:
    """One incubator of the year: its id, kind, whether it is already ordered
    to rectify, and its quarters of the year that count."""

    incubator_id: int
    kind: str
    rectifying: bool
    quarters: tuple[QuarterData, ...]


@dataclass(frozen=True)
class Result:
    incubator_id: int
    kind: str
    values: dict[str, Decimal | None]
    scores: dict[str, Decimal]
    total: Decimal | None
    rank: int | None
    candidacy: Candidacy | None
    because: Because | None

    @property
    def reported(self) -> bool:
        return self.total is not None


def _share(part, whole) -> Decimal | None:
    return None if not whole else Decimal(part) * HUNDRED / Decimal(whole)


def metric_value(metric: str, quarters: tuple[QuarterData, ...]) -> Decimal | None:
    """The criterion's value over the year's quarters (see the module's rules)."""
    if not quarters:
        return None
    last = max(quarters, key=lambda q: q.quarter)
    match Metric(metric):
        case Metric.OCCUPANCY_RATE:
            return sum((q.occupancy_rate for q in quarters), ZERO) / len(quarters)
        case Metric.ENTERPRISES:
            return Decimal(last.enterprises)
        case Metric.LEAD_INDUSTRY_FIRM_SHARE:
            return _share(last.lead_industry_enterprises, last.enterprises)
        case Metric.LEAD_INDUSTRY_REVENUE_SHARE:
            return _share(
                sum((q.lead_industry_revenue for q in quarters), ZERO),
                sum((q.revenue for q in quarters), ZERO),
            )
        case flow:
            return sum((Decimal(getattr(q, flow.value)) for q in quarters), ZERO)


def criterion_score(
    value: Decimal | None, full_marks_at: Decimal | None, lowest: Decimal, highest: Decimal
) -> Decimal:
    if value is None:
        return ZERO
    if full_marks_at:
        return min(value / full_marks_at, Decimal(1)) * HUNDRED
    if highest == lowest:
        return HUNDRED
    return (value - lowest) * HUNDRED / (highest - lowest)


def _ranks(totals: list[tuple[int, Decimal]]) -> dict[int, int]:
    """Competition ranking, highest first: equal totals share a rank (1, 1, 3)."""
    ordered = sorted(totals, key=lambda item: item[1], reverse=True)
    ranks, previous, rank = {}, None, 0
    for position, (incubator_id, total) in enumerate(ordered, start=1):
        if total != previous:
            rank, previous = position, total
        ranks[incubator_id] = rank
    return ranks


def _candidacy(
    total: Decimal, rank: int, rectifying: bool, t: Thresholds
) -> tuple[Candidacy | None, Because | None]:
    if t.delist_below is not None and total < t.delist_below:
        return Candidacy.DELIST, Because.BELOW_DELIST
    if rectifying and t.rectify_below is not None and total < t.rectify_below:
        return Candidacy.DELIST, Because.STILL_BELOW_AFTER_RECTIFYING
    if t.rectify_below is not None and total < t.rectify_below:
        return Candidacy.RECTIFY, Because.BELOW_RECTIFY
    if rectifying or (t.recommend_min_score is None and t.recommend_top is None):
        return None, None
    if t.recommend_min_score is not None and total < t.recommend_min_score:
        return None, None
    if t.recommend_top is not None and rank > t.recommend_top:
        return None, None
    return Candidacy.RECOMMEND, Because.TOP_OF_KIND


def evaluate(
    criteria: list[Criterion], thresholds: Thresholds, incubators: list[Evaluated]
) -> list[Result]:
    """Every incubator's values, scores, total, rank in its kind and candidacy,
    in the order given."""
    values = {
        inc.incubator_id: {c.code: metric_value(c.metric, inc.quarters) for c in criteria}
        for inc in incubators
    }
    # The relative scale of each criterion: per kind, over the incubators with a value.
    bounds: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
    by_kind: dict[str, list[Evaluated]] = defaultdict(list)
    for inc in incubators:
        if inc.quarters:
            by_kind[inc.kind].append(inc)
    for kind, members in by_kind.items():
        for c in criteria:
            present = [v for m in members if (v := values[m.incubator_id][c.code]) is not None]
            if present:
                bounds[kind, c.code] = (min(present), max(present))
    weight = sum((c.weight for c in criteria), ZERO)
    scores, totals = {}, {}
    for inc in incubators:
        scores[inc.incubator_id] = {
            c.code: criterion_score(
                values[inc.incubator_id][c.code],
                c.full_marks_at,
                *bounds.get((inc.kind, c.code), (ZERO, ZERO)),
            )
            for c in criteria
        }
        if inc.quarters and weight:
            weighted = sum((c.weight * scores[inc.incubator_id][c.code] for c in criteria), ZERO)
            totals[inc.incubator_id] = weighted / weight
    ranks: dict[int, int] = {}
    for members in by_kind.values():
        ranks |= _ranks(
            [(m.incubator_id, totals[m.incubator_id]) for m in members if m.incubator_id in totals]
        )
    results = []
    for inc in incubators:
        total = totals.get(inc.incubator_id)
        rank = ranks.get(inc.incubator_id)
        candidacy, because = (
            _candidacy(total, rank, inc.rectifying, thresholds)
            if total is not None
            else (None, None)
        )
        results.append(
            Result(
                incubator_id=inc.incubator_id,
                kind=inc.kind,
                values=values[inc.incubator_id],
                scores=scores[inc.incubator_id],
                total=total,
                rank=rank,
                candidacy=candidacy,
                because=because,
            )
        )
    return results
