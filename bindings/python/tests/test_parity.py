"""Every capability in tests/parity.toml is reachable from Python.

Entries are ``name``, ``Class.attr`` or ``callable(keyword, ...)``: the name
must resolve in the ``keymsg`` package and the callable must take those
keywords. A capability without Python names must say why (``gaps``, ``why``).
"""

from __future__ import annotations

import inspect
import os
import pathlib
import re
import sys
from typing import Any

import pytest

import keymsg

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.9 and 3.10 read TOML with tomli
    try:
        import tomli as tomllib
    except ModuleNotFoundError:
        # A missing parser is a reason, never a silent pass.
        if os.environ.get("KEYMSG_SKIP_PARITY") != "1":
            raise RuntimeError(
                "reading tests/parity.toml needs Python 3.11+ or the tomli package: "
                "install tomli, or set KEYMSG_SKIP_PARITY=1 to skip the parity check"
            ) from None
        pytest.skip("no TOML parser and KEYMSG_SKIP_PARITY=1", allow_module_level=True)

PARITY = pathlib.Path(__file__).resolve().parents[3] / "tests" / "parity.toml"
ENTRY = re.compile(r"^(?P<path>[A-Za-z_][\w.]*)(?:\((?P<kw>[\w, ]*)\))?$")


def capabilities() -> list[dict[str, Any]]:
    with PARITY.open("rb") as f:
        caps: list[dict[str, Any]] = tomllib.load(f)["capability"]
    return caps


def parameters(obj: Any) -> list[str]:
    """Parameter names of a callable. ``inspect.signature`` cannot parse a
    compiled signature whose defaults are not ASCII (``ellipsis="…"``);
    then the names are read from ``__text_signature__`` itself."""
    try:
        return list(inspect.signature(obj).parameters)
    except (ValueError, UnicodeEncodeError):
        text: str = obj.__text_signature__
        return re.findall(r"[(,]\s*(?:\*\s*,\s*)?\$?(\w+)", text)


def resolve(path: str) -> Any:
    obj: Any = keymsg
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


@pytest.mark.parametrize("cap", capabilities(), ids=lambda c: str(c["id"]))
def test_capability_is_reachable_from_python(cap: dict[str, Any]) -> None:
    names: list[str] = cap.get("python", [])
    if "python" in cap.get("gaps", []):
        assert not names, "a gap cannot also list names"
        assert cap.get("why"), "a gap says why"
        return
    assert names, f"{cap['id']}: no Python names and no `python` in gaps"
    for entry in names:
        m = ENTRY.match(entry)
        assert m, f"{cap['id']}: cannot read `{entry}`"
        obj = resolve(m["path"])
        if m["kw"] is None:
            continue
        params = parameters(obj)
        for kw in (k.strip() for k in m["kw"].split(",")):
            assert kw in params, f"{entry}: `{m['path']}` takes no `{kw}` (has {list(params)})"


def test_the_walker_notices_a_missing_name() -> None:
    with pytest.raises(AttributeError):
        resolve("Engine.no_such_method")
    params = parameters(keymsg.Engine.footer)
    assert "surface" in params and "no_such_keyword" not in params
    assert {"text", "width", "ellipsis"} <= set(parameters(keymsg.truncate))
