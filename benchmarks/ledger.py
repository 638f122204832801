"""The ledger workbook upload of N new enterprises, beside its floor, in the
same run on the same database:

- **upload**: the upload page's POST as county staff (size and zip-bomb
  checks, reading the sheets, planning every row against the ledger, then a
  dry run writing every row through the ledger services, rolled back, and the
  staging of the file);
- **confirm**: the preview page's POST (planning again, then every row written
  through the services with its history row, the derived figures once);
- **floor**: reading the same file with python-calamine and inserting the same
  firms and their history rows with ``bulk_create`` in one transaction,
  knowing the incubator, then rolled back.

Both page requests must stay inside the app server's timeout (gunicorn: 30 s
by default), which is what ``reports.ledger.workbook_apply.LEDGER_MAX_ROWS`` is set
from. The firms written are deleted afterwards. Run through
``benchmarks/run.py`` (``--ledger-rows``, ``--skip ledger``).
"""

from __future__ import annotations

import datetime
import io
import time
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse

from benchmarks.excel_exports import Ratio

PREFIX = "基准测试企业"


class _Rollback(Exception):
    pass


@dataclass
class LedgerResult:
    rows: int
    file_bytes: int
    upload: Ratio
    confirm: Ratio


def _workbook(incubator, rows: int) -> bytes:
    from reports.ledger.workbook_writing import build_workbook

    region, name = incubator.region.name, incubator.name
    return build_workbook(
        {
            "在孵企业": [
                [f"{PREFIX}{i:06d}", "", region, name, "", "2025-02-01", "苗圃"]
                for i in range(rows)
            ]
        }
    )


def _floor(data: bytes, incubator) -> float:
    """Read the file with calamine, insert the firms and their history rows."""
    from django.utils import timezone
    from python_calamine import CalamineWorkbook

    from reports.models import Enterprise

    start = time.perf_counter()
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("在孵企业")
    names = [row[0] for row in sheet.to_python()[1:] if row and row[0]]
    history = Enterprise.history.model
    now = timezone.now()
    try:
        with transaction.atomic():
            firms = Enterprise.objects.bulk_create(
                Enterprise(
                    plan_id=incubator.region.plan_id,
                    incubator=incubator,
                    name=name,
                    normalised_name=name,
                    entered_on=datetime.date(2025, 2, 1),
                    stage="nursery",
                )
                for name in names
            )
            history.objects.bulk_create(
                history(
                    **{f.attname: getattr(firm, f.attname) for f in Enterprise._meta.fields},
                    history_date=now,
                    history_type="+",
                )
                for firm in firms
            )
            raise _Rollback
    except _Rollback:
        pass
    return time.perf_counter() - start


def run_ledger(staff, rows: int) -> LedgerResult:
    from django.test import Client

    from reports.models import Enterprise, Incubator

    incubator = Incubator.objects.select_related("region").order_by("pk").first()
    if incubator is None:
        raise SystemExit("the ledger benchmark needs an incubator (the seed's demo ledger)")
    data = _workbook(incubator, rows)
    client = Client()
    client.force_login(staff)
    from django.core.files.uploadedfile import SimpleUploadedFile

    start = time.perf_counter()
    staged = client.post(
        reverse("reports:ledger_upload"), {"file": SimpleUploadedFile("台账.xlsx", data)}
    )
    upload_s = time.perf_counter() - start
    if staged.status_code != 302:
        raise SystemExit(f"the ledger upload was refused ({staged.status_code})")
    start = time.perf_counter()
    confirmed = client.post(staged["Location"], {"action": "confirm"})
    confirm_s = time.perf_counter() - start
    written = Enterprise.objects.filter(name__startswith=PREFIX)
    if confirmed.status_code != 302 or written.count() != rows:
        raise SystemExit("the ledger upload's confirmation did not write every row")
    Enterprise.history.model.objects.filter(name__startswith=PREFIX).delete()
    written.delete()
    floor_s = _floor(data, incubator)
    return LedgerResult(
        rows=rows,
        file_bytes=len(data),
        upload=Ratio("upload (preview)", upload_s, floor_s),
        confirm=Ratio("confirm", confirm_s, floor_s),
    )


def ledger_table(result: LedgerResult) -> list[list[object]]:
    return [
        [ratio.label, f"{ratio.seconds:.2f}", f"{ratio.floor_s:.2f}", f"{ratio.ratio:.1f}×"]
        for ratio in (result.upload, result.confirm)
    ]
