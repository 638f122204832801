"""The ledger pages read the same number of queries at 50 incubators with 500
enterprises as at 250 incubators with 5,000 enterprises: no query per row
(the lists page their rows, the duplicates are found in two queries).

The large size crosses everything that could hide growth: the lists page
their rows 50 at a time (``reports.views.ledger.PER_PAGE``) and are asked
for page 2 of one kind: 25 incubators of it (one page) against 125 (three
pages, page 2 full); 250 enterprises of it against 2,500. The incubator's
page lists all its enterprises: 10 against 20. The duplicates page lists
every suspect pair: 10 against 100. The CSV streams every incubator: 50
against 250. Nothing on these pages reads in chunks or batches."""

from __future__ import annotations

import datetime
import time
from decimal import Decimal

import pytest
from django.urls import reverse

from reports.demo.rows import insert_rows
from reports.models import Enterprise, Incubator, IncubatorRecognition
from tests.reports.ledger_data import credit_code, industry

SIZES = {"small": (50, 500), "large": (250, 5000)}

# Queries per page, whatever the size: the request's own (session, user, the
# permissions, the plan, notices: 5 for staff, 7 for an official with their
# membership and region; no session write within the minute), then the page's reads.
EXPECTED = {
    ("staff", "reports:ledger_incubators"): 11,  # regions, industries, count, counts, rows
    ("staff", "reports:ledger_enterprises"): 13,  # … and the suspects (2)
    ("staff", "reports:ledger_incubator"): 16,  # … its enterprises marked as suspects (2)
    ("staff", "reports:ledger_duplicates"): 9,
    ("official", "reports:ledger_incubators"): 13,
    ("official", "reports:ledger_enterprises"): 15,
    ("official", "reports:ledger_incubator"): 18,
}


def build_ledger(plan, incubators: int, enterprises: int) -> Incubator:
    """``incubators`` spread over the plan's regions (every third recognised),
    ``enterprises`` spread over them: every tenth without a code, every
    fiftieth sharing its name with the next (a suspect pair). Returns an
    incubator of the first region with enterprises."""
    tech = industry(plan)
    regions = list(plan.regions.order_by("order"))
    day = datetime.date(2025, 3, 1)
    rows = Incubator.objects.bulk_create(
        Incubator(
            region=regions[n % len(regions)],
            name=f"载体{n:05d}",
            kind="incubator" if n % 2 else "makerspace",
            lead_industry=tech if n % 4 == 0 else None,
            floor_area=Decimal("0.50"),
            status="operating",
            status_since=day,
            operating_since=day,
        )
        for n in range(incubators)
    )
    IncubatorRecognition.objects.bulk_create(
        IncubatorRecognition(incubator=row, level=1 + n % 4, recognised_on=day)
        for n, row in enumerate(rows)
        if n % 3 == 0
    )
    names = ["plan_id", "incubator_id", "name", "normalised_name", "credit_code"]
    names += ["industry_id", "entered_on", "stage"]
    firms = []
    for n in range(enterprises):
        name = f"企业{n - 1 if n % 50 == 1 else n:06d}"
        code = "" if n % 10 == 0 else credit_code(n)
        industry_id = tech.pk if n % 3 == 0 else None
        incubator_id = rows[n % len(rows)].pk
        firms.append((plan.pk, incubator_id, name, name, code, industry_id, day, "incubating"))
    insert_rows(Enterprise, names, firms)  # thousands: without model instances
    return rows[0]


@pytest.mark.parametrize("size", SIZES)
def test_ledger_pages_read_a_constant_number_of_queries(
    size, plan, staff, official, client_for, django_assert_num_queries
):
    first = build_ledger(plan, *SIZES[size])
    for (persona, name), queries in EXPECTED.items():
        user = {"staff": staff, "official": official}[persona]
        client = client_for(user)
        args = [first.pk] if name == "reports:ledger_incubator" else []
        url = reverse(name, args=args)
        query = {"kind": "incubator", "page": "2"} if name.endswith("s") else {}
        client.get(url, query)  # warm the session
        started = time.perf_counter()
        with django_assert_num_queries(queries):
            response = client.get(url, query)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, (persona, name)
        print(f"{size} {persona} {name}: {elapsed * 1000:.0f} ms")


@pytest.mark.parametrize("size", SIZES)
def test_ledger_exports_read_a_constant_number_of_queries(
    size, plan, staff, client_for, django_assert_num_queries
):
    build_ledger(plan, *SIZES[size])
    client = client_for(staff)
    url = reverse("reports:ledger_incubators")
    client.get(url)
    # The CSV is streamed: its rows are read while it is sent, inside the count.
    with django_assert_num_queries(8):
        response = client.get(url, {"_export": "csv"})
        text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200
    assert text.count("\n") == SIZES[size][0] + 1
