"""Two editors saving the same cell at the same moment: one wins, the other
gets a conflict; nothing is silently overwritten. Real concurrent transactions
need a server database, so this runs on PostgreSQL (CI's second pass)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from reports.choices import Source
from reports.figures.changes import FigureChange, FigureConflictError
from reports.figures.imports import COMMAND_LIMITS, preview_import
from reports.figures.services import record_figures
from reports.figures.uploads import PendingUploadMissing, confirm_upload, stage_upload
from reports.models import Figure
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
