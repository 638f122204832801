"""The briefing's other parts, chosen by rules from the facts: title, 文号
line, opening (the plan, the period, the reporting coverage), the overall
picture, the headline goals at risk, the measures without progress, the next
steps, and the indicators' table. Pure: plain facts in, text out; every
sentence a gettext string with named placeholders (Chinese msgid)."""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from reports.briefing.document import BriefingTable
from reports.briefing.facts import BriefingFacts, IndicatorFacts
from reports.briefing.phrasing import (
    BEHIND_STATUSES,
    MAX_NAMED,
    join_names,
    shown,
    zero_target,
)
from reports.choices import GoalStatus, Status
from reports.progress.display import status_label
from reports.progress.engine import QUARTERS_PER_YEAR
from targets.formatting import format_number, format_percent, goals_term, quantity

ZERO_TARGET = "zero_target"
MISSED_YEAR = "missed_year"
PLAN_DONE = "plan_done"
ZERO_PLAN = "zero_plan"
GOALS_AT_RISK = (GoalStatus.BEHIND, GoalStatus.OUT_OF_REACH, GoalStatus.MISSED)
GOALS_MET = (GoalStatus.MET, GoalStatus.MET_EARLY)


def section_number(index: int) -> str:
    """一, 二, 三… (I, II, III… in English): a numeral no number-reader takes
    for a figure."""
    numerals = [
        pgettext("section number", "一"),
        pgettext("section number", "二"),
        pgettext("section number", "三"),
        pgettext("section number", "四"),
        pgettext("section number", "五"),
        pgettext("section number", "六"),
        pgettext("section number", "七"),
        pgettext("section number", "八"),
    ]
    return numerals[index - 1]


def heading(index: int, title: str) -> str:
    return _("%(number)s、%(title)s") % {"number": section_number(index), "title": title}


def title(facts: BriefingFacts) -> str:
    if facts.region is None:
        return _("关于%(period)s%(plan)s推进情况的通报") % {
            "period": facts.period.label,
            "plan": facts.plan_name,
        }
    return _("关于%(subject)s%(period)s%(plan)s推进情况的通报") % {
        "subject": facts.subject_name,
        "period": facts.period.label,
        "plan": facts.plan_name,
    }


def number_line(facts: BriefingFacts) -> str:
    if not facts.document_number:
        return facts.period.label
    return _("%(period)s · 依据%(document)s") % {
        "period": facts.period.label,
        "document": facts.document_number,
    }


def _names(regions, region_term: str) -> str:
    names = join_names([r.name for r in regions[:MAX_NAMED]])
    if len(regions) > MAX_NAMED:
        names += _("等%(count)s个%(region)s") % {"count": len(regions), "region": region_term}
    return names


def opening(facts: BriefingFacts) -> str:
    """The plan, the period and how complete the reporting is."""
    words = {
        "subject": facts.subject_name,
        "period": facts.period.label,
        "plan": facts.plan_name,
        "region": facts.region_term,
    }
    text = _("现将%(subject)s%(period)s%(plan)s推进情况通报如下。") % words
    coverage = facts.coverage
    # Counted but not approved: staff asked to count submitted reports.
    unapproved = coverage.submitted if facts.includes_submitted else 0
    if facts.region is not None:
        if facts.not_reported and coverage.closed:  # final: nothing more will come
            if facts.submitted:
                text += _("本季度已关闭，数据已上报但关闭时尚未审核，未计入统计。")
            else:
                text += _("本季度已关闭，数据未报，未计入统计。")
        elif facts.not_reported:
            if facts.submitted:
                text += _("本季度数据已上报，尚未审核，未计入统计。")
            else:
                text += _("本季度数据未报，未计入统计。")
        elif unapproved:
            text += _("本季度数据已上报，尚未审核，本通报已计入。")
        else:
            text += _("本季度数据已审核。")
        if facts.closed_missed:
            quarters = _("、").join(
                _("第%(quarter)s季度") % {"quarter": q} for q in facts.closed_missed
            )
            text += _("本年度%(quarters)s数据未报或未审核，季度已关闭，未计入全年累计。") % {
                "quarters": quarters
            }
    elif coverage.regions and not facts.not_reported:
        if unapproved:
            text += _(
                "本季度%(total)s个%(region)s数据均已计入，其中%(count)s个已上报尚未审核。"
            ) % {**words, "total": coverage.regions, "count": unapproved}
        elif facts.county_missing:
            text += _("本季度%(total)s个%(region)s数据均已审核。") % {
                **words,
                "total": coverage.regions,
            }
        else:
            text += _("本季度%(total)s个%(region)s数据均已审核，通报数据完整。") % {
                **words,
                "total": coverage.regions,
            }
    elif coverage.regions:
        counts = {
            **words,
            "total": coverage.regions,
            "counted": coverage.regions - len(facts.not_reported),
            "names": _names(facts.not_reported, facts.region_term),
        }
        if unapproved:
            text += (
                _(
                    "本季度%(total)s个%(region)s中，%(counted)s个数据已计入（含已上报尚未审核的）；"
                    "%(names)s数据未报，未计入统计，相关合计为暂定数。"
                )
                % counts
            )
        elif coverage.closed:  # closed without them: nothing more will be counted
            text += (
                _(
                    "本季度%(total)s个%(region)s中，%(counted)s个数据已审核计入；"
                    "%(names)s数据未报或未审核通过，本季度已关闭，未计入统计。"
                )
                % counts
            )
        else:
            text += (
                _(
                    "本季度%(total)s个%(region)s中，%(counted)s个数据已审核计入；"
                    "%(names)s数据未报或未审核通过，未计入统计，相关合计为暂定数。"
                )
                % counts
            )
        if facts.submitted and coverage.closed and not unapproved:
            text += _("其中%(names)s已上报，关闭时尚未审核。") % {
                "names": _names(facts.submitted, facts.region_term)
            }
        elif facts.submitted:
            text += _("其中%(names)s已上报，待审核。") % {
                "names": _names(facts.submitted, facts.region_term)
            }
    if facts.county_missing:
        text += _("%(names)s本季度数据尚未填报，暂无法评估。") % {
            "names": join_names(facts.county_missing)
        }
    if facts.includes_submitted and coverage.submitted:
        text += _("本通报计入了已上报尚未审核的数据，审核后可能变化。")
    return text


def status_counts(facts: BriefingFacts) -> str:
    """How many indicators stand where: one sentence."""
    # A zero target is DONE to the engine (nothing is asked); the briefing
    # says there was nothing to do, not that it was done.
    year_end = facts.period.quarter == QUARTERS_PER_YEAR

    def standing(cell) -> str:
        if cell.reported and zero_target(cell):
            return ZERO_TARGET
        if cell.judged_on_plan and shown(cell) == Status.DONE:
            # judged on the plan's total (no target of the year): done is the plan's
            return PLAN_DONE if cell.plan_target else ZERO_PLAN
        if (
            year_end
            and not cell.provisional
            and shown(cell) in BEHIND_STATUSES
            and cell.annual_target is not None
        ):
            return MISSED_YEAR  # at a settled year's end "behind" means the target was missed
        return shown(cell)

    if not facts.indicators:  # a township's, in a plan of county-level indicators only
        return _("本计划没有分解到%(subject)s的指标，本期无指标进度可通报。") % {
            "subject": facts.subject_name
        }
    counts = Counter(standing(item.cell) for item in facts.indicators)
    texts = {
        Status.DONE: _("已完成年度目标%(count)s项"),
        Status.ON_PACE: _("符合或快于序时进度%(count)s项"),
        Status.BEHIND: _("滞后%(count)s项"),
        Status.SERIOUSLY_BEHIND: _("严重滞后%(count)s项"),
        Status.NOT_REPORTED: _("未报%(count)s项"),
        Status.NO_TARGET: _("未设目标%(count)s项"),
        ZERO_TARGET: _("本年度无目标任务%(count)s项"),
        MISSED_YEAR: _("未完成年度目标%(count)s项"),
        PLAN_DONE: _("已完成计划期目标%(count)s项"),
        ZERO_PLAN: _("计划期无目标任务%(count)s项"),
    }
    parts = [text % {"count": counts[status]} for status, text in texts.items() if counts[status]]
    return _("纳入通报的%(total)s项指标中，%(parts)s。") % {
        "total": len(facts.indicators),
        "parts": _("，").join(parts),
    }


def overview(facts: BriefingFacts) -> list[str]:
    paragraphs = [status_counts(facts)]
    if facts.overall_rank is not None:
        paragraphs.append(
            _("综合各项指标进度，%(subject)s在%(total)s个%(region)s中居第%(position)s位。")
            % {
                "subject": facts.subject_name,
                "total": facts.overall_rank.total,
                "region": facts.region_term,
                "position": facts.overall_rank.position,
            }
        )
    if facts.lagging:
        shown = facts.lagging[:MAX_NAMED]
        names = join_names(
            [
                _("%(region)s（%(count)s项指标滞后）")
                % {"region": row.region.name, "count": row.behind}
                for row in shown
            ]
        )
        paragraphs.append(
            _("综合各项指标，进度相对滞后的%(region)s依次为：%(names)s。")
            % {"region": facts.region_term, "names": names}
        )
    return paragraphs


def goals(facts: BriefingFacts) -> list[str]:
    """The headline goals at risk, each with where it stands; those reached."""
    if not facts.goals:
        return []
    paragraphs = []
    for goal in facts.goals:
        if goal.status not in GOALS_AT_RISK:
            continue
        words = {
            "goal": goal.text,
            "value": quantity(format_number(goal.value, goal.places), goal.unit),
            "target": quantity(format_number(goal.goal, goal.places), goal.unit),
            "status": goal.status_label or GoalStatus(goal.status).label,
            "year": goal.year,
        }
        if goal.year is None:
            text = _("“%(goal)s”：目前为%(value)s（目标%(target)s），%(status)s。")
        else:  # an annual floor: this year's value, the plan's status
            text = _("“%(goal)s”：%(year)s年目前为%(value)s（每年目标%(target)s），%(status)s。")
        paragraphs.append(text % words)
    if not paragraphs:
        goals = goals_term(facts.last_year - facts.first_year + 1)
        paragraphs.append(_("%(goals)s均已达成或按当前进度可以达成。") % {"goals": goals})
    met = [goal.text for goal in facts.goals if goal.status in GOALS_MET]
    if met:
        paragraphs.append(
            _("已达成的目标：%(goals)s。") % {"goals": join_names([f"“{t}”" for t in met])}
        )
    return paragraphs


def measures(facts: BriefingFacts) -> list[str]:
    """The measures that show no progress this quarter, by name and lead,
    grouped by why: not started, lagging, never reported, not reported in
    the quarter."""
    if not facts.measures:
        return []
    # The measure report's status values (reports.measure_models.MeasureStatus);
    # None: never reported; anything else: reported before, not this quarter.
    groups = {
        "not_started": (_("尚未启动的任务：%(measures)s。"), []),
        "lagging": (_("进展滞后的任务：%(measures)s。"), []),
        None: (_("尚无进展报告的任务：%(measures)s。"), []),
        "": (_("本季度未报送进展的任务：%(measures)s。"), []),
    }
    for measure in facts.measures:
        key = measure.status if measure.status in groups else ""
        name = f"{measure.label}{measure.title}"
        if measure.lead:
            name = _("%(measure)s（牵头单位：%(lead)s）") % {"measure": name, "lead": measure.lead}
        groups[key][1].append(name)
    return [text % {"measures": join_names(names)} for text, names in groups.values() if names]


def next_steps(facts: BriefingFacts) -> list[str]:
    """What to do next, chosen by what the quarter showed. An indicator
    judged on the plan's total (no target of the year) is behind the plan's
    序时, never a year's target missed."""
    behind_cells = [item for item in facts.indicators if shown(item.cell) in BEHIND_STATUSES]
    year_end = facts.period.quarter == QUARTERS_PER_YEAR
    on_year = [item for item in behind_cells if not item.cell.judged_on_plan]
    # A year's target is missed only at its end, once the year is settled: a
    # fourth quarter still waiting for reports (provisional) is behind.
    missed = [i.indicator.name for i in on_year if year_end and not i.cell.provisional]
    lagging = [i.indicator.name for i in on_year if not year_end or i.cell.provisional]
    behind_plan = [item.indicator.name for item in behind_cells if item.cell.judged_on_plan]
    paragraphs = []
    if lagging:
        paragraphs.append(
            _("对%(indicators)s等进度滞后的指标，相关单位要分析原因，倒排工期，确保完成年度目标。")
            % {"indicators": join_names(lagging)}
        )
    if missed and facts.period.year < facts.last_year:
        paragraphs.append(
            _("对%(indicators)s等未完成年度目标的指标，相关单位要总结原因，在下一年度加快补齐。")
            % {"indicators": join_names(missed)}
        )
    elif missed:  # the plan's last year: there is no next one to catch up in
        paragraphs.append(
            _("对%(indicators)s等未完成年度目标的指标，相关单位要总结原因，提出整改措施。")
            % {"indicators": join_names(missed)}
        )
    if behind_plan and year_end and facts.period.year == facts.last_year:
        paragraphs.append(  # the plan's last quarter: its 序时 is the whole total
            _("对%(indicators)s等未完成计划期目标的指标，相关单位要总结原因，提出整改措施。")
            % {"indicators": join_names(behind_plan)}
        )
    elif behind_plan:
        paragraphs.append(
            _(
                "对%(indicators)s等滞后于计划期序时进度的指标，相关单位要分析原因，"
                "加快推进，确保完成计划期目标。"
            )
            % {"indicators": join_names(behind_plan)}
        )
    if not facts.begun:  # the plan's first quarter, still to come
        paragraphs.append(
            _("本计划自%(period)s开始,届时请各单位按时填报。") % {"period": facts.period.label}
        )
    if facts.not_reported and facts.begun and facts.coverage.closed:
        # Closed: nothing can be reported any more, so no one is asked to.
        paragraphs.append(
            _("本季度已关闭，%(names)s的数据未经审核，未计入本期统计。")
            % {"names": _names(facts.not_reported, facts.region_term)}
        )
    elif facts.not_reported and facts.begun:
        paragraphs.append(
            _("请%(names)s尽快完成本季度数据的填报和审核。")
            % {"names": _names(facts.not_reported, facts.region_term)}
        )
    if facts.county_missing and facts.begun:
        paragraphs.append(
            _("请尽快填报%(names)s本季度数据。") % {"names": join_names(facts.county_missing)}
        )
    if year_end and facts.period.year < facts.last_year:
        paragraphs.append(_("请各单位做好年度考核，谋划下一年度工作。"))
    elif year_end:
        paragraphs.append(_("请各单位做好计划期总结和考核工作。"))
    if not paragraphs:
        paragraphs.append(_("请各单位保持当前进度，巩固工作成效。"))
    return paragraphs


def indicator_table(facts: BriefingFacts) -> BriefingTable:
    """One row per indicator: its year target, completed, completion, 序时进度,
    what remains to the year's target and its status, formatted as the pages.

    An indicator the plan gives only a total, no year's target, is judged on
    the plan so far (as its status is): its row reads the plan's total, the
    plan to date, its completion and 序时 share, named "(计划期)" as in the
    official report, rather than a year's columns it has nothing for."""
    header = (
        _("指标"),
        _("年度目标"),
        _("年度累计完成"),
        _("完成率"),
        _("序时进度"),
        _("距年度目标"),
        _("状态"),
    )
    return BriefingTable(
        header=tuple(header), rows=tuple(_indicator_row(item) for item in facts.indicators)
    )


def _indicator_row(item: IndicatorFacts) -> tuple[str, ...]:
    cell, indicator = item.cell, item.indicator
    places = indicator.decimal_places
    if item.total_only:
        label = _("%(indicator)s(计划期)") % {"indicator": indicator.label}
        target, actual, gap = cell.plan_target, cell.plan_actual, cell.plan_gap_to_target
        completion, due = cell.plan_completion, cell.plan_expected_share
    else:
        label, target, actual, gap = (
            indicator.label,
            cell.annual_target,
            cell.ytd_actual,
            cell.gap_to_target,
        )
        completion, due = cell.completion, cell.expected_share
    return (
        label,
        format_number(target, places),
        format_number(actual, places) if cell.reported else str(Status.NOT_REPORTED.label),
        format_percent(completion),
        format_percent(due),
        format_number(gap, places),
        # As the briefing's text says it (本年度无目标任务), not 已完成.
        _("无目标任务")
        if cell.reported and target == 0
        else status_label(cell.status, cell.provisional),
    )
