"""The framework floor's one page (see floor_settings.py)."""

import os

from django.http import HttpResponse
from django.urls import path

BODY = b"<!doctype html><title>floor</title>" + b"x" * int(os.environ.get("FLOOR_BYTES", "30000"))


def floor(request):
    return HttpResponse(BODY, content_type="text/html; charset=utf-8")


urlpatterns = [path("", floor)]
