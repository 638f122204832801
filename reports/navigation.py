"""The top bar's links for the signed-in user, by what their role may open.

Built in Python once per page: the same links as a template of ``{% if
perms… %}`` and ``{% url %}`` tags, at a fraction of its cost (the bar was
about a third of the cheapest page's rendering). A link shown is never the
access check: every view enforces its own permission (targets/access.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from regions.roles import (
    ENTER_FIGURES,
    REPORT_ALL_MEASURES,
    REPORT_OWN_FIGURES,
    REPORT_OWN_MEASURES,
    REVIEW_FIGURES,
    VIEW_ALL_REGIONS,
)


@dataclass(frozen=True)
class Link:
    url: str
    label: str


def links_for(user, words: dict[str, str]) -> list[Link]:
    """The links, in the bar's order. ``words``: the plan's name for its total
    row (``county``), for its regions (``region``) and its goals (``goals``)."""
    may = user.has_perm
    sees_county = may(VIEW_ALL_REGIONS)
    own_figures = may(REPORT_OWN_FIGURES)
    own_measures = may(REPORT_OWN_MEASURES)
    links: list[tuple[str, str]] = []
    if sees_county:
        links += [
            ("reports:overview", _("%(county)s总览") % {"county": words["county"]}),
            ("reports:matrix", _("%(region)s矩阵") % {"region": words["region"]}),
            ("reports:briefing", _("季度通报")),
        ]
        if words.get("has_goals", True):
            links.insert(2, ("reports:goals", words["goals"]))
    elif own_measures:
        links.append(("home", _("本部门")))
    else:
        links.append(("home", _("本%(region)s") % {"region": words["region"]}))
        if own_figures:
            links.append(("reports:briefing", _("季度通报")))
    if sees_county or own_figures or own_measures or may(REPORT_ALL_MEASURES):
        # A township official reads the measures involving the townships.
        links.append(("reports:measures", _("任务推进")))
    if sees_county or own_figures:
        # The plan's targets and the ledger are by region: a liaison, who
        # has none, is refused them (403), so the bar does not offer them.
        links += [
            ("reports:ledger_reconcile", _("台账核对")),
            ("targets:plan", _("计划目标")),
            ("reports:ledger_incubators", _("孵化载体台账")),
        ]
    if may(ENTER_FIGURES):
        links.append(("reports:entry", _("数据填报")))
        if may(REVIEW_FIGURES):
            links.append(("reports:review", _("数据审核")))
        if words.get("has_goals", True):
            links.append(("reports:goal_entry", _("目标数据")))
        links.append(("reports:quarters", _("季度管理")))
    elif own_figures:
        links.append(("reports:entry", _("数据填报")))
    if user.is_staff:
        links.append(("admin:index", _("管理后台")))
    return [Link(reverse(name), label) for name, label in links]
