#!/usr/bin/env bash
# C consumer tests for libkeymsg (crates/keymsg-ffi), run three ways:
#   1. plainly (gcc -std=c11 -Wall -Wextra -Wpedantic -Werror),
#   2. under AddressSanitizer + UndefinedBehaviorSanitizer (leak detection on),
#   3. under valgrind (memcheck, full leak check).
# Also: the header compiles as C99 and C++17 and survives double inclusion, the
# static library links, and the README example builds through pkg-config.
#
# Usage: scripts/test-c.sh        (from anywhere; exits non-zero on any failure)
# Env:   CARGO_TARGET_DIR is honoured; KEYMSG_C_SKIP_VALGRIND=1 skips step 3.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'test-c.sh: %s\n' "$*" >&2; exit 1; }

need() {
  command -v "$1" >/dev/null 2>&1 ||
    die "'$1' is not installed; it is needed for $2 (Debian: apt-get install $3)"
}
need cargo "building libkeymsg" "rustup / cargo"
need gcc "compiling the C tests" gcc
need g++ "checking the header compiles as C++" g++
need pkg-config "checking keymsg.pc" pkgconf
need readelf "reading the library's SONAME" binutils
if [ "${KEYMSG_C_SKIP_VALGRIND:-0}" != 1 ]; then
  need valgrind "the valgrind run" valgrind
fi

step "cargo build -p keymsg-ffi"
cargo build -p keymsg-ffi
target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
[ -n "$target_dir" ] || die "cannot find cargo's target directory"
libdir="$target_dir/debug"
[ -f "$libdir/libkeymsg.so" ] || die "$libdir/libkeymsg.so was not built"
[ -f "$libdir/libkeymsg.a" ] || die "$libdir/libkeymsg.a was not built"

work="$(mktemp -d "${TMPDIR:-/tmp}/keymsg-c.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Programs linked against libkeymsg.so ask for its SONAME (libkeymsg.so.N) at
# run time; cargo writes only libkeymsg.so, so the tests link through a
# directory that has both names, as an installed library does.
soname="$(LC_ALL=C readelf -d "$libdir/libkeymsg.so" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')"
case "$soname" in libkeymsg.so.[0-9]*) ;; *) die "libkeymsg.so has no libkeymsg.so.N SONAME (got '$soname')" ;; esac
mkdir -p "$work/lib"
ln -s "$libdir/libkeymsg.so" "$work/lib/libkeymsg.so"
ln -s "$libdir/libkeymsg.so" "$work/lib/$soname"

cflags=(-std=c11 -Wall -Wextra -Wpedantic -Werror -g -pthread -I"$root/include" -I"$root/tests/c")
ldlibs=(-L"$work/lib" -Wl,-rpath,"$work/lib" -lkeymsg -lpthread)
tests=(test_keymsg test_threads)

# The shared selection vectors, when present, run from C too.
vectors="$root/tests/vectors/selection.json"
if [ -f "$vectors" ]; then
  need python3 "converting the selection vectors for C" python3
  mkdir -p "$work/vectors"
  python3 tests/c/vectors_to_lines.py "$vectors" "$work/vectors"
  tests+=(test_vectors)
else
  echo "note: $vectors not found; the selection-vector C test is skipped"
fi

# Each test binary gets the fixtures dir and a fresh scratch dir.
run_tests() { # label, binary suffix, runner words...
  local label="$1" suffix="$2"; shift 2
  local t
  for t in "${tests[@]}"; do
    local scratch="$work/scratch-$label-$t"
    mkdir -p "$scratch"
    printf -- '--- %s (%s)\n' "$t" "$label"
    local data="$root/tests/c/fixtures"
    [ "$t" = test_vectors ] && data="$work/vectors"
    "$@" "$work/$t$suffix" "$data" "$scratch" ||
      die "$t failed ($label)"
  done
}

step "header: C99, C11, C++17, included twice"
printf '#include "keymsg.h"\n#include "keymsg.h"\nint main(void) { return KEYMSG_OK; }\n' >"$work/hdr.c"
gcc -std=c99 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -I"$root/include" "$work/hdr.c"
gcc -std=c11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -I"$root/include" "$work/hdr.c"
g++ -std=c++17 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -I"$root/include" tests/c/header_cpp.cpp

step "build C tests (plain)"
for t in "${tests[@]}"; do
  gcc "${cflags[@]}" -O1 "tests/c/$t.c" -o "$work/$t" "${ldlibs[@]}"
done

step "run C tests (plain)"
run_tests plain ""

step "static library: link libkeymsg.a"
gcc "${cflags[@]}" -O1 tests/c/test_keymsg.c -o "$work/test_keymsg_static" \
  "$libdir/libkeymsg.a" -lgcc_s -lutil -lrt -lpthread -lm -ldl
"$work/test_keymsg_static" "$root/tests/c/fixtures" "$work" >/dev/null ||
  die "test_keymsg linked statically failed"
echo "static link ok"

step "pkg-config: README example built with \$(pkg-config --cflags --libs keymsg)"
mkdir -p "$work/pc"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)"
sed -e "s|@PREFIX@|$root|g" -e "s|@LIBDIR@|$work/lib|g" -e "s|@VERSION@|$version|g" \
  crates/keymsg-ffi/keymsg.pc.in >"$work/pc/keymsg.pc"
[ "$(PKG_CONFIG_PATH="$work/pc" pkg-config --modversion keymsg)" = "$version" ] ||
  die "keymsg.pc: wrong version"
# shellcheck disable=SC2046
gcc -std=c11 -Wall -Wextra -Wpedantic -Werror tests/c/example.c -o "$work/example" \
  $(PKG_CONFIG_PATH="$work/pc" pkg-config --cflags --libs keymsg) -Wl,-rpath,"$work/lib"
(cd "$work" && ./example) >"$work/example.out" || die "the README example failed"
cat "$work/example.out"

step "build C tests (AddressSanitizer + UBSan)"
san=(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
for t in "${tests[@]}"; do
  gcc "${cflags[@]}" -O1 "${san[@]}" "tests/c/$t.c" -o "$work/$t.asan" "${ldlibs[@]}"
done

step "run C tests (AddressSanitizer + UBSan)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_tests asan ".asan"
unset ASAN_OPTIONS UBSAN_OPTIONS

if [ "${KEYMSG_C_SKIP_VALGRIND:-0}" != 1 ]; then
  step "run C tests (valgrind)"
  run_tests valgrind "" valgrind --quiet --error-exitcode=1 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect
else
  step "valgrind skipped (KEYMSG_C_SKIP_VALGRIND=1)"
fi

printf '\nC tests passed (plain, ASan/UBSan%s)\n' \
  "$([ "${KEYMSG_C_SKIP_VALGRIND:-0}" != 1 ] && echo ', valgrind')"
