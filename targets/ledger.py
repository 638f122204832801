"""What a plan says about its incubator ledger (孵化载体台账), as data: the
industries an incubator may lead in, the flags an incubator or an enterprise
can gain (e.g. a city's own incubator titles, 高新技术企业), and which of the
plan's indicators and headline goals the ledger can count (``LedgerSource``).

The kinds, levels, statuses and stages of incubators and enterprises are the
national categories and live in ``choices``; anything one county names —
its industries, its titles, which indicator a title feeds — is here, in the
plan's fixture or workbook, never in code.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from regions.text import refuse_unsafe_characters
from targets.choices import LEDGER_FLAG_RULES, IncubatorKind, IncubatorLevel, LedgerRule


class Industry(models.Model):
    """An industry the plan names (an incubator's lead industry, an enterprise's)."""

    plan = models.ForeignKey(
        "targets.Plan", on_delete=models.CASCADE, related_name="industries", verbose_name=_("计划")
    )
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("产业名称"), max_length=100, validators=[refuse_unsafe_characters])
    order = models.PositiveSmallIntegerField(_("序号"), default=0)

    class Meta:
        verbose_name = _("产业")
        verbose_name_plural = _("产业")
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="industry_code_unique"),
            models.UniqueConstraint(fields=["plan", "name"], name="industry_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class LedgerFlag(models.Model):
    """A title an incubator or an enterprise can gain, with the date it gained it
    (温州“20”孵化器, 新质孵化器, 省级科技型中小企业, 高新技术企业…)."""

    class Applies(models.TextChoices):
        INCUBATOR = "incubator", _("孵化载体")
        ENTERPRISE = "enterprise", _("在孵企业")

    plan = models.ForeignKey(
        "targets.Plan",
        on_delete=models.CASCADE,
        related_name="ledger_flags",
        verbose_name=_("计划"),
    )
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=100, validators=[refuse_unsafe_characters])
    applies_to = models.CharField(_("适用对象"), max_length=12, choices=Applies.choices)
    order = models.PositiveSmallIntegerField(_("序号"), default=0)

    class Meta:
        verbose_name = _("台账标识")
        verbose_name_plural = _("台账标识")
        ordering = ["plan", "applies_to", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="ledger_flag_code_unique"),
            models.UniqueConstraint(
                fields=["plan", "applies_to", "name"], name="ledger_flag_name_unique"
            ),
            models.CheckConstraint(
                condition=Q(applies_to__in=["incubator", "enterprise"]),
                name="ledger_flag_applies_known",
                violation_error_message=_("标识的适用对象无效。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LedgerSource(models.Model):
    """How the ledger counts one indicator (per region and quarter) or one
    headline goal (a stock at a date). ``derived`` makes the indicator's
    figures computed from the ledger instead of typed."""

    plan = models.ForeignKey(
        "targets.Plan",
        on_delete=models.CASCADE,
        related_name="ledger_sources",
        verbose_name=_("计划"),
    )
    indicator = models.OneToOneField(
        "targets.Indicator",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ledger_source",
        verbose_name=_("指标"),
    )
    goal = models.OneToOneField(
        "targets.Goal",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ledger_source",
        verbose_name=_("目标要求"),
    )
    rule = models.CharField(_("台账口径"), max_length=24, choices=LedgerRule.choices)
    flags = models.ManyToManyField(
        LedgerFlag,
        blank=True,
        related_name="+",
        verbose_name=_("标识"),
        help_text=_("按标识计数的口径必填:首次获得其中任一标识的载体或企业,各计一次。"),
    )
    min_level = models.PositiveSmallIntegerField(
        _("最低级别"),
        choices=IncubatorLevel.choices,
        null=True,
        blank=True,
        help_text=_("按认定级别计数时:该级别及以上。"),
    )
    kind = models.CharField(
        _("载体类型"),
        max_length=12,
        choices=IncubatorKind.choices,
        blank=True,
        help_text=_("留空表示所有类型。"),
    )
    derived = models.BooleanField(
        _("由台账生成"),
        default=False,
        help_text=_("是:该指标的季度数据由台账计算,不再手工填报。"),
    )

    class Meta:
        verbose_name = _("台账口径")
        verbose_name_plural = _("台账口径")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(indicator__isnull=False, goal__isnull=True)
                    | Q(indicator__isnull=True, goal__isnull=False)
                ),
                name="ledger_source_indicator_or_goal",
                violation_error_message=_("台账口径须关联一个指标或一个目标,且只能关联其一。"),
            ),
            models.CheckConstraint(
                condition=Q(rule__in=LedgerRule.values),
                name="ledger_source_rule_known",
                violation_error_message=_("统计规则无效。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator or self.goal} ← {self.get_rule_display()}"

    def flag_problems(self, flags) -> list[str]:
        """Why ``flags`` cannot be this source's (a many-to-many is checked
        once saved, by the form or the plan import that sets it)."""
        problems = []
        if self.rule in LEDGER_FLAG_RULES and not flags:
            problems.append(_("该口径需要指定标识。"))
        if any(flag.plan_id != self.plan_id for flag in flags):
            problems.append(_("标识必须属于同一计划。"))
        return problems

    def clean(self) -> None:
        super().clean()
        subject = self.indicator if self.indicator_id else self.goal if self.goal_id else None
        if subject is not None and subject.plan_id != self.plan_id:
            raise ValidationError(_("指标或目标必须属于同一计划。"))
        if self.goal_id and self.rule != LedgerRule.INCUBATOR_STOCK:
            raise ValidationError({"rule": _("目标要求只能按载体存量计数。")})
        if self.indicator_id and self.rule == LedgerRule.INCUBATOR_STOCK:
            raise ValidationError({"rule": _("指标按期间新增计数,不能用载体存量口径。")})


def is_derived(indicator) -> bool:
    """Whether ``indicator``'s figures are computed from the ledger, not typed
    (read it with ``select_related("ledger_source")`` to spare a query)."""
    try:
        return indicator.ledger_source.derived
    except ObjectDoesNotExist:
        return False
