"""Due dates: the default (quarter end + REPORT_DUE_DAYS), staff's own date
for a quarter, who is overdue, and where it shows: the quarters page for staff,
the "待填报" box on a township's own page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from reports.choices import NOT_STARTED, Source, SubmissionState
from reports.figures import deadlines
from reports.figures.changes import FigureChange, FigureError
from reports.figures.deadlines import (
    due_date,
    due_for_region,
    overdue_by_quarter,
    overdue_regions,
    set_due_date,
)
from reports.figures.quarters import close_quarter
from reports.figures.services import record_figures
from reports.figures.submissions import approve, return_submission, submit
from reports.models import Deadline


def fill(plan, user, region, year, quarter, *, only_one=False):
    indicators = list(plan.indicators.filter(by_region=True))
    changes = [
        FigureChange(indicator.pk, region.pk, year, quarter, Decimal(1))
        for indicator in indicators[: 1 if only_one else None]
    ]
    record_figures(plan, user, changes, source=Source.FORM)


def submitted(plan, official, region, year, quarter):
    fill(plan, official, region, year, quarter)
    submit(plan, official, region, year, quarter)


@pytest.fixture
def on_day(monkeypatch):
    """``on_day(date)``: the pages see that date as today."""

    def set_today(day: date):
        monkeypatch.setattr(deadlines, "today", lambda: day)

    return set_today


# --- the due date ---------------------------------------------------------------


def test_the_default_due_date_is_the_quarter_end_plus_the_setting(plan, settings):
    assert due_date(plan, 2026, 3) == date(2026, 10, 10)
    assert due_date(plan, 2025, 4) == date(2026, 1, 10)
    settings.REPORT_DUE_DAYS = 15
    assert due_date(plan, 2026, 1) == date(2026, 4, 15)


def test_staff_set_a_quarters_due_date_and_clear_it(plan, staff):
    set_due_date(plan, staff, 2026, 3, date(2026, 10, 20))
    assert due_date(plan, 2026, 3) == date(2026, 10, 20)
    assert Deadline.objects.get().set_by == staff
    assert due_date(plan, 2026, 2) == date(2026, 7, 10)  # other quarters keep theirs

    assert set_due_date(plan, staff, 2026, 3, None) == date(2026, 10, 10)
    assert due_date(plan, 2026, 3) == date(2026, 10, 10)
    assert not Deadline.objects.exists()


@pytest.mark.parametrize("who", ["official", "leader"])
def test_only_those_who_manage_quarters_set_due_dates(plan, request, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        set_due_date(plan, user, 2026, 3, date(2026, 10, 20))
    assert not Deadline.objects.exists()


def test_a_mistyped_due_date_is_refused(plan, staff):
    with pytest.raises(FigureError):
        set_due_date(plan, staff, 2026, 3, date(2062, 10, 20))
    with pytest.raises(FigureError):
        set_due_date(plan, staff, 2031, 3, date(2031, 10, 20))  # outside the plan
    assert not Deadline.objects.exists()


# --- who is overdue ------------------------------------------------------------


def names(regions) -> list[str]:
    return [region.name for region in regions]


def test_nobody_is_overdue_until_the_day_after_the_due_date(plan):
    assert overdue_regions(plan, 2026, 3, date(2026, 10, 10)) == []
    assert len(overdue_regions(plan, 2026, 3, date(2026, 10, 11))) == plan.regions.count()


def test_a_submitted_or_approved_region_is_not_overdue(
    plan, staff, official, region_a, region_b, other_official
):
    submitted(plan, official, region_a, 2026, 3)
    submitted(plan, other_official, region_b, 2026, 3)
    approve(plan, staff, region_b, 2026, 3)
    late = names(overdue_regions(plan, 2026, 3, date(2026, 10, 11)))
    assert region_a.name not in late and region_b.name not in late
    assert len(late) == plan.regions.count() - 2


def test_a_draft_and_a_returned_report_are_overdue(
    plan, staff, official, region_a, region_b, other_official
):
    fill(plan, official, region_a, 2026, 3)  # draft
    submitted(plan, other_official, region_b, 2026, 3)
    return_submission(plan, staff, region_b, 2026, 3, "数字有误")
    late = names(overdue_regions(plan, 2026, 3, date(2026, 10, 11)))
    assert region_a.name in late and region_b.name in late


def test_staff_moving_the_due_date_moves_who_is_overdue(plan, staff):
    set_due_date(plan, staff, 2026, 3, date(2026, 10, 31))
    assert overdue_regions(plan, 2026, 3, date(2026, 10, 20)) == []
    set_due_date(plan, staff, 2026, 3, date(2026, 10, 5))
    assert len(overdue_regions(plan, 2026, 3, date(2026, 10, 6))) == plan.regions.count()


def test_a_closed_quarter_has_nobody_overdue(plan, staff):
    close_quarter(plan, staff, 2026, 2, reason="已核定", override=True)
    assert overdue_regions(plan, 2026, 2, date(2026, 11, 1)) == []
    counts = overdue_by_quarter(plan, date(2026, 11, 1))
    assert (2026, 2) not in counts
    assert counts[(2026, 3)] == plan.regions.count()


def test_overdue_by_quarter_counts_the_late_regions_of_each_quarter(plan, official, region_a):
    submitted(plan, official, region_a, 2026, 1)
    counts = overdue_by_quarter(plan, date(2026, 7, 11))
    regions = plan.regions.count()
    assert counts == {
        (2025, 1): regions, (2025, 2): regions, (2025, 3): regions, (2025, 4): regions,
        (2026, 1): regions - 1, (2026, 2): regions,
    }  # fmt: skip


# --- the township's "待填报" list ---------------------------------------------------


def test_due_for_region_lists_open_unsubmitted_quarters_up_to_the_current_one(
    plan, staff, official, region_a
):
    submitted(plan, official, region_a, 2025, 1)
    close_quarter(plan, staff, 2025, 2, reason="已核定", override=True)
    fill(plan, official, region_a, 2025, 3, only_one=True)

    due = due_for_region(plan, region_a, date(2025, 10, 12))

    assert [(d.period.code, d.state, d.overdue) for d in due] == [
        ("2025Q3", SubmissionState.DRAFT, True),
        ("2025Q4", NOT_STARTED, False),  # the current quarter, due 2026-01-10
    ]
    assert due[0].due == date(2025, 10, 10)


def test_due_for_region_shows_staffs_date_and_the_return_reason(plan, staff, official, region_a):
    submitted(plan, official, region_a, 2025, 1)
    return_submission(plan, staff, region_a, 2025, 1, "请核对空间面积")
    set_due_date(plan, staff, 2025, 1, date(2025, 4, 30))

    (first, *_rest) = due_for_region(plan, region_a, date(2025, 4, 20))

    assert first.period.code == "2025Q1"
    assert first.due == date(2025, 4, 30)
    assert first.state == SubmissionState.RETURNED
    assert first.return_reason == "请核对空间面积"
    assert not first.overdue


def test_nothing_is_due_before_the_plan_starts(plan, region_a):
    assert due_for_region(plan, region_a, date(2024, 12, 31)) == []


# --- pages ---------------------------------------------------------------------------


def test_the_township_page_shows_its_official_what_is_due(
    client_for, plan, official, region_a, on_day
):
    on_day(date(2025, 7, 20))
    submitted(plan, official, region_a, 2025, 1)

    page = client_for(official).get(reverse("reports:township", args=[region_a.code]))

    text = page.content.decode()
    assert "待填报" in text
    assert "?period=2025Q1" not in text  # submitted: nothing due
    entry = reverse("reports:entry")
    assert f'href="{entry}?period=2025Q2"' in text
    assert f'href="{entry}?period=2025Q3"' in text
    due = page.context["due_quarters"]
    assert [(d.period.code, d.overdue) for d in due] == [("2025Q2", True), ("2025Q3", False)]
    assert text.count("已逾期") == 1
    assert "list-group-item-danger" in text


def test_the_township_page_says_when_nothing_is_due(client_for, plan, official, region_a, on_day):
    on_day(date(2025, 3, 1))
    submitted(plan, official, region_a, 2025, 1)
    page = client_for(official).get(reverse("reports:township", args=[region_a.code]))
    assert page.context["due_quarters"] == []
    assert "目前没有待填报的季度" in page.content.decode()


def test_a_leader_sees_no_due_box(client_for, plan, leader, region_a, on_day):
    on_day(date(2025, 7, 20))
    page = client_for(leader).get(reverse("reports:township", args=[region_a.code]))
    assert page.context["due_quarters"] is None
    assert "待填报" not in page.content.decode()


def test_staff_see_the_due_box_of_any_township(client_for, plan, staff, region_b, on_day):
    on_day(date(2025, 7, 20))
    page = client_for(staff).get(reverse("reports:township", args=[region_b.code]))
    assert [d.period.code for d in page.context["due_quarters"]] == [
        "2025Q1", "2025Q2", "2025Q3",
    ]  # fmt: skip


def test_the_quarters_page_flags_overdue_regions(
    client_for, plan, staff, official, region_a, on_day
):
    on_day(date(2026, 10, 11))
    submitted(plan, official, region_a, 2026, 3)

    page = client_for(staff).get(reverse("reports:quarters"), {"period": "2026Q3"})

    text = page.content.decode()
    late = [late.region.name for late in page.context["deadlines"].late]
    assert region_a.name not in late
    assert len(late) == plan.regions.count() - 1
    assert f"{len(late)} 个区域逾期未上报" in text
    assert "2026-10-10" in text
    # the quarters table flags each late quarter with its count
    row = next(r for r in page.context["quarters_table"].rows if r.record["code"] == "2026Q3")
    assert row.record["overdue"] == len(late)
    assert f"{len(late)} 个逾期" in text


def test_staff_set_the_due_date_on_the_quarters_page(client_for, plan, staff):
    client = client_for(staff)
    response = client.post(
        reverse("reports:quarter_due"), {"period": "2026Q3", "due": "2026-10-25"}
    )
    assert response.status_code == 302
    assert due_date(plan, 2026, 3) == date(2026, 10, 25)
    page = client.get(reverse("reports:quarters"), {"period": "2026Q3"})
    assert "由 staff 设置" in page.content.decode()

    client.post(reverse("reports:quarter_due"), {"period": "2026Q3", "clear": "1"})
    assert due_date(plan, 2026, 3) == date(2026, 10, 10)


def test_a_bad_due_date_changes_nothing(client_for, plan, staff):
    client = client_for(staff)
    client.post(reverse("reports:quarter_due"), {"period": "2026Q3", "due": "not a date"})
    client.post(reverse("reports:quarter_due"), {"period": "2026Q3"})
    client.post(reverse("reports:quarter_due"), {"period": "2099Q3", "due": "2099-10-20"})
    assert not Deadline.objects.exists()


@pytest.mark.parametrize("who", ["official", "leader"])
def test_others_cannot_set_a_due_date(client_for, plan, request, who):
    user = request.getfixturevalue(who)
    response = client_for(user).post(
        reverse("reports:quarter_due"), {"period": "2026Q3", "due": "2026-10-25"}
    )
    assert response.status_code == 403
    assert not Deadline.objects.exists()
