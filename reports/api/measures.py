"""``GET /api/v1/measures/?period=2026Q2``: the measures board as JSON, scoped
like the pages (``targets.measure_access.measure_scope_for``): leaders and staff
every measure, a department liaison their department's, a township official
those involving the regions."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from reports.api.serializers import DetailErrorSerializer, PeriodErrorSerializer
from reports.api.views import PERIOD_PATTERN, ScopedAPIView
from reports.figures.deadlines import latest_shown
from reports.figures.measure_board import board, quarter_of
from reports.measure_models import MeasureStatus
from reports.progress import Period
from targets.measure_access import NoMeasureAccess, measure_scope_for
from targets.models import current_plan


class DepartmentRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class LatestReportSerializer(serializers.Serializer):
    department = serializers.CharField(help_text="department code")
    period = serializers.CharField(help_text="YYYYQn")
    status = serializers.ChoiceField(choices=MeasureStatus.choices)
    reported_at = serializers.DateTimeField()


class WorkItemSerializer(serializers.Serializer):
    title = serializers.CharField()
    year = serializers.IntegerField()
    due_date = serializers.DateField()


class MeasureSerializer(serializers.Serializer):
    section = serializers.CharField(help_text="the plan's section, e.g. 三")
    number = serializers.IntegerField()
    label = serializers.CharField(help_text="e.g. 三(一)")
    title = serializers.CharField()
    involves_regions = serializers.BooleanField()
    lead = DepartmentRefSerializer(allow_null=True)
    cooperating = DepartmentRefSerializer(many=True)
    latest = LatestReportSerializer(
        allow_null=True, help_text="the latest report up to the period; null: none"
    )
    reported_in_period = serializers.BooleanField()
    overdue_work_items = WorkItemSerializer(many=True)


class MeasuresSerializer(serializers.Serializer):
    period = serializers.CharField()
    measures = MeasureSerializer(many=True)


def department_ref(department):
    return {"code": department.code, "name": department.name} if department else None


class MeasuresAPIView(ScopedAPIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "period",
                str,
                description="YYYYQn; default: today's quarter within the plan",
                pattern=PERIOD_PATTERN,
            )
        ],
        responses={
            200: MeasuresSerializer,
            400: OpenApiResponse(
                PeriodErrorSerializer, "A malformed or out-of-plan period, or one not yet begun."
            ),
            401: OpenApiResponse(DetailErrorSerializer, "Not signed in."),
            403: OpenApiResponse(DetailErrorSerializer, "An account that sees no measures."),
            404: OpenApiResponse(DetailErrorSerializer, "No plan has been loaded."),
        },
        summary="The plan's measures: departments, latest status, overdue work items",
    )
    def get(self, request):
        plan = current_plan(request)
        if plan is None:
            raise NotFound(_("尚未载入计划。"))
        try:
            scope = measure_scope_for(request.user, plan)
        except NoMeasureAccess:
            raise PermissionDenied(_("您的账号没有查看任务的权限。")) from None
        today = timezone.localdate()
        period = quarter_of(today, plan)
        if code := request.query_params.get("period"):
            try:
                period = Period.from_code(code)
            except ValueError:
                raise ValidationError({"period": _("无效的季度,例如 2026Q3。")}) from None
            if not plan.contains(period.year, period.quarter):
                raise ValidationError({"period": _("该季度不在计划期内。")})
            if period > latest_shown(plan.first_year):  # as /progress/ and the pages
                raise ValidationError({"period": _("该季度尚未开始。")})
        rows = board(scope.measures, period, today)
        payload = {
            "period": period.code,
            "measures": [
                {
                    "section": row.measure.section,
                    "number": row.measure.number,
                    "label": row.measure.label,
                    "title": row.measure.title,
                    "involves_regions": row.measure.involves_regions,
                    "lead": department_ref(row.lead),
                    "cooperating": [department_ref(d) for d in row.cooperating],
                    "latest": row.latest
                    and {
                        "department": row.latest.department.code,
                        "period": f"{row.latest.year}Q{row.latest.quarter}",
                        "status": row.latest.status,
                        "reported_at": row.latest.reported_at,
                    },
                    "reported_in_period": row.reported,
                    "overdue_work_items": [
                        {"title": i.title, "year": i.year, "due_date": i.due_date}
                        for i in row.overdue
                    ],
                }
                for row in rows
            ],
        }
        return Response(MeasuresSerializer(payload).data)
