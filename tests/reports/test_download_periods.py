"""A download asked for a quarter it cannot give (tampered, stale or not yet
begun) hands over no file of another quarter: it goes back to the page it is
downloaded from, which says why, and the message is not left for a later page."""

from __future__ import annotations

import datetime
from urllib.parse import unquote

import pytest
from django.urls import reverse

from reports.figures import deadlines

REFUSED = "所选季度无效或不可选,未下载。请在页面上选择季度后重新下载。"


def kunyang_briefing() -> str:
    return reverse("reports:briefing_region", args=["kunyang"])


DOWNLOADS = [
    (lambda: reverse("reports:matrix") + "?_export=xlsx", lambda: reverse("reports:matrix")),
    (lambda: reverse("reports:matrix") + "?_export=csv", lambda: reverse("reports:matrix")),
    (
        lambda: reverse("reports:ledger_reconcile") + "?_export=xlsx",
        lambda: reverse("reports:ledger_reconcile"),
    ),
    (lambda: reverse("reports:briefing_word"), lambda: reverse("reports:briefing")),
    (
        lambda: reverse("reports:briefing_region_word", args=["kunyang"]),
        kunyang_briefing,
    ),
]


@pytest.mark.parametrize("period", ["garbage", "2031Q1", "2026Q9"])
@pytest.mark.parametrize(("download", "page"), DOWNLOADS)
def test_a_download_of_a_quarter_not_offered_goes_back_to_its_page(
    client_for, leader, demo, download, page, period
):
    client = client_for(leader)
    url = download()
    response = client.get(url + ("&" if "?" in url else "?") + f"period={period}")
    assert response.status_code == 302 and "Content-Disposition" not in response
    assert response["Location"] == page()
    landed = client.get(response["Location"]).content.decode()
    assert REFUSED in landed and "已显示默认季度" not in landed
    assert REFUSED not in client.get(reverse("targets:plan")).content.decode()


@pytest.mark.parametrize(("download", "page"), DOWNLOADS)
def test_a_download_of_a_quarter_offered_is_that_quarters_file(
    client_for, leader, demo, download, page
):
    url = download()
    response = client_for(leader).get(url + ("&" if "?" in url else "?") + "period=2025Q4")
    assert response.status_code == 200
    named = unquote(response["Content-Disposition"])
    assert "2025Q4" in named or "2025年第4季度" in named, named


@pytest.fixture
def mid_2026(monkeypatch):
    """Today in 2026 Q3: every 2027 quarter is still to begin."""
    monkeypatch.setattr(deadlines, "today", lambda: datetime.date(2026, 8, 15))


@pytest.mark.usefixtures("mid_2026")
def test_the_reconciliation_asked_for_a_quarter_not_begun_says_so_and_offers_none(
    client_for, leader, demo
):
    """Nothing is reconciled for a quarter still to come: the page shows the
    default quarter and says why, and offers no later one."""
    response = client_for(leader).get(reverse("reports:ledger_reconcile"), {"period": "2027Q4"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "所选季度尚未开始,已显示默认季度。" in html
    assert response.context["period"].code != "2027Q4"
    assert 'value="2027Q4"' not in html and 'value="2026Q4"' not in html
    assert 'value="2026Q3"' in html


@pytest.mark.usefixtures("mid_2026")
def test_the_reconciliation_of_a_quarter_not_begun_is_not_downloaded(client_for, leader, demo):
    client = client_for(leader)
    response = client.get(
        reverse("reports:ledger_reconcile"), {"_export": "xlsx", "period": "2027Q4"}
    )
    assert response.status_code == 302 and "Content-Disposition" not in response
    assert REFUSED in client.get(response["Location"]).content.decode()


def test_the_measures_board_says_a_malformed_quarter_was_not_shown(client_for, leader, demo):
    response = client_for(leader).get(reverse("reports:measures"), {"period": "garbage"})
    assert "所选季度无效,已显示默认季度。" in response.content.decode()
