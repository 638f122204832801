"""Excel figures: download the quarter's template, upload it filled in, check
every change, confirm.

County staff (``enter_figures``) work on every region and the county; a
township official (``report_own_figures``) gets a template of their own
region and may import only its cells (``EntryAccessMixin``). Reading and
comparing a file is
``reports.figures.imports``; keeping the preview until it is confirmed, and
the write, is ``reports.figures.uploads``. These views parse, call and render.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from reports.excel.figures_format import ValueMode
from reports.figures.changes import FigureConflictError, FigureError
from reports.figures.imports import (
    plan_shape,
    preview_import,
    template_file_name,
    template_for,
    upload_limits,
)
from reports.figures.uploads import (
    PendingUploadMissing,
    confirm_upload,
    discard_upload,
    pending_changes,
    pending_loc,
    pending_period,
    pending_summary,
    pending_upload,
    stage_upload,
)
from reports.models import PendingImport
from reports.progress import Period
from reports.views.mixins import EntryAccessMixin
from targets.excel.safety import UnsafeWorkbookError, human_size, read_capped, too_big_message

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW_ROWS_SHOWN = 2000


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("填好的 Excel 文件(.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
        # An empty file is read like any other and gets the reader's message.
        allow_empty_file=True,
        error_messages={"required": gettext_lazy("请选择要上传的文件。")},
    )
    # The quarter the user was working on, only to warn when the file is for
    # another; anything that is not a quarter code is ignored.
    period = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_period(self) -> str:
        try:
            return Period.from_code(self.cleaned_data["period"]).code
        except ValueError:
            return ""


class TemplateDownloadView(EntryAccessMixin, View):
    """GET ``?period=2026Q3&mode=quarter|ytd``: the prefilled template (a
    township official's: their region's row alone). A quarter not offered
    (not begun, or no quarter at all) goes back to the upload page, saying so."""

    offers_later_quarters = False  # nothing may be uploaded for them

    def get(self, request, *args, **kwargs):
        if self.asked_period_refused():
            messages.error(request, _("所选季度无效或尚未开始,没有可下载的模板。"))
            return redirect("reports:upload")
        mode = request.GET.get("mode", ValueMode.QUARTER)
        if mode not in ValueMode.values:  # a tampered or stale link: back, saying so
            messages.error(
                request, _("不支持的填报口径,没有可下载的模板。请在页面上选择后重新下载。")
            )
            return redirect("reports:upload")
        mode = ValueMode(mode)
        data = template_for(self.plan, self.period, mode, region=self.entry_region)
        response = HttpResponse(data, content_type=XLSX_TYPE)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=template_file_name(self.period, mode)
        )
        return response


class UploadView(EntryAccessMixin, TemplateView):
    """The template download choices and the upload form; a POSTed file is
    read and compared at once, then shown on the preview page, or its
    problems listed here (nothing is stored for a bad file)."""

    offers_later_quarters = False  # nothing may be uploaded for them

    template_name = "reports/upload.html"

    @cached_property
    def nothing_to_report(self) -> bool:
        """A township official's page in a plan of county-level indicators
        only: the template would have no cell to fill. One query."""
        return (
            self.entry_region is not None
            and not self.plan.indicators.filter(by_region=True).exists()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        limits = upload_limits()
        context.update(
            nothing_to_report=self.nothing_to_report,
            period=self.period,
            period_choices=self.period_form().fields["period"].choices,
            form=kwargs.get("form") or UploadForm(initial={"period": self.period.code}),
            modes=ValueMode.choices,
            max_size=human_size(limits.max_bytes),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = UploadForm(request.POST, request.FILES)
        if self.nothing_to_report:
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        upload = form.cleaned_data["file"]
        limits = upload_limits()
        if upload.size > limits.max_bytes:  # refused before reading a byte
            return self.refuse(form, [too_big_message(limits.max_bytes)])
        try:
            data = read_capped(upload, limits.max_bytes)
        except UnsafeWorkbookError as error:
            return self.refuse(form, error.messages)
        preview = preview_import(self.plan, request.user, data, limits=limits)
        if not preview.ok:
            return self.refuse(form, preview.problems)
        if not preview.changes and not preview.filled:
            messages.warning(request, _("文件中没有填写任何数值,系统中的数据没有改动。"))
            return self.render_to_response(self.get_context_data(form=form))
        if not preview.changes:
            message = _("文件中的 %(count)s 个单元格与系统中的数据完全一致,无需导入。")
            messages.info(request, message % {"count": preview.unchanged})
            return self.render_to_response(self.get_context_data(form=form))
        pending = stage_upload(self.plan, request.user, preview, file_name=upload.name, data=data)
        url = reverse("reports:upload_preview", kwargs={"pk": pending.pk})
        expected = form.cleaned_data["period"]
        return redirect(f"{url}?expected={expected}" if expected else url)

    def refuse(self, form: UploadForm, problems: list[str]):
        messages.error(
            self.request, _("文件未导入,系统中的数据没有任何改动。请按下列提示修改后重新上传。")
        )
        context = self.get_context_data(form=form, problems=problems)
        return self.render_to_response(context, status=400)


class UploadPreviewView(EntryAccessMixin, TemplateView):
    """Every change of a pending upload, old → new; POST confirms or cancels.
    Someone else's pending upload, or an expired one, is a 404."""

    template_name = "reports/upload_preview.html"

    @cached_property
    def pending(self) -> PendingImport:
        try:
            return pending_upload(self.plan, self.request.user, self.kwargs["pk"])
        except PendingUploadMissing as missing:
            raise Http404(missing.messages[0]) from None

    @cached_property
    def period(self) -> Period | None:
        return pending_period(self.pending)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shape = plan_shape(self.plan)
        indicators = {i.pk: i for i in shape.indicators}
        regions = {r.pk: r.name for r in shape.regions}
        planned = pending_changes(self.pending)
        rows = [
            {
                "where": pending_loc(self.pending, item),
                "region": regions.get(item.change.region_id, self.plan.county_name),
                "indicator": indicators[item.change.indicator_id],
                "period": Period(item.change.year, item.change.quarter),
                "old": item.old,
                "new": item.change.value,
                "file_value": item.file_value,
            }
            for item in planned[:PREVIEW_ROWS_SHOWN]
        ]
        summary = pending_summary(self.pending)
        context.update(
            pending=self.pending,
            period=self.period,
            periods=summary.periods,
            mode_label=ValueMode(self.pending.mode).label,
            ytd=self.pending.mode == ValueMode.YTD,
            rows=rows,
            hidden_rows=max(0, len(planned) - PREVIEW_ROWS_SHOWN),
            summary=summary.describe(with_unchanged=True),
            warnings=self.pending.payload.get("warnings", []),
            other_period=self.other_period(),
        )
        return context

    def other_period(self) -> Period | None:
        """The quarter the user had open, when the file is for another one."""
        try:
            expected = Period.from_code(self.request.GET.get("expected", ""))
        except ValueError:
            return None
        return expected if self.period and expected != self.period else None

    def post(self, request, *args, **kwargs):
        pk = self.kwargs["pk"]
        try:
            if request.POST.get("action") != "confirm":
                discard_upload(self.plan, request.user, pk)
                messages.info(request, _("已取消导入,没有写入任何数据。"))
                return redirect("reports:upload")
            confirmed = confirm_upload(self.plan, request.user, pk)
        except PendingUploadMissing as missing:
            raise Http404(missing.messages[0]) from None
        except FigureConflictError as error:
            messages.error(
                request,
                _(
                    "有 %(count)s 个单元格在预览之后被他人修改,未写入任何数据。"
                    "请重新上传文件,核对最新的差异。"
                )
                % {"count": len(error.conflicts)},
            )
            return redirect("reports:upload")
        except FigureError as error:
            for message in [_("未写入任何数据:"), *error.messages]:
                messages.error(request, message)
            return redirect("reports:upload")
        messages.success(
            request,
            _("已导入“%(file)s”:%(summary)s。")
            % {"file": confirmed.file_name, "summary": confirmed.summary.describe()},
        )
        if confirmed.summary.unapproved:
            messages.warning(request, confirmed.summary.describe_unapproved())
        if self.entry_region is not None:
            messages.info(request, _("数据已保存为草稿,尚未上报;全部填好并核对后,请点击“上报”。"))
        if confirmed.period:
            return redirect(f"{reverse('reports:entry')}?period={confirmed.period.code}")
        return redirect("reports:upload")
