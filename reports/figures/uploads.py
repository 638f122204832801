"""An uploaded figures file between its preview and its confirmation.

Upload → preview → confirm are three requests that may reach three different
servers, so a previewed upload is staged in the database (``PendingImport``),
never in memory or on local disk, holding the changes exactly as they will be
written. Only its uploader may confirm or discard it, and only within
``PENDING_LIFETIME``; anything else finds nothing (``PendingUploadMissing``).
Confirming writes through ``record_figures`` and uses the staged upload up,
whether the write succeeds or is refused (a refused one must be uploaded
again, to be compared with the figures as they now are).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.choices import Source
from reports.excel.figures_format import ValueMode
from reports.figures.changes import ChangeSummary, FigureChange, FigureError
from reports.figures.imports import ImportPreview, PlannedChange, summarize
from reports.figures.services import record_figures
from reports.models import PendingImport
from reports.progress import Period
from targets.excel.values import Loc
from targets.models import Plan

PENDING_LIFETIME = timedelta(days=1)
FIGURE_MODES = ValueMode.values


class PendingUploadMissing(FigureError):
    """Not this user's staged upload, expired, or already confirmed or discarded."""

    def __init__(self):
        super().__init__([_("没有找到该导入,或已过期(上传后 1 天内有效)。")])


@dataclass(frozen=True)
class ConfirmedUpload:
    file_name: str
    period: Period | None  # the file's own quarter; None for a long sheet
    summary: ChangeSummary


def stage_upload(
    plan: Plan, user, preview: ImportPreview, *, file_name: str, data: bytes
) -> PendingImport:
    """Keep a previewed upload until its uploader confirms it. One staged
    upload per user and plan: a new upload replaces the previous one (and any
    expired one goes)."""
    if not preview.ok:
        raise FigureError(preview.problems)
    now = timezone.now()
    PendingImport.objects.filter(
        Q(user=user, plan=plan, mode__in=FIGURE_MODES) | Q(created_at__lt=now - PENDING_LIFETIME)
    ).delete()
    period = preview.file.period
    return PendingImport.objects.create(
        plan=plan,
        user=user,
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        year=period.year if period else None,
        quarter=period.quarter if period else None,
        mode=preview.file.mode,
        unchanged=preview.unchanged,
        payload={
            "sheet": preview.file.sheet,
            "headers": {str(k): v for k, v in preview.file.headers.items()},
            "warnings": preview.warnings,
            "changes": [_encode(planned) for planned in preview.changes],
        },
    )


def pending_upload(plan: Plan, user, pk: int) -> PendingImport:
    """The user's own unexpired staged upload ``pk``."""
    pending = _own(plan, user, pk).first()
    if pending is None:
        raise PendingUploadMissing()
    return pending


def confirm_upload(plan: Plan, user, pk: int) -> ConfirmedUpload:
    """Write the staged upload ``pk`` (all or nothing) and discard it.

    Raises ``PendingUploadMissing`` when it is not there (confirmed twice, it
    is written once), and what ``record_figures`` raises when the write is
    refused; then the staged upload is discarded all the same."""
    refused = None
    with transaction.atomic():
        # Locked: a second confirmation waits for this one, then finds nothing.
        pending = _own(plan, user, pk).select_for_update().first()
        if pending is None:
            raise PendingUploadMissing()
        changes = [planned.change for planned in pending_changes(pending)]
        try:
            summary = record_figures(
                plan, user, changes, source=Source.UPLOAD, reason=pending.file_name
            )
        except FigureError as error:  # record_figures' own transaction is rolled back
            refused = error
        pending.delete()
    if refused is not None:
        raise refused
    return ConfirmedUpload(pending.file_name, pending_period(pending), summary)


def discard_upload(plan: Plan, user, pk: int) -> None:
    """Drop the user's staged upload ``pk`` unwritten."""
    deleted, _details = _own(plan, user, pk).delete()
    if not deleted:
        raise PendingUploadMissing()


def pending_period(pending: PendingImport) -> Period | None:
    """The file's own quarter (a template is one); None for a long sheet."""
    return Period(pending.year, pending.quarter) if pending.year else None


def pending_changes(pending: PendingImport) -> list[PlannedChange]:
    return [_decode(row) for row in pending.payload.get("changes", [])]


def pending_summary(pending: PendingImport) -> ChangeSummary:
    return summarize(pending_changes(pending), pending.unchanged)


def pending_loc(pending: PendingImport, planned: PlannedChange) -> Loc:
    header = pending.payload.get("headers", {}).get(str(planned.column), "")
    return Loc(pending.payload.get("sheet", ""), planned.row, planned.column, header)


def _own(plan: Plan, user, pk: int):
    cutoff = timezone.now() - PENDING_LIFETIME
    # Figures files only: a staged ledger workbook (``reports.ledger.uploads``)
    # shares the table and is confirmed on its own page.
    return PendingImport.objects.filter(
        pk=pk, plan=plan, user=user, created_at__gte=cutoff, mode__in=FIGURE_MODES
    )


def _encode(planned: PlannedChange) -> list:
    change = planned.change
    return [
        change.indicator_id,
        change.region_id,
        change.year,
        change.quarter,
        _text(change.value),
        change.note,
        change.seen_version,
        _text(planned.old),
        _text(planned.file_value),
        planned.row,
        planned.column,
    ]


def _decode(row: list) -> PlannedChange:
    indicator, region, year, quarter, value, note, seen, old, file_value, r, c = row
    change = FigureChange(indicator, region, year, quarter, _number(value), note, seen)
    return PlannedChange(change, _number(old), _number(file_value), r, c)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _number(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)
