"""The same firm reported twice — by two townships, two incubators, with and
without its code — is found, and the bureau settles it once: merged (titles
kept, one record left) or recorded as two different firms."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from reports.ledger import services
from reports.ledger.duplicates import mark_distinct, merge_enterprises, suspect_ids, suspect_pairs
from reports.ledger.errors import LedgerError
from reports.models import DuplicateDecision, Enterprise, EnterpriseFlagGrant
from targets.ledger import LedgerFlag
from tests.reports.ledger_data import credit_code, enterprise, incubator


@pytest.fixture
def two_townships(official, other_official, region_a, region_b):
    """昆阳 registers 平阳某某科技有限公司 with its code; 鳌江 the same firm,
    written differently, without one."""
    kunyang = incubator(official, region_a, name="昆阳孵化园")
    aojiang = incubator(other_official, region_b, name="鳌江孵化园")
    first = enterprise(official, kunyang, name="平阳某某科技有限公司", credit_code=credit_code(1))
    second = enterprise(other_official, aojiang, name="平阳某某科技 (有限公司)")
    return first, second


def test_the_same_firm_in_two_townships_is_a_suspect(
    plan, two_townships, django_assert_num_queries
):
    first, second = two_townships
    with django_assert_num_queries(2):
        pairs = suspect_pairs(plan)
        assert [(p.first.incubator.region.name, p.second.incubator.region.name) for p in pairs] == [
            ("昆阳", "鳌江")
        ]
    assert (pairs[0].first, pairs[0].second) == (first, second)
    assert suspect_ids(plan) == {first.pk, second.pk}


def test_the_same_name_with_different_codes_is_a_suspect(plan, official, region_a):
    home = incubator(official, region_a)
    a = enterprise(official, home, name="甲科技有限公司", credit_code=credit_code(1))
    b = enterprise(official, home, name="甲科技有限公司 ", credit_code=credit_code(2))
    enterprise(official, home, name="乙科技有限公司")
    (pair,) = suspect_pairs(plan)
    assert {pair.first, pair.second} == {a, b} and pair.codes_differ


def test_suspects_are_found_in_constant_queries(
    plan, official, region_a, django_assert_num_queries
):
    home = incubator(official, region_a)
    rows = [
        Enterprise(
            plan=plan,
            incubator=home,
            name=f"企业{n // 2}",
            normalised_name=f"企业{n // 2}",
            entered_on=datetime.date(2025, 1, 1),
            stage="incubating",
        )
        for n in range(400)
    ]
    Enterprise.objects.bulk_create(rows)
    with django_assert_num_queries(2):
        assert len(suspect_pairs(plan)) == 200
    with django_assert_num_queries(2):
        assert len(suspect_ids(plan)) == 400


def test_merging_keeps_one_record_with_both_titles_and_the_code(plan, staff, two_townships):
    first, second = two_townships
    flags = list(plan.ledger_flags.filter(applies_to=LedgerFlag.Applies.ENTERPRISE)[:2])
    services.grant_enterprise_flag(
        staff, first, flag=flags[0], granted_on=datetime.date(2025, 9, 1)
    )
    services.grant_enterprise_flag(
        staff, second, flag=flags[0], granted_on=datetime.date(2025, 6, 1)
    )
    services.grant_enterprise_flag(
        staff, second, flag=flags[1], granted_on=datetime.date(2026, 1, 1)
    )
    # Keep 鳌江's record (it has no code): it gains 昆阳's code.
    decision = merge_enterprises(
        plan, staff, keep_id=second.pk, drop_id=first.pk, reason="同一企业,已核实营业执照"
    )
    assert list(Enterprise.objects.values_list("pk", "credit_code")) == [
        (second.pk, credit_code(1))
    ]
    assert sorted(
        EnterpriseFlagGrant.objects.values_list("enterprise_id", "flag_id", "granted_on")
    ) == sorted(
        [
            (second.pk, flags[0].pk, datetime.date(2025, 6, 1)),  # the earlier date kept
            (second.pk, flags[1].pk, datetime.date(2026, 1, 1)),
        ]
    )
    assert decision.kind == "merged" and decision.decided_by == staff
    assert "平阳某某科技有限公司" in decision.second_label and "昆阳" in decision.second_label
    deleted = Enterprise.history.filter(id=first.pk, history_type="-").get()
    assert (
        deleted.history_user == staff and deleted.history_change_reason == "同一企业,已核实营业执照"
    )
    assert suspect_pairs(plan) == []


def test_two_different_firms_are_no_longer_offered(plan, staff, two_townships):
    first, second = two_townships
    mark_distinct(plan, staff, first_id=second.pk, second_id=first.pk, reason="名称相同,实为两家")
    assert suspect_pairs(plan) == [] and suspect_ids(plan) == set()
    assert Enterprise.objects.count() == 2
    decision = DuplicateDecision.objects.get()
    assert (decision.kind, decision.first, decision.second) == ("distinct", first, second)


def test_a_third_record_of_the_name_is_still_offered(
    plan, staff, official, region_a, two_townships
):
    first, second = two_townships
    mark_distinct(plan, staff, first_id=first.pk, second_id=second.pk, reason="两家")
    third = enterprise(
        official, incubator(official, region_a, name="二号园"), name="平阳某某科技有限公司"
    )
    pairs = {(p.first.pk, p.second.pk) for p in suspect_pairs(plan)}
    assert pairs == {(first.pk, third.pk), (second.pk, third.pk)}


def test_only_county_staff_settle_duplicates(plan, official, leader, two_townships):
    first, second = two_townships
    for user in (official, leader):
        with pytest.raises(PermissionDenied):
            merge_enterprises(plan, user, keep_id=first.pk, drop_id=second.pk, reason="x")
        with pytest.raises(PermissionDenied):
            mark_distinct(plan, user, first_id=first.pk, second_id=second.pk, reason="x")
    assert Enterprise.objects.count() == 2 and not DuplicateDecision.objects.exists()


@pytest.mark.parametrize(
    ("keep", "drop", "reason", "message"),
    [
        ("first", "second", "  ", "请填写处理理由。"),
        ("first", "second", "\u200b\ufe0f", "请填写处理理由。"),  # nothing that shows
        ("first", "first", "重复", "需选择两条不同的记录。"),
        ("first", "missing", "重复", "记录不存在或已被合并,请刷新页面。"),
    ],
)
def test_a_bad_merge_changes_nothing(plan, staff, two_townships, keep, drop, reason, message):
    first, second = two_townships
    ids = {"first": first.pk, "second": second.pk, "missing": 999999}
    with pytest.raises(LedgerError) as refused:
        merge_enterprises(plan, staff, keep_id=ids[keep], drop_id=ids[drop], reason=reason)
    assert message in refused.value.messages
    assert Enterprise.objects.count() == 2 and not DuplicateDecision.objects.exists()


@pytest.mark.parametrize("settle", ["merge", "distinct"])
def test_two_records_of_different_names_are_not_settled_as_duplicates(
    plan, staff, official, region_a, two_townships, settle
):
    """Any two ids posted (a tampered form) would merge two different firms:
    only a suspect pair — names that compare equal — is settled here."""
    first, _second = two_townships
    other = enterprise(official, first.incubator, name="平阳另一家科技有限公司")
    with pytest.raises(LedgerError) as refused:
        if settle == "merge":
            merge_enterprises(plan, staff, keep_id=first.pk, drop_id=other.pk, reason="重复")
        else:
            mark_distinct(plan, staff, first_id=first.pk, second_id=other.pk, reason="不同")
    assert "不是疑似重复企业" in refused.value.messages[0]
    assert Enterprise.objects.count() == 3 and not DuplicateDecision.objects.exists()
