"""Roles are Django groups carrying permissions; code asks for permissions, never
group names, so an administrator can compose roles in the admin.

| role              | group            | permissions                                       |
|-------------------|------------------|---------------------------------------------------|
| county staff      | 县科技局工作人员 | view_all_regions, enter_figures, manage_quarters, |
|                   |                  | review_figures                                    |
| leader            | 县领导           | view_all_regions                                  |
| township official | 乡镇干部         | report_own_figures (their Membership's region)    |
| dept. liaison     | 部门联络员       | report_own_measures (their DepartmentMembership's |
|                   |                  | department: the measures it leads or co-operates) |
| administrator     | 管理员 / superuser   | county staff's + ADMIN_MODEL_PERMISSIONS      |

ADMIN_MODEL_PERMISSIONS are the admin's permissions on accounts, the plan and
login lockouts. An administrator also needs "staff status" (``is_staff``) ticked to enter the
Django admin; the group gives what they may do there. A superuser has every
permission anyway.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

VIEW_ALL_REGIONS = "regions.view_all_regions"
ENTER_FIGURES = "reports.enter_figures"
MANAGE_QUARTERS = "reports.manage_quarters"
REPORT_OWN_FIGURES = "reports.report_own_figures"
REVIEW_FIGURES = "reports.review_figures"
REPORT_OWN_MEASURES = "reports.report_own_measures"
REPORT_ALL_MEASURES = "reports.report_all_measures"


class Role(models.TextChoices):
    COUNTY_STAFF = "county_staff", _("县科技局工作人员")
    LEADER = "leader", _("县领导")
    TOWNSHIP = "township", _("乡镇干部")
    DEPARTMENT = "department", _("部门联络员")
    ADMIN = "admin", _("管理员")


# The groups' names are data shown in the admin, in the bureau's words; they are
# not translated so that switching the UI language does not rename a group.
GROUP_NAMES: dict[str, str] = {
    Role.COUNTY_STAFF: "县科技局工作人员",
    Role.LEADER: "县领导",
    Role.TOWNSHIP: "乡镇干部",
    Role.DEPARTMENT: "部门联络员",
    Role.ADMIN: "管理员",
}


def model_permissions(app_label: str, model: str, actions: tuple[str, ...]) -> list[str]:
    """The admin permissions of one model, e.g. ``auth.change_user``."""
    return [f"{app_label}.{action}_{model}" for action in actions]


EDIT = ("view", "add", "change", "delete")
READ = ("view",)

# What the administrator manages in the Django admin: accounts and their region
# (accounts), the plan itself, and login lockouts (deleting an access attempt
# unlocks an account). Reported figures are only viewed there: they are entered
# and corrected through the pages, which keep the history.
ADMIN_MODEL_PERMISSIONS: list[str] = [
    *model_permissions("auth", "user", EDIT),
    *model_permissions("auth", "group", EDIT),
    *model_permissions("regions", "membership", EDIT),
    *model_permissions("regions", "region", EDIT),
    *model_permissions("targets", "plan", EDIT),
    *model_permissions("targets", "indicator", EDIT),
    *model_permissions("targets", "target", EDIT),
    *model_permissions("targets", "department", EDIT),
    *model_permissions("targets", "departmentmembership", EDIT),
    *model_permissions("targets", "measure", EDIT),
    *model_permissions("targets", "measuredepartment", EDIT),
    *model_permissions("targets", "workitem", EDIT),
    *model_permissions("targets", "industry", EDIT),
    *model_permissions("targets", "ledgerflag", EDIT),
    *model_permissions("targets", "ledgersource", EDIT),
    *model_permissions("targets", "evaluationcriterion", EDIT),
    *model_permissions("targets", "evaluationthresholds", EDIT),
    *model_permissions("reports", "figure", READ),
    *model_permissions("reports", "closedquarter", READ),
    *model_permissions("reports", "quarterevent", READ),
    *model_permissions("reports", "measurereport", READ),
    *model_permissions("reports", "incubator", READ),
    *model_permissions("reports", "incubatorrecognition", READ),
    *model_permissions("reports", "incubatorflaggrant", READ),
    *model_permissions("reports", "enterprise", READ),
    *model_permissions("reports", "enterpriseflaggrant", READ),
    *model_permissions("reports", "incubatorquarter", READ),
    *model_permissions("reports", "duplicatedecision", READ),
    *model_permissions("axes", "accessattempt", ("view", "delete")),
    *model_permissions("axes", "accesslog", READ),
]

# Role → permissions ("app_label.codename"); ``ensure_role_groups`` (run after
# every migrate) creates the groups with exactly these.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.COUNTY_STAFF: [
        VIEW_ALL_REGIONS,
        ENTER_FIGURES,
        MANAGE_QUARTERS,
        REVIEW_FIGURES,
        REPORT_ALL_MEASURES,
    ],
    Role.LEADER: [VIEW_ALL_REGIONS],
    Role.TOWNSHIP: [REPORT_OWN_FIGURES],
    Role.DEPARTMENT: [REPORT_OWN_MEASURES],
    Role.ADMIN: [
        VIEW_ALL_REGIONS,
        ENTER_FIGURES,
        MANAGE_QUARTERS,
        REVIEW_FIGURES,
        REPORT_ALL_MEASURES,
        *ADMIN_MODEL_PERMISSIONS,
    ],
}
