"""Which regions have reported which indicators, per quarter, so staff see
what is still missing before closing a quarter."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.models import Figure
from reports.progress import Period, plan_periods
from targets.formatting import format_percent
from targets.models import Plan
from targets.tables import BaseTable

COUNTY = None


@dataclass
class Completeness:
    plan: Plan
    # (indicator_id, region_id | None) cells that must be reported each quarter
    expected: list[tuple[int, int | None]]
    reported: dict[tuple[int, int], set[tuple[int, int | None]]]
    region_names: dict[int | None, str]
    indicator_names: dict[int, str]

    @classmethod
    def load(cls, plan: Plan) -> Completeness:
        indicators = list(plan.indicators.all())
        regions = list(plan.regions.all())
        expected = [
            (indicator.pk, region.pk)
            for region in regions
            for indicator in indicators
            if indicator.by_region
        ] + [(indicator.pk, COUNTY) for indicator in indicators if not indicator.by_region]
        reported: dict[tuple[int, int], set] = defaultdict(set)
        rows = Figure.objects.in_plan(plan).values_list(
            "year", "quarter", "indicator_id", "region_id"
        )
        for year, quarter, indicator_id, region_id in rows:
            reported[(year, quarter)].add((indicator_id, region_id))
        names = {region.pk: region.name for region in regions}
        names[COUNTY] = plan.county_name
        return cls(plan, expected, reported, names, {i.pk: i.name for i in indicators})

    def count(self, period: Period) -> int:
        return len(self.reported.get((period.year, period.quarter), set()))

    def missing(self, period: Period) -> dict[str, list[str]]:
        """Region name → names of the indicators it has not reported."""
        done = self.reported.get((period.year, period.quarter), set())
        missing: dict[str, list[str]] = {}
        for indicator_id, region_id in self.expected:
            if (indicator_id, region_id) not in done:
                missing.setdefault(self.region_names[region_id], []).append(
                    self.indicator_names[indicator_id]
                )
        return missing


class QuartersTable(BaseTable):
    period = tables.Column(verbose_name=gettext_lazy("季度"))
    reported = tables.Column(verbose_name=gettext_lazy("已报/应报"), attrs={"td": {"class": "num"}})
    share = tables.Column(verbose_name=gettext_lazy("完整度"), attrs={"td": {"class": "num"}})
    closed = tables.Column(verbose_name=gettext_lazy("状态"))
    due = tables.Column(verbose_name=gettext_lazy("截止日期"), default="")

    def render_period(self, value, record):
        url = f"{reverse('reports:quarters')}?period={record['code']}"
        return format_html('<a href="{}">{}</a>', url, value)

    def render_due(self, value, record):
        day = format_html('<span class="text-nowrap">{}</span>', value)
        if not record.get("overdue"):
            return day
        label = _("%(count)s 个逾期") % {"count": record["overdue"]}
        return format_html('{} <span class="badge text-bg-danger">{}</span>', day, label)

    @classmethod
    def build(
        cls,
        completeness: Completeness,
        closed: dict,
        plan: Plan,
        *,
        due: dict[tuple[int, int], date] | None = None,
        overdue: dict[tuple[int, int], int] | None = None,
    ) -> QuartersTable:
        """``due``: (year, quarter) → due date; ``overdue``: (year, quarter) →
        how many regions are late (``reports.figures.deadlines``)."""
        due = due or {}
        overdue = overdue or {}
        total = len(completeness.expected)
        rows = []
        for period in reversed(plan_periods(plan.years)):
            count = completeness.count(period)
            closure = closed.get((period.year, period.quarter))
            if closure:
                who = closure.closed_by.username if closure.closed_by else "—"
                state = _("已关闭(%(who)s)") % {"who": who}
            else:
                state = _("开放")
            rows.append(
                {
                    "period": period.label,
                    "code": period.code,
                    "reported": f"{count}/{total}",
                    "share": format_percent(None if not total else _ratio(count, total)),
                    "closed": state,
                    "due": _date(due.get((period.year, period.quarter))),
                    "overdue": overdue.get((period.year, period.quarter), 0),
                }
            )
        return cls(rows)


def _date(day: date | None) -> str:
    return day.isoformat() if day else ""


def _ratio(count: int, total: int) -> Decimal:
    return Decimal(count) / Decimal(total)


class MissingTable(BaseTable):
    region = tables.Column(verbose_name=gettext_lazy("区域"))
    missing = tables.Column(verbose_name=gettext_lazy("未报指标"))

    @classmethod
    def build(cls, completeness: Completeness, period: Period) -> MissingTable:
        rows = [
            {"region": region, "missing": "、".join(names)}
            for region, names in completeness.missing(period).items()
        ]
        return cls(rows, empty_text=_("本季度所有区域均已填报全部指标。"))
