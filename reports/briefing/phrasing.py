"""The rules that choose a briefing's sentences about one indicator: its
state against the year's target and 序时进度 (done, ahead, on pace, behind,
seriously behind — the engine's status bands), a zero target, no report, the
first quarter of a year, a year's end; its change since the quarter before
(better or worse); the regions ahead and behind; what each remaining quarter
must bring. Pure: plain facts in (``reports.briefing.facts``), text out.

Every sentence is a gettext string with named placeholders (Chinese msgid);
every number in it is an engine number formatted as the pages format it
(``targets.formatting``): values at the indicator's precision, rates as
percents, what remains per quarter rounded up, and differences of rates in
percentage points between the percents as shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from reports.briefing.facts import IndicatorFacts, Rank
from reports.choices import Status
from reports.progress.display import field_kind, shown_status
from reports.progress.engine import QUARTERS_PER_YEAR, CellProgress, Period
from reports.progress.table import IndicatorInfo, RegionInfo
from targets.formatting import (
    PERCENT_PLACES,
    format_number,
    format_percent,
    format_points,
    join_sentences,
    percent_points,
    quantity,
    rounded,
)

# A group of regions is named up to this many, then "等 N 个".
MAX_NAMED = 5

# Better statuses rank higher: what "improved" and "worsened" compare.
STATUS_RANK = {
    Status.SERIOUSLY_BEHIND: 0,
    Status.BEHIND: 1,
    Status.ON_PACE: 2,
    Status.DONE: 3,
}
BEHIND_STATUSES = (Status.BEHIND, Status.SERIOUSLY_BEHIND)


def shown(cell: CellProgress) -> Status:
    """The status as the pages show it: a "seriously behind" standing on a
    year with reports still missing reads "behind" (provisional), never
    blaming a region for reports on their way."""
    return shown_status(cell.status, cell.provisional)


def join_names(names: Sequence[str]) -> str:
    return _("、").join(names)


def amount(value: Decimal | None, indicator: IndicatorInfo, field: str = "ytd_actual") -> str:
    """A value with its unit: 14.76万平方米. ``field`` says its kind."""
    return quantity(format_field_value(value, indicator, field), indicator.unit)


def format_field_value(value: Decimal | None, indicator: IndicatorInfo, field: str) -> str:
    """A ``CellProgress`` field's value as the pages show that field."""
    return format_number(value, indicator.decimal_places, field_kind(field))


def relative_points(cell: CellProgress) -> Decimal | None:
    """Completion against 序时, in percentage points as the percents read
    (the plan's completion against the plan's 序时 share for an indicator
    with a plan total only)."""
    completion, share = cell.judged_completion, cell.judged_expected_share
    if completion is None or share is None:
        return None  # (a zero plan total: nothing to be ahead or behind of)
    return percent_points(completion, share)


def nothing_due(cell: CellProgress) -> bool:
    """序时 asks nothing yet (a year-end milestone before the fourth quarter)."""
    return cell.expected_value is not None and cell.expected_value == 0


def zero_target(cell: CellProgress) -> bool:
    return cell.annual_target is not None and cell.annual_target == 0


def subject_state(
    facts: IndicatorFacts, subject: str, period: Period, *, region_term: str | None
) -> list[str]:
    """The indicator's state as of ``period``: one sentence chosen by the
    rules, and whether it is provisional. ``region_term``: the county's
    briefing (the plan's word for its regions); None for a township's."""
    cell, indicator = facts.cell, facts.indicator
    words = {
        "period": period.label,
        "year": period.year,
        "subject": subject,
        "indicator": indicator.name,
        "target": amount(cell.annual_target, indicator, "annual_target"),
        "actual": amount(cell.ytd_actual, indicator),
        "completion": format_percent(cell.completion),
        "expected": format_percent(cell.expected_share),
        "gap": amount(cell.gap_to_target, indicator, "gap_to_target"),
    }
    if not cell.reported:
        if not indicator.by_region:
            # A county-only indicator is the bureau's own: nothing to review, not entered yet.
            text = _("截至%(period)s，%(subject)s%(indicator)s本季度数据尚未填报，进度暂无法评估")
        else:
            text = _("截至%(period)s，%(subject)s%(indicator)s数据未报或未审核通过，进度暂无法评估")
        return [text % words + owed_clause(cell, indicator)]
    if cell.judged_on_plan:
        return [plan_period_state(cell, indicator, words), provisional_note(cell, region_term)]
    if shown(cell) == Status.NO_TARGET:
        return [
            _("截至%(period)s，%(subject)s%(indicator)s本年度累计完成%(actual)s，本年度未设目标。")
            % words
        ]
    if zero_target(cell):
        return [
            _("截至%(period)s，%(subject)s%(indicator)s本年度无目标任务，累计完成%(actual)s。")
            % words
        ]
    year_end = period.quarter == QUARTERS_PER_YEAR
    if shown(cell) == Status.DONE:
        if year_end:
            text = _(
                "%(year)s年，%(subject)s%(indicator)s全年累计完成%(actual)s，"
                "为年度目标（%(target)s）的%(completion)s，全面完成年度目标。"
            )
        else:
            text = _(
                "截至%(period)s，%(subject)s%(indicator)s累计完成%(actual)s，"
                "为年度目标（%(target)s）的%(completion)s，已提前完成年度目标。"
            )
        return [text % words, provisional_note(cell, region_term)]
    # A year's end with reports still missing (provisional): the year is not
    # settled, so it reads as progress against 序时, not as a target missed.
    if year_end and not cell.provisional:
        text = _(
            "%(year)s年，%(subject)s%(indicator)s全年累计完成%(actual)s，"
            "为年度目标（%(target)s）的%(completion)s，未完成年度目标，尚差%(gap)s"
        )
        if shown(cell) == Status.SERIOUSLY_BEHIND:
            text += _("，差距较大")
        return [text % words + _("。"), provisional_note(cell, region_term)]
    lead = (
        _(
            "截至%(period)s，%(subject)s%(indicator)s累计完成%(actual)s，完成年度目标的%(completion)s"
        )
        % words
    )
    return [lead + pace_clause(cell), provisional_note(cell, region_term)]


def owed_clause(cell: CellProgress, indicator: IndicatorInfo) -> str:
    """What a subject without figures owes: the year's target, else the
    plan's total (a plan that gives no yearly split), else nothing set."""
    if cell.annual_target is not None:
        return _("，年度目标为%(target)s。") % {
            "target": amount(cell.annual_target, indicator, "annual_target")
        }
    if cell.plan_target is not None:
        return _("，本年度未设目标，计划期目标为%(target)s。") % {
            "target": amount(cell.plan_target, indicator, "plan_target")
        }
    return _("，本年度未设目标。")


def plan_period_state(cell: CellProgress, indicator: IndicatorInfo, words: dict) -> str:
    """An indicator whose plan gives no target for the year, only a total: its
    plan-to-date against the total and the plan's 序时, which its status judges."""
    words = {
        **words,
        "actual": amount(cell.plan_actual, indicator, "plan_actual"),
        "target": amount(cell.plan_target, indicator, "plan_target"),
        "completion": format_percent(cell.plan_completion),
        "expected": amount(cell.plan_expected, indicator, "plan_expected"),
    }
    if not cell.plan_target:
        return (
            _(
                "截至%(period)s，%(subject)s%(indicator)s计划期无目标任务，计划期累计完成%(actual)s。"
            )
            % words
        )
    text = _(
        "截至%(period)s，%(subject)s%(indicator)s本年度未设目标；计划期累计完成%(actual)s，"
        "为计划期目标（%(target)s）的%(completion)s"
    )
    status = shown(cell)
    if status == Status.DONE:
        text += _("，已完成计划期目标。")
    elif status == Status.SERIOUSLY_BEHIND:
        text += _("，按序时应完成%(expected)s，进度严重滞后。")
    elif status == Status.BEHIND:
        text += _("，按序时应完成%(expected)s，进度滞后。")
    else:
        text += _("，按序时应完成%(expected)s，符合序时要求。")
    return text % words


def pace_clause(cell: CellProgress) -> str:
    """Against 序时 (quarters 1–3 of a year, not done): ahead, level, behind,
    seriously behind; or nothing due yet."""
    if nothing_due(cell):
        return _("；该指标按年底考核，第四季度前不计序时进度。")
    points = relative_points(cell)
    words = {"expected": format_percent(cell.expected_share), "points": format_points(points)}
    if shown(cell) == Status.SERIOUSLY_BEHIND:
        return _("，低于序时进度（%(expected)s）%(points)s个百分点，进度严重滞后。") % words
    if shown(cell) == Status.BEHIND:
        if points == 0:
            return _("，略低于序时进度（%(expected)s），进度滞后。") % words
        return _("，低于序时进度（%(expected)s）%(points)s个百分点，进度滞后。") % words
    if points > 0:
        return _("，高于序时进度（%(expected)s）%(points)s个百分点，进度快于序时。") % words
    return _("，与序时进度（%(expected)s）基本持平，符合序时要求。") % words


def provisional_note(cell: CellProgress, region_term: str | None) -> str:
    """A status standing on a year with some report still missing may change:
    the county's when some region has not reported (``region_term``), a
    township's when one of its own quarters has not (None)."""
    if not cell.provisional:
        return ""
    if region_term is None:
        return _("本年度有季度数据尚未审核，以上为暂定数。")
    return _("本年度部分%(region)s数据尚未审核，以上为暂定数。") % {"region": region_term}


def change_since(facts: IndicatorFacts, period: Period) -> list[str]:
    """What changed since the quarter before; in a year's first quarter, the
    year just ended instead (its target was another)."""
    cell, before, indicator = facts.cell, facts.previous, facts.indicator
    if not cell.reported:
        return []
    added = amount(cell.quarter_actual, indicator, "quarter_actual")
    if period.quarter == 1:
        text = _("本季度为%(year)s年首个季度，新增%(added)s。") % {
            "year": period.year,
            "added": added,
        }
        if before is not None and before.reported and before.completion is not None:
            text += _("%(year)s年全年完成%(actual)s，为当年目标的%(completion)s。") % {
                "year": before.period.year,
                "actual": amount(before.ytd_actual, indicator),
                "completion": format_percent(before.completion),
            }
        return [text]
    if before is None:
        return [_("本季度新增%(added)s。") % {"added": added}]
    if not before.reported:
        return [_("本季度新增%(added)s；上季度数据未报，无法与上季度比较。") % {"added": added}]
    if cell.provisional or before.provisional:
        # Numbers still missing reports are not better or worse than last
        # quarter's, only incomplete: a "seriously behind" capped to read
        # "behind" meanwhile must not read as an improvement.
        return [
            _("本季度新增%(added)s；本年度部分数据尚未审核，暂不与上季度比较。") % {"added": added}
        ]
    now_rank, before_rank = STATUS_RANK.get(shown(cell)), STATUS_RANK.get(shown(before))
    words = {
        "added": added,
        "before": Status(shown(before)).label,
        "now": Status(shown(cell)).label,
    }
    if now_rank is None or before_rank is None or zero_target(cell) or nothing_due(before):
        # Last quarter's "符合序时" of a year-end milestone only meant that
        # nothing was due yet: judged now, it has not worsened.
        return [_("本季度新增%(added)s。") % words]
    if now_rank > before_rank:
        return [
            _("本季度新增%(added)s，进度由上季度的“%(before)s”转为“%(now)s”，较上季度好转。")
            % words
        ]
    if now_rank < before_rank:
        return [
            _("本季度新增%(added)s，进度由上季度的“%(before)s”降为“%(now)s”，较上季度下滑。")
            % words
        ]
    if shown(cell) == Status.DONE or nothing_due(cell):
        return [_("本季度新增%(added)s。") % words]
    # 相对序时 as the overview shows it and the status judges it: done ÷ due
    # by now. (The points above or below 序时 are no measure of change: 10 of
    # 25 due, then 30 of 50, is 15 then 20 points behind, yet a larger share
    # of what is due, as the overview's 40.0% → 60.0% says.)
    now_pace, before_pace = cell.judged_pace, before.judged_pace
    if now_pace is None or before_pace is None:  # no target of the year: no 序时 to compare
        return [_("本季度新增%(added)s。") % words]
    words.update(now_pace=format_percent(now_pace), before_pace=format_percent(before_pace))
    delta = rounded(now_pace * 100, PERCENT_PLACES) - rounded(before_pace * 100, PERCENT_PLACES)
    if delta > 0:
        text = _(
            "本季度新增%(added)s，相对序时进度由上季度的%(before_pace)s升至%(now_pace)s，有所好转。"
        )
    elif delta < 0:
        text = _(
            "本季度新增%(added)s，相对序时进度由上季度的%(before_pace)s降至%(now_pace)s，有所下滑。"
        )
    else:
        text = _("本季度新增%(added)s，相对序时进度与上季度持平（%(now_pace)s）。")
    return [text % words]


def _named(rows: Sequence[tuple[RegionInfo, CellProgress]], one, region_term: str) -> str:
    """The regions' names with their numbers (``one`` phrases a row), the
    first ``MAX_NAMED`` of them, then how many there are in all."""
    names = join_names([one(region, cell) for region, cell in rows[:MAX_NAMED]])
    if len(rows) > MAX_NAMED:
        names += _("等%(count)s个%(region)s") % {"count": len(rows), "region": region_term}
    return names


def regions_clause(facts: IndicatorFacts, region_term: str, year_end: bool = False) -> list[str]:
    """The regions ahead and behind on this indicator, by name, with their
    numbers; those done; those not reported. Only the regions handed in
    (the reader's scope) are named. A region with no target of the year but
    a share of the plan's total is judged on the plan: its numbers are the
    plan's, done means the plan's target, and a year's end misses no target
    of its own (it stays behind 序时)."""
    if not facts.regions:
        return []
    done_year, done_plan, ahead, behind, serious, missing = [], [], [], [], [], []
    for region, cell in facts.regions:
        status = shown(cell)
        if not cell.reported:
            missing.append((region, cell))
        elif status == Status.DONE and cell.judged_on_plan:
            if cell.plan_target:
                done_plan.append((region, cell))
        elif status == Status.DONE and not zero_target(cell):
            done_year.append((region, cell))
        elif status == Status.SERIOUSLY_BEHIND:
            serious.append((region, cell))
        elif status == Status.BEHIND:
            behind.append((region, cell))
        elif (
            status == Status.ON_PACE
            and not nothing_due(cell)
            and (points := relative_points(cell)) is not None
            and points > 0
        ):
            ahead.append((region, cell))

    def pace_key(row):
        return row[1].judged_pace or 0

    def with_completion(region, cell):
        return _("%(region)s（%(completion)s）") % {
            "region": region.name,
            "completion": format_percent(cell.judged_completion),
        }

    def with_points(region, cell):
        words = {
            "region": region.name,
            "completion": format_percent(cell.judged_completion),
            "points": format_points(relative_points(cell) or 0),
        }
        if cell.provisional:  # as its table says: 滞后(暂定)
            return _("%(region)s（%(completion)s，低于序时%(points)s个百分点，暂定）") % words
        return _("%(region)s（%(completion)s，低于序时%(points)s个百分点）") % words

    def by_completion(rows):
        return sorted(rows, key=lambda row: row[1].judged_completion or 0, reverse=True)

    parts = []
    if done_year:
        parts.append(
            _("%(regions)s已完成年度目标")
            % {"regions": _named(by_completion(done_year), with_completion, region_term)}
        )
    if done_plan:
        parts.append(
            _("%(regions)s已完成计划期目标")
            % {"regions": _named(by_completion(done_plan), with_completion, region_term)}
        )
    if ahead:
        ahead.sort(key=pace_key, reverse=True)
        parts.append(
            _("%(regions)s进度快于序时") % {"regions": _named(ahead, with_completion, region_term)}
        )
    if year_end:
        # At a year's end 序时 is the whole target: behind is a target missed
        # (not for a region judged on the plan, whose year has no target, nor
        # for one whose year still misses a report: provisional, not final).
        def still_open(row) -> bool:
            return row[1].judged_on_plan or row[1].provisional

        missed = sorted((row for row in behind + serious if not still_open(row)), key=pace_key)
        if missed:
            parts.append(
                _("%(regions)s未完成年度目标")
                % {"regions": _named(missed, with_completion, region_term)}
            )
        behind = [row for row in behind if still_open(row)]
        serious = [row for row in serious if still_open(row)]
    if behind:
        behind.sort(key=pace_key)
        parts.append(
            _("%(regions)s进度滞后") % {"regions": _named(behind, with_points, region_term)}
        )
    if serious:
        serious.sort(key=pace_key)
        parts.append(
            _("%(regions)s进度严重滞后") % {"regions": _named(serious, with_points, region_term)}
        )
    if missing:
        names = _named(missing, lambda region, cell: region.name, region_term)
        parts.append(_("%(regions)s数据未报") % {"regions": names})
    if not parts:
        return []
    return [
        _("分%(region)s看，%(parts)s。") % {"region": region_term, "parts": _("；").join(parts)}
    ]


def needed_clause(facts: IndicatorFacts, period: Period) -> list[str]:
    """What each remaining quarter must bring to reach the year's target; at
    a year's end, where the plan as a whole stands instead."""
    cell, indicator = facts.cell, facts.indicator
    if not cell.reported:
        return []
    if period.quarter == QUARTERS_PER_YEAR:
        if cell.plan_target is None or cell.plan_completion is None or cell.annual_target is None:
            return []  # (without a target of the year, its sentence states the plan already)
        return [
            _("计划期累计完成%(actual)s，为计划期目标（%(target)s）的%(completion)s。")
            % {
                "actual": amount(cell.plan_actual, indicator, "plan_actual"),
                "target": amount(cell.plan_target, indicator, "plan_target"),
                "completion": format_percent(cell.plan_completion),
            }
        ]
    if shown(cell) == Status.DONE or cell.needed_per_quarter is None or nothing_due(cell):
        # A year-end milestone is due whole at Q4: no share of it per quarter.
        return []
    words = {
        "quarters": QUARTERS_PER_YEAR - period.quarter,
        "need": amount(cell.needed_per_quarter, indicator, "needed_per_quarter"),
    }
    text = _("完成年度目标，剩余%(quarters)s个季度每季度需完成%(need)s") % words
    if cell.quarter_actual is not None and cell.needed_per_quarter > cell.quarter_actual:
        text += _("，高于本季度新增量，需加快推进")
    return [text + _("。")]


def rank_clause(rank: Rank | None, region_term: str) -> list[str]:
    if rank is None:
        return []
    return [
        _("该项进度在%(total)s个%(region)s中居第%(position)s位。")
        % {"total": rank.total, "region": region_term, "position": rank.position}
    ]


def indicator_paragraph(
    facts: IndicatorFacts, subject: str, period: Period, *, region_term: str, county: bool
) -> str:
    """One indicator's paragraph: state, change, regions, rank, what remains.
    ``county``: the county's briefing, else a township's own."""
    sentences = [
        *subject_state(facts, subject, period, region_term=region_term if county else None),
        *change_since(facts, period),
        *regions_clause(facts, region_term, period.quarter == QUARTERS_PER_YEAR),
        *rank_clause(facts.rank, region_term),
        *needed_clause(facts, period),
    ]
    return join_sentences(sentences)
