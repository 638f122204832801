"""The stock goals the ledger counts (孵化基地30个以上, 省级及以上孵化器超3家,
省级及以上众创空间超10家): from the ledger once the plan keeps one, from their
reported series before."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from reports.choices import IncubatorStatus
from reports.models import GoalFigure
from targets.choices import IncubatorKind, IncubatorLevel
from tests.reports.ledger_factories import incubator

GOALS = reverse("api:goals")


def goal_value(client, code, period="2025Q4"):
    body = client.get(GOALS, {"period": period}).json()
    return next(g for g in body["goals"] if g["code"] == code)["value"]


def page_value(client, text, period="2025Q4"):
    page = client.get(reverse("reports:goals"), {"period": period})
    return {row["text"]: row for row in page.context["goal_table"].data.data}[text]["value"]


def test_without_a_ledger_a_stock_goal_shows_its_reported_series(client_for, leader, plan):
    goal = plan.goals.get(code="provincial-incubators")
    GoalFigure.objects.create(goal=goal, year=2025, quarter=4, value=7)
    assert goal_value(client_for(leader), "provincial-incubators") == "7.000000"


def test_with_a_ledger_the_stock_is_the_ledgers_on_the_page_and_the_api(
    client_for, leader, plan, region_a, region_b
):
    goal = plan.goals.get(code="provincial-incubators")
    GoalFigure.objects.create(goal=goal, year=2025, quarter=4, value=7)
    province = [(IncubatorLevel.PROVINCE, date(2025, 3, 1))]
    incubator(region_a, "省级甲", levels=province)
    incubator(region_b, "省级乙", levels=province)
    incubator(region_b, "国家级", levels=[(IncubatorLevel.NATIONAL, date(2024, 3, 1))])
    incubator(region_b, "市级", levels=[(IncubatorLevel.CITY, date(2025, 3, 1))])
    incubator(region_b, "省级众创", kind=IncubatorKind.MAKERSPACE, levels=province)
    incubator(
        region_a,
        "摘牌",
        levels=province,
        status=IncubatorStatus.DELISTED,
        status_since=date(2025, 6, 1),
    )
    client = client_for(leader)
    assert goal_value(client, "provincial-incubators") == "3.000000"
    assert page_value(client, goal.text) == 3
    # The makerspace goal counts the makerspace; the bases goal (各类孵化基地,
    # bases of every kind) every carrier operating, whatever its kind or level.
    assert goal_value(client, "provincial-maker-spaces") == "1.000000"
    assert goal_value(client, "bases") == "5.000000"
    # At the end of 2025 Q1 the de-listed one still operated.
    assert goal_value(client, "provincial-incubators", "2025Q1") == "4.000000"
