"""The measures board, a department's page and the report form, as each role sees them."""

from __future__ import annotations

import datetime
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.figures import deadlines
from reports.measure_models import MeasureAttachment, MeasureReport
from targets.models import WorkItem
from tests.signing_in import sign_in

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# The page's stamp of what it showed (reports_stamp) while its quarter has no
# report yet: what a browser posts back from a fresh page.
NO_REPORT_YET = "0:"


def report_url(plan, number: int) -> str:
    measure = plan.measures.get(section="三", number=number)
    return reverse("reports:measure_report", kwargs={"measure": measure.pk}) + "?period=2026Q2"


def test_the_board_lists_every_measure_with_its_lead_and_overdue_items(plan, leader, client_for):
    WorkItem.objects.create(
        measure=plan.measures.get(section="三", number=1),
        year=2026,
        title="出台整治方案",
        due_date=datetime.date(2026, 3, 31),
    )
    page = client_for(leader).get(reverse("reports:measures") + "?period=2026Q2")

    text = page.content.decode()
    assert page.status_code == 200
    assert text.count("县投资促进服务中心") >= 3  # leads 三(五), 三(六), 三(八)
    for title in ("强化空间拓展", "强化“双招双引”", "有年轻态的配套环境"):
        assert title in text or title.replace("“", "&ldquo;") in text
    assert "出台整治方案(2026-03-31)" in text
    assert "18 项任务未报进展" in text
    assert "填报进展" not in text  # a leader changes nothing


def test_the_board_filters_by_department(plan, staff, client_for):
    page = client_for(staff).get(reverse("reports:measures") + "?department=xuanchuanbu")
    text = page.content.decode()
    assert "强化氛围营造" in text and "强化空间拓展" not in text


def test_a_township_official_sees_only_measures_involving_townships(plan, official, client_for):
    text = client_for(official).get(reverse("reports:measures")).content.decode()
    assert "强化空间拓展" in text and "有高度适配的孵化空间" in text
    assert "有孵投联动的市场体制" not in text  # county-wide: not theirs
    assert "填报进展" not in text


def test_a_liaison_lands_on_their_department_and_reports_with_an_attachment(
    plan, liaison, client_for
):
    client = client_for(liaison)
    assert client.get(reverse("home")).url == reverse("reports:measures")
    board = client.get(reverse("reports:measures"))
    assert board.url == reverse("reports:department", kwargs={"department": "touzicujin"})
    page = client.get(board.url).content.decode()
    assert "强化场景统筹" in page and "强化空间拓展" not in page

    response = client.post(
        report_url(plan, 5),
        {
            "period": "2026Q2",
            "seen": NO_REPORT_YET,
            "department": "touzicujin",
            "status": "in_progress",
            "done": "发布场景清单",
            "attachments": [SimpleUploadedFile("清单.pdf", PDF)],
        },
    )

    assert response.status_code == 302
    report = MeasureReport.objects.get()
    assert (report.year, report.quarter, report.done) == (2026, 2, "发布场景清单")
    assert MeasureAttachment.objects.get().name == "清单.pdf"


def test_a_liaison_cannot_open_or_post_another_departments_measure(plan, liaison, client_for):
    client = client_for(liaison)
    assert client.get(report_url(plan, 1)).status_code == 404
    response = client.post(report_url(plan, 1), {"department": "kejiju", "status": "done"})
    assert response.status_code == 404
    other = reverse("reports:department", kwargs={"department": "kejiju"})
    assert client.get(other).status_code == 404
    assert not MeasureReport.objects.exists()


def test_a_posted_department_outside_the_users_is_refused(plan, liaison, client_for):
    # 三(八): the liaison's department leads, 县科技局 co-operates.
    response = client_for(liaison).post(
        report_url(plan, 8), {"period": "2026Q2", "department": "kejiju", "status": "done"}
    )
    assert response.status_code == 400
    assert not MeasureReport.objects.exists()


def test_the_history_names_the_quarter_and_the_person_as_the_pages_do(plan, staff, client_for):
    staff.first_name = "张三"
    staff.save()
    client = client_for(staff)
    posted = {"period": "2026Q2", "department": "kejiju", "status": "done", "done": "已建成"}
    posted["seen"] = NO_REPORT_YET
    assert client.post(report_url(plan, 1), posted).status_code == 302
    page = client.get(report_url(plan, 1), {"period": "2026Q2"}).content.decode()
    assert "2026年第2季度 · 县科技局 · 已完成" in page and "2026Q2 ·" not in page
    assert "张三" in page


def test_a_disguised_attachment_is_refused_on_the_page_with_a_chinese_message(
    plan, staff, client_for
):
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00", content_type="application/pdf")
    response = client_for(staff).post(
        report_url(plan, 1),
        {
            "period": "2026Q2",
            "seen": NO_REPORT_YET,
            "department": "kejiju",
            "status": "done",
            "attachments": [fake],
        },
    )
    assert response.status_code == 400
    assert "附件“scan.pdf”不是 PDF 文件或图片" in response.content.decode()
    assert not MeasureReport.objects.exists() and not MeasureAttachment.objects.exists()


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("done", "完成" * 2501, "5000"),
        ("next_steps", "下一步\x0b计划", "控制字符"),
        ("done", "已完成\x1b[31m", "控制字符"),
    ],
)
def test_a_reports_text_too_long_or_with_control_characters_is_refused(
    plan, staff, client_for, field, typed, message
):
    """What the report text can hold is what a Word or Excel file can: a
    control character pasted from another program, or a text of pages on
    pages, is refused on the page, in Chinese, and nothing is saved."""
    posted = {"period": "2026Q2", "seen": NO_REPORT_YET, "department": "kejiju", "status": "done"}
    response = client_for(staff).post(report_url(plan, 1), {**posted, field: typed})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not MeasureReport.objects.exists()


def test_more_attachments_than_one_save_takes_are_refused(plan, staff, client_for):
    files = [SimpleUploadedFile(f"p{n}.pdf", PDF) for n in range(11)]
    posted = {"period": "2026Q2", "seen": NO_REPORT_YET, "department": "kejiju", "status": "done"}
    response = client_for(staff).post(report_url(plan, 1), {**posted, "attachments": files})
    assert response.status_code == 400
    assert "一次最多上传 10 个附件" in response.content.decode()
    assert not MeasureReport.objects.exists() and not MeasureAttachment.objects.exists()


def test_a_work_item_with_a_control_character_is_refused(plan, staff, client_for):
    measure = plan.measures.get(section="三", number=5)
    add = reverse("reports:work_item_add", kwargs={"measure": measure.pk})
    response = client_for(staff).post(
        add, {"year": 2026, "title": "场景\x0c发布会", "due_date": "2026-06-30"}, follow=True
    )
    assert "控制字符" in response.content.decode()
    assert not measure.work_items.exists()


def grow(plan, times: int) -> None:
    """``times`` more measures in section 九 with two departments each, a report
    per department and an overdue work item each."""
    from targets.models import Measure, MeasureDepartment

    kejiju, kexie = plan.departments.get(code="kejiju"), plan.departments.get(code="kexie")
    for n in range(1, times + 1):
        measure = Measure.objects.create(
            plan=plan,
            section="九",
            number=n,
            title=f"措施{n}",
            involves_regions=True,
            order=100 + n,
        )
        MeasureDepartment.objects.create(measure=measure, department=kejiju, position=1)
        MeasureDepartment.objects.create(measure=measure, department=kexie, position=2)
        for department in (kejiju, kexie):
            MeasureReport.objects.create(
                measure=measure, department=department, year=2026, quarter=2, status="done"
            )
        WorkItem.objects.create(
            measure=measure, year=2026, title=f"事项{n}", due_date=datetime.date(2026, 1, 1)
        )


@pytest.mark.parametrize(
    ("name", "kwargs", "persona", "pinned"),
    [
        # 2 for the session and user (no session write), 1 the plan, 1 the notices; the departments,
        # the measures, their departments, reports, open work items;
        # the period form; an official 2 more for their region (the scope).
        ("reports:measures", {}, "leader", 11),
        ("reports:department", {"department": "kejiju"}, "staff", 11),
        ("reports:measures", {}, "official", 13),
    ],
)
def test_measure_pages_cost_the_same_queries_whatever_the_number_of_measures(
    request, plan, client_for, name, kwargs, persona, pinned
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from targets.models import Measure

    client = client_for(request.getfixturevalue(persona))
    url = reverse(name, kwargs=kwargs) + "?period=2026Q2"
    counts = []
    for times in (5, 50):
        Measure.objects.filter(section="九").delete()
        grow(plan, times)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts == [pinned, pinned], counts


def test_an_attachment_downloads_for_its_readers_only(plan, liaison, staff, groups, client_for):
    from django.test import Client

    from regions.roles import Role
    from targets.models import DepartmentMembership
    from tests.conftest import make_user

    client_for(liaison).post(
        report_url(plan, 5),
        {
            "period": "2026Q2",
            "seen": NO_REPORT_YET,
            "department": "touzicujin",
            "status": "done",
            "attachments": [SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\n0000")],
        },
    )
    attachment = MeasureAttachment.objects.get()
    url = reverse("reports:measure_attachment", kwargs={"attachment": attachment.pk})

    response = client_for(staff).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\x89PNG\r\n\x1a\n0000"
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment")

    outsider = make_user("kexie-liaison", Role.DEPARTMENT)
    DepartmentMembership.objects.create(
        user=outsider, department=plan.departments.get(code="kexie")
    )
    other = Client()
    sign_in(other, outsider)
    assert other.get(url).status_code == 404  # 县科协 is not in charge of 三(五)


def test_staff_add_a_work_item_and_the_liaison_marks_it_done(plan, staff, liaison, client_for):
    measure = plan.measures.get(section="三", number=5)
    add = reverse("reports:work_item_add", kwargs={"measure": measure.pk})
    client_for(staff).post(add, {"year": 2026, "title": "场景发布会", "due_date": "2026-06-30"})
    item = measure.work_items.get()
    assert (item.title, item.due_date, item.done_on) == (
        "场景发布会",
        datetime.date(2026, 6, 30),
        None,
    )
    assert item.history.count() == 1

    # the liaison may not add one, outside the plan's years neither may staff
    assert (
        client_for(liaison)
        .post(add, {"year": 2026, "title": "x", "due_date": "2026-01-01"})
        .status_code
        == 403
    )
    client_for(staff).post(add, {"year": 2030, "title": "x", "due_date": "2030-01-01"})
    assert measure.work_items.count() == 1
    # A year is read as typed: not 20_26 as 2026 (Python's int() would).
    for typed in ["20_26", "\u0662\u0660\u0662\u0666"]:
        client_for(staff).post(add, {"year": typed, "title": "y", "due_date": "2026-01-01"})
    assert measure.work_items.count() == 1

    done = reverse("reports:work_item_done", kwargs={"item": item.pk})
    assert client_for(liaison).post(done).status_code == 302
    item.refresh_from_db()
    assert item.done_on is not None
    # A second click (or a replayed post) keeps the first date and adds no history.
    entries = item.history.count()
    assert client_for(staff).post(done).status_code == 302
    assert item.history.count() == entries


def test_a_liaisons_menu_names_their_department_not_a_township(client_for, liaison, official):
    """Home sends a liaison to their department: the menu says so."""
    page = client_for(liaison).get(reverse("home"), follow=True).content.decode()
    assert "本部门" in page and "本乡镇" not in page
    page = client_for(official).get(reverse("home"), follow=True).content.decode()
    assert "本乡镇" in page and "本部门" not in page


@pytest.mark.parametrize("period", ["2030Q1", "zz", "", None, "2026Q3\x00", "２０２６Q3"])
def test_a_report_posted_with_a_bad_quarter_is_refused_not_moved(plan, liaison, client_for, period):
    """Not written into the page's default quarter (today's) either."""
    data = {"department": "touzicujin", "status": "in_progress", "done": "发布场景清单"}
    if period is not None:
        data["period"] = period
    response = client_for(liaison).post(report_url(plan, 5), data)
    assert response.status_code == 400
    assert "提交的季度无效" in response.content.decode()
    assert not MeasureReport.objects.exists()


def test_a_report_posted_for_a_quarter_not_begun_is_refused_not_moved(
    plan, liaison, client_for, monkeypatch
):
    """A later quarter is shown read-only: a report posted for it anyway is
    refused, and never saved into today's quarter instead."""
    monkeypatch.setattr(deadlines, "today", lambda: datetime.date(2026, 8, 15))
    url = report_url(plan, 5)
    data = client_for(liaison).get(url).context["form"].initial
    posted = {**data, "period": "2026Q4", "status": "in_progress", "done": "发布场景清单"}
    response = client_for(liaison).post(url, posted)
    assert response.status_code == 400
    assert "尚未开始" in response.content.decode()
    assert not MeasureReport.objects.exists()


def test_a_report_posted_without_the_pages_stamp_is_refused(plan, liaison, staff, client_for):
    """The page always sends what it showed: without it, a save could
    silently overwrite a colleague's report."""
    url = report_url(plan, 5)
    first = {"period": "2026Q2", "department": "touzicujin", "status": "in_progress"}
    seen = client_for(staff).get(url).context["form"].initial["seen"]
    assert client_for(staff).post(url, {**first, "done": "甲", "seen": seen}).status_code == 302
    response = client_for(liaison).post(url, {**first, "done": "乙"})
    assert response.status_code == 400
    assert "表单已过期或被篡改,请重新打开本页。" in response.content.decode()
    assert MeasureReport.objects.get().done == "甲"


def test_a_liaison_on_a_figures_page_is_refused_as_such_not_as_an_unbound_township(
    plan, liaison, client_for
):
    """A liaison reads measures, not figures: the pages and the API say they
    may not, not that their account waits for a township."""
    client = client_for(liaison)
    for url in [reverse("reports:overview"), reverse("reports:matrix")]:
        response = client.get(url)
        assert response.status_code == 403
        text = response.content.decode()
        assert "没有权限" in text and "尚未绑定" not in text
    api = client.get(reverse("api:progress"))
    assert api.status_code == 403 and api.json()["detail"] == "您的账号没有此操作的权限。"


def test_a_report_saved_over_someone_elses_newer_save_is_refused(plan, liaison, staff, client_for):
    """Two people open the same measure's quarter; the second save to arrive
    must not silently overwrite the first."""
    url = report_url(plan, 5)
    mine = client_for(liaison).get(url).context["form"].initial["seen"]
    theirs = client_for(staff).get(url).context["form"].initial["seen"]
    assert mine == theirs == "0:"
    first = {"period": "2026Q2", "department": "touzicujin", "status": "in_progress"}
    assert client_for(staff).post(url, {**first, "done": "甲", "seen": theirs}).status_code == 302
    late = client_for(liaison).post(url, {**first, "done": "乙", "seen": mine})
    assert late.status_code == 400
    assert "已被他人修改" in late.content.decode()
    assert MeasureReport.objects.get().done == "甲"
    # Reloaded, the page carries the new stamp and the save goes through.
    fresh = client_for(liaison).get(url).context["form"].initial["seen"]
    again = client_for(liaison).post(url, {**first, "done": "乙", "seen": fresh})
    assert again.status_code == 302 and MeasureReport.objects.get().done == "乙"


def test_a_tampered_page_stamp_is_refused_with_a_message(plan, liaison, client_for):
    url = report_url(plan, 5)
    posted = {"period": "2026Q2", "department": "touzicujin", "status": "in_progress"}
    response = client_for(liaison).post(url, {**posted, "done": "甲", "seen": "x" * 81})
    assert response.status_code == 400
    assert (
        "页面数据异常(可能已过期或被修改),未保存;请刷新页面后重新填写。"
        in response.content.decode()
    )
    assert not MeasureReport.objects.exists()


@pytest.mark.parametrize(
    ("uploaded", "body", "named"),
    [
        ("invoice.html", b"%PDF-1.4\n<html><script>alert(1)</script>", "invoice.pdf"),
        ("run.bat", b"%PDF-1.4\r\ncalc.exe", "run.pdf"),
        ("x.svg", b"GIF89a<svg onload=alert(1)>", "x.gif"),
        ("invoice\u202efdp.exe", b"%PDF-1.4\n", "invoicefdp.pdf"),
        ("x." + "p" * 150, b"%PDF-1.4\n", "x.pdf"),
        ("扫描件.PDF", b"%PDF-1.4\n", "扫描件.PDF"),
    ],
)
def test_an_attachment_is_named_as_what_it_is(
    plan, staff, liaison, client_for, uploaded, body, named
):
    """Only a file's first bytes are checked: one named .html or .bat that
    starts like a PDF is stored and handed out as .pdf, never under a name
    that would open it in a browser or a shell; invisible characters (a
    right-to-left mark) are dropped from the name."""
    response = client_for(liaison).post(
        report_url(plan, 5),
        {
            "period": "2026Q2",
            "seen": NO_REPORT_YET,
            "department": "touzicujin",
            "status": "done",
            "attachments": [SimpleUploadedFile(uploaded, body)],
        },
    )
    assert response.status_code == 302
    attachment = MeasureAttachment.objects.get()
    assert attachment.name == named
    url = reverse("reports:measure_attachment", kwargs={"attachment": attachment.pk})
    download = client_for(staff).get(url)
    assert download.status_code == 200
    assert named.encode() in download["Content-Disposition"].encode() or (
        quote(named) in download["Content-Disposition"]
    )
