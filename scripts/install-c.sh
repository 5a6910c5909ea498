#!/usr/bin/env bash
# Build libkeymsg in release mode and install the C library, header and
# pkg-config file under a prefix.
#
# Usage: scripts/install-c.sh [PREFIX]     (default PREFIX: /usr/local)
#
# Installs:
#   PREFIX/lib/libkeymsg.so, PREFIX/lib/libkeymsg.a
#   PREFIX/include/keymsg.h, PREFIX/include/keymsg_ffi.h (for PHP's FFI::load)
#   PREFIX/lib/pkgconfig/keymsg.pc
# Then: cc app.c $(pkg-config --cflags --libs keymsg)
# (set PKG_CONFIG_PATH=PREFIX/lib/pkgconfig for a non-standard prefix).
set -euo pipefail
cd "$(dirname "$0")/.."

prefix="${1:-/usr/local}"
libdir="$prefix/lib"

cargo build --release -p keymsg-ffi
target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)"

install -d "$libdir/pkgconfig" "$prefix/include"
install -m 0755 "$target_dir/release/libkeymsg.so" "$libdir/libkeymsg.so"
install -m 0644 "$target_dir/release/libkeymsg.a" "$libdir/libkeymsg.a"
install -m 0644 include/keymsg.h "$prefix/include/keymsg.h"
install -m 0644 include/keymsg_ffi.h "$prefix/include/keymsg_ffi.h"
sed -e "s|@PREFIX@|$prefix|g" -e "s|@LIBDIR@|$libdir|g" -e "s|@VERSION@|$version|g" \
  crates/keymsg-ffi/keymsg.pc.in >"$libdir/pkgconfig/keymsg.pc"
chmod 0644 "$libdir/pkgconfig/keymsg.pc"
echo "installed keymsg $version under $prefix"
