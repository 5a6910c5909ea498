#!/usr/bin/env bash
# Build the keymsg wheel into a fresh virtualenv, then run pytest (warnings are
# errors) and mypy.stubtest (stubs must match the compiled module).
#
# Run from anywhere:  scripts/test-python.sh
# Environment:
#   CARGO_TARGET_DIR   cargo target dir (default: <repo>/target); keeps rebuilds incremental
#   PYTHON             interpreter to build the venv from (default: python3, must be >= 3.9)
#   KEYMSG_PY_VENV     venv location (default: $CARGO_TARGET_DIR/py-venv); recreated each run
#   KEYMSG_PY_RELEASE  set to 1 to build an optimised wheel (default: a debug build,
#                      which reuses the artifacts of `cargo test` and builds in a
#                      fraction of the time; benchmarks need the release wheel)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
VENV="${KEYMSG_PY_VENV:-$CARGO_TARGET_DIR/py-venv}"
WHEELS="$CARGO_TARGET_DIR/py-wheels"
PYTHON="${PYTHON:-python3}"

# Pinned tool versions (all on PyPI); bump deliberately.
MATURIN_VERSION=1.16.0
PYTEST_VERSION=9.2.0
MYPY_VERSION=2.4.1

step() { printf '\n== %s\n' "$*"; }

step "fresh venv at $VENV ($("$PYTHON" --version))"
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
VPY="$VENV/bin/python"
"$VPY" -m pip install --quiet --disable-pip-version-check \
    "maturin==$MATURIN_VERSION" "pytest==$PYTEST_VERSION" "mypy==$MYPY_VERSION"

PROFILE_FLAG=()
PROFILE_NAME=debug
if [ "${KEYMSG_PY_RELEASE:-0}" = 1 ]; then PROFILE_FLAG=(--release); PROFILE_NAME=release; fi
step "build wheel ($PROFILE_NAME, abi3)"
rm -rf "$WHEELS"
start=$(date +%s)
"$VENV/bin/maturin" build "${PROFILE_FLAG[@]}" --quiet \
    -m bindings/python/Cargo.toml -i "$VPY" -o "$WHEELS"
echo "wheel built in $(( $(date +%s) - start ))s: $(cd "$WHEELS" && ls keymsg-*.whl)"

step "install wheel"
"$VPY" -m pip install --quiet --disable-pip-version-check --no-index --force-reinstall "$WHEELS"/keymsg-*.whl

# Run from the package dir so its pyproject.toml configures pytest; the
# source tree's python/ is not on sys.path, so tests import the installed wheel.
cd "$ROOT/bindings/python"

step "pytest"
"$VPY" -m pytest -W error

step "stubtest"
"$VPY" -m mypy.stubtest keymsg

step "mypy on the tests (stubs are usable)"
"$VPY" -m mypy --strict --no-error-summary tests
echo "python: all checks passed"
