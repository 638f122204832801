"""Enterprises that may be one firm reported twice, and the bureau's two ways
of settling it.

A credit code cannot be registered twice (``services``, and a unique
constraint), so what remains are records whose names compare equal
(``identity.normalise_name``): one or both without a code, or with different
codes (one of them likely mistyped). Every such pair across the plan —
whatever incubator or region each is in — is a suspect until the bureau
merges the two (one record kept, the other's titles moved to it, the other
deleted, with a reason) or records that they are different firms; either
decision is kept (``DuplicateDecision``) and the pair is no longer offered.

Reads in a constant number of queries (two), whatever the ledger's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from regions.roles import ENTER_FIGURES
from regions.text import visible_or_empty
from reports.ledger.derived import follow
from reports.ledger.errors import LedgerError
from reports.models import DuplicateDecision, Enterprise
from targets.models import Plan


@dataclass(frozen=True)
class SuspectPair:
    """Two records whose names compare equal; ``first`` is the older record."""

    first: Enterprise
    second: Enterprise

    @property
    def codes_differ(self) -> bool:
        return bool(self.first.credit_code and self.second.credit_code)

    @property
    def key(self) -> str:
        return f"{self.first.pk}-{self.second.pk}"


def _shared_names(plan: Plan):
    return (
        Enterprise.objects.filter(plan=plan)
        .exclude(normalised_name="")
        .values("normalised_name")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values("normalised_name")
    )


def _distinct_pairs(plan: Plan) -> set[tuple[int, int]]:
    rows = DuplicateDecision.objects.filter(
        plan=plan,
        kind=DuplicateDecision.Kind.DISTINCT,
        first__isnull=False,
        second__isnull=False,
    ).values_list("first_id", "second_id")
    return {(min(a, b), max(a, b)) for a, b in rows}


def _pairs(records, settled: set[tuple[int, int]], key):
    groups: dict[str, list] = {}
    for record in records:
        groups.setdefault(key(record)[1], []).append(record)
    for group in groups.values():
        group.sort(key=lambda record: key(record)[0])
        for first, second in combinations(group, 2):
            if (key(first)[0], key(second)[0]) not in settled:
                yield first, second


def suspect_pairs(plan: Plan) -> list[SuspectPair]:
    """Every unsettled pair of ``plan``'s enterprises with the same normalised
    name, with their incubators and regions (two queries)."""
    records = (
        Enterprise.objects.filter(plan=plan, normalised_name__in=_shared_names(plan))
        .select_related("incubator__region", "industry")
        .order_by("normalised_name", "pk")
    )
    settled = _distinct_pairs(plan)
    pairs = _pairs(records, settled, lambda record: (record.pk, record.normalised_name))
    return [SuspectPair(first, second) for first, second in pairs]


def suspect_ids(plan: Plan) -> set[int]:
    """The ids of enterprises in an unsettled suspect pair (two queries): the
    lists mark them 疑似重复."""
    rows = Enterprise.objects.filter(
        plan=plan, normalised_name__in=_shared_names(plan)
    ).values_list("pk", "normalised_name")
    ids: set[int] = set()
    for first, second in _pairs(rows, _distinct_pairs(plan), lambda row: row):
        ids.update((first[0], second[0]))
    return ids


def _label(enterprise: Enterprise) -> str:
    incubator = enterprise.incubator
    return " · ".join(
        [
            enterprise.name,
            enterprise.credit_code or _("无信用代码"),
            f"{incubator.region.name} {incubator.name}",
        ]
    )


def _locked_pair(plan: Plan, user, first_pk: int, second_pk: int, reason: str):
    if not user.has_perm(ENTER_FIGURES):
        message = _("只有%(bureau)s工作人员可以处理疑似重复企业。")
        raise PermissionDenied(message % {"bureau": plan.bureau_name})
    reason = visible_or_empty(reason)
    problems = []
    if not reason:
        problems.append(_("请填写处理理由。"))
    if len(reason) > 500:
        problems.append(_("理由不能超过500字。"))
    if first_pk == second_pk:
        problems.append(_("需选择两条不同的记录。"))
    if problems:
        raise LedgerError(problems)
    found = {
        enterprise.pk: enterprise
        for enterprise in Enterprise.objects.select_for_update(of=("self",))
        .filter(plan=plan, pk__in=[first_pk, second_pk])
        .select_related("incubator__region")
    }
    if len(found) != 2:
        raise LedgerError([_("记录不存在或已被合并,请刷新页面。")])
    first, second = found[first_pk], found[second_pk]
    # Only a suspect pair is settled here: two records whose names compare
    # equal. Any other two ids (a tampered form) would merge different firms.
    if not first.normalised_name or first.normalised_name != second.normalised_name:
        raise LedgerError([_("这两条记录名称不同,不是疑似重复企业,不能在此处理。")])
    return first, second, reason


@transaction.atomic
def merge_enterprises(
    plan: Plan, user, *, keep_id: int, drop_id: int, reason: str
) -> DuplicateDecision:
    """Keep enterprise ``keep_id``, move the titles of ``drop_id`` to it (a
    title both hold keeps the earlier date), give it the other's credit code
    if it has none, and delete ``drop_id``; recorded with ``reason``. The kept
    record's other fields stay as they are (edit it afterwards if needed)."""
    keep, drop, reason = _locked_pair(plan, user, keep_id, drop_id, reason)
    decision = DuplicateDecision.objects.create(
        plan=plan,
        kind=DuplicateDecision.Kind.MERGED,
        first=keep,
        second=drop,
        first_label=_label(keep)[:500],
        second_label=_label(drop)[:500],
        reason=reason,
        decided_by=user,
    )
    held = {grant.flag_id: grant for grant in keep.flag_grants.all()}
    for grant in drop.flag_grants.all():
        grant._history_user = user
        grant._change_reason = reason
        mine = held.get(grant.flag_id)
        if mine is None:
            grant.enterprise = keep
            grant.save()
            continue
        if grant.granted_on < mine.granted_on:
            mine.granted_on = grant.granted_on
            mine._history_user = user
            mine._change_reason = reason
            mine.save()
        grant.delete()
    code, dropped_from = drop.credit_code, drop.incubator.region_id
    drop._history_user = user
    drop._change_reason = reason
    drop.delete()
    keep.updated_by = user
    keep._history_user = user
    keep._change_reason = reason
    if not keep.credit_code and code:
        keep.credit_code = code
    keep.save()
    # One firm fewer: the derived figures of both regions follow.
    follow(plan, user, {keep.incubator.region_id, dropped_from})
    return decision


@transaction.atomic
def mark_distinct(
    plan: Plan, user, *, first_id: int, second_id: int, reason: str
) -> DuplicateDecision:
    """Record that two suspects are different firms; the pair is no longer offered."""
    first, second, reason = _locked_pair(plan, user, first_id, second_id, reason)
    if first.pk > second.pk:
        first, second = second, first
    return DuplicateDecision.objects.create(
        plan=plan,
        kind=DuplicateDecision.Kind.DISTINCT,
        first=first,
        second=second,
        first_label=_label(first)[:500],
        second_label=_label(second)[:500],
        reason=reason,
        decided_by=user,
    )
