"""``problems|problem_total``: how many problems a list stands for, those it
does not list included (``targets.excel.values.ProblemList``)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def problem_total(problems) -> int:
    return getattr(problems, "total", len(problems))
