"""The settings module read under a given environment, in this process.

``incubator_plan/settings.py`` only reads ``os.environ`` (no side effects), so
running its file again with a clean environment plus the variables a test sets
gives exactly what a fresh process would configure, without the half second a
new Python and Django take. What needs the whole framework started with those
settings (``manage.py check --deploy``) still runs in a subprocess."""

from __future__ import annotations

import os
import runpy
from pathlib import Path
from unittest import mock

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "incubator_plan" / "settings.py"
LEAKING = ("DJANGO_", "SECURE_", "DEBUG", "INTRANET", "SESSION_", "EMAIL_", "API_TOKEN_")


def clean_environment(**env: str) -> dict[str, str]:
    """The process environment without what a developer's shell could leak into
    the settings under test, plus ``env``."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith(LEAKING)}
    clean.update(env)
    return clean


def settings_under(**env: str) -> dict[str, object]:
    """The settings' names and values as the module defines them under ``env``
    (raises what the module raises, e.g. ImproperlyConfigured)."""
    with mock.patch.dict(os.environ, clean_environment(**env), clear=True):
        return runpy.run_path(str(SETTINGS_FILE))
