"""One scope for pages and the API: for every persona, the pages' mixin and
the API build the same ``Scope`` with ``targets.access.scope_for``, so the
township pages a user may open and the regions the API gives them agree."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.views import View
from rest_framework.exceptions import PermissionDenied

from reports.api.views import ScopedAPIView
from targets.access import NotBound, PlanAccessMixin, scope_for

# persona → (whole county, own region's name, number of regions seen)
SEEN = {
    "staff": (True, None, 9),
    "leader": (True, None, 9),
    "official": (False, "昆阳", 1),
}


class ScopeProbe(PlanAccessMixin, View):
    """A plan page that keeps the scope it was given."""

    seen: list = []

    def get(self, request):
        self.seen.append(self.scope)
        return HttpResponse("ok")


def page_scope(user):
    request = RequestFactory().get("/")
    request.user = user
    ScopeProbe.seen = []
    response = ScopeProbe.as_view()(request)
    return response, (ScopeProbe.seen[0] if ScopeProbe.seen else None)


def api_scope(user):
    request = RequestFactory().get("/")
    request.user = user
    return ScopedAPIView().scope(request)


@pytest.mark.parametrize("persona", list(SEEN))
def test_page_and_api_get_the_same_scope(request, plan, persona):
    user = request.getfixturevalue(persona)
    whole_county, own_name, count = SEEN[persona]
    response, page = page_scope(user)
    api = api_scope(user)
    assert response.status_code == 200
    assert page == api == scope_for(user, plan)
    assert page.whole_county is whole_county
    assert (page.own_region.name if page.own_region else None) == own_name
    assert list(page.regions) == list(api.regions)
    assert len(page.regions) == count


def test_unbound_official_is_refused_by_page_and_api_alike(plan, unbound):
    with pytest.raises(NotBound):
        scope_for(unbound, plan)
    response, page = page_scope(unbound)
    assert (response.status_code, page) == (403, None)
    with pytest.raises(PermissionDenied):
        api_scope(unbound)


@pytest.mark.parametrize("persona", ["staff", "leader", "official", "unbound"])
def test_township_pages_open_for_exactly_the_regions_the_api_lists(
    request, client_for, plan, persona
):
    client = client_for(request.getfixturevalue(persona))
    api = client.get(reverse("api:plan"))
    statuses = {
        region.code: client.get(reverse("reports:township", args=[region.code])).status_code
        for region in plan.regions.all()
    }
    if persona == "unbound":
        assert api.status_code == 403
        assert set(statuses.values()) == {403}
        return
    assert api.status_code == 200
    listed = [region["code"] for region in api.json()["regions"]]
    assert [code for code, status in statuses.items() if status == 200] == listed
    assert {status for code, status in statuses.items() if code not in listed} <= {404}
    assert len(listed) == SEEN[persona][2]
