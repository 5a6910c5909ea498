#!/usr/bin/env bash
# C ABI call overhead: the same calls from C (tests/c/bench_overhead.c against
# the release libkeymsg.so) and from Rust (crates/keymsg-ffi/examples/overhead.rs),
# each the best of 7 rounds, and the difference per call.
# Usage: scripts/bench-c.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v gcc >/dev/null || { echo "bench-c.sh: gcc is not installed" >&2; exit 1; }

cargo build --release -p keymsg-ffi --example overhead
target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
lib="$target_dir/release"
work="$(mktemp -d "${TMPDIR:-/tmp}/keymsg-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

gcc -std=c11 -O2 -Wall -Wextra -Wpedantic -Werror -Iinclude tests/c/bench_overhead.c \
  -o "$work/bench" -L"$lib" -Wl,-rpath,"$lib" -lkeymsg
"$work/bench" >"$work/c.txt"
"$lib/examples/overhead" >"$work/rust.txt"

printf '%-24s %10s %10s %10s\n' case "rust ns" "c ns" "c - rust"
awk 'NR == FNR { rust[$1] = $2; next }
     { printf "%-24s %10.1f %10.1f %+10.1f\n", $1, rust[$1], $2, $2 - rust[$1] }' \
  "$work/rust.txt" "$work/c.txt"
