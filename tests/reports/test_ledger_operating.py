"""Quarterly operating data per incubator: written under the figures' rules
(who, which region, submission state, closed quarters, conflicts), checked
cell by cell, all or nothing, with history; counted once approved."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from regions.roles import Role
from reports.choices import Source, SubmissionState
from reports.figures.changes import FigureError, QuarterClosedError
from reports.figures.quarters import close_quarter
from reports.figures.submissions import (
    SubmissionError,
    approve,
    return_submission,
    states_for,
    submit,
)
from reports.ledger.operating import (
    METRIC_NAMES,
    OperatingChange,
    OperatingConflictError,
    counted_quarters,
    record_operating_data,
)
from reports.models import IncubatorQuarter, Submission
from tests.conftest import make_user
from tests.reports.operating_data import Q, change, incubator
from tests.reports.test_submissions import fill


@pytest.fixture(autouse=True)
def chinese():
    """The messages are checked in Chinese, the UI's language: a page test run
    before in English must not leave its language active in this thread."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def hub(region_a):
    return incubator(region_a, "昆阳科创孵化器")


@pytest.fixture
def other_hub(region_b):
    return incubator(region_b, "鳌江众创空间")


def write(plan, user, rows, **kwargs):
    return record_operating_data(plan, user, rows, source=Source.FORM, **kwargs)


def state(region, period=Q):
    return states_for(region.plan, *period, [region])[region.pk]


def test_a_township_writes_its_own_incubator_as_a_draft(plan, official, hub, region_a):
    summary = write(plan, official, [change(hub)])
    row = IncubatorQuarter.objects.get(incubator=hub, year=2026, quarter=1)
    stored = (row.occupancy_rate, row.revenue, row.version)
    assert stored == (Decimal("85.5"), Decimal("1500.25"), 1)
    assert row.entered_by == official
    assert summary.created == [hub.pk]
    assert state(region_a) == SubmissionState.DRAFT


def test_every_change_keeps_history_with_who_and_how(plan, official, hub):
    write(plan, official, [change(hub)])
    write(plan, official, [change(hub, revenue="1600")], reason="更正")
    history = IncubatorQuarter.history.filter(incubator_id=hub.pk).order_by("history_date")
    assert [(h.revenue, h.history_user, h.history_change_reason) for h in history] == [
        (Decimal("1500.25"), official, "form"),
        (Decimal("1600"), official, "form: 更正"),
    ]
    assert IncubatorQuarter.objects.get(incubator=hub).version == 2


def test_a_township_cannot_write_another_regions_incubator(plan, official, hub, other_hub):
    with pytest.raises(PermissionDenied):
        write(plan, official, [change(hub), change(other_hub)])
    assert not IncubatorQuarter.objects.exists()


def test_leaders_cannot_write(plan, leader, hub):
    with pytest.raises(PermissionDenied):
        write(plan, leader, [change(hub)])


def test_staff_entry_is_a_proxy_entry_approved_once_the_report_is_complete(
    plan, staff, other_hub, region_b
):
    """The bureau's operating rows for a region whose figures of the quarter
    are not in yet: kept, not approved (the report would count the missing
    figures as 0); once the figures are entered too, the report is approved
    and the rows count."""
    write(plan, staff, [change(other_hub, period=(2026, 4))])
    assert state(region_b, (2026, 4)) == SubmissionState.DRAFT
    assert counted_quarters(plan).count() == 0
    fill(plan, staff, region_b)  # every figure of 2026 Q4
    assert state(region_b, (2026, 4)) == SubmissionState.APPROVED
    assert counted_quarters(plan).count() == 1


def test_a_handed_in_quarter_is_closed_to_the_township_but_staff_may_correct(
    plan, official, staff, hub, region_a
):
    fill(plan, official, region_a)  # figures of 2026 Q4
    write(plan, official, [change(hub, period=(2026, 4))])
    submit(plan, official, region_a, 2026, 4)
    with pytest.raises(SubmissionError) as refused:
        write(plan, official, [change(hub, period=(2026, 4), revenue="2000")])
    assert "已上报" in refused.value.messages[0]
    write(plan, staff, [change(hub, period=(2026, 4), revenue="2000")])
    assert IncubatorQuarter.objects.get(incubator=hub).revenue == Decimal("2000")
    assert state(region_a, (2026, 4)) == SubmissionState.SUBMITTED


def test_operating_data_count_only_once_the_report_is_approved(
    plan, official, staff, hub, region_a
):
    fill(plan, official, region_a)
    write(plan, official, [change(hub, period=(2026, 4))])
    assert counted_quarters(plan).count() == 0
    submit(plan, official, region_a, 2026, 4)
    assert counted_quarters(plan).count() == 0
    approve(plan, staff, region_a, 2026, 4)
    assert list(counted_quarters(plan)) == [IncubatorQuarter.objects.get()]


def test_a_closed_quarter_refuses_everyone(plan, staff, hub):
    close_quarter(plan, staff, *Q, "年终", override=True)
    with pytest.raises(QuarterClosedError):
        write(plan, staff, [change(hub)])
    assert not IncubatorQuarter.objects.exists()


@pytest.mark.parametrize(
    ("column", "text", "words"),
    [
        ("occupancy_rate", "120", "入驻率(%):入驻率应在 0 到 100 之间"),
        ("enterprises", "3.5", "在孵企业数:应为整数"),
        ("new_talent", "-1", "新增人才(人):不能为负数"),
        ("financing", "1.234", "到账融资(万元):最多两位小数"),
        # Too many digits to round to 0.01 (was a server error): too big.
        ("financing", "123456789012345678901234567890.123", "到账融资(万元):数值过大"),
        ("occupancy_rate", "99999999999999999999999999.999", "入驻率应在 0 到 100 之间"),
        ("lead_industry_enterprises", "21", "主导产业企业数:主导产业企业数不能大于在孵企业数(20)"),
        ("lead_industry_revenue", "2000", "主导产业营业收入不能大于营业收入(1500.25)"),
        ("graduates", None, "毕业企业数:未填写(没有请填 0)"),
    ],
)
def test_a_bad_cell_names_incubator_and_column_and_nothing_is_written(
    plan, staff, hub, other_hub, column, text, words
):
    with pytest.raises(FigureError) as refused:
        write(plan, staff, [change(other_hub), change(hub, **{column: text})])
    assert any(m.startswith("昆阳科创孵化器 · ") and words in m for m in refused.value.messages)
    assert not IncubatorQuarter.objects.exists()
    assert not Submission.objects.exists()


def test_a_row_seen_at_an_older_version_is_a_conflict(plan, staff, hub):
    colleague = make_user("staff2", Role.COUNTY_STAFF)
    write(plan, staff, [change(hub, seen_version=0)])
    write(plan, colleague, [change(hub, revenue="1000", seen_version=1)])
    with pytest.raises(OperatingConflictError) as refused:
        write(plan, staff, [change(hub, revenue="2000", seen_version=1)])
    assert refused.value.conflicts[0].current_version == 2
    assert "昆阳科创孵化器" in refused.value.messages[0]
    assert IncubatorQuarter.objects.get().revenue == Decimal("1000")


def test_clearing_every_cell_deletes_the_row_and_history_keeps_it(plan, official, hub):
    write(plan, official, [change(hub)])
    empty = OperatingChange(hub.pk, *Q, values=dict.fromkeys(METRIC_NAMES))
    summary = write(plan, official, [empty])
    assert summary.cleared == [hub.pk]
    assert not IncubatorQuarter.objects.exists()
    assert IncubatorQuarter.history.filter(history_type="-").count() == 1


def test_an_unchanged_row_is_not_rewritten(plan, official, hub):
    write(plan, official, [change(hub)])
    summary = write(plan, official, [change(hub)])
    assert (summary.changed, summary.unchanged) == (0, 1)
    assert IncubatorQuarter.objects.get().version == 1


def test_a_quarter_outside_the_plan_is_refused(plan, staff, hub):
    with pytest.raises(FigureError) as refused:
        write(plan, staff, [change(hub, period=(2030, 1))])
    assert "不在计划期内" in refused.value.messages[0]


def test_staff_operating_rows_never_approve_a_returned_report(plan, staff, official, hub, region_a):
    """麻步's case: its figures complete, its report returned. The bureau
    typing an incubator's operating row is a correction of that report, not
    its approval behind the township's back."""
    fill(plan, official, region_a)  # figures of 2026 Q4
    submit(plan, official, region_a, 2026, 4)
    return_submission(plan, staff, region_a, 2026, 4, "请核实营业收入")
    write(plan, staff, [change(hub, period=(2026, 4))])
    assert state(region_a, (2026, 4)) == SubmissionState.RETURNED
    assert counted_quarters(plan).count() == 0
