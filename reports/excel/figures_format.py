"""The figures workbook's format: its sheets, headers and mode words, and the
plan's shape a file is read against and written for (``PlanShape``). Shared by
the reader (``reports.excel.reading``) and the writers (``reports.excel.template``,
``reports.excel.export``); docs/figures-template.md describes the layouts.
Sheet names, header texts and the mode words are the file format and are
deliberately not translated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy

from regions.models import Region
from targets.excel.values import normalize
from targets.models import Indicator

SHEET_TEMPLATE, SHEET_INFO, SHEET_LONG = "填报", "说明", "数据"
REGION_HEADER = "区域"
LONG_COLUMNS = ("区域", "指标", "年份", "季度", "数值", "备注")
LONG_REQUIRED = ("区域", "指标", "年份", "季度", "数值")
TEMPLATE_KIND = "季度数据填报模板"
META_KEYS = ("模板", "计划编号", "计划名称", "年份", "季度", "填报口径", "生成时间")


class ValueMode(models.TextChoices):
    """What a file's numbers are: each quarter's new amount, or the year's total so far."""

    QUARTER = "quarter", gettext_lazy("本季度新增")
    YTD = "ytd", gettext_lazy("年度累计")


# How the mode is written in a file: format words, the same in every UI language.
MODE_WORDS = {ValueMode.QUARTER: "本季度新增", ValueMode.YTD: "年度累计"}


@dataclass
class PlanShape:
    """What a file is read against: the plan's regions and indicators, loaded
    once (``reports.figures.imports.plan_shape``) and looked up by name per cell."""

    plan_id: int
    plan_name: str
    county_name: str
    region_term: str
    years: list[int]
    indicators: list[Indicator]
    regions: list[Region]
    indicator_by_name: dict[str, Indicator] = field(init=False)
    region_by_name: dict[str, Region] = field(init=False)

    def __post_init__(self) -> None:
        # An indicator is found by name, by name with unit (as the template
        # prints it), by the annex-2 name or by code.
        self.indicator_by_name = {}
        for indicator in self.indicators:
            names = [indicator.name, indicator.label, indicator.code]
            if indicator.alt_name:
                alt_label = f"{indicator.alt_name}({indicator.unit})"
                names += [indicator.alt_name, alt_label if indicator.unit else ""]
            for name in names:
                if name:
                    self.indicator_by_name.setdefault(normalize(name), indicator)
        self.region_by_name = {normalize(region.name): region for region in self.regions}

    @property
    def county_key(self) -> str:
        return normalize(self.county_name)
