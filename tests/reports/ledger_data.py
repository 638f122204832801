"""Small helpers for ledger tests: valid credit codes and records made
through the services (as a user would)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from reports.ledger import services
from reports.ledger.identity import credit_code_check_char
from targets.ledger import Industry


def credit_code(n: int) -> str:
    """A valid credit code (GB 32100), distinct for each ``n``."""
    first17 = f"91330326MA{n:07d}"
    return first17 + credit_code_check_char(first17)


def industry(plan, code="tech", name="数字科技") -> Industry:
    return Industry.objects.get_or_create(plan=plan, code=code, defaults={"name": name})[0]


def incubator(user, region, name="科创孵化园", **fields):
    values = {
        "kind": "incubator",
        "floor_area": Decimal("1.25"),
        "status": "operating",
        "status_since": datetime.date(2025, 3, 1),
        "operating_since": datetime.date(2025, 3, 1),
    }
    values.update(fields)
    return services.create_incubator(user, region=region, name=name, **values)


def enterprise(user, incubator, name="平阳某某科技有限公司", **fields):
    values = {"entered_on": datetime.date(2025, 5, 1), "stage": "incubating"}
    values.update(fields)
    return services.create_enterprise(user, incubator=incubator, name=name, **values)
