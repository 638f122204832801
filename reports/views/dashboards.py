"""Dashboards: county overview, township matrix, township page, indicator page.

Every view goes through ``reports.views.mixins.ProgressMixin`` (and so
``PlanAccessMixin``): the plan, the user's regions, the "as of" period and the
progress table come from one place, in a constant number of queries. The views
only lay out what the engine (``reports.progress``) and ``targets.annexes``
compute.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import RedirectView, TemplateView

from regions.roles import ENTER_FIGURES, REPORT_OWN_MEASURES
from reports.excel.tables import EXPORT_FORMATS, export_response
from reports.figures import deadlines as due
from reports.views import charts, plotting
from reports.views.goals import GoalsMixin
from reports.views.mixins import ProgressMixin
from reports.views.tables import (
    IndicatorProgressTable,
    MatrixTable,
    QuarterlyFiguresTable,
    RegionProgressTable,
)
from targets.access import CountyWideMixin, OutOfScope, scope_for, township_page_url
from targets.annexes import has_stretch, region_target_rows
from targets.models import current_plan
from targets.tables import Annex1Table


def overview_charts(plan, table, period) -> list[tuple[str, str]]:
    """The overview's two key charts, (id, figure JSON): the county's
    completion per indicator and the township × indicator heatmap (every
    township while they fit on a screen; beyond that the ones lagging most).
    The briefing page shows them too."""
    completion = charts.completion_bars(
        [indicator.name for indicator in table.indicators],
        list(table.county_row().cells),
        title=_("%(county)s各指标年度完成率") % {"county": plan.county_name},
        period=period,
    )
    limit = settings.HEATMAP_MAX_REGIONS
    region = plan.region_term
    if len(table.regions) <= limit:
        title = _("各%(region)s进度热力图(实际 ÷ 序时进度)") % {"region": region}
        heatmap = charts.progress_heatmap(table, title=title)
    else:
        lagging = [score.region for score in table.lagging(limit)]
        title = _("滞后最多的 %(shown)s 个%(region)s(共 %(total)s 个):实际 ÷ 序时进度") % {
            "shown": len(lagging),
            "region": region,
            "total": len(table.regions),
        }
        heatmap = charts.progress_heatmap(table, lagging, title=title)
    return [
        ("chart-completion", plotting.figure_json(completion)),
        ("chart-heatmap", plotting.figure_json(heatmap)),
    ]


class HomeView(RedirectView):
    """Leaders and staff land on the county overview, a township official on
    their own township (one redirect, not two)."""

    def get_redirect_url(self, *args, **kwargs):
        try:
            scope = scope_for(self.request.user, current_plan(self.request))
        except OutOfScope:
            if self.request.user.has_perm(REPORT_OWN_MEASURES):
                # A department liaison: their department's measures.
                return reverse("reports:measures")
            # The overview says what is missing (no plan, no region bound).
            return reverse("reports:overview")
        if scope.own_region is not None:
            return township_page_url(scope.own_region)
        return reverse("reports:overview")


class OverviewView(CountyWideMixin, GoalsMixin, ProgressMixin, TemplateView):
    """Leaders' home: every annex-1 indicator for the county, the headline
    goals in brief, the townships lagging most, and the township × indicator
    heatmap."""

    template_name = "reports/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        table = self.table
        # Leaders read this on a phone: the annex-1 essentials, the rest is
        # one tap away on each indicator's page.
        indicator_rows = IndicatorProgressTable.for_subject(
            table, None, urls=self.indicator_urls(), summary=True
        )
        region_urls = self.region_urls()
        context.update(
            indicator_table=indicator_rows,
            goal_table=self.goal_table(summary=True),
            # Only regions behind on something, as the briefing names them.
            lagging=[
                (score, region_urls[score.region.code]) for score in table.ranking if score.behind
            ][:5],
            ranked=bool(table.ranking),
            charts=self.reused_charts(
                "overview", lambda: overview_charts(self.plan, table, self.period)
            ),
        )
        return context


class MatrixView(CountyWideMixin, ProgressMixin, TemplateView):
    """Annex-2 layout for the chosen year: regions × indicators, sortable and
    exportable (``?_export=xlsx`` or ``csv``)."""

    template_name = "reports/matrix.html"

    def build_table(self, *, paginate: bool = True) -> MatrixTable:
        table = MatrixTable.build(
            self.table, county_name=self.plan.county_name, region_urls=self.region_urls()
        )
        return self.paginate(table, paginate=paginate)

    def get(self, request, *args, **kwargs):
        export_format = request.GET.get("_export")
        if export_format is None:
            return super().get(request, *args, **kwargs)
        if export_format not in EXPORT_FORMATS:
            raise Http404(_("不支持的导出格式。"))
        if refusal := self.refuse_download_of_bad_period(request.path):
            return refusal
        filename = _("%(region)s任务完成情况_%(period)s") % {
            "region": self.plan.region_term,
            "period": self.period.code,
        }
        return export_response(self.build_table(paginate=False), export_format, filename)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["matrix"] = self.build_table()
        context["plan_columns"] = any(
            self.table.subjects[(None, i.id)].total_only for i in self.table.broken_down
        )
        return context


class TownshipView(ProgressMixin, TemplateView):
    """A township official's home: its targets for every year, quarterly
    figures, progress against 序时, and its charts."""

    template_name = "reports/township.html"
    needs_series = True
    reads_county_rows = False

    @cached_property
    def region(self):
        return self.get_region_or_404(self.kwargs["region"])

    def data_region_ids(self) -> set[int]:
        # Only this township's figures, whoever is looking.
        return {self.region.pk}

    def coverage_region_name(self) -> str:
        return self.region.name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        region = self.region
        table = self.table
        context.update(
            region=region,
            due_quarters=self.due_quarters(),
            indicator_table=IndicatorProgressTable.for_subject(table, region.pk),
            targets_table=self.targets_table(region),
            figures_table=self.figures_table(region),
            charts=self.reused_charts("township", lambda: self.charts(table, region)),
        )
        return context

    def charts(self, table, region) -> list[tuple[str, str]]:
        indicators = table.broken_down
        progresses = [table.get(region.pk, indicator.id) for indicator in indicators]
        cumulative = [
            (
                f"chart-cumulative-{indicator.code}",
                plotting.figure_json(
                    charts.cumulative_lines(
                        indicator,
                        [(region.name, table.plan_cumulative_series(region.pk, indicator.id))],
                        title=indicator.label,
                        expected_name=_("序时进度"),
                    )
                ),
            )
            for indicator in indicators
        ]
        return [
            (
                "chart-completion",
                plotting.figure_json(
                    charts.completion_bars(
                        [indicator.name for indicator in indicators],
                        progresses,
                        title=_("各指标年度完成率"),
                        period=self.period,
                    )
                ),
            ),
            *cumulative,
        ]

    def due_quarters(self) -> list[due.DueQuarter] | None:
        """The "待填报" box, for those who report this region's figures: its own
        officials and staff (who may enter them on its behalf). One query."""
        if self.own_region != self.region and not self.request.user.has_perm(ENTER_FIGURES):
            return None
        if not any(indicator.by_region for indicator in self.data.indicators):
            return None  # a plan of county-level indicators: the region owes no report
        return due.due_for_region(self.plan, self.region, due.today())

    def targets_table(self, region):
        rows = region_target_rows(
            self.data.indicators, self.data.targets, region.pk, self.plan.years
        )
        return Annex1Table.for_plan(
            self.plan.years, rows, has_stretch=has_stretch(rows), numbered=False
        )

    def figures_table(self, region):
        return QuarterlyFiguresTable.build(self.data, region.pk, through=self.period)


class IndicatorView(CountyWideMixin, ProgressMixin, TemplateView):
    """All townships for one indicator: actual vs target with 序时 markers, the
    ranked gap, cumulative lines and the plan-to-date picture."""

    template_name = "reports/indicator.html"
    needs_series = True

    def data_indicator_code(self) -> str | None:
        return self.kwargs["indicator"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        indicator = next(
            (i for i in self.data.indicators if i.code == self.kwargs["indicator"]), None
        )
        if indicator is None:
            raise Http404(_("没有找到该指标。"))
        table = self.table
        county = table.get(None, indicator.id)
        county_label = self.plan.county_name
        if indicator.by_region:
            charted = table.lagging_on(indicator.id, settings.HEATMAP_MAX_REGIONS)
            column = [(region.name, table.cell(region.id, indicator.id)) for region in charted]
            series = [
                (region.name, table.plan_cumulative_series(region.id, indicator.id))
                for region in charted
            ]
            # The year's charts only where the year has targets: an indicator
            # with a plan total only is judged on the plan's charts below.
            year_targets = county.annual_target is not None or any(
                cell.annual_target is not None for _name, cell in column
            )
            year_charts = [
                ("chart-actual", charts.actual_vs_target(indicator, column, self.period)),
                ("chart-gap", charts.gap_ranking(indicator, column, self.period)),
            ]
            chart_list = [
                *(year_charts if year_targets else []),
                (
                    "chart-cumulative",
                    charts.cumulative_lines(
                        indicator,
                        series,
                        title=_("各%(region)s计划期累计完成(按季度)")
                        % {"region": self.plan.region_term},
                    ),
                ),
                ("chart-plan", charts.plan_to_date_bars(indicator, column, self.period)),
                (
                    "chart-plan-county",
                    charts.plan_to_date_bars(indicator, [(county_label, county)], self.period),
                ),
            ]
            region_table = RegionProgressTable.for_indicator(
                table, indicator, county_label, self.region_urls()
            )
            self.paginate(region_table)
            if len(charted) < len(table.regions):
                context["charted_note"] = _(
                    "图表显示本指标滞后最多的 %(shown)s 个%(region)s(共 %(total)s 个)。"
                ) % {
                    "shown": len(charted),
                    "region": self.plan.region_term,
                    "total": len(table.regions),
                }
        else:
            chart_list = [
                (
                    "chart-cumulative",
                    charts.cumulative_lines(
                        indicator,
                        [(county_label, table.plan_cumulative_series(None, indicator.id))],
                        title=_("%(county)s计划期累计完成(按季度)") % {"county": county_label},
                        expected_name=_("计划期序时进度"),
                    ),
                ),
                (
                    "chart-plan",
                    charts.plan_to_date_bars(indicator, [(county_label, county)], self.period),
                ),
            ]
            region_table = None
        context.update(
            indicator=indicator,
            county=county,
            # A plan total only: the county is judged on the plan so far.
            on_plan=table.subjects[(None, indicator.id)].total_only,
            region_table=region_table,
            charts=[(key, plotting.figure_json(fig)) for key, fig in chart_list],
        )
        return context
