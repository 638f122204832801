"""Every model is administrable, in Chinese, with filters and search."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from regions.models import Membership, Region
from reports.models import ClosedQuarter, Figure, QuarterEvent
from targets.models import Indicator, Plan, Target

MODELS = [Plan, Indicator, Target, Region, Membership, Figure, ClosedQuarter, QuarterEvent]


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

    close_quarter(region_a.plan, admin_user, 2025, 1)
    response = client.post(url, dict(form, value="9"))
    assert response.status_code == 403
    delete = client.post(reverse("admin:reports_figure_delete", args=[figure.pk]), {"post": "yes"})
    assert delete.status_code == 403
    figure.refresh_from_db()
    assert figure.value == Decimal("1.5")


def test_admin_cannot_add_a_figure_to_a_closed_quarter(client_for, admin_user, region_a):
    from reports.figures.quarters import close_quarter

    space = region_a.plan.indicators.get(code="space")
    close_quarter(region_a.plan, admin_user, 2025, 2)
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
