#!/usr/bin/env bash
# Build libkeymsg with the `dist` profile (optimised, stripped, no debug info)
# and install the C library, headers, pkg-config file and licences under a
# prefix.
#
# Usage: scripts/install-c.sh [PREFIX]     (default PREFIX: /usr/local)
# Env:   DESTDIR  staged install for packagers: files go to $DESTDIR$PREFIX,
#                 while keymsg.pc and the PHP header name $PREFIX
#        LIBDIR   library directory (default: $PREFIX/lib), e.g. lib/x86_64-linux-gnu
#        CARGO_TARGET_DIR is honoured.
#
# Installs (V = the crate version, N = the C ABI major version, the SONAME's):
#   LIBDIR/libkeymsg.so.V, libkeymsg.so.N -> .so.V, libkeymsg.so -> .so.N
#   LIBDIR/libkeymsg.a                       (without debug info and LLVM bitcode)
#   LIBDIR/pkgconfig/keymsg.pc
#   PREFIX/include/keymsg.h
#   PREFIX/include/keymsg_ffi.h              (the generated PHP header, FFI_LIB "libkeymsg.so")
#   PREFIX/share/keymsg/php/keymsg.h         (the same, FFI_LIB naming the installed library)
#   PREFIX/share/doc/keymsg/                 (licences)
# Then: cc app.c $(pkg-config --cflags --libs keymsg)
# (PKG_CONFIG_PATH=LIBDIR/pkgconfig for a non-standard prefix, and
# -Wl,-rpath,LIBDIR or LD_LIBRARY_PATH=LIBDIR to find the library at run time).
set -euo pipefail
cd "$(dirname "$0")/.."

die() { printf 'install-c.sh: %s\n' "$*" >&2; exit 1; }

prefix="${1:-/usr/local}"
case "$prefix" in /*) ;; *) die "PREFIX must be an absolute path (got '$prefix')" ;; esac
libdir="${LIBDIR:-$prefix/lib}"
dest="${DESTDIR:-}"

cargo build --profile dist -p keymsg-ffi --locked --quiet
target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
built="$target_dir/dist"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)"

# The SONAME is set by crates/keymsg-ffi/build.rs; the symlink must match it.
soname="$(LC_ALL=C readelf -d "$built/libkeymsg.so" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')"
case "$soname" in libkeymsg.so.[0-9]*) ;; *) die "$built/libkeymsg.so has no libkeymsg.so.N SONAME (got '$soname')" ;; esac

install -d "$dest$libdir/pkgconfig" "$dest$prefix/include" \
  "$dest$prefix/share/keymsg/php" "$dest$prefix/share/doc/keymsg"
install -m 0755 "$built/libkeymsg.so" "$dest$libdir/libkeymsg.so.$version"
ln -sfn "libkeymsg.so.$version" "$dest$libdir/$soname"
ln -sfn "$soname" "$dest$libdir/libkeymsg.so"
# Cargo strips only what it links. The archive still carries the standard
# library's debug info and LLVM bitcode (for Rust's own link-time
# optimisation); a C program uses neither, and they are over half its size.
install -m 0644 "$built/libkeymsg.a" "$dest$libdir/libkeymsg.a"
objcopy --strip-debug --remove-section=.llvmbc --remove-section=.llvmcmd "$dest$libdir/libkeymsg.a"
install -m 0644 include/keymsg.h "$dest$prefix/include/keymsg.h"
install -m 0644 include/keymsg_ffi.h "$dest$prefix/include/keymsg_ffi.h"
sed -e "s|@PREFIX@|$prefix|g" -e "s|@LIBDIR@|$libdir|g" -e "s|@VERSION@|$version|g" \
  crates/keymsg-ffi/keymsg.pc.in >"$dest$libdir/pkgconfig/keymsg.pc"
chmod 0644 "$dest$libdir/pkgconfig/keymsg.pc"
scripts/php-header.sh "$libdir/$soname" >"$dest$prefix/share/keymsg/php/keymsg.h"
chmod 0644 "$dest$prefix/share/keymsg/php/keymsg.h"
install -m 0644 LICENSE-MIT LICENSE-APACHE LICENSE-UNICODE crates/keymsg-core/data/LICENSE-CC0 \
  "$dest$prefix/share/doc/keymsg/"
echo "installed keymsg $version ($soname) under $dest$prefix"
