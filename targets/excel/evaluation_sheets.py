"""The plan workbook's evaluation sheets (optional, written when the plan has
criteria): 评估指标 — the yearly evaluation's criteria, one a row (代码, 评估指标,
取数口径, 权重, 满分值) — and 评估规则 — the thresholds that make candidates, one
a row (项目, 数值), like the 计划 sheet. Every bad cell is reported with its
sheet, row and column; nothing is imported then."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from targets.choices import EvaluationMetric
from targets.excel.cells import BadCell, Problems, amount, integer, slug, text, unique
from targets.excel.format import CRITERION_COLUMNS, CriterionSpec, ThresholdSpec
from targets.excel.grid import SheetGrid
from targets.excel.list_sheets import _fields, _records
from targets.excel.values import Loc, normalize

# The file's words for the metrics: the labels' Chinese, fixed (the file
# format is not translated).
METRIC_WORDS = {
    EvaluationMetric.OCCUPANCY_RATE: "空间入驻率",
    EvaluationMetric.ENTERPRISES: "在孵企业数",
    EvaluationMetric.NEW_TALENT: "新增人才",
    EvaluationMetric.FINANCING: "到账融资",
    EvaluationMetric.REVENUE: "营业收入",
    EvaluationMetric.GRADUATES: "毕业企业数",
    EvaluationMetric.LEAD_INDUSTRY_FIRM_SHARE: "主导产业企业占比",
    EvaluationMetric.LEAD_INDUSTRY_REVENUE_SHARE: "主导产业营收占比",
}
METRIC_READ = {word: metric.value for metric, word in METRIC_WORDS.items()}
THRESHOLD_KEYS = {
    "择优申报最低分": "recommend_min_score",
    "每类择优申报名额": "recommend_top",
    "限期整改分数线": "rectify_below",
    "摘牌分数线": "delist_below",
}
HUNDRED = Decimal(100)


def _metric(value: object) -> str:
    word = normalize(text(value, 30))
    if word not in METRIC_READ:
        known = "、".join(METRIC_WORDS.values())
        raise BadCell(_("应填%(known)s之一,而不是“%(value)s”") % {"known": known, "value": word})
    return METRIC_READ[word]


def _required(places: int):
    def convert(value):
        number = amount(value, places)
        if number is None:
            raise BadCell(_("不能为空"))
        return number

    return convert


def read_criteria(sheet: SheetGrid | None, problems: Problems) -> list[CriterionSpec]:
    if sheet is None:
        return []
    converters = {
        "代码": slug,
        "评估指标": lambda v: text(v, 100),
        "取数口径": _metric,
        "权重": _required(2),
        "满分值": lambda v: amount(v, 2),
    }
    criteria, codes, metrics = [], {}, {}
    required = ("评估指标", "代码", "取数口径", "权重")
    for row, record in _records(sheet, CRITERION_COLUMNS, required, problems):
        found = _fields(record, converters, problems)
        if found is None:
            continue
        if found["满分值"] == 0:
            problems.add(record["满分值"][1], _("满分值须大于 0(留空表示相对计分)"))
            continue
        label = _("取数口径")
        if not unique(codes, found["代码"], _("代码"), row, record["代码"][1], problems):
            continue
        if not unique(metrics, found["取数口径"], label, row, record["取数口径"][1], problems):
            continue
        criteria.append(
            CriterionSpec(
                code=found["代码"],
                name=found["评估指标"],
                metric=found["取数口径"],
                weight=found["权重"],
                full_marks_at=found["满分值"],
                order=len(criteria) + 1,
            )
        )
    return criteria


def read_thresholds(sheet: SheetGrid | None, problems: Problems) -> ThresholdSpec | None:
    if sheet is None:
        return None
    fields: dict[str, object] = {}
    for row in sheet.row_numbers():
        key, loc = normalize(sheet.cell(row, 1)), Loc(sheet.title, row, 1)
        if key in ("项目", ""):
            continue
        if key not in THRESHOLD_KEYS:
            message = _("无法识别的项目“%(key)s”(可用:%(known)s)")
            problems.add(loc, message, key=key, known="、".join(THRESHOLD_KEYS))
            continue
        name, value = THRESHOLD_KEYS[key], sheet.cell(row, 2)
        try:
            if name == "recommend_top":
                number = None if value in (None, "") else integer(value, 1, 1000)
            else:
                number = amount(value, 2)
                if number is not None and number > HUNDRED:
                    raise BadCell(_("分数不能超过 100"))
        except BadCell as bad:
            problems.add(Loc(sheet.title, row, 2, key), bad.args[0])
            continue
        fields[name] = number
    spec = ThresholdSpec(**fields)
    if (
        spec.delist_below is not None
        and spec.rectify_below is not None
        and spec.delist_below > spec.rectify_below
    ):
        problems.add(Loc(sheet.title), _("摘牌分数线不能高于限期整改分数线"))
    return spec


def criterion_rows(criteria: tuple[CriterionSpec, ...]) -> list[list[object]]:
    """The 评估指标 sheet's rows, header first, as ``read_criteria`` reads them."""
    rows: list[list[object]] = [list(CRITERION_COLUMNS)]
    for n, c in enumerate(criteria, start=1):
        rows.append(
            [n, c.code, c.name, METRIC_WORDS[EvaluationMetric(c.metric)], c.weight, c.full_marks_at]
        )
    return rows


def threshold_rows(spec: ThresholdSpec) -> list[list[object]]:
    """The 评估规则 sheet's rows, header first."""
    return [["项目", "数值"]] + [[key, getattr(spec, name)] for key, name in THRESHOLD_KEYS.items()]


CRITERION_WIDTHS = [6, 16, 20, 18, 8, 10]
THRESHOLD_WIDTHS = [20, 10]
