"""A township official's quarter: their own row of the entry grid, their own
template and upload, a draft, 上报, locked until the bureau returns it; and
staff's grid showing each region's state."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.choices import Source, SubmissionAction, SubmissionState
from reports.excel.figures_format import ValueMode
from reports.figures.changes import FigureChange
from reports.figures.quarters import close_quarter
from reports.figures.services import record_figures
from reports.figures.submissions import approve, return_submission, states_for
from reports.models import Figure, PendingImport, Submission
from reports.progress import Period
from tests.reports.figures_files import edit, snapshot, template
from tests.reports.reviewing import set_state

ENTRY = reverse("reports:entry")
SUBMIT = reverse("reports:entry_submit")
UPLOAD = reverse("reports:upload")
TEMPLATE = reverse("reports:entry_template")
PERIOD = "2026Q4"
Q = (2026, 4)
CELL_INPUT = re.compile(r'name="c\d+_')  # an editable cell of the grid
OTHER_REGIONS = ["鳌江", "水头", "萧江", "万全", "腾蛟", "麻步", "海西", "经开区"]


def name(plan, code: str, region) -> str:
    indicator = plan.indicators.get(code=code)
    return f"c{indicator.pk}_{region.pk if region else 'county'}"


def grid_data(client, period: str = PERIOD) -> dict:
    """What the browser posts back untouched."""
    response = client.get(ENTRY, {"period": period})
    assert response.status_code == 200
    form = response.context["form"]
    data = {"period": period}
    for field_name, field in form.fields.items():
        initial = form.initial.get(field_name, field.initial)
        if initial is not None and initial is not False:
            data[field_name] = initial
    return data


def fill_all(client, value: str = "1", period: str = PERIOD):
    data = grid_data(client, period)
    data.update({key: value for key in data if key.startswith("c")}, confirm_warnings="on")
    return client.post(ENTRY, data)


def state(region) -> str:
    return states_for(region.plan, *Q, [region])[region.pk]


def version(region) -> int:
    submission = Submission.objects.filter(region=region, year=Q[0], quarter=Q[1]).first()
    return submission.version if submission else 0


def post_submit(client, region, **extra):
    return client.post(SUBMIT, {"period": PERIOD, "version": version(region), **extra})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


# ---------------------------------------------------------------- the grid


def test_the_official_sees_only_their_own_row(client_for, official, plan, region_a):
    response = client_for(official).get(ENTRY, {"period": PERIOD})
    assert response.status_code == 200
    grid = response.context["grid"]
    assert [row.region for row in grid.rows] == [region_a]  # no other region, no county row
    form = response.context["form"]
    cells = sorted(n for n in form.fields if CELL_INPUT.match(f'name="{n}'))
    expected = sorted(name(plan, i.code, region_a) for i in plan.indicators.filter(by_region=True))
    assert cells == expected
    html = response.content.decode()
    assert not [other for other in OTHER_REGIONS if other in html]
    assert "未填报" in html


def test_the_official_reads_nothing_of_other_regions(client_for, official, staff, plan, region_b):
    """Not even to compare: another region's figures do not reach the grid."""
    space = plan.indicators.get(code="space")
    record_figures(
        plan, staff, [FigureChange(space.pk, region_b.pk, *Q, Decimal(5))], source=Source.FORM
    )
    response = client_for(official).get(ENTRY, {"period": PERIOD})
    assert all(cell.region.pk != region_b.pk for cell in response.context["grid"].cells)


def test_a_saved_grid_is_a_draft_entered_by_the_official(client_for, official, plan, region_a):
    response = fill_all(client_for(official))
    assert response.status_code == 302
    saved = Figure.objects.filter(year=2026, quarter=4)
    assert saved.count() == plan.indicators.filter(by_region=True).count()
    assert {f.region_id for f in saved} == {region_a.pk}
    assert all(f.entered_by == official for f in saved)
    assert state(region_a) == SubmissionState.DRAFT
    assert any("尚未上报" in m for m in messages_of(response))
    html = client_for(official).get(ENTRY, {"period": PERIOD}).content.decode()
    assert "填报中" in html and "上报本季度数据" in html


@pytest.mark.parametrize("target", ["other region", "county"])
def test_a_tampered_cell_of_another_region_or_the_county_is_refused(
    client_for, official, plan, region_a, region_b, target
):
    client = client_for(official)
    data = grid_data(client)
    data[name(plan, "space", region_a)] = "1"
    if target == "other region":
        data[name(plan, "space", region_b)] = "9"
        data[f"v{name(plan, 'space', region_b)[1:]}"] = "0"
    else:
        data[name(plan, "carriers", None)] = "9"
    response = client.post(ENTRY, data)
    assert response.status_code == 400
    assert "篡改" in response.content.decode()
    assert not Figure.objects.exists()


def test_the_same_validation_and_warnings_as_staff(client_for, official, plan, region_a):
    client = client_for(official)
    data = grid_data(client)
    data[name(plan, "enterprises", region_a)] = "2.5"
    response = client.post(ENTRY, data)
    assert response.status_code == 400 and "只能填整数" in response.content.decode()
    data[name(plan, "enterprises", region_a)] = "999"  # far above 昆阳's yearly target
    response = client.post(ENTRY, data)
    assert response.status_code == 200 and "超过全年目标" in response.content.decode()
    assert not Figure.objects.exists()


def test_submit_hands_the_quarter_in_and_locks_it(client_for, official, plan, region_a):
    client = client_for(official)
    fill_all(client)
    response = post_submit(client, region_a)
    assert response.status_code == 302
    assert state(region_a) == SubmissionState.SUBMITTED
    page = client.get(ENTRY, {"period": PERIOD})
    html = page.content.decode()
    assert "已上报" in html and "等待县科技局审核" in html
    assert "上报本季度数据" not in html and "保存草稿" not in html
    assert not CELL_INPUT.search(html)  # every cell read-only
    # Posting anyway is refused by the write itself.
    data = grid_data(client)
    data[name(plan, "space", region_a)] = "7"
    before = snapshot()
    response = client.post(ENTRY, data)
    assert response.status_code == 409
    assert "已上报" in response.content.decode()
    assert snapshot() == before


def test_submit_with_values_typed_and_not_saved_is_refused(client_for, official, plan, region_a):
    client = client_for(official)
    fill_all(client)
    data = grid_data(client)
    cell = name(plan, "space", region_a)
    data[cell] = "2"
    data["version"] = version(region_a)
    response = client.post(SUBMIT, data)
    assert response.status_code == 409
    assert state(region_a) == SubmissionState.DRAFT
    html = response.content.decode()
    assert "表中有尚未保存的修改,未上报。请先保存(或撤销修改),再上报。" in html
    # What was typed is still in its cell, ready for 保存草稿: not lost.
    assert re.search(rf'name="{cell}"[^>]*value="2"', html)
    assert response.context["form"][cell].value() == "2"
    data[name(plan, "space", region_a)] = "1"  # as saved: the whole form may come along
    client.post(SUBMIT, data)
    assert state(region_a) == SubmissionState.SUBMITTED


def test_submit_after_the_bureau_corrected_a_cell_says_so(
    client_for, official, staff, plan, region_a
):
    """The page was opened, then the bureau corrected a cell on the region's
    behalf: 上报 from the page is refused, saying the data changed since it
    was opened, not that the official left changes unsaved. Nothing changes."""
    client = client_for(official)
    fill_all(client)
    data = grid_data(client)  # the page as opened: every cell 1
    space = plan.indicators.get(code="space")
    figure = Figure.objects.get(indicator=space, region=region_a, year=Q[0], quarter=Q[1])
    change = FigureChange(space.pk, region_a.pk, *Q, Decimal("0.5"), seen_version=figure.version)
    record_figures(plan, staff, [change], source=Source.FORM)
    data["version"] = version(region_a)
    before = (state(region_a), snapshot())
    response = client.post(SUBMIT, data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "本页打开后,本季度数据已被他人修改,未上报。" in html
    assert "尚未保存的修改" not in html
    assert (state(region_a), snapshot()) == before


def test_submit_lists_what_is_missing(client_for, official, plan, region_a):
    client = client_for(official)
    data = grid_data(client)
    data[name(plan, "space", region_a)] = "1"
    client.post(ENTRY, data)
    html = client.get(ENTRY, {"period": PERIOD}).content.decode()
    assert "尚未填写" in html and "新增在孵企业" in html
    response = post_submit(client, region_a)
    assert state(region_a) == SubmissionState.DRAFT
    assert any("尚未填写" in m for m in messages_of(response))


def test_submit_from_a_stale_page_is_refused(client_for, official, staff, plan, region_a):
    client = client_for(official)
    fill_all(client)
    seen = version(region_a)
    post_submit(client, region_a)
    return_submission(plan, staff, region_a, *Q, "请核实")
    response = client.post(SUBMIT, {"period": PERIOD, "version": seen})
    assert state(region_a) == SubmissionState.RETURNED
    assert any("刷新" in m for m in messages_of(response))


def test_a_returned_quarter_shows_the_reason_and_opens_again(
    client_for, official, staff, plan, region_a
):
    client = client_for(official)
    fill_all(client)
    post_submit(client, region_a)
    return_submission(plan, staff, region_a, *Q, "空间面积偏大,请核实")
    html = client.get(ENTRY, {"period": PERIOD}).content.decode()
    assert "已退回" in html and "空间面积偏大,请核实" in html
    data = grid_data(client)
    data[name(plan, "space", region_a)] = "0.5"
    assert client.post(ENTRY, data).status_code == 302
    assert state(region_a) == SubmissionState.DRAFT
    # Saved as a draft, the reason still shows until the quarter is handed in again.
    html = client.get(ENTRY, {"period": PERIOD}).content.decode()
    assert "空间面积偏大,请核实" in html and "修改已保存为草稿;核对无误后请重新上报。" in html
    post_submit(client, region_a)
    assert state(region_a) == SubmissionState.SUBMITTED


def test_an_approved_quarter_is_read_only(client_for, official, staff, plan, region_a):
    client = client_for(official)
    fill_all(client)
    post_submit(client, region_a)
    approve(plan, staff, region_a, *Q)
    html = client.get(ENTRY, {"period": PERIOD}).content.decode()
    assert "已审核" in html and not CELL_INPUT.search(html)
    response = post_submit(client, region_a)
    assert state(region_a) == SubmissionState.APPROVED
    assert any("不能上报" in m for m in messages_of(response))


def test_a_closed_quarter_is_read_only_and_cannot_be_submitted(
    client_for, official, staff, plan, region_a
):
    client = client_for(official)
    fill_all(client)
    data = grid_data(client)
    close_quarter(plan, staff, *Q, reason="年终结账", override=True)
    html = client.get(ENTRY, {"period": PERIOD}).content.decode()
    assert "本季度已关闭" in html and not CELL_INPUT.search(html)
    data[name(plan, "space", region_a)] = "3"
    before = snapshot()
    assert client.post(ENTRY, data).status_code == 409
    response = post_submit(client, region_a)
    assert any("已关闭" in m for m in messages_of(response))
    assert snapshot() == before
    assert state(region_a) == SubmissionState.DRAFT


def test_the_official_opens_on_their_own_quarter(client_for, official, staff, plan, region_a):
    """Not on the latest quarter anyone reported: 鳌江's 2026 Q4 says nothing
    to 昆阳; 昆阳's own 2026 Q1, handed in, moves on to Q2."""
    space = plan.indicators.get(code="space")
    region_b = plan.regions.get(name="鳌江")
    record_figures(
        plan,
        staff,
        [
            FigureChange(space.pk, region_b.pk, *Q, Decimal(1)),
            FigureChange(space.pk, region_a.pk, 2026, 1, Decimal(1)),
        ],
        source=Source.FORM,
    )
    set_state(plan, 2026, 1, SubmissionState.SUBMITTED, [region_a])
    response = client_for(official).get(ENTRY)
    assert response.context["period"] == Period(2026, 2)
    set_state(plan, 2026, 1, SubmissionState.RETURNED, [region_a])
    assert client_for(official).get(ENTRY).context["period"] == Period(2026, 1)


def test_a_handed_in_quarter_under_way_is_not_left_for_one_not_begun(
    client_for, official, plan, region_a
):
    """Today is in 2026 Q4: once 昆阳 hands in 2026 Q4 its pages stay on it
    (its state shown) rather than open on 2027 Q1, which has not begun and
    takes no figures."""
    fill_all(client_for(official))
    post_submit(client_for(official), region_a)
    for url in (ENTRY, reverse("reports:entry_template")):
        response = client_for(official).get(url)
        if url == ENTRY:
            assert response.context["period"] == Period(2026, 4)
        else:
            assert "2026Q4" in response["Content-Disposition"]


# ---------------------------------------------------------------- staff


def test_staff_see_every_region_with_its_state_and_enter_on_behalf(
    client_for, staff, official, plan, region_a, region_b
):
    fill_all(client_for(official))
    post_submit(client_for(official), region_a)
    client = client_for(staff)
    response = client.get(ENTRY, {"period": PERIOD})
    rows = {row.label: row.state_label for row in response.context["grid"].rows if row.region}
    assert rows["昆阳"] == "已上报" and rows["鳌江"] == "未填报"
    data = grid_data(client)
    for indicator in plan.indicators.filter(by_region=True):  # the whole report
        data[name(plan, indicator.code, region_b)] = "1"
    data["confirm_warnings"] = "on"  # 1 is above 鳌江's zero targets of some indicators
    assert client.post(ENTRY, data).status_code == 302
    submission = Submission.objects.get(region=region_b, year=2026, quarter=4)
    assert submission.state == SubmissionState.APPROVED
    assert submission.events.get().action == SubmissionAction.PROXY


def test_staff_cannot_submit_for_a_township(client_for, staff, region_a):
    response = client_for(staff).post(SUBMIT, {"period": PERIOD, "version": 0})
    assert response.status_code == 403


# ---------------------------------------------------------------- Excel


def upload(client, data: bytes):
    return client.post(UPLOAD, {"file": SimpleUploadedFile("填报.xlsx", data)})


def test_the_officials_template_holds_their_region_alone(client_for, official, staff, plan):
    staff_file = template(plan, PERIOD)
    response = client_for(official).get(TEMPLATE, {"period": PERIOD})
    assert response.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(response.content))["填报"]
    places = [row[0] for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]]
    assert places == ["昆阳"]
    headers = list(next(sheet.iter_rows(min_row=3, max_row=3, values_only=True)))
    assert "新增孵化空间面积(万平方米)" in headers
    assert "新增市级及以上孵化载体(个)" not in headers  # county-only: not theirs
    assert staff_file != response.content


def test_the_official_uploads_their_own_template(client_for, official, plan, region_a):
    client = client_for(official)
    data = client.get(TEMPLATE, {"period": PERIOD, "mode": ValueMode.QUARTER}).content
    data = edit(data, {"B4": 2.5, "C4": 3})  # space, enterprises (no county column)
    response = upload(client, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    response = client.post(response["Location"], {"action": "confirm"})
    assert response.status_code == 302
    figures = dict(Figure.objects.filter(region=region_a).values_list("indicator__code", "value"))
    assert figures == {"space": Decimal("2.5"), "enterprises": Decimal(3)}
    assert state(region_a) == SubmissionState.DRAFT


def test_an_upload_with_other_regions_or_county_cells_is_refused_cell_by_cell(
    client_for, official, plan
):
    client = client_for(official)
    data = edit(template(plan, PERIOD), {"B4": 1, "B5": 7, "C13": 2})  # 昆阳, 鳌江, 全县
    before = snapshot()
    response = upload(client, data)
    assert response.status_code == 400
    problems = response.context["problems"]
    assert any("第5行B列" in p and "鳌江" in p for p in problems)
    assert any("第13行C列" in p and "全县" in p for p in problems)
    assert not any("第4行" in p for p in problems)  # their own cell is fine
    # The other regions' empty rows are named once each, not cell by cell.
    assert [p for p in problems if "第6行" in p] == [
        "工作表“填报”第6行A列:这是“水头”的数据;您只能导入昆阳的数据"
    ]
    assert snapshot() == before and not PendingImport.objects.exists()


def test_an_upload_for_a_handed_in_quarter_is_refused(client_for, official, plan, region_a):
    client = client_for(official)
    fill_all(client)
    post_submit(client, region_a)
    data = client.get(TEMPLATE, {"period": PERIOD}).content
    before = snapshot()
    response = upload(client, edit(data, {"B4": 9}))
    assert response.status_code == 400
    assert any("已上报" in p for p in response.context["problems"])
    assert snapshot() == before


@pytest.mark.parametrize("url", [ENTRY, SUBMIT, UPLOAD, TEMPLATE])
def test_a_leader_writes_nothing(client_for, leader, plan, url):
    client = client_for(leader)
    assert client.get(url).status_code == 403
    assert client.post(url, {"period": PERIOD, "version": 0}).status_code == 403
