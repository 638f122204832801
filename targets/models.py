"""The plan as data: a plan, its indicators and their yearly targets.

Nothing here knows about Pingyang: a county loads its own plan (``import_plan``).
"""

from __future__ import annotations

from decimal import Decimal

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from regions.text import refuse_unsafe_characters
from targets.choices import (
    MAX_DECIMAL_PLACES,
    VALUE_DECIMAL_PLACES,
    VALUE_MAX_DIGITS,
    GoalKind,
    Pacing,
)
from targets.formatting import goals_term, labelled


class PlanQuerySet(models.QuerySet):
    def current(self) -> Plan | None:
        """The plan the dashboard shows: the active one, else the newest; with
        ``has_goals`` (whether it lists headline goals), in the same query."""
        goals = Goal.objects.filter(plan=models.OuterRef("pk"))
        plans = self.annotate(has_goals=models.Exists(goals))
        return plans.order_by("-is_active", "-first_year", "-pk").first()


class Plan(models.Model):
    name = models.CharField(_("计划名称"), max_length=200, validators=[refuse_unsafe_characters])
    document_number = models.CharField(
        _("文号"), max_length=100, blank=True, validators=[refuse_unsafe_characters]
    )
    county_name = models.CharField(
        _("全县名称"),
        max_length=50,
        validators=[refuse_unsafe_characters],
        default=_("全县"),
        help_text=_("汇总行的名称,例如“全县”“全市”“全区”;页面、图表和报表都用它称呼汇总。"),
    )
    region_term = models.CharField(
        _("区域称谓"),
        max_length=20,
        validators=[refuse_unsafe_characters],
        default=_("乡镇"),
        help_text=_("页面、图表和报表对各区域的统称,例如“乡镇”“区县”“街道”。"),
    )
    bureau_name = models.CharField(
        _("主管部门"),
        max_length=50,
        validators=[refuse_unsafe_characters],
        default=_("县科技局"),
        help_text=_(
            "审核填报、关闭季度、编发简报的部门,例如“县科技局”“市科技局”;"
            "页面和提示请用户有事联系它。"
        ),
    )
    first_year = models.PositiveSmallIntegerField(
        _("起始年份"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    last_year = models.PositiveSmallIntegerField(
        _("结束年份"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    is_active = models.BooleanField(_("当前计划"), default=True)
    is_demo = models.BooleanField(
        _("含演示数据"),
        default=False,
        help_text=_("载入演示数据后置为真,页面会醒目提示。"),
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("计划")
        verbose_name_plural = _("计划")
        ordering = ["-first_year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=models.F("first_year")),
                name="plan_years_ordered",
                violation_error_message=_("结束年份不能早于起始年份。"),
            ),
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="plan_one_active"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    @property
    def goals_term(self) -> str:
        """What the plan calls its headline goals: 三年目标 for three years."""
        return goals_term(self.last_year - self.first_year + 1)

    def contains(self, year: int, quarter: int | None = None) -> bool:
        in_years = self.first_year <= year <= self.last_year
        return in_years and (quarter is None or 1 <= quarter <= 4)

    def clean(self) -> None:
        """A plan in use keeps every year it has figures or targets for:
        shrinking its years would leave them outside the plan, where no
        page shows them and no write path could correct them."""
        super().clean()
        if self.pk is None or self.first_year is None or self.last_year is None:
            return
        outside = ~Q(year__range=(self.first_year, self.last_year))
        figure = (
            # reports depends on targets, not the other way: the model by name.
            apps.get_model("reports", "Figure")
            .objects.filter(outside, indicator__plan=self)
            .order_by("year", "quarter")
            .values_list("year", "quarter")
            .first()
        )
        if figure is not None:
            message = _("%(year)s年第%(quarter)s季度已有填报数据,计划期必须包含该季度。")
            raise ValidationError(message % {"year": figure[0], "quarter": figure[1]})
        target = (
            Target.objects.filter(outside, indicator__plan=self, year__isnull=False)
            .order_by("year")
            .values_list("year", flat=True)
            .first()
        )
        if target is not None:
            raise ValidationError(_("%(year)s年已有目标,计划期必须包含该年。") % {"year": target})


def current_plan(request) -> Plan | None:
    """The plan the dashboard shows, read once per request."""
    if not hasattr(request, "_current_plan"):
        request._current_plan = Plan.objects.current()
    return request._current_plan


class Indicator(models.Model):
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("计划")
    )
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("指标名称"), max_length=200, validators=[refuse_unsafe_characters])
    alt_name = models.CharField(
        _("别名"),
        max_length=200,
        blank=True,
        validators=[refuse_unsafe_characters],
        help_text=_("分解表中的不同叫法,例如附件2的“新增温州“20”孵化器”。"),
    )
    unit = models.CharField(
        _("单位"), max_length=20, blank=True, validators=[refuse_unsafe_characters]
    )
    decimal_places = models.PositiveSmallIntegerField(
        _("小数位数"), default=0, validators=[MaxValueValidator(MAX_DECIMAL_PLACES)]
    )
    by_region = models.BooleanField(
        _("按区域分解"),
        default=True,
        help_text=_("否:不按区域分解,只在汇总一级(全县名称所指)填报。"),
    )
    pacing = models.CharField(
        _("序时方式"),
        max_length=10,
        choices=Pacing.choices,
        default=Pacing.SPREAD,
        help_text=_(
            "按季度均摊:第n季度末应完成全年目标的n/4;"
            "年底考核:第4季度前不计序时,第4季度末应完成全年目标(适合每年少量、整数的里程碑)。"
        ),
    )
    order = models.PositiveSmallIntegerField(_("序号"), default=0)

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="indicator_code_unique"),
            models.UniqueConstraint(fields=["plan", "name"], name="indicator_name_unique"),
            models.CheckConstraint(
                condition=Q(decimal_places__lte=MAX_DECIMAL_PLACES),
                name="indicator_decimal_places_range",
                violation_error_message=_("小数位数超出允许范围。"),
            ),
            models.CheckConstraint(
                condition=Q(pacing__in=Pacing.values),
                name="indicator_pacing_known",
                violation_error_message=_("序时方式无效。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """Name with unit, as the annexes print it: 新增孵化空间面积(万平方米)."""
        return labelled(self.name, self.unit)

    @property
    def annex2_label(self) -> str:
        """Annex 2's own name with the unit: 新增温州“20”孵化器(个)."""
        return labelled(self.alt_name or self.name, self.unit)

    @property
    def quantum(self) -> Decimal:
        return Decimal(1).scaleb(-self.decimal_places)

    def value_problems(self, value: Decimal) -> list[str]:
        """Why ``value`` cannot be a figure of this indicator (empty list: it
        can): not negative, whole for a count, at most its decimal places. The
        entry grid, an upload and every write check figures by this one rule."""
        if not value.is_finite():
            return [gettext("不是有效的数字。")]
        problems = []
        if value < 0:
            problems.append(gettext("不能为负数。"))
        if value.adjusted() >= 10:  # the column holds up to 9,999,999,999.9999
            return [*problems, gettext("数值过大。")]
        if value != value.quantize(self.quantum):
            if self.decimal_places == 0:
                problems.append(gettext("该指标只能填整数。"))
            else:
                message = gettext("最多 %(places)s 位小数。")
                problems.append(message % {"places": self.decimal_places})
        return problems


class TargetQuerySet(models.QuerySet):
    def county(self):
        return self.filter(region__isnull=True)

    def yearly(self):
        return self.filter(year__isnull=False)


class Target(models.Model):
    """A target value: county-wide (``region`` empty) or for one region; for one
    year, or for the whole plan (``year`` empty, annex 1's 总计 column)."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("指标")
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("区域"),
        help_text=_("留空表示汇总(全县名称所指)。"),
    )
    year = models.PositiveSmallIntegerField(
        _("年份"), null=True, blank=True, help_text=_("留空表示整个计划期(总计)。")
    )
    value = models.DecimalField(
        _("目标值"), max_digits=VALUE_MAX_DIGITS, decimal_places=VALUE_DECIMAL_PLACES
    )
    stretch_value = models.DecimalField(
        _("高线"),
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        null=True,
        blank=True,
    )

    objects = TargetQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("目标修改记录"))

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        ordering = ["indicator__order", "region__order", "year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="target_value_non_negative",
                violation_error_message=_("目标值不能为负数。"),
            ),
            models.CheckConstraint(
                condition=Q(stretch_value__isnull=True) | Q(stretch_value__gte=models.F("value")),
                name="target_stretch_not_below_value",
                violation_error_message=_("高线不能低于目标值。"),
            ),
            models.UniqueConstraint(
                fields=["indicator", "region", "year"],
                condition=Q(region__isnull=False, year__isnull=False),
                name="target_unique_region_year",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=Q(region__isnull=True, year__isnull=False),
                name="target_unique_county_year",
            ),
            models.UniqueConstraint(
                fields=["indicator", "region"],
                condition=Q(region__isnull=False, year__isnull=True),
                name="target_unique_region_total",
            ),
            models.UniqueConstraint(
                fields=["indicator"],
                condition=Q(region__isnull=True, year__isnull=True),
                name="target_unique_county_total",
            ),
        ]

    def __str__(self) -> str:
        where = self.region.name if self.region_id else self.indicator.plan.county_name
        when = self.year or _("总计")
        return f"{self.indicator} · {where} · {when}: {self.value}"


class Goal(models.Model):
    """A headline goal of the plan (目标要求), in the plan's own words, with how
    it is measured (``kind``). A cumulative goal, and an annual floor that an
    annex indicator covers, is measured on that indicator's figures; every
    other goal on a county-level quarterly series staff report
    (``reports.GoalFigure``)."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="goals", verbose_name=_("计划")
    )
    code = models.SlugField(_("代码"), max_length=40)
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    section = models.CharField(
        _("出处"), max_length=20, blank=True, help_text=_("计划文本中的章节,例如“一”“二(二)”。")
    )
    text = models.CharField(_("目标表述"), max_length=300)
    kind = models.CharField(_("类型"), max_length=20, choices=GoalKind.choices)
    value = models.DecimalField(
        _("目标值"), max_digits=VALUE_MAX_DIGITS, decimal_places=VALUE_DECIMAL_PLACES
    )
    stretch_value = models.DecimalField(
        _("高线"),
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("关联指标"),
        help_text=_("累计目标必填;每年目标若由附件指标覆盖则填,否则由季度填报的序列计量。"),
    )
    base_value = models.DecimalField(
        _("基数"),
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        null=True,
        blank=True,
        help_text=_("存量目标在计划起始时的数量。"),
    )
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    decimal_places = models.PositiveSmallIntegerField(
        _("小数位数"), default=0, validators=[MaxValueValidator(MAX_DECIMAL_PLACES)]
    )

    class Meta:
        verbose_name = _("目标要求")
        verbose_name_plural = _("目标要求")
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="goal_code_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=GoalKind.values),
                name="goal_kind_known",
                violation_error_message=_("目标类型无效。"),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="goal_value_non_negative",
                violation_error_message=_("目标值不能为负数。"),
            ),
            models.CheckConstraint(
                condition=Q(stretch_value__isnull=True) | Q(stretch_value__gte=models.F("value")),
                name="goal_stretch_not_below_value",
                violation_error_message=_("高线不能低于目标值。"),
            ),
            models.CheckConstraint(
                condition=~Q(kind=GoalKind.CUMULATIVE) | Q(indicator__isnull=False),
                name="goal_cumulative_has_indicator",
                violation_error_message=_("累计类目标必须关联指标。"),
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def has_series(self) -> bool:
        """Whether staff report this goal's own quarterly series."""
        return self.indicator_id is None

    @property
    def has_denominator(self) -> bool:
        return self.kind in (GoalKind.SHARE, GoalKind.COVERAGE)

    @property
    def quantum(self) -> Decimal:
        return Decimal(1).scaleb(-self.decimal_places)

    def clean(self) -> None:
        super().clean()
        if self.indicator_id and self.indicator.plan_id != self.plan_id:
            raise ValidationError({"indicator": _("关联指标必须属于同一计划。")})
        if self.indicator_id and self.kind not in (GoalKind.CUMULATIVE, GoalKind.ANNUAL_FLOOR):
            raise ValidationError({"indicator": _("只有累计和每年目标可以关联指标。")})


# The plan's departments, measures and work items live in their own module.
from targets.evaluation import EvaluationCriterion, EvaluationThresholds  # noqa: E402
from targets.ledger import Industry, LedgerFlag, LedgerSource  # noqa: E402
from targets.measures import (  # noqa: E402
    Department,
    DepartmentMembership,
    Measure,
    MeasureDepartment,
    WorkItem,
)
from targets.versioning import DataVersion  # noqa: E402

__all__ = [
    "DataVersion",
    "Department",
    "DepartmentMembership",
    "EvaluationCriterion",
    "EvaluationThresholds",
    "Goal",
    "Indicator",
    "Industry",
    "LedgerFlag",
    "LedgerSource",
    "Measure",
    "MeasureDepartment",
    "Plan",
    "Target",
    "WorkItem",
    "current_plan",
]
