"""The demo's ledger: marked demo, plausible per township, and its counts agree
with some reported figures and not with others (the reconciliation's material)."""

from __future__ import annotations

from collections import Counter

from reports.demo.seed import seed_demo
from reports.ledger.identity import credit_code_problem
from reports.models import (
    Enterprise,
    Figure,
    Incubator,
    IncubatorFlagGrant,
    IncubatorQuarter,
    IncubatorRecognition,
)
from reports.progress.ledger_counts import ledger_counts


def test_every_township_has_three_to_eight_demo_incubators_with_their_enterprises(demo):
    per_region = Counter(
        Incubator.objects.filter(region__plan=demo).values_list("region_id", flat=True)
    )
    assert set(per_region) == set(demo.regions.values_list("pk", flat=True))
    assert all(3 <= n <= 8 for n in per_region.values())
    names = list(Incubator.objects.values_list("name", flat=True))
    names += list(Enterprise.objects.values_list("name", flat=True))
    names += list(demo.industries.values_list("name", flat=True))
    assert names and all(name.startswith("（演示）") for name in names)
    held = Counter(Enterprise.objects.values_list("incubator_id", flat=True))
    assert max(held.values()) <= 40 and sum(1 for n in held.values() if n >= 10) >= 9
    kinds = set(Incubator.objects.values_list("kind", flat=True))
    statuses = set(Incubator.objects.values_list("status", flat=True))
    assert len(kinds) >= 3 and len(statuses) >= 2


def test_demo_enterprises_mostly_have_valid_credit_codes_and_one_firm_is_reported_twice(demo):
    codes = list(Enterprise.objects.values_list("credit_code", flat=True))
    with_code = [code for code in codes if code]
    assert all(credit_code_problem(code) is None for code in with_code)
    assert 0 < codes.count("") < len(codes) * 0.2
    twins = Counter(
        Enterprise.objects.filter(credit_code="").values_list("normalised_name", flat=True)
    )
    twice = [name for name, n in twins.items() if n > 1]
    assert twice
    regions = Enterprise.objects.filter(normalised_name=twice[0]).values_list(
        "incubator__region_id", flat=True
    )
    assert len(set(regions)) == 2


def test_demo_recognitions_titles_and_operating_data_fall_inside_the_plan(demo):
    years = set(demo.years)
    assert any(
        d.year in years
        for d in IncubatorRecognition.objects.values_list("recognised_on", flat=True)
    )
    assert any(
        d.year in years for d in IncubatorFlagGrant.objects.values_list("granted_on", flat=True)
    )
    demo_quarters = set(Figure.objects.values_list("year", "quarter"))
    operating = set(IncubatorQuarter.objects.values_list("year", "quarter"))
    assert operating == demo_quarters


def test_demo_ledger_counts_match_some_reported_figures_and_differ_from_others(demo):
    counts = ledger_counts(demo)
    agree, differ = Counter(), Counter()
    figures = Figure.objects.filter(indicator_id__in=counts.indicator_ids)
    for indicator_id, region_id, year, quarter, value in figures.values_list(
        "indicator_id", "region_id", "year", "quarter", "value"
    ):
        same = counts.value(indicator_id, region_id, year, quarter) == value
        (agree if same else differ)[indicator_id] += 1
    assert set(agree) == set(differ) == set(counts.indicator_ids)


def test_seeding_again_adds_no_ledger_records(demo):
    before = (
        Incubator.objects.count(),
        Enterprise.objects.count(),
        IncubatorQuarter.objects.count(),
    )
    seed_demo(demo, accounts=False)
    after = (
        Incubator.objects.count(),
        Enterprise.objects.count(),
        IncubatorQuarter.objects.count(),
    )
    assert after == before
