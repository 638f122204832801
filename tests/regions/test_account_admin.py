"""Accounts, their roles (groups) and region are managed on the user admin page."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from regions.models import Membership
from regions.roles import GROUP_NAMES, ROLE_PERMISSIONS, Role
from regions.services import ensure_role_groups
from targets.models import DepartmentMembership
from tests.conftest import make_user

User = get_user_model()


def user_change_form(user, **changes) -> dict:
    """The POST data of the user change page, with the region and department inlines."""
    membership = Membership.objects.filter(user=user).first()
    department = DepartmentMembership.objects.filter(user=user).first()
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": "",
        "email": "",
        "is_active": "on",
        "groups": [group.pk for group in user.groups.all()],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2025-01-01",
        "date_joined_1": "08:00:00",
        "membership-TOTAL_FORMS": "1",
        "membership-INITIAL_FORMS": "1" if membership else "0",
        "membership-MIN_NUM_FORMS": "0",
        "membership-MAX_NUM_FORMS": "1",
        "membership-0-id": membership.pk if membership else "",
        "membership-0-user": user.pk,
        "membership-0-region": membership.region_id if membership else "",
        "department_membership-TOTAL_FORMS": "1",
        "department_membership-INITIAL_FORMS": "1" if department else "0",
        "department_membership-MIN_NUM_FORMS": "0",
        "department_membership-MAX_NUM_FORMS": "1",
        "department_membership-0-id": department.pk if department else "",
        "department_membership-0-user": user.pk,
        "department_membership-0-department": department.department_id if department else "",
    }
    data.update(changes)
    return data


def test_user_list_shows_role_and_region(client_for, admin_user, official):
    response = client_for(admin_user).get(reverse("admin:auth_user_changelist"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "乡镇干部" in html
    assert "昆阳" in html


def test_user_list_filters_by_region(client_for, admin_user, official, other_official, region_a):
    response = client_for(admin_user).get(
        reverse("admin:auth_user_changelist"), {"membership__region__id__exact": region_a.pk}
    )
    assert list(response.context["cl"].queryset) == [official]


def test_admin_binds_an_unbound_official_to_a_region_on_the_user_page(
    client_for, admin_user, unbound, region_b
):
    url = reverse("admin:auth_user_change", args=[unbound.pk])
    page = client_for(admin_user).get(url)
    assert "所属区域(仅乡镇干部)" in page.content.decode()

    response = client_for(admin_user).post(
        url, user_change_form(unbound, **{"membership-0-region": region_b.pk})
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Membership.objects.get(user=unbound).region == region_b


def test_admin_is_warned_about_an_official_left_without_region(client_for, admin_user, unbound):
    url = reverse("admin:auth_user_change", args=[unbound.pk])
    response = client_for(admin_user).post(url, user_change_form(unbound), follow=True)
    assert "尚未绑定区域" in response.content.decode()


def test_admin_role_can_manage_accounts_and_the_plan_in_the_admin(client_for, groups, plan):
    administrator = User.objects.create_user("it-admin", password="x", is_staff=True)
    administrator.groups.add(Group.objects.get(name=GROUP_NAMES[Role.ADMIN]))
    client = client_for(administrator)
    for name in ["auth_user", "auth_group", "regions_membership", "targets_target"]:
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
    assert client.get(reverse("admin:auth_user_add")).status_code == 200


def test_role_groups_hold_exactly_their_permissions(db):
    groups = ensure_role_groups()
    for role, expected in ROLE_PERMISSIONS.items():
        held = {f"{p.content_type.app_label}.{p.codename}" for p in groups[role].permissions.all()}
        assert held == set(expected), role


def test_leader_and_official_cannot_enter_the_admin(client_for, leader, official):
    for user in (leader, official):
        response = client_for(user).get(reverse("admin:index"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_admin_gives_an_official_an_email_address(client_for, admin_user, official):
    """Notices are mailed to it; optional, edited on the user's page."""
    url = reverse("admin:auth_user_change", args=[official.pk])
    response = client_for(admin_user).post(
        url, user_change_form(official, email="kunyang@example.invalid")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    official.refresh_from_db()
    assert official.email == "kunyang@example.invalid"
    listing = client_for(admin_user).get(reverse("admin:auth_user_changelist"))
    assert "kunyang@example.invalid" in listing.content.decode()


def test_admin_asks_for_the_address_when_adding_a_user(client_for, admin_user):
    client = client_for(admin_user)
    assert 'name="email"' in client.get(reverse("admin:auth_user_add")).content.decode()
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "town-new",
            "email": "new@example.invalid",
            "usable_password": "true",
            "password1": "a-long-initial-secret-5",
            "password2": "a-long-initial-secret-5",
            "membership-TOTAL_FORMS": "0",
            "membership-INITIAL_FORMS": "0",
            "membership-MIN_NUM_FORMS": "0",
            "membership-MAX_NUM_FORMS": "1",
            "department_membership-TOTAL_FORMS": "0",
            "department_membership-INITIAL_FORMS": "0",
            "department_membership-MIN_NUM_FORMS": "0",
            "department_membership-MAX_NUM_FORMS": "1",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.get(username="town-new").email == "new@example.invalid"


def test_admin_binds_a_liaison_to_a_department_on_the_user_page(client_for, admin_user, plan):
    """A new county's liaison is made in the admin alone: account, group, department."""
    user = make_user("new-liaison", Role.DEPARTMENT)
    department = plan.departments.get(name="县科技局")
    url = reverse("admin:auth_user_change", args=[user.pk])
    client = client_for(admin_user)
    assert "所属部门(仅部门联络员)" in client.get(url).content.decode()

    unbound = client.post(url, user_change_form(user), follow=True)
    assert "属于部门联络员组,但尚未绑定部门" in unbound.content.decode()

    form = user_change_form(user, **{"department_membership-0-department": department.pk})
    response = client.post(url, form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert DepartmentMembership.objects.get(user=user).department == department
    # The liaison now reads their department's page.
    page = client_for(user).get(reverse("reports:department", args=[department.code]))
    assert page.status_code == 200 and "县科技局" in page.content.decode()


def test_a_departments_liaisons_are_listed_and_bound_on_its_admin_page(
    client_for, admin_user, liaison, plan
):
    department = plan.departments.get(name="县投资促进服务中心")
    client = client_for(admin_user)
    page = client.get(reverse("admin:targets_department_change", args=[department.pk]))
    assert page.status_code == 200 and "liaison" in page.content.decode()
    listing = client.get(reverse("admin:targets_departmentmembership_changelist"), {"q": "投资"})
    assert list(listing.context["cl"].queryset) == [liaison.department_membership]
