"""Constants shared by the plan's models and forms."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Stored values: up to 9,999,999,999.9999 — enough for any county figure, with the
# four decimals a 万平方米 value may carry (0.0001 万㎡ = 1 ㎡).
VALUE_MAX_DIGITS = 14
VALUE_DECIMAL_PLACES = 4
MAX_DECIMAL_PLACES = VALUE_DECIMAL_PLACES

QUARTERS = (1, 2, 3, 4)


class Pacing(models.TextChoices):
    """How an indicator's 序时进度 (expected progress) runs through a year.

    SPREAD: the year's target is due evenly, n/4 of it after n quarters —
    for amounts that accrue all year (floor space, enterprises, people).
    YEAR_END: the whole target is due at the year's end and nothing before —
    for a small whole number of milestones (a facility completed, a title
    granted in a yearly batch), where a quarter's share of "1" means nothing.
    """

    SPREAD = "spread", _("按季度均摊")
    YEAR_END = "year_end", _("年底考核")


class GoalKind(models.TextChoices):
    """How a headline goal (目标要求) is measured.

    CUMULATIVE: everything added since the plan began, against the goal — the
    linked annex indicator's counted county figures, plan to date.
    STOCK: how many exist at a date (a base at the plan's start, then the stock
    reported each quarter); it can fall, e.g. when an incubator closes.
    ANNUAL_FLOOR: each year on its own must reach the goal.
    SHARE / COVERAGE: a numerator over a denominator reported each quarter, in
    percent; coverage is a share whose goal is 100.
    """

    CUMULATIVE = "cumulative", _("累计")
    STOCK = "stock", _("存量")
    ANNUAL_FLOOR = "annual_floor", _("每年")
    SHARE = "share", _("占比")
    COVERAGE = "coverage", _("覆盖")


CHINESE_NUMERALS = "一二三四五六七八九十"


def chinese_numeral(number: int) -> str:
    """1 → 一, 9 → 九, 12 → 十二, 20 → 二十: how the plan numbers its items."""
    if 1 <= number <= 10:
        return CHINESE_NUMERALS[number - 1]
    if 10 < number < 100:
        tens, units = divmod(number, 10)
        head = "" if tens == 1 else CHINESE_NUMERALS[tens - 1]
        return head + "十" + (CHINESE_NUMERALS[units - 1] if units else "")
    return str(number)


class IncubatorKind(models.TextChoices):
    """The national categories of incubation carriers (孵化载体)."""

    INCUBATOR = "incubator", _("孵化器")
    MAKERSPACE = "makerspace", _("众创空间")
    ACCELERATOR = "accelerator", _("加速器")
    NURSERY = "nursery", _("创业苗圃")
    BASE = "base", _("孵化基地")


class IncubatorLevel(models.IntegerChoices):
    """A recognition's level; higher is more: "市级及以上" is ``level >= CITY``."""

    COUNTY = 1, _("县级")
    CITY = 2, _("市级")
    PROVINCE = 3, _("省级")
    NATIONAL = 4, _("国家级")


class LedgerRule(models.TextChoices):
    """What the ledger counts for an indicator (within a period, per region) or
    a goal (a stock at a date, for the county)."""

    FLOOR_AREA_OPENED = "floor_area_opened", _("新投入运营载体的面积")
    RECOGNITIONS = "recognitions", _("期间新认定的载体(按最低级别)")
    INCUBATOR_FLAG = "incubator_flag", _("期间新获标识的载体")
    ENTERPRISE_ENTRIES = "enterprise_entries", _("期间新入孵的企业")
    ENTERPRISE_FLAG = "enterprise_flag", _("期间新获标识的企业")
    INCUBATOR_STOCK = "incubator_stock", _("期末在运营的载体数(按类型、最低级别)")


# The rules that count holders of a flag (``LedgerSource.flag`` required).
LEDGER_FLAG_RULES = (LedgerRule.INCUBATOR_FLAG, LedgerRule.ENTERPRISE_FLAG)


class EvaluationMetric(models.TextChoices):
    """What an evaluation criterion reads from an incubator's quarterly operating
    data over the evaluated year: a rate averaged over the quarters reported,
    the enterprises at the last quarter reported, a flow summed, a share as the
    ratio of the year's sums (in percent)."""

    OCCUPANCY_RATE = "occupancy_rate", _("空间入驻率(季度平均,%)")
    ENTERPRISES = "enterprises", _("在孵企业数(年末)")
    NEW_TALENT = "new_talent", _("新增人才(全年)")
    FINANCING = "financing", _("到账融资(全年,万元)")
    REVENUE = "revenue", _("营业收入(全年,万元)")
    GRADUATES = "graduates", _("毕业企业数(全年)")
    LEAD_INDUSTRY_FIRM_SHARE = "lead_firm_share", _("主导产业企业占比(年末,%)")
    LEAD_INDUSTRY_REVENUE_SHARE = "lead_revenue_share", _("主导产业营收占比(全年,%)")
