"""What the plan workbook tests share: a plan's workbook, edits to it, making
room to import it again, and the rows a refused import must leave alone."""

from __future__ import annotations

import functools
import io
from pathlib import Path

import openpyxl
import pytest

from targets.excel.cells import PlanWorkbookError
from targets.excel.format import PlanSpec
from targets.excel.writing import write_plan_workbook
from targets.models import Measure, Plan, Target, WorkItem
from targets.services import PLAN_MODELS, import_plan, plan_as_spec


@functools.cache
def _workbook(spec: PlanSpec) -> bytes:
    buffer = io.BytesIO()
    write_plan_workbook(spec, buffer)
    return buffer.getvalue()


def export(plan: Plan, path: Path) -> Path:
    """The workbook ``export_plan(plan, path)`` writes. It is a function of the
    plan's data (``plan_as_spec``, read afresh every time) alone, so it is
    written once per distinct plan data and copied after that: most cases
    export the same Pingyang plan, then edit one cell."""
    path.write_bytes(_workbook(plan_as_spec(plan)))
    return path


def mutate(path: Path, *changes) -> None:
    """Open the workbook as a user would, apply each change, save it."""
    book = openpyxl.load_workbook(path)
    for change in changes:
        change(book)
    book.save(path)


def set_cell(sheet: str, ref: str, value):
    def change(book):
        book[sheet][ref] = value

    return change


def make_room(plan: Plan) -> None:
    """Rename ``plan``: its own workbook then imports as a new plan, so a
    workbook the reader wrongly accepted would be written (and counted by
    ``plan_rows``), not refused for its name. Cheaper than deleting the plan,
    which writes a history row for each of its targets."""
    Plan.objects.filter(pk=plan.pk).update(name=f"{plan.name}(改名)")


HISTORY_MODELS = tuple(model.history.model for model in (Target, Measure, WorkItem))


def plan_rows() -> dict[str, int]:
    """How many rows each table an import writes holds (history included)."""
    return {
        model._meta.label: model._base_manager.count() for model in PLAN_MODELS + HISTORY_MODELS
    }


def refused(path: Path, plan: Plan) -> list[str]:
    """The messages importing ``path`` beside ``plan`` (renamed, ``make_room``)
    is refused with; the import wrote nothing."""
    make_room(plan)
    before = plan_rows()
    with pytest.raises(PlanWorkbookError) as caught:
        import_plan(path)
    assert plan_rows() == before
    return caught.value.messages
