"""Shared personas and plan fixtures.

Personas follow the roles: ``staff`` (county science bureau), ``leader``,
``official`` (township official of region A = 昆阳), ``other_official``
(region B = 鳌江), ``unbound`` (township group, no region), ``admin_user``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import partial

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import translation

from regions.models import Membership, Region
from regions.roles import GROUP_NAMES, Role
from regions.services import ensure_role_groups
from reports.demo.seed import seed_demo
from reports.figures import deadlines
from targets.models import DepartmentMembership, Plan
from tests.signing_in import sign_in

PASSWORD = "correct-horse-battery-9"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create and log in many users; the production hasher's deliberate
    slowness buys nothing here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def computed_progress_forgotten():
    """Each test computes its progress afresh: tests roll the database back to
    the preloaded state, data version included, and some write past the
    services (``update()``) to set up what they look at."""
    for alias in ("default", "progress"):
        caches[alias].clear()
    yield
    for alias in ("default", "progress"):
        caches[alias].clear()


@pytest.fixture
def every_quarter_begun(monkeypatch):
    """Today after the end of every plan: for a test that writes its plan's
    later quarters (figures are refused for a quarter that has not begun)."""
    monkeypatch.setattr(deadlines, "today", lambda: datetime.date(2100, 1, 1))


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path_factory):
    """Stored attachments go to a scratch directory, never the repository's media/."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language. A request in English leaves
    English active in the thread (LocaleMiddleware activates, nothing resets),
    and a later test of the same worker that composes text outside a request
    (the briefing) would read English where it expects Chinese."""
    yield
    translation.deactivate()


# --- The plan and its demo figures, loaded once per test database ----------------
#
# Loading the plan fixture (~35 ms) and seeding its demo figures (~50 ms) again for
# each of some 450 tests took a third of the suite's time. Both are now loaded once,
# before the first database test, and committed; every test runs in a transaction
# that is rolled back to that state.
#
# A test still finds exactly what it asks for, as if nothing had been preloaded:
# with ``demo`` everything stays, with ``plan`` (and no ``demo``) the demo figures
# are removed, any other database test finds no plan at all. The removal happens
# when the test starts, inside its transaction: rows added by the loading are
# deleted, rows it changed get their old values back, and on SQLite the
# AUTOINCREMENT counters go back too, so new rows get the ids they always got. A
# test that asks for ``plan`` or ``demo`` only at run time (getfixturevalue) has
# them loaded then, as before.
#
# Tests on ``transactional_db`` commit for real and end with a flush that empties
# every table: the next database test finds no plan and loads everything again
# before its own transaction starts. The browser journeys (``live_server``) put
# the preloaded rows back instead (tests/browser/conftest.py), and flush only when
# that fails.

PLAN_FIXTURE = "pingyang_2025_2027"
EMPTY, PLAN, DEMO = 0, 1, 2
LEVEL = pytest.StashKey[int]()  # what the running test's database holds


@dataclass
class Undo:
    """How to take the database from one level back to the one below."""

    delete: list[tuple[type, list | None]] = field(default_factory=list)  # None: every row
    restore: list[tuple[type, object, dict]] = field(default_factory=list)
    sqlite_sequence: dict[str, int | None] = field(default_factory=dict)  # None: no entry


UNDO: dict[int, Undo] = {}  # DEMO: back to PLAN, PLAN: back to EMPTY
SNAPSHOT: dict[int, tuple[dict, dict]] = {}  # each level as loaded (tests/test_preloaded_data.py)


def _models():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _snapshot() -> tuple[dict, dict[str, int]]:
    rows = {}
    for model in _models():
        names = [f.attname for f in model._meta.concrete_fields]
        at = names.index(model._meta.pk.attname)
        rows[model] = {row[at]: row for row in model._base_manager.values_list(*names)}
    sequences = {}
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, seq FROM sqlite_sequence")
            sequences = dict(cursor.fetchall())
    return rows, sequences


def _undo(lower: tuple[dict, dict], upper: tuple[dict, dict]) -> Undo:
    (below, below_seq), (above, above_seq) = lower, upper
    undo = Undo()
    for model, rows in above.items():
        before = below[model]
        if before.keys() - rows.keys():
            raise RuntimeError(f"preloading deleted rows of {model.__name__}: cannot undo that")
        added = rows.keys() - before.keys()
        if added:
            undo.delete.append((model, sorted(added) if before else None))
        names = [f.attname for f in model._meta.concrete_fields]
        for pk in rows.keys() & before.keys():
            if rows[pk] != before[pk]:
                undo.restore.append((model, pk, dict(zip(names, before[pk], strict=True))))
    for name, seq in above_seq.items():
        if below_seq.get(name) != seq:
            undo.sqlite_sequence[name] = below_seq.get(name)
    return undo


def _go_down(undo: Undo) -> None:
    quote = connection.ops.quote_name
    # Foreign keys are checked at commit (deferred), so the order does not matter.
    with transaction.atomic(), connection.cursor() as cursor:
        for model, pks in undo.delete:
            table = quote(model._meta.db_table)
            if pks is None:
                cursor.execute(f"DELETE FROM {table}")
                continue
            column = quote(model._meta.pk.column)
            for start in range(0, len(pks), 500):
                chunk = pks[start : start + 500]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", chunk)
        for model, pk, values in undo.restore:
            model._base_manager.filter(pk=pk).update(**values)
        for name, seq in undo.sqlite_sequence.items():
            if seq is None:
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [name])
            else:
                cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [seq, name])


def _preload() -> None:
    if Plan.objects.exists():  # a database kept from an earlier run (--reuse-db)
        call_command("flush", interactive=False, verbosity=0)
    ensure_role_groups()  # as after migrate; the ``groups`` fixture relies on it
    SNAPSHOT[EMPTY] = _snapshot()
    call_command("loaddata", PLAN_FIXTURE, verbosity=0)
    SNAPSHOT[PLAN] = _snapshot()
    seed_demo(Plan.objects.get(), accounts=False)
    SNAPSHOT[DEMO] = _snapshot()
    UNDO[PLAN] = _undo(SNAPSHOT[EMPTY], SNAPSHOT[PLAN])
    UNDO[DEMO] = _undo(SNAPSHOT[PLAN], SNAPSHOT[DEMO])


@pytest.fixture
def _preloaded(django_db_setup, django_db_blocker) -> None:
    """Before the test's transaction starts: the plan and demo figures are there
    (loaded again after a transactional test's flush removed them)."""
    with django_db_blocker.unblock():
        if not UNDO or not Plan.objects.exists():
            _preload()


def _as_requested(request) -> None:
    """Removes, inside the test's transaction, what the test did not ask for."""
    if LEVEL in request.node.stash:
        return
    names = request.fixturenames
    wanted = DEMO if "demo" in names else PLAN if "plan" in names else EMPTY
    for level in range(DEMO, wanted, -1):
        _go_down(UNDO[level])
    request.node.stash[LEVEL] = wanted


@pytest.fixture
def db(_preloaded, db, request) -> None:
    _as_requested(request)


@pytest.fixture
def transactional_db(_preloaded, transactional_db, request) -> None:
    _as_requested(request)


@pytest.fixture(autouse=True)
def _django_db_mark(request) -> None:
    """A test marked ``django_db`` without asking for ``db`` gets the same."""
    if request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")


@pytest.fixture
def plan(db, request) -> Plan:
    """The Pingyang 2025–2027 plan, loaded from the project's fixture."""
    if request.node.stash[LEVEL] < PLAN:
        call_command("loaddata", PLAN_FIXTURE, verbosity=0)
        request.node.stash[LEVEL] = PLAN
    return Plan.objects.get()


@pytest.fixture
def demo(plan, request) -> Plan:
    """The Pingyang plan with demo figures for 2025 Q1 – 2026 Q3. Every quarter
    is approved but the last: 2026 Q3 shows every reporting state (腾蛟
    submitted, 麻步 returned, 海西 draft, 经开区 not started and overdue, the
    others approved), so the dashboards open on 2026 Q2, the latest complete."""
    if request.node.stash[LEVEL] < DEMO:
        seed_demo(plan, accounts=False)
        request.node.stash[LEVEL] = DEMO
    plan.refresh_from_db()
    return plan


@pytest.fixture
def demo_complete(demo, staff) -> Plan:
    """The demo with its 2026 Q3 finished through the reporting services (each
    region still owing its report fills what it lacks and submits it, ``staff``
    approve): 2026 Q3 is then the latest complete quarter."""
    from tests.reports.reviewing import finish_reporting

    finish_reporting(demo, staff, 2026, 3)
    return demo


@pytest.fixture
def groups(db):
    """One group per role, holding its permissions. ``ensure_role_groups`` ran
    when the data was preloaded and every test rolls back to that state, so the
    groups are only read here (repairing them each time cost 10 ms a test)."""
    return {Role(role): Group.objects.get(name=name) for role, name in GROUP_NAMES.items()}


def make_user(username: str, role: Role | None, region: Region | None = None, **extra):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)
    if role is not None:
        user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
    if region is not None:
        Membership.objects.create(user=user, region=region)
    return user


@pytest.fixture
def region_a(plan) -> Region:
    return plan.regions.get(name="昆阳")


@pytest.fixture
def region_b(plan) -> Region:
    return plan.regions.get(name="鳌江")


@pytest.fixture
def staff(groups, plan):
    return make_user("staff", Role.COUNTY_STAFF)


@pytest.fixture
def leader(groups, plan):
    return make_user("leader", Role.LEADER)


@pytest.fixture
def official(groups, region_a):
    return make_user("official_a", Role.TOWNSHIP, region_a)


@pytest.fixture
def other_official(groups, region_b):
    return make_user("official_b", Role.TOWNSHIP, region_b)


@pytest.fixture
def unbound(groups, plan):
    return make_user("unbound", Role.TOWNSHIP)


@pytest.fixture
def liaison(groups, plan):
    """A department liaison (部门联络员) of 县投资促进服务中心: it leads 三(五), 三(六)
    and 三(八) and co-operates on none."""
    user = make_user("liaison", Role.DEPARTMENT)
    department = plan.departments.get(name="县投资促进服务中心")
    DepartmentMembership.objects.create(user=user, department=department)
    return user


@pytest.fixture
def admin_user(groups, plan):
    return get_user_model().objects.create_superuser(
        username="admin", password=PASSWORD, email="admin@example.invalid"
    )


@pytest.fixture
def client_for(client):
    """``client_for(user)``: a test client signed in as ``user``."""

    return partial(sign_in, client)


def pytest_collection_modifyitems(items):
    """The longest tests first (``slow``: ~11 s, ``browser``: 1–5 s each): under
    xdist (scripts/test) a worker starts them at once and the other worker runs
    the rest beside them, instead of one of them running alone at the end. The
    sort is stable: everything else keeps pytest-django's order."""
    items.sort(
        key=lambda item: not (item.get_closest_marker("slow") or item.get_closest_marker("browser"))
    )
