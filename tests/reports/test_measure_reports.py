"""Departments' quarterly reports on the plan's measures: who may write which,
closed quarters, history, and attachments checked by content and size."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.figures.measure_reports import record_measure_report, reportable_departments
from reports.figures.quarters import close_quarter
from reports.measure_models import MeasureAttachment, MeasureReport, MeasureStatus
from reports.progress import Period

Q2 = Period(2026, 2)
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def measure(plan, number: int):
    return plan.measures.get(section="三", number=number)


def department(plan, name: str):
    return plan.departments.get(name=name)


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_a_liaison_reports_on_a_measure_their_department_leads(plan, liaison, media):
    scenes = measure(plan, 5)  # 强化场景统筹: 县投资促进服务中心 leads
    own = department(plan, "县投资促进服务中心")

    report = record_measure_report(
        liaison,
        scenes,
        own,
        Q2,
        status=MeasureStatus.IN_PROGRESS,
        done="梳理场景清单 12 项",
        next_steps="举办场景发布会",
        attachments=[SimpleUploadedFile("清单.pdf", PDF, content_type="text/plain")],
    )

    assert (report.status, report.done, report.reported_by) == (
        "in_progress",
        "梳理场景清单 12 项",
        liaison,
    )
    attachment = report.attachments.get()
    assert attachment.content_type == "application/pdf"
    assert default_storage.open(attachment.file.name).read() == PDF
    assert report.history.count() == 1


def test_a_liaison_cannot_report_for_another_department_or_measure(plan, liaison, media):
    space = measure(plan, 1)  # 强化空间拓展: 县科技局 leads; 县投资促进服务中心 not in charge
    assert reportable_departments(liaison, space) == []
    with pytest.raises(PermissionDenied):
        record_measure_report(
            liaison, space, department(plan, "县科技局"), Q2, status=MeasureStatus.DONE
        )
    talents = measure(plan, 8)  # it leads 三(八), where 县科技局 co-operates
    with pytest.raises(PermissionDenied):
        record_measure_report(
            liaison, talents, department(plan, "县科技局"), Q2, status=MeasureStatus.DONE
        )
    assert not MeasureReport.objects.exists()


def test_staff_report_for_any_department_in_charge(plan, staff, leader, official, media):
    talents = measure(plan, 8)
    names = [d.name for d in reportable_departments(staff, talents)]
    assert names == [
        "县投资促进服务中心",
        "县委组织部〈人才办〉",
        "县科技局",
        "县财政局〈国资办〉",
        "县人力社保局",
    ]
    record_measure_report(
        staff, talents, department(plan, "县人力社保局"), Q2, status=MeasureStatus.LAGGING
    )
    for reader in (leader, official):
        assert reportable_departments(reader, talents) == []
        with pytest.raises(PermissionDenied):
            record_measure_report(
                reader, talents, department(plan, "县科技局"), Q2, status=MeasureStatus.DONE
            )


def test_a_second_report_of_the_quarter_updates_it_and_keeps_history(plan, liaison, media):
    scenes, own = measure(plan, 5), department(plan, "县投资促进服务中心")
    record_measure_report(liaison, scenes, own, Q2, status=MeasureStatus.NOT_STARTED)
    record_measure_report(liaison, scenes, own, Q2, status=MeasureStatus.DONE, done="已完成")

    report = MeasureReport.objects.get()
    assert report.status == MeasureStatus.DONE
    assert [h.status for h in report.history.order_by("history_date")] == ["not_started", "done"]


def test_a_closed_quarter_refuses_reports(plan, staff, liaison, media):
    scenes, own = measure(plan, 5), department(plan, "县投资促进服务中心")
    record_measure_report(liaison, scenes, own, Q2, status=MeasureStatus.IN_PROGRESS)
    close_quarter(plan, staff, 2026, 2, "年中关账", override=True)

    with pytest.raises(ValidationError, match="已关闭"):
        record_measure_report(
            liaison,
            scenes,
            own,
            Q2,
            status=MeasureStatus.DONE,
            attachments=[SimpleUploadedFile("a.pdf", PDF)],
        )
    assert MeasureReport.objects.get().status == MeasureStatus.IN_PROGRESS
    assert not MeasureAttachment.objects.exists() and stored_files(media) == []


@pytest.mark.parametrize(
    "upload",
    [
        # an executable named and typed as a PDF
        SimpleUploadedFile(
            "报告.pdf", b"MZ\x90\x00" + b"\x00" * 64, content_type="application/pdf"
        ),
        # HTML named as an image
        SimpleUploadedFile("photo.png", b"<html><script>x</script>", content_type="image/png"),
        SimpleUploadedFile("表格.xlsx", b"PK\x03\x04" + b"\x00" * 64),
    ],
    ids=["exe-as-pdf", "html-as-png", "xlsx"],
)
def test_an_attachment_that_is_not_a_pdf_or_image_is_refused_and_nothing_stored(
    plan, liaison, media, upload
):
    scenes, own = measure(plan, 5), department(plan, "县投资促进服务中心")
    good = SimpleUploadedFile("ok.png", PNG)

    with pytest.raises(ValidationError) as caught:
        record_measure_report(
            liaison, scenes, own, Q2, status=MeasureStatus.DONE, attachments=[good, upload]
        )

    assert "不是 PDF 文件或图片" in caught.value.messages[0]
    assert upload.name in caught.value.messages[0]
    assert not MeasureReport.objects.exists() and not MeasureAttachment.objects.exists()
    assert stored_files(media) == []


def test_an_attachment_over_the_size_cap_is_refused(plan, liaison, media, settings):
    settings.MEASURE_ATTACHMENT_MAX_BYTES = 1024
    scenes, own = measure(plan, 5), department(plan, "县投资促进服务中心")
    big = SimpleUploadedFile("scan.pdf", PDF + b"0" * 1024)

    with pytest.raises(ValidationError) as caught:
        record_measure_report(
            liaison, scenes, own, Q2, status=MeasureStatus.DONE, attachments=[big]
        )

    assert "超过" in caught.value.messages[0] and "scan.pdf" in caught.value.messages[0]
    assert not MeasureReport.objects.exists() and stored_files(media) == []


@pytest.mark.django_db(transaction=True)
def test_a_report_whose_attachment_cannot_be_stored_leaves_nothing_behind(
    plan, liaison, media, monkeypatch
):
    """All or nothing outside a test's own transaction too (as in production):
    the report row written before the failing file goes back with it."""
    from reports.measure_models import MeasureAttachment as Attachment

    def full_disk(self, *args, **kwargs):
        raise OSError("no space left on device")

    monkeypatch.setattr(Attachment, "save", full_disk)
    with pytest.raises(OSError):
        record_measure_report(
            liaison,
            measure(plan, 5),
            department(plan, "县投资促进服务中心"),
            Q2,
            status=MeasureStatus.IN_PROGRESS,
            done="梳理场景清单",
            attachments=[SimpleUploadedFile("清单.pdf", PDF, content_type="application/pdf")],
        )
    assert not MeasureReport.objects.exists()
    assert stored_files(media) == []
