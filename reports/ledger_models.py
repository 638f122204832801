"""The incubator ledger (孵化载体台账): the incubators and incubated enterprises
behind the plan's counts, the recognitions and titles they gain with their
dates, and each incubator's quarterly operating data. History is kept for
every record; the writes go through ``reports.ledger`` services."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reports.choices import EnterpriseStage, ExitReason, IncubatorStatus
from targets.choices import IncubatorKind, IncubatorLevel

# China's first business incubator opened in 1987: a ledger date before this
# floor is a slip of the keyboard (0001-01-01, 1025 for 2025), not history.
EARLIEST_LEDGER_DATE = datetime.date(1980, 1, 1)


def past_ledger_date(value: datetime.date) -> None:
    """A ledger date records something that happened: not after today (in
    the site's time zone) and not before ``EARLIEST_LEDGER_DATE``."""
    today = timezone.localdate()
    if value > today:
        raise ValidationError(
            _("%(day)s 晚于今天(%(today)s);台账只记已发生的事。"),
            code="future",
            params={"day": value.isoformat(), "today": today.isoformat()},
        )
    if value < EARLIEST_LEDGER_DATE:
        raise ValidationError(
            _("%(day)s 早于 %(earliest)s,请核对年份。"),
            code="too_early",
            params={"day": value.isoformat(), "earliest": EARLIEST_LEDGER_DATE.isoformat()},
        )


LEDGER_DATE = {"validators": [past_ledger_date]}

# Money in 万元 and floor space in 万平方米: two decimals, as the bureau keeps them.
AMOUNT = {"max_digits": 12, "decimal_places": 2}


def _who(verbose):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose,
    )


class Incubator(models.Model):
    """An incubation carrier in one region (the plan's regions are its townships)."""

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.CASCADE,
        related_name="incubators",
        verbose_name=_("区域"),
    )
    name = models.CharField(_("载体名称"), max_length=200)
    # The name as the ledger workbook matches it (``identity.name_key``): two
    # incubators of a region may not share it (checked by the services).
    name_key = models.CharField(_("名称比对键"), max_length=200, editable=False, default="")
    operator = models.CharField(_("运营机构"), max_length=200, blank=True)
    kind = models.CharField(_("载体类型"), max_length=12, choices=IncubatorKind.choices)
    lead_industry = models.ForeignKey(
        "targets.Industry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("主导产业"),
    )
    second_industry = models.ForeignKey(
        "targets.Industry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("第二主导产业"),
    )
    floor_area = models.DecimalField(_("面积(万平方米)"), **AMOUNT)
    status = models.CharField(_("状态"), max_length=12, choices=IncubatorStatus.choices)
    status_since = models.DateField(_("状态起始日期"), **LEDGER_DATE)
    operating_since = models.DateField(
        _("投入运营日期"),
        null=True,
        blank=True,
        help_text=_("在建载体留空。"),
        **LEDGER_DATE,
    )
    note = models.CharField(_("备注"), max_length=500, blank=True)
    updated_by = _who(_("修改人"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    history = HistoricalRecords(verbose_name=_("孵化载体修改记录"))

    class Meta:
        verbose_name = _("孵化载体")
        verbose_name_plural = _("孵化载体")
        ordering = ["region__order", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="incubator_name_unique"),
            models.CheckConstraint(
                condition=Q(floor_area__gte=0),
                name="incubator_area_gte_0",
                violation_error_message=_("面积不能为负数。"),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=IncubatorKind.values),
                name="incubator_kind_known",
                violation_error_message=_("载体类型无效。"),
            ),
            models.CheckConstraint(
                condition=Q(status__in=IncubatorStatus.values),
                name="incubator_status_known",
                violation_error_message=_("载体状态无效。"),
            ),
        ]
        indexes = [models.Index(fields=["region", "name_key"], name="incubator_name_key_idx")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        from reports.ledger.identity import name_key

        self.name_key = name_key(self.name)
        fields = kwargs.get("update_fields")
        if fields is not None and "name" in fields:
            kwargs["update_fields"] = {*fields, "name_key"}
        super().save(*args, **kwargs)


class IncubatorRecognition(models.Model):
    """A level an incubator was recognised at (县级 … 国家级), with the date."""

    incubator = models.ForeignKey(
        Incubator, on_delete=models.CASCADE, related_name="recognitions", verbose_name=_("载体")
    )
    level = models.PositiveSmallIntegerField(_("级别"), choices=IncubatorLevel.choices)
    recognised_on = models.DateField(_("认定日期"), **LEDGER_DATE)
    history = HistoricalRecords(verbose_name=_("认定修改记录"))

    class Meta:
        verbose_name = _("载体认定")
        verbose_name_plural = _("载体认定")
        ordering = ["incubator", "recognised_on", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["incubator", "level"], name="incubator_recognition_unique_level"
            ),
            models.CheckConstraint(
                condition=Q(level__in=IncubatorLevel.values),
                name="incubator_level_known",
                violation_error_message=_("认定级别无效。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incubator} {self.get_level_display()} {self.recognised_on}"


class IncubatorFlagGrant(models.Model):
    """A title (a plan's ``LedgerFlag`` for incubators) an incubator holds, since a date."""

    incubator = models.ForeignKey(
        Incubator, on_delete=models.CASCADE, related_name="flag_grants", verbose_name=_("载体")
    )
    flag = models.ForeignKey(
        "targets.LedgerFlag", on_delete=models.PROTECT, related_name="+", verbose_name=_("标识")
    )
    granted_on = models.DateField(_("获得日期"), **LEDGER_DATE)
    history = HistoricalRecords(verbose_name=_("载体标识修改记录"))

    class Meta:
        verbose_name = _("载体标识")
        verbose_name_plural = _("载体标识")
        ordering = ["incubator", "granted_on"]
        constraints = [
            models.UniqueConstraint(fields=["incubator", "flag"], name="incubator_flag_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.incubator} {self.flag} {self.granted_on}"


class Enterprise(models.Model):
    """An incubated enterprise (在孵企业): one record however often it is
    reported. ``credit_code`` (统一社会信用代码) is unique in the plan when
    known; ``normalised_name`` finds the same firm reported without one."""

    plan = models.ForeignKey(
        "targets.Plan", on_delete=models.CASCADE, related_name="enterprises", verbose_name=_("计划")
    )
    name = models.CharField(_("企业名称"), max_length=200)
    normalised_name = models.CharField(_("规范化名称"), max_length=200, editable=False)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    incubator = models.ForeignKey(
        Incubator, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("所在载体")
    )
    industry = models.ForeignKey(
        "targets.Industry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("所属产业"),
    )
    entered_on = models.DateField(_("入孵日期"), **LEDGER_DATE)
    stage = models.CharField(_("阶段"), max_length=12, choices=EnterpriseStage.choices)
    left_on = models.DateField(_("毕业或退出日期"), null=True, blank=True, **LEDGER_DATE)
    exit_reason = models.CharField(
        _("毕业或退出原因"), max_length=10, choices=ExitReason.choices, blank=True
    )
    note = models.CharField(_("备注"), max_length=500, blank=True)
    updated_by = _who(_("修改人"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    history = HistoricalRecords(verbose_name=_("在孵企业修改记录"))

    class Meta:
        verbose_name = _("在孵企业")
        verbose_name_plural = _("在孵企业")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "credit_code"],
                condition=~Q(credit_code=""),
                name="enterprise_credit_code_unique",
            ),
            models.CheckConstraint(
                condition=Q(stage__in=EnterpriseStage.values),
                name="enterprise_stage_known",
                violation_error_message=_("孵化阶段无效。"),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("entered_on")),
                name="enterprise_left_after_entry",
                violation_error_message=_("毕业或退出日期不能早于入孵日期。"),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True, exit_reason="")
                | Q(left_on__isnull=False) & ~Q(exit_reason=""),
                name="enterprise_exit_has_date_and_reason",
                violation_error_message=_("毕业或退出日期与退出原因须同时填写或同时留空。"),
            ),
        ]
        indexes = [
            models.Index(fields=["plan", "normalised_name"], name="enterprise_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        from reports.ledger.identity import normalise_name

        self.normalised_name = normalise_name(self.name)
        super().save(*args, **kwargs)

    @property
    def has_credit_code(self) -> bool:
        return bool(self.credit_code)


class EnterpriseFlagGrant(models.Model):
    """A title (a plan's ``LedgerFlag`` for enterprises) an enterprise holds, since a date."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="flag_grants", verbose_name=_("企业")
    )
    flag = models.ForeignKey(
        "targets.LedgerFlag", on_delete=models.PROTECT, related_name="+", verbose_name=_("标识")
    )
    granted_on = models.DateField(_("获得日期"), **LEDGER_DATE)
    history = HistoricalRecords(verbose_name=_("企业标识修改记录"))

    class Meta:
        verbose_name = _("企业标识")
        verbose_name_plural = _("企业标识")
        ordering = ["enterprise", "granted_on"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "flag"], name="enterprise_flag_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.flag} {self.granted_on}"


class IncubatorQuarter(models.Model):
    """An incubator's operating data for one quarter (the evaluation reads
    them): reported by its township through the same entry, template,
    submission and closing rules as the figures."""

    incubator = models.ForeignKey(
        Incubator, on_delete=models.CASCADE, related_name="quarters", verbose_name=_("载体")
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    quarter = models.PositiveSmallIntegerField(
        _("季度"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    occupancy_rate = models.DecimalField(
        _("入驻率(%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    enterprises = models.PositiveIntegerField(_("在孵企业数"))
    new_talent = models.PositiveIntegerField(_("新增人才(人)"))
    financing = models.DecimalField(_("到账融资(万元)"), **AMOUNT)
    revenue = models.DecimalField(_("营业收入(万元)"), **AMOUNT)
    graduates = models.PositiveIntegerField(_("毕业企业数"))
    lead_industry_enterprises = models.PositiveIntegerField(_("主导产业企业数"))
    lead_industry_revenue = models.DecimalField(_("主导产业营业收入(万元)"), **AMOUNT)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    entered_by = _who(_("填报人"))
    entered_at = models.DateTimeField(_("填报时间"), auto_now=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    history = HistoricalRecords(verbose_name=_("载体季度数据修改记录"))

    class Meta:
        verbose_name = _("载体季度运营数据")
        verbose_name_plural = _("载体季度运营数据")
        ordering = ["year", "quarter", "incubator__region__order", "incubator__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["incubator", "year", "quarter"], name="incubator_quarter_unique"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4),
                name="incubator_quarter_1_to_4",
                violation_error_message=_("季度应为 1 到 4。"),
            ),
            models.CheckConstraint(
                condition=Q(occupancy_rate__gte=0, occupancy_rate__lte=100),
                name="incubator_occupancy_percent",
                violation_error_message=_("入驻率应在 0 到 100 之间。"),
            ),
            models.CheckConstraint(
                condition=Q(financing__gte=0, revenue__gte=0, lead_industry_revenue__gte=0),
                name="incubator_amounts_gte_0",
                violation_error_message=_("到账融资、营业收入和主导产业营业收入不能为负数。"),
            ),
            models.CheckConstraint(
                condition=Q(lead_industry_enterprises__lte=models.F("enterprises")),
                name="incubator_lead_firms_within_firms",
                violation_error_message=_("主导产业企业数不能超过在孵企业数。"),
            ),
            models.CheckConstraint(
                condition=Q(lead_industry_revenue__lte=models.F("revenue")),
                name="incubator_lead_revenue_within_revenue",
                violation_error_message=_("主导产业营业收入不能超过营业收入。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incubator} {self.year}Q{self.quarter}"
