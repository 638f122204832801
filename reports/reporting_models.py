"""Township reporting as data: each region's report of a quarter and where it
stands (``Submission``), the record of its every step, the quarters' due dates
and the notices sent to users. The state machine is
``reports.figures.submissions``; these models only hold its state."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reports.choices import NoticeKind, SubmissionAction, SubmissionState


class Submission(models.Model):
    """One region's report for one quarter and where it stands: 填报中, 已上报,
    已退回 or 已审核 (no row: 未填报). Only approved figures count on the
    dashboards; the township may change its figures only while the
    submission is a draft or returned. ``version`` is bumped on every
    transition, so a reviewer acting on a page that is out of date is refused
    instead of approving figures they did not see."""

    plan = models.ForeignKey(
        "targets.Plan", on_delete=models.CASCADE, related_name="submissions", verbose_name=_("计划")
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.CASCADE,
        related_name="submissions",
        verbose_name=_("区域"),
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    quarter = models.PositiveSmallIntegerField(
        _("季度"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    state = models.CharField(_("状态"), max_length=10, choices=SubmissionState.choices)
    # The reason of the last return, shown to the township until it resubmits.
    return_reason = models.TextField(_("退回原因"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("填报")
        verbose_name_plural = _("填报")
        ordering = ["plan", "year", "quarter", "region__order"]
        permissions = [
            ("report_own_figures", _("可填报并上报本区域的数据")),
            ("review_figures", _("可审核或退回区域上报的数据")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "quarter"], name="submission_unique_region_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4),
                name="submission_quarter_1_to_4",
                violation_error_message=_("季度应为 1 到 4。"),
            ),
            models.CheckConstraint(
                condition=Q(state__in=SubmissionState.values),
                name="submission_state_known",
                violation_error_message=_("填报状态无效。"),
            ),
        ]
        indexes = [models.Index(fields=["plan", "year", "quarter"], name="submission_period_idx")]

    def __str__(self) -> str:
        return f"{self.region} {self.year}Q{self.quarter} {self.get_state_display()}"


class SubmissionEvent(models.Model):
    """The record of a submission's every step: who, when, what and why."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="events", verbose_name=_("填报")
    )
    action = models.CharField(_("操作"), max_length=10, choices=SubmissionAction.choices)
    state = models.CharField(_("操作后状态"), max_length=10, choices=SubmissionState.choices)
    reason = models.TextField(_("原因或说明"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("填报记录")
        verbose_name_plural = _("填报记录")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.submission} {self.get_action_display()}"


class Deadline(models.Model):
    """A quarter's due date set by staff; without one the due date is the
    quarter's last day plus ``settings.REPORT_DUE_DAYS``."""

    plan = models.ForeignKey(
        "targets.Plan", on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("计划")
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    quarter = models.PositiveSmallIntegerField(
        _("季度"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    due = models.DateField(_("截止日期"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("设置人"),
    )

    class Meta:
        verbose_name = _("填报截止日期")
        verbose_name_plural = _("填报截止日期")
        constraints = [
            models.UniqueConstraint(fields=["plan", "year", "quarter"], name="deadline_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter} → {self.due}"


class Notice(models.Model):
    """A message to one user, shown at the top of their pages until read and,
    when they have an email address, also mailed. ``key`` makes each notice
    unique per user, so running ``send_reminders`` again sends nothing twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("接收人"),
    )
    kind = models.CharField(_("类型"), max_length=20, choices=NoticeKind.choices)
    key = models.CharField(_("去重键"), max_length=120)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notice_unique_per_user"),
        ]

    def __str__(self) -> str:
        return self.subject


# Quarterly reports on the plan's measures live in their own module.
