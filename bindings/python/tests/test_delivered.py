"""Counted means delivered (encoding before the count), free-text rows, the
agency heading and the signature block, from Python."""

from __future__ import annotations

import datetime
import json
import pathlib

import pytest

import keymsg

AT = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))

# One receipt message a TIS-620 printer cannot print (curly quotes).
CURLY = """
version = 3
[allow]
phones = ["1441"]
[[messages]]
id = "curly"
topic = "impersonation"
surfaces = ["receipt"]
[messages.text.th]
long = "สาย “ทายซิใครเอ่ย” ขอยืมเงิน โทร 1441"
"""


def documents(engine: keymsg.Engine) -> int:
    return engine.report("2026-03").totals.documents


def test_a_footer_that_fails_after_selection_is_never_counted() -> None:
    engine = keymsg.Engine(keymsg.Catalog.from_str(CURLY), store=":memory:", agency="u")
    with pytest.raises(keymsg.LayoutError, match="curly"):
        engine.footer(key="INV-1", at=AT, encoding="tis-620")
    assert documents(engine) == 0
    # CP874 has the quotes: encoded, returned, counted.
    ok = engine.footer(key="INV-1", at=AT, encoding="cp874")
    assert ok.counted
    assert ok.encoded.decode("cp874") == ok.text
    assert documents(engine) == 1
    # Without an encoding, `encoded` is the UTF-8 text.
    plain = engine.footer(key="INV-2", at=AT)
    assert plain.encoded == plain.text.encode("utf-8")
    with pytest.raises(keymsg.InvalidArgumentError, match="encoding"):
        engine.footer(key="INV-3", at=AT, encoding="latin1")
    assert documents(engine) == 2


def test_the_default_catalog_prints_in_tis_620() -> None:
    engine = keymsg.Engine(store=":memory:", agency="u")
    for n in range(100):
        r = engine.footer(key=f"INV-{n}", at=AT, encoding="tis-620")
        assert r.counted
        assert r.encoded.decode("tis-620") == r.text.replace("\u2060", "")
    assert documents(engine) == 100


def test_free_text_rows_and_the_signed_compact_form(tmp_path: pathlib.Path) -> None:
    engine = keymsg.Engine(store=tmp_path / "st", agency="เทศบาลตำบลตัวอย่าง")
    spot = "สปอตวิทยุชุมชน เรื่องแก๊งคอลเซ็นเตอร์"
    engine.record_content("2026-03", "on-air", spot, 3)
    engine.record_content("2026-03", "on-air", " สปอตวิทยุชุมชน  เรื่องแก๊งคอลเซ็นเตอร์", 4)
    engine.record_content("2026-03", "community", spot, 2)
    engine.record("2026-03", "online", "aoc-1441", 7)
    with pytest.raises(keymsg.InvalidArgumentError, match="content"):
        engine.record_content("2026-03", "on-air", "   ", 1)

    report = engine.report(
        "2026-03",
        omit_zero_rows=True,
        reporter="นางสาวสมศรี ใจดี",
        position="นักวิชาการคอมพิวเตอร์",
        signed_on=datetime.date(2026, 4, 5),
    )
    rows = {r.content: r for r in report.rows}
    assert len(report.rows) == 2
    assert (rows[spot].on_air, rows[spot].community) == (4, 2)
    data = json.loads(report.to_json())
    assert data["signature"] == {
        "reporter": "นางสาวสมศรี ใจดี",
        "position": "นักวิชาการคอมพิวเตอร์",
        "date": "2026-04-05",
    }
    with pytest.raises(keymsg.InvalidArgumentError, match="signed_on"):
        engine.report("2026-03", signed_on="5 April")

    # keymsg.report: headed with the store's one agency; an unknown one is an error.
    engine.flush()
    del engine
    store = tmp_path / "st"
    r = keymsg.report(store, "2026-03", omit_zero_rows=True, signed_on="2026-04-05")
    assert r.agency == "เทศบาลตำบลตัวอย่าง"
    assert json.loads(r.to_json())["signature"] == {"date": "2026-04-05"}
    with pytest.raises(keymsg.InvalidArgumentError, match="เทศบาลตำบลตัวอย่าง"):
        keymsg.report(store, "2026-03", agency="เทศบาลตำบลอื่น")
    other = keymsg.Engine(store=store, agency="อบต.ตัวอย่าง")
    other.record("2026-03", "online", "aoc-1441", 1)
    assert keymsg.report(store, "2026-03").agency == "ทุกหน่วยงาน"


class PaperOut(Exception):
    """The printer's own error, as a caller's `deliver` would raise it."""


def test_a_failed_hand_over_withdraws_its_count() -> None:
    engine = keymsg.Engine(store=":memory:", agency="u")
    seen: list[str] = []

    def jammed(r: keymsg.Rendered) -> None:
        seen.append(r.text)
        raise PaperOut("out of paper")

    with pytest.raises(PaperOut, match="out of paper"):
        engine.footer(key="INV-D-1", idempotency_key="INV-D-1", at=AT, deliver=jammed)
    assert len(seen) == 1 and seen[0]
    assert documents(engine) == 0
    # The retry prints: counted once, and `deliver` saw what is returned.
    printed = engine.footer(
        key="INV-D-1", idempotency_key="INV-D-1", at=AT, deliver=lambda r: seen.append(r.text)
    )
    assert printed.counted and printed.text == seen[-1]
    assert documents(engine) == 1
    # The same document failing again: a duplicate counted nothing, so the
    # delivered receipt stays counted.
    with pytest.raises(PaperOut):
        engine.footer(key="INV-D-1", idempotency_key="INV-D-1", at=AT, deliver=jammed)
    assert documents(engine) == 1
    # An engine error: `deliver` is not called, nothing is counted.
    calls = len(seen)
    with pytest.raises(keymsg.InvalidArgumentError, match="profile"):
        engine.footer(key="INV-D-2", profile="no-such-profile", at=AT, deliver=jammed)
    assert len(seen) == calls and documents(engine) == 1
    # A pop-up the app could not show is not counted either.
    with pytest.raises(PaperOut):
        engine.popup(key="user-7", at=AT, deliver=jammed)
    shown = engine.popup(key="user-7", at=AT, deliver=lambda r: None)
    assert shown.counted
    assert documents(engine) == 2


def test_deliver_must_be_callable() -> None:
    engine = keymsg.Engine(store=":memory:", agency="u")
    with pytest.raises(TypeError):
        engine.footer(key="INV-D-3", at=AT, deliver=42)  # type: ignore[arg-type]
    # Refused before anything was counted.
    assert documents(engine) == 0
