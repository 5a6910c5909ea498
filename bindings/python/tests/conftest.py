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


# No silent skips: a test that cannot run fails the session, unless its skip
# reason names the KEYMSG_SKIP_* variable that opted out of it.
_UNEXPLAINED_SKIPS: list[str] = []


def _note_skip(report: pytest.TestReport | pytest.CollectReport) -> None:
    if not report.skipped or hasattr(report, "wasxfail"):
        return
    longrepr = report.longrepr
    reason = str(longrepr[2]) if isinstance(longrepr, tuple) else str(longrepr)
    if "KEYMSG_SKIP_" not in reason:
        _UNEXPLAINED_SKIPS.append(f"{report.nodeid}: {reason}")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _note_skip(report)


def pytest_collectreport(report: pytest.CollectReport) -> None:
    _note_skip(report)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _UNEXPLAINED_SKIPS and exitstatus == 0:
        print("\nskipped without a KEYMSG_SKIP_* opt-out (a test that cannot run fails):")
        for line in _UNEXPLAINED_SKIPS:
            print(f"  {line}")
        session.exitstatus = 1
