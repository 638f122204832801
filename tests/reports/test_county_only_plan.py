"""A plan of county-level indicators only (no 附件2): the bureau enters every
figure, so its regions owe no quarterly report. None of them is waited for,
listed as overdue, reminded or reviewed, and a township official is told there
is nothing to report rather than shown an empty grid with 上报."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from regions.roles import Role
from reports.choices import NoticeKind, Source
from reports.demo.scale import generate_plan
from reports.figures.changes import FigureChange
from reports.figures.deadlines import overdue_by_quarter, overdue_regions
from reports.figures.quarters import close_quarter
from reports.figures.reminders import send_reminders
from reports.figures.review import ReviewBoard
from reports.figures.services import record_figures
from reports.figures.submissions import unapproved_regions
from reports.models import ClosedQuarter, Figure, Notice, Submission
from reports.progress import Period
from targets.models import Target
from tests.conftest import make_user

LATE = datetime.date(2025, 12, 31)  # every 2025 quarter's due date has passed


@pytest.fixture
def county_only(db, groups):
    """Two regions; three indicators, none broken down by region; 2025 Q1's
    county figures entered by the bureau, nothing else."""
    plan = generate_plan(regions=2, indicators=3, years=3, quarters=0, incubators_per_region=0)
    plan.indicators.update(by_region=False)
    Target.objects.filter(indicator__plan=plan, region__isnull=False).delete()
    Figure.objects.filter(indicator__plan=plan).delete()
    Submission.objects.filter(plan=plan).delete()
    return plan


@pytest.fixture
def bureau(county_only):
    return make_user("county_only_staff", Role.COUNTY_STAFF, email="staff@example.invalid")


@pytest.fixture
def official(county_only):
    region = county_only.regions.order_by("order").first()
    return make_user("county_only_town", Role.TOWNSHIP, region, email="town@example.invalid")


def enter_county_figures(plan, user, year: int, quarter: int) -> None:
    changes = [FigureChange(i.pk, None, year, quarter, Decimal(1)) for i in plan.indicators.all()]
    record_figures(plan, user, changes, source=Source.FORM)


@pytest.mark.usefixtures("every_quarter_begun")
def test_no_region_is_waited_for_overdue_or_reminded(county_only, bureau, official):
    assert overdue_regions(county_only, 2025, 1, LATE) == []
    assert overdue_by_quarter(county_only, LATE) == {}
    assert unapproved_regions(county_only, 2025, 1) == []
    assert send_reminders(county_only, LATE).sent == []
    assert not Notice.objects.filter(kind__in=[NoticeKind.DUE_SOON, NoticeKind.OVERDUE]).exists()
    # Closing needs only the bureau's own figures: no region to approve.
    enter_county_figures(county_only, bureau, 2025, 1)
    close_quarter(county_only, bureau, 2025, 1)
    assert ClosedQuarter.objects.filter(plan=county_only, year=2025, quarter=1).exists()


@pytest.mark.usefixtures("every_quarter_begun")
def test_the_review_page_lists_no_region(county_only, bureau):
    assert ReviewBoard.load(county_only, Period(2025, 1)).regions == []


@pytest.mark.usefixtures("every_quarter_begun")
def test_the_dashboards_open_on_the_quarter_the_bureau_entered(client_for, county_only, bureau):
    enter_county_figures(county_only, bureau, 2025, 1)
    enter_county_figures(county_only, bureau, 2025, 2)
    response = client_for(bureau).get(reverse("reports:overview"))
    assert response.context["period"] == Period(2025, 2)
    assert "乡镇已审核" not in response.content.decode()  # no region's report to count


@pytest.mark.usefixtures("every_quarter_begun")
def test_a_township_official_is_told_there_is_nothing_to_report(client_for, county_only, official):
    page = client_for(official).get(reverse("reports:entry"), {"period": "2025Q3"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "本计划的指标都在County一级,由县科技局填报:乡镇没有需要填报或上报的季度数据。" in html
    assert "上报本季度数据" not in html and 'class="entry-form"' not in html


@pytest.fixture
def reports_of_an_earlier_shape(county_only):
    """Every region's 2025 Q1 report approved, from before the plan lost its
    regional breakdown: kept, but owed by no one now."""
    for region in county_only.regions.all():
        Submission.objects.create(
            plan=county_only, region=region, year=2025, quarter=1, state="approved"
        )


@pytest.mark.usefixtures("every_quarter_begun", "reports_of_an_earlier_shape")
def test_old_reports_make_no_region_overdue_nor_a_negative_count(client_for, county_only, bureau):
    assert overdue_by_quarter(county_only, LATE) == {}
    page = client_for(bureau).get(reverse("reports:quarters")).content.decode()
    assert "逾期" not in page


@pytest.mark.usefixtures("every_quarter_begun")
def test_the_county_briefing_asks_no_region_for_a_report(client_for, county_only, bureau):
    enter_county_figures(county_only, bureau, 2025, 1)
    page = client_for(bureau).get(reverse("reports:briefing"), {"period": "2025Q1"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "尽快完成" not in html and "未报" not in html and "未计入" not in html


@pytest.mark.usefixtures("every_quarter_begun")
def test_a_townships_briefing_says_it_has_no_indicator(client_for, county_only, official):
    region = official.membership.region
    page = client_for(official).get(
        reverse("reports:briefing_region", args=[region.code]), {"period": "2025Q1"}
    )
    html = page.content.decode()
    assert f"本计划没有分解到{region.name}的指标，本期无指标进度可通报。" in html
    assert "纳入通报的0项指标中" not in html


@pytest.mark.usefixtures("every_quarter_begun")
def test_a_townships_page_lists_no_quarter_to_report(client_for, county_only, official):
    region = official.membership.region
    html = client_for(official).get(reverse("reports:township", args=[region.code]))
    html = html.content.decode()
    assert "待填报" not in html and 'id="due"' not in html


@pytest.mark.usefixtures("every_quarter_begun")
def test_a_township_official_is_offered_no_template_to_upload(client_for, county_only, official):
    client = client_for(official)
    html = client.get(reverse("reports:upload")).content.decode()
    assert "没有需要填报或上报的季度数据" in html
    assert "下载模板" not in html and 'type="file"' not in html
    response = client.post(reverse("reports:upload"), {"period": "2025Q1"})
    assert response.status_code == 400
    assert "没有需要填报或上报的季度数据" in response.content.decode()
    assert not Figure.objects.exists()
