"""The measures in the official report workbook and the read-only API."""

from __future__ import annotations

import datetime
from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse

from reports.figures import deadlines
from reports.figures.measure_reports import record_measure_report
from reports.measure_models import MeasureStatus
from reports.progress import Period
from targets.models import WorkItem


@pytest.fixture
def reported(plan, staff, liaison):
    scenes = plan.measures.get(section="三", number=5)
    record_measure_report(
        liaison, scenes, scenes.lead, Period(2026, 2), status=MeasureStatus.LAGGING
    )
    WorkItem.objects.create(
        measure=plan.measures.get(section="三", number=1),
        year=2026,
        title="出台整治方案",
        due_date=datetime.date(2026, 3, 31),
    )
    return plan


def test_the_report_workbook_has_a_measures_sheet(reported, leader, client_for):
    response = client_for(leader).get(reverse("reports:report"), {"period": "2026Q2"})
    sheet = openpyxl.load_workbook(BytesIO(response.content))["任务推进"]

    rows = {row[0]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert len(rows) == 18
    assert rows["三(五)"][1:5] == ("强化场景统筹", "县投资促进服务中心", "县经信局", "滞后")
    assert rows["三(五)"][6] == "已报"
    assert rows["三(一)"][6] == "本季度未报"
    assert rows["三(一)"][7] == "出台整治方案(2026-03-31)"
    assert rows["二(一)"][2] is None  # section 二 names no department


def test_the_api_lists_the_measures_scoped_to_the_caller(reported, staff, liaison, client_for):
    data = client_for(staff).get("/api/v1/measures/?period=2026Q2").json()
    assert data["period"] == "2026Q2" and len(data["measures"]) == 18
    talents = next(m for m in data["measures"] if m["label"] == "三(八)")
    assert talents["lead"]["name"] == "县投资促进服务中心"
    assert [d["name"] for d in talents["cooperating"]] == [
        "县委组织部〈人才办〉",
        "县科技局",
        "县财政局〈国资办〉",
        "县人力社保局",
    ]
    scenes = next(m for m in data["measures"] if m["label"] == "三(五)")
    assert scenes["latest"]["status"] == "lagging" and scenes["reported_in_period"]
    # As of 2026 Q1 the Q2 report is not known yet.
    earlier = client_for(staff).get("/api/v1/measures/?period=2026Q1").json()
    assert next(m for m in earlier["measures"] if m["label"] == "三(五)")["latest"] is None

    own = client_for(liaison).get("/api/v1/measures/").json()
    assert [m["label"] for m in own["measures"]] == ["三(五)", "三(六)", "三(八)"]


@pytest.mark.parametrize("period", ["2026Q5", "2030Q1", "soon"])
def test_the_api_refuses_a_bad_period(plan, staff, client_for, period):
    response = client_for(staff).get("/api/v1/measures/", {"period": period})
    assert response.status_code == 400 and "period" in response.json()


def test_the_api_refuses_a_quarter_not_begun_as_progress_does(plan, staff, client_for, monkeypatch):
    monkeypatch.setattr(deadlines, "today", lambda: datetime.date(2026, 8, 15))
    client = client_for(staff)
    response = client.get("/api/v1/measures/", {"period": "2026Q4"})
    assert response.status_code == 400
    assert response.json() == {"period": "该季度尚未开始。"}
    assert client.get("/api/v1/measures/", {"period": "2026Q3"}).status_code == 200


def test_the_measures_endpoint_is_in_the_schema(client):
    schema = client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/measures/" in schema and "reported_in_period" in schema
