"""In-app notices: shown at the top of every page of their owner until read,
listed on the owner's notices page, and nobody else's to read or mark."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from reports.choices import NoticeKind
from reports.figures.notices import SHOWN_UNREAD, notify
from reports.figures.submissions import approve, return_submission, submit
from reports.models import Notice
from tests.reports.test_submissions import Q, fill


@pytest.fixture
def notice(official):
    (created,) = notify(
        [official],
        NoticeKind.RETURNED,
        key="returned:test",
        subject="2026年第3季度的数据被退回",
        body="退回原因:空间面积有误",
        link=reverse("reports:entry") + "?period=2026Q3",
    )
    return created


def test_an_unread_notice_shows_at_the_top_of_the_owners_pages(
    client_for, official, region_a, notice
):
    client = client_for(official)
    for url in (reverse("reports:township", args=[region_a.code]), reverse("targets:plan")):
        text = client.get(url).content.decode()
        assert "2026年第3季度的数据被退回" in text
        assert "退回原因:空间面积有误" in text
        assert f'href="{notice.link}"' in text
        assert reverse("reports:notice_read", args=[notice.pk]) in text


def test_a_notice_is_nobody_elses_to_see(client_for, staff, other_official, notice):
    for user in (staff, other_official):
        client = client_for(user)
        assert "被退回" not in client.get(reverse("targets:plan")).content.decode()
        assert "被退回" not in client.get(reverse("reports:notices")).content.decode()


def test_marking_a_notice_read_removes_it_from_the_top(client_for, official, notice):
    client = client_for(official)
    plan_page = reverse("targets:plan")
    response = client.post(reverse("reports:notice_read", args=[notice.pk]), {"next": plan_page})

    assert response.status_code == 302
    assert response.url == plan_page
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert "被退回" not in client.get(plan_page).content.decode()
    # still on the notices page, read
    listing = client.get(reverse("reports:notices")).content.decode()
    assert "被退回" in listing
    assert "未读" not in listing.split("<main", 1)[1]


@pytest.mark.parametrize("who", ["other_official", "staff", "admin_user"])
def test_nobody_marks_another_users_notice(client_for, request, notice, who):
    response = client_for(request.getfixturevalue(who)).post(
        reverse("reports:notice_read", args=[notice.pk])
    )
    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_a_notice_that_does_not_exist_is_404(client_for, official, notice):
    response = client_for(official).post(reverse("reports:notice_read", args=[notice.pk + 99]))
    assert response.status_code == 404


def test_marking_read_needs_a_post(client_for, official, notice):
    response = client_for(official).get(reverse("reports:notice_read", args=[notice.pk]))
    assert response.status_code == 405
    notice.refresh_from_db()
    assert notice.read_at is None


def test_marking_read_never_redirects_off_the_site(client_for, official, notice):
    response = client_for(official).post(
        reverse("reports:notice_read", args=[notice.pk]), {"next": "https://evil.example/"}
    )
    assert response.url == reverse("reports:notices")


@pytest.mark.parametrize(
    "target", ["abc", "2026Q3", "reports:overview", "//evil.example/", "javascript:alert(1)", ""]
)
def test_a_next_that_is_no_path_of_the_site_goes_to_the_notices(
    client_for, official, notice, target
):
    """A bare word is no path (redirect() would look it up as a view's name
    and fail): the notice is marked read and the user lands on the notices."""
    response = client_for(official).post(
        reverse("reports:notice_read", args=[notice.pk]), {"next": target}
    )
    assert response.status_code == 302
    assert response.url == reverse("reports:notices")
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_the_top_shows_the_newest_few_and_links_to_the_rest(client_for, official):
    for number in range(SHOWN_UNREAD + 2):
        notify([official], NoticeKind.APPROVED, key=f"k{number}", subject=f"通知第{number}号")
    text = client_for(official).get(reverse("targets:plan")).content.decode()
    top = text.split('class="notices', 1)[1].split("</section>", 1)[0]
    assert top.count("通知第") == SHOWN_UNREAD
    assert f"通知第{SHOWN_UNREAD + 1}号" in top  # newest first
    assert "通知第0号" not in top
    assert reverse("reports:notices") in top
    listing = client_for(official).get(reverse("reports:notices")).content.decode()
    assert all(f"通知第{n}号" in listing for n in range(SHOWN_UNREAD + 2))


def test_the_unread_notices_cost_one_query(client_for, official, notice):
    client = client_for(official)
    url = reverse("targets:plan")
    client.get(url)
    with CaptureQueriesContext(connection) as with_notice:
        client.get(url)
    Notice.objects.all().delete()
    with CaptureQueriesContext(connection) as without:
        client.get(url)
    notice_queries = [q for q in with_notice if "reports_notice" in q["sql"]]
    assert len(notice_queries) == 1
    assert len(with_notice) == len(without)


def test_the_login_page_reads_no_notices(db, client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("login")).status_code == 200
    assert not [q for q in queries if "reports_notice" in q["sql"]]


def unread(user, kind) -> list[str]:
    return list(
        Notice.objects.filter(user=user, kind=kind, read_at__isnull=True).values_list(
            "subject", flat=True
        )
    )


def test_a_notice_is_settled_once_what_it_asked_for_is_done(plan, staff, official, region_a):
    """ "昆阳已上报…请审核" leaves the reviewers' pages once the report is
    returned or approved; "…被退回" leaves the township's once it hands the
    quarter in again, or once the bureau corrected and approved it (代填)."""
    fill(plan, official, region_a)
    submit(plan, official, region_a, *Q)
    assert unread(staff, NoticeKind.SUBMITTED) == ["昆阳已上报2026年第4季度的数据,请审核"]
    return_submission(plan, staff, region_a, *Q, "人才数偏高,请核实")
    assert unread(staff, NoticeKind.SUBMITTED) == []
    assert unread(official, NoticeKind.RETURNED) == ["2026年第4季度的数据被退回"]

    submit(plan, official, region_a, *Q)  # handed in again, unchanged
    assert unread(official, NoticeKind.RETURNED) == []
    approve(plan, staff, region_a, *Q)
    assert unread(staff, NoticeKind.SUBMITTED) == []

    return_submission(plan, staff, region_a, *Q, "再核实")
    assert unread(official, NoticeKind.RETURNED) == ["2026年第4季度的数据被退回"]
    fill(plan, staff, region_a, value="2")  # the bureau corrects it: 代填, approved
    assert unread(official, NoticeKind.RETURNED) == []


def test_a_township_is_told_when_the_bureau_entry_approves_its_begun_report(
    plan, staff, official, other_official, region_a, region_b
):
    """代填 approves a report at once: where the township had begun it (or it
    was returned), its officials are told; a report nobody had begun gets
    no notice (there is nothing the township was doing)."""
    fill(plan, official, region_a, value="1")  # 昆阳's draft
    with translation.override("en"):  # stored in the site's language, not the actor's
        fill(plan, staff, region_a, value="2")
    fill(plan, staff, region_b, value="2")  # 鳌江 had not begun
    assert unread(official, NoticeKind.APPROVED) == [
        "2026年第4季度的数据已由审核人员代填并审核通过"
    ]
    assert unread(other_official, NoticeKind.APPROVED) == []
