"""A number cell of an uploaded sheet is read as the file format writes
numbers (an XML Schema double), whatever the XML around it looks like: what
Python alone would take (``1_5`` as 15) is named, and no valid way of writing
the XML hides a cell or makes the check slow."""

from __future__ import annotations

import pytest

from targets.excel.values import bad_number_cell

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def sheet(cells: str, prefix: str = "") -> bytes:
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns{":" + prefix if prefix else ""}="{MAIN}"'
    return (
        f'<{p}worksheet {xmlns}><{p}sheetData><{p}row r="4">{cells}</{p}row>'
        f"</{p}sheetData></{p}worksheet>"
    ).encode()


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="E4"><v>12</v></c>',
        '<c r="E4"><v>&#49;2</v></c>',  # a character reference: 12
        '<c r="E4"><v><![CDATA[12]]></v></c>',
        '<c r="E4"><v xml:space="preserve"> 1.5E+3 </v></c >',
        '<c r="E4"><v>-.5</v></c><c r="F4" t="s"><v>0</v></c><c r="G4" t="str"><v>x</v></c>',
        '<c r="E4"><f>1+1</f></c><c r="F4"/>',  # a formula never calculated, an empty cell
        '<c r="E4" t="b"><v>1</v></c><c r="F4" t="e"><v>#N/A</v></c>',
    ],
    ids=["plain", "reference", "cdata", "spaces", "typed", "uncalculated", "bool-error"],
)
def test_numbers_written_any_valid_way_pass(cell):
    assert bad_number_cell(sheet(cell), "填报") is None


@pytest.mark.parametrize(
    ("cells", "prefix"),
    [
        ('<c r="E4"><v>1_5</v></c>', ""),
        ('<c s="2" r="E4"><v>1_5</v></c>', ""),  # attributes in another order
        ('<x:c r="E4"><x:v>1_5</x:v></x:c>', "x"),  # a namespace prefix
        ('<c r="D4"><v>1</v></c ><c r="E4"><v>1_5</v></c >', ""),  # end tags with a space
        ('<c r="E4"><v>\u0661\u0665</v></c>', ""),
        ('<c r="E4"><v>\uff11\uff15</v></c>', ""),
        ('<c r="E4"><v>\u00a015</v></c>', ""),  # a no-break space is no XML space
        ('<c r="E4"><v>NaN</v></c>', ""),
        ('<c r="E4"><v>' + "1" * 20000 + "x</v></c>", ""),  # checked at once, not in seconds
    ],
    ids=[
        "underscore",
        "order",
        "prefix",
        "spaced-end-tag",
        "arabic",
        "full-width",
        "nbsp",
        "nan",
        "long-digits",
    ],
)
def test_what_python_alone_would_take_is_named_with_its_cell(cells, prefix):
    said = bad_number_cell(sheet(cells, prefix), "填报")
    assert said is not None and said.startswith("工作表“填报”第4行E列:数值单元格中的")


def test_many_cells_with_spaced_end_tags_are_checked_in_one_pass():
    """One regular expression scanning from each cell to the next "</c>"
    took minutes on such a sheet; the check parses the XML once."""
    row = "".join(f'<c r="{c}4"><v>1</v></c >' for c in "ABCDEFGHIJ")
    xml = sheet(row * 3000 + '<c r="K4"><v>1_5</v></c >')
    assert "K列" in bad_number_cell(xml, "填报")
