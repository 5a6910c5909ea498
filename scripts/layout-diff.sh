#!/usr/bin/env bash
# Lays out a corpus with the working tree and with a base commit (default
# HEAD) and says whether every text came out the same: the check that a
# layout speed change changed no output. The corpus is about 74,000 texts:
# the bench texts, the word-evaluation set, the Thai evaluation texts, the
# syllable list, the default catalog, the place names and 60,000 random
# strings (benches/layout_dump.rs), each through break_opportunities, wrap at
# 3/8/20/32 columns, wrap with max_lines and wrap_balanced.
# Usage: scripts/layout-diff.sh [BASE]   (release builds; the base is built
# in a temporary worktree with its own target directory, a few minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
base="${1:-HEAD}"
inputs=(benches/data/thai-paragraph.txt benches/data/thai-sentences.txt benches/data/wordeval.tsv
  tests/data/thai-eval-bills.txt tests/data/thai-eval-news.txt tests/data/thai-eval-psa.txt
  tests/data/thai-eval-scam.txt tests/data/pythainlp-syllables-th.txt
  crates/keymsg-core/data/default-catalog.toml crates/keymsg-core/data/thai-places.txt)
work="$(mktemp -d "${TMPDIR:-/tmp}/keymsg-layout-diff.XXXXXX")"
cleanup() { git worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
git worktree add --detach "$work/base" "$base" >/dev/null
[ -e "$work/base/benches/layout_dump.rs" ] || cp benches/layout_dump.rs "$work/base/benches/"
grep -q layout_dump "$work/base/benches/Cargo.toml" ||
  printf '\n[[example]]\nname = "layout_dump"\npath = "layout_dump.rs"\n' >>"$work/base/benches/Cargo.toml"
echo "== building the base ($(git rev-parse --short "$base"))"
(cd "$work/base" && CARGO_TARGET_DIR="${KEYMSG_DIFF_BASE_TARGET:-$work/target}" \
  cargo build --release -q -p keymsg-benches --example layout_dump)
echo "== building the working tree"
cargo build --release -q -p keymsg-benches --example layout_dump
target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
"${KEYMSG_DIFF_BASE_TARGET:-$work/target}/release/examples/layout_dump" "${inputs[@]}" >"$work/base.out"
"$target_dir/release/examples/layout_dump" "${inputs[@]}" >"$work/new.out"
texts=$(wc -l <"$work/new.out")
if cmp -s "$work/base.out" "$work/new.out"; then
  echo "layout-diff: the same on all $texts texts"
else
  changed=$(diff "$work/base.out" "$work/new.out" | grep -c '^>' || true)
  echo "layout-diff: $changed of $texts texts lay out differently; the first:" >&2
  diff "$work/base.out" "$work/new.out" | head -20 >&2
  exit 1
fi
