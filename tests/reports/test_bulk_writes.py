"""A write of many figures (an import of the whole county) costs as many
queries as a write of a few, and keeps everything a single save keeps: the
figure's new value and version, a history row with who, why and how, and
each touched report's state and event."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.choices import Source, SubmissionAction, SubmissionState
from reports.figures.changes import FigureChange
from reports.figures.services import record_figures
from reports.models import Figure, Submission, SubmissionEvent


def _cells(plan, regions, periods, value, *, every_indicator=False):
    """One indicator's cells (or, with ``every_indicator``, whole reports)."""
    indicators = plan.indicators.filter(by_region=True)
    return [
        FigureChange(
            indicator_id=indicator.pk,
            region_id=region.pk,
            year=year,
            quarter=quarter,
            value=Decimal(value),
            note=None,
        )
        for indicator in (indicators if every_indicator else indicators[:1])
        for region in regions
        for year, quarter in periods
    ]


def _queries(plan, user, changes, reason) -> int:
    with CaptureQueriesContext(connection) as queries:
        record_figures(plan, user, changes, source=Source.COMMAND, reason=reason)
    return len(queries)


@pytest.mark.usefixtures("every_quarter_begun")
def test_writing_every_region_and_two_quarters_takes_as_many_queries_as_one_cell(plan, staff):
    regions = list(plan.regions.all())
    assert len(regions) > 5
    _queries(plan, staff, _cells(plan, regions[:1], [(2027, 4)], "1"), "warm up")  # permissions
    one = _queries(plan, staff, _cells(plan, regions[:1], [(2027, 1)], "1"), "few")
    many = _queries(plan, staff, _cells(plan, regions, [(2027, 2), (2027, 3)], "2"), "many")
    assert many == one
    # And again as updates of what is there (versions bumped, history kept).
    one = _queries(plan, staff, _cells(plan, regions[:1], [(2027, 1)], "3"), "few")
    many = _queries(plan, staff, _cells(plan, regions, [(2027, 2), (2027, 3)], "4"), "many")
    assert many == one


@pytest.mark.usefixtures("every_quarter_begun")
def test_a_bulk_update_keeps_each_figures_history_with_user_and_reason(plan, staff):
    regions = list(plan.regions.all())
    periods = [(2027, 2), (2027, 3)]
    record_figures(plan, staff, _cells(plan, regions, periods, "1.5"), source=Source.COMMAND)
    record_figures(
        plan, staff, _cells(plan, regions, periods, "2.25"), source=Source.COMMAND, reason="fix"
    )
    figures = Figure.objects.filter(year=2027, quarter__in=(2, 3))
    assert figures.count() == len(regions) * 2
    assert {(f.value, f.version) for f in figures} == {(Decimal("2.25"), 2)}
    for figure in figures:
        created, changed = figure.history.order_by("history_id")
        assert (created.history_type, created.value, created.version) == ("+", Decimal("1.5"), 1)
        assert (changed.history_type, changed.value, changed.version) == ("~", Decimal("2.25"), 2)
        assert changed.history_user == staff and changed.entered_by == staff
        assert changed.history_change_reason == f"{Source.COMMAND.value}: fix"
        assert changed.entered_at == figure.entered_at


@pytest.mark.usefixtures("every_quarter_begun")
def test_the_bureaus_bulk_entry_approves_each_report_once_with_one_event(plan, staff):
    regions = list(plan.regions.all())
    returned = Submission.objects.create(
        plan=plan, region=regions[0], year=2027, quarter=2, state=SubmissionState.RETURNED
    )
    submitted = Submission.objects.create(
        plan=plan, region=regions[1], year=2027, quarter=2, state=SubmissionState.SUBMITTED
    )
    whole = _cells(plan, regions, [(2027, 2)], "1", every_indicator=True)
    record_figures(plan, staff, whole, source=Source.COMMAND)
    states = dict(Submission.objects.filter(year=2027, quarter=2).values_list("region_id", "state"))
    assert len(states) == len(regions)
    assert states.pop(submitted.region_id) == SubmissionState.SUBMITTED  # kept: under review
    assert set(states.values()) == {SubmissionState.APPROVED}
    returned.refresh_from_db()
    assert returned.version == 2
    events = SubmissionEvent.objects.filter(submission__year=2027, submission__quarter=2)
    assert events.count() == len(regions)
    assert set(events.values_list("action", flat=True)) == {SubmissionAction.PROXY}
    assert events.get(submission=submitted).state == SubmissionState.SUBMITTED
