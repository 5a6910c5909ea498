"""One Engine shared by many Python threads: counts add up, results agree."""

from __future__ import annotations

import datetime
import pathlib
from concurrent.futures import ThreadPoolExecutor

import pytest

import keymsg

AT = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.timezone.utc)


@pytest.mark.parametrize("store", [":memory:", "dir"])
def test_counts_add_up_across_threads(store: str, tmp_path: pathlib.Path) -> None:
    engine = keymsg.Engine(store=":memory:" if store == ":memory:" else tmp_path / "s")
    threads, per_thread = 8, 250

    def work(t: int) -> list[str]:
        return [
            engine.footer(key=f"T{t}-{n}", at=AT).message_id for n in range(per_thread)
        ]

    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = list(pool.map(work, range(threads)))
    engine.flush()
    report = engine.report("2026-06")
    assert report.totals.documents == threads * per_thread
    shown = [mid for ids in results for mid in ids]
    for row in report.rows:
        assert row.documents == shown.count(row.message_id)


def test_threads_see_the_same_sticky_choice() -> None:
    engine = keymsg.Engine()
    keys = [f"INV-{n}" for n in range(300)]
    expected = [engine.footer(key=k, at=AT).message_id for k in keys]

    def pick(k: str) -> str:
        return engine.footer(key=k, at=AT).message_id

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert list(pool.map(pick, keys)) == expected


def test_layout_functions_from_threads() -> None:
    text = "ถูกหลอกโอนเงิน โทรแจ้งธนาคารของท่านทันทีเพื่อระงับบัญชี แล้วโทร 1441 " * 20
    expected = keymsg.wrap(text, 32)
    with ThreadPoolExecutor(max_workers=4) as pool:
        for lines in pool.map(lambda _: keymsg.wrap(text, 32), range(40)):
            assert lines == expected
