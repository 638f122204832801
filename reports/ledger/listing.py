"""What the ledger's lists and pages read: incubators and enterprises of the
regions a user may see, each with its highest recognition (its "level") and,
for an incubator, how many enterprises it holds, filtered as asked; and the
counts above each list. Every function is one query, whatever the ledger's
size (the lists page their rows)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from reports.choices import EnterpriseStage, IncubatorStatus
from reports.models import Enterprise, Incubator, IncubatorRecognition
from targets.choices import IncubatorKind
from targets.formatting import rounded
from targets.ledger import Industry

# A level filter's value for incubators without any recognition.
NO_LEVEL = 0


@dataclass(frozen=True)
class IncubatorFilter:
    """What the incubator list is narrowed to; None means "any"."""

    region_id: int | None = None
    kind: str | None = None
    level: int | None = None  # the highest recognition; NO_LEVEL for none
    industry_id: int | None = None  # lead or second industry
    status: str | None = None
    query: str = ""


@dataclass(frozen=True)
class EnterpriseFilter:
    """What the enterprise list is narrowed to (kind and level are its incubator's)."""

    region_id: int | None = None
    kind: str | None = None
    level: int | None = None
    industry_id: int | None = None
    stage: str | None = None
    query: str = ""
    without_code: bool = False
    current_only: bool = False  # still incubated (no graduation or exit date)


def _top_level(incubator_ref: str) -> Subquery:
    return Subquery(
        IncubatorRecognition.objects.filter(incubator=OuterRef(incubator_ref))
        .order_by("-level")
        .values("level")[:1],
        output_field=IntegerField(),
    )


def _level_q(level: int | None) -> Q:
    if level is None:
        return Q()
    if level == NO_LEVEL:
        return Q(level__isnull=True)
    return Q(level=level)


def incubators(regions: QuerySet, chosen: IncubatorFilter) -> QuerySet[Incubator]:
    """The incubators of ``regions`` (the user's scope) matching ``chosen``,
    each with ``level`` (highest recognition or None) and ``enterprise_count``
    (enterprises still incubated)."""
    current = Subquery(
        Enterprise.objects.filter(incubator=OuterRef("pk"), left_on__isnull=True)
        .order_by()
        .values("incubator")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )
    rows = (
        Incubator.objects.filter(region__in=regions)
        .select_related("region", "lead_industry", "second_industry")
        .annotate(level=_top_level("pk"), enterprise_count=Coalesce(current, Value(0)))
        .filter(_level_q(chosen.level))
    )
    if chosen.region_id is not None:
        rows = rows.filter(region_id=chosen.region_id)
    if chosen.kind:
        rows = rows.filter(kind=chosen.kind)
    if chosen.industry_id is not None:
        rows = rows.filter(
            Q(lead_industry_id=chosen.industry_id) | Q(second_industry_id=chosen.industry_id)
        )
    if chosen.status:
        rows = rows.filter(status=chosen.status)
    if chosen.query:
        rows = rows.filter(Q(name__icontains=chosen.query) | Q(operator__icontains=chosen.query))
    return rows.order_by("region__order", "name", "pk")


AREA_PLACES = 2


def incubator_counts(rows: QuerySet[Incubator]) -> dict:
    """How many incubators ``rows`` holds, their floor area, and how many of
    each kind and status (one query)."""
    totals = rows.order_by().aggregate(
        total=Count("pk"),
        floor_area=Sum("floor_area"),
        **{f"kind_{kind}": Count("pk", filter=Q(kind=kind)) for kind in IncubatorKind.values},
        **{
            f"status_{status}": Count("pk", filter=Q(status=status))
            for status in IncubatorStatus.values
        },
    )
    return {
        "total": totals["total"],
        # Two decimals, as the records hold them (SQLite sums decimals as floats).
        "floor_area": None
        if totals["floor_area"] is None
        else rounded(Decimal(str(totals["floor_area"])), AREA_PLACES),
        "kinds": [
            (label, totals[f"kind_{value}"])
            for value, label in IncubatorKind.choices
            if totals[f"kind_{value}"]
        ],
        "statuses": [
            (label, totals[f"status_{value}"])
            for value, label in IncubatorStatus.choices
            if totals[f"status_{value}"]
        ],
    }


def enterprises(regions: QuerySet, chosen: EnterpriseFilter) -> QuerySet[Enterprise]:
    """The enterprises in incubators of ``regions`` matching ``chosen``, each
    with ``level`` (its incubator's highest recognition)."""
    rows = (
        Enterprise.objects.filter(incubator__region__in=regions)
        .select_related("incubator__region", "industry")
        .annotate(level=_top_level("incubator_id"))
        .filter(_level_q(chosen.level))
    )
    if chosen.region_id is not None:
        rows = rows.filter(incubator__region_id=chosen.region_id)
    if chosen.kind:
        rows = rows.filter(incubator__kind=chosen.kind)
    if chosen.industry_id is not None:
        rows = rows.filter(industry_id=chosen.industry_id)
    if chosen.stage:
        rows = rows.filter(stage=chosen.stage)
    if chosen.without_code:
        rows = rows.filter(credit_code="")
    if chosen.current_only:
        rows = rows.filter(left_on__isnull=True)
    if chosen.query:
        rows = rows.filter(Q(name__icontains=chosen.query) | Q(credit_code=chosen.query.upper()))
    return rows.order_by("name", "pk")


def enterprise_counts(rows: QuerySet[Enterprise]) -> dict:
    """How many enterprises ``rows`` holds, still incubated, without a code,
    and per stage (one query)."""
    totals = rows.order_by().aggregate(
        total=Count("pk"),
        current=Count("pk", filter=Q(left_on__isnull=True)),
        without_code=Count("pk", filter=Q(credit_code="")),
        **{f"stage_{s}": Count("pk", filter=Q(stage=s)) for s in EnterpriseStage.values},
    )
    totals["stages"] = [
        (label, totals[f"stage_{value}"])
        for value, label in EnterpriseStage.choices
        if totals[f"stage_{value}"]
    ]
    return totals


def plan_industries(plan) -> QuerySet[Industry]:
    return Industry.objects.filter(plan=plan).order_by("order", "pk")
