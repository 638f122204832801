"""台账核对: per indicator the ledger counts, the ledger's number beside the
approved figure, a difference highlighted with the records behind it by name;
a township official sees their own rows only; constant queries."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from reports.choices import SubmissionState
from reports.demo.scale import generate_plan
from reports.models import Figure, Submission
from targets.choices import IncubatorLevel
from tests.reports.ledger_factories import enterprise, incubator

URL = reverse("reports:ledger_reconcile")


def report(plan, region, indicator_code, value, *, year=2025, quarter=1, approved=True):
    """A figure of ``region`` (None: the county's own) and its region's report."""
    indicator = plan.indicators.get(code=indicator_code)
    Figure.objects.create(
        indicator=indicator, region=region, year=year, quarter=quarter, value=Decimal(value)
    )
    if region is not None:
        Submission.objects.get_or_create(
            plan=plan,
            region=region,
            year=year,
            quarter=quarter,
            defaults={"state": SubmissionState.APPROVED if approved else SubmissionState.SUBMITTED},
        )


def approve_the_rest(plan, year=2025, quarter=1):
    """Every other region's report for the quarter approved too (nothing in
    it): the county's row then sets a whole sum against the ledger."""
    for region in plan.regions.all():
        Submission.objects.get_or_create(
            plan=plan,
            region=region,
            year=year,
            quarter=quarter,
            defaults={"state": SubmissionState.APPROVED},
        )


def rows(response) -> list[tuple[bool, str]]:
    """Each table row: (highlighted as a difference, its text)."""
    html = response.content.decode()
    body = html[html.index("<tbody") :]
    found = []
    for attrs, inner in re.findall(r"<tr([^>]*)>(.*?)</tr>", body, re.S):
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inner)).strip()
        found.append(('data-differs="1"' in attrs, text))
    return found


def row_for(response, place, *words) -> tuple[bool, str]:
    """The row of ``place`` (its first cell) holding ``words``."""
    matching = [
        row
        for row in rows(response)
        if row[1].startswith(f"{place} ") and all(word in row[1] for word in words)
    ]
    assert len(matching) == 1, (place, words, rows(response))
    return matching[0]


def ledger_space(plan, region):
    incubator(region, "甲科创园", area="1.50", opened=date(2025, 2, 1))
    return "新增孵化空间面积", "1.5", ["甲科创园"]


def ledger_carriers(plan, region):
    incubator(region, "乙创业园", levels=[(IncubatorLevel.CITY, date(2025, 2, 1))])
    return "新增市级及以上孵化载体", "1", ["乙创业园"]


def ledger_entries(plan, region):
    home = incubator(region, "丙园")
    enterprise(home, "甲企业", date(2025, 1, 10))
    enterprise(home, "乙企业", date(2025, 3, 10))
    enterprise(home, "往年企业", date(2024, 3, 10))
    return "新增在孵企业(项目)", "2", ["甲企业", "乙企业"]


def ledger_tech(plan, region):
    home = incubator(region, "丁园")
    high_tech = plan.ledger_flags.get(code="high-tech")
    enterprise(home, "高企甲", date(2024, 1, 10), flags=[(high_tech, date(2025, 3, 1))])
    return "新培育省级及以上科技企业", "1", ["高企甲"]


def ledger_titles(plan, region):
    new_quality = plan.ledger_flags.get(code="new-quality")
    incubator(region, "新质园", flags=[(new_quality, date(2025, 3, 1))])
    return "新建成新质孵化器", "1", ["新质园"]


# indicator code → (build the ledger, where the figure is: region or county)
CASES = {
    "space": (ledger_space, "region"),
    "carriers": (ledger_carriers, "county"),
    "enterprises": (ledger_entries, "region"),
    "tech-enterprises": (ledger_tech, "region"),
    "incubators-20": (ledger_titles, "region"),
}


@pytest.mark.parametrize("code", list(CASES))
def test_a_difference_is_highlighted_with_the_records_behind_the_ledger(
    client_for, staff, plan, region_a, code
):
    build, where = CASES[code]
    name, ledger, records = build(plan, region_a)
    place = region_a if where == "region" else None
    report(plan, place, code, "3")
    response = client_for(staff).get(URL, {"period": "2025Q1"})
    assert response.status_code == 200
    place_name = region_a.name if place else plan.county_name
    highlighted, text = row_for(response, place_name, name)
    assert highlighted
    # ledger, reported, ledger − reported, then the year to date alike
    numbers = re.findall(r"-?\d+(?:\.\d+)?", text)
    assert numbers[:3] == [ledger, "3", str(Decimal(ledger) - 3)]
    for record in records:
        assert record in text
    assert "往年企业" not in text


@pytest.mark.parametrize("code", list(CASES))
def test_an_agreeing_figure_is_not_highlighted(client_for, staff, plan, region_a, code):
    build, where = CASES[code]
    name, ledger, records = build(plan, region_a)
    place = region_a if where == "region" else None
    report(plan, place, code, ledger)
    response = client_for(staff).get(URL, {"period": "2025Q1"})
    highlighted, text = row_for(response, region_a.name if place else plan.county_name, name)
    assert not highlighted
    assert records[0] not in text  # records are listed for differences only


def test_a_figure_not_yet_approved_reads_not_reported(client_for, staff, plan, region_a):
    ledger_space(plan, region_a)
    report(plan, region_a, "space", "3", approved=False)
    response = client_for(staff).get(URL, {"period": "2025Q1"})
    highlighted, text = row_for(response, region_a.name, "新增孵化空间面积")
    assert not highlighted and "未报" in text


def test_year_to_date_adds_the_earlier_quarters(client_for, staff, plan, region_a):
    ledger_space(plan, region_a)  # 1.5 in Q1
    incubator(region_a, "二季度园", area="0.50", opened=date(2025, 5, 1))
    report(plan, region_a, "space", "1.5", quarter=1)
    report(plan, region_a, "space", "1", quarter=2)
    response = client_for(staff).get(URL, {"period": "2025Q2"})
    highlighted, text = row_for(response, region_a.name, "新增孵化空间面积")
    assert highlighted
    assert re.findall(r"-?\d+(?:\.\d+)?", text)[:6] == ["0.5", "1", "-0.5", "2", "2.5", "-0.5"]
    assert "甲科创园" in text and "二季度园" in text


def test_a_quarter_not_yet_approved_reads_not_reported_for_the_year_to_date_too(
    client_for, staff, plan, region_a
):
    """Q1 approved, Q2 submitted only: the region's Q2 row reads 未报 in the
    quarter's and the year's columns alike, as every other page does, and
    Q1 alone is set against no ledger number (no false difference)."""
    ledger_space(plan, region_a)  # 1.5 in Q1
    incubator(region_a, "二季度园", area="0.50", opened=date(2025, 5, 1))
    report(plan, region_a, "space", "1.5", quarter=1)
    report(plan, region_a, "space", "0.5", quarter=2, approved=False)
    response = client_for(staff).get(URL, {"period": "2025Q2"})
    highlighted, text = row_for(response, region_a.name, "新增孵化空间面积")
    assert not highlighted
    assert text.count("未报") == 2
    assert re.findall(r"-?\d+(?:\.\d+)?", text) == ["0.5", "2"]  # the ledger's alone


def test_the_county_counts_a_firm_two_townships_report_once(
    client_for, staff, plan, region_a, region_b
):
    enterprise(incubator(region_a, "甲园"), "同名科技有限公司", date(2025, 2, 1))
    enterprise(incubator(region_b, "乙园"), "同名科技（有限公司）", date(2025, 2, 1))
    report(plan, region_a, "enterprises", "1")
    report(plan, region_b, "enterprises", "1")
    approve_the_rest(plan)
    response = client_for(staff).get(URL, {"period": "2025Q1"})
    highlighted, text = row_for(response, plan.county_name, "新增在孵企业")
    assert highlighted
    assert re.findall(r"-?\d+(?:\.\d+)?", text)[:3] == ["1", "2", "-1"]


def test_a_township_official_sees_only_their_own_rows(
    client_for, official, plan, region_a, region_b
):
    ledger_space(plan, region_a)
    incubator(region_b, "别处园", area="2.00", opened=date(2025, 2, 1))
    report(plan, region_a, "space", "3")
    report(plan, region_b, "space", "3")
    response = client_for(official).get(URL, {"period": "2025Q1"})
    text = " ".join(text for _flag, text in rows(response))
    assert region_a.name in text and "甲科创园" in text
    assert region_b.name not in text and "别处园" not in text
    assert plan.county_name not in text  # no county rows, no county-only indicator
    assert "新增市级及以上孵化载体" not in text


def test_the_export_lists_the_numbers_and_records(client_for, staff, plan, region_a):
    ledger_space(plan, region_a)
    report(plan, region_a, "space", "3")
    response = client_for(staff).get(URL, {"period": "2025Q1", "_export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    row = next(r for r in values if r[0] == region_a.name and r[1] == "新增孵化空间面积")
    assert row[3:6] == [1.5, 3, -1.5]
    assert row[-1] == "甲科创园"


def count(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.slow
def test_reconciliation_costs_the_same_queries_at_two_sizes(client_for, staff, demo):
    """The demo (9 regions, 49 incubators, 685 enterprises) against a plan of
    30 regions, 300 incubators and 3,000 enterprises: several times as many
    of each, so a query per region, incubator or enterprise would show. The
    page reads every record in one query per kind (nothing in chunks or
    pages a larger ledger would cross); it shows 30 records a row
    (``RECORDS_SHOWN``), and the county rows here hold more than that."""
    client = client_for(staff)
    small = count(client, {"period": "2026Q2"})
    generate_plan(
        regions=30,
        indicators=6,
        years=3,
        seed=7,
        incubators_per_region=10,
        enterprises_per_incubator=10,
    )
    large = count(client, {"period": "2026Q2"})
    # session, user and permissions (no session write within the minute), plan,
    # notices, the scope's regions, submissions, closed quarters, the county-only
    # indicators entered, ledger
    # sources and their flags, incubators, recognitions, incubator titles,
    # enterprises, their titles, indicators, figures; 2 savepoints.
    assert small == large == 19, (small, large)


def test_the_county_row_names_each_records_township(client_for, staff, plan, region_a, region_b):
    ledger_space(plan, region_a)
    incubator(region_b, "乙科创园", area="0.50", opened=date(2025, 3, 1))
    report(plan, region_a, "space", "1.5")
    report(plan, region_b, "space", "0.5")
    report(plan, plan.regions.get(code="shuitou"), "space", "1")
    approve_the_rest(plan)
    response = client_for(staff).get(URL, {"period": "2025Q1"})
    highlighted, text = row_for(response, plan.county_name, "新增孵化空间面积")
    assert highlighted
    assert f"甲科创园({region_a.name})" in text and f"乙科创园({region_b.name})" in text


def test_the_county_row_reads_partly_reported_while_a_region_is_not_approved(
    client_for, staff, plan, region_a, region_b
):
    """region_a and region_b agree with the ledger; region_b's report is not
    approved yet and its firm is in the ledger. The county row sets no sum
    of the approved regions against a ledger that counts every region's
    firms: 部分未报 for the quarter and the year, no difference counted, in
    the page and the export alike. Once every region is approved it compares."""
    enterprise(incubator(region_a, "甲园"), "甲科技有限公司", date(2025, 2, 1))
    enterprise(incubator(region_b, "乙园"), "乙科技有限公司", date(2025, 2, 1))
    report(plan, region_a, "enterprises", "1")
    report(plan, region_b, "enterprises", "1", approved=False)
    response = client_for(staff).get(URL, {"period": "2025Q1"})
    highlighted, text = row_for(response, plan.county_name, "新增在孵企业")
    assert not highlighted
    assert text.count("部分未报") == 2
    assert re.findall(r"-?\d+(?:\.\d+)?", text) == ["2", "2"]  # the ledger's alone
    assert "0 行有差异" in response.content.decode()
    sheet = load_workbook(
        BytesIO(client_for(staff).get(URL, {"period": "2025Q1", "_export": "xlsx"}).content)
    ).active
    county = [
        [cell.value for cell in row]
        for row in sheet.iter_rows(min_row=2)
        if row[0].value == plan.county_name and "新增在孵企业" in row[1].value
    ]
    assert county == [
        [
            plan.county_name,
            "新增在孵企业(项目)",
            "个",
            2,
            "部分未报",
            None,
            2,
            "部分未报",
            None,
            None,
        ]
    ]

    Submission.objects.filter(region=region_b).update(state=SubmissionState.APPROVED)
    approve_the_rest(plan)
    response = client_for(staff).get(URL, {"period": "2025Q1"})
    highlighted, text = row_for(response, plan.county_name, "新增在孵企业")
    assert not highlighted and "未报" not in text
    assert re.findall(r"-?\d+(?:\.\d+)?", text)[:6] == ["2", "2", "0", "2", "2", "0"]


def test_the_demo_shows_agreements_and_differences(client_for, leader, demo):
    response = client_for(leader).get(URL)
    flags = [highlighted for highlighted, _text in rows(response)]
    assert True in flags and False in flags
