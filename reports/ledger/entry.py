"""The operating-data grid: one region's incubators × the metrics for one
quarter, prefilled, each row with the version its editor saw.

Like the figures grid (``reports.figures.entry``): read in a constant number
of queries, typed leniently (``parse_number``), every cell checked, and only
the rows with a changed cell become ``OperatingChange``s — a row is written
whole, so a changed row carries all its cells. A posted cell that is not on
the grid (another region's incubator, a stale page) refuses the whole form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _

from regions.models import Region
from reports.choices import NOT_STARTED
from reports.figures.entry import parse_number
from reports.figures.submissions import EDITABLE_BY_TOWNSHIP, state_label
from reports.ledger.operating import (
    METRIC_NAMES,
    OperatingChange,
    cell_message,
    metric_label,
    reported_incubators,
    row_problems,
    value_problem,
)
from reports.models import Incubator, IncubatorQuarter, Submission
from reports.progress import Period

# ``o<incubator>_<metric>`` and ``v<incubator>`` (the row's version).
OPERATING_FIELD = re.compile(r"^(?:o[0-9]+_[a-z_]+|v[0-9]+)$")


@dataclass
class OperatingRow:
    incubator: Incubator
    values: dict[str, Decimal | None]
    version: int = 0

    def name(self, metric: str) -> str:
        return f"o{self.incubator.pk}_{metric}"

    @property
    def version_name(self) -> str:
        return f"v{self.incubator.pk}"


@dataclass
class OperatingGrid:
    region: Region
    period: Period
    rows: list[OperatingRow] = field(default_factory=list)
    state: str = NOT_STARTED
    report_version: int = 0

    @property
    def metrics(self) -> list[tuple[str, str]]:
        return [(name, metric_label(name)) for name in METRIC_NAMES]

    @property
    def state_label(self) -> str:
        return state_label(self.state)

    @property
    def editable_by_township(self) -> bool:
        return self.state == NOT_STARTED or self.state in EDITABLE_BY_TOWNSHIP

    @classmethod
    def load(cls, region: Region, period: Period) -> OperatingGrid:
        """Three queries: the incubators, their rows, the region's report."""
        incubators = list(
            reported_incubators([region.pk], period.year, period.quarter).only(
                "pk", "name", "region_id", "kind", "status"
            )
        )
        stored = {
            row.incubator_id: row
            for row in IncubatorQuarter.objects.filter(
                incubator__region=region, year=period.year, quarter=period.quarter
            )
        }
        report = Submission.objects.filter(
            plan_id=region.plan_id, region=region, year=period.year, quarter=period.quarter
        ).first()
        rows = []
        for incubator in incubators:
            row = stored.get(incubator.pk)
            values = {name: Decimal(getattr(row, name)) if row else None for name in METRIC_NAMES}
            rows.append(OperatingRow(incubator, values, row.version if row else 0))
        return cls(
            region,
            period,
            rows,
            state=report.state if report else NOT_STARTED,
            report_version=report.version if report else 0,
        )


class OperatingForm(forms.Form):
    def __init__(self, *args, grid: OperatingGrid, **kwargs):
        super().__init__(*args, **kwargs)
        self.grid = grid
        for row in grid.rows:
            for name in METRIC_NAMES:
                value = row.values[name]
                self.fields[row.name(name)] = forms.CharField(
                    required=False,
                    max_length=40,
                    initial="" if value is None else format(value.normalize(), "f"),
                    label=f"{row.incubator.name} · {metric_label(name)}",
                    widget=forms.TextInput(
                        attrs={
                            "inputmode": "decimal",
                            "class": "form-control form-control-sm num",
                            "autocomplete": "off",
                        }
                    ),
                )
            # Not required: a row not posted at all (no version) is left as it
            # is, never read as cleared.
            self.fields[row.version_name] = forms.IntegerField(
                min_value=0, required=False, initial=row.version, widget=forms.HiddenInput
            )

    def clean(self):
        cleaned = super().clean()
        foreign = [n for n in self.data if OPERATING_FIELD.match(n) and n not in self.fields]
        if foreign or any(name.startswith("v") for name in self.errors):
            raise forms.ValidationError(_("表单已过期或被篡改,请重新打开本页。"))
        self.values: dict[int, dict[str, Decimal | None]] = {}
        for row in self.grid.rows:
            if self.data.get(row.version_name) in (None, ""):
                continue
            parsed: dict[str, Decimal | None] = {}
            for name in METRIC_NAMES:
                raw = self.data.get(row.name(name), "")
                try:
                    parsed[name] = parse_number(raw)
                except ValueError:
                    self.add_error(row.name(name), _("“%(text)s”不是数字。") % {"text": raw[:30]})
                    parsed[name] = None
                    continue
                if parsed[name] is not None:
                    problem = value_problem(name, parsed[name])
                    if problem:
                        self.add_error(row.name(name), problem)
            self.values[row.incubator.pk] = parsed
            if parsed != row.values and any(v is not None for v in parsed.values()):
                for name, problem in row_problems(parsed):
                    if name and not self.has_error(row.name(name)):
                        self.add_error(row.name(name), problem)
        return cleaned

    def error_messages(self) -> list[str]:
        """Every cell's problem, naming its incubator and column."""
        found = []
        for row in self.grid.rows:
            for name in METRIC_NAMES:
                for error in self.errors.get(row.name(name), []):
                    found.append(cell_message(row.incubator.name, name, error))
        return found

    def changes(self) -> list[OperatingChange]:
        period = self.grid.period
        return [
            OperatingChange(
                row.incubator.pk,
                period.year,
                period.quarter,
                values=self.values[row.incubator.pk],
                seen_version=self.cleaned_data[row.version_name],
            )
            for row in self.grid.rows
            if row.incubator.pk in self.values and self.values[row.incubator.pk] != row.values
        ]

    def bound_rows(self):
        """(row, [(metric, bound field)]) for the template."""
        return [(row, [(n, self[row.name(n)]) for n in METRIC_NAMES]) for row in self.grid.rows]
