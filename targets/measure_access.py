"""Who sees which of the plan's measures, in one place (``measure_scope_for``),
and the page mixin built on it (``MeasureAccessMixin``).

- leaders and staff (``view_all_regions``): every measure, every department;
- a department liaison (``report_own_measures`` and a ``DepartmentMembership``
  in the plan): their own department's page and the measures it leads or
  co-operates on; another department answers 404;
- a township official bound to a region of the plan: the measures that involve
  the regions, read-only;
- anyone else: 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from regions.models import Region, sees_whole_county
from regions.roles import REPORT_ALL_MEASURES, REPORT_OWN_MEASURES
from targets.models import Department, DepartmentMembership, Measure, Plan, current_plan


class NoMeasureAccess(Exception):
    pass


@dataclass(frozen=True)
class MeasureScope:
    plan: Plan
    whole_county: bool
    department: Department | None  # a liaison's own department
    regions_only: bool  # a township official: measures involving the regions

    @property
    def measures(self) -> QuerySet[Measure]:
        measures = Measure.objects.filter(plan=self.plan)
        if self.department is not None:
            return measures.filter(roles__department=self.department).distinct()
        if self.regions_only:
            return measures.filter(involves_regions=True)
        return measures

    @property
    def departments(self) -> QuerySet[Department]:
        departments = Department.objects.filter(plan=self.plan)
        if self.department is not None:
            return departments.filter(pk=self.department.pk)
        if self.regions_only:
            involved = Measure.objects.filter(plan=self.plan, involves_regions=True)
            return departments.filter(roles__measure__in=involved).distinct()
        return departments

    def department_or_404(self, code: str) -> Department:
        try:
            return self.departments.get(code=code)
        except Department.DoesNotExist:
            raise Http404(_("没有找到该部门。")) from None

    def measure_or_404(self, pk: int) -> Measure:
        try:
            return self.measures.get(pk=pk)
        except Measure.DoesNotExist:
            raise Http404(_("没有找到该任务。")) from None


def measure_scope_for(user, plan: Plan) -> MeasureScope:
    if sees_whole_county(user) or user.has_perm(REPORT_ALL_MEASURES):
        return MeasureScope(plan, True, None, False)
    if user.has_perm(REPORT_OWN_MEASURES):
        membership = (
            DepartmentMembership.objects.filter(user=user, department__plan=plan)
            .select_related("department")
            .first()
        )
        if membership is not None:
            return MeasureScope(plan, False, membership.department, False)
    if Region.objects.visible_to(user).filter(plan=plan).exists():
        return MeasureScope(plan, False, None, True)
    raise NoMeasureAccess


class MeasureAccessMixin:
    """For pages of the plan's measures: sets ``self.plan`` and ``self.mscope``."""

    required_permission: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        plan = current_plan(request)
        if plan is None:
            return render(request, "no_plan.html", status=404)
        if self.required_permission and not any(
            request.user.has_perm(p) for p in self.required_permission
        ):
            raise PermissionDenied(_("您的账号没有此操作的权限。"))
        try:
            self.mscope = measure_scope_for(request.user, plan)
        except NoMeasureAccess:
            raise PermissionDenied(_("您的账号没有查看任务的权限。")) from None
        self.plan = plan
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(plan=self.plan, mscope=self.mscope)
        return context
