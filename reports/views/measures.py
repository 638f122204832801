"""The plan's measures: the board (every measure, its lead department, the
latest status, overdue work items, measures not reported this quarter), a
department's page, and a department's quarterly report on one measure."""

from __future__ import annotations

from functools import cached_property

import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from regions.roles import REPORT_ALL_MEASURES, REPORT_OWN_MEASURES
from regions.text import refuse_unsafe_characters
from reports.figures import deadlines
from reports.figures.deadlines import quarter_begun
from reports.figures.measure_board import board, quarter_of
from reports.figures.measure_reports import (
    add_work_item,
    attachment_name,
    mark_work_item_done,
    record_measure_report,
    reportable_departments,
    reports_stamp,
)
from reports.figures.quarters import is_closed
from reports.measure_models import (
    MEASURE_TEXT_MAX,
    MeasureAttachment,
    MeasureReport,
    MeasureStatus,
)
from reports.views.forms import PlainIntegerField
from reports.views.mixins import PeriodMixin
from targets.measure_access import MeasureAccessMixin
from targets.models import WorkItem
from targets.tables import TABLE_TEMPLATE, QuickRowsMixin


class BoardTable(QuickRowsMixin, tables.Table):
    label = tables.Column(verbose_name=gettext_lazy("编号"), accessor="measure__label")
    title = tables.Column(verbose_name=gettext_lazy("任务"), accessor="measure__title")
    lead = tables.Column(verbose_name=gettext_lazy("牵头部门"), accessor="lead")
    cooperating = tables.Column(
        verbose_name=gettext_lazy("配合部门"), accessor="cooperating", empty_values=()
    )
    latest = tables.Column(
        verbose_name=gettext_lazy("最新进展"), accessor="latest", empty_values=()
    )
    quarter = tables.Column(
        verbose_name=gettext_lazy("本季度"), accessor="reported", empty_values=()
    )
    overdue = tables.Column(
        verbose_name=gettext_lazy("逾期工作事项"), accessor="overdue", empty_values=()
    )
    action = tables.Column(verbose_name="", accessor="measure", empty_values=())

    class Meta:
        orderable = False
        attrs = {"class": "table table-sm align-middle"}
        template_name = TABLE_TEMPLATE

    def __init__(self, data, *, may_report=None, **kwargs):
        self.may_report = may_report or (lambda row: False)
        super().__init__(data, **kwargs)

    def render_lead(self, value):
        return value.name if value else "—"

    def render_cooperating(self, value):
        return "、".join(d.name for d in value) or "—"

    def render_latest(self, value):
        if value is None:
            return _("暂无")
        return format_html(
            '<span class="badge text-bg-{}">{}</span> '
            '<span class="small text-muted">{} · {} · {}</span>',
            STATUS_COLOURS[value.status],
            value.get_status_display(),
            value.department.name,
            f"{value.year}Q{value.quarter}",
            timezone.localdate(value.reported_at).isoformat(),
        )

    def render_quarter(self, value, record):
        if value:
            return _("已报")
        return format_html('<span class="text-danger">{}</span>', _("本季度未报"))

    def render_overdue(self, value):
        if not value:
            return "—"
        return format_html_join(
            "",
            '<div class="text-danger small">{}({})</div>',
            ((item.title, item.due_date.isoformat()) for item in value),
        )

    def render_action(self, value, record):
        if not self.may_report(record):
            return ""
        url = reverse("reports:measure_report", kwargs={"measure": value.pk})
        return format_html(
            '<a class="btn btn-sm btn-outline-primary" href="{}">{}</a>', url, _("填报进展")
        )


STATUS_COLOURS = {
    MeasureStatus.NOT_STARTED: "secondary",
    MeasureStatus.IN_PROGRESS: "primary",
    MeasureStatus.DONE: "success",
    MeasureStatus.LAGGING: "danger",
}


class MeasuresPeriodMixin(PeriodMixin):
    # Like the figures' entry pages, a later quarter may be chosen: shown
    # read-only, saying it has not begun (the report form refuses it). A
    # malformed one is answered with the default quarter and a warning.

    @cached_property
    def default_period(self):
        # Today as the quarters offered read it (deadlines.today), so the
        # default is always one of them.
        return quarter_of(deadlines.today(), self.plan)

    def board_rows(self, measures):
        return board(measures, self.period, timezone.localdate())

    def may_report(self, row) -> bool:
        user = self.request.user
        if user.has_perm(REPORT_ALL_MEASURES):
            return bool(row.lead)
        own = self.mscope.department
        return (
            own is not None
            and user.has_perm(REPORT_OWN_MEASURES)
            and (any(d.pk == own.pk for d in [row.lead, *row.cooperating] if d))
        )


class MeasureBoardView(MeasureAccessMixin, MeasuresPeriodMixin, TemplateView):
    """Leaders and staff: every measure; a township official: those that involve
    the townships, read-only. A department liaison goes to their department."""

    template_name = "reports/measures.html"

    def get(self, request, *args, **kwargs):
        if self.mscope.department is not None:
            return redirect("reports:department", department=self.mscope.department.code)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        departments = list(self.mscope.departments.order_by("order", "pk"))
        chosen = self.request.GET.get("department", "")
        measures = self.mscope.measures
        if chosen and any(d.code == chosen for d in departments):
            measures = measures.filter(roles__department__code=chosen).distinct()
        else:
            chosen = ""
        rows = self.board_rows(measures)
        context.update(
            self.period_context(),
            departments=departments,
            chosen=chosen,
            table=BoardTable(rows, may_report=self.may_report),
            unreported=sum(1 for r in rows if not r.reported),
            overdue=sum(len(r.overdue) for r in rows),
        )
        return context


class DepartmentView(MeasureAccessMixin, MeasuresPeriodMixin, TemplateView):
    template_name = "reports/department.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        department = self.mscope.department_or_404(self.kwargs["department"])
        measures = self.mscope.measures.filter(roles__department=department).distinct()
        rows = self.board_rows(measures)
        context.update(
            self.period_context(),
            department=department,
            lead_table=BoardTable(
                [r for r in rows if r.lead and r.lead.pk == department.pk],
                may_report=self.may_report,
            ),
            cooperating_table=BoardTable(
                [r for r in rows if not (r.lead and r.lead.pk == department.pk)],
                may_report=self.may_report,
            ),
        )
        return context


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "application/pdf,image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class MeasureReportForm(forms.Form):
    department = forms.ChoiceField(label=gettext_lazy("部门"))
    status = forms.ChoiceField(label=gettext_lazy("进展状态"), choices=MeasureStatus.choices)
    done = forms.CharField(
        label=gettext_lazy("已完成工作"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=MEASURE_TEXT_MAX,
        validators=[refuse_unsafe_characters],
    )
    next_steps = forms.CharField(
        label=gettext_lazy("下一步计划"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=MEASURE_TEXT_MAX,
        validators=[refuse_unsafe_characters],
    )
    attachments = MultipleFileField(label=gettext_lazy("附件(PDF 或图片)"), required=False)
    # The reports as the page showed them (reports_stamp): a stale save is refused.
    seen = forms.CharField(required=False, widget=forms.HiddenInput, max_length=80)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [(d.code, d.name) for d in departments]
        for name in ("department", "status"):
            self.fields[name].widget.attrs["class"] = "form-select"
        for name in ("done", "next_steps", "attachments"):
            self.fields[name].widget.attrs["class"] = "form-control"

    def clean(self):
        # A hidden field's error has no place on the page: said as the form's.
        if self.has_error("seen"):
            raise ValidationError(
                _("页面数据异常(可能已过期或被修改),未保存;请刷新页面后重新填写。")
            )
        return super().clean()


class MeasureReportView(MeasureAccessMixin, MeasuresPeriodMixin, TemplateView):
    """A department's report on one measure for a quarter: liaisons for their own
    department, staff for any department in charge. Writes go through
    ``record_measure_report`` (permission, closed quarters, attachments)."""

    template_name = "reports/measure_report.html"
    required_permission = (REPORT_OWN_MEASURES, REPORT_ALL_MEASURES)

    @cached_property
    def measure(self):
        return self.mscope.measure_or_404(self.kwargs["measure"])

    @cached_property
    def departments(self):
        departments = reportable_departments(self.request.user, self.measure)
        if not departments:
            raise PermissionDenied(_("您的账号不能填报此项任务的进展。"))
        return departments

    def form(self, data=None, files=None):
        department = self.departments[0]
        existing = MeasureReport.objects.filter(
            measure=self.measure,
            department=department,
            year=self.period.year,
            quarter=self.period.quarter,
        ).first()
        initial = {"department": department.code, "seen": reports_stamp(self.measure, self.period)}
        if existing:
            initial.update(
                status=existing.status, done=existing.done, next_steps=existing.next_steps
            )
        return MeasureReportForm(data, files, departments=self.departments, initial=initial)

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        reports = (
            MeasureReport.objects.filter(measure=self.measure)
            .select_related("department", "reported_by")
            .prefetch_related("attachments")
            .order_by("-year", "-quarter", "department__order")
        )
        context.update(
            self.period_context(),
            measure=self.measure,
            work_items=self.measure.work_items.order_by("year", "due_date", "order", "pk"),
            work_item_form=WorkItemForm(initial={"year": self.period.year}),
            today=timezone.localdate(),
            form=form or self.form(),
            reports=reports,
            closed=is_closed(self.plan, self.period),
            not_begun=not quarter_begun(self.period),
        )
        return context

    def get(self, request, *args, **kwargs):
        self.departments  # noqa: B018 - refuses (403) before rendering
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST, request.FILES)
        if self.period_form(request.POST).chosen() is None:
            # The page's form posts its quarter: without one the page offers
            # (tampered, stale, or not yet begun) the report would land in the
            # default quarter.
            message = _("提交的季度无效(缺失、格式错误、不在计划期内或尚未开始),未保存。")
            form.add_error(None, message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if not form.cleaned_data["seen"]:  # the page always sends it: no silent overwrite
            form.add_error(None, _("表单已过期或被篡改,请重新打开本页。"))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        department = next(d for d in self.departments if d.code == form.cleaned_data["department"])
        try:
            record_measure_report(
                request.user,
                self.measure,
                department,
                self.period,
                status=form.cleaned_data["status"],
                done=form.cleaned_data["done"],
                next_steps=form.cleaned_data["next_steps"],
                attachments=form.cleaned_data["attachments"],
                seen=form.cleaned_data["seen"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(request, _("任务进展已保存。"))
        url = reverse("reports:measure_report", kwargs={"measure": self.measure.pk})
        return redirect(f"{url}?period={self.period.code}")


class MeasureAttachmentView(MeasureAccessMixin, View):
    """An attachment, to whoever may see its measure; read from the storage
    backend and always downloaded, never rendered inline."""

    def get(self, request, *args, **kwargs):
        attachment = (
            MeasureAttachment.objects.filter(
                pk=self.kwargs["attachment"], report__measure__in=self.mscope.measures
            )
            .select_related("report")
            .first()
        )
        if attachment is None:
            raise Http404(_("没有找到该附件。"))
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            # Files stored before names were checked are handed out as what they are.
            filename=attachment_name(attachment.name, attachment.content_type),
            content_type=attachment.content_type,
        )


class WorkItemForm(forms.Form):
    year = PlainIntegerField(label=gettext_lazy("年份"))
    title = forms.CharField(label=gettext_lazy("事项"), max_length=300)
    due_date = forms.DateField(
        label=gettext_lazy("完成时限"), widget=forms.DateInput(attrs={"type": "date"})
    )


class WorkItemAddView(MeasureAccessMixin, View):
    """Staff: add a work item to a measure (POST only)."""

    required_permission = (REPORT_ALL_MEASURES,)

    def post(self, request, *args, **kwargs):
        measure = self.mscope.measure_or_404(self.kwargs["measure"])
        url = reverse("reports:measure_report", kwargs={"measure": measure.pk})
        form = WorkItemForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("工作事项未添加:请填写年份、事项和完成时限。"))
            return redirect(url)
        try:
            add_work_item(request.user, measure, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(url)
        messages.success(request, _("工作事项已添加。"))
        return redirect(url)


class WorkItemDoneView(MeasureAccessMixin, View):
    """Mark a work item done today (staff, or a liaison of a department in charge)."""

    required_permission = (REPORT_OWN_MEASURES, REPORT_ALL_MEASURES)

    def post(self, request, *args, **kwargs):
        item = WorkItem.objects.filter(
            pk=self.kwargs["item"], measure__in=self.mscope.measures
        ).first()
        if item is None:
            raise Http404(_("没有找到该工作事项。"))
        mark_work_item_done(request.user, item, timezone.localdate())
        messages.success(request, _("工作事项已标记完成。"))
        return redirect(reverse("reports:measure_report", kwargs={"measure": item.measure_id}))
