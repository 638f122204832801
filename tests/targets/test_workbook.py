"""The plan as an Excel workbook: export, import, round trip, and refusing bad files."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from regions.models import Region
from reports.models import Figure
from targets.excel.cells import PlanWorkbookError
from targets.excel.grid import LIMITS
from targets.excel.reading import read_plan_workbook
from targets.excel.safety import check_archive
from targets.models import Indicator, Plan, Target
from targets.services import PlanConflictError, export_plan, import_plan
from tests.targets.workbooks import export, make_room, mutate, refused, set_cell

PINGYANG = "平阳县大孵化器集群建设三年行动计划(2025—2027年)"


def target_rows(plan: Plan) -> set[tuple]:
    """Every target of ``plan`` as (indicator, region or None, year or None, value, stretch)."""
    return set(
        Target.objects.filter(indicator__plan=plan).values_list(
            "indicator__code", "region__code", "year", "value", "stretch_value"
        )
    )


def counts() -> tuple[int, int, int, int]:
    return (
        Plan.objects.count(),
        Region.objects.count(),
        Indicator.objects.count(),
        Target.objects.count(),
    )


@pytest.fixture
def exported(plan, tmp_path):
    return export(plan, tmp_path / "pingyang.xlsx")


# ---------------------------------------------------------------- export


def test_export_lays_out_annex1_like_the_plan(exported):
    sheet = openpyxl.load_workbook(exported)["附件1"]
    assert [c.value for c in sheet[2]] == [
        "序号",
        "指标名称",
        "2025年",
        "2026年",
        "2027年",
        "总计",
        "总计高线",
    ]
    assert [c.value for c in sheet[3]] == [1, "新增孵化空间面积(万平方米)", 16, 22, 32, 70, 80]
    assert [c.value for c in sheet[4]][:6] == [2, "新增市级及以上孵化载体(个)", 5, 7, 9, 21]
    assert sheet.cell(4, 7).value is None  # no stretch for carriers


def test_export_lays_out_annex2_with_merged_year_headers_and_county_row(exported):
    sheet = openpyxl.load_workbook(exported)["附件2"]
    assert sheet["B2"].value == "2025年建设任务"
    assert sheet["G2"].value == "2026年建设任务"
    assert "B2:F2" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A2"].value == "区域"
    assert [c.value for c in sheet[3]][:6] == [
        None,
        "新增孵化空间面积(万平方米)",
        "新增在孵企业(项目)(个)",
        "新增创新创业人才数(个)",
        "新增省级及以上科技企业数(家)",
        "新增温州“20”孵化器(个)",
    ]
    assert [c.value for c in sheet[4]][:6] == ["昆阳", 2, 40, 400, 5, 1]
    assert sheet["A13"].value == "全县"
    assert [c.value for c in sheet[13]][1:6] == [16, 200, 2000, 30, 2]


def test_export_plan_command_defaults_to_the_current_plan(plan, tmp_path):
    path = tmp_path / "out.xlsx"
    call_command("export_plan", str(path), verbosity=0)
    assert read_plan_workbook(path).name == PINGYANG


def test_exporting_a_plan_holding_demo_data_warns_of_it(demo, tmp_path):
    """A workbook made from the demo for a real plan would carry the demo's
    industries and evaluation thresholds: the command says so; a plan
    without demo data exports silently."""
    import io

    errors = io.StringIO()
    call_command("export_plan", str(tmp_path / "demo.xlsx"), stderr=errors, stdout=io.StringIO())
    assert "该计划载入过演示数据" in errors.getvalue()
    demo.is_demo = False
    demo.save(update_fields=["is_demo"])
    errors = io.StringIO()
    call_command("export_plan", str(tmp_path / "real.xlsx"), stderr=errors, stdout=io.StringIO())
    assert errors.getvalue() == ""


def test_export_plan_command_rejects_an_unknown_plan(plan, tmp_path):
    with pytest.raises(CommandError, match="999"):
        call_command("export_plan", str(tmp_path / "x.xlsx"), "--plan", "999")


def test_export_writes_text_starting_with_equals_as_text(plan, tmp_path):
    plan.regions.filter(code="kunyang").update(name="=1+1")
    path = tmp_path / "formula.xlsx"
    export_plan(plan, path)
    cell = openpyxl.load_workbook(path)["区域"]["C2"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")
    assert read_plan_workbook(path).regions[0].name == "=1+1"


# ---------------------------------------------------------------- round trip


def test_the_tests_workbook_is_the_one_export_plan_writes(plan, exported, tmp_path):
    """``exported`` is written once per distinct plan data (tests/targets/workbooks.py)."""
    path = tmp_path / "fresh.xlsx"
    export_plan(plan, path)
    fresh, copied = openpyxl.load_workbook(path), openpyxl.load_workbook(exported)
    assert fresh.sheetnames == copied.sheetnames
    for sheet in fresh.sheetnames:
        assert list(fresh[sheet].values) == list(copied[sheet].values), sheet
        assert fresh[sheet].merged_cells == copied[sheet].merged_cells, sheet


def test_export_then_import_into_empty_database_gives_identical_targets(plan, exported):
    before = target_rows(plan)
    assert len(before) == 159
    plan.delete()
    assert counts() == (0, 0, 0, 0)

    imported = import_plan(exported)

    assert target_rows(imported) == before
    assert (imported.name, imported.document_number) == (PINGYANG, "平政办〔2025〕49号")
    assert (imported.first_year, imported.last_year, imported.is_active) == (2025, 2027, True)
    assert list(imported.regions.values_list("name", flat=True))[-1] == "经开区"
    space = imported.indicators.get(code="space")
    assert (space.decimal_places, space.unit) == (2, "万平方米")
    assert imported.indicators.get(code="incubators-20").alt_name == "新增温州“20”孵化器"
    assert not imported.indicators.get(code="carriers").by_region
    assert Target.objects.get(indicator=space, region=None, year=None).stretch_value == 80
    assert dict(imported.indicators.values_list("code", "pacing")) == PINGYANG_PACING


PINGYANG_PACING = {
    "space": "spread",
    "carriers": "year_end",
    "enterprises": "spread",
    "talents": "spread",
    "tech-enterprises": "spread",
    "incubators-20": "year_end",
}


def test_export_writes_each_indicators_pacing_in_words(exported):
    sheet = openpyxl.load_workbook(exported)["指标"]
    assert sheet["H1"].value == "序时方式"
    assert [sheet.cell(row, 8).value for row in range(2, 8)] == [
        "均摊",
        "年底",
        "均摊",
        "均摊",
        "均摊",
        "年底",
    ]


@pytest.mark.parametrize(
    ("field", "row", "key", "value", "default"),
    [
        # What the plan calls its regions; before the key existed, 乡镇.
        ("region_term", 7, "区域称谓", "街道", "乡镇"),
        # Who runs the dashboard; before the key existed, the county's 县科技局.
        ("bureau_name", 8, "主管部门", "市科技局", "县科技局"),
    ],
)
def test_plan_sheet_carries_the_plans_own_words(plan, tmp_path, field, row, key, value, default):
    setattr(plan, field, value)
    plan.save()
    path = tmp_path / "plan.xlsx"
    export_plan(plan, path)
    sheet = openpyxl.load_workbook(path)["计划"]
    assert [sheet[f"A{row}"].value, sheet[f"B{row}"].value] == [key, value]
    assert getattr(read_plan_workbook(path), field) == value
    # Blanks that show nothing (zero-width, braille) are no words: the default.
    mutate(path, set_cell("计划", f"B{row}", "\u200b\u2800"))
    assert getattr(read_plan_workbook(path), field) == default
    # A workbook from before the key existed reads as before.
    mutate(path, lambda book: book["计划"].delete_rows(row))
    assert getattr(read_plan_workbook(path), field) == default


def test_pacing_reads_the_long_words_and_a_blank_as_spread(plan, exported):
    mutate(
        exported,
        set_cell("指标", "H2", "年底考核"),
        set_cell("指标", "H3", "按季度均摊"),
        set_cell("指标", "H7", None),
    )
    read = {i.code: i.pacing for i in read_plan_workbook(exported).indicators}
    assert read == PINGYANG_PACING | {
        "space": "year_end",
        "carriers": "spread",
        "incubators-20": "spread",
    }


def test_round_trip_keeps_yearly_stretch_and_region_totals(plan, tmp_path):
    space = plan.indicators.get(code="space")
    kunyang = plan.regions.get(code="kunyang")
    Target.objects.filter(indicator=space, region=None, year=2026).update(stretch_value=25)
    Target.objects.filter(indicator=space, region=kunyang, year=2025).update(stretch_value=3)
    Target.objects.create(indicator=space, region=kunyang, year=None, value=10, stretch_value=12)
    before = target_rows(plan)
    path = tmp_path / "stretch.xlsx"
    export_plan(plan, path)
    book = openpyxl.load_workbook(path)
    assert "2026年高线" in [c.value for c in book["附件1"][2]]
    assert {"2025年高线", "总计", "总计高线"} <= {c.value for c in book["附件2"][2]}
    make_room(plan)

    assert target_rows(import_plan(path)) == before


def test_import_plan_command_reports_what_it_created(plan, exported, capsys):
    make_room(plan)
    call_command("import_plan", str(exported))
    out = capsys.readouterr().out
    assert "9 个区域、6 个指标、159 个目标" in out


def test_import_keeps_decimals_of_space_targets(plan, exported):
    book = openpyxl.load_workbook(exported)
    book["附件2"]["B4"] = 1.65  # 昆阳 2025 space
    book["附件2"]["B5"] = 3.35  # 鳌江 2025 space, still sums to 16
    book.save(exported)
    make_room(plan)
    imported = import_plan(exported)
    kunyang = Target.objects.get(
        indicator__plan=imported, region__code="kunyang", year=2025, indicator__code="space"
    )
    assert kunyang.value == Decimal("1.65")


def test_import_records_target_history(plan, exported):
    make_room(plan)
    imported = import_plan(exported)
    target = Target.objects.filter(indicator__plan=imported).first()
    assert target.history.count() == 1


# ---------------------------------------------------------------- same name


def test_import_refuses_a_plan_whose_name_already_exists(plan, exported):
    before = counts()
    with pytest.raises(PlanConflictError, match="已有同名计划"):
        import_plan(exported)
    assert counts() == before


def test_import_command_suggests_replace_for_an_existing_plan(plan, exported):
    with pytest.raises(CommandError, match=r"已有同名计划.*\n.*加 --replace"):
        call_command("import_plan", str(exported))


def test_import_with_replace_swaps_the_plan_and_keeps_it_active(plan, exported):
    before = target_rows(plan)
    imported = import_plan(exported, replace=True)
    assert Plan.objects.get() == imported
    assert imported.pk != plan.pk and imported.is_active
    assert target_rows(imported) == before


def test_replace_is_refused_when_figures_were_reported(plan, exported):
    Figure.objects.create(
        indicator=plan.indicators.get(code="space"),
        region=plan.regions.get(code="kunyang"),
        year=2025,
        quarter=1,
        value=Decimal("1.5"),
    )
    before = counts()
    with pytest.raises(PlanConflictError, match="季度数据 1 条"):
        import_plan(exported, replace=True)
    assert counts() == before
    assert Figure.objects.count() == 1


def test_import_command_does_not_suggest_replace_when_replace_was_refused(plan, exported):
    """--replace was given and refused because figures hang off the plan:
    "加 --replace" would send the user round in a circle."""
    Figure.objects.create(
        indicator=plan.indicators.get(code="space"),
        region=plan.regions.get(code="kunyang"),
        year=2025,
        quarter=1,
        value=Decimal("1.5"),
    )
    with pytest.raises(CommandError) as refused:
        call_command("import_plan", str(exported), "--replace")
    message = str(refused.value)
    assert "季度数据 1 条" in message and "已拒绝" in message
    assert "--replace" not in message
    assert Plan.objects.get() == plan


def test_replace_is_refused_when_township_officials_are_bound_to_its_regions(
    official, plan, exported
):
    with pytest.raises(PlanConflictError, match="区域归属 1 条"):
        import_plan(exported, replace=True)
    assert Plan.objects.get() == plan


def test_import_beside_an_active_plan_leaves_the_active_one(plan, tmp_path):
    path = tmp_path / "other.xlsx"
    build_other_county(path)
    other = import_plan(path)
    assert not other.is_active
    assert Plan.objects.current() == plan


def test_import_with_activate_makes_the_new_plan_current(plan, tmp_path):
    path = tmp_path / "other.xlsx"
    build_other_county(path)
    other = import_plan(path, activate=True)
    assert Plan.objects.current() == other
    plan.refresh_from_db()
    assert not plan.is_active


# ---------------------------------------------------------------- another county

OTHER_REGIONS = [
    ("dongcheng", "东城街道"),
    ("xicheng", "西 城 镇"),
    ("nanshan", "南山乡"),
    ("beihu", "北湖镇"),
]


def build_other_county(path, goals=()) -> None:
    """A 2028–2030 plan of four regions and three indicators, one county-only,
    built the way a county clerk would type it (no title rows, numbers as text);
    with ``goals``, the rows of its 目标要求 sheet (the last)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "计划"
    for row in [
        ("项目", "内容"),
        ("计划名称", "东湖县科创三年计划(2028—2030年)"),
        ("文号", "东政发〔2027〕12号"),
        ("全县名称", "全县合计"),
        ("起始年份", 2028),
        ("结束年份", "2030"),
        ("区域称谓", "街道"),
        ("主管部门", "东湖县科技局"),
    ]:
        sheet.append(row)
    indicators = book.create_sheet("指标")
    indicators.append(["代码", "指标名称", "单位", "小数位数", "按区域分解"])
    indicators.append(["labs", "新建实验室", "个", 0, "是"])
    indicators.append(["area", "新增科创用地", "公顷", 1, "是"])
    indicators.append(["funds", "设立引导基金", "只", None, "否"])
    regions = book.create_sheet("区域")
    regions.append(["序号", "代码", "名称"])
    for n, (code, name) in enumerate(OTHER_REGIONS, start=1):
        regions.append([n, code, name])
    annex1 = book.create_sheet("附件1")
    annex1.append(["序号", "指标名称", "2028年", "2029年", "2030年", "合计", "2030年高线"])
    annex1.append([1, "新建实验室(个)", 4, 4, 8, 16, 10])
    annex1.append([2, "新增科创用地(公顷)", 2.2, "1.8", 2, 6])
    annex1.append([3, "设立引导基金(只)", 1, 0, 1, 2])
    annex2 = book.create_sheet("附件2")
    annex2.append(["区域", "2028年", None, "2029年", None, "2030年", None])
    annex2.append(
        [
            None,
            "新建实验室",
            "新增科创用地",
            "新建实验室",
            "新增科创用地",
            "新建实验室",
            "新增科创用地",
        ]
    )
    annex2.append(["东城街道", 1, 0.5, 1, 0.5, 2, 0.5])
    annex2.append(["西城镇", 1, 0.5, 1, 0.5, 2, 0.5])
    annex2.append(["南山乡", 1, 0.6, 1, 0.4, 2, 0.5])
    annex2.append(["北湖镇", 1, 0.6, 1, 0.4, 2, 0.5])
    if goals:
        sheet = book.create_sheet("目标要求")
        for row in goals:
            sheet.append(list(row))
    book.save(path)


OTHER_TARGETS = {
    ("labs", None, 2028, Decimal(4), None),
    ("labs", None, 2029, Decimal(4), None),
    ("labs", None, 2030, Decimal(8), Decimal(10)),
    ("labs", None, None, Decimal(16), None),
    ("area", None, 2028, Decimal("2.2"), None),
    ("area", None, 2029, Decimal("1.8"), None),
    ("area", None, 2030, Decimal(2), None),
    ("area", None, None, Decimal(6), None),
    ("funds", None, 2028, Decimal(1), None),
    ("funds", None, 2029, Decimal(0), None),
    ("funds", None, 2030, Decimal(1), None),
    ("funds", None, None, Decimal(2), None),
}


def test_a_plan_of_county_level_indicators_only_needs_no_annex_2(db, tmp_path):
    """Nothing broken down by region, nothing for 附件2 to hold: a workbook
    without it imports (its regions still listed); with one indicator
    broken down again, the missing sheet is named."""
    path = tmp_path / "county-only.xlsx"
    build_other_county(path)
    book = openpyxl.load_workbook(path)
    book.remove(book["附件2"])
    for row in book["指标"].iter_rows(min_row=2):
        row[4].value = "否"
    book.save(path)
    imported = import_plan(path)
    assert not imported.indicators.filter(by_region=True).exists()
    assert imported.regions.count() == len(OTHER_REGIONS)
    assert {r for r in target_rows(imported) if r[1] is None} == OTHER_TARGETS

    book["指标"]["E2"] = "是"
    book.save(path)
    imported.delete()
    with pytest.raises(PlanWorkbookError) as refused:
        import_plan(path)
    assert "工作表“附件2”:工作表不存在(有按区域分解的指标时必须有附件2)" in refused.value.messages


def test_another_countys_plan_imports_exports_and_reimports(db, tmp_path):
    path = tmp_path / "donghu.xlsx"
    build_other_county(path)

    imported = import_plan(path)

    assert (
        imported.first_year,
        imported.last_year,
        imported.county_name,
        imported.region_term,
        imported.bureau_name,
    ) == (2028, 2030, "全县合计", "街道", "东湖县科技局")
    assert list(imported.regions.values_list("code", "name")) == [
        ("dongcheng", "东城街道"),
        ("xicheng", "西 城 镇"),
        ("nanshan", "南山乡"),
        ("beihu", "北湖镇"),
    ]
    # No 序时方式 column (a workbook from before it existed): spread, as before.
    assert list(
        imported.indicators.values_list("code", "by_region", "decimal_places", "pacing")
    ) == [
        ("labs", True, 0, "spread"),
        ("area", True, 1, "spread"),
        ("funds", False, 0, "spread"),
    ]
    rows = target_rows(imported)
    assert {r for r in rows if r[1] is None} == OTHER_TARGETS
    assert ("area", "nanshan", 2028, Decimal("0.6"), None) in rows
    assert len(rows) == 12 + 4 * 3 * 2

    again = tmp_path / "again.xlsx"
    export_plan(imported, again)
    imported.delete()
    reimported = import_plan(again)
    assert target_rows(reimported) == rows
    assert (reimported.county_name, reimported.region_term) == ("全县合计", "街道")
    sheet = openpyxl.load_workbook(again)["附件2"]
    assert sheet["B2"].value == "2028年建设任务"
    assert sheet["A8"].value == "全县合计"


# ---------------------------------------------------------------- malformed workbooks


MALFORMED = {
    "missing sheet": (lambda b: b.remove(b["附件2"]), ["工作表“附件2”", "工作表不存在"]),
    "non-number": (set_cell("附件1", "C3", "十六"), ["工作表“附件1”第3行C列(2025年)", "不是数字"]),
    "negative": (set_cell("附件2", "C4", -40), ["工作表“附件2”第4行C列", "不能为负数"]),
    # A decimal comma (or a slip) is no thousands separator: never read as 5.
    "decimal comma": (
        set_cell("附件2", "B4", "0,5"),
        ["工作表“附件2”第4行B列", "“0,5”不是数字:逗号只能用作千位分隔符"],
    ),
    # Only a merged range's first cell keeps a value: the others' targets
    # would be lost, read as blank.
    "merged targets in annex 2": (
        lambda book: book["附件2"].merge_cells("B4:B6"),
        ["工作表“附件2”第4行B列", "单元格 B4:B6 是合并单元格"],
    ),
    "merged targets in annex 1": (
        lambda book: book["附件1"].merge_cells("C4:D4"),
        ["工作表“附件1”第4行C列", "单元格 C4:D4 是合并单元格"],
    ),
    # Merged cells lose a value in any sheet: each range named, never misread.
    "merged cells in the indicators list": (
        lambda book: book["指标"].merge_cells("F2:F4"),
        ["工作表“指标”第2行F列", "单元格 F2:F4 是合并单元格"],
    ),
    "merged cells in the measures list": (
        lambda book: book["任务"].merge_cells("H2:H3"),
        ["工作表“任务”第2行H列", "单元格 H2:H3 是合并单元格"],
    ),
    "merged cells in the plan sheet": (
        lambda book: book["计划"].merge_cells("B2:B3"),
        ["工作表“计划”第2行B列", "单元格 B2:B3 是合并单元格"],
    ),
    # A name must show, on one line: it titles pages and is quoted in sentences.
    "bureau name over two lines": (
        set_cell("计划", "B8", "县科技局\n办公室"),
        ["工作表“计划”第8行B列", "不能含换行"],
    ),
    "indicator name over two lines": (
        set_cell("指标", "C3", "新增孵化\n载体"),
        ["工作表“指标”第3行C列(指标名称)", "不能含换行"],
    ),
    "number as Python writes it": (
        set_cell("附件2", "B4", "1_000"),
        ["工作表“附件2”第4行B列", "“1_000”不是数字"],
    ),
    # A footnote mark is no digit: 1² is not 12.
    "superscript in a number": (
        set_cell("附件2", "B4", "1²"),
        ["工作表“附件2”第4行B列", "“1²”不是数字"],
    ),
    "space inside a number": (
        set_cell("附件2", "B4", "1 6"),
        ["工作表“附件2”第4行B列", "“1 6”不是数字"],
    ),
    "bold mathematical digits": (
        set_cell("附件2", "B4", "\U0001d7cf\U0001d7d4"),
        ["工作表“附件2”第4行B列", "“\U0001d7cf\U0001d7d4”不是数字"],
    ),
    # Nor is a superscript or another script's year a year.
    "superscript year": (
        set_cell("附件1", "E2", "²⁰²⁷年"),
        ["工作表“附件1”第2行E列(²⁰²⁷年)", "无法识别的表头"],
    ),
    "Arabic-Indic year": (
        set_cell("附件1", "E2", "\u0662\u0660\u0662\u0667年"),
        ["工作表“附件1”第2行E列", "无法识别的表头"],
    ),
    "unknown region": (
        set_cell("附件2", "A5", "龙港"),
        ["工作表“附件2”第5行A列", "未知区域“龙港”"],
    ),
    # A total row named as another plan names it: said so, not "add a region".
    "total row under another name": (
        set_cell("附件2", "A5", "全市"),
        ["工作表“附件2”第5行A列", "“全市”像是合计行,但本计划的全县名称是“全县”"],
    ),
    "unknown indicator": (
        set_cell("附件1", "B4", "新增独角兽企业"),
        ["工作表“附件1”第4行B列", "未知指标“新增独角兽企业”"],
    ),
    "duplicated region in annex 2": (
        set_cell("附件2", "A5", "昆阳"),
        ["工作表“附件2”第5行A列", "区域“昆阳”重复(已在第4行)"],
    ),
    "duplicated region in region sheet": (
        set_cell("区域", "C3", "昆阳"),
        ["工作表“区域”第3行C列(名称)", "区域“昆阳”重复"],
    ),
    "year out of range": (
        set_cell("附件1", "E2", "2029年"),
        ["工作表“附件1”第2行E列(2029年)", "不在计划期 2025—2027 年内"],
    ),
    "year out of range in annex 2": (
        set_cell("附件2", "G2", "2024年建设任务"),
        ["工作表“附件2”第2行G列", "年份 2024 不在计划期"],
    ),
    "too many decimals": (
        set_cell("附件1", "C3", 16.125),
        ["工作表“附件1”第3行C列(2025年)", "小数位数超过该指标允许的 2 位"],
    ),
    "decimals on a whole-number indicator": (
        set_cell("附件2", "C4", 40.5),
        ["工作表“附件2”第4行C列", "允许的 0 位"],
    ),
    "stretch below value": (
        set_cell("附件1", "G3", 60),
        ["工作表“附件1”第3行G列(总计高线)", "高线 60 低于目标值 70"],
    ),
    "formula without cached value": (
        set_cell("附件1", "C3", "=8+8"),
        ["工作表“附件1”第3行C列", "公式没有计算结果"],
    ),
    "county row disagrees with annex 1": (
        set_cell("附件2", "B13", 17),
        ["工作表“附件2”第13行B列", "与工作表“附件1”的 16 不一致"],
    ),
    "county-only indicator in annex 2": (
        set_cell("附件2", "C3", "新增市级及以上孵化载体"),
        ["工作表“附件2”第3行C列", "仅全县指标"],
    ),
    "missing plan year": (
        set_cell("计划", "B6", None),
        ["工作表“计划”第6行B列(结束年份)", "应为 2000 到 2100 之间的整数"],
    ),
    "a year of more digits than int() converts": (
        set_cell("计划", "B6", "2" * 5000),
        ["工作表“计划”第6行B列(结束年份)", "应为 2000 到 2100 之间的整数,而不是“2222", "…”"],
    ),
    "unknown pacing": (
        set_cell("指标", "H3", "每月"),
        ["工作表“指标”第3行H列(序时方式)", "应填“均摊”或“年底”,而不是“每月”"],
    ),
    "bad indicator code": (
        set_cell("指标", "B3", "tech enterprises!"),
        ["工作表“指标”第3行B列(代码)", "只能含字母、数字"],
    ),
}


@pytest.mark.parametrize("mistake", MALFORMED)
def test_malformed_workbook_is_refused_naming_the_cell_and_nothing_is_written(
    plan, exported, mistake
):
    change, expected = MALFORMED[mistake]
    mutate(exported, change)

    text = "\n".join(refused(exported, plan))  # and nothing written

    for fragment in expected:
        assert fragment in text


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (b"NaN", "工作表“附件1”第4行D列:数值单元格中的“NaN”不是数字"),
        (b"-INF", "工作表“附件1”第4行D列:数值单元格中的“-INF”不是数字"),
        (b"abc", "工作表“附件1”第4行D列:数值单元格中的“abc”不是数字"),
        (b"1e400", "工作表“附件1”第4行D列(2026年):数值超出可表示的范围"),
    ],
)
def test_a_number_cell_holding_no_number_is_named_not_blamed_on_the_file(
    plan, exported, tmp_path, written, expected
):
    """Another program may write NaN or INF into a number cell; openpyxl then
    cannot read the sheet. The message names the cell, not the file."""
    mutate(exported, set_cell("附件1", "D4", 12345.5))
    patched = tmp_path / "patched.xlsx"
    with zipfile.ZipFile(exported) as src, zipfile.ZipFile(patched, "w") as dst:
        for item in src.infolist():
            dst.writestr(
                item, src.read(item.filename).replace(b"<v>12345.5</v>", b"<v>" + written + b"</v>")
            )

    [message] = refused(patched, plan)
    assert message.startswith(expected)


@pytest.mark.parametrize(
    "content",
    [b"", b"garbage bytes, not a workbook", b"PK\x03\x04broken zip", "序号,名称\n".encode()],
)
def test_a_file_that_is_not_xlsx_is_refused(db, tmp_path, content):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(content)
    with pytest.raises(PlanWorkbookError, match=r"不是有效的 Excel 工作簿\(\.xlsx\)"):
        import_plan(path)
    assert counts() == (0, 0, 0, 0)


def test_a_zip_that_is_not_a_workbook_is_refused(db, tmp_path):
    path = tmp_path / "plan.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(PlanWorkbookError, match="不是有效的 Excel 工作簿"):
        import_plan(path)


def test_every_problem_is_reported_at_once(plan, exported):
    mutate(
        exported,
        set_cell("附件1", "C3", "十六"),
        set_cell("附件2", "C4", -1),
        set_cell("附件2", "D5", "很多"),
    )
    with pytest.raises(PlanWorkbookError) as caught:
        read_plan_workbook(exported)
    assert len(caught.value.messages) == 3


EMPTY_FORMULA_VALUE = re.compile(rb"<f>1\+2</f>(?:<v\s*/>|<v></v>)")


def test_formula_with_a_cached_value_is_read_as_its_cached_value(plan, exported, tmp_path):
    """Excel keeps a formula's last result beside it: that result is used, the formula
    itself never evaluated."""
    mutate(exported, set_cell("附件2", "B4", "=1+2"))
    # openpyxl writes no cached result; add one to the sheet XML as Excel would.
    patched = tmp_path / "cached.xlsx"
    # The formula is the workbook's only one, in whichever sheet file 附件2 is.
    patched_sheets = []
    with zipfile.ZipFile(exported) as src, zipfile.ZipFile(patched, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            # An empty <v/> is written <v /> or <v></v> (with lxml installed).
            data, found = EMPTY_FORMULA_VALUE.subn(b"<f>1+2</f><v>3</v>", data)
            if item.filename.startswith("xl/worksheets/") and found:
                patched_sheets.append(item.filename)
            dst.writestr(item, data)
    assert len(patched_sheets) == 1

    targets = read_plan_workbook(patched).targets

    [kunyang] = [
        t
        for t in targets
        if (t.indicator_code, t.region_code, t.year) == ("space", "kunyang", 2025)
    ]
    assert kunyang.value == 3


def test_formula_cells_anywhere_change_how_the_workbook_is_read_not_what_is_read(plan, exported):
    """Without formula cells the sheets are read in one pass; a formula, even in
    a sheet the reader ignores, makes every sheet go through the formula pass
    as well. Both give the same plan."""
    one_pass = read_plan_workbook(exported)
    mutate(exported, lambda book: book.create_sheet("备注").cell(1, 1, "=1+1"))
    assert check_archive(exported.read_bytes(), LIMITS).cell_markers
    assert read_plan_workbook(exported) == one_pass


def test_import_command_prints_the_messages_and_fails(plan, exported):
    mutate(exported, set_cell("附件1", "C3", "十六"))
    with pytest.raises(CommandError) as caught:
        call_command("import_plan", str(exported), "--replace")
    assert "未写入任何数据" in str(caught.value)
    assert "工作表“附件1”第3行C列(2025年)" in str(caught.value)
    assert Plan.objects.get() == plan


def test_import_command_fails_on_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_plan", str(tmp_path / "nope.xlsx"))


def test_a_cells_place_reads_in_either_language():
    """Every workbook problem names its sheet, row and column, then says what is
    wrong: without a stray Chinese bracket or colon in the English."""
    from django.utils import translation

    from targets.excel.values import Loc

    loc = Loc("填报", 4, 2, "新增孵化空间面积(万平方米)")
    with translation.override("zh-hans"):
        assert loc.says("这是“昆阳”的数") == (
            "工作表“填报”第4行B列(新增孵化空间面积(万平方米)):这是“昆阳”的数"
        )
    with translation.override("en"):
        assert loc.says("this is a figure of “昆阳”") == (
            "Sheet “填报”, row 4, column B (新增孵化空间面积(万平方米)): this is a figure of “昆阳”"
        )


def _cell_of(book, sheet: str, header: str, row_value: str, row_header: str = "代码") -> str:
    """The address of ``header``'s cell in the row whose ``row_header`` is
    ``row_value`` (the sheets' header row is the first one naming ``row_header``)."""
    rows = list(book[sheet].iter_rows())
    top = next(i for i, row in enumerate(rows) if any(c.value == row_header for c in row))
    columns = {c.value: c.column_letter for c in rows[top]}
    key = next(c for c in rows[top] if c.value == row_header).column - 1
    row = next(r for r in rows[top + 1 :] if r[key].value == row_value)
    return f"{columns[header]}{row[0].row}"


@pytest.mark.parametrize(
    ("sheet", "header", "row_value", "row_header", "bad", "said"),
    [
        # The goal "space" links to the indicator; ledger rules may too.
        ("指标", "小数位数", "space", "代码", 5, "应为 0 到 4 之间的整数"),
        # The measures name the department; their work items name the measures.
        ("部门", "代码", "kejiju", "代码", "科技 局", "只能含字母、数字、连字符和下划线"),
    ],
)
def test_a_refused_row_is_named_once_not_again_where_others_refer_to_it(
    plan, exported, sheet, header, row_value, row_header, bad, said
):
    """A refused row is left out of what others are checked against; saying
    that a goal's indicator "has no code" as well would send the user looking
    for a row that is there."""
    book = openpyxl.load_workbook(exported)
    ref = _cell_of(book, sheet, header, row_value, row_header)
    mutate(exported, set_cell(sheet, ref, bad))

    messages = refused(exported, plan)

    assert len(messages) == 1, messages
    assert messages[0].startswith(f"工作表“{sheet}”第{ref[1:]}行") and said in messages[0]


def test_a_refused_measure_is_named_once_not_again_by_its_work_items(plan, exported):
    # 任务 row 11 is 三(一); a work item of it is added.
    item = {"B2": "三", "C2": 1, "D2": 2026, "E2": "出台实施细则", "F2": "2026-06-30"}
    mutate(exported, *(set_cell("工作事项", ref, value) for ref, value in item.items()))
    mutate(exported, set_cell("任务", "D11", None))

    assert refused(exported, plan) == ["工作表“任务”第11行D列(标题):不能为空"]
