"""Time keymsg's Python hot path next to a pure-Python Thai wrap.

    python bindings/python/bench/bench_footer.py [--json]

Measures, per call, best of several repeats (timeit):

- ``Engine.footer(key=...)`` with an in-memory store: select (sticky hash of
  the document key), cached layout, count. Target: <= 2 us per call.
- the same without a store (selection + cached layout only);
- ``keymsg.wrap(text, 32)``: uncached layout of a Thai paragraph (segmentation,
  Thai break filter, greedy fill);
- PyThaiNLP ``word_tokenize`` (newmm) + ``textwrap.wrap`` on the same paragraph,
  if PyThaiNLP is installed (``pip install pythainlp``; not a test dependency).
  Note textwrap counts code points, not display columns, so its lines are not
  even correct for a 32-column printer: it is a speed reference only.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import textwrap
import timeit
from typing import Callable

import keymsg

TEXT = (
    "ถูกหลอกโอนเงิน โทรแจ้งธนาคารของท่านทันทีเพื่อระงับบัญชี แล้วโทร 1441 "
    "ศูนย์ต่อต้านการฉ้อโกงทางออนไลน์ ตลอด 24 ชั่วโมง ตำรวจ ดีเอสไอ "
    "หรือเจ้าหน้าที่ศุลกากรตัวจริงไม่โทรมาสั่งให้โอนเงินเพื่อตรวจสอบบัญชี "
    "หากสงสัยให้วางสาย แล้วโทร 191 หรือ 1441"
)


def per_call(fn: Callable[[], object], target_seconds: float = 0.5, repeat: int = 5) -> float:
    """Best per-call time in seconds."""
    timer = timeit.Timer(fn)
    n, elapsed = timer.autorange()
    number = max(1, int(n * target_seconds / max(elapsed, 1e-9)))
    return min(timer.repeat(repeat=repeat, number=number)) / number


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    args = parser.parse_args()

    counted = keymsg.Engine(store=":memory:", agency="bench")
    plain = keymsg.Engine()
    keys = [f"INV-2026-{n:06d}" for n in range(4096)]
    it = iter(range(1 << 62))

    def footer_counted() -> object:
        return counted.footer(key=keys[next(it) & 4095])

    def footer_plain() -> object:
        return plain.footer(key=keys[next(it) & 4095])

    # Warm the layout cache for every message.
    for k in keys:
        plain.footer(key=k)
        counted.footer(key=k)

    results: dict[str, float] = {
        "Engine.footer (in-memory store)": per_call(footer_counted),
        "Engine.footer (no store)": per_call(footer_plain),
        "keymsg.wrap(paragraph, 32)": per_call(lambda: keymsg.wrap(TEXT, 32)),
        "keymsg.width(paragraph)": per_call(lambda: keymsg.width(TEXT)),
    }
    try:
        from pythainlp.tokenize import word_tokenize
    except ImportError:
        print("pythainlp not installed: skipping the comparison", file=sys.stderr)
    else:
        def thai_textwrap() -> object:
            # Join tokens with ZWSP-free spaces so textwrap can break between words.
            return textwrap.wrap(" ".join(word_tokenize(TEXT, engine="newmm")), 32)

        thai_textwrap()  # load the dictionary once
        results["pythainlp word_tokenize(newmm) + textwrap"] = per_call(thai_textwrap)

    if args.json:
        print(json.dumps({k: v * 1e6 for k, v in results.items()}, indent=2))
    else:
        print(f"keymsg {keymsg.__version__}, Python {platform.python_version()}, "
              f"{platform.machine()}; paragraph: {len(TEXT)} chars, "
              f"{len(TEXT.encode())} bytes")
        for name, secs in results.items():
            print(f"{name:45s} {secs * 1e6:10.2f} us/call")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
