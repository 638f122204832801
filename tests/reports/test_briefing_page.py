"""The briefing page: who sees which briefing, the numbers it shows (the
composed briefing's, the same in its Word file), and its query count."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from regions.models import Region
from reports.briefing.compose import compose_briefing
from reports.briefing.text import body_text, numbered_headings, parse_body
from reports.progress import Period
from tests.reports.briefing_helpers import docx_paragraphs, docx_table, page_paragraphs, page_table
from tests.reports.test_query_counts import PAGES

# The overview's default on the demo: its latest complete quarter.
AS_OF = Period(2026, 2)


def composed(plan, *, region=None, period=AS_OF):
    regions = Region.objects.filter(plan=plan)
    return compose_briefing(
        plan=plan, year=period.year, quarter=period.quarter, regions=regions, region=region
    )


def table_rows(briefing) -> list[list[str]]:
    return [list(briefing.table.header), *(list(row) for row in briefing.table.rows)]


@pytest.mark.parametrize("persona", ["leader", "staff"])
def test_county_users_read_the_county_briefing_of_the_overviews_quarter(
    client_for, demo, persona, request
):
    user = request.getfixturevalue(persona)
    overview = client_for(user).get(reverse("reports:overview"))
    response = client_for(user).get(reverse("reports:briefing"))
    assert response.status_code == 200
    assert response.context["period"] == overview.context["period"] == AS_OF
    expected = composed(demo)
    assert page_table(response.content) == table_rows(expected)
    lines = page_paragraphs(response.content)
    assert expected.title in lines
    for heading, section in numbered_headings(expected, chinese=True):
        assert heading in lines
        assert all(paragraph in lines for paragraph in section.paragraphs)
    assert {key for key, _ in response.context["charts"]} == {"chart-completion", "chart-heatmap"}


def test_a_chosen_quarter_gives_that_quarters_briefing(client_for, leader, demo):
    response = client_for(leader).get(reverse("reports:briefing"), {"period": "2025Q4"})
    assert response.context["period"] == Period(2025, 4)
    assert page_table(response.content) == table_rows(composed(demo, period=Period(2025, 4)))


def test_the_word_file_holds_the_pages_table_and_text(client_for, leader, demo):
    client = client_for(leader)
    page = client.get(reverse("reports:briefing"), {"period": "2026Q2"})
    word = client.get(reverse("reports:briefing_word"), {"period": "2026Q2"})
    assert word.status_code == 200
    assert word["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in word["Content-Disposition"]
    assert "filename*=utf-8''" in word["Content-Disposition"]  # the Chinese title, encoded
    assert docx_table(word.content) == page_table(page.content)
    lines = docx_paragraphs(word.content)
    assert [line for line in page_paragraphs(page.content) if line not in lines] == []


def test_a_township_official_reads_their_own_townships_briefing_only(
    client_for, official, region_a, region_b, demo
):
    client = client_for(official)
    county = client.get(reverse("reports:briefing"))
    own = reverse("reports:briefing_region", args=[region_a.code])
    assert county.status_code == 302 and county.url == own
    response = client.get(own)
    assert response.status_code == 200
    # Their own latest reported quarter, as on their township page.
    period = response.context["period"]
    assert period == client.get(reverse("reports:township", args=[region_a.code])).context["period"]
    expected = composed(demo, region=region_a, period=period)
    assert page_table(response.content) == table_rows(expected)
    assert response.context["form"] is None  # read-only
    assert 'name="body"' not in response.content.decode()
    other = reverse("reports:briefing_region", args=[region_b.code])
    assert client.get(other).status_code == 404
    word = client.get(reverse("reports:briefing_region_word", args=[region_a.code]))
    assert docx_table(word.content) == page_table(response.content)
    assert (
        client.get(reverse("reports:briefing_region_word", args=[region_b.code])).status_code == 404
    )


def test_county_users_may_read_a_townships_briefing(client_for, leader, region_b, demo):
    response = client_for(leader).get(reverse("reports:briefing_region", args=[region_b.code]))
    assert response.status_code == 200
    assert page_table(response.content) == table_rows(composed(demo, region=region_b))


def test_a_department_liaison_is_refused_as_on_the_overview(client_for, liaison, demo):
    client = client_for(liaison)
    assert client.get(reverse("reports:overview")).status_code == 403
    assert client.get(reverse("reports:briefing")).status_code == 403
    assert client.get(reverse("reports:briefing_word")).status_code == 403


def test_only_staff_get_the_edit_form(client_for, leader, staff, demo):
    assert client_for(leader).get(reverse("reports:briefing")).context["form"] is None
    form = client_for(staff).get(reverse("reports:briefing")).context["form"]
    assert form.initial["body"] == body_text(composed(demo), chinese=True)


def test_the_generated_text_reads_back_unchanged_from_the_edit_box(demo, region_a):
    """Saving the text box as it opens changes nothing: the composed sections
    parse back exactly (no paragraph is taken for a heading)."""
    for briefing in (composed(demo), composed(demo, region=region_a)):
        assert parse_body(body_text(briefing, chinese=True)) == (
            briefing.opening,
            briefing.sections,
        )


def test_the_menu_links_the_briefing_for_those_who_may_read_it(
    client_for, leader, official, liaison, demo
):
    link = f'href="{reverse("reports:briefing")}"'
    assert link in client_for(leader).get(reverse("reports:overview")).content.decode()
    own = reverse("reports:township", args=["kunyang"])
    assert link in client_for(official).get(own).content.decode()
    assert (
        link
        not in client_for(liaison).get(reverse("reports:measures"), follow=True).content.decode()
    )


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


# Pinned in test_query_counts.py (the same at two plan sizes); here: however
# many versions the briefing has (one query reads them with who saved each).
PINNED_COUNTY = PAGES["briefing"][3]
PINNED_TOWNSHIP = PAGES["briefing_region"][3]


def test_the_page_reads_a_constant_number_of_queries(client_for, staff, demo, region_a):
    client = client_for(staff)
    county, township = (
        reverse("reports:briefing"),
        reverse("reports:briefing_region", args=[region_a.code]),
    )
    before = (count_queries(client, county), count_queries(client, township))
    page = client.get(county)
    form = page.context["form"]
    for number in range(3):
        saved = client.post(
            reverse("reports:briefing_save") + "?period=2026Q2",
            {
                "action": "save",
                "period": "2026Q2",
                "title": f"标题{number}",
                "number_line": "",
                "body": f"第{number}版正文。",
                "base": number,
                "started_from": form.initial["started_from"],
            },
        )
        assert saved.status_code == 302
    after = count_queries(client, county)
    assert before == (PINNED_COUNTY, PINNED_TOWNSHIP)
    assert after == PINNED_COUNTY


def test_the_page_and_its_word_file_are_english_in_english(client_for, leader, demo):
    client = client_for(leader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("reports:briefing"))
    content = response.content.decode()
    assert "Download Word document" in content
    assert "Table: indicators" in content
    word = client.get(reverse("reports:briefing_word"))
    assert docx_table(word.content) == page_table(response.content)
