"""Shared personas and plan fixtures.

Personas follow the roles: ``staff`` (county science bureau), ``leader``,
``official`` (township official of region A = 昆阳), ``other_official``
(region B = 鳌江), ``unbound`` (township group, no region), ``admin_user``.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from regions.models import Membership, Region
from regions.roles import GROUP_NAMES, Role
from regions.services import ensure_role_groups
from reports.demo.seed import seed_demo
from targets.models import Plan

PASSWORD = "correct-horse-battery-9"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create and log in many users; the production hasher's deliberate
    slowness buys nothing here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def plan(db) -> Plan:
    """The Pingyang 2025–2027 plan, loaded from the project's fixture."""
    call_command("loaddata", "pingyang_2025_2027", verbosity=0)
    return Plan.objects.get()


@pytest.fixture
def demo(plan) -> Plan:
    """The Pingyang plan with demo figures for 2025 Q1 – 2026 Q3. Every quarter
    is approved but the last: 2026 Q3 shows every reporting state (腾蛟
    submitted, 麻步 returned, 海西 draft, 经开区 not started and overdue, the
    others approved), so the dashboards open on 2026 Q2, the latest complete."""
    seed_demo(plan, accounts=False)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def demo_complete(demo, staff) -> Plan:
    """The demo with its 2026 Q3 finished through the reporting services (each
    region still owing its report fills what it lacks and submits it, ``staff``
    approve): 2026 Q3 is then the latest complete quarter."""
    from tests.reports.reviewing import finish_reporting

    finish_reporting(demo, staff, 2026, 3)
    return demo


@pytest.fixture
def groups(db):
    return ensure_role_groups()


def make_user(username: str, role: Role | None, region: Region | None = None, **extra):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)
    if role is not None:
        from django.contrib.auth.models import Group

        user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
    if region is not None:
        Membership.objects.create(user=user, region=region)
    return user


@pytest.fixture
def region_a(plan) -> Region:
    return plan.regions.get(name="昆阳")


@pytest.fixture
def region_b(plan) -> Region:
    return plan.regions.get(name="鳌江")


@pytest.fixture
def staff(groups, plan):
    return make_user("staff", Role.COUNTY_STAFF)


@pytest.fixture
def leader(groups, plan):
    return make_user("leader", Role.LEADER)


@pytest.fixture
def official(groups, region_a):
    return make_user("official_a", Role.TOWNSHIP, region_a)


@pytest.fixture
def other_official(groups, region_b):
    return make_user("official_b", Role.TOWNSHIP, region_b)


@pytest.fixture
def unbound(groups, plan):
    return make_user("unbound", Role.TOWNSHIP)


@pytest.fixture
def admin_user(groups, plan):
    return get_user_model().objects.create_superuser(
        username="admin", password=PASSWORD, email="admin@example.invalid"
    )


@pytest.fixture
def client_for(client):
    """``client_for(user)``: a test client logged in as ``user``."""

    def login(user):
        client.force_login(user)
        return client

    return login
