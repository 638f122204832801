"""Text that XML cannot hold — a vertical tab pasted from another program, a
workbook's "_x000B_", U+FFFE — in any record never makes a download fail:
every Excel and Word file leaves those characters out, and the rest of the
text is kept."""

from __future__ import annotations

import datetime
from dataclasses import replace
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from regions.text import xml_safe
from reports.briefing.compose import compose_briefing
from reports.briefing.docx import briefing_docx
from reports.models import Enterprise, Figure, Incubator
from targets.excel.cells import BadCell, text
from targets.measures import WorkItem

BAD = "\x0b\x01\ufffe"


@pytest.fixture
def unsafe_records(demo):
    incubator = Incubator.objects.filter(region__plan=demo).order_by("pk").first()
    incubator.name = f"坏{BAD}名孵化器"
    incubator.save(update_fields=["name"])
    enterprise = Enterprise.objects.filter(incubator__region__plan=demo).order_by("pk").first()
    enterprise.name = f"坏{BAD}名企业"
    enterprise.save(update_fields=["name"])
    Figure.objects.filter(indicator__plan=demo, year=2026, quarter=2).update(note=f"备注{BAD}")
    measure = demo.measures.order_by("order").first()
    WorkItem.objects.create(
        measure=measure, title=f"事项{BAD}", year=2026, due_date=datetime.date(2026, 1, 2)
    )
    return incubator


def texts_of(content: bytes) -> str:
    book = load_workbook(BytesIO(content), read_only=True)
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


@pytest.mark.parametrize(
    ("name", "query", "expected"),
    [
        ("reports:ledger_export", {}, "坏名孵化器"),
        ("reports:ledger_incubators", {"_export": "xlsx"}, "坏名孵化器"),
        ("reports:ledger_enterprises", {"_export": "xlsx"}, "坏名企业"),
        ("reports:ledger_operating_template", {"period": "2026Q3"}, None),
        ("reports:ledger_evaluation", {"_export": "xlsx", "year": "2025"}, None),
        ("reports:report", {"period": "2026Q2"}, "事项"),
        ("reports:entry_template", {"period": "2026Q3"}, None),
    ],
)
def test_every_excel_download_leaves_out_what_xml_cannot_hold(
    client_for, staff, unsafe_records, name, query, expected
):
    response = client_for(staff).get(reverse(name), query)
    assert response.status_code == 200
    text = texts_of(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert not any(character in text for character in BAD)
    if expected:
        assert expected in text


def test_the_figures_export_command_keeps_a_note_without_the_characters(unsafe_records, tmp_path):
    target = tmp_path / "figures.xlsx"
    call_command("export_figures", str(target))
    assert "备注" in texts_of(target.read_bytes())


def test_a_word_file_leaves_out_what_xml_cannot_hold(demo):
    briefing = compose_briefing(
        plan=demo, year=2026, quarter=2, regions=demo.regions.all(), region=None
    )
    document = Document(BytesIO(briefing_docx(replace(briefing, title=f"通报{BAD}标题"))))
    assert "通报标题" in "\n".join(p.text for p in document.paragraphs)


def test_xml_safe_keeps_lines_and_tabs():
    assert xml_safe(f"a\tb\nc\r{BAD}d") == "a\tb\nc\rd"
    assert xml_safe(3) == 3


def test_the_official_report_leaves_them_out_of_a_chart_title_too(client_for, leader, demo):
    """An indicator named with one (stored before names were checked):
    the report's charts are titled by it."""
    demo.indicators.filter(code="space").update(name=f"新增孵化空间面积{BAD}")
    response = client_for(leader).get(reverse("reports:report"), {"period": "2026Q2"})
    assert response.status_code == 200
    assert "新增孵化空间面积" in texts_of(response.content)


def test_names_of_the_plan_refuse_them_in_the_admin_and_the_plan_workbook(demo):
    """The admin's forms run the model's validators; the plan workbook's
    reader checks every text cell (a workbook's "_x000B_" decodes to one)."""
    region = demo.regions.get(code="aojiang")
    region.name = "鳌江\x0b"
    with pytest.raises(ValidationError) as refused:
        region.full_clean()
    assert refused.value.message_dict == {"name": ["含有无法识别的控制字符,请删去后重新填写。"]}
    indicator = demo.indicators.get(code="space")
    indicator.unit = "万\ufffe平方米"
    with pytest.raises(ValidationError):
        indicator.full_clean()
    with pytest.raises(BadCell, match="控制字符"):
        text("昆阳\x0b镇", 100)
    assert text("昆阳镇", 100) == "昆阳镇"
