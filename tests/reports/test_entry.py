"""The quarterly entry grid, closing quarters, completeness and history, as
county staff use them."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from reports.choices import Source
from reports.demo.scale import generate_plan
from reports.figures import deadlines
from reports.figures.changes import FigureChange
from reports.figures.quarters import close_quarter
from reports.figures.services import record_figures
from reports.models import ClosedQuarter, Figure, QuarterEvent
from targets.models import Target
from tests.reports.reviewing import approve_all

ENTRY = reverse("reports:entry")


def snapshot():
    return sorted(
        Figure.objects.values_list("indicator_id", "region_id", "year", "quarter", "value")
    )


def grid_data(client, period: str) -> dict:
    """What the browser would post back untouched: every field's initial value."""
    response = client.get(ENTRY, {"period": period})
    assert response.status_code == 200
    form = response.context["form"]
    data = {"period": period}
    for name, field in form.fields.items():
        initial = form.initial.get(name, field.initial)
        if initial is not None and initial is not False:
            data[name] = initial
    return data


def cell(plan, code: str, region_name: str | None) -> str:
    indicator = plan.indicators.get(code=code)
    region = plan.regions.get(name=region_name).pk if region_name else "county"
    return f"c{indicator.pk}_{region}"


def test_grid_is_prefilled_with_targets_and_year_to_date(client_for, staff, demo):
    response = client_for(staff).get(ENTRY, {"period": "2026Q3"})
    form = response.context["form"]
    kunyang = demo.regions.get(name="昆阳")
    space = demo.indicators.get(code="space")
    figure = Figure.objects.get(indicator=space, region=kunyang, year=2026, quarter=3)
    name = cell(demo, "space", "昆阳")
    assert Decimal(form[name].initial) == figure.value
    grid_cell = next(c for c in response.context["grid"].cells if c.name == name)
    assert grid_cell.target == 3  # annex 2, 昆阳 2026
    earlier = Figure.objects.filter(indicator=space, region=kunyang, year=2026, quarter__lt=3)
    assert grid_cell.ytd_before == sum(f.value for f in earlier)
    html = response.content.decode()
    assert "目标 3 · 此前已填" in html
    # The county-only indicator is entered once, on the county row.
    assert cell(demo, "carriers", None) in form.fields
    assert cell(demo, "carriers", "昆阳") not in form.fields


def test_staff_enters_a_whole_quarter_in_one_save(client_for, staff, demo):
    client = client_for(staff)
    data = grid_data(client, "2026Q4")
    values = {name: "1" for name in data if name.startswith("c")}
    data.update(values, confirm_warnings="on")  # 1 万㎡ is far above 海西's usual
    response = client.post(ENTRY, data)
    assert response.status_code == 302
    saved = Figure.objects.filter(year=2026, quarter=4)
    assert saved.count() == len(values) == 9 * 5 + 1
    message = [str(m) for m in response.wsgi_request._messages]
    assert any(f"新增 {len(values)} 项" in m for m in message)
    assert all(f.entered_by == staff for f in saved)


def test_one_cell_typed_for_a_township_that_has_not_reported_leaves_it_unreported(
    client_for, staff, demo
):
    """The bureau types one figure for 经开区, which has reported nothing for
    2026 Q3: saved, but its report is not approved, so every page still reads
    经开区 未报 (its other indicators are not counted as 0), and staff are
    told why."""
    client = client_for(staff)
    zone = demo.regions.get(name="经开区")
    api = reverse("api:progress")
    before = client.get(api, {"period": "2026Q3"}).json()
    data = grid_data(client, "2026Q3")
    data.update({cell(demo, "space", "经开区"): "0.5", "confirm_warnings": "on"})
    response = client.post(ENTRY, data, follow=True)
    page = response.content.decode()
    assert "新增 1 项" in page and "经开区2026年第3季度" in page and "未审核通过" in page
    assert Figure.objects.get(region=zone, year=2026, quarter=3).value == Decimal("0.5")
    after = client.get(api, {"period": "2026Q3"}).json()
    assert after == before  # nothing counts until the report is complete
    rows = [r for r in after["rows"] if r["region"] == zone.code]
    assert rows and all(not r["reported"] for r in rows)


def test_untouched_grid_saves_nothing(client_for, staff, demo):
    client = client_for(staff)
    before = snapshot()
    response = client.post(ENTRY, grid_data(client, "2026Q3"))
    assert response.status_code == 302
    assert snapshot() == before


@pytest.mark.parametrize(
    ("code", "text", "message"),
    [
        ("space", "abc", "不是数字"),
        ("space", "-1", "不能为负数"),
        ("space", "0.123", "最多 2 位小数"),
        ("enterprises", "2.5", "只能填整数"),
        ("talents", "1000000000000", "数值过大"),
        # What Python would read as a number but no clerk types as one.
        ("talents", "1e3", "不是数字"),
        ("talents", "1_000", "不是数字"),
        ("talents", "\u0661\u0662", "不是数字"),  # Arabic-Indic digits 12
        # Numerals that are no digits: NFKC alone would read them 12, 1, 21.
        ("talents", "1²", "不是数字"),
        ("talents", "①", "不是数字"),
        ("talents", "㉑", "不是数字"),
        # Bold or double-struck digits pasted from elsewhere: styled letters.
        ("talents", "\U0001d7cf\U0001d7d0", "不是数字"),  # 𝟏𝟐
        # A space inside a number is a slip, never the digits joined: not 15.
        ("talents", "1 5", "不是数字"),
        ("space", "1.\u30005", "不是数字"),  # a full-width space
        ("talents", "Infinity", "不是数字"),
        ("talents", "１２３４５６７８９０１２３", "数值过大"),
        ("talents", "9" * 60, "数值过大"),  # too big, not "not a number"
        ("talents", "9" * 41, "数值过大"),  # nor "at most 40 characters" besides
        # A decimal comma or a slip is no thousands separator: not 5, not 12.
        ("space", "0,5", "不是数字"),
        ("talents", "1,2", "不是数字"),
        ("talents", "12,00", "不是数字"),
        # Django's own Chinese says 不允许是用空字符串 ("no empty string").
        ("talents", "1\x00", "不能包含空字符"),
    ],
)
def test_bad_cells_are_listed_and_nothing_is_saved(client_for, staff, demo, code, text, message):
    client = client_for(staff)
    data = grid_data(client, "2026Q3")
    data[cell(demo, "enterprises", "鳌江")] = "7"  # a good change beside the bad one
    data[cell(demo, code, "昆阳")] = text
    before = snapshot()
    response = client.post(ENTRY, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    # One message for the cell, the one that says why (not a generic one too).
    [said] = response.context["form"].errors[cell(demo, code, "昆阳")]
    assert message in said
    assert snapshot() == before


@pytest.mark.parametrize("form_period", ["2026Q4", "2026Q3"])
@pytest.mark.parametrize("period", [None, "", "2026Q9", "x", "2040Q1", "2024Q4"])
def test_grid_posted_with_a_bad_period_is_refused_and_nothing_is_saved(
    client_for, staff, demo, form_period, period
):
    """A missing, malformed or out-of-plan period (a tampered or stale form)
    must not fall back to the default quarter (2026Q3) and save the values
    there, nor offer to."""
    client = client_for(staff)
    data = grid_data(client, form_period)
    data.update({name: "1" for name in data if name.startswith("c")}, confirm_warnings="on")
    if period is None:
        del data["period"]
    else:
        data["period"] = period
    before = snapshot()
    response = client.post(ENTRY, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "提交的季度无效" in html and "未保存任何数据" in html
    assert "确认并保存" not in html  # nothing offered for saving elsewhere
    assert snapshot() == before


def test_tampered_version_is_refused(client_for, staff, demo):
    client = client_for(staff)
    data = grid_data(client, "2026Q3")
    name = cell(demo, "space", "昆阳")
    data[name] = "2"
    data["v" + name[1:]] = "x"
    before = snapshot()
    response = client.post(ENTRY, data)
    assert response.status_code == 400 and snapshot() == before


def test_full_width_digits_are_understood(client_for, staff, demo):
    client = client_for(staff)
    data = grid_data(client, "2026Q4")
    data[cell(demo, "space", "昆阳")] = " １．２５\u3000"  # spaces around it go
    assert client.post(ENTRY, data).status_code == 302
    assert Figure.objects.get(year=2026, quarter=4).value == Decimal("1.25")


def test_thousands_separators_grouping_by_three_are_understood(client_for, staff, demo):
    client = client_for(staff)
    data = grid_data(client, "2026Q4")
    data[cell(demo, "talents", "昆阳")] = "1,200"
    data[cell(demo, "space", "昆阳")] = "１，２３４.５"  # full-width comma too
    data["confirm_warnings"] = "on"  # both above the year's target
    assert client.post(ENTRY, data).status_code == 302
    saved = dict(
        Figure.objects.filter(year=2026, quarter=4).values_list("indicator__code", "value")
    )
    assert saved == {"talents": Decimal(1200), "space": Decimal("1234.5")}


def test_outlier_needs_confirmation_before_saving(client_for, staff, demo):
    client = client_for(staff)
    data = grid_data(client, "2026Q4")
    data[cell(demo, "talents", "昆阳")] = "4000"  # more than 昆阳's 2026 target of 400
    response = client.post(ENTRY, data)
    assert response.status_code == 200
    assert "超过全年目标 400" in response.content.decode()
    assert not Figure.objects.filter(year=2026, quarter=4).exists()
    data["confirm_warnings"] = "on"
    assert client.post(ENTRY, data).status_code == 302
    assert Figure.objects.get(year=2026, quarter=4).value == 4000


def test_a_figure_above_a_zero_target_needs_confirmation_too(client_for, staff, demo):
    """A township given nothing to do this year: a figure typed for it is
    above its target as any other, and asked about before it is saved."""
    talents = demo.indicators.get(code="talents")
    kunyang = demo.regions.get(name="昆阳")
    Target.objects.filter(indicator=talents, region=kunyang, year=2026).update(value=0)
    client = client_for(staff)
    data = grid_data(client, "2026Q4")
    data[cell(demo, "talents", "昆阳")] = "777"
    response = client.post(ENTRY, data)
    assert response.status_code == 200
    assert "本季度 777 超过全年目标 0" in response.content.decode()
    assert not Figure.objects.filter(year=2026, quarter=4).exists()
    data["confirm_warnings"] = "on"
    assert client.post(ENTRY, data).status_code == 302
    assert Figure.objects.get(year=2026, quarter=4).value == 777


def test_second_editor_sees_both_values_and_nothing_is_lost(client_for, staff, demo):
    client = client_for(staff)
    stale = grid_data(client, "2026Q3")
    name = cell(demo, "space", "昆阳")
    space = demo.indicators.get(code="space")
    kunyang = demo.regions.get(name="昆阳")
    # Meanwhile a colleague saves the same cell.
    record_figures(
        demo,
        staff,
        [FigureChange(space.pk, kunyang.pk, 2026, 3, Decimal("0.8"), seen_version=1)],
        source=Source.FORM,
    )
    stale[name] = "0.9"
    response = client.post(ENTRY, stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert "已被他人修改" in html and "0.8" in html and "0.9" in html
    assert Figure.objects.get(
        indicator=space, region=kunyang, year=2026, quarter=3
    ).value == Decimal("0.8")
    # The re-rendered form keeps 0.9 and carries the new version: saving again
    # is a deliberate overwrite.
    form = response.context["form"]
    resubmit = dict(stale, **{"v" + name[1:]: form.data["v" + name[1:]]})
    assert client.post(ENTRY, resubmit).status_code == 302
    assert Figure.objects.get(
        indicator=space, region=kunyang, year=2026, quarter=3
    ).value == Decimal("0.9")


def test_closed_quarter_grid_is_read_only(client_for, staff, demo):
    client = client_for(staff)
    data = grid_data(client, "2026Q2")
    close_quarter(demo, staff, 2026, 2, reason="核定", override=True)
    data[cell(demo, "space", "昆阳")] = "9"
    before = snapshot()
    response = client.post(ENTRY, data)
    assert response.status_code == 409
    assert "已关闭" in response.content.decode()
    assert snapshot() == before
    html = client.get(ENTRY, {"period": "2026Q2"}).content.decode()
    assert "本季度已关闭" in html and "disabled" in html


@pytest.mark.parametrize("persona", ["leader", "unbound"])
def test_only_staff_and_township_officials_may_open_or_post_the_grid(
    client_for, demo, persona, request
):
    client = client_for(request.getfixturevalue(persona))
    before = snapshot()
    assert client.get(ENTRY).status_code == 403
    assert client.post(ENTRY, {"period": "2026Q3"}).status_code == 403
    assert snapshot() == before


def test_quarters_page_lists_what_is_missing(client_for, staff, demo):
    # 2026 Q2: complete in the demo (its 2026 Q3 shows a draft and a region not started)
    Figure.objects.filter(region__name="海西", year=2026, quarter=2).delete()
    response = client_for(staff).get(reverse("reports:quarters"), {"period": "2026Q2"})
    missing = {row["region"]: row["missing"] for row in response.context["missing_table"].data.data}
    assert list(missing) == ["海西"]
    assert "新增孵化空间面积" in missing["海西"]
    rows = {row["code"]: row for row in response.context["quarters_table"].data.data}
    assert rows["2026Q2"]["reported"] == "41/46"
    assert rows["2026Q4"]["reported"] == "0/46"


def test_staff_close_and_reopen_with_a_reason_on_record(client_for, staff, demo):
    approve_all(demo, 2026, 3)
    client = client_for(staff)
    response = client.post(reverse("reports:quarter_close"), {"period": "2026Q3"})
    assert response.status_code == 302
    assert ClosedQuarter.objects.filter(year=2026, quarter=3).exists()
    # No reason, no reopening.
    client.post(reverse("reports:quarter_reopen"), {"period": "2026Q3", "reason": ""})
    assert ClosedQuarter.objects.filter(year=2026, quarter=3).exists()
    client.post(reverse("reports:quarter_reopen"), {"period": "2026Q3", "reason": "萧江更正"})
    assert not ClosedQuarter.objects.exists()
    events = QuarterEvent.objects.order_by("at", "pk")
    assert [(e.action, e.reason, e.user) for e in events] == [
        ("close", "", staff),
        ("reopen", "萧江更正", staff),
    ]
    html = client.get(reverse("reports:quarters")).content.decode()
    assert "萧江更正" in html


@pytest.mark.parametrize("bad", [{}, {"period": "2031Q1"}, {"period": "x"}, {"period": "2026Q9"}])
def test_bad_quarter_actions_change_nothing(client_for, staff, demo, bad):
    response = client_for(staff).post(reverse("reports:quarter_close"), bad)
    assert response.status_code == 302
    assert not ClosedQuarter.objects.exists() and not QuarterEvent.objects.exists()


def test_leader_cannot_close_a_quarter(client_for, leader, demo):
    response = client_for(leader).post(reverse("reports:quarter_close"), {"period": "2026Q3"})
    assert response.status_code == 403
    assert not ClosedQuarter.objects.exists()


def test_history_shows_who_when_old_new_and_how(client_for, staff, demo):
    client = client_for(staff)
    data = grid_data(client, "2026Q3")
    name = cell(demo, "space", "昆阳")
    old = Decimal(data[name])
    data[name] = "2.5"
    client.post(ENTRY, data)
    response = client.get(reverse("reports:history", args=["kunyang"]), {"period": "2026Q3"})
    rows = response.context["figure_table"].data.data
    newest = rows[0]
    assert (newest["user"], newest["old"], newest["new"], newest["how"]) == (
        "staff",
        old,
        Decimal("2.5"),
        "表单",
    )
    assert newest["subject"] == "新增孵化空间面积"
    assert rows[-1]["how"] == "演示数据" and rows[-1]["old"] is None


def test_township_official_sees_only_their_own_history(client_for, official, demo):
    client = client_for(official)
    assert client.get(reverse("reports:history", args=["kunyang"])).status_code == 200
    assert client.get(reverse("reports:history", args=["aojiang"])).status_code == 404
    assert client.get(reverse("reports:history_county")).status_code == 404


def test_history_default_quarter_comes_from_the_viewers_own_region(
    client_for, official, staff, demo
):
    """昆阳 has reported up to 2025 Q4, 鳌江 already 2026 Q2: the official of
    昆阳 opens on 2025 Q4, and nothing on the page tells that anyone has
    reported for 2026."""
    Figure.objects.filter(year=2026).exclude(region__name="鳌江", quarter__lte=2).delete()
    response = client_for(official).get(reverse("reports:history", args=["kunyang"]))
    assert response.status_code == 200
    assert response.context["period"].code == "2025Q4"
    html = response.content.decode()
    assert "修改记录 · 2025年第4季度" in html
    assert '<option value="2025Q4" selected>' in html
    assert "2026年第2季度" not in html.replace('<option value="2026Q2">2026年第2季度</option>', "")


def test_history_default_quarter_is_the_regions_own_latest_for_staff_too(client_for, staff, demo):
    Figure.objects.filter(region__name="海西", year=2026).delete()
    client = client_for(staff)
    assert client.get(reverse("reports:history", args=["haixi"])).context["period"].code == (
        "2025Q4"
    )
    kunyang = client.get(reverse("reports:history", args=["kunyang"]))
    assert kunyang.context["period"].code == "2026Q3"
    # The county's own history: the county-only indicators' latest quarter.
    Figure.objects.filter(region__isnull=True, year=2026, quarter=3).delete()
    county = client.get(reverse("reports:history_county"))
    assert county.context["period"].code == "2026Q2"


def test_a_quarter_not_yet_begun_is_refused_and_nothing_is_saved(
    client_for, staff, demo, monkeypatch
):
    """2026 Q4 on 30 September: a slip, not a report (it would also become
    every page's default quarter)."""
    monkeypatch.setattr(deadlines, "today", lambda: datetime.date(2026, 9, 30))
    client = client_for(staff)
    page = client.get(ENTRY, {"period": "2026Q4"})
    assert page.context["locked"] and "该季度尚未开始,不能填报" in page.content.decode()
    data = grid_data(client, "2026Q4")
    data[cell(demo, "space", "昆阳")] = "1"
    before = snapshot()
    response = client.post(ENTRY, data)
    assert response.status_code == 409  # as every refusal of the write
    assert "昆阳 · 新增孵化空间面积 · 2026年第4季度:该季度尚未开始,不能填报。" in (
        response.content.decode()
    )
    assert snapshot() == before
    # On its first day it is under way: the same entry is saved.
    monkeypatch.setattr(deadlines, "today", lambda: datetime.date(2026, 10, 1))
    assert client.post(ENTRY, data).status_code == 302
    assert Figure.objects.get(year=2026, quarter=4).value == 1


def test_a_grid_posted_without_its_cells_clears_nothing(client_for, staff, demo):
    """The versions and the quarter but no cell: a broken or forged form, not
    an order to clear the whole quarter."""
    client = client_for(staff)
    data = {
        name: value
        for name, value in grid_data(client, "2026Q2").items()
        if not name.startswith("c")
    }
    before = snapshot()
    response = client.post(ENTRY, data)
    assert response.status_code == 400
    assert "表单已过期或被篡改" in response.content.decode()
    assert snapshot() == before


def test_a_large_countys_whole_grid_saves_in_one_post(client_for, staff, db):
    """60 regions × 10 indicators post about 1,200 fields (a value and the
    version seen per cell), past Django's default cap of 1,000: all saved."""
    plan = generate_plan(regions=60, indicators=10, years=3, quarters=4, incubators_per_region=0)
    client = client_for(staff)
    data = grid_data(client, "2026Q1")
    cells = [name for name in data if name.startswith("c")]
    assert len(data) > 1000 and len(cells) == 60 * 9 + 1
    data.update(dict.fromkeys(cells, "7"), confirm_warnings="on")
    response = client.post(ENTRY, data)
    assert response.status_code == 302
    saved = Figure.objects.filter(indicator__plan=plan, year=2026, quarter=1)
    assert saved.count() == len(cells) and {f.value for f in saved} == {7}
