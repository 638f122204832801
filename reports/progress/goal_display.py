"""How a headline goal's numbers read, shared by the goals page, its chart
and the report's goals sheet: the decimals shown and the note beside a goal.
Pure: works on ``reports.progress.goal_queries.GoalRow`` without reading the
database."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from reports.choices import GoalStatus
from reports.progress.ledger_rules import quarter_of
from targets.choices import GoalKind
from targets.formatting import format_number

# Shares and coverage are percents, shown to one place.
PERCENT_PLACES = 1


def goal_places(row) -> int:
    """The decimals a goal's numbers show: its own, but never fewer than its
    indicator's when it counts one (a goal left at 0 places would otherwise
    show 6 where the indicator's pages show the same sum as 6.2)."""
    goal = row.goal
    if goal.kind in (GoalKind.SHARE, GoalKind.COVERAGE):
        return PERCENT_PLACES
    if goal.indicator_id is not None:
        return max(goal.decimal_places, goal.indicator.decimal_places)
    return goal.decimal_places


def goal_status_label(result, provisional: bool = False) -> str:
    """A goal's status in words. An annual floor's value is this year's, its
    status the plan's: missed in an earlier year, it says which, so that this
    year's number never reads as the year that missed (未达成(2025年)). A
    status standing on figures still missing reports reads 暂定, as the
    indicators' do (``GoalRow.provisional``)."""
    label = str(GoalStatus(result.status).label)
    missed = result.missed_years
    if result.status == GoalStatus.MISSED and missed:
        years = _("、").join(str(year) for year in missed)
        label = _("%(status)s(%(years)s年)") % {"status": label, "years": years}
    return _marked(label, provisional)


def _marked(label: str, provisional: bool) -> str:
    return _("%(status)s(暂定)") % {"status": label} if provisional else label


def _noted(label: str, provisional: bool) -> str:
    """A status inside a note's own brackets: 滞后,仍可追回,暂定."""
    return _("%(status)s,暂定") % {"status": label} if provisional else label


def goal_note(row) -> str:
    """What else the reader needs: the annex's own number, each year of a
    floor, the quarter a stock or share was last reported."""
    goal, result, places = row.goal, row.result, goal_places(row)
    notes = []
    if row.differs_from_annex:
        annex = format_number(row.annex_total, goal.indicator.decimal_places)
        notes.append(
            _("附件1计划期目标 %(value)s%(unit)s(%(status)s)")
            % {
                "value": annex,
                "unit": goal.unit,
                "status": _noted(GoalStatus(row.annex_result.status).label, row.annex_provisional),
            }
        )
    for year in result.years:
        value = format_number(year.value, places) if year.value is not None else "—"
        notes.append(
            _("%(year)s年 %(value)s(%(status)s)")
            % {
                "year": year.year,
                "value": value,
                "status": _noted(GoalStatus(year.status).label, year.provisional),
            }
        )
    if result.measured_at is not None:
        at = result.measured_at
        if not row.from_ledger:
            words = _("截至%(period)s填报")
        elif quarter_of(timezone.localdate()) <= (at.year, at.quarter):
            words = _("截至目前台账统计(%(period)s进行中)")  # not the quarter's end: to come
        else:
            words = _("截至%(period)s末台账统计")
        notes.append(words % {"period": at.label})
    return _(";").join(notes)  # "; " in a language written with spaces
