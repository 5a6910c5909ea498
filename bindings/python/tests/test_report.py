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


def test_csv_markdown_xlsx(filled: keymsg.Engine, tmp_path: pathlib.Path) -> None:
    report = filled.report("2026-05")
    csv = report.to_csv()
    assert csv.startswith("\ufeff"), "BOM so Excel shows Thai"
    assert "aoc-1441" in csv or report.rows[0].content[:10] in csv
    md = report.to_markdown()
    assert "เทศบาลนครเชียงใหม่" in md
    path = tmp_path / "form.xlsx"
    report.save_xlsx(path)
    data = path.read_bytes()
    assert data[:2] == b"PK", "an XLSX is a zip file"
    assert report.to_xlsx_bytes()[:2] == b"PK"


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
