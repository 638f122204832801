"""The life of an uploaded file between preview and confirmation
(``reports.figures.uploads``): staged for its uploader only, for a day;
confirmed once through the one write path, or discarded."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from regions.roles import Role
from reports.figures.changes import ChangeSummary, FigureError, QuarterClosedError
from reports.figures.imports import COMMAND_LIMITS, preview_import
from reports.figures.quarters import close_quarter
from reports.figures.uploads import (
    PendingUploadMissing,
    confirm_upload,
    discard_upload,
    pending_summary,
    stage_upload,
)
from reports.models import Figure, PendingImport
from reports.progress import Period
from tests.conftest import make_user
from tests.reports.figures_files import cell, edit, snapshot, template


@pytest.fixture
def other_staff(groups, plan):
    return make_user("staff2", Role.COUNTY_STAFF)


def talents(plan) -> Figure:
    return Figure.objects.get(indicator__code="talents", region__name="昆阳", year=2026, quarter=3)


def stage(plan, user, cells: dict) -> tuple[PendingImport, object]:
    data = edit(template(plan), cells)
    preview = preview_import(plan, user, data, limits=COMMAND_LIMITS)
    assert preview.ok, preview.problems
    return stage_upload(plan, user, preview, file_name="填报.xlsx", data=data), preview


def test_confirm_writes_what_the_preview_summarised_and_uses_the_upload_up(demo, staff):
    figure = talents(demo)
    pending, preview = stage(
        demo, staff, {cell("昆阳", "talents"): 777, cell("鳌江", "space"): None}
    )
    confirmed = confirm_upload(demo, staff, pending.pk)
    assert isinstance(confirmed.summary, ChangeSummary)
    assert confirmed.summary.changes == preview.summary.changes
    assert confirmed.summary.describe() == preview.summary.describe()
    assert (confirmed.file_name, confirmed.period) == ("填报.xlsx", Period(2026, 3))
    figure.refresh_from_db()
    assert figure.value == 777
    assert figure.history.first().history_change_reason == "upload: 填报.xlsx"
    assert not PendingImport.objects.exists()


def test_confirming_twice_writes_once(demo, staff):
    pending, _preview = stage(demo, staff, {cell("昆阳", "talents"): 777})
    confirm_upload(demo, staff, pending.pk)
    after_first = snapshot()
    with pytest.raises(PendingUploadMissing):
        confirm_upload(demo, staff, pending.pk)
    assert snapshot() == after_first
    assert talents(demo).history.count() == 2  # the demo value and the upload


def test_another_user_can_neither_confirm_nor_discard_it(demo, staff, other_staff):
    pending, _preview = stage(demo, staff, {cell("昆阳", "talents"): 777})
    before = snapshot()
    with pytest.raises(PendingUploadMissing):
        confirm_upload(demo, other_staff, pending.pk)
    with pytest.raises(PendingUploadMissing):
        discard_upload(demo, other_staff, pending.pk)
    assert snapshot() == before
    confirm_upload(demo, staff, pending.pk)  # still the uploader's to confirm
    assert talents(demo).value == 777


def test_an_expired_upload_cannot_be_confirmed(demo, staff):
    pending, _preview = stage(demo, staff, {cell("昆阳", "talents"): 777})
    PendingImport.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    before = snapshot()
    with pytest.raises(PendingUploadMissing):
        confirm_upload(demo, staff, pending.pk)
    assert snapshot() == before


def test_discard_deletes_it_and_writes_nothing(demo, staff):
    pending, _preview = stage(demo, staff, {cell("昆阳", "talents"): 777})
    figures_before = snapshot()[0]
    discard_upload(demo, staff, pending.pk)
    assert not PendingImport.objects.exists() and snapshot()[0] == figures_before
    with pytest.raises(PendingUploadMissing):
        confirm_upload(demo, staff, pending.pk)


def test_a_refused_confirmation_discards_the_upload_too(demo, staff):
    """It must be uploaded again, to be compared with the figures as they now are."""
    pending, _preview = stage(demo, staff, {cell("昆阳", "talents"): 777})
    close_quarter(demo, staff, 2026, 3, reason="核定", override=True)
    figures_before = snapshot()[0]
    with pytest.raises(QuarterClosedError):
        confirm_upload(demo, staff, pending.pk)
    assert snapshot()[0] == figures_before
    assert not PendingImport.objects.exists()


def test_a_new_upload_replaces_only_the_uploaders_own(demo, staff, other_staff):
    theirs, _preview = stage(demo, other_staff, {cell("昆阳", "talents"): 1})
    first, _preview = stage(demo, staff, {cell("昆阳", "talents"): 777})
    second, _preview = stage(demo, staff, {cell("昆阳", "talents"): 778})
    assert set(PendingImport.objects.values_list("pk", flat=True)) == {theirs.pk, second.pk}
    assert pending_summary(second).updated == 1
    with pytest.raises(PendingUploadMissing):
        confirm_upload(demo, staff, first.pk)


def test_a_preview_with_problems_is_not_staged(demo, staff):
    data = edit(template(demo), {cell("昆阳", "talents"): "很多"})
    preview = preview_import(demo, staff, data, limits=COMMAND_LIMITS)
    assert not preview.ok
    with pytest.raises(FigureError):
        stage_upload(demo, staff, preview, file_name="bad.xlsx", data=data)
    assert not PendingImport.objects.exists()


def test_the_summary_of_a_staged_upload_is_the_previews(demo, staff):
    pending, preview = stage(
        demo, staff, {cell("昆阳", "talents"): 777, cell("全县", "carriers"): Decimal(4)}
    )
    assert pending_summary(pending) == preview.summary
