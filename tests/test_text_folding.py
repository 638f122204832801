"""How typed and read text is folded before it is matched or read as a
number (``regions.text.fold_width``)."""

from __future__ import annotations

import pytest

from regions.text import fold_width


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("１２．５", "12.5"),  # full-width digits, as a Chinese IME types them
        ("ＡＢ　昆阳", "AB 昆阳"),
        ("万㎡", "万m2"),  # a unit sign matches its spelled-out form
        ("2026年", "2026年"),
        # Numerals that are no digits keep their form: never 12, 1 or 2026.
        ("1²", "1²"),
        ("①号", "①号"),
        ("²⁰²⁶年", "²⁰²⁶年"),
        ("H₂O", "H₂O"),
        ("½", "½"),
        ("１²", "1²"),  # what folds around them still folds
        # Bold and double-struck digits are styled letters, not 12.
        ("\U0001d7cf\U0001d7d0", "\U0001d7cf\U0001d7d0"),
        ("\U0001d7d9\U0001d7da", "\U0001d7d9\U0001d7da"),
    ],
)
def test_full_width_folds_and_other_numerals_stay(typed, read):
    assert fold_width(typed) == read
