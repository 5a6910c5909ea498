"""One month of one agency counted by three front ends into one store, and
the report checked against a count kept here, independently of keymsg.

The CLI, the C library (tests/e2e/count.c) and the Python package each print
receipt footers for their own documents on every day of March 2026 (Bangkok),
and each re-sends documents another front end already printed: a re-sent
document must get the same message and must not count again. Instants on
either side of the month's edges (midnight in Bangkok is 17:00 UTC) test the
month a count falls in. Manual entries come from all three. Then the report of
March from each front end must equal the one computed here from what was
printed: per message, the documents first printed in March, plus the manual
entries (a later entry for the same row and channel replaces the earlier).

Usage: month.py KEYMSG_CLI COUNT_PROGRAM   (run by scripts/test-e2e.sh with
the Python that has the keymsg wheel installed)
"""

from __future__ import annotations

import datetime
import json
import pathlib
import subprocess
import sys
import tempfile
from collections import Counter
from typing import Any

import keymsg

AGENCY = "เทศบาลตำบลตัวอย่าง"
MONTH = "2026-03"
BANGKOK = datetime.timezone(datetime.timedelta(hours=7))
CHANNELS = ("online", "on_air", "on_ground", "billboard", "community", "documents")


def bangkok_month(at: str) -> str:
    """The month of an RFC 3339 instant in Bangkok, computed here."""
    t = datetime.datetime.fromisoformat(at.replace("Z", "+00:00"))
    return t.astimezone(BANGKOK).strftime("%Y-%m")


class Ledger:
    """What was printed, by whom, and whether it should have counted."""

    def __init__(self) -> None:
        self.first: dict[str, tuple[str, str]] = {}  # key -> (message_id, at)
        self.manual: dict[tuple[str, str], int] = {}  # (message_id, channel) -> count

    def printed(self, who: str, key: str, at: str, message_id: str, counted: bool) -> None:
        if key in self.first:
            want_id, _ = self.first[key]
            assert message_id == want_id, f"{who}: {key} printed {message_id}, first {want_id}"
            assert not counted, f"{who}: {key} counted twice"
        else:
            assert counted, f"{who}: {key} was not counted"
            self.first[key] = (message_id, at)

    def expected_rows(self) -> dict[str, dict[str, int]]:
        rows: dict[str, dict[str, int]] = {}
        docs = Counter(mid for mid, at in self.first.values() if bangkok_month(at) == MONTH)
        for mid, n in docs.items():
            rows.setdefault(mid, dict.fromkeys(CHANNELS, 0))["documents"] = n
        for (mid, channel), n in self.manual.items():
            rows.setdefault(mid, dict.fromkeys(CHANNELS, 0))[channel] = n
        return rows


def check_report(who: str, report: dict[str, Any], ledger: Ledger) -> None:
    assert report["agency"] == AGENCY and report["month"] == MONTH, who
    got = {r["message_id"]: {ch: r[ch] for ch in CHANNELS} for r in report["rows"]}
    want = ledger.expected_rows()
    for mid, row in got.items():
        assert row == want.get(mid, dict.fromkeys(CHANNELS, 0)), f"{who}: {mid}: {row} != {want.get(mid)}"
    assert set(want) <= set(got), f"{who}: rows missing: {set(want) - set(got)}"
    totals = {ch: sum(r[ch] for r in want.values()) for ch in CHANNELS}
    assert report["totals"] == totals, f"{who}: totals {report['totals']} != {totals}"


def main() -> None:
    cli, count_program = sys.argv[1], sys.argv[2]
    ledger = Ledger()
    days = [f"2026-03-{d:02}T{9 + d % 8:02}:15:00+07:00" for d in range(1, 32)]
    with tempfile.TemporaryDirectory() as tmp:
        store = pathlib.Path(tmp) / "store"
        tmp_path = pathlib.Path(tmp)

        def cli_run(keys: list[str], at: str) -> None:
            keyfile = tmp_path / "keys.txt"
            keyfile.write_text("".join(k + "\n" for k in keys), encoding="utf-8")
            out = subprocess.run(
                [cli, "footer", "--store", str(store), "--agency", AGENCY, "--keys-from",
                 str(keyfile), "--once-per-key", "--json", "--at", at],
                check=True, capture_output=True, text=True,
            ).stdout.splitlines()
            assert len(out) == len(keys), out
            for key, line in zip(keys, out):
                r = json.loads(line)
                ledger.printed("cli", key, at, r["message_id"], r["counted"])

        def c_run(commands: list[tuple[str, str]]) -> None:
            stdin = "".join(f"F {k} {at}\n" for k, at in commands)
            out = subprocess.run([count_program, str(store), AGENCY], input=stdin, check=True,
                                 capture_output=True, text=True).stdout.splitlines()
            assert len(out) == len(commands), out
            for (key, at), line in zip(commands, out):
                k, mid, counted = line.split(" ")
                assert k == key
                ledger.printed("c", key, at, mid, counted == "1")

        # 1. The CLI's documents, one bill run a day; one at 00:00 on 1 March
        #    in Bangkok (17:00 UTC the day before), which counts in March.
        for d, at in enumerate(days, start=1):
            cli_run([f"CLI-{d}-{i}" for i in range(3)], at)
        cli_run(["CLI-edge-start"], "2026-02-28T17:00:00Z")

        # 2. Python: its own documents and pop-ups, re-sends of CLI documents,
        #    and the last second of March and of February in Bangkok.
        engine = keymsg.Engine(store=store, agency=AGENCY)
        for d, at in enumerate(days, start=1):
            for i in range(2):
                key = f"PY-{d}-{i}"
                r = engine.footer(key=key, idempotency_key=key, at=at)
                ledger.printed("python", key, at, r.message_id, r.counted)
            key = f"user-{d}"
            p = engine.popup(key=key, idempotency_key=f"pop-{d}", at=at)
            ledger.printed("python", f"pop-{d}", at, p.message_id, p.counted)
        for d in range(1, 6):
            key, at = f"CLI-{d}-0", days[d - 1]
            r = engine.footer(key=key, idempotency_key=key, at=at)
            ledger.printed("python", key, at, r.message_id, r.counted)
        for key, at in (("PY-edge-end", "2026-03-31T16:59:59Z"),
                        ("PY-edge-feb", "2026-02-28T16:59:59Z")):
            r = engine.footer(key=key, idempotency_key=key, at=at)
            ledger.printed("python", key, at, r.message_id, r.counted)
        engine.record(MONTH, "online", "aoc-1441", 12)
        engine.record(MONTH, "on_ground", "fake-police-call", 2)
        engine.flush()

        # 3. C: its documents, re-sends of Python documents, the first second
        #    of April in Bangkok (not March), and a manual entry.
        commands = [(f"C-{d}-{i}", at) for d, at in enumerate(days, start=1) for i in range(2)]
        commands += [(f"PY-{d}-1", days[d - 1]) for d in range(6, 11)]
        commands += [("C-edge-april", "2026-03-31T17:00:00Z")]
        c_run(commands)
        subprocess.run([count_program, str(store), AGENCY], input=f"M {MONTH} sms-link 40\n",
                       check=True, text=True)
        ledger.manual[("sms-link", "community")] = 40

        # 4. The CLI re-sends C documents, and replaces Python's online entry.
        for d in range(11, 16):
            cli_run([f"C-{d}-0", f"C-{d}-1"], days[d - 1])
        subprocess.run([cli, "record", "--store", str(store), "--agency", AGENCY, "--month",
                        MONTH, "--channel", "online", "--message", "aoc-1441", "--count", "20"],
                       check=True, capture_output=True)
        ledger.manual[("aoc-1441", "online")] = 20
        ledger.manual[("fake-police-call", "on_ground")] = 2

        # The month as each front end reports it.
        by_cli = json.loads(subprocess.run(
            [cli, "report", "--store", str(store), "--month", MONTH, "--format", "json"],
            check=True, capture_output=True, text=True).stdout)
        by_python = json.loads(keymsg.report(store, MONTH, agency=AGENCY).to_json())
        by_engine = json.loads(engine.report(MONTH).to_json())
        c_out = subprocess.run([count_program, str(store), AGENCY], input=f"R {MONTH}\n",
                               check=True, capture_output=True, text=True).stdout
        by_c = json.loads(c_out[: c_out.rindex("END")])
        del engine
        for who, report in (("cli", by_cli), ("python", by_python),
                            ("python engine", by_engine), ("c", by_c)):
            check_report(who, report, ledger)
        documents = sum(r["documents"] for r in ledger.expected_rows().values())
        in_march = sum(1 for _, at in ledger.first.values() if bangkok_month(at) == MONTH)
        assert documents == in_march == 31 * (3 + 2 + 1 + 2) + 2, documents
        print(f"e2e month: {len(ledger.first)} documents printed by CLI, C and Python, "
              f"{documents} counted in {MONTH}, 4 reports equal to the independent count")


if __name__ == "__main__":
    main()
