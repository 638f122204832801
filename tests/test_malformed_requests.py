"""No request, however malformed, gets a server error: every page of the
project, asked with nonsense parameters and bodies by a user who may see it."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from reports.demo.scale import generate_plan

NONSENSE_QUERIES = [
    {"period": "\x00"},
    {"region": "\x00"},  # PostgreSQL refuses a NUL in a query
    {"period": "2026Q3" * 50},
    {"period": ["2026Q1", "2026Q2"]},
    {"sort": "no_such_column"},
    {"sort": "-i999999__completion"},
    {"page": "abc"},
    {"page": "999999"},
    {"_export": "../../etc/passwd"},
    {"mode": "<script>"},
    {"format": "xml"},
]
NONSENSE_BODIES = [
    {},
    {"region": "\x00", "period": "2026Q3"},
    {"period": "2026Q3", "confirm_warnings": "maybe", "c1_1": "１e９９９"},
    {"period": "'; DROP TABLE reports_figure; --", "reason": "x" * 10000},
    {"action": "confirm", "file": "not a file"},
]
ARGS = {
    "region": "kunyang",
    "indicator": "space",
    "pk": "1",
    "department": "kejiju",
    "measure": "10",  # 三(一)
    "attachment": "1",
    "item": "1",
    "incubator": "1",
    "enterprise": "1",
}


def named_urls():
    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield namespace + pattern.name, list(pattern.pattern.converters)

    return sorted({(name, tuple(args)) for name, args in walk(get_resolver().url_patterns)})


@pytest.mark.parametrize(("name", "args"), named_urls())
def test_nonsense_never_gets_a_server_error(client_for, staff, demo, name, args):
    client = client_for(staff)
    client.raise_request_exception = False
    url = reverse(name, kwargs={arg: ARGS[arg] for arg in args})
    for query in NONSENSE_QUERIES:
        response = client.get(url, query)
        assert response.status_code < 500, (url, query, response.status_code)
    for body in NONSENSE_BODIES:
        response = client.post(url, body)
        assert response.status_code < 500, (url, body, response.status_code)


def test_nonsense_on_a_paginated_large_plan(client_for, staff, db, settings):
    settings.MATRIX_PAGE_SIZE = 5
    generate_plan(regions=12, indicators=3, years=2, seed=5)
    client = client_for(staff)
    client.raise_request_exception = False
    for query in [{"page": "abc"}, {"page": "0"}, {"page": "99"}, {"page": "-1"}]:
        for url in [reverse("reports:matrix"), reverse("reports:indicator", args=["i001"])]:
            response = client.get(url, query)
            assert response.status_code < 500, (url, query, response.status_code)


# Numbers no database row could hold, digits int() refuses ("²" passes
# str.isdigit()) and more digits than int() converts at all (4,300): each is
# refused by its form or ignored, never a server error.
@pytest.mark.parametrize("huge", ["9" * 20, "9" * 5000], ids=["20-digits", "5000-digits"])
def test_ids_and_digits_no_row_could_hold_are_refused_not_a_server_error(
    client_for, staff, demo_complete, huge
):
    from reports.models import Submission

    client = client_for(staff)
    client.raise_request_exception = False
    region = demo_complete.regions.get(code="kunyang")
    before = list(Submission.objects.order_by("pk").values_list("pk", "state", "version"))
    posts = [
        (
            "reports:review_approve",
            {"period": "2026Q3", "regions": region.pk, f"version_{region.pk}": "²"},
        ),
        (
            "reports:review_approve",
            {"period": "2026Q3", "regions": region.pk, f"version_{region.pk}": huge},
        ),
        ("reports:review_return", {"period": "2026Q3", "regions": huge, "reason": "x"}),
        ("reports:review_approve", {"period": "2026Q3", "regions": [region.pk, huge]}),
        (
            "reports:ledger_duplicates",
            {"action": "distinct", "first": huge, "second": "1", "reason": "x"},
        ),
        (
            "reports:ledger_duplicates",
            {"action": "merge", "first": "1", "second": "2", "keep": huge, "reason": "x"},
        ),
        ("reports:ledger_duplicates", {"action": "distinct", "page": huge}),
        ("reports:ledger_evaluation", {"year": "²"}),
        ("reports:ledger_evaluation", {"year": huge}),
    ]
    for name, body in posts:
        response = client.post(reverse(name), body)
        assert response.status_code in (200, 302, 404), (name, body, response.status_code)
        assert huge not in response.get("Location", ""), name  # not sent back to be asked again
    assert list(Submission.objects.order_by("pk").values_list("pk", "state", "version")) == before
    gets = [
        ("reports:ledger_evaluation", {"year": "²"}, 404),
        ("reports:ledger_evaluation", {"year": huge}, 404),
        ("reports:ledger_enterprise_create", {"incubator": "²"}, 200),
        ("reports:ledger_enterprise_create", {"incubator": huge}, 200),
        ("reports:ledger_duplicates", {"page": huge}, 200),
        ("reports:overview", {"period": "２０２６Q²"}, 200),
        ("reports:overview", {"period": f"{huge}Q1"}, 200),
    ]
    for name, query, expected in gets:
        assert client.get(reverse(name), query).status_code == expected, (name, query)
