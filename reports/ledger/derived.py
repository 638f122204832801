"""The derived figures follow every ledger write (``LedgerSource.derived``):
each write of the ledger's services ends by bringing the derived figures of
the regions it touched in line (``reports.figures.ledger_figures``), in the
same transaction, so a refusal there (a closed quarter, a report already
handed in) refuses the ledger write too. A plan that derives nothing pays
two small queries.

An import writes many records: ``derived_figures_once`` gathers the regions
of every write inside it and syncs them once at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils.translation import gettext as _

from reports.figures.changes import FigureError
from reports.figures.ledger_figures import sync_derived_figures
from reports.ledger.errors import LedgerError

_PENDING: ContextVar[set[int] | None] = ContextVar("ledger_derived_pending", default=None)


def _refused(error: FigureError) -> list[str]:
    lead = _("这一修改会改变由台账统计的季度数据,而这些数据现在不能修改,未保存:")
    return [lead, *error.messages]


def follow(plan, user, region_ids: Iterable[int | None]) -> None:
    """After a ledger write touching ``region_ids``: sync their derived figures
    now, or at the end of the enclosing ``derived_figures_once``."""
    regions = {r for r in region_ids if r is not None}
    pending = _PENDING.get()
    if pending is not None:
        pending |= regions
    elif regions:
        try:
            sync_derived_figures(plan, user, sorted(regions))
        except FigureError as error:
            # The record's form shows this, and its transaction is rolled back.
            raise LedgerError(_refused(error)) from None


@contextmanager
def derived_figures_once(plan, user) -> Iterator[None]:
    """Sync the derived figures once, at the end, for every region a write
    inside touched; a refusal there is a ``FigureError`` saying why."""
    token = _PENDING.set(set())
    try:
        yield
        regions = _PENDING.get()
    finally:
        _PENDING.reset(token)
    if regions:
        try:
            sync_derived_figures(plan, user, sorted(regions))
        except FigureError as error:
            raise FigureError(_refused(error)) from None
