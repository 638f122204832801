"""What the bureau decided about two enterprise records that looked like the
same firm (``reports.ledger.duplicates``): merged into one, or recorded as two
different firms so they are no longer offered. Kept as text too, since a merge
deletes one of the two records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DuplicateDecision(models.Model):
    class Kind(models.TextChoices):
        MERGED = "merged", _("合并为一条")
        DISTINCT = "distinct", _("不是同一企业")

    plan = models.ForeignKey(
        "targets.Plan",
        on_delete=models.CASCADE,
        related_name="duplicate_decisions",
        verbose_name=_("计划"),
    )
    kind = models.CharField(_("处理结果"), max_length=10, choices=Kind.choices)
    # The kept record (merge) or the first of the two (distinct); the second is
    # gone after a merge (SET_NULL), its name and code stay below.
    first = models.ForeignKey(
        "reports.Enterprise",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("企业一"),
    )
    second = models.ForeignKey(
        "reports.Enterprise",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("企业二"),
    )
    first_label = models.CharField(_("企业一(名称、代码、载体)"), max_length=500)
    second_label = models.CharField(_("企业二(名称、代码、载体)"), max_length=500)
    reason = models.CharField(_("理由"), max_length=500)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("处理人"),
    )
    decided_at = models.DateTimeField(_("处理时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("疑似重复企业处理记录")
        verbose_name_plural = _("疑似重复企业处理记录")
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["merged", "distinct"]),
                name="duplicate_decision_kind_known",
                violation_error_message=_("处理方式无效。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.first_label} / {self.second_label}"
