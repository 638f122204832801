"""With the demo data, every place that shows a number shows the same one:
the overview, the matrix, each township page, the matrix's xlsx export, the
official report and the API — and they equal the database's sums of the
figures that count and the seed's targets."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from regions.roles import Role
from reports.choices import Status, SubmissionState
from reports.models import Figure, Submission
from reports.progress import Period
from tests.conftest import make_user
from tests.targets.test_plan_fixture import ANNEX1, ANNEX2, ANNEX2_INDICATORS

# The demo's latest complete quarter, where the pages open: its 2026 Q3 is
# half reported on purpose (one region submitted, one returned, one draft,
# one not started).
YEAR, QUARTER = 2026, 2
YEAR_INDEX = 1  # 2026 in the annexes


def by_label(response) -> dict:
    return {row["label"]: row["progress"] for row in response.context["indicator_table"].data.data}


def counted_ytd(year: int, quarter: int) -> dict[tuple[int, int | None], Decimal]:
    """Year-to-date sums per (indicator, region) of the figures that count, read
    straight from the tables, not through the engine's query: the county's own
    figures, and a region's figures of a quarter whose report is approved."""
    approved = set(
        Submission.objects.filter(state=SubmissionState.APPROVED).values_list(
            "region_id", "year", "quarter"
        )
    )
    ytd = defaultdict(Decimal)
    for figure in Figure.objects.filter(year=year, quarter__lte=quarter):
        if figure.region_id is None or (figure.region_id, year, figure.quarter) in approved:
            ytd[(figure.indicator_id, figure.region_id)] += figure.value
    return ytd


def test_every_surface_shows_the_same_numbers(client_for, leader, staff, groups, demo):

    indicators = {i.name: i for i in demo.indicators.all()}
    regions = list(demo.regions.all())

    # The database: year-to-date sums per (indicator, region).
    ytd = counted_ytd(YEAR, QUARTER)

    client = client_for(leader)
    payload = client.get(reverse("api:progress")).json()
    assert payload["period"] == f"{YEAR}Q{QUARTER}"  # the default, as on the pages
    api = {(row["region"], row["indicator"]): row for row in payload["rows"]}
    response = client.get(reverse("reports:overview"))
    assert response.context["period"] == Period(YEAR, QUARTER)
    overview = by_label(response)
    matrix = {
        row["region"]: row
        for row in client.get(reverse("reports:matrix")).context["matrix"].data.data
    }
    sheet = load_workbook(
        BytesIO(client_for(staff).get(reverse("reports:matrix"), {"_export": "xlsx"}).content)
    ).active
    header = [cell.value for cell in sheet[1]]
    exported = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}

    # County row: overview, API and matrix against the DB and annex 1.
    for name, indicator in indicators.items():
        county_ytd = sum(
            v
            for (i, r), v in ytd.items()
            if i == indicator.pk and (r is None) != indicator.by_region
        )
        target = Decimal(ANNEX1[name][YEAR_INDEX])
        shown = overview[indicator.label]
        assert (shown.ytd_actual, shown.annual_target) == (county_ytd, target), name
        assert Decimal(api[(None, indicator.code)]["actual"]) == county_ytd
        assert Decimal(api[(None, indicator.code)]["target"]) == target
        if indicator.by_region:
            assert matrix["全县"][f"i{indicator.pk}"].ytd_actual == county_ytd

    # Each township: matrix, export, API and its own page.
    for region in regions:
        official = make_user(f"check-{region.code}", Role.TOWNSHIP, region)
        # As of the same quarter as the county pages: a township's page opens on
        # its own latest approved quarter (2026 Q3 for most demo regions).
        page = client_for(official).get(
            reverse("reports:township", args=[region.code]), {"period": f"{YEAR}Q{QUARTER}"}
        )
        township = {
            row["label"]: row["progress"] for row in page.context["indicator_table"].data.data
        }
        for index, name in enumerate(ANNEX2_INDICATORS):
            indicator = indicators[name]
            actual = ytd[(indicator.pk, region.pk)]
            target = Decimal(ANNEX2[region.name][YEAR_INDEX][index])
            cell = matrix[region.name][f"i{indicator.pk}"]
            assert (cell.ytd_actual, cell.annual_target) == (actual, target), (region.name, name)
            assert (
                township[indicator.label].ytd_actual,
                township[indicator.label].annual_target,
            ) == (
                actual,
                target,
            )
            row = api[(region.code, indicator.code)]
            assert (Decimal(row["actual"]), Decimal(row["target"])) == (actual, target)
            assert row["status"] == cell.status == township[indicator.label].status
            column = header.index(f"{indicator.label} 累计完成")
            assert Decimal(str(exported[region.name][column])) == actual
            assert exported[region.name][header.index(f"{indicator.label} 年度目标")] == target


def test_every_surface_agrees_on_a_half_reported_quarter(client_for, leader, groups, demo):
    """The demo's 2026 Q3, half reported: every channel counts the approved
    figures only (and the county's own), and every channel says the same
    regions have not reported (null in the API, 未报 on pages and files) —
    the submitted one included, for a leader."""
    year, quarter = 2026, 3
    states = {
        region.name: Submission.objects.filter(region=region, year=year, quarter=quarter)
        .values_list("state", flat=True)
        .first()
        for region in demo.regions.all()
    }
    not_approved = {name for name, state in states.items() if state != SubmissionState.APPROVED}
    assert not_approved == {"腾蛟", "麻步", "海西", "经开区"}
    assert states["腾蛟"] == SubmissionState.SUBMITTED
    # Their figures are in the database (all but 经开区's), just not counted.
    held = Figure.objects.filter(region__name__in=not_approved, year=year, quarter=quarter)
    assert set(held.values_list("region__name", flat=True)) == not_approved - {"经开区"}

    ytd = counted_ytd(year, quarter)

    client = client_for(leader)
    query = {"period": f"{year}Q{quarter}"}
    api = {
        (row["region"], row["indicator"]): row
        for row in client.get(reverse("api:progress"), query).json()["rows"]
    }
    overview = by_label(client.get(reverse("reports:overview"), query))
    matrix = {
        row["region"]: row
        for row in client.get(reverse("reports:matrix"), query).context["matrix"].data.data
    }
    sheet = load_workbook(
        BytesIO(client.get(reverse("reports:matrix"), {**query, "_export": "xlsx"}).content)
    ).active
    header = [cell.value for cell in sheet[1]]
    exported = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    report = load_workbook(BytesIO(client.get(reverse("reports:report"), query).content))
    annex1 = {row[1]: row for row in report.worksheets[0].iter_rows(min_row=5, values_only=True)}
    annex1_actual = [c.value for c in report.worksheets[0][4]].index("年度累计完成")

    for indicator in demo.indicators.all():
        county_ytd = sum(
            v
            for (i, r), v in ytd.items()
            if i == indicator.pk and (r is None) != indicator.by_region
        )
        assert overview[indicator.label].ytd_actual == county_ytd, indicator.code
        assert Decimal(api[(None, indicator.code)]["actual"]) == county_ytd
        assert Decimal(str(annex1[indicator.label][annex1_actual])) == county_ytd
        if not indicator.by_region:
            continue
        assert matrix["全县"][f"i{indicator.pk}"].ytd_actual == county_ytd
        column = header.index(f"{indicator.label} 累计完成")
        for region in demo.regions.all():
            row = api[(region.code, indicator.code)]
            cell = matrix[region.name][f"i{indicator.pk}"]
            if region.name not in not_approved:
                actual = ytd[(indicator.pk, region.pk)]
                assert Decimal(row["actual"]) == cell.ytd_actual == actual
                assert Decimal(str(exported[region.name][column])) == actual
            else:
                assert row["actual"] is None and cell.ytd_actual is None, region.name
                assert exported[region.name][column] == "未报"
                assert row["status"] == cell.status == Status.NOT_REPORTED
