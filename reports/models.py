"""Reported quarterly figures and the bookkeeping of quarters."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reports.choices import QuarterAction
from targets.choices import QUARTERS, VALUE_DECIMAL_PLACES, VALUE_MAX_DIGITS


class FigureQuerySet(models.QuerySet):
    def in_plan(self, plan) -> FigureQuerySet:
        """The plan's figures inside its years. Every write path refuses a
        quarter outside them, but a row can still arrive another way (a
        script, a restore, years changed in the admin): no sum may count it."""
        return self.filter(
            indicator__plan=plan, year__gte=plan.first_year, year__lte=plan.last_year
        )


class Figure(models.Model):
    """The amount newly achieved in one quarter (本季度新增) for a region and
    indicator; ``region`` empty means the county itself (county-only indicators)."""

    indicator = models.ForeignKey(
        "targets.Indicator",
        on_delete=models.CASCADE,
        related_name="figures",
        verbose_name=_("指标"),
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="figures",
        verbose_name=_("区域"),
        help_text=_("留空表示汇总(全县名称所指),仅用于不按区域分解的指标。"),
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    quarter = models.PositiveSmallIntegerField(
        _("季度"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    value = models.DecimalField(
        _("本季度新增"), max_digits=VALUE_MAX_DIGITS, decimal_places=VALUE_DECIMAL_PLACES
    )
    note = models.CharField(_("备注"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("填报人"),
    )
    entered_at = models.DateTimeField(_("填报时间"), auto_now=True)
    # Bumped on every change: a save that read an older version is a conflict,
    # so two people editing one quarter cannot silently overwrite each other.
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = FigureQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("数据修改记录"))

    class Meta:
        verbose_name = _("季度数据")
        verbose_name_plural = _("季度数据")
        ordering = ["year", "quarter", "indicator__order", "region__order"]
        permissions = [
            ("enter_figures", _("可填报、修改、导入和导出数据")),
            ("manage_quarters", _("可关闭和重新开放季度")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="figure_value_non_negative",
                violation_error_message=_("数值不能为负数。"),
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4),
                name="figure_quarter_1_to_4",
                violation_error_message=_("季度应为 1 到 4。"),
            ),
            models.UniqueConstraint(
                fields=["indicator", "region", "year", "quarter"],
                condition=Q(region__isnull=False),
                name="figure_unique_region_quarter",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "quarter"],
                condition=Q(region__isnull=True),
                name="figure_unique_county_quarter",
            ),
        ]
        indexes = [models.Index(fields=["year", "quarter"], name="figure_period_idx")]

    def __str__(self) -> str:
        where = self.region.name if self.region_id else self.indicator.plan.county_name
        return f"{self.indicator} · {where} · {self.year}Q{self.quarter}: {self.value}"

    def clean(self) -> None:
        """A quarter outside the plan's years is refused here too (the
        database cannot check a year against the plan across the foreign key)."""
        super().clean()
        if self.indicator_id is None or self.year is None or self.quarter not in QUARTERS:
            return  # a missing or impossible value is reported by its own field
        plan = self.indicator.plan
        if not plan.contains(self.year, self.quarter):
            message = _("%(year)s年第%(quarter)s季度不在计划期 %(first)s—%(last)s 年内。")
            params = {"first": plan.first_year, "last": plan.last_year}
            params.update(year=self.year, quarter=self.quarter)
            raise ValidationError({"year": message % params})


class GoalFigure(models.Model):
    """One quarter of a headline goal's own series, for the county: what no
    annex indicator covers. ``value`` is the stock at the quarter's end (a
    stock goal), the amount newly achieved in the quarter (an annual floor), or
    the numerator (a share or coverage goal, over ``denominator``)."""

    goal = models.ForeignKey(
        "targets.Goal",
        on_delete=models.CASCADE,
        related_name="figures",
        verbose_name=_("目标要求"),
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    quarter = models.PositiveSmallIntegerField(
        _("季度"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    value = models.DecimalField(
        _("数值"), max_digits=VALUE_MAX_DIGITS, decimal_places=VALUE_DECIMAL_PLACES
    )
    denominator = models.DecimalField(
        _("分母"),
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("填报人"),
    )
    entered_at = models.DateTimeField(_("填报时间"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("目标数据修改记录"))

    class Meta:
        verbose_name = _("目标季度数据")
        verbose_name_plural = _("目标季度数据")
        ordering = ["year", "quarter", "goal__order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="goal_figure_non_negative",
                violation_error_message=_("数值不能为负数。"),
            ),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gte=0),
                name="goal_figure_denominator_non_negative",
                violation_error_message=_("分母不能为负数。"),
            ),
            models.UniqueConstraint(
                fields=["goal", "year", "quarter"], name="goal_figure_unique_quarter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal} · {self.year}Q{self.quarter}: {self.value}"


class ClosedQuarter(models.Model):
    """A quarter whose figures are final: no path may change them until reopened."""

    plan = models.ForeignKey(
        "targets.Plan",
        on_delete=models.CASCADE,
        related_name="closed_quarters",
        verbose_name=_("计划"),
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    quarter = models.PositiveSmallIntegerField(
        _("季度"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("关闭人"),
    )
    closed_at = models.DateTimeField(_("关闭时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("已关闭季度")
        verbose_name_plural = _("已关闭季度")
        ordering = ["plan", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year", "quarter"], name="closed_quarter_unique"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4),
                name="closed_quarter_1_to_4",
                violation_error_message=_("季度应为 1 到 4。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter}"


class QuarterEvent(models.Model):
    """The record of every close and reopen, with its reason."""

    plan = models.ForeignKey(
        "targets.Plan",
        on_delete=models.CASCADE,
        related_name="quarter_events",
        verbose_name=_("计划"),
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    action = models.CharField(_("操作"), max_length=10, choices=QuarterAction.choices)
    reason = models.TextField(_("原因"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("季度关闭记录")
        verbose_name_plural = _("季度关闭记录")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter} {self.get_action_display()}"


class PendingImport(models.Model):
    """An uploaded figures file, read and shown as a preview, not yet confirmed.

    Kept in the database, not in a server's memory or disk: the confirming
    request may reach another gunicorn worker or server. ``payload`` holds the
    changes exactly as they will be written, each with the version of the
    figure seen at preview time, so an edit made in between becomes a conflict
    instead of being overwritten. Only its uploader may confirm it; it expires
    (``reports.figures.uploads.PENDING_LIFETIME``) and is deleted once applied.
    """

    plan = models.ForeignKey(
        "targets.Plan", on_delete=models.CASCADE, related_name="+", verbose_name=_("计划")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("上传人"),
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # The file's own period (a template is one quarter); empty for a long sheet
    # that spans several.
    year = models.PositiveSmallIntegerField(_("年份"), null=True, blank=True)
    quarter = models.PositiveSmallIntegerField(_("季度"), null=True, blank=True)
    mode = models.CharField(_("填报口径"), max_length=10)
    unchanged = models.PositiveIntegerField(_("不变的单元格数"), default=0)
    payload = models.JSONField(_("待写入的修改"), default=dict)

    class Meta:
        verbose_name = _("待确认的导入")
        verbose_name_plural = _("待确认的导入")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


# Township reporting (填报 → 上报 → 审核) and its deadlines and notices, the
# departments' measure reports, the briefing's edited versions and the
# incubator ledger live in their own modules.
from reports.briefing_models import BriefingVersion  # noqa: E402, F401
from reports.evaluation_models import EvaluationDecision  # noqa: E402, F401
from reports.ledger_decisions import DuplicateDecision  # noqa: E402, F401
from reports.ledger_models import (  # noqa: E402, F401
    Enterprise,
    EnterpriseFlagGrant,
    Incubator,
    IncubatorFlagGrant,
    IncubatorQuarter,
    IncubatorRecognition,
)
from reports.measure_models import MeasureAttachment, MeasureReport, MeasureStatus  # noqa: E402, F401
from reports.reporting_models import (  # noqa: E402, F401
    Deadline,
    Notice,
    Submission,
    SubmissionEvent,
)
