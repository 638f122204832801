"""Writes for regions and accounts."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from regions.models import Membership, Region
from regions.roles import GROUP_NAMES, ROLE_PERMISSIONS, Role

if TYPE_CHECKING:
    from targets.models import Plan


@transaction.atomic
def ensure_role_groups() -> dict[str, Group]:
    """Create (or repair) one group per role holding exactly its permissions."""
    groups = {}
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=GROUP_NAMES[role])
        permissions = []
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            permissions.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)
        groups[Role(role)] = group
    return groups


# Letters and digits that cannot be mistaken for each other when an initial
# password is read off paper or a phone (no 0/O, 1/l/I).
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
INITIAL_PASSWORD_LENGTH = 16


def generate_initial_password(user=None) -> str:
    """A strong random initial password (``secrets``): 16 characters of a
    55-letter alphabet, ≈92 bits. Drawn again in the unlikely case that it fails
    the project's password validators (e.g. all digits)."""
    while True:
        password = "".join(
            secrets.choice(PASSWORD_ALPHABET) for _ in range(INITIAL_PASSWORD_LENGTH)
        )
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password


class AccountOutcome(StrEnum):
    CREATED = "created"
    ALREADY_HAS_ACCOUNT = "already_has_account"
    USERNAME_TAKEN = "username_taken"


@dataclass(frozen=True)
class TownshipAccount:
    """One region's township account as the bulk creation saw it."""

    region: Region
    username: str
    outcome: AccountOutcome
    password: str | None = None  # the initial password, only when created now


@transaction.atomic
def create_township_accounts(
    plan: Plan, *, prefix: str = "town-", emails: dict[int, str] | None = None
) -> list[TownshipAccount]:
    """One township-official account per region of ``plan`` that has none.

    The account is named ``<prefix><region code>``, put in the township group,
    bound to its region (Membership) and given a random initial password. A
    region that already has an account is skipped, so running it again creates
    nothing. A username already used by an account of another region (or none)
    is left alone: binding it would give that person a township they may not be
    meant to see. ``emails`` (region id → address) gives the accounts created
    now their e-mail address, for notices; existing accounts are not changed.
    """
    township_group = ensure_role_groups()[Role.TOWNSHIP]
    User = get_user_model()
    results: list[TownshipAccount] = []
    for region in plan.regions.order_by("order", "pk"):
        existing = (
            Membership.objects.filter(region=region).select_related("user").order_by("pk").first()
        )
        if existing is not None:
            results.append(
                TownshipAccount(
                    region, existing.user.get_username(), AccountOutcome.ALREADY_HAS_ACCOUNT
                )
            )
            continue
        username = f"{prefix}{region.code}"
        if User.objects.filter(username=username).exists():
            results.append(TownshipAccount(region, username, AccountOutcome.USERNAME_TAKEN))
            continue
        user = User(
            username=username, first_name=region.name, email=(emails or {}).get(region.pk, "")
        )
        password = generate_initial_password(user)
        user.set_password(password)
        user.save()
        user.groups.add(township_group)
        Membership.objects.create(user=user, region=region)
        results.append(TownshipAccount(region, username, AccountOutcome.CREATED, password))
    return results
