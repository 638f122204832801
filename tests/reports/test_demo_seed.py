"""Demo data never replaces what a user entered: ``seed_demo`` runs on every
``scripts/run`` start, so running it again must change nothing that exists."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from reports.choices import Source, SubmissionAction, SubmissionState
from reports.demo.seed import DEMO_PASSWORD, seed_demo
from reports.figures.changes import FigureChange
from reports.figures.quarters import close_quarter
from reports.figures.services import record_figures
from reports.models import Figure, Submission, SubmissionEvent
from tests.conftest import make_user


def snapshot(plan):
    return sorted(
        Figure.objects.filter(indicator__plan=plan).values_list(
            "indicator_id", "region_id", "year", "quarter", "value", "version"
        )
    )


@pytest.fixture
def staff_user(plan, groups):
    from regions.roles import Role

    return make_user("bureau", Role.COUNTY_STAFF)


def test_first_run_writes_demo_figures_and_marks_the_plan(plan):
    result = seed_demo(plan, accounts=False)
    plan.refresh_from_db()
    assert result.figures_written == Figure.objects.filter(indicator__plan=plan).count() > 0
    assert plan.is_demo
    assert {(f.year, f.quarter) for f in Figure.objects.all()} == {
        (2025, 1), (2025, 2), (2025, 3), (2025, 4), (2026, 1), (2026, 2), (2026, 3),
    }  # fmt: skip


def test_demo_figures_count_every_region_and_quarter_is_approved(plan):
    """The dashboards count approved reports only: demo figures would show as
    未报 everywhere unless each region × quarter the demo writes is approved."""
    seed_demo(plan, accounts=False)
    written = set(
        Figure.objects.filter(region__isnull=False).values_list("region_id", "year", "quarter")
    )
    approved = set(
        Submission.objects.filter(plan=plan, state=SubmissionState.APPROVED).values_list(
            "region_id", "year", "quarter"
        )
    )
    assert written == approved and len(approved) == 9 * 7
    assert Submission.objects.count() == len(approved)
    assert set(SubmissionEvent.objects.values_list("action", "state")) == {
        (SubmissionAction.PROXY, SubmissionState.APPROVED)
    }


def test_second_run_changes_nothing(plan):
    seed_demo(plan, accounts=False)
    before = snapshot(plan)
    history_rows = Figure.history.count()
    result = seed_demo(plan, accounts=False)
    assert result.figures_written == 0
    assert "已有" in result.figures_skipped_because
    assert snapshot(plan) == before
    assert Figure.history.count() == history_rows


def test_a_corrected_figure_survives_another_run(plan, staff_user):
    seed_demo(plan, accounts=False)
    figure = Figure.objects.filter(year=2026, quarter=3, region__isnull=False).first()
    change = FigureChange(
        figure.indicator_id, figure.region_id, 2026, 3, Decimal(777), seen_version=figure.version
    )
    record_figures(plan, staff_user, [change], source=Source.ADMIN)
    before = snapshot(plan)

    seed_demo(plan, accounts=False)

    figure.refresh_from_db()
    assert figure.value == Decimal(777)
    assert snapshot(plan) == before


def test_a_plan_with_real_figures_gets_no_demo_figures(plan, staff_user):
    indicator = plan.indicators.filter(by_region=True).first()
    region = plan.regions.first()
    change = FigureChange(indicator.pk, region.pk, 2025, 1, Decimal(3))
    record_figures(plan, staff_user, [change], source=Source.FORM)

    result = seed_demo(plan, accounts=False)

    plan.refresh_from_db()
    assert result.figures_written == 0
    assert not plan.is_demo
    assert list(Figure.objects.values_list("value", flat=True)) == [Decimal(3)]


def test_closed_quarters_get_no_demo_figures(plan, staff_user):
    close_quarter(plan, staff_user, 2025, 2, reason="已核定")

    result = seed_demo(plan, accounts=False)

    assert result.closed_quarters_skipped == [(2025, 2)]
    assert result.figures_written > 0
    assert not Figure.objects.filter(year=2025, quarter=2).exists()
    assert Figure.objects.filter(year=2025, quarter=3).exists()


def test_existing_accounts_keep_their_password_and_roles(plan):
    seed_demo(plan)
    user = get_user_model().objects.get(username="staff")
    user.set_password("a-new-private-password-7")
    user.first_name = "王科长"
    user.save()
    get_user_model().objects.get(username="leader").delete()

    result = seed_demo(plan)

    user.refresh_from_db()
    assert user.check_password("a-new-private-password-7")
    assert user.first_name == "王科长"
    created = {a.username for a in result.accounts if a.created}
    assert created == {"leader"}
    assert get_user_model().objects.get(username="leader").check_password(DEMO_PASSWORD)
