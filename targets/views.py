from django.conf import settings
from django.core.paginator import Paginator
from django.views.generic import TemplateView

from targets.access import PlanAccessMixin
from targets.annexes import build_annexes
from targets.tables import Annex1Table, Annex2Table


class PlanView(PlanAccessMixin, TemplateView):
    """The plan's targets as the official annexes lay them out; annex 2's
    regions a page of ``MATRIX_PAGE_SIZE`` at a time (the same page for every
    year's table), so a province's thousand regions do not make one huge page."""

    template_name = "targets/plan.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = Paginator(self.regions.filter(plan=self.plan), settings.MATRIX_PAGE_SIZE)
        region_page = paginator.get_page(self.request.GET.get("page"))
        annexes = build_annexes(self.plan, region_page, whole_county=self.whole_county)
        context["annex1"] = (
            Annex1Table.for_plan(annexes.years, annexes.annex1, annexes.has_stretch)
            if self.whole_county
            else None
        )
        context["annex2"] = [
            (year, Annex2Table.for_year(annexes.broken_down, annexes.annex2[year]))
            for year in annexes.years
        ]
        context["annex2_total"] = (
            Annex2Table.for_year(annexes.broken_down, annexes.annex2_totals)
            if annexes.annex2_totals
            else None
        )
        context["region_page"] = region_page
        return context
