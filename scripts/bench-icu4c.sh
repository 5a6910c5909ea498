#!/usr/bin/env bash
# keymsg_wrap from C against ICU4C's line break iterator (Debian libicu-dev)
# on the same texts, in one process, rounds alternating, best of each
# (tests/c/bench_icu4c.c):
#   paragraph  benches/data/thai-paragraph.txt, the paragraph of the Rust
#              layout bench (benches/layout.rs), 527 bytes
#   document   benches/data/thai-sentences.txt, its lines repeated in order
#              until the text reaches 60 000 bytes (about 60 KB, one
#              sentence per line)
# The program runs KEYMSG_BENCH_RUNS times (default 3) and the best of all
# runs is kept per case; each time it also runs with KEYMSG_BENCH_ALONE=1,
# timing keymsg_wrap without ICU4C between its rounds ("wrap alone").
# Usage: scripts/bench-icu4c.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v gcc >/dev/null || { echo "bench-icu4c.sh: gcc is not installed" >&2; exit 1; }
[ -e /usr/include/unicode/ubrk.h ] || {
  echo "bench-icu4c.sh: ICU4C headers missing (apt-get install libicu-dev)" >&2
  exit 1
}

# The profile users install the C library with (scripts/install-c.sh): one
# codegen unit and thin LTO, so the numbers do not depend on how the
# compiler happened to split the crate (with the release profile's 16 units,
# two builds of the same code differed by up to 25 %).
cargo build --profile dist -p keymsg-ffi
target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
lib="$target_dir/dist"
work="$(mktemp -d "${TMPDIR:-/tmp}/keymsg-icu4c.XXXXXX")"
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/lib"
ln -s "$lib/libkeymsg.so" "$work/lib/libkeymsg.so"
ln -s "$lib/libkeymsg.so" "$work/lib/libkeymsg.so.0"
gcc -std=c11 -O2 -Wall -Wextra -Wpedantic -Werror -Iinclude tests/c/bench_icu4c.c \
  -o "$work/bench" -L"$work/lib" -Wl,-rpath,"$work/lib" -lkeymsg -licuuc -licudata

LC_ALL=C awk -v target=60000 '
  { line[NR] = $0 }
  END {
    n = 0; i = 0
    while (n < target) { i = i % NR + 1; print line[i]; n += length(line[i]) + 1 }
  }' benches/data/thai-sentences.txt >"$work/document.txt"

runs="${KEYMSG_BENCH_RUNS:-3}"
for _ in $(seq "$runs"); do
  "$work/bench" paragraph benches/data/thai-paragraph.txt document "$work/document.txt" \
    >>"$work/all.txt"
  # keymsg_wrap on its own: what ICU4C taking turns in the caches costs it.
  KEYMSG_BENCH_ALONE=1 "$work/bench" paragraph benches/data/thai-paragraph.txt \
    document "$work/document.txt" >>"$work/all.txt"
done
# Best ns per (text, case) over the runs; ratios from those bests.
awk '$2 == "bytes" { bytes[$1] = $3; next }
     $2 ~ /\// { next }
     !(($1 SUBSEP $2) in m) || $3 < m[$1, $2] { m[$1, $2] = $3 }
     END {
       split("paragraph document", texts, " ")
       printf "%-10s %8s %14s %14s %14s %12s %12s %14s\n", "text", "bytes", "keymsg_wrap", "icu4c_open", "icu4c_reuse", "open/wrap", "reuse/wrap", "wrap alone"
       for (t = 1; t <= 2; t++) {
         x = texts[t]
         printf "%-10s %8d %11.0f ns %11.0f ns %11.0f ns %11.2fx %11.2fx %11.0f ns\n", x, bytes[x],
           m[x, "keymsg_wrap"], m[x, "icu4c_open"], m[x, "icu4c_reuse"],
           m[x, "icu4c_open"] / m[x, "keymsg_wrap"], m[x, "icu4c_reuse"] / m[x, "keymsg_wrap"],
           m[x, "keymsg_wrap_alone"]
       }
       print "(wrap alone: keymsg_wrap in a run of its own, without ICU4C taking turns in the caches)"
     }' "$work/all.txt"
