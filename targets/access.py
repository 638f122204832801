"""The one way views reach plan data.

Every page of the plan is a class-based view built on ``PlanAccessMixin``: it
resolves the current plan and the regions the user may see
(``Region.objects.visible_to``), so no view can forget the scoping. On top of it:

- ``get_region_or_404(code)``: a region outside the user's scope answers 404,
  exactly like a region that does not exist (no hint that it does).
- ``required_permission``: a write page (figure entry, import, quarter closing)
  names the permission it needs; anyone without it gets 403 before the view runs.
- ``CountyWideMixin``: a page about the whole county sends a township official
  to their own township's page instead.

tests/test_access_matrix.py requests every URL outside the Django admin as every
persona, so a new page that skips these mixins fails a test.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from regions.models import Region, sees_whole_county
from targets.models import Plan, current_plan

# The township dashboard (reports app). Until it exists, the plan page, which
# already shows a township official only their own region, stands in for it.
TOWNSHIP_PAGE = "reports:township"
TOWNSHIP_PAGE_FALLBACK = "targets:plan"


def bound_region(user, plan: Plan) -> Region | None:
    """The region of ``plan`` a township official is bound to (Membership), or
    None: not bound at all, or bound to a region of another plan, which for the
    current plan is the same as not bound."""
    if not user.is_authenticated:
        return None
    return Region.objects.filter(plan=plan, members__user=user).first()


def township_page_url(region: Region) -> str:
    """Where a township official belongs: their own township's page."""
    try:
        return reverse(TOWNSHIP_PAGE, kwargs={"region": region.code})
    except NoReverseMatch:
        return reverse(TOWNSHIP_PAGE_FALLBACK)


class PlanAccessMixin:
    """For class-based views of the current plan.

    Sets ``self.plan``, ``self.regions`` (scoped queryset), ``self.whole_county``
    and, for a township official, ``self.own_region``. A township official not
    bound to a region of the plan gets a clear page (HTTP 403,
    templates/regions/no_region.html) instead of an empty dashboard.

    Set ``required_permission`` (e.g. ``regions.roles.ENTER_FIGURES``) on a page
    that changes data: users without it get 403, leaders included.
    """

    request: HttpRequest
    required_permission: str | None = None

    def dispatch(self, request, *args, **kwargs):
        if self.required_permission and not request.user.has_perm(self.required_permission):
            raise PermissionDenied(_("您的账号没有此操作的权限。"))
        self.plan = current_plan(request)
        if self.plan is None:
            return render(request, "no_plan.html", status=404)
        self.whole_county = sees_whole_county(request.user)
        self.own_region = None if self.whole_county else bound_region(request.user, self.plan)
        if not self.whole_county and self.own_region is None:
            return render(request, "regions/no_region.html", status=403)
        refusal = self.check_access(request)
        if refusal is not None:
            return refusal
        return super().dispatch(request, *args, **kwargs)

    def check_access(self, request: HttpRequest) -> HttpResponse | None:
        """Hook for subclasses: a response to answer instead of the page (a
        redirect, a refusal), or None to go on. Runs after the plan and the
        user's scope are known."""
        return None

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


class CountyWideMixin(PlanAccessMixin):
    """For pages about the whole county (overview, township comparison, an
    indicator across townships, county exports).

    A township official asking for one is redirected to their own township's
    page (``reports:township``), so a bookmark or a shared link lands them
    somewhere useful and never shows another township.
    """

    def check_access(self, request: HttpRequest) -> HttpResponse | None:
        if not self.whole_county:
            return redirect(township_page_url(self.own_region))
        return super().check_access(request)
