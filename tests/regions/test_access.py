"""The scoping choke point and the mixins every plan page is built on."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.views import View

from regions.models import Membership, Region, sees_whole_county
from regions.roles import ENTER_FIGURES, Role
from targets.access import CountyWideMixin, NotBound, PlanAccessMixin, scope_for
from targets.models import Plan
from tests.conftest import make_user


class RegionPage(PlanAccessMixin, View):
    """A minimal region page: answers with the region's name."""

    def get(self, request, code):
        return HttpResponse(self.get_region_or_404(code).name)


class CountyPage(CountyWideMixin, View):
    def get(self, request):
        return HttpResponse("county")


class EntryPage(PlanAccessMixin, View):
    required_permission = ENTER_FIGURES

    def get(self, request):
        return HttpResponse("entry")


def call(view_class, user, **kwargs):
    request = RequestFactory().get("/")
    request.user = user
    return view_class.as_view()(request, **kwargs)


# --- Region.objects.visible_to ----------------------------------------------


@pytest.mark.parametrize("persona", ["staff", "leader", "admin_user"])
def test_county_users_see_every_region(request, plan, persona):
    user = request.getfixturevalue(persona)
    assert Region.objects.visible_to(user).filter(plan=plan).count() == 9
    assert sees_whole_county(user)


def test_township_official_sees_only_their_region(official, region_a):
    assert list(Region.objects.visible_to(official)) == [region_a]
    assert not sees_whole_county(official)


def test_unbound_official_sees_no_region(unbound):
    assert not Region.objects.visible_to(unbound).exists()


def test_inactive_county_user_sees_nothing(staff):
    staff.is_active = False
    staff.save()
    assert not Region.objects.visible_to(staff).exists()
    assert not sees_whole_county(staff)


def test_anonymous_sees_nothing(plan):
    from django.contrib.auth.models import AnonymousUser

    assert not Region.objects.visible_to(AnonymousUser()).exists()


# --- PlanAccessMixin -----------------------------------------------------------


def test_official_gets_their_own_region(official, region_a):
    response = call(RegionPage, official, code=region_a.code)
    assert response.content.decode() == "昆阳"


def test_official_asking_for_another_region_gets_404(official, region_b):
    with pytest.raises(Http404):
        call(RegionPage, official, code=region_b.code)


def test_unknown_region_is_the_same_404_as_a_forbidden_one(staff):
    with pytest.raises(Http404):
        call(RegionPage, staff, code="no-such-region")


def test_official_without_region_gets_a_clear_403_page(unbound):
    response = call(RegionPage, unbound, code="kunyang")
    assert response.status_code == 403
    assert "尚未绑定乡镇" in response.content.decode()


def test_official_bound_to_a_region_of_another_plan_counts_as_unbound(official, plan):
    old_plan = Plan.objects.create(name="旧计划", first_year=2021, last_year=2023, is_active=False)
    old_region = Region.objects.create(plan=old_plan, code="kunyang", name="昆阳")
    Membership.objects.filter(user=official).update(region=old_region)
    official.refresh_from_db()  # as the next request reads it: membership not cached
    with pytest.raises(NotBound):
        scope_for(official, plan)
    assert call(RegionPage, official, code="kunyang").status_code == 403


def test_page_needing_a_permission_refuses_leader_and_official(leader, official):
    for user in (leader, official):
        with pytest.raises(PermissionDenied):
            call(EntryPage, user)


def test_page_needing_a_permission_serves_county_staff(staff):
    assert call(EntryPage, staff).content == b"entry"


def test_without_a_plan_every_page_says_so(groups):
    assert not Plan.objects.exists()
    response = call(EntryPage, make_user("staff", Role.COUNTY_STAFF))
    assert response.status_code == 404
    assert "尚未载入计划" in response.content.decode()


# --- CountyWideMixin -----------------------------------------------------------


@pytest.mark.parametrize("persona", ["staff", "leader"])
def test_county_page_serves_county_users(request, persona):
    assert call(CountyPage, request.getfixturevalue(persona)).content == b"county"


def test_county_page_sends_official_to_their_own_township(official, region_a):
    response = call(CountyPage, official)
    assert response.status_code == 302
    assert response.url == reverse("reports:township", kwargs={"region": region_a.code})


def test_county_page_shows_unbound_official_the_clear_message(unbound):
    response = call(CountyPage, unbound)
    assert response.status_code == 403
    assert "尚未绑定乡镇" in response.content.decode()
