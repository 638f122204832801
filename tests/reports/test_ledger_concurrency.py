"""Two editors saving the same incubator's quarter at the same moment: one
wins, the other gets a conflict, nothing is silently overwritten (PostgreSQL:
real concurrent transactions)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from reports.choices import Source
from reports.ledger.operating import OperatingConflictError, record_operating_data
from reports.models import IncubatorQuarter
from tests.reports.operating_data import change, incubator

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)"
)


def race(plan, user, changes) -> list[str]:
    barrier = threading.Barrier(len(changes))
    outcomes: list[str] = []

    def save(row) -> None:
        try:
            barrier.wait(timeout=10)
            record_operating_data(plan, user, [row], source=Source.FORM)
            outcomes.append(f"saved {row.values['revenue']}")
        except OperatingConflictError:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(row,)) for row in changes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("existing", [False, True])
def test_simultaneous_saves_of_one_row_give_one_conflict(staff, region_a, existing):
    plan = region_a.plan
    hub = incubator(region_a, "昆阳科创孵化器")
    seen = 0
    if existing:
        record_operating_data(plan, staff, [change(hub)], source=Source.FORM)
        seen = 1
    outcomes = race(
        plan, staff, [change(hub, seen_version=seen, revenue=v) for v in ("2000", "3000")]
    )
    assert sorted(o.split()[0] for o in outcomes) == ["conflict", "saved"]
    winner = next(o for o in outcomes if o.startswith("saved")).split()[1]
    row = IncubatorQuarter.objects.get()
    assert row.revenue == Decimal(winner) and row.version == seen + 1
