"""Setting reports' states for tests: ``set_state`` and ``approve_all`` write the
state directly, for tests that need a quarter in a given state without walking
each region through 填报 → 上报 → 审核; ``finish_reporting`` walks them through
the reporting services, as the townships and the bureau would."""

from __future__ import annotations

from decimal import Decimal

from regions.models import Membership
from regions.roles import Role
from reports.choices import Source, SubmissionState
from reports.figures.changes import FigureChange
from reports.figures.services import record_figures
from reports.figures.submissions import approve, states_for, submit
from reports.models import Figure, Submission
from tests.conftest import make_user


def set_state(plan, year: int, quarter: int, state: str, regions=None) -> None:
    """Every region's (or ``regions``') report of the quarter in ``state``."""
    for region in regions if regions is not None else plan.regions.all():
        Submission.objects.update_or_create(
            plan=plan, region=region, year=year, quarter=quarter, defaults={"state": state}
        )


def approve_all(plan, year: int, quarter: int) -> None:
    set_state(plan, year, quarter, SubmissionState.APPROVED)


def enter_county_only(plan, staff, year: int, quarter: int, value=Decimal(0)) -> None:
    """The bureau enters each county-only indicator of the quarter (0: nothing new)."""
    changes = [
        FigureChange(indicator.pk, None, year, quarter, value)
        for indicator in plan.indicators.filter(by_region=False)
    ]
    record_figures(plan, staff, changes, source=Source.FORM)


def finish_reporting(plan, reviewer, year: int, quarter: int, value=Decimal(1)) -> None:
    """Every region's report of the quarter approved through the services: a
    region that has not handed it in (nothing, a draft, a returned report)
    has its township official fill each indicator it still lacks with
    ``value`` and submit (上报); then ``reviewer`` approves each submitted one
    (审核). Figures a region already wrote are kept as they are."""
    by_region = list(plan.indicators.filter(by_region=True))
    regions = list(plan.regions.order_by("order", "pk"))
    for region in regions:
        state = states_for(plan, year, quarter, [region])[region.pk]
        if state in (SubmissionState.SUBMITTED, SubmissionState.APPROVED):
            continue
        membership = Membership.objects.filter(region=region).select_related("user").first()
        official = (
            membership.user
            if membership
            else make_user(f"finisher-{region.code}", Role.TOWNSHIP, region)
        )
        filled = set(
            Figure.objects.filter(region=region, year=year, quarter=quarter).values_list(
                "indicator_id", flat=True
            )
        )
        missing = [
            FigureChange(indicator.pk, region.pk, year, quarter, Decimal(value))
            for indicator in by_region
            if indicator.pk not in filled
        ]
        if missing:
            record_figures(plan, official, missing, source=Source.FORM)
        submit(plan, official, region, year, quarter)
    for region in regions:
        if states_for(plan, year, quarter, [region])[region.pk] == SubmissionState.SUBMITTED:
            approve(plan, reviewer, region, year, quarter)
