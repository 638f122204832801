"""A chart says what the table beside it says, and a need per quarter reads as
the amount that actually suffices (the API keeps the exact value)."""

from __future__ import annotations

import json
from decimal import Decimal

from django.urls import reverse

from reports.models import Figure

# Q1: three quarters left, so needs are thirds; 序时 is a quarter of each target
# (5 tech enterprises → 1.25), which a whole-number indicator cannot show.
PERIOD = "2026Q1"


def table_texts(table, key: str, column: str) -> dict[str, str]:
    return {str(row.record[key]): str(row.get_cell(column)) for row in table.rows}


def chart(response, name: str) -> dict:
    return json.loads(dict(response.context["charts"])[name])


def test_indicator_page_hovers_show_the_tables_numbers(client_for, leader, demo):
    for code in ["tech-enterprises", "enterprises", "space"]:
        response = client_for(leader).get(
            reverse("reports:indicator", args=[code]), {"period": PERIOD}
        )
        table = response.context["region_table"]
        gap = chart(response, "chart-gap")["data"][0]
        for name, (gap_text, need_text) in zip(gap["y"], gap["customdata"], strict=True):
            assert gap_text == table_texts(table, "region", "gap_to_target")[name], (code, name)
            assert need_text == table_texts(table, "region", "needed_per_quarter")[name]
        actual = chart(response, "chart-actual")["data"]
        expected = table_texts(table, "region", "expected_value")
        marker = actual[2]
        for name, text in zip(marker["x"], marker["customdata"], strict=True):
            assert text == expected[name], (code, name)
        targets = table_texts(table, "region", "annual_target")
        for name, text in zip(actual[0]["x"], actual[0]["customdata"], strict=True):
            assert text == targets[name]
        completion = table_texts(table, "region", "completion")
        for name, (_actual, rate) in zip(actual[1]["x"], actual[1]["customdata"], strict=True):
            assert rate == completion[name]


def test_expected_hover_keeps_the_quarter_a_whole_number_cannot_show(client_for, leader, demo):
    response = client_for(leader).get(
        reverse("reports:indicator", args=["tech-enterprises"]), {"period": PERIOD}
    )
    marker = chart(response, "chart-actual")["data"][2]
    by_region = dict(zip(marker["x"], marker["customdata"], strict=True))
    assert by_region["昆阳"] == "1.25"  # 5 × 1/4, not "1"


def test_plan_to_date_hovers_show_the_tables_plan_numbers(client_for, leader, demo):
    response = client_for(leader).get(
        reverse("reports:indicator", args=["space"]), {"period": PERIOD}
    )
    table = response.context["region_table"]
    bars = chart(response, "chart-plan")["data"]
    targets = table_texts(table, "region", "plan_target")
    actuals = table_texts(table, "region", "plan_actual")
    for name, text in zip(bars[0]["x"], bars[0]["customdata"], strict=True):
        assert text == targets[name]
    for name, (actual, _rate) in zip(bars[1]["x"], bars[1]["customdata"], strict=True):
        assert actual == actuals[name]


def test_overview_completion_labels_read_as_the_table(client_for, leader, demo):
    response = client_for(leader).get(reverse("reports:overview"))
    table = response.context["indicator_table"]
    texts = {row.record["progress"]: str(row.get_cell("completion")) for row in table.rows}
    bars = chart(response, "chart-completion")["data"][0]
    county = response.context["progress"]
    # The label is text written by the server, not plotly's own number format
    # (d3 rounds the binary float: 17.45 would read 17.4).
    assert bars["texttemplate"] == "%{text}"
    for indicator, label in zip(county.indicators, bars["text"], strict=True):
        assert label == texts[county.cell(None, indicator.id)]


def set_quarter(indicator, region, value: str, year: int = 2026, quarter: int = 1) -> None:
    Figure.objects.update_or_create(
        indicator=indicator,
        region=region,
        year=year,
        quarter=quarter,
        defaults={"value": Decimal(value)},
    )


def test_need_per_quarter_for_people_is_the_whole_number_that_suffices(
    client_for, leader, demo, region_a
):
    talents = demo.indicators.get(code="talents")
    set_quarter(talents, region_a, "369")  # target 400: 31 left over three quarters
    client = client_for(leader)
    response = client.get(reverse("reports:indicator", args=["talents"]), {"period": PERIOD})
    table = response.context["region_table"]
    assert table_texts(table, "region", "needed_per_quarter")["昆阳"] == "11"  # not 10.33
    gap = chart(response, "chart-gap")["data"][0]
    needs = {name: need for name, (_gap, need) in zip(gap["y"], gap["customdata"], strict=True)}
    assert needs["昆阳"] == "11"
    # The township's own page says the same.
    page = client.get(reverse("reports:township", args=[region_a.code]), {"period": PERIOD})
    own = table_texts(page.context["indicator_table"], "label", "needed_per_quarter")
    assert own[talents.label] == "11"
    # The API keeps the exact value: 31 / 3.
    rows = client.get(reverse("api:progress"), {"period": PERIOD}).json()["rows"]
    row = next(r for r in rows if r["region"] == region_a.code and r["indicator"] == "talents")
    assert Decimal(row["needed_per_quarter"]) == (Decimal(31) / 3).quantize(Decimal("0.000001"))


def test_need_per_quarter_for_floor_space_rounds_up_at_its_two_places(
    client_for, leader, demo, region_a
):
    space = demo.indicators.get(code="space")  # 昆阳 2026: 3 万㎡
    set_quarter(space, region_a, "2")  # 1 left over three quarters: 0.333…
    response = client_for(leader).get(
        reverse("reports:indicator", args=["space"]), {"period": PERIOD}
    )
    needs = table_texts(response.context["region_table"], "region", "needed_per_quarter")
    assert needs["昆阳"] == "0.34"


def test_matrix_csv_export_rounds_rates_half_up(client_for, staff, demo, region_a):
    talents = demo.indicators.get(code="talents")  # 昆阳 2026: 400
    set_quarter(talents, region_a, "69")  # 17.25%: half-even would write 17.2
    response = client_for(staff).get(
        reverse("reports:matrix"), {"period": PERIOD, "_export": "csv"}
    )
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    header = lines[0].split(",")
    kunyang = next(line.split(",") for line in lines if line.startswith("昆阳"))
    assert kunyang[header.index(f"{talents.label} 完成率(%)")] == "17.3"


def test_cumulative_expected_line_keeps_its_quarters(client_for, official, demo, region_a):
    response = client_for(official).get(
        reverse("reports:township", args=[region_a.code]), {"period": PERIOD}
    )
    lines = chart(response, "chart-cumulative-tech-enterprises")["data"]
    expected = dict(zip(lines[1]["x"], lines[1]["customdata"], strict=True))
    assert expected["2026Q1"] == "6.25"  # 昆阳: 5 in 2025, then 5 × 1/4; not "6"
