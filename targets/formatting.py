"""Numbers as text, shared by pages, tables, charts and exports, so that a
number reads the same everywhere.

Every number that becomes text — on a page, in a chart's hover box, in a CSV
or xlsx export — goes through ``rounded``: half up (四舍五入), as Excel's ROUND
does, because county officers check the dashboard against their own
spreadsheets. Decimal's default (and Python's ``round``) is half to even, which
shows 17.45% as 17.4% where Excel shows 17.5%. The engine stays exact; only
display rounds.

How the engine's results read (a ``Progress`` field's kind, a status's name and
colour) is ``reports.progress.display``; this module knows numbers only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.utils.formats import number_format
from django.utils.translation import gettext, pgettext_lazy

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


def format_percent(fraction: Decimal | None, places: int = PERCENT_PLACES) -> str:
    """0.775 → '77.5%', 0.1745 → '17.5%'; a non-zero rate that would show as
    0.0% shows as '<0.1%'; '—' when there is no rate (no target)."""
    if fraction is None:
        return "—"
    percent = rounded(fraction * 100, places)
    if percent == 0 and fraction != 0:
        return _tiny(fraction, places, "%")
    return f"{_decimal_text(percent, places)}%"


def percent_points(fraction: Decimal, reference: Decimal, places: int = PERCENT_PLACES) -> Decimal:
    """How many percentage points ``fraction`` stands above ``reference``
    (negative: below), as the two percents read: 67.1% against 75.0% is
    -7.9, so the reader who subtracts the shown percents gets the same."""
    return rounded(fraction * 100, places) - rounded(reference * 100, places)


def format_points(points: Decimal, places: int = PERCENT_PLACES) -> str:
    """A number of percentage points without its sign (the sentence says
    above or below): 7.9, 12.0."""
    return _decimal_text(abs(rounded(points, places)), places)


def percent_number(fraction: Decimal | None, places: int = PERCENT_PLACES) -> float | None:
    """A rate as the percent number shown (77.5), for chart geometry and
    table exports."""
    if fraction is None:
        return None
    return float(rounded(fraction * 100, places))


def percent_export(fraction: Decimal | None, places: int = PERCENT_PLACES) -> float | None:
    """A rate as a number of percent in a table export: as shown (77.5),
    except that a non-zero rate the page shows as '<0.1%' keeps three
    significant digits (0.0417) rather than a 0 that reads as nothing done."""
    shown = percent_number(fraction, places)
    if shown == 0 and fraction:
        return float(f"{fraction * 100:.3g}")
    return shown


def labelled(name: str, unit: str) -> str:
    """A name with its unit, as the annexes print it: 新增孵化空间面积(万平方米)."""
    return f"{name}({unit})" if unit else name


def join_sentences(sentences: Sequence[str]) -> str:
    """Chinese sentences follow one another directly (。 ends them); in a
    language written with spaces a sentence ending in . ! ? gets one
    before the next, whether or not its translation carried it."""
    text = ""
    for sentence in sentences:
        sentence = sentence.strip()
        if text and text[-1] in ".!?":
            text += " "
        text += sentence
    return text


def quoted_value(number: Decimal) -> str:
    """A number as a message about it quotes it: as typed (0.35, 12), or short
    when no one would read its digits (1e+308 rather than 309 of them)."""
    if number.is_finite() and abs(number.adjusted()) >= 15:
        return format(number, ".6g")
    return format(number.normalize(), "f")


def value_problems_text(number: Decimal, problems: Sequence[str]) -> str:
    """“-1”不能为负数。 — the value, then why it cannot be taken."""
    return gettext("“%(value)s”%(problems)s") % {
        "value": quoted_value(number),
        "problems": join_sentences(problems),
    }


# Digits grouped by three with commas, as people write thousands: 2,000 and
# 1,234.5 (never 0,5 or 1,2).
GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")
# A number as people write one: ASCII digits, one optional point, an optional
# sign. Python's Decimal also reads 1_000, 1e3 and other scripts' digits
# (١٢): none of these is what a clerk means to type into a figure.
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def without_grouping(text: str) -> str | None:
    """``text`` without its thousands separators when they group digits by
    three; None when a comma stands anywhere else: a decimal comma (0,5) or a
    slip (1,2) is not a number here, never read as 5 or 12."""
    if "," not in text:
        return text
    return text.replace(",", "") if GROUPED.fullmatch(text) else None


# Units written against their number in every language: 80%, 5‰.
ATTACHED_UNITS = frozenset({"%", "％", "‰"})


def quantity(number: str, unit: str) -> str:
    """A number (already formatted) with its unit as a sentence says it:
    80家 and 80% in Chinese; 80 家 but 80% in English."""
    if not unit:
        return number
    if unit in ATTACHED_UNITS:
        return f"{number}{unit}"
    return gettext("%(value)s%(unit)s") % {"value": number, "unit": unit}


def plain_number(text: str) -> str | None:
    """``text`` (already NFKC-normalised) as a plain decimal numeral, without
    thousands separators; None unless it is one (``PLAIN_NUMBER``)."""
    text = without_grouping(text)
    return text if text is not None and PLAIN_NUMBER.fullmatch(text) else None


# A plan's length as its text says it: 三年行动计划, two-year, four-year plans.
YEARS_IN_WORDS = [
    pgettext_lazy("years", "一"),
    pgettext_lazy("years", "两"),
    pgettext_lazy("years", "三"),
    pgettext_lazy("years", "四"),
    pgettext_lazy("years", "五"),
    pgettext_lazy("years", "六"),
    pgettext_lazy("years", "七"),
    pgettext_lazy("years", "八"),
    pgettext_lazy("years", "九"),
    pgettext_lazy("years", "十"),
]


def goals_term(years: int) -> str:
    """What a plan of ``years`` years calls its headline goals: 三年目标 for a
    three-year plan, 两年目标, 四年目标… (digits past ten)."""
    count = YEARS_IN_WORDS[years - 1] if 1 <= years <= len(YEARS_IN_WORDS) else str(years)
    return gettext("%(count)s年目标") % {"count": count}
