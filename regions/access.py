"""The one way views reach plan data: a mixin that resolves the current plan and
the regions the user may see (``Region.objects.visible_to``), so no view can
forget the scoping."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from regions.models import Region, region_id_of, sees_whole_county
from targets.models import Plan


class PlanAccessMixin:
    """For class-based views of the current plan.

    Sets ``self.plan``, ``self.regions`` (scoped queryset) and
    ``self.whole_county``. A township official not bound to any region gets a
    clear page (HTTP 403) instead of an empty dashboard.
    """

    request: HttpRequest

    def dispatch(self, request, *args, **kwargs):
        self.plan = Plan.objects.current()
        if self.plan is None:
            return render(request, "no_plan.html", status=404)
        self.whole_county = sees_whole_county(request.user)
        if not self.whole_county and region_id_of(request.user) is None:
            return render(request, "regions/no_region.html", status=403)
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def regions(self):
        return Region.objects.visible_to(self.request.user).filter(plan=self.plan)

    def get_region_or_404(self, code: str) -> Region:
        """A region by code, or 404 when it does not exist or is out of scope."""
        try:
            return self.regions.get(code=code)
        except Region.DoesNotExist:
            raise Http404(_("没有找到该区域。")) from None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(plan=self.plan, whole_county=self.whole_county)
        return context
