"""How a plan evaluates its incubators each year (绩效评估), as data: the
criteria with their weights, and the thresholds that make an incubator a
candidate for recommendation (择优申报), rectification (限期整改) or
de-listing (摘牌). The scoring itself is ``reports.ledger.evaluation``.

A criterion scores 0–100: against ``full_marks_at`` when the plan sets one
(the value that earns full marks, linear below it), otherwise relative to the
incubators of the same kind evaluated that year (the lowest 0, the highest
100, linear between). The total is the weighted mean of the criteria.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from targets.choices import EvaluationMetric

SCORE = {
    "max_digits": 5,
    "decimal_places": 2,
    "validators": [MinValueValidator(0), MaxValueValidator(100)],
}


class EvaluationCriterion(models.Model):
    plan = models.ForeignKey(
        "targets.Plan",
        on_delete=models.CASCADE,
        related_name="evaluation_criteria",
        verbose_name=_("计划"),
    )
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("评估指标"), max_length=100)
    metric = models.CharField(_("取数口径"), max_length=20, choices=EvaluationMetric.choices)
    weight = models.DecimalField(
        _("权重"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    full_marks_at = models.DecimalField(
        _("满分值"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_(
            "达到该值得满分,以下按比例计分;留空则在同类载体中相对计分(最低0分,最高100分)。"
        ),
    )
    order = models.PositiveSmallIntegerField(_("序号"), default=0)

    class Meta:
        verbose_name = _("绩效评估指标")
        verbose_name_plural = _("绩效评估指标")
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="evaluation_criterion_code"),
            models.UniqueConstraint(fields=["plan", "metric"], name="evaluation_criterion_metric"),
            models.CheckConstraint(
                condition=Q(weight__gte=0),
                name="evaluation_weight_gte_0",
                violation_error_message=_("权重不能为负数。"),
            ),
            models.CheckConstraint(
                condition=Q(full_marks_at__isnull=True) | Q(full_marks_at__gt=0),
                name="evaluation_full_marks_positive",
                violation_error_message=_("满分对应值应大于 0。"),
            ),
            models.CheckConstraint(
                condition=Q(metric__in=EvaluationMetric.values),
                name="evaluation_metric_known",
                violation_error_message=_("评价指标无效。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EvaluationThresholds(models.Model):
    """The rules that turn scores into candidates. Empty thresholds make no
    candidates of that kind."""

    plan = models.OneToOneField(
        "targets.Plan",
        on_delete=models.CASCADE,
        related_name="evaluation_thresholds",
        verbose_name=_("计划"),
    )
    recommend_min_score = models.DecimalField(_("择优申报最低分"), null=True, blank=True, **SCORE)
    recommend_top = models.PositiveSmallIntegerField(
        _("每类择优申报名额"),
        null=True,
        blank=True,
        help_text=_("每类载体按得分取前若干名(且不低于最低分);留空表示不限名额。"),
    )
    rectify_below = models.DecimalField(
        _("限期整改分数线"),
        null=True,
        blank=True,
        help_text=_("得分低于此线的载体列为限期整改候选。"),
        **SCORE,
    )
    delist_below = models.DecimalField(
        _("摘牌分数线"),
        null=True,
        blank=True,
        help_text=_(
            "得分低于此线的载体,或已在限期整改中且得分仍低于整改分数线的载体,列为摘牌候选。"
        ),
        **SCORE,
    )

    class Meta:
        verbose_name = _("绩效评估规则")
        verbose_name_plural = _("绩效评估规则")
        constraints = [
            models.CheckConstraint(
                condition=Q(delist_below__isnull=True)
                | Q(rectify_below__isnull=True)
                | Q(delist_below__lte=models.F("rectify_below")),
                name="evaluation_delist_not_above_rectify",
                violation_error_message=_("摘牌分数线不能高于限期整改分数线。"),
            ),
        ]

    def __str__(self) -> str:
        return str(self.plan)
