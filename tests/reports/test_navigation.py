"""The top bar: each role finds the pages it works with, each link opens, and
the bar speaks the plan's words and the user's language."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

LINK = re.compile(r'<li class="nav-item"><a class="nav-link" href="([^"]*)">([^<]*)</a></li>')

COUNTY = [
    ("reports:overview", "全县总览"),
    ("reports:matrix", "乡镇矩阵"),
    ("reports:goals", "三年目标"),
    ("reports:briefing", "季度通报"),
    ("reports:measures", "任务推进"),
    ("reports:ledger_reconcile", "台账核对"),
    ("targets:plan", "计划目标"),
    ("reports:ledger_incubators", "孵化载体台账"),
]
STAFF_WORK = [
    ("reports:entry", "数据填报"),
    ("reports:review", "数据审核"),
    ("reports:goal_entry", "目标数据"),
    ("reports:quarters", "季度管理"),
]
TOWNSHIP = [
    ("home", "本乡镇"),
    ("reports:briefing", "季度通报"),
    ("reports:measures", "任务推进"),
    ("reports:ledger_reconcile", "台账核对"),
    ("targets:plan", "计划目标"),
    ("reports:ledger_incubators", "孵化载体台账"),
    ("reports:entry", "数据填报"),
]
BAR = {
    "staff": COUNTY + STAFF_WORK,
    "leader": COUNTY,
    "official": TOWNSHIP,
    # Not the plan's targets: they are by region, and a liaison has none (403).
    "liaison": [("home", "本部门"), ("reports:measures", "任务推进")],
    "admin_user": COUNTY + STAFF_WORK + [("admin:index", "管理后台")],
}


def bar(client, **headers) -> list[tuple[str, str]]:
    response = client.get(reverse("password_change"), **headers)
    assert response.status_code == 200
    return LINK.findall(response.content.decode())


@pytest.mark.parametrize("persona", BAR)
def test_each_role_finds_its_pages_in_the_bar_and_each_opens(persona, request, demo, client_for):
    client = client_for(request.getfixturevalue(persona))
    links = bar(client)
    assert links == [(reverse(name), label) for name, label in BAR[persona]]
    for url, label in links:
        assert client.get(url, follow=True).status_code == 200, (persona, label)


def test_the_bar_uses_the_plans_words(demo, staff, client_for):
    demo.county_name, demo.region_term = "全市", "区县"
    demo.save()
    labels = [label for _url, label in bar(client_for(staff))]
    assert labels[:2] == ["全市总览", "区县矩阵"]


def test_a_plan_without_headline_goals_offers_no_goals_pages(demo, staff, client_for):
    """Another county's plan may list no goals: neither the goals page nor
    their entry is offered, the rest of the bar is unchanged."""
    demo.goals.all().delete()
    links = bar(client_for(staff))
    goals_pages = {("reports:goals", "三年目标"), ("reports:goal_entry", "目标数据")}
    expected = [(n, label) for n, label in COUNTY + STAFF_WORK if (n, label) not in goals_pages]
    assert links == [(reverse(name), label) for name, label in expected]


def test_the_bar_is_in_english_for_an_english_reader(demo, official, client_for):
    client = client_for(official)
    client.cookies["django_language"] = "en"
    labels = [label for _url, label in bar(client)]
    assert labels[1:] == [
        "Quarterly briefing",
        "Measures",
        "Ledger reconciliation",
        "Plan targets",
        "Incubator ledger",
        "Enter figures",
    ]


def test_anonymous_pages_have_no_bar(plan, client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert not LINK.findall(response.content.decode())
