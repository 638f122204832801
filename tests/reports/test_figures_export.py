"""The long-sheet export reads back through the import unchanged."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from reports.excel.export import export_figures
from reports.figures.imports import COMMAND_LIMITS, preview_import
from reports.models import Figure
from targets.models import Indicator


def exported(plan, **filters) -> bytes:
    buffer = io.BytesIO()
    export_figures(plan, buffer, **filters)
    return buffer.getvalue()


def test_export_then_import_changes_nothing(demo, staff):
    data = exported(demo)
    preview = preview_import(demo, staff, data, limits=COMMAND_LIMITS)
    assert preview.ok, preview.problems
    assert preview.changes == []
    assert preview.unchanged == Figure.objects.filter(indicator__plan=demo).count() > 0


def test_export_writes_every_figure_as_the_same_number(demo):
    sheet = load_workbook(io.BytesIO(exported(demo)))["数据"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("区域", "指标", "年份", "季度", "数值", "备注")
    indicators = {i.name: i for i in Indicator.objects.filter(plan=demo)}
    regions = {r.name: r for r in demo.regions.all()}
    for region, indicator, year, quarter, value, _note in rows[1:]:
        assert isinstance(value, int | float)
        figure = Figure.objects.get(
            indicator=indicators[indicator],
            region=regions.get(region),
            year=year,
            quarter=quarter,
        )
        assert Decimal(repr(value)) == figure.value
    assert len(rows) - 1 == Figure.objects.filter(indicator__plan=demo).count()


def test_text_starting_with_equals_is_written_as_text(demo, staff):
    figure = Figure.objects.filter(indicator__plan=demo, region__isnull=False).first()
    figure.note = '=HYPERLINK("http://example.com")'
    figure.save()
    sheet = load_workbook(io.BytesIO(exported(demo)))["数据"]
    notes = [row[5] for row in sheet.iter_rows(min_row=2)]
    formula_like = [cell for cell in notes if cell.value and str(cell.value).startswith("=")]
    assert [cell.data_type for cell in formula_like] == ["s"]
    preview = preview_import(demo, staff, exported(demo), limits=COMMAND_LIMITS)
    assert preview.ok and preview.changes == []


def test_export_one_quarter(demo):
    sheet = load_workbook(io.BytesIO(exported(demo, year=2025, quarter=2)))["数据"]
    periods = {(row[2], row[3]) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert periods == {(2025, 2)}


def test_export_command_writes_the_file(demo, tmp_path, capsys):
    path = tmp_path / "figures.xlsx"
    call_command("export_figures", str(path), "--year", "2025")
    assert "已导出" in capsys.readouterr().out
    sheet = load_workbook(path)["数据"]
    assert {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)} == {2025}


def test_export_command_refuses_a_year_outside_the_plan(demo, tmp_path):
    with pytest.raises(CommandError):
        call_command("export_figures", str(tmp_path / "x.xlsx"), "--year", "2030")
