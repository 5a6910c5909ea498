#!/usr/bin/env bash
# Every test keymsg has: first what a fresh Debian/Ubuntu machine lacks is installed,
# then format, lints (clippy also holds the code to the declared rust-version),
# the public API snapshot, Rust tests, packaging, docs, C tests (plain,
# ASan/UBSan, valgrind, the library as installed), the PHP example, Python (the wheel users get,
# installed without Rust: pytest, stubtest), a month counted end to end by the
# CLI, C and Python into one store, and a minute of fuzzing per fuzz
# target (KEYMSG_FUZZ_SECONDS=N for N seconds, 0 to opt out).
# Usage: ./scripts/test-all.sh        (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step shows the seconds since the start, to keep an eye on the total.
step() { printf '\n==> [%ss] %s\n' "$SECONDS" "$*"; }

# A run from a clean checkout writes about 10 GB under target/ and
# fuzz/target/ (debug, test, dist, sanitizer and fuzz builds). Say so up
# front: a full disk otherwise shows up minutes later as a linker error.
target_dir="${CARGO_TARGET_DIR:-target}"
mkdir -p "$target_dir"
free_gb=$(( $(df --output=avail -k "$target_dir" | tail -1) / 1024 / 1024 ))
if [ "$free_gb" -lt 15 ]; then
  printf 'warning: %s GB free under %s; a run from a clean checkout needs about 10 GB\n' \
    "$free_gb" "$target_dir" >&2
fi
# CI builds each crate once: incremental caches would only take disk space.
if [ -n "${CI:-}" ]; then
  export CARGO_INCREMENTAL=0
fi

step "install what the tests need (scripts/install-test-deps.sh)"
./scripts/install-test-deps.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "keymsg-core public API snapshot"
./scripts/check-public-api.sh

step "cargo test"
# Default members: the Python extension is built and tested by maturin below.
# Includes the fleet-store tests against a real PostgreSQL: each test binary
# starts a throwaway cluster (keymsg-pgtest: initdb + pg_ctl from
# /usr/lib/postgresql/*/bin) and stops it; KEYMSG_SKIP_POSTGRES=1 skips them
# on purpose, and without PostgreSQL they fail rather than pass silently.
# Property tests run one fixed seed here, so a red CI run can be replayed
# exactly (PROPTEST_RNG_SEED=N to choose another); `cargo test` on a
# developer's machine draws a new seed every run and explores further.
export PROPTEST_RNG_SEED="${PROPTEST_RNG_SEED:-20261206}"
cargo test --locked

step "cargo package (the publishable crates build from their packages alone)"
# --allow-dirty: a developer's uncommitted edits are packaged as they are.
# Cargo unpacks the packaged keymsg-core and keymsg-server into its registry
# cache once per version and temporary-registry path, and reuses those copies
# on the next run: the CLI and FFI packages would then be verified against an
# old core or service.
rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/keymsg-core-[0-9]* \
  "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/keymsg-server-[0-9]*
cargo package -p keymsg-core -p keymsg-server -p keymsg-cli -p keymsg-ffi --allow-dirty --quiet

step "cargo doc (warnings denied)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet
# The CLI binary is also named `keymsg`, like keymsg-ffi's library: documented
# in a run of its own (in one run the two write target/doc/keymsg at once).
RUSTDOCFLAGS="-D warnings" cargo doc -p keymsg-cli --bin keymsg --no-deps --locked --quiet
# keymsg-core as docs.rs shows it: the stable API alone (no `unstable`), so a
# link from it to an unstable item is an error here.
RUSTDOCFLAGS="-D warnings" cargo doc -p keymsg-core --no-deps --locked --quiet

# The fuzz targets build in the background from here on: the C and Python
# steps spend minutes on single-threaded work (valgrind, thin-LTO links of
# the dist library and wheel) that leaves the second core idle.
fuzz_secs="${KEYMSG_FUZZ_SECONDS:-60}"
export KEYMSG_FUZZ_SANITIZER="${KEYMSG_FUZZ_SANITIZER:-none}"
export KEYMSG_FUZZ_OPT_LEVEL="${KEYMSG_FUZZ_OPT_LEVEL:-1}"
fuzz_build_log="$(mktemp)"
trap 'rm -f "$fuzz_build_log"' EXIT
if [ "$fuzz_secs" != 0 ]; then
  ./scripts/fuzz.sh --build >"$fuzz_build_log" 2>&1 &
  fuzz_build=$!
fi

step "C tests"
./scripts/test-c.sh

step "PHP example (FFI)"
./scripts/test-php.sh

step "Python tests"
./scripts/test-python.sh

step "end to end: a month counted by the CLI, C and Python into one store (scripts/test-e2e.sh)"
./scripts/test-e2e.sh

# Fuzzing: every target for a minute, two at a time on two cores. Built
# without AddressSanitizer, at opt-level 1 and with 16 codegen units
# (scripts/fuzz.sh says why): the cold build of the fuzz workspace takes about
# 110 s of CPU instead of 270 s.
if [ "$fuzz_secs" != 0 ]; then
  step "fuzz each target for ${fuzz_secs} s (scripts/fuzz.sh)"
  if ! wait "$fuzz_build"; then
    cat "$fuzz_build_log" >&2
    echo "the fuzz build failed (above)" >&2
    exit 1
  fi
  grep '^fuzz build' "$fuzz_build_log" || true
  ./scripts/fuzz.sh "$fuzz_secs"
else
  step "fuzzing skipped (KEYMSG_FUZZ_SECONDS=0)"
fi

printf '\nall test suites passed in %ss\n' "$SECONDS"
