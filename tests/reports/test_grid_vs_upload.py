"""The two ways staff report a quarter land exactly the same: a full quarter
typed into the entry grid and the same quarter uploaded from the downloaded
template give identical figures and identical dashboards."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.models import Figure
from tests.reports.figures_files import cell, edit, figure_values
from tests.reports.test_entry import grid_data

TEMPLATE = reverse("reports:entry_template")
UPLOAD = reverse("reports:upload")


def quarter_values(plan) -> dict[tuple[str, str], Decimal]:
    """A plausible value for every cell of a quarter (region or 全县, indicator)."""
    values = {}
    for n, region in enumerate(plan.regions.all()):
        for m, indicator in enumerate(i for i in plan.indicators.all() if i.by_region):
            step = Decimal("0.05") if indicator.decimal_places else Decimal(1)
            values[(region.name, indicator.code)] = (n + m + 1) * step
    values[("全县", "carriers")] = Decimal(2)
    return values


def dashboards(client) -> tuple:
    overview = client.get(reverse("reports:overview"), {"period": "2026Q4"}).context
    matrix = client.get(reverse("reports:matrix"), {"period": "2026Q4"}).context
    api = client.get(reverse("api:progress"), {"period": "2026Q4"}).json()
    return (
        [row["progress"] for row in overview["indicator_table"].data.data],
        [
            [row.get(key) for key in sorted(row) if key.startswith("i")]
            for row in matrix["matrix"].data.data
        ],
        api,
    )


def test_grid_and_template_upload_give_identical_figures_and_dashboards(client_for, staff, demo):
    client = client_for(staff)
    values = quarter_values(demo)

    # 1. The grid.
    data = grid_data(client, "2026Q4")
    for (region_name, code), value in values.items():
        indicator = demo.indicators.get(code=code)
        where = "county" if region_name == "全县" else demo.regions.get(name=region_name).pk
        data[f"c{indicator.pk}_{where}"] = str(value)
    data["confirm_warnings"] = "on"
    assert client.post(reverse("reports:entry"), data).status_code == 302
    by_grid = figure_values(demo, 2026, 4)
    assert len(by_grid) == len(values) == 9 * 5 + 1
    seen_by_grid = dashboards(client)

    # 2. Forget them, then upload the downloaded template filled with the same values.
    Figure.objects.filter(year=2026, quarter=4).delete()
    blank = client.get(TEMPLATE, {"period": "2026Q4", "mode": "quarter"}).content
    filled = edit(blank, {cell(r, code): float(v) for (r, code), v in values.items()})
    response = client.post(UPLOAD, {"file": SimpleUploadedFile("2026Q4.xlsx", filled)})
    assert response.status_code == 302
    assert client.post(response["Location"], {"action": "confirm"}).status_code == 302

    assert figure_values(demo, 2026, 4) == by_grid
    assert dashboards(client) == seen_by_grid

    # 3. The template downloaded now, uploaded unchanged, changes nothing.
    again = client.get(TEMPLATE, {"period": "2026Q4", "mode": "quarter"}).content
    preview = client.post(UPLOAD, {"file": SimpleUploadedFile("again.xlsx", again)})
    assert "与系统中的数据完全一致" in preview.content.decode()
    assert figure_values(demo, 2026, 4) == by_grid


def test_grid_and_upload_word_the_same_changes_alike(client_for, staff, demo):
    """One summary of changes for both paths: the same edits (one cell filled,
    one corrected, one cleared) made in the grid for one quarter and by upload
    for another are counted and worded the same, on the preview page too."""
    client = client_for(staff)
    Figure.objects.filter(region__name="海西", indicator__code="space").delete()
    edits = {("海西", "space"): Decimal("0.5"), ("昆阳", "talents"): 777, ("鳌江", "space"): None}

    data = grid_data(client, "2026Q3")
    for (region_name, code), value in edits.items():
        where = demo.regions.get(name=region_name).pk
        name = f"c{demo.indicators.get(code=code).pk}_{where}"
        data[name] = "" if value is None else str(value)
    data["confirm_warnings"] = "on"
    saved = client.post(reverse("reports:entry"), data, follow=True).content.decode()
    by_grid = re.search(r"已保存 2026年第3季度:(.+?)。", saved).group(1)

    blank = client.get(TEMPLATE, {"period": "2026Q2", "mode": "quarter"}).content
    filled = edit(blank, {cell(r, code): v and float(v) for (r, code), v in edits.items()})
    response = client.post(UPLOAD, {"file": SimpleUploadedFile("2026Q2.xlsx", filled)})
    previewed = client.get(response["Location"]).content.decode()
    imported = client.post(response["Location"], {"action": "confirm"}, follow=True)
    by_upload = re.search(r"已导入“2026Q2.xlsx”:(.+?)。", imported.content.decode()).group(1)

    assert by_grid == by_upload == "新增 1 项,修改 1 项,清除 1 项"
    assert f"{by_upload};{9 * 5 + 1 - 3} 项不变" in previewed
