"""Every model is administrable, in Chinese, with filters and search."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from regions.models import Membership, Region
from reports.models import (
    ClosedQuarter,
    DuplicateDecision,
    Enterprise,
    EnterpriseFlagGrant,
    Figure,
    Incubator,
    IncubatorFlagGrant,
    IncubatorQuarter,
    IncubatorRecognition,
    QuarterEvent,
)
from targets.models import Indicator, Plan, Target

MODELS = [Plan, Indicator, Target, Region, Membership, Figure, ClosedQuarter, QuarterEvent]
LEDGER_MODELS = [
    Incubator,
    IncubatorRecognition,
    IncubatorFlagGrant,
    Enterprise,
    EnterpriseFlagGrant,
    IncubatorQuarter,
    DuplicateDecision,
]
MODELS += LEDGER_MODELS


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_model_is_registered_with_filters_and_search(model):
    model_admin = admin.site._registry[model]
    assert model_admin.list_filter, model
    assert model_admin.search_fields, model


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_changelist_renders_in_chinese_with_search(client_for, admin_user, region_a, model):
    Figure.objects.create(
        indicator=region_a.plan.indicators.first(), region=region_a, year=2025, quarter=1, value=1
    )
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client_for(admin_user).get(url, {"q": "昆阳"})
    assert response.status_code == 200
    assert str(model._meta.verbose_name_plural) in response.content.decode()


def test_model_names_are_chinese():
    assert Figure._meta.verbose_name == "季度数据"
    assert Target._meta.verbose_name == "目标"
    assert Region._meta.verbose_name == "区域"


def test_admin_edit_goes_through_record_figures_with_history(client_for, admin_user, region_a):
    from reports.figures.quarters import close_quarter

    space = region_a.plan.indicators.get(code="space")
    figure = Figure.objects.create(indicator=space, region=region_a, year=2025, quarter=1, value=1)
    url = reverse("admin:reports_figure_change", args=[figure.pk])
    form = {
        "indicator": space.pk,
        "region": region_a.pk,
        "year": 2025,
        "quarter": 1,
        "value": "1.5",
        "note": "",
    }
    client = client_for(admin_user)
    response = client.post(url, form)
    assert response.status_code == 302
    figure.refresh_from_db()
    assert figure.value == Decimal("1.5") and figure.version == 2
    assert figure.history.first().history_change_reason == "admin"

    close_quarter(region_a.plan, admin_user, 2025, 1, reason="核定", override=True)
    response = client.post(url, dict(form, value="9"))
    assert response.status_code == 403
    delete = client.post(reverse("admin:reports_figure_delete", args=[figure.pk]), {"post": "yes"})
    assert delete.status_code == 403
    figure.refresh_from_db()
    assert figure.value == Decimal("1.5")


def test_admin_cannot_add_a_figure_to_a_closed_quarter(client_for, admin_user, region_a):
    from reports.figures.quarters import close_quarter

    space = region_a.plan.indicators.get(code="space")
    close_quarter(region_a.plan, admin_user, 2025, 2, reason="核定", override=True)
    response = client_for(admin_user).post(
        reverse("admin:reports_figure_add"),
        {"indicator": space.pk, "region": region_a.pk, "year": 2025, "quarter": 2, "value": "1"},
    )
    assert response.status_code == 200
    assert "2025年第2季度已关闭" in response.content.decode()
    assert not Figure.objects.exists()


def test_admin_rejects_an_invalid_figure_with_the_reason(client_for, admin_user, region_a):
    enterprises = region_a.plan.indicators.get(code="enterprises")
    response = client_for(admin_user).post(
        reverse("admin:reports_figure_add"),
        {
            "indicator": enterprises.pk,
            "region": region_a.pk,
            "year": 2031,
            "quarter": 1,
            "value": "2.5",
        },
    )
    html = response.content.decode()
    assert "不在计划期内" in html and "只能填整数" in html
    assert not Figure.objects.exists()


def test_an_admin_correction_shows_in_the_history_as_made_in_the_admin(
    client_for, admin_user, staff, region_a
):
    space = region_a.plan.indicators.get(code="space")
    figure = Figure.objects.create(indicator=space, region=region_a, year=2025, quarter=1, value=1)
    form = {"indicator": space.pk, "region": region_a.pk, "year": 2025, "quarter": 1, "note": ""}
    url = reverse("admin:reports_figure_change", args=[figure.pk])
    assert client_for(admin_user).post(url, dict(form, value="1.5")).status_code == 302
    history = client_for(staff).get(
        reverse("reports:history", args=[region_a.code]), {"period": "2025Q1"}
    )
    newest = history.context["figure_table"].data.data[0]
    assert (newest["user"], newest["old"], newest["new"], newest["how"]) == (
        "admin",
        Decimal(1),
        Decimal("1.5"),
        "管理后台",
    )


def test_admin_cannot_move_a_figure_into_a_closed_quarter(client_for, admin_user, region_a):
    from reports.figures.quarters import close_quarter

    space = region_a.plan.indicators.get(code="space")
    figure = Figure.objects.create(indicator=space, region=region_a, year=2025, quarter=1, value=1)
    close_quarter(region_a.plan, admin_user, 2025, 2, reason="核定", override=True)
    response = client_for(admin_user).post(
        reverse("admin:reports_figure_change", args=[figure.pk]),
        {"indicator": space.pk, "region": region_a.pk, "year": 2025, "quarter": 2, "value": "1"},
    )
    assert response.status_code == 200
    assert "2025年第2季度已关闭" in response.content.decode()
    assert list(Figure.objects.values_list("year", "quarter", "value")) == [(2025, 1, 1)]
    assert Figure.history.count() == 1  # its creation above, nothing since


def test_reverting_in_the_admin_history_goes_through_record_figures(
    client_for, admin_user, region_a
):
    """django-simple-history's "revert" form saves through the same admin save."""
    from reports.figures.quarters import close_quarter, reopen_quarter

    space = region_a.plan.indicators.get(code="space")
    client = client_for(admin_user)
    form = {"indicator": space.pk, "region": region_a.pk, "year": 2025, "quarter": 1, "note": ""}
    client.post(reverse("admin:reports_figure_add"), dict(form, value="1"))
    figure = Figure.objects.get()
    client.post(reverse("admin:reports_figure_change", args=[figure.pk]), dict(form, value="2"))
    first = figure.history.earliest("history_date")
    revert = reverse("admin:reports_figure_simple_history", args=[figure.pk, first.history_id])

    close_quarter(region_a.plan, admin_user, 2025, 1, reason="核定", override=True)
    client.post(revert, dict(form, value="1"))
    figure.refresh_from_db()
    assert figure.value == 2 and figure.history.count() == 2

    reopen_quarter(region_a.plan, admin_user, 2025, 1, reason="更正")
    assert client.post(revert, dict(form, value="1")).status_code == 302
    figure.refresh_from_db()
    assert figure.value == 1 and figure.version == 3
    assert figure.history.first().history_change_reason == "admin"


@pytest.mark.parametrize("model", LEDGER_MODELS, ids=lambda m: m.__name__)
def test_the_ledger_is_read_only_in_the_admin(client_for, admin_user, model):
    """Ledger records are written on the ledger pages (scope, credit codes, one
    record per firm); the admin reads them and their history."""
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    client = client_for(admin_user)
    assert client.get(reverse(f"{name}_changelist")).status_code == 200
    assert client.get(reverse(f"{name}_add")).status_code == 403


def test_an_incubators_history_is_readable_in_the_admin(client_for, admin_user, staff, region_a):
    from tests.reports.ledger_data import incubator

    made = incubator(staff, region_a)
    client = client_for(admin_user)
    history = client.get(reverse("admin:reports_incubator_history", args=[made.pk]))
    assert history.status_code == 200 and "staff" in history.content.decode()
    change = client.post(reverse("admin:reports_incubator_change", args=[made.pk]), {"name": "x"})
    assert change.status_code == 403


HUGE_ID = "99999999999999999999"  # past any integer column's range


@pytest.mark.parametrize("model", [*admin.site._registry], ids=lambda m: m.__name__)
def test_an_out_of_range_id_in_an_admin_action_changes_nothing_and_is_no_error(
    client_for, admin_user, region_a, model
):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    before = model._base_manager.count()
    response = client_for(admin_user).post(
        url, {"action": "delete_selected", "_selected_action": [HUGE_ID], "post": "yes"}
    )
    assert response.status_code in (200, 302)
    assert model._base_manager.count() == before


def test_an_out_of_range_choice_in_an_admin_form_is_refused_as_an_invalid_choice(
    client_for, admin_user, region_a
):
    response = client_for(admin_user).post(
        reverse("admin:reports_figure_add"),
        {"indicator": HUGE_ID, "region": HUGE_ID, "year": 2025, "quarter": 1, "value": "1"},
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not Figure.objects.exists()


def test_an_in_lookup_skips_ids_no_column_can_hold(region_a):
    """What the admin relies on above, for every integer column: the id that
    exists is found, the impossible one matches nothing."""
    assert list(Region.objects.filter(pk__in=[int(HUGE_ID), region_a.pk])) == [region_a]
    assert not Region.objects.filter(pk__in=[int(HUGE_ID), -int(HUGE_ID)]).exists()
