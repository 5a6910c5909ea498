#!/usr/bin/env bash
# Benchmark `keymsg serve` (release build) with wrk against its ceiling: a bare
# axum server on the same runtime answering constant JSON bodies of the same
# sizes (crates/keymsg-server/examples/ceiling.rs), in the same run, on this
# machine, keep-alive, 64 connections. Prints the figures docs/PERFORMANCE.md
# records, each ratio computed from the numbers printed beside it.
#
# Usage: scripts/bench-serve.sh [SECONDS per run, default 8]
# Needs: wrk (Debian package `wrk`), python3, curl.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-8}"
target="${CARGO_TARGET_DIR:-target}"
command -v wrk >/dev/null || { echo "bench-serve: needs wrk (apt-get install wrk)" >&2; exit 3; }
cargo build --release --locked -q -p keymsg-cli
cargo build --release --locked -q -p keymsg-server --example ceiling
bin="$target/release/keymsg"
ceiling="$target/release/examples/ceiling"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
ulimit -n 4096 2>/dev/null || true

port_s=18471 port_c=18472
"$bin" serve --listen "127.0.0.1:$port_s" --store "$work/store" --agency bench 2>"$work/serve.log" &
pids+=($!)
serve_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port_s/healthz" >/dev/null && break; sleep 0.05; done

S="http://127.0.0.1:$port_s"
F_NOCOUNT="/v1/footer?key=INV-000123&count=false"
F_COUNT="/v1/footer?key=INV-000123"
P="/v1/popup?subject=user-42"
size() { curl -sf "$S$1" | wc -c; }
fsize=$(size "$F_NOCOUNT"); psize=$(size "$P")
token=$(curl -sf "$S$P" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

# The impressions body: 100 items, each with a key unique across the run.
cat >"$work/imp.lua" <<LUA
local n = 0
local threads = {}
setup = function(thread) thread:set("tid", #threads); table.insert(threads, thread) end
request = function()
  n = n + 1
  local items = {}
  for i = 1, 100 do
    items[i] = string.format('{"token":"$token","idempotency_key":"t%d-%d-%d","at":"2026-03-15T10:00:00+07:00"}', tid, n, i)
  end
  return wrk.format("POST", "/v1/impressions", {["Content-Type"] = "application/json"},
    '{"impressions":[' .. table.concat(items, ",") .. ']}')
end
LUA
isize=$(curl -sf -XPOST "$S/v1/impressions" -H 'Content-Type: application/json' \
  -d "{\"impressions\":[$(python3 -c "print(','.join('{\"token\":\"$token\",\"idempotency_key\":\"probe-%d\"}' % i for i in range(100)))")]}" | wc -c)

"$ceiling" "127.0.0.1:$port_c" "f=$fsize" "p=$psize" "i=$isize" &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port_c/f" >/dev/null && break; sleep 0.05; done
C="http://127.0.0.1:$port_c"

# One wrk run: prints "requests/s p99_ms".
run() { # url [lua]
  local out
  echo "== $1 ${2:-}" >>"$work/wrk.log"
  if [ -n "${2:-}" ]; then
    out=$(wrk -t2 -c64 -d"${secs}s" --latency -s "$2" "$1")
  else
    out=$(wrk -t2 -c64 -d"${secs}s" --latency "$1")
  fi
  echo "$out" >>"$work/wrk.log"
  if echo "$out" | grep -q "Non-2xx"; then echo "bench-serve: non-2xx answers from $1" >&2; echo "$out" >&2; exit 1; fi
  local rps p99
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}')
  echo "$rps $p99"
}
# POST body for the ceiling's impressions route: the same request bodies.
sed "s|/v1/impressions|/i|" "$work/imp.lua" >"$work/imp-ceiling.lua"

rounds="${KEYMSG_BENCH_ROUNDS:-3}"
printf 'body sizes: footer %s B, popup %s B, impressions answer %s B; wrk -t2 -c64, %s s per run;\n' "$fsize" "$psize" "$isize" "$secs"
printf 'each case alternates keymsg and its ceiling %s times; medians shown (per-run figures in the log)\n' "$rounds"
printf '%-44s %12s %9s %12s %9s %7s\n' case "keymsg r/s" "p99 ms" "ceiling r/s" "p99 ms" ratio
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
# case label, our url, ceiling url, [our lua, ceiling lua]
compare() {
  local label="$1" ours="$2" ceil="$3" lo="${4:-}" lc="${5:-}" i a b
  local ra=() la=() rb=() lb=()
  for i in $(seq "$rounds"); do
    read -r a b <<<"$(run "$ours" "$lo")"; ra+=("$a"); la+=("$b")
    read -r a b <<<"$(run "$ceil" "$lc")"; rb+=("$a"); lb+=("$b")
    echo "  $label round $i: keymsg ${ra[-1]} r/s p99 ${la[-1]} ms; ceiling ${rb[-1]} r/s p99 ${lb[-1]} ms" >>"$work/rounds.log"
  done
  local r1 l1 r2 l2
  r1=$(printf '%s\n' "${ra[@]}" | median); l1=$(printf '%s\n' "${la[@]}" | median)
  r2=$(printf '%s\n' "${rb[@]}" | median); l2=$(printf '%s\n' "${lb[@]}" | median)
  printf '%-44s %12.0f %9.2f %12.0f %9.2f %7.2f\n' "$label" "$r1" "$l1" "$r2" "$l2" "$(echo "$r1 / $r2" | bc -l)"
  last_rps="$r1"
}
compare "GET /v1/footer count=false" "$S$F_NOCOUNT" "$C/f"
compare "GET /v1/popup" "$S$P" "$C/p"
compare "GET /v1/footer counted (SQLite, durable)" "$S$F_COUNT" "$C/f"
compare "POST /v1/impressions, 100 items" "$S" "$C" "$work/imp.lua" "$work/imp-ceiling.lua"
printf 'impressions counted per second: %.0f (100 x %.0f requests/s)\n' "$(echo "$last_rps * 100" | bc -l)" "$last_rps"
cat "$work/rounds.log"
counted=$(curl -sf "$S/metrics" | awk '/^keymsg_insertions_total/ {s += $2} END {print s}')
echo "insertions in the store after the run: $counted"

# Memory with 1,000 open keep-alive connections (each has made one request).
python3 - "$port_s" "$serve_pid" <<'PY'
import socket, sys, time
port, pid = int(sys.argv[1]), sys.argv[2]
def rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
before = rss()
conns = []
for i in range(1000):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: b\r\n\r\n")
    conns.append(s)
for s in conns:
    s.recv(4096)
time.sleep(0.5)
print(f"RSS of keymsg serve: {before:.1f} MB before, {rss():.1f} MB with 1,000 open connections")
for s in conns:
    s.close()
PY
