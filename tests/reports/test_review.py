"""The bureau's review page: every region's state for a quarter, the values
handed in beside the previous quarter and the year's target with the entry
grid's warnings, approving or returning one region or several; closing a
quarter needs every region approved, or an override with a reason; and the
region's history lists every step of its report."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.choices import NoticeKind, Source, SubmissionAction, SubmissionState
from reports.figures.changes import FigureChange, FigureError
from reports.figures.quarters import close_quarter
from reports.figures.services import record_figures
from reports.figures.submissions import SubmissionError, approve, states_for, submit
from reports.models import ClosedQuarter, Notice, QuarterEvent, Submission
from reports.progress import Period
from tests.reports.reviewing import approve_all, enter_county_only

REVIEW = reverse("reports:review")
APPROVE = reverse("reports:review_approve")
RETURN = reverse("reports:review_return")
PERIOD = "2026Q4"
Q = (2026, 4)


def fill(plan, user, region, value="1", year=2026, quarter=4):
    changes = [
        FigureChange(indicator.pk, region.pk, year, quarter, Decimal(value))
        for indicator in plan.indicators.filter(by_region=True)
    ]
    return record_figures(plan, user, changes, source=Source.FORM)


def hand_in(plan, user, region, value="1"):
    fill(plan, user, region, value)
    submit(plan, user, region, *Q)


def state(region) -> str:
    return states_for(region.plan, *Q, [region])[region.pk]


def version(region) -> int:
    return Submission.objects.get(region=region, year=Q[0], quarter=Q[1]).version


def act(client, url, regions, **extra):
    data = {
        "period": PERIOD,
        "regions": [r.pk for r in regions],
        **{f"version_{r.pk}": version(r) for r in regions},
        **extra,
    }
    return client.post(url, data)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


@pytest.fixture
def submitted(plan, official, region_a):
    hand_in(plan, official, region_a)
    return region_a


# ---------------------------------------------------------------- the page


def test_every_region_is_listed_with_its_state(client_for, staff, official, plan, submitted):
    response = client_for(staff).get(REVIEW, {"period": PERIOD})
    assert response.status_code == 200
    board = response.context["board"]
    states = {item.region.name: item.state_label for item in board.regions}
    assert len(states) == plan.regions.count()
    assert states["昆阳"] == "已上报" and states["鳌江"] == "未填报"
    html = response.content.decode()
    assert "已上报 <strong>1</strong>" in html and "未填报 <strong>8</strong>" in html


def test_submitted_values_stand_beside_the_previous_quarter_and_the_target(
    client_for, staff, official, plan, region_a
):
    fill(plan, staff, region_a, "1", quarter=3)  # the bureau's own entry of Q3
    hand_in(plan, official, region_a, "4")  # 4 万㎡ of space: 昆阳's 2026 target is 3
    response = client_for(staff).get(REVIEW, {"period": PERIOD})
    kunyang = next(item for item in response.context["board"].regions if item.region == region_a)
    space = next(line for line in kunyang.lines if line.indicator.code == "space")
    assert (space.value, space.previous, space.target) == (4, 1, 3)
    assert space.year_to_date == 5
    assert "超过全年目标" in space.warning
    talents = next(line for line in kunyang.lines if line.indicator.code == "talents")
    assert talents.target > 4  # so the warning is the other rule:
    assert "远高于以往单季最高" in talents.warning  # 4 after a best quarter of 1
    html = response.content.decode()
    assert space.warning in html and talents.warning in html


@pytest.mark.parametrize("persona", ["official", "leader", "unbound"])
def test_only_reviewers_see_the_page_or_act(client_for, request, plan, submitted, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(REVIEW).status_code == 403
    for url in (APPROVE, RETURN):
        assert act(client, url, [submitted], reason="x").status_code == 403
    assert state(submitted) == SubmissionState.SUBMITTED


# ---------------------------------------------------------------- approving


def test_staff_approve_one_region(client_for, staff, official, plan, submitted):
    response = act(client_for(staff), APPROVE, [submitted])
    assert response.status_code == 302 and response["Location"].endswith(f"?period={PERIOD}")
    assert state(submitted) == SubmissionState.APPROVED
    assert any("已审核通过:昆阳" in m for m in messages_of(response))
    assert Notice.objects.get(user=official).kind == NoticeKind.APPROVED


def test_approving_several_is_all_or_nothing_per_region(
    client_for, staff, official, other_official, plan, submitted, region_b
):
    fill(plan, other_official, region_b)  # a draft: not handed in
    response = act(client_for(staff), APPROVE, [submitted, region_b])
    assert state(submitted) == SubmissionState.APPROVED
    assert state(region_b) == SubmissionState.DRAFT
    shown = messages_of(response)
    assert any("已审核通过:昆阳" in m for m in shown)
    assert any(m.startswith("鳌江未处理") and "填报中" in m for m in shown)


def test_approving_what_changed_since_the_page_was_opened_is_refused(
    client_for, staff, official, plan, submitted
):
    seen = version(submitted)
    staff_client = client_for(staff)
    act(staff_client, RETURN, [submitted], reason="请核实")
    fill(plan, official, submitted, "2")
    submit(plan, official, submitted, *Q)
    response = staff_client.post(
        APPROVE, {"period": PERIOD, "regions": [submitted.pk], f"version_{submitted.pk}": seen}
    )
    assert state(submitted) == SubmissionState.SUBMITTED
    assert any("刷新" in m for m in messages_of(response))


@pytest.mark.parametrize("url", [APPROVE, RETURN])
def test_a_quarter_not_begun_is_refused_saying_so(client_for, staff, plan, submitted, url):
    """Not "someone else handled this report": there is no report yet."""
    response = act(client_for(staff), url, [submitted], period="2027Q1", reason="核实")
    assert messages_of(response) == ["2027年第1季度尚未开始,没有可审核或退回的数据。"]
    assert not Submission.objects.filter(year=2027).exists()
    assert state(submitted) == SubmissionState.SUBMITTED


def test_a_form_without_versions_is_refused(client_for, staff, plan, submitted):
    response = client_for(staff).post(APPROVE, {"period": PERIOD, "regions": [submitted.pk]})
    assert response.status_code == 302
    assert state(submitted) == SubmissionState.SUBMITTED
    assert any("篡改" in m for m in messages_of(response))


# ---------------------------------------------------------------- returning


def test_return_needs_a_reason_and_reaches_the_township(
    client_for, staff, official, other_official, plan, submitted, region_b
):
    hand_in(plan, other_official, region_b)
    client = client_for(staff)
    for blank in ["  ", "\u200b", "\u3000\u2060"]:  # nothing that shows
        response = act(client, RETURN, [submitted, region_b], reason=blank)
        assert "退回必须说明原因。" in messages_of(response)
    assert state(submitted) == state(region_b) == SubmissionState.SUBMITTED
    response = act(client, RETURN, [submitted, region_b], reason="长" * 2001)
    assert messages_of(response)[-1] == "退回原因不能超过 2000 个字。"  # not "needs a reason"
    assert state(submitted) == state(region_b) == SubmissionState.SUBMITTED
    act(client, RETURN, [submitted, region_b], reason="空间面积偏大,请核实")
    assert state(submitted) == state(region_b) == SubmissionState.RETURNED
    assert Submission.objects.get(region=submitted).return_reason == "空间面积偏大,请核实"
    entry = client_for(official).get(reverse("reports:entry"), {"period": PERIOD})
    assert "空间面积偏大,请核实" in entry.content.decode()


def test_an_approved_quarter_can_be_returned_while_open(client_for, staff, plan, submitted):
    approve(plan, staff, submitted, *Q)
    act(client_for(staff), RETURN, [submitted], reason="发现错误")
    assert state(submitted) == SubmissionState.RETURNED


def test_the_submitted_notice_leads_to_the_review_page(staff, official, plan, submitted):
    notice = Notice.objects.get(user=staff, kind=NoticeKind.SUBMITTED)
    assert notice.link == f"{REVIEW}?period={PERIOD}"


def test_the_review_page_opens_on_a_quarter_waiting_for_review(client_for, staff, submitted):
    fill(submitted.plan, staff, submitted.plan.regions.get(name="鳌江"), quarter=3)
    response = client_for(staff).get(REVIEW)
    assert response.context["period"].code == PERIOD


# ---------------------------------------------------------------- closing


def test_closing_needs_every_region_approved(plan, staff, official, submitted):
    with pytest.raises(FigureError, match="尚未审核") as refused:
        close_quarter(plan, staff, *Q)
    assert "鳌江" in refused.value.messages[0] and "昆阳" in refused.value.messages[0]
    assert not ClosedQuarter.objects.exists()
    approve_all(plan, *Q)
    # The bureau's own county-only figure is not in yet: closing would count it 0.
    with pytest.raises(FigureError) as refused:
        close_quarter(plan, staff, *Q)
    assert refused.value.messages[0] == (
        "以下全县指标本季度尚未填报,关闭后将按0计:新增市级及以上孵化载体。"
    )
    enter_county_only(plan, staff, *Q)
    close_quarter(plan, staff, *Q)
    assert ClosedQuarter.objects.filter(year=2026, quarter=4).exists()
    assert QuarterEvent.objects.get().reason == ""


def test_closing_with_a_county_only_indicator_blank_is_an_override_on_record(
    client_for, plan, staff
):
    approve_all(plan, *Q)
    page = client_for(staff).get(reverse("reports:quarters"), {"period": PERIOD})
    assert "全县指标尚未填报(关闭后将按0计):新增市级及以上孵化载体" in page.content.decode()
    close_quarter(plan, staff, *Q, reason="本季度无新增", override=True)
    reason = QuarterEvent.objects.get().reason
    assert reason == "仍然关闭(新增市级及以上孵化载体 未填报):本季度无新增"
    # Closed, the page says what was done, not what would be.
    page = client_for(staff).get(reverse("reports:quarters"), {"period": PERIOD}).content.decode()
    assert "全县指标关闭时未填报,已按0计:新增市级及以上孵化载体" in page
    assert "关闭后将按0计" not in page


def test_closing_with_regions_unapproved_is_an_override_with_a_reason(plan, staff, submitted):
    for blank in ["", "\u200b"]:  # a zero-width space is no reason either
        with pytest.raises(FigureError, match="原因"):
            close_quarter(plan, staff, *Q, reason=blank, override=True)
    assert not ClosedQuarter.objects.exists()
    approve(plan, staff, submitted, *Q)
    close_quarter(plan, staff, *Q, reason="年终结账,海西已电话确认", override=True)
    reason = QuarterEvent.objects.get().reason
    assert "年终结账,海西已电话确认" in reason
    assert "海西" in reason and "鳌江" in reason and "昆阳" not in reason.split(":")[0]


def test_the_quarters_page_closes_only_when_approved_or_overridden(
    client_for, staff, plan, submitted
):
    client = client_for(staff)
    page = client.get(reverse("reports:quarters"), {"period": PERIOD}).content.decode()
    assert "仍然关闭" in page and "尚未审核" in page
    close = reverse("reports:quarter_close")
    response = client.post(close, {"period": PERIOD})
    assert not ClosedQuarter.objects.exists()
    assert any("尚未审核" in m for m in messages_of(response))
    response = client.post(close, {"period": PERIOD, "override": "1", "reason": ""})
    assert not ClosedQuarter.objects.exists()
    client.post(close, {"period": PERIOD, "override": "1", "reason": "年终结账"})
    assert ClosedQuarter.objects.filter(year=2026, quarter=4).exists()
    assert "年终结账" in QuarterEvent.objects.get().reason
    # The record names the quarter and the person as the pages do elsewhere.
    staff.first_name = "张三"
    staff.save()
    page = client.get(reverse("reports:quarters"), {"period": PERIOD}).content.decode()
    assert " · 张三 · 2026年第4季度 关闭" in page and "2026Q4 关闭" not in page


def test_a_closed_quarter_cannot_be_returned(client_for, staff, plan, submitted):
    approve(plan, staff, submitted, *Q)
    close_quarter(plan, staff, *Q, reason="年终结账", override=True)
    response = act(client_for(staff), RETURN, [submitted], reason="发现错误")
    assert state(submitted) == SubmissionState.APPROVED
    assert any("已关闭" in m for m in messages_of(response))


def test_a_report_left_under_review_in_a_closed_quarter_cannot_be_approved(
    client_for, staff, plan, submitted
):
    """Closed means final: approving a report handed in but not yet approved
    when the quarter was closed would change the closed quarter's totals."""
    close_quarter(plan, staff, *Q, reason="年终结账", override=True)
    client = client_for(staff)
    page = client.get(REVIEW, {"period": PERIOD}).content.decode()
    assert f'name="regions" value="{submitted.pk}"' not in page  # nothing to tick
    assert "审核通过所选区域" not in page
    assert "本季度已关闭,不能审核或退回" in page

    response = act(client, APPROVE, [submitted])  # posted all the same
    assert state(submitted) == SubmissionState.SUBMITTED
    assert any("已关闭" in m for m in messages_of(response)), messages_of(response)
    with pytest.raises(SubmissionError, match="已关闭"):
        approve(plan, staff, submitted, *Q)
    assert state(submitted) == SubmissionState.SUBMITTED


def test_the_review_page_opens_on_an_open_quarter_not_a_closed_one(
    client_for, staff, plan, submitted, other_official, region_b
):
    """A closed quarter's waiting report can no longer be reviewed: the page
    opens on the latest open quarter with one waiting instead."""
    fill(plan, other_official, region_b, year=2026, quarter=3)
    submit(plan, other_official, region_b, 2026, 3)
    close_quarter(plan, staff, *Q, reason="年终结账", override=True)
    assert client_for(staff).get(REVIEW).context["period"] == Period(2026, 3)


# ---------------------------------------------------------------- history


def test_the_history_lists_every_step_of_the_report(client_for, staff, official, plan, region_a):
    fill(plan, official, region_a)
    submit(plan, official, region_a, *Q)
    client = client_for(staff)
    act(client, RETURN, [region_a], reason="请补充人才数")
    fill(plan, official, region_a, "2")
    submit(plan, official, region_a, *Q)
    act(client, APPROVE, [region_a])
    for viewer in (official, staff):
        response = client_for(viewer).get(
            reverse("reports:history", args=[region_a.code]), {"period": PERIOD}
        )
        rows = response.context["event_table"].data.data
        assert [(r["action"], r["state"]) for r in reversed(rows)] == [
            (SubmissionAction.SAVE.label, SubmissionState.DRAFT.label),
            (SubmissionAction.SUBMIT.label, SubmissionState.SUBMITTED.label),
            (SubmissionAction.RETURN.label, SubmissionState.RETURNED.label),
            (SubmissionAction.SAVE.label, SubmissionState.DRAFT.label),
            (SubmissionAction.SUBMIT.label, SubmissionState.SUBMITTED.label),
            (SubmissionAction.APPROVE.label, SubmissionState.APPROVED.label),
        ]
        assert rows[3]["user"] == staff.username and rows[3]["reason"] == "请补充人才数"
        html = response.content.decode()
        assert "请补充人才数" in html and "审核通过" in html


def test_the_history_records_the_bureaus_entry_on_behalf(client_for, staff, plan, region_a):
    fill(plan, staff, region_a)
    response = client_for(staff).get(
        reverse("reports:history", args=[region_a.code]), {"period": PERIOD}
    )
    rows = response.context["event_table"].data.data
    assert [(r["action"], r["user"]) for r in rows] == [
        (SubmissionAction.PROXY.label, staff.username)
    ]


def test_the_review_page_reads_as_many_queries_for_one_report_as_for_many(
    client_for, staff, official, other_official, plan, region_a, region_b
):
    client = client_for(staff)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(REVIEW, {"period": PERIOD}).status_code == 200
        return len(captured)

    hand_in(plan, official, region_a)
    one = queries()
    hand_in(plan, other_official, region_b)
    for region in plan.regions.exclude(pk__in=[region_a.pk, region_b.pk])[:3]:
        fill(plan, staff, region)  # the bureau's own entries, approved, with their steps
    act(client, RETURN, [region_a], reason="请核实")
    assert queries() == one


@pytest.mark.parametrize(
    ("action", "posted", "said"),
    [
        ("reports:quarter_close", {"period": "abc"}, "无效的季度。"),
        ("reports:quarter_close", {"period": "2030Q1"}, "该季度不在计划期内。"),
        ("reports:quarter_close", {}, "请选择季度。"),
        ("reports:quarter_reopen", {"period": PERIOD}, "重新开放必须填写原因(将被记录)。"),
    ],
)
def test_a_bad_close_or_reopen_says_what_was_wrong_and_changes_nothing(
    client_for, staff, plan, action, posted, said
):
    response = client_for(staff).post(reverse(action), posted)
    assert messages_of(response) == [said]
    assert not ClosedQuarter.objects.exists() and not QuarterEvent.objects.exists()
