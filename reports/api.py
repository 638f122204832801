"""Read-only JSON API (``/api/v1/``): the plan's targets and the engine's
numbers for a period, scoped exactly like the pages (``Region.objects.visible_to``).
Session login or a per-user token (``Authorization: Token …``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from regions.models import Region, sees_whole_county
from reports.progress import Period
from reports.queries import latest_period, load_plan_data, progress_table
from reports.serializers import PlanSerializer, ProgressSerializer
from targets.models import Plan


@method_decorator(login_not_required, name="dispatch")
class ScopedAPIView(APIView):
    """DRF authenticates (session or token) and answers 401/403 itself, so
    the site-wide login redirect does not apply here."""

    def scope(self, request):
        plan = Plan.objects.current()
        if plan is None:
            raise NotFound(_("尚未载入计划。"))
        whole_county = sees_whole_county(request.user)
        regions = Region.objects.visible_to(request.user).filter(plan=plan)
        if not whole_county and not regions.exists():
            raise PermissionDenied(_("您的账号尚未绑定%(region)s。") % {"region": plan.region_term})
        return plan, regions, whole_county


class PlanAPIView(ScopedAPIView):
    @extend_schema(responses=PlanSerializer, summary="The plan, its indicators and targets")
    def get(self, request):
        plan, regions, whole_county = self.scope(request)
        data = load_plan_data(plan, regions, whole_county=whole_county)
        codes = {region.id: region.code for region in data.regions}
        indicator_codes = {indicator.id: indicator.code for indicator in data.indicators}
        payload = {
            "name": plan.name,
            "document_number": plan.document_number,
            "county_name": plan.county_name,
            "region_term": plan.region_term,
            "first_year": plan.first_year,
            "last_year": plan.last_year,
            "is_demo": plan.is_demo,
            "indicators": [indicator.__dict__ for indicator in data.indicators],
            "regions": [region.__dict__ for region in data.regions],
            "targets": [
                {
                    "indicator": indicator_codes[indicator_id],
                    "region": codes.get(region_id),
                    "year": year,
                    "value": value,
                    "stretch_value": stretch,
                }
                for (indicator_id, region_id, year), (value, stretch) in data.targets.items()
            ],
        }
        return Response(PlanSerializer(payload).data)


class ProgressAPIView(ScopedAPIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "period",
                OpenApiTypes.STR,
                description="e.g. 2026Q3; default: the latest quarter with figures",
            )
        ],
        responses=ProgressSerializer,
        summary="Progress of every region (and the county) × indicator",
    )
    def get(self, request):
        plan, regions, whole_county = self.scope(request)
        period = self.period(request, plan, regions, whole_county)
        data = load_plan_data(plan, regions, whole_county=whole_county, summarise_for=period)
        table = progress_table(data, period)
        subjects = [(region.id, region.code, region.name) for region in data.regions]
        if whole_county:
            subjects.append((None, None, plan.county_name))
        rows = []
        for region_id, code, name in subjects:
            for indicator in data.indicators:
                progress = table.get(region_id, indicator.id)
                if progress is None:
                    continue
                rows.append(
                    {
                        "region": code,
                        "region_name": name,
                        "indicator": indicator.code,
                        "target": progress.annual_target,
                        "actual": progress.ytd_actual,
                        "quarter_actual": progress.quarter_actual,
                        "completion": progress.completion,
                        "expected": progress.expected_value,
                        "expected_share": progress.expected_share,
                        "status": progress.status,
                        "plan_actual": progress.plan_actual,
                        "plan_target": progress.plan_target,
                        "plan_expected": progress.plan_expected,
                        "plan_completion": progress.plan_completion,
                        "stretch_target": progress.stretch_target,
                    }
                )
        return Response(ProgressSerializer({"period": period.code, "rows": rows}).data)

    @staticmethod
    def period(request, plan, regions, whole_county) -> Period:
        code = request.query_params.get("period")
        if not code:
            return latest_period(plan, regions, whole_county=whole_county)
        try:
            period = Period.from_code(code)
        except ValueError:
            raise ValidationError({"period": _("无效的季度,例如 2026Q3。")}) from None
        if not plan.contains(period.year):
            raise ValidationError({"period": _("该季度不在计划期内。")})
        return period
