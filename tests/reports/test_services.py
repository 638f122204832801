"""record_figures, close_quarter, reopen_quarter: all or nothing, permission
checked, closed quarters refused, conflicts detected, history kept."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from reports.choices import QuarterAction, Source
from reports.figures.changes import (
    FigureChange,
    FigureConflictError,
    FigureError,
    QuarterClosedError,
)
from reports.figures.quarters import close_quarter, reopen_quarter
from reports.figures.services import record_figures
from reports.models import Figure, QuarterEvent
from tests.reports.reviewing import approve_all, enter_county_only


@pytest.fixture
def space(plan):
    return plan.indicators.get(code="space")


@pytest.fixture
def carriers(plan):
    return plan.indicators.get(code="carriers")


def change(indicator, region, value, year=2025, quarter=1, **kwargs):
    return FigureChange(
        indicator.pk,
        region.pk if region else None,
        year,
        quarter,
        None if value is None else Decimal(value),
        **kwargs,
    )


def test_staff_records_figures_with_history(plan, staff, space, carriers, region_a):
    result = record_figures(
        plan,
        staff,
        [change(space, region_a, "0.35"), change(carriers, None, "2")],
        source=Source.FORM,
    )
    assert result.created == 2
    figure = Figure.objects.get(indicator=space, region=region_a)
    assert figure.value == Decimal("0.35") and figure.entered_by == staff
    record = figure.history.get()
    assert record.history_user == staff and record.history_change_reason == "form"


def test_correction_keeps_old_and_new_values(plan, staff, space, region_a):
    record_figures(plan, staff, [change(space, region_a, "1")], source=Source.FORM)
    result = record_figures(plan, staff, [change(space, region_a, "1.5")], source=Source.UPLOAD)
    assert result.updated == 1
    assert [(c.old, c.new) for c in result.changes] == [(Decimal(1), Decimal("1.5"))]
    newest, oldest = Figure.objects.get().history.all()[:2]
    delta = newest.diff_against(oldest)
    assert [(c.field, c.old, c.new) for c in delta.changes if c.field == "value"] == [
        ("value", Decimal("1.0000"), Decimal("1.5000"))
    ]
    assert newest.history_change_reason == "upload"


def test_unchanged_value_writes_nothing(plan, staff, space, region_a):
    record_figures(plan, staff, [change(space, region_a, "1")], source=Source.FORM)
    result = record_figures(plan, staff, [change(space, region_a, "1.00")], source=Source.FORM)
    assert result.unchanged == 1 and not result.changes
    assert Figure.objects.get().history.count() == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "不能为负数"),
        ("1.234", "最多 2 位小数"),
        ("99999999999", "数值过大"),
        ("NaN", "不是有效的数字"),
    ],
)
def test_bad_value_is_refused_and_nothing_is_written(plan, staff, space, region_a, value, message):
    good = change(space, plan.regions.get(name="鳌江"), "1")
    with pytest.raises(FigureError) as error:
        record_figures(plan, staff, [good, change(space, region_a, value)], source=Source.FORM)
    assert any(message in m for m in error.value.messages)
    assert not Figure.objects.exists()


def test_whole_numbers_only_for_count_indicators(plan, staff, region_a):
    enterprises = plan.indicators.get(code="enterprises")
    with pytest.raises(FigureError) as error:
        record_figures(plan, staff, [change(enterprises, region_a, "2.5")], source=Source.FORM)
    assert "只能填整数" in error.value.messages[0]


def test_structure_mistakes_are_refused(plan, staff, space, carriers, region_a):
    cases = [
        (change(space, None, "1"), "全县数为各乡镇之和"),
        (change(carriers, region_a, "1"), "仅在全县一级填报"),
        (change(space, region_a, "1", year=2030), "不在计划期内"),
    ]
    for bad, message in cases:
        with pytest.raises(FigureError) as error:
            record_figures(plan, staff, [bad], source=Source.FORM)
        assert message in error.value.messages[0]
    with pytest.raises(FigureError) as error:
        record_figures(
            plan,
            staff,
            [change(space, region_a, "1"), change(space, region_a, "2")],
            source=Source.FORM,
        )
    assert "出现了两次" in error.value.messages[0]
    assert not Figure.objects.exists()


# A township official records their own region only (tests/reports/test_submissions.py).
@pytest.mark.parametrize(("persona", "region"), [("leader", "region_a"), ("official", "region_b")])
def test_only_staff_may_record_any_region(plan, space, persona, region, request):
    with pytest.raises(PermissionDenied):
        record_figures(
            plan,
            request.getfixturevalue(persona),
            [change(space, request.getfixturevalue(region), "1")],
            source=Source.FORM,
        )


def test_second_editor_gets_a_conflict_not_a_silent_overwrite(plan, staff, space, region_a):
    record_figures(plan, staff, [change(space, region_a, "1")], source=Source.FORM)
    # Two editors both loaded version 1; the first saves 2, the second 3.
    record_figures(plan, staff, [change(space, region_a, "2", seen_version=1)], source=Source.FORM)
    with pytest.raises(FigureConflictError) as error:
        record_figures(
            plan, staff, [change(space, region_a, "3", seen_version=1)], source=Source.FORM
        )
    [conflict] = error.value.conflicts
    assert conflict.current_value == 2 and conflict.change.value == 3
    assert Figure.objects.get().value == 2


def test_new_cell_saved_meanwhile_is_a_conflict(plan, staff, space, region_a):
    record_figures(plan, staff, [change(space, region_a, "1", seen_version=0)], source=Source.FORM)
    with pytest.raises(FigureConflictError):
        record_figures(
            plan, staff, [change(space, region_a, "5", seen_version=0)], source=Source.FORM
        )


def test_closed_quarter_refuses_writes_until_reopened(plan, staff, space, region_a):
    approve_all(plan, 2025, 1)
    enter_county_only(plan, staff, 2025, 1)
    close_quarter(plan, staff, 2025, 1)
    with pytest.raises(QuarterClosedError) as error:
        record_figures(plan, staff, [change(space, region_a, "1")], source=Source.COMMAND)
    assert "已关闭" in error.value.messages[0]
    for blank in ["  ", "\u200b\u200d"]:  # nothing that shows
        with pytest.raises(FigureError, match="重新开放季度必须说明原因"):
            reopen_quarter(plan, staff, 2025, 1, reason=blank)
    reopen_quarter(plan, staff, 2025, 1, reason="昆阳补报")
    record_figures(plan, staff, [change(space, region_a, "1")], source=Source.COMMAND)
    events = list(QuarterEvent.objects.order_by("at", "pk").values_list("action", "reason"))
    assert events == [(QuarterAction.CLOSE, ""), (QuarterAction.REOPEN, "昆阳补报")]


def test_leader_cannot_close_a_quarter(plan, leader):
    with pytest.raises(PermissionDenied):
        close_quarter(plan, leader, 2025, 1)


def test_clearing_a_cell_deletes_the_figure_with_history(plan, staff, space, region_a):
    record_figures(plan, staff, [change(space, region_a, "1")], source=Source.FORM)
    result = record_figures(plan, staff, [change(space, region_a, None)], source=Source.FORM)
    assert result.cleared == 1 and not Figure.objects.exists()
    assert Figure.history.filter(history_type="-").count() == 1
