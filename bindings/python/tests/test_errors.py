"""The exception hierarchy and the panic guard."""

from __future__ import annotations

import pytest

import keymsg
import keymsg._keymsg

AREA_ERRORS = [
    keymsg.CatalogError,
    keymsg.LayoutError,
    keymsg.SelectionError,
    keymsg.StoreError,
    keymsg.ReportError,
    keymsg.InvalidArgumentError,
]


def test_base_is_an_ordinary_exception() -> None:
    assert issubclass(keymsg.KeymsgError, Exception)
    assert keymsg.KeymsgError.__module__ == "keymsg"


@pytest.mark.parametrize("cls", AREA_ERRORS, ids=lambda c: c.__name__)
def test_area_errors_subclass_the_base(cls: type[Exception]) -> None:
    assert issubclass(cls, keymsg.KeymsgError)
    assert cls.__module__ == "keymsg"
    assert cls.__doc__


def test_invalid_argument_is_also_value_error() -> None:
    assert issubclass(keymsg.InvalidArgumentError, ValueError)
    assert not issubclass(keymsg.CatalogError, ValueError)


def test_rust_panic_is_keymsg_error_not_panic_exception() -> None:
    # PanicException derives from BaseException: `except Exception` would miss it.
    with pytest.raises(keymsg.KeymsgError, match="internal error") as info:
        keymsg._keymsg._test_panic()
    assert type(info.value) is keymsg.KeymsgError
    assert "deliberate panic" in str(info.value)
    # The interpreter is still fine afterwards.
    assert "aoc-1441" in keymsg.Catalog.default()
