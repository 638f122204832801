"""Who an enterprise is: its 统一社会信用代码 and its name as compared.

The credit code (GB 32100-2015) has 18 characters from 0-9 and the capital
letters without I, O, Z, S and V; the 18th is a check character over the
first 17: with the character values v (0-9 → 0-9, A → 10 … Y → 30) and the
weights 3^i mod 31 (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10,
30, 28), the check value is 31 − (Σ vᵢ·wᵢ mod 31), where 31 stands for 0.
Pure functions: no models.
"""

from __future__ import annotations

import re
import unicodedata

from regions.text import IGNORABLE, fold_width
from targets.excel.values import normalize

CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_VALUES = {c: i for i, c in enumerate(CREDIT_CODE_CHARS)}


def credit_code_check_char(first17: str) -> str:
    """The check character for the first 17 characters of a code."""
    total = sum(_VALUES[c] * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def clean_credit_code(raw: str) -> str:
    """The code as stored: trimmed, upper case, full-width characters folded."""
    return fold_width(raw or "").strip().upper()


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` (already cleaned) is not a valid credit code, or None.
    Returns a message key the caller words in the user's language:
    ``length``, ``characters`` or ``check``."""
    if len(code) != 18:
        return "length"
    if any(c not in _VALUES for c in code):
        return "characters"
    if credit_code_check_char(code[:17]) != code[17]:
        return "check"
    return None


# Brackets, spaces and punctuation that two reports of one firm's name differ by.
_NOISE = re.compile(r"[\s()\[\]{}（）【】《》<>“”\"'‘’·.,，。、:：;；\-—_/\\]+")


def name_key(name: str) -> str:
    """An incubator's name as the ledger workbook matches it (``normalize``:
    full-width folded, no whitespace), without what shows nothing (format
    and control characters, ``IGNORABLE``): two names with the same key are
    one incubator, and a name whose key is empty has nothing visible."""
    return "".join(
        c
        for c in normalize(name)
        if unicodedata.category(c) not in ("Cf", "Cc") and ord(c) not in IGNORABLE
    )


def normalise_name(name: str) -> str:
    """A name as compared for duplicates: full-width folded (NFKC), lower case,
    without spaces, brackets and punctuation — so that "平阳某某科技有限公司" and
    "平阳某某科技 （有限公司）" compare equal."""
    folded = unicodedata.normalize("NFKC", name or "").lower()
    return _NOISE.sub("", folded)
