"""keymsg.Engine: footers, pop-ups, reprints, counting, errors."""

from __future__ import annotations

import datetime
import pathlib

import pytest

import keymsg
from thai import legal_line_end, legal_line_start

UTC = datetime.timezone.utc
BANGKOK = datetime.timezone(datetime.timedelta(hours=7))
AT = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=BANGKOK)


@pytest.fixture
def engine() -> keymsg.Engine:
    return keymsg.Engine(store=":memory:", agency="PEA Chiang Mai")


def check_lines(lines: list[str], width: int) -> None:
    assert lines
    for line in lines:
        assert keymsg.width(line) <= width, line
        assert legal_line_start(line) and legal_line_end(line), line


def test_footer_defaults_to_a_58mm_receipt_in_thai(engine: keymsg.Engine) -> None:
    r = engine.footer(key="INV-2026-000123", at=AT)
    check_lines(r.lines, 32)
    assert r.text == "\n".join(r.lines)
    assert r.message_id in engine.catalog
    assert r.title is None
    assert r.fit.variant in ("long", "short")
    assert isinstance(r.fit.truncated, bool)
    assert r.counted is True
    assert r.count_error is None
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in r.text), "Thai by default"


@pytest.mark.parametrize(("profile", "width"), [("receipt-80mm", 48), ("receipt-80mm-42", 42)])
def test_footer_profiles(engine: keymsg.Engine, profile: str, width: int) -> None:
    r = engine.footer(key="INV-1", profile=profile, at=AT)
    check_lines(r.lines, width)


@pytest.mark.parametrize("width", [20, 24, 40])
def test_footer_width_override(engine: keymsg.Engine, width: int) -> None:
    r = engine.footer(key="INV-1", width=width, at=AT)
    check_lines(r.lines, width)


def test_footer_in_english(engine: keymsg.Engine) -> None:
    r = engine.footer(key="INV-1", lang="en", at=AT)
    assert r.text.isascii()
    check_lines(r.lines, 32)


def test_sticky_same_key_same_message_in_every_engine() -> None:
    a = keymsg.Engine()
    b = keymsg.Engine(store=":memory:")
    for n in range(30):
        key = f"INV-{n:06d}"
        ra, rb = a.footer(key=key, at=AT), b.footer(key=key, at=AT)
        assert ra.message_id == rb.message_id
        assert ra.token == rb.token
        assert ra.lines == rb.lines


def test_different_keys_spread_over_messages(engine: keymsg.Engine) -> None:
    ids = {engine.footer(key=f"INV-{n}", at=AT).message_id for n in range(200)}
    assert len(ids) >= 5


def test_replay_token_is_a_reprint(engine: keymsg.Engine) -> None:
    first = engine.footer(key="INV-9", at=AT)
    again = engine.replay(first.token, at=AT)
    assert again.message_id == first.message_id
    assert again.lines == first.lines
    assert again.counted is False  # reprints are not counted by default
    wide = engine.replay(first.token, profile="receipt-80mm", at=AT)
    assert wide.message_id == first.message_id
    check_lines(wide.lines, 48)


def test_popup_has_title_and_body(engine: keymsg.Engine) -> None:
    p = engine.popup(key="user-42", at=AT)
    assert p.title
    assert len(p.title) <= 50
    assert p.text
    assert p.counted is True
    en = engine.popup(key="user-42", lang="en", at=AT)
    assert en.title is not None and en.title.isascii()


def test_cycle_policy_popup_is_stable_within_the_month() -> None:
    engine = keymsg.Engine(policy="cycle")
    first = engine.popup(key="user-42", at=AT)
    later = AT + datetime.timedelta(days=5)
    assert engine.popup(key="user-42", at=later).message_id == first.message_id
    next_month = AT + datetime.timedelta(days=31)
    assert engine.popup(key="user-42", at=next_month).message_id != first.message_id


def test_without_store_nothing_is_counted() -> None:
    r = keymsg.Engine().footer(key="INV-1")
    assert r.counted is False
    assert r.count_error is None


def test_idempotency_key_counts_once(engine: keymsg.Engine) -> None:
    assert engine.footer(key="A", idempotency_key="req-1", at=AT).counted is True
    assert engine.footer(key="A", idempotency_key="req-1", at=AT).counted is False
    assert engine.report("2026-03").totals.documents == 1


@pytest.mark.parametrize(
    ("kind", "idempotency_key"),
    [("bill\x1b", None), ("k" * 100_000, None), (None, "R-1\u202e"), (None, "")],
)
def test_a_bad_kind_or_key_is_an_invalid_argument(
    engine: keymsg.Engine, kind: str | None, idempotency_key: str | None
) -> None:
    # Refused before anything is counted: never a footer printed uncounted.
    with pytest.raises(keymsg.InvalidArgumentError):
        engine.footer(key="A", kind=kind, idempotency_key=idempotency_key, at=AT)
    with pytest.raises(ValueError):
        engine.popup(key="u", kind=kind, idempotency_key=idempotency_key, at=AT)
    assert engine.report(AT.strftime("%Y-%m")).totals.documents == 0


def test_a_count_above_the_forms_limit_is_an_invalid_argument(engine: keymsg.Engine) -> None:
    with pytest.raises(keymsg.InvalidArgumentError):
        engine.record("2026-03", "online", "aoc-1441", 2_000_000_000)


def test_month_is_taken_in_bangkok(engine: keymsg.Engine) -> None:
    # 2026-01-31T17:00Z is 2026-02-01 00:00 in Bangkok: February.
    engine.footer(key="A", at=datetime.datetime(2026, 1, 31, 17, 0, tzinfo=UTC))
    engine.footer(key="B", at="2026-01-31T16:59:59Z")
    assert engine.report("2026-02").totals.documents == 1
    assert engine.report("2026-01").totals.documents == 1


def test_naive_datetime_is_refused(engine: keymsg.Engine) -> None:
    with pytest.raises(keymsg.InvalidArgumentError, match="naive"):
        engine.footer(at=datetime.datetime(2026, 3, 1, 12, 0))
    with pytest.raises(keymsg.InvalidArgumentError, match="RFC 3339"):
        engine.footer(at="yesterday")
    with pytest.raises(keymsg.InvalidArgumentError, match="at"):
        engine.footer(at=12345)  # type: ignore[arg-type]


def test_result_is_immutable(engine: keymsg.Engine) -> None:
    r = engine.footer(key="INV-1", at=AT)
    with pytest.raises(AttributeError):
        r.text = "changed"  # type: ignore[misc]
    lines = r.lines
    lines.append("tampered")
    assert "tampered" not in r.lines
    assert r == engine.replay(r.token, at=AT) or r.counted  # eq is by value
    assert r.to_dict()["fit"] == {
        "variant": r.fit.variant,
        "truncated": r.fit.truncated,
        "truncated_core": r.fit.truncated_core,
    }


def test_to_dict_has_the_contract_fields(engine: keymsg.Engine) -> None:
    import json

    r = engine.footer(key="INV-1", at=AT)
    d = r.to_dict()
    for field in ("message_id", "text", "lines", "title", "token", "fit", "counted"):
        assert field in d
    assert json.loads(r.to_json())["message_id"] == r.message_id
    assert d["lines"] == r.lines


def test_engine_with_own_catalog(tmp_path: pathlib.Path) -> None:
    from conftest import MINIMAL_TOML

    catalog = keymsg.Catalog.from_str(MINIMAL_TOML)
    engine = keymsg.Engine(catalog, store=tmp_path / "store", agency="Test")
    assert engine.catalog.version == 7
    assert engine.agency == "Test"
    r = engine.footer(key="x")
    assert r.message_id == "only-one"


def test_durable_store_and_module_report(tmp_path: pathlib.Path) -> None:
    store = tmp_path / "counts"
    engine = keymsg.Engine(store=str(store), agency="PWA Lampang")
    ids = [engine.footer(key=f"INV-{n}", at=AT).message_id for n in range(25)]
    engine.flush()
    del engine
    report = keymsg.report(store, "2026-03", agency="PWA Lampang")
    assert report.agency == "PWA Lampang"
    assert report.month == "2026-03"
    assert report.totals.documents == 25
    by_id = {row.message_id: row.documents for row in report.rows}
    for mid in set(ids):
        assert by_id[mid] == ids.count(mid)


def test_key_retention_is_a_store_option(tmp_path: pathlib.Path) -> None:
    # Keys kept forever or for a year: both stores count and deduplicate alike.
    for months in (None, 12):
        store = tmp_path / f"keys-{months}"
        engine = keymsg.Engine(store=store, agency="Test", key_retention_months=months)
        assert engine.footer(key="INV-1", at=AT).counted
        engine.flush()
        del engine
        assert keymsg.report(store, "2026-03", agency="Test").totals.documents == 1


def test_selection_errors(engine: keymsg.Engine) -> None:
    with pytest.raises(keymsg.SelectionError, match="fr"):
        engine.footer(lang="fr")
    with pytest.raises(keymsg.SelectionError, match="token"):
        engine.replay("garbage")
    with pytest.raises(keymsg.SelectionError):
        engine.replay("k1.1.no-such-message")
    with pytest.raises(keymsg.SelectionError, match="policy"):
        keymsg.Engine(policy="bogus")


def test_policy_override_round_robin() -> None:
    engine = keymsg.Engine(policy="round-robin")
    ids = [engine.footer(key="same").message_id for _ in range(10)]
    assert len(set(ids)) > 1, "round-robin ignores the key"


def test_argument_errors(engine: keymsg.Engine) -> None:
    with pytest.raises(keymsg.InvalidArgumentError, match="profile"):
        engine.footer(profile="receipt-999mm")
    with pytest.raises(keymsg.InvalidArgumentError, match="width"):
        engine.footer(width=-1)
    with pytest.raises(keymsg.InvalidArgumentError, match="agency"):
        keymsg.Engine(agency=" ")
    with pytest.raises(keymsg.InvalidArgumentError, match="durability"):
        keymsg.Engine(durability="eventually")
    for months in (0, -1, 2**32):
        with pytest.raises(keymsg.InvalidArgumentError, match="key_retention_months"):
            keymsg.Engine(key_retention_months=months)
    with pytest.raises(keymsg.InvalidArgumentError, match="store"):
        keymsg.Engine(store=42)  # type: ignore[arg-type]
    with pytest.raises(keymsg.InvalidArgumentError, match="store"):
        keymsg.Engine().record("2026-03", "online", "aoc-1441", 1)
    with pytest.raises(TypeError):
        engine.footer("INV-1")  # type: ignore[call-arg]


def test_store_errors(tmp_path: pathlib.Path) -> None:
    not_a_dir = tmp_path / "file.txt"
    not_a_dir.write_text("x")
    with pytest.raises(keymsg.StoreError, match="file"):
        keymsg.Engine(store=not_a_dir)
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "precious.doc").write_text("do not touch")
    with pytest.raises(keymsg.StoreError, match="not a keymsg store"):
        keymsg.Engine(store=foreign)
    assert (foreign / "precious.doc").read_text() == "do not touch"


def test_a_store_that_lost_counts_raises_store_lost_error(tmp_path: pathlib.Path) -> None:
    store = tmp_path / "counts"
    engine = keymsg.Engine(store=store, agency="PEA")
    for n in range(6):
        assert engine.footer(key=f"INV-{n}", at=AT).counted
    engine.flush()
    del engine
    # The writer file that acknowledged the 6 counts disappears.
    for f in store.glob("w-0.sqlite*"):
        f.unlink()
    for opening in (
        lambda: keymsg.Engine(store=store, agency="PEA"),
        lambda: keymsg.report(store, "2026-03", agency="PEA"),
    ):
        with pytest.raises(keymsg.StoreLostError, match="lost 6 acknowledged counts") as e:
            opening()
        assert isinstance(e.value, keymsg.StoreError)
        assert e.value.missing == 6
        assert e.value.path.endswith("w-0.sqlite")
    assert not (store / "w-0.sqlite").exists(), "the lost file is not recreated"


@pytest.mark.parametrize("width", [1, 8, 15])
def test_footer_narrower_than_16_columns_is_refused(engine: keymsg.Engine, width: int) -> None:
    with pytest.raises(keymsg.LayoutError, match="minimum of 16 columns"):
        engine.footer(key="INV-1", width=width, at=AT)


def test_footer_that_lost_its_hotline_is_refused_or_printed_uncounted() -> None:
    strict = keymsg.Engine(store=":memory:")
    lossy = keymsg.Engine(store=":memory:", allow_lossy=True)
    refused = 0
    for i in range(30):
        # 16 columns x 4 lines: many messages must be cut before their hotline.
        def footer(e: keymsg.Engine) -> keymsg.Rendered:
            return e.footer(key=f"K-{i}", profile="billboard", width=16, at=AT)

        r = footer(lossy)
        try:
            kept = footer(strict)
        except keymsg.LayoutError as e:
            assert "without losing every hotline and link" in str(e)
            refused += 1
            assert r.fit.truncated and r.fit.truncated_core
            assert r.counted is False and r.count_error is None
            assert r.to_dict()["fit"] == {"variant": "short", "truncated": True, "truncated_core": True}
        else:
            assert not kept.fit.truncated_core and kept.counted
            assert r.counted and r.lines == kept.lines
    assert refused > 0
    counted = sum(row.documents for row in lossy.report("2026-03").rows)
    assert counted == 30 - refused


@pytest.mark.parametrize("surface", ["receipt", "invoice", "popup", "push", "sms", "billboard"])
def test_footer_on_every_surface_is_counted_under_it(surface: str) -> None:
    engine = keymsg.Engine(store=":memory:")
    r = engine.footer(key="user-1", surface=surface, at=AT)
    assert r.counted and r.lines
    assert engine.explain(key="user-1", surface=surface, at=AT)["surface"] == surface


def test_footer_surface_and_sequence_are_checked() -> None:
    engine = keymsg.Engine(policy="round-robin")
    a = engine.footer(sequence=0, at=AT).message_id
    assert engine.footer(sequence=0, at=AT).message_id == a
    assert engine.footer(sequence=1, at=AT).message_id != a
    with pytest.raises(keymsg.InvalidArgumentError, match="surface"):
        engine.footer(surface="fax")
    with pytest.raises(keymsg.InvalidArgumentError, match="sequence"):
        engine.footer(sequence=-1)


def test_explain_is_the_cli_json(engine: keymsg.Engine) -> None:
    ex = engine.explain(key="INV-2026-000123", at=AT)
    assert ex["policy"] == "sticky" and ex["surface"] == "receipt"
    assert ex["chosen"]["message_id"] == engine.footer(key="INV-2026-000123", at=AT).message_id
    assert len(ex["candidates"]) == len(engine.catalog)
    assert any(c["eligible"] for c in ex["candidates"])
    assert ex["at"].endswith("+07:00")


def test_record_of_an_unknown_message_fails_like_the_cli(engine: keymsg.Engine) -> None:
    with pytest.raises(keymsg.InvalidArgumentError, match="not in the catalog"):
        engine.record("2026-03", "online", "nope", 1)


def test_a_buddhist_era_month_is_a_clear_error(engine: keymsg.Engine) -> None:
    with pytest.raises(keymsg.InvalidArgumentError, match="Buddhist Era.*2026-03"):
        engine.report("2569-03")
    with pytest.raises(keymsg.InvalidArgumentError, match="Buddhist Era"):
        engine.record("2569-03", "online", "aoc-1441", 1)


def test_reprints_count_only_with_count_reprints() -> None:
    for count in (False, True):
        engine = keymsg.Engine(store=":memory:", count_reprints=count)
        first = engine.footer(key="INV-1", at=AT)
        again = engine.replay(first.token, at=AT)
        assert first.counted and again.counted is count


def test_metrics_encode_and_the_signature_block(engine: keymsg.Engine) -> None:
    engine.footer(key="INV-1", at=AT)
    assert 'keymsg_insertions_total{agency="PEA Chiang Mai"' in engine.metrics()
    with pytest.raises(keymsg.InvalidArgumentError, match="store"):
        keymsg.Engine().metrics()
    assert keymsg.encode("โทร 1441") == bytes([0xE2, 0xB7, 0xC3]) + b" 1441"
    assert keymsg.encode("€", "cp874") == b"\x80"
    with pytest.raises(keymsg.LayoutError):
        keymsg.encode("€", "tis-620")
    with pytest.raises(keymsg.InvalidArgumentError, match="encoding"):
        keymsg.encode("a", "latin-1")
    import json

    signed = engine.report("2026-03", reporter="สมชาย", signed_on=datetime.date(2026, 3, 31))
    assert json.loads(signed.to_json())["signature"] == {"reporter": "สมชาย", "date": "2026-03-31"}
    via_module = keymsg.report(engine, "2026-03", position="ปลัด", signed_on="2026-03-31")
    assert json.loads(via_module.to_json())["signature"] == {"position": "ปลัด", "date": "2026-03-31"}
    with pytest.raises(keymsg.InvalidArgumentError, match="signed_on"):
        engine.report("2026-03", signed_on="31/03/2026")
    # A date, but not one the March form is signed on: the same rule from
    # both entry points.
    not_signed_on: "list[datetime.date | str]" = [
        "-9999-12-31",
        datetime.date(2569, 4, 5),
        datetime.date(2026, 2, 28),
    ]
    for bad in not_signed_on:
        with pytest.raises(keymsg.InvalidArgumentError, match="signed_on.*2026-03-01 to 2028-03-31"):
            engine.report("2026-03", signed_on=bad)
        with pytest.raises(keymsg.InvalidArgumentError, match="signed_on.*2026-03-01 to 2028-03-31"):
            keymsg.report(engine, "2026-03", signed_on=bad)


def test_a_postgres_store_acknowledges_in_the_journal_while_it_is_down(
    tmp_path: pathlib.Path,
) -> None:
    # Nothing listens on port 1: printing and counting must not wait for it.
    url = "postgres://keymsg@127.0.0.1:1/fleet"
    journal = tmp_path / "journal"
    engine = keymsg.Engine(store=url, journal=journal, agency="PEA Chiang Mai")
    assert engine.footer(key="INV-1", idempotency_key="INV-1", at=AT).counted
    # A retry on this host counts once.
    assert not engine.footer(key="INV-1", idempotency_key="INV-1", at=AT).counted
    del engine
    # The journal is an ordinary store directory holding the count.
    assert keymsg.report(journal, "2026-03", agency="PEA Chiang Mai").totals.documents == 1
    with pytest.raises(keymsg.InvalidArgumentError, match="journal"):
        keymsg.Engine(store=url)
    with pytest.raises(keymsg.InvalidArgumentError, match="Engine"):
        keymsg.report(url, "2026-03")
