"""In-app notices, mailed too when the user has an email address.

A notice is unique per user and ``key`` (e.g. ``overdue:<plan>:2026Q3:<region>``):
asking twice for the same notice creates nothing and mails nothing, which is
what makes ``send_reminders`` safe to run from cron as often as one likes.
Mail goes out after the transaction commits; a notice whose mail failed keeps
``emailed_at`` empty and is retried by the next ``send_reminders``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from reports.models import Notice

logger = logging.getLogger(__name__)


def notify(
    users: Iterable, kind: str, *, key: str, subject: str, body: str = "", link: str = ""
) -> list[Notice]:
    """Create the notice for each user that does not have it yet; returns the new ones."""
    created = []
    for user in users:
        notice, new = Notice.objects.get_or_create(
            user=user,
            key=key,
            defaults={"kind": kind, "subject": subject[:200], "body": body, "link": link},
        )
        if new:
            created.append(notice)
    if created:
        ids = [notice.pk for notice in created]
        transaction.on_commit(lambda: mail_pending(Notice.objects.filter(pk__in=ids)))
    return created


def notify_many(notices: list[Notice]) -> None:
    """Unsaved ``notices`` created in bulk, each only where its user does not
    have its key yet. They are not mailed here: an import may create
    hundreds, and the request would wait on each mail; ``send_reminders``
    (from cron) mails every notice not mailed yet."""
    if notices:
        Notice.objects.bulk_create(notices, ignore_conflicts=True, batch_size=500)


def mail_pending(notices=None) -> int:
    """Mail every notice not mailed yet whose user has an address; returns how
    many were sent. Each is marked as soon as its own mail went out."""
    if notices is None:
        notices = Notice.objects.all()
    pending = (
        notices.filter(emailed_at__isnull=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
    )
    sent = 0
    for notice in pending:
        text = "\n\n".join(part for part in (notice.body, _absolute(notice.link)) if part)
        try:
            send_mail(notice.subject, text or notice.subject, None, [notice.user.email])
        except Exception:  # a mail server down must not lose the in-app notice
            logger.exception("could not mail notice %s", notice.pk)
            continue
        Notice.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def _absolute(link: str) -> str:
    if not link:
        return ""
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{link}" if base else link


def settle(kind: str, submission_ids: Iterable[int]) -> int:
    """Mark read the unread notices of ``kind`` about these reports (keys
    ``<kind>:<submission>:<version>``): what they asked for has been done —
    a report to review was approved or returned, a returned one handed in
    again. One UPDATE; returns how many."""
    ids = sorted(set(submission_ids))
    if not ids:
        return 0
    about = Q()
    for pk in ids:
        about |= Q(key__startswith=f"{kind}:{pk}:")
    return Notice.objects.filter(about, read_at__isnull=True).update(read_at=timezone.now())


def unread_for(user):
    return Notice.objects.filter(user=user, read_at__isnull=True)


# How many unread notices the top of every page lists (the rest: on the notices page).
SHOWN_UNREAD = 5


def unread_preview(user) -> tuple[list[Notice], bool]:
    """The newest unread notices for the top of every page, and whether there
    are more than shown. One query."""
    rows = list(unread_for(user)[: SHOWN_UNREAD + 1])
    return rows[:SHOWN_UNREAD], len(rows) > SHOWN_UNREAD


def mark_read(user, notice_id: int) -> Notice:
    """Mark one of ``user``'s own notices read. Anyone else's notice (or one
    that does not exist) raises ``Notice.DoesNotExist``: a page answers 404 and
    so tells nobody whether a notice of that number exists."""
    notice = Notice.objects.get(pk=notice_id, user=user)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice
