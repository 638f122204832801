from django import template

from reports.progress.display import status_badge_html
from targets.formatting import format_percent, format_value

register = template.Library()


@register.filter
def value(number, decimal_places=0):
    """{{ progress.ytd_actual|value:indicator.decimal_places }}"""
    return format_value(number, int(decimal_places))


@register.filter
def percent(fraction):
    """{{ progress.completion|percent }} → 77.5%"""
    return format_percent(fraction)


@register.simple_tag
def status_badge(status, provisional=False):
    """{% status_badge progress.status progress.provisional %}"""
    return status_badge_html(status, provisional)
