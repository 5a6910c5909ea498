#!/usr/bin/env python3
"""Independent reference implementation of docs/SELECTION.md, written from the
spec (not from the Rust code). It generates tests/vectors/selection.json:

    python3 tests/vectors/selection_ref.py > tests/vectors/selection.json

The Rust suite (crates/keymsg-core/tests/it/select_vectors.rs) checks that the Rust
implementation agrees with every vector; the C and Python suites run the same file.
"""
import json
import sys
import unicodedata
from datetime import datetime, date, timedelta, timezone

M64 = (1 << 64) - 1
BKK = timezone(timedelta(hours=7))
Q = 26

def fnv1a64(data: bytes, h: int = 0xCBF29CE484222325) -> int:
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & M64
    return h

def fmix64(k: int) -> int:
    k ^= k >> 33
    k = (k * 0xFF51AFD7ED558CCD) & M64
    k ^= k >> 33
    k = (k * 0xC4CEB9FE1A85EC53) & M64
    k ^= k >> 33
    return k

WHITE_SPACE = set(map(chr, [*range(0x9, 0xE), 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
                            0x2028, 0x2029, 0x202F, 0x205F, 0x3000]))

def canonical(key: str) -> str:
    s = key
    while s and s[0] in WHITE_SPACE:
        s = s[1:]
    while s and s[-1] in WHITE_SPACE:
        s = s[:-1]
    s = unicodedata.normalize("NFC", s)
    out = []
    for c in s:
        if "\u0e50" <= c <= "\u0e59":
            c = chr(ord(c) - 0x0E50 + ord("0"))
        elif "A" <= c <= "Z":
            c = c.lower()
        out.append(c)
    return "".join(out)

def key_hash(domain: bytes, key):
    if key is None:
        return None
    c = canonical(key)
    if not c:
        return None
    return fmix64(fnv1a64(domain + c.encode("utf-8")))

def sticky_hash(key):
    return key_hash(b"keymsg-sticky-v1\0", key)

def cycle_hash(key):
    return key_hash(b"keymsg-cycle-v1\0", key)

def message_hash(mid: str) -> int:
    return fmix64(fnv1a64(mid.encode("ascii")))

def log2_entry(i: int) -> int:
    if i == 256:
        return 1 << Q
    z = (256 + i) << 54  # Q62
    r = 0
    for _ in range(Q):
        z = (z * z) >> 62
        r <<= 1
        if z >= (2 << 62):
            z >>= 1
            r |= 1
    return r

TABLE = [log2_entry(i) for i in range(257)]

def neg_log2_q26(x: int) -> int:
    v = (x >> 11) + 1
    e = v.bit_length() - 1
    m = (v << (63 - e)) & M64
    idx = (m >> 55) & 0xFF
    frac = (m >> 29) & ((1 << Q) - 1)
    lo, hi = TABLE[idx], TABLE[idx + 1]
    log2v = (e << Q) + lo + (((hi - lo) * frac) >> Q)
    return (53 << Q) - log2v

def parse_moment(s: str, end: bool) -> datetime:
    if len(s) == 10:
        d = date.fromisoformat(s)
        if end:
            d += timedelta(days=1)
        return datetime(d.year, d.month, d.day, tzinfo=BKK)
    return datetime.fromisoformat(s.replace("Z", "+00:00"))

def period_index(period: str, at: datetime) -> int:
    d = at.astimezone(BKK).date()
    day = (d - date(1970, 1, 1)).days
    if period == "day":
        return day
    if period == "week":
        return (day - 4) // 7
    return (d.year - 1970) * 12 + d.month - 1

DEFAULTS = {"receipt": "sticky", "invoice": "sticky", "popup": "cycle", "push": "cycle",
            "sms": "cycle", "billboard": "time-sliced"}
ALL_SURFACES = ["receipt", "invoice", "popup", "push", "sms", "billboard"]

def select(cat, v):
    at = datetime.fromisoformat(v["at"].replace("Z", "+00:00"))
    surface, lang = v["surface"], v.get("lang", "th")
    elig = []
    for i, m in enumerate(cat["messages"]):
        f = parse_moment(m["from"], False) if "from" in m else None
        u = parse_moment(m["until"], True) if "until" in m else None
        if (f and at < f) or (u and at >= u):
            continue
        if surface not in m.get("surfaces", ALL_SURFACES):
            continue
        if lang not in m["text"]:
            continue
        if m.get("weight", 1) == 0:
            continue
        elig.append((i, m))
    if not elig:
        return {"error": "nothing-eligible"}
    tier = max(m.get("priority", 0) for _, m in elig)
    tier_msgs = [(i, m) for i, m in elig if m.get("priority", 0) == tier]
    n = len(tier_msgs)
    policy = v.get("policy") or cat.get("policy", {}).get(surface) or cat.get("policy", {}).get("default") or DEFAULTS[surface]
    base, _, arg = policy.partition(":")
    out = {}
    if base == "sticky":
        h = sticky_hash(v.get("document_key"))
        if h is None:
            base, applied = "round-robin", "round-robin"
        else:
            out["key_hash"] = f"{h:016x}"
            best = None
            for i, m in tier_msgs:
                d = neg_log2_q26(fmix64(h ^ message_hash(m["id"])))
                w = m.get("weight", 1)
                if best is None or d * best[2] < best[1] * w or (d * best[2] == best[1] * w and m["id"] < best[3]):
                    best = (i, d, w, m["id"])
            pick, applied = best[0], "sticky"
    if base == "cycle":
        period = arg or "month"
        h = cycle_hash(v.get("subject_key"))
        if h is None:
            base, arg = "time-sliced", period
        else:
            out["key_hash"] = f"{h:016x}"
            start = (h * n) >> 64
            pos = (start + period_index(period, at) % n) % n
            pick = tier_msgs[pos][0]
            applied = "cycle" if period == "month" else f"cycle:{period}"
    if base == "time-sliced":
        period = arg or "day"
        pick = tier_msgs[period_index(period, at) % n][0]
        applied = "time-sliced" if period == "day" else f"time-sliced:{period}"
    if base == "round-robin":
        if "sequence" not in v:
            raise SystemExit(f"vector {v['name']!r} needs a sequence")
        pick = tier_msgs[v["sequence"] % n][0]
        applied = "round-robin"
    mid = cat["messages"][pick]["id"]
    out.update({"message_id": mid, "policy": applied, "token": f"k1.{cat['version']}.{mid}"})
    return out

CATALOG = {
    "schema": 1,
    "version": 12,
    "policy": {"default": "sticky", "popup": "cycle:week"},
    "messages": [
        {"id": "aoc-1441", "topic": "impersonation", "weight": 5,
         "text": {"th": {"long": "มีเหตุสงสัยโทร 1441"}, "en": {"long": "Suspect a scam? Call 1441."}}},
        {"id": "bank-first", "topic": "mule-account", "weight": 3,
         "text": {"th": {"long": "โดนโอนเงินไป โทรธนาคารก่อน"}, "en": {"long": "Call your bank first."}}},
        {"id": "fake-shop", "topic": "shopping", "weight": 2, "surfaces": ["receipt", "invoice", "popup"],
         "text": {"th": {"long": "ร้านค้าออนไลน์ปลอม ตรวจสอบก่อนโอน"}}},
        {"id": "loan-fee", "topic": "loan", "weight": 1, "until": "2026-03-31",
         "text": {"th": {"long": "กู้เงินไม่ต้องจ่ายค่าธรรมเนียมก่อน"}, "en": {"long": "Real lenders never ask a fee first."}}},
        {"id": "paused", "topic": "otp", "weight": 0,
         "text": {"th": {"long": "ห้ามบอกรหัส OTP"}}},
        {"id": "urgent.feb", "topic": "fake-news", "weight": 1, "priority": 5,
         "from": "2026-02-01", "until": "2026-02-14", "surfaces": ["receipt", "popup"],
         "text": {"th": {"long": "ระวังข่าวปลอมช่วงนี้"}}},
        {"id": "sms_only", "topic": "phishing-link", "weight": 4, "surfaces": ["sms"],
         "text": {"th": {"long": "อย่ากดลิงก์ใน SMS"}}},
        {"id": "board-apr", "topic": "investment", "weight": 2, "from": "2026-04-01T00:00:00+07:00",
         "surfaces": ["billboard"], "text": {"th": {"long": "ลงทุนผลตอบแทนสูงเกินจริง ระวัง"}}},
    ],
}

def vectors():
    vs = []
    keys = ["INV-2026-000001", "inv-2026-000001", "  INV-2026-000001\u3000", "ใบเสร็จ ๒๕๖๙/๐๐๑", "ใบเสร็จ 2569/001",
            "R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "Cafe\u0301-9", "café-9", "PEA/67/0000123456"]
    for k in keys:
        vs.append({"name": f"sticky {k!r}", "surface": "receipt", "document_key": k, "at": "2026-03-10T03:00:00Z"})
    vs.append({"name": "sticky in English drops th-only messages", "surface": "invoice", "lang": "en",
               "document_key": "INV-2026-000001", "at": "2026-03-10T03:00:00Z"})
    for k in ["R1", "R2", "R3"]:
        vs.append({"name": f"urgent tier pins receipts {k}", "surface": "receipt", "document_key": k, "at": "2026-02-05T03:00:00Z"})
    vs += [
        {"name": "window edge: 2026-01-31T16:59:59Z is still January (no urgent)", "surface": "receipt",
         "document_key": "R1", "at": "2026-01-31T16:59:59Z"},
        {"name": "window edge: 2026-01-31T17:00:00Z is February (urgent)", "surface": "receipt",
         "document_key": "R1", "at": "2026-01-31T17:00:00Z"},
        {"name": "until 2026-02-14 includes the 14th local", "surface": "receipt", "document_key": "R9",
         "at": "2026-02-14T16:59:59Z"},
        {"name": "until 2026-02-14 stops at local midnight", "surface": "receipt", "document_key": "R9",
         "at": "2026-02-14T17:00:00Z"},
        {"name": "sticky without key falls back to round-robin", "surface": "receipt", "sequence": 4,
         "at": "2026-03-10T03:00:00Z"},
        {"name": "sticky whitespace key falls back", "surface": "receipt", "document_key": " \t", "sequence": 5,
         "at": "2026-03-10T03:00:00Z"},
    ]
    for i, s in enumerate(["u-1", "U-1", "user-๔๒", "user-42", "สมชาย"]):
        vs.append({"name": f"popup cycle:week {s!r}", "surface": "popup", "subject_key": s, "at": "2026-03-10T03:00:00Z"})
    for wk in range(4):
        at = (datetime(2026, 3, 2, 0, 0, tzinfo=BKK) + timedelta(days=7 * wk, hours=1)).astimezone(timezone.utc)
        vs.append({"name": f"popup cycle:week u-7 week {wk}", "surface": "popup", "subject_key": "u-7",
                   "at": at.strftime("%Y-%m-%dT%H:%M:%SZ")})
    vs.append({"name": "popup cycle without subject = time-sliced:week", "surface": "popup", "at": "2026-03-10T03:00:00Z"})
    for month in ["2026-01-15T05:00:00Z", "2026-02-20T05:00:00Z", "2026-03-20T05:00:00Z"]:
        vs.append({"name": f"push cycle (monthly) {month}", "surface": "push", "policy": "cycle", "subject_key": "C-100",
                   "at": month})
    vs.append({"name": "month edge for cycle: 16:59:59Z", "surface": "push", "policy": "cycle", "subject_key": "C-100",
               "at": "2026-03-31T16:59:59Z"})
    vs.append({"name": "month edge for cycle: 17:00:00Z", "surface": "push", "policy": "cycle", "subject_key": "C-100",
               "at": "2026-03-31T17:00:00Z"})
    for d in ["2026-04-01T00:00:00+07:00", "2026-04-02T06:00:00Z", "2026-04-03T06:00:00Z", "2026-03-31T16:59:59Z"]:
        vs.append({"name": f"billboard time-sliced {d}", "surface": "billboard", "policy": "time-sliced", "at": d})
    for seq in [0, 1, 2, 3, 7]:
        vs.append({"name": f"round-robin seq {seq}", "surface": "invoice", "policy": "round-robin", "sequence": seq,
                   "at": "2026-03-10T03:00:00Z"})
    vs.append({"name": "sms sticky", "surface": "sms", "policy": "sticky", "document_key": "X", "at": "2026-03-10T03:00:00Z"})
    vs.append({"name": "no such language", "surface": "receipt", "lang": "zh", "document_key": "R1", "at": "2026-03-10T03:00:00Z"})
    vs.append({"name": "billboard by catalog default (sticky) without key: round-robin", "surface": "billboard",
               "sequence": 2, "at": "2026-03-31T16:59:59Z"})
    vs.append({"name": "sms in English: sms_only is Thai-only", "surface": "sms", "lang": "en", "policy": "round-robin",
               "sequence": 0, "at": "2026-03-10T03:00:00Z"})
    vs.append({"name": "invoice after loan-fee ended, in English", "surface": "invoice", "lang": "en",
               "policy": "round-robin", "sequence": 1, "at": "2026-04-01T00:00:00+07:00"})
    for v in vs:
        v["expected"] = select(CATALOG, v)
    return vs

def main():
    hashes = []
    for k in ["", "a", "INV-2026-000001", "  inv-2026-000001 ", "ใบเสร็จ ๒๕๖๙/๐๐๑", "Cafe\u0301", "ÄÖÜ-ß", "\u3000x\u3000"]:
        sh, ch = sticky_hash(k), cycle_hash(k)
        hashes.append({"key": k, "canonical": canonical(k),
                       "sticky_hash": None if sh is None else f"{sh:016x}",
                       "cycle_hash": None if ch is None else f"{ch:016x}"})
    msg_hashes = [{"id": m["id"], "hash": f"{message_hash(m['id']):016x}"} for m in CATALOG["messages"]]
    xs = [0, 1, 0x7FF, 0x800, 1 << 63, M64, 0x0123456789ABCDEF, 0xDEADBEEFCAFEBABE, 0x5555555555555555]
    neg = [{"x": f"{x:016x}", "q26": neg_log2_q26(x)} for x in xs]
    tokens = [
        {"token": "k1.12.aoc-1441", "ok": True, "version": 12, "message_id": "aoc-1441"},
        {"token": "k1.3.urgent.feb", "ok": True, "version": 3, "message_id": "urgent.feb"},
        {"token": "k1.12.removed-long-ago", "ok": False, "error": "unknown-message"},
        {"token": "k2.12.aoc-1441", "ok": False, "error": "bad-token"},
        {"token": "k1.012.aoc-1441", "ok": False, "error": "bad-token"},
        {"token": "k1.12", "ok": False, "error": "bad-token"},
        {"token": "k1.12.aoc 1441", "ok": False, "error": "bad-token"},
        {"token": "", "ok": False, "error": "bad-token"},
    ]
    doc = {
        "format": "keymsg-selection-vectors/1",
        "spec": "docs/SELECTION.md",
        "generated_by": "tests/vectors/selection_ref.py",
        "catalog": CATALOG,
        "log2_table_q26": TABLE,
        "fnv1a64": [{"input": s, "hash": f"{fnv1a64(s.encode()):016x}"} for s in ["", "a", "foobar"]],
        "fmix64": [{"input": f"{x:016x}", "output": f"{fmix64(x):016x}"} for x in [0, 1, 0xCBF29CE484222325]],
        "key_hashes": hashes,
        "message_hashes": msg_hashes,
        "neg_log2_q26": neg,
        "selections": vectors(),
        "tokens": tokens,
    }
    json.dump(doc, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")

if __name__ == "__main__":
    main()
