"""Roles are Django groups carrying permissions; code asks for permissions, never
group names, so an administrator can compose roles in the admin.

| role              | group                | permissions                                   |
|-------------------|----------------------|-----------------------------------------------|
| county staff      | 县科技局工作人员     | view_all_regions, enter_figures, manage_quarters |
| leader            | 县领导               | view_all_regions                              |
| township official | 乡镇干部             | (none; sees the region of their Membership)   |
| administrator     | 管理员 / superuser   | everything, Django admin                      |
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

VIEW_ALL_REGIONS = "regions.view_all_regions"
ENTER_FIGURES = "reports.enter_figures"
MANAGE_QUARTERS = "reports.manage_quarters"


class Role(models.TextChoices):
    COUNTY_STAFF = "county_staff", _("县科技局工作人员")
    LEADER = "leader", _("县领导")
    TOWNSHIP = "township", _("乡镇干部")
    ADMIN = "admin", _("管理员")


# The groups' names are data shown in the admin, in the bureau's words; they are
# not translated so that switching the UI language does not rename a group.
GROUP_NAMES: dict[str, str] = {
    Role.COUNTY_STAFF: "县科技局工作人员",
    Role.LEADER: "县领导",
    Role.TOWNSHIP: "乡镇干部",
    Role.ADMIN: "管理员",
}

# Role → permissions ("app_label.codename"); ``ensure_role_groups`` (run after
# every migrate) creates the groups with exactly these.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.COUNTY_STAFF: [VIEW_ALL_REGIONS, ENTER_FIGURES, MANAGE_QUARTERS],
    Role.LEADER: [VIEW_ALL_REGIONS],
    Role.TOWNSHIP: [],
    Role.ADMIN: [VIEW_ALL_REGIONS, ENTER_FIGURES, MANAGE_QUARTERS],
}
