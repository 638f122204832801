"""How the engine's results read: each ``CellProgress`` field's kind of number,
and each status's name and colour. Pure: no database.

Tables, charts and the report all read these, so a hover box shows what the
table shows and a status has one colour everywhere. Numbers themselves become
text in ``targets.formatting``.
"""

from __future__ import annotations

from django.utils.html import format_html

from reports.choices import Status
from targets.formatting import NumberKind, format_number

# The engine's ``CellProgress`` fields that are not plain values; every other
# number field is a VALUE.
PROGRESS_FIELD_KINDS = {
    "expected_value": NumberKind.DERIVED,
    "gap_to_expected": NumberKind.DERIVED,
    "shortfall_to_expected": NumberKind.DERIVED,
    "projection": NumberKind.DERIVED,
    "plan_expected": NumberKind.DERIVED,
    "needed_per_quarter": NumberKind.NEED,
}


def field_kind(field: str) -> NumberKind:
    """The kind of a ``CellProgress`` field (``expected_value`` → DERIVED)."""
    return PROGRESS_FIELD_KINDS.get(field, NumberKind.VALUE)


def format_field(progress, field: str, decimal_places: int) -> str:
    """One number field of a ``CellProgress``, shown as its kind says."""
    return format_number(getattr(progress, field), decimal_places, field_kind(field))


def status_label(status: str) -> str:
    return str(Status(status).label)


def status_badge_html(status: str) -> str:
    """The status as a coloured badge with its name: colour is never the only cue."""
    return format_html('<span class="badge status-{}">{}</span>', status, status_label(status))


# One colour per status, used by charts and the Excel report; the CSS classes
# .status-<value> in static/css/app.css use the same colours.
STATUS_COLOURS = {
    Status.DONE: "#198754",
    Status.ON_PACE: "#0b7285",
    Status.BEHIND: "#ffc107",
    Status.SERIOUSLY_BEHIND: "#dc3545",
    Status.NO_TARGET: "#6c757d",
}
