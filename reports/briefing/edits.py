"""Staff's edits of a quarter's briefing: each save a new ``BriefingVersion``
(who, when), never an overwrite; "restore the generated text" is a version
too. All or nothing, permission checked here as well as by the page.

A version names the generated briefing it started from (``started_from``, the
fingerprint from ``reports.briefing.text``), so the page can warn when the data
changed after the text was edited. The page carries it signed for this one
briefing (``start_token``): a fingerprint copied from another township's or
quarter's page would silence or raise that warning wrongly, so it is
refused. And the number of the version it replaced (``base_number``), so a
save over someone else's newer version is refused instead of silently losing
their text.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from regions.models import Region
from regions.roles import MANAGE_QUARTERS
from regions.text import visible_or_empty
from reports.briefing.document import Briefing
from reports.briefing.text import fingerprint, table_data, table_from_data, with_text
from reports.models import BriefingVersion
from targets.models import Plan

# Who may edit: the bureau staff who close quarters (the briefing is the
# bureau's word on a quarter); leaders and townships read.
EDIT_BRIEFING = MANAGE_QUARTERS
MAX_TITLE = 200
MAX_BODY = 20_000
FINGERPRINT = re.compile(r"^[0-9a-f]{64}$")
# Control characters pasted from other programs (form feed, vertical tab…):
# not allowed in XML, so no Word file could hold them. Lines and tabs stay.
CONTROL = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f\\ufffe\\uffff\\ud800-\\udfff]")


def _clean(text: str) -> str:
    """``text`` without control characters and the spaces around it; "" when
    nothing in it shows (a body of zero-width or braille blanks)."""
    return visible_or_empty(CONTROL.sub("", text))


class BriefingEditError(Exception):
    """A refused edit; the message says why, in the user's language."""


@dataclass(frozen=True)
class BriefingKey:
    """Which briefing: one plan's quarter, for the county (region None) or a
    township, in one language."""

    plan: Plan
    region: Region | None
    year: int
    quarter: int
    language: str

    @property
    def signer(self) -> signing.Signer:
        region = self.region.pk if self.region else "county"
        salt = f"briefing-start:{self.plan.pk}:{region}:{self.year}Q{self.quarter}:{self.language}"
        return signing.Signer(salt=salt)

    def versions(self) -> QuerySet[BriefingVersion]:
        """Newest first."""
        return self.every_language().filter(language=self.language)

    def every_language(self) -> QuerySet[BriefingVersion]:
        """The versions of this briefing in every language, newest first."""
        return BriefingVersion.objects.filter(
            plan=self.plan, region=self.region, year=self.year, quarter=self.quarter
        )


def start_token(key: BriefingKey, generated_hash: str) -> str:
    """What the edit form carries as ``started_from``: the fingerprint, signed
    for ``key``'s briefing alone."""
    return key.signer.sign(generated_hash)


def _started_from(key: BriefingKey, token: str) -> str:
    try:
        generated_hash = key.signer.unsign(token)
    except signing.BadSignature:
        generated_hash = ""
    if not FINGERPRINT.match(generated_hash):
        raise BriefingEditError(_("提交的内容不完整,请刷新页面后重新编辑。"))
    return generated_hash


def may_edit(user) -> bool:
    return user.has_perm(EDIT_BRIEFING)


def version_briefing(version: BriefingVersion, generated: Briefing) -> Briefing:
    """The briefing as that version saved it (its text, table and notes)."""
    edited = with_text(
        generated, title=version.title, number_line=version.number_line, body=version.body
    )
    return dataclasses.replace(
        edited, table=table_from_data(version.table), notes=tuple(version.notes)
    )


def _check(user, key: BriefingKey, base_number: int) -> None:
    if not may_edit(user):
        raise BriefingEditError(_("您的账号没有编辑通报的权限。"))
    latest = key.versions().select_for_update().values_list("number", flat=True).first() or 0
    if base_number != latest:
        newest = key.versions().select_related("created_by").first()
        if newest is None:  # a version asked to be replaced that never was
            raise BriefingEditError(_("提交的内容不完整,请刷新页面后重新编辑。"))
        saver = newest.created_by
        if saver is not None and saver.pk == user.pk:  # e.g. a second click, or Back then save
            message = _(
                "您打开本页后,通报已由您本人保存为第 %(number)s 版,这次的修改未保存。"
                "请查看最新版本后重新编辑。"
            )
            raise BriefingEditError(message % {"number": latest})
        who = (saver.get_full_name() or saver.username) if saver else _("他人")
        message = _(
            "通报在您编辑期间已被%(who)s保存为第 %(number)s 版,您的修改未保存。"
            "请查看最新版本后重新编辑。"
        )
        raise BriefingEditError(message % {"who": who, "number": latest})


def _create(user, key: BriefingKey, base_number: int, **fields) -> BriefingVersion:
    try:
        with transaction.atomic():
            _check(user, key, base_number)
            return BriefingVersion.objects.create(
                plan=key.plan,
                region=key.region,
                year=key.year,
                quarter=key.quarter,
                language=key.language,
                number=base_number + 1,
                created_by=user,
                **fields,
            )
    except IntegrityError:
        # Another save took the same number between our check and our write.
        raise BriefingEditError(
            _("通报在您编辑期间已被他人保存,您的修改未保存。请查看最新版本后重新编辑。")
        ) from None


def save_edit(
    user,
    key: BriefingKey,
    *,
    generated: Briefing,
    title: str,
    number_line: str,
    body: str,
    base_number: int,
    started_from: str,
) -> BriefingVersion:
    """Keep staff's text as the briefing's next version (``started_from``:
    the page's ``start_token``)."""
    title, number_line, body = _clean(title), _clean(number_line), _clean(body)
    if not title:
        raise BriefingEditError(_("标题不能为空。"))
    if not body:
        raise BriefingEditError(_("正文不能为空。"))
    if len(title) > MAX_TITLE or len(number_line) > MAX_TITLE:
        raise BriefingEditError(_("标题和文号不能超过 %(max)s 个字。") % {"max": MAX_TITLE})
    if len(body) > MAX_BODY:
        raise BriefingEditError(_("正文不能超过 %(max)s 个字。") % {"max": MAX_BODY})
    generated_hash = _started_from(key, started_from)
    return _create(
        user,
        key,
        base_number,
        title=title,
        number_line=number_line,
        body=body,
        table=table_data(generated.table),
        notes=list(generated.notes),
        generated_hash=generated_hash,
    )


def restore_generated(
    user, key: BriefingKey, *, generated: Briefing, body: str, base_number: int
) -> BriefingVersion:
    """Back to the generated text (``body`` is it, as the page shows it): a
    version of its own, so the history shows who restored it and when."""
    return _create(
        user,
        key,
        base_number,
        restored=True,
        title=generated.title,
        number_line=generated.number_line,
        body=body,
        table=table_data(generated.table),
        notes=list(generated.notes),
        generated_hash=fingerprint(generated),
    )
