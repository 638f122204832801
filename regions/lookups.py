"""Database lookups every app relies on; registered when the project starts
(``RegionsConfig.ready``: regions is the bottom layer every other app builds on)."""

from __future__ import annotations

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerIn(In):
    """``__in`` on an integer column leaves out values no such column can
    hold, as Django's own ``exact``, ``gt`` and ``lt`` do (an out-of-range id
    matches nothing). Without it SQLite raises OverflowError on a hostile id,
    e.g. the admin's ``_selected_action`` or a choice widget re-rendering a
    posted ``99999999999999999999``, and the request ends in a server error."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [value for value in self.rhs if _within(value, low, high)]
        return super().process_rhs(compiler, connection)


def _within(value: object, low: int | None, high: int | None) -> bool:
    if not isinstance(value, int):
        return True  # an expression, or None (which ``In`` drops itself)
    return (low is None or value >= low) and (high is None or value <= high)


def register() -> None:
    IntegerField.register_lookup(IntegerIn)
