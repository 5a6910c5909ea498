#!/usr/bin/env bash
# End to end: a whole month counted into one store by the CLI, the C library
# and the Python package, reported by each, and checked against a count kept
# independently of keymsg (tests/e2e/month.py says how).
#
# Usage: scripts/test-e2e.sh   (after scripts/test-python.sh, whose virtualenv
#        holds the wheel as users install it; scripts/test-all.sh runs both)
# Env:   CARGO_TARGET_DIR is honoured; KEYMSG_E2E_PYTHON names another Python
#        that has keymsg installed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
die() { printf 'test-e2e.sh: %s\n' "$*" >&2; exit 1; }
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"

py="${KEYMSG_E2E_PYTHON:-$CARGO_TARGET_DIR/py-venv/test/bin/python}"
[ -x "$py" ] && "$py" -c 'import keymsg' 2>/dev/null ||
  die "no Python with keymsg at $py: run scripts/test-python.sh first, or set KEYMSG_E2E_PYTHON"
command -v gcc >/dev/null || die "gcc is needed to build tests/e2e/count.c"

cargo build --locked --quiet -p keymsg-cli -p keymsg-ffi
libdir="$CARGO_TARGET_DIR/debug"
work="$(mktemp -d "${TMPDIR:-/tmp}/keymsg-e2e.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# Link through the SONAME, as an installed library is found.
soname="$(LC_ALL=C readelf -d "$libdir/libkeymsg.so" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')"
[ -n "$soname" ] || die "libkeymsg.so has no SONAME"
mkdir -p "$work/lib"
ln -s "$libdir/libkeymsg.so" "$work/lib/libkeymsg.so"
ln -s "$libdir/libkeymsg.so" "$work/lib/$soname"
gcc -std=c11 -Wall -Wextra -Wpedantic -Werror -O1 -I"$root/include" tests/e2e/count.c \
  -o "$work/count" -L"$work/lib" -Wl,-rpath,"$work/lib" -lkeymsg
"$py" tests/e2e/month.py "$libdir/keymsg" "$work/count"
