"""The plan's ledger declarations (industries, titles, ledger sources, the
yearly evaluation's criteria and thresholds) from
and to the plan workbook's plain data (``targets.excel.format``): what
``targets.services.save_plan`` creates and ``plan_as_spec`` exports."""

from __future__ import annotations

from targets.evaluation import EvaluationCriterion, EvaluationThresholds
from targets.excel.format import (
    CriterionSpec,
    IndustrySpec,
    LedgerFlagSpec,
    LedgerSourceSpec,
    PlanSpec,
    ThresholdSpec,
)
from targets.ledger import Industry, LedgerFlag, LedgerSource


def save_ledger(plan, data: PlanSpec) -> None:
    """Create the ledger declarations of ``data`` for the new ``plan`` (its
    indicators and goals already saved); the reader checked every code."""
    Industry.objects.bulk_create(
        Industry(plan=plan, code=i.code, name=i.name, order=i.order) for i in data.industries
    )
    LedgerFlag.objects.bulk_create(
        LedgerFlag(plan=plan, code=f.code, name=f.name, applies_to=f.applies_to, order=f.order)
        for f in data.ledger_flags
    )
    save_evaluation(plan, data)
    if not data.ledger_sources:
        return
    indicators = {i.code: i for i in plan.indicators.all()}
    goals = {g.code: g for g in plan.goals.all()}
    flags = {f.code: f for f in plan.ledger_flags.all()}
    sources = LedgerSource.objects.bulk_create(
        LedgerSource(
            plan=plan,
            indicator=indicators[s.indicator_code] if s.indicator_code else None,
            goal=goals[s.goal_code] if s.goal_code else None,
            rule=s.rule,
            min_level=s.min_level,
            kind=s.kind,
            derived=s.derived,
        )
        for s in data.ledger_sources
    )
    LedgerSource.flags.through.objects.bulk_create(
        LedgerSource.flags.through(ledgersource_id=source.pk, ledgerflag_id=flags[code].pk)
        for source, spec in zip(sources, data.ledger_sources, strict=True)
        for code in spec.flags
    )


def save_evaluation(plan, data: PlanSpec) -> None:
    EvaluationCriterion.objects.bulk_create(
        EvaluationCriterion(
            plan=plan,
            code=c.code,
            name=c.name,
            metric=c.metric,
            weight=c.weight,
            full_marks_at=c.full_marks_at,
            order=c.order,
        )
        for c in data.evaluation_criteria
    )
    t = data.evaluation_thresholds
    if t is not None:
        EvaluationThresholds.objects.create(
            plan=plan,
            recommend_min_score=t.recommend_min_score,
            recommend_top=t.recommend_top,
            rectify_below=t.rectify_below,
            delist_below=t.delist_below,
        )


def evaluation_as_spec(plan) -> dict[str, object]:
    thresholds = EvaluationThresholds.objects.filter(plan=plan).first()
    return {
        "evaluation_criteria": tuple(
            CriterionSpec(c.code, c.name, c.metric, c.weight, c.full_marks_at, c.order)
            for c in EvaluationCriterion.objects.filter(plan=plan).order_by("order", "pk")
        ),
        "evaluation_thresholds": None
        if thresholds is None
        else ThresholdSpec(
            recommend_min_score=thresholds.recommend_min_score,
            recommend_top=thresholds.recommend_top,
            rectify_below=thresholds.rectify_below,
            delist_below=thresholds.delist_below,
        ),
    }


def ledger_as_spec(plan) -> dict[str, tuple]:
    sources = (
        LedgerSource.objects.filter(plan=plan)
        .select_related("indicator", "goal")
        .prefetch_related("flags")
        .order_by("indicator__order", "goal__order", "pk")
    )
    return {
        **evaluation_as_spec(plan),
        "industries": tuple(
            IndustrySpec(i.code, i.name, i.order) for i in plan.industries.order_by("order", "pk")
        ),
        "ledger_flags": tuple(
            LedgerFlagSpec(f.code, f.name, f.applies_to, f.order)
            for f in plan.ledger_flags.order_by("applies_to", "order", "pk")
        ),
        "ledger_sources": tuple(
            LedgerSourceSpec(
                rule=s.rule,
                indicator_code=s.indicator.code if s.indicator_id else None,
                goal_code=s.goal.code if s.goal_id else None,
                flags=tuple(f.code for f in sorted(s.flags.all(), key=lambda f: (f.order, f.pk))),
                min_level=s.min_level,
                kind=s.kind,
                derived=s.derived,
            )
            for s in sources
        ),
    }
