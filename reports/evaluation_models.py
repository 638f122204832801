"""The bureau's decision on an incubator after a year's evaluation (绩效评估),
with its reason; changing it keeps the earlier one in its history. Written
only through ``reports.ledger.evaluation.record_decision``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reports.choices import EvaluationDecisionKind


class EvaluationDecision(models.Model):
    incubator = models.ForeignKey(
        "reports.Incubator",
        on_delete=models.CASCADE,
        related_name="evaluation_decisions",
        verbose_name=_("载体"),
    )
    year = models.PositiveSmallIntegerField(_("评估年度"))
    decision = models.CharField(_("决定"), max_length=10, choices=EvaluationDecisionKind.choices)
    # The score it was taken on, as shown then: the data may change later.
    score = models.DecimalField(_("当时得分"), max_digits=5, decimal_places=2, null=True)
    reason = models.TextField(_("理由"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("决定人"),
    )
    decided_at = models.DateTimeField(_("决定时间"), auto_now=True)
    history = HistoricalRecords(verbose_name=_("评估决定修改记录"))

    class Meta:
        verbose_name = _("绩效评估决定")
        verbose_name_plural = _("绩效评估决定")
        ordering = ["year", "incubator__region__order", "incubator__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["incubator", "year"], name="evaluation_decision_unique_year"
            ),
            models.CheckConstraint(
                condition=Q(decision__in=EvaluationDecisionKind.values),
                name="evaluation_decision_known",
                violation_error_message=_("评估决定无效。"),
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="evaluation_decision_reason",
                violation_error_message=_("评估决定必须说明理由。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incubator} {self.year} {self.get_decision_display()}"
