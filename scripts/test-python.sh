#!/usr/bin/env bash
# Build the keymsg wheel as users get it (maturin, `dist` profile: optimised,
# stripped, abi3, manylinux), check its size, install it into a fresh
# virtualenv from the file alone, and run the Python suite there with no Rust
# toolchain on PATH: pytest (warnings are errors, README examples included),
# mypy.stubtest (stubs must match the compiled module) and mypy on the tests.
#
# Run from anywhere:  scripts/test-python.sh
# Environment:
#   CARGO_TARGET_DIR   cargo target dir (default: <repo>/target); keeps rebuilds incremental
#   PYTHON             interpreter to build the venvs from (default: python3, must be >= 3.9)
#   KEYMSG_PY_VENV     directory for the two venvs (default: $CARGO_TARGET_DIR/py-venv);
#                      recreated each run
#   KEYMSG_PY_PROFILE  cargo profile of the wheel (default: dist, what users install; `dev`
#                      builds faster for local iteration and skips the size limit)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
VENVS="${KEYMSG_PY_VENV:-$CARGO_TARGET_DIR/py-venv}"
WHEELS="$CARGO_TARGET_DIR/py-wheels"
PYTHON="${PYTHON:-python3}"
PROFILE="${KEYMSG_PY_PROFILE:-dist}"

# Pinned tool versions (all on PyPI); bump deliberately.
MATURIN_VERSION=1.16.0
PYTEST_VERSION=9.2.0
MYPY_VERSION=2.4.1

# What users are promised: a wheel of at most 12 MB that installs in 10 s.
MAX_WHEEL_BYTES=12000000
MAX_INSTALL_SECONDS=10

step() { printf '\n== %s\n' "$*"; }
die() { printf 'test-python.sh: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

rm -rf "$VENVS"
step "build venv with maturin $MATURIN_VERSION ($("$PYTHON" --version))"
"$PYTHON" -m venv "$VENVS/build"
"$VENVS/build/bin/python" -m pip install --quiet --disable-pip-version-check \
    "maturin==$MATURIN_VERSION"

step "build wheel (profile $PROFILE, abi3)"
rm -rf "$WHEELS"
start=$(now)
"$VENVS/build/bin/maturin" build --profile "$PROFILE" --locked --quiet \
    -m bindings/python/Cargo.toml -i "$VENVS/build/bin/python" -o "$WHEELS"
wheels=("$WHEELS"/keymsg-*.whl)
[ ${#wheels[@]} -eq 1 ] && [ -f "${wheels[0]}" ] || die "expected one wheel in $WHEELS"
wheel="${wheels[0]}"
bytes=$(stat -c %s "$wheel")
echo "built in $(since "$start")s: $(basename "$wheel"), $bytes bytes"
case "$(basename "$wheel")" in
  *-cp39-abi3-manylinux*_x86_64.whl | *-cp39-abi3-manylinux*_aarch64.whl) ;;
  *) die "$(basename "$wheel") is not a manylinux abi3 wheel for CPython >= 3.9" ;;
esac
if [ "$PROFILE" = dist ]; then
  [ "$bytes" -le "$MAX_WHEEL_BYTES" ] || die "the wheel is $bytes bytes, over $MAX_WHEEL_BYTES"
  # The licences ship in the wheel; the extension carries no symbol table
  # and no debug info (section headers read by readelf, binutils).
  unpacked="$VENVS/unpacked"
  "$VENVS/build/bin/python" - "$wheel" "$unpacked" <<'EOF' || die "the wheel lacks its licences"
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    [name] = [n for n in z.namelist() if n.endswith(".so")]
    z.extract(name, sys.argv[2])
    licences = sorted(n.rsplit("/", 1)[-1] for n in z.namelist() if "/licenses/" in n)
    print(f"{name}: {z.getinfo(name).file_size} bytes; licences: {', '.join(licences)}")
assert licences == ["LICENSE-APACHE", "LICENSE-CC0", "LICENSE-MIT", "LICENSE-UNICODE"], licences
EOF
  sections="$(LC_ALL=C readelf -S -W "$unpacked"/keymsg/_keymsg.abi3.so)"
  grep -q '\.text' <<<"$sections" || die "readelf found no sections in the wheel's extension"
  ! grep -qE '\.symtab|\.debug_' <<<"$sections" || die "the wheel's extension is not stripped"
fi

# The suite runs where users are: a fresh venv, the wheel file, and no Rust.
step "test venv: install the test tools, then the wheel from the file alone"
"$PYTHON" -m venv "$VENVS/test"
VPY="$VENVS/test/bin/python"
"$VPY" -m pip install --quiet --disable-pip-version-check \
    "pytest==$PYTEST_VERSION" "mypy==$MYPY_VERSION"
start=$(now)
"$VPY" -m pip install --quiet --disable-pip-version-check --no-index --no-deps "$wheel"
took=$(since "$start")
echo "installed in ${took}s"
awk -v t="$took" -v m="$MAX_INSTALL_SECONDS" 'BEGIN { exit !(t <= m) }' ||
  die "installing the wheel took ${took}s, over ${MAX_INSTALL_SECONDS}s"

# PATH without any directory that holds cargo, rustc or rustup.
norust="$VENVS/test/bin"
IFS=: read -r -a dirs <<<"$PATH"
for d in "${dirs[@]}"; do
  [ -n "$d" ] || continue
  [ -e "$d/cargo" ] || [ -e "$d/rustc" ] || [ -e "$d/rustup" ] || [ -e "$d/maturin" ] ||
    norust="$norust:$d"
done
if PATH="$norust" command -v cargo >/dev/null || PATH="$norust" command -v rustc >/dev/null; then
  die "could not hide the Rust toolchain from PATH"
fi
echo "PATH for the tests has no cargo, rustc or maturin"

# Run from the package dir so its pyproject.toml configures pytest; the
# source tree's python/ is not on sys.path, so tests import the installed wheel.
cd "$ROOT/bindings/python"

step "pytest"
env PATH="$norust" "$VPY" -m pytest -W error

step "stubtest"
env PATH="$norust" "$VPY" -m mypy.stubtest keymsg

step "mypy on the tests (stubs are usable)"
env PATH="$norust" "$VPY" -m mypy --strict --no-error-summary tests
echo "python: all checks passed"
