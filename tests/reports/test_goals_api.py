"""The read-only goals endpoint: the page's numbers, county-wide users only,
documented in the OpenAPI schema."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from reports.choices import GoalStatus
from reports.models import GoalFigure
from targets.ledger import LedgerSource
from targets.models import Goal
from tests.reports.test_api import generated_schema
from tests.targets.test_goals_workbook import SEED_GOALS


def test_the_goals_endpoint_gives_the_pages_numbers(client_for, leader, staff, demo):
    bases = Goal.objects.get(code="bases")
    LedgerSource.objects.filter(goal__code="bases").delete()  # its own series, not the ledger's
    GoalFigure.objects.update_or_create(
        goal=bases, year=2026, quarter=2, defaults={"value": 29, "entered_by": staff}
    )
    client = client_for(leader)
    page = client.get(reverse("reports:goals"), {"period": "2026Q2"})
    shown = {row["text"]: row for row in page.context["goal_table"].data.data}

    response = client.get(reverse("api:goals"), {"period": "2026Q2"})

    assert response.status_code == 200
    body = response.json()
    assert body["period"] == "2026Q2"
    assert [g["text"] for g in body["goals"]] == [text for text, *_ in SEED_GOALS]
    for goal in body["goals"]:
        row = shown[goal["text"]]
        value = None if goal["value"] is None else Decimal(goal["value"])
        assert (value, goal["status"]) == (row["value"], row["status"])
    by_code = {g["code"]: g for g in body["goals"]}
    assert (by_code["bases"]["value"], by_code["bases"]["measured_at"]) == ("29.000000", "2026Q2")
    assert (by_code["talents"]["goal"], by_code["talents"]["annex_total"]) == (
        "5000.0000",
        "6000.0000",
    )
    # The same value against the annex's 6000: the page's note says the same.
    annex_label = GoalStatus(by_code["talents"]["annex_status"]).label
    assert f"6000人({annex_label})" in shown["累计新增创新创业人才超5000人"]["note"]
    assert by_code["space"]["annex_status"] is None  # the annex says 70 too
    assert [y["year"] for y in by_code["enterprises"]["years"]] == [2025, 2026]


def test_a_township_official_is_refused_the_countys_goals(client_for, official, demo):
    response = client_for(official).get(reverse("api:goals"))
    assert response.status_code == 403


def test_a_bad_period_answers_400(client_for, leader, demo):
    response = client_for(leader).get(reverse("api:goals"), {"period": "2031Q1"})
    assert response.status_code == 400 and "period" in response.json()


def test_the_schema_documents_the_goals_endpoint():
    schema = generated_schema()
    operation = schema["paths"]["/api/v1/goals/"]["get"]
    assert {"200", "400", "401", "403", "404"} <= set(operation["responses"])
    assert "period" in [p["name"] for p in operation["parameters"]]
