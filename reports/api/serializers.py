"""Shapes of the read-only API, documented in the OpenAPI schema. Decimals
are strings. Amounts are exact: targets and figures with four places, as
stored; expected values (target × n/4) with six. Rates (completion,
plan_completion, expected_share) are fractions (0.775 = 77.5%); completion
rates are rounded to six places. A region that has not reported the period
(or a county-only indicator the bureau has not entered for it) has null
actuals and rates — unknown, never 0."""

import decimal

from rest_framework import serializers
from rest_framework.settings import api_settings

from reports.choices import GoalStatus, Status
from targets.choices import GoalKind, Pacing


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    decimal_places = serializers.IntegerField()
    by_region = serializers.BooleanField(help_text="False: county-only indicator")
    pacing = serializers.ChoiceField(
        choices=Pacing.choices,
        help_text="how 序时 runs: spread = n/4 of the year's target after quarter n; "
        "year_end = nothing due before Q4, all of it at Q4",
    )


class RegionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class TargetSerializer(serializers.Serializer):
    indicator = serializers.CharField(help_text="indicator code")
    region = serializers.CharField(allow_null=True, help_text="region code; null = county")
    year = serializers.IntegerField(allow_null=True, help_text="null = whole plan (总计)")
    value = serializers.DecimalField(max_digits=14, decimal_places=4)
    stretch_value = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True)


class PlanSerializer(serializers.Serializer):
    name = serializers.CharField()
    document_number = serializers.CharField()
    county_name = serializers.CharField(help_text="the total row's name, e.g. 全县")
    region_term = serializers.CharField(help_text="what the plan calls its regions, e.g. 乡镇")
    first_year = serializers.IntegerField()
    last_year = serializers.IntegerField()
    is_demo = serializers.BooleanField()
    indicators = IndicatorSerializer(many=True)
    regions = RegionSerializer(many=True)
    targets = TargetSerializer(many=True)


NOT_REPORTED_NULL = "; null when the region has not reported the period"


class ProgressRowSerializer(serializers.Serializer):
    region = serializers.CharField(allow_null=True, help_text="region code; null = county")
    region_name = serializers.CharField()
    indicator = serializers.CharField(help_text="indicator code")
    target = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    actual = serializers.DecimalField(
        max_digits=20,
        decimal_places=4,
        allow_null=True,
        help_text="year to date (累计)" + NOT_REPORTED_NULL,
    )
    quarter_actual = serializers.DecimalField(
        max_digits=20, decimal_places=4, allow_null=True, help_text="the quarter's own figure"
    )
    completion = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    expected = serializers.DecimalField(
        max_digits=20,
        decimal_places=6,
        allow_null=True,
        help_text="序时进度: target × the share due (expected_share)",
    )
    expected_share = serializers.DecimalField(
        max_digits=5,
        decimal_places=4,
        help_text="share of the year's target due by now: n/4, or for a year-end "
        "indicator 0 before Q4 and 1 at Q4",
    )
    status = serializers.ChoiceField(
        choices=Status.choices,
        help_text="`not_reported` when the region has not reported the period",
    )
    needed_per_quarter = serializers.DecimalField(
        max_digits=20,
        decimal_places=6,
        allow_null=True,
        help_text="what is left of the year's target ÷ the quarters left, exact "
        "(the pages show it rounded up: the amount that suffices); null in Q4 or without a target",
    )
    plan_actual = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    plan_target = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    plan_expected = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    plan_completion = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    stretch_target = serializers.DecimalField(
        max_digits=20,
        decimal_places=4,
        allow_null=True,
        help_text="the plan's high line (高线) for the whole plan period, where it gives one",
    )
    annual_stretch_target = serializers.DecimalField(
        max_digits=20,
        decimal_places=4,
        allow_null=True,
        help_text="the period's year's own high line (年度高线), where the plan gives one",
    )
    annual_stretch_completion = serializers.DecimalField(
        max_digits=20,
        decimal_places=6,
        allow_null=True,
        help_text="actual ÷ annual_stretch_target (a fraction); null without one or unreported",
    )
    reported = serializers.BooleanField(
        help_text="false: the region has not reported the period (its report is not "
        "approved), or for a county-only indicator the bureau has not entered it (nor "
        "closed the quarter); its actuals, rates and gaps are null"
    )
    provisional = serializers.BooleanField(
        help_text="the status stands on a year with some quarter not reported (for the "
        "county: by some region) and may still change; a quarter the bureau closed is "
        "final and makes nothing provisional (it still reads not reported)"
    )
    plan_status = serializers.ChoiceField(
        choices=Status.choices,
        help_text="plan_actual against plan_target and plan_expected (for an indicator "
        "with a plan total only, also its `status`)",
    )
    plan_provisional = serializers.BooleanField(
        help_text="the same for plan_status: some quarter since the plan began is missing "
        "(and not closed)"
    )

    @classmethod
    def represent_many(cls, rows: list[dict]) -> list[dict]:
        """What ``cls(rows, many=True).data`` gives, field by field, without
        DRF's per-row machinery (a thousand regions make twenty thousand rows:
        seconds through the serializer, a fraction of it here)."""
        fields = [(name, _representer(field)) for name, field in cls().fields.items()]
        return [
            {
                name: None if (value := row[name]) is None else represent(value)
                for name, represent in fields
            }
            for row in rows
        ]


class CoverageSerializer(serializers.Serializer):
    """How many of the caller's regions reported the period."""

    regions = serializers.IntegerField(help_text="regions in the caller's scope")
    approved = serializers.IntegerField(help_text="reports approved: their figures count")
    submitted = serializers.IntegerField(
        help_text="reports submitted, not yet approved (counted only with include=submitted)"
    )
    not_reported = serializers.IntegerField(
        help_text="nothing reported, a draft or a returned report: not counted"
    )
    complete = serializers.BooleanField(help_text="every region's figures count")
    includes_submitted = serializers.BooleanField(
        help_text="submitted reports are counted (staff asked include=submitted)"
    )

    @staticmethod
    def payload(coverage) -> dict:
        return {
            "regions": coverage.regions,
            "approved": coverage.approved,
            "submitted": coverage.submitted,
            "not_reported": coverage.not_reported,
            "complete": coverage.complete,
            "includes_submitted": coverage.includes_submitted,
        }


class ProgressSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="e.g. 2026Q3")
    coverage = CoverageSerializer()
    rows = ProgressRowSerializer(many=True)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="send as `Authorization: Token <token>`")
    expires = serializers.DateTimeField(
        help_text="when the token stops working (API_TOKEN_LIFETIME after it was made)"
    )


class DetailErrorSerializer(serializers.Serializer):
    """DRF's error body for a refusal that is not about one field (401, 403,
    404, 429)."""

    detail = serializers.CharField(help_text="why, in the caller's language")


class PeriodErrorSerializer(serializers.Serializer):
    """The 400 body when ``period`` is malformed or outside the plan."""

    period = serializers.CharField(help_text="why the period was refused")


class CredentialsErrorSerializer(serializers.Serializer):
    """The 400 body of the token endpoint: missing fields or wrong credentials."""

    username = serializers.ListField(child=serializers.CharField(), required=False)
    password = serializers.ListField(child=serializers.CharField(), required=False)
    non_field_errors = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="wrong user name or password"
    )


def _amount(help_text: str = "", places: int = 4) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=20, decimal_places=places, allow_null=True, help_text=help_text
    )


class GoalYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    value = _amount("the year's value so far; null when nothing was reported")
    complete = serializers.BooleanField(
        help_text="the year is over and every quarter of it is in: its status is final"
    )
    status = serializers.ChoiceField(choices=GoalStatus.choices)
    forecast = _amount("the year's value at the current pace", places=6)
    provisional = serializers.BooleanField(
        help_text="some quarter of the year so far is not in, in full or in part: it may change"
    )


class GoalRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    section = serializers.CharField(help_text="the plan text's section, e.g. 一, 二(二)")
    text = serializers.CharField(help_text="the goal in the plan's own words")
    kind = serializers.ChoiceField(choices=GoalKind.choices)
    unit = serializers.CharField()
    indicator = serializers.CharField(
        allow_null=True, help_text="code of the annex indicator that measures it"
    )
    goal = _amount()
    stretch = _amount("the high line (高线)")
    annex_total = _amount("the linked indicator's own plan total in annex 1 (cumulative)")
    annex_status = serializers.ChoiceField(
        choices=GoalStatus.choices,
        allow_null=True,
        help_text="the value judged against annex_total when it differs from the goal "
        "(provisional when the goal's status is)",
    )
    value = _amount(
        "value to date: plan to date (cumulative), latest stock (stock), this year so far "
        "(annual floor), numerator ÷ denominator in percent (share, coverage); null: no data",
        places=6,
    )
    measured_at = serializers.CharField(
        allow_null=True, help_text="the quarter a stock or share was last reported"
    )
    status = serializers.ChoiceField(choices=GoalStatus.choices)
    provisional = serializers.BooleanField(
        help_text="the status stands on figures still missing some region's report: it may change"
    )
    stretch_status = serializers.ChoiceField(choices=GoalStatus.choices, allow_null=True)
    forecast = _amount(
        "at the current pace: for the plan's last quarter (an annual floor: this year's "
        "last quarter); null for a share or coverage (no pace to carry forward)",
        places=6,
    )
    years = GoalYearSerializer(many=True, help_text="an annual floor's years")


class GoalsSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="e.g. 2026Q3")
    goals = GoalRowSerializer(many=True)


def _representer(field: serializers.Field):
    """``field.to_representation``; for a Decimal field the same steps with the
    exponent and context made once (DRF builds both per value: a fifth of the
    API's time at a thousand regions). The test of ``represent_many`` holds it
    to DRF's output."""
    if not isinstance(field, serializers.DecimalField) or field.decimal_places is None:
        return field.to_representation
    coerce = getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
    if field.localize or field.normalize_output or not coerce:
        return field.to_representation
    context = decimal.getcontext().copy()
    if field.max_digits is not None:
        context.prec = field.max_digits
    exponent = decimal.Decimal(".1") ** field.decimal_places
    rounding = field.rounding

    def represent(value):
        if not isinstance(value, decimal.Decimal):
            return field.to_representation(value)
        return f"{value.quantize(exponent, rounding=rounding, context=context):f}"

    return represent
