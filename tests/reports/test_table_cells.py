"""The project's tables render and export exactly the cells django-tables2's
own rows would, and are written exactly as django-tables2's bootstrap5
template writes them: their rows only read each column's method signature
once (``targets.tables._Call``), their date columns format without a
template per cell, and their rows are written in Python
(targets/templatetags/table_rows.py)."""

from __future__ import annotations

import datetime as dt

import django_tables2 as tables
import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django_tables2.rows import BoundRows

from targets.tables import TABLE_TEMPLATE, BaseTable, DateColumn, DateTimeColumn

LIBRARY_TEMPLATE = "django_tables2/bootstrap5.html"


def library_rows(table) -> BoundRows:
    return BoundRows(data=table.data, table=table, pinned_data=table.pinned_data)


def cells(rows, table) -> list[tuple[list, list]]:
    """Each row's rendered cells (what the page shows) and export values."""
    names = [column.name for column in table.columns.iterall()]
    return [
        ([row.get_cell(n) for n in names], [row.get_cell_value(n) for n in names]) for row in rows
    ]


def tables_of(response) -> list[tables.Table]:
    found = {}
    keys = response.context.keys()  # a ContextList: iterating it gives contexts, not keys
    for key in keys:
        value = response.context[key]
        if isinstance(value, tables.Table):
            found[id(value)] = value
    return list(found.values())


PAGES = [
    ("leader", "reports:overview", {}),
    ("leader", "reports:matrix", {}),
    ("leader", "reports:goals", {}),
    ("leader", "targets:plan", {}),
    ("leader", "reports:township", {"region": "kunyang"}),
    ("leader", "reports:indicator", {"indicator": "space"}),
    ("leader", "reports:ledger_incubators", {}),
    ("leader", "reports:ledger_reconcile", {}),
    ("leader", "reports:measures", {}),
    ("leader", "reports:history", {"region": "kunyang"}),
    ("staff", "reports:ledger_enterprises", {}),
    ("staff", "reports:ledger_evaluation", {}),
    ("staff", "reports:quarters", {}),
]


@pytest.mark.parametrize(("who", "name", "kwargs"), PAGES, ids=[p[1] for p in PAGES])
def test_tables_show_and_export_what_django_tables2_would(
    client_for, demo, leader, staff, who, name, kwargs
):
    user = {"leader": leader, "staff": staff}[who]
    response = client_for(user).get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    found = tables_of(response)
    assert found, f"{name} shows no table"
    compared = 0
    for table in found:
        ours = cells(table.rows, table)
        library = cells(library_rows(table), table)
        assert ours == library, type(table).__name__
        compared += len(ours)
        # The whole table as the page writes it, and as the library's template would.
        assert table.template_name == TABLE_TEMPLATE
        assert table.rows_in_python
        html = table.as_html(response.wsgi_request)
        assert "<td " in html
        table.template_name = LIBRARY_TEMPLATE
        assert html == table.as_html(response.wsgi_request), type(table).__name__
    assert compared


def test_exports_hold_what_django_tables2_would_export(client_for, leader, demo):
    # As the matrix test in test_dashboards, for rows of model instances.
    response = client_for(leader).get(reverse("reports:ledger_incubators"))
    table = response.context["table"]
    ours = list(table.as_values())
    table.rows = library_rows(table)
    assert ours == list(tables.Table.as_values(table))
    assert len(ours) > 2


class _Dates(BaseTable):
    day = DateColumn(format="Y-m-d")
    at = DateTimeColumn(format="Y-m-d H:i")
    never = DateColumn(format="Y-m-d", default="—")


class _LibraryDates(BaseTable):
    day = tables.DateColumn(format="Y-m-d")
    at = tables.DateTimeColumn(format="Y-m-d H:i")
    never = tables.DateColumn(format="Y-m-d", default="—")


def test_date_columns_show_what_django_tables2_date_columns_show(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    # 23:30 UTC is the next morning in Shanghai: both show the local date and time.
    rows = [
        {"day": dt.date(2026, 3, 9), "at": dt.datetime(2026, 3, 9, 23, 30, tzinfo=dt.UTC)},
        {"day": None, "at": timezone.now()},
    ]
    request = RequestFactory().get("/")
    ours, library = _Dates(rows), _LibraryDates(rows, template_name=LIBRARY_TEMPLATE)
    assert ours.as_html(request) == library.as_html(request)
    assert "2026-03-10 07:30" in ours.as_html(request)
    assert list(ours.as_values()) == list(library.as_values())


class _Localised(BaseTable):
    number = tables.Column(localize=False)


def test_a_table_with_a_localised_column_is_written_by_the_librarys_template():
    table = _Localised([{"number": 1234}])
    assert not table.rows_in_python
    html = table.as_html(RequestFactory().get("/"))
    table.template_name = LIBRARY_TEMPLATE
    assert html == table.as_html(RequestFactory().get("/"))


class _Texts(BaseTable):
    text = tables.Column()
    link = tables.Column(empty_values=())
    number = tables.Column(attrs={"td": {"class": lambda value: "neg" if value < 0 else "pos"}})

    def render_link(self, record):
        return format_html('<a href="/x?a=1&b={}">{}</a>', record["text"], "链接")


def test_rows_written_in_python_escape_as_the_template_escapes():
    rows = [
        {"text": "<script>alert('&')</script>", "number": -1},
        {"text": "甲", "number": 2},
        {"text": None, "number": 3},
    ]
    request = RequestFactory().get("/")
    table = _Texts(rows, row_attrs={"data-n": lambda record: record["number"]})
    html = table.as_html(request)
    assert "&lt;script&gt;" in html and 'class="neg"' in html and 'data-n="2"' in html
    table.template_name = LIBRARY_TEMPLATE
    assert html == table.as_html(request)
