"""Display formatting shared by pages, tables, charts and exports, so that a
number reads the same everywhere."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format

from reports.choices import Status


def format_value(value: Decimal | None, decimal_places: int = 0) -> str:
    """A target or figure at its indicator's precision, without trailing zeros
    (16, 0.35, 2000); '—' when there is none."""
    if value is None:
        return "—"
    quantized = value.quantize(Decimal(1).scaleb(-decimal_places))
    text = number_format(quantized, decimal_pos=decimal_places)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_percent(fraction: Decimal | None, places: int = 1) -> str:
    """0.775 → '77.5%'; '—' when there is no rate (no target)."""
    if fraction is None:
        return "—"
    percent = (fraction * 100).quantize(Decimal(1).scaleb(-places))
    return f"{number_format(percent, decimal_pos=places)}%"


def percent_number(fraction: Decimal | None, places: int = 1) -> float | None:
    """A rate as a percent number for charts and spreadsheets (77.5)."""
    if fraction is None:
        return None
    return float((fraction * 100).quantize(Decimal(1).scaleb(-places)))


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
