"""The site's form renderer (``FORM_RENDERER``): Django's own, with its
commonest widget templates — the ``<input>`` family and ``<select>`` — written
in Python.

Django renders every widget through templates: an ``<input>`` is two
templates (the input and its attributes), a ``<select>`` three per option. The
figure-entry grid has a hundred and more inputs and every dashboard a
quarter selector, and those templates were a twentieth of the time of every
request of the test suite. Each writer below outputs what its template
outputs — ``{{ x }}`` is ``render_value_in_context``, ``{{ x|stringformat:'s' }}``
that filter, the same whitespace, stripped as the renderer strips — and
anything else (another template, an option template of its own) goes
through the templates. tests/test_form_renderer.py compares the two on every
kind of value and on whole pages.
"""

from __future__ import annotations

import operator

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import stringformat
from django.utils.safestring import SafeData, mark_safe

WIDGETS = "django/forms/widgets/"
OPTION_TEMPLATE = WIDGETS + "select_option.html"
# Django's templates that are nothing but {% include "django/forms/widgets/input.html" %}.
INPUT_TEMPLATES = [
    WIDGETS + name
    for name in (
        "input.html",
        "text.html",
        "number.html",
        "email.html",
        "url.html",
        "password.html",
        "hidden.html",
        "search.html",
        "tel.html",
        "color.html",
        "date.html",
        "datetime.html",
        "time.html",
        "checkbox.html",
        "file.html",
    )
]
SELECT_TEMPLATE = WIDGETS + "select.html"

# What the renderer's templates render in: autoescaping, no use_l10n or
# use_tz of their own (only read here).
_CONTEXT = Context(autoescape=True)


def _shown(value) -> str:
    """``{{ value }}``."""
    return render_value_in_context(value, _CONTEXT)


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}`` (a safe value stays safe: the filter is is_safe)."""
    text = stringformat(value, "s")
    return _shown(mark_safe(text) if isinstance(value, SafeData) else text)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {_shown(name)}" + ("" if value is True else f'="{_formatted(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    """django/forms/widgets/input.html."""
    # The template's {% if widget.value != None %}, comparison and all.
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if operator.ne(value, None) else ""
    return (
        f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>\n"
    )


def _select(widget: dict) -> str | None:
    """django/forms/widgets/select.html with select_option.html for each
    option; None when an option has a template of its own."""
    parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_shown(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


WRITERS = {**dict.fromkeys(INPUT_TEMPLATES, _input), SELECT_TEMPLATE: _select}


class QuickWidgetsRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        write = WRITERS.get(template_name)
        if write is not None and set(context) == {"widget"}:
            html = write(context["widget"])
            if html is not None:
                return html.strip()  # as BaseRenderer.render strips the template's output
        return super().render(template_name, context, request)
