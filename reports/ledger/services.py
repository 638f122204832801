"""The one write path of the ledger's records: incubators, their recognitions
and titles, enterprises and theirs. Pages, the admin and the workbook import
call these; none of them saves a ledger record by hand.

Each write is one transaction, checks who may write the record's region
(county staff — ``enter_figures`` — any region of the plan; a township
official — ``report_own_figures`` — only their own; anyone else nothing:
``PermissionDenied``), checks the record (``LedgerError`` with every problem,
in Chinese, nothing written) and keeps its history with the user who made it
(``_history_user``: also outside a request, e.g. an import command).

One enterprise is one record: a credit code already in the plan is refused,
naming where it is registered — to a township official only "已在其他区域登记"
when that is another region, since they may not read another region's ledger
(the access rules), yet must learn not to register the firm twice and whom
to ask (the bureau, which sees both).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from regions.models import Region, region_id_of
from regions.roles import ENTER_FIGURES, REPORT_OWN_FIGURES
from regions.text import UNSAFE_MESSAGE, has_unsafe_characters
from reports.choices import OPERATING_STATUSES, IncubatorStatus
from reports.ledger.derived import follow
from reports.ledger.errors import LedgerError
from reports.ledger.identity import clean_credit_code, credit_code_problem, name_key
from reports.models import (
    Enterprise,
    EnterpriseFlagGrant,
    Incubator,
    IncubatorFlagGrant,
    IncubatorRecognition,
)
from targets.choices import IncubatorLevel
from targets.ledger import Industry, LedgerFlag
from targets.models import Plan

# --- Edits from a page opened earlier ------------------------------------------------


def record_stamp(record: Incubator | Enterprise) -> str:
    """The record as a page showed it: its last change (``updated_at``, which
    every write of the record moves: a field edited here or in the workbook, a
    recognition or title added). An edit form carries it back."""
    return record.updated_at.isoformat() if record.updated_at else ""


def check_not_changed_since(user, record: Incubator | Enterprise, seen: str | None) -> None:
    """Refuse an edit that changes ``record`` from a page that showed it before
    its latest change (``seen``: that page's ``record_stamp``; None: no page,
    e.g. the workbook). Saving it would silently undo that change: the form
    posts every field, changed or not. Call it holding the record's row lock,
    once the edit is known to change something (a form sent twice is no
    conflict)."""
    if seen is None or seen == record_stamp(record):
        return
    who, when = record.updated_by, timezone.localtime(record.updated_at).strftime("%Y-%m-%d %H:%M")
    if who is not None and who.pk == user.pk:
        message = _(
            "“%(name)s”在您打开本页后已由您本人在别处修改(%(when)s);为免覆盖,"
            "未保存。请重新打开本页,核对后再改。"
        )
    else:
        message = _(
            "“%(name)s”在您打开本页后已被%(who)s修改(%(when)s);为免覆盖其修改,"
            "未保存。请重新打开本页,核对后再改。"
        )
    name = (who.get_full_name() or who.get_username()) if who else _("他人")
    raise LedgerError([message % {"name": record.name, "who": name, "when": when}])


# --- Who may write what ------------------------------------------------------------


def may_write_ledger(user) -> bool:
    """Whether ``user`` writes ledger records at all (staff or a township official)."""
    return user.has_perm(ENTER_FIGURES) or user.has_perm(REPORT_OWN_FIGURES)


def writable_regions(plan: Plan, user) -> QuerySet[Region]:
    """The regions of ``plan`` whose ledger ``user`` may change."""
    regions = Region.objects.filter(plan=plan)
    if user.has_perm(ENTER_FIGURES):
        return regions
    if user.has_perm(REPORT_OWN_FIGURES):
        return regions.filter(pk=region_id_of(user))
    return regions.none()


def check_region_write(user, region: Region) -> None:
    """``PermissionDenied`` unless ``user`` may change ``region``'s ledger."""
    if user.has_perm(ENTER_FIGURES):
        return
    if not user.has_perm(REPORT_OWN_FIGURES):
        raise PermissionDenied(_("您的账号没有修改台账的权限。"))
    if region_id_of(user) != region.pk:
        raise PermissionDenied(_("只能修改本区域的台账。"))


# --- Credit codes -------------------------------------------------------------------


def credit_code_message(code: str, problem: str) -> str:
    """A problem key of ``identity.credit_code_problem`` in the user's words."""
    if problem == "length":
        return _("统一社会信用代码应为18位,“%(code)s”为%(length)s位。") % {
            "code": code,
            "length": len(code),
        }
    if problem == "characters":
        wrong = "".join(sorted({c for c in code if not ("0" <= c <= "9" or "A" <= c <= "Z")}))
        wrong = wrong or "".join(sorted({c for c in code if c in "IOZSV"}))
        return _(
            "统一社会信用代码“%(code)s”含无效字符“%(chars)s”:"
            "只能是数字和大写字母(不含 I、O、Z、S、V)。"
        ) % {"code": code, "chars": wrong}
    return _("统一社会信用代码“%(code)s”的校验位(第18位)不符,请核对是否有录错的字符。") % {
        "code": code
    }


def checked_credit_code(raw: str) -> str:
    """The code as stored (trimmed, upper case, full-width folded), or
    ``LedgerError`` saying what is wrong with it. Empty stays empty: an
    enterprise may be registered before it has its code (it is flagged)."""
    code = clean_credit_code(raw)
    if not code:
        return ""
    problem = credit_code_problem(code)
    if problem:
        raise LedgerError([credit_code_message(code, problem)])
    return code


def _credit_code_taken(user, plan: Plan, code: str, exclude_pk: int | None) -> str | None:
    """Why ``code`` cannot be used (already registered), or None."""
    if not code:
        return None
    existing = (
        Enterprise.objects.filter(plan=plan, credit_code=code)
        .exclude(pk=exclude_pk)
        .select_related("incubator__region")
        .first()
    )
    if existing is None:
        return None
    region = existing.incubator.region
    if user.has_perm(ENTER_FIGURES) or region.pk == region_id_of(user):
        return _(
            "统一社会信用代码 %(code)s 已登记为“%(name)s”(%(region)s · %(incubator)s),"
            "同一企业只登记一条;如已迁入,请修改那一条的所在载体。"
        ) % {
            "code": code,
            "name": existing.name,
            "region": region.name,
            "incubator": existing.incubator.name,
        }
    return _(
        "统一社会信用代码 %(code)s 已在其他区域登记,同一企业只登记一条;"
        "如企业已迁入本区域,请联系%(bureau)s核实。"
    ) % {"code": code, "bureau": plan.bureau_name}


# --- Incubators ---------------------------------------------------------------------

INCUBATOR_FIELDS = (
    "region",
    "name",
    "operator",
    "kind",
    "lead_industry",
    "second_industry",
    "floor_area",
    "status",
    "status_since",
    "operating_since",
    "note",
)


@transaction.atomic
def create_incubator(
    user,
    *,
    region: Region,
    name: str,
    kind: str,
    floor_area: Decimal,
    status: str,
    status_since: datetime.date,
    operator: str = "",
    lead_industry: Industry | None = None,
    second_industry: Industry | None = None,
    operating_since: datetime.date | None = None,
    note: str = "",
) -> Incubator:
    """A new incubator in ``region``."""
    check_region_write(user, region)
    incubator = Incubator(
        region=region,
        name=name,
        operator=operator,
        kind=kind,
        lead_industry=lead_industry,
        second_industry=second_industry,
        floor_area=floor_area,
        status=status,
        status_since=status_since,
        operating_since=operating_since,
        note=note,
    )
    return _save_incubator(user, incubator)


@transaction.atomic
def update_incubator(
    user, incubator: Incubator, *, seen: str | None = None, **changes
) -> Incubator:
    """Change fields of ``incubator`` (any of ``INCUBATOR_FIELDS``); moving it
    to another region needs the right to write both. ``seen``: the
    ``record_stamp`` the editor's page showed (see ``check_not_changed_since``)."""
    unknown = set(changes) - set(INCUBATOR_FIELDS)
    if unknown:
        raise TypeError(f"update_incubator: unknown fields {sorted(unknown)}")
    check_region_write(user, incubator.region)
    incubator = Incubator.objects.select_for_update().get(pk=incubator.pk)
    was_in = incubator.region_id
    if not _differs(incubator, changes):
        return incubator  # nothing changed (a form sent twice, too): no history row
    check_not_changed_since(user, incubator, seen)
    _apply(incubator, changes)
    check_region_write(user, incubator.region)
    return _save_incubator(user, incubator, was_in=was_in)


def _save_incubator(user, incubator: Incubator, *, was_in: int | None = None) -> Incubator:
    plan_id = incubator.region.plan_id
    problems = _field_problems(incubator, exclude=["region", "lead_industry", "second_industry"])
    for industry in (incubator.lead_industry, incubator.second_industry):
        if industry is not None and industry.plan_id != plan_id:
            problems.append(_("产业“%(name)s”不属于本计划。") % {"name": industry.name})
    if incubator.second_industry_id and incubator.second_industry_id == incubator.lead_industry_id:
        problems.append(_("第二主导产业不能与主导产业相同。"))
    if incubator.status in OPERATING_STATUSES and incubator.operating_since is None:
        problems.append(_("运营中(或限期整改)的载体需填写投入运营日期。"))
    if incubator.status == IncubatorStatus.BUILDING and incubator.operating_since is not None:
        problems.append(_("在建载体不填投入运营日期。"))
    # Names are compared as the ledger workbook matches them (full-width
    # folded, no spaces, no invisible characters): "(演示)昆阳科创园" beside
    # "（演示）昆阳科创园" would be one incubator to the workbook, two here.
    key = name_key(incubator.name)
    if not key:
        problems.append(_("载体名称:请填写看得见的名称。"))
    clash = (
        Incubator.objects.filter(region=incubator.region, name_key=key)
        .exclude(pk=incubator.pk)
        .values_list("name", flat=True)
        .first()
    )
    if key and clash is not None:
        problems.append(
            _("%(region)s已有名为“%(name)s”的载体。")
            % {"region": incubator.region.name, "name": clash}
        )
    if problems:
        raise LedgerError(problems)
    incubator.name = incubator.name.strip()
    incubator.updated_by = user
    incubator._history_user = user
    _save(incubator)
    follow(incubator.region.plan, user, {incubator.region_id, was_in})
    return incubator


@transaction.atomic
def add_recognition(
    user, incubator: Incubator, *, level: int, recognised_on: datetime.date
) -> IncubatorRecognition:
    """Record that ``incubator`` was recognised at ``level`` on ``recognised_on``."""
    check_region_write(user, incubator.region)
    recognition = IncubatorRecognition(
        incubator=incubator, level=level, recognised_on=recognised_on
    )
    problems = _field_problems(recognition, exclude=["incubator", "level"])
    if level not in IncubatorLevel.values:
        problems.append(_("无效的认定级别。"))
    elif incubator.recognitions.filter(level=level).exists():
        problems.append(_("该载体已有%(level)s认定。") % {"level": IncubatorLevel(level).label})
    if problems:
        raise LedgerError(problems)
    recognition._history_user = user
    _save(recognition)
    _touch(user, incubator)
    return recognition


@transaction.atomic
def grant_incubator_flag(
    user, incubator: Incubator, *, flag: LedgerFlag, granted_on: datetime.date
) -> IncubatorFlagGrant:
    """Record that ``incubator`` holds the title ``flag`` since ``granted_on``."""
    check_region_write(user, incubator.region)
    _check_flag(flag, incubator.region.plan_id, LedgerFlag.Applies.INCUBATOR)
    if incubator.flag_grants.filter(flag=flag).exists():
        raise LedgerError([_("该载体已有“%(flag)s”标识。") % {"flag": flag.name}])
    grant = IncubatorFlagGrant(incubator=incubator, flag=flag, granted_on=granted_on)
    problems = _field_problems(grant, exclude=["incubator", "flag"])
    if problems:
        raise LedgerError(problems)
    grant._history_user = user
    _save(grant)
    _touch(user, incubator)
    return grant


@transaction.atomic
def redate_grant(
    user,
    grant: IncubatorRecognition | IncubatorFlagGrant | EnterpriseFlagGrant,
    day: datetime.date,
    *,
    reason: str = "",
):
    """Correct the date of a recognition or title; like adding one, it changes
    its holder (who changed it last, its last-change time, derived figures)."""
    holder = grant.enterprise if isinstance(grant, EnterpriseFlagGrant) else grant.incubator
    region = holder.incubator.region if isinstance(holder, Enterprise) else holder.region
    check_region_write(user, region)
    field = "recognised_on" if isinstance(grant, IncubatorRecognition) else "granted_on"
    setattr(grant, field, day)
    problems = _field_problems(grant, exclude=["incubator", "enterprise", "flag", "level"])
    if problems:
        raise LedgerError(problems)
    grant._history_user = user
    if reason:
        grant._change_reason = reason
    _save(grant)
    _touch(user, holder)
    return grant


# --- Enterprises --------------------------------------------------------------------

ENTERPRISE_FIELDS = (
    "name",
    "credit_code",
    "incubator",
    "industry",
    "entered_on",
    "stage",
    "left_on",
    "exit_reason",
    "note",
)


@transaction.atomic
def create_enterprise(
    user,
    *,
    incubator: Incubator,
    name: str,
    entered_on: datetime.date,
    stage: str,
    credit_code: str = "",
    industry: Industry | None = None,
    left_on: datetime.date | None = None,
    exit_reason: str = "",
    note: str = "",
) -> Enterprise:
    """A new enterprise in ``incubator`` (its plan is the incubator's)."""
    check_region_write(user, incubator.region)
    enterprise = Enterprise(
        # The region's plan object, not its id: an import creating thousands
        # of firms in a few incubators reads the plan once per incubator.
        plan=incubator.region.plan,
        incubator=incubator,
        name=name,
        credit_code=credit_code,
        industry=industry,
        entered_on=entered_on,
        stage=stage,
        left_on=left_on,
        exit_reason=exit_reason,
        note=note,
    )
    return _save_enterprise(user, enterprise)


@transaction.atomic
def update_enterprise(
    user, enterprise: Enterprise, *, seen: str | None = None, **changes
) -> Enterprise:
    """Change fields of ``enterprise`` (any of ``ENTERPRISE_FIELDS``); moving it
    to an incubator of another region needs the right to write both. ``seen``:
    as for ``update_incubator``."""
    unknown = set(changes) - set(ENTERPRISE_FIELDS)
    if unknown:
        raise TypeError(f"update_enterprise: unknown fields {sorted(unknown)}")
    check_region_write(user, enterprise.incubator.region)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    was_in = enterprise.incubator.region_id
    if "credit_code" in changes:
        changes["credit_code"] = clean_credit_code(changes["credit_code"])
    if not _differs(enterprise, changes):
        return enterprise  # nothing changed (a form sent twice, too): no history row
    check_not_changed_since(user, enterprise, seen)
    _apply(enterprise, changes)
    check_region_write(user, enterprise.incubator.region)
    return _save_enterprise(user, enterprise, was_in=was_in)


def _save_enterprise(user, enterprise: Enterprise, *, was_in: int | None = None) -> Enterprise:
    plan_id = enterprise.plan_id
    problems = []
    try:
        enterprise.credit_code = checked_credit_code(enterprise.credit_code)
    except LedgerError as error:
        problems += error.messages
    enterprise.name = (enterprise.name or "").strip()
    problems += _field_problems(
        enterprise, exclude=["plan", "incubator", "industry", "credit_code"]
    )
    if enterprise.incubator.region.plan_id != plan_id:
        problems.append(_("所在载体不属于本计划。"))
    if enterprise.industry is not None and enterprise.industry.plan_id != plan_id:
        problems.append(_("产业“%(name)s”不属于本计划。") % {"name": enterprise.industry.name})
    if enterprise.left_on and enterprise.entered_on and enterprise.left_on < enterprise.entered_on:
        problems.append(_("毕业或退出日期不能早于入孵日期。"))
    if bool(enterprise.left_on) != bool(enterprise.exit_reason):
        problems.append(_("毕业或退出日期与原因需同时填写(仍在孵则都留空)。"))
    if not problems:
        taken = _credit_code_taken(user, enterprise.plan, enterprise.credit_code, enterprise.pk)
        if taken:
            problems.append(taken)
    if problems:
        raise LedgerError(problems)
    enterprise.updated_by = user
    enterprise._history_user = user
    _save(enterprise)
    follow(enterprise.plan, user, {enterprise.incubator.region_id, was_in})
    return enterprise


@transaction.atomic
def grant_enterprise_flag(
    user, enterprise: Enterprise, *, flag: LedgerFlag, granted_on: datetime.date
) -> EnterpriseFlagGrant:
    """Record that ``enterprise`` holds the title ``flag`` since ``granted_on``."""
    check_region_write(user, enterprise.incubator.region)
    _check_flag(flag, enterprise.plan_id, LedgerFlag.Applies.ENTERPRISE)
    if enterprise.flag_grants.filter(flag=flag).exists():
        raise LedgerError([_("该企业已有“%(flag)s”标识。") % {"flag": flag.name}])
    grant = EnterpriseFlagGrant(enterprise=enterprise, flag=flag, granted_on=granted_on)
    problems = _field_problems(grant, exclude=["enterprise", "flag"])
    if problems:
        raise LedgerError(problems)
    grant._history_user = user
    _save(grant)
    _touch(user, enterprise)
    return grant


# --- Shared -------------------------------------------------------------------------


def _differs(record, changes: dict) -> bool:
    """Whether any of ``changes`` differs from ``record``'s value."""
    return any(getattr(record, name) != value for name, value in changes.items())


def _apply(record, changes: dict) -> None:
    for name, value in changes.items():
        setattr(record, name, value)


def _check_flag(flag: LedgerFlag, plan_id: int, applies_to: str) -> None:
    if flag.plan_id != plan_id or flag.applies_to != applies_to:
        raise LedgerError([_("标识“%(flag)s”不适用于此记录。") % {"flag": flag.name}])


def _field_problems(instance, exclude: list[str]) -> list[str]:
    """The model's own field checks (required, length, choices, decimals),
    and text without characters no Excel or Word file can hold (a vertical
    tab pasted from another program), each worded "字段:问题"."""
    meta = instance._meta
    unsafe = UNSAFE_MESSAGE
    problems = [
        f"{field.verbose_name}:{unsafe}"
        for field in meta.concrete_fields
        if field.name not in exclude
        and isinstance(value := getattr(instance, field.attname, None), str)
        and has_unsafe_characters(value)
    ]
    try:
        instance.clean_fields(exclude=exclude)
    except ValidationError as error:
        problems += [
            f"{meta.get_field(name).verbose_name}:{message}"
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return problems


def _save(instance) -> None:
    """Save; a constraint another transaction beat us to is a refusal, not a 500."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise LedgerError([_("记录与已有数据冲突(可能刚被他人修改),请刷新后重试。")]) from None


def _touch(user, record) -> None:
    """A recognition or title changes its holder: who changed it last, and the
    derived figures of its region."""
    type(record).objects.filter(pk=record.pk).update(updated_by=user, updated_at=timezone.now())
    if isinstance(record, Incubator):
        follow(record.region.plan, user, {record.region_id})
    else:
        follow(record.plan, user, {record.incubator.region_id})
