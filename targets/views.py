from django.views.generic import TemplateView

from targets.access import PlanAccessMixin
from targets.annexes import build_annexes
from targets.tables import Annex1Table, Annex2Table


class PlanView(PlanAccessMixin, TemplateView):
    """The plan's targets as the official annexes lay them out."""

    template_name = "targets/plan.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        annexes = build_annexes(self.plan, self.regions, whole_county=self.whole_county)
        context["annex1"] = (
            Annex1Table.for_plan(annexes.years, annexes.annex1, annexes.has_stretch)
            if self.whole_county
            else None
        )
        context["annex2"] = [
            (year, Annex2Table.for_year(annexes.broken_down, annexes.annex2[year]))
            for year in annexes.years
        ]
        return context
