"""Staff report the headline goals' own series (what no annex covers) under the
figures' rules: permission, checked values, closed quarters refused, history."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import escape

from reports.figures.changes import FigureError, QuarterClosedError
from reports.figures.goal_series import GoalFigureChange, record_goal_figures
from reports.models import ClosedQuarter, GoalFigure
from targets.models import Goal
from tests.reports.ledger_data import incubator


def goal(code: str) -> Goal:
    return Goal.objects.get(code=code)


def test_staff_record_a_stock_and_a_share_with_history(plan, staff):
    bases, share = goal("bases"), goal("leading-industry-firms")
    changes = [GoalFigureChange(bases.pk, D(12)), GoalFigureChange(share.pk, D(30), D(40))]

    assert record_goal_figures(plan, staff, 2025, 4, changes) == 2

    stock = GoalFigure.objects.get(goal=bases, year=2025, quarter=4)
    assert (stock.value, stock.denominator, stock.entered_by) == (12, None, staff)
    record_goal_figures(plan, staff, 2025, 4, [GoalFigureChange(bases.pk, D(11))])
    history = list(stock.history.order_by("history_date").values_list("value", "history_user"))
    assert history == [(12, staff.pk), (11, staff.pk)]
    assert GoalFigure.objects.get(goal=share).denominator == 40


def test_an_unchanged_value_writes_nothing_and_none_clears(plan, staff):
    bases = goal("bases")
    record_goal_figures(plan, staff, 2025, 4, [GoalFigureChange(bases.pk, D(12))])
    assert record_goal_figures(plan, staff, 2025, 4, [GoalFigureChange(bases.pk, D(12))]) == 0
    assert record_goal_figures(plan, staff, 2025, 4, [GoalFigureChange(bases.pk, None)]) == 1
    assert not GoalFigure.objects.exists()


def test_a_leader_and_a_township_official_may_not_write(plan, leader, official):
    change = [GoalFigureChange(goal("bases").pk, D(12))]
    for user in (leader, official):
        with pytest.raises(PermissionDenied):
            record_goal_figures(plan, user, 2025, 4, change)
    assert not GoalFigure.objects.exists()


def test_a_closed_quarter_is_refused(plan, staff):
    ClosedQuarter.objects.create(plan=plan, year=2025, quarter=4, closed_by=staff)
    with pytest.raises(QuarterClosedError, match="2025年第4季度已关闭"):
        record_goal_figures(plan, staff, 2025, 4, [GoalFigureChange(goal("bases").pk, D(12))])
    assert not GoalFigure.objects.exists()


@pytest.mark.parametrize(
    ("code", "value", "denominator", "message"),
    [
        ("bases", D(-1), None, "不能为负数"),
        ("bases", D("1.5"), None, "只能填整数"),
        ("bases", D(3), D(4), "没有分母"),
        ("leading-industry-firms", D(30), None, "请同时填写分母"),
        ("leading-industry-firms", D(50), D(40), "分子不能大于分母"),
        ("talents", D(100), None, "由附件指标计量"),  # measured on annex figures
    ],
)
def test_bad_values_are_refused_and_nothing_is_written(
    plan, staff, code, value, denominator, message
):
    good = GoalFigureChange(goal("provincial-incubators").pk, D(2))
    bad = GoalFigureChange(goal(code).pk, value, denominator)
    with pytest.raises(FigureError) as caught:
        record_goal_figures(plan, staff, 2025, 4, [good, bad])
    assert message in "\n".join(caught.value.messages)
    assert not GoalFigure.objects.exists()


def test_a_share_with_its_numerator_blanked_but_a_denominator_typed_is_kept(plan, staff):
    """Blank clears a share only when both parts are blank: a numerator left
    blank beside a typed denominator is a slip, not 'delete this figure'."""
    share = goal("leading-industry-firms")
    record_goal_figures(plan, staff, 2025, 4, [GoalFigureChange(share.pk, D(69), D(123))])
    with pytest.raises(FigureError) as caught:
        record_goal_figures(plan, staff, 2025, 4, [GoalFigureChange(share.pk, None, D(130))])
    assert caught.value.messages == [
        f"{share.text}:填了分母却没有填分子;如要清除该项,请把分子和分母都留空。"
    ]
    kept = GoalFigure.objects.get(goal=share)
    assert (kept.value, kept.denominator) == (D(69), D(123))


def test_a_quarter_outside_the_plan_is_refused(plan, staff):
    with pytest.raises(FigureError, match="不在计划期内"):
        record_goal_figures(plan, staff, 2028, 1, [GoalFigureChange(goal("bases").pk, D(1))])


# ---------------------------------------------------------------- the entry page


def goal_form(client, period: str, **values) -> dict:
    """What the browser posts: every input of the page as shown, then ``values``."""
    form = client.get(reverse("reports:goal_entry"), {"period": period}).context["form"]
    data = {"period": period}
    for name, field in form.fields.items():
        initial = form.initial.get(name, field.initial)
        data[name] = "" if initial is None else str(initial)
    data.update(values)
    return data


def test_staff_enter_a_quarter_of_the_goal_series_on_the_page(client_for, plan, staff):
    bases, share = goal("bases"), goal("leading-industry-firms")
    client = client_for(staff)
    page = client.get(reverse("reports:goal_entry"), {"period": "2025Q4"})
    body = page.content.decode()
    assert f'name="v{bases.pk}"' in body and f'name="d{share.pk}"' in body
    assert f'name="v{goal("talents").pk}"' not in body  # measured on annex figures

    values = {f"v{bases.pk}": "12", f"v{share.pk}": "30", f"d{share.pk}": "40"}
    response = client.post(reverse("reports:goal_entry"), goal_form(client, "2025Q4", **values))

    assert response.status_code == 302
    saved = GoalFigure.objects.get(goal=share, year=2025, quarter=4)
    assert (saved.value, saved.denominator) == (30, 40)
    again = client.get(reverse("reports:goal_entry"), {"period": "2025Q4"}).content.decode()
    assert 'value="12"' in again


def test_the_entry_page_refuses_a_closed_quarter_and_shows_it_read_only(client_for, plan, staff):
    ClosedQuarter.objects.create(plan=plan, year=2025, quarter=4, closed_by=staff)
    bases = goal("bases")
    client = client_for(staff)
    page = client.get(reverse("reports:goal_entry"), {"period": "2025Q4"}).content.decode()
    assert f'name="v{bases.pk}"' not in page and "本季度已关闭" in page

    data = goal_form(client, "2025Q4", **{f"v{bases.pk}": "12"})
    response = client.post(reverse("reports:goal_entry"), data)

    assert response.status_code == 400
    assert "2025年第4季度已关闭" in response.content.decode()
    assert not GoalFigure.objects.exists()


def test_a_bad_entry_is_refused_with_the_goals_words(client_for, plan, staff):
    share = goal("leading-industry-firms")
    client = client_for(staff)
    values = {f"v{share.pk}": "50", f"d{share.pk}": "40"}
    response = client.post(reverse("reports:goal_entry"), goal_form(client, "2025Q4", **values))
    assert response.status_code == 400
    assert "主导产业企业占比75%以上:分子不能大于分母" in response.content.decode()


@pytest.mark.parametrize(
    "typed", ["1e3", "1_000", "\u0661\u0662", "1²", "①", "\U0001d7cf\U0001d7d0", "1 5"]
)
def test_what_no_clerk_types_as_a_number_is_refused(client_for, plan, staff, typed):
    """As on the entry grid: Python's Decimal reads these, a clerk did not mean them."""
    bases = goal("bases")
    client = client_for(staff)
    data = goal_form(client, "2025Q4", **{f"v{bases.pk}": typed})
    response = client.post(reverse("reports:goal_entry"), data)
    assert response.status_code == 400
    # Above the table, the goal and the value typed; beside the field, the value.
    html = response.content.decode()
    assert f"“{bases.text}”:“{escape(typed)}”不是数字。" in html
    assert f'<div class="text-danger small">“{escape(typed)}”不是数字。</div>' in html
    assert not GoalFigure.objects.exists()


def test_a_number_typed_with_full_width_digits_and_separators_is_read(client_for, plan, staff):
    bases = goal("bases")
    client = client_for(staff)
    data = goal_form(client, "2025Q4", **{f"v{bases.pk}": "１,２００"})
    assert client.post(reverse("reports:goal_entry"), data).status_code == 302
    assert GoalFigure.objects.get(goal=bases).value == 1200


def test_once_the_plan_keeps_a_ledger_its_stocks_are_counted_not_entered(
    client_for, plan, staff, region_a
):
    incubator(staff, region_a, kind="base")  # operating since 2025-03-01
    bases, share = goal("bases"), goal("leading-industry-firms")
    url = reverse("reports:goal_entry")
    client = client_for(staff)
    body = client.get(url, {"period": "2025Q4"}).content.decode()
    assert f'name="v{bases.pk}"' not in body and f'name="d{share.pk}"' in body
    assert "全县累计建成各类孵化基地30个以上:2025年第4季度末 1个" in body
    # A value posted for it anyway is written neither by the page nor by the service.
    posted = goal_form(client, "2025Q4", **{f"v{bases.pk}": "23"})
    assert client.post(url, posted).status_code == 302
    assert not GoalFigure.objects.filter(goal=bases).exists()
    changes = [GoalFigureChange(bases.pk, D(23)), GoalFigureChange(share.pk, D(30), D(40))]
    with pytest.raises(FigureError) as refused:
        record_goal_figures(plan, staff, 2025, 4, changes)
    assert refused.value.messages == [
        "全县累计建成各类孵化基地30个以上:由孵化载体台账统计,不在此填报。"
    ]
    assert not GoalFigure.objects.exists()
    # The goals page says where its number comes from.
    page = client.get(reverse("reports:goals"), {"period": "2025Q4"})
    (row,) = [r for r in page.context["goal_table"].data.data if r["text"] == bases.text]
    assert row["value"] == 1 and "截至2025年第4季度末台账统计" in row["note"]
    # The quarter under way (today is in 2026 Q4) has no end yet to count at.
    page = client.get(reverse("reports:goals"), {"period": "2026Q4"})
    (row,) = [r for r in page.context["goal_table"].data.data if r["text"] == bases.text]
    assert "截至目前台账统计(2026年第4季度进行中)" in row["note"]
    assert "第4季度末" not in row["note"]


@pytest.mark.parametrize("period", ["2025Q4 ", "", None, "2030Q1", "２０２５Q4"])
def test_a_bad_posted_quarter_writes_nothing_anywhere(client_for, plan, staff, period):
    """Posted with a quarter that is not one (a tampered or stale form): not
    written into the page's default quarter either."""
    share = goal("leading-industry-firms")
    client = client_for(staff)
    data = goal_form(client, "2025Q4", **{f"v{share.pk}": "30", f"d{share.pk}": "40"})
    if period is None:
        del data["period"]
    else:
        data["period"] = period
    response = client.post(reverse("reports:goal_entry"), data)
    assert response.status_code == 400
    assert "提交的季度无效" in response.content.decode()
    assert not GoalFigure.objects.exists()


def test_a_form_missing_its_inputs_clears_nothing(client_for, plan, staff):
    """Only the quarter posted: not "every value cleared" but a broken form."""
    share = goal("leading-industry-firms")
    GoalFigure.objects.create(goal=share, year=2025, quarter=4, value=30, denominator=40)
    response = client_for(staff).post(reverse("reports:goal_entry"), {"period": "2025Q4"})
    assert response.status_code == 400
    assert "表单已过期或被篡改" in response.content.decode()
    assert GoalFigure.objects.get(goal=share).value == 30
