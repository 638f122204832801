"""The one write of the headline goals' own series (``GoalFigure``): what no
annex indicator covers, reported by staff for the county each quarter.

Same rules as the figures (``reports.figures.services``): one transaction,
permission checked (ENTER_FIGURES), the quarter inside the plan, closed
quarters refused (read under a row lock, like the figures), each value checked
(a number ≥ 0, at most the goal's decimal places; a share or coverage needs its
denominator and cannot exceed it), every change kept in the history with who.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from regions.roles import ENTER_FIGURES
from reports.figures.changes import FigureError
from reports.figures.deadlines import not_begun_message
from reports.figures.quarters import refuse_closed_periods
from reports.models import GoalFigure
from reports.progress.goal_queries import ledger_counted_goals
from targets.models import Goal, Plan
from targets.versioning import bump_data_version

# The column holds up to 9,999,999,999.9999, as the figures.
MAX_ADJUSTED = 10


@dataclass(frozen=True)
class GoalFigureChange:
    """One goal's quarter: ``value`` None clears it (with its denominator)."""

    goal_id: int
    value: Decimal | None
    denominator: Decimal | None = None


def number_problems(value: Decimal, places: int) -> list[str]:
    if not value.is_finite():
        return [_("不是有效的数字。")]
    problems = []
    if value < 0:
        problems.append(_("不能为负数。"))
    if value.adjusted() >= MAX_ADJUSTED:
        return [*problems, _("数值过大。")]
    if value != value.quantize(Decimal(1).scaleb(-places)):
        if places == 0:
            problems.append(_("只能填整数。"))
        else:
            problems.append(_("最多 %(places)s 位小数。") % {"places": places})
    return problems


def validate_goal_changes(
    goals: dict[int, Goal], changes: list[GoalFigureChange], ledger_counted: set[int] = frozenset()
) -> list[str]:
    """Every problem of ``changes``; ``ledger_counted``: the goals the ledger
    counts (``ledger_counted_goals``), which take no entries."""
    messages, seen = [], set()
    for change in changes:
        goal = goals.get(change.goal_id)
        if goal is None or not goal.has_series:
            messages.append(_("目标不属于本计划,或由附件指标计量,不能在此填报。"))
            continue
        if goal.pk in ledger_counted:
            messages.append(_("%(goal)s:由孵化载体台账统计,不在此填报。") % {"goal": goal.text})
            continue
        if change.goal_id in seen:
            messages.append(_("%(goal)s:出现了两次。") % {"goal": goal.text})
        seen.add(change.goal_id)
        if change.value is None:
            # Blank clears the quarter's value with its denominator: only
            # when both are blank, never a half-typed share.
            if change.denominator is not None:
                message = _("%(goal)s:填了分母却没有填分子;如要清除该项,请把分子和分母都留空。")
                messages.append(message % {"goal": goal.text})
            continue
        parts = [(change.value, "")]
        if goal.has_denominator:
            if change.denominator is None:
                messages.append(_("%(goal)s:请同时填写分母。") % {"goal": goal.text})
            else:
                parts.append((change.denominator, _("分母")))
        elif change.denominator is not None:
            messages.append(_("%(goal)s:该目标没有分母。") % {"goal": goal.text})
        for number, which in parts:
            for problem in number_problems(number, goal.decimal_places):
                messages.append(f"{goal.text}{which}:{problem}")
        over = goal.has_denominator and change.denominator is not None
        if over and change.value > change.denominator:
            messages.append(_("%(goal)s:分子不能大于分母。") % {"goal": goal.text})
    return messages


@transaction.atomic
def record_goal_figures(
    plan: Plan, user, year: int, quarter: int, changes: list[GoalFigureChange]
) -> int:
    """Write the quarter's series values; returns how many changed. All or
    nothing: raises ``PermissionDenied``, ``QuarterClosedError`` or
    ``FigureError`` (its messages say why) and writes nothing."""
    if not user.has_perm(ENTER_FIGURES):
        raise PermissionDenied
    if not plan.contains(year, quarter):
        raise FigureError(
            [_("%(year)s年第%(quarter)s季度不在计划期内。") % {"year": year, "quarter": quarter}]
        )
    if not_begun := not_begun_message(year, quarter):
        raise FigureError([not_begun])
    goals = {g.pk: g for g in plan.goals.select_related("ledger_source")}
    counted = ledger_counted_goals(plan, list(goals.values()))
    problems = validate_goal_changes(goals, changes, counted)
    if problems:
        raise FigureError(problems)
    refuse_closed_periods(plan, {(year, quarter)})
    existing = {
        f.goal_id: f
        for f in GoalFigure.objects.select_for_update().filter(
            goal_id__in=[c.goal_id for c in changes], year=year, quarter=quarter
        )
    }
    changed = 0
    for change in changes:
        figure = existing.get(change.goal_id)
        if change.value is None:
            if figure is not None:
                figure._history_user = user
                figure.delete()
                changed += 1
            continue
        if figure is None:
            figure = GoalFigure(goal_id=change.goal_id, year=year, quarter=quarter)
        elif (figure.value, figure.denominator) == (change.value, change.denominator):
            continue
        figure.value, figure.denominator, figure.entered_by = (
            change.value,
            change.denominator,
            user,
        )
        figure._history_user = user
        figure.save()
        changed += 1
    if changed:
        bump_data_version(plan.pk)
    return changed
