#!/usr/bin/env bash
# Run the PHP example (examples/php/footer.php) against the freshly built
# libkeymsg through the PHP header include/keymsg_ffi.h, both ways PHP loads
# it: FFI::load (FFI_LIB found through LD_LIBRARY_PATH) and FFI::cdef with an
# explicit library path (KEYMSG_LIB).
#
# Usage: scripts/test-php.sh   (needs php-cli with the FFI extension; Debian: php-cli)
set -euo pipefail
cd "$(dirname "$0")/.."

command -v php >/dev/null 2>&1 || { echo "test-php.sh: php is not installed (Debian: apt-get install php-cli)" >&2; exit 1; }
php -m | grep -qx FFI || { echo "test-php.sh: PHP lacks the FFI extension" >&2; exit 1; }

cargo build -p keymsg-ffi
target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
libdir="$target_dir/debug"
work="$(mktemp -d "${TMPDIR:-/tmp}/keymsg-php.XXXXXX")"
trap 'rm -rf "$work"' EXIT

check() { # label, output file
  grep -q '^counted: \[true,false\]$' "$2" &&
    grep -q '^reprint counted: false$' "$2" &&
    grep -q '^width 8: KEYMSG_LAYOUT_WIDTH_TOO_SMALL$' "$2" &&
    grep -q '^report 2026-03 PEA Chiang Mai: documents = 1$' "$2" ||
    { echo "test-php.sh: $1: unexpected output:" >&2; cat "$2" >&2; exit 1; }
  echo "ok   $1"
}

LD_LIBRARY_PATH="$libdir" php -d ffi.enable=1 examples/php/footer.php "$work/load" >"$work/load.out"
check "FFI::load(include/keymsg_ffi.h)" "$work/load.out"
KEYMSG_LIB="$libdir/libkeymsg.so" php -d ffi.enable=1 examples/php/footer.php "$work/cdef" >"$work/cdef.out"
check "FFI::cdef with KEYMSG_LIB" "$work/cdef.out"
echo "PHP example passed"
