"""Template context every page needs: the current plan, whether it is demo
data, and the plan's own words for its total row and its regions."""

from django.http import HttpRequest
from django.utils.translation import pgettext

from targets.models import Plan, current_plan


def plan_words(plan: Plan | None) -> dict[str, str]:
    """``county``: what the plan calls its total row (全县, 全市…); ``region``:
    what it calls its regions (乡镇, 区县, 街道…); ``bureau``: the
    department that runs the dashboard (县科技局, 市科技局…); ``goals``: its headline goals
    by its length (三年目标). Without a plan, the defaults a new plan gets."""
    if plan is None:
        return {
            "county": str(Plan._meta.get_field("county_name").get_default()),
            "region": str(Plan._meta.get_field("region_term").get_default()),
            "bureau": str(Plan._meta.get_field("bureau_name").get_default()),
            "goals": pgettext("goals", "目标要求"),
        }
    return {
        "county": plan.county_name,
        "region": plan.region_term,
        "bureau": plan.bureau_name,
        "goals": plan.goals_term,
        # A plan without headline goals has no goals page to offer.
        "has_goals": getattr(plan, "has_goals", True),
    }


def plan(request: HttpRequest) -> dict:
    # Lazily evaluated and cached on the request: no extra query for pages
    # that already resolved the plan, none at all for pages that never use it.
    return {
        "current_plan": lambda: current_plan(request),
        "plan_words": lambda: plan_words(current_plan(request)),
    }
