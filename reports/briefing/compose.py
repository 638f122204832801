"""Composing the quarterly briefing (季度通报): the facts gathered from the
engine (``gather``), phrased by rules (``phrasing``, ``sections``), laid out
as numbered sections and a table (``document.Briefing``).

``compose_briefing`` is the entry point for a reader's scope; ``briefing_for``
applies a user's scope and the township-rank setting first. The text is in
the active language (``translation.override("en")`` gives English); the
numbers are the same in every language.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from regions.models import Region
from reports.briefing import sections
from reports.briefing.document import Briefing, BriefingSection
from reports.briefing.facts import BriefingFacts
from reports.briefing.gather import gather
from reports.briefing.phrasing import indicator_paragraph
from reports.progress import Period
from reports.progress.queries import may_include_submitted
from targets.access import scope_for
from targets.formatting import goals_term
from targets.models import Plan


def compose_briefing(
    *,
    plan: Plan,
    year: int,
    quarter: int,
    regions: QuerySet[Region],
    region: Region | None = None,
    show_rank: bool = False,
    include_submitted: bool = False,
) -> Briefing:
    """The briefing of ``year`` Q``quarter`` for a reader whose scope is
    ``regions`` (``Region.objects.visible_to(user)``): the county's when
    ``region`` is None (the reader must see every region), else that
    township's own, with its rank among all townships only when
    ``show_rank``. ``include_submitted`` counts reports not yet approved
    (staff only: the caller decides). ``facts.OutsideScope`` when the region
    or the county is not the reader's to see."""
    facts = gather(
        plan=plan,
        period=Period(year, quarter),
        regions=regions,
        region=region,
        show_rank=show_rank,
        include_submitted=include_submitted,
    )
    return briefing_from_facts(facts)


def briefing_from_facts(facts: BriefingFacts) -> Briefing:
    """The briefing's text from its facts: pure, no database."""
    subject = facts.subject_name
    parts: list[tuple[str, list[str]]] = [
        (_("总体情况"), sections.overview(facts)),
        (
            _("各项指标完成情况"),
            [
                indicator_paragraph(
                    item,
                    subject,
                    facts.period,
                    region_term=facts.region_term,
                    county=facts.region is None,
                )
                for item in facts.indicators
            ],
        ),
    ]
    if facts.goals:
        goals = goals_term(facts.last_year - facts.first_year + 1)
        parts.append((_("%(goals)s进展") % {"goals": goals}, sections.goals(facts)))
    if facts.measures:
        parts.append((_("重点任务推进情况"), sections.measures(facts)))
    parts.append((_("下一步工作要求"), sections.next_steps(facts)))
    # English sentences end in a space, to be joined: none is left at an end.
    numbered = tuple(
        BriefingSection(
            heading=sections.heading(index, heading),
            paragraphs=tuple(p.strip() for p in paragraphs if p.strip()),
        )
        for index, (heading, paragraphs) in enumerate(parts, start=1)
    )
    return Briefing(
        title=sections.title(facts),
        number_line=sections.number_line(facts),
        opening=sections.opening(facts).strip(),
        sections=numbered,
        table=sections.indicator_table(facts),
        year=facts.period.year,
        quarter=facts.period.quarter,
        region_id=None if facts.region is None else facts.region.id,
    )


def briefing_for(
    user,
    plan: Plan,
    year: int,
    quarter: int,
    region: Region | None = None,
    *,
    include_submitted: bool = False,
) -> Briefing:
    """The briefing ``user`` may read: a township official always gets their
    own township's (whatever ``region`` asks); a county reader the county's,
    or a township's of their scope. The township's rank among townships only
    when ``settings.BRIEFING_SHOW_TOWNSHIP_RANK`` allows it; reports not yet
    approved counted only when asked and the user is staff. ``OutOfScope``
    (targets.access) when the user may see nothing of the plan."""
    scope = scope_for(user, plan)
    if not scope.whole_county:
        region = scope.own_region
    return compose_briefing(
        plan=plan,
        year=year,
        quarter=quarter,
        regions=scope.regions,
        region=region,
        show_rank=settings.BRIEFING_SHOW_TOWNSHIP_RANK,
        include_submitted=include_submitted and may_include_submitted(user),
    )
