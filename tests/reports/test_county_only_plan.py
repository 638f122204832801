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
