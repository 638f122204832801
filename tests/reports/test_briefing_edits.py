"""Staff edit the briefing's text: each save a version with who and when,
the history on the page, older versions shown and downloaded as they were,
"restore the generated text"; a warning once the data moved on; and bad input
answered in words, with nothing saved."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from regions.roles import Role
from reports.briefing.edits import MAX_BODY
from reports.choices import Source
from reports.figures.changes import FigureChange
from reports.figures.services import record_figures
from reports.models import BriefingVersion
from tests.conftest import make_user
from tests.reports.briefing_helpers import docx_paragraphs, page_paragraphs

PAGE = reverse("reports:briefing")
SAVE = reverse("reports:briefing_save")
WORD = reverse("reports:briefing_word")
PERIOD = "2026Q2"


def edit_fields(client, url=PAGE, **changes) -> dict:
    """What the page's form posts, as it opens, with ``changes``."""
    form = client.get(url, {"period": PERIOD}).context["form"]
    fields = {name: form.initial.get(name, "") for name in form.fields}
    fields.update(action="save", period=PERIOD)
    fields.update(changes)
    return fields


def save(client, url=SAVE, **fields):
    return client.post(f"{url}?period={PERIOD}", fields)


def test_each_save_is_a_new_version_shown_with_its_history(client_for, staff, demo):
    client = client_for(staff)
    first = edit_fields(client)
    body_v1 = first["body"] + "\n请各乡镇对照目标抓紧推进。"
    response = save(client, **{**first, "body": body_v1})
    assert response.status_code == 302
    body_v2 = body_v1.replace("请各乡镇", "请各地")
    save(client, **edit_fields(client, body=body_v2, title="修改后的标题"))

    versions = list(BriefingVersion.objects.order_by("number"))
    assert [(v.number, v.created_by, v.restored) for v in versions] == [
        (1, staff, False),
        (2, staff, False),
    ]
    assert versions[0].year == 2026 and versions[0].quarter == 2 and versions[0].region is None

    page = client.get(PAGE, {"period": PERIOD})
    lines = page_paragraphs(page.content)
    assert "修改后的标题" in lines and "请各地对照目标抓紧推进。" in lines
    assert "请各乡镇对照目标抓紧推进。" not in lines
    history_list = re.compile(r'<ol class="[^"]*briefing-history".*?</ol>', re.S)
    history = history_list.search(page.content.decode())[0]
    assert re.findall(r"第 (\d) 版</a>", history) == ["2", "1"]
    assert history.count(f"· {staff.username} ·") == 2

    # The older version, on the page and as Word, as it was saved.
    older = client.get(PAGE, {"period": PERIOD, "version": 1})
    assert "请各乡镇对照目标抓紧推进。" in page_paragraphs(older.content)
    word = client.get(WORD, {"period": PERIOD, "version": 1})
    assert "请各乡镇对照目标抓紧推进。" in docx_paragraphs(word.content)
    assert client.get(WORD, {"period": PERIOD}).status_code == 200
    assert "请各地对照目标抓紧推进。" in docx_paragraphs(
        client.get(WORD, {"period": PERIOD}).content
    )


def test_restoring_the_generated_text_is_a_version_too(client_for, staff, leader, demo):
    client = client_for(staff)
    generated = page_paragraphs(client.get(PAGE, {"period": PERIOD}).content)
    save(client, **edit_fields(client, title="临时标题"))
    assert "临时标题" in page_paragraphs(client_for(leader).get(PAGE, {"period": PERIOD}).content)
    client = client_for(staff)
    restored = save(client, **edit_fields(client, action="restore"))
    assert restored.status_code == 302
    latest = BriefingVersion.objects.order_by("-number").first()
    assert (latest.number, latest.restored, latest.created_by) == (2, True, staff)
    assert page_paragraphs(client.get(PAGE, {"period": PERIOD}).content) == generated
    # The edited version stays in the history.
    assert "临时标题" in page_paragraphs(client.get(PAGE, {"period": PERIOD, "version": 1}).content)


def test_a_warning_once_the_data_changed_after_the_edit(client_for, staff, demo):
    client = client_for(staff)
    save(client, **edit_fields(client, title="编辑过的标题"))
    page = client.get(PAGE, {"period": PERIOD})
    assert page.context["data_changed"] is False
    assert "briefing-stale" not in page.content.decode()

    # The county's own figure of a county-only indicator counts at once.
    indicator = demo.indicators.filter(by_region=False).first()
    old = indicator.figures.get(region=None, year=2026, quarter=2).value
    record_figures(
        demo,
        staff,
        [FigureChange(indicator.pk, None, 2026, 2, old + Decimal(7))],
        source=Source.FORM,
    )
    page = client.get(PAGE, {"period": PERIOD})
    assert page.context["data_changed"] is True
    assert "briefing-stale" in page.content.decode()
    assert "编辑过的标题" in page_paragraphs(page.content)  # the edit stays until restored

    # Editing that text again does not make it up to date: the warning stays…
    save(client, **edit_fields(client, title="再次编辑的标题"))
    assert client.get(PAGE, {"period": PERIOD}).context["data_changed"] is True
    # …until the generated text is restored (and edited from there).
    save(client, **edit_fields(client, action="restore"))
    save(client, **edit_fields(client, title="从新数据编辑的标题"))
    assert client.get(PAGE, {"period": PERIOD}).context["data_changed"] is False


def test_each_quarter_and_each_township_has_its_own_history(client_for, staff, region_a, demo):
    client = client_for(staff)
    save(client, **edit_fields(client, title="县里的标题"))
    township = reverse("reports:briefing_region", args=[region_a.code])
    township_save = reverse("reports:briefing_region_save", args=[region_a.code])
    assert (
        save(client, township_save, **edit_fields(client, township, title="昆阳的标题")).status_code
        == 302
    )
    assert "昆阳的标题" in page_paragraphs(client.get(township, {"period": PERIOD}).content)
    assert "县里的标题" in page_paragraphs(client.get(PAGE, {"period": PERIOD}).content)
    assert "县里的标题" not in page_paragraphs(client.get(PAGE, {"period": "2026Q1"}).content)
    assert BriefingVersion.objects.filter(region=region_a, number=1).count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"body": "   "}, "正文不能为空。"),
        # Blanks that show nothing: zero-width space, braille blank, Hangul filler.
        ({"body": "\u200b\u2800\u3164\n\u2800"}, "正文不能为空。"),
        ({"title": "\u2800"}, "标题不能为空。"),
        ({"title": ""}, "标题不能为空。"),
        ({"body": "字" * (MAX_BODY + 1)}, f"正文不能超过 {MAX_BODY} 个字。"),
        ({"title": "长" * 201}, "标题和文号不能超过 200 个字。"),
        ({"base": "abc"}, "提交的内容不完整"),
        ({"base": "-1"}, "提交的内容不完整"),
        ({"action": "delete"}, "提交的内容不完整"),
        ({"started_from": "not-a-hash"}, "提交的内容不完整"),
        ({"period": "2031Q9"}, "提交的季度无效"),
        # A plan quarter not yet begun: never saved into the default one's.
        ({"period": "2027Q1"}, "提交的季度无效"),
        ({"base": "5"}, "提交的内容不完整"),  # no version 5 to replace
    ],
)
def test_bad_input_says_why_and_saves_nothing(client_for, staff, demo, changes, message):
    client = client_for(staff)
    fields = edit_fields(client, **changes)
    response = save(client, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not BriefingVersion.objects.exists()
    if "body" in changes and changes["body"].strip() and "\u2800" not in changes["body"]:
        # What was typed is still in the box.
        assert response.context["form"].data["body"] == changes["body"]


def test_a_save_over_someone_elses_newer_version_is_refused(client_for, staff, demo):
    colleague = make_user("colleague", Role.COUNTY_STAFF, first_name="李四")
    opened = edit_fields(client_for(staff), title="我的标题")  # page opened at version 0
    theirs = client_for(colleague)
    save(theirs, **edit_fields(theirs, title="别人的标题"))  # a colleague saves version 1
    response = save(client_for(staff), **opened)
    assert response.status_code == 400
    assert "通报在您编辑期间已被李四保存为第 1 版,您的修改未保存。" in response.content.decode()
    assert list(BriefingVersion.objects.values_list("title", flat=True)) == ["别人的标题"]


def test_a_second_save_from_the_same_page_says_it_was_ones_own(client_for, staff, demo):
    """A double click, or Back then save: not "someone else"."""
    client = client_for(staff)
    opened = edit_fields(client, title="我的标题")
    save(client, **opened)
    response = save(client, **{**opened, "title": "我的标题(再改)"})
    assert response.status_code == 400
    assert "通报已由您本人保存为第 1 版" in response.content.decode()
    assert list(BriefingVersion.objects.values_list("title", flat=True)) == ["我的标题"]


def test_a_version_that_does_not_exist_is_a_404(client_for, staff, demo):
    client = client_for(staff)
    assert client.get(PAGE, {"version": 3}).status_code == 404
    assert client.get(WORD, {"version": "x"}).status_code == 404


@pytest.mark.parametrize("persona", ["leader", "official"])
def test_only_staff_may_save(client_for, staff, demo, region_a, persona, request):
    fields = edit_fields(client_for(staff), title="不该保存")
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert save(client, **fields).status_code == 403
    own_save = reverse("reports:briefing_region_save", args=[region_a.code])
    assert save(client, own_save, **fields).status_code == 403
    assert not BriefingVersion.objects.exists()


def test_control_characters_pasted_into_the_text_do_not_break_the_word_file(
    client_for, staff, demo
):
    """A vertical tab or form feed pasted from another program is not XML: the
    Word file could not be written with it. It is dropped on saving."""
    client = client_for(staff)
    fields = edit_fields(
        client, title="标题\x0b\ufffe", body="第一段\x0c。\n一、部分\x1f\n正文\x07\uffff。"
    )
    assert save(client, **fields).status_code == 302
    version = BriefingVersion.objects.get()
    assert (version.title, version.body) == ("标题", "第一段。\n一、部分\n正文。")
    word = client.get(WORD, {"period": PERIOD})
    assert word.status_code == 200
    assert "正文。" in docx_paragraphs(word.content)


def test_a_reader_in_another_language_is_told_of_the_edited_text(client_for, staff, leader, demo):
    """The Chinese text staff edited is the bureau's word on the quarter: an
    English reader, shown the generated English text, is told it exists and
    can switch to it. Once restored, there is nothing to tell."""

    def page_as_leader(language: str) -> str:
        reader = client_for(leader)
        reader.cookies["django_language"] = language
        return reader.get(PAGE, {"period": PERIOD}).content.decode()

    editor = client_for(staff)
    save(editor, **edit_fields(editor, title="【已校对】季度通报"))
    english = page_as_leader("en")
    assert "【已校对】" not in english  # the English text is its own
    assert re.search(
        r"A staff-edited Simplified Chinese text of this briefing exists \(version 1, "
        r"\d{4}-\d\d-\d\d \d\d:\d\d\); the text below is generated\.",
        english,
    )
    assert 'name="language" value="zh-hans"' in english
    chinese = page_as_leader("zh-hans")
    assert "【已校对】季度通报" in chinese and "briefing-elsewhere" not in chinese

    editor = client_for(staff)
    editor.cookies["django_language"] = "zh-hans"
    save(editor, **edit_fields(editor, action="restore"))
    assert "briefing-elsewhere" not in page_as_leader("en")


@pytest.mark.parametrize(
    ("other_page", "other_period"),
    [("township", PERIOD), ("county", "2026Q1")],
)
def test_a_start_copied_from_another_briefing_is_refused(
    client_for, staff, demo, other_page, other_period
):
    """The form says which generated text the edit started from; one taken
    from another township's or quarter's page would make the "data changed"
    warning wrong for this one, so the save is refused and nothing kept."""
    client = client_for(staff)
    kunyang = demo.regions.get(name="昆阳")
    url = (
        reverse("reports:briefing_region", args=[kunyang.code])
        if other_page == "township"
        else PAGE
    )
    foreign = client.get(url, {"period": other_period}).context["form"].initial["started_from"]
    fields = edit_fields(client, started_from=foreign, body="县里的正文")
    response = save(client, **fields)
    assert response.status_code == 400
    assert "提交的内容不完整" in response.content.decode()
    assert not BriefingVersion.objects.exists()
    # The page's own start is taken.
    assert save(client, **edit_fields(client, body="县里的正文")).status_code == 302
