#!/usr/bin/env bash
# Every test keymsg has, in the order STYLE.md recommends: format, lints, Rust
# tests, docs, C tests (plain, ASan/UBSan, valgrind), the PHP example, Python
# (wheel, pytest, stubtest).
# Usage: ./scripts/test-all.sh        (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

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
