"""Template context for every page: the signed-in user's unread notices."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from reports.figures.notices import unread_preview
from reports.models import Notice


@dataclass(frozen=True)
class UnreadNotices:
    shown: list[Notice]
    more: bool


def notices(request: HttpRequest) -> dict:
    # Read lazily, so a page that does not show them (an export, the API)
    # costs no query; base.html reads them once.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": lambda: UnreadNotices(*unread_preview(user))}
