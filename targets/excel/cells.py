"""Reading one cell of a plan workbook into a checked value, and collecting
every problem with its sheet, row and column (``Problems``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.validators import slug_re
from django.utils.translation import gettext as _

from regions.text import UNSAFE_MESSAGE, fold_width, has_unsafe_characters, visible_or_empty
from targets.choices import VALUE_DECIMAL_PLACES, VALUE_MAX_DIGITS, Pacing
from targets.excel.format import PACING_READ
from targets.excel.values import UNCACHED_FORMULA, Loc, normalize
from targets.formatting import plain_number, without_grouping
from targets.parsing import ascii_whole, quoted_text

MAX_MESSAGES = 50
MAX_VALUE = Decimal(10) ** (VALUE_MAX_DIGITS - VALUE_DECIMAL_PLACES)


class PlanWorkbookError(Exception):
    """The workbook cannot be imported; ``messages`` says where and why, in Chinese."""

    def __init__(self, messages: list[str]):
        if len(messages) > MAX_MESSAGES:
            more = _("……另有 %(count)d 个问题未列出。") % {"count": len(messages) - MAX_MESSAGES}
            messages = [*messages[:MAX_MESSAGES], more]
        self.messages = messages
        super().__init__("\n".join(messages))


class BadCell(Exception):
    pass


@dataclass
class Problems:
    messages: list[str] = field(default_factory=list)
    # (sheet, key) of rows refused with a message: a reference to one of them
    # adds nothing (goal → its refused indicator is not "no such code").
    refused: set[tuple[str, object]] = field(default_factory=set)

    def add(self, loc: Loc, message: str, **params: object) -> None:
        self.messages.append(loc.says(message % params if params else message))

    def refuse_row(self, record: dict, column: str = "代码", key=None) -> None:
        """Note that ``record``'s row was refused; it is known by its ``column``
        (a code, when it reads as one) or by ``key``."""
        value, loc = record.get(column, (None, None))
        if loc is None:
            return
        if key is None:
            try:
                key = slug(value)
            except BadCell:
                return
        self.refused.add((loc.sheet, key))

    def was_refused(self, sheet: str, key: object) -> bool:
        return (sheet, key) in self.refused

    def raise_if_any(self) -> None:
        if self.messages:
            raise PlanWorkbookError(self.messages)


def unique(seen: dict, key: object, label: str, row: int, loc: Loc, problems: Problems) -> bool:
    """Whether ``key`` is new to ``seen`` (keys → first row); a repeat is a problem."""
    if key in seen:
        message = _("%(what)s“%(key)s”重复(已在第%(row)d行)")
        problems.add(loc, message, what=label, key=key, row=seen[key])
        return False
    seen[key] = row
    return True


def _plain(value: object) -> object:
    if value is UNCACHED_FORMULA:
        raise BadCell(_("公式没有计算结果;请在 Excel 中重新计算并保存,或直接填写数值"))
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal | None):
        raise BadCell(_("无法识别的单元格内容“%(value)s”") % {"value": value})
    return value


def text(value: object, max_length: int, *, required: bool = True, one_line: bool = False) -> str:
    """A cell's text, stripped; "" when nothing in it shows (a zero-width
    space is no name). ``one_line``: a name, which a page shows on one line
    and a sentence quotes, may hold no line break."""
    value = _plain(value)
    result = normalize(value) if isinstance(value, int | float) else str(value or "").strip()
    result = visible_or_empty(result)
    if required and not result:
        raise BadCell(_("不能为空"))
    if len(result) > max_length:
        raise BadCell(_("不能超过 %(count)d 个字") % {"count": max_length})
    if has_unsafe_characters(result):
        raise BadCell(str(UNSAFE_MESSAGE))
    if one_line and any(c in result for c in "\r\n\u2028\u2029"):
        raise BadCell(_("不能含换行"))
    return result


def name_text(value: object, max_length: int, *, required: bool = True) -> str:
    """A name or short label: ``text`` on one line."""
    return text(value, max_length, required=required, one_line=True)


def integer(value: object, low: int, high: int) -> int:
    digits = normalize(_plain(value)).removesuffix("年")
    number = ascii_whole(digits, low, high)
    if number is None:
        message = _("应为 %(low)d 到 %(high)d 之间的整数,而不是“%(value)s”")
        raise BadCell(message % {"low": low, "high": high, "value": quoted_text(digits)})
    return number


def yes_no(value: object) -> bool:
    answer = value if isinstance(value, bool) else normalize(_plain(value))
    if answer not in ("是", "否", True, False):
        raise BadCell(_("应填“是”或“否”,而不是“%(value)s”") % {"value": answer})
    return answer in ("是", True)


def pacing(value: object) -> str:
    """序时方式: 均摊 (the default, also when blank) or 年底."""
    word = normalize(_plain(value))
    if word == "":
        return Pacing.SPREAD
    if word not in PACING_READ:
        raise BadCell(_("应填“均摊”或“年底”,而不是“%(value)s”") % {"value": word})
    return PACING_READ[word]


def amount(value: object, decimal_places: int) -> Decimal | None:
    """A target value as Decimal, or None for an empty cell."""
    value = _plain(value)
    if value is None or normalize(value) == "":
        return None
    # str() of a float is its shortest repr: 0.35 stays 0.35, not 0.34999…
    # A space inside a number is a slip ("1 6"), never 16: only the spaces
    # around it go (normalize would take out every one).
    raw = without_grouping(fold_width(value).strip()) if isinstance(value, str) else str(value)
    if raw is None:
        message = _("“%(value)s”不是数字:逗号只能用作千位分隔符(如 2,000),小数点请用“.”")
        raise BadCell(message % {"value": value})
    if isinstance(value, str) and plain_number(raw) is None:
        raise BadCell(_("“%(value)s”不是数字") % {"value": value})
    try:
        number = Decimal(raw)
    except InvalidOperation:
        number = None
    if number is None or number.is_nan():
        raise BadCell(_("“%(value)s”不是数字") % {"value": value})
    if number.is_infinite():  # a number cell past Excel's range, e.g. 1e400
        raise BadCell(_("数值超出可表示的范围"))
    if number < 0:
        raise BadCell(_("不能为负数(%(value)s)") % {"value": raw})
    if number >= MAX_VALUE:
        raise BadCell(_("数值过大(%(value)s)") % {"value": raw})
    if number != number.quantize(Decimal(1).scaleb(-decimal_places)):
        message = _("%(value)s 的小数位数超过该指标允许的 %(places)d 位")
        raise BadCell(message % {"value": raw, "places": decimal_places})
    return number


def slug(value: object) -> str:
    """A code (代码): letters, digits, hyphens and underscores."""
    code = text(value, 40)
    if not slug_re.fullmatch(code):
        raise BadCell(_("代码“%(code)s”只能含字母、数字、连字符和下划线") % {"code": code})
    return code
