"""Demo accounts and made-up quarterly figures, so the dashboard shows something
on a fresh clone. Everything here is marked as demo (``Plan.is_demo``) and the
pages say so in a banner."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from regions.models import Membership, Region
from regions.roles import GROUP_NAMES, Role
from regions.services import ensure_role_groups
from reports.choices import NOT_STARTED, Source, SubmissionAction, SubmissionState
from reports.demo.ledger import DemoLedgerResult, seed_ledger
from reports.figures import deadlines
from reports.figures.deadlines import default_due_date, quarter_end
from reports.figures.submissions import state_label
from reports.models import Deadline, Figure, GoalFigure, Submission, SubmissionEvent
from reports.progress.goal_queries import ledger_counted_goals
from targets.choices import GoalKind
from targets.models import DepartmentMembership, Plan, Target
from targets.versioning import bump_data_version

DEMO_PASSWORD = "incubator-demo-2025"

# How fast each region moves relative to its target, by position in the plan's
# region order: some ahead, most around pace, some behind, the last but one far
# behind. Positions, not names, so any plan gets the same spread.
PACE_PROFILE = (1.25, 1.1, 1.0, 0.95, 0.9, 0.85, 0.7, 0.4, 1.05)
# Share of a year's work reported in each quarter (slow start, strong finish).
QUARTER_SHARES = (Decimal("0.18"), Decimal("0.24"), Decimal("0.26"), Decimal("0.32"))


@dataclass
class DemoAccount:
    username: str
    role: str
    region: str | None
    # False when an account of that name already existed: it is left exactly
    # as it was (its password may no longer be the demo one).
    created: bool = True
    department: str | None = None  # a department liaison's department
    # An existing account bound to another plan's region or department (the
    # plan switched): bound to this plan's of the same code, nothing else changed.
    rebound: bool = False


@dataclass
class DemoResult:
    accounts: list[DemoAccount] = field(default_factory=list)
    figures_written: int = 0
    # Why no demo figures were written (empty when some were).
    figures_skipped_because: str = ""
    closed_quarters_skipped: list[tuple[int, int]] = field(default_factory=list)
    # The latest demo quarter's reporting state per region: (region name, state).
    latest_states: list[tuple[str, str]] = field(default_factory=list)
    ledger: DemoLedgerResult = field(default_factory=DemoLedgerResult)


def demo_periods(plan: Plan, quarters: int) -> list[tuple[int, int]]:
    """The first ``quarters`` quarters of the plan, of those begun by today: a
    plan starting next year gets no demo figures yet, never a future quarter's."""
    now = deadlines.current_quarter()
    periods = [(year, quarter) for year in plan.years for quarter in (1, 2, 3, 4)]
    return [period for period in periods[:quarters] if period <= (now.year, now.quarter)]


@transaction.atomic
def seed_demo(
    plan: Plan, *, quarters: int = 7, seed: int = 2025, accounts: bool = True
) -> DemoResult:
    """Create the demo accounts that do not exist yet and, into a plan that holds
    no figures at all, demo figures for the first ``quarters`` quarters
    (7 = 2025 Q1–Q4 and 2026 Q1–Q3 for a plan starting in 2025).

    Safe to run again and again (``scripts/run`` does, on every start): it never
    changes an existing account, never writes over a figure (demo or real) and
    never writes into a closed quarter. A plan that already holds figures keeps
    exactly what it holds."""
    result = DemoResult()
    if accounts:
        result.accounts = _create_accounts(plan)
    # Lock the plan row so that two concurrent runs cannot both find it empty.
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    existing = Figure.objects.filter(indicator__plan=plan).count()
    if existing:
        result.figures_skipped_because = _(
            "计划中已有 %(count)d 条季度数据,演示数据不会写入或覆盖它们。"
        ) % {"count": existing}
        return result
    closed = set(plan.closed_quarters.values_list("year", "quarter"))
    periods = demo_periods(plan, quarters)
    result.closed_quarters_skipped = [period for period in periods if period in closed]
    open_periods = [period for period in periods if period not in closed]
    states = demo_states(plan, open_periods)
    result.figures_written = _create_figures(
        plan, open_periods, random.Random(seed), leave_out=states.left_out(plan)
    )
    if result.figures_written:
        plan.is_demo = True
        plan.save(update_fields=["is_demo"])
        result.latest_states = _create_submissions(plan, open_periods, states)
        _create_goal_figures(plan, open_periods, random.Random(seed + 1))
        not_started = {
            (region_id, *states.latest)
            for region_id, state in states.special.items()
            if state == NOT_STARTED
        }
        result.ledger = seed_ledger(
            plan, open_periods, random.Random(seed + 2), skip=frozenset(not_started)
        )
    return result


def _create_goal_figures(plan: Plan, periods: list[tuple[int, int]], rng: random.Random) -> int:
    """Demo values of the goals' own series, by kind: a stock that mostly
    grows and once falls (a base closes), an annual floor's quarters around a
    quarter of the floor, a share or coverage near its goal."""
    figures = []
    goals = list(plan.goals.filter(indicator__isnull=True).select_related("ledger_source"))
    # The demo keeps a ledger (seed_ledger): the stocks it counts are its own.
    counted = ledger_counted_goals(plan, goals, ledger_kept=True)
    for goal in goals:
        if goal.pk in counted:
            continue
        quantum = goal.quantum
        if goal.kind == GoalKind.STOCK:
            start = goal.base_value or (goal.value * Decimal("0.6")).quantize(quantum)
            total = len(plan.years) * 4
            dip = len(periods) // 2
            previous = start
        busy: dict[int, int] = {}
        for index, (year, quarter) in enumerate(periods):
            denominator = None
            if goal.kind == GoalKind.STOCK:
                # Towards the goal by the plan's end, give or take; one quarter
                # something closes and the stock falls back.
                pace = Decimal(str(round(rng.uniform(0.8, 1.2), 2))) * (index + 1) / total
                grown = start + (goal.value - start) * pace
                value = grown.quantize(quantum, rounding=ROUND_HALF_UP)
                if index == dip:
                    value = max(Decimal(0), previous - quantum)
                previous = value
            elif goal.kind == GoalKind.ANNUAL_FLOOR and goal.value < 4:
                # A floor of a few a year: it is reached in one quarter of the year.
                value = goal.value if quarter == busy.setdefault(year, rng.randint(2, 4)) else 0
            elif goal.kind == GoalKind.ANNUAL_FLOOR:
                share = Decimal(str(round(rng.uniform(0.5, 1.5), 2)))
                value = (goal.value / 4 * share).quantize(quantum, rounding=ROUND_HALF_UP)
            else:
                whole = 4 if goal.kind == GoalKind.COVERAGE else 120
                denominator = Decimal(whole + index * (1 if whole == 4 else 5) // 3)
                share = Decimal(str(round(rng.uniform(0.8, 1.05), 2))) * goal.value / 100
                value = min(denominator, (denominator * share).quantize(Decimal(1)))
            figures.append(
                GoalFigure(
                    goal=goal, year=year, quarter=quarter, value=value, denominator=denominator
                )
            )
    bulk_create_with_history(figures, GoalFigure, default_change_reason=Source.DEMO)
    return len(figures)


def _create_accounts(plan: Plan) -> list[DemoAccount]:
    ensure_role_groups()
    groups = {role: Group.objects.get(name=GROUP_NAMES[role]) for role in GROUP_NAMES}
    accounts = [
        DemoAccount("admin", str(Role.ADMIN.label), None),
        DemoAccount("staff", str(Role.COUNTY_STAFF.label), None),
        DemoAccount("leader", str(Role.LEADER.label), None),
    ]
    accounts += [
        DemoAccount(f"town-{region.code}", str(Role.TOWNSHIP.label), region.name)
        for region in plan.regions.all()
    ]
    # One liaison per department the plan names (部门联络员).
    departments = {d.name: d for d in plan.departments.all()}
    accounts += [
        DemoAccount(f"dept-{d.code}", str(Role.DEPARTMENT.label), None, department=d.name)
        for d in departments.values()
    ]
    role_of = {"admin": Role.ADMIN, "staff": Role.COUNTY_STAFF, "leader": Role.LEADER}
    role_of |= {f"dept-{d.code}": Role.DEPARTMENT for d in departments.values()}
    regions = {region.name: region for region in plan.regions.all()}
    User = get_user_model()
    taken = set(
        User.objects.filter(username__in=[a.username for a in accounts]).values_list(
            "username", flat=True
        )
    )
    # Every demo account has the same published password: it is hashed once
    # (the hasher is deliberately slow, ~0.3 s a call, and there are some thirty
    # accounts) and the hash is given to each new account.
    demo_password_hash = None
    for account in accounts:
        if account.username in taken:
            account.created = False
            account.rebound = _rebind(plan, account, regions, departments)
            continue
        demo_password_hash = demo_password_hash or make_password(DEMO_PASSWORD)
        user = User(
            username=account.username,
            is_staff=account.username == "admin",
            is_superuser=account.username == "admin",
            first_name=f"演示-{account.region or account.department or account.role}",
        )
        user.password = demo_password_hash
        user.save()
        user.groups.set([groups[role_of.get(account.username, Role.TOWNSHIP)]])
        if account.region:
            Membership.objects.create(user=user, region=regions[account.region])
        if account.department:
            DepartmentMembership.objects.create(
                user=user, department=departments[account.department]
            )
    return accounts


def _rebind(plan: Plan, account: DemoAccount, regions: dict, departments: dict) -> bool:
    """Bind an existing demo account left on another plan's region or
    department (the plan switched) to this plan's one: else the login listed
    for it answers 403 everywhere. Its password and groups stay as they are."""
    if account.region:
        membership = Membership.objects.filter(user__username=account.username).first()
        if membership is None or membership.region.plan_id == plan.pk:
            return False
        membership.region = regions[account.region]
        membership.save(update_fields=["region"])
        return True
    if account.department:
        bound = DepartmentMembership.objects.filter(user__username=account.username).first()
        if bound is None or bound.department.plan_id == plan.pk:
            return False
        bound.department = departments[account.department]
        bound.save(update_fields=["department"])
        return True
    return False


def _year_targets(plan: Plan) -> dict[tuple[int, int | None, int], Decimal]:
    """Each subject's target of each plan year: the plan's, or for a subject
    the plan gives only a total, the total spread evenly over the plan's
    years (as its 序时 is), so that its demo figures move towards it."""
    yearly, totals = {}, {}
    for target in Target.objects.filter(indicator__plan=plan):
        subject = (target.indicator_id, target.region_id)
        if target.year is None:
            totals[subject] = target.value
        else:
            yearly[(*subject, target.year)] = target.value
    with_years = {(indicator, region) for indicator, region, _ in yearly}
    years = range(plan.first_year, plan.last_year + 1)
    for subject, total in totals.items():
        if subject not in with_years:
            yearly.update({(*subject, year): total / len(years) for year in years})
    return yearly


def _create_figures(
    plan: Plan,
    periods: list[tuple[int, int]],
    rng: random.Random,
    leave_out: frozenset[tuple[int, int | None, int, int]] = frozenset(),
) -> int:
    """Demo figures for ``periods``, except the (indicator, region, year,
    quarter) cells in ``leave_out`` (a township that has not reported)."""
    indicators = list(plan.indicators.all())
    regions: list[Region | None] = list(plan.regions.all())
    targets = _year_targets(plan)
    figures = []
    for indicator in indicators:
        subjects = regions if indicator.by_region else [None]
        for position, region in enumerate(subjects):
            pace = Decimal(str(PACE_PROFILE[position % len(PACE_PROFILE)]))
            region_id = region.pk if region else None
            for year, quarter in periods:
                if (indicator.pk, region_id, year, quarter) in leave_out:
                    rng.random()  # keep the other cells' numbers as without it
                    continue
                target = targets.get((indicator.pk, region_id, year), Decimal(0))
                jitter = Decimal(str(round(rng.uniform(0.85, 1.15), 2)))
                raw = target * pace * QUARTER_SHARES[quarter - 1] * jitter
                value = raw.quantize(indicator.quantum, rounding=ROUND_HALF_UP)
                figures.append(
                    Figure(
                        indicator=indicator,
                        region=region,
                        year=year,
                        quarter=quarter,
                        value=value,
                        note="演示数据",
                    )
                )
    bulk_create_with_history(figures, Figure, default_change_reason=Source.DEMO)
    bump_data_version(plan.pk)
    return len(figures)


# --- Reporting states ----------------------------------------------------------
# The demo shows every state of township reporting: the earlier quarters all
# approved; in the latest one most regions approved and, from the end of the
# plan's region order, one submitted, one returned with a reason, one still in
# draft and one that has not started and is overdue.

DEMO_RETURN_REASON = "孵化面积较上季度下降较多,请核实后重新上报。"
# Latest quarter's special states, given to the last regions of the plan's
# order (the last one first); every other region is approved.
LATEST_SPECIAL_STATES = (
    NOT_STARTED,
    SubmissionState.DRAFT,
    SubmissionState.RETURNED,
    SubmissionState.SUBMITTED,
)
# The steps that lead to each state, in order.
DEMO_STEPS = {
    SubmissionState.DRAFT: [SubmissionAction.SAVE],
    SubmissionState.SUBMITTED: [SubmissionAction.SAVE, SubmissionAction.SUBMIT],
    SubmissionState.RETURNED: [
        SubmissionAction.SAVE,
        SubmissionAction.SUBMIT,
        SubmissionAction.RETURN,
    ],
    SubmissionState.APPROVED: [
        SubmissionAction.SAVE,
        SubmissionAction.SUBMIT,
        SubmissionAction.APPROVE,
    ],
}
STATE_AFTER = {
    SubmissionAction.SAVE: SubmissionState.DRAFT,
    SubmissionAction.SUBMIT: SubmissionState.SUBMITTED,
    SubmissionAction.RETURN: SubmissionState.RETURNED,
    SubmissionAction.APPROVE: SubmissionState.APPROVED,
}
BY_STAFF = (SubmissionAction.RETURN, SubmissionAction.APPROVE)


@dataclass
class DemoStates:
    latest: tuple[int, int] | None
    # region id → its state in the latest quarter (approved when not listed)
    special: dict[int, str]

    def state(self, region_id: int, period: tuple[int, int]) -> str:
        if period != self.latest:
            return SubmissionState.APPROVED
        return self.special.get(region_id, SubmissionState.APPROVED)

    def left_out(self, plan: Plan) -> frozenset[tuple[int, int | None, int, int]]:
        """Figures the demo does not write: none for the region that has not
        started, and the second half of the indicators for the draft."""
        if self.latest is None:
            return frozenset()
        by_region = list(plan.indicators.filter(by_region=True).values_list("pk", flat=True))
        cells = set()
        for region_id, state in self.special.items():
            if state == NOT_STARTED:
                missing = by_region
            elif state == SubmissionState.DRAFT:
                missing = by_region[(len(by_region) + 1) // 2 :]
            else:
                continue
            cells |= {(indicator, region_id, *self.latest) for indicator in missing}
        return frozenset(cells)


def demo_states(plan: Plan, periods: list[tuple[int, int]]) -> DemoStates:
    """Which region is in which state; at least one region stays approved."""
    if not periods:
        return DemoStates(None, {})
    regions = list(plan.regions.order_by("-order", "-pk").values_list("pk", flat=True))
    shown = min(len(LATEST_SPECIAL_STATES), max(len(regions) - 1, 0))
    special = dict(zip(regions[:shown], LATEST_SPECIAL_STATES[:shown], strict=True))
    return DemoStates(periods[-1], special)


def _create_submissions(
    plan: Plan, periods: list[tuple[int, int]], states: DemoStates
) -> list[tuple[str, str]]:
    """Each region × quarter's submission with the events that led to it, as
    the demo accounts when they exist; the latest quarter's due date set in
    the past (once the quarter has ended) so its not-started region reads as
    overdue whatever the date."""
    User = get_user_model()
    staff = User.objects.filter(username="staff").first()
    officials = {
        membership.region_id: membership.user
        for membership in Membership.objects.filter(
            region__plan=plan, user__username__startswith="town-"
        ).select_related("user")
    }
    regions = list(plan.regions.order_by("order", "pk"))
    # A plan without figures has no submissions either, unless some were
    # left behind (figures deleted in the admin): those are kept as they are.
    kept = set(Submission.objects.filter(plan=plan).values_list("region_id", "year", "quarter"))
    submissions, steps = [], []
    for year, quarter in periods:
        for region in regions:
            state = states.state(region.pk, (year, quarter))
            if state == NOT_STARTED or (region.pk, year, quarter) in kept:
                continue
            actions = DEMO_STEPS[state]
            submissions.append(
                Submission(
                    plan=plan,
                    region=region,
                    year=year,
                    quarter=quarter,
                    state=state,
                    version=len(actions),
                    return_reason=DEMO_RETURN_REASON if state == SubmissionState.RETURNED else "",
                )
            )
            steps.append(actions)
    Submission.objects.bulk_create(submissions)
    bump_data_version(plan.pk)
    SubmissionEvent.objects.bulk_create(
        SubmissionEvent(
            submission=submission,
            action=action,
            state=STATE_AFTER[action],
            reason=DEMO_RETURN_REASON if action == SubmissionAction.RETURN else "",
            user=staff if action in BY_STAFF else officials.get(submission.region_id),
        )
        for submission, actions in zip(submissions, steps, strict=True)
        for action in actions
    )
    if states.latest is None:
        return []
    year, quarter = states.latest
    # Due yesterday at the latest, but never before the quarter's last day: a
    # quarter still under way (a plan begun this year) is not late yet.
    overdue_since = max(
        min(default_due_date(year, quarter), timezone.localdate() - timedelta(days=1)),
        quarter_end(year, quarter),
    )
    Deadline.objects.get_or_create(
        plan=plan, year=year, quarter=quarter, defaults={"due": overdue_since, "set_by": staff}
    )
    return [
        (region.name, state_label(states.state(region.pk, states.latest))) for region in regions
    ]
