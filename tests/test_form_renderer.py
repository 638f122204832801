"""The site's form renderer writes the <input> and <select> widgets in
Python (incubator_plan/form_renderer.py): exactly what Django's templates
write, for every kind of value, attribute and choice, and on whole pages."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from incubator_plan.form_renderer import INPUT_TEMPLATES, SELECT_TEMPLATE, QuickWidgetsRenderer

TEMPLATES = DjangoTemplates()
QUICK = QuickWidgetsRenderer()

ATTRS = [
    {},
    {"class": "form-control", "data-autosubmit": "", "required": True, "disabled": False},
    {"id": "id_x", "inputmode": "decimal", "placeholder": '<"&">', "step": 0.5, "min": 0},
    {"title": mark_safe("<b>safe</b>"), "aria-label": gettext_lazy("截至")},
]
VALUES = [None, "", 0, 12, Decimal("1.50"), "1e9", '"><script>', mark_safe("<i>"), "中文", 3.25]


def both(widget, value, attrs=None):
    name = "field-1"
    return (
        widget.render(name, value, attrs=attrs, renderer=TEMPLATES),
        widget.render(name, value, attrs=attrs, renderer=QUICK),
    )


@pytest.mark.parametrize(
    "widget_class",
    [
        forms.TextInput,
        forms.NumberInput,
        forms.EmailInput,
        forms.URLInput,
        forms.PasswordInput,
        forms.HiddenInput,
        forms.SearchInput,
        forms.TelInput,
        forms.ColorInput,
        forms.DateInput,
        forms.DateTimeInput,
        forms.TimeInput,
        forms.CheckboxInput,
        forms.FileInput,
    ],
)
def test_inputs_are_written_as_the_templates_write_them(widget_class):
    for attrs in ATTRS:
        for value in [*VALUES, True, False]:
            widget = widget_class(attrs=attrs)
            templates, quick = both(widget, value, attrs={"id": "id_field"})
            assert quick == templates, (widget_class, attrs, value)


CHOICES = [
    [("", "—"), (1, "一"), ("2", gettext_lazy("区域")), ("<x>", '"&"'), (Decimal("3.5"), 3.5)],
    [
        ("甲组", [("a", "A"), ("b", mark_safe("<b>B</b>"))]),
        ("c", "C"),
        (gettext_lazy("乙组"), [(None, "none")]),
    ],
]


@pytest.mark.parametrize(
    "widget_class", [forms.Select, forms.SelectMultiple, forms.NullBooleanSelect]
)
def test_selects_are_written_as_the_templates_write_them(widget_class):
    for attrs in ATTRS:
        for choices in CHOICES:
            for value in [None, "", 1, "2", "<x>", ["a", "c"], "b", True, "unknown"]:
                if isinstance(value, list) and widget_class is forms.NullBooleanSelect:
                    continue  # one value only
                widget = widget_class(attrs=attrs)
                if widget_class is not forms.NullBooleanSelect:
                    widget.choices = choices
                templates, quick = both(widget, value)
                assert quick == templates, (widget_class, attrs, choices, value)


def test_a_select_with_an_option_template_of_its_own_goes_through_the_templates():
    class Special(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = Special(choices=[("a", "A")])
    templates, quick = both(widget, "a")
    assert quick == templates and "<input" in quick


def test_the_templates_written_in_python_are_the_ones_django_ships():
    # Each input template is only the include of input.html; a Django whose
    # templates change fails the comparisons above.
    for name in INPUT_TEMPLATES[1:]:
        source = TEMPLATES.get_template(name).template.source
        assert source == '{% include "django/forms/widgets/input.html" %}\n', name
    assert "select_option" not in TEMPLATES.get_template(SELECT_TEMPLATE).template.source


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')

PAGES = [
    ("staff", "reports:entry", {}),
    ("staff", "reports:overview", {}),
    ("staff", "reports:ledger_incubators", {}),
    ("staff", "reports:ledger_incubator_create", {}),
    ("staff", "reports:ledger_enterprise_create", {}),
    ("staff", "reports:quarters", {}),
    ("staff", "reports:goal_entry", {}),
    ("staff", "reports:review", {}),
    ("official", "reports:entry", {}),
    ("official", "reports:ledger_operating", {}),
]


@pytest.mark.parametrize(("who", "name", "kwargs"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES])
def test_pages_with_forms_are_the_same_with_djangos_renderer(
    client_for, settings, demo, staff, official, who, name, kwargs
):
    client = client_for({"staff": staff, "official": official}[who])
    url = reverse(name, kwargs=kwargs)
    quick = client.get(url)
    assert quick.status_code == 200
    assert "<input" in quick.content.decode() or "<select" in quick.content.decode()
    settings.FORM_RENDERER = "django.forms.renderers.DjangoTemplates"
    templates = client.get(url)
    assert CSRF.sub("", quick.content.decode()) == CSRF.sub("", templates.content.decode())
