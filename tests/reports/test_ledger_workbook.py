"""The ledger workbook in the bureau's layout: export what one may see,
upload → preview → confirm, all or nothing, every bad row named with its
sheet and row; enterprises one record per credit code."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from regions.roles import Role
from reports.choices import Source, SubmissionState
from reports.figures import deadlines
from reports.figures.submissions import submit
from reports.ledger import services
from reports.ledger.operating import METRIC_NAMES, OperatingChange, record_operating_data
from reports.ledger.workbook_writing import build_workbook
from reports.models import (
    Enterprise,
    EnterpriseFlagGrant,
    Incubator,
    IncubatorFlagGrant,
    IncubatorQuarter,
    IncubatorRecognition,
    PendingImport,
    Submission,
)
from targets.ledger import Industry
from tests.conftest import make_user
from tests.reports.figures_files import patch_zip
from tests.reports.operating_data import change, incubator
from tests.reports.test_submissions import fill
from tests.signing_in import sign_in

UPLOAD = reverse("reports:ledger_upload")
EXPORT = reverse("reports:ledger_export")
CODE = "91350100M000100Y43"  # valid
OPERATING_ROW = [85, 20, 12, 300, 1500, 2, 15, 900]


@pytest.fixture
def ledger(plan, region_a, region_b, staff):
    hub = incubator(region_a, "昆阳科创孵化器", operator="昆阳科创公司")
    other = incubator(region_b, "鳌江众创空间")
    IncubatorRecognition.objects.create(
        incubator=hub, level=2, recognised_on=datetime.date(2025, 6, 1)
    )
    flag = plan.ledger_flags.get(name="新质孵化器")
    IncubatorFlagGrant.objects.create(
        incubator=hub, flag=flag, granted_on=datetime.date(2025, 7, 1)
    )
    firm = Enterprise.objects.create(
        plan=plan,
        name="平阳某某科技有限公司",
        credit_code=CODE,
        incubator=hub,
        entered_on=datetime.date(2025, 3, 1),
        stage="incubating",
    )
    EnterpriseFlagGrant.objects.create(
        enterprise=firm,
        flag=plan.ledger_flags.get(name="高新技术企业"),
        granted_on=datetime.date(2025, 12, 1),
    )
    Enterprise.objects.create(
        plan=plan,
        name="鳌江某某有限公司",
        incubator=other,
        entered_on=datetime.date(2025, 3, 1),
        stage="nursery",
    )
    record_operating_data(plan, staff, [change(hub), change(other)], source=Source.FORM)
    return {"hub": hub, "other": other, "firm": firm}


def upload(client, data: bytes, name="台账.xlsx"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data)})


def confirm(client, response):
    assert response.status_code == 302, problems(response)
    return client.post(response["Location"], {"action": "confirm"})


def sheets_of(data: bytes) -> dict[str, list[list]]:
    book = load_workbook(io.BytesIO(data))
    return {s.title: [list(r) for r in s.iter_rows(values_only=True)] for s in book}


def problems(response) -> str:
    """The problems an upload page lists, one per item, as one text."""
    return " | ".join(re.findall(r"<li>(.*?)</li>", response.content.decode(), re.S))


INCUBATOR_HEADERS = 11


def new_incubator_row(region="昆阳", name="昆阳新基地", **over):
    row = {
        "region": region,
        "name": name,
        "operator": "",
        "kind": "孵化基地",
        "lead": "",
        "second": "",
        "area": 2.5,
        "status": "运营",
        "since": "2026-01-01",
        "operating": "2026-01-01",
        "note": "",
    }
    row.update(over)
    return list(row.values())


def test_the_export_holds_every_sheet_in_chinese_and_reads_back_unchanged(
    client_for, staff, ledger
):
    client = client_for(staff)
    response = client.get(EXPORT)
    assert response.status_code == 200
    sheets = sheets_of(response.content)
    assert list(sheets) == [
        "孵化载体",
        "载体认定",
        "载体标识",
        "在孵企业",
        "企业标识",
        "季度运营数据",
    ]
    assert sheets["孵化载体"][0][:4] == ["区域", "载体名称", "运营机构", "载体类型"]
    assert sheets["载体认定"][1][:3] == ["昆阳", "昆阳科创孵化器", "市级"]
    assert sheets["在孵企业"][1][:4] == ["平阳某某科技有限公司", CODE, "昆阳", "昆阳科创孵化器"]
    again = upload(client, response.content)
    assert again.status_code == 200
    assert "完全一致,无需导入" in again.content.decode()


def test_an_official_exports_their_own_region_only(client_for, official, ledger):
    text = str(sheets_of(client_for(official).get(EXPORT).content))
    assert "昆阳科创孵化器" in text and "鳌江" not in text


def test_leaders_export_but_may_not_import(client_for, leader, ledger):
    client = client_for(leader)
    assert client.get(EXPORT).status_code == 200
    assert client.get(UPLOAD).status_code == 403


def test_a_workbook_creates_records_through_preview_and_confirmation(
    client_for, staff, plan, ledger
):
    Industry.objects.create(plan=plan, code="ai", name="人工智能")
    data = build_workbook(
        {
            "孵化载体": [new_incubator_row(lead="人工智能")],
            "载体认定": [["昆阳", "昆阳新基地", "县级", "2026-02-01"]],
            "在孵企业": [
                [
                    "新企业有限公司",
                    "",
                    "昆阳",
                    "昆阳新基地",
                    "人工智能",
                    "2026-02-01",
                    "苗圃",
                    None,
                    None,
                    "",
                ]
            ],
            "企业标识": [["新企业有限公司", "", "省级科技型中小企业", "2026-03-01"]],
            "季度运营数据": [["昆阳", "昆阳新基地", 2026, 1, *OPERATING_ROW, "首季"]],
        }
    )
    client = client_for(staff)
    staged = upload(client, data)
    preview = client.get(staged["Location"])
    assert "昆阳 · 昆阳新基地" in preview.content.decode()
    assert not Incubator.objects.filter(name="昆阳新基地").exists()  # nothing before confirming
    assert confirm(client, staged).status_code == 302
    hub = Incubator.objects.get(name="昆阳新基地")
    assert (hub.kind, hub.floor_area, hub.lead_industry.name) == (
        "base",
        Decimal("2.5"),
        "人工智能",
    )
    assert hub.history.get().history_user == staff
    assert hub.recognitions.get().level == 1
    firm = Enterprise.objects.get(name="新企业有限公司")
    assert firm.incubator == hub and firm.flag_grants.get().flag.name == "省级科技型中小企业"
    assert IncubatorQuarter.objects.get(incubator=hub).note == "首季"
    assert not PendingImport.objects.exists()


def test_a_date_that_has_not_happened_or_a_slipped_year_is_listed(client_for, staff, ledger):
    data = build_workbook(
        {
            "孵化载体": [
                new_incubator_row(since="0001-01-01"),
                new_incubator_row(name="另一个", operating=datetime.date(2099, 1, 1)),
            ],
            "载体认定": [["昆阳", "昆阳科创孵化器", "省级", "2099-02-01"]],
        }
    )
    response = upload(client_for(staff), data)
    text = problems(response)
    assert response.status_code == 400
    assert "工作表“孵化载体”第2行" in text and "0001-01-01 早于 1980-01-01" in text
    assert "工作表“孵化载体”第3行" in text and "2099-01-01 晚于今天" in text
    assert "工作表“载体认定”第2行" in text and "2099-02-01 晚于今天" in text
    assert not Incubator.objects.filter(name__in=["昆阳新基地", "另一个"]).exists()
    assert not PendingImport.objects.exists()


@pytest.mark.parametrize("written", [b"NaN", b"INF", b"1e400"])
def test_a_number_cell_holding_nan_or_infinity_is_listed(client_for, staff, ledger, written):
    """The fast reader reads such a cell as a float NaN or infinity."""
    data = build_workbook({"孵化载体": [new_incubator_row(area=12345.5)]})
    data = patch_zip(
        data, lambda name, content: content.replace(b"<v>12345.5</v>", b"<v>" + written + b"</v>")
    )
    response = upload(client_for(staff), data)
    assert response.status_code == 400
    assert "工作表“孵化载体”第2行G列(面积(万平方米)):不是有效的数字。" in problems(response)
    assert not Incubator.objects.filter(name="昆阳新基地").exists()


def test_a_formula_error_logical_value_or_date_is_no_name(client_for, staff, ledger):
    """Text columns take text (or a number, a code may be all digits): a
    formula Excel never calculated, an error value, TRUE or a date is listed
    as such, never stored as some other text."""
    data = build_workbook(
        {
            "孵化载体": [
                new_incubator_row(name="甲"),
                new_incubator_row(name="乙"),
                new_incubator_row(name=True),
                new_incubator_row(name="丁", operator=datetime.date(2026, 1, 1)),
            ]
        }
    )
    book = load_workbook(io.BytesIO(data))
    book["孵化载体"]["B2"] = "=1+1"  # a formula without a calculated value
    book["孵化载体"]["K3"] = "=1/0"
    out = io.BytesIO()
    book.save(out)
    before = Incubator.objects.count()
    response = upload(client_for(staff), out.getvalue())
    text = problems(response)
    assert response.status_code == 400
    for expected in [
        "工作表“孵化载体”第2行B列(载体名称)",
        "公式没有计算结果",
        "工作表“孵化载体”第3行K列(备注)",
        "工作表“孵化载体”第4行B列(载体名称):单元格是逻辑值(TRUE),应填写文字",
        "工作表“孵化载体”第5行C列(运营机构):单元格是日期或时间,应填写文字",
    ]:
        assert expected in text, text
    assert Incubator.objects.count() == before and not PendingImport.objects.exists()


def test_every_bad_row_is_listed_with_sheet_and_row_and_nothing_is_written(
    client_for, staff, ledger
):
    data = build_workbook(
        {
            "孵化载体": [
                new_incubator_row(kind="孵化园"),
                new_incubator_row(name="另一个", area=-1),
                new_incubator_row(region="火星镇", name="第三个"),
            ],
            "在孵企业": [
                [
                    "错码企业",
                    "91350100M000100Y44",
                    "昆阳",
                    "昆阳科创孵化器",
                    "",
                    "2026-01-01",
                    "孵化",
                    None,
                    None,
                    "",
                ],
                [
                    "重复企业",
                    CODE,
                    "鳌江",
                    "鳌江众创空间",
                    "",
                    "2026-01-01",
                    "孵化",
                    None,
                    None,
                    "",
                ],
            ],
            "季度运营数据": [
                ["昆阳", "昆阳科创孵化器", 2026, 2, 120, 20, 12, 300, 1500, 2, 25, 900, ""]
            ],
        }
    )
    response = upload(client_for(staff), data)
    text = problems(response)
    assert response.status_code == 400
    for expected in [
        "工作表“孵化载体”第2行D列(载体类型)",
        "“孵化园”不是可选值",
        "工作表“孵化载体”第3行",
        "不能为负数",
        "工作表“孵化载体”第4行:区域:“火星镇”不是您可以导入的区域",
        "工作表“在孵企业”第2行:统一社会信用代码:统一社会信用代码校验位不正确",
        "工作表“在孵企业”第3行:企业名称:"
        "该企业已登记为“平阳某某科技有限公司”(昆阳 · 昆阳科创孵化器)",
        "工作表“季度运营数据”第2行",
        "入驻率应在 0 到 100 之间",
    ]:
        assert expected in text, expected
    assert not Incubator.objects.filter(name__in=["昆阳新基地", "另一个"]).exists()
    assert not PendingImport.objects.exists()


def test_an_official_may_not_import_another_regions_rows(client_for, official, ledger):
    data = build_workbook({"孵化载体": [new_incubator_row(region="鳌江", name="鳌江新基地")]})
    response = upload(client_for(official), data)
    assert response.status_code == 400
    assert "不是您可以导入的区域" in response.content.decode()
    assert not Incubator.objects.filter(name="鳌江新基地").exists()


def test_an_official_is_not_told_where_another_region_keeps_a_firm(client_for, official, ledger):
    ledger["firm"].incubator = ledger["other"]
    ledger["firm"].save()
    row = ["某某科技", CODE, "昆阳", "昆阳科创孵化器", "", "2026-01-01", "孵化", None, None, ""]
    response = upload(client_for(official), build_workbook({"在孵企业": [row]}))
    text = response.content.decode()
    assert "该企业已由其他区域登记" in text and "鳌江" not in text


def test_a_change_between_preview_and_confirmation_writes_nothing(client_for, staff, plan, ledger):
    data = build_workbook({"孵化载体": [new_incubator_row(name="昆阳科创孵化器", area=9)]})
    client = client_for(staff)
    staged = upload(client, data)
    hub = ledger["hub"]
    hub.operator = "改过了"
    hub.save()
    response = confirm(client, staged)
    assert response.status_code == 302
    hub.refresh_from_db()
    assert hub.floor_area == Decimal("1.50")
    assert not PendingImport.objects.exists()


def test_the_operating_template_round_trips(client_for, staff, region_a, ledger):
    client = client_for(staff)
    template = client.get(
        reverse("reports:ledger_operating_template"),
        {"period": "2026Q1", "region": region_a.code},
    )
    sheets = sheets_of(template.content)
    assert list(sheets) == ["季度运营数据"]
    rows = sheets["季度运营数据"]
    assert rows[1][:4] == ["昆阳", "昆阳科创孵化器", 2026, 1]
    rows[1][8] = 2000  # 营业收入
    data = build_workbook({"季度运营数据": rows[1:]})
    assert confirm(client, upload(client, data)).status_code == 302
    row = IncubatorQuarter.objects.get(incubator=ledger["hub"])
    assert (row.revenue, row.version) == (Decimal("2000"), 2)
    assert row.history.latest().history_change_reason == "upload: 台账.xlsx"


def test_incubators_left_unfilled_in_the_operating_template_are_left_alone(
    client_for, staff, region_a, ledger
):
    """The template lists every incubator; one filled in and one left with
    no figure at all: the filled one is written, the blank one left as it
    is (not refused for its blank cells). A row filled in part is still
    refused, every blank figure named."""
    incubator(region_a, "昆阳第二孵化器")
    client = client_for(staff)
    template = client.get(
        reverse("reports:ledger_operating_template"),
        {"period": "2026Q4", "region": region_a.code},
    )
    rows = sheets_of(template.content)["季度运营数据"]
    assert [row[1] for row in rows[1:]] == ["昆阳科创孵化器", "昆阳第二孵化器"]
    assert all(value is None for value in rows[2][4:-1])  # nothing typed for the second
    assert rows[2][-1] == "0"  # 记录版本: no data stored when the template was made
    rows[1][4:12] = [80, 12, 3, 100, 2000, 1, 5, 900]
    assert confirm(client, upload(client, build_workbook({"季度运营数据": rows[1:]}))).status_code
    written = IncubatorQuarter.objects.filter(year=2026, quarter=4)
    assert [(q.incubator.name, q.revenue) for q in written] == [("昆阳科创孵化器", Decimal(2000))]

    rows[2][8] = 500  # the second: revenue alone
    response = upload(client, build_workbook({"季度运营数据": rows[1:]}))
    assert response.status_code == 400
    assert problems(response).count("必填") == 7
    assert written.count() == 1


def test_an_operating_template_sent_back_with_nothing_typed_says_so(
    client_for, staff, region_a, ledger
):
    client = client_for(staff)
    template = client.get(
        reverse("reports:ledger_operating_template"),
        {"period": "2026Q4", "region": region_a.code},
    )
    rows = sheets_of(template.content)["季度运营数据"]
    response = upload(client, build_workbook({"季度运营数据": rows[1:]}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "文件中没有填写任何数据(空白的行不导入),台账没有改动。" in html
    assert "完全一致" not in html
    assert not IncubatorQuarter.objects.filter(year=2026, quarter=4).exists()


def test_a_handed_in_quarter_refuses_the_townships_operating_rows(
    client_for, official, plan, region_a, ledger
):
    fill(plan, official, region_a)
    submit(plan, official, region_a, 2026, 4)
    data = build_workbook(
        {"季度运营数据": [["昆阳", "昆阳科创孵化器", 2026, 4, *OPERATING_ROW, ""]]}
    )
    response = upload(client_for(official), data)
    assert response.status_code == 400
    assert "已上报" in response.content.decode()


@pytest.mark.parametrize("data", [b"", b"not a workbook", b"PK\x03\x04broken"])
def test_a_file_that_is_not_a_workbook_gets_a_message(client_for, staff, data):
    response = upload(client_for(staff), data)
    assert response.status_code == 400
    assert "文件未导入" in response.content.decode()


def test_someone_elses_staged_upload_is_a_404(client_for, staff, official, ledger):
    data = build_workbook({"孵化载体": [new_incubator_row()]})
    staged = upload(client_for(staff), data)
    client = client_for(official)
    assert client.get(staged["Location"]).status_code == 404
    assert client.post(staged["Location"], {"action": "confirm"}).status_code == 404


def test_the_ledger_services_rules_are_listed_at_preview_by_row(client_for, staff, ledger):
    data = build_workbook(
        {
            "孵化载体": [
                new_incubator_row(name="好的基地"),
                new_incubator_row(name="缺日期基地", operating=None),
            ]
        }
    )
    response = upload(client_for(staff), data)
    assert response.status_code == 400
    assert "工作表“孵化载体”第3行:运营中(或限期整改)的载体需填写投入运营日期" in problems(response)
    assert not Incubator.objects.filter(name__in=["好的基地", "缺日期基地"]).exists()
    assert not PendingImport.objects.exists()


def test_the_export_reads_the_same_queries_for_a_small_and_a_larger_ledger(
    client_for, staff, plan, region_a, ledger
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(staff)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(EXPORT).status_code == 200
        return len(queries)

    small = count()
    for i in range(30):
        hub = incubator(region_a, f"载体{i:02d}")
        IncubatorRecognition.objects.create(
            incubator=hub, level=1, recognised_on=datetime.date(2025, 1, 1)
        )
        Enterprise.objects.create(
            plan=plan,
            name=f"企业{i:02d}",
            incubator=hub,
            entered_on=datetime.date(2025, 3, 1),
            stage="nursery",
        )
    assert count() == small


@pytest.mark.parametrize("persona", ["staff", "official"])
def test_the_demo_ledger_exported_reads_back_unchanged(client_for, demo, persona, request):
    """The whole cycle on a real-sized ledger: two firms of two regions share
    a name without credit codes (each row names its own record), and the
    export holds every approved quarter's operating rows (unchanged rows are
    never refused, even in a quarter the township handed in)."""
    client = client_for(request.getfixturevalue(persona))
    exported = client.get(EXPORT).content
    response = upload(client, exported)
    assert response.status_code == 200, problems(response)
    assert "完全一致,无需导入" in response.content.decode()


def test_a_township_adds_a_firm_to_its_exported_ledger(client_for, official, demo):
    client = client_for(official)
    sheets = sheets_of(client.get(EXPORT).content)
    firms = sheets["在孵企业"]
    added = list(firms[1])
    added[:2] = ["（演示）昆阳新入孵科技有限公司", None]
    firms.append(added)
    data = build_workbook({name: rows[1:] for name, rows in sheets.items()})
    response = upload(client, data)
    assert confirm(client, response).status_code == 302
    assert Enterprise.objects.filter(name="（演示）昆阳新入孵科技有限公司").exists()


def test_the_preview_shows_each_field_a_row_changes_from_stored_to_file(client_for, staff, ledger):
    """A row that changes a record lists every field it changes, from what is
    stored to what the file says, and only those: in a workbook made by hand
    (no 记录版本) a row can undo a colleague's edit, and the preview shows it
    before anything is written."""
    client = client_for(staff)
    sheets = sheets_of(client.get(EXPORT).content)
    hub = ledger["hub"]
    services.update_incubator(staff, hub, operator="新运营公司", status="rectifying")
    header, rows = sheets["孵化载体"][0], sheets["孵化载体"][1:]
    row = next(r for r in rows if r[header.index("载体名称")] == hub.name)
    row[header.index("备注")] = "补充说明"
    row[header.index("记录版本")] = None
    staged = upload(client, build_workbook({"孵化载体": [row]}))
    preview = client.get(staged["Location"]).content.decode()
    assert "运营机构:新运营公司 → 昆阳科创公司" in preview
    assert "状态:限期整改 → 运营<" in preview
    assert "备注:(空) → 补充说明" in preview
    assert "载体类型:" not in preview  # unchanged fields are not listed


def exported_row(sheets: dict, sheet: str, **where) -> list:
    header, rows = sheets[sheet][0], sheets[sheet][1:]
    return next(r for r in rows if all(r[header.index(k)] == v for k, v in where.items()))


def test_rows_exported_before_a_colleagues_change_are_refused_naming_who_and_when(
    client_for, staff, ledger, groups
):
    """A workbook exported, then a colleague edits the incubator, the firm and
    the quarter's operating data: sending the old rows back (another cell
    changed, or none) would silently undo those edits. Each such row is
    refused, naming the record, who changed it and when; nothing is written.
    Exported again, the same edits go through."""
    client = client_for(staff)
    sheets = sheets_of(client.get(EXPORT).content)
    hub, firm = ledger["hub"], ledger["firm"]
    colleague = make_user("colleague", Role.COUNTY_STAFF, first_name="李四")
    services.update_incubator(colleague, hub, operator="新运营公司")
    services.update_enterprise(colleague, firm, note="已核实")
    stored = IncubatorQuarter.objects.get(incubator=hub)
    record_operating_data(
        ledger["hub"].region.plan,
        colleague,
        [change(hub, revenue=Decimal(1800), seen_version=stored.version)],
        source=Source.FORM,
    )
    incubator_row = exported_row(sheets, "孵化载体", 载体名称=hub.name)
    incubator_row[sheets["孵化载体"][0].index("备注")] = "补充说明"
    firm_row = exported_row(sheets, "在孵企业", 企业名称=firm.name)  # sent back as it was
    operating_row = exported_row(sheets, "季度运营数据", 载体名称=hub.name)
    before = {
        "hub": Incubator.objects.values().get(pk=hub.pk),
        "firm": Enterprise.objects.values().get(pk=firm.pk),
        "quarter": IncubatorQuarter.objects.values().get(pk=stored.pk),
    }
    data = build_workbook(
        {"孵化载体": [incubator_row], "在孵企业": [firm_row], "季度运营数据": [operating_row]}
    )
    response = upload(client, data)

    assert response.status_code == 400
    listed = problems(response).split(" | ")
    assert len(listed) == 3, listed
    for sheet, what in [
        ("孵化载体", "“昆阳科创孵化器”"),
        ("在孵企业", "“平阳某某科技有限公司”"),
        ("季度运营数据", "“昆阳科创孵化器”2026年第1季度的运营数据"),
    ]:
        line = next(text for text in listed if text.startswith(f"工作表“{sheet}”第2行"))
        assert f"记录版本:{what}在本文件导出后已被李四修改(" in line, line
        assert "本行未导入。请重新导出台账" in line
    assert {
        "hub": Incubator.objects.values().get(pk=hub.pk),
        "firm": Enterprise.objects.values().get(pk=firm.pk),
        "quarter": IncubatorQuarter.objects.values().get(pk=stored.pk),
    } == before
    assert not PendingImport.objects.exists()

    # Exported again: the colleague's edits are in the file, and the change goes through.
    sheets = sheets_of(client.get(EXPORT).content)
    incubator_row = exported_row(sheets, "孵化载体", 载体名称=hub.name)
    incubator_row[sheets["孵化载体"][0].index("备注")] = "补充说明"
    assert confirm(client, upload(client, build_workbook({"孵化载体": [incubator_row]})))
    hub.refresh_from_db()
    assert (hub.operator, hub.note) == ("新运营公司", "补充说明")


def test_an_old_row_equal_to_what_is_stored_is_unchanged_not_refused(client_for, staff, ledger):
    """A row whose record changed after the export but which says exactly what
    is stored undoes nothing: it counts as unchanged."""
    client = client_for(staff)
    sheets = sheets_of(client.get(EXPORT).content)
    hub = ledger["hub"]
    services.update_incubator(staff, hub, note="补充说明")
    row = exported_row(sheets, "孵化载体", 载体名称=hub.name)
    row[sheets["孵化载体"][0].index("备注")] = "补充说明"
    response = upload(client, build_workbook({"孵化载体": [row]}))
    assert response.status_code == 200, problems(response)
    assert "完全一致" in response.content.decode()


def test_the_preview_shows_notes_dates_and_text_as_they_change(client_for, staff, ledger):
    """A text that reads like a number is compared as text ("0123" is not
    "123"); an operating row's note and a recognition's date are shown too."""
    client = client_for(staff)
    hub = ledger["hub"]
    services.update_incubator(staff, hub, operator="0123")
    sheets = sheets_of(client.get(EXPORT).content)

    def edited(sheet: str, column: str, value, **where) -> list:
        header, rows = sheets[sheet][0], sheets[sheet][1:]
        row = next(r for r in rows if all(r[header.index(k)] == v for k, v in where.items()))
        row[header.index(column)] = value
        return row

    data = build_workbook(
        {
            "孵化载体": [edited("孵化载体", "运营机构", "123", 载体名称=hub.name)],
            "载体认定": [edited("载体认定", "认定日期", "2025-06-02", 载体名称=hub.name)],
            "季度运营数据": [edited("季度运营数据", "备注", "新备注", 载体名称=hub.name)],
        }
    )
    preview = client.get(upload(client, data)["Location"]).content.decode()
    assert "运营机构:0123 → 123" in preview
    assert "日期:2025-06-01 → 2025-06-02" in preview
    assert "备注:" in preview and "→ 新备注" in preview


def test_one_upload_lists_the_reading_problems_and_the_records_own_together(
    client_for, staff, ledger
):
    """A bad cell (row 2) and a record the services refuse (row 3: 在建 with an
    operating date) are both listed by the first upload, not one per try."""
    data = build_workbook(
        {
            "孵化载体": [
                new_incubator_row(name="甲基地", area=-1),
                new_incubator_row(name="乙基地", status="在建"),
            ]
        }
    )
    response = upload(client_for(staff), data)
    said = problems(response)
    assert response.status_code == 400
    assert "工作表“孵化载体”第2行" in said and "工作表“孵化载体”第3行" in said
    assert "在建载体不填投入运营日期" in said
    assert not Incubator.objects.filter(name__in=["甲基地", "乙基地"]).exists()


def test_a_file_with_more_problems_than_listed_counts_them_all(client_for, staff, ledger):
    rows = [new_incubator_row(name=f"基地{i}", area=-1) for i in range(520)]
    response = upload(client_for(staff), build_workbook({"孵化载体": rows}))
    page = response.content.decode()
    assert response.status_code == 400
    assert "发现 520 个问题" in page
    assert "……另有 20 个问题未列出。" in page
    assert len(re.findall(r"<li>", page.split("upload-problems", 1)[1])) == 501


def test_a_changed_operating_row_of_a_handed_in_quarter_names_its_row(client_for, official, ledger):
    """昆阳's 2026 Q1 report, with the fixture's operating rows, is 已审核."""
    Submission.objects.filter(region__name="昆阳", year=2026, quarter=1).update(
        state=SubmissionState.APPROVED
    )
    client = client_for(official)
    sheets = sheets_of(client.get(EXPORT).content)
    rows = sheets["季度运营数据"]
    assert rows[1][:4] == ["昆阳", "昆阳科创孵化器", 2026, 1]
    unchanged = upload(client, build_workbook({"季度运营数据": rows[1:]}))
    assert "完全一致,无需导入" in unchanged.content.decode()
    rows[1][8] = 2000  # 营业收入
    response = upload(client, build_workbook({"季度运营数据": rows[1:]}))
    assert response.status_code == 400
    assert re.search(r"季度运营数据.{0,12}第\s*2\s*行.*已审核", problems(response)), problems(
        response
    )


def test_operating_rows_of_a_quarter_not_begun_are_refused_at_preview(
    client_for, staff, ledger, monkeypatch
):
    """As the entry grid and the write refuse them: the preview names the row
    instead of offering a confirmation that would fail."""
    monkeypatch.setattr(deadlines, "today", lambda: datetime.date(2026, 9, 30))
    data = build_workbook(
        {"季度运营数据": [["昆阳", "昆阳科创孵化器", 2026, 4, *OPERATING_ROW, ""]]}
    )
    response = upload(client_for(staff), data)
    assert response.status_code == 400
    assert re.search(r"季度运营数据.{0,12}第\s*2\s*行.*2026年第4季度尚未开始", problems(response))
    assert not PendingImport.objects.exists()


def test_titles_of_firms_sharing_a_name_stay_with_their_own_firm(client_for, staff, ledger, plan):
    """Two firms without credit codes share a name (the form allows it); the
    titles sheet names firms only by name and code. Uploaded back unchanged,
    each title stays where it is; a new one for that name cannot be placed
    and is refused rather than given to either."""
    title = plan.ledger_flags.get(name="高新技术企业")
    firms = [
        Enterprise.objects.create(
            plan=plan,
            name="同名科技公司",
            incubator=ledger[hub],
            entered_on=datetime.date(2025, 3, 1),
            stage="incubating",
        )
        for hub in ("hub", "other")
    ]
    EnterpriseFlagGrant.objects.create(
        enterprise=firms[0], flag=title, granted_on=datetime.date(2025, 12, 1)
    )
    client = client_for(staff)
    exported = client.get(EXPORT).content
    unchanged = upload(client, exported)
    assert "完全一致,无需导入" in unchanged.content.decode(), problems(unchanged)
    holders = EnterpriseFlagGrant.objects.filter(flag=title).values_list("enterprise", flat=True)
    assert set(holders) == {ledger["firm"].pk, firms[0].pk}

    sheets = sheets_of(exported)
    sheets["企业标识"].append(["同名科技公司", None, "高新技术企业", "2026-06-01"])
    response = upload(client, build_workbook({name: rows[1:] for name, rows in sheets.items()}))
    assert response.status_code == 400
    assert "有多家企业名为“同名科技公司”且没有统一社会信用代码" in problems(response)
    assert not EnterpriseFlagGrant.objects.filter(enterprise=firms[1]).exists()


def edited(data: bytes, change) -> bytes:
    book = load_workbook(io.BytesIO(data))
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("written", [1e30, 1e15])
def test_an_area_too_large_to_store_is_named_as_such(client_for, staff, ledger, written):
    """Not a server error (1e30 cannot be rounded to 0.01), nor "too many
    decimals" for a whole number."""
    data = build_workbook({"孵化载体": [new_incubator_row(area=written)]})
    response = upload(client_for(staff), data)
    assert response.status_code == 400
    text = problems(response)
    assert "工作表“孵化载体”第2行G列(面积(万平方米)):数值过大" in text
    assert "两位小数" not in text
    assert not Incubator.objects.filter(name="昆阳新基地").exists()


def test_merged_cells_refuse_the_file_naming_the_range(client_for, staff, ledger):
    """Only a merged range's first cell keeps its content: the others would
    read as blank and clear what is stored (an incubator's 运营机构)."""
    client = client_for(staff)
    exported = client.get(EXPORT).content
    before = list(Incubator.objects.values_list("pk", "operator"))
    data = edited(exported, lambda book: book["孵化载体"].merge_cells("C2:C3"))
    response = upload(client, data)
    assert response.status_code == 400
    assert "工作表“孵化载体”第2行C列:单元格 C2:C3 是合并单元格" in problems(response)
    assert list(Incubator.objects.values_list("pk", "operator")) == before


def test_a_sheet_renamed_by_a_space_is_named_not_skipped(client_for, staff, ledger):
    client = client_for(staff)
    data = edited(
        client.get(EXPORT).content, lambda book: setattr(book["孵化载体"], "title", "孵化载体 ")
    )
    response = upload(client, data)
    assert response.status_code == 400
    assert "工作表名“孵化载体 ”应为“孵化载体”(多了空格或全角字符);请改回原名" in problems(response)


def test_a_header_written_twice_is_named_not_read_from_the_wrong_column(client_for, staff, ledger):
    client = client_for(staff)

    def rename_note(book):
        book["孵化载体"]["K1"] = "区域"

    response = upload(client, edited(client.get(EXPORT).content, rename_note))
    assert response.status_code == 400
    text = problems(response)
    assert "工作表“孵化载体”第1行K列:列“区域”重复(已在A列)" in text
    assert "不是您可以导入的区域" not in text


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        # Excel shows a date-formatted 0 or 0.5 as a time of day, 1e7 as ####.
        (b"0", "单元格不是有效日期(Excel 中显示为时间或 ####)"),
        (b"0.5", "单元格不是有效日期(Excel 中显示为时间或 ####)"),
        (b"10000000", "单元格是数字(10000000),不是日期"),
        (b"-5", "单元格不是有效日期"),
    ],
)
def test_a_date_cell_holding_no_date_says_what_it_holds(
    client_for, staff, ledger, serial, expected
):
    """A date-formatted cell whose number is no calendar day: a message that
    says so, not the time of day read as text ("“00:00:00”不是日期")."""
    data = build_workbook({"孵化载体": [new_incubator_row(since=datetime.date(2025, 3, 31))]})
    data = patch_zip(
        data, lambda name, content: content.replace(b"<v>45747</v>", b"<v>" + serial + b"</v>")
    )
    response = upload(client_for(staff), data)
    assert response.status_code == 400
    text = problems(response)
    assert f"工作表“孵化载体”第2行I列(状态起始日期):{expected}" in text, text
    assert not Incubator.objects.filter(name="昆阳新基地").exists()
    assert not PendingImport.objects.exists()


@pytest.mark.parametrize("written", [b"_x0000_", b"_x0007_"])
def test_a_control_character_in_an_operating_note_is_listed(client_for, staff, ledger, written):
    """A NUL (which PostgreSQL refuses: a server error) or a BEL in 备注 of
    季度运营数据 is refused by row, as in every other text column."""
    data = build_workbook(
        {
            "孵化载体": [new_incubator_row()],
            "季度运营数据": [["昆阳", "昆阳新基地", 2026, 1, *OPERATING_ROW, "首季说明"]],
        }
    )
    written_as = ["首季说明".encode(), "".join(f"&#{ord(c)};" for c in "首季说明").encode()]

    def control(name, content):
        for text in written_as:  # as a shared string, or as openpyxl's character references
            content = content.replace(text, written)
        return content

    data = patch_zip(data, control)
    response = upload(client_for(staff), data)
    assert response.status_code == 400
    assert "工作表“季度运营数据”第2行" in problems(response)
    assert "控制字符" in problems(response)
    assert not Incubator.objects.filter(name="昆阳新基地").exists()


def test_a_file_over_the_row_limit_is_refused_before_anything_is_staged(
    client_for, staff, ledger, monkeypatch
):
    """The limit is on the data rows of every sheet together (both page
    requests write them all), headers not counted."""
    from reports.ledger import workbook_apply

    monkeypatch.setattr(workbook_apply, "LEDGER_MAX_ROWS", 3)
    firms = [[f"企业{i}", "", "昆阳", "昆阳科创孵化器", "", "2025-02-01", "苗圃"] for i in range(2)]
    titles = [[f"企业{i}", "", "高新技术企业", "2025-12-01"] for i in range(2)]
    client = client_for(staff)
    response = upload(client, build_workbook({"在孵企业": firms, "企业标识": titles}))
    assert response.status_code == 400
    assert "文件共 4 行数据,超过一次导入 3 行的上限" in response.content.decode()
    assert not PendingImport.objects.exists()
    assert not Enterprise.objects.filter(name__startswith="企业").exists()
    # As many rows as the limit: taken.
    response = upload(client, build_workbook({"在孵企业": firms, "企业标识": titles[:1]}))
    assert response.status_code == 302
    # The page says the limit before the upload.
    monkeypatch.undo()
    page = client.get(UPLOAD).content.decode()
    assert "一次不超过 5000 行数据" in page


def test_an_upload_of_many_firms_reads_nothing_more_for_each_row(plan, staff, ledger):
    """The dry run writes each row through the services; what it reads (the
    plan, the incubator, the derived figures) is read once, not per row: only
    the writes grow with the file (a PostgreSQL preview of 10,000 firms then
    fits a page request)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.figures.imports import upload_limits
    from reports.ledger.workbook import read_ledger_file
    from reports.ledger.workbook_apply import preview_ledger

    def reads(n: int) -> int:
        rows = [
            [f"新企业{n}-{i}", "", "昆阳", "昆阳科创孵化器", "", "2025-02-01", "苗圃"]
            for i in range(n)
        ]
        file = read_ledger_file(build_workbook({"在孵企业": rows}), upload_limits())
        with CaptureQueriesContext(connection) as queries:
            planned = preview_ledger(plan, staff, file)
        assert planned.ok and planned.changes == n, planned.problems
        return sum(q["sql"].lstrip().upper().startswith("SELECT") for q in queries)

    assert reads(3) == reads(12)


def test_operating_data_cleared_since_the_export_are_not_brought_back(client_for, staff, ledger):
    """A colleague clears 昆阳科创孵化器's 2026 Q1 after the export: the old
    row would bring the cleared figures back. Entered again (version 1 once
    more), the old row would overwrite them. Both are refused."""
    client = client_for(staff)
    sheets = sheets_of(client.get(EXPORT).content)
    hub = ledger["hub"]
    plan = hub.region.plan
    colleague = make_user("colleague", Role.COUNTY_STAFF, first_name="李四")
    blank = OperatingChange(hub.pk, 2026, 1, values=dict.fromkeys(METRIC_NAMES), seen_version=1)
    record_operating_data(plan, colleague, [blank], source=Source.FORM)
    row = exported_row(sheets, "季度运营数据", 载体名称=hub.name)

    response = upload(client, build_workbook({"季度运营数据": [row]}))
    assert response.status_code == 400
    assert "2026年第1季度的运营数据在本文件导出后已被清空" in problems(response)
    assert not IncubatorQuarter.objects.filter(incubator=hub).exists()

    again = change(hub, revenue=Decimal(1800), seen_version=0)
    record_operating_data(plan, colleague, [again], source=Source.FORM)
    assert IncubatorQuarter.objects.get(incubator=hub).version == 1  # as exported
    response = upload(client, build_workbook({"季度运营数据": [row]}))
    assert response.status_code == 400
    assert "在本文件导出后已被李四修改" in problems(response)
    assert IncubatorQuarter.objects.get(incubator=hub).revenue == Decimal(1800)


def test_a_record_renamed_since_the_export_is_not_registered_twice(client_for, staff, ledger):
    """A colleague renames the incubator and a firm without a credit code: the
    old rows name no record any more and would register both again. Their
    记录版本 belongs to another record: refused, nothing written."""
    client = client_for(staff)
    sheets = sheets_of(client.get(EXPORT).content)
    colleague = make_user("colleague", Role.COUNTY_STAFF)
    services.update_incubator(colleague, ledger["hub"], name="昆阳科创园")
    firm = Enterprise.objects.get(name="鳌江某某有限公司")
    services.update_enterprise(colleague, firm, name="鳌江某某科技有限公司")
    rows = {
        "孵化载体": [exported_row(sheets, "孵化载体", 载体名称="昆阳科创孵化器")],
        "在孵企业": [exported_row(sheets, "在孵企业", 企业名称="鳌江某某有限公司")],
    }
    incubators, firms = Incubator.objects.count(), Enterprise.objects.count()

    response = upload(client, build_workbook(rows))
    assert response.status_code == 400
    listed = problems(response).split(" | ")
    assert len(listed) == 2, listed
    assert all("本行的记录版本属于另一条记录" in line for line in listed), listed
    assert (Incubator.objects.count(), Enterprise.objects.count()) == (incubators, firms)

    # A new record, its 记录版本 cleared: taken as new.
    rows["孵化载体"][0][-1] = None
    assert confirm(client, upload(client, build_workbook({"孵化载体": rows["孵化载体"]})))
    assert Incubator.objects.count() == incubators + 1


def test_a_title_date_corrected_since_the_export_is_not_put_back(client_for, staff, ledger):
    """A colleague corrects the recognition's date through a fresh export; the
    older export sent back (another cell changed) would put the old date back.
    The correction moves the incubator's 记录版本, so the old rows are refused."""
    client = client_for(staff)
    old = sheets_of(client.get(EXPORT).content)
    colleague = make_user("colleague", Role.COUNTY_STAFF, first_name="李四")
    theirs = sign_in(Client(), colleague)  # client_for would sign the same client in
    fresh = sheets_of(theirs.get(EXPORT).content)
    recognition = exported_row(fresh, "载体认定", 载体名称="昆阳科创孵化器")
    recognition[fresh["载体认定"][0].index("认定日期")] = datetime.date(2025, 6, 15)
    assert confirm(theirs, upload(theirs, build_workbook({"载体认定": [recognition]})))
    assert IncubatorRecognition.objects.get().recognised_on == datetime.date(2025, 6, 15)

    hub_row = exported_row(old, "孵化载体", 载体名称="昆阳科创孵化器")
    hub_row[old["孵化载体"][0].index("备注")] = "补充说明"
    old_recognition = exported_row(old, "载体认定", 载体名称="昆阳科创孵化器")
    data = build_workbook({"孵化载体": [hub_row], "载体认定": [old_recognition]})
    response = upload(client, data)
    assert response.status_code == 400
    text = problems(response)
    assert text.count("“昆阳科创孵化器”在本文件导出后已被李四修改") == 2, text
    assert IncubatorRecognition.objects.get().recognised_on == datetime.date(2025, 6, 15)


def test_a_firm_moved_since_the_export_says_so(client_for, staff, ledger):
    client = client_for(staff)
    sheets = sheets_of(client.get(EXPORT).content)
    colleague = make_user("colleague", Role.COUNTY_STAFF, first_name="李四")
    firm = ledger["firm"]
    services.update_enterprise(colleague, firm, incubator=ledger["other"])
    row = exported_row(sheets, "在孵企业", 企业名称=firm.name)
    response = upload(client, build_workbook({"在孵企业": [row]}))
    assert response.status_code == 400
    assert "“平阳某某科技有限公司”在本文件导出后已被李四修改" in problems(response)


def test_a_record_version_not_written_by_the_export_is_named(client_for, staff, ledger):
    client = client_for(staff)
    sheets = sheets_of(client.get(EXPORT).content)
    row = exported_row(sheets, "孵化载体", 载体名称=ledger["hub"].name)
    row[sheets["孵化载体"][0].index("备注")] = "补充说明"
    row[-1] = "2025年版"
    response = upload(client, build_workbook({"孵化载体": [row]}))
    assert response.status_code == 400
    assert "记录版本:不是导出时写入的值;请重新导出后再改" in problems(response)


def test_a_file_sent_again_after_its_own_upload_says_the_change_was_the_senders(
    client_for, official, ledger
):
    """A township official uploads the exported ledger with a note added, then
    changes another cell of the same file and sends it again: the incubator
    changed since the export — by their own first upload, which the message
    says — so the row is refused, and the first upload's note stays."""
    client = client_for(official)
    sheets = sheets_of(client.get(EXPORT).content)
    row = exported_row(sheets, "孵化载体", 载体名称=ledger["hub"].name)
    header = sheets["孵化载体"][0]
    row[header.index("备注")] = "第一次"
    assert confirm(client, upload(client, build_workbook({"孵化载体": [row]})))
    row[header.index("运营机构")] = "另一家公司"
    response = upload(client, build_workbook({"孵化载体": [row]}))
    assert response.status_code == 400
    assert "在本文件导出后已由您本人修改(" in problems(response)
    assert "例如上一次上传" in problems(response)
    ledger["hub"].refresh_from_db()
    assert (ledger["hub"].note, ledger["hub"].operator) == ("第一次", "昆阳科创公司")


def test_a_stamp_never_tells_a_township_about_another_regions_firm(
    client_for, official, ledger, plan
):
    """A township official types another region's firm's credit code and its
    id in 记录版本: the refusal says the firm is registered elsewhere, as
    without the stamp, never its name, who changed it nor when."""
    colleague = make_user("colleague_b", Role.COUNTY_STAFF, first_name="王五")
    other = Enterprise.objects.create(
        plan=plan,
        name="鳌江另一科技有限公司",
        credit_code="91350100M000200Y3P",
        incubator=ledger["other"],
        entered_on=datetime.date(2025, 3, 1),
        stage="nursery",
    )
    services.update_enterprise(colleague, other, note="已核实")
    client = client_for(official)
    sheets = sheets_of(client.get(EXPORT).content)
    header = sheets["在孵企业"][0]
    row = exported_row(sheets, "在孵企业", 企业名称=ledger["firm"].name)
    row[header.index("企业名称")] = "随便写的名字"
    row[header.index("统一社会信用代码")] = other.credit_code
    row[header.index("记录版本")] = f"{other.pk}:whatever"
    response = upload(client, build_workbook({"在孵企业": [row]}))
    assert response.status_code == 400
    text = problems(response)
    assert "其他区域" in text, text
    assert "鳌江另一科技有限公司" not in text and "王五" not in text and "已核实" not in text
