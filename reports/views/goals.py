"""The headline goals (三年目标) page, and the goals every county page can show
(``GoalsMixin``: the overview's panel)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from regions.roles import ENTER_FIGURES
from reports.figures.changes import FigureError
from reports.figures.deadlines import quarter_begun
from reports.figures.goal_series import GoalFigureChange, record_goal_figures
from reports.figures.quarters import is_closed
from reports.models import GoalFigure
from reports.progress.goal_queries import (
    evaluate_goals,
    ledger_counted_goals,
    ledger_stocks,
    load_goals,
)
from reports.views import charts, plotting
from reports.views.forms import FigureNumberField
from reports.views.goal_tables import GoalTable, goal_places
from reports.views.mixins import PeriodChoiceMixin, ProgressMixin
from targets.access import CountyWideMixin
from targets.choices import GoalKind


class GoalsMixin:
    """The plan's goals as of the page's quarter, on the page's own progress
    table. A page whose table is summarised for one quarter (the overview)
    reads, for an annual floor an indicator measures, that indicator's
    quarter-by-quarter figures besides: constant queries, one indicator each."""

    @cached_property
    def goal_rows(self):
        """Reused like the table itself (the goals' writes bump the version)."""
        summarised = self.data.summarised_for is not None
        return self.progress_source.reuse(
            ("goals", self.period.code, summarised), lambda: self._evaluate_goals(summarised)
        )

    def _evaluate_goals(self, summarised: bool):
        goals = load_goals(self.plan)
        table = self.table
        floors = {
            g.indicator.code
            for g in goals
            if g.indicator_id is not None and g.kind == GoalKind.ANNUAL_FLOOR
        }
        if not summarised or not floors:
            return evaluate_goals(self.plan, goals, table, self.period)
        rows = {}
        for code in sorted(floors):
            _data, series = self.progress_source.table(
                self.period, indicator_code=code, series=True
            )
            linked = [g for g in goals if g.indicator_id and g.indicator.code == code]
            for row in evaluate_goals(self.plan, linked, series, self.period):
                rows[row.goal.pk] = row
        others = [g for g in goals if g.pk not in rows]
        for row in evaluate_goals(self.plan, others, table, self.period):
            rows[row.goal.pk] = row
        return [rows[g.pk] for g in goals]

    def goal_table(self, *, summary: bool = False) -> GoalTable:
        return GoalTable.for_rows(self.goal_rows, summary=summary)

    def goal_chart(self) -> tuple[str, str]:
        figure = charts.goal_bars(
            self.goal_rows,
            title=_("%(goals)s:截至目前 ÷ 目标") % {"goals": self.plan.goals_term},
            period=self.period,
            places=goal_places,
        )
        return ("chart-goals", plotting.figure_json(figure))


class GoalsView(CountyWideMixin, GoalsMixin, ProgressMixin, TemplateView):
    """三年目标: every headline goal of the plan, its kind, value to date, goal,
    high line, status and forecast at the current pace (to the plan's end; an
    annual floor's to this year's end; none for a share)."""

    template_name = "reports/goals.html"
    needs_series = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(goal_table=self.goal_table(), charts=[self.goal_chart()])
        return context


class GoalFiguresForm(forms.Form):
    """One quarter of every goal staff report themselves: the value (a stock,
    the quarter's new amount, a share's numerator) and, for a share or
    coverage, the denominator. Blank clears a value; the service checks."""

    def __init__(self, *args, goals, existing, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = goals
        for goal in goals:
            figure = existing.get(goal.pk)
            self.fields[f"v{goal.pk}"] = FigureNumberField(
                label=goal.text,
                required=False,
                initial=None if figure is None else figure.value.normalize() + 0,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm num"}),
            )
            if goal.has_denominator:
                self.fields[f"d{goal.pk}"] = FigureNumberField(
                    label=_("分母"),
                    required=False,
                    initial=None
                    if figure is None or figure.denominator is None
                    else figure.denominator.normalize() + 0,
                    widget=forms.TextInput(attrs={"class": "form-control form-control-sm num"}),
                )

    def rows(self):
        for goal in self.goals:
            denominator = self[f"d{goal.pk}"] if goal.has_denominator else None
            yield goal, self[f"v{goal.pk}"], denominator

    def clean(self):
        """A browser posts every input, empty or not: one missing is a
        tampered or stale form, never a value to clear."""
        cleaned = super().clean()
        if any(name not in self.data for name in self.fields):
            raise forms.ValidationError(_("表单已过期或被篡改,请重新打开本页。"))
        return cleaned

    def named_errors(self) -> list[str]:
        """Each refused value after the goal it belongs to, for the message
        above the table: “营收占比50%以上”(分母):“abc”不是数字。"""
        found = []
        for goal in self.goals:
            for name, part in ((f"v{goal.pk}", ""), (f"d{goal.pk}", _("(分母)"))):
                for error in self.errors.get(name, []):
                    words = {"goal": goal.text, "part": part, "error": error}
                    found.append(_("“%(goal)s”%(part)s:%(error)s") % words)
        return found

    def changes(self) -> list[GoalFigureChange]:
        data = self.cleaned_data
        return [
            GoalFigureChange(goal.pk, data.get(f"v{goal.pk}"), data.get(f"d{goal.pk}"))
            for goal in self.goals
        ]


class GoalEntryView(CountyWideMixin, PeriodChoiceMixin, TemplateView):
    """Staff enter, for one quarter, the series of the goals no annex indicator
    covers; a closed quarter is shown read-only and refused on save."""

    template_name = "reports/goal_entry.html"
    required_permission = ENTER_FIGURES

    @cached_property
    def series_goals(self):
        goals = self.plan.goals.select_related("ledger_source").order_by("order", "pk")
        return [g for g in goals if g.has_series]

    @cached_property
    def ledger_counted(self) -> set[int]:
        return ledger_counted_goals(self.plan, self.series_goals)

    @cached_property
    def goals(self):
        """The goals staff enter: not those the ledger counts."""
        return [g for g in self.series_goals if g.pk not in self.ledger_counted]

    def ledger_rows(self) -> list[tuple]:
        """The goals the ledger counts, with its count at the quarter's end."""
        counted = [g for g in self.series_goals if g.pk in self.ledger_counted]
        stocks = ledger_stocks(self.plan, counted, self.period)
        key = (self.period.year, self.period.quarter)
        return [(goal, stocks.get(goal.pk, {}).get(key)) for goal in counted]

    def form(self, data=None) -> GoalFiguresForm:
        existing = {
            f.goal_id: f
            for f in GoalFigure.objects.filter(
                goal__in=self.goals, year=self.period.year, quarter=self.period.quarter
            )
        }
        return GoalFiguresForm(data, goals=self.goals, existing=existing)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            self.period_context(),
            form=kwargs.get("form") or self.form(),
            closed=is_closed(self.plan, self.period),
            not_begun=not quarter_begun(self.period),
            ledger_rows=self.ledger_rows(),
        )
        return context

    def post(self, request, *args, **kwargs):
        if refusal := self.refuse_bad_posted_period():
            return refusal
        form = self.form(request.POST)
        if not form.is_valid():
            for error in form.non_field_errors() or form.named_errors():
                messages.error(request, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            changed = record_goal_figures(
                self.plan, request.user, self.period.year, self.period.quarter, form.changes()
            )
        except FigureError as error:
            for message in error.messages:
                messages.error(request, message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(
            request,
            _("%(period)s 已保存 %(count)s 项目标数据。")
            % {"period": self.period.label, "count": changed},
        )
        return redirect(f"{reverse('reports:goal_entry')}?period={self.period.code}")
