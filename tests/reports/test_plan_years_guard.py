"""Figures belong to the plan's quarters: every write path refuses a quarter
outside the plan's years, and a stray row put in the database some other way
(a script, a restore, a plan whose years were changed) changes no number."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from reports.choices import Source
from reports.figures.changes import FigureChange, FigureError
from reports.figures.services import record_figures
from reports.models import Figure
from tests.reports.figures_files import edit, long_sheet, snapshot, template

# The Pingyang plan runs 2025–2027: the quarter just before it and just after.
OUTSIDE = [(2024, 4), (2028, 1)]
OUTSIDE_IDS = ["2024Q4", "2028Q1"]


@pytest.mark.parametrize(("year", "quarter"), OUTSIDE, ids=OUTSIDE_IDS)
def test_record_figures_refuses_a_quarter_outside_the_plan(plan, staff, region_a, year, quarter):
    space = plan.indicators.get(code="space")
    good = FigureChange(space.pk, region_a.pk, 2025, 1, Decimal(1))
    bad = FigureChange(space.pk, region_a.pk, year, quarter, Decimal(1))
    with pytest.raises(FigureError) as error:
        record_figures(plan, staff, [good, bad], source=Source.FORM)
    assert error.value.messages == [
        f"昆阳 · 新增孵化空间面积 · {year}年第{quarter}季度:不在计划期内。"
    ]
    assert not Figure.objects.exists()


@pytest.mark.parametrize(("year", "quarter"), OUTSIDE, ids=OUTSIDE_IDS)
def test_an_upload_for_a_quarter_outside_the_plan_is_refused(
    demo, staff, client_for, year, quarter
):
    # The template's own period (sheet 说明, B13 year, B14 quarter) moved outside the plan.
    data = edit(template(demo), {"B13": year, "B14": quarter}, sheet="说明")
    before = snapshot()
    response = client_for(staff).post(
        reverse("reports:upload"), {"file": SimpleUploadedFile("填报.xlsx", data)}
    )
    assert response.status_code == 400
    assert f"年份“{year}”不在计划期 2025—2027 年内" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(("year", "quarter"), OUTSIDE, ids=OUTSIDE_IDS)
def test_a_long_sheet_row_outside_the_plan_is_refused_by_upload_and_command(
    demo, staff, client_for, tmp_path, year, quarter
):
    data = long_sheet(
        [["昆阳", "talents", 2026, 3, 5, None], ["昆阳", "talents", year, quarter, 5, None]]
    )
    before = snapshot()
    response = client_for(staff).post(
        reverse("reports:upload"), {"file": SimpleUploadedFile("数据.xlsx", data)}
    )
    assert response.status_code == 400
    assert f"年份“{year}”不在计划期 2025—2027 年内" in response.content.decode()
    path = tmp_path / "数据.xlsx"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="共 1 个问题"):
        call_command("import_figures", str(path), "--user", staff.username)
    assert snapshot() == before


@pytest.mark.parametrize(("year", "quarter"), OUTSIDE, ids=OUTSIDE_IDS)
def test_the_admin_refuses_a_quarter_outside_the_plan(
    client_for, admin_user, region_a, year, quarter
):
    space = region_a.plan.indicators.get(code="space")
    response = client_for(admin_user).post(
        reverse("admin:reports_figure_add"),
        {
            "indicator": space.pk,
            "region": region_a.pk,
            "year": year,
            "quarter": quarter,
            "value": 1,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"昆阳 · 新增孵化空间面积 · {year}年第{quarter}季度:不在计划期内。" in page
    assert f"{year}年第{quarter}季度不在计划期 2025—2027 年内。" in page  # beside the year
    assert not Figure.objects.exists()


@pytest.mark.parametrize(("year", "quarter"), OUTSIDE, ids=OUTSIDE_IDS)
def test_model_validation_refuses_a_quarter_outside_the_plan(region_a, year, quarter):
    space = region_a.plan.indicators.get(code="space")
    figure = Figure(indicator=space, region=region_a, year=year, quarter=quarter, value=1)
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert error.value.messages == [f"{year}年第{quarter}季度不在计划期 2025—2027 年内。"]


def admin_form_data(response) -> dict:
    """What the admin change page would post back unchanged: the form and its inlines."""
    data = {}
    forms = [("", response.context["adminform"].form)]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        prefix = formset.prefix
        data[f"{prefix}-TOTAL_FORMS"] = formset.total_form_count()
        data[f"{prefix}-INITIAL_FORMS"] = formset.initial_form_count()
        forms += [(f"{prefix}-{index}-", form) for index, form in enumerate(formset.forms)]
    for prefix, form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:
                data[prefix + name] = value
    return data


@pytest.mark.parametrize(
    ("first_year", "last_year", "outside"),
    [(2026, 2027, "2025年第1季度"), (2025, 2025, "2026年第1季度")],
)
def test_a_plans_years_cannot_shrink_past_its_figures(
    demo, client_for, admin_user, first_year, last_year, outside
):
    """Changing a plan's years would leave its figures outside them."""
    client = client_for(admin_user)
    url = reverse("admin:targets_plan_change", args=[demo.pk])
    data = admin_form_data(client.get(url))
    response = client.post(url, dict(data, first_year=first_year, last_year=last_year))
    assert response.status_code == 200
    assert outside in response.content.decode()
    demo.refresh_from_db()
    assert (demo.first_year, demo.last_year) == (2025, 2027)
    # The same form, unchanged, saves: the check is about the years, not the form.
    assert client.post(url, data).status_code == 302


def stray_rows(plan, region) -> None:
    """Rows outside the plan, written bypassing every service."""
    space = plan.indicators.get(code="space")
    carriers = plan.indicators.get(code="carriers")
    for year, quarter in OUTSIDE:
        Figure.objects.create(indicator=space, region=region, year=year, quarter=quarter, value=50)
        Figure.objects.create(indicator=carriers, year=year, quarter=quarter, value=50)


def numbers(client, url, query) -> tuple:
    """The period a page is as of and every number of its progress table."""
    context = client.get(url, query).context
    table = context["progress"]
    return context["period"], {key: table.cells[key] for key in table.subjects}


@pytest.mark.parametrize("period", [None, "2025Q1", "2025Q4", "2026Q3"])
def test_stray_rows_outside_the_plan_change_no_number(client_for, leader, demo, region_a, period):
    query = {"period": period} if period else {}
    client = client_for(leader)
    township = reverse("reports:township", kwargs={"region": region_a.code})

    def everything():
        return (
            client.get(reverse("api:progress"), query).json(),
            numbers(client, reverse("reports:overview"), query),
            numbers(client, township, query),
            numbers(client, reverse("reports:indicator", kwargs={"indicator": "space"}), query),
        )

    before = everything()
    stray_rows(demo, region_a)
    assert everything() == before


def test_stray_rows_move_neither_the_entry_grid_nor_its_warnings(client_for, staff, demo, region_a):
    """The grid opens on the quarter after the latest one reported inside the
    plan, and a 2028 row does not make 2025's values look small."""
    client = client_for(staff)
    before = client.get(reverse("reports:entry")).context
    stray_rows(demo, region_a)
    after = client.get(reverse("reports:entry")).context
    assert after["period"] == before["period"]
    assert str(after["grid"].rows) == str(before["grid"].rows)
