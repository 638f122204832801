"""A plan's data version (targets/versioning.py): bumped in the same
transaction as every write that changes a number, and only then."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from reports.choices import Source
from reports.figures.changes import FigureChange, FigureError
from reports.figures.services import record_figures
from reports.models import Figure
from reports.progress.reuse import ProgressSource, scope_key
from targets.models import DataVersion, Plan
from targets.versioning import bump_data_version, bumps_data_version, current_data_version


def version(plan) -> str | None:
    return current_data_version(plan.pk)


def test_a_new_plan_has_a_version_and_deleting_it_leaves_none(plan):
    assert version(plan) is not None
    plan.delete()
    assert not DataVersion.objects.exists()


def test_a_write_that_fails_leaves_the_version_as_it_was(plan, staff):
    """The bump is part of the write's transaction: no write, no bump."""
    space = plan.indicators.get(code="space")
    region = plan.regions.get(code="kunyang")
    before = version(plan)
    with pytest.raises(FigureError):
        record_figures(
            plan, staff, [FigureChange(space.pk, region.pk, 2025, 1, Decimal("-1"))], source="form"
        )
    assert version(plan) == before
    record_figures(
        plan, staff, [FigureChange(space.pk, region.pk, 2025, 1, Decimal(2))], source=Source.FORM
    )
    assert version(plan) != before


def test_admin_deleting_a_figure_bumps(demo, admin_user, client_for):
    figure = Figure.objects.filter(indicator__plan=demo).first()
    before = version(demo)
    url = reverse("admin:reports_figure_delete", args=[figure.pk])
    assert client_for(admin_user).post(url, {"post": "yes"}).status_code == 302
    assert not Figure.objects.filter(pk=figure.pk).exists()
    assert version(demo) != before


def test_a_measures_departments_changed_bump(plan):
    measure = plan.measures.first()
    department = plan.departments.exclude(measures=measure).first()
    before = version(plan)
    measure.departments.add(department, through_defaults={"position": 99})
    assert version(plan) != before


def test_other_plans_keep_their_version(plan):
    other = Plan.objects.create(name="另一计划", first_year=2025, last_year=2027, is_active=False)
    before = version(other)
    bump_data_version(plan.pk)
    assert version(other) == before


def test_a_decorated_write_bumps_with_it_or_not_at_all(plan):
    @bumps_data_version(lambda plan, fail: plan.pk)
    def rename(plan, fail):
        Plan.objects.filter(pk=plan.pk).update(name="改名")
        if fail:
            raise ValueError

    before = version(plan)
    with pytest.raises(ValueError):
        rename(plan, True)
    assert version(plan) == before
    assert Plan.objects.get(pk=plan.pk).name != "改名"
    rename(plan, False)
    assert version(plan) != before


def county_source(plan) -> ProgressSource:
    return ProgressSource(plan, plan.regions.all(), whole_county=True, scope=scope_key(True, None))


def test_a_reader_sees_the_version_its_transaction_committed(demo, staff):
    """Inside a write's transaction the table is computed at the new version;
    a rollback takes the version back with it and the old entry still holds."""
    source = county_source(demo)
    period = source.latest_period
    _data, table = source.table(period)
    space = demo.indicators.get(code="space")
    old = table.cell(None, space.pk).ytd_actual
    with pytest.raises(RuntimeError), transaction.atomic():
        Figure.objects.filter(indicator=space).update(value=0)
        bump_data_version(demo.pk)
        inside = county_source(demo)
        assert inside.table(period)[1].cell(None, space.pk).ytd_actual == 0
        raise RuntimeError
    after = county_source(demo)
    assert after.table(period)[1].cell(None, space.pk).ytd_actual == old


def test_a_shared_cache_serves_what_another_server_computed(demo, staff, settings):
    """With CACHE_URL=db:// a table computed by one process is found by
    another (its own memory empty) without reading the figures again."""
    from django.core.cache import caches
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "test_shared_progress",
        },
    }
    call_command("createcachetable", verbosity=0)
    period = county_source(demo).latest_period
    _data, table = county_source(demo).table(period)
    caches["progress"].clear()  # another server
    with CaptureQueriesContext(connection) as queries:
        _data, again = county_source(demo).table(period)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "reports_figure" not in sql and "test_shared_progress" in sql
    space = demo.indicators.get(code="space")
    assert again.cell(None, space.pk) == table.cell(None, space.pk)


def test_ledger_and_evaluation_writes_bump_the_version(plan, staff):
    """The ledger feeds the stock goals and the reconciliation: a change of an
    incubator, its recognitions, an enterprise, or the plan's evaluation
    criteria makes every reused table stale."""
    from datetime import date

    from reports.ledger.services import add_recognition, create_enterprise, create_incubator
    from targets.models import EvaluationCriterion

    region = plan.regions.get(code="kunyang")
    before = version(plan)
    incubator = create_incubator(
        staff,
        region=region,
        name="版本测试孵化器",
        kind="incubator",
        floor_area=Decimal("1.00"),
        status="operating",
        status_since=date(2025, 1, 1),
        operating_since=date(2025, 1, 1),
    )
    after_incubator = version(plan)
    assert after_incubator != before
    add_recognition(staff, incubator, level=3, recognised_on=date(2025, 6, 1))
    after_recognition = version(plan)
    assert after_recognition != after_incubator
    create_enterprise(
        staff,
        incubator=incubator,
        name="版本测试企业",
        entered_on=date(2025, 2, 1),
        stage="incubating",
    )
    after_enterprise = version(plan)
    assert after_enterprise != after_recognition
    EvaluationCriterion.objects.filter(plan=plan).update(weight=2)  # update(): no signal
    assert version(plan) == after_enterprise
    EvaluationCriterion.objects.filter(plan=plan).first().delete()
    assert version(plan) != after_enterprise


def version_updates(queries) -> int:
    return sum(
        1
        for q in queries.captured_queries
        if q["sql"].startswith("UPDATE") and "targets_dataversion" in q["sql"]
    )


def test_many_rows_written_in_one_transaction_bump_once(demo):
    """A cascade or a loop of saves (signals, one per row) bumps the version
    once per transaction, not once per row, and the new version shows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    before = version(demo)
    space = demo.indicators.get(code="space")
    figures = list(Figure.objects.filter(indicator=space)[:40])
    assert len(figures) == 40
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        for figure in figures:
            figure.value += 1
            figure.save()
    assert version_updates(queries) == 1  # one filter (the indicator's plan)
    assert version(demo) != before


def test_a_read_between_two_writes_makes_the_second_bump_again(demo):
    """A reader inside the transaction keys its table on the version it read:
    a write after that read must change the version once more."""
    with transaction.atomic():
        bump_data_version(demo.pk)
        seen = version(demo)
        bump_data_version(demo.pk)
        assert version(demo) != seen


def test_a_bump_rolled_back_with_its_savepoint_is_not_taken_for_pending(demo):
    """The first bump is undone with its savepoint; the write after it, in
    the same outer transaction, must bump for itself."""
    before = version(demo)
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            bump_data_version(demo.pk)
            raise RuntimeError
        bump_data_version(demo.pk)
    assert version(demo) != before
