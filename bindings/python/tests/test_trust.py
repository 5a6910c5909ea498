"""Trusted catalogs from Python: sign, load with a trusted key, rollback with
the last good catalog, strict mode, and the TrustError class.

The key pair is the C tests' fixture (made by ``minisign -G -W`` for tests only).
"""

from __future__ import annotations

import json
import pathlib

import pytest

import keymsg

FIXTURES = pathlib.Path(__file__).resolve().parents[3] / "tests" / "c" / "fixtures"
SECRET = FIXTURES / "trust-test.key"
PUBLIC = FIXTURES / "trust-test.pub"


def publish(path: pathlib.Path, version: int) -> None:
    path.write_text(
        f'version = {version}\nissuer = "Python test"\n[allow]\nphones = ["1441"]\n'
        f'[[messages]]\nid = "m{version}"\ntopic = "general"\n'
        '[messages.text.th]\nlong = "โทร 1441"\n',
        encoding="utf-8",
    )
    sig = keymsg.sign(path, SECRET, trusted_comment=f"v{version}")
    assert sig == str(path) + ".minisig"


def test_signed_catalog_loads_and_rollback_serves_the_last_good(tmp_path: pathlib.Path) -> None:
    cat = tmp_path / "c.toml"
    state = tmp_path / "state"
    key = PUBLIC.read_text(encoding="utf-8").splitlines()[1]
    publish(cat, 5)
    c = keymsg.Catalog.load(cat, trusted_keys=[key], require_signature=True, state=state)
    assert c.version == 5
    assert c.fallback is None
    layers = json.loads(c.trust_json())
    assert layers[0]["signature"]["status"] == "verified"
    assert layers[0]["signature"]["trusted_comment"] == "v5"

    publish(cat, 4)
    c = keymsg.Catalog.load(cat, trusted_keys=[str(PUBLIC)], require_signature=True, state=state)
    assert c.version == 5, "the last good catalog serves"
    assert isinstance(c.fallback, keymsg.TrustError)
    assert "older than version 5" in str(c.fallback)

    with pytest.raises(keymsg.TrustError) as info:
        keymsg.Catalog.load(cat, trusted_keys=[key], state=state, strict=True)
    assert isinstance(info.value, keymsg.CatalogError)
    assert isinstance(info.value, keymsg.KeymsgError)
    assert "rollback" in str(info.value)


def test_unsigned_and_tampered_files_raise_trust_error(tmp_path: pathlib.Path) -> None:
    cat = tmp_path / "c.toml"
    publish(cat, 3)
    cat.write_text(cat.read_text(encoding="utf-8").replace("m3", "m4"), encoding="utf-8")
    with pytest.raises(keymsg.TrustError, match="changed after signing"):
        keymsg.Catalog.load(cat, trusted_keys=[str(PUBLIC)])
    (tmp_path / "c.toml.minisig").unlink()
    with pytest.raises(keymsg.TrustError, match="unsigned"):
        keymsg.Catalog.load(cat, trusted_keys=[str(PUBLIC)], require_signature=True)
    with pytest.raises(keymsg.TrustError, match="not a minisign public key"):
        keymsg.Catalog.load(cat, trusted_keys=["RWnotakey"])


OVERLAY = """version = 1
issuer = "PEA Chiang Mai"
[allow]
phones = ["053-123-456"]
[[messages]]
id = "pea-cm"
topic = "impersonation"
priority = 5
[messages.text.th]
long = "การไฟฟ้าไม่โทรขอให้โอนเงิน สงสัยโทร 053-123-456"
"""


def test_overlay_adds_a_hotline_and_cannot_replace_official_text(tmp_path: pathlib.Path) -> None:
    overlay = tmp_path / "agency.toml"
    overlay.write_text(OVERLAY, encoding="utf-8")
    c = keymsg.Catalog.default().with_overlay(overlay)
    assert "pea-cm" in c
    assert len(c) == len(keymsg.Catalog.default()) + 1
    footer = keymsg.Engine(c).footer(key="INV-1", width=48)
    assert footer.message_id == "pea-cm"
    assert "053-123-456" in footer.text
    c = keymsg.Catalog.load(overlay=overlay)
    assert [layer["layer"] for layer in json.loads(c.trust_json())] == ["base", "overlay"]

    overlay.write_text(OVERLAY.replace('id = "pea-cm"', 'id = "aoc-1441"'), encoding="utf-8")
    with pytest.raises(keymsg.CatalogError) as info:
        keymsg.Catalog.default().with_overlay(overlay)
    assert any("cannot replace" in p and "agency.toml" in p for p in info.value.problems)


LONG = "คนละครึ่งพลัสฟ้าใสพารวย"  # a programme name the built-in word list splits
BOARD = f"ลงทะเบียน{LONG}เงินคืนด่วน{LONG}เงินคืนด่วน{LONG}"


def test_layout_words_given_at_load_are_checked_and_remembered(tmp_path: pathlib.Path) -> None:
    """A billboard message fits while the programme name may break between
    its parts; kept whole, it overflows and the load is refused. A check that
    passed is remembered in the state directory."""
    catalog = tmp_path / "board.toml"
    catalog.write_text(
        'version = 1\n[[messages]]\nid = "board"\ntopic = "general"\n'
        f'surfaces = ["billboard"]\n[messages.text.th]\nlong = "{BOARD}"\n',
        encoding="utf-8",
    )
    state = tmp_path / "state"
    c = keymsg.Catalog.load(catalog, state=state, layout_words=["เงินคืนด่วน"])
    assert "board" in c
    assert (state / "layout-words-checked").is_file()
    with pytest.raises(keymsg.CatalogError) as info:
        keymsg.Catalog.load(catalog, state=state, layout_words=["เงินคืนด่วน", LONG])
    assert any(
        "does not fit profile `billboard`" in p and LONG in p for p in info.value.problems
    ), info.value.problems
    with pytest.raises(keymsg.CatalogError) as info:
        keymsg.Catalog.load(layout_words=["AOC"])
    assert any("layout.words[0]" in p for p in info.value.problems), info.value.problems
