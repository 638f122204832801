"""``import_figures``: the upload's checks and write from the command line,
with a dry run, a progress bar for big files and a non-zero exit on any error."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from reports.demo.scale import generate_plan
from reports.models import Figure
from tests.reports.figures_files import cell, edit, long_sheet, snapshot, template


def run(path, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_figures", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def filled(demo, tmp_path):
    path = tmp_path / "2026Q3.xlsx"
    path.write_bytes(edit(template(demo), {cell("昆阳", "talents"): 777}))
    return path


def test_dry_run_lists_the_changes_and_writes_nothing(filled, staff):
    before = snapshot()
    out, _err = run(filled, "--user", staff.username, "--dry-run")
    assert "将新增 0 项,修改 1 项,清除 0 项;45 项不变" in out
    assert "昆阳 · 新增创新创业人才数 · 2026年第3季度" in out and "→ 777" in out
    assert "试运行" in out
    assert snapshot() == before


def test_import_writes_through_the_same_path_with_history(filled, staff):
    out, _err = run(filled, "--user", staff.username, "--reason", "补报")
    assert "已导入:新增 0 项,修改 1 项,清除 0 项" in out
    figure = Figure.objects.get(
        indicator__code="talents", region__name="昆阳", year=2026, quarter=3
    )
    assert figure.value == 777
    record = figure.history.first()
    assert record.history_user == staff
    assert record.history_change_reason == "command: 2026Q3.xlsx: 补报"


def test_every_problem_is_printed_and_the_exit_is_non_zero(demo, staff, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(edit(template(demo), {"E4": "很多", "E5": -1, "A6": "水头镇"}))
    before = snapshot()
    with pytest.raises(CommandError, match="共 3 个问题") as caught:
        run(path, "--user", staff.username)
    assert caught.value.returncode == 1
    assert snapshot() == before


def test_problems_go_to_stderr_with_their_cells(demo, staff, tmp_path, capsys):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(edit(template(demo), {"E4": "很多"}))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_figures", str(path), "--user", staff.username, stderr=err)
    assert "工作表“填报”第4行E列" in err.getvalue() and "“很多”不是数字" in err.getvalue()


def test_a_user_is_required_and_must_be_allowed(filled, leader):
    with pytest.raises(CommandError, match="--user"):
        run(filled)
    with pytest.raises(CommandError, match="没有启用的用户"):
        run(filled, "--user", "nobody")
    with pytest.raises(CommandError, match="没有填报数据的权限"):
        run(filled, "--user", leader.username)


def test_missing_file_and_garbage_fail(demo, staff, tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        run(tmp_path / "missing.xlsx", "--user", staff.username)
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="共 1 个问题"):
        run(garbage, "--user", staff.username)


@pytest.mark.usefixtures("every_quarter_begun")
def test_a_large_long_sheet_shows_progress_and_imports(staff, tmp_path):
    big = generate_plan(regions=160, indicators=4, years=3, quarters=1, active=False)
    indicators = list(big.indicators.all())
    regions = list(big.regions.all())
    rows = [
        [region.name if region else big.county_name, indicator.name, year, quarter, n % 40, None]
        for n, (indicator, region, year, quarter) in enumerate(
            (i, r, y, q)
            for y in big.years for q in (1, 2, 3, 4) if (y, q) != (2025, 1)
            for i in indicators for r in (regions if i.by_region else [None])
        )
    ]  # fmt: skip
    path = tmp_path / "long.xlsx"
    path.write_bytes(long_sheet(rows))
    out, err = run(path, "--user", staff.username, "--plan", str(big.pk))
    assert "[##############################] 100%" in err and "5000/" in err
    assert f"新增 {len(rows)} 项" in out
    figures = Figure.objects.filter(indicator__plan=big).exclude(year=2025, quarter=1)
    assert figures.count() == len(rows) > 5000
    assert sum(figures.values_list("value", flat=True)) == sum(Decimal(row[4]) for row in rows)


def test_a_small_file_shows_no_progress_bar(filled, staff):
    _out, err = run(filled, "--user", staff.username)
    assert "#" not in err
