"""The ledger workbook: export what the user may see, download the operating-
data template of a region and quarter, upload either filled in → preview →
confirm (all or nothing, every bad row listed with its sheet and row).

Export: whoever sees regions (leaders and staff the county, an official their
own region). Template and upload: staff for every region, a township official
for their own (``EntryAccessMixin``); leaders read only. Reading is
``reports.ledger.workbook``, planning ``workbook_plan``, staging and the
write ``reports.ledger.uploads``. These views parse, call and render.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.db.models import DecimalField, FloatField, IntegerField
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from reports.figures.changes import FigureError
from reports.figures.imports import upload_limits
from reports.figures.uploads import PendingUploadMissing
from reports.ledger.uploads import confirm_ledger, discard_ledger, pending_ledger, stage_ledger
from reports.ledger.workbook import SHEET_ENTERPRISES, SHEET_INCUBATORS, SHEETS, read_ledger_file
from reports.ledger.workbook_apply import LEDGER_MAX_ROWS, preview_ledger
from reports.ledger.workbook_writing import export_ledger, operating_template
from reports.models import Enterprise, Incubator, IncubatorQuarter, PendingImport
from reports.views.ledger_entry import LedgerRegionMixin
from reports.views.upload import XLSX_TYPE, UploadForm
from targets.access import PlanAccessMixin
from targets.excel.safety import UnsafeWorkbookError, human_size, read_capped, too_big_message
from targets.ledger import Industry

PREVIEW_ROWS_SHOWN = 500


def xlsx_response(data: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=file_name
    )
    return response


class LedgerExportView(PlanAccessMixin, View):
    """GET: the ledger workbook of the user's scope (every sheet)."""

    def get(self, request, *args, **kwargs):
        data = export_ledger(self.regions.order_by("order", "pk"))
        stamp = timezone.localdate().strftime("%Y%m%d")
        return xlsx_response(data, _("孵化载体台账_%(date)s.xlsx") % {"date": stamp})


class OperatingTemplateView(LedgerRegionMixin, View):
    """GET ``?region=…&period=…``: the region's operating-data template. A
    quarter not offered (not begun, or no quarter at all) goes back to the
    upload page, saying so."""

    offers_later_quarters = False  # nothing may be uploaded for them

    def get(self, request, *args, **kwargs):
        if self.asked_period_refused():
            messages.error(request, _("所选季度无效或尚未开始,没有可下载的模板。"))
            url = reverse("reports:ledger_upload")
            return redirect(f"{url}?{urlencode({'region': self.region.code})}")
        data = operating_template([self.region], self.period)
        name = _("载体运营数据_%(region)s_%(period)s.xlsx") % {
            "region": self.region.name,
            "period": self.period.code,
        }
        return xlsx_response(data, name)


class LedgerUploadView(LedgerRegionMixin, TemplateView):
    """The downloads and the upload form; a POSTed workbook is read and
    planned at once, then previewed, or its problems listed here."""

    offers_later_quarters = False  # nothing may be uploaded for them

    template_name = "reports/ledger_entry_upload.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            **self.region_context(),
            period=self.period,
            period_choices=self.period_form().fields["period"].choices,
            form=kwargs.get("form") or UploadForm(initial={"period": self.period.code}),
            max_size=human_size(upload_limits().max_bytes),
            max_rows=LEDGER_MAX_ROWS,
            sheets=list(SHEETS),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        upload = form.cleaned_data["file"]
        limits = upload_limits()
        if upload.size > limits.max_bytes:
            return self.refuse(form, [too_big_message(limits.max_bytes)])
        try:
            data = read_capped(upload, limits.max_bytes)
        except UnsafeWorkbookError as error:
            return self.refuse(form, error.messages)
        file = read_ledger_file(data, limits)
        planned = preview_ledger(self.plan, request.user, file)
        if not planned.ok:
            return self.refuse(form, planned.problems)
        if not planned.changes and not planned.unchanged:
            # E.g. the operating template sent back with no figure typed.
            messages.warning(request, _("文件中没有填写任何数据(空白的行不导入),台账没有改动。"))
            return self.render_to_response(self.get_context_data(form=form))
        if not planned.changes:
            messages.info(
                request,
                _("文件中的 %(count)s 行与系统中的台账完全一致,无需导入。")
                % {"count": planned.unchanged},
            )
            return self.render_to_response(self.get_context_data(form=form))
        pending = stage_ledger(
            self.plan, request.user, file, planned, file_name=upload.name, data=data
        )
        return redirect("reports:ledger_upload_preview", pk=pending.pk)

    def refuse(self, form, problems: list[str]):
        messages.error(
            self.request, _("文件未导入,系统中的台账没有任何改动。请按下列提示修改后重新上传。")
        )
        context = self.get_context_data(form=form, problems=problems)
        return self.render_to_response(context, status=400)


class LedgerUploadPreviewView(LedgerRegionMixin, TemplateView):
    """Every record a staged workbook creates or changes; POST confirms or
    cancels. Someone else's staged upload, or an expired one, is a 404."""

    template_name = "reports/ledger_entry_preview.html"

    @cached_property
    def pending(self) -> PendingImport:
        try:
            return pending_ledger(self.plan, self.request.user, self.kwargs["pk"])
        except PendingUploadMissing as missing:
            raise Http404(missing.messages[0]) from None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ops = self.pending.payload.get("ops", {})
        region_names = dict(self.plan.regions.values_list("pk", "name"))
        industries = dict(Industry.objects.filter(plan=self.plan).values_list("pk", "name"))
        sections = []
        for sheet in SHEETS:
            rows = ops.get(sheet, [])
            if rows:
                shown = [
                    _describe(sheet, op, region_names, industries)
                    for op in rows[:PREVIEW_ROWS_SHOWN]
                ]
                sections.append((sheet, len(rows), shown))
        context.update(pending=self.pending, sections=sections)
        return context

    def post(self, request, *args, **kwargs):
        pk = self.kwargs["pk"]
        try:
            if request.POST.get("action") != "confirm":
                discard_ledger(self.plan, request.user, pk)
                messages.info(request, _("已取消导入,没有写入任何数据。"))
                return redirect("reports:ledger_upload")
            file_name, written = confirm_ledger(self.plan, request.user, pk)
        except PendingUploadMissing as missing:
            raise Http404(missing.messages[0]) from None
        except FigureError as error:
            for message in [_("未写入任何数据:"), *error.messages]:
                messages.error(request, message)
            return redirect("reports:ledger_upload")
        messages.success(
            request,
            _("已导入“%(file)s”:%(summary)s。")
            % {"file": file_name, "summary": written.describe()},
        )
        return redirect(reverse("reports:ledger_upload"))


def _describe(
    sheet: str, op: dict, region_names: dict[int, str], industries: dict[int, str]
) -> dict:
    """One staged record as the preview lists it: row, what, new or changed,
    and for a change each field from what is stored to what the file says
    (a file exported before a colleague's edit would undo it: the preview
    shows that before anything is written)."""
    key = op.get("key") or op.get("incubator")
    where = f"{region_names.get(key[0], '')} · {key[1]}" if key else ""
    if sheet == "在孵企业":
        where = f"{op['values']['name']}({where})"
    if sheet == "企业标识":
        where = op.get("name") or ""
    if "year" in op:
        where = f"{where} · {op['year']}Q{op['quarter']}"
    return {
        "row": op["row"],
        "where": where,
        "new": op.get("old") is None,
        "changes": _field_changes(sheet, op, industries),
    }


FIELD_MODELS = {SHEET_INCUBATORS: Incubator, SHEET_ENTERPRISES: Enterprise}


def _field_changes(sheet: str, op: dict, industries: dict[int, str]) -> list[str]:
    """ "字段:旧值 → 新值" for each field a staged change alters."""
    old, new = op.get("old"), op.get("values")
    if isinstance(old, str) and op.get("date"):  # a recognition's or title's date
        return [_("日期:%(before)s → %(after)s") % {"before": old, "after": op["date"]}]
    if not isinstance(old, dict) or not isinstance(new, dict):
        return []
    if "note" in op:  # the operating sheet keeps its note beside the figures
        new = {**new, "note": op["note"]}
    model = FIELD_MODELS.get(sheet, IncubatorQuarter)
    said = []
    for name, value in new.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if name not in old or _same(field, old[name], value):
            continue
        before, after = (_shown(field, v, industries) for v in (old[name], value))
        said.append(
            _("%(field)s:%(before)s → %(after)s")
            % {"field": field.verbose_name, "before": before, "after": after}
        )
    return said


def _same(field, before, after) -> bool:
    """Equal as the field holds them: numbers by value (2.50 is 2.5), text
    as written ("0123" is not "123")."""
    if before in (None, "") and after in (None, ""):
        return True
    if isinstance(field, DecimalField | IntegerField | FloatField):
        try:
            return Decimal(str(before)) == Decimal(str(after))
        except (InvalidOperation, ValueError):
            pass
    return str(before) == str(after)


def _shown(field, value, industries: dict[int, str]) -> str:
    if value in (None, ""):
        return _("(空)")
    if field.is_relation:
        return industries.get(value, str(value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)
