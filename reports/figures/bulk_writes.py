"""Many rows written in few statements, for ``record_figures``: the figures'
new values and their history rows.

Not the ORM's bulk methods: ``bulk_update`` builds a CASE WHEN expression per
field and row (2.2 s per 1,000 figures), and ``bulk_history_create`` a
historical model instance per row that ``bulk_create`` then prepares value by
value — together most of the write time of a 100,000-cell import
(benchmarks/README.md). Here each value is prepared once as a save would
(``get_db_prep_save``) and the rows go to the database in bulk: on PostgreSQL
through ``COPY`` (updates copied into a temporary table and applied by one
``UPDATE … FROM``), elsewhere (SQLite) through ``executemany``. Used inside
``record_figures``'s transaction, after it has locked the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from operator import attrgetter

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone

from regions.history import history_note

BATCH = 2000

# Whole numbers and keys are ints already: preparing them is a no-op that
# cost about a second per 100,000 rows.
PLAIN_INTEGER_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "ForeignKey",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
    }
)

# Text is text already when it is a str (not a lazy translation).
TEXT_TYPES = frozenset({"CharField", "SlugField", "TextField"})


def db_rows(objects: Sequence[models.Model], fields: Sequence[models.Field]) -> list[list]:
    """Each object's ``fields`` as the database takes them (``value_preparer``)."""
    database = connections[DEFAULT_DB_ALIAS]  # not the proxy: a lookup per use
    getters = [attrgetter(field.attname) for field in fields]
    preparers = [value_preparer(field, database) for field in fields]
    return [
        [
            getter(obj) if prepare is None else prepare(getter(obj))
            for getter, prepare in zip(getters, preparers, strict=True)
        ]
        for obj in objects
    ]


def value_preparer(field: models.Field, database):
    """What ``field.get_db_prep_save`` makes of a value, quickly (also for the
    synthetic plans' rows, reports/demo/rows.py): None when there is nothing to
    prepare (a whole number); a text field's str as it is; any other value
    prepared once per distinct value (a write has one time, few notes, one
    user), decimals each time (1.0 and 1.00 are equal keys)."""
    kind = field.get_internal_type()
    if kind in PLAIN_INTEGER_TYPES:
        return None
    text = kind in TEXT_TYPES
    prepared = {}

    def prepare(value):
        if text and type(value) is str:
            return value
        if isinstance(value, Decimal):
            return field.get_db_prep_save(value, database)
        try:
            return prepared[value]
        except KeyError:
            result = prepared[value] = field.get_db_prep_save(value, database)
            return result

    return prepare


def update_by_pk(model: type[models.Model], objects: Sequence[models.Model], names: list[str]):
    """``UPDATE … SET <names> WHERE id = …`` for every object, with its values."""
    if not objects:
        return
    fields = [model._meta.get_field(name) for name in names]
    rows = db_rows(objects, fields)
    for row, obj in zip(rows, objects, strict=True):
        row.append(obj.pk)
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    columns = [quote(field.column) for field in fields]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ON COMMIT DROP: the table lives as long as the transaction.
            staged = quote(f"{model._meta.db_table}_bulk_update")
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{staged}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {staged} ON COMMIT DROP AS "
                f"SELECT {', '.join(columns)}, {pk} FROM {table} WITH NO DATA"
            )
            _copy(cursor, staged, [*columns, pk], rows)
            assignments = ", ".join(f"{column} = staged.{column}" for column in columns)
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM {staged} AS staged "
                f"WHERE {table}.{pk} = staged.{pk}"
            )
        else:
            assignments = ", ".join(f"{column} = %s" for column in columns)
            sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"
            for start in range(0, len(rows), BATCH):
                cursor.executemany(sql, rows[start : start + BATCH])


def insert_history(model: type[models.Model], objects: Sequence[models.Model], history_type: str):
    """The rows django-simple-history's ``bulk_history_create`` would write
    for ``objects`` — every tracked field, when, who (``_history_user``), why
    (``_change_reason``) and how (+ created, ~ changed) — in bulk."""
    if not objects:
        return
    history = model.history.model
    tracked = list(history.tracked_fields)
    columns = [history._meta.get_field(field.name).column for field in tracked]
    columns += ["history_date", "history_change_reason", "history_type", "history_user_id"]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = db_rows(objects, tracked)
    for row, obj in zip(rows, objects, strict=True):
        user = getattr(obj, "_history_user", None)
        reason = history_note(getattr(obj, "_change_reason", None))
        row += [now, reason, history_type, user.pk if user is not None else None]
    quote = connection.ops.quote_name
    table, names = quote(history._meta.db_table), [quote(column) for column in columns]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy(cursor, table, names, rows)
        else:
            placeholders = ", ".join(["%s"] * len(names))
            sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({placeholders})"
            for start in range(0, len(rows), BATCH):
                cursor.executemany(sql, rows[start : start + BATCH])


def _copy(cursor, table: str, columns: list[str], rows: list[list]) -> None:
    """psycopg 3's COPY FROM STDIN, row by row into one stream."""
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
