"""Template context every page needs: the current plan and whether it is demo data."""

from django.http import HttpRequest

from targets.models import current_plan


def plan(request: HttpRequest) -> dict:
    # Lazily evaluated and cached on the request: no extra query for pages
    # that already resolved the plan, none at all for pages that never use it.
    return {"current_plan": lambda: current_plan(request)}
