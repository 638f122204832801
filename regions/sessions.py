"""The idle timeout without a session write on every request.

A session lives ``SESSION_COOKIE_AGE`` (the idle timeout) from its last save.
Django's ``SESSION_SAVE_EVERY_REQUEST`` renews it by writing the session row on
every request, a database write on every page view. This middleware renews it
only when its last save is older than ``SESSION_RENEW_SECONDS`` (60 s): a user
who keeps working stays logged in, a dashboard left open is logged out between
``SESSION_COOKIE_AGE - SESSION_RENEW_SECONDS`` and ``SESSION_COOKIE_AGE`` after
its last request, and a page read within the minute writes nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

# Seconds since the epoch of the session's last save, kept in the session itself.
RENEWED_KEY = "_renewed_at"


class RenewSessionMiddleware:
    """Marks a logged-in session modified (so SessionMiddleware saves it and
    re-sends its cookie) when it was last saved more than a minute ago.

    Must come after SessionMiddleware in MIDDLEWARE: its response phase then
    runs first and SessionMiddleware saves what it marked."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed or session.is_empty():
            return response  # no session read, or an anonymous visitor with nothing kept
        now = int(timezone.now().timestamp())
        renewed_at = session.get(RENEWED_KEY, 0)
        if session.modified or now - renewed_at >= settings.SESSION_RENEW_SECONDS:
            # Saved anyway when modified: record the time at no extra cost.
            session[RENEWED_KEY] = now
        return response
