"""The quarterly briefing's edited versions. The briefing itself is generated
on every view from the engine's numbers (``reports.briefing``); only the text
staff changed is stored, one row per save, so a quarter's edits keep their
history. Written only through ``reports.briefing.edits``."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class BriefingVersion(models.Model):
    """One saved version of one quarter's briefing for one scope (the county,
    region empty, or a township) in one language. ``number`` counts the
    versions of that briefing from 1; the highest is the current one."""

    plan = models.ForeignKey(
        "targets.Plan", on_delete=models.CASCADE, related_name="+", verbose_name=_("计划")
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("区域"),
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    quarter = models.PositiveSmallIntegerField(
        _("季度"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    # The English briefing is its own text, edited apart from the Chinese one.
    language = models.CharField(_("语言"), max_length=10)
    number = models.PositiveIntegerField(_("版本号"))
    # A "restore the generated text" row: the page then follows the data again;
    # the fields below keep what was generated at that moment.
    restored = models.BooleanField(_("恢复为生成文本"), default=False)
    title = models.CharField(_("标题"), max_length=200)
    number_line = models.CharField(_("文号"), max_length=200, blank=True)
    body = models.TextField(_("正文"))
    # The indicators' table and notes as they stood when the edit was saved,
    # so an older version downloads as it was.
    table = models.JSONField(_("指标表"), default=dict)
    notes = models.JSONField(_("注"), default=list)
    # Fingerprint of the generated briefing the edit started from: when the
    # data change, the generated text changes and the page warns.
    generated_hash = models.CharField(_("生成文本指纹"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("保存人"),
    )
    created_at = models.DateTimeField(_("保存时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("季度通报版本")
        verbose_name_plural = _("季度通报版本")
        ordering = ["-number"]
        constraints = [
            # Two saves from the same starting version: the second one fails
            # here instead of silently overwriting the first.
            models.UniqueConstraint(
                fields=["plan", "region", "year", "quarter", "language", "number"],
                condition=Q(region__isnull=False),
                name="briefing_version_unique_number",
            ),
            models.UniqueConstraint(
                fields=["plan", "year", "quarter", "language", "number"],
                condition=Q(region__isnull=True),
                name="briefing_version_unique_number_county",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter} v{self.number}"
