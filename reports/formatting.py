"""Display formatting shared by pages, tables, charts and exports, so that a
number reads the same everywhere.

Every number that becomes text — on a page, in a chart's hover box, in a CSV
or xlsx export — goes through ``rounded``: half up (四舍五入), as Excel's ROUND
does, because county officers check the dashboard against their own
spreadsheets. Decimal's default (and Python's ``round``) is half to even, which
shows 17.45% as 17.4% where Excel shows 17.5%. The engine stays exact; only
display rounds.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.utils.formats import number_format

from reports.choices import Status

# A computed share of a target (序时 3.75 of 5 enterprises, a projection) is
# fractional even for a whole-number indicator: it keeps at least this many places.
DERIVED_MIN_PLACES = 2
PERCENT_PLACES = 1


class NumberKind(StrEnum):
    """How a number of an indicator is shown.

    VALUE: a target, a figure or a difference of them, at the indicator's
    precision. DERIVED: computed from a target by a fraction (序时 expected,
    projection), at least ``DERIVED_MIN_PLACES`` places. NEED: what must be
    done per remaining quarter, rounded *up* at the indicator's precision — the
    amount that actually suffices (10.33 people a quarter → 11).
    """

    VALUE = "value"
    DERIVED = "derived"
    NEED = "need"


# The engine's ``Progress`` fields that are not plain values; every other
# number field is a VALUE. Tables and charts both read this, so a hover box
# shows what the table shows.
PROGRESS_FIELD_KINDS = {
    "expected_value": NumberKind.DERIVED,
    "gap_to_expected": NumberKind.DERIVED,
    "shortfall_to_expected": NumberKind.DERIVED,
    "projection": NumberKind.DERIVED,
    "plan_expected": NumberKind.DERIVED,
    "needed_per_quarter": NumberKind.NEED,
}


def field_kind(field: str) -> NumberKind:
    """The kind of a ``Progress`` field (``expected_value`` → DERIVED)."""
    return PROGRESS_FIELD_KINDS.get(field, NumberKind.VALUE)


def rounded(value: Decimal, places: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    """``value`` at ``places`` decimals, half up unless told otherwise: the one
    rounding of every number the project shows or exports."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=rounding)


def display_places(decimal_places: int, kind: NumberKind = NumberKind.VALUE) -> int:
    if kind == NumberKind.DERIVED:
        return max(decimal_places, DERIVED_MIN_PLACES)
    return decimal_places


def display_number(
    value: Decimal | None, decimal_places: int, kind: NumberKind = NumberKind.VALUE
) -> Decimal | None:
    """The number as shown (exports write this): rounded half up at its
    display places, a NEED rounded up."""
    if value is None:
        return None
    rounding = ROUND_CEILING if kind == NumberKind.NEED else ROUND_HALF_UP
    return rounded(value, display_places(decimal_places, kind), rounding)


def _decimal_text(number: Decimal, places: int) -> str:
    return number_format(number, decimal_pos=places)


def _tiny(value: Decimal, places: int, suffix: str = "") -> str:
    """A non-zero number too small for ``places``: '<0.1%' (or '>-0.1%'),
    never a '0.0%' that reads as nothing done."""
    step = _decimal_text(Decimal(1).scaleb(-places), places)
    return f"<{step}{suffix}" if value > 0 else f">-{step}{suffix}"


def format_number(
    value: Decimal | None, decimal_places: int = 0, kind: NumberKind = NumberKind.VALUE
) -> str:
    """A number of an indicator as text, without trailing zeros (16, 0.35,
    3.75); '—' when there is none."""
    if value is None:
        return "—"
    places = display_places(decimal_places, kind)
    shown = display_number(value, decimal_places, kind)
    if shown == 0 and value != 0:
        return _tiny(value, places)
    text = _decimal_text(shown, places)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_value(value: Decimal | None, decimal_places: int = 0) -> str:
    """A target or figure at its indicator's precision (16, 0.35, 2000)."""
    return format_number(value, decimal_places, NumberKind.VALUE)


def format_field(progress, field: str, decimal_places: int) -> str:
    """One number field of a ``Progress``, shown as its kind says."""
    return format_number(getattr(progress, field), decimal_places, field_kind(field))


def format_percent(fraction: Decimal | None, places: int = PERCENT_PLACES) -> str:
    """0.775 → '77.5%', 0.1745 → '17.5%'; a non-zero rate that would show as
    0.0% shows as '<0.1%'; '—' when there is no rate (no target)."""
    if fraction is None:
        return "—"
    percent = rounded(fraction * 100, places)
    if percent == 0 and fraction != 0:
        return _tiny(fraction, places, "%")
    return f"{_decimal_text(percent, places)}%"


def percent_number(fraction: Decimal | None, places: int = PERCENT_PLACES) -> float | None:
    """A rate as the percent number shown (77.5), for chart geometry and
    table exports."""
    if fraction is None:
        return None
    return float(rounded(fraction * 100, places))


def status_label(status: str) -> str:
    return str(Status(status).label)


def status_badge_html(status: str) -> str:
    """The status as a coloured badge with its name: colour is never the only cue."""
    from django.utils.html import format_html

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
