"""Every page reads a constant number of SQL queries, whatever the plan's size:
the Pingyang plan (9 regions) and a generated plan with more than three times
the regions must cost exactly the same, pinned here so an N+1 query fails a
test.

30 regions (×6 indicators ×12 quarters: 1,800 figures) are enough: a query
per region would add 21, one per figure far more. None of these pages reads
in chunks or batches a larger plan would cross, and at either size none
splits its regions into pages (``MATRIX_PAGE_SIZE``: 100; the plan page's
pages are counted in tests/targets/test_plan_page.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.demo.scale import generate_plan

# page → (url name, args for the seed plan, args for the generated plan, pinned count).
# Every request costs 2 for the session and the user (read session, user; no session
# write: renewed at most once a minute, regions/sessions.py) and 1 for the plan; the
# pages with progress 1 for the plan's data version (reports/progress/reuse.py); every
# HTML page 1 for the user's unread notices (base.html; not the xlsx export); the
# dashboards then read the scope's regions, their submissions (who reported what: what
# counts, the coverage, the default quarter), the closed quarters, the county-only
# indicators with the quarters the bureau entered, indicators, targets and the figures
# that count once each (the township page also its region, and 1 for its "待填报" box: the
# region's submissions, due dates and closed quarters). Pages with the headline goals
# read the goals and their series once each; the overview (figures summed for its
# quarter) also reads the indicators, targets and figures of an annual floor's indicator
# quarter by quarter (3, once for each such indicator: one in either plan). Pages with
# the goals also read the ledger's incubators and their recognitions (2) for the stock
# goals the ledger counts (both plans keep one).
PAGES = {
    "overview": ("reports:overview", [], [], 21),
    "overview_with_submitted": ("reports:overview", [], [], 21),
    "matrix": ("reports:matrix", [], [], 14),
    "matrix_xlsx": ("reports:matrix", [], [], 13),
    "township": ("reports:township", ["kunyang"], ["r00001"], 16),
    "indicator": ("reports:indicator", ["space"], ["i001"], 14),
    "plan": ("targets:plan", [], [], 10),  # its regions counted, then one page of them
    "goals": ("reports:goals", [], [], 18),
    # The plan's figures once (the quarter to work on), closed quarters, the goals
    # and the quarter's series values; whether the plan keeps a ledger, and its
    # incubators and recognitions for the stocks it counts (shown, not entered).
    "goal_entry": ("reports:goal_entry", [], [], 14),
}
PARAMS = {"matrix_xlsx": {"_export": "xlsx"}, "overview_with_submitted": {"include": "submitted"}}


def count_queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("page", list(PAGES))
def test_page_query_count_does_not_grow_with_the_plan(client_for, staff, demo, page):
    name, seed_args, big_args, pinned = PAGES[page]
    params = PARAMS.get(page, {})
    client = client_for(staff)
    seed_count = count_queries(client, reverse(name, args=seed_args), params)

    # More regions and indicators than the seed; becomes the current plan.
    generate_plan(regions=30, indicators=9, years=3, seed=7)
    big_count = count_queries(client, reverse(name, args=big_args), params)

    assert seed_count == big_count == pinned, (seed_count, big_count)


def test_township_page_costs_its_own_official_the_same(client_for, demo, official):
    """The official's landing page, with its "待填报" box, as pinned above for staff;
    two more for their scope: the membership and the region it binds them to."""
    url = reverse("reports:township", args=["kunyang"])
    count = count_queries(client_for(official), url, {})
    assert count == PAGES["township"][3] + 2, count


# Asked again at the same data version, a page reads the session and the user
# (no session write within the minute), the plan, its data version, the
# unread notices (HTML pages) and what it does not take from the progress table
# (the township page: its region and its "待填报" box), and nothing of the
# table: regions, submissions, closed quarters, indicators, targets, figures
# and goals are reused.
REUSED = {
    "overview": 7,
    "overview_with_submitted": 7,
    "matrix": 7,
    "matrix_xlsx": 6,
    "township": 9,
    "indicator": 7,
    "goals": 7,
}


@pytest.mark.parametrize("page", list(REUSED))
def test_page_reused_at_the_same_data_version_reads_only_the_version(client_for, staff, demo, page):
    name, _seed_args, big_args, pinned = PAGES[page]
    params = PARAMS.get(page, {})
    client = client_for(staff)
    generate_plan(regions=30, indicators=9, years=3, seed=7)
    url = reverse(name, args=big_args)
    assert count_queries(client, url, params) == pinned
    assert count_queries(client, url, params) == REUSED[page]
