"""The plan and demo figures are loaded once per test database (tests/conftest.py);
each test must still find exactly what it asks for, row for row, as if they were
loaded for it alone: nothing without ``plan``, no figures without ``demo``. On
SQLite the AUTOINCREMENT counters must match too, so new rows get the same ids."""

from __future__ import annotations

import pytest
from django.db import connection

from reports.models import Figure
from targets.models import Plan
from tests.conftest import DEMO, EMPTY, PLAN, SNAPSHOT, _snapshot


def test_a_database_test_without_the_plan_finds_the_database_as_migrated(db):
    assert not Plan.objects.exists()
    assert _snapshot() == SNAPSHOT[EMPTY]


def test_plan_without_demo_has_no_figures_and_is_no_demo(plan):
    assert not Figure.objects.exists() and not Figure.history.exists()
    assert not plan.is_demo
    assert _snapshot() == SNAPSHOT[PLAN]


def test_demo_has_the_figures(demo):
    assert demo.is_demo and Figure.objects.count() == Figure.history.count() > 0
    assert _snapshot() == SNAPSHOT[DEMO]


def test_the_plan_asked_for_at_run_time_is_loaded_then(db, request):
    assert not Plan.objects.exists()
    plan = request.getfixturevalue("demo")
    assert plan.is_demo and Figure.objects.count() == len(SNAPSHOT[DEMO][0][Figure])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL sequences never roll back")
def test_new_rows_get_the_ids_they_got_before_the_plan_was_loaded(db):
    before = SNAPSHOT[EMPTY][1].get(Plan._meta.db_table, 0)  # sqlite_sequence
    first = Plan.objects.create(name="x", first_year=2030, last_year=2032)
    assert first.pk == before + 1


# pytest-django runs transactional tests after the others, in file order: the
# second test below finds the database the first one's flush emptied.
@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_gets_the_plan_and_demo(demo):
    assert Figure.objects.count() == len(SNAPSHOT[DEMO][0][Figure])


@pytest.mark.django_db(transaction=True)
def test_after_a_flush_the_next_test_gets_them_again(plan):
    assert not Figure.objects.exists()
    assert _snapshot() == SNAPSHOT[PLAN]
