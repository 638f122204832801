"""Every number in the quarterly briefing is one the engine gives, formatted as
the pages format it; the briefing names only regions its reader may see.

The numbers are read back out of the generated text (a regular expression over
the text, with the plan's own names taken out first: a region called
"Region 00001" or a goal "3家以上" is a name, not a figure) and each one must
be among the engine's numbers for that context: for an indicator's paragraph,
that indicator's cells (the subject, the regions named, this quarter and the
one before); elsewhere the reporting coverage, the status counts, the lag
ranking and the headline goals. Checked for the demo (Pingyang) and for a
second, generated plan, in an ordinary quarter, a first quarter, a year's end
and a half-reported quarter.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import fields
from decimal import Decimal

import pytest
from django.utils import translation

from regions.models import Region
from regions.roles import Role
from reports.briefing.compose import compose_briefing
from reports.choices import Status
from reports.demo.scale import generate_plan
from reports.figures.measure_board import board
from reports.models import Submission
from reports.progress import CellProgress, Period, load_plan_data, progress_table
from reports.progress.display import format_field, shown_status, status_label
from reports.progress.goal_display import goal_places
from reports.progress.goal_queries import evaluate_goals, load_goals
from targets.formatting import format_number, format_percent
from tests.conftest import make_user
from tests.plan_totals import keep_only_plan_totals

NUMBER = re.compile(r"\d+(?:\.\d+)?%?")
RATES = (
    "completion",
    "expected_share",
    "progress_vs_expected",
    "plan_completion",
    "plan_progress_vs_expected",
)


def shown_percent(fraction: Decimal | None) -> Decimal | None:
    """The percent as the page prints it, read back as a number."""
    if fraction is None:
        return None
    return Decimal(format_percent(fraction).strip("<>-%"))


def points_of(cell: CellProgress) -> Decimal | None:
    """Completion against 序时 in points, from the two percents as shown; for
    a cell with a plan total and no year's target, the plan's completion
    against the plan's 序时 share."""
    if not cell.reported:
        return None
    if cell.annual_target is None and cell.plan_target and cell.plan_expected is not None:
        return shown_percent(cell.plan_completion) - shown_percent(
            cell.plan_expected / cell.plan_target
        )
    if cell.completion is None:
        return None
    return shown_percent(cell.completion) - shown_percent(cell.expected_share)


def cell_numbers(cell: CellProgress, places: int) -> set[str]:
    found = set()
    for field in fields(CellProgress):
        value = getattr(cell, field.name)
        if isinstance(value, Decimal):
            if field.name in RATES:
                found.add(format_percent(value).strip("<>-"))
            else:
                found.add(format_field(cell, field.name, places).strip("<>-"))
    if (points := points_of(cell)) is not None:
        found.add(f"{abs(points):.1f}")
    return found


def plan_words(plan) -> list[str]:
    """The plan's own names (data, not the interface: they stay Chinese in English)."""
    names = [plan.name, plan.document_number, plan.county_name, plan.region_term]
    names += [r.name for r in plan.regions.all()]
    for indicator in plan.indicators.all():
        names += [indicator.name, indicator.unit]
    names += [g.text for g in plan.goals.all()] + [g.unit for g in plan.goals.all()]
    names += [f"{m.label}{m.title}" for m in plan.measures.all()]
    names += [d.name for d in plan.departments.all()]
    return sorted({n for n in names if n}, key=len, reverse=True)


def plan_names(plan) -> list[str]:
    """The plan's names with a digit, taken out before reading numbers."""
    return [name for name in plan_words(plan) if re.search(r"\d", name)]


def numbers_in(text: str, plan, periods: list[Period]) -> list[str]:
    for label in [p.label for p in periods] + plan_names(plan):
        text = text.replace(label, "§")
    return NUMBER.findall(text)


class EngineNumbers:
    """The engine's numbers for one briefing's context, read through the
    engine's own entry points (not the briefing's code)."""

    def __init__(self, plan, period: Period, regions, region=None):
        whole = region is None
        data = load_plan_data(
            plan, regions, whole_county=whole, only_regions=None if whole else {region.pk}
        )
        self.plan, self.period, self.data = plan, period, data
        self.table = progress_table(data, period)
        before = period.previous()
        self.previous = progress_table(data, before) if before.year >= plan.first_year else None
        self.periods = [period] + ([before] if self.previous else [])
        self.subject = None if whole else region.pk
        self.region_ids = [r.id for r in self.table.regions] if whole else []

    def common(self) -> set[str]:
        # The plan's years so far: a quarter's, the year before's, and an
        # annual floor's missed years (未达成(2025年)).
        years = {str(year) for year in range(self.plan.first_year, self.period.year + 1)}
        return years | {str(4 - self.period.quarter)}

    def for_indicator(self, indicator) -> set[str]:
        found = self.common()
        places = indicator.decimal_places
        subjects = [self.subject, *self.region_ids]
        for table in filter(None, [self.table, self.previous]):
            for subject in subjects:
                if (cell := table.get(subject, indicator.id)) is not None:
                    found |= cell_numbers(cell, places)
        # How many regions stand where ("等7个乡镇进度严重滞后").
        statuses = Counter(
            shown_status(cell.status, cell.provisional)
            for r in self.region_ids
            if (cell := self.table.get(r, indicator.id)) is not None
        )
        found |= {str(n) for n in statuses.values()}
        found.add(str(statuses[Status.BEHIND] + statuses[Status.SERIOUSLY_BEHIND]))
        now = self.table.get(self.subject, indicator.id)
        before = self.previous.get(self.subject, indicator.id) if self.previous else None
        if before is not None and points_of(now) is not None and points_of(before) is not None:
            found.add(f"{abs(points_of(now) - points_of(before)):.1f}")
        return found

    def elsewhere(self) -> set[str]:
        """Counts of the overview, the coverage, the lag ranking, the goals."""
        found = self.common()
        cells = [self.table.get(self.subject, i.id) for i in self.table.indicators]
        cells = [c for c in cells if c is not None]
        statuses = Counter(shown_status(c.status, c.provisional) for c in cells)
        found |= {str(len(cells))} | {str(n) for n in statuses.values()}
        behind = statuses[Status.BEHIND] + statuses[Status.SERIOUSLY_BEHIND]
        found.add(str(behind))
        found.add(str(sum(c.annual_target == 0 and c.reported for c in cells)))
        found.add(
            str(statuses[Status.DONE] - sum(c.annual_target == 0 and c.reported for c in cells))
        )
        found |= {str(score.behind) for score in self.table.ranking}
        reporting = self.data.reporting
        regions = [r.id for r in self.table.regions]
        coverage = reporting.coverage(self.period, regions)
        found |= {str(coverage.regions), str(coverage.counted)}
        if self.subject is None:
            for row in evaluate_goals(self.plan, load_goals(self.plan), self.table, self.period):
                places = goal_places(row)
                found.add(format_number(row.result.value, places))
                found.add(format_number(row.result.goal, places))
        return found

    def table_rows(self) -> list[tuple[str, ...]]:
        rows = []
        for indicator in self.table.indicators:
            cell = self.table.get(self.subject, indicator.id)
            if cell is None:
                continue
            places = indicator.decimal_places
            years = {
                year
                for (indicator_id, region_id, year) in self.data.targets
                if indicator_id == indicator.id and region_id == self.subject
            }
            if years == {None}:  # a plan total, no year's target
                # the plan's numbers, named as the official report names them
                label = f"{indicator.label}(计划期)"
                target, actual, gap = cell.plan_target, cell.plan_actual, cell.plan_gap_to_target
                completion = cell.plan_completion
                due = cell.plan_expected / cell.plan_target if cell.plan_target else None
            else:
                label, target, actual, gap = (
                    indicator.label,
                    cell.annual_target,
                    cell.ytd_actual,
                    cell.gap_to_target,
                )
                completion, due = cell.completion, cell.expected_share
            rows.append(
                (
                    label,
                    format_number(target, places),
                    format_number(actual, places)
                    if cell.reported
                    else str(Status.NOT_REPORTED.label),
                    format_percent(completion),
                    format_percent(due),
                    format_number(gap, places),
                    # a zero target: the briefing's words, not the status 已完成
                    "无目标任务"
                    if cell.reported and target == 0
                    else status_label(cell.status, cell.provisional),
                )
            )
        return rows


def assert_numbers_are_the_engines(briefing, plan, engine: EngineNumbers) -> int:
    """Every number of the briefing against the engine's; returns how many were read."""
    indicators = list(engine.table.indicators)
    read = 0
    elsewhere = engine.elsewhere()
    texts = [briefing.title, briefing.number_line, briefing.opening]
    for section in briefing.sections:
        texts.append(section.heading)
        for paragraph in section.paragraphs:
            # The indicators' section: a paragraph each, naming it first.
            named = [i for i in indicators if i.name in paragraph]
            if section.heading.endswith("各项指标完成情况"):
                assert named, paragraph
                indicator = min(named, key=lambda i: paragraph.find(i.name))
                allowed = engine.for_indicator(indicator)
                cell = engine.table.get(engine.subject, indicator.id)
                found = numbers_in(paragraph, plan, engine.periods)
                places = indicator.decimal_places
                if cell.reported and cell.annual_target is None and cell.plan_target:
                    # a plan total only: it speaks of the plan to date and its rate
                    assert format_field(cell, "plan_actual", places) in found
                    assert format_percent(cell.plan_completion) in found
                elif cell.reported:  # it speaks of the year's actual and its rate
                    assert format_field(cell, "ytd_actual", places) in found
                    if cell.completion is not None:
                        assert format_percent(cell.completion) in found
                for number in found:
                    assert number.rstrip("%") in {a.rstrip("%") for a in allowed}, (
                        number,
                        paragraph,
                    )
                read += len(found)
            else:
                texts.append(paragraph)
    for text in texts:
        found = numbers_in(text, plan, engine.periods)
        for number in found:
            assert number.rstrip("%") in {a.rstrip("%") for a in elsewhere}, (number, text)
        read += len(found)
    assert list(briefing.table.rows) == engine.table_rows()
    return read


def region_names_in(briefing, plan) -> set[str]:
    text = full_text(briefing)
    return {r.name for r in plan.regions.all() if r.name in text}


def full_text(briefing) -> str:
    parts = [briefing.title, briefing.number_line, briefing.opening]
    for section in briefing.sections:
        parts += [section.heading, *section.paragraphs]
    for row in briefing.table.rows:
        parts += list(row)
    return "\n".join(parts)


@pytest.mark.parametrize(
    ("year", "quarter"),
    [(2026, 2), (2026, 3), (2026, 1), (2025, 4), (2025, 1)],
    ids=["latest-complete", "half-reported", "first-quarter", "year-end", "plan-start"],
)
def test_demo_briefing_numbers_are_the_engines(demo, leader, year, quarter):
    regions = Region.objects.visible_to(leader)
    briefing = compose_briefing(plan=demo, year=year, quarter=quarter, regions=regions)
    engine = EngineNumbers(demo, Period(year, quarter), regions)
    assert assert_numbers_are_the_engines(briefing, demo, engine) > 50


@pytest.mark.parametrize(
    ("name", "year", "quarter", "least"),
    [("昆阳", 2026, 2, 20), ("昆阳", 2026, 1, 20), ("海西", 2026, 3, 5), ("海西", 2025, 4, 20)],
    ids=["approved", "first-quarter", "not-reported", "year-end"],
)
def test_township_briefing_numbers_are_its_own_and_name_no_other_township(
    demo, groups, name, year, quarter, least
):
    region = demo.regions.get(name=name)
    official = make_user(f"official_{region.code}", Role.TOWNSHIP, region)
    regions = Region.objects.visible_to(official)
    briefing = compose_briefing(
        plan=demo, year=year, quarter=quarter, regions=regions, region=region
    )
    engine = EngineNumbers(demo, Period(year, quarter), regions, region)
    assert assert_numbers_are_the_engines(briefing, demo, engine) >= least
    assert region_names_in(briefing, demo) == {region.name}
    assert briefing.region_id == region.pk


def test_county_briefing_names_only_regions_in_the_table(demo, leader):
    briefing = compose_briefing(
        plan=demo, year=2026, quarter=3, regions=Region.objects.visible_to(leader)
    )
    named = region_names_in(briefing, demo)
    assert named  # the townships ahead, behind and not reported, by name
    assert named <= set(demo.regions.values_list("name", flat=True))


@pytest.fixture
def city(db, groups):
    """A second plan: four regions, 2028–2030, figures through 2029 Q2; the
    last region has not had its 2029 Q2 report approved."""
    plan = generate_plan(regions=4, indicators=3, years=3, first_year=2028, quarters=6, seed=5)
    plan.county_name, plan.region_term = "全市", "区县"
    plan.save()
    last = plan.regions.order_by("-order").first()
    Submission.objects.filter(region=last, year=2029, quarter=2).delete()
    return plan


@pytest.mark.parametrize(("year", "quarter"), [(2029, 2), (2029, 1), (2028, 4), (2028, 3)])
def test_second_plan_briefing_numbers_are_the_engines(city, year, quarter):
    reader = make_user("city_leader", Role.LEADER)
    regions = Region.objects.visible_to(reader).filter(plan=city)
    briefing = compose_briefing(plan=city, year=year, quarter=quarter, regions=regions)
    engine = EngineNumbers(city, Period(year, quarter), regions)
    assert assert_numbers_are_the_engines(briefing, city, engine) > 30
    text = full_text(briefing)
    assert "全县" not in text and "乡镇" not in text  # the plan's own words


@pytest.mark.parametrize(("year", "quarter"), [(2029, 2), (2028, 4)])
def test_a_plan_total_only_indicators_briefing_numbers_are_the_engines(city, year, quarter):
    """An indicator whose plan gives totals only (county and each region, no
    year's target): the county briefing names its regions with the plan's
    numbers, each one the engine's, and says no year's target of it."""
    indicator = city.indicators.order_by("order").first()
    keep_only_plan_totals(indicator)
    reader = make_user("city_leader", Role.LEADER)
    regions = Region.objects.visible_to(reader).filter(plan=city)
    briefing = compose_briefing(plan=city, year=year, quarter=quarter, regions=regions)
    engine = EngineNumbers(city, Period(year, quarter), regions)
    assert assert_numbers_are_the_engines(briefing, city, engine) > 30
    paragraph = next(p for p in full_text(briefing).split("\n") if "计划期累计完成" in p)
    assert indicator.name in paragraph and "分区县看" in paragraph
    assert "完成年度目标" not in paragraph and "—" not in paragraph
    # Its table row reads the plan's numbers, not a year's empty columns.
    row = next(r for r in briefing.table.rows if r[0].startswith(indicator.label))
    assert row[0] == f"{indicator.label}(计划期)" and "—" not in row


def test_second_plan_township_briefing_names_only_itself(city):
    region = city.regions.order_by("order").first()
    reader = make_user("city_official", Role.TOWNSHIP, region)
    regions = Region.objects.visible_to(reader)
    briefing = compose_briefing(plan=city, year=2029, quarter=2, regions=regions, region=region)
    engine = EngineNumbers(city, Period(2029, 2), regions, region)
    assert assert_numbers_are_the_engines(briefing, city, engine) > 10
    assert region_names_in(briefing, city) == {region.name}


def test_measures_without_progress_are_the_boards(demo, leader):
    """The measures named are those the board shows without progress."""
    briefing = compose_briefing(
        plan=demo, year=2026, quarter=2, regions=Region.objects.visible_to(leader)
    )
    text = full_text(briefing)
    rows = board(demo.measures.all(), Period(2026, 2), datetime.date(2026, 7, 1))
    for row in rows:
        named = f"{row.measure.label}{row.measure.title}" in text
        assert named == (not row.reported or row.latest.status in ("not_started", "lagging"))


@pytest.mark.parametrize(
    ("year", "quarter", "township"),
    [(2026, 3, False), (2025, 4, False), (2026, 1, False), (2026, 2, True), (2026, 3, True)],
)
def test_english_briefing_has_the_same_numbers(demo, leader, year, quarter, township):
    regions = Region.objects.visible_to(leader)
    # 2026 Q3: 海西's report is a draft, so its own briefing is of a quarter not reported.
    region = demo.regions.get(name="海西") if township else None
    chinese = compose_briefing(
        plan=demo, year=year, quarter=quarter, regions=regions, region=region, show_rank=True
    )
    with translation.override("en"):
        english = compose_briefing(
            plan=demo, year=year, quarter=quarter, regions=regions, region=region, show_rank=True
        )
        periods = [Period(year, quarter), Period(year, quarter).previous()]
        english_text = full_text(english)
        # English spaces a unit off its number (80 家), but never a percent.
        assert not re.search(r"\d %", english_text)
        english_numbers = numbers_in(english_text, demo, periods)
    chinese_numbers = numbers_in(full_text(chinese), demo, periods)
    assert Counter(english_numbers) == Counter(chinese_numbers)
    assert english.table.rows != chinese.table.rows  # the statuses are in English…

    def table_numbers(briefing):
        return [[NUMBER.findall(cell) for cell in row[1:]] for row in briefing.table.rows]

    assert table_numbers(english) == table_numbers(chinese)
    # …and every sentence: only the plan's own names stay Chinese.
    for name in plan_words(demo):
        english_text = english_text.replace(name, "")
    assert not re.search(r"[\u3400-\u9fff]", english_text), re.findall(
        r".{0,20}[\u3400-\u9fff]+.{0,20}", english_text
    )[:5]
