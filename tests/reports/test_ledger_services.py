"""The ledger's one write path: who may write which region's records, what a
bad record gets (every problem, in Chinese, nothing written), credit codes,
one record per enterprise, and the history of every change."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from reports.ledger import services
from reports.ledger.errors import LedgerError
from reports.models import Enterprise, Incubator, IncubatorRecognition
from targets.ledger import LedgerFlag
from tests.reports.ledger_data import credit_code, enterprise, incubator, industry

VALID = "91350100M000100Y43"


# --- Who may write ---------------------------------------------------------------------


def test_township_official_creates_incubators_in_their_own_region_only(
    official, region_a, region_b
):
    made = incubator(official, region_a)
    assert made.region == region_a and made.updated_by == official
    with pytest.raises(PermissionDenied):
        incubator(official, region_b, name="别处孵化园")
    assert not Incubator.objects.filter(region=region_b).exists()


def test_township_official_cannot_move_an_incubator_to_another_region(official, region_a, region_b):
    made = incubator(official, region_a)
    with pytest.raises(PermissionDenied):
        services.update_incubator(official, made, region=region_b)
    made.refresh_from_db()
    assert made.region == region_a


def test_township_official_cannot_touch_another_regions_records(official, other_official, region_b):
    theirs = incubator(other_official, region_b)
    firm = enterprise(other_official, theirs)
    with pytest.raises(PermissionDenied):
        services.update_incubator(official, theirs, name="改名")
    with pytest.raises(PermissionDenied):
        services.add_recognition(official, theirs, level=2, recognised_on=datetime.date(2025, 6, 1))
    with pytest.raises(PermissionDenied):
        services.update_enterprise(official, firm, name="改名")
    with pytest.raises(PermissionDenied):
        enterprise(official, theirs, name="另一家公司")
    theirs.refresh_from_db()
    assert theirs.name == "科创孵化园" and Enterprise.objects.count() == 1


def test_county_staff_write_any_region(staff, region_a, region_b):
    assert incubator(staff, region_a).region == region_a
    assert incubator(staff, region_b).region == region_b


def test_leaders_write_nothing(leader, staff, region_a):
    with pytest.raises(PermissionDenied):
        incubator(leader, region_a)
    made = incubator(staff, region_a)
    with pytest.raises(PermissionDenied):
        services.update_incubator(leader, made, name="改名")
    with pytest.raises(PermissionDenied):
        enterprise(leader, made)


# --- History ----------------------------------------------------------------------------


def test_every_change_is_in_the_history_with_who_made_it(staff, official, region_a):
    made = incubator(official, region_a)
    services.update_incubator(staff, made, floor_area=Decimal("2.50"), status="rectifying")
    records = list(made.history.order_by("history_date"))
    assert [(r.history_user, r.floor_area, r.status) for r in records] == [
        (official, Decimal("1.25"), "operating"),
        (staff, Decimal("2.50"), "rectifying"),
    ]
    made.refresh_from_db()
    assert made.updated_by == staff


def test_a_recognition_is_kept_in_history_and_marks_who_changed_the_incubator(
    staff, official, region_a
):
    made = incubator(official, region_a)
    services.add_recognition(staff, made, level=2, recognised_on=datetime.date(2025, 9, 1))
    recognition = IncubatorRecognition.objects.get(incubator=made)
    assert recognition.history.get().history_user == staff
    made.refresh_from_db()
    assert made.updated_by == staff


# --- Bad records ------------------------------------------------------------------------


def test_a_bad_incubator_gets_every_problem_and_nothing_is_written(official, region_a, plan):
    with pytest.raises(LedgerError) as refused:
        incubator(
            official,
            region_a,
            name="x" * 300,
            status="building",
            operating_since=datetime.date(2025, 1, 1),
            kind="castle",
            lead_industry=industry(plan),
            second_industry=industry(plan),
        )
    text = "\n".join(refused.value.messages)
    assert "载体名称" in text
    assert "载体类型" in text
    assert "在建载体不填投入运营日期" in text
    assert "第二主导产业不能与主导产业相同" in text
    assert not Incubator.objects.exists()


def test_an_operating_incubator_needs_its_opening_date(official, region_a):
    with pytest.raises(LedgerError) as refused:
        incubator(official, region_a, operating_since=None)
    assert refused.value.messages == ["运营中(或限期整改)的载体需填写投入运营日期。"]


def test_two_incubators_of_one_region_cannot_share_a_name(
    official, other_official, region_a, region_b
):
    incubator(official, region_a, name="科创孵化园")
    with pytest.raises(LedgerError) as refused:
        incubator(official, region_a, name=" 科创孵化园 ")
    assert "昆阳已有名为" in refused.value.messages[0]
    # Another region may have its own.
    incubator(other_official, region_b, name="科创孵化园")


@pytest.mark.parametrize(
    "written",
    [
        "(演示)昆阳科创园",
        " （演示） 昆阳 科创园 ",
        "（演示）昆阳科创园\u200b",  # zero-width space
        "（演示）昆阳科创园\u034f",  # combining grapheme joiner
        "（演示）昆阳科创园\ufe0f",  # variation selector
        "（演示）昆阳\u3164科创园",  # Hangul filler
        "（演示）昆阳科创园\x7f",  # DEL
    ],
)
def test_names_the_ledger_workbook_reads_as_one_are_one_incubator(official, region_a, written):
    """The workbook matches an incubator by its folded name (full width, no
    spaces): a second record whose name differs only so would make every
    workbook naming it ambiguous. Renaming into such a clash is refused too."""
    incubator(official, region_a, name="（演示）昆阳科创园")
    with pytest.raises(LedgerError) as refused:
        incubator(official, region_a, name=written)
    assert "已有名为“（演示）昆阳科创园”的载体" in refused.value.messages[0]
    other = incubator(official, region_a, name="另一园区")
    with pytest.raises(LedgerError):
        services.update_incubator(official, other, name=written)
    assert Incubator.objects.filter(region=region_a).count() == 2


def test_a_name_or_note_with_invisible_characters_is_refused(official, region_a):
    for invisible in ("\u200b", "\u3164", "\u115f\u1160", "\u2800"):  # braille blank
        with pytest.raises(LedgerError) as refused:
            incubator(official, region_a, name=invisible)
        assert "载体名称:请填写看得见的名称。" in refused.value.messages
    with pytest.raises(LedgerError) as refused:
        incubator(official, region_a, name="坏\x0b名", note="备注\x01")
    assert sum("控制字符" in m for m in refused.value.messages) == 2
    assert not Incubator.objects.exists()


def test_a_level_is_recognised_once(official, region_a):
    made = incubator(official, region_a)
    services.add_recognition(official, made, level=2, recognised_on=datetime.date(2025, 6, 1))
    with pytest.raises(LedgerError) as refused:
        services.add_recognition(official, made, level=2, recognised_on=datetime.date(2026, 6, 1))
    assert refused.value.messages == ["该载体已有市级认定。"]


def test_a_title_must_be_one_for_that_kind_of_record(official, region_a, plan):
    made = incubator(official, region_a)
    firm_flag = plan.ledger_flags.filter(applies_to=LedgerFlag.Applies.ENTERPRISE).first()
    with pytest.raises(LedgerError):
        services.grant_incubator_flag(
            official, made, flag=firm_flag, granted_on=datetime.date(2025, 6, 1)
        )
    own_flag = plan.ledger_flags.filter(applies_to=LedgerFlag.Applies.INCUBATOR).first()
    grant = services.grant_incubator_flag(
        official, made, flag=own_flag, granted_on=datetime.date(2025, 6, 1)
    )
    assert grant.history.get().history_user == official


def test_an_exit_needs_date_and_reason_and_comes_after_entry(official, region_a):
    made = incubator(official, region_a)
    with pytest.raises(LedgerError) as refused:
        enterprise(official, made, left_on=datetime.date(2025, 1, 1))
    assert set(refused.value.messages) == {
        "毕业或退出日期不能早于入孵日期。",
        "毕业或退出日期与原因需同时填写(仍在孵则都留空)。",
    }
    assert not Enterprise.objects.exists()


# --- Credit codes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("91350100M000100Y4", "统一社会信用代码应为18位,“91350100M000100Y4”为17位。"),
        (
            "91350100M000100I43",
            "统一社会信用代码“91350100M000100I43”含无效字符“I”:"
            "只能是数字和大写字母(不含 I、O、Z、S、V)。",
        ),
        (
            "91350100M0001-0Y43",
            "统一社会信用代码“91350100M0001-0Y43”含无效字符“-”:"
            "只能是数字和大写字母(不含 I、O、Z、S、V)。",
        ),
        # A superscript is no digit (NFKC alone would make it one).
        (
            "⁹1350100M000100Y43",
            "统一社会信用代码“⁹1350100M000100Y43”含无效字符“⁹”:"
            "只能是数字和大写字母(不含 I、O、Z、S、V)。",
        ),
        (
            "91350100M000100Y44",
            "统一社会信用代码“91350100M000100Y44”的校验位(第18位)不符,请核对是否有录错的字符。",
        ),
    ],
)
def test_a_wrong_credit_code_says_what_is_wrong(official, region_a, raw, message):
    made = incubator(official, region_a)
    with pytest.raises(LedgerError) as refused:
        enterprise(official, made, credit_code=raw)
    assert refused.value.messages == [message]
    assert not Enterprise.objects.exists()


def test_a_credit_code_is_cleaned_before_it_is_saved(official, region_a):
    made = incubator(official, region_a)
    firm = enterprise(official, made, credit_code=" ９１350100m000100y43 ")
    assert firm.credit_code == VALID


def test_an_enterprise_without_a_code_is_allowed_and_flagged(official, region_a):
    firm = enterprise(official, incubator(official, region_a))
    assert firm.credit_code == "" and not firm.has_credit_code


# --- One record per enterprise ----------------------------------------------------------


def test_a_code_already_registered_in_another_township_is_refused_without_its_details(
    official, other_official, region_a, region_b
):
    theirs = incubator(other_official, region_b, name="鳌江孵化园")
    enterprise(other_official, theirs, name="温州某科技有限公司", credit_code=VALID)
    mine = incubator(official, region_a)
    with pytest.raises(LedgerError) as refused:
        enterprise(official, mine, name="温州某科技", credit_code=VALID)
    (message,) = refused.value.messages
    assert "已在其他区域登记" in message
    assert "鳌江" not in message and "温州某科技有限公司" not in message
    assert Enterprise.objects.count() == 1


def test_staff_are_told_where_a_code_is_registered(staff, region_a, region_b):
    theirs = incubator(staff, region_b, name="鳌江孵化园")
    enterprise(staff, theirs, name="温州某科技有限公司", credit_code=VALID)
    with pytest.raises(LedgerError) as refused:
        enterprise(staff, incubator(staff, region_a), name="别名", credit_code=VALID)
    assert "“温州某科技有限公司”(鳌江 · 鳌江孵化园)" in refused.value.messages[0]


def test_a_code_in_another_incubator_of_the_same_township_names_it(official, region_a):
    first = incubator(official, region_a, name="一号园")
    enterprise(official, first, name="甲公司", credit_code=VALID)
    second = incubator(official, region_a, name="二号园")
    with pytest.raises(LedgerError) as refused:
        enterprise(official, second, name="甲公司", credit_code=VALID)
    assert "“甲公司”(昆阳 · 一号园)" in refused.value.messages[0]


def test_changing_a_code_to_one_already_registered_is_refused(official, region_a):
    made = incubator(official, region_a)
    enterprise(official, made, name="甲公司", credit_code=credit_code(1))
    other = enterprise(official, made, name="乙公司", credit_code=credit_code(2))
    with pytest.raises(LedgerError):
        services.update_enterprise(official, other, credit_code=credit_code(1))
    other.refresh_from_db()
    assert other.credit_code == credit_code(2)
    # Saving a record with its own code is no conflict.
    services.update_enterprise(official, other, note="核实")


def test_saving_a_record_unchanged_adds_no_history(official, region_a):
    made = incubator(official, region_a)
    firm = enterprise(official, made, credit_code=VALID)
    services.update_incubator(official, made, name="科创孵化园", floor_area=Decimal("1.25"))
    services.update_enterprise(official, firm, credit_code=VALID.lower(), stage="incubating")
    assert made.history.count() == 1 and firm.history.count() == 1


def test_township_official_cannot_move_an_enterprise_to_another_region(
    official, other_official, region_a, region_b
):
    firm = enterprise(official, incubator(official, region_a))
    theirs = incubator(other_official, region_b)
    with pytest.raises(PermissionDenied):
        services.update_enterprise(official, firm, incubator=theirs)
    firm.refresh_from_db()
    assert firm.incubator.region == region_a


def test_a_ledger_date_is_one_that_has_happened(official, region_a, plan):
    """A recognition, a title, an opening or an entry is a fact: a date after
    today or a slip like year 0001 is refused, naming the field."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(LedgerError) as refused:
        incubator(official, region_a, operating_since=datetime.date(1, 1, 1))
    assert refused.value.messages == ["投入运营日期:0001-01-01 早于 1980-01-01,请核对年份。"]
    made = incubator(official, region_a)
    with pytest.raises(LedgerError) as refused:
        services.add_recognition(official, made, level=2, recognised_on=tomorrow)
    assert refused.value.messages == [
        f"认定日期:{tomorrow.isoformat()} 晚于今天({timezone.localdate().isoformat()});"
        "台账只记已发生的事。"
    ]
    flag = plan.ledger_flags.filter(applies_to=LedgerFlag.Applies.INCUBATOR).first()
    with pytest.raises(LedgerError):
        services.grant_incubator_flag(official, made, flag=flag, granted_on=tomorrow)
    with pytest.raises(LedgerError) as refused:
        enterprise(official, made, entered_on=datetime.date(2099, 1, 1))
    assert refused.value.messages[0].startswith("入孵日期:2099-01-01 晚于今天")
    assert not made.recognitions.exists() and not made.flag_grants.exists()
    assert not Enterprise.objects.filter(incubator=made).exists()
    # Today itself is a day that has happened.
    services.add_recognition(official, made, level=2, recognised_on=timezone.localdate())
