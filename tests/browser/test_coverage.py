"""A half-reported quarter in the browser: the page says who reported, a
region not reported is grey in the heatmap, and staff tick "include submitted"
(the checkbox submits the form by itself) to count a report under review."""

from __future__ import annotations

import pytest

from reports.choices import SubmissionState
from reports.models import Figure, Submission
from tests.browser.conftest import SKIP_REASON
from tests.browser.test_journeys import read_number

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(bool(SKIP_REASON), reason=SKIP_REASON or "-"),
]


def test_staff_include_submitted_figures_with_one_tick(app, demo, staff):
    # The demo's 2026 Q3 is half reported: 腾蛟's report is under review.
    tengjiao = demo.regions.get(name="腾蛟")
    assert Submission.objects.get(region=tengjiao, year=2026, quarter=3).state == (
        SubmissionState.SUBMITTED
    )
    under_review = Figure.objects.get(
        indicator__code="space", region=tengjiao, year=2026, quarter=3
    ).value

    page = app.page
    app.log_in(staff.username, at="/overview/?period=2026Q3")
    assert app.wait_for_charts() == 2  # the heatmap with its grey 未报 layer draws
    coverage = page.locator(".coverage").inner_text()
    assert "5/9 乡镇已审核,1 已上报,3 未报" in coverage
    assert "填报尚未完成" in page.locator(".coverage-notice").inner_text()
    before = read_number(app, "新增孵化空间面积", "年度累计完成")
    app.screenshot("overview-half-reported", full_page=False)

    app.submit(page.get_by_label("包含已上报未审核的数据"))
    assert "include=submitted" in page.url and "period=2026Q3" in page.url
    assert read_number(app, "新增孵化空间面积", "年度累计完成") == before + under_review
    assert "含已上报未审核的数据" in page.locator(".coverage").inner_text()
    app.wait_for_charts()
