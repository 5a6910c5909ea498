#!/usr/bin/env bash
# C ABI call overhead: the same calls from C (tests/c/bench_overhead.c against
# the release libkeymsg.so) and from Rust (crates/keymsg-ffi/examples/overhead.rs),
# each the best of 7 rounds x 5 alternating runs, and the difference per call.
# Usage: scripts/bench-c.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v gcc >/dev/null || { echo "bench-c.sh: gcc is not installed" >&2; exit 1; }

cargo build --release -p keymsg-ffi --example overhead
target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
lib="$target_dir/release"
work="$(mktemp -d "${TMPDIR:-/tmp}/keymsg-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# The program asks for the library's SONAME (libkeymsg.so.0); cargo writes
# only libkeymsg.so, so link through a directory that has both names.
mkdir -p "$work/lib"
ln -s "$lib/libkeymsg.so" "$work/lib/libkeymsg.so"
ln -s "$lib/libkeymsg.so" "$work/lib/libkeymsg.so.0"
gcc -std=c11 -O2 -Wall -Wextra -Wpedantic -Werror -Iinclude tests/c/bench_overhead.c \
  -o "$work/bench" -L"$work/lib" -Wl,-rpath,"$work/lib" -lkeymsg
# Alternate the two programs a few times and keep each case's best: the
# machine's other load then affects both sides alike.
runs="${KEYMSG_BENCH_RUNS:-5}"
for _ in $(seq "$runs"); do
  "$work/bench" >>"$work/c.all"
  "$lib/examples/overhead" >>"$work/rust.all"
done
best() { awk '!($1 in m) || $2 < m[$1] { m[$1] = $2 } END { for (k in m) print k, m[k] }' "$1"; }
best "$work/c.all" >"$work/c.txt"
best "$work/rust.all" >"$work/rust.txt"

printf '%-24s %10s %10s %10s\n' case "rust ns" "c ns" "c - rust"
awk 'NR == FNR { rust[$1] = $2; next }
     { printf "%-24s %10.1f %10.1f %+10.1f\n", $1, rust[$1], $2, $2 - rust[$1] }' \
  "$work/rust.txt" "$work/c.txt"
