#!/usr/bin/env bash
# Every test keymsg has: first what a fresh Debian/Ubuntu machine lacks is installed,
# then format, lints, the public API snapshot, Rust tests, docs, C tests (plain,
# ASan/UBSan, valgrind), the PHP example, Python (wheel, pytest, stubtest).
# Usage: ./scripts/test-all.sh        (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

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
cargo test --locked

step "cargo doc (warnings denied)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet

step "C tests"
./scripts/test-c.sh

step "PHP example (FFI)"
./scripts/test-php.sh

step "Python tests"
./scripts/test-python.sh

printf '\nall test suites passed\n'
