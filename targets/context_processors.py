"""Template context every page needs: the current plan and whether it is demo data."""

from django.http import HttpRequest

from targets.models import Plan


def plan(request: HttpRequest) -> dict:
    # Lazily evaluated: pages that never touch it cost no query.
    def current():
        if not hasattr(request, "_current_plan"):
            request._current_plan = Plan.objects.current()
        return request._current_plan

    return {"current_plan": current}
