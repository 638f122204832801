"""The evaluation page: scores from approved operating data, what each role
sees, and the bureau's decisions with their reasons and history."""

import io
from datetime import date
from decimal import Decimal as D

import openpyxl
import pytest
from django.urls import reverse

from reports.choices import IncubatorStatus, SubmissionState
from reports.models import (
    EvaluationDecision,
    Incubator,
    IncubatorQuarter,
    Submission,
)
from targets.models import EvaluationCriterion, EvaluationThresholds

URL = reverse("reports:ledger_evaluation")
YEAR = 2025


def incubator(region, name, kind="incubator", status=IncubatorStatus.OPERATING):
    return Incubator.objects.create(
        region=region,
        name=name,
        kind=kind,
        floor_area=D("1.00"),
        status=status,
        status_since=date(2025, 1, 1),
        operating_since=date(2025, 1, 1),
    )


def quarter(inc, q, occ, rev="0", grads=0):
    return IncubatorQuarter.objects.create(
        incubator=inc,
        year=YEAR,
        quarter=q,
        occupancy_rate=D(occ),
        enterprises=10,
        new_talent=0,
        financing=D(0),
        revenue=D(rev),
        graduates=grads,
        lead_industry_enterprises=0,
        lead_industry_revenue=D(0),
    )


def report(plan, region, q, state=SubmissionState.APPROVED):
    Submission.objects.update_or_create(
        plan=plan, region=region, year=YEAR, quarter=q, defaults={"state": state}
    )


@pytest.fixture
def ledger(plan, region_a, region_b):
    """The scoring test's A, B, C (worked out by hand there), now in the
    database: A and C in 昆阳, B in 鳌江. Weights 2/1/1; revenue against 1000.
    Totals: A 77.5, B 25, C 45. B's second quarter is only submitted: it must
    not count (it would lift B's occupancy)."""
    EvaluationCriterion.objects.filter(plan=plan).delete()
    EvaluationCriterion.objects.create(
        plan=plan, code="occ", name="入驻率", metric="occupancy_rate", weight=2, order=1
    )
    EvaluationCriterion.objects.create(
        plan=plan, code="rev", name="营收", metric="revenue", weight=1, full_marks_at=1000, order=2
    )
    EvaluationCriterion.objects.create(
        plan=plan, code="grad", name="毕业", metric="graduates", weight=1, order=3
    )
    EvaluationThresholds.objects.create(
        plan=plan, recommend_min_score=70, recommend_top=1, rectify_below=50, delist_below=30
    )
    a = incubator(region_a, "甲孵化器")
    c = incubator(region_a, "丙孵化器")
    b = incubator(region_b, "乙孵化器")
    silent = incubator(region_b, "丁孵化器")
    incubator(region_b, "已摘牌孵化器", status=IncubatorStatus.DELISTED)
    quarter(a, 1, "80", rev="300", grads=1)
    quarter(a, 2, "90", rev="300", grads=1)
    quarter(b, 1, "60", rev="1500")
    quarter(b, 2, "100")
    quarter(c, 1, "70", grads=4)
    report(plan, region_a, 1)
    report(plan, region_a, 2)
    report(plan, region_b, 1)
    report(plan, region_b, 2, SubmissionState.SUBMITTED)
    return {"a": a, "b": b, "c": c, "silent": silent}


def rows_of(response):
    return {row.incubator.name: row for row in response.context["evaluation"].rows}


def test_staff_see_every_operating_incubator_scored_from_approved_data(client_for, staff, ledger):
    response = client_for(staff).get(URL, {"year": YEAR})

    assert response.status_code == 200
    rows = rows_of(response)
    assert set(rows) == {"甲孵化器", "乙孵化器", "丙孵化器", "丁孵化器"}  # not the delisted one
    assert [rows[n].total for n in ("甲孵化器", "乙孵化器", "丙孵化器")] == [
        D("77.50"),
        D("25.00"),
        D("45.00"),
    ]
    assert rows["丁孵化器"].total is None
    html = response.content.decode()
    assert (
        '<td class="num">77.5</td>' in html
        and "择优申报" in html
        and "摘牌" in html
        and "未报运营数据" in html
    )


def test_an_official_sees_their_own_incubators_with_the_countys_scores(
    client_for, official, ledger
):
    response = client_for(official).get(URL, {"year": YEAR})

    rows = rows_of(response)
    assert set(rows) == {"甲孵化器", "丙孵化器"}
    # Scored against every incubator of the kind, not only those the reader sees.
    assert rows["丙孵化器"].total == D("45.00")
    assert "乙孵化器" not in response.content.decode()
    assert "记录评估决定" not in response.content.decode()


def test_staff_record_a_decision_that_moves_the_status_and_keeps_history(client_for, staff, ledger):
    client = client_for(staff)
    c = ledger["c"]
    response = client.post(
        URL, {"year": YEAR, "incubator": c.pk, "decision": "rectify", "reason": "入驻率偏低"}
    )
    assert response.status_code == 302

    decision = EvaluationDecision.objects.get(incubator=c, year=YEAR)
    assert (decision.decision, decision.score, decision.reason) == (
        "rectify",
        D("45.00"),
        "入驻率偏低",
    )
    assert decision.decided_by == staff
    c.refresh_from_db()
    assert c.status == IncubatorStatus.RECTIFYING
    assert c.history.first().history_user == staff

    client.post(URL, {"year": YEAR, "incubator": c.pk, "decision": "keep", "reason": "已整改"})
    decision.refresh_from_db()
    assert decision.decision == "keep"
    assert [h.decision for h in decision.history.order_by("history_date")] == ["rectify", "keep"]
    c.refresh_from_db()
    assert c.status == IncubatorStatus.OPERATING


def test_a_rectifying_incubator_still_below_the_line_becomes_a_delisting_candidate(
    client_for, staff, ledger
):
    Incubator.objects.filter(pk=ledger["c"].pk).update(status=IncubatorStatus.RECTIFYING)
    rows = rows_of(client_for(staff).get(URL, {"year": YEAR}))
    assert rows["丙孵化器"].result.candidacy == "delist"


@pytest.mark.parametrize(
    "data",
    [
        {"decision": "rectify", "reason": "  "},
        {"decision": "promote", "reason": "理由"},
        {"decision": "rectify", "reason": "x" * 2001},
        {"incubator": "not-a-number", "decision": "rectify", "reason": "理由"},
        {"incubator": 999999, "decision": "rectify", "reason": "理由"},
    ],
)
def test_a_bad_decision_says_why_and_changes_nothing(client_for, staff, ledger, data):
    post = {"year": YEAR, "incubator": ledger["c"].pk, **data}
    response = client_for(staff).post(URL, post)

    assert response.status_code == 400
    assert "请选择载体和决定,并填写理由。" in response.content.decode()
    assert not EvaluationDecision.objects.exists()
    assert Incubator.objects.get(pk=ledger["c"].pk).status == IncubatorStatus.OPERATING


def test_a_reason_that_shows_nothing_is_no_reason(client_for, staff, ledger):
    post = {"year": YEAR, "incubator": ledger["c"].pk, "decision": "rectify", "reason": "\u200b"}
    response = client_for(staff).post(URL, post)

    assert response.status_code == 400
    assert "请填写决定理由。" in response.content.decode()
    assert not EvaluationDecision.objects.exists()
    assert Incubator.objects.get(pk=ledger["c"].pk).status == IncubatorStatus.OPERATING


@pytest.mark.parametrize("who", ["official", "leader"])
def test_only_staff_may_decide(client_for, request, ledger, who):
    user = request.getfixturevalue(who)
    post = {"year": YEAR, "incubator": ledger["a"].pk, "decision": "recommend", "reason": "好"}
    response = client_for(user).post(URL, post)

    assert response.status_code == 403
    assert not EvaluationDecision.objects.exists()


@pytest.mark.parametrize("year", ["2024", "2028", "abc", "2025; drop"])
def test_a_year_outside_the_plan_is_not_found(client_for, staff, ledger, year):
    assert client_for(staff).get(URL, {"year": year}).status_code == 404


@pytest.mark.parametrize("year", ["", None])
def test_a_decision_posted_without_its_year_is_refused_not_put_in_this_year(
    client_for, staff, ledger, year
):
    post = {"incubator": ledger["c"].pk, "decision": "rectify", "reason": "入驻率偏低"}
    if year is not None:
        post["year"] = year
    response = client_for(staff).post(f"{URL}?year={YEAR}", post)

    assert response.status_code == 400
    assert "提交的年度无效,未记录任何决定。" in response.content.decode()
    assert not EvaluationDecision.objects.exists()


def test_the_export_holds_the_page_numbers(client_for, staff, ledger):
    response = client_for(staff).get(URL, {"year": YEAR, "_export": "xlsx"})

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows[0]
    totals = {row[header.index("载体名称")]: row[header.index("总分")] for row in rows[1:]}
    assert str(totals["甲孵化器"]) in ("77.5", "77.50")
    assert str(totals["丙孵化器"]) in ("45", "45.0", "45.00")


def test_without_criteria_the_page_says_so(client_for, staff, plan):
    EvaluationCriterion.objects.filter(plan=plan).delete()
    response = client_for(staff).get(URL)
    assert response.status_code == 200
    assert "尚未设定绩效评估指标" in response.content.decode()


def test_queries_do_not_grow_with_incubators(
    client_for, staff, ledger, region_a, region_b, django_assert_num_queries, plan
):
    """Pinned at the handful of the fixture and again at 2,000 incubators with
    a year of operating data each."""
    client = client_for(staff)
    client.get(URL, {"year": YEAR})  # warm the session and caches
    with django_assert_num_queries(12):
        client.get(URL, {"year": YEAR})
    many = Incubator.objects.bulk_create(
        Incubator(
            region=(region_a, region_b)[n % 2],
            name=f"批量孵化器{n}",
            kind=("incubator", "makerspace", "base")[n % 3],
            floor_area=D("1.00"),
            status=IncubatorStatus.OPERATING,
            status_since=date(2025, 1, 1),
            operating_since=date(2025, 1, 1),
        )
        for n in range(2000)
    )
    IncubatorQuarter.objects.bulk_create(
        IncubatorQuarter(
            incubator=inc,
            year=YEAR,
            quarter=q,
            occupancy_rate=D(n % 100),
            enterprises=10,
            new_talent=n % 7,
            financing=D(0),
            revenue=D(n),
            graduates=n % 3,
            lead_industry_enterprises=0,
            lead_industry_revenue=D(0),
        )
        for n, inc in enumerate(many)
        for q in (1, 2)
    )
    with django_assert_num_queries(12):
        response = client.get(URL, {"year": YEAR})
    assert len(response.context["evaluation"].rows) == 2004
    assert len(response.context["table"].page.object_list) == 100  # a page at a time
