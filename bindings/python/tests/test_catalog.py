"""Loading catalogs: the embedded default, files, strings, and rejections."""

from __future__ import annotations

import pathlib

import pytest

import keymsg
from conftest import MINIMAL_JSON, MINIMAL_TOML


def test_default_catalog_has_the_required_messages() -> None:
    catalog = keymsg.Catalog.default()
    assert len(catalog) >= 24  # the embedded catalog ships at least 24 messages
    ids = catalog.message_ids()
    assert len(ids) == len(catalog)
    assert len(set(ids)) == len(ids), "ids are unique"
    assert "aoc-1441" in ids
    assert "aoc-1441" in catalog
    assert "no-such-message" not in catalog
    assert catalog.version >= 1


def test_default_is_shared_not_reparsed() -> None:
    a = keymsg.Catalog.default()
    b = keymsg.Catalog.default()
    assert a.message_ids() == b.message_ids()
    assert a.version == b.version


def test_from_file_toml_str_and_pathlike(minimal_toml: pathlib.Path) -> None:
    for path in (minimal_toml, str(minimal_toml)):
        catalog = keymsg.Catalog.from_file(path)
        assert catalog.version == 7
        assert catalog.message_ids() == ["only-one"]
        assert len(catalog) == 1


def test_from_file_json(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "agency.JSON"  # extension is case-insensitive
    path.write_text(MINIMAL_JSON, encoding="utf-8")
    catalog = keymsg.Catalog.from_file(path)
    assert catalog.version == 3
    assert catalog.message_ids() == ["json-one"]


def test_from_str_default_format_is_toml() -> None:
    assert keymsg.Catalog.from_str(MINIMAL_TOML).message_ids() == ["only-one"]
    assert keymsg.Catalog.from_str(MINIMAL_JSON, format="json").version == 3
    assert keymsg.Catalog.from_str(text=MINIMAL_TOML, format="toml").version == 7


def test_repr_names_version_and_size() -> None:
    catalog = keymsg.Catalog.from_str(MINIMAL_TOML)
    assert repr(catalog) == "<keymsg.Catalog version=7 messages=1>"


def test_catalog_is_immutable() -> None:
    catalog = keymsg.Catalog.default()
    with pytest.raises(AttributeError):
        catalog.version = 99  # type: ignore[misc]


# -- rejections ---------------------------------------------------------------


def test_control_character_names_message_field_and_char_offset(tmp_path: pathlib.Path) -> None:
    # U+001B (ESC) would reach a CP874 printer as a raw control byte. It sits
    # after 4 Thai characters (12 UTF-8 bytes): the offset must count characters.
    bad = MINIMAL_TOML.replace('short = "โทร 1441"', 'short = "โทร \\u001b1441"')
    path = tmp_path / "bad.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(keymsg.CatalogError) as info:
        keymsg.Catalog.from_file(path)
    problems = info.value.problems
    assert len(problems) == 1
    line = problems[0]
    assert str(path) in line
    assert "only-one" in line
    assert "text.th.short" in line
    assert "char 4" in line
    assert "U+001B" in line
    # The exception message carries the same information.
    assert "only-one" in str(info.value)


def test_every_problem_is_reported_not_just_the_first() -> None:
    bad = MINIMAL_TOML + """
[[messages]]
id = "only-one"
topic = "general"
[messages.text.th]
long = "ข้อความ\\u202eกลับด้าน"
"""
    with pytest.raises(keymsg.CatalogError) as info:
        keymsg.Catalog.from_str(bad)
    problems = info.value.problems
    assert len(problems) == 2, problems
    assert any("duplicate" in p for p in problems)
    bidi = [p for p in problems if "U+202E" in p]
    assert len(bidi) == 1 and "char 7" in bidi[0]


def test_missing_thai_text_is_rejected() -> None:
    bad = MINIMAL_TOML.replace("[messages.text.th]", "[messages.text.en]")
    with pytest.raises(keymsg.CatalogError) as info:
        keymsg.Catalog.from_str(bad)
    assert any("only-one" in p and "th" in p for p in info.value.problems)


def test_syntax_error_has_line_and_column() -> None:
    with pytest.raises(keymsg.CatalogError) as info:
        keymsg.Catalog.from_str("schema = 1\nversion = = 2\n")
    (line,) = info.value.problems
    assert line.startswith("<string>:2:")


def test_missing_file_is_catalog_error(tmp_path: pathlib.Path) -> None:
    with pytest.raises(keymsg.CatalogError) as info:
        keymsg.Catalog.from_file(tmp_path / "nope.toml")
    assert "nope.toml" in str(info.value)
    assert len(info.value.problems) == 1


def test_unknown_extension_is_catalog_error(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text(MINIMAL_TOML, encoding="utf-8")
    with pytest.raises(keymsg.CatalogError, match="unknown catalog format"):
        keymsg.Catalog.from_file(path)


def test_invalid_utf8_is_catalog_error(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(MINIMAL_TOML.encode("utf-8").replace(b"topic", b"t\xe9pic"))
    with pytest.raises(keymsg.CatalogError, match="UTF-8"):
        keymsg.Catalog.from_file(path)


def test_unknown_format_argument_is_value_error() -> None:
    with pytest.raises(keymsg.InvalidArgumentError) as info:
        keymsg.Catalog.from_str(MINIMAL_TOML, format="yaml")
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, keymsg.KeymsgError)
    assert "format" in str(info.value)


def test_wrong_argument_type_is_type_error() -> None:
    with pytest.raises(TypeError):
        keymsg.Catalog.from_str(b"schema = 1")  # type: ignore[arg-type]
