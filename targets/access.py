"""The one way views reach plan data.

``scope_for(user, plan)`` is the rule of who sees what, in one place: the
regions the user may see (``Region.objects.visible_to``, the choke point),
whether they see county-wide figures and, for a township official, their own
region. Pages (``PlanAccessMixin``) and the API (``reports.api.views``) both
build their ``Scope`` with it and only differ in how they answer a refusal:
the pages render a page, the API answers JSON.

- ``PlanAccessMixin``: every page of the plan is a class-based view built on
  it, so no view can forget the scoping.
- ``Scope.region_or_404(code)``: a region outside the user's scope answers
  404, exactly like a region that does not exist (no hint that it does).
- ``required_permission``: a write page (figure entry, import, quarter closing)
  names the permission it needs (or a tuple of permissions, any one of which
  will do); anyone without it gets 403 before the view runs.
- ``CountyWideMixin``: a page about the whole county sends a township official
  to their own township's page instead.

tests/test_access_matrix.py requests every URL outside the Django admin as every
persona, so a new page that skips these mixins fails a test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from regions.models import Region, sees_whole_county
from regions.roles import REPORT_OWN_FIGURES
from targets.models import Plan, current_plan

# The township dashboard (reports app): where a township official belongs.
TOWNSHIP_PAGE = "reports:township"


class OutOfScope(Exception):
    """The user may see nothing of the plan; see the two cases below."""


class NoPlan(OutOfScope):
    """No plan has been loaded: there is nothing to scope."""


class NotBound(OutOfScope):
    """A township account bound to no region of the plan (not bound at all, or
    bound to a region of another plan, which for this plan is the same)."""


@dataclass(frozen=True)
class Scope:
    """What one user may see of one plan.

    ``regions`` is the scoped queryset, the only way to the plan's regions
    (and through them its figures and targets); ``whole_county`` adds the
    county-wide figures (totals, county-only indicators, rankings);
    ``own_region`` is a township official's region, None for county users.
    """

    plan: Plan
    whole_county: bool
    own_region: Region | None
    regions: QuerySet[Region] = field(compare=False)

    def region_or_404(self, code: str) -> Region:
        """A region by code, or 404 when it does not exist or is out of scope
        (Django's Http404, which DRF answers as its own 404 too)."""
        # A NUL is no code, and PostgreSQL refuses it in a query (an error, not no row).
        if "\x00" in code:
            raise Http404(_("没有找到该区域。"))
        try:
            return self.regions.get(code=code)
        except Region.DoesNotExist:
            raise Http404(_("没有找到该区域。")) from None


def scope_for(user, plan: Plan | None) -> Scope:
    """The user's scope of ``plan``; ``NoPlan`` or ``NotBound`` when they may
    see nothing of it. Reads no more than the permissions (county users) or
    the membership and the region (township officials)."""
    if plan is None:
        raise NoPlan
    whole_county = sees_whole_county(user)
    regions = Region.objects.visible_to(user).filter(plan=plan)
    own_region = None if whole_county else regions.first()
    if not whole_county and own_region is None:
        raise NotBound
    return Scope(plan, whole_county, own_region, regions)


def township_page_url(region: Region) -> str:
    """Where a township official belongs: their own township's page."""
    return reverse(TOWNSHIP_PAGE, kwargs={"region": region.code})


class PlanAccessMixin:
    """For class-based views of the current plan.

    Sets ``self.scope`` (``scope_for`` the user and the current plan) and
    offers its parts as ``self.plan``, ``self.regions`` (scoped queryset),
    ``self.whole_county`` and ``self.own_region``. Without a plan the page
    says so (HTTP 404, templates/no_plan.html); a township official not bound
    to a region of the plan gets a clear page (HTTP 403,
    templates/regions/no_region.html) instead of an empty dashboard.

    Set ``required_permission`` (e.g. ``regions.roles.ENTER_FIGURES``) on a page
    that changes data: users without it get 403, leaders included. A tuple
    means any one of them (the entry grid: staff's ``enter_figures`` or a
    township's ``report_own_figures``).
    """

    request: HttpRequest
    required_permission: str | tuple[str, ...] | None = None
    scope: Scope

    def dispatch(self, request, *args, **kwargs):
        if not self.has_required_permission(request.user):
            raise PermissionDenied(_("您的账号没有此操作的权限。"))
        try:
            self.scope = scope_for(request.user, current_plan(request))
        except NoPlan:
            return render(request, "no_plan.html", status=404)
        except NotBound:
            if not request.user.has_perm(REPORT_OWN_FIGURES):
                # A liaison, or an account of no role: not a township waiting
                # for its region, simply not a reader of figures.
                raise PermissionDenied(_("您的账号没有此操作的权限。")) from None
            return render(request, "regions/no_region.html", status=403)
        refusal = self.check_access(request)
        if refusal is not None:
            return refusal
        return super().dispatch(request, *args, **kwargs)

    def has_required_permission(self, user) -> bool:
        wanted = self.required_permission
        if not wanted:
            return True
        if isinstance(wanted, str):
            wanted = (wanted,)
        return any(user.has_perm(permission) for permission in wanted)

    def check_access(self, request: HttpRequest) -> HttpResponse | None:
        """Hook for subclasses: a response to answer instead of the page (a
        redirect, a refusal), or None to go on. Runs after the plan and the
        user's scope are known."""
        return None

    @property
    def plan(self) -> Plan:
        return self.scope.plan

    @property
    def whole_county(self) -> bool:
        return self.scope.whole_county

    @property
    def own_region(self) -> Region | None:
        return self.scope.own_region

    @property
    def regions(self) -> QuerySet[Region]:
        return self.scope.regions

    def get_region_or_404(self, code: str) -> Region:
        return self.scope.region_or_404(code)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(plan=self.plan, whole_county=self.whole_county)
        return context


def keeping_period(url: str, request: HttpRequest) -> str:
    """``url`` with the quarter the request asked for (``?period=``), if any:
    a redirect to one's own page stays on the quarter being looked at."""
    period = request.GET.get("period")
    return f"{url}?{urlencode({'period': period})}" if period else url


class CountyWideMixin(PlanAccessMixin):
    """For pages about the whole county (overview, township comparison, an
    indicator across townships, county exports).

    A township official asking for one is redirected to their own township's
    page (``reports:township``), so a bookmark or a shared link lands them
    somewhere useful and never shows another township.
    """

    def check_access(self, request: HttpRequest) -> HttpResponse | None:
        if not self.whole_county:
            return redirect(keeping_period(township_page_url(self.own_region), request))
        return super().check_access(request)
