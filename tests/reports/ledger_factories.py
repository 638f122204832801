"""Hand-built ledger records for the ledger's tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from reports.choices import EnterpriseStage, IncubatorStatus
from reports.ledger.identity import credit_code_check_char
from reports.models import (
    Enterprise,
    EnterpriseFlagGrant,
    Incubator,
    IncubatorFlagGrant,
    IncubatorRecognition,
)
from targets.choices import IncubatorKind


def incubator(
    region,
    name,
    *,
    kind=IncubatorKind.INCUBATOR,
    area="1.00",
    opened=date(2020, 1, 1),
    status=IncubatorStatus.OPERATING,
    status_since=None,
    levels=(),
    flags=(),
):
    """``levels``: (level, date) recognitions; ``flags``: (LedgerFlag, date) grants."""
    made = Incubator.objects.create(
        region=region,
        name=name,
        kind=kind,
        floor_area=Decimal(area),
        status=status,
        status_since=status_since or opened or date(2020, 1, 1),
        operating_since=opened,
    )
    for level, on in levels:
        IncubatorRecognition.objects.create(incubator=made, level=level, recognised_on=on)
    for flag, on in flags:
        IncubatorFlagGrant.objects.create(incubator=made, flag=flag, granted_on=on)
    return made


def credit_code(serial: int) -> str:
    first17 = f"91330326MA{serial:07d}"
    return first17 + credit_code_check_char(first17)


def enterprise(home, name, entered, *, code="", flags=()):
    made = Enterprise.objects.create(
        plan=home.region.plan,
        name=name,
        credit_code=code,
        incubator=home,
        entered_on=entered,
        stage=EnterpriseStage.INCUBATING,
    )
    for flag, on in flags:
        EnterpriseFlagGrant.objects.create(enterprise=made, flag=flag, granted_on=on)
    return made
