"""Packaging: version, typing marker, one abi3 extension module."""

from __future__ import annotations

import importlib.resources
import re

import keymsg
import keymsg._keymsg


def test_version_is_semver() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?", keymsg.__version__)
    assert keymsg.__version__ == keymsg._keymsg.__version__


def test_typed_package_ships_marker_and_stubs() -> None:
    files = importlib.resources.files("keymsg")
    assert files.joinpath("py.typed").is_file()
    assert files.joinpath("_keymsg.pyi").is_file()


def test_extension_is_abi3() -> None:
    # One wheel for every CPython >= 3.9.
    assert keymsg._keymsg.__file__ is not None
    assert keymsg._keymsg.__file__.endswith(".abi3.so")


def test_public_names_are_exported() -> None:
    for name in keymsg.__all__:
        assert hasattr(keymsg, name), name
