"""The headline goals (三年目标) page, and the goals every county page can show
(``GoalsMixin``: the overview's panel)."""

from __future__ import annotations

from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from reports.progress import load_plan_data, progress_table
from reports.progress.goal_queries import evaluate_goals, load_goals
from reports.views import charts, plotting
from reports.views.goal_tables import GoalTable, goal_places
from reports.views.mixins import ProgressMixin
from targets.access import CountyWideMixin
from targets.choices import GoalKind


class GoalsMixin:
    """The plan's goals as of the page's quarter, on the page's own progress
    table. A page whose table is summarised for one quarter (the overview)
    reads, for an annual floor an indicator measures, that indicator's
    quarter-by-quarter figures besides: constant queries, one indicator each."""

    @cached_property
    def goal_rows(self):
        goals = load_goals(self.plan)
        table = self.table
        floors = {
            g.indicator.code
            for g in goals
            if g.indicator_id is not None and g.kind == GoalKind.ANNUAL_FLOOR
        }
        if self.data.summarised_for is None or not floors:
            return evaluate_goals(self.plan, goals, table, self.period)
        rows = {}
        for code in sorted(floors):
            data = load_plan_data(
                self.plan,
                self.regions,
                whole_county=True,
                indicator_code=code,
                scoped=self.scoped_reporting,
            )
            series = progress_table(data, self.period)
            linked = [g for g in goals if g.indicator_id and g.indicator.code == code]
            for row in evaluate_goals(self.plan, linked, series, self.period):
                rows[row.goal.pk] = row
        others = [g for g in goals if g.pk not in rows]
        for row in evaluate_goals(self.plan, others, table, self.period):
            rows[row.goal.pk] = row
        return [rows[g.pk] for g in goals]

    def goal_table(self, *, summary: bool = False) -> GoalTable:
        return GoalTable.for_rows(self.goal_rows, summary=summary, last_year=self.plan.last_year)

    def goal_chart(self) -> tuple[str, str]:
        figure = charts.goal_bars(
            self.goal_rows,
            title=_("三年目标:截至目前 ÷ 目标"),
            period=self.period,
            places=goal_places,
        )
        return ("chart-goals", plotting.figure_json(figure))


class GoalsView(CountyWideMixin, GoalsMixin, ProgressMixin, TemplateView):
    """三年目标: every headline goal of the plan, its kind, value to date, goal,
    high line, status and forecast for the plan's last year."""

    template_name = "reports/goals.html"
    needs_series = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(goal_table=self.goal_table(), charts=[self.goal_chart()])
        return context
