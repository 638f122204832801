"""The plan's measures as data: its departments, its measures (任务) with a lead
department and co-operating departments, and their yearly work items (工作事项).

A plan document sets work beside its numeric annexes: items of an ecosystem to
build and measures to carry out, each naming the departments in charge — the
first named leads, the rest co-operate — and saying whether the townships (the
plan's regions) take part. Nothing here knows about one county: the Pingyang
plan's measures are in its fixture and any plan's in its workbook (sheets 部门,
任务, 工作事项; docs/plan-workbook.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from regions.text import refuse_unsafe_characters
from targets.choices import chinese_numeral


class Department(models.Model):
    """A department the plan names, e.g. 县科技局. ``aliases`` are other ways the
    plan's text names the same department (县财政局 for 县财政局〈国资办〉)."""

    plan = models.ForeignKey(
        "targets.Plan", on_delete=models.CASCADE, related_name="departments", verbose_name=_("计划")
    )
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("部门名称"), max_length=100, validators=[refuse_unsafe_characters])
    aliases = models.CharField(
        _("别名"),
        max_length=200,
        blank=True,
        help_text=_("计划文本中对同一部门的其他叫法,用顿号“、”分隔。"),
    )
    order = models.PositiveSmallIntegerField(_("序号"), default=0)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="department_code_unique"),
            models.UniqueConstraint(fields=["plan", "name"], name="department_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.split("、") if a.strip()]


class Measure(models.Model):
    """One item of the plan's work: its section (the plan's own numbering, e.g.
    二 or 三), its number in the section, title and text, the departments in
    charge (first the lead) and whether the townships take part."""

    plan = models.ForeignKey(
        "targets.Plan", on_delete=models.CASCADE, related_name="measures", verbose_name=_("计划")
    )
    section = models.CharField(
        _("部分"), max_length=10, help_text=_("计划正文中的部分编号,例如“二”“三”。")
    )
    number = models.PositiveSmallIntegerField(_("编号"))
    title = models.CharField(_("标题"), max_length=100)
    text = models.TextField(_("内容"), blank=True)
    involves_regions = models.BooleanField(
        _("涉及各区域"),
        default=False,
        help_text=_("是:各区域(乡镇、经开区等)参与此项任务,区域干部可查看。"),
    )
    departments = models.ManyToManyField(
        Department,
        through="MeasureDepartment",
        related_name="measures",
        verbose_name=_("责任部门"),
        blank=True,
    )
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    history = HistoricalRecords(verbose_name=_("任务修改记录"), excluded_fields=["order"])

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "section", "number"], name="measure_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.title}"

    @property
    def label(self) -> str:
        """三(一): the section and number, as the plan writes them."""
        return f"{self.section}({chinese_numeral(self.number)})"

    def _ranked(self) -> list[MeasureDepartment]:
        # Uses a prefetch of ``roles`` when the caller made one.
        return sorted(self.roles.all(), key=lambda r: r.position)

    @property
    def lead(self) -> Department | None:
        ranked = self._ranked()
        return ranked[0].department if ranked else None

    @property
    def cooperating(self) -> list[Department]:
        return [r.department for r in self._ranked()[1:]]


class MeasureDepartment(models.Model):
    """A department in charge of a measure; position 1 leads (牵头), the rest
    co-operate (配合), in the order the plan names them."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="roles", verbose_name=_("任务")
    )
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="roles", verbose_name=_("部门")
    )
    position = models.PositiveSmallIntegerField(_("排序"), help_text=_("1 为牵头部门。"))

    class Meta:
        verbose_name = _("任务责任部门")
        verbose_name_plural = _("任务责任部门")
        ordering = ["measure", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "department"], name="measure_department_unique"
            ),
            models.UniqueConstraint(
                fields=["measure", "position"], name="measure_department_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1),
                name="measure_department_position_positive",
                violation_error_message=_("部门次序应为正整数。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure.label} · {self.department}"

    @property
    def is_lead(self) -> bool:
        return self.position == 1


class WorkItem(models.Model):
    """A yearly work item of a measure (工作事项), with its due date and, once
    done, the date it was done: 倒排时间节点 made checkable."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="work_items", verbose_name=_("任务")
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    title = models.CharField(_("事项"), max_length=300, validators=[refuse_unsafe_characters])
    due_date = models.DateField(_("完成时限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    history = HistoricalRecords(verbose_name=_("工作事项修改记录"))

    class Meta:
        verbose_name = _("工作事项")
        verbose_name_plural = _("工作事项")
        ordering = ["measure", "year", "due_date", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.measure.label} {self.year} · {self.title}"

    def is_overdue(self, today) -> bool:
        return self.done_on is None and self.due_date < today


class DepartmentMembership(models.Model):
    """Binds a department liaison (部门联络员) to the one department they report for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="department_membership",
        verbose_name=_("用户"),
    )
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="members", verbose_name=_("部门")
    )

    class Meta:
        verbose_name = _("部门归属")
        verbose_name_plural = _("部门归属")

    def __str__(self) -> str:
        return f"{self.user} → {self.department}"
