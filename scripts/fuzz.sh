#!/usr/bin/env bash
# Run every fuzz target (fuzz/fuzz_targets/) for a number of seconds each,
# starting from the checked-in seeds (fuzz/seeds/<target>/) and the corpus
# earlier runs grew (fuzz/corpus/<target>/, not checked in).
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#   scripts/fuzz.sh             60 s for each target (what scripts/test-all.sh runs)
#   scripts/fuzz.sh 3600 layout one hour on the layout target
#   scripts/fuzz.sh --build     build the targets only (test-all.sh does it early,
#                               beside steps that leave a core idle)
#
# Environment:
#   KEYMSG_FUZZ_SANITIZER  address (default) or none. keymsg-core has no unsafe
#                          code, so what a short run finds is a panic, a broken
#                          invariant, a hang or runaway memory, all of which are
#                          caught without AddressSanitizer; test-all.sh uses
#                          none, which builds faster. Long runs keep address.
#   KEYMSG_FUZZ_OPT_LEVEL  3 (default) or 1: optimisation of the fuzz build.
#                          Level 1 builds in about 60 % of the CPU time (cold,
#                          no sanitizer: 110 s instead of 190 s) for a similar
#                          rate over a minute's run; test-all.sh uses 1.
#   KEYMSG_FUZZ_JOBS       targets fuzzed at once (default: the number of CPUs)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`, done by
# scripts/install-test-deps.sh) and a C compiler; libFuzzer's instrumentation
# needs nightly flags, which stable Rust accepts with RUSTC_BOOTSTRAP=1.
# A crash stops the run with exit 1 and leaves the input in
# fuzz/artifacts/<target>/: reproduce it with
#   (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run <target> artifacts/<target>/<file>)
# then copy the input into fuzz/seeds/<target>/ (every later run replays it
# first, so it stays fixed) and add a regression test next to the code it broke.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

build_only=false
if [ "${1:-}" = --build ]; then
  build_only=true
  shift
fi
secs="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(catalog layout report token)
fi
sanitizer="${KEYMSG_FUZZ_SANITIZER:-address}"
jobs="${KEYMSG_FUZZ_JOBS:-$(nproc)}"
opt="${KEYMSG_FUZZ_OPT_LEVEL:-3}"
case "$opt" in
  3) ;;
  1) export CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=false ;;
  *) echo "fuzz.sh: KEYMSG_FUZZ_OPT_LEVEL must be 3 or 1, not $opt" >&2; exit 2 ;;
esac
export RUSTC_BOOTSTRAP=1
# The fuzz crate is its own workspace with its own target directory.
unset CARGO_TARGET_DIR

# 16 codegen units instead of cargo-fuzz's 1: the cold build of every
# dependency with coverage instrumentation is the slow part, and a slightly
# slower binary costs a minute's run little. `run` takes the same flags, or it
# would build again.
flags=(--release --codegen-units 16 --sanitizer "$sanitizer")
start=$SECONDS
cargo fuzz build "${flags[@]}"
printf 'fuzz build (sanitizer %s, opt-level %s): %s s\n' "$sanitizer" "$opt" "$((SECONDS - start))"
if "$build_only"; then
  exit 0
fi

logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
fuzz_one() { # target: runs it, leaves its log and exit status in $logs
  local t="$1" status=0
  mkdir -p "corpus/$t"
  # -rss_limit_mb: a layout of a huge input must stay within bounds too;
  # -timeout: one input that takes 10 s is a hang, reported like a crash.
  cargo fuzz run "${flags[@]}" "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 >"$logs/$t.log" 2>&1 || status=$?
  echo "$status" >"$logs/$t.status"
}

# Up to $jobs targets at once, each on its own core for its full time.
running=0
for t in "${targets[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  printf '== fuzz %s for %s s\n' "$t" "$secs"
  fuzz_one "$t" &
  running=$((running + 1))
done
wait

failed=()
for t in "${targets[@]}"; do
  printf '\n== %s\n' "$t"
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|SUMMARY|Test unit written)|panicked' \
    "$logs/$t.log" || true
  status="$(cat "$logs/$t.status" 2>/dev/null || echo missing)"
  if [ "$status" != 0 ]; then
    tail -n 40 "$logs/$t.log" >&2
    echo "fuzz target $t failed (exit $status): the input is in fuzz/artifacts/$t/" >&2
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzzing failed: ${failed[*]}" >&2
  exit 1
fi
printf '\nfuzzing: %d targets, %s s each, no crash\n' "${#targets[@]}" "$secs"
