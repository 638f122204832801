"""What no .xlsx or .docx can hold, so no name or text the dashboard writes
into one may carry it: control characters other than tab, line feed and
carriage return, the non-characters U+FFFE and U+FFFF, and lone surrogates
(XML 1.0). Text typed or pasted by users may bring them (a vertical tab from
another program, a workbook's "_x000B_").

The bottom layer, so that every app's models and readers share one rule:
names are refused at input (``refuse_unsafe_characters``, a model field
validator), and every file writer leaves them out (``xml_safe``), which also
covers what was stored before."""

from __future__ import annotations

import re
import unicodedata
from itertools import groupby

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
UNSAFE_MESSAGE = _("含有无法识别的控制字符,请删去后重新填写。")


def xml_safe(value):
    """``value`` with what XML cannot hold taken out, when it is text; any
    other value as it is."""
    if isinstance(value, str):
        return XML_UNSAFE.sub("", value)
    return value


def has_unsafe_characters(text: str) -> bool:
    return XML_UNSAFE.search(text) is not None


def refuse_unsafe_characters(value: str) -> None:
    """A model field validator: names and short texts of the plan and the
    ledger (the admin's forms, the services' ``full_clean``)."""
    if isinstance(value, str) and has_unsafe_characters(value):
        raise ValidationError(UNSAFE_MESSAGE, code="unsafe_characters")


# Characters that show nothing but are letters or marks to Unicode (Unicode's
# Default_Ignorable_Code_Point beyond the format characters): the combining
# grapheme joiner, variation selectors, Hangul and Mongolian fillers; and the
# braille pattern blank (U+2800), a symbol that shows as a space.
IGNORABLE = frozenset(
    (
        *(0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x2800, 0x3164, 0xFFA0),
        *range(0x180B, 0x1810),
        *range(0xFE00, 0xFE10),
        *range(0xE0100, 0xE01F0),
    )
)


def shows(character: str) -> bool:
    """Whether ``character`` puts something on the page: not a space, nor a
    format or control character (zero-width space, joiners…), nor one of
    ``IGNORABLE``."""
    return (
        not character.isspace()
        and unicodedata.category(character) not in ("Cf", "Cc", "Zs", "Zl", "Zp")
        and ord(character) not in IGNORABLE
    )


def visible_or_empty(text: str | None) -> str:
    """``text`` stripped, or "" when nothing in it shows: a required reason
    made of a zero-width space is no reason."""
    text = (text or "").strip()
    return text if any(shows(c) for c in text) else ""


# The digits a clerk types: ASCII and the full-width ones of a Chinese IME.
FULL_WIDTH_DIGITS = frozenset("０１２３４５６７８９")


def _kept_as_written(character: str) -> bool:
    """A numeral other than ASCII and full-width digits: superscripts,
    subscripts, circled and parenthesised numbers, fractions (², ₂, ①, ⑴, ½),
    and the mathematical alphanumeric digits (𝟏𝟐, bold or double-struck),
    which look like digits but are styled letters pasted from elsewhere."""
    return character.isnumeric() and not character.isascii() and character not in FULL_WIDTH_DIGITS


def fold_width(text: str) -> str:
    """``text`` in the form names, headers, codes and numbers are read in:
    NFKC, so full-width letters, digits and punctuation become ASCII
    (１２．５ → 12.5, ＡＢ → AB, ㎡ → m2). Numerals that are not decimal
    digits, and digits other than ASCII and full-width ones, stay as written:
    NFKC would read 1² as 12, ①号 as 1号, 𝟏𝟐 as 12 and a header ²⁰²⁶年 as
    the year 2026."""
    return "".join(
        run if kept else unicodedata.normalize("NFKC", run)
        for kept, characters in groupby(text, key=_kept_as_written)
        for run in ("".join(characters),)
    )
