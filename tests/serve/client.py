#!/usr/bin/env python3
"""Drive a running `keymsg serve` with Python's standard library only
(http.client and urllib), as a back end written in Python would.

Usage: client.py BASE_URL TOKEN   (TOKEN may be "-" when none is configured)
Exits non-zero, naming the check, when the service does not behave.
"""

import http.client
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

base, token = sys.argv[1], sys.argv[2]
headers = {} if token == "-" else {"Authorization": f"Bearer {token}"}
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print(f"FAIL {what}", file=sys.stderr)


def get(path, **params):
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


# urllib: a footer, counted, Thai text, every field of `keymsg footer --json`.
status, h, body = get("/v1/footer", key="INV-py-1", profile="receipt-58mm", lang="th")
check(status == 200, f"footer status {status}")
footer = json.loads(body)
for field in ("message_id", "text", "lines", "title", "token", "fit", "counted"):
    check(field in footer, f"footer field {field}")
check(footer["counted"] is True, "footer counted")
check(footer["text"] == "\n".join(footer["lines"]), "text is the lines joined")
check(any("\u0e00" <= c <= "\u0e7f" for c in footer["text"]), "footer text is Thai")

# Same key, same message (sticky), not counted with count=false.
status, _, body = get("/v1/footer", key="INV-py-1", count="false")
again = json.loads(body)
check(again["message_id"] == footer["message_id"], "sticky footer")
check(again["counted"] is False, "count=false not counted")

# Bad input: a 4xx JSON error naming the field.
status, _, body = get("/v1/footer", key="INV-py-1", width="abc")
err = json.loads(body)["error"]
check(status == 400 and err["field"] == "width" and "width" in err["message"], f"bad width: {status} {err}")
status, _, body = get("/v1/footer", at="yesterday")
check(status == 400 and json.loads(body)["error"]["field"] == "at", "bad at")

# http.client: a pop-up, then its impression counted once across a retry.
u = urllib.parse.urlsplit(base)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
conn.request("GET", "/v1/popup?key=py-user-1&lang=en", headers=headers)
r = conn.getresponse()
popup = json.loads(r.read())
check(r.status == 200, f"popup status {r.status}")
check(popup.get("title"), "popup has a title")
payload = json.dumps({"impressions": [
    {"token": popup["token"], "key": "py-user-1", "surface": "popup",
     "idempotency_key": "py-imp-1", "at": "2026-03-15T09:30:00+07:00"},
    {"token": "not-a-token", "idempotency_key": "py-imp-2"},
]})
results = []
for _ in range(2):  # the retry counts nothing more
    conn.request("POST", "/v1/impressions", body=payload,
                 headers={**headers, "Content-Type": "application/json"})
    r = conn.getresponse()
    check(r.status == 200, f"impressions status {r.status}")
    results.append(json.loads(r.read()))
check([x["status"] for x in results[0]["results"]] == ["counted", "rejected"], f"first post {results[0]}")
check(results[0]["results"][1]["error"]["field"] == "impressions[1].token", "item error names its field")
check(results[1]["results"][0]["status"] == "duplicate", f"retry {results[1]}")

# Malformed JSON: 400 naming the body, never a 500.
conn.request("POST", "/v1/impressions", body=b"{nope", headers=headers)
r = conn.getresponse()
r.read()
check(r.status == 400, f"malformed JSON status {r.status}")
conn.close()

# The report in every format; the March impression is in March's JSON.
status, h, body = get("/v1/report", month="2026-03", format="json")
report = json.loads(body)
check(status == 200 and report["month"] == "2026-03", "report json")
check(sum(row["documents"] for row in report["rows"]) >= 1, "impression in the report")
status, h, body = get("/v1/report", month="2026-03", format="csv")
check(status == 200 and body.startswith(b"\xef\xbb\xbf"), "report csv has a BOM")
status, h, body = get("/v1/report", month="2026-03", format="xlsx")
check(status == 200 and body[:2] == b"PK", "report xlsx is a zip")
status, h, body = get("/v1/report", month="2026-13")
check(status == 400 and json.loads(body)["error"]["field"] == "month", "bad month")

if failures:
    sys.exit(f"{len(failures)} failed: " + "; ".join(failures))
print("python client: all checks passed")
