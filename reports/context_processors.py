"""Template context for every page: the signed-in user's top-bar links and
unread notices."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from reports.figures.notices import unread_preview
from reports.models import Notice
from reports.navigation import links_for
from targets.context_processors import plan_words
from targets.models import current_plan


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


def navigation(request: HttpRequest) -> dict:
    # Lazily, like the notices: built only by a page that shows the bar.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"navigation": lambda: links_for(user, plan_words(current_plan(request)))}
