"""The quarter-end rush's stale-read check (benchmarks/rush.py) flags a read
that shows a number older than the last approval committed before it began."""

from __future__ import annotations

from decimal import Decimal

from benchmarks.rush import find_stale

# 昆阳: approved 101 at t=10 (committed by 11), returned at t=20 (committed by
# 21), approved 102 at t=30 (committed by 31).
TIMELINE = {
    "kunyang": [
        (10.0, 11.0, Decimal(101)),
        (20.0, 21.0, None),
        (30.0, 31.0, Decimal(102)),
    ]
}


def read(start: float, end: float, shown: str | None) -> dict:
    return {"start": start, "end": end, "shown": {"kunyang": shown}}


def test_a_read_after_a_committed_approval_must_show_it():
    stale, checked = find_stale([read(12, 13, "101.0000"), read(32, 33, "101.0000")], TIMELINE)
    assert checked == 2
    assert len(stale) == 1 and "saw 101" in stale[0]


def test_a_read_while_the_approval_commits_may_show_either():
    assert find_stale([read(10.5, 10.8, None), read(10.5, 10.8, "101")], TIMELINE)[0] == []


def test_after_a_return_the_number_no_longer_counts():
    assert find_stale([read(22, 23, None)], TIMELINE)[0] == []
    assert find_stale([read(22, 23, "101")], TIMELINE)[0] != []


def test_before_any_approval_nothing_counts_yet():
    assert find_stale([read(1, 2, None), read(1, 2, "0")], TIMELINE)[0] == []
    assert find_stale([read(1, 2, "102")], TIMELINE)[0] != []
