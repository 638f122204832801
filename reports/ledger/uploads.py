"""An uploaded ledger workbook between its preview and its confirmation, kept
like a figures upload (``reports.figures.uploads``): in the database
(``PendingImport``, ``mode="ledger"``), for its uploader only, for
``PENDING_LIFETIME``; used up by its confirmation whether the write succeeds
or is refused. What is staged is the file's rows and the plan they made, so
the confirmation plans them again and writes only what was previewed."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from reports.figures.changes import FigureError
from reports.figures.uploads import PENDING_LIFETIME, PendingUploadMissing
from reports.ledger.workbook import LedgerFile
from reports.ledger.workbook_apply import LedgerWritten, apply_ledger
from reports.ledger.workbook_plan import LedgerPlan
from reports.models import PendingImport
from targets.models import Plan

LEDGER_MODE = "ledger"


def stage_ledger(
    plan: Plan, user, file: LedgerFile, planned: LedgerPlan, *, file_name: str, data: bytes
) -> PendingImport:
    """Keep a previewed workbook; a new one replaces the user's previous one."""
    if not planned.ok:
        raise FigureError(planned.problems)
    now = timezone.now()
    PendingImport.objects.filter(
        Q(user=user, plan=plan, mode=LEDGER_MODE) | Q(created_at__lt=now - PENDING_LIFETIME)
    ).delete()
    return PendingImport.objects.create(
        plan=plan,
        user=user,
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        mode=LEDGER_MODE,
        unchanged=planned.unchanged,
        payload={"rows": file.as_payload(), "ops": planned.ops},
    )


def _own(plan: Plan, user, pk: int):
    cutoff = timezone.now() - PENDING_LIFETIME
    return PendingImport.objects.filter(
        pk=pk, plan=plan, user=user, mode=LEDGER_MODE, created_at__gte=cutoff
    )


def pending_ledger(plan: Plan, user, pk: int) -> PendingImport:
    pending = _own(plan, user, pk).first()
    if pending is None:
        raise PendingUploadMissing()
    return pending


def confirm_ledger(plan: Plan, user, pk: int) -> tuple[str, LedgerWritten]:
    """Write the staged workbook ``pk`` all or nothing, and discard it."""
    refused = None
    with transaction.atomic():
        pending = _own(plan, user, pk).select_for_update().first()
        if pending is None:
            raise PendingUploadMissing()
        file = LedgerFile.from_payload(pending.payload.get("rows", {}))
        try:
            with transaction.atomic():
                written = apply_ledger(
                    plan, user, file, pending.payload.get("ops", {}), file_name=pending.file_name
                )
        except FigureError as error:
            refused = error
        pending.delete()
    if refused is not None:
        raise refused
    return pending.file_name, written


def discard_ledger(plan: Plan, user, pk: int) -> None:
    deleted, _details = _own(plan, user, pk).delete()
    if not deleted:
        raise PendingUploadMissing()
