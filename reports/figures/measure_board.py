"""The measures board's data: per measure, its departments, the latest report,
whether it was reported in the quarter, and its overdue work items — in a
constant number of queries, whatever the number of measures."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from reports.excel.measures_sheet import MeasureLine
from reports.measure_models import MeasureReport, MeasureStatus
from reports.progress import Period
from targets.models import Department, Measure, MeasureDepartment, Plan, WorkItem


def quarter_of(day: datetime.date, plan: Plan) -> Period:
    """The quarter ``day`` falls in, kept within the plan's years."""
    period = Period(day.year, (day.month - 1) // 3 + 1)
    if day.year < plan.first_year:
        return Period(plan.first_year, 1)
    if day.year > plan.last_year:
        return Period(plan.last_year, 4)
    return period


@dataclass
class BoardRow:
    measure: Measure
    lead: Department | None
    cooperating: list[Department]
    latest: MeasureReport | None
    reports: list[MeasureReport]  # the quarter's, one per department that reported
    overdue: list[WorkItem] = field(default_factory=list)
    open_items: list[WorkItem] = field(default_factory=list)

    @property
    def reported(self) -> bool:
        return bool(self.reports)


def board(measures: QuerySet[Measure], period: Period, today: datetime.date) -> list[BoardRow]:
    roles = MeasureDepartment.objects.select_related("department").order_by("position")
    rows = list(
        measures.order_by("order", "pk").prefetch_related(Prefetch("roles", queryset=roles))
    )
    ids = [m.pk for m in rows]
    reports = (
        MeasureReport.objects.filter(measure_id__in=ids)
        .select_related("department")
        .order_by("year", "quarter", "reported_at")
    )
    latest: dict[int, MeasureReport] = {}
    in_quarter: dict[int, list[MeasureReport]] = {}
    for report in reports:
        if (report.year, report.quarter) > (period.year, period.quarter):
            continue  # the board is as of ``period``: a later report is not known yet
        latest[report.measure_id] = report
        if (report.year, report.quarter) == (period.year, period.quarter):
            in_quarter.setdefault(report.measure_id, []).append(report)
    items: dict[int, list[WorkItem]] = {}
    for item in WorkItem.objects.filter(measure_id__in=ids, done_on__isnull=True):
        items.setdefault(item.measure_id, []).append(item)
    return [
        BoardRow(
            measure=m,
            lead=m.lead,
            cooperating=m.cooperating,
            latest=latest.get(m.pk),
            reports=in_quarter.get(m.pk, []),
            overdue=[i for i in items.get(m.pk, []) if i.is_overdue(today)],
            open_items=items.get(m.pk, []),
        )
        for m in rows
    ]


def measure_lines(rows: list[BoardRow]) -> list[MeasureLine]:
    """The board as the report workbook's plain rows."""
    return [
        MeasureLine(
            label=row.measure.label,
            title=row.measure.title,
            lead=row.lead.name if row.lead else "",
            cooperating="、".join(d.name for d in row.cooperating),
            status=row.latest.get_status_display() if row.latest else "",
            lagging=bool(row.latest and row.latest.status == MeasureStatus.LAGGING),
            status_date=timezone.localdate(row.latest.reported_at) if row.latest else None,
            reported=row.reported,
            overdue="；".join(f"{i.title}({i.due_date.isoformat()})" for i in row.overdue),
        )
        for row in rows
    ]
