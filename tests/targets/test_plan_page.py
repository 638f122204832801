import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.demo.scale import generate_plan
from tests.plan_totals import keep_only_plan_totals

PLAN_URL = reverse("targets:plan")


@pytest.mark.parametrize("persona", ["staff", "leader"])
def test_county_users_see_both_annexes_in_chinese(client_for, persona, request):
    response = client_for(request.getfixturevalue(persona)).get(PLAN_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "附件1 任务指标" in html
    assert "新增孵化空间面积(万平方米)" in html
    assert "2025年建设任务" in html
    assert "新增温州“20”孵化器" in html
    # Annex 2 lists every township and the county total row.
    for name in ["昆阳", "鳌江", "经开区", "全县"]:
        assert name in html
    annex1 = response.context["annex1"]
    space = next(row for row in annex1.data.data if row["label"].startswith("新增孵化空间面积"))
    assert (space["y2025"], space["y2026"], space["y2027"], space["total"]) == (16, 22, 32, 70)
    assert space["stretch"] == 80


def test_township_official_sees_only_their_own_row(client_for, official):
    response = client_for(official).get(PLAN_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "昆阳" in html
    for other in ["鳌江", "水头", "萧江", "万全", "腾蛟", "麻步", "海西", "经开区"]:
        assert other not in html
    assert response.context["annex1"] is None
    rows_2025 = dict(response.context["annex2"])[2025].data.data
    assert [row["region"] for row in rows_2025] == ["昆阳"]


def test_township_official_without_region_gets_a_clear_message(client_for, unbound):
    response = client_for(unbound).get(PLAN_URL)
    assert response.status_code == 403
    assert "尚未绑定乡镇" in response.content.decode()


def regions_shown(response) -> list[list[str]]:
    return [
        [row["region"] for row in table.data.data] for _year, table in response.context["annex2"]
    ]


def test_plan_page_shows_a_large_plans_regions_a_page_at_a_time(client_for, staff, settings):
    settings.MATRIX_PAGE_SIZE = 10
    generate_plan(regions=25, indicators=3, years=2, seed=11)
    client = client_for(staff)
    first = client.get(PLAN_URL)
    expected = [f"Region {i:05d}" for i in range(1, 11)] + ["County"]
    assert regions_shown(first) == [expected, expected]  # each year: the page and the total
    assert "?page=2" in first.content.decode()
    last = client.get(PLAN_URL, {"page": 3})
    expected = [f"Region {i:05d}" for i in range(21, 26)] + ["County"]
    assert regions_shown(last) == [expected, expected]
    # A page number out of range or not a number shows a real page.
    assert regions_shown(client.get(PLAN_URL, {"page": "99"})) == regions_shown(last)
    assert regions_shown(client.get(PLAN_URL, {"page": "x"})) == regions_shown(first)


def test_plan_page_query_count_does_not_grow_with_the_plan(client_for, staff, settings):
    """The seed plan's 9 regions fit one page, the generated plan's 30 make
    three (pages of 10 here, of 100 in production: the same path at a tenth
    of the rows); a query per region or per page would show."""
    settings.MATRIX_PAGE_SIZE = 10
    client = client_for(staff)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PLAN_URL).status_code == 200
        return len(queries)

    seed = count()
    generate_plan(regions=30, indicators=5, years=3, seed=11)  # three pages of regions
    # Session, user and permissions ×2, plan, notices; indicators, regions
    # counted and one page of them, the targets of those regions and the county.
    assert (seed, count()) == (10, 10)


def test_every_project_table_keeps_the_base_styling_and_sorting_choice():
    from reports.figures.completeness import MissingTable, QuartersTable
    from reports.figures.history import ChangeTable
    from reports.views.tables import IndicatorProgressTable, MatrixTable, QuarterlyFiguresTable
    from targets.tables import Annex1Table, Annex2Table

    for table in [
        Annex1Table,
        Annex2Table,
        QuarterlyFiguresTable,
        QuartersTable,
        MissingTable,
        ChangeTable,
        IndicatorProgressTable,
    ]:
        assert table._meta.orderable is False, table
        assert "table-striped" in table._meta.attrs["class"], table
    assert MatrixTable._meta.orderable is True
    assert "table-striped" in MatrixTable._meta.attrs["class"]


def test_a_years_own_high_line_is_shown_beside_its_target(client_for, staff, plan, tmp_path):
    """东湖's annex 1 sets a 2030 高线 for its labs (10 against 8): the plan
    page and the official report show it, not only the export."""
    from io import BytesIO

    from openpyxl import load_workbook

    from targets.services import import_plan
    from tests.targets.test_workbook import build_other_county

    path = tmp_path / "donghu.xlsx"
    build_other_county(path)
    import_plan(path, activate=True)
    client = client_for(staff)
    table = client.get(PLAN_URL).context["annex1"]
    names = [column.verbose_name for column in table.columns]
    assert names.index("2030年高线") == names.index("2030年建设任务") + 1
    labs = next(row for row in table.data.data if row["label"].startswith("新建实验室"))
    assert (labs["y2030"], labs["s2030"]) == (8, 10)
    book = load_workbook(BytesIO(client.get(reverse("reports:report")).content))
    sheet = book["附件1 任务指标"]
    headers = [cell.value for cell in sheet[4]]
    assert "2030年高线" in headers
    row = next(r for r in sheet.iter_rows(min_row=5, values_only=True) if r[1] and "实验室" in r[1])
    assert row[headers.index("2030年高线")] == 10


def test_a_regions_own_high_line_is_shown_in_annex_2_and_on_its_page(
    client_for, staff, official, plan
):
    """A plan may give a township a 高线 of its own (annex 2's 2026年高线
    group): annex 2 shows it beside the target, and so does the township's
    table of yearly targets; an indicator without one gets no such column."""
    from targets.models import Target

    space, talents = plan.indicators.get(code="space"), plan.indicators.get(code="talents")
    kunyang = plan.regions.get(name="昆阳")
    Target.objects.filter(indicator=space, region=kunyang, year=2026).update(stretch_value=4)

    annex2 = dict(client_for(staff).get(PLAN_URL).context["annex2"])
    names = [column.verbose_name for column in annex2[2026].columns]
    stretch = f"{space.annex2_label}高线"
    assert names.index(stretch) == names.index(space.annex2_label) + 1
    assert f"{talents.annex2_label}高线" not in names
    assert stretch not in [column.verbose_name for column in annex2[2025].columns]
    rows = {row["region"]: row for row in annex2[2026].data.data}
    assert (rows["昆阳"][f"i{space.pk}"], rows["昆阳"][f"s{space.pk}"]) == (3, 4)
    assert rows["鳌江"][f"s{space.pk}"] is None

    # The county's own 高线 of a year is annex 1's: no annex-2 column for it alone.
    Target.objects.filter(indicator=talents, region=None, year=2026).update(stretch_value=2500)
    annex2 = dict(client_for(staff).get(PLAN_URL).context["annex2"])
    assert f"{talents.annex2_label}高线" not in [c.verbose_name for c in annex2[2026].columns]

    page = client_for(official).get(reverse("reports:township", args=["kunyang"]))
    targets = page.context["targets_table"]
    assert "2026年高线" in [column.verbose_name for column in targets.columns]
    row = next(r for r in targets.data.data if r["label"] == space.label)
    assert (row["y2026"], row["s2026"]) == (3, 4)


def test_an_indicator_with_plan_totals_only_shows_them_in_annex_2s_total(
    client_for, staff, official, plan
):
    """Its regions have no year's target, only a plan total: annex 2 shows
    those totals in a 总计 table (as the plan prints them), not a row of —."""
    talents = plan.indicators.get(code="talents")
    totals = keep_only_plan_totals(talents)
    kunyang = plan.regions.get(name="昆阳")
    response = client_for(staff).get(PLAN_URL)
    table = response.context["annex2_total"]
    rows = {row["region"]: row[f"i{talents.pk}"] for row in table.data.data}
    assert rows["昆阳"] == totals[kunyang.pk] and rows["全县"] == totals[None]
    assert "总计" in response.content.decode()
    # A township official sees their own total alone.
    own = client_for(official).get(PLAN_URL).context["annex2_total"]
    assert [row["region"] for row in own.data.data] == ["昆阳"]


def test_a_plan_with_yearly_targets_only_has_no_total_table(client_for, staff, plan):
    assert client_for(staff).get(PLAN_URL).context["annex2_total"] is None
