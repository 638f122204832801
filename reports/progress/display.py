"""How the engine's results read: each ``CellProgress`` field's kind of number,
and each status's name and colour. Pure: no database.

Tables, charts and the report all read these, so a hover box shows what the
table shows and a status has one colour everywhere. Numbers themselves become
text in ``targets.formatting``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.translation import gettext as _

from reports.choices import GoalStatus, Status
from reports.progress.coverage import Coverage
from targets.formatting import NumberKind, format_number

# The engine's ``CellProgress`` fields that are not plain values; every other
# number field is a VALUE.
PROGRESS_FIELD_KINDS = {
    "expected_value": NumberKind.DERIVED,
    "gap_to_expected": NumberKind.DERIVED,
    "shortfall_to_expected": NumberKind.DERIVED,
    "projection": NumberKind.DERIVED,
    "plan_expected": NumberKind.DERIVED,
    "needed_per_quarter": NumberKind.NEED,
}


def field_kind(field: str) -> NumberKind:
    """The kind of a ``CellProgress`` field (``expected_value`` → DERIVED)."""
    return PROGRESS_FIELD_KINDS.get(field, NumberKind.VALUE)


def format_field(progress, field: str, decimal_places: int) -> str:
    """One number field of a ``CellProgress``, shown as its kind says."""
    return format_number(getattr(progress, field), decimal_places, field_kind(field))


def shown_status(status: str, provisional: bool = False) -> Status:
    """The status a reader sees. A provisional one stands on a year with some
    quarter not reported yet; "严重滞后" would then blame a region (or the
    county) for reports still on their way, so it reads "滞后(暂定)": behind
    so far, not yet judged. The engine's own status is unchanged (the API
    gives both)."""
    status = Status(status)
    if provisional and status == Status.SERIOUSLY_BEHIND:
        return Status.BEHIND
    return status


def status_label(status: str, provisional: bool = False) -> str:
    label = str(shown_status(status, provisional).label)
    if provisional:
        return _("%(status)s(暂定)") % {"status": label}
    return label


def status_badge_html(status: str, provisional: bool = False) -> str:
    """The status as a coloured badge with its name: colour is never the only
    cue. A provisional status gets a dashed outline besides its words."""
    shown = shown_status(status, provisional)
    return format_html(
        '<span class="badge status-{}{}">{}</span>',
        shown,
        " provisional" if provisional else "",
        status_label(status, provisional),
    )


def coverage_words(coverage: Coverage, *, region_term: str, region_name: str = "") -> str:
    """The reporting coverage of a page's quarter, in words: "截至2026年第3季度 ·
    9/9 乡镇已审核", "… · 6/9 乡镇已审核,1 已上报,2 未报"; for one region's
    page "… · 昆阳已审核". ``region_term`` is the plan's own word for its regions."""
    period = _("截至%(period)s") % {"period": coverage.period.label}
    if region_name and coverage.regions == 1:
        if coverage.approved:
            state = _("%(region)s已审核") % {"region": region_name}
        elif coverage.submitted:
            state = _("%(region)s已上报,未审核") % {"region": region_name}
        else:
            state = _("%(region)s未报") % {"region": region_name}
    elif not coverage.regions:
        return period
    else:
        state = _("%(approved)s/%(total)s %(region)s已审核") % {
            "approved": coverage.approved,
            "total": coverage.regions,
            "region": region_term,
        }
        if coverage.submitted:
            state += _(",%(count)s 已上报") % {"count": coverage.submitted}
        if coverage.not_reported:
            state += _(",%(count)s 未报") % {"count": coverage.not_reported}
    words = f"{period} · {state}"
    if coverage.includes_submitted and coverage.submitted:
        words += _("(含已上报未审核的数据)")
    return words


def coverage_notice(
    coverage: Coverage,
    *,
    region_term: str,
    region_name: str = "",
    county_missing: Sequence[str] = (),
) -> str | None:
    """What a page says when its quarter is not fully reported, or counts
    reports not yet approved; None when every number shown is final.
    ``county_missing``: the county-only indicators (names) the bureau has not
    entered for the quarter."""
    county = ""
    if county_missing:
        county = _("%(indicators)s本季度尚未填报,显示为“未报”。") % {
            "indicators": _("、").join(county_missing)
        }
    regions = _regions_notice(coverage, region_term=region_term, region_name=region_name)
    if regions and county and not regions.endswith("。"):
        regions += " "  # sentences of a language written with spaces
    return f"{regions or ''}{county}".strip() or None


def _regions_notice(coverage: Coverage, *, region_term: str, region_name: str) -> str | None:
    if coverage.includes_submitted and coverage.submitted:
        unapproved = _(
            "本页计入了 %(count)s 个%(region)s已上报但尚未审核的数据,审核时可能更改。"
        ) % {"count": coverage.submitted, "region": region_term}
    else:
        unapproved = ""
    missing = coverage.regions - coverage.counted
    if not missing:
        return unapproved or None
    if region_name and coverage.regions == 1 and coverage.closed:
        text = _("%(period)s已关闭:%(region)s本季度的数据未经审核,未计入统计,显示为“未报”。") % {
            "region": region_name,
            "period": coverage.period.label,
        }
    elif region_name and coverage.regions == 1:
        text = _("%(region)s%(period)s的数据尚未审核,不计入统计;标注“暂定”的状态可能变化。") % {
            "region": region_name,
            "period": coverage.period.label,
        }
    elif coverage.closed:  # no longer "not yet": closed without them
        text = _(
            "%(period)s已关闭:%(count)s 个%(region)s的数据未经审核,未计入统计,显示为“未报”;"
            "合计含这些%(region)s此前已审核的季度,不含本季度。"
        ) % {"period": coverage.period.label, "count": missing, "region": region_term}
    else:
        text = _(
            "%(period)s的填报尚未完成:%(count)s 个%(region)s的数据尚未审核,显示为“未报”;"
            "合计含这些%(region)s此前已审核的季度,不含本季度;标注“暂定”的状态可能变化。"
        ) % {"period": coverage.period.label, "count": missing, "region": region_term}
    return f"{unapproved}{text}"


# One colour per status, used by charts and the Excel report; the CSS classes
# .status-<value> in static/css/app.css use the same colours.
STATUS_COLOURS = {
    Status.DONE: "#198754",
    Status.ON_PACE: "#0b7285",
    Status.BEHIND: "#ffc107",
    Status.SERIOUSLY_BEHIND: "#dc3545",
    Status.NO_TARGET: "#6c757d",
    Status.NOT_REPORTED: "#adb5bd",
}


# A goal's status reads in the colours of the progress statuses (one palette,
# one set of CSS classes): reached is done, on course is on pace, and so on.
GOAL_STATUS_AS = {
    GoalStatus.MET: Status.DONE,
    GoalStatus.MET_EARLY: Status.DONE,
    GoalStatus.ON_COURSE: Status.ON_PACE,
    GoalStatus.BEHIND: Status.BEHIND,
    GoalStatus.OUT_OF_REACH: Status.SERIOUSLY_BEHIND,
    GoalStatus.MISSED: Status.SERIOUSLY_BEHIND,
    GoalStatus.NO_DATA: Status.NOT_REPORTED,
}


def goal_status_colour(status: str) -> str:
    return STATUS_COLOURS[GOAL_STATUS_AS[GoalStatus(status)]]


def goal_status_badge_html(status: str, label: str | None = None) -> str:
    """A goal's status as a coloured badge with its name (or ``label``)."""
    status = GoalStatus(status)
    return format_html(
        '<span class="badge status-{}">{}</span>',
        GOAL_STATUS_AS[status],
        status.label if label is None else label,
    )
