"""Manual counts, the monthly report and its formats."""

from __future__ import annotations

import datetime
import pathlib

import pytest

import keymsg

AT = datetime.datetime(2026, 5, 20, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))
CHANNELS = ("online", "on_air", "on_ground", "billboard", "community", "documents")


@pytest.fixture
def filled(tmp_path: pathlib.Path) -> keymsg.Engine:
    engine = keymsg.Engine(store=tmp_path / "store", agency="เทศบาลนครเชียงใหม่")
    for n in range(7):
        engine.footer(key=f"R-{n}", at=AT)
    engine.popup(key="user-1", at=AT)
    engine.record("2026-05", "online", "aoc-1441", 12)
    engine.record("2026-05", "on-air", "aoc-1441", 3)
    engine.record("2026-05", "on_ground", "fake-police-call", 2)
    engine.record("2026-05", "community", "fake-police-call", 40)
    engine.record("2026-05", "billboard", "aoc-1441", 5)
    return engine


def test_report_fields(filled: keymsg.Engine) -> None:
    report = filled.report("2026-05")
    assert report.agency == "เทศบาลนครเชียงใหม่"
    assert report.month == "2026-05"
    t = report.totals
    assert (t.online, t.on_air, t.on_ground, t.billboard, t.community, t.documents) == (
        12, 3, 2, 5, 40, 8,
    )
    rows = {r.message_id: r for r in report.rows}
    assert rows["aoc-1441"].online == 12
    assert rows["aoc-1441"].on_air == 3
    assert rows["fake-police-call"].community == 40
    for ch in CHANNELS:
        assert getattr(t, ch) == sum(getattr(r, ch) for r in report.rows)
    # The content column is the message's Thai text.
    assert any("\u0e00" <= c <= "\u0e7f" for c in rows["aoc-1441"].content)


def test_record_replaces_earlier_entry(filled: keymsg.Engine) -> None:
    filled.record("2026-05", "online", "aoc-1441", 20)
    assert filled.report("2026-05").totals.online == 20


def test_json_round_trip(filled: keymsg.Engine) -> None:
    import json

    report = filled.report("2026-05")
    text = report.to_json()
    again = keymsg.Report.from_json(text)
    assert again == report
    assert again.to_json() == text
    data = json.loads(text)
    assert data["agency"] == report.agency and data["month"] == "2026-05"
    assert set(CHANNELS) <= set(data["totals"])
    assert {"message_id", "content", *CHANNELS} <= set(data["rows"][0])


# What the fixture recorded, column by column (documents: 7 footers + 1 pop-up),
# and the form's heading for May 2026: Buddhist Era 2569, in Thai digits.
TOTALS = (12, 3, 2, 5, 40, 8)
HEADER = ["Online", "On Air", "On Ground", "Digital Billboard", "Community",
          "Documents and Application"]
AGENCY_LINE = "หน่วยงาน เทศบาลนครเชียงใหม่"
MONTH_LINE = "ประจำเดือน พฤษภาคม ๒๕๖๙"
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def counts(row: keymsg.ReportRow) -> tuple[int, ...]:
    return tuple(getattr(row, ch) for ch in CHANNELS)


def xlsx_cells(data: bytes) -> list[list[object]]:
    """The first sheet's rows as values (shared strings resolved, numbers as
    int; a formula cell as ("=" + formula, cached value)), read with the
    standard library only."""
    import io
    import xml.etree.ElementTree as ET
    import zipfile

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    z = zipfile.ZipFile(io.BytesIO(data))
    shared = ["".join(t.text or "" for t in si.iter(f"{{{ns['m']}}}t"))
              for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns)]
    rows: list[list[object]] = []
    for row in ET.fromstring(z.read("xl/worksheets/sheet1.xml")).iter(f"{{{ns['m']}}}row"):
        values: list[object] = []
        for c in row.findall("m:c", ns):
            v, f = c.find("m:v", ns), c.find("m:f", ns)
            if v is None:
                continue
            value: object = shared[int(v.text or "")] if c.get("t") == "s" else int(v.text or "")
            values.append(("=" + (f.text or ""), value) if f is not None else value)
        rows.append(values)
    return rows


def test_csv(filled: keymsg.Engine) -> None:
    import csv

    report = filled.report("2026-05")
    text = report.to_csv()
    assert text.startswith("\ufeff"), "BOM so Excel shows Thai"
    lines = list(csv.reader(text[1:].splitlines()))
    assert lines[1] == ["หน่วยงาน", "เทศบาลนครเชียงใหม่"]
    assert lines[2] == ["ประจำเดือน", "พฤษภาคม ๒๕๖๙"]
    head = lines.index(["ลำดับ", "เนื้อหา/รายละเอียดในการเผยแพร่", *HEADER])
    body = lines[head + 1: head + 1 + len(report.rows)]
    assert len(report.rows) == 33, "every catalog message is a row of the form"
    for n, (line, row) in enumerate(zip(body, report.rows), start=1):
        assert line == [str(n), row.content, *map(str, counts(row))]
    assert lines[head + 1 + len(report.rows)] == ["", "รวม", *map(str, TOTALS)]


def test_markdown(filled: keymsg.Engine) -> None:
    report = filled.report("2026-05")
    lines = report.to_markdown().splitlines()
    assert AGENCY_LINE in [line.rstrip() for line in lines]
    assert MONTH_LINE in lines
    total = "| | **รวม** | " + " | ".join(f"**{str(n).translate(THAI_DIGITS)}**" for n in TOTALS) + " |"
    assert total in lines
    first = report.rows[0]
    assert f"| ๑ | {first.content} | " + " | ".join(
        str(n).translate(THAI_DIGITS) for n in counts(first)) + " |" in lines


def test_xlsx(filled: keymsg.Engine, tmp_path: pathlib.Path) -> None:
    report = filled.report("2026-05")
    path = tmp_path / "form.xlsx"
    report.save_xlsx(path)
    data = path.read_bytes()
    assert data == report.to_xlsx_bytes(), "the file holds the same workbook"
    rows = xlsx_cells(data)
    assert rows[1] == [AGENCY_LINE]
    assert rows[2] == [MONTH_LINE]
    head = next(i for i, r in enumerate(rows) if r[:1] == ["ลำดับ"])
    # Header cells wrap at spaces: "On\nAir".
    assert [str(c).replace("\n", " ") for c in rows[head][2:]] == HEADER
    first, last = head + 2, head + 1 + len(report.rows)  # 1-based sheet rows
    for n, row in enumerate(report.rows, start=1):
        # The content cell is the text with line breaks at Thai word
        # boundaries (spreadsheets cannot find them) or in place of a space.
        number, content, *values = rows[head + n]
        assert (number, "".join(str(content).split()), values) == (
            n, "".join(row.content.split()), list(counts(row)))
    totals = rows[head + 1 + len(report.rows)]
    assert totals[0] == "รวม"
    # Totals are SUM formulas over the rows, with the right cached values.
    assert totals[1:] == [(f"=SUM({col}{first}:{col}{last})", n)
                          for col, n in zip("CDEFGH", TOTALS)]


def test_module_report_from_engine_and_path(filled: keymsg.Engine, tmp_path: pathlib.Path) -> None:
    by_engine = keymsg.report(filled, "2026-05")
    # Without agency=: headed with the store's one agency (never "all").
    assert by_engine.agency == "เทศบาลนครเชียงใหม่"
    assert by_engine.totals.documents == 8
    by_path = keymsg.report(tmp_path / "store", "2026-05", agency="เทศบาลนครเชียงใหม่")
    assert by_path.totals == filled.report("2026-05").totals
    # An agency the store has nothing for is an error naming the ones it has.
    with pytest.raises(keymsg.InvalidArgumentError, match="เทศบาลนครเชียงใหม่"):
        keymsg.report(tmp_path / "store", "2026-05", agency="somebody else")
    assert keymsg.report(str(tmp_path / "store"), "2026-04").totals.documents == 0


def test_report_errors(filled: keymsg.Engine, tmp_path: pathlib.Path) -> None:
    with pytest.raises(keymsg.ReportError, match="schema"):
        keymsg.Report.from_json("{}")
    with pytest.raises(keymsg.ReportError):
        keymsg.Report.from_json("not json")
    report = filled.report("2026-05")
    with pytest.raises(keymsg.ReportError):
        report.save_xlsx(tmp_path / "no" / "such" / "dir.xlsx")


def test_report_argument_errors(filled: keymsg.Engine, tmp_path: pathlib.Path) -> None:
    with pytest.raises(keymsg.InvalidArgumentError, match="month"):
        filled.report("May 2026")
    with pytest.raises(keymsg.InvalidArgumentError, match="month"):
        filled.record("2026-13", "online", "aoc-1441", 1)
    with pytest.raises(keymsg.InvalidArgumentError, match="channel"):
        filled.record("2026-05", "fax", "aoc-1441", 1)
    with pytest.raises(keymsg.InvalidArgumentError, match="count"):
        filled.record("2026-05", "online", "aoc-1441", -1)
    with pytest.raises(keymsg.InvalidArgumentError, match="store"):
        keymsg.report(tmp_path / "missing", "2026-05")
    with pytest.raises(keymsg.InvalidArgumentError, match="store"):
        keymsg.report(":memory:", "2026-05")
    with pytest.raises(keymsg.InvalidArgumentError, match="store"):
        keymsg.report(keymsg.Engine(), "2026-05")
