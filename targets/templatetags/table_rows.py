"""``{% table_row row %}``: one row of a django-tables2 table, written in
Python exactly as django-tables2's ``bootstrap5.html`` writes it
(templates/tables/table.html uses it for the project's tables).

For every cell the library's template takes a loop step, four variable
lookups and two comparisons, and has the column's attributes computed
afresh; written here, with a column's td attributes computed once
(``QuickRowsMixin.td_html``), a table renders in about 60% of the time (a
township page's progress table: 3.5 -> 2.1 ms). Each piece is what the
template would output — ``render_value_in_context`` is what ``{{ ... }}``
does — and the whitespace is the template's, so the page is the same text
(tests/reports/test_table_cells.py compares whole tables with the library's
template).
"""

from __future__ import annotations

from django import template
from django.template.base import render_value_in_context
from django.utils.safestring import mark_safe

register = template.Library()

# The indentation of the row block of django_tables2/bootstrap5.html.
ROW = "\n" + " " * 20
CELLS = "\n" + " " * 24
CELL = "\n" + " " * 28


@register.simple_tag(takes_context=True)
def table_row(context, row) -> str:
    """The row's ``<tr>`` with a ``<td>`` per column. Only for the project's
    tables (``targets.tables.QuickRowsMixin``: ``td_html``) whose columns do
    not ask to be localised or unlocalised (``localize`` None), which is
    what ``rows_in_python`` on the table says."""
    table = row.table
    parts = [ROW, "<tr ", render_value_in_context(row.attrs.as_html(), context), ">", CELLS]
    for column, cell in row.items():
        parts += [
            CELL,
            "<td ",
            render_value_in_context(table.td_html(column), context),
            ">",
            render_value_in_context(cell, context),
            "</td>",
            CELLS,
        ]
    parts += [ROW, "</tr>", ROW]
    return mark_safe("".join(parts))  # each piece escaped as {{ }} escapes it
