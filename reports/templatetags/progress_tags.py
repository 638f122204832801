from django import template

from reports.progress import Period
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


@register.filter
def quarter_label(year, quarter):
    """{{ report.year|quarter_label:report.quarter }} → 2026年第4季度, as the
    pages name quarters (not the code 2026Q4 of URLs and exports)."""
    return Period(int(year), int(quarter)).label


@register.filter
def person(user):
    """{{ event.user|person }}: the name the pages show for a user (as the
    header's), the login only when no name is set; — for none."""
    if user is None:
        return "—"
    return user.get_full_name() or user.username
