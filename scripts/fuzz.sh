#!/usr/bin/env bash
# Run every fuzz target (fuzz/fuzz_targets/) for a number of seconds each,
# starting from the checked-in seeds (fuzz/seeds/<target>/) and the corpus
# earlier runs grew (fuzz/corpus/<target>/, not checked in).
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#   scripts/fuzz.sh             60 s for each target (KEYMSG_FUZZ_SECONDS=60 scripts/test-all.sh)
#   scripts/fuzz.sh 3600 layout one hour on the layout target
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`, done by
# scripts/install-test-deps.sh) and a C compiler; libFuzzer's instrumentation
# needs nightly flags, which stable Rust accepts with RUSTC_BOOTSTRAP=1.
# A crash stops the run with exit 1 and leaves the input in
# fuzz/artifacts/<target>/: reproduce it with
#   (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run <target> artifacts/<target>/<file>)
# and turn it into a regression test next to the code it broke.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

secs="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(catalog layout report token)
fi
export RUSTC_BOOTSTRAP=1
# The fuzz crate is its own workspace with its own target directory.
unset CARGO_TARGET_DIR

cargo fuzz build --release
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  printf '\n== fuzz %s for %s s\n' "$t" "$secs"
  # -rss_limit_mb: a layout of a huge input must stay within bounds too;
  # -timeout: one input that takes 10 s is a hang, reported like a crash.
  log="$(mktemp)"
  status=0
  cargo fuzz run --release "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|SUMMARY|Test unit written)|panicked' "$log" || true
  if [ "$status" -ne 0 ]; then
    tail -n 40 "$log" >&2
    rm -f "$log"
    echo "fuzz target $t failed (exit $status): the input is in fuzz/artifacts/$t/" >&2
    exit 1
  fi
  rm -f "$log"
done
printf '\nfuzzing: %d targets, %s s each, no crash\n' "${#targets[@]}" "$secs"
