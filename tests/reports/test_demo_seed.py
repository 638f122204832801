"""Demo data never replaces what a user entered: ``seed_demo`` runs on every
``scripts/run`` start, so running it again must change nothing that exists."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from itertools import pairwise

import pytest
from django.contrib.auth import get_user_model

from reports.choices import NOT_STARTED, Source, SubmissionAction, SubmissionState
from reports.demo import seed as seed_module
from reports.demo.scale import generate_plan
from reports.demo.seed import DEMO_PASSWORD, demo_periods, seed_demo
from reports.figures import deadlines
from reports.figures.changes import FigureChange
from reports.figures.deadlines import overdue_regions
from reports.figures.quarters import close_quarter
from reports.figures.services import record_figures
from reports.figures.submissions import state_label, states_for
from reports.models import Deadline, Figure, GoalFigure, Submission, SubmissionEvent
from targets.ledger import LedgerSource
from tests.conftest import make_user
from tests.plan_totals import keep_only_plan_totals


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
    close_quarter(plan, staff_user, 2025, 2, reason="已核定", override=True)

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


def test_a_plan_switched_to_rebinds_the_demo_accounts_left_on_the_old_one(plan):
    """Another plan made active whose regions and departments reuse the old
    codes: the listed logins town-kunyang, dept-… must open the new plan, not
    answer 403 bound to the old plan's region. Passwords stay as they are."""
    from regions.models import Membership
    from targets.measures import DepartmentMembership
    from targets.services import plan_as_spec, save_plan

    seed_demo(plan)
    official = get_user_model().objects.get(username="town-kunyang")
    official.set_password("a-new-private-password-7")
    official.save()
    spec = plan_as_spec(plan)
    other = save_plan(dataclasses.replace(spec, name="另一计划(2025—2027年)"), activate=True)
    assert other.pk != plan.pk and other.regions.filter(code="kunyang").exists()

    result = seed_demo(other)

    rebound = {a.username for a in result.accounts if a.rebound}
    assert "town-kunyang" in rebound and any(name.startswith("dept-") for name in rebound)
    membership = Membership.objects.get(user__username="town-kunyang")
    assert membership.region == other.regions.get(code="kunyang")
    liaisons = DepartmentMembership.objects.filter(user__username__startswith="dept-")
    assert {m.department.plan_id for m in liaisons} == {other.pk}
    official.refresh_from_db()
    assert official.check_password("a-new-private-password-7")
    # Run again: nothing left to rebind.
    assert not any(a.rebound for a in seed_demo(other).accounts)


# --- Reporting states ------------------------------------------------------------


def latest_states(plan) -> dict[str, str]:
    regions = list(plan.regions.all())
    by_id = states_for(plan, 2026, 3, regions)
    return {region.name: by_id[region.pk] for region in regions}


def test_the_latest_demo_quarter_shows_every_reporting_state(plan):
    result = seed_demo(plan, accounts=False)

    states = latest_states(plan)
    assert sorted(states.values()).count(SubmissionState.APPROVED) == len(states) - 4
    for state in (
        NOT_STARTED,
        SubmissionState.DRAFT,
        SubmissionState.RETURNED,
        SubmissionState.SUBMITTED,
    ):
        assert list(states.values()).count(state) == 1, state
    assert dict(result.latest_states) == {
        name: str(state_label(state)) for name, state in states.items()
    }
    returned = Submission.objects.get(year=2026, quarter=3, state=SubmissionState.RETURNED)
    assert returned.return_reason
    assert returned.events.filter(action=SubmissionAction.RETURN, reason__gt="").exists()


def test_the_not_started_region_has_no_figures_and_the_draft_some(plan):
    seed_demo(plan, accounts=False)
    states = latest_states(plan)
    by_region = plan.indicators.filter(by_region=True).count()

    def figures_of(state):
        name = next(name for name, s in states.items() if s == state)
        return Figure.objects.filter(region__name=name, year=2026, quarter=3).count()

    assert figures_of(NOT_STARTED) == 0
    assert 0 < figures_of(SubmissionState.DRAFT) < by_region
    assert figures_of(SubmissionState.SUBMITTED) == by_region
    assert figures_of(SubmissionState.APPROVED) == by_region


def test_the_not_started_region_is_overdue_whatever_the_date(plan, monkeypatch):
    early = date(2026, 10, 1)  # before 2026 Q3's default due date
    monkeypatch.setattr(seed_module.timezone, "localdate", lambda: early)
    seed_demo(plan, accounts=False)

    late = {region.name for region in overdue_regions(plan, 2026, 3, early)}
    not_started = next(name for name, s in latest_states(plan).items() if s == NOT_STARTED)
    assert not_started in late
    assert overdue_regions(plan, 2026, 2, early) == []


def test_a_latest_quarter_still_under_way_is_not_overdue(plan, monkeypatch):
    """A plan whose latest demo quarter is today's (a plan begun this year):
    its report cannot be late before the quarter has ended."""
    during = date(2026, 8, 15)  # inside 2026 Q3, the demo's latest quarter
    monkeypatch.setattr(deadlines, "today", lambda: during)
    monkeypatch.setattr(seed_module.timezone, "localdate", lambda: during)
    seed_demo(plan, accounts=False)

    assert overdue_regions(plan, 2026, 3, during) == []
    assert Deadline.objects.get(plan=plan, year=2026, quarter=3).due >= date(2026, 9, 30)
    # Once it has ended, those who have not handed in are late, as in any demo.
    late = {region.name for region in overdue_regions(plan, 2026, 3, date(2026, 10, 1))}
    handed_in = {SubmissionState.SUBMITTED, SubmissionState.APPROVED}
    assert late == {name for name, s in latest_states(plan).items() if s not in handed_in}
    assert len(late) == 3  # not started, in draft, returned


def test_earlier_demo_quarters_are_all_approved(plan):
    seed_demo(plan, accounts=False)
    regions = plan.regions.count()
    earlier = Submission.objects.exclude(year=2026, quarter=3)
    assert earlier.count() == 6 * regions
    assert set(earlier.values_list("state", flat=True)) == {SubmissionState.APPROVED}
    for submission in earlier[:3]:
        assert list(submission.events.order_by("pk").values_list("action", flat=True)) == [
            SubmissionAction.SAVE, SubmissionAction.SUBMIT, SubmissionAction.APPROVE,
        ]  # fmt: skip


def test_demo_steps_are_taken_by_the_demo_accounts(plan):
    seed_demo(plan)
    submitted = Submission.objects.get(year=2026, quarter=3, state=SubmissionState.SUBMITTED)
    (step,) = submitted.events.filter(action=SubmissionAction.SUBMIT)
    assert step.user.username == f"town-{submitted.region.code}"
    approval = SubmissionEvent.objects.filter(action=SubmissionAction.APPROVE).first()
    assert approval.user.username == "staff"


def test_a_second_run_adds_no_submissions(plan):
    seed_demo(plan)
    before = (Submission.objects.count(), SubmissionEvent.objects.count())
    seed_demo(plan)
    assert (Submission.objects.count(), SubmissionEvent.objects.count()) == before


def test_a_plan_with_real_figures_gets_no_demo_states(plan, staff_user):
    indicator = plan.indicators.filter(by_region=True).first()
    change = FigureChange(indicator.pk, plan.regions.first().pk, 2025, 1, Decimal(3))
    record_figures(plan, staff_user, [change], source=Source.FORM)
    submissions = list(Submission.objects.values_list("pk", "state", "version"))

    seed_demo(plan, accounts=False)

    assert list(Submission.objects.values_list("pk", "state", "version")) == submissions
    assert not Deadline.objects.exists()


def test_the_demo_reports_no_series_for_the_stocks_its_ledger_counts(plan):
    from reports.models import GoalFigure

    seed_demo(plan, accounts=False)
    counted = {"bases", "provincial-incubators", "provincial-maker-spaces"}
    assert (
        set(LedgerSource.objects.filter(goal__isnull=False).values_list("goal__code", flat=True))
        == counted
    )
    assert not GoalFigure.objects.filter(goal__code__in=counted).exists()
    others = plan.goals.filter(indicator__isnull=True).exclude(code__in=counted)
    assert GoalFigure.objects.count() == others.count() * 7


def test_the_demo_reports_every_goal_series_each_quarter_and_a_stock_falls_once(plan):
    """A plan whose stocks no ledger counts: the demo reports them too."""
    from reports.models import GoalFigure

    LedgerSource.objects.filter(goal__isnull=False).delete()
    seed_demo(plan, accounts=False)
    series = plan.goals.filter(indicator__isnull=True)
    figures = GoalFigure.objects.filter(goal__plan=plan)
    assert figures.count() == series.count() * 7
    for figure in figures.select_related("goal"):
        if figure.goal.kind in ("share", "coverage"):
            assert figure.denominator > 0 and figure.value <= figure.denominator
        else:
            assert figure.denominator is None
    bases = list(figures.filter(goal__code="bases").order_by("year", "quarter"))
    assert any(later.value < earlier.value for earlier, later in pairwise(bases))
    seed_demo(plan, accounts=False)  # a second run adds nothing
    assert GoalFigure.objects.count() == series.count() * 7


def test_each_department_gets_a_demo_liaison(plan):
    from targets.models import DepartmentMembership

    result = seed_demo(plan)

    liaisons = {a.username: a.department for a in result.accounts if a.department}
    assert liaisons["dept-kejiju"] == "县科技局"
    assert len(liaisons) == plan.departments.count() == 12
    membership = DepartmentMembership.objects.get(user__username="dept-touzicujin")
    assert membership.department.name == "县投资促进服务中心"
    assert membership.user.groups.get().name == "部门联络员"


def test_a_plan_not_yet_under_way_gets_no_future_quarters(db, monkeypatch):
    """A 2026–2029 plan seeded on 3 December 2026: its demo stops at 2026 Q4,
    the quarter under way, never a quarter that has not happened."""
    monkeypatch.setattr(deadlines, "today", lambda: date(2026, 12, 3))
    plan = generate_plan(regions=3, indicators=2, years=4, first_year=2026)
    assert demo_periods(plan, 7) == [(2026, 1), (2026, 2), (2026, 3), (2026, 4)]
    assert demo_periods(plan, 3) == [(2026, 1), (2026, 2), (2026, 3)]
    monkeypatch.setattr(deadlines, "today", lambda: date(2025, 6, 1))
    assert demo_periods(plan, 7) == []


def test_a_plan_total_only_indicator_gets_demo_figures_towards_its_total(db):
    """An indicator the plan gives only totals (no year's target): its demo
    figures move towards the total spread over the plan's years, as its 序时
    does, instead of reading 0 every quarter."""
    plan = generate_plan(regions=3, indicators=2, years=3, first_year=2025)
    Figure.objects.filter(indicator__plan=plan).delete()  # as a plan just loaded
    GoalFigure.objects.filter(goal__plan=plan).delete()
    Submission.objects.filter(region__plan=plan).delete()
    indicator = plan.indicators.order_by("order").first()
    totals = keep_only_plan_totals(indicator)
    seed_demo(plan, accounts=False)
    for position, region in enumerate(plan.regions.order_by("order")):
        first_year = Figure.objects.filter(indicator=indicator, region=region, year=2025)
        done = sum(f.value for f in first_year)
        share = totals[region.pk] / 3 * Decimal(str(seed_module.PACE_PROFILE[position]))
        assert first_year.count() == 4 and done > 0
        assert share * Decimal("0.84") <= done <= share * Decimal("1.16"), (region, done, share)
