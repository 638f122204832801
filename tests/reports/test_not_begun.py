"""Nothing is written for a quarter that has not begun, by any path: the
operating data, the goals' own series, the measures' reports — as the figures
(tests/reports/test_entry.py) — and a quarter cannot be closed before it
begins (a closed quarter counts as complete: every page would open on it).
Each page shows such a quarter read-only and says why.

Today is patched to 30 September 2026: 2026 Q4 begins tomorrow."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from reports.choices import Source
from reports.figures import deadlines
from reports.figures.changes import FigureError
from reports.figures.goal_series import GoalFigureChange, record_goal_figures
from reports.figures.measure_reports import record_measure_report
from reports.figures.quarters import close_quarter
from reports.ledger.operating import record_operating_data
from reports.measure_models import MeasureReport, MeasureStatus
from reports.models import ClosedQuarter, GoalFigure, IncubatorQuarter
from reports.progress import Period
from tests.reports.operating_data import change, incubator

Q4 = (2026, 4)
NOT_BEGUN = "2026年第4季度尚未开始,不能填报。"


@pytest.fixture(autouse=True)
def eve_of_q4(monkeypatch):
    with translation.override("zh-hans"):
        monkeypatch.setattr(deadlines, "today", lambda: datetime.date(2026, 9, 30))
        yield


def begin_q4(monkeypatch) -> None:
    monkeypatch.setattr(deadlines, "today", lambda: datetime.date(2026, 10, 1))


def test_operating_data_for_a_quarter_not_begun_are_refused(plan, staff, region_a, monkeypatch):
    hub = incubator(region_a, "昆阳科创孵化器")
    with pytest.raises(FigureError) as refused:
        record_operating_data(plan, staff, [change(hub, period=Q4)], source=Source.FORM)
    assert refused.value.messages == [f"昆阳科创孵化器:{NOT_BEGUN}"]
    assert not IncubatorQuarter.objects.exists()

    begin_q4(monkeypatch)
    record_operating_data(plan, staff, [change(hub, period=Q4)], source=Source.FORM)
    assert IncubatorQuarter.objects.get().revenue == Decimal("1500.25")


def test_goal_series_for_a_quarter_not_begun_are_refused(plan, staff, monkeypatch):
    share = plan.goals.get(code="leading-industry-firms")
    entry = [GoalFigureChange(share.pk, Decimal(30), Decimal(40))]
    with pytest.raises(FigureError) as refused:
        record_goal_figures(plan, staff, *Q4, entry)
    assert refused.value.messages == [NOT_BEGUN]
    assert not GoalFigure.objects.exists()

    begin_q4(monkeypatch)
    assert record_goal_figures(plan, staff, *Q4, entry) == 1


def test_a_measure_report_for_a_quarter_not_begun_is_refused(plan, liaison, monkeypatch):
    scenes = plan.measures.get(section="三", number=5)
    own = plan.departments.get(name="县投资促进服务中心")
    with pytest.raises(ValidationError) as refused:
        record_measure_report(liaison, scenes, own, Period(*Q4), status=MeasureStatus.DONE)
    assert refused.value.messages == [NOT_BEGUN]
    assert not MeasureReport.objects.exists()

    begin_q4(monkeypatch)
    record_measure_report(liaison, scenes, own, Period(*Q4), status=MeasureStatus.DONE)
    assert MeasureReport.objects.get().status == MeasureStatus.DONE


def test_a_quarter_not_begun_cannot_be_closed(client_for, staff, plan, monkeypatch):
    with pytest.raises(FigureError) as refused:
        close_quarter(plan, staff, *Q4, reason="提前关闭", override=True)
    assert refused.value.messages == ["2026年第4季度尚未开始,不能关闭。"]

    client = client_for(staff)
    page = client.get(reverse("reports:quarters"), {"period": "2026Q4"}).content.decode()
    assert "该季度尚未开始,不能关闭。" in page and "关闭本季度" not in page
    response = client.post(
        reverse("reports:quarter_close"), {"period": "2026Q4", "override": "1", "reason": "x"}
    )
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert "2026年第4季度尚未开始,不能关闭。" in shown
    assert not ClosedQuarter.objects.exists()
    # The quarter before, under way since July, still closes.
    close_quarter(plan, staff, 2026, 3, reason="季末关账", override=True)
    assert ClosedQuarter.objects.filter(year=2026, quarter=3).exists()


@pytest.mark.parametrize(
    "route, save",
    [("reports:goal_entry", "保存"), ("reports:ledger_operating", "保存运营数据")],
)
def test_entry_pages_show_a_quarter_not_begun_read_only(
    client_for, staff, plan, region_a, route, save
):
    client = client_for(staff)
    params = {"period": "2026Q4"}
    if route == "reports:ledger_operating":
        incubator(region_a, "昆阳科创孵化器")
        params["region"] = region_a.code
    page = client.get(reverse(route), params).content.decode()
    assert "该季度尚未开始,不能填报" in page
    assert f'type="submit" class="btn btn-primary">{save}<' not in page
    earlier = client.get(reverse(route), {**params, "period": "2026Q3"}).content.decode()
    assert f'type="submit" class="btn btn-primary">{save}<' in earlier


def test_a_township_reads_its_quarter_not_begun_without_being_asked_to_fill_it(
    client_for, official, plan
):
    page = client_for(official).get(reverse("reports:entry"), {"period": "2026Q4"})
    html = page.content.decode()
    assert "该季度尚未开始,开始后才能填报和上报。" in html
    assert "填写并保存后即为草稿" not in html and "上报本季度数据" not in html


def test_the_measure_page_shows_a_quarter_not_begun_without_its_form(client_for, liaison, plan):
    scenes = plan.measures.get(section="三", number=5)
    url = reverse("reports:measure_report", kwargs={"measure": scenes.pk})
    page = client_for(liaison).get(url, {"period": "2026Q4"}).content.decode()
    assert "该季度尚未开始,不能填报" in page and 'name="status"' not in page
    earlier = client_for(liaison).get(url, {"period": "2026Q3"}).content.decode()
    assert 'name="status"' in earlier


@pytest.mark.parametrize(
    ("name", "back"),
    [
        ("reports:entry_template", "reports:upload"),
        ("reports:ledger_operating_template", "reports:ledger_upload"),
    ],
)
@pytest.mark.parametrize("asked", ["2026Q4", "2031Q1", "nonsense"])
def test_no_template_is_downloaded_for_a_quarter_not_begun_or_not_a_quarter(
    client_for, staff, plan, region_a, monkeypatch, name, back, asked
):
    """The file would bear another quarter's name and figures: the upload
    page again, saying why; the day the quarter begins, its template."""
    client = client_for(staff)
    response = client.get(reverse(name), {"period": asked, "region": region_a.code})
    assert response.status_code == 302 and response.url.startswith(reverse(back))
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert shown == ["所选季度无效或尚未开始,没有可下载的模板。"]

    begin_q4(monkeypatch)
    response = client.get(reverse(name), {"period": "2026Q4", "region": region_a.code})
    assert response.status_code == 200
    assert "2026Q4" in response["Content-Disposition"]


def test_a_plan_not_yet_begun_says_so_and_asks_nobody_to_report(
    client_for, leader, plan, monkeypatch
):
    """A plan loaded before it starts (today 1 November 2024, the plan from
    2025): its pages open on its first quarter and say it has not begun,
    rather than read as a quarter under way and overdue; the briefing asks
    nobody to report yet."""
    monkeypatch.setattr(deadlines, "today", lambda: datetime.date(2024, 11, 1))
    client = client_for(leader)
    overview = client.get(reverse("reports:overview"))
    assert overview.context["period"] == Period(2025, 1)
    assert "2025年第1季度尚未开始" in overview.content.decode()
    briefing = client.get(reverse("reports:briefing")).content.decode()
    assert "本计划自2025年第1季度开始" in briefing
    assert "尽快完成本季度数据的填报" not in briefing and "尽快填报" not in briefing
    monkeypatch.setattr(deadlines, "today", lambda: datetime.date(2025, 1, 2))
    briefing = client.get(reverse("reports:briefing")).content.decode()
    assert "尽快完成本季度数据的填报" in briefing and "本计划自" not in briefing
