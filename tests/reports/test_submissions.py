"""The reporting flow of one region × quarter: 填报 → 上报 → 审核 / 退回,
who may do what in which state, and the record every step leaves."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from reports.choices import NOT_STARTED, NoticeKind, Source, SubmissionAction, SubmissionState
from reports.figures.changes import FigureChange
from reports.figures.quarters import close_quarter
from reports.figures.services import record_figures
from reports.figures.submissions import (
    SubmissionError,
    approve,
    approve_many,
    return_submission,
    states_for,
    submit,
    unapproved_regions,
)
from reports.models import Figure, Notice, Submission
from tests.conftest import make_user

Q = (2026, 4)


def fill(plan, user, region, value="1", **kwargs):
    """Every indicator of ``region`` for 2026 Q4 (what a complete report needs)."""
    changes = [
        FigureChange(indicator.pk, region.pk, *Q, Decimal(value))
        for indicator in plan.indicators.filter(by_region=True)
    ]
    return record_figures(plan, user, changes, source=Source.FORM, **kwargs)


def state(region) -> str:
    return states_for(region.plan, *Q, [region])[region.pk]


def actions(region) -> list[str]:
    submission = Submission.objects.get(region=region, year=Q[0], quarter=Q[1])
    return list(submission.events.order_by("at", "pk").values_list("action", flat=True))


@pytest.fixture
def submitted(plan, official, region_a):
    fill(plan, official, region_a)
    submit(plan, official, region_a, *Q)
    return region_a


def test_nothing_entered_is_not_started(plan, region_a):
    assert state(region_a) == NOT_STARTED


def test_a_township_saving_its_own_figures_makes_a_draft(plan, official, region_a):
    fill(plan, official, region_a)
    assert state(region_a) == SubmissionState.DRAFT
    assert actions(region_a) == [SubmissionAction.SAVE]


def test_a_township_cannot_write_another_region(plan, official, region_b):
    with pytest.raises(PermissionDenied):
        fill(plan, official, region_b)
    assert not Figure.objects.exists()


def test_a_township_cannot_write_county_figures(plan, official):
    carriers = plan.indicators.get(by_region=False)
    with pytest.raises(PermissionDenied):
        record_figures(
            plan, official, [FigureChange(carriers.pk, None, *Q, Decimal(1))], source=Source.FORM
        )


def test_a_leader_writes_nothing(plan, leader, region_a):
    with pytest.raises(PermissionDenied):
        fill(plan, leader, region_a)


def test_submit_needs_every_indicator_filled(plan, official, region_a):
    space = plan.indicators.get(code="space")
    record_figures(
        plan, official, [FigureChange(space.pk, region_a.pk, *Q, Decimal(1))], source=Source.FORM
    )
    with pytest.raises(SubmissionError, match="尚未填写"):
        submit(plan, official, region_a, *Q)
    assert state(region_a) == SubmissionState.DRAFT


def test_zero_is_a_figure(plan, official, region_a):
    fill(plan, official, region_a, "0")
    submit(plan, official, region_a, *Q)
    assert state(region_a) == SubmissionState.SUBMITTED


def test_submitted_figures_are_locked_for_the_township(plan, official, submitted):
    with pytest.raises(SubmissionError, match="已上报"):
        fill(plan, official, submitted, "2")
    assert set(Figure.objects.values_list("value", flat=True)) == {Decimal(1)}


def test_submitting_tells_the_reviewers(plan, official, staff, region_a):
    staff.email = "bureau@example.invalid"
    staff.save()
    fill(plan, official, region_a)
    submit(plan, official, region_a, *Q)
    notice = Notice.objects.get(user=staff)
    assert notice.kind == NoticeKind.SUBMITTED
    assert "昆阳" in notice.subject


def test_return_needs_a_reason_and_reopens_for_the_township(plan, official, staff, submitted):
    with pytest.raises(SubmissionError, match="原因"):
        return_submission(plan, staff, submitted, *Q, "  ")
    return_submission(plan, staff, submitted, *Q, "空间面积偏大,请核实")
    assert state(submitted) == SubmissionState.RETURNED
    assert Submission.objects.get(region=submitted).return_reason == "空间面积偏大,请核实"
    assert Notice.objects.get(user=official).kind == NoticeKind.RETURNED
    fill(plan, official, submitted, "2")  # allowed again
    assert state(submitted) == SubmissionState.DRAFT
    submit(plan, official, submitted, *Q)
    approve(plan, staff, submitted, *Q)
    assert actions(submitted) == [
        SubmissionAction.SAVE,
        SubmissionAction.SUBMIT,
        SubmissionAction.RETURN,
        SubmissionAction.SAVE,
        SubmissionAction.SUBMIT,
        SubmissionAction.APPROVE,
    ]


def test_only_a_submitted_report_can_be_approved(plan, official, staff, region_a):
    fill(plan, official, region_a)
    with pytest.raises(SubmissionError, match="填报中"):
        approve(plan, staff, region_a, *Q)


def test_a_township_cannot_approve(plan, official, submitted):
    with pytest.raises(PermissionDenied):
        approve(plan, official, submitted, *Q)


def test_approving_a_stale_page_is_refused(plan, official, staff, submitted):
    seen = Submission.objects.get(region=submitted).version
    return_submission(plan, staff, submitted, *Q, "请核实")
    fill(plan, official, submitted, "2")
    submit(plan, official, submitted, *Q)
    with pytest.raises(SubmissionError, match="刷新"):
        approve(plan, staff, submitted, *Q, seen_version=seen)


def test_approve_many_is_all_or_nothing_per_region(
    plan, official, other_official, staff, submitted, region_b
):
    fill(plan, other_official, region_b)  # a draft: cannot be approved
    result = approve_many(plan, staff, *Q, [submitted, region_b], versions={})
    assert [r.pk for r in result.done] == [submitted.pk]
    assert list(result.refused) == ["鳌江"]
    assert state(submitted) == SubmissionState.APPROVED
    assert state(region_b) == SubmissionState.DRAFT


def test_staff_entering_for_a_township_counts_at_once(plan, staff, region_a):
    fill(plan, staff, region_a)
    assert state(region_a) == SubmissionState.APPROVED
    assert actions(region_a) == [SubmissionAction.PROXY]


def test_staff_entering_part_of_a_report_leaves_it_uncounted(plan, staff, region_a):
    """One cell typed by the bureau into a report with nothing else: the other
    indicators have no figure, so the report is not approved (an approved
    one would count them as 0); it is a draft until it is complete."""
    first = plan.indicators.filter(by_region=True).first()
    result = record_figures(
        plan, staff, [FigureChange(first.pk, region_a.pk, *Q, Decimal("2"))], source=Source.FORM
    )
    assert state(region_a) == SubmissionState.DRAFT
    assert actions(region_a) == [SubmissionAction.PROXY]
    assert [(name, period.code) for name, period in result.unapproved] == [("昆阳", "2026Q4")]
    assert "昆阳2026年第4季度" in result.describe_unapproved()
    assert not Notice.objects.exists()  # nothing approved: the township is told nothing
    result = fill(plan, staff, region_a)  # the rest typed in: now it counts
    assert state(region_a) == SubmissionState.APPROVED and result.unapproved == []


def test_staff_writing_into_an_incomplete_returned_report_keeps_it_returned(plan, staff, submitted):
    return_submission(plan, staff, submitted, *Q, "请核实")
    indicators = list(plan.indicators.filter(by_region=True))
    Figure.objects.filter(region=submitted, indicator=indicators[0]).delete()  # one lacking
    change = FigureChange(indicators[-1].pk, submitted.pk, *Q, Decimal(5))
    result = record_figures(plan, staff, [change], source=Source.FORM)
    assert state(submitted) == SubmissionState.RETURNED and result.unapproved


@pytest.mark.parametrize("approved", [False, True])
def test_staff_blanking_a_figure_of_a_handed_in_report_sends_it_back_to_draft(
    plan, staff, submitted, approved
):
    """An approved report counts every indicator, a blank as 0: a correction
    that blanks one (the grid's empty cell, an upload's, the admin's delete)
    sends the report back to 填报中, uncounted, until it is complete again."""
    if approved:
        approve(plan, staff, submitted, *Q)
    first = plan.indicators.filter(by_region=True).first()
    blank = [FigureChange(first.pk, submitted.pk, *Q, None)]
    result = record_figures(plan, staff, blank, source=Source.FORM)
    assert state(submitted) == SubmissionState.DRAFT
    assert [(name, period.code) for name, period in result.unapproved] == [("昆阳", "2026Q4")]
    assert actions(submitted)[-1] == SubmissionAction.PROXY
    assert not Notice.objects.filter(kind=NoticeKind.SUBMITTED, read_at__isnull=True).exists()
    fill(plan, staff, submitted)  # completed by the bureau: counted again
    assert state(submitted) == SubmissionState.APPROVED


def test_a_correction_that_blanks_nothing_keeps_the_report_as_it_is(plan, staff, submitted):
    approve(plan, staff, submitted, *Q)
    first = plan.indicators.filter(by_region=True).first()
    record_figures(
        plan, staff, [FigureChange(first.pk, submitted.pk, *Q, Decimal(9))], source=Source.FORM
    )
    assert state(submitted) == SubmissionState.APPROVED


def test_a_submitted_report_lacking_a_figure_is_not_approved(plan, staff, submitted):
    """(an indicator added to the plan after it was handed in)"""
    first = plan.indicators.filter(by_region=True).first()
    Figure.objects.filter(region=submitted, indicator=first).delete()
    with pytest.raises(SubmissionError) as refused:
        approve(plan, staff, submitted, *Q)
    assert "尚有指标未填写,不能审核通过" in refused.value.messages[0]
    assert first.name in refused.value.messages[0]
    assert state(submitted) == SubmissionState.SUBMITTED


def test_figures_the_ledger_derives_for_staff_approve_no_report(plan, staff, official, region_a):
    """A township's draft lacking one figure, which a ledger edit by staff
    then derives: the draft stays the township's (not approved behind its
    back, nor notified as such); the write is recorded as a correction."""
    indicators = list(plan.indicators.filter(by_region=True))
    changes = [FigureChange(i.pk, region_a.pk, *Q, Decimal(1)) for i in indicators[:-1]]
    record_figures(plan, official, changes, source=Source.FORM)
    derived = [FigureChange(indicators[-1].pk, region_a.pk, *Q, Decimal(2))]
    record_figures(plan, staff, derived, source=Source.LEDGER)
    assert state(region_a) == SubmissionState.DRAFT
    assert actions(region_a)[-1] == SubmissionAction.PROXY
    assert not Notice.objects.filter(kind=NoticeKind.APPROVED).exists()


def test_staff_correcting_a_report_under_review_keeps_it_under_review(plan, staff, submitted):
    fill(plan, staff, submitted, "3")
    assert state(submitted) == SubmissionState.SUBMITTED
    assert actions(submitted)[-1] == SubmissionAction.PROXY


def test_a_township_cannot_change_a_closed_quarter(plan, official, staff, region_a):
    close_quarter(plan, staff, *Q, reason="年终结账", override=True)
    with pytest.raises(Exception, match="已关闭"):
        fill(plan, official, region_a)


def test_unapproved_regions_lists_every_region_not_approved(plan, official, staff, submitted):
    approve(plan, staff, submitted, *Q)
    names = [region.name for region in unapproved_regions(plan, *Q)]
    assert "昆阳" not in names and len(names) == plan.regions.count() - 1


def test_reviewers_are_staff_and_admins_only(plan, official, groups, region_a):
    from regions.roles import Role

    make_user("boss", Role.LEADER)
    bureau = make_user("bureau", Role.COUNTY_STAFF)
    fill(plan, official, region_a)
    submit(plan, official, region_a, *Q)
    assert set(Notice.objects.values_list("user__username", flat=True)) == {bureau.username}
