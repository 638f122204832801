"""The briefing's body as staff edit it: what the page puts in the text box
reads back as the same briefing, headings (numbered by composing) included."""

from __future__ import annotations

import dataclasses

from reports.briefing.document import Briefing, BriefingSection, BriefingTable
from reports.briefing.text import (
    body_text,
    fingerprint,
    parse_body,
    table_data,
    table_from_data,
    with_text,
)

BRIEFING = Briefing(
    title="平阳县2026年第3季度通报",
    number_line="平科通〔2026〕3号",
    opening="现将2026年第3季度建设进展通报如下。",
    sections=(
        BriefingSection(
            "一、总体进展",
            (
                "截至2026年第3季度，全县新增孵化空间面积14.76万平方米，完成年度目标的67.1%。",
                "1.5万平方米在建。",
            ),
        ),
        BriefingSection("二、下一步工作", ("加快进度。",)),
    ),
    table=BriefingTable(("指标", "完成率"), (("新增孵化空间面积(万平方米)", "67.1%"),)),
    year=2026,
    quarter=3,
)


def test_the_body_reads_back_as_the_same_opening_and_sections():
    text = body_text(BRIEFING)
    assert text.splitlines()[1] == "一、总体进展"
    assert "二、下一步工作" in text.splitlines()
    assert parse_body(text) == (BRIEFING.opening, BRIEFING.sections)


def test_english_headings_read_back_too():
    english = dataclasses.replace(
        BRIEFING,
        opening="The progress as of 2026 Q3.",
        sections=(
            BriefingSection("I. Overview", ("1.5 million m² are under way.",)),
            BriefingSection("II. Next steps", ("Speed up.",)),
        ),
    )
    assert parse_body(body_text(english)) == (english.opening, english.sections)


def test_an_edit_with_blank_lines_windows_newlines_and_a_long_numbered_line():
    long_numbered = "1. " + "这是一段很长的文字" * 10
    opening, sections = parse_body(
        "开头一。\r\n\r\n开头二。\r\n一、第一部分\r\n正文。\r\n\r\n"
        + long_numbered
        + "\r\n二、第二部分"
    )
    assert opening == "开头一。\n开头二。"
    assert [s.heading for s in sections] == ["一、第一部分", "二、第二部分"]
    # A long numbered line is a paragraph, not a heading.
    assert sections[0].paragraphs == ("正文。", long_numbered)
    assert sections[1].paragraphs == ()


def test_with_text_keeps_the_table_and_period():
    edited = with_text(BRIEFING, title="新标题", number_line="", body="一、唯一部分\n一段。")
    assert edited.title == "新标题"
    assert edited.number_line == ""
    assert edited.opening == ""
    assert edited.sections == (BriefingSection("一、唯一部分", ("一段。",)),)
    assert (edited.table, edited.year, edited.quarter) == (BRIEFING.table, 2026, 3)


def test_the_table_survives_storage():
    assert table_from_data(table_data(BRIEFING.table)) == BRIEFING.table


def test_the_fingerprint_changes_with_any_number_and_only_then():
    assert fingerprint(BRIEFING) == fingerprint(dataclasses.replace(BRIEFING))
    other_table = BriefingTable(BRIEFING.table.header, (("新增孵化空间面积(万平方米)", "67.2%"),))
    assert fingerprint(BRIEFING) != fingerprint(dataclasses.replace(BRIEFING, table=other_table))
    other_text = dataclasses.replace(BRIEFING, opening="现将2026年第3季度进展通报如下。")
    assert fingerprint(BRIEFING) != fingerprint(other_text)
