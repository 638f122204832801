"""The plan workbook's format: its sheets and columns, the plan as the
workbook specifies it (``PlanSpec``), and how annex headers name years.
Shared by the reader (``targets.excel.reading``) and the writer
(``targets.excel.writing``); no database. Sheet and header names are the file
format, so they are deliberately not translated."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from targets.choices import GoalKind, IncubatorKind, IncubatorLevel, LedgerRule, Pacing
from targets.excel.values import normalize

SHEET_PLAN, SHEET_INDICATORS, SHEET_REGIONS = "计划", "指标", "区域"
SHEET_ANNEX1, SHEET_ANNEX2 = "附件1", "附件2"
# Every workbook has these; 附件2 too unless no indicator is broken down by
# region (a plan of county-level indicators only: nothing to break down).
SHEETS = (SHEET_PLAN, SHEET_INDICATORS, SHEET_REGIONS, SHEET_ANNEX1)
# Sheets an older workbook may lack, read when present (see OPTIONAL_SHEETS):
# the departments, measures and work items (always written) and the headline
# goals (written when the plan has any).
SHEET_DEPARTMENTS, SHEET_MEASURES, SHEET_WORK_ITEMS = "部门", "任务", "工作事项"
DEPARTMENT_COLUMNS = ("序号", "代码", "部门名称", "别名")
MEASURE_COLUMNS = ("序号", "部分", "编号", "标题", "内容", "牵头部门", "配合部门", "涉及区域")
WORK_ITEM_COLUMNS = ("序号", "部分", "编号", "年份", "事项", "完成时限", "完成日期")
PLAN_KEYS = ("计划名称", "文号", "全县名称", "起始年份", "结束年份", "区域称谓", "主管部门")
# The plan's words when its workbook leaves them out (the model's defaults).
DEFAULT_COUNTY_NAME, DEFAULT_REGION_TERM, DEFAULT_BUREAU_NAME = "全县", "乡镇", "县科技局"
INDICATOR_COLUMNS = (
    "序号",
    "代码",
    "指标名称",
    "附件2名称",
    "单位",
    "小数位数",
    "按区域分解",
    "序时方式",
)
# 序时方式 cells: the short word the export writes, and the long names also read.
PACING_WORDS = {Pacing.SPREAD: "均摊", Pacing.YEAR_END: "年底"}
PACING_READ = {
    "均摊": Pacing.SPREAD,
    "按季度均摊": Pacing.SPREAD,
    "年底": Pacing.YEAR_END,
    "年底考核": Pacing.YEAR_END,
}
REGION_COLUMNS = ("序号", "代码", "名称")
# Optional sheets: a workbook without them still loads (older workbooks have none).
SHEET_GOALS = "目标要求"
# The yearly evaluation's criteria and thresholds (written when the plan has them).
SHEET_CRITERIA, SHEET_THRESHOLDS = "评估指标", "评估规则"
CRITERION_COLUMNS = ("序号", "代码", "评估指标", "取数口径", "权重", "满分值")
# The ledger's sheets (written when the plan declares any of it).
SHEET_INDUSTRIES, SHEET_LEDGER_FLAGS, SHEET_LEDGER_SOURCES = "产业", "台账标识", "台账口径"
OPTIONAL_SHEETS = (
    SHEET_GOALS,
    SHEET_DEPARTMENTS,
    SHEET_MEASURES,
    SHEET_WORK_ITEMS,
    SHEET_INDUSTRIES,
    SHEET_LEDGER_FLAGS,
    SHEET_LEDGER_SOURCES,
    SHEET_CRITERIA,
    SHEET_THRESHOLDS,
)
INDUSTRY_COLUMNS = ("序号", "代码", "产业名称")
LEDGER_FLAG_COLUMNS = ("序号", "代码", "名称", "适用对象")
LEDGER_SOURCE_COLUMNS = (
    "序号",
    "指标代码",
    "目标代码",
    "口径",
    "标识",
    "最低级别",
    "载体类型",
    "由台账生成",
)
# The words of the ledger sheets' cells: the export writes the first, the
# reader also takes the codes themselves.
APPLIES_WORDS = {"incubator": "孵化载体", "enterprise": "在孵企业"}
APPLIES_READ = {"载体": "incubator", "企业": "enterprise"}
RULE_WORDS = {
    LedgerRule.FLOOR_AREA_OPENED: "新投入运营面积",
    LedgerRule.RECOGNITIONS: "新认定载体",
    LedgerRule.INCUBATOR_FLAG: "载体新获标识",
    LedgerRule.ENTERPRISE_ENTRIES: "新入孵企业",
    LedgerRule.ENTERPRISE_FLAG: "企业新获标识",
    LedgerRule.INCUBATOR_STOCK: "载体存量",
}
LEVEL_WORDS = {
    IncubatorLevel.COUNTY: "县级",
    IncubatorLevel.CITY: "市级",
    IncubatorLevel.PROVINCE: "省级",
    IncubatorLevel.NATIONAL: "国家级",
}
KIND_WORDS = {
    IncubatorKind.INCUBATOR: "孵化器",
    IncubatorKind.MAKERSPACE: "众创空间",
    IncubatorKind.ACCELERATOR: "加速器",
    IncubatorKind.NURSERY: "创业苗圃",
    IncubatorKind.BASE: "孵化基地",
}
GOAL_COLUMNS = (
    "序号",
    "代码",
    "出处",
    "目标表述",
    "类型",
    "目标值",
    "高线",
    "关联指标",
    "基数",
    "单位",
    "小数位数",
)
# 类型 cells: the word the export writes, and the longer names also read.
GOAL_KIND_WORDS = {
    GoalKind.CUMULATIVE: "累计",
    GoalKind.STOCK: "存量",
    GoalKind.ANNUAL_FLOOR: "每年",
    GoalKind.SHARE: "占比",
    GoalKind.COVERAGE: "覆盖",
}
GOAL_KIND_READ = {
    **{word: kind for kind, word in GOAL_KIND_WORDS.items()},
    "累计新增": GoalKind.CUMULATIVE,
    "存量目标": GoalKind.STOCK,
    "年度底线": GoalKind.ANNUAL_FLOOR,
    "比例": GoalKind.SHARE,
    "全覆盖": GoalKind.COVERAGE,
}

YEAR_RE = re.compile(r"([0-9]{4})年?(?:建设任务|任务|目标)?")
STRETCH_RE = re.compile(r"([0-9]{4})年?高线")
TOTAL_RE = re.compile(r"(?:总计|合计)(高线)?")


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    alt_name: str = ""
    unit: str = ""
    decimal_places: int = 0
    by_region: bool = True
    order: int = 0
    pacing: str = Pacing.SPREAD

    @property
    def labels(self) -> set[str]:
        """Every way the annexes may name it, normalized."""
        names = (self.name, self.alt_name)
        return {normalize(label) for n in names if n for label in (n, label_of(n, self.unit))}


@dataclass(frozen=True)
class RegionSpec:
    code: str
    name: str
    order: int = 0


@dataclass(frozen=True)
class TargetSpec:
    """``region_code`` None: the county; ``year`` None: the whole plan (总计)."""

    indicator_code: str
    region_code: str | None
    year: int | None
    value: Decimal
    stretch_value: Decimal | None = None


@dataclass(frozen=True)
class GoalSpec:
    """A headline goal (目标要求); ``indicator_code`` names the annex indicator
    that measures it, if any."""

    code: str
    text: str
    kind: str
    value: Decimal
    stretch_value: Decimal | None = None
    indicator_code: str | None = None
    base_value: Decimal | None = None
    unit: str = ""
    decimal_places: int = 0
    section: str = ""
    order: int = 0


@dataclass(frozen=True)
class DepartmentSpec:
    code: str
    name: str
    aliases: tuple[str, ...] = ()
    order: int = 0


@dataclass(frozen=True)
class MeasureSpec:
    """``departments``: codes, the lead first."""

    section: str
    number: int
    title: str
    text: str = ""
    departments: tuple[str, ...] = ()
    involves_regions: bool = False
    order: int = 0


@dataclass(frozen=True)
class WorkItemSpec:
    section: str
    number: int
    year: int
    title: str
    due_date: date
    done_on: date | None = None


@dataclass(frozen=True)
class IndustrySpec:
    code: str
    name: str
    order: int = 0


@dataclass(frozen=True)
class LedgerFlagSpec:
    code: str
    name: str
    applies_to: str  # "incubator" or "enterprise"
    order: int = 0


@dataclass(frozen=True)
class LedgerSourceSpec:
    """How the ledger counts an indicator or a goal (exactly one code set);
    ``flags``: flag codes."""

    rule: str
    indicator_code: str | None = None
    goal_code: str | None = None
    flags: tuple[str, ...] = ()
    min_level: int | None = None
    kind: str = ""
    derived: bool = False


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    name: str
    metric: str
    weight: Decimal
    full_marks_at: Decimal | None
    order: int


@dataclass(frozen=True)
class ThresholdSpec:
    recommend_min_score: Decimal | None = None
    recommend_top: int | None = None
    rectify_below: Decimal | None = None
    delist_below: Decimal | None = None


@dataclass(frozen=True)
class PlanSpec:
    """A plan as a workbook specifies it, plain frozen data: what import reads
    and export writes. (The engine's input, the plan's targets and figures
    loaded for a period, is ``reports.progress.PlanData``.)"""

    name: str
    first_year: int
    last_year: int
    document_number: str = ""
    county_name: str = DEFAULT_COUNTY_NAME
    region_term: str = DEFAULT_REGION_TERM
    bureau_name: str = DEFAULT_BUREAU_NAME
    indicators: tuple[IndicatorSpec, ...] = ()
    regions: tuple[RegionSpec, ...] = ()
    targets: tuple[TargetSpec, ...] = ()
    goals: tuple[GoalSpec, ...] = ()
    departments: tuple[DepartmentSpec, ...] = ()
    measures: tuple[MeasureSpec, ...] = ()
    work_items: tuple[WorkItemSpec, ...] = ()
    industries: tuple[IndustrySpec, ...] = ()
    ledger_flags: tuple[LedgerFlagSpec, ...] = ()
    ledger_sources: tuple[LedgerSourceSpec, ...] = ()
    evaluation_criteria: tuple[CriterionSpec, ...] = ()
    evaluation_thresholds: ThresholdSpec | None = None

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))


def label_of(name: str, unit: str) -> str:
    """How the annexes print an indicator: 新增孵化空间面积(万平方米)."""
    return f"{name}({unit})" if unit else name


def parse_slot(header: str) -> tuple[int | None, bool] | None:
    """A normalized annex header → (year, or None for 总计; is it a stretch column)."""
    if match := YEAR_RE.fullmatch(header):
        return int(match[1]), False
    if match := STRETCH_RE.fullmatch(header):
        return int(match[1]), True
    if match := TOTAL_RE.fullmatch(header):
        return None, bool(match[1])
    return None


def slot_header(year: int | None, stretch: bool, *, annex2: bool = False) -> str:
    base = ("总计" if year is None else f"{year}年") + ("高线" if stretch else "")
    return f"{base}建设任务" if annex2 and year is not None and not stretch else base
