"""Quarterly progress reports on the plan's measures, by the departments in
charge of them, with their attachments. Written only through
``reports.figures.measure_reports``; history kept; a closed quarter freezes them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from regions.text import refuse_unsafe_characters

# A report's 已完成工作 and 下一步计划 each: a few pages, no more.
MEASURE_TEXT_MAX = 5000
MEASURE_TEXT_RULES = [MaxLengthValidator(MEASURE_TEXT_MAX), refuse_unsafe_characters]


class MeasureStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未启动")
    IN_PROGRESS = "in_progress", _("推进中")
    DONE = "done", _("已完成")
    LAGGING = "lagging", _("滞后")


class MeasureReport(models.Model):
    """What one department reports on one measure for one quarter."""

    measure = models.ForeignKey(
        "targets.Measure", on_delete=models.CASCADE, related_name="reports", verbose_name=_("任务")
    )
    department = models.ForeignKey(
        "targets.Department",
        on_delete=models.CASCADE,
        related_name="measure_reports",
        verbose_name=_("部门"),
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    quarter = models.PositiveSmallIntegerField(
        _("季度"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    status = models.CharField(_("进展状态"), max_length=12, choices=MeasureStatus.choices)
    done = models.TextField(_("已完成工作"), blank=True, validators=MEASURE_TEXT_RULES)
    next_steps = models.TextField(_("下一步计划"), blank=True, validators=MEASURE_TEXT_RULES)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("填报人"),
    )
    reported_at = models.DateTimeField(_("填报时间"), auto_now=True)
    history = HistoricalRecords(verbose_name=_("任务进展修改记录"))

    class Meta:
        verbose_name = _("任务进展")
        verbose_name_plural = _("任务进展")
        ordering = ["measure__order", "year", "quarter", "department__order"]
        permissions = [
            ("report_own_measures", _("可填报本部门牵头或配合任务的进展")),
            ("report_all_measures", _("可代任一部门填报任务进展")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "department", "year", "quarter"],
                name="measure_report_unique_quarter",
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4),
                name="measure_report_quarter_1_to_4",
                violation_error_message=_("季度应为 1 到 4。"),
            ),
            models.CheckConstraint(
                condition=Q(status__in=MeasureStatus.values),
                name="measure_report_status_known",
                violation_error_message=_("进展状态无效。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure.label} {self.department} {self.year}Q{self.quarter}"


class MeasureAttachment(models.Model):
    """A PDF or image attached to a report, stored through Django's storage API
    (``STORAGES["default"]``), so a deployment decides where files live."""

    report = models.ForeignKey(
        MeasureReport,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("任务进展"),
    )
    file = models.FileField(_("文件"), upload_to="measure-reports/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=50)
    size = models.PositiveIntegerField(_("大小(字节)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    history = HistoricalRecords(verbose_name=_("附件记录"))

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["report", "pk"]

    def __str__(self) -> str:
        return self.name
