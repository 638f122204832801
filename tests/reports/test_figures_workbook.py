"""The figures workbook: the template as written, read back, every kind of bad
cell named by sheet, row and column, and hostile files refused safely."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from reports.excel.figures_format import ValueMode
from reports.excel.reading import read_figures_file
from reports.figures.imports import COMMAND_LIMITS, plan_shape, upload_limits
from reports.progress import Period
from targets.excel.safety import UnsafeWorkbookError, XlsxLimits, check_archive
from targets.excel.values import open_workbook
from tests.reports.figures_files import (
    cell,
    edit,
    long_sheet,
    patch_zip,
    sheet_xml_name,
    template,
)


def read(plan, data: bytes, *, fast: bool = True, limits: XlsxLimits | None = None):
    return read_figures_file(data, plan_shape(plan), limits or upload_limits(), fast=fast)


def problems_of(plan, data: bytes) -> str:
    parsed = read(plan, data)
    assert parsed.problems, "the file should have been refused"
    return "\n".join(parsed.problems)


# ---------------------------------------------------------------- the template


def test_template_lays_out_regions_indicators_and_the_county_row(demo):
    book = load_workbook(io.BytesIO(template(demo)))
    assert book.sheetnames == ["填报", "说明"]
    sheet = book["填报"]
    assert "2026年第3季度" in sheet["A1"].value and "本季度新增" in sheet["A1"].value
    assert sheet["A3"].value == "区域"
    assert sheet["B3"].value == "新增孵化空间面积(万平方米)"
    assert sheet["C3"].value == "新增市级及以上孵化载体(个)"
    assert [sheet[f"A{row}"].value for row in range(4, 14)] == [
        "昆阳", "鳌江", "水头", "萧江", "万全", "腾蛟", "麻步", "海西", "经开区", "全县",
    ]  # fmt: skip


def merged(data: bytes, *ranges: str) -> bytes:
    book = load_workbook(io.BytesIO(data))
    for cells in ranges:
        book["填报"].merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("fast", [True, False])
def test_merged_figure_cells_are_refused_naming_each_range(demo, fast):
    """Only a merged range's first cell keeps its value: the others would read
    as blanks, figures to clear. The title rows' own merges are no problem."""
    data = merged(template(demo), "B4:C4", "D6:D7")
    parsed = read(demo, data, fast=fast)
    merged_cells = (
        "是合并单元格:合并后只有第一格保留数值,其余各格会读作空白"
        "(即清除系统中的数);请取消合并、逐格填写后重新上传"
    )
    assert parsed.problems == [
        f"工作表“填报”第4行B列(新增孵化空间面积(万平方米)):单元格 B4:C4 {merged_cells}",
        f"工作表“填报”第6行D列(新增在孵企业(项目)(个)):单元格 D6:D7 {merged_cells}",
    ]
    assert not read(demo, template(demo), fast=fast).problems  # rows 1–2 come merged


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize(
    ("sheet", "cells", "where"),
    [
        # An indicator's header over two columns: the second column unread.
        ("填报", "B3:C3", "工作表“填报”第3行B列"),
        # The template information the system reads to know the quarter.
        ("说明", "B12:C12", "工作表“说明”第12行B列"),
    ],
)
def test_merged_labels_are_refused_naming_the_range(demo, fast, sheet, cells, where):
    """A merge among the labels the system reads is named as such, not
    reported as a missing column or key it caused."""
    book = load_workbook(io.BytesIO(template(demo)))
    book[sheet].merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    parsed = read(demo, out.getvalue(), fast=fast)
    assert parsed.problems == [
        f"{where}:单元格 {cells} 是合并单元格:表头和模板信息不能合并;请取消合并后重新上传"
    ]


def test_template_locks_headers_and_grey_cells_and_unlocks_value_cells(demo):
    sheet = load_workbook(io.BytesIO(template(demo)))["填报"]
    assert sheet.protection.sheet
    assert sheet["A3"].protection.locked and sheet["A4"].protection.locked
    assert not sheet[cell("昆阳", "space")].protection.locked
    assert not sheet[cell("全县", "carriers")].protection.locked
    # Cells that must stay empty: a county-only indicator on a region row,
    # a broken-down indicator on the county row.
    for address in (cell("昆阳", "carriers"), cell("全县", "space")):
        assert sheet[address].protection.locked
        assert sheet[address].fill.fgColor.rgb.endswith("D9D9D9")


def test_template_validates_whole_and_decimal_numbers(demo):
    sheet = load_workbook(io.BytesIO(template(demo)))["填报"]
    kinds = {dv.type: str(dv.sqref) for dv in sheet.data_validations.dataValidation}
    assert "B4:B12" in kinds["decimal"]
    assert "D4:D12" in kinds["whole"] and "C13" in kinds["whole"]
    assert all(dv.operator == "greaterThanOrEqual" for dv in sheet.data_validations.dataValidation)


def test_template_prefills_the_quarter_and_year_to_date_values(demo):
    region = demo.regions.get(name="昆阳")
    space = demo.indicators.get(code="space")
    q3 = space.figures.get(region=region, year=2026, quarter=3).value
    ytd = sum(f.value for f in space.figures.filter(region=region, year=2026, quarter__lte=3))
    quarterly = load_workbook(io.BytesIO(template(demo)))["填报"]
    year_to_date = load_workbook(io.BytesIO(template(demo, mode=ValueMode.YTD)))["填报"]
    assert Decimal(str(quarterly[cell("昆阳", "space")].value)) == q3
    assert Decimal(str(year_to_date[cell("昆阳", "space")].value)) == ytd
    assert "年度累计" in year_to_date["A1"].value


def test_template_metadata_names_plan_period_and_mode(demo):
    parsed = read(demo, template(demo, "2026Q2", ValueMode.YTD))
    assert not parsed.problems
    assert parsed.period == Period(2026, 2) and parsed.mode == ValueMode.YTD
    assert parsed.generated_at is not None and parsed.generated_at.tzinfo is not None
    # Shown in the dashboard's time zone (Asia/Shanghai), as the pages show times.
    assert parsed.generated_at.utcoffset() == datetime.timedelta(hours=8)


def test_template_reads_back_every_fillable_cell(demo):
    parsed = read(demo, template(demo))
    assert parsed.layout == "template"
    assert len(parsed.cells) == 9 * 5 + 1
    county = [c for c in parsed.cells if c.region is None]
    assert [c.indicator.code for c in county] == ["carriers"]


def test_both_readers_read_the_same(demo):
    data = edit(template(demo), {cell("昆阳", "space"): 0.35, cell("鳌江", "talents"): None})
    fast, exact = read(demo, data), read(demo, data, fast=False)
    assert [(c.key, c.value) for c in fast.cells] == [(c.key, c.value) for c in exact.cells]


def test_a_blank_template_cell_reads_as_no_figure(demo):
    parsed = read(demo, edit(template(demo), {cell("昆阳", "space"): None}))
    [kunyang] = [c for c in parsed.cells if c.row == 4 and c.column == 2]
    assert kunyang.value is None


# ---------------------------------------------------------------- bad cells


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("十二", "“十二”不是数字"),
        ("12", "“12”是文本格式的数字"),
        # Not numbers as a clerk writes them: a cell format would not help.
        ("1e3", "“1e3”不是数字"),
        ("1 2", "“1 2”不是数字"),
        (True, "逻辑值(TRUE)"),
        (datetime.date(2026, 7, 1), "日期或时间"),
        (-1, "不能为负数"),
        (1.5, "只能填整数"),
        (1e12, "数值过大"),
    ],
)
def test_a_bad_cell_is_named_by_sheet_row_and_column(demo, value, expected):
    data = edit(template(demo), {cell("鳌江", "enterprises"): value})
    text = problems_of(demo, data)
    assert "工作表“填报”第5行D列(新增在孵企业(项目)(个))" in text
    assert expected in text


def test_too_many_decimals_for_space(demo):
    text = problems_of(demo, edit(template(demo), {cell("昆阳", "space"): 0.355}))
    assert "第4行B列" in text and "最多 2 位小数" in text


def test_every_bad_cell_is_listed_at_once(demo):
    data = edit(
        template(demo),
        {cell("昆阳", "talents"): "x", cell("水头", "talents"): -2, cell("全县", "space"): 1},
    )
    parsed = read(demo, data)
    assert len(parsed.problems) == 3
    assert any("第13行B列" in p and "全县数为各乡镇之和" in p for p in parsed.problems)


def test_value_in_a_grey_cell_is_refused(demo):
    text = problems_of(demo, edit(template(demo), {cell("昆阳", "carriers"): 1}))
    assert "第4行C列" in text and "仅在全县一级填报" in text


def test_renamed_region_and_duplicated_row_are_refused(demo):
    data = edit(template(demo), {"A4": "昆阳镇", "A6": "鳌江"})
    text = problems_of(demo, data)
    assert "第4行A列" in text and "未知区域“昆阳镇”" in text
    assert "第6行A列" in text and "区域“鳌江”重复(已在第5行)" in text


def test_renamed_indicator_column_is_refused(demo):
    text = problems_of(demo, edit(template(demo), {"D3": "新增企业"}))
    assert "第3行D列" in text and "无法识别的指标列“新增企业”" in text


def test_formula_without_a_cached_value_is_refused(demo):
    data = edit(template(demo), {cell("昆阳", "talents"): "=E5*2"})
    text = problems_of(demo, data)
    assert "第4行E列" in text and "公式没有计算结果" in text


def test_formula_with_a_cached_value_is_read_as_that_value(demo):
    data = edit(template(demo), {cell("昆阳", "talents"): "=1+2"})
    name = sheet_xml_name(data)
    data = patch_zip(
        data,
        lambda member, content: (
            # An empty <v/> is written <v /> or, with lxml installed, <v></v>.
            re.sub(rb"<f>1\+2</f>(?:<v\s*/>|<v></v>)", b"<f>1+2</f><v>3</v>", content)
            if member == name
            else content
        ),
    )
    [kunyang] = [c for c in read(demo, data).cells if c.row == 4 and c.column == 5]
    assert kunyang.value == 3


def test_an_error_cell_is_refused(demo):
    data = edit(template(demo), {cell("昆阳", "talents"): 7})
    name = sheet_xml_name(data)

    def to_error(member: str, content: bytes) -> bytes:
        if member != name:
            return content
        return re.sub(rb'(<c r="E4"[^>]*) t="n"><v>7</v>', rb'\1 t="e"><v>#DIV/0!</v>', content)

    text = problems_of(demo, patch_zip(data, to_error))
    assert "第4行E列" in text and "错误值 #DIV/0!" in text


# ---------------------------------------------------------------- the workbook


def test_metadata_of_another_plan_is_refused(demo):
    text = problems_of(demo, edit(template(demo), {"B11": 999}, sheet="说明"))
    assert "另一个计划" in text


def test_a_plan_number_that_is_no_number_says_so(demo):
    text = problems_of(demo, edit(template(demo), {"B11": "abc"}, sheet="说明"))
    assert "计划编号“abc”不是系统生成的编号;请使用系统下载的模板" in text
    assert "另一个计划" not in text


def test_period_outside_the_plan_is_refused(demo):
    text = problems_of(demo, edit(template(demo), {"B13": 2031}, sheet="说明"))
    assert "年份“2031”不在计划期 2025—2027 年内" in text


@pytest.mark.parametrize("written", ["²⁰²⁶", "\u0662\u0660\u0662\u0666", "2026²"])
def test_a_year_not_written_in_digits_is_refused(demo, written):
    """Superscripts and other scripts' digits are no year (NFKC alone makes
    ²⁰²⁶ the year 2026)."""
    text = problems_of(demo, edit(template(demo), {"B13": written}, sheet="说明"))
    assert f"年份应为 2025 到 2027 之间的整数,而不是“{written}”" in text


def test_a_year_with_a_fraction_is_no_year(demo):
    text = problems_of(demo, edit(template(demo), {"B13": 2026.5}, sheet="说明"))
    assert "年份应为 2025 到 2027 之间的整数,而不是“2026.5”" in text


def test_unknown_mode_is_refused(demo):
    text = problems_of(demo, edit(template(demo), {"B15": "累计"}, sheet="说明"))
    assert "填报口径应为" in text


def test_a_workbook_without_either_sheet_lists_its_sheets(demo):
    book = load_workbook(io.BytesIO(template(demo)))
    book["填报"].title = "Sheet1"
    out = io.BytesIO()
    book.save(out)
    text = problems_of(demo, out.getvalue())
    assert "找不到工作表“填报”" in text and "Sheet1" in text


def test_a_template_without_its_metadata_sheet_is_refused(demo):
    book = load_workbook(io.BytesIO(template(demo)))
    del book["说明"]
    out = io.BytesIO()
    book.save(out)
    assert "缺少工作表“说明”" in problems_of(demo, out.getvalue())


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "文件是空的"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "旧版 Excel(.xls)"),
        ("区域,指标,数值\n昆阳,x,1\n".encode(), "CSV"),
        (b"\x89PNG garbage", "不是有效的 Excel 工作簿"),
        (b"PK\x03\x04 truncated", "压缩包已损坏"),
    ],
)
def test_files_that_are_not_xlsx_get_a_hint(demo, content, expected):
    assert expected in problems_of(demo, content)


def test_a_zip_that_is_not_a_workbook_is_refused(demo):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("content.xml", "<office/>")
    assert "不是有效的 Excel 工作簿" in problems_of(demo, out.getvalue())


# ---------------------------------------------------------------- hostile files


def test_a_zip_bomb_is_refused_before_parsing(demo):
    bomb = b"<x>" + b"0" * (5 * 1024 * 1024) + b"</x>"  # compresses about 1000:1
    out = io.BytesIO(template(demo))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.xml", bomb)
    assert "压缩炸弹" in problems_of(demo, out.getvalue())


def test_declared_sizes_over_the_cap_are_refused(demo):
    limits = XlsxLimits(max_bytes=10**6, max_unpacked_bytes=20_000)
    assert "压缩炸弹" in "\n".join(read(demo, template(demo), limits=limits).problems)


def test_xml_with_entity_declarations_is_refused(demo):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    data = template(demo)
    name = sheet_xml_name(data)
    data = patch_zip(
        data,
        lambda member, content: laughs + content if member == name else content,
    )
    assert "DOCTYPE" in problems_of(demo, data)


def test_a_stray_cell_far_away_cannot_exhaust_memory(demo):
    """The fast reader would allocate every cell up to XFD1048576; such a
    sheet goes to the streaming reader, which stops at the row limit."""
    data = edit(template(demo), {"XFD1048576": 1})
    scan = check_archive(data, upload_limits())
    assert not scan.fast_readable
    assert "行的上限" in problems_of(demo, data)


def test_a_far_cell_written_unusually_still_goes_to_the_streaming_reader(demo):
    """A tab between ``<c`` and its position: the cell is still counted, so the
    fast reader (which would allocate up to XFD1048576, half a terabyte) is not
    used, and the row limit refuses the file."""
    data = template(demo)
    name = sheet_xml_name(data)
    far = b'<row r="1048576"><c\tr="XFD1048576" t="n"><v>1</v></c></row></sheetData>'
    data = patch_zip(
        data,
        lambda member, content: (
            content.replace(b"</sheetData>", far) if member == name else content
        ),
    )
    assert not check_archive(data, upload_limits()).fast_readable
    assert "行的上限" in problems_of(demo, data)


def shared_string_file(cells: int, size: int) -> bytes:
    """A well-formed workbook whose ``cells`` cells all show one string of
    ``size`` characters, stored once in the shared strings (as Excel does)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    kinds = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="s"><v>0</v></c></row>' for n in range(1, cells + 1)
    )
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{kinds}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="说明" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{kinds}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{kinds}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{main}"><sheetData>{rows}</sheetData></worksheet>'
        ),
        "xl/sharedStrings.xml": (
            f'<sst xmlns="{main}" count="{cells}" uniqueCount="1">'
            f"<si><t>{'长' * size}</t></si></sst>"
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def test_one_long_string_shown_in_many_cells_is_refused_before_reading():
    """A few KB on disk, but spelled out cell by cell (as the fast reader
    copies it) far past the unpacked limit: refused, and said why."""
    limits = XlsxLimits(max_bytes=10**7, max_unpacked_bytes=10**6)
    small = shared_string_file(cells=50, size=5000)  # about 750 KB spelled out
    assert check_archive(small, limits).fast_readable
    big = shared_string_file(cells=100, size=5000)  # about 1.5 MB
    assert len(big) < 50_000
    with pytest.raises(UnsafeWorkbookError) as refused:
        check_archive(big, limits)
    assert "文本单元格展开后过大" in refused.value.messages[0]


def test_a_file_over_the_size_cap_is_refused(demo):
    limits = XlsxLimits(max_bytes=1000, max_unpacked_bytes=10**7)
    assert "文件过大" in "\n".join(read(demo, template(demo), limits=limits).problems)


def test_a_plain_workbook_is_read_by_the_fast_reader(demo):
    workbook = open_workbook(template(demo), upload_limits())
    assert workbook.fast


# ---------------------------------------------------------------- the long sheet


def test_long_sheet_reads_regions_county_and_notes(demo):
    data = long_sheet(
        [
            ["昆阳", "新增孵化空间面积", 2026, 4, 0.5, "新楼"],
            ["全县", "新增市级及以上孵化载体(个)", "2026年", "Q4", 2, None],
            ["鳌江", "talents", 2026, "第4季度", 10, ""],
        ]
    )
    parsed = read(demo, data)
    assert not parsed.problems and parsed.layout == "long" and parsed.mode == ValueMode.QUARTER
    values = [
        (c.indicator.code, c.region.name if c.region else None, c.value, c.note)
        for c in parsed.cells
    ]
    assert values == [
        ("space", "昆阳", Decimal("0.5"), "新楼"),
        ("carriers", None, Decimal(2), None),
        ("talents", "鳌江", Decimal(10), None),
    ]


def test_long_sheet_problems_name_each_row(demo):
    data = long_sheet(
        [
            ["昆阳镇", "新增孵化空间面积", 2026, 4, 1, None],
            ["昆阳", "新增孵化空间面积", 2030, 4, 1, None],
            ["昆阳", "新增孵化空间面积", 2026, 5, 1, None],
            ["昆阳", "无此指标", 2026, 4, 1, None],
            ["昆阳", "新增市级及以上孵化载体", 2026, 4, 1, None],
            ["鳌江", "新增孵化空间面积", 2026, 4, 1, None],
            ["鳌江", "新增孵化空间面积", 2026, 4, 2, None],
        ]
    )
    text = "\n".join(read(demo, data).problems)
    for expected in [
        "第2行A列(区域):未知区域“昆阳镇”",
        "第3行C列(年份):年份“2030”不在计划期",
        "第4行D列(季度):季度应为 1 到 4",
        "第5行B列(指标):未知指标“无此指标”",
        "第6行A列(区域):该单元格不应填写:此指标仅在全县一级填报",
        "第8行:与第7行重复",
    ]:
        assert expected in text


def test_long_sheet_needs_its_columns(demo):
    text = problems_of(demo, long_sheet([["昆阳", 1]], header=("区域", "数量")))
    assert "无法识别的列“数量”" in text and "缺少“指标”列" in text


def test_a_workbook_with_both_layouts_is_refused(demo):
    book = load_workbook(io.BytesIO(template(demo)))
    book.create_sheet("数据")
    out = io.BytesIO()
    book.save(out)
    assert "同时含有" in problems_of(demo, out.getvalue())


def test_progress_is_reported_while_reading_a_long_sheet(demo):
    rows = [["昆阳", "talents", 2025 + n // 4, n % 4 + 1, n, None] for n in range(12)]
    calls = []
    read_figures_file(
        long_sheet(rows),
        plan_shape(demo),
        COMMAND_LIMITS,
        progress=lambda d, t: calls.append((d, t)),
    )
    assert calls[-1] == (12, 12)
