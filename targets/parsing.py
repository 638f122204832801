"""Whole numbers as people, forms and files write them: ids in a form, a
year in a query string, a number in a spreadsheet cell. What is posted or
uploaded can be anything, so nothing here trusts its length."""

from __future__ import annotations

# The largest id a database row can have (a signed 64-bit integer).
LARGEST_ID = 2**63 - 1

# How much of a bad value a message quotes.
QUOTED_LENGTH = 40


def ascii_whole(text: object, low: int = 0, high: int = LARGEST_ID) -> int | None:
    """``text`` as a whole number written in ASCII digits, from ``low`` to
    ``high``; None for anything else (a sign, a space, full-width digits,
    out of range). The length is checked before ``int()``: Python refuses
    (ValueError) to convert more than 4,300 digits, and no number in range
    needs more digits than ``high`` has, leading zeros aside."""
    if not (isinstance(text, str) and text.isascii() and text.isdigit()):
        return None
    digits = text.lstrip("0") or "0"
    if len(digits) > len(str(high)):
        return None
    number = int(digits)
    return number if low <= number <= high else None


def quoted_text(text: str, length: int = QUOTED_LENGTH) -> str:
    """``text`` as a message quotes it: whole, or its start and "…" when
    longer than anyone would read back."""
    return text if len(text) <= length else text[:length] + "…"
