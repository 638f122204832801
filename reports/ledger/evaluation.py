"""The yearly evaluation of the plan's incubators (绩效评估), read from the
database in a constant number of queries, and the bureau's decisions.

Scores never depend on who looks: every operating incubator of the plan is
scored against the others of its kind, then the reader sees the rows of their
scope. The quarters that count are the operating data's counted ones
(``reports.ledger.operating.counted_quarters``: a region's quarter once its
report for that quarter is approved).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from regions.models import Region
from regions.roles import ENTER_FIGURES
from regions.text import visible_or_empty
from reports.choices import (
    OPERATING_STATUSES,
    EvaluationDecisionKind,
    IncubatorStatus,
)
from reports.ledger import scoring
from reports.ledger.operating import counted_quarters
from reports.models import EvaluationDecision, Incubator
from targets.models import EvaluationCriterion, EvaluationThresholds, Plan

REASON_MAX_LENGTH = 2000
SCORE_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class EvaluationRow:
    incubator: Incubator
    result: scoring.Result
    decision: EvaluationDecision | None

    @property
    def total(self) -> Decimal | None:
        total = self.result.total
        return None if total is None else total.quantize(SCORE_PLACES, ROUND_HALF_UP)


@dataclass(frozen=True)
class Evaluation:
    plan: Plan
    year: int
    criteria: list[EvaluationCriterion]
    thresholds: scoring.Thresholds
    rows: list[EvaluationRow]

    @property
    def configured(self) -> bool:
        """Whether the plan has criteria with a weight to score by."""
        return any(c.weight for c in self.criteria)


def read_thresholds(plan: Plan) -> scoring.Thresholds:
    row = EvaluationThresholds.objects.filter(plan=plan).first()
    if row is None:
        return scoring.Thresholds()
    return scoring.Thresholds(
        recommend_min_score=row.recommend_min_score,
        recommend_top=row.recommend_top,
        rectify_below=row.rectify_below,
        delist_below=row.delist_below,
    )


def load_evaluation(plan: Plan, year: int, regions: QuerySet[Region]) -> Evaluation:
    """The year's evaluation as the reader (``regions``: their scope) sees it:
    five queries whatever the number of incubators."""
    criteria = list(EvaluationCriterion.objects.filter(plan=plan).order_by("order", "pk"))
    thresholds = read_thresholds(plan)
    incubators = list(
        Incubator.objects.filter(region__plan=plan, status__in=OPERATING_STATUSES)
        .select_related("region", "lead_industry")
        .order_by("region__order", "name", "pk")
    )
    quarters: dict[int, list[scoring.QuarterData]] = {}
    for row in (
        counted_quarters(plan)
        .filter(year=year)
        .values(
            "incubator_id", *(f.name for f in scoring.QuarterData.__dataclass_fields__.values())
        )
    ):
        incubator_id = row.pop("incubator_id")
        quarters.setdefault(incubator_id, []).append(scoring.QuarterData(**row))
    results = scoring.evaluate(
        [
            scoring.Criterion(
                code=c.code, metric=c.metric, weight=c.weight, full_marks_at=c.full_marks_at
            )
            for c in criteria
        ],
        thresholds,
        [
            scoring.Evaluated(
                incubator_id=i.pk,
                kind=i.kind,
                rectifying=i.status == IncubatorStatus.RECTIFYING,
                quarters=tuple(quarters.get(i.pk, ())),
            )
            for i in incubators
        ],
    )
    visible = set(regions.filter(plan=plan).values_list("pk", flat=True))
    decisions = {
        d.incubator_id: d
        for d in EvaluationDecision.objects.filter(
            incubator__region__plan=plan, year=year
        ).select_related("decided_by")
    }
    rows = [
        EvaluationRow(incubator=i, result=r, decision=decisions.get(i.pk))
        for i, r in zip(incubators, results, strict=True)
        if i.region_id in visible
    ]
    return Evaluation(plan, year, criteria, thresholds, rows)


def decision_problems(plan: Plan, year, decision, reason: str) -> list[str]:
    problems = []
    if not isinstance(year, int) or not plan.first_year <= year <= plan.last_year:
        problems.append(_("评估年度不在计划期内。"))
    if decision not in EvaluationDecisionKind.values:
        problems.append(_("请选择评估决定。"))
    if not visible_or_empty(reason):
        problems.append(_("请填写决定理由。"))
    elif len(reason) > REASON_MAX_LENGTH:
        problems.append(_("理由过长(最多 %(n)s 字)。") % {"n": REASON_MAX_LENGTH})
    return problems


# A decision moves the incubator's status: an order to rectify or a
# de-listing takes effect; keeping or recommending one under rectification
# ends its rectification.
_STATUS_AFTER = {
    EvaluationDecisionKind.RECTIFY: IncubatorStatus.RECTIFYING,
    EvaluationDecisionKind.DELIST: IncubatorStatus.DELISTED,
    EvaluationDecisionKind.KEEP: IncubatorStatus.OPERATING,
    EvaluationDecisionKind.RECOMMEND: IncubatorStatus.OPERATING,
}


@transaction.atomic
def record_decision(
    plan: Plan,
    user,
    incubator_id: int,
    year: int,
    decision: str,
    reason: str,
    *,
    today: date | None = None,
) -> EvaluationDecision:
    """Record (or change) the bureau's decision on an incubator for a year,
    with the score it was taken on, and move the incubator's status. Staff
    only (``enter_figures``); raises ``PermissionDenied`` or
    ``ValidationError`` (its messages in the user's language), writing nothing."""
    if not user.has_perm(ENTER_FIGURES):
        raise PermissionDenied
    problems = decision_problems(plan, year, decision, reason)
    incubator = (
        Incubator.objects.select_for_update()
        .filter(pk=incubator_id, region__plan=plan, status__in=OPERATING_STATUSES)
        .first()
    )
    if incubator is None:
        problems.append(_("该载体不存在或不在运营中,不能评估。"))
    if problems:
        raise ValidationError(problems)
    evaluation = load_evaluation(plan, year, Region.objects.filter(pk=incubator.region_id))
    [row] = [r for r in evaluation.rows if r.incubator.pk == incubator.pk]
    record = EvaluationDecision.objects.filter(incubator=incubator, year=year).first()
    record = record or EvaluationDecision(incubator=incubator, year=year)
    record.decision = decision
    record.reason = reason.strip()
    record.score = row.total
    record.decided_by = user
    record._history_user = user
    record.save()
    status = _STATUS_AFTER[EvaluationDecisionKind(decision)]
    if incubator.status != status:
        incubator.status = status
        incubator.status_since = today or timezone.localdate()
        incubator.updated_by = user
        incubator._history_user = user
        incubator._change_reason = _("绩效评估决定:%(d)s") % {
            "d": EvaluationDecisionKind(decision).label
        }
        incubator.save()
    return record
