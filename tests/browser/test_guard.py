"""The journeys' guard can fail: a missing static file, an uncaught exception
and a request to another host each make ``Guard.check`` fail."""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import SKIP_REASON

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(bool(SKIP_REASON), reason=SKIP_REASON or "-"),
    # Any page will do. With the preloaded demo asked for, nothing is taken
    # away before the test and put back after it (tests/conftest.py).
    pytest.mark.usefixtures("demo"),
]


def provoked(app, script: str, event: str) -> str:
    """Runs ``script`` on the login page, waits until the browser reports the
    error (``event``: an error on the ``console`` or a ``pageerror``) and
    returns what the guard makes of it."""
    app.visit("/accounts/login/")
    with app.page.expect_event(event, lambda e: getattr(e, "type", "error") == "error"):
        app.page.evaluate(script)
    with pytest.raises(AssertionError) as failure:
        app.guard.check()
    app.guard.errors.clear()
    app.guard.foreign.clear()
    return str(failure.value)


def test_guard_fails_on_a_missing_static_file(app):
    report = provoked(
        app,
        "() => { const s = document.createElement('script');"
        " s.src = '/static/js/missing.js'; document.head.append(s); }",
        "console",
    )
    assert "404" in report
    assert "missing.js" in report


def test_guard_fails_on_an_uncaught_exception(app):
    report = provoked(app, "() => setTimeout(() => { throw new Error('provoked'); })", "pageerror")
    assert "provoked" in report


def test_guard_blocks_and_fails_on_another_host(app):
    # The pages' own CSP already stops them loading anything from elsewhere; a
    # second tab going there shows the browser's proxy refusing it (not merely
    # failing to resolve it): nothing leaves the machine. (In a tab of its own,
    # so the journeys' tab stays on the live server.)
    elsewhere = app.page.context.new_page()
    app.guard.watch(elsewhere)
    with pytest.raises(PlaywrightError, match="ERR_PROXY_CONNECTION_FAILED"):
        elsewhere.goto("http://example.invalid/")
    elsewhere.close()
    with pytest.raises(AssertionError, match=r"example\.invalid"):
        app.guard.check()
    app.guard.foreign.clear()
