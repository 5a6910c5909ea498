#!/usr/bin/env bash
# Print include/keymsg.h as PHP's FFI::load() reads it: the C declarations
# with every preprocessor line resolved (FFI parses no #include or #if), and
# the two defines FFI::load looks for. The standard headers are replaced by
# empty ones: PHP's FFI knows bool, size_t and the <stdint.h> types itself.
#
# Usage: scripts/php-header.sh LIBRARY >keymsg.h
#   LIBRARY: what PHP passes to dlopen, e.g. /usr/local/lib/libkeymsg.so.0
# Then in PHP: $keymsg = FFI::load('/usr/local/share/keymsg/php/keymsg.h');
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 1 ] || { echo "usage: scripts/php-header.sh LIBRARY" >&2; exit 2; }

stubs="$(mktemp -d "${TMPDIR:-/tmp}/keymsg-php.XXXXXX")"
trap 'rm -rf "$stubs"' EXIT
touch "$stubs/stdbool.h" "$stubs/stddef.h" "$stubs/stdint.h"

printf '#define FFI_SCOPE "KEYMSG"\n#define FFI_LIB "%s"\n' "$1"
# C11, not C23 or C++: keymsg_status is then a plain uint32_t typedef.
"${CC:-cc}" -E -P -std=c11 -nostdinc -I"$stubs" include/keymsg.h
