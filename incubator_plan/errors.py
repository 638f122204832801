"""The server-error page, told apart for one case users can do something
about: on SQLite (the embedded default) a write waits ``SQLITE_TIMEOUT``
seconds for another to finish — a large import's preview holds the write
lock while it runs — and then fails with "database is locked". That is not
a fault of the request: the page says the system is busy, nothing was
saved, and to try again shortly (503, Retry-After). Anything else is the
ordinary 500 page. Both are rendered without the request, as Django's own
handler does, so that a broken context cannot break the error page."""

from __future__ import annotations

import sys

from django.db import OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views import defaults

BUSY_TEMPLATE = "503.html"
RETRY_AFTER_SECONDS = 30


def database_busy(error: BaseException | None) -> bool:
    return isinstance(error, OperationalError) and "locked" in str(error).lower()


def server_error(request) -> HttpResponse:
    """``handler500``: called while the exception is being handled."""
    if database_busy(sys.exc_info()[1]):
        response = HttpResponseServerError(loader.get_template(BUSY_TEMPLATE).render())
        response.status_code = 503
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request)
