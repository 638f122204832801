"""django-tables2 tables for the plan's annexes, and the project's base table."""

from __future__ import annotations

from collections.abc import Sequence

import django_tables2 as tables
from django.db import models
from django.template.defaultfilters import date as date_filter
from django.utils.encoding import force_str
from django.utils.html import conditional_escape
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.columns.manytomanycolumn import ManyToManyColumn
from django_tables2.rows import BoundPinnedRow, BoundRow, BoundRows
from django_tables2.utils import Accessor, signature

from targets.formatting import NumberKind, display_number, format_number
from targets.models import Indicator


class InheritedMetaclass(type(tables.Table)):
    """django-tables2 reads only a table's own ``Meta``; a subclass without one
    silently fell back to the library defaults (sortable headers, no styling).
    Here a table without a ``Meta`` gets its parent's."""

    def __new__(mcs, name, bases, attrs):
        if "Meta" not in attrs:
            parent = next((base.Meta for base in bases if hasattr(base, "Meta")), None)
            if parent is not None:
                attrs["Meta"] = type("Meta", (parent,), {})
        return super().__new__(mcs, name, bases, attrs)


class _Call:
    """``function`` called with those of a cell's arguments (value, record,
    column, bound_column, bound_row, table) it names, exactly as
    django-tables2's ``call_with_appropriate`` calls it, with the signature
    read once instead of on every call (inspect.signature for every cell was
    the largest part of rendering a table's cells)."""

    __slots__ = ("catch_all", "function", "names")

    def __init__(self, function):
        if getattr(function, "__func__", None) is tables.Column.value:
            # django-tables2's Column.value only hands the arguments on to the
            # column's render (call_with_appropriate(self.render, kwargs)).
            function = function.__self__.render
        self.function = function
        self.names, self.catch_all = signature(function)

    def __call__(self, offered: dict):
        if self.catch_all:
            return self.function(**offered)
        if any(name not in offered for name in self.names):
            return None
        return self.function(**{name: offered[name] for name in self.names})


class _CachedCalls:
    """A row that calls its columns' render and value methods through the
    table's ``_Call`` of each (django-tables2's ``BoundRow`` inspects them
    for every cell); the cells are the same."""

    def _call_render(self, bound_column, value=None):
        offered = self._optional_cell_arguments(bound_column, value)
        content = self._table.cell_call(bound_column, "render")(offered)
        return bound_column.link(content, **offered) if bound_column.link else content

    def _call_value(self, bound_column, value=None):
        offered = self._optional_cell_arguments(bound_column, value)
        return self._table.cell_call(bound_column, "value")(offered)

    def items(self):
        """``BoundRow.items`` without looking each column up again by its
        name (``get_cell(name)`` walks the columns to find it)."""
        for column in self.table.columns:
            column.current_value = self._get_and_render_with(
                column, render_func=self._call_render, default=column.default
            )
            column.current_record = self.record
            yield (column, column.current_value)

    def value_of(self, bound_column):
        """``get_cell_value`` of the column itself, not of its name."""
        return self._get_and_render_with(bound_column, render_func=self._call_value, default=None)


class _Row(_CachedCalls, BoundRow):
    pass


class _PinnedRow(_CachedCalls, BoundPinnedRow):
    pass


class _Rows(BoundRows):
    """django-tables2's ``BoundRows`` spawning ``_Row``s."""

    def generator_pinned_row(self, data):
        if data is not None:
            if not hasattr(data, "__iter__"):
                raise ValueError("The data for pinned rows must be iterable")
            for record in data:
                yield _PinnedRow(record, table=self.table)

    def __iter__(self):
        yield from self.generator_pinned_row(self.pinned_data.get("top"))
        for record in self.data:
            yield _Row(record, table=self.table)
        yield from self.generator_pinned_row(self.pinned_data.get("bottom"))

    def __getitem__(self, key):
        if isinstance(key, slice):
            return _Rows(data=self.data[key], table=self.table, pinned_data=self.pinned_data)
        return _Row(record=self.data[key], table=self.table)


def _holds_callable(attrs: dict) -> bool:
    return any(
        callable(value) or (isinstance(value, dict) and _holds_callable(value))
        for value in attrs.values()
    )


# The library's bootstrap5 table, each row written in Python (targets/templatetags/table_rows.py).
TABLE_TEMPLATE = "tables/table.html"


class QuickRowsMixin:
    """For a ``tables.Table``: its rows call each column's render and value
    through one ``_Call`` per column, and with ``Meta.template_name =
    TABLE_TEMPLATE`` they are written by ``{% table_row %}`` (``BaseTable``
    has both; a table with a Meta of its own can take them too)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._cell_calls = {}
        self._td_html = {}
        self.rows = _Rows(data=self.data, table=self, pinned_data=self.pinned_data)

    @property
    def rows_in_python(self) -> bool:
        """``{% table_row %}`` writes what the template writes for a column
        that is neither localised nor unlocalised (``localize`` None);
        otherwise the table's rows go through the library's template."""
        return all(column.localize is None for column in self.columns)

    def td_html(self, bound_column) -> str:
        """``bound_column.attrs.td.as_html``, as the library's template writes
        it for the current cell. A column's ``td`` attributes hold no callable
        in this project's tables but the matrix's (a cell's status colour), so
        they are the same for every cell: computed once per column (the
        library computes the th, td and tf attributes again for every cell)."""
        html = self._td_html.get(bound_column.name)
        if html is None:
            html = bound_column.attrs["td"].as_html()
            if self._td_is_static(bound_column):
                self._td_html[bound_column.name] = html
        return html

    def _td_is_static(self, bound_column) -> bool:
        # BoundColumn.attrs: the table's attrs updated by the column's; "td",
        # else "cell"; every callable in it (at any depth) called per cell.
        attrs = {**self.attrs, **bound_column.column.attrs}
        td = attrs.get("td", attrs.get("cell", {}))
        return (
            type(self).get_column_class_names is tables.Table.get_column_class_names
            and not callable(td)
            and not _holds_callable(td)
        )

    def cell_call(self, bound_column, method: str) -> _Call:
        key = (bound_column.name, method)
        call = self._cell_calls.get(key)
        if call is None:
            call = self._cell_calls[key] = _Call(getattr(bound_column, method))
        return call


class BaseTable(QuickRowsMixin, tables.Table, metaclass=InheritedMetaclass):
    """Every table of the project: bootstrap styling, numbers right-aligned,
    not sortable unless a table says so (the matrix does)."""

    class Meta:
        attrs = {"class": "table table-sm table-striped table-hover align-middle"}
        orderable = False
        template_name = TABLE_TEMPLATE

    def as_values(self, exclude_columns=None):
        """What exports write: django-tables2's own ``as_values``, the same
        values, with each column's value method and the arguments it takes
        looked up once per column, not once per cell — inspecting the
        signature for every cell was most of the 22 s the matrix export of
        1,000 regions took (benchmarks/excel.py). Rows of model instances take
        django-tables2's per-cell path (it shows their choices' labels), with
        the same once-per-column calls (``_Row``)."""
        exclude = exclude_columns or ()
        columns = [
            column
            for column in self.columns.iterall()
            if not (column.column.exclude_from_export or column.name in exclude)
        ]
        yield [force_str(column.header, strings_only=True) for column in columns]
        cells = [_ExportCell(self, column) for column in columns]
        for row in self.rows:
            if isinstance(row.record, models.Model):
                yield [force_str(row.value_of(c), strings_only=True) for c in columns]
            else:
                yield [force_str(cell.value(row), strings_only=True) for cell in cells]


class _ExportCell:
    """One column's export value of a row, as ``BoundRow.get_cell_value``
    computes it for a record that is not a model instance."""

    def __init__(self, table, bound_column):
        self.table, self.bound_column = table, bound_column
        self.column = column = bound_column.column
        self.accessor = Accessor(bound_column.accessor)
        self.function = table.cell_call(bound_column, "value")
        self.text_link = isinstance(column, BaseLinkColumn) and column.text is not None
        self.many = isinstance(column, ManyToManyColumn)

    def value(self, row):
        record = row.record
        if self.many:
            return row.get_cell_value(self.bound_column.name)
        try:
            value = self.accessor.resolve(record)
        except Exception:
            if not self.text_link:
                value = None
            else:
                return self.call(row, None)
        if value in self.column.empty_values:
            return None
        return self.call(row, value)

    def call(self, row, value):
        return self.function(
            {
                "value": value,
                "record": row.record,
                "column": self.column,
                "bound_column": self.bound_column,
                "bound_row": row,
                "table": self.table,
            }
        )


class _DateFormatted:
    """django-tables2's date columns render each cell through a template
    compiled for that cell (``{{ value|date:format|default:default }}``);
    these apply the same ``date`` filter, in the current time zone as a
    template would, without compiling anything. Exports are django-tables2's
    (ISO dates)."""

    def __init__(self, *args, format: str, **kwargs):
        super().__init__(*args, format=format, **kwargs)
        self.date_format = format

    def render(self, value, bound_column):
        shown = date_filter(template_localtime(value), self.date_format) or bound_column.default
        return conditional_escape(shown)


class DateColumn(_DateFormatted, tables.DateColumn):
    pass


class DateTimeColumn(_DateFormatted, tables.DateTimeColumn):
    pass


class ValueColumn(tables.Column):
    """A number cell formatted with its indicator's decimal places: the column's
    own (one indicator per column) or, when None, the row's ``decimal_places``
    (one indicator per row).

    ``kind`` says how the number reads (``targets.formatting.NumberKind``): a
    derived value (序时 expected, projection) keeps at least two places, a need
    per quarter is rounded up. Pages and exports show the same rounded number.
    """

    def __init__(
        self,
        *args,
        decimal_places: int | None = None,
        kind: NumberKind = NumberKind.VALUE,
        **kwargs,
    ):
        self.decimal_places = decimal_places
        self.kind = kind
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num"}})
        kwargs.setdefault("default", None)
        super().__init__(*args, **kwargs)

    def places(self, record) -> int:
        if self.decimal_places is not None:
            return self.decimal_places
        return record["decimal_places"]

    def render(self, value, record):
        return format_number(value, self.places(record), self.kind)

    def value(self, value, record):
        # Exports get the number itself as shown (not a string): the same
        # rounding as the page, without trailing zeros.
        if value is None:
            return None
        return display_number(value, self.places(record), self.kind).normalize() + 0


class Annex1Table(BaseTable):
    """Annex 1: county targets, one row per indicator, one column per year."""

    order = tables.Column(verbose_name=gettext_lazy("序号"), attrs={"td": {"class": "num"}})
    label = tables.Column(verbose_name=gettext_lazy("指标名称"))

    @classmethod
    def for_plan(
        cls, years: Sequence[int], rows: list[dict], has_stretch: bool, numbered: bool = True
    ) -> Annex1Table:
        """``numbered``: show annex 1's 序号 (a township's table skips the
        county-only indicators, so its numbers would have gaps)."""
        with_stretch = {
            year for year in years if any(row.get(f"s{year}") is not None for row in rows)
        }
        extra = []
        for year in years:
            extra.append(
                (f"y{year}", ValueColumn(verbose_name=_("%(year)s年建设任务") % {"year": year}))
            )
            if year in with_stretch:  # a year's own 高线, beside its target
                extra.append(
                    (f"s{year}", ValueColumn(verbose_name=_("%(year)s年高线") % {"year": year}))
                )
        extra.append(("total", ValueColumn(verbose_name=_("总计"))))
        if has_stretch:
            extra.append(("stretch", ValueColumn(verbose_name=_("总计高线"))))
        return cls(rows, extra_columns=extra, exclude=() if numbered else ("order",))


class Annex2Table(BaseTable):
    """Annex 2 for one year: one row per region plus the county total."""

    region = tables.Column(verbose_name=gettext_lazy("区域"))

    @classmethod
    def for_year(cls, indicators: Sequence[Indicator], rows: list[dict]) -> Annex2Table:
        """Each indicator's targets, and beside them its 高线 where the plan
        gives some region one (``s<id>`` of the rows)."""
        extra = []
        for indicator in indicators:
            places = indicator.decimal_places
            label = indicator.annex2_label
            extra.append(
                (f"i{indicator.pk}", ValueColumn(verbose_name=label, decimal_places=places))
            )
            # Not for the county's 高线 alone: annex 1 shows that one.
            if any(
                row.get(f"s{indicator.pk}") is not None
                for row in rows
                if row.get("is_region", True)
            ):
                stretch = _("%(indicator)s高线") % {"indicator": label}
                extra.append(
                    (f"s{indicator.pk}", ValueColumn(verbose_name=stretch, decimal_places=places))
                )
        return cls(rows, extra_columns=extra)
