"""The reports' writes that change a plan's numbers bump its data version
(``targets.versioning``): figures, the goals' own series, reports' states,
closed quarters, measure reports. The services bump explicitly where they
write in bulk; these signals catch every ``save()``/``delete()`` besides (the
admin, management commands)."""

from __future__ import annotations

from targets.versioning import by_plan, watch


def connect_signals() -> None:
    from reports.measure_models import MeasureAttachment, MeasureReport
    from reports.models import ClosedQuarter, Figure, GoalFigure
    from reports.reporting_models import Submission

    watch(Figure, lambda figure: {"plan__indicators": figure.indicator_id})
    watch(GoalFigure, lambda figure: {"plan__goals": figure.goal_id})
    watch(ClosedQuarter, by_plan)
    watch(Submission, by_plan)
    watch(MeasureReport, lambda report: {"plan__measures": report.measure_id})
    watch(MeasureAttachment, lambda attachment: {"plan__measures__reports": attachment.report_id})
