"""Template download and Excel upload: who may, what the preview shows, what
confirming writes, and a battery of bad files and bad inputs that each get a
clear message, never a server error, and leave the database exactly as it was."""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from datetime import timedelta
from decimal import Decimal
from functools import partial

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from reports.choices import Source
from reports.excel.figures_format import ValueMode
from reports.figures.changes import FigureChange
from reports.figures.imports import template_for
from reports.figures.quarters import close_quarter
from reports.figures.services import record_figures
from reports.models import Figure, PendingImport
from reports.progress import Period
from reports.progress.queries import load_plan_data, progress_table
from tests.reports.figures_files import (
    cell,
    edit,
    figure_values,
    long_sheet,
    patch_zip,
    sheet_xml_name,
    snapshot,
    template,
)

UPLOAD = reverse("reports:upload")
TEMPLATE = reverse("reports:entry_template")


def upload(client, data: bytes, name: str = "填报.xlsx", **extra):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data), **extra})


def preview_url(response) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def confirm(client, url: str):
    return client.post(url, {"action": "confirm"})


# ---------------------------------------------------------------- access


@pytest.mark.parametrize("persona", ["leader", "unbound"])
@pytest.mark.parametrize("url_name", ["reports:entry_template", "reports:upload"])
def test_leaders_and_officials_without_a_region_are_forbidden(
    demo, persona, url_name, client_for, request
):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse(url_name)).status_code == 403
    assert client.post(reverse(url_name)).status_code == 403


def test_forbidden_users_cannot_see_or_confirm_a_pending_upload(demo, staff, leader, client_for):
    url = preview_url(upload(client_for(staff), edit(template(demo), {"B4": 9})))
    client = client_for(leader)
    assert client.get(url).status_code == 403
    assert confirm(client, url).status_code == 403
    assert PendingImport.objects.count() == 1


# ---------------------------------------------------------------- download


def test_template_download_has_a_chinese_file_name(demo, staff, client_for):
    response = client_for(staff).get(TEMPLATE, {"period": "2026Q3", "mode": "ytd"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=utf-8''" in disposition
    assert "2026Q3" in disposition


def test_template_download_refuses_an_unknown_mode(demo, staff, client_for):
    """Back to the upload page, which says why: no file, no bare error page."""
    client = client_for(staff)
    response = client.get(TEMPLATE, {"mode": "weekly"})
    assert response.status_code == 302 and "Content-Disposition" not in response
    assert response["Location"] == reverse("reports:upload")
    landed = client.get(response["Location"]).content.decode()
    assert "不支持的填报口径,没有可下载的模板。请在页面上选择后重新下载。" in landed


# ---------------------------------------------------------------- round trips


@pytest.mark.usefixtures("every_quarter_begun")
def test_a_template_sent_back_with_nothing_typed_says_so(demo, staff, client_for):
    """2026 Q4 has no figure yet: its template comes back blank."""
    client = client_for(staff)
    before = snapshot()
    response = upload(client, template(demo, "2026Q4"), period="2026Q4")
    assert response.status_code == 200
    html = response.content.decode()
    assert "文件中没有填写任何数值,系统中的数据没有改动。" in html
    assert "完全一致" not in html
    assert snapshot() == before


@pytest.mark.parametrize("mode", ["quarter", "ytd"])
def test_the_downloaded_template_uploaded_unchanged_changes_nothing(demo, staff, client_for, mode):
    client = client_for(staff)
    data = client.get(TEMPLATE, {"period": "2026Q3", "mode": mode}).content
    before = snapshot()
    response = upload(client, data)
    assert response.status_code == 200
    assert "与系统中的数据完全一致" in response.content.decode()
    assert snapshot() == before


def test_preview_lists_every_change_old_to_new_and_confirm_writes_them(demo, staff, client_for):
    client = client_for(staff)
    kunyang = Figure.objects.get(
        indicator__code="talents", region__name="昆阳", year=2026, quarter=3
    )
    data = edit(
        template(demo),
        {cell("昆阳", "talents"): 777, cell("鳌江", "space"): None, cell("全县", "carriers"): 4},
    )
    before = snapshot()
    url = preview_url(upload(client, data, period="2026Q3"))
    assert snapshot()[0] == before[0]  # previewing writes no figure

    page = client.get(url).content.decode()
    assert "2026年第3季度" in page
    assert "工作表“填报”第4行E列" in page and ">777<" in page
    assert f">{kunyang.value.normalize():f}<" in page
    assert "(清除)" in page

    response = confirm(client, url)
    assert response.status_code == 302 and "entry" in response["Location"]
    kunyang.refresh_from_db()
    assert kunyang.value == 777 and kunyang.version == 2
    assert kunyang.history.first().history_change_reason == "upload: 填报.xlsx"
    assert not Figure.objects.filter(
        indicator__code="space", region__name="鳌江", year=2026, quarter=3
    ).exists()
    assert Figure.objects.get(indicator__code="carriers", year=2026, quarter=3).value == 4
    assert not PendingImport.objects.exists()


def test_year_to_date_upload_converts_to_the_quarters_amount(demo, staff, client_for):
    client = client_for(staff)
    earlier = sum(
        Figure.objects.filter(
            indicator__code="talents", region__name="昆阳", year=2026, quarter__lte=2
        ).values_list("value", flat=True)
    )
    data = edit(template(demo, mode=ValueMode.YTD), {cell("昆阳", "talents"): earlier + 55})
    url = preview_url(upload(client, data))
    page = client.get(url).content.decode()
    assert "年度累计" in page and ">55<" in page
    confirm(client, url)
    figure = Figure.objects.get(
        indicator__code="talents", region__name="昆阳", year=2026, quarter=3
    )
    assert figure.value == 55


def test_year_to_date_below_what_was_reported_is_refused(demo, staff, client_for):
    data = edit(template(demo, mode=ValueMode.YTD), {cell("昆阳", "talents"): 0})
    before = snapshot()
    response = upload(client_for(staff), data)
    assert response.status_code == 400
    assert "小于本年此前各季度已报合计" in response.content.decode()
    assert snapshot() == before


def test_a_full_quarter_uploaded_equals_the_same_quarter_recorded_directly(demo, staff, client_for):
    """The grid writes through record_figures; an upload of the same values
    gives identical figures and an identical dashboard."""
    period = Period(2026, 4)
    values = {}
    edits = {}
    for n, region in enumerate(demo.regions.all()):
        for m, indicator in enumerate(i for i in demo.indicators.all() if i.by_region):
            value = Decimal(n * 7 + m) / (100 if indicator.decimal_places else 1)
            values[(indicator.pk, region.pk)] = value
            edits[cell(region.name, indicator.code)] = float(value)
    carriers = demo.indicators.get(code="carriers")
    values[(carriers.pk, None)] = Decimal(3)
    edits[cell("全县", "carriers")] = 3

    changes = [FigureChange(i, r, 2026, 4, v) for (i, r), v in values.items()]
    record_figures(demo, staff, changes, source=Source.FORM)
    direct = figure_values(demo, 2026, 4)
    regions = demo.regions.all()
    direct_table = progress_table(load_plan_data(demo, regions, whole_county=True), period)
    Figure.objects.filter(year=2026, quarter=4).delete()

    client = client_for(staff)
    confirm(client, preview_url(upload(client, edit(template(demo, "2026Q4"), edits))))
    assert figure_values(demo, 2026, 4) == direct
    uploaded_table = progress_table(load_plan_data(demo, regions, whole_county=True), period)
    assert uploaded_table == direct_table


def test_a_long_sheet_can_be_uploaded_too(demo, staff, client_for):
    client = client_for(staff)
    data = long_sheet([["昆阳", "新增孵化空间面积", 2026, 4, 0.5, "新楼"]])
    url = preview_url(upload(client, data))
    assert "2026年第4季度" in client.get(url).content.decode()
    confirm(client, url)
    figure = Figure.objects.get(year=2026, quarter=4)
    assert figure.value == Decimal("0.5") and figure.note == "新楼"


# ---------------------------------------------------------------- between preview and confirm


def test_an_edit_between_preview_and_confirm_is_a_conflict(demo, staff, client_for):
    client = client_for(staff)
    url = preview_url(upload(client, edit(template(demo), {cell("昆阳", "talents"): 777})))
    figure = Figure.objects.get(
        indicator__code="talents", region__name="昆阳", year=2026, quarter=3
    )
    record_figures(
        demo,
        staff,
        [FigureChange(figure.indicator_id, figure.region_id, 2026, 3, Decimal(1))],
        source=Source.FORM,
    )
    before = snapshot()
    response = confirm(client, url)
    assert response.status_code == 302 and response["Location"] == UPLOAD
    assert snapshot()[0] == before[0]
    assert "被他人修改" in client.get(UPLOAD).content.decode()


def test_a_quarter_closed_between_preview_and_confirm_is_refused(demo, staff, client_for):
    client = client_for(staff)
    url = preview_url(upload(client, edit(template(demo), {cell("昆阳", "talents"): 777})))
    close_quarter(demo, staff, 2026, 3, reason="核定", override=True)
    before = snapshot()
    confirm(client, url)
    assert snapshot()[0] == before[0]
    assert "已关闭" in client.get(UPLOAD).content.decode()


def test_a_stale_template_warns_about_overwriting(demo, staff, client_for):
    client = client_for(staff)
    data = edit(template(demo), {cell("昆阳", "talents"): 777, cell("鳌江", "talents"): 888})
    figure = Figure.objects.get(
        indicator__code="talents", region__name="鳌江", year=2026, quarter=3
    )
    figure.value += 1
    figure.save()
    page = client.get(preview_url(upload(client, data))).content.decode()
    assert "模板生成后" in page and "第5行E列" in page


def test_a_file_for_another_quarter_is_shown_clearly(demo, staff, client_for):
    client = client_for(staff)
    data = edit(template(demo, "2026Q2"), {cell("昆阳", "talents"): 777})
    url = preview_url(upload(client, data, period="2026Q3"))
    page = client.get(url).content.decode()
    assert "文件是2026年第2季度的模板" in page and "2026年第3季度" in page


def test_cancel_deletes_the_pending_upload(demo, staff, client_for):
    client = client_for(staff)
    url = preview_url(upload(client, edit(template(demo), {"E4": 777})))
    before = snapshot()[0]
    client.post(url, {"action": "cancel"})
    assert not PendingImport.objects.exists() and snapshot()[0] == before


def test_someone_elses_or_an_expired_pending_upload_is_not_found(
    demo, staff, admin_user, client_for
):
    url = preview_url(upload(client_for(staff), edit(template(demo), {"E4": 777})))
    other = client_for(admin_user)
    assert other.get(url).status_code == 404
    assert confirm(other, url).status_code == 404
    client = client_for(staff)
    PendingImport.objects.update(created_at=timezone.now() - timedelta(days=2))
    assert client.get(url).status_code == 404
    assert client.get(reverse("reports:upload_preview", kwargs={"pk": 999999})).status_code == 404


def test_a_new_upload_replaces_the_users_previous_pending_one(demo, staff, client_for):
    client = client_for(staff)
    preview_url(upload(client, edit(template(demo), {"E4": 777})))
    preview_url(upload(client, edit(template(demo), {"E4": 778})))
    assert PendingImport.objects.count() == 1


# ---------------------------------------------------------------- the battery


def zip_bomb(plan) -> bytes:
    out = io.BytesIO(template(plan))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.xml", b"0" * (5 * 1024 * 1024))
    return out.getvalue()


def with_doctype(plan) -> bytes:
    data = template(plan)
    name = sheet_xml_name(data)
    doctype = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaa">]>'
    return patch_zip(data, lambda member, content: doctype + content if member == name else content)


def with_nan(plan, *, formula: bool = False, value: bytes = b"NaN") -> bytes:
    """E4 written as a number cell holding NaN (or ``value``), as some
    programs export it. With a formula elsewhere the file is read by
    openpyxl, which cannot read the sheet at all; the fast reader reads NaN
    as a float."""
    data = edit(template(plan), {"E4": 12345})
    if formula:
        data = edit(data, {"H40": "=1+1"}, sheet="说明")
    name = sheet_xml_name(data)
    return patch_zip(
        data,
        lambda member, content: (
            content.replace(b"<v>12345</v>", b"<v>" + value + b"</v>")
            if member == name
            else content
        ),
    )


def renamed_sheet(plan) -> bytes:
    from openpyxl import load_workbook

    from tests.reports.figures_files import save

    book = load_workbook(io.BytesIO(template(plan)))
    book["填报"].title = "Sheet1"
    return save(book)


BAD_FILES = {
    "empty file": (lambda plan: b"", "文件是空的"),
    "garbage bytes": (lambda plan: b"\x00\xffnot a workbook at all", "不是有效的 Excel 工作簿"),
    "old xls": (lambda plan: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".xls"),
    "csv": (lambda plan: "区域,指标\n昆阳,1\n".encode(), "CSV"),
    "zip not xlsx": (lambda plan: _plain_zip(), "不是有效的 Excel 工作簿"),
    "truncated xlsx": (lambda plan: template(plan)[:3000], "不是有效的 Excel 工作簿"),
    "zip bomb": (zip_bomb, "压缩炸弹"),
    "entity declaration": (with_doctype, "DOCTYPE"),
    "wrong sheet name": (renamed_sheet, "找不到工作表“填报”"),
    "another plan": (lambda plan: edit(template(plan), {"B11": 99}, sheet="说明"), "另一个计划"),
    "period outside plan": (
        lambda plan: edit(template(plan), {"B13": 2031}, sheet="说明"),
        "计划期",
    ),
    "renamed region": (lambda plan: edit(template(plan), {"A4": "昆阳镇"}), "未知区域“昆阳镇”"),
    "duplicated row": (lambda plan: edit(template(plan), {"A5": "昆阳"}), "重复(已在第4行)"),
    "unknown column": (lambda plan: edit(template(plan), {"B3": "面积"}), "无法识别的指标列"),
    "text in number cell": (lambda plan: edit(template(plan), {"E4": "很多"}), "“很多”不是数字"),
    "date in number cell": (
        lambda plan: edit(template(plan), {"E4": timezone.now().date()}),
        "日期或时间",
    ),
    "boolean": (lambda plan: edit(template(plan), {"E4": True}), "逻辑值"),
    "NaN in a number cell": (with_nan, "工作表“填报”第4行E列(新增创新创业人才数(个)):不是有效"),
    "NaN beside a formula": (
        lambda plan: with_nan(plan, formula=True),
        "工作表“填报”第4行E列:数值单元格中的“NaN”不是数字",
    ),
    # Python would read these as 15 (openpyxl's reading); the file format's
    # numbers are no such thing, whichever reader opens the file.
    **{
        f"{label} in a number cell{beside}": (
            partial(with_nan, value=raw.encode(), formula=bool(beside)),
            f"工作表“填报”第4行E列:数值单元格中的“{raw}”不是数字",
        )
        for label, raw in [("1_5", "1_5"), ("Arabic digits", "١٥"), ("full-width", "１５")]
        for beside in ("", " beside a formula")
    },
    "negative": (lambda plan: edit(template(plan), {"E4": -3}), "不能为负数"),
    "fraction of a count": (lambda plan: edit(template(plan), {"E4": 2.5}), "只能填整数"),
    "uncalculated formula": (
        lambda plan: edit(template(plan), {"E4": "=E5+1"}),
        "公式没有计算结果",
    ),
    "value in a grey cell": (lambda plan: edit(template(plan), {"B13": 5}), "全县数为各乡镇之和"),
    "stray far cell": (lambda plan: edit(template(plan), {"XFD1048576": 1}), "行的上限"),
    "long sheet duplicate": (
        lambda plan: long_sheet([["昆阳", "talents", 2026, 4, 1, None]] * 2),
        "与第2行重复",
    ),
    "ytd below reported": (
        lambda plan: edit(template(plan, mode=ValueMode.YTD), {"E4": 0}),
        "小于本年此前各季度已报合计",
    ),
    "closed quarter": (lambda plan: edit(template(plan, "2025Q4"), {"E4": 1}), "已关闭"),
}


def _plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    return out.getvalue()


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_bad_file_gets_a_clear_message_and_changes_nothing(demo, staff, client_for, kind):
    make, expected = BAD_FILES[kind]
    close_quarter(demo, staff, 2025, 4, reason="核定", override=True)
    client = client_for(staff)
    preview_url(upload(client, edit(template(demo), {"G4": 9})))  # one pending import exists
    data = make(demo)
    before = snapshot()
    response = upload(client, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "文件未导入" in page and expected in page
    assert snapshot() == before


def test_a_townships_file_full_of_other_regions_counts_every_problem(
    plan, official, client_for, monkeypatch
):
    """280 cells of other regions, 100 listed at most: the heading counts 280,
    the line saying 180 more comes last."""
    from reports.figures import imports

    monkeypatch.setattr(imports, "MAX_PROBLEMS", 100)
    cells = itertools.product(
        plan.regions.exclude(name="昆阳").values_list("name", flat=True),
        plan.indicators.filter(by_region=True).values_list("code", flat=True),
        [(2025, q) for q in range(1, 5)] + [(2026, q) for q in range(1, 4)],
    )
    rows = [[region, code, y, q, 1, None] for region, code, (y, q) in cells]
    assert len(rows) == 280
    response = upload(client_for(official), long_sheet(rows))
    page = response.content.decode()
    assert response.status_code == 400
    assert "发现 280 个问题" in page
    listed = re.findall(r"<li>(.*?)</li>", page.split("upload-problems", 1)[1], re.S)
    assert len(listed) == 101 and listed[-1] == "……另有 180 个问题未列出。"


def test_a_file_with_more_problems_than_listed_counts_them_all(plan, staff, client_for):
    rows = [[f"区域{i}", "talents", 2026, 1, 1, None] for i in range(530)]
    response = upload(client_for(staff), long_sheet(rows))
    page = response.content.decode()
    assert response.status_code == 400
    assert "发现 530 个问题" in page and "……另有 30 个问题未列出。" in page


@pytest.mark.parametrize(
    ("post", "files", "expected"),
    [
        ({}, {}, "请选择要上传的文件"),
        ({"file": "not-a-file"}, {}, "请选择要上传的文件"),
        ({"period": "x" * 5000}, {"file": SimpleUploadedFile("a.xlsx", b"x")}, "不是有效的"),
        ({"period": "2099Q9"}, {"file": SimpleUploadedFile("a.xls", b"\0")}, "不是有效的"),
    ],
)
def test_bad_form_input_is_refused_and_changes_nothing(
    demo, staff, client_for, post, files, expected
):
    client = client_for(staff)
    before = snapshot()
    response = client.post(UPLOAD, {**post, **files})
    assert response.status_code == 400 and expected in response.content.decode()
    assert snapshot() == before


def test_an_upload_over_the_size_setting_is_refused(demo, staff, client_for, settings):
    settings.FIGURES_UPLOAD_MAX_BYTES = 1000
    before = snapshot()
    response = upload(client_for(staff), template(demo))
    assert response.status_code == 400 and "文件过大" in response.content.decode()
    assert snapshot() == before


def test_bad_confirm_requests_change_nothing(demo, staff, client_for):
    client = client_for(staff)
    before = snapshot()
    missing = reverse("reports:upload_preview", kwargs={"pk": 424242})
    assert confirm(client, missing).status_code == 404
    assert client.get(f"{UPLOAD}../upload/abc/").status_code == 404
    assert snapshot() == before


def test_template_for_matches_the_download(demo, staff, client_for):
    """The view serves exactly reports.figures.imports.template_for (bar the timestamp)."""
    served = client_for(staff).get(TEMPLATE, {"period": "2026Q1"}).content
    assert (
        zipfile.ZipFile(io.BytesIO(served)).namelist()
        == zipfile.ZipFile(
            io.BytesIO(template_for(demo, Period(2026, 1), ValueMode.QUARTER))
        ).namelist()
    )


def test_a_file_for_a_quarter_not_begun_is_refused_at_once_and_not_offered(demo, staff, client_for):
    """2027 Q2 has not begun (today is in 2026): the file is refused when
    uploaded, with one message for the quarter, not at the confirmation once
    per cell; the upload page offers no such quarter."""
    client = client_for(staff)
    data = edit(template(demo, "2027Q2"), {cell("昆阳", "talents"): 7, cell("鳌江", "talents"): 8})
    before = snapshot()
    response = upload(client, data, period="2027Q2")
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("2027年第2季度尚未开始,不能填报。") == 1
    assert snapshot() == before
    assert not PendingImport.objects.exists()
    choices = client.get(UPLOAD).context["period_choices"]
    assert "2026Q4" in dict(choices) and "2027Q1" not in dict(choices)


def test_a_township_upload_lists_every_problem_at_once(demo, client_for, official):
    """A cell that cannot be read and cells of other townships: all listed on
    the first upload, not the second only once the first is fixed."""
    client = client_for(official)
    data = edit(
        template(demo),
        {cell("昆阳", "talents"): "abc", cell("鳌江", "talents"): 5, cell("水头", "space"): 1},
    )
    before = snapshot()
    response = upload(client, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "第4行E列" in page  # 昆阳's unreadable cell
    assert "第5行E列" in page and "第6行B列" in page  # 鳌江's and 水头's
    assert snapshot() == before


def test_a_year_to_date_problem_is_listed_with_the_others_on_the_first_upload(
    demo, client_for, staff, official
):
    """An unreadable cell and a year-to-date total below what was reported:
    both at once. For a township official, another township's total is
    refused as not theirs, never compared with that township's sums."""
    data = edit(
        template(demo, mode=ValueMode.YTD),
        {cell("昆阳", "space"): "abc", cell("昆阳", "talents"): 0},
    )
    before = snapshot()
    response = upload(client_for(staff), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "第4行B列" in page and "“abc”不是数字" in page
    assert "第4行E列" in page and "小于本年此前各季度已报合计" in page
    assert snapshot() == before

    data = edit(template(demo, mode=ValueMode.YTD), {cell("鳌江", "talents"): 0})
    page = upload(client_for(official), data).content.decode()
    assert "第5行E列" in page and "您只能导入昆阳的数据" in page
    assert "小于本年此前各季度已报合计" not in page
    assert snapshot() == before


def test_a_problem_names_its_column_as_the_file_writes_it(demo, staff, client_for):
    """A unit like 万㎡ is matched NFKC-folded (万m2) but named as written."""
    demo.indicators.filter(code="space").update(unit="万㎡")
    data = edit(template(demo), {cell("昆阳", "space"): "abc"})
    response = upload(client_for(staff), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "第4行B列(新增孵化空间面积(万㎡))" in page and "万m2" not in page


@pytest.mark.parametrize(
    ("value", "says", "never"),
    [
        (1e308, "“1e+308”数值过大。", "0000000000"),  # not its 309 digits
        (-1, "“-1”不能为负数。", None),
        (2.5, "“2.5”该指标只能填整数。", None),
    ],
)
def test_a_bad_number_is_quoted_as_a_person_reads_it(demo, staff, client_for, value, says, never):
    data = edit(template(demo), {cell("昆阳", "talents"): value})
    page = upload(client_for(staff), data).content.decode()
    assert says in page
    assert never is None or never not in page


def test_a_bad_number_reads_as_english_sentences(demo, staff, client_for):
    client = client_for(staff)
    client.cookies["django_language"] = "en"
    data = edit(template(demo), {cell("昆阳", "talents"): -1.5})
    page = upload(client, data).content.decode()
    assert "“-1.5”: Must not be negative. This indicator takes whole numbers only." in page


def test_a_file_name_longer_than_a_history_note_still_confirms(demo, staff, client_for):
    """The history rows note "upload: <file name>" in 100 characters (on
    PostgreSQL a longer note was a server error at confirmation): cut there."""
    client = client_for(staff)
    name = "平阳县" + "孵化器集群季度数据填报" * 12 + ".xlsx"
    url = preview_url(upload(client, edit(template(demo), {"B4": 9}), name=name))
    assert confirm(client, url).status_code == 302
    assert not PendingImport.objects.exists()
    note = Figure.history.latest("history_date").history_change_reason
    assert len(note) == 100 and note.endswith("…") and note.startswith(Source.UPLOAD.value)


@pytest.mark.parametrize("written", [b"_x0000_", b"_x001B_"])
def test_a_control_character_in_a_long_sheets_note_is_listed(demo, staff, client_for, written):
    """Not stored (a NUL is a server error on PostgreSQL): refused, naming the cell."""
    data = long_sheet([["昆阳", "新增孵化空间面积", 2026, 4, 0.5, "新楼备注"]])
    refs = "".join(f"&#{ord(c)};" for c in "楼备").encode()  # as openpyxl writes it
    data = patch_zip(data, lambda name, content: content.replace(refs, written))
    before = snapshot()
    response = upload(client_for(staff), data)
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()
    assert snapshot() == before and not PendingImport.objects.exists()
