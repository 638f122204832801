"""A page read writes nothing: no session row (renewed at most once a minute,
regions/sessions.py), no login-throttling, history or message rows, no
last_login. Writes on reads would make every dashboard view cost a database
write under a quarter-end rush."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

READS = [
    ("reports:overview", []),
    ("reports:matrix", []),
    ("reports:indicator", ["space"]),
    ("reports:goals", []),
    ("targets:plan", []),
    ("api:progress", []),
]


def writes_during(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


@pytest.mark.parametrize("persona", ["staff", "leader"])
@pytest.mark.parametrize(("name", "args"), READS)
def test_reading_a_page_writes_nothing(request, client_for, demo, persona, name, args):
    client = client_for(request.getfixturevalue(persona))
    client.get(reverse("home"))  # the first request after the login renews the session
    assert writes_during(client, reverse(name, args=args)) == []


def test_a_township_official_reading_their_pages_writes_nothing(
    client_for, demo, official, region_a
):
    client = client_for(official)
    client.get(reverse("home"))
    assert writes_during(client, reverse("reports:township", args=[region_a.code])) == []
    assert writes_during(client, reverse("api:progress")) == []
