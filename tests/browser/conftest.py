"""Browser journeys: headless Debian chromium (never a downloaded browser)
against Django's live server.

Every page a journey opens is watched by ``guard``: a console error, an
uncaught exception or a request to any host but the live server fails the test.
Screenshots of the main pages go to ``artifacts/screenshots/``.

For speed, the browser's tabs stay open from one journey to the next (``tabs``)
and each journey's writes are undone instead of flushing the database
(``transactional_db``); both sections below say why and what they keep.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.test import TransactionTestCase

from tests.conftest import DEMO, PASSWORD, SNAPSHOT, _models, _snapshot

# Playwright's sync API runs an event loop in the test's thread; Django would
# refuse the test's own ORM calls (fixtures, assertions) without this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(django_settings.BASE_DIR) / "artifacts" / "screenshots"

# The journeys run only where Debian's chromium is installed (scripts/test
# installs it when it can); elsewhere they show up as skipped in the summary.
# SKIP_BROWSER=1 skips them on purpose.
if os.environ.get("SKIP_BROWSER"):
    SKIP_REASON = "SKIP_BROWSER is set"
elif not os.access(CHROMIUM, os.X_OK):
    SKIP_REASON = f"no {CHROMIUM}: apt-get install chromium fonts-wqy-microhei"
else:
    SKIP_REASON = ""


@pytest.fixture(scope="session")
def nowhere() -> Iterator[str]:
    """A loopback address that refuses every connection: bound, never listening."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        host, port = sock.getsockname()
        yield f"http://{host}:{port}"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, live_server, nowhere):
    """Debian's chromium; no background calls home (updates, sync, safe browsing).
    Every request to another host than the live server's goes to a proxy that
    refuses it, so nothing leaves the machine (the bypass is by host: Chromium
    did not honour one for the live server's port alone, so other loopback
    ports go direct); ``Guard`` fails the test on any request to another
    origin. (Aborting them in a route instead turns the browser's cache off:
    every page would fetch and compile plotly's 1.5 MB again, ~0.1 s a page.)"""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "proxy": {"server": nowhere, "bypass": urlsplit(live_server.url).hostname},
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A Chinese desktop browser: Accept-Language zh-CN picks the zh-hans UI.
    A test changes this with @pytest.mark.browser_context_args(...)."""
    return {
        **browser_context_args,
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
        "viewport": {"width": 1280, "height": 900},
        "accept_downloads": True,
    }


# --- The preloaded data put back, not flushed --------------------------------------
#
# A journey commits for real (the live server reads what it writes, and the app's
# on-commit work runs), so pytest-django ends it with a flush that empties every
# table, and the next database test loads the plan and its demo figures again
# (tests/conftest.py): ~1 s a journey. Instead, once the journey is over, the
# rows it added go, the rows it changed or removed get their preloaded values back
# (and on SQLite the AUTOINCREMENT counters), the database is compared with the
# preloaded snapshot, and only when they agree is the flush skipped. Should the
# put-back fail or differ, the flush runs as before.


def _put_back_preloaded() -> bool:
    """The database as preloaded (``SNAPSHOT[DEMO]``); whether it now is."""
    if DEMO not in SNAPSHOT:
        return False
    target, target_sequences = SNAPSHOT[DEMO]
    rows, sequences = _snapshot()
    quote = connection.ops.quote_name
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for model in _models():
                now, then = rows[model], target[model]
                added = sorted(now.keys() - then.keys())
                table, column = quote(model._meta.db_table), quote(model._meta.pk.column)
                for start in range(0, len(added), 500):
                    chunk = added[start : start + 500]
                    marks = ", ".join(["%s"] * len(chunk))
                    cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", chunk)
                names = [f.attname for f in model._meta.concrete_fields]
                for pk in now.keys() & then.keys():
                    if now[pk] != then[pk]:
                        values = dict(zip(names, then[pk], strict=True))
                        model._base_manager.filter(pk=pk).update(**values)
                missing = [
                    model(**dict(zip(names, then[pk], strict=True)))
                    for pk in sorted(then.keys() - now.keys())
                ]
                fields = model._meta.local_concrete_fields
                size = connection.ops.bulk_batch_size(fields, missing) or len(missing) or 1
                for start in range(0, len(missing), size):
                    model._base_manager._insert(missing[start : start + size], fields, raw=True)
            for name in sequences.keys() - target_sequences.keys():
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [name])
            for name, seq in target_sequences.items():
                if sequences.get(name) != seq:
                    cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [name])
                    cursor.execute(
                        "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [name, seq]
                    )
    except Exception as error:  # the flush then empties the database, as before
        warnings.warn(f"preloaded data not put back ({error!r}): flushed", stacklevel=1)
        return False
    if _snapshot() != SNAPSHOT[DEMO]:
        warnings.warn("preloaded data put back differs from the snapshot: flushed", stacklevel=1)
        return False
    return True


def _skip_the_flush() -> None:
    """pytest-django's teardown, which runs next, ends without its flush (once)."""
    flush = TransactionTestCase.__dict__["_fixture_teardown"]

    def _fixture_teardown(self):
        TransactionTestCase._fixture_teardown = flush

    TransactionTestCase._fixture_teardown = _fixture_teardown


@pytest.fixture
def transactional_db(transactional_db, django_db_blocker):
    yield
    with django_db_blocker.unblock():
        if _put_back_preloaded():
            _skip_the_flush()


@pytest.fixture
def static_files(settings):
    """Plain static files served by the live server (a manifest storage would
    404 hashed names that were never collected)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@dataclass
class Guard:
    """Collects what must never happen on a page: console errors, uncaught
    exceptions, requests leaving the live server (the browser's proxy refuses
    those: ``browser_type_launch_args``)."""

    origin: str
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    expected: list[re.Pattern] = field(default_factory=list)
    watched: list = field(default_factory=list)

    def watch(self, page) -> None:
        for event, handler in (
            ("console", self._on_console),
            ("pageerror", self._on_page_error),
            ("request", self._on_request),
        ):
            page.on(event, handler)
            self.watched.append((page, event, handler))

    def unwatch(self) -> None:
        while self.watched:
            page, event, handler = self.watched.pop()
            page.remove_listener(event, handler)

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        text = f"console.error: {message.text} ({message.location.get('url', '')})"
        if any(pattern.search(text) for pattern in self.expected):
            return
        self.errors.append(text)

    def _on_page_error(self, error) -> None:
        self.errors.append(f"uncaught: {error}")

    def _on_request(self, request) -> None:
        parts = urlsplit(request.url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign.append(request.url)

    @contextmanager
    def expecting_error(self, pattern: str) -> Iterator[None]:
        """Within the block a console error matching ``pattern`` is expected
        (e.g. the browser's own 'status of 404' line for a refused page)."""
        compiled = re.compile(pattern)
        self.expected.append(compiled)
        try:
            yield
        finally:
            self.expected.remove(compiled)

    def check(self) -> None:
        assert not self.errors, "browser console errors:\n" + "\n".join(self.errors)
        assert not self.foreign, "requests to other hosts:\n" + "\n".join(self.foreign)


# --- Browser tabs kept from one journey to the next ----------------------------------
#
# A tab opened in a new browser context starts a renderer with nothing compiled:
# its first page with charts takes ~1.5 s (plotly's 1.5 MB parsed and compiled),
# against ~0.6 s in a tab that has shown one before. So the tabs stay open for
# the whole session, one context (cookie jar) each, as pytest-playwright would
# open them (``browser_context_args`` and the test's marker). A test takes as
# many as it has people. When it is over each tab's cookies are cleared and it
# is left on the login page, loaded: nothing running, no request pending (on a
# static file the browser would still ask for /favicon.ico). The next test with
# the same context arguments gets it back logged out, its cache (static files
# only) kept.


@pytest.fixture(scope="session")
def _idle_tabs(browser, django_db_setup) -> Iterator[dict[str, list]]:
    """Closed before the test database is dropped (pytest-django drops it before
    the browser closes): an open tab keeps connections to the live server, each
    served by a thread that holds a database connection, and PostgreSQL refuses
    to drop a database in use. The closed sockets end those threads; they are
    waited for."""
    idle: dict[str, list] = {}
    yield idle
    for pages in idle.values():
        for page in pages:
            page.context.close()
    for thread in threading.enumerate():
        if thread.daemon and thread.name.endswith("(process_request_thread)"):
            thread.join(timeout=10)


@pytest.fixture
def tabs(_idle_tabs, browser, browser_context_args, live_server, request) -> Iterator[Callable]:
    """``tabs()``: a logged-out tab in a context of its own, for this test."""
    marker = request.node.get_closest_marker("browser_context_args")
    args = {**browser_context_args, **(marker.kwargs if marker else {})}
    idle = _idle_tabs.setdefault(repr(sorted(args.items())), [])
    taken = []

    def take():
        page = idle.pop() if idle else browser.new_context(**args).new_page()
        taken.append(page)
        return page

    yield take
    for page in taken:
        try:
            page.context.clear_cookies()
            page.goto(live_server.url + "/accounts/login/")
        except Exception:  # a tab left in an odd state is closed, not reused
            page.context.close()
        else:
            idle.append(page)


@pytest.fixture
def guard(tabs, live_server, static_files) -> Iterator[Guard]:
    """Checked once more when the test is over (before its tabs go idle)."""
    watcher = Guard(origin=live_server.url)
    yield watcher
    try:
        watcher.check()
    finally:
        watcher.unwatch()


@pytest.fixture
def app(tabs, guard, live_server):
    """A tab, watched by ``guard``, with helpers for the journeys."""
    page = tabs()
    guard.watch(page)
    return App(page, guard, live_server.url)


@pytest.fixture
def signed_in(tabs, guard, live_server) -> Callable[..., App]:
    """``signed_in(user, at=None)``: that user at a browser of their own (a
    context with its own cookies, watched by ``guard``), logged in through the
    login form (``App.log_in``).
    A journey with several people keeps one each and goes back and forth
    between them, as they would at their own desks, instead of logging in again
    at every turn."""

    def open_for(user, at: str | None = None) -> App:
        person = App(tabs(), guard, live_server.url)
        guard.watch(person.page)
        person.log_in(user.username, at=at)
        return person

    return open_for


class App:
    def __init__(self, page, guard: Guard, base_url: str):
        self.page = page
        self.guard = guard
        self.base_url = base_url

    def url(self, path: str) -> str:
        return self.base_url + path

    def visit(self, path: str, status: int = 200):
        response = self.page.goto(self.url(path))
        assert response is not None
        assert response.status == status, f"{path}: HTTP {response.status}"
        self.guard.check()
        return response

    def submit(self, button) -> None:
        """Clicks a button that submits a form and waits for the next page."""
        with self.page.expect_navigation():
            button.click()
        self.guard.check()

    def log_in(self, username: str, password: str = PASSWORD, *, at: str | None = None) -> None:
        """Through the real login form, as a person would: on the login page,
        then on their landing page; or, ``at`` a page, sent to the form first
        and brought back there (a tab that has not drawn a chart yet then
        need not compile plotly for a landing page it does not look at)."""
        self.page.goto(self.url(at or "/accounts/login/"))
        assert "/accounts/login/" in self.page.url, f"{at} did not ask to log in"
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        with self.page.expect_navigation() as navigation:
            self.page.click("button[type=submit]")
        assert "/accounts/login/" not in self.page.url, f"login as {username} failed"
        landed = navigation.value
        assert landed is not None and landed.status == 200, f"{self.page.url}: {landed}"
        if at is not None:
            assert self.page.url == self.url(at), f"login as {username} landed on {self.page.url}"
        self.guard.check()

    def wait_for_charts(self) -> int:
        """Every chart on the page drawn by plotly (an SVG inside its
        container); returns how many there are."""
        ids = self.page.eval_on_selector_all(
            "script[data-chart-for]", "els => els.map(e => e.dataset.chartFor)"
        )
        for chart_id in ids:
            self.page.wait_for_selector(f"#{chart_id} .main-svg", state="attached")
        assert self.page.locator(".chart-error").count() == 0
        self.guard.check()
        return len(ids)

    def screenshot(self, name: str, *, full_page: bool = True) -> Path:
        """The whole page (the README's, copied to docs/screenshots/), or with
        ``full_page=False`` the screen in view: 2-4 times cheaper on a long
        page (~80 ms against 150-350 ms), enough for the other artifacts."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=path, full_page=full_page, scale="css")
        return path
