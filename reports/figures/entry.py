"""The quarterly entry grid: regions × indicators for one quarter, prefilled,
with the year's target and year-to-date beside each cell.

``EntryGrid`` reads what the grid shows in a constant number of queries: for
staff every region and the county row, for a township official their own
region only (``EntryGrid.load(..., region=...)``), each row with its report's
state (未填报, 填报中, 已上报, 已退回, 已审核). ``EntryForm`` parses and checks
what was typed and turns the changed cells into ``FigureChange``s for
``record_figures``. ``EntryCell.warning`` is the one rule for a value worth a
second look (above the year's target, far above the best earlier quarter):
the grid asks to confirm it, the review page shows it to the reviewer.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from regions.models import Region
from regions.text import fold_width
from reports.choices import NOT_STARTED, SubmissionState
from reports.figures.changes import FigureChange
from reports.figures.submissions import EDITABLE_BY_TOWNSHIP, state_label
from reports.models import Figure, Submission
from reports.progress import Period
from targets.formatting import plain_number
from targets.ledger import is_derived
from targets.models import Indicator, Plan, Target

# A quarter more than this many times the region's best earlier quarter is
# worth a second look (typing 2000 for 200 is the usual slip).
OUTLIER_FACTOR = Decimal(3)


@dataclass
class EntryCell:
    indicator: Indicator
    region: Region | None
    value: Decimal | None = None
    version: int = 0
    note: str = ""
    target: Decimal | None = None
    ytd_before: Decimal = Decimal(0)  # earlier quarters of the same year
    earlier_best: Decimal | None = None  # best single earlier quarter in the plan
    previous: Decimal | None = None  # the quarter before (None: no figure)

    @property
    def name(self) -> str:
        where = self.region.pk if self.region else "county"
        return f"c{self.indicator.pk}_{where}"

    @property
    def region_id(self) -> int | None:
        return self.region.pk if self.region else None

    def warning(self, value: Decimal | None, label: str) -> str | None:
        """Why ``value`` for this cell is plausible but worth a second look
        (``label`` names the cell), or None: above the year's target, or more
        than ``OUTLIER_FACTOR`` times the best earlier quarter (typing 2000
        for 200)."""
        if value is None:
            return None
        # A zero target is a target too: any figure above it (a township given
        # nothing to do that year) is worth a second look.
        if self.target is not None and value > self.target:
            return _("%(label)s:本季度 %(value)s 超过全年目标 %(target)s。") % {
                "label": label,
                "value": _plain(value),
                "target": _plain(self.target),
            }
        if self.earlier_best and value > self.earlier_best * OUTLIER_FACTOR:
            return _("%(label)s:本季度 %(value)s 远高于以往单季最高 %(best)s。") % {
                "label": label,
                "value": _plain(value),
                "best": _plain(self.earlier_best),
            }
        return None


@dataclass
class EntryRow:
    label: str
    region: Region | None
    cells: list[EntryCell | None] = field(default_factory=list)
    # The region's report for the quarter (the county row has none).
    state: str = NOT_STARTED
    version: int = 0
    return_reason: str = ""

    @property
    def state_label(self) -> str:
        return state_label(self.state)

    @property
    def editable_by_township(self) -> bool:
        """Not yet handed in, or handed back: 未填报, 填报中 or 已退回."""
        return self.state == NOT_STARTED or self.state in EDITABLE_BY_TOWNSHIP

    @property
    def returned(self) -> bool:
        return self.state == SubmissionState.RETURNED


@dataclass
class EntryGrid:
    plan: Plan
    period: Period
    indicators: list[Indicator]
    rows: list[EntryRow]
    # The township official's region when the grid is theirs alone.
    own_region: Region | None = None

    @property
    def cells(self) -> list[EntryCell]:
        return [cell for row in self.rows for cell in row.cells if cell is not None]

    @property
    def own_row(self) -> EntryRow | None:
        return self.rows[0] if self.own_region is not None else None

    @classmethod
    def load(cls, plan: Plan, period: Period, *, region: Region | None = None) -> EntryGrid:
        """The grid of ``period``: every region and the county row, or with
        ``region`` that region's row alone (a township official's grid: it
        reads nothing of other regions, not even to compare)."""
        indicators = list(plan.indicators.select_related("ledger_source"))
        if region is not None:
            indicators = [i for i in indicators if i.by_region]
            regions = [region]
        else:
            regions = list(plan.regions.all())
        targets = Target.objects.filter(indicator__plan=plan, year=period.year)
        figures = Figure.objects.in_plan(plan).filter(year__lte=period.year)
        submissions = Submission.objects.filter(plan=plan, year=period.year, quarter=period.quarter)
        if region is not None:
            targets = targets.filter(region=region)
            figures = figures.filter(region=region)
            submissions = submissions.filter(region=region)
        targets = {(t.indicator_id, t.region_id): t.value for t in targets}
        reports = {s.region_id: s for s in submissions}
        figures = figures.only(
            "indicator_id", "region_id", "year", "quarter", "value", "version", "note"
        )
        current: dict[tuple[int, int | None], Figure] = {}
        ytd_before: dict[tuple[int, int | None], Decimal] = defaultdict(Decimal)
        earlier_best: dict[tuple[int, int | None], Decimal] = {}
        previous: dict[tuple[int, int | None], Decimal] = {}
        before = period.previous()
        for figure in figures:
            key = (figure.indicator_id, figure.region_id)
            at = Period(figure.year, figure.quarter)
            if at == period:
                current[key] = figure
            elif at < period:
                if figure.year == period.year:
                    ytd_before[key] += figure.value
                if at == before:
                    previous[key] = figure.value
                earlier_best[key] = max(earlier_best.get(key, figure.value), figure.value)

        def cell(indicator: Indicator, region: Region | None) -> EntryCell:
            key = (indicator.pk, region.pk if region else None)
            figure = current.get(key)
            return EntryCell(
                indicator=indicator,
                region=region,
                value=figure.value if figure else None,
                version=figure.version if figure else 0,
                note=figure.note if figure else "",
                target=targets.get(key),
                ytd_before=ytd_before[key],
                earlier_best=earlier_best.get(key),
                previous=previous.get(key),
            )

        def row(region: Region) -> EntryRow:
            report = reports.get(region.pk)
            return EntryRow(
                region.name,
                region,
                [cell(i, region) if i.by_region else None for i in indicators],
                state=report.state if report else NOT_STARTED,
                version=report.version if report else 0,
                return_reason=report.return_reason if report else "",
            )

        rows = [row(r) for r in regions]
        if any(not i.by_region for i in indicators):
            rows.append(
                EntryRow(
                    plan.county_name,
                    None,
                    [None if i.by_region else cell(i, None) for i in indicators],
                )
            )
        return cls(plan, period, indicators, rows, own_region=region)


def parse_number(text: str) -> Decimal | None:
    """What staff type, read leniently: full-width digits (１２．５), spaces
    around the number and thousands separators are fine. None for an empty
    cell; ValueError for anything that is not a number, a space inside one
    included: "1 5" is a slip, never 15."""
    text = fold_width(text or "").strip()
    if not text:
        return None
    text = plain_number(text)
    if text is None:
        raise ValueError(text)
    if len(text) > 100:  # a plain numeral this long: pasted by mistake, not a number
        raise ValueError(text)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


DERIVED_HELP = gettext_lazy("由台账生成")

# The names of a cell's field and of its version's (``c12_3``, ``v12_county``).
CELL_FIELD = re.compile(r"^[cv][0-9]+_(?:[0-9]+|county)$")


class EntryForm(forms.Form):
    """One field per cell (``c<indicator>_<region|county>``) and its version
    (``v…``): the version the editor saw, so a save after someone else's is a
    conflict rather than a silent overwrite. A posted cell that is not on the
    grid (another region's, the county's on a township's grid, a stale page)
    refuses the whole form: it is never silently dropped."""

    confirm_warnings = forms.BooleanField(
        required=False, label=gettext_lazy("我已核对上述提示,仍然保存")
    )

    def __init__(self, *args, grid: EntryGrid, **kwargs):
        super().__init__(*args, **kwargs)
        self.grid = grid
        for cell in grid.cells:
            # No max_length: parse_number judges the length, so a long number
            # gets one message (数值过大), not Django's generic one besides.
            self.fields[cell.name] = forms.CharField(
                required=False,
                initial="" if cell.value is None else _plain(cell.value),
                label=f"{cell.region.name if cell.region else grid.plan.county_name}"
                f" · {cell.indicator.name}",
                widget=forms.TextInput(
                    attrs={
                        "inputmode": "decimal",
                        "class": "form-control form-control-sm num",
                        "autocomplete": "off",
                    }
                ),
            )
            if is_derived(cell.indicator):
                # Computed from the ledger: shown, never typed.
                self.fields[cell.name].disabled = True
                self.fields[cell.name].help_text = DERIVED_HELP
            self.fields[f"v{cell.name[1:]}"] = forms.IntegerField(
                min_value=0, initial=cell.version, widget=forms.HiddenInput
            )

    def clean(self):
        cleaned = super().clean()
        self.values: dict[str, Decimal | None] = {}
        for cell in self.grid.cells:
            if cell.name in self.errors:  # the field's own (a NUL): one message a cell
                continue
            raw = self.data.get(self.add_prefix(cell.name), "")
            try:
                value = parse_number(raw)
            except ValueError:
                self.add_error(cell.name, _("“%(text)s”不是数字。") % {"text": raw[:30]})
                continue
            if is_derived(cell.indicator):
                if raw.strip() and value != cell.value:
                    self.add_error(cell.name, _("该指标由台账生成,不能手工填写。"))
                self.values[cell.name] = cell.value
                continue
            if value is not None:
                for problem in cell.indicator.value_problems(value):
                    self.add_error(cell.name, problem)
            self.values[cell.name] = value
        # (The grid's form has no prefix: its data keys are the field names.)
        foreign = [name for name in self.data if CELL_FIELD.match(name) and name not in self.fields]
        # A browser posts every input of the grid, empty or not (a derived
        # cell's is disabled, so never): one missing is a tampered or broken
        # form, never a cell to clear.
        missing = [
            cell.name
            for cell in self.grid.cells
            if not is_derived(cell.indicator) and cell.name not in self.data
        ]
        if foreign or missing or any(name.startswith("v") for name in self.errors):
            raise forms.ValidationError(_("表单已过期或被篡改,请重新打开本页。"))
        return cleaned

    def changed_cells(self) -> list[tuple[EntryCell, Decimal | None]]:
        return [
            (cell, self.values[cell.name])
            for cell in self.grid.cells
            if self.values.get(cell.name) != cell.value
        ]

    def stale(self) -> bool:
        """Whether a cell was saved by someone else after this page was
        opened (its posted version is not the current one). Valid forms only."""
        return any(
            self.cleaned_data[f"v{cell.name[1:]}"] != cell.version for cell in self.grid.cells
        )

    def warnings(self) -> list[str]:
        """Plausible but suspicious values, saved only after confirmation."""
        found = []
        for cell, value in self.changed_cells():
            where = cell.region.name if cell.region else self.grid.plan.county_name
            warning = cell.warning(value, f"{where} · {cell.indicator.name}")
            if warning:
                found.append(warning)
        return found

    def changes(self) -> list[FigureChange]:
        period = self.grid.period
        return [
            FigureChange(
                indicator_id=cell.indicator.pk,
                region_id=cell.region_id,
                year=period.year,
                quarter=period.quarter,
                value=value,
                seen_version=self.cleaned_data[f"v{cell.name[1:]}"],
            )
            for cell, value in self.changed_cells()
        ]


def _plain(value: Decimal) -> str:
    """16.0000 → '16', 0.3500 → '0.35': what a person would type."""
    return format(value.normalize(), "f")
