"""Upgrading loses nothing: a database made before township reporting existed
(reports 0003, targets 0003, regions 0003) migrates with every figure it holds
counted as the bureau's own, approved entry, every closed quarter still closed
and all history kept.

The database is built the way the previous version built it: migrated forward
from empty to those nodes (every other app to its newest) and filled through
the historical models of that state (the current models describe tables that
do not exist yet), then migrated forward to the newest migrations.

Forward from empty rather than back from the newest: that is how a deployed
database got there, and it takes a quarter of the time (Django renders the
project's state once per migration it unapplies).
"""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from regions.models import Region
from reports.choices import NOT_STARTED, SubmissionAction, SubmissionState
from reports.figures.quarters import is_closed
from reports.figures.submissions import states_for
from reports.models import ClosedQuarter, Figure, QuarterEvent, Submission
from reports.progress import Period
from targets.models import Plan

PREVIOUS = [
    ("reports", "0003_figure_region_help_text"),
    ("targets", "0003_plan_region_term"),
    ("regions", "0003_api_token_admin"),
]

# (region index | None for the county, year, quarter) of the figures the old
# database holds: some regions, some quarters, one county-level figure.
OLD_FIGURES = [
    (0, 2025, 1),
    (1, 2025, 1),
    (0, 2025, 2),
    (2, 2025, 3),
    (None, 2025, 2),
]


@pytest.fixture
def empty_database(settings):
    """The worker's test database with every table dropped, and the project's
    migration files in use, also when the suite builds its test databases from
    the models (``--nomigrations``, pyproject.toml). The migrations then build
    the newest schema again, which ``makemigrations --check`` in scripts/test
    holds equal to the models', and the transactional test's flush empties it
    for the next test as usual."""
    settings.MIGRATION_MODULES = {}
    quote = connection.ops.quote_name
    cascade = " CASCADE" if connection.vendor == "postgresql" else ""
    with connection.constraint_checks_disabled(), connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"DROP TABLE {quote(table)}{cascade}")


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()  # the recorder's view of what is applied now
    executor.migrate(targets)


def newest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def previous() -> list[tuple[str, str]]:
    """PREVIOUS, and every other app at its newest."""
    ours = {app for app, _ in PREVIOUS}
    return PREVIOUS + [node for node in newest() if node[0] not in ours]


def build_previous_version_database() -> dict:
    """The data as the previous version stored it; returns what to look for."""
    old = MigrationExecutor(connection).loader.project_state(PREVIOUS).apps
    User = old.get_model("auth", "User")
    Plan = old.get_model("targets", "Plan")
    Indicator = old.get_model("targets", "Indicator")
    Region = old.get_model("regions", "Region")
    Figure = old.get_model("reports", "Figure")
    HistoricalFigure = old.get_model("reports", "HistoricalFigure")
    ClosedQuarter = old.get_model("reports", "ClosedQuarter")
    QuarterEvent = old.get_model("reports", "QuarterEvent")

    bureau = User.objects.create(username="bureau-before-upgrade")
    plan = Plan.objects.create(name="升级前的计划", first_year=2025, last_year=2027)
    regions = [
        Region.objects.create(plan=plan, code=code, name=name, order=order)
        for order, (code, name) in enumerate([("a", "甲镇"), ("b", "乙镇"), ("c", "丙镇")])
    ]
    by_region = Indicator.objects.create(plan=plan, code="space", name="孵化面积", by_region=True)
    county_only = Indicator.objects.create(
        plan=plan, code="carriers", name="载体数", by_region=False
    )
    when = datetime(2025, 7, 1, 8, tzinfo=UTC)
    for number, (index, year, quarter) in enumerate(OLD_FIGURES, start=1):
        region = regions[index] if index is not None else None
        indicator = by_region if region is not None else county_only
        figure = Figure.objects.create(
            indicator=indicator,
            region=region,
            year=year,
            quarter=quarter,
            value=Decimal(number),
            entered_by=bureau,
            version=2,
        )
        for version, value, kind in [(1, Decimal(0), "+"), (2, Decimal(number), "~")]:
            HistoricalFigure.objects.create(
                id=figure.pk,
                indicator=indicator,
                region=region,
                year=year,
                quarter=quarter,
                value=value,
                note="",
                entered_by=bureau,
                entered_at=when,
                version=version,
                history_date=when,
                history_type=kind,
                history_user=bureau,
                history_change_reason="form",
            )
    ClosedQuarter.objects.create(plan=plan, year=2025, quarter=1, closed_by=bureau)
    QuarterEvent.objects.create(
        plan=plan, year=2025, quarter=1, action="close", reason="已核定", user=bureau
    )
    return {
        "plan": plan.pk,
        "figures": sorted(Figure.objects.values_list("pk", "value", "version")),
        "history": sorted(
            HistoricalFigure.objects.values_list("history_id", "id", "value", "history_type")
        ),
    }


@pytest.mark.django_db(transaction=True)
def test_upgrading_counts_every_figure_as_approved_and_keeps_closures_and_history(
    empty_database,
):
    migrate(previous())
    try:
        assert "reports_submission" not in connection.introspection.table_names()
        before = build_previous_version_database()
    finally:
        migrate(newest())

    plan = Plan.objects.get(pk=before["plan"])
    regions = list(Region.objects.filter(plan=plan).order_by("order"))
    # Every figure and every history row is still there, unchanged.
    assert sorted(Figure.objects.values_list("pk", "value", "version")) == before["figures"]
    assert (
        sorted(Figure.history.values_list("history_id", "id", "value", "history_type"))
        == before["history"]
    )
    # Each region × quarter that held figures is an approved submission that
    # says why; nothing else is (the county's own figures need none).
    reported = {(regions[i].pk, y, q) for i, y, q in OLD_FIGURES if i is not None}
    submissions = Submission.objects.filter(plan=plan)
    assert {(s.region_id, s.year, s.quarter) for s in submissions} == reported
    for submission in submissions:
        assert submission.state == SubmissionState.APPROVED
        (event,) = submission.events.all()
        assert event.action == SubmissionAction.MIGRATED
        assert event.state == SubmissionState.APPROVED
        assert event.reason
    assert states_for(plan, 2025, 3, regions) == {
        regions[0].pk: NOT_STARTED,
        regions[1].pk: NOT_STARTED,
        regions[2].pk: SubmissionState.APPROVED,
    }
    # The closed quarter is still closed, with its record.
    assert is_closed(plan, Period(2025, 1))
    assert list(ClosedQuarter.objects.values_list("year", "quarter")) == [(2025, 1)]
    (event,) = QuarterEvent.objects.filter(plan=plan)
    assert (event.action, event.reason) == ("close", "已核定")


def test_upgrading_gives_each_incubator_the_key_its_name_is_matched_by(official, region_a):
    """reports 0014 stores each incubator's name as the ledger workbook
    matches it; incubators made before get theirs from its data step (run
    here on a key left empty, as the new column starts), and the step's own
    copy of the rule agrees with the services'."""
    from django.apps import apps

    from reports.ledger.identity import name_key
    from reports.models import Incubator
    from tests.reports.ledger_data import incubator

    step = importlib.import_module("reports.migrations.0014_incubator_name_key")
    made = incubator(official, region_a, name="（演示） 甲镇“科创”园\u200b")
    Incubator.objects.update(name_key="")
    step.fill_name_keys(apps, None)
    made.refresh_from_db()
    assert made.name_key == name_key(made.name) == '(演示)甲镇"科创"园'
