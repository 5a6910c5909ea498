#!/usr/bin/env bash
# keymsg_wrap from C against ICU4C's line break iterator (Debian libicu-dev)
# on the same texts, in one process, rounds alternating, best of each
# (tests/c/bench_icu4c.c):
#   paragraph  benches/data/thai-paragraph.txt, the paragraph of the Rust
#              layout bench (benches/layout.rs), 527 bytes
#   document   benches/data/thai-sentences.txt, its lines repeated in order
#              until the text reaches 60 000 bytes (about 60 KB, one
#              sentence per line)
# ICU4C is timed three ways besides an iterator opened per call: one
# iterator reused on UTF-16 converted before timing (its cheapest use), on
# UTF-8 converted in each call, and on the UTF-8 read in place (UText).
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
       n = split("keymsg_wrap icu4c_open icu4c_reuse icu4c_reuse_convert icu4c_reuse_utf8", cases, " ")
       printf "%-10s %8s", "text", "bytes"
       for (c = 1; c <= n; c++) printf " %20s", cases[c]
       printf " %14s\n", "wrap alone"
       for (t = 1; t <= 2; t++) {
         x = texts[t]
         printf "%-10s %8d", x, bytes[x]
         for (c = 1; c <= n; c++) printf " %17.0f ns", m[x, cases[c]]
         printf " %11.0f ns\n", m[x, "keymsg_wrap_alone"]
         printf "%-10s %8s %20s", "", "", "ICU4C / keymsg_wrap"
         for (c = 2; c <= n; c++) printf " %19.2fx", m[x, cases[c]] / m[x, "keymsg_wrap"]
         printf "\n"
       }
       print "(icu4c_open: an iterator opened per call; icu4c_reuse: one iterator reset, text in UTF-16 before timing;"
       print " icu4c_reuse_convert: the same with the UTF-8 converted to UTF-16 in each call;"
       print " icu4c_reuse_utf8: the same iterator reading the UTF-8 through utext_openUTF8;"
       print " wrap alone: keymsg_wrap in a run of its own, without ICU4C taking turns in the caches)"
     }' "$work/all.txt"
