"""Every model is administrable, in Chinese, with filters and search."""

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
