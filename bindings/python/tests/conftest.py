"""Shared fixtures: small catalogs written for the tests."""

from __future__ import annotations

import pathlib

import pytest

# A minimal valid catalog: one message, Thai required, allow-listed number.
MINIMAL_TOML = """\
schema = 1
version = 7
issuer = "test"

[allow]
phones = ["1441"]

[[messages]]
id = "only-one"
topic = "general"
[messages.text.th]
long = "ถูกหลอกโอนเงิน โทร 1441 ทันที"
short = "โทร 1441"
title = "โทร 1441"
"""

MINIMAL_JSON = """\
{"schema": 1, "version": 3, "allow": {"phones": ["1441"]},
 "messages": [{"id": "json-one", "topic": "general",
   "text": {"th": {"long": "สงสัยโทร 1441", "short": "โทร 1441", "title": "โทร 1441"}}}]}
"""


@pytest.fixture
def minimal_toml(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / "agency.toml"
    path.write_text(MINIMAL_TOML, encoding="utf-8")
    return path
