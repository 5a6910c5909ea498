#!/usr/bin/env python3
"""Build benches/data/wordeval.tsv: a word-boundary evaluation set for keymsg.

Words come from the Thai National Corpus (TNC) word-frequency list that
PyThaiNLP bundles offline (`pythainlp.corpus.tnc.word_freqs()`, file
`tnc_freq.txt`, CC0-1.0 per PyThaiNLP's corpus_license.md). It is NOT ICU's
Thai dictionary (PyThaiNLP ships that separately as `icubrk_th.txt`; it is
not used here), so scoring ICU4X/keymsg against it is not inflated by
testing a dictionary on its own word list.

Each line of the output is one "sentence" of 3-8 words, drawn with a fixed
seed with probability proportional to corpus frequency (so the mix resembles
running text), joined WITHOUT spaces, then a TAB, then the UTF-8 byte offsets
of the true joins between words (comma separated, ascending, never 0 or the
text length).

Reproduce (the output is deterministic for a given pythainlp version):

    python3 -m venv /tmp/we && /tmp/we/bin/pip install pythainlp==5.4.0
    /tmp/we/bin/python benches/wordeval/make_set.py > benches/data/wordeval.tsv
"""

import random
import sys

import pythainlp
from pythainlp.corpus import tnc

SEED = 20261129
SENTENCES = 2000
MIN_WORDS, MAX_WORDS = 3, 8
TOP_WORDS = 15000  # most frequent entries kept (the tail is mostly noise)

LEADING_VOWELS = set("เแโใไ")
# Characters that cannot start a word (following vowels, combining marks,
# repetition/abbreviation signs): a join before them would be illegal.
NO_START = set("ะาำๅๆฯ") | {chr(c) for c in range(0x0E31, 0x0E3B)} | {
    chr(c) for c in range(0x0E47, 0x0E4F)
}


def is_thai_word(word: str) -> bool:
    """Thai letters only, at least two code points, legal at both ends."""
    if len(word) < 2:  # single letters in TNC are abbreviations (ก., ค.)
        return False
    if any(not ("\u0e01" <= ch <= "\u0e4e") for ch in word):
        return False  # Latin, digits, spaces, Thai digits, punctuation
    if "ๆ" in word or "ฯ" in word:
        return False
    if word[0] in NO_START or word[-1] in LEADING_VOWELS:
        return False
    return True


def main() -> None:
    freqs = [(w, f) for w, f in tnc.word_freqs() if is_thai_word(w)]
    freqs.sort(key=lambda wf: (-wf[1], wf[0]))
    freqs = freqs[:TOP_WORDS]
    words = [w for w, _ in freqs]
    weights = [f for _, f in freqs]
    rng = random.Random(SEED)
    out = sys.stdout
    out.write(
        f"# keymsg word-boundary set: {SENTENCES} sentences from PyThaiNLP "
        f"{pythainlp.__version__} tnc_freq.txt (CC0-1.0), top {TOP_WORDS} "
        f"words, seed {SEED}; text<TAB>byte offsets of true joins\n"
    )
    for _ in range(SENTENCES):
        n = rng.randint(MIN_WORDS, MAX_WORDS)
        chosen = rng.choices(words, weights=weights, k=n)
        joins, pos = [], 0
        for w in chosen[:-1]:
            pos += len(w.encode("utf-8"))
            joins.append(pos)
        out.write("".join(chosen) + "\t" + ",".join(map(str, joins)) + "\n")


if __name__ == "__main__":
    main()
