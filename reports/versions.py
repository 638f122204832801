"""The reports' writes that change a plan's numbers bump its data version
(``targets.versioning``): figures, the goals' own series, reports' states,
closed quarters, measure reports, the incubator ledger (its stock feeds the
headline goals, its counts the reconciliation) and the evaluation's
decisions. The services bump explicitly where they
write in bulk; these signals catch every ``save()``/``delete()`` besides (the
admin, management commands)."""

from __future__ import annotations

from targets.versioning import by_plan, watch


def connect_signals() -> None:
    from reports.evaluation_models import EvaluationDecision
    from reports.ledger_models import (
        Enterprise,
        EnterpriseFlagGrant,
        Incubator,
        IncubatorFlagGrant,
        IncubatorQuarter,
        IncubatorRecognition,
    )
    from reports.measure_models import MeasureAttachment, MeasureReport
    from reports.models import ClosedQuarter, Figure, GoalFigure
    from reports.reporting_models import Submission

    watch(Figure, lambda figure: {"plan__indicators": figure.indicator_id})
    watch(GoalFigure, lambda figure: {"plan__goals": figure.goal_id})
    watch(ClosedQuarter, by_plan)
    watch(Submission, by_plan)
    watch(MeasureReport, lambda report: {"plan__measures": report.measure_id})
    watch(MeasureAttachment, lambda attachment: {"plan__measures__reports": attachment.report_id})
    watch(Incubator, lambda incubator: {"plan__regions": incubator.region_id})
    watch(Enterprise, by_plan)
    watch(IncubatorRecognition, lambda r: {"plan__regions__incubators": r.incubator_id})
    watch(IncubatorFlagGrant, lambda g: {"plan__regions__incubators": g.incubator_id})
    watch(IncubatorQuarter, lambda q: {"plan__regions__incubators": q.incubator_id})
    watch(EvaluationDecision, lambda d: {"plan__regions__incubators": d.incubator_id})
    watch(EnterpriseFlagGrant, lambda g: {"plan__enterprises": g.enterprise_id})
