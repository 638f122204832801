"""Two editors saving the same cell at the same moment: one wins, the other
gets a conflict; nothing is silently overwritten. Real concurrent transactions
need a server database, so this runs on PostgreSQL (CI's second pass)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from reports.choices import Source, SubmissionAction, SubmissionState
from reports.figures.changes import FigureChange, FigureConflictError, FigureError
from reports.figures.imports import COMMAND_LIMITS, preview_import
from reports.figures.quarters import close_quarter
from reports.figures.services import record_figures
from reports.figures.submissions import approve, return_submission, submit
from reports.figures.uploads import PendingUploadMissing, confirm_upload, stage_upload
from reports.models import ClosedQuarter, Figure, Submission
from tests.reports.figures_files import cell, edit, template

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)"
)


def race(plan, user, changes: list[FigureChange]) -> list[str]:
    """Run one record_figures per change at the same moment; "saved" or
    "conflict" for each, in finishing order."""
    barrier = threading.Barrier(len(changes))
    outcomes: list[str] = []

    def save(change: FigureChange) -> None:
        try:
            barrier.wait(timeout=10)
            record_figures(plan, user, [change], source=Source.FORM)
            outcomes.append(f"saved {change.value}")
        except FigureConflictError:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(change,)) for change in changes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_of_one_cell_give_one_conflict(staff, region_a):
    plan = region_a.plan
    space = plan.indicators.get(code="space")
    record_figures(
        plan, staff, [FigureChange(space.pk, region_a.pk, 2025, 1, Decimal(1))], source=Source.FORM
    )
    outcomes = race(
        plan,
        staff,
        [
            FigureChange(space.pk, region_a.pk, 2025, 1, Decimal(v), seen_version=1)
            for v in ("2", "3")
        ],
    )
    assert sorted(o.split()[0] for o in outcomes) == ["conflict", "saved"]
    winner = next(o for o in outcomes if o.startswith("saved")).split()[1]
    figure = Figure.objects.get()
    assert figure.value == Decimal(winner) and figure.version == 2
    assert figure.history.count() == 2  # the first save and the winner, nothing else


@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_saves_of_a_new_cell_give_one_conflict(staff, region_a):
    plan = region_a.plan
    space = plan.indicators.get(code="space")
    outcomes = race(
        plan,
        staff,
        [
            FigureChange(space.pk, region_a.pk, 2025, 2, Decimal(v), seen_version=0)
            for v in ("2", "3")
        ],
    )
    assert sorted(o.split()[0] for o in outcomes) == ["conflict", "saved"]
    assert Figure.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_upload_confirmed_twice_at_once_is_written_once(staff, plan):
    """Two clicks on "confirm" reaching two servers: the staged upload is
    locked, so the second waits, then finds it used up."""
    data = edit(template(plan, "2025Q1"), {cell("昆阳", "talents"): 7})
    preview = preview_import(plan, staff, data, limits=COMMAND_LIMITS)
    pending = stage_upload(plan, staff, preview, file_name="a.xlsx", data=data)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def confirm() -> None:
        try:
            barrier.wait(timeout=10)
            confirm_upload(plan, staff, pending.pk)
            outcomes.append("confirmed")
        except PendingUploadMissing:
            outcomes.append("missing")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["confirmed", "missing"]
    figure = Figure.objects.get()
    assert figure.value == 7 and figure.history.count() == 1


# --- Township reporting ---------------------------------------------------------------


def at_once(*calls) -> list[str]:
    """Run each ``(label, function)`` in its own thread and transaction at the
    same moment; "<label> done", "<label> conflict" or "<label> refused" for
    each, in finishing order."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(label, function) -> None:
        try:
            barrier.wait(timeout=10)
            function()
            outcomes.append(f"{label} done")
        except FigureConflictError:
            outcomes.append(f"{label} conflict")
        except FigureError:  # refused: wrong state, stale page
            outcomes.append(f"{label} refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def fill(plan, user, region, value: str = "1", seen_version: int | None = None) -> None:
    changes = [
        FigureChange(i.pk, region.pk, 2026, 4, Decimal(value), seen_version=seen_version)
        for i in plan.indicators.filter(by_region=True)
    ]
    record_figures(plan, user, changes, source=Source.FORM)


@pytest.mark.django_db(transaction=True)
def test_a_township_and_staff_saving_one_cell_lose_no_update(official, staff, region_a):
    """Both opened the grid on the township's draft (each cell at version 1)
    and change the same cell. One is saved; the other is told, never
    silently overwritten: a conflict, or (when the bureau's entry came first
    and so approved the quarter, 代填) the township's write is refused."""
    plan = region_a.plan
    fill(plan, official, region_a)
    space = plan.indicators.get(code="space")

    def save(user, value):
        change = FigureChange(space.pk, region_a.pk, 2026, 4, Decimal(value), seen_version=1)
        return lambda: record_figures(plan, user, [change], source=Source.FORM)

    outcomes = at_once(("township", save(official, "2")), ("staff", save(staff, "3")))
    done = [o.split()[0] for o in outcomes if o.endswith("done")]
    assert len(done) == 1, outcomes
    figure = Figure.objects.get(indicator=space, region=region_a)
    assert figure.value == Decimal("2" if done == ["township"] else "3")
    assert figure.version == 2 and figure.history.count() == 2
    loser = next(o for o in outcomes if not o.endswith("done"))
    assert loser in {"township conflict", "township refused", "staff conflict"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("action", ["approve", "return"])
def test_a_township_resubmitting_while_a_stale_reviewer_acts_serialises(
    official, staff, region_a, action
):
    """The township handed in, reviewer A returned it, the township resubmits
    while reviewer B, on a page opened before the return, approves or
    returns: whichever comes first, B is refused (the report is no longer
    what B saw) and the resubmission stands."""
    plan = region_a.plan
    fill(plan, official, region_a)
    submit(plan, official, region_a, 2026, 4)
    seen_by_b = Submission.objects.get(region=region_a).version
    return_submission(plan, staff, region_a, 2026, 4, "请核实")
    seen_by_township = Submission.objects.get(region=region_a).version

    def resubmit():
        submit(plan, official, region_a, 2026, 4, seen_version=seen_by_township)

    def review():
        if action == "approve":
            approve(plan, staff, region_a, 2026, 4, seen_version=seen_by_b)
        else:
            return_submission(plan, staff, region_a, 2026, 4, "再核实", seen_version=seen_by_b)

    outcomes = at_once(("township", resubmit), ("reviewer", review))
    assert sorted(outcomes) == ["reviewer refused", "township done"]
    submission = Submission.objects.get(region=region_a)
    assert submission.state == SubmissionState.SUBMITTED
    assert list(submission.events.order_by("at", "pk").values_list("action", flat=True)) == [
        SubmissionAction.SAVE,
        SubmissionAction.SUBMIT,
        SubmissionAction.RETURN,
        SubmissionAction.SUBMIT,
    ]


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_acting_on_one_report_at_once_give_one_decision(official, staff, region_a):
    plan = region_a.plan
    fill(plan, official, region_a)
    submit(plan, official, region_a, 2026, 4)
    seen = Submission.objects.get(region=region_a).version
    outcomes = at_once(
        ("approve", lambda: approve(plan, staff, region_a, 2026, 4, seen_version=seen)),
        (
            "return",
            lambda: return_submission(plan, staff, region_a, 2026, 4, "请核实", seen_version=seen),
        ),
    )
    done = [o.split()[0] for o in outcomes if o.endswith("done")]
    assert len(done) == 1 and len(outcomes) == 2, outcomes
    submission = Submission.objects.get(region=region_a)
    expected = SubmissionState.APPROVED if done == ["approve"] else SubmissionState.RETURNED
    assert submission.state == expected
    assert submission.events.count() == 3  # save, submit, and the one decision


@pytest.mark.django_db(transaction=True)
def test_returning_while_the_quarter_closes_serialises(official, staff, region_a):
    """Every region approved; a reviewer returns one while another closes the
    quarter. Closing locks the quarter's reports before it looks, so either
    the return lands first (and the close, which needs every region
    approved, is refused) or the close does (and the return finds the
    quarter closed): never a closed quarter holding a returned report."""
    plan = region_a.plan
    fill(plan, official, region_a)
    submit(plan, official, region_a, 2026, 4)
    approve(plan, staff, region_a, 2026, 4)
    others = plan.regions.exclude(pk=region_a.pk)
    for region in others:
        fill(plan, staff, region)  # the bureau's own entry: approved at once
    outcomes = at_once(
        ("return", lambda: return_submission(plan, staff, region_a, 2026, 4, "请核实")),
        ("close", lambda: close_quarter(plan, staff, 2026, 4)),
    )
    assert sorted(o.split()[1] for o in outcomes) == ["done", "refused"], outcomes
    closed = ClosedQuarter.objects.filter(year=2026, quarter=4).exists()
    state = Submission.objects.get(region=region_a).state
    assert (closed, state) in {
        (True, SubmissionState.APPROVED),
        (False, SubmissionState.RETURNED),
    }
