"""When each quarter's report is due, and which regions are late.

A quarter's figures are due ``settings.REPORT_DUE_DAYS`` days after the
quarter's last day (2026 Q3 → 2026-10-10 with the default 10), unless staff
set another date for that quarter (``Deadline``, on the quarters page). A
region is *overdue* once the due date has passed (the due date itself is still
in time) while its report is neither submitted (已上报) nor approved (已审核)
and the quarter is still open: a closed quarter takes no more reports, so
nothing in it is due any more.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import CharField, DateField, F, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from regions.models import Region
from regions.roles import MANAGE_QUARTERS
from reports.choices import NOT_STARTED, SubmissionState
from reports.figures.changes import FigureError
from reports.figures.submissions import HANDED_IN, reporting_regions, state_label, states_for
from reports.models import ClosedQuarter, Deadline, Submission
from reports.progress import Period, plan_periods
from targets.models import Plan


def today() -> date:
    """Today in the site's time zone (a report due "on the 10th" is due in Beijing time)."""
    return timezone.localdate()


def current_quarter() -> Period:
    """The quarter under way today: figures are reported for it and before."""
    day = today()
    return Period(day.year, (day.month - 1) // 3 + 1)


def quarter_begun(period: Period) -> bool:
    return period <= current_quarter()


def latest_shown(first_year: int) -> Period:
    """The latest quarter progress is shown for: the one under way (a later
    one has no figures and would be judged on nothing), or the plan's first
    while the plan has not begun."""
    return max(current_quarter(), Period(first_year, 1))


def not_begun_message(year: int, quarter: int) -> str | None:
    """Why nothing may be written for a quarter that has not begun (figures,
    operating data, goal series, measure reports), or None once it has: a
    value typed for a later quarter would count before that quarter exists."""
    if quarter_begun(Period(year, quarter)):
        return None
    return _("%(year)s年第%(quarter)s季度尚未开始,不能填报。") % {"year": year, "quarter": quarter}


def quarter_start(year: int, quarter: int) -> date:
    return date(year, quarter * 3 - 2, 1)


def quarter_end(year: int, quarter: int) -> date:
    month = quarter * 3
    return date(year, month, calendar.monthrange(year, month)[1])


def quarter_containing(day: date) -> Period:
    return Period(day.year, (day.month - 1) // 3 + 1)


def default_due_date(year: int, quarter: int) -> date:
    return quarter_end(year, quarter) + timedelta(days=settings.REPORT_DUE_DAYS)


def due_overrides(plan: Plan) -> dict[tuple[int, int], Deadline]:
    """The due dates staff set, by (year, quarter), in one query."""
    rows = Deadline.objects.filter(plan=plan).select_related("set_by")
    return {(row.year, row.quarter): row for row in rows}


def due_date(plan: Plan, year: int, quarter: int) -> date:
    """The date the quarter's report is due: staff's date if set, else the default."""
    override = (
        Deadline.objects.filter(plan=plan, year=year, quarter=quarter)
        .values_list("due", flat=True)
        .first()
    )
    return override or default_due_date(year, quarter)


def due_dates(plan: Plan) -> dict[tuple[int, int], date]:
    """Every quarter of the plan → its due date, in one query."""
    return _due_dates(plan, due_overrides(plan))


def _due_dates(plan: Plan, overrides: dict) -> dict[tuple[int, int], date]:
    return {
        (p.year, p.quarter): (
            overrides[(p.year, p.quarter)].due
            if (p.year, p.quarter) in overrides
            else default_due_date(p.year, p.quarter)
        )
        for p in plan_periods(plan.years)
    }


@transaction.atomic
def set_due_date(plan: Plan, user, year: int, quarter: int, due: date | None) -> date:
    """Set the quarter's due date (``None``: back to the default); returns the
    date now in force. Who set it is kept with it."""
    if not user.has_perm(MANAGE_QUARTERS):
        raise PermissionDenied(_("您的账号没有设置截止日期的权限。"))
    if not plan.contains(year, quarter):
        raise FigureError([_("该季度不在计划期内。")])
    if due is None:
        Deadline.objects.filter(plan=plan, year=year, quarter=quarter).delete()
        return default_due_date(year, quarter)
    # A typo (2062 for 2026) would silence every reminder for the quarter.
    if not quarter_start(year, quarter) <= due <= quarter_end(year, quarter) + timedelta(days=366):
        raise FigureError([_("截止日期应在该季度开始之后、季度结束后一年之内。")])
    Deadline.objects.update_or_create(
        plan=plan, year=year, quarter=quarter, defaults={"due": due, "set_by": user}
    )
    return due


def is_overdue(due: date, state: str, today: date) -> bool:
    return today > due and state not in HANDED_IN


def overdue_regions(plan: Plan, year: int, quarter: int, today: date) -> list[Region]:
    """Regions whose report for the quarter is neither submitted nor approved
    although its due date has passed (none while the quarter is closed), in
    the plan's order. Three queries."""
    if today <= due_date(plan, year, quarter):
        return []
    if ClosedQuarter.objects.filter(plan=plan, year=year, quarter=quarter).exists():
        return []
    handed_in = Submission.objects.filter(
        plan=plan, year=year, quarter=quarter, state__in=HANDED_IN
    ).values("region_id")
    return list(reporting_regions(plan).exclude(pk__in=handed_in))


def overdue_by_quarter(
    plan: Plan, today: date, *, due: dict[tuple[int, int], date] | None = None
) -> dict[tuple[int, int], int]:
    """(year, quarter) → how many regions are overdue, for every open quarter
    of the plan whose due date has passed; quarters with none are left out.
    At most four queries whatever the plan's size (``due``: the plan's due
    dates when already read)."""
    if due is None:
        due = due_dates(plan)
    closed = set(ClosedQuarter.objects.filter(plan=plan).values_list("year", "quarter"))
    late = [key for key, day in due.items() if today > day and key not in closed]
    if not late:
        return {}
    owing = reporting_regions(plan)
    regions = owing.count()
    handed_in: dict[tuple[int, int], int] = {}
    # Only the reports of regions that owe one: a plan that became county-only
    # keeps its regions' old submissions, which must not make a count negative.
    rows = Submission.objects.filter(plan=plan, state__in=HANDED_IN, region__in=owing).values_list(
        "year", "quarter"
    )
    for key in rows:
        handed_in[key] = handed_in.get(key, 0) + 1
    counts = {key: regions - handed_in.get(key, 0) for key in late}
    return {key: count for key, count in counts.items() if count}


@dataclass(frozen=True)
class LateRegion:
    region: Region
    state: str

    @property
    def state_label(self) -> str:
        return state_label(self.state)


@dataclass
class QuarterDeadlines:
    """What the quarters page shows about due dates: every quarter's due date
    and count of overdue regions, and for the chosen quarter who set its date
    and which regions are late."""

    due: dict[tuple[int, int], date]
    overdue: dict[tuple[int, int], int]
    period: Period
    override: Deadline | None
    late: list[LateRegion]

    @property
    def period_due(self) -> date:
        return self.due[(self.period.year, self.period.quarter)]

    @property
    def due_days(self) -> int:
        return settings.REPORT_DUE_DAYS

    @property
    def default_due(self) -> date:
        return default_due_date(self.period.year, self.period.quarter)

    @classmethod
    def load(cls, plan: Plan, period: Period, today: date) -> QuarterDeadlines:
        overrides = due_overrides(plan)
        due = _due_dates(plan, overrides)
        late_regions = overdue_regions(plan, period.year, period.quarter, today)
        states = states_for(plan, period.year, period.quarter, late_regions)
        return cls(
            due=due,
            overdue=overdue_by_quarter(plan, today, due=due),
            period=period,
            override=overrides.get((period.year, period.quarter)),
            late=[LateRegion(region, states[region.pk]) for region in late_regions],
        )


@dataclass(frozen=True)
class DueQuarter:
    """One quarter a region still has to report: shown on its landing page."""

    period: Period
    due: date
    state: str  # a SubmissionState value or NOT_STARTED
    overdue: bool
    return_reason: str = ""

    @property
    def state_label(self) -> str:
        return state_label(self.state)


def due_for_region(plan: Plan, region: Region, today: date) -> list[DueQuarter]:
    """Every open quarter of the plan up to the one containing ``today`` that
    ``region`` has not handed in (未填报, 填报中 or 已退回), oldest first, each with
    its due date. One query: the region's submissions, the plan's due dates
    and its closed quarters are read together."""
    current = quarter_containing(today)
    periods = plan_periods(plan.years, through=current)
    if not periods:
        return []
    states: dict[tuple[int, int], tuple[str, str]] = {}
    overrides: dict[tuple[int, int], date] = {}
    closed: set[tuple[int, int]] = set()
    for kind, year, quarter, state, reason, due in _period_facts(plan, region):
        if kind == "s":
            states[(year, quarter)] = (state, reason)
        elif kind == "d":
            overrides[(year, quarter)] = due
        else:
            closed.add((year, quarter))
    due_list = []
    for period in periods:
        key = (period.year, period.quarter)
        state, reason = states.get(key, (NOT_STARTED, ""))
        if key in closed or state in HANDED_IN:
            continue
        due = overrides.get(key) or default_due_date(*key)
        due_list.append(
            DueQuarter(
                period=period,
                due=due,
                state=state,
                overdue=is_overdue(due, state, today),
                return_reason=reason if state == SubmissionState.RETURNED else "",
            )
        )
    return due_list


def _period_facts(plan: Plan, region: Region):
    """One UNION query: ("s", year, quarter, state, return reason, None) per
    submission of the region, ("d", year, quarter, "", "", due) per due date
    set by staff, ("c", year, quarter, "", "", None) per closed quarter."""
    no_text = Value("", output_field=CharField())
    no_date = Value(None, output_field=DateField())
    columns = ("kind", "year", "quarter", "text_state", "text_reason", "day")
    submissions = (
        Submission.objects.filter(plan=plan, region=region)
        .annotate(kind=Value("s", output_field=CharField()), day=no_date)
        .values_list("kind", "year", "quarter", "state", "return_reason", "day")
        .order_by()
    )
    deadlines = (
        Deadline.objects.filter(plan=plan)
        .annotate(
            kind=Value("d", output_field=CharField()),
            text_state=no_text,
            text_reason=no_text,
            day=F("due"),
        )
        .values_list(*columns)
        .order_by()
    )
    closed = (
        ClosedQuarter.objects.filter(plan=plan)
        .annotate(
            kind=Value("c", output_field=CharField()),
            text_state=no_text,
            text_reason=no_text,
            day=no_date,
        )
        .values_list(*columns)
        .order_by()
    )
    # The models' default orderings are not allowed inside a UNION.
    return submissions.union(deadlines, closed, all=True)
