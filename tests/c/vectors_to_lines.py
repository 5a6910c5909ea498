#!/usr/bin/env python3
"""Turn tests/vectors/selection.json into a line format the C test can read
without a JSON parser.

Usage: vectors_to_lines.py selection.json OUT_DIR
Writes OUT_DIR/catalog.json (the vectors' catalog) and OUT_DIR/vectors.txt:
one record per line, fields separated by single spaces, each field the
hex-encoded UTF-8 of its value or "-" when absent:

  S name surface lang document_key subject_key sequence at policy exp_message exp_policy exp_token exp_error
  H kind(document|subject) key exp_hash(16 hex digits)
  T token exp_message exp_error
"""

import json
import os
import sys


def h(v):
    if v is None:
        return "-"
    return str(v).encode("utf-8").hex() or "="  # "=" is the empty string


def main():
    src, out = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8") as f:
        d = json.load(f)
    if d.get("format") != "keymsg-selection-vectors/1":
        sys.exit(f"{src}: unknown format {d.get('format')!r}")
    with open(os.path.join(out, "catalog.json"), "w", encoding="utf-8") as f:
        json.dump(d["catalog"], f, ensure_ascii=False)
    lines = []
    for s in d["selections"]:
        e = s["expected"]
        lines.append(" ".join(["S"] + [h(x) for x in (
            s["name"], s["surface"], s.get("lang"), s.get("document_key"),
            s.get("subject_key"), s.get("sequence"), s.get("at"), s.get("policy"),
            e.get("message_id"), e.get("policy"), e.get("token"), e.get("error"))]))
    for k in d["key_hashes"]:
        lines.append(" ".join(["H", h("document"), h(k["key"]), h(k["sticky_hash"])]))
        lines.append(" ".join(["H", h("subject"), h(k["key"]), h(k["cycle_hash"])]))
    for t in d["tokens"]:
        lines.append(" ".join(["T", h(t["token"]), h(t.get("message_id") if t["ok"] else None),
                               h(None if t["ok"] else t["error"])]))
    with open(os.path.join(out, "vectors.txt"), "w", encoding="ascii") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
