"""The operating-data entry page: one region's incubators × the metrics for a
quarter; staff choose the region, a township official has only their own."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.choices import IncubatorStatus, Source
from reports.figures.quarters import close_quarter
from reports.figures.submissions import submit
from reports.ledger.operating import METRIC_NAMES, record_operating_data
from reports.models import IncubatorQuarter, Submission
from tests.reports.operating_data import change, incubator, values
from tests.reports.test_submissions import fill

URL = reverse("reports:ledger_operating")
PERIOD = "2026Q1"


@pytest.fixture
def hubs(region_a, region_b):
    return {
        "a1": incubator(region_a, "昆阳科创孵化器"),
        "a2": incubator(region_a, "昆阳众创空间"),
        "building": incubator(region_a, "昆阳在建基地", status=IncubatorStatus.BUILDING),
        "b1": incubator(region_b, "鳌江加速器"),
    }


def row_data(hub, version=0, **overrides) -> dict:
    data = {
        f"o{hub.pk}_{name}": "" if v is None else str(v) for name, v in values(**overrides).items()
    }
    data[f"v{hub.pk}"] = str(version)
    return data


def post(client, *rows, region=None, period=PERIOD, **extra):
    data = {"period": period, **extra}
    if region:
        data["region"] = region
    for row in rows:
        data.update(row)
    return client.post(URL, data)


def test_an_official_sees_their_operating_incubators_only(client_for, official, hubs):
    page = client_for(official).get(URL, {"period": PERIOD})
    text = page.content.decode()
    assert page.status_code == 200
    assert "昆阳科创孵化器" in text and "昆阳众创空间" in text
    assert "在建基地" not in text  # not operating
    assert "鳌江" not in text


def test_an_official_asking_for_another_region_gets_404(client_for, official, hubs, region_b):
    page = client_for(official).get(URL, {"period": PERIOD, "region": region_b.code})
    assert page.status_code == 404


def test_staff_choose_the_region(client_for, staff, hubs, region_b):
    page = client_for(staff).get(URL, {"period": PERIOD, "region": region_b.code})
    text = page.content.decode()
    assert "鳌江加速器" in text and "昆阳科创孵化器" not in text
    assert client_for(staff).get(URL, {"region": "nowhere"}).status_code == 404


def test_leaders_may_not_enter(client_for, leader, hubs):
    assert client_for(leader).get(URL).status_code == 403


def test_the_grid_shows_what_is_stored(client_for, official, plan, hubs):
    record_operating_data(plan, official, [change(hubs["a1"])], source=Source.FORM)
    text = client_for(official).get(URL, {"period": PERIOD}).content.decode()
    assert 'value="1500.25"' in text and 'value="85.5"' in text


def test_saving_writes_only_the_changed_rows(client_for, official, plan, hubs, region_a):
    record_operating_data(plan, official, [change(hubs["a2"])], source=Source.FORM)
    page = post(
        client_for(official),
        row_data(hubs["a1"], revenue="2000"),
        row_data(hubs["a2"], version=1),  # as shown: unchanged
    )
    assert page.status_code == 302
    assert IncubatorQuarter.objects.get(incubator=hubs["a1"]).revenue == Decimal("2000")
    assert IncubatorQuarter.objects.get(incubator=hubs["a2"]).version == 1
    assert Submission.objects.get(region=region_a).state == "draft"


def test_a_bad_cell_saves_nothing_and_says_where(client_for, official, hubs):
    page = post(
        client_for(official),
        row_data(hubs["a1"]),
        row_data(hubs["a2"], occupancy_rate="130"),
    )
    assert page.status_code == 400
    assert "昆阳众创空间 · 入驻率(%):入驻率应在 0 到 100 之间" in page.content.decode()
    assert not IncubatorQuarter.objects.exists()


def test_a_half_filled_row_is_refused(client_for, official, hubs):
    page = post(client_for(official), row_data(hubs["a1"], graduates=None))
    assert page.status_code == 400
    assert "毕业企业数:未填写(没有请填 0)" in page.content.decode()


def test_a_cell_of_another_regions_incubator_refuses_the_form(client_for, official, hubs):
    page = post(client_for(official), row_data(hubs["a1"]), row_data(hubs["b1"]))
    assert page.status_code == 400
    assert "表单已过期或被篡改" in page.content.decode()
    assert not IncubatorQuarter.objects.exists()


def test_a_handed_in_quarter_is_read_only_for_the_township(
    client_for, official, plan, hubs, region_a
):
    fill(plan, official, region_a)
    submit(plan, official, region_a, 2026, 4)
    client = client_for(official)
    text = client.get(URL, {"period": "2026Q4"}).content.decode()
    assert "保存运营数据" not in text and "disabled" in text
    page = post(client, row_data(hubs["a1"]), period="2026Q4")
    assert page.status_code == 409
    assert not IncubatorQuarter.objects.exists()


def test_a_closed_quarter_refuses_staff(client_for, staff, plan, hubs, region_a):
    close_quarter(plan, staff, 2026, 1, "年终", override=True)
    page = post(client_for(staff), row_data(hubs["a1"]), region=region_a.code)
    assert page.status_code == 409
    assert not IncubatorQuarter.objects.exists()


def test_a_save_over_someone_elses_is_a_conflict_keeping_what_was_typed(
    client_for, official, plan, hubs
):
    client = client_for(official)
    record_operating_data(plan, official, [change(hubs["a1"])], source=Source.FORM)
    page = post(client, row_data(hubs["a1"], version=0, revenue="3000"))
    assert page.status_code == 409
    assert 'value="3000"' in page.content.decode()
    assert IncubatorQuarter.objects.get().revenue == Decimal("1500.25")


@pytest.mark.parametrize(
    "data",
    [{}, {"period": "2099Q9"}, {"period": PERIOD, "v1x": "a"}, {"period": PERIOD, "region": "zz"}],
)
def test_malformed_posts_never_fail_with_500(client_for, staff, hubs, data):
    page = client_for(staff).post(URL, data)
    assert page.status_code in (302, 400, 404)
    assert not IncubatorQuarter.objects.exists()


def test_every_metric_has_a_column(client_for, staff, hubs):
    text = client_for(staff).get(URL, {"period": PERIOD}).content.decode()
    assert all(f'name="o{hubs["a1"].pk}_{name}"' in text for name in METRIC_NAMES)


def test_a_row_not_posted_at_all_is_left_as_it_is(client_for, official, plan, hubs):
    record_operating_data(plan, official, [change(hubs["a2"])], source=Source.FORM)
    assert post(client_for(official), row_data(hubs["a1"])).status_code == 302
    assert IncubatorQuarter.objects.filter(incubator=hubs["a2"]).exists()


# The session and user (read session, user, permissions ×2, and saving the
# session: 3 with its savepoint), the plan, the unread notices (base.html); the
# page: the region (staff: the one named by ?region=; an official: their scope's
# region), the incubators, their rows, the region's report, the closed quarter;
# and the regions of the selector (an official: their membership instead).
ENTRY_QUERIES = {"staff": 12, "official": 12}


@pytest.mark.parametrize("who", ["staff", "official"])
def test_the_entry_page_reads_the_same_queries_for_5_or_60_incubators(
    client_for, plan, staff, official, region_a, who
):
    user = {"staff": staff, "official": official}[who]
    client = client_for(user)
    params = {"period": PERIOD, "region": region_a.code}

    def count(n_before: int, n: int) -> int:
        for i in range(n_before, n):
            hub = incubator(region_a, f"载体{i:03d}")
            if i % 2:
                IncubatorQuarter.objects.create(incubator=hub, year=2026, quarter=1, **values())
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, params)
        assert response.status_code == 200
        assert response.content.decode().count('<tr><th scope="row">') == n
        return len(queries)

    small, large = count(0, 5), count(5, 60)
    assert small == large == ENTRY_QUERIES[who], (small, large)


def test_the_review_page_shows_the_operating_data_handed_in_with_the_figures(
    client_for, official, staff, plan, hubs, region_a
):
    fill(plan, official, region_a)
    record_operating_data(
        plan, official, [change(hubs["a1"], period=(2026, 4))], source=Source.FORM
    )
    submit(plan, official, region_a, 2026, 4)
    page = client_for(staff).get(reverse("reports:review"), {"period": "2026Q4"})
    text = page.content.decode()
    section = text[text.index('id="region-kunyang"') :]
    assert "昆阳科创孵化器" in section and "1500.25" in section
    assert "尚未填报本季度运营数据:昆阳众创空间" in section


def test_the_operating_pages_read_in_english_but_for_the_data(client_for, staff, plan, hubs):
    from django.conf import settings

    from reports.ledger.workbook import SHEETS, STAMP_HEADER
    from tests.test_translations import CJK, data_words, visible_text

    # Data: the plan's and the incubators' names; the workbook's sheet names
    # and headers (the page names the 记录版本 column) are its file format and
    # stay Chinese in every language.
    allowed = data_words(plan) | {run for text in SHEETS for run in CJK.findall(text)}
    allowed |= set(CJK.findall(STAMP_HEADER))
    allowed |= {run for hub in hubs.values() for run in CJK.findall(hub.name)}
    client = client_for(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for url in [URL, reverse("reports:ledger_upload")]:
        text = visible_text(client.get(url, {"period": PERIOD}).content.decode())
        assert set(CJK.findall(text)) <= allowed, (url, set(CJK.findall(text)) - allowed)
