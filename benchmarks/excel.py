"""Excel import and exports of the large plan, each beside its floor measured
in the same run on the same database:

- import: the project's whole import of a long sheet that changes every one
  of N existing figures — exactly what ``import_figures`` does: read_capped →
  preview_import (safety checks, parse, validate, compare) → record_figures
  (locks, township bookkeeping, updates and history rows) — run in a child
  process of its own, so that its peak memory is the import's; against
  the **write floor**: reading the same file with python-calamine and writing
  the same rows (each figure's new value and its history row) with raw SQL in
  one transaction — ``COPY`` on PostgreSQL (the updates through a temporary
  table), ``executemany`` on SQLite — knowing nothing but the ids;
- the long export (``reports.excel.export``) against openpyxl write-only
  writing the same cells from a list in memory (this and what follows in
  ``benchmarks/excel_exports.py``);
- the report workbook (``build_report_workbook``, the large plan's report as
  the report page builds it) against openpyxl write-only writing the same
  cells, values and styles, from memory (merged cells, print setup and the
  charts are left out of the floor);
- the matrix table exports (xlsx and csv, ``reports.excel.tables``) against
  openpyxl write-only and ``csv.writer`` writing the table's rows from memory.

Run through ``benchmarks/run.py``; ``python -m benchmarks.excel import FILE
PLAN USER`` is the child process of the import.
"""

from __future__ import annotations

import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from benchmarks.excel_exports import SHEET_LONG, Ratio, raw_write, time_exports, timed

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class ExcelResult:
    rows: int
    file_bytes: int
    database: str
    calamine_read_s: float
    openpyxl_read_s: float | None
    floor_read_s: float
    floor_write_s: float
    import_s: float
    import_preview_s: float
    import_write_s: float
    import_peak_mib: float
    import_baseline_mib: float
    changed: int
    exports: list[Ratio]

    @property
    def write_floor_s(self) -> float:
        return self.floor_read_s + self.floor_write_s

    @property
    def import_ratio(self) -> float:
        return self.import_s / self.write_floor_s


def calamine_rows(path: Path) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(SHEET_LONG).to_python()


def openpyxl_read(path: Path) -> int:
    workbook = load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _ in workbook[SHEET_LONG].iter_rows(values_only=True))
    workbook.close()
    return count


# ---------------------------------------------------------------- the import


def project_import(path: Path, plan, user) -> dict:
    """The ``import_figures`` command's path, timed."""
    from reports.choices import Source
    from reports.figures.imports import COMMAND_LIMITS, preview_import
    from reports.figures.services import record_figures
    from targets.excel.safety import read_capped

    start = time.perf_counter()
    data = read_capped(path, COMMAND_LIMITS.max_bytes)
    preview = preview_import(plan, user, data, limits=COMMAND_LIMITS)
    if not preview.ok:
        raise RuntimeError("\n".join(preview.problems[:10]))
    middle = time.perf_counter()
    changes = preview.changes_to_record
    del preview, data
    result = record_figures(plan, user, changes, source=Source.COMMAND, reason="benchmark")
    end = time.perf_counter()
    return {"preview_s": middle - start, "write_s": end - middle, "changed": len(result.changes)}


def import_in_child(path: Path, plan, user) -> dict:
    """``project_import`` in a fresh process (the environment run.py set up):
    its time and its peak resident memory, and the same process's memory
    before the import (Django and the project loaded) for comparison."""
    child = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.excel",
            "import",
            str(path),
            str(plan.pk),
            user.username,
        ],
        cwd=ROOT,
        env=os.environ,
        capture_output=True,
        text=True,
        check=False,
    )
    if child.returncode != 0:
        raise RuntimeError(f"the import's child process failed:\n{child.stderr[-3000:]}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def _peak_mib() -> float:
    """This process's peak resident memory (VmHWM). Not getrusage's maxrss:
    Linux carries it over from the parent through fork and exec."""
    status = Path("/proc/self/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024  # kB


def _child_main(path: str, plan_id: str, username: str) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from reports.figures import imports, services  # noqa: F401  (loaded before the baseline)
    from targets.models import Plan

    plan = Plan.objects.get(pk=int(plan_id))
    user = get_user_model().objects.get(username=username)
    baseline = _peak_mib()
    result = project_import(Path(path), plan, user)
    result.update(peak_mib=_peak_mib(), baseline_mib=baseline)
    print(json.dumps(result))


def write_floor(path: Path, plan, user) -> tuple[float, float]:
    """Read ``path`` with python-calamine, then write its rows as the import
    does — each figure's value, entered by/at, version + 1, and a history row
    with who, when and why — with raw SQL in one transaction. Returns the
    seconds of the read and of the write (the ids looked up included)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from reports.models import Figure

    start = time.perf_counter()
    rows = calamine_rows(path)[1:]
    read_s = time.perf_counter() - start

    start = time.perf_counter()
    history = Figure.history.model
    figure_table, history_table = Figure._meta.db_table, history._meta.db_table
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        regions = dict(plan.regions.values_list("name", "pk"))
        indicators = dict(plan.indicators.values_list("name", "pk"))
        raw = connection.cursor().cursor  # the driver's own cursor
        raw.execute(
            f"SELECT id, indicator_id, region_id, year, quarter, note, version FROM {figure_table} "
            f"WHERE indicator_id IN (SELECT id FROM targets_indicator WHERE plan_id = {plan.pk})"
        )
        known = {(i, r, y, q): (pk, note, v) for pk, i, r, y, q, note, v in raw.fetchall()}
        now = (
            timezone.now() if postgres else connection.ops.adapt_datetimefield_value(timezone.now())
        )
        reason = "command: floor"
        updates, histories = [], []
        for region, indicator, year, quarter, value, note in rows:
            key = (indicators[indicator], regions.get(region), int(year), int(quarter))
            pk, old_note, version = known[key]
            value, note = Decimal(repr(value)), old_note if note in (None, "") else note
            updates.append((value, note, user.pk, now, version + 1, pk))
            histories.append(
                (pk, *key, value, note, user.pk, now, version + 1, now, reason, "~", user.pk)
            )
        fields = "value, note, entered_by_id, entered_at, version"
        history_columns = (
            "id, indicator_id, region_id, year, quarter, value, note, entered_by_id, entered_at, "
            "version, history_date, history_change_reason, history_type, history_user_id"
        )
        if postgres:
            raw.execute(
                f"CREATE TEMPORARY TABLE floor_update ON COMMIT DROP AS "
                f"SELECT {fields}, id FROM {figure_table} WITH NO DATA"
            )
            with raw.copy(f"COPY floor_update ({fields}, id) FROM STDIN") as copy:
                for row in updates:
                    copy.write_row(row)
            raw.execute(
                f"UPDATE {figure_table} AS f SET value = u.value, note = u.note, "
                "entered_by_id = u.entered_by_id, entered_at = u.entered_at, version = u.version "
                "FROM floor_update AS u WHERE f.id = u.id"
            )
            with raw.copy(f"COPY {history_table} ({history_columns}) FROM STDIN") as copy:
                for row in histories:
                    copy.write_row(row)
        else:
            updates = [(str(v), n, u, t, ver, pk) for v, n, u, t, ver, pk in updates]
            raw.executemany(
                f"UPDATE {figure_table} SET value = ?, note = ?, entered_by_id = ?, "
                "entered_at = ?, version = ? WHERE id = ?",
                updates,
            )
            histories = [(*h[:5], str(h[5]), *h[6:]) for h in histories]
            raw.executemany(
                f"INSERT INTO {history_table} ({history_columns}) VALUES ({', '.join('?' * 14)})",
                histories,
            )
    return read_s, time.perf_counter() - start


# ---------------------------------------------------------------- the run


def run_excel(plan, user, workdir: Path, *, rows: int, with_openpyxl: bool) -> ExcelResult:
    from django.db import connection

    from reports.excel.export import figure_rows

    # The N rows as the export writes them; the import file changes each value.
    exported = list(itertools.islice(figure_rows(plan), rows))
    if len(exported) < rows:
        raise RuntimeError(f"the plan has only {len(exported)} figures, {rows} wanted")
    changed_rows = [(*row[:4], row[4] + 1, row[5]) for row in exported]
    del exported
    import_file = workdir / "import.xlsx"
    raw_write(import_file, changed_rows)
    del changed_rows

    calamine_s, count = timed(lambda: len(calamine_rows(import_file)), runs=3)
    assert count == rows + 1, count
    openpyxl_s = timed(lambda: openpyxl_read(import_file))[0] if with_openpyxl else None

    connection.close()  # the child writes (SQLite: one writer at a time)
    child = import_in_child(import_file, plan, user)
    if child["changed"] != rows:
        raise RuntimeError(f"the import changed {child['changed']} figures, not {rows}")
    # The floor writes the same rows again (the same values: a real write),
    # three times; each time its read and its write, the medians of each.
    floors = [write_floor(import_file, plan, user) for _ in range(3)]
    floor_read_s = statistics.median(read for read, _write in floors)
    floor_write_s = statistics.median(write for _read, write in floors)
    return ExcelResult(
        rows=rows,
        file_bytes=import_file.stat().st_size,
        database=connection.vendor,
        calamine_read_s=calamine_s,
        openpyxl_read_s=openpyxl_s,
        floor_read_s=floor_read_s,
        floor_write_s=floor_write_s,
        import_s=child["preview_s"] + child["write_s"],
        import_preview_s=child["preview_s"],
        import_write_s=child["write_s"],
        import_peak_mib=child["peak_mib"],
        import_baseline_mib=child["baseline_mib"],
        changed=child["changed"],
        exports=time_exports(plan, user, workdir, rows),
    )


def excel_table(result: ExcelResult) -> list[list[str]]:
    """The rows of run.py's Excel table: step, seconds, ratio to its floor."""
    rows = [
        ["read only, python-calamine (median of 3)", f"{result.calamine_read_s:.2f}", ""],
    ]
    if result.openpyxl_read_s is not None:
        rows.append(
            [
                "read only, openpyxl read-only (for comparison)",
                f"{result.openpyxl_read_s:.2f}",
                f"{result.openpyxl_read_s / result.calamine_read_s:.1f}× calamine",
            ]
        )
    engine = "COPY" if result.database == "postgresql" else "executemany"
    rows += [
        [
            f"**write floor**: calamine read + raw {engine} of the updates and history rows, "
            "one transaction (medians of 3)",
            f"{result.write_floor_s:.2f}",
            "",
        ],
        ["… of which read", f"{result.floor_read_s:.2f}", ""],
        ["… of which write", f"{result.floor_write_s:.2f}", ""],
        [
            "**import** (import_figures' path: checks, parse, validate, compare + record_figures)",
            f"{result.import_s:.2f}",
            f"**{result.import_ratio:.2f}×** (target ≤ 1.5×)",
        ],
        ["… of which read + validate + compare", f"{result.import_preview_s:.2f}", ""],
        ["… of which record_figures (locks, updates, history)", f"{result.import_write_s:.2f}", ""],
        [
            "import's peak memory (VmHWM of its process; before the import)",
            f"**{result.import_peak_mib:.0f} MiB** ({result.import_baseline_mib:.0f} MiB)",
            "target ≤ 300 MB",
        ],
    ]
    for export in result.exports:
        rows.append(["floor: the same cells from memory", f"{export.floor_s:.2f}", ""])
        rows.append(
            [
                f"**{export.label}** (median of 3)",
                f"{export.seconds:.2f}",
                f"**{export.ratio:.2f}×** (target ≤ 1.5×)",
            ]
        )
    return rows


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "import":
        _child_main(*sys.argv[2:])
    else:
        sys.exit(__doc__)
