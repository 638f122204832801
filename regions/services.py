"""Writes for regions and accounts."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from regions.roles import GROUP_NAMES, ROLE_PERMISSIONS, Role


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
