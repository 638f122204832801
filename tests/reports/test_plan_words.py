"""Pages, charts, the report and messages speak the plan's own words: its total
row's name (全县名称), what it calls its regions (区域称谓) and the department
that runs the dashboard (主管部门) — a city's plan says 全市, 区县 and 市科技局,
never 全县, 乡镇 or 县科技局."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from regions.roles import Role
from reports.choices import Source, SubmissionState
from reports.demo.scale import generate_plan
from reports.figures.changes import FigureChange, FigureError
from reports.figures.quarters import close_quarter
from reports.figures.services import record_figures
from reports.figures.submissions import SubmissionError
from reports.models import Submission
from tests.conftest import make_user

COUNTY_WORDS = ("全县", "乡镇", "县科技局")  # Pingyang's words: a city's plan must not show them


@pytest.fixture
def city(db, groups):
    """A generated 2028–2030 plan whose total is 全市, whose regions are 区县
    and whose dashboard the 市科技局 runs."""
    plan = generate_plan(regions=4, indicators=3, years=3, first_year=2028, quarters=6, seed=5)
    plan.county_name, plan.region_term, plan.bureau_name = "全市", "区县", "市科技局"
    plan.save()
    return plan


@pytest.fixture
def city_leader(city):
    return make_user("city_leader", Role.LEADER)


def chart_titles(context) -> list[str]:
    return [json.loads(chart)["layout"]["title"]["text"] for _key, chart in context["charts"]]


def assert_city_words(text: str) -> None:
    for word in COUNTY_WORDS:
        assert word not in text, word


def test_pages_and_their_charts_say_the_plans_own_words(client_for, city, city_leader):
    client = client_for(city_leader)
    region = city.regions.first()
    indicator = city.indicators.first()
    pages = {
        "overview": reverse("reports:overview"),
        "matrix": reverse("reports:matrix"),
        "township": reverse("reports:township", args=[region.code]),
        "indicator": reverse("reports:indicator", args=[indicator.code]),
        "plan": reverse("targets:plan"),
    }
    seen = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert_city_words(html)
        titles = chart_titles(response.context) if "charts" in response.context else []
        for title in titles:
            assert_city_words(title)
        seen[name] = (html, titles)
    overview, overview_charts = seen["overview"]
    assert "全市总览" in overview  # title, heading and navigation
    assert "区县矩阵" in overview  # navigation
    assert "进度最滞后的区县" in overview
    assert "全市各指标年度完成率(2029年第2季度)" in overview_charts
    assert "各区县进度热力图(实际 ÷ 序时进度)" in overview_charts
    assert "2029年区县任务完成情况" in seen["matrix"][0]
    assert "各区县计划期累计完成(按季度)" in seen["indicator"][1]
    assert "全市年度累计" in seen["indicator"][0]


def test_the_report_workbook_and_matrix_export_say_the_plans_own_words(
    client_for, city, city_leader
):
    client = client_for(city_leader)
    report = client.get(reverse("reports:report"))
    book = load_workbook(io.BytesIO(report.content))
    texts = [sheet.title for sheet in book.worksheets] + [
        cell.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]
    for text in texts:
        assert_city_words(text)
    assert "2029年各区县完成率" in book["图表"]["A1"].value
    assert "全市" in [row[1].value for row in book["附件2 任务分解"].iter_rows(min_row=5)]
    export = client.get(reverse("reports:matrix"), {"_export": "csv"})
    assert "区县任务完成情况_2029Q2" in export["Content-Disposition"] or (
        "%E5%8C%BA%E5%8E%BF" in export["Content-Disposition"]  # 区县, percent-encoded
    )


def test_a_township_official_reads_the_plans_words(client_for, city):
    official = make_user("city_official", Role.TOWNSHIP, city.regions.first())
    html = client_for(official).get(reverse("home"), follow=True).content.decode()
    assert "本区县" in html
    assert_city_words(html)
    unbound = make_user("city_unbound", Role.TOWNSHIP)
    refused = client_for(unbound).get(reverse("reports:overview"))
    assert refused.status_code == 403
    assert "您的账号尚未绑定区县" in refused.content.decode()
    assert_city_words(refused.content.decode())


def test_write_refusals_name_the_plans_words(city, groups):
    staff = make_user("city_staff", Role.COUNTY_STAFF)
    broken_down = city.indicators.filter(by_region=True).first()
    county_only = city.indicators.filter(by_region=False).first()
    region = city.regions.first()
    for change, message in [
        (
            FigureChange(broken_down.pk, None, 2028, 1, Decimal(1)),
            "该指标按区县填报,全市数为各区县之和。",
        ),
        (FigureChange(county_only.pk, region.pk, 2028, 1, Decimal(1)), "该指标仅在全市一级填报。"),
    ]:
        with pytest.raises(FigureError) as error:
            record_figures(city, staff, [change], source=Source.FORM)
        assert message in error.value.messages[0]


@pytest.mark.usefixtures("every_quarter_begun")
def test_closing_names_the_plans_total_for_its_own_indicators(city, groups):
    staff = make_user("city_staff", Role.COUNTY_STAFF)
    county_only = city.indicators.filter(by_region=False).first()
    with pytest.raises(FigureError) as refused:
        close_quarter(city, staff, 2030, 4)
    expected = f"以下全市指标本季度尚未填报,关闭后将按0计:{county_only.name}。"
    assert expected in refused.value.messages


def test_users_are_sent_to_the_plans_bureau(client, city, groups):
    login = client.get(reverse("login")).content.decode()
    assert "忘记密码或账号被锁定,请联系市科技局管理员。" in login
    assert_city_words(login)
    region = city.regions.first()
    Submission.objects.update_or_create(
        plan=city,
        region=region,
        year=2028,
        quarter=1,
        defaults={"state": SubmissionState.SUBMITTED},
    )
    official = make_user("city_official", Role.TOWNSHIP, region)
    with pytest.raises(SubmissionError) as error:
        record_figures(
            city,
            official,
            [FigureChange(city.indicators.first().pk, region.pk, 2028, 1, Decimal(1))],
            source=Source.FORM,
        )
    assert error.value.messages == [
        "2028年第1季度的数据已上报,不能再修改;如需更正,请联系市科技局退回。"
    ]


def test_english_pages_carry_the_plans_words_into_the_sentences(
    client_for, city, city_leader, settings
):
    client = client_for(city_leader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    try:
        html = client.get(reverse("reports:overview")).content.decode()
    finally:
        translation.deactivate()  # the request activated English for this thread
    assert "全市 overview" in html
