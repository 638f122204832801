"""The briefing page: who sees which briefing, the numbers it shows (the
composed briefing's, the same in its Word file), and its query count."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from regions.models import Region
from reports.briefing.compose import compose_briefing
from reports.briefing.text import body_text, parse_body
from reports.demo.scale import generate_plan
from reports.progress import Period
from tests.reports.briefing_helpers import docx_paragraphs, docx_table, page_paragraphs, page_table

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
    for section in expected.sections:
        assert section.heading in lines
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
    assert form.initial["body"] == body_text(composed(demo))


def test_the_generated_text_reads_back_unchanged_from_the_edit_box(demo, region_a):
    """Saving the text box as it opens changes nothing: the composed sections
    parse back exactly (no paragraph is taken for a heading)."""
    for briefing in (composed(demo), composed(demo, region=region_a)):
        assert parse_body(body_text(briefing)) == (
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
    """The queries of the page computed afresh (nothing reused from an
    earlier request: the count must not depend on what ran before)."""
    for alias in settings.CACHES:
        caches[alias].clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


# (demo plan, a generated plan of 30 townships: more than three times the demo's 9, so a
# query per township would show; nothing on the page reads in chunks or pages a larger
# plan would cross). A dashboard's reads for the charts (as the overview: request, plan,
# scope, submissions, closed quarters, county-only indicators entered, indicators,
# targets, figures, notices), the briefing's saved versions with who saved each (one
# query however many), and what composing reads: the scope again, the goals and their
# series, and for the county the measures with their departments, reports and work
# items. The generated plan has no measures, so Django skips those three prefetches
# there: 3 fewer, at any size.
PINNED = {
    "briefing": ((), "reports:briefing_save", (31, 28)),
    "briefing_region": (("{region}",), "reports:briefing_region_save", (23, 23)),
}


@pytest.mark.parametrize("name", list(PINNED))
def test_the_page_reads_a_constant_number_of_queries(client_for, staff, demo, name):
    args, save_name, (pinned, pinned_big) = PINNED[name]
    client = client_for(staff)
    url = reverse(f"reports:{name}", args=[a.format(region="kunyang") for a in args])
    seed_count = count_queries(client, url)
    page = client.get(url)
    period = page.context["period"].code
    save_url = reverse(save_name, args=[a.format(region="kunyang") for a in args])
    for number in range(3):
        saved = client.post(
            f"{save_url}?period={period}",
            {
                "action": "save",
                "period": period,
                "title": f"标题{number}",
                "number_line": "",
                "body": f"第{number}版正文。",
                "base": number,
                "started_from": page.context["form"].initial["started_from"],
            },
        )
        assert saved.status_code == 302
    with_versions = count_queries(client, url)

    # More regions and indicators than the seed; becomes the current plan.
    generate_plan(regions=30, indicators=9, years=3, seed=7)
    big_url = reverse(f"reports:{name}", args=[a.format(region="r00001") for a in args])
    big_count = count_queries(client, big_url)
    assert (seed_count, with_versions, big_count) == (pinned, pinned, pinned_big)


def test_the_page_and_its_word_file_are_english_in_english(client_for, leader, demo):
    client = client_for(leader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("reports:briefing"))
    content = response.content.decode()
    assert "Download Word document" in content
    assert "Table: indicators" in content
    word = client.get(reverse("reports:briefing_word"))
    assert docx_table(word.content) == page_table(response.content)
    briefing = response.context["briefing"]
    lines = docx_paragraphs(word.content)
    assert briefing.title in lines and briefing.sections[0].heading in lines
    assert "Table: indicators' progress" in lines
    # The numbers are the Chinese briefing's.
    with translation.override("zh-hans"):
        chinese = composed(demo)
    assert chinese.title != briefing.title

    def numbers(table):
        return [[cell for cell in row[1:] if re.search(r"\d", cell)] for row in table.rows]

    assert numbers(briefing.table) == numbers(chinese.table)
    assert any(numbers(chinese.table))
    assert parse_body(body_text(briefing)) == (briefing.opening, briefing.sections)


def test_the_english_briefing_is_edited_apart_from_the_chinese(client_for, staff, demo):
    client = client_for(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    form = client.get(reverse("reports:briefing")).context["form"]
    fields = {name: form.initial.get(name, "") for name in form.fields}
    fields.update(action="save", period="2026Q2", title="Edited title")
    saved = client.post(reverse("reports:briefing_save") + "?period=2026Q2", fields)
    assert saved.status_code == 302
    assert client.get(reverse("reports:briefing")).context["briefing"].title == "Edited title"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = client.get(reverse("reports:briefing"))
    with translation.override("zh-hans"):
        assert chinese.context["briefing"].title == composed(demo).title
    assert chinese.context["versions"] == []
