"""Setting reports' states for tests that need a quarter in a given state
without walking each region through 填报 → 上报 → 审核."""

from __future__ import annotations

from reports.choices import SubmissionState
from reports.models import Submission


def set_state(plan, year: int, quarter: int, state: str, regions=None) -> None:
    """Every region's (or ``regions``') report of the quarter in ``state``."""
    for region in regions if regions is not None else plan.regions.all():
        Submission.objects.update_or_create(
            plan=plan, region=region, year=year, quarter=quarter, defaults={"state": state}
        )


def approve_all(plan, year: int, quarter: int) -> None:
    set_state(plan, year, quarter, SubmissionState.APPROVED)
