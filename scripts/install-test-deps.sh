#!/usr/bin/env bash
# Install what the test suites need on a fresh Debian or Ubuntu machine:
# C compilers and valgrind (C ABI tests), pkg-config, Python's venv, LibreOffice
# Calc (the XLSX form is opened by a real spreadsheet program), Chromium and a
# Thai font (the HTML preview is rendered), poppler and Carlito (the printed
# form is read back), binutils (the
# installed C library is inspected and its archive slimmed), minisign (signed
# catalogs are checked against the real tool), PHP (its FFI loads
# the installed library), groff (the man page is rendered), script (a bill run
# on a terminal), curl, Node.js, a JDK and openssl (the HTTP service's clients),
# libfaketime (a fleet host with a wrong clock), PostgreSQL (the fleet-store
# tests start a throwaway cluster with initdb and pg_ctl; set KEYMSG_SKIP_POSTGRES=1 to skip them on purpose),
# rustfmt and clippy. Only what is missing is installed.
#
# As root it installs with apt-get; as another user it prints the packages
# and the command to run, and exits 3.
set -euo pipefail

need=()
command -v gcc >/dev/null || need+=(gcc)
command -v g++ >/dev/null || need+=(g++)
command -v valgrind >/dev/null || need+=(valgrind)
command -v pkg-config >/dev/null || need+=(pkgconf)
command -v objcopy >/dev/null || need+=(binutils)
command -v php >/dev/null || need+=(php-cli)
command -v groff >/dev/null || need+=(groff-base)
command -v script >/dev/null || need+=(bsdutils)
# Signed catalogs are tested against the real minisign tool, both directions.
command -v minisign >/dev/null || need+=(minisign)
command -v soffice >/dev/null || need+=(libreoffice-calc-nogui)
# The XLSX form test reads LibreOffice's PDF back with poppler's pdftotext.
command -v pdftotext >/dev/null || need+=(poppler-utils)
# Calibri's metric twin: LibreOffice then measures XLSX column widths as
# Excel does (the workbook's default font is Calibri 11).
fc-list 2>/dev/null | grep -qi carlito || need+=(fonts-crosextra-carlito)
python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
command -v chromium >/dev/null || need+=(chromium)
fc-list :lang=th 2>/dev/null | grep -qi loma || need+=(fonts-tlwg-loma-ttf fontconfig)
# keymsg serve's tests: curl, Node.js and Java (the example clients, Java
# run from source, which needs the JDK), openssl (a test certificate).
command -v curl >/dev/null || need+=(curl)
command -v node >/dev/null || need+=(nodejs)
command -v javac >/dev/null || need+=(default-jdk-headless)
command -v openssl >/dev/null || need+=(openssl)
command -v sha256sum >/dev/null || need+=(coreutils)
# The fleet tests run a host process with its clock skewed (libfaketime).
ls /usr/lib/*/faketime/libfaketime.so.1 >/dev/null 2>&1 || need+=(faketime)
if [ "${KEYMSG_SKIP_POSTGRES:-}" != 1 ]; then
  { ls /usr/lib/postgresql/*/bin/initdb || command -v initdb; } >/dev/null 2>&1 \
    || need+=(postgresql)
fi

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing test dependencies: ${need[*]}" >&2
    echo "install them with: sudo apt-get install --no-install-recommends ${need[*]}" >&2
    exit 3
  fi
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if command -v rustup >/dev/null; then
  rustup component add rustfmt clippy >/dev/null 2>&1 || true
fi

# cargo-fuzz, from crates.io, unless fuzzing was opted out of
# (KEYMSG_FUZZ_SECONDS=0, see scripts/test-all.sh and scripts/fuzz.sh).
if [ "${KEYMSG_FUZZ_SECONDS:-60}" != 0 ] && ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz"
  cargo install cargo-fuzz --locked --quiet
fi
