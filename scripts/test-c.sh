#!/usr/bin/env bash
# C consumer tests for libkeymsg (crates/keymsg-ffi), run three ways:
#   1. plainly (gcc -std=c11 -Wall -Wextra -Wpedantic -Werror),
#   2. under AddressSanitizer + UndefinedBehaviorSanitizer (leak detection on),
#   3. under valgrind (memcheck, full leak check).
# Also: the header compiles as C99 and C++17 and survives double inclusion, the
# static library links, the README example builds through pkg-config, and
# every C name of the parity list (tests/parity.toml) compiles and links.
#
# Usage: scripts/test-c.sh        (from anywhere; exits non-zero on any failure)
# Then the library as scripts/install-c.sh installs it (dist build) into a
# temporary prefix: SONAME, links, stripped, size, exported symbols, the README
# example built with rpath, with LD_LIBRARY_PATH and statically, and the PHP
# header through PHP's FFI when php is installed.
#
# Env:   CARGO_TARGET_DIR is honoured; KEYMSG_C_SKIP_VALGRIND=1 skips step 3;
#        KEYMSG_C_SKIP_INSTALL=1 skips the installed-library checks.
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
tests=(test_keymsg test_threads test_delivered test_caps test_trust)

# The shared selection vectors run from C too; they are part of the
# repository, so a missing file is an error, not a reason to skip.
vectors="$root/tests/vectors/selection.json"
[ -f "$vectors" ] || { echo "test-c.sh: $vectors is missing" >&2; exit 1; }
need python3 "converting the selection vectors for C" python3
mkdir -p "$work/vectors"
python3 tests/c/vectors_to_lines.py "$vectors" "$work/vectors"
tests+=(test_vectors)

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

step "parity: every C name in tests/parity.toml is declared, exported and linkable"
need python3 "reading tests/parity.toml" python3
python3 tests/c/parity_to_c.py tests/parity.toml "$work/parity.c"
gcc "${cflags[@]}" "$work/parity.c" -o "$work/parity" "${ldlibs[@]}"
"$work/parity"

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
# The README shows this program and its output: both must be what runs here.
readme=crates/keymsg-ffi/README.md
awk '/^```c$/ { f = 1; next } /^```$/ { f = 0 } f' "$readme" >"$work/readme-example.c"
cmp -s "$work/readme-example.c" tests/c/example.c ||
  die "the C example in $readme differs from tests/c/example.c; make them the same"
awk '/^Output/ { o = 1 } o && /^```text$/ { f = 1; next } f && /^```$/ { exit } f' "$readme" \
  >"$work/readme-example.out"
diff -u "$work/readme-example.out" "$work/example.out" ||
  die "the example's output differs from the one shown in $readme"
echo "README example: same source, same output"

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

if [ "${KEYMSG_C_SKIP_INSTALL:-0}" != 1 ]; then
  step "install-c.sh into a temporary prefix (dist build)"
  prefix="$work/prefix"
  start=$(date +%s)
  scripts/install-c.sh "$prefix"
  echo "install-c.sh took $(( $(date +%s) - start ))s"
  lib="$prefix/lib"
  so="$lib/libkeymsg.so.$version"
  { [ -f "$so" ] && [ ! -L "$so" ]; } || die "$so is not installed as a file"
  [ "$(readlink "$lib/libkeymsg.so.0")" = "libkeymsg.so.$version" ] || die "libkeymsg.so.0 link"
  [ "$(readlink "$lib/libkeymsg.so")" = libkeymsg.so.0 ] || die "libkeymsg.so link"
  LC_ALL=C readelf -d "$so" | grep -F 'Library soname: [libkeymsg.so.0]' ||
    die "the installed library's SONAME is not libkeymsg.so.0"
  ! LC_ALL=C readelf -S "$so" | grep -qE '\.symtab|\.debug_' || die "$so is not stripped"
  ! LC_ALL=C readelf -S "$lib/libkeymsg.a" | grep -qE '\.debug_|\.llvmbc' ||
    die "libkeymsg.a has debug info or LLVM bitcode"
  so_bytes=$(stat -c %s "$so")
  [ "$so_bytes" -le 10000000 ] || die "$so is $so_bytes bytes, over 10 MB"
  printf 'sizes: libkeymsg.so.%s %s bytes, libkeymsg.a %s bytes\n' "$version" "$so_bytes" \
    "$(stat -c %s "$lib/libkeymsg.a")"
  # Every function the header declares is exported, and nothing else.
  sed -n 's/^[a-z].* \**\(keymsg_[a-z0-9_]*\)(.*/\1/p' include/keymsg.h | sort -u >"$work/declared"
  nm -D --defined-only "$so" | awk '$2 == "T" { print $3 }' | sort -u >"$work/exported"
  [ -s "$work/declared" ] || die "no function found in include/keymsg.h"
  diff -u "$work/declared" "$work/exported" ||
    die "the functions libkeymsg.so exports differ from those include/keymsg.h declares"
  echo "$(wc -l <"$work/declared") functions declared and exported"
  for f in include/keymsg.h share/keymsg/php/keymsg.h lib/pkgconfig/keymsg.pc lib/libkeymsg.a \
    share/doc/keymsg/LICENSE-MIT share/doc/keymsg/LICENSE-APACHE \
    share/doc/keymsg/LICENSE-CC0 share/doc/keymsg/LICENSE-UNICODE; do
    [ -f "$prefix/$f" ] || die "install-c.sh did not install $f"
  done

  step "the README example against the installed library: rpath, LD_LIBRARY_PATH, static"
  export PKG_CONFIG_PATH="$lib/pkgconfig"
  # shellcheck disable=SC2046
  gcc -std=c11 -Wall -Wextra -Wpedantic -Werror tests/c/example.c -o "$work/ex-rpath" \
    $(pkg-config --cflags --libs keymsg) -Wl,-rpath,"$lib"
  mkdir -p "$work/run-rpath" "$work/run-ldpath" "$work/run-static"
  (cd "$work/run-rpath" && ../ex-rpath) | diff -u "$work/readme-example.out" - ||
    die "the example linked with -Wl,-rpath failed"
  # shellcheck disable=SC2046
  gcc -std=c11 -Wall -Wextra -Wpedantic -Werror tests/c/example.c -o "$work/ex-ldpath" \
    $(pkg-config --cflags --libs keymsg)
  (cd "$work/run-ldpath" && LD_LIBRARY_PATH="$lib" ../ex-ldpath) |
    diff -u "$work/readme-example.out" - || die "the example run with LD_LIBRARY_PATH failed"
  # Static, as the README shows it: the archive, then pkg-config's private libraries.
  # shellcheck disable=SC2046
  gcc -std=c11 -Wall -Wextra -Wpedantic -Werror tests/c/example.c -o "$work/ex-static" \
    $(pkg-config --cflags keymsg) "$lib/libkeymsg.a" \
    $(pkg-config --static --libs-only-l keymsg | sed 's/-lkeymsg //')
  ! LC_ALL=C readelf -d "$work/ex-static" | grep -q 'libkeymsg' ||
    die "the statically linked example still needs libkeymsg.so"
  (cd "$work/run-static" && ../ex-static) | diff -u "$work/readme-example.out" - ||
    die "the statically linked example failed"
  unset PKG_CONFIG_PATH
  echo "installed library: rpath, LD_LIBRARY_PATH and static builds print the README's output"

  if command -v php >/dev/null && php -r 'exit(extension_loaded("ffi") ? 0 : 1);'; then
    step "PHP FFI with the installed PHP header"
    php tests/c/php_ffi.php "$prefix/share/keymsg/php/keymsg.h" || die "PHP FFI test failed"
  else
    echo "note: php with the FFI extension is not installed; the PHP header is not tried"
  fi
else
  step "install test skipped (KEYMSG_C_SKIP_INSTALL=1)"
fi

printf '\nC tests passed (plain, ASan/UBSan%s%s)\n' \
  "$([ "${KEYMSG_C_SKIP_VALGRIND:-0}" != 1 ] && echo ', valgrind')" \
  "$([ "${KEYMSG_C_SKIP_INSTALL:-0}" != 1 ] && echo ', installed library')"
