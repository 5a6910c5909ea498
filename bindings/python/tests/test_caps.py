"""Pop-up caps through keymsg.CapLedger: shared by every handle (and
process) on one store directory."""

import datetime
from pathlib import Path

import pytest

import keymsg

BKK = datetime.timezone(datetime.timedelta(hours=7))


def test_two_ledgers_on_one_store_share_the_caps(tmp_path: Path) -> None:
    store = tmp_path / "store"
    keymsg.Engine(store=str(store))  # creates the store
    a = keymsg.CapLedger(store)
    b = keymsg.CapLedger(str(store))
    at = datetime.datetime(2026, 3, 15, 10, 0, tzinfo=BKK)
    assert a.claim("user-1", per_day=2, at=at).granted
    assert b.claim(" USER-1 ", per_day=2, at=at + datetime.timedelta(hours=1))
    held = a.claim("user-1", per_day=2, at=at + datetime.timedelta(hours=2))
    assert not held
    assert held.granted is False
    # The next Bangkok midnight.
    assert held.retry_at == datetime.datetime(2026, 3, 16, 0, 0, tzinfo=BKK)
    assert b.claim("user-1", per_day=2, at="2026-03-16T00:00:00+07:00").granted
    assert a.claim("user-2", per_day=2, at=at).retry_at is None


def test_min_gap_and_week_in_memory() -> None:
    m = keymsg.CapLedger(":memory:")
    at = datetime.datetime(2026, 3, 16, 9, 0, tzinfo=BKK)  # a Monday
    assert m.claim("u", min_gap_seconds=600, per_week=2, at=at)
    gap = m.claim("u", min_gap_seconds=600, per_week=2, at=at + datetime.timedelta(minutes=5))
    assert not gap and gap.retry_at == at + datetime.timedelta(minutes=10)
    assert m.claim("u", min_gap_seconds=600, per_week=2, at=at + datetime.timedelta(days=1))
    week = m.claim("u", per_week=2, at=at + datetime.timedelta(days=2))
    assert not week and week.retry_at == datetime.datetime(2026, 3, 23, 0, 0, tzinfo=BKK)


def test_bad_arguments() -> None:
    m = keymsg.CapLedger(":memory:")
    with pytest.raises(keymsg.InvalidArgumentError, match="subject"):
        m.claim("   ", per_day=1)
    with pytest.raises(keymsg.InvalidArgumentError, match="per_day"):
        m.claim("u", per_day=-1)
    with pytest.raises(keymsg.InvalidArgumentError):
        m.claim("u", at="soon")


def test_a_directory_that_is_not_a_store(tmp_path: Path) -> None:
    with pytest.raises(keymsg.StoreError, match="not a keymsg store"):
        keymsg.CapLedger(tmp_path)


def test_a_postgres_url_opens_the_fleet_ledger() -> None:
    # Only the URL is checked at open; nothing listens on port 1, so the
    # claim fails (nothing noted) with a store error.
    ledger = keymsg.CapLedger("postgres://keymsg@127.0.0.1:1/fleet")
    with pytest.raises(keymsg.StoreError, match="cannot connect"):
        ledger.claim("user-1", per_day=1)
    with pytest.raises(keymsg.StoreError):
        keymsg.CapLedger("postgres://[bad")
