"""Demo accounts and made-up quarterly figures, so the dashboard shows something
on a fresh clone. Everything here is marked as demo (``Plan.is_demo``) and the
pages say so in a banner."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from regions.models import Membership, Region
from regions.roles import GROUP_NAMES, Role
from regions.services import ensure_role_groups
from reports.choices import Source, SubmissionAction, SubmissionState
from reports.models import Figure, Submission, SubmissionEvent
from targets.models import Plan, Target

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


@dataclass
class DemoResult:
    accounts: list[DemoAccount] = field(default_factory=list)
    figures_written: int = 0
    # Why no demo figures were written (empty when some were).
    figures_skipped_because: str = ""
    closed_quarters_skipped: list[tuple[int, int]] = field(default_factory=list)


def demo_periods(plan: Plan, quarters: int) -> list[tuple[int, int]]:
    """The first ``quarters`` quarters of the plan."""
    periods = [(year, quarter) for year in plan.years for quarter in (1, 2, 3, 4)]
    return periods[:quarters]


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
    result.figures_written = _create_figures(plan, open_periods, random.Random(seed))
    if result.figures_written:
        plan.is_demo = True
        plan.save(update_fields=["is_demo"])
    return result


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
    role_of = {"admin": Role.ADMIN, "staff": Role.COUNTY_STAFF, "leader": Role.LEADER}
    regions = {region.name: region for region in plan.regions.all()}
    User = get_user_model()
    taken = set(
        User.objects.filter(username__in=[a.username for a in accounts]).values_list(
            "username", flat=True
        )
    )
    for account in accounts:
        if account.username in taken:
            account.created = False
            continue
        user = User(
            username=account.username,
            is_staff=account.username == "admin",
            is_superuser=account.username == "admin",
            first_name=f"演示-{account.region or account.role}",
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([groups[role_of.get(account.username, Role.TOWNSHIP)]])
        if account.region:
            Membership.objects.create(user=user, region=regions[account.region])
    return accounts


def _create_figures(plan: Plan, periods: list[tuple[int, int]], rng: random.Random) -> int:
    indicators = list(plan.indicators.all())
    regions: list[Region | None] = list(plan.regions.all())
    targets = {
        (t.indicator_id, t.region_id, t.year): t.value
        for t in Target.objects.filter(indicator__plan=plan, year__isnull=False)
    }
    figures = []
    reported: set[tuple[int, int, int]] = set()
    for indicator in indicators:
        subjects = regions if indicator.by_region else [None]
        for position, region in enumerate(subjects):
            pace = Decimal(str(PACE_PROFILE[position % len(PACE_PROFILE)]))
            region_id = region.pk if region else None
            for year, quarter in periods:
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
                if region is not None:
                    reported.add((region.pk, year, quarter))
    bulk_create_with_history(figures, Figure, default_change_reason=Source.DEMO)
    _approve(plan, reported)
    return len(figures)


def _approve(plan: Plan, reported: set[tuple[int, int, int]]) -> None:
    """Every region × quarter the demo wrote is approved, as the bureau's own
    entry (代填) would be, so its figures count on the dashboards."""
    submissions = Submission.objects.bulk_create(
        Submission(
            plan=plan,
            region_id=region_id,
            year=year,
            quarter=quarter,
            state=SubmissionState.APPROVED,
        )
        for region_id, year, quarter in sorted(reported)
    )
    SubmissionEvent.objects.bulk_create(
        SubmissionEvent(
            submission=submission,
            action=SubmissionAction.PROXY,
            state=SubmissionState.APPROVED,
            reason=_("演示数据"),
        )
        for submission in submissions
    )
