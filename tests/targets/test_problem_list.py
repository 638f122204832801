"""An upload page says how many problems a file has, all of them, however the
list was put together: the line saying how many were left out stays last and
is not one of them."""

from __future__ import annotations

from targets.excel.values import ProblemList


def test_problems_added_later_go_before_the_line_saying_how_many_more():
    problems = ProblemList(["第2行", "第3行"], unlisted=5)
    problems.append("季度已关闭")
    problems += ["第9行"]
    assert problems[-1] == "……另有 5 个问题未列出。"
    assert problems[:-1] == ["第2行", "第3行", "季度已关闭", "第9行"]
    assert problems.total == 9


def test_joining_two_cut_lists_adds_their_unlisted_counts():
    problems = ProblemList(["a"], unlisted=2)
    problems += ProblemList(["b", "c"], unlisted=3)
    assert problems == ["a", "b", "c", "……另有 5 个问题未列出。"]
    assert problems.total == 8


def test_a_list_without_unlisted_problems_is_just_its_problems():
    problems = ProblemList(["a"])
    problems += ProblemList(["b"])
    assert problems == ["a", "b"] and problems.total == 2
