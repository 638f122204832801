"""The ledger pages as their users use them: lists narrowed by the filters
with their counts, an incubator's page with its history, the forms (a bad
record is shown back with the reason and nothing written), the exports, the
duplicates page, and each role seeing and changing only what it may."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from reports.ledger import services
from reports.ledger.errors import LedgerError
from reports.models import DuplicateDecision, Enterprise, Incubator
from tests.reports.ledger_data import credit_code, enterprise, incubator, industry
from tests.signing_in import sign_in


@pytest.fixture
def ledger(plan, staff, region_a, region_b):
    """Two incubators in 昆阳 (one city-level makerspace), one in 鳌江."""
    tech = industry(plan)
    city = incubator(staff, region_a, name="昆阳众创空间", kind="makerspace", lead_industry=tech)
    services.add_recognition(staff, city, level=1, recognised_on=datetime.date(2025, 1, 1))
    services.add_recognition(staff, city, level=2, recognised_on=datetime.date(2025, 6, 1))
    building = incubator(
        staff, region_a, name="昆阳在建园", status="building", operating_since=None
    )
    aojiang = incubator(staff, region_b, name="鳌江孵化器", floor_area=Decimal("3.00"))
    enterprise(staff, city, name="甲科技有限公司", credit_code=credit_code(1), industry=tech)
    enterprise(staff, city, name="乙科技有限公司")
    enterprise(staff, aojiang, name="乙科技 有限公司", credit_code=credit_code(2))
    return {"city": city, "building": building, "aojiang": aojiang, "tech": tech}


def names(response) -> list[str]:
    return [row.record.name for row in response.context["table"].page.object_list]


def test_incubator_filters_narrow_the_list_and_its_counts(client_for, staff, ledger, region_a):
    client = client_for(staff)
    url = reverse("reports:ledger_incubators")
    everything = client.get(url)
    assert names(everything) == ["昆阳众创空间", "昆阳在建园", "鳌江孵化器"]
    assert everything.context["counts"]["total"] == 3
    assert everything.context["counts"]["floor_area"] == Decimal("5.50")
    assert "面积合计 5.50 万平方米" in everything.content.decode()  # two decimals, as kept
    assert client.get(url, {"region": region_a.pk}).context["counts"]["total"] == 2
    assert names(client.get(url, {"kind": "makerspace"})) == ["昆阳众创空间"]
    assert names(client.get(url, {"level": "2"})) == ["昆阳众创空间"]  # its highest
    assert names(client.get(url, {"level": "1"})) == []
    assert names(client.get(url, {"level": "0"})) == ["昆阳在建园", "鳌江孵化器"]
    assert names(client.get(url, {"industry": ledger["tech"].pk})) == ["昆阳众创空间"]
    assert names(client.get(url, {"status": "building"})) == ["昆阳在建园"]
    page = client.get(url, {"kind": "makerspace"}).content.decode()
    assert "共 1 个载体" in page and "市级" in page


def test_a_bad_filter_value_is_ignored_with_a_message(client_for, staff, ledger):
    response = client_for(staff).get(
        reverse("reports:ledger_incubators"), {"kind": "castle", "status": "building"}
    )
    assert response.status_code == 200
    assert names(response) == ["昆阳在建园"]  # the valid filter still applies
    assert "部分筛选条件无效,已忽略。" in response.content.decode()


def test_enterprise_list_marks_missing_codes_and_suspected_duplicates(client_for, staff, ledger):
    response = client_for(staff).get(reverse("reports:ledger_enterprises"))
    table = response.context["table"]
    markers = {row.record.name: table.markers_of(row.record) for row in table.page.object_list}
    assert markers == {
        "甲科技有限公司": [],
        "乙科技有限公司": ["无信用代码", "疑似重复"],
        "乙科技 有限公司": ["疑似重复"],
    }
    assert response.context["counts"]["without_code"] == 1


def test_enterprise_filters(client_for, staff, ledger, region_b):
    client = client_for(staff)
    url = reverse("reports:ledger_enterprises")
    assert names(client.get(url, {"region": region_b.pk})) == ["乙科技 有限公司"]
    assert names(client.get(url, {"kind": "makerspace"})) == ["乙科技有限公司", "甲科技有限公司"]
    assert names(client.get(url, {"level": "2"})) == ["乙科技有限公司", "甲科技有限公司"]
    assert names(client.get(url, {"industry": ledger["tech"].pk})) == ["甲科技有限公司"]
    assert names(client.get(url, {"stage": "nursery"})) == []
    assert names(client.get(url, {"without_code": "on"})) == ["乙科技有限公司"]


def test_township_official_sees_only_their_region(client_for, official, ledger):
    client = client_for(official)
    assert names(client.get(reverse("reports:ledger_incubators"))) == ["昆阳众创空间", "昆阳在建园"]
    firms = names(client.get(reverse("reports:ledger_enterprises")))
    assert firms == ["乙科技有限公司", "甲科技有限公司"]
    other = ledger["aojiang"]
    assert client.get(reverse("reports:ledger_incubator", args=[other.pk])).status_code == 404
    assert client.get(reverse("reports:ledger_incubator_edit", args=[other.pk])).status_code == 404
    response = client.post(
        reverse("reports:ledger_recognition_add", args=[other.pk]),
        {"level": "3", "recognised_on": "2025-07-01"},
    )
    assert response.status_code == 404 and not other.recognitions.exists()
    foreign = Enterprise.objects.get(incubator=other)
    edit = reverse("reports:ledger_enterprise_edit", args=[foreign.pk])
    assert client.post(edit, {"name": "改名"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "乙科技 有限公司"


def test_township_official_creates_an_incubator_in_their_region(
    client_for, official, region_a, region_b
):
    client = client_for(official)
    form = client.get(reverse("reports:ledger_incubator_create")).context["form"]
    assert list(form.fields["region"].queryset) == [region_a]
    data = {
        "region": region_a.pk,
        "name": "昆阳新园",
        "kind": "incubator",
        "floor_area": "0.80",
        "status": "operating",
        "status_since": "2025-04-01",
        "operating_since": "2025-04-01",
    }
    response = client.post(reverse("reports:ledger_incubator_create"), data)
    made = Incubator.objects.get(name="昆阳新园")
    assert response.status_code == 302 and response.url.endswith(f"/ledger/incubators/{made.pk}/")
    assert made.history.get().history_user == official
    # Another region's id is no choice of theirs: a form error, nothing written.
    response = client.post(
        reverse("reports:ledger_incubator_create"), {**data, "region": region_b.pk, "name": "x"}
    )
    assert response.status_code == 400 and not Incubator.objects.filter(name="x").exists()


@pytest.mark.parametrize(
    ("path", "changes", "says"),
    [
        ("enterprise", {"left_on": "2025-07-01", "exit_reason": "moved"}, "不能早于入孵日期"),
        ("enterprise", {"exit_reason": "moved"}, "须同时填写或同时留空"),
        ("incubator", {"floor_area": "-1"}, "确保该值大于或等于0。"),
        # Typed numbers read as the grid reads them: Python's Decimal would
        # store 1_5 as 15 and ٣ (an Arabic-Indic 3) as 3.
        ("incubator", {"floor_area": "1_5"}, "“1_5”不是数字。"),
        ("incubator", {"floor_area": "\u0663"}, "不是数字。"),
        ("incubator", {"floor_area": "1e1"}, "“1e1”不是数字。"),
    ],
    ids=[
        "left-before-entry",
        "reason-without-date",
        "negative-area",
        "underscore",
        "arabic",
        "exp",
    ],
)
def test_a_record_breaking_a_rule_is_told_so_in_words_not_by_constraint_name(
    client_for, official, region_a, ledger, path, changes, says
):
    data = {
        "enterprise": {
            "name": "丁科技有限公司",
            "incubator": ledger["city"].pk,
            "entered_on": "2025-08-01",
            "stage": "nursery",
        },
        "incubator": {
            "region": region_a.pk,
            "name": "昆阳新园",
            "kind": "incubator",
            "floor_area": "1",
            "status": "operating",
            "status_since": "2025-01-01",
            "operating_since": "2025-01-01",
        },
    }[path]
    response = client_for(official).post(
        reverse(f"reports:ledger_{path}_create"), {**data, **changes}
    )
    page = response.content.decode()
    assert response.status_code == 400 and says in page
    assert "约束" not in page and "_" not in "".join(response.context["form"].non_field_errors())
    assert not Enterprise.objects.filter(name="丁科技有限公司").exists()
    assert not Incubator.objects.filter(name="昆阳新园").exists()


def test_a_wrong_credit_code_is_shown_on_the_form_and_nothing_is_written(
    client_for, official, ledger
):
    client = client_for(official)
    data = {
        "name": "丙科技有限公司",
        "credit_code": "91350100M000100Y44",
        "incubator": ledger["city"].pk,
        "entered_on": "2025-08-01",
        "stage": "nursery",
    }
    response = client.post(reverse("reports:ledger_enterprise_create"), data)
    assert response.status_code == 400
    assert "校验位(第18位)不符" in response.content.decode()
    assert not Enterprise.objects.filter(name="丙科技有限公司").exists()
    response = client.post(reverse("reports:ledger_enterprise_create"), {**data, "credit_code": ""})
    assert response.status_code == 302
    assert Enterprise.objects.get(name="丙科技有限公司").credit_code == ""


def test_a_code_registered_in_another_township_is_refused_on_the_form(client_for, official, ledger):
    data = {
        "name": "另一个名字",
        "credit_code": credit_code(2),  # 鳌江's 乙科技
        "incubator": ledger["city"].pk,
        "entered_on": "2025-08-01",
        "stage": "nursery",
    }
    response = client_for(official).post(reverse("reports:ledger_enterprise_create"), data)
    page = response.content.decode()
    assert response.status_code == 400 and "已在其他区域登记" in page
    assert "鳌江" not in page


def as_posted(form) -> dict:
    """What the browser posts for ``form`` as the page rendered it."""
    data = {}
    for field in form:
        value = field.value()
        if isinstance(value, datetime.date):
            value = value.isoformat()
        data[field.name] = "" if value is None else value
    return data


@pytest.mark.parametrize("path", ["incubator", "enterprise"])
def test_an_edit_from_a_page_opened_before_a_colleagues_save_is_refused_not_lost(
    client_for, staff, official, ledger, path
):
    """Two people open the same record; the second save would silently undo the
    first (the form posts every field): it is refused, naming who changed it."""
    if path == "incubator":
        record = ledger["city"]
    else:
        record = Enterprise.objects.get(name="乙科技有限公司")
    url = reverse(f"reports:ledger_{path}_edit", args=[record.pk])
    mine, theirs = client_for(official), sign_in(Client(), staff)  # two browsers
    my_page = as_posted(mine.get(url).context["form"])
    their_page = as_posted(theirs.get(url).context["form"])
    assert my_page["seen"]  # the page carries the record as it showed it

    response = theirs.post(url, {**their_page, "note": "县科技局核实"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.note == "县科技局核实"

    response = mine.post(url, {**my_page, "name": "改名后"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "在您打开本页后已被staff修改" in page and "未保存" in page
    record.refresh_from_db()
    assert record.note == "县科技局核实" and record.name != "改名后"
    assert record.history.filter(name="改名后").count() == 0

    # Opened again, the page shows the colleague's change and saves.
    again = as_posted(mine.get(url).context["form"])
    assert again["note"] == "县科技局核实"
    assert mine.post(url, {**again, "name": "改名后"}).status_code == 302
    record.refresh_from_db()
    assert (record.name, record.note) == ("改名后", "县科技局核实")


def test_a_form_sent_twice_saves_once_and_another_tab_of_ones_own_is_named_as_such(
    client_for, staff, ledger
):
    city = ledger["city"]
    url = reverse("reports:ledger_incubator_edit", args=[city.pk])
    client = client_for(staff)
    first_tab = as_posted(client.get(url).context["form"])
    second_tab = as_posted(client.get(url).context["form"])
    edited = {**first_tab, "note": "第一次"}
    assert client.post(url, edited).status_code == 302
    # The same form again (a double click, a resent page): nothing to conflict with.
    assert client.post(url, edited).status_code == 302
    assert city.history.filter(note="第一次").count() == 1
    # The other tab, opened before: refused, saying who changed it.
    response = client.post(url, {**second_tab, "note": "第二次"})
    assert response.status_code == 400
    assert "已由您本人在别处修改" in response.content.decode()
    city.refresh_from_db()
    assert city.note == "第一次"


def test_a_recognition_added_meanwhile_also_makes_the_edit_page_stale(client_for, staff, ledger):
    city = ledger["city"]
    url = reverse("reports:ledger_incubator_edit", args=[city.pk])
    client = client_for(staff)
    page = as_posted(client.get(url).context["form"])
    services.add_recognition(staff, city, level=3, recognised_on=datetime.date(2025, 9, 1))
    response = client.post(url, {**page, "note": "x"})
    assert response.status_code == 400 and "未保存" in response.content.decode()
    city.refresh_from_db()
    assert city.note != "x"


@pytest.mark.parametrize("seen", [None, "", "2020-01-01T00:00:00+00:00", "x" * 81])
def test_an_edit_without_the_pages_stamp_is_refused(client_for, staff, ledger, seen):
    city = ledger["city"]
    url = reverse("reports:ledger_incubator_edit", args=[city.pk])
    client = client_for(staff)
    page = as_posted(client.get(url).context["form"])
    del page["seen"]
    data = {**page, "note": "x"} | ({} if seen is None else {"seen": seen})
    response = client.post(url, data)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    city.refresh_from_db()
    assert city.note != "x"


def test_the_service_refuses_a_stale_stamp_and_writes_without_one(staff, ledger):
    city = ledger["city"]
    seen = services.record_stamp(city)
    services.update_incubator(staff, city, note="第一次")
    with pytest.raises(LedgerError, match="未保存"):
        services.update_incubator(staff, city, seen=seen, note="第二次")
    city.refresh_from_db()
    assert city.note == "第一次"
    # The workbook and the admin pass no stamp; the current stamp passes.
    services.update_incubator(staff, city, seen=services.record_stamp(city), note="第三次")
    city.refresh_from_db()
    assert city.note == "第三次"


def test_the_incubator_page_shows_its_records_and_history(client_for, staff, leader, ledger):
    city = ledger["city"]
    services.update_incubator(staff, city, floor_area=Decimal("2.00"))
    page = client_for(leader).get(reverse("reports:ledger_incubator", args=[city.pk]))
    text = page.content.decode()
    assert "市级 · 2025-06-01" in text and "甲科技有限公司" in text
    assert "面积(万平方米):1.25 → 2.00" in text
    assert "添加认定" not in text  # leaders read only


def test_the_incubator_page_marks_its_enterprises_and_pages_its_history(
    client_for, staff, official, ledger
):
    city = ledger["city"]
    for area in range(2, 25):  # 23 changes and the creation: two pages of history
        services.update_incubator(staff, city, floor_area=Decimal(area))
    url = reverse("reports:ledger_incubator", args=[city.pk])
    page = client_for(official).get(url)
    firms = {row.record.name: row for row in page.context["enterprises"].page.object_list}
    assert set(firms) == {"甲科技有限公司", "乙科技有限公司"}
    # 乙 shares its name with 鳌江's 乙科技 有限公司: marked, as on the enterprise list.
    assert firms["乙科技有限公司"].get_cell_value("markers") == "无信用代码、疑似重复"
    assert firms["甲科技有限公司"].get_cell_value("markers") == ""
    text = page.content.decode()
    assert "在孵企业(在孵 2 家,累计 2 家)" in text
    assert "载体类型" not in page.context["enterprises"].columns.names()
    # Newest first, twenty to a page; the rest (and the creation) on the next.
    history = page.context["history"].page.object_list
    assert len(history) == 20 and "24.00" in text and "面积(万平方米):1.25 → 2.00" not in text
    older = client_for(official).get(url, {"history-page": "2"}).content.decode()
    assert "面积(万平方米):1.25 → 2.00" in older and "创建" in older
    # Paging the history leaves the enterprises on their first page, and back.
    assert client_for(official).get(url, {"history-page": "abc"}).status_code == 200


def test_a_recognition_posted_on_the_page_is_added(client_for, official, ledger):
    city = ledger["city"]
    url = reverse("reports:ledger_recognition_add", args=[city.pk])
    response = client_for(official).post(url, {"level": "3", "recognised_on": "2026-01-05"})
    assert response.status_code == 302
    assert list(city.recognitions.values_list("level", flat=True).order_by("level")) == [1, 2, 3]
    again = client_for(official).post(
        url, {"level": "3", "recognised_on": "2026-01-05"}, follow=True
    )
    assert "该载体已有省级认定。" in again.content.decode()


def test_a_recognition_dated_after_today_is_refused_on_the_form(client_for, official, ledger):
    city = ledger["city"]
    url = reverse("reports:ledger_recognition_add", args=[city.pk])
    response = client_for(official).post(
        url, {"level": "3", "recognised_on": "2099-01-05"}, follow=True
    )
    assert response.status_code == 200
    assert "认定日期:2099-01-05 晚于今天" in response.content.decode()
    assert sorted(city.recognitions.values_list("level", flat=True)) == [1, 2]


def test_leaders_cannot_open_the_forms(client_for, leader, ledger):
    client = client_for(leader)
    assert client.get(reverse("reports:ledger_incubator_create")).status_code == 403
    edit = reverse("reports:ledger_incubator_edit", args=[ledger["city"].pk])
    assert client.post(edit, {"name": "改名"}).status_code == 403


def test_exports_hold_every_filtered_row_and_no_live_formula(client_for, staff, ledger, region_a):
    enterprise(staff, ledger["city"], name='=HYPERLINK("x")公司')
    client = client_for(staff)
    url = reverse("reports:ledger_enterprises")
    response = client.get(url, {"region": region_a.pk, "_export": "xlsx"})
    assert "%E5%9C%A8%E5%AD%B5%E4%BC%81%E4%B8%9A.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("企业名称", "统一社会信用代码", "提示")
    assert sorted(row[0] for row in rows[1:]) == sorted(
        ['=HYPERLINK("x")公司', "乙科技有限公司", "甲科技有限公司"]
    )
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    streamed = client.get(url, {"_export": "csv"}).streaming_content
    text = b"".join(streamed).decode("utf-8-sig")
    cells = [row[0] for row in csv.reader(io.StringIO(text))]
    assert '\'=HYPERLINK("x")公司' in cells


def test_staff_settle_a_duplicate_on_its_page(client_for, staff, official, ledger):
    a = Enterprise.objects.get(name="乙科技有限公司")
    b = Enterprise.objects.get(name="乙科技 有限公司")
    url = reverse("reports:ledger_duplicates")
    assert client_for(official).get(url).status_code == 403
    client = client_for(staff)
    assert "乙科技 有限公司" in client.get(url).content.decode()
    data = {"first": a.pk, "second": b.pk, "keep": b.pk, "action": "merge", "reason": "同一企业"}
    missing_reason = client.post(url, {**data, "reason": ""}, follow=True)
    assert "理由" in missing_reason.content.decode() and Enterprise.objects.count() == 3
    assert client.post(url, data).status_code == 302
    assert not Enterprise.objects.filter(pk=a.pk).exists()
    decision = DuplicateDecision.objects.get()
    assert decision.reason == "同一企业" and decision.decided_by == staff
    assert "同一企业" in client.get(url).content.decode()


def test_a_merge_reason_longer_than_a_history_note_is_kept_whole_where_it_is_given(
    client_for, staff, ledger
):
    """The history rows' note holds 100 characters (on PostgreSQL a longer one
    was a server error): it is cut there, the decision keeps the reason whole."""
    a = Enterprise.objects.get(name="乙科技有限公司")
    b = Enterprise.objects.get(name="乙科技 有限公司")
    reason = "核实为同一企业," + "经现场核查" * 40
    data = {"first": a.pk, "second": b.pk, "keep": b.pk, "action": "merge", "reason": reason}
    assert client_for(staff).post(reverse("reports:ledger_duplicates"), data).status_code == 302
    assert DuplicateDecision.objects.get().reason == reason
    note = b.history.latest("history_date").history_change_reason
    assert len(note) == 100 and note.endswith("…") and reason.startswith(note[:-1])


def test_many_suspect_pairs_come_a_page_at_a_time_and_a_decision_returns_to_its_page(
    client_for, staff, ledger
):
    city = ledger["city"]
    for n in range(7):  # 丙 ×7: 21 pairs, with 乙's 22, two more than a page
        enterprise(staff, city, name=f"丙科技{' ' * n}有限公司")
    url = reverse("reports:ledger_duplicates")
    client = client_for(staff)
    first = client.get(url)
    text = first.content.decode()
    assert "待处理 22 对。" in text and "第 1 / 2 页" in text
    assert len(first.context["pairs"].object_list) == 20
    for nonsense in ["abc", "0", "-1", "99"]:
        assert client.get(url, {"page": nonsense}).status_code == 200
    for left in (21, 20):
        pair = client.get(url, {"page": "2"}).context["pairs"].object_list[-1]
        data = {
            "first": pair.first.pk,
            "second": pair.second.pk,
            "action": "distinct",
            "reason": "不同企业",
            "page": "2",
        }
        response = client.post(url, data)
        assert response.status_code == 302 and response["Location"] == f"{url}?page=2"
        after = client.get(response["Location"])
        assert f"待处理 {left} 对。" in after.content.decode()
    # Page 2 is gone with its last pair: the last page there is is shown.
    assert after.context["pairs"].number == 1 and "第 1 / 2 页" not in after.content.decode()
    assert "不同企业" in after.content.decode()
    assert client.post(url, {**data, "page": "../../x"})["Location"] == url


# --- Malformed requests -----------------------------------------------------------------

NONSENSE = [
    {},
    {"region": "abc", "kind": "\x00", "level": "99", "industry": "-1", "status": "x" * 5000},
    {"level": ["1", "2"], "page": "abc", "sort": "no_such_column", "query": "x" * 10000},
    {"page": "999999", "_export": "pdf"},
    {"without_code": "maybe", "stage": "'; DROP TABLE reports_enterprise; --"},
]
BAD_BODIES = [
    {},
    {"name": "x" * 10000, "region": "abc", "floor_area": "1e999", "status_since": "2025-02-30"},
    {"incubator": "99999999999999999999", "entered_on": "昨天", "credit_code": "x" * 10000},
    {"level": "9", "recognised_on": "0000-00-00", "flag": "abc", "granted_on": "\x00"},
    {"action": "merge", "first": "1", "second": "99999999999999999999", "keep": "x", "reason": "r"},
]


def test_nonsense_never_gets_a_server_error_nor_a_write(client_for, staff, official, ledger):
    city = ledger["city"]
    firm = Enterprise.objects.filter(incubator=city).first()
    urls = [
        reverse("reports:ledger_incubators"),
        reverse("reports:ledger_enterprises"),
        reverse("reports:ledger_incubator", args=[city.pk]),
        reverse("reports:ledger_incubator", args=[99999999999999999999]),
        reverse("reports:ledger_incubator_create"),
        reverse("reports:ledger_incubator_edit", args=[city.pk]),
        reverse("reports:ledger_enterprise_create"),
        reverse("reports:ledger_enterprise_edit", args=[firm.pk]),
        reverse("reports:ledger_enterprise_edit", args=[99999999999999999999]),
        reverse("reports:ledger_recognition_add", args=[city.pk]),
        reverse("reports:ledger_incubator_flag", args=[city.pk]),
        reverse("reports:ledger_enterprise_flag", args=[firm.pk]),
        reverse("reports:ledger_duplicates"),
    ]
    before = (
        list(Incubator.objects.values()),
        list(Enterprise.objects.values()),
        city.recognitions.count(),
        DuplicateDecision.objects.count(),
    )
    for user in (staff, official):
        client = client_for(user)
        client.raise_request_exception = False
        for url in urls:
            for query in NONSENSE:
                response = client.get(url, query)
                assert response.status_code < 500, (url, query, response.status_code)
            for body in BAD_BODIES:
                response = client.post(url, body)
                assert response.status_code < 500, (url, body, response.status_code)
    after = (
        list(Incubator.objects.values()),
        list(Enterprise.objects.values()),
        city.recognitions.count(),
        DuplicateDecision.objects.count(),
    )
    assert after == before


def test_the_ledger_pages_read_in_english_but_for_the_data(client_for, staff, plan, ledger):
    from django.conf import settings

    from tests.test_translations import CJK, data_words

    services.grant_incubator_flag(
        staff,
        ledger["city"],
        flag=plan.ledger_flags.filter(applies_to="incubator").first(),
        granted_on=datetime.date(2025, 8, 1),
    )
    data = data_words(plan) | {
        run
        for text in [
            *Incubator.objects.values_list("name", flat=True),
            *Enterprise.objects.values_list("name", flat=True),
            *plan.ledger_flags.values_list("name", flat=True),
            ledger["tech"].name,
        ]
        for run in CJK.findall(text)
    }
    client = client_for(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    firm = Enterprise.objects.filter(incubator=ledger["city"]).first()
    for url in [
        reverse("reports:ledger_incubators"),
        reverse("reports:ledger_enterprises"),
        reverse("reports:ledger_incubator", args=[ledger["city"].pk]),
        reverse("reports:ledger_enterprise_edit", args=[firm.pk]),
        reverse("reports:ledger_duplicates"),
    ]:
        page = client.get(url).content.decode()
        leftover = set(CJK.findall(page)) - data
        assert not leftover, (url, sorted(leftover))
