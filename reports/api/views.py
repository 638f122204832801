"""Read-only JSON API (``/api/v1/``): the plan's targets and the engine's
numbers for a period, scoped by the pages' own rule (``targets.access.scope_for``).
Session login or a per-user token (``Authorization: Token …``) that expires
and is revoked with the password (``regions/tokens.py``)."""

from __future__ import annotations

from axes.helpers import get_cool_off, get_failure_limit
from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import parsers, renderers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from regions.roles import REPORT_OWN_FIGURES
from regions.tokens import token_expires_at, valid_token_for
from reports.api.parsers import JSONParser
from reports.api.serializers import (
    CoverageSerializer,
    CredentialsErrorSerializer,
    DetailErrorSerializer,
    GoalsSerializer,
    PeriodErrorSerializer,
    PlanSerializer,
    ProgressRowSerializer,
    ProgressSerializer,
    TokenSerializer,
)
from reports.figures.deadlines import latest_shown
from reports.progress import Period
from reports.progress.goal_queries import evaluate_goals, load_goals
from reports.progress.queries import (
    INCLUDE_PARAM,
    INCLUDE_SUBMITTED,
    includes_submitted,
)
from reports.progress.reuse import ProgressSource, scope_key
from targets.access import NoPlan, NotBound, Scope, scope_for
from targets.models import current_plan

# What every scoped endpoint may answer besides 200 (documented in the schema).
REFUSALS = {
    401: OpenApiResponse(
        DetailErrorSerializer, "Not signed in, or the token is wrong, expired or revoked."
    ),
    403: OpenApiResponse(DetailErrorSerializer, "A township account bound to no region."),
    404: OpenApiResponse(DetailErrorSerializer, "No plan has been loaded."),
}
PERIOD_PATTERN = r"^[0-9]{4}Q[1-4]$"


@method_decorator(login_not_required, name="dispatch")
class ScopedAPIView(APIView):
    """DRF authenticates (session or token) and answers 401/403 itself, so
    the site-wide login redirect does not apply here."""

    def scope(self, request) -> Scope:
        """The pages' scope (``scope_for``); its refusals as DRF errors."""
        plan = current_plan(request)
        try:
            return scope_for(request.user, plan)
        except NoPlan:
            raise NotFound(_("尚未载入计划。")) from None
        except NotBound:
            if not request.user.has_perm(REPORT_OWN_FIGURES):  # a liaison, or no role
                raise PermissionDenied(_("您的账号没有此操作的权限。")) from None
            raise PermissionDenied(
                _("您的账号尚未绑定%(region)s。") % {"region": plan.region_term}
            ) from None


def source_for(scope: Scope, *, include_submitted: bool = False) -> ProgressSource:
    """The pages' reused progress (``reports.progress.reuse``) for an API scope."""
    return ProgressSource(
        scope.plan,
        scope.regions,
        whole_county=scope.whole_county,
        scope=scope_key(scope.whole_county, scope.own_region),
        include_submitted=include_submitted,
    )


class PlanAPIView(ScopedAPIView):
    @extend_schema(
        responses={200: PlanSerializer, **REFUSALS},
        summary="The plan, its indicators and targets",
        description="Scoped to the caller: a township official gets their own region only.",
    )
    def get(self, request):
        scope = self.scope(request)
        plan = scope.plan
        data = source_for(scope).targets()
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
                pattern=PERIOD_PATTERN,
                description=(
                    "The quarter the numbers are as of: the year, Q, the quarter 1–4 "
                    "(e.g. 2026Q3), within the plan's years and begun. Default: the latest quarter "
                    "whose reporting is complete (every region approved, or the quarter "
                    "closed); else the latest with any figure that counts; else the plan's "
                    "first. A township official's default is their region's latest "
                    "approved quarter. Anything else answers 400."
                ),
                examples=[OpenApiExample("third quarter of 2026", value="2026Q3")],
            ),
            OpenApiParameter(
                INCLUDE_PARAM,
                OpenApiTypes.STR,
                enum=[INCLUDE_SUBMITTED],
                description=(
                    "`submitted`: count reports submitted and not yet approved too. "
                    "Only for county staff (who review or enter figures); ignored for "
                    "anyone else, who always get approved figures only."
                ),
            ),
        ],
        responses={
            200: ProgressSerializer,
            400: OpenApiResponse(
                PeriodErrorSerializer,
                "`period` is malformed, outside the plan's years or not yet begun.",
            ),
            **REFUSALS,
        },
        summary="Progress of every region (and the county) × indicator",
        description=(
            "Scoped to the caller: a township official gets their own region only. "
            "A region's figures count once the bureau has approved its report for the "
            "quarter; a region that has not reported has `reported: false`, null for "
            "every actual and rate (not 0) and status `not_reported`. `coverage` says "
            "how many regions reported the period. While it is not `complete`, a county "
            "row (region null) of a broken-down indicator holds the regions' approved "
            "figures of the year: for a region not yet approved for the period, its "
            "earlier approved quarters, not the period's. Such a county total is not the "
            "sum of the region rows shown, and its status is `provisional` (unless already "
            "done). A quarter the bureau closed is final: it makes no status provisional."
        ),
    )
    def get(self, request):
        scope = self.scope(request)
        include = includes_submitted(request.user, request.query_params.get(INCLUDE_PARAM))
        source = source_for(scope, include_submitted=include)
        period = self.period(request, scope, source)
        payload = source.reuse(
            ("api-progress", period.code), lambda: self.payload(scope, source, period)
        )
        return Response(payload)

    @staticmethod
    def payload(scope: Scope, source: ProgressSource, period: Period) -> dict:
        """The response's data, serialised (reused as is at the same version)."""
        data, table = source.table(period)
        coverage = source.reporting.reporting.coverage(period)
        subjects = [(region.id, region.code, region.name) for region in data.regions]
        if scope.whole_county:
            subjects.append((None, None, scope.plan.county_name))
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
                        "needed_per_quarter": progress.needed_per_quarter,
                        "plan_actual": progress.plan_actual,
                        "plan_target": progress.plan_target,
                        "plan_expected": progress.plan_expected,
                        "plan_completion": progress.plan_completion,
                        "plan_status": progress.plan_status,
                        "stretch_target": progress.stretch_target,
                        "annual_stretch_target": progress.annual_stretch_target,
                        "annual_stretch_completion": progress.annual_stretch_completion,
                        "reported": progress.reported,
                        "provisional": progress.provisional,
                        "plan_provisional": progress.plan_provisional,
                    }
                )
        return {
            "period": period.code,
            "coverage": CoverageSerializer(CoverageSerializer.payload(coverage)).data,
            "rows": ProgressRowSerializer.represent_many(rows),
        }

    @staticmethod
    def period(request, scope: Scope, source: ProgressSource) -> Period:
        code = request.query_params.get("period")
        if not code:
            return source.latest_period
        try:
            period = Period.from_code(code)
        except ValueError:
            raise ValidationError({"period": _("无效的季度,例如 2026Q3。")}) from None
        if not scope.plan.contains(period.year):
            raise ValidationError({"period": _("该季度不在计划期内。")})
        if period > latest_shown(scope.plan.first_year):
            raise ValidationError({"period": _("该季度尚未开始。")})
        return period


class GoalsAPIView(ScopedAPIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "period",
                OpenApiTypes.STR,
                pattern=PERIOD_PATTERN,
                description="The quarter the goals are as of (e.g. 2026Q3), as for /progress/.",
            ),
        ],
        responses={
            200: GoalsSerializer,
            400: OpenApiResponse(
                PeriodErrorSerializer,
                "`period` is malformed, outside the plan's years or not yet begun.",
            ),
            **REFUSALS,
            403: OpenApiResponse(
                DetailErrorSerializer,
                "A township account: the goals are the whole county's (or bound to no region).",
            ),
        },
        summary="The plan's headline goals (目标要求) as of a quarter",
        description=(
            "Every headline goal of the plan: its kind, value to date, goal, high line, "
            "status and forecast at the current pace for the plan's last quarter; an annual "
            "floor's every year. County-wide users only: the values are the county's. "
            "Approved figures count, as on the pages."
        ),
    )
    def get(self, request):
        scope = self.scope(request)
        if not scope.whole_county:
            raise PermissionDenied(
                _("%(goals)s是%(county)s的汇总数据,%(region)s账号不能查看。")
                % {
                    "goals": scope.plan.goals_term,
                    "county": scope.plan.county_name,
                    "region": scope.plan.region_term,
                }
            )
        source = source_for(scope)
        period = ProgressAPIView.period(request, scope, source)

        def goals():
            _data, table = source.table(period, series=True)
            return evaluate_goals(scope.plan, load_goals(scope.plan), table, period)

        rows = source.reuse(("goals", period.code, False), goals)
        payload = {
            "period": period.code,
            "goals": [
                {
                    "code": row.goal.code,
                    "section": row.goal.section,
                    "text": row.goal.text,
                    "kind": row.goal.kind,
                    "unit": row.goal.unit,
                    "indicator": row.goal.indicator.code if row.goal.indicator_id else None,
                    "goal": row.goal.value,
                    "stretch": row.goal.stretch_value,
                    "annex_total": row.annex_total,
                    "annex_status": row.annex_result.status if row.annex_result else None,
                    "value": row.result.value,
                    "measured_at": row.result.measured_at.code if row.result.measured_at else None,
                    "status": row.result.status,
                    "provisional": row.provisional,
                    "stretch_status": row.result.stretch_status,
                    "forecast": row.result.forecast,
                    "years": [year.__dict__ for year in row.result.years],
                }
                for row in rows
            ],
        }
        return Response(GoalsSerializer(payload).data)


class LoginLockedOut(APIException):
    """django-axes locked this user name at this address: HTTP 429 like the
    web login, with ``Retry-After``."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self, detail: str, wait: int | None):
        super().__init__(detail)
        self.wait = wait


@method_decorator(login_not_required, name="dispatch")
class TokenAPIView(APIView):
    """POST user name + password: the user's API token and when it expires.

    The credentials go through ``authenticate()`` and so through django-axes:
    failures count towards the lockout like the web login's. axes marks the
    request it is given (DRF's, here) as locked out, which its middleware does
    not see; this view answers that with 429 itself, in JSON.
    """

    authentication_classes = ()
    permission_classes = ()
    throttle_classes = ()
    parser_classes = (parsers.FormParser, parsers.MultiPartParser, JSONParser)
    renderer_classes = (renderers.JSONRenderer,)

    @extend_schema(
        request=AuthTokenSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(
                CredentialsErrorSerializer, "A field is missing or the credentials are wrong."
            ),
            429: OpenApiResponse(
                DetailErrorSerializer,
                "Too many failed logins for this user name from this address: locked "
                "out (the same lockout as the web login); see Retry-After.",
            ),
        },
        summary="Get an API token with a user name and password",
        description=(
            "Returns the user's token (the same one until it expires) and when it "
            "expires. A token is revoked when the user's password changes, the "
            "account is deactivated or the user logs out of the web pages; then ask again."
        ),
        auth=[],
    )
    def post(self, request):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False):
                raise self.locked_out(request)
            raise ValidationError(serializer.errors)
        token = valid_token_for(serializer.validated_data["user"])
        payload = {"token": token.key, "expires": token_expires_at(token)}
        return Response(TokenSerializer(payload).data)

    @staticmethod
    def locked_out(request) -> LoginLockedOut:
        """The web lockout page's words (templates/axes/lockout.html)."""
        credentials = getattr(request, "axes_credentials", None)
        limit = get_failure_limit(request, credentials)
        message = ngettext(
            "登录失败次数过多(连续 %(limit)s 次),为保护账号安全,该账号在本机的登录已被暂时锁定。",
            "登录失败次数过多(连续 %(limit)s 次),为保护账号安全,该账号在本机的登录已被暂时锁定。",
            limit,
        ) % {"limit": limit}
        cool_off = get_cool_off(request)
        if not cool_off:
            return LoginLockedOut(message, None)
        minutes = max(1, round(cool_off.total_seconds() / 60))
        message += _("请在 %(minutes)s 分钟后再试。") % {"minutes": minutes}
        return LoginLockedOut(message, int(cool_off.total_seconds()))
