"""The one write path of a department's quarterly report on a measure
(``record_measure_report``) and who may write which (``reportable_departments``).

A department liaison (``report_own_measures``) reports for their own department,
on the measures it leads or co-operates on; county staff (``report_all_measures``)
for any department in charge of the measure. A closed quarter refuses it, as it
refuses figures. Attachments are PDF files or images, recognised by their first
bytes (never by the file name or the browser's content type) and at most
``MEASURE_ATTACHMENT_MAX_BYTES``; a refused file refuses the whole report and
nothing is stored.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from regions.roles import REPORT_ALL_MEASURES, REPORT_OWN_MEASURES
from reports.figures.deadlines import not_begun_message
from reports.figures.quarters import locked_closed_periods
from reports.measure_models import MeasureAttachment, MeasureReport
from reports.progress import Period
from targets.models import Department, DepartmentMembership, Measure, WorkItem
from targets.versioning import bump_data_version

# First bytes → content type. WebP: "RIFF", four bytes of length, "WEBP".
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
MAX_NAME = 200
# Attachments one save takes (each within MEASURE_ATTACHMENT_MAX_BYTES): a
# report's few documents, not a folder dropped in by mistake.
ATTACHMENTS_PER_SAVE = 10
# The extension a file of each sniffed type is named with (the first one),
# and the others it may already carry.
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg", ".jpe"),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
}


def sniff(head: bytes) -> str | None:
    """The content type the file's first bytes show, or None if neither PDF nor image."""
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    name: str
    content_type: str
    size: int


def attachment_name(name: str, content_type: str) -> str:
    """The name a file is stored and handed out under: the uploader's,
    without folders, invisible or control characters (a right-to-left mark
    turns "invoice\u202efdp.exe" into what reads as "invoiceexe.pdf"), and
    with the extension of what the file is. Only the first bytes are
    checked, so "invoice.html" starting with %PDF- is named invoice.pdf: a
    reader who opens the download gets a PDF viewer, never a browser or a
    shell running what follows."""
    name = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Cs"))
    stem, dot, extension = name.strip().rpartition(".")
    if not dot:
        stem, extension = extension, ""
    allowed = EXTENSIONS[content_type]
    if f".{extension.lower()}" in allowed:
        return name.strip()[-MAX_NAME:]
    stem = stem.strip() or "file"
    return stem[: MAX_NAME - len(allowed[0])] + allowed[0]


def check_attachment(upload: UploadedFile) -> CheckedFile:
    """The file if it is a PDF or an image within the size cap; else ValidationError."""
    name = (upload.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][-MAX_NAME:] or "file"
    limit = settings.MEASURE_ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        message = _("附件“%(name)s”超过 %(limit)s MB 的上限,未保存。")
        raise ValidationError(message % {"name": name, "limit": f"{limit / 1024 / 1024:g}"})
    upload.seek(0)
    content_type = sniff(upload.read(16))
    upload.seek(0)
    if content_type is None:
        message = _("附件“%(name)s”不是 PDF 文件或图片(PNG、JPEG、GIF、WebP),未保存。")
        raise ValidationError(message % {"name": name})
    return CheckedFile(upload, attachment_name(name, content_type), content_type, upload.size)


def reportable_departments(user, measure: Measure) -> list[Department]:
    """The departments in charge of ``measure`` that ``user`` may report for."""
    in_charge = [role.department for role in measure.roles.all()]
    if user.has_perm(REPORT_ALL_MEASURES):
        return in_charge
    if not user.has_perm(REPORT_OWN_MEASURES):
        return []
    own = department_of(user)
    return [d for d in in_charge if own is not None and d.pk == own.pk]


def department_of(user) -> Department | None:
    """The department a liaison reports for (None: none bound)."""
    if not user.is_authenticated:
        return None
    membership = DepartmentMembership.objects.filter(user=user).select_related("department").first()
    return membership.department if membership else None


def reports_stamp(measure: Measure, period: Period) -> str:
    """What the measure's reports for ``period`` were when a page showed them:
    how many, and the latest save. A save from that page checks it is still so."""
    reports = MeasureReport.objects.filter(
        measure=measure, year=period.year, quarter=period.quarter
    ).values_list("reported_at", flat=True)
    times = sorted(reports)
    return f"{len(times)}:{times[-1].isoformat() if times else ''}"


@transaction.atomic
def record_measure_report(
    user,
    measure: Measure,
    department: Department,
    period: Period,
    *,
    status: str,
    done: str = "",
    next_steps: str = "",
    attachments: list[UploadedFile] = (),
    seen: str | None = None,
) -> MeasureReport:
    """Create or update ``department``'s report on ``measure`` for ``period``,
    with history; add ``attachments``. All or nothing. ``seen``: the
    ``reports_stamp`` the editor's page showed; a save after someone else's
    is refused rather than silently overwriting it."""
    if department.pk not in {d.pk for d in reportable_departments(user, measure)}:
        raise PermissionDenied(_("您的账号不能填报该部门的此项任务进展。"))
    plan = measure.plan
    if not plan.contains(period.year, period.quarter):
        raise ValidationError(_("季度不在计划期内。"))
    if not_begun := not_begun_message(period.year, period.quarter):
        raise ValidationError(not_begun)
    if locked_closed_periods(plan, {(period.year, period.quarter)}):
        message = _("%(year)s年第%(quarter)s季度已关闭,不能修改任务进展。")
        raise ValidationError(message % {"year": period.year, "quarter": period.quarter})
    if len(attachments) > ATTACHMENTS_PER_SAVE:
        message = _("一次最多上传 %(count)s 个附件,未保存;请分几次上传。")
        raise ValidationError(message % {"count": ATTACHMENTS_PER_SAVE})
    checked = [check_attachment(upload) for upload in attachments]
    # One writer of a measure's reports at a time: the stamp below holds until the save.
    Measure.objects.select_for_update().filter(pk=measure.pk).first()
    if seen is not None and seen != reports_stamp(measure, period):
        raise ValidationError(
            _("该任务本季度的进展在您打开页面后已被他人修改;请刷新页面查看后再保存。")
        )
    report = (
        MeasureReport.objects.select_for_update()
        .filter(measure=measure, department=department, year=period.year, quarter=period.quarter)
        .first()
    ) or MeasureReport(
        measure=measure, department=department, year=period.year, quarter=period.quarter
    )
    report.status, report.done, report.next_steps = status, done.strip(), next_steps.strip()
    report.reported_by = user
    report.full_clean(exclude=["measure", "department"])
    report.save()
    stored: list[MeasureAttachment] = []
    try:
        for item in checked:
            attachment = MeasureAttachment(
                report=report,
                name=item.name,
                content_type=item.content_type,
                size=item.size,
                uploaded_by=user,
            )
            # Through the storage API: the file goes wherever STORAGES["default"] says.
            attachment.file.save(item.name, item.upload, save=False)
            stored.append(attachment)
            attachment.save()
    except BaseException:
        for attachment in stored:  # the transaction rolls back; so do the files
            attachment.file.delete(save=False)
        raise
    bump_data_version(plan.pk)
    return report


@transaction.atomic
def add_work_item(user, measure: Measure, *, year: int, title: str, due_date) -> WorkItem:
    """Staff add a yearly work item (工作事项) with its due date to a measure."""
    if not user.has_perm(REPORT_ALL_MEASURES):
        raise PermissionDenied(_("您的账号不能添加工作事项。"))
    if not measure.plan.contains(year):
        raise ValidationError(_("年份不在计划期内。"))
    title = title.strip()
    if not title:
        raise ValidationError(_("请填写事项。"))
    order = measure.work_items.count() + 1
    item = WorkItem(measure=measure, year=year, title=title, due_date=due_date, order=order)
    item._change_reason = _("页面添加")
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def mark_work_item_done(user, item: WorkItem, done_on) -> WorkItem:
    """A work item done on ``done_on`` (staff, or a liaison of a department in
    charge). Done once: a repeated post changes nothing and adds no history."""
    allowed = reportable_departments(user, item.measure)
    if not allowed:
        raise PermissionDenied(_("您的账号不能修改此工作事项。"))
    item = WorkItem.objects.select_for_update().get(pk=item.pk)
    if item.done_on is not None:  # done already (a second click): kept as it was
        return item
    item.done_on = done_on
    item.save()
    return item
