"""Excel import and export of N figure rows, each beside its raw floor measured
in the same run:

- import: the project's whole import (read_capped → preview_import → record_figures,
  exactly what ``import_figures`` does: safety checks, parse, validate, compare,
  record_figures with history rows) of a long sheet that changes every one of N
  existing figures (a real write), against merely reading the same file with the
  fastest reader there is (python-calamine);
- export: ``reports.excel.export`` writing the same N rows from the database,
  against openpyxl write-only writing the same cells from a list in memory.
"""

from __future__ import annotations

import itertools
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from reports.choices import Source
from reports.excel.export import figure_rows, write_long_workbook
from reports.excel.figures_format import LONG_COLUMNS, SHEET_LONG
from reports.figures.imports import COMMAND_LIMITS, preview_import
from reports.figures.services import record_figures
from targets.excel.safety import read_capped


@dataclass
class ExcelResult:
    rows: int
    file_bytes: int
    calamine_read_s: float
    openpyxl_read_s: float | None
    import_s: float
    import_preview_s: float
    import_write_s: float
    changed: int
    export_s: float
    raw_write_s: float

    @property
    def import_ratio(self) -> float:
        return self.import_s / self.calamine_read_s

    @property
    def export_ratio(self) -> float:
        return self.export_s / self.raw_write_s


def _timed(function, runs: int = 1) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), result


def raw_write(path: Path, rows: list[tuple]) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_LONG)
    sheet.append(LONG_COLUMNS)
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def calamine_read(path: Path) -> int:
    return len(CalamineWorkbook.from_path(str(path)).get_sheet_by_name(SHEET_LONG).to_python())


def openpyxl_read(path: Path) -> int:
    workbook = load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _ in workbook[SHEET_LONG].iter_rows(values_only=True))
    workbook.close()
    return count


def run_excel(plan, user, workdir: Path, *, rows: int, with_openpyxl: bool) -> ExcelResult:
    # The N rows as the export writes them; the import file changes each value.
    exported = list(itertools.islice(figure_rows(plan), rows))
    if len(exported) < rows:
        raise RuntimeError(f"the plan has only {len(exported)} figures, {rows} wanted")
    changed_rows = [(*row[:4], row[4] + 1, row[5]) for row in exported]
    import_file = workdir / "import.xlsx"
    raw_write(import_file, changed_rows)

    calamine_s, count = _timed(lambda: calamine_read(import_file), runs=3)
    assert count == rows + 1, count
    openpyxl_s = _timed(lambda: openpyxl_read(import_file))[0] if with_openpyxl else None

    def full_import():
        start = time.perf_counter()
        data = read_capped(import_file, COMMAND_LIMITS.max_bytes)
        preview = preview_import(plan, user, data, limits=COMMAND_LIMITS)
        if not preview.ok:
            raise RuntimeError("\n".join(preview.problems[:10]))
        middle = time.perf_counter()
        record_figures(
            plan, user, preview.changes_to_record, source=Source.COMMAND, reason="benchmark"
        )
        return middle - start, time.perf_counter() - middle, len(preview.changes)

    import_s, (preview_s, write_s, changed) = _timed(full_import)
    if changed != rows:
        raise RuntimeError(f"the import changed {changed} figures, not {rows}")

    export_file, raw_file = workdir / "export.xlsx", workdir / "raw.xlsx"
    # Both side by side; the raw floor writes the very rows the export wrote.
    export_s = _timed(
        lambda: write_long_workbook(
            export_file, itertools.islice(figure_rows(plan), rows), plan=plan
        ),
        runs=3,
    )[0]
    same_rows = list(itertools.islice(figure_rows(plan), rows))
    raw_s = _timed(lambda: raw_write(raw_file, same_rows), runs=3)[0]
    return ExcelResult(
        rows=rows,
        file_bytes=import_file.stat().st_size,
        calamine_read_s=calamine_s,
        openpyxl_read_s=openpyxl_s,
        import_s=import_s,
        import_preview_s=preview_s,
        import_write_s=write_s,
        changed=changed,
        export_s=export_s,
        raw_write_s=raw_s,
    )
