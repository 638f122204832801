"""An indicator the plan derives from its ledger (``LedgerSource.derived``):
its figures are the ledger's counts, written with the source "ledger"; nobody
types or uploads them; the overview and the API show the ledger's number."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from reports.choices import Source, SubmissionState
from reports.figures.changes import FigureChange, FigureError
from reports.figures.imports import preview_import, upload_limits
from reports.figures.ledger_figures import sync_derived_figures
from reports.figures.services import record_figures
from reports.ledger.errors import LedgerError
from reports.models import Figure, Submission
from tests.reports.figures_files import cell, edit, template
from tests.reports.ledger_factories import enterprise, incubator


@pytest.fixture
def derived(plan):
    """新增在孵企业 derived from the ledger's entries."""
    source = plan.ledger_sources.get(indicator__code="enterprises")
    source.derived = True
    source.save()
    return plan.indicators.get(code="enterprises")


def entries(region, n, day=date(2025, 2, 1), prefix="企业"):
    home = incubator(region, f"{prefix}所在园")
    for k in range(n):
        enterprise(home, f"{prefix}{k}", day)


def test_sync_writes_the_ledger_counts_with_the_source_ledger(plan, staff, region_a, derived):
    entries(region_a, 3)
    summary = sync_derived_figures(plan, staff)
    figure = Figure.objects.get(indicator=derived, region=region_a, year=2025, quarter=1)
    assert figure.value == 3
    assert figure.history.latest().history_change_reason == Source.LEDGER.value
    assert summary.changes
    # Nothing else changed: a second run writes nothing.
    assert not sync_derived_figures(plan, staff).changes
    enterprise(incubator(region_a, "新园"), "后来者", date(2025, 3, 1))
    sync_derived_figures(plan, staff)
    figure.refresh_from_db()
    assert figure.value == 4


def test_a_township_sync_writes_only_its_own_region(plan, official, region_a, region_b, derived):
    entries(region_a, 2)
    entries(region_b, 5, prefix="别处")
    sync_derived_figures(plan, official, [region_a.pk])
    written = set(Figure.objects.filter(indicator=derived).values_list("region_id", flat=True))
    assert written == {region_a.pk}


def test_typing_a_derived_figure_is_refused_whatever_the_channel(plan, staff, region_a, derived):
    change = FigureChange(derived.pk, region_a.pk, 2025, 1, Decimal(7))
    with pytest.raises(FigureError) as refused:
        record_figures(plan, staff, [change], source=Source.FORM)
    assert "由台账生成" in refused.value.messages[0]
    assert not Figure.objects.filter(indicator=derived).exists()


def test_the_entry_grid_shows_the_derived_cell_read_only_and_refuses_a_typed_value(
    client_for, staff, plan, region_a, derived
):
    client = client_for(staff)
    url = reverse("reports:entry")
    page = client.get(url, {"period": "2025Q1"})
    field = page.context["form"][f"c{derived.pk}_{region_a.pk}"]
    assert field.field.disabled
    data = {f.html_name: f.value() or "" for f in page.context["form"]}
    data[f"c{derived.pk}_{region_a.pk}"] = "9"
    data["period"] = "2025Q1"
    response = client.post(url, data)
    assert response.status_code == 400
    assert "由台账生成" in response.content.decode()
    assert not Figure.objects.filter(indicator=derived).exists()


def test_overview_and_api_show_the_ledger_count(client_for, leader, staff, plan, region_a, derived):
    entries(region_a, 3)
    sync_derived_figures(plan, staff)
    for region in plan.regions.all():
        Submission.objects.update_or_create(
            plan=plan,
            region=region,
            year=2025,
            quarter=1,
            defaults={"state": SubmissionState.APPROVED},
        )
    client = client_for(leader)
    api = client.get(reverse("api:progress"), {"period": "2025Q1"}).json()
    rows = {(row["region"], row["indicator"]): row for row in api["rows"]}
    assert Decimal(rows[(region_a.code, "enterprises")]["actual"]) == 3
    assert Decimal(rows[(None, "enterprises")]["actual"]) == 3
    overview = client.get(reverse("reports:overview"), {"period": "2025Q1"})
    county = {
        row["label"]: row["progress"] for row in overview.context["indicator_table"].data.data
    }
    label = next(label for label in county if label.startswith(derived.name))
    assert county[label].ytd_actual == 3


def test_an_upload_typing_a_derived_figure_is_refused_with_its_place(plan, staff, derived):
    data = edit(
        template(plan, "2025Q1"), {cell("昆阳", "enterprises"): 5, cell("昆阳", "space"): 1}
    )
    preview = preview_import(plan, staff, data, limits=upload_limits())
    assert not preview.ok
    assert [p for p in preview.problems if "由台账生成" in p and "第4行D列" in p]
    assert not preview.changes  # nothing of the file is to be written


def test_an_upload_carrying_the_derived_figure_unchanged_passes(plan, staff, region_a, derived):
    entries(region_a, 2)
    sync_derived_figures(plan, staff)
    data = edit(
        template(plan, "2025Q1"), {cell("昆阳", "enterprises"): 2, cell("昆阳", "space"): 1}
    )
    preview = preview_import(plan, staff, data, limits=upload_limits())
    assert preview.ok, preview.problems
    assert [c.change.indicator_id for c in preview.changes] == [
        plan.indicators.get(code="space").pk
    ]


def test_the_command_writes_the_derived_figures_as_the_named_user(plan, staff, region_a, derived):
    entries(region_a, 2)
    out = io.StringIO()
    call_command("sync_ledger_figures", "--user", staff.username, stdout=out)
    figure = Figure.objects.get(indicator=derived, region=region_a, year=2025, quarter=1)
    assert figure.value == 2 and figure.entered_by == staff
    assert "有变化" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("sync_ledger_figures")


def test_the_ledger_services_keep_the_derived_figures_in_step(plan, staff, region_a, derived):
    """No separate step: recording an enterprise through the ledger's write
    path updates the derived figure in the same transaction, and moving it to
    another township's incubator moves the count."""
    from reports.ledger.services import create_enterprise, create_incubator, update_enterprise

    def home(region, name):
        return create_incubator(
            staff,
            region=region,
            name=name,
            kind="incubator",
            floor_area=Decimal("1.00"),
            status="operating",
            status_since=date(2025, 1, 1),
            operating_since=date(2025, 1, 1),
        )

    park = home(region_a, "同步园")
    firm = create_enterprise(
        staff, incubator=park, name="同步企业", entered_on=date(2025, 5, 6), stage="incubating"
    )
    cell = {"indicator": derived, "year": 2025, "quarter": 2}
    assert Figure.objects.get(region=region_a, **cell).value == 1

    other = plan.regions.get(code="aojiang")
    update_enterprise(staff, firm, incubator=home(other, "别处园"))
    assert Figure.objects.get(region=region_a, **cell).value == 0
    assert Figure.objects.get(region=other, **cell).value == 1


def test_a_ledger_write_the_figures_refuse_is_refused_whole(plan, official, region_a, derived):
    """The township's report of the quarter is handed in: the derived figure
    may not change, so the enterprise is not recorded either."""
    from reports.ledger.services import create_enterprise
    from reports.models import Enterprise

    park = incubator(region_a, "已上报园")
    Submission.objects.create(
        plan=plan, region=region_a, year=2025, quarter=2, state=SubmissionState.SUBMITTED
    )
    with pytest.raises(LedgerError) as refused:
        create_enterprise(
            official,
            incubator=park,
            name="迟到企业",
            entered_on=date(2025, 5, 6),
            stage="incubating",
        )
    assert "由台账统计的季度数据" in refused.value.messages[0]
    assert not Enterprise.objects.filter(name="迟到企业").exists()


@pytest.mark.parametrize("who", ["official", "staff"])
def test_the_enterprise_form_shows_why_the_derived_figures_refuse_and_writes_nothing(
    client_for, plan, official, staff, region_a, derived, who
):
    """The official's quarter is handed in; for staff it is closed. The form
    comes back (400) saying which quarter stops it, not a server error."""
    from reports.models import ClosedQuarter, Enterprise

    park = incubator(region_a, "已上报园")
    if who == "official":
        user = official
        Submission.objects.create(
            plan=plan, region=region_a, year=2025, quarter=2, state=SubmissionState.SUBMITTED
        )
    else:
        user = staff
        ClosedQuarter.objects.create(plan=plan, year=2025, quarter=2)
    data = {
        "name": "迟到企业",
        "incubator": park.pk,
        "entered_on": "2025-05-06",
        "stage": "incubating",
    }
    response = client_for(user).post(reverse("reports:ledger_enterprise_create"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "由台账统计的季度数据" in page and "2025年第2季度" in page
    assert not Enterprise.objects.filter(name="迟到企业").exists()
    assert not Figure.objects.filter(indicator=derived, year=2025, quarter=2).exists()


def test_a_ledger_workbook_the_derived_figures_refuse_is_refused_at_upload(
    client_for, plan, staff, region_a, derived
):
    """The figures counted from the ledger follow once, after every row of an
    upload: a closed quarter they would change refuses the file at its upload,
    naming each row and the quarter, before anything is staged or written."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reports.ledger.workbook_writing import build_workbook
    from reports.models import ClosedQuarter, Enterprise, PendingImport

    incubator(region_a, "已关闭园")
    ClosedQuarter.objects.create(plan=plan, year=2025, quarter=2)
    row = ["迟到企业", "", "昆阳", "已关闭园", "", "2025-05-06", "孵化", None, None, ""]
    data = build_workbook({"在孵企业": [row, ["另一家企业", *row[1:]]]})
    response = client_for(staff).post(
        reverse("reports:ledger_upload"), {"file": SimpleUploadedFile("台账.xlsx", data)}
    )
    problems = response.context["problems"]
    assert response.status_code == 400
    # Each row that would change them is named, with the quarter that stops it.
    for row in (2, 3):
        said = [p for p in problems if p.startswith(f"工作表“在孵企业”第{row}行")]
        assert any("由台账统计的季度数据" in p for p in said), problems
        assert any("2025年第2季度" in p for p in said), problems
    assert not PendingImport.objects.exists()
    assert not Enterprise.objects.filter(name__in=["迟到企业", "另一家企业"]).exists()
    assert not Figure.objects.filter(indicator=derived, year=2025, quarter=2).exists()
