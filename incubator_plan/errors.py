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
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext_lazy as _
from django.views import defaults

BUSY_TEMPLATE = "503.html"
API_PREFIX = "/api/"
BUSY_MESSAGE = _("系统正忙,请稍后重试。")
RETRY_AFTER_SECONDS = 30


def database_busy(error: BaseException | None) -> bool:
    return isinstance(error, OperationalError) and "locked" in str(error).lower()


def server_error(request) -> HttpResponse:
    """``handler500``: called while the exception is being handled. The JSON
    API answers in JSON, as its other refusals do."""
    if database_busy(sys.exc_info()[1]):
        if request.path.startswith(API_PREFIX):
            response = JsonResponse({"detail": str(BUSY_MESSAGE)}, status=503)
        else:
            response = HttpResponseServerError(loader.get_template(BUSY_TEMPLATE).render())
            response.status_code = 503
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request)


class MethodNotAllowedPage:
    """A page for a 405: a form's address opened in the browser (reloaded,
    bookmarked, followed from history) answered with an empty body, a blank
    page that told the user nothing. The page says the address takes a form's
    submission only; the Allow header stays. The JSON API keeps its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code != 405
            or response.content
            or request.path.startswith(API_PREFIX)
            or request.method == "HEAD"
        ):
            return response
        allowed = response.get("Allow", "")
        form_only = request.method == "GET" and "POST" in allowed
        page = render(request, "405.html", {"form_only": form_only}, status=405)
        if allowed:
            page["Allow"] = allowed
        return page
