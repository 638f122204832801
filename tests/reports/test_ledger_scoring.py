"""The yearly evaluation's arithmetic, on numbers worked out by hand."""

from decimal import Decimal as D

from reports.ledger.scoring import (
    Because,
    Candidacy,
    Criterion,
    Evaluated,
    QuarterData,
    Thresholds,
    evaluate,
    metric_value,
)


def q(quarter=1, occ="0", firms=0, talent=0, fin="0", rev="0", grads=0, lead=0, lead_rev="0"):
    return QuarterData(
        quarter=quarter,
        occupancy_rate=D(occ),
        enterprises=firms,
        new_talent=talent,
        financing=D(fin),
        revenue=D(rev),
        graduates=grads,
        lead_industry_enterprises=lead,
        lead_industry_revenue=D(lead_rev),
    )


CRITERIA = [
    Criterion("occupancy", "occupancy_rate", D(2)),  # relative
    Criterion("revenue", "revenue", D(1), full_marks_at=D(1000)),  # absolute
    Criterion("graduates", "graduates", D(1)),  # relative
]

# Kind "incubator": A, B, C scored against each other; E reported nothing.
# occupancy (mean of quarters): A 85, B 60, C 70 → relative to 60…85: 100, 0, 40
# revenue (sum) vs 1000:        A 600, B 1500, C 0 → 60, 100 (capped), 0
# graduates (sum):              A 2, B 0, C 4      → relative to 0…4: 50, 0, 100
# totals (weights 2, 1, 1):     A (200+60+50)/4 = 77.5, B 100/4 = 25, C (80+0+100)/4 = 45
# Kind "makerspace": D alone → relative criteria 100; revenue 500 → 50: (200+50+100)/4 = 87.5
A = Evaluated(
    1, "incubator", False, (q(1, "80", rev="300", grads=1), q(2, "90", rev="300", grads=1))
)
B = Evaluated(2, "incubator", False, (q(1, "60", rev="1500"),))
C = Evaluated(3, "incubator", False, (q(1, "70", grads=4),))
D_ = Evaluated(4, "makerspace", False, (q(3, "55", rev="500", grads=2),))
E = Evaluated(5, "incubator", False, ())

THRESHOLDS = Thresholds(
    recommend_min_score=D(70), recommend_top=1, rectify_below=D(50), delist_below=D(30)
)


def by_id(results):
    return {r.incubator_id: r for r in results}


def test_scores_and_totals_as_worked_out_by_hand():
    results = by_id(evaluate(CRITERIA, THRESHOLDS, [A, B, C, D_, E]))

    assert results[1].scores == {"occupancy": 100, "revenue": 60, "graduates": 50}
    assert results[2].scores == {"occupancy": 0, "revenue": 100, "graduates": 0}
    assert results[3].scores == {"occupancy": 40, "revenue": 0, "graduates": 100}
    assert [results[i].total for i in (1, 2, 3, 4)] == [D("77.5"), 25, 45, D("87.5")]
    assert results[1].values["occupancy"] == 85


def test_ranking_is_per_kind_and_a_silent_incubator_is_not_ranked():
    results = by_id(evaluate(CRITERIA, THRESHOLDS, [A, B, C, D_, E]))

    assert [results[i].rank for i in (1, 3, 2)] == [1, 2, 3]
    assert results[4].rank == 1  # first of its own kind
    assert results[5].total is None and results[5].rank is None
    assert results[5].candidacy is None and not results[5].reported


def test_candidates_by_rule():
    results = by_id(evaluate(CRITERIA, THRESHOLDS, [A, B, C, D_, E]))

    assert (results[1].candidacy, results[1].because) == (Candidacy.RECOMMEND, Because.TOP_OF_KIND)
    assert (results[4].candidacy, results[4].because) == (Candidacy.RECOMMEND, Because.TOP_OF_KIND)
    assert (results[3].candidacy, results[3].because) == (Candidacy.RECTIFY, Because.BELOW_RECTIFY)
    assert (results[2].candidacy, results[2].because) == (Candidacy.DELIST, Because.BELOW_DELIST)


def test_one_already_rectifying_and_still_below_the_line_is_for_delisting():
    rectifying_c = Evaluated(3, "incubator", True, C.quarters)
    results = by_id(evaluate(CRITERIA, THRESHOLDS, [A, B, rectifying_c]))

    assert results[3].candidacy == Candidacy.DELIST
    assert results[3].because == Because.STILL_BELOW_AFTER_RECTIFYING


def test_recommendation_needs_both_the_minimum_score_and_a_place_in_the_top():
    too_low = Thresholds(recommend_min_score=D(80), recommend_top=1)
    results = by_id(evaluate(CRITERIA, too_low, [A, B, C]))
    assert results[1].candidacy is None  # first, but 77.5 < 80

    top_two = Thresholds(recommend_top=2)
    results = by_id(evaluate(CRITERIA, top_two, [A, B, C]))
    assert {i for i, r in results.items() if r.candidacy == Candidacy.RECOMMEND} == {1, 3}


def test_without_thresholds_nobody_is_a_candidate():
    results = evaluate(CRITERIA, Thresholds(), [A, B, C, D_])
    assert all(r.candidacy is None for r in results)


def test_equal_totals_share_a_rank():
    twin = Evaluated(6, "incubator", False, A.quarters)
    results = by_id(evaluate(CRITERIA, Thresholds(), [A, twin, B, C]))
    assert [results[i].rank for i in (1, 6, 3, 2)] == [1, 1, 3, 4]


def test_metric_values_over_a_year():
    quarters = (
        q(2, "50", firms=20, talent=3, fin="10.5", rev="100", grads=1, lead=15, lead_rev="40"),
        q(1, "70", firms=10, talent=2, fin="0.5", rev="100", grads=0, lead=10, lead_rev="60"),
    )
    assert metric_value("occupancy_rate", quarters) == 60
    assert metric_value("enterprises", quarters) == 20  # the last quarter's, not the list's last
    assert metric_value("new_talent", quarters) == 5
    assert metric_value("financing", quarters) == 11
    assert metric_value("lead_firm_share", quarters) == 75  # 15 of 20
    assert metric_value("lead_revenue_share", quarters) == 50  # 100 of 200
    assert metric_value("revenue", ()) is None


def test_a_share_of_nothing_has_no_value_and_scores_nothing():
    empty = Evaluated(7, "incubator", False, (q(1, "50"),))
    criteria = [Criterion("share", "lead_firm_share", D(1), full_marks_at=D(75))]
    [result] = evaluate(criteria, Thresholds(), [empty])
    assert result.values["share"] is None
    assert result.scores["share"] == 0 and result.total == 0
