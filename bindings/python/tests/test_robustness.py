"""Hostile and unlucky input: clear errors, no panic, the engine keeps counting."""

from __future__ import annotations

import datetime
import pathlib

import pytest

import keymsg

UTC = datetime.timezone.utc
BANGKOK = datetime.timezone(datetime.timedelta(hours=7))
AT = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=BANGKOK)

# Just outside the supported range on either side. (datetime.min in UTC is
# 0001-01-01 07:00 in Bangkok, inside the range: it counts, as the Rust test
# of the first supported instant shows.)
EXTREME: "list[datetime.datetime | str]" = [
    "9999-12-31T23:59:59Z",
    datetime.datetime.max.replace(tzinfo=UTC),
    "0000-12-31T16:59:59Z",
]


@pytest.mark.parametrize("at", EXTREME)
def test_extreme_instants_are_refused_and_counting_goes_on(
    tmp_path: pathlib.Path, at: "datetime.datetime | str"
) -> None:
    engine = keymsg.Engine(store=str(tmp_path / "s"), agency="PEA")
    with pytest.raises(keymsg.InvalidArgumentError, match="years 1 to 2399"):
        engine.footer(key="D-1", at=at)
    with pytest.raises(keymsg.InvalidArgumentError, match="years 1 to 2399"):
        engine.popup(key="u", at=at)
    with pytest.raises(keymsg.InvalidArgumentError, match="years 1 to 2399"):
        engine.explain(key="D-1", at=at)
    assert engine.footer(key="D-1", at=AT).counted
    assert engine.footer(key="D-2", at=AT).counted
    assert engine.report("2026-03").totals.documents == 2


def test_counts_above_the_maximum_are_refused() -> None:
    engine = keymsg.Engine(store=":memory:", agency="PEA")
    engine.record("2026-03", "online", "aoc-1441", 1_000_000_000)
    with pytest.raises(keymsg.InvalidArgumentError, match="1000000001"):
        engine.record("2026-03", "online", "aoc-1441", 1_000_000_001)
    assert engine.report("2026-03").totals.online == 1_000_000_000


def test_ints_out_of_range_are_invalid_arguments_and_sequences_take_u64() -> None:
    # Any width a size_t holds works, as from C.
    assert keymsg.wrap("โทร 1441", 2**64 - 1) == ["โทร 1441"]
    # Beyond, never pyo3's OverflowError: an InvalidArgumentError.
    with pytest.raises(keymsg.InvalidArgumentError, match="width"):
        keymsg.wrap("โทร 1441", 2**64)
    with pytest.raises(keymsg.InvalidArgumentError, match="max_lines"):
        keymsg.wrap("โทร 1441", 20, max_lines=2**70)
    with pytest.raises(keymsg.InvalidArgumentError, match="width"):
        keymsg.truncate("โทร 1441", -(2**70))
    engine = keymsg.Engine(store=":memory:", agency="PEA")
    # A round-robin sequence is a u64, as in C and over HTTP.
    for n in [2**63, 2**64 - 1]:
        assert engine.footer(key="D-1", sequence=n, at=AT).lines
    with pytest.raises(keymsg.InvalidArgumentError, match="sequence"):
        engine.footer(key="D-1", sequence=2**64, at=AT)
    with pytest.raises(keymsg.InvalidArgumentError, match="width"):
        engine.footer(key="D-1", width=2**70, at=AT)


def test_control_characters_are_refused_or_escaped() -> None:
    with pytest.raises(keymsg.InvalidArgumentError, match="U\\+001B"):
        keymsg.Engine(store=":memory:", agency="PEA\x1b]0;pwned\x07")
    engine = keymsg.Engine(store=":memory:", agency="PEA")
    with pytest.raises(keymsg.KeymsgError) as e:
        engine.replay("k1.\x1b]0;pwned\x07.x", at=AT)
    message = str(e.value)
    assert "\x1b" not in message and "\x07" not in message, message
    assert "\\u{1b}" in message, message
    with pytest.raises(keymsg.LayoutError, match="U\\+202E"):
        keymsg.wrap("โทร \u202e1441", 20)


def test_zero_width_space_never_splits_a_hotline() -> None:
    lines = [line.replace("\u200b", "") for line in keymsg.wrap("โทร 1\u200b441 ok", 6)]
    assert "1441" in lines, lines
