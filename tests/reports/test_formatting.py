"""Numbers become text in one place, rounded half up (四舍五入) as Excel's ROUND
does: county officers check the dashboard against their own spreadsheets."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template

from reports.views.tables import PercentColumn
from targets.formatting import (
    NumberKind,
    display_number,
    format_number,
    format_percent,
    format_value,
    percent_number,
    without_grouping,
)


@pytest.mark.parametrize(
    ("fraction", "text"),
    [
        ("0.1745", "17.5%"),  # half-even showed 17.4%
        ("0.0225", "2.3%"),  # half-even showed 2.2%
        ("0.6425", "64.3%"),
        ("0.775", "77.5%"),
        ("1", "100.0%"),
        ("0", "0.0%"),
    ],
)
def test_percent_rounds_half_up_like_excel(fraction, text):
    assert format_percent(Decimal(fraction)) == text


def test_percent_number_for_charts_and_exports_rounds_half_up():
    assert percent_number(Decimal("0.1745")) == 17.5
    assert percent_number(Decimal("0.0225")) == 2.3


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [("0.605", 2, "0.61"), ("2.25", 1, "2.3"), ("16.5", 0, "17"), ("0.35", 2, "0.35")],
)
def test_value_rounds_half_up(value, places, text):
    assert format_value(Decimal(value), places) == text


def test_template_filters_round_half_up():
    template = Template("{% load progress_tags %}{{ rate|percent }} {{ area|value:2 }}")
    context = Context({"rate": Decimal("0.1745"), "area": Decimal("0.605")})
    assert template.render(context) == "17.5% 0.61"


@pytest.mark.parametrize("fraction", [Decimal(1) / 2000, Decimal(1) / 3000, Decimal("0.0001")])
def test_a_tiny_non_zero_rate_never_reads_as_zero(fraction):
    text = format_percent(fraction)
    assert text != "0.0%"
    assert text in {"0.1%", "<0.1%"}


def test_a_tiny_rate_below_half_a_tenth_reads_as_less_than_the_smallest_step():
    assert format_percent(Decimal(1) / 3000) == "<0.1%"
    assert format_percent(Decimal(-1) / 3000) == ">-0.1%"


def test_a_tiny_derived_value_never_reads_as_zero():
    # 0.01 万㎡ × 1/4: expected 0.0025, shown at two places.
    assert format_number(Decimal("0.0025"), 2, NumberKind.DERIVED) == "<0.01"


def test_derived_values_show_at_least_two_places():
    assert format_number(Decimal("3.75"), 0, NumberKind.DERIVED) == "3.75"
    assert format_number(Decimal(31) / 3, 0, NumberKind.DERIVED) == "10.33"
    assert format_number(Decimal("150"), 0, NumberKind.DERIVED) == "150"


@pytest.mark.parametrize(
    ("need", "places", "text"),
    [
        (Decimal(31) / 3, 0, "11"),  # 10.33 people a quarter: 10 would not suffice
        (Decimal(30) / 3, 0, "10"),
        (Decimal(1) / 3, 2, "0.34"),  # 0.333 万㎡ at two places
        (Decimal(0), 0, "0"),
    ],
)
def test_need_per_quarter_shows_what_suffices(need, places, text):
    assert format_number(need, places, NumberKind.NEED) == text
    assert display_number(need, places, NumberKind.NEED) == Decimal(text)


def test_percent_column_exports_the_number_it_shows():
    column = PercentColumn()
    assert column.render(Decimal("0.1745")) == "17.5%"
    assert column.value(Decimal("0.1745")) == 17.5


def test_a_tiny_rate_exports_as_its_own_digits_never_as_zero():
    """The page shows '<0.1%'; the csv / xlsx cell must not read 0 (nothing
    done): it keeps three significant digits. Zero stays zero."""
    column = PercentColumn()
    assert column.render(Decimal(1) / 2400) == "<0.1%"
    assert column.value(Decimal(1) / 2400) == 0.0417
    assert column.value(Decimal(0)) == 0.0 and column.value(None) is None
    assert column.value(Decimal(1) / 2000) == 0.1  # shown as 0.1%: exported as shown


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("2000", "2000"),
        ("2,000", "2000"),
        ("1,234,567.25", "1234567.25"),
        ("-1,000", "-1000"),
        ("0,5", None),  # a decimal comma
        ("1,2", None),  # a slip
        ("12,00", None),
        ("1,2345", None),
        (",500", None),
        ("1,000,00", None),
    ],
)
def test_only_commas_grouping_digits_by_three_are_thousands_separators(text, read):
    assert without_grouping(text) == read
