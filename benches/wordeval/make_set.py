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
text length), then a TAB and the byte offsets *inside* a word where it
splits into two parts that each decompose into listed words (ความ|สามารถ,
ขึ้น|อยู่|กับ).

TNC's tokens are often compounds that ICU's finer dictionary splits; such a
break is a fine place to wrap a line though not a TNC join, so the evaluation
reports it separately from genuine mis-splits (กา|ร, ด้|วย). "Listed" means
in the same TNC top list AND in PyThaiNLP's curated dictionary `words_th.txt`
(also CC0-1.0), because TNC alone contains syllable fragments (ษา, มารถ)
from its own tokenisation; and every part must have at least 3 code points,
so that open syllables that happen to be words (มา, สา, ทะ) do not excuse
splits like ความสา|มารถ or ทะ|เบียน. This errs strict: ตัดสิน|ใจ is not
excused either.

Reproduce (the output is deterministic for a given pythainlp version):

    python3 -m venv /tmp/we && /tmp/we/bin/pip install pythainlp==5.4.0
    /tmp/we/bin/python benches/wordeval/make_set.py > benches/data/wordeval.tsv
"""

import random
import sys

import pythainlp
from pythainlp.corpus import tnc
from pythainlp.corpus.common import thai_words

SEED = 20261129
SENTENCES = 2000
MIN_WORDS, MAX_WORDS = 3, 8
TOP_WORDS = 15000  # most frequent entries kept (the tail is mostly noise)
MIN_PART = 3  # code points per part of an excused compound split

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


def decomposes(text: str, vocab: set, memo: dict) -> bool:
    """Whether `text` is a concatenation of one or more words of `vocab`."""
    if text in memo:
        return memo[text]
    ok = (len(text) >= MIN_PART and text in vocab) or any(
        text[:k] in vocab and decomposes(text[k:], vocab, memo)
        for k in range(MIN_PART, len(text) - MIN_PART + 1)
    )
    memo[text] = ok
    return ok


def compound_splits(word: str, vocab: set, memo: dict) -> list:
    """Code-point offsets inside `word` where both sides decompose into words."""
    return [
        k
        for k in range(MIN_PART, len(word) - MIN_PART + 1)
        if decomposes(word[:k], vocab, memo) and decomposes(word[k:], vocab, memo)
    ]


def main() -> None:
    freqs = [(w, f) for w, f in tnc.word_freqs() if is_thai_word(w)]
    freqs.sort(key=lambda wf: (-wf[1], wf[0]))
    freqs = freqs[:TOP_WORDS]
    words = [w for w, _ in freqs]
    weights = [f for _, f in freqs]
    vocab = set(words) & set(thai_words())
    memo: dict = {}
    rng = random.Random(SEED)
    out = sys.stdout
    out.write(
        f"# keymsg word-boundary set: {SENTENCES} sentences from PyThaiNLP "
        f"{pythainlp.__version__} tnc_freq.txt (CC0-1.0), top {TOP_WORDS} "
        f"words, seed {SEED}; text<TAB>byte offsets of true joins"
        "<TAB>byte offsets of compound-internal splits\n"
    )
    for _ in range(SENTENCES):
        n = rng.randint(MIN_WORDS, MAX_WORDS)
        chosen = rng.choices(words, weights=weights, k=n)
        joins, inner, pos = [], [], 0
        for i, w in enumerate(chosen):
            for k in compound_splits(w, vocab, memo):
                inner.append(pos + len(w[:k].encode("utf-8")))
            pos += len(w.encode("utf-8"))
            if i + 1 < len(chosen):
                joins.append(pos)
        out.write(
            "".join(chosen)
            + "\t"
            + ",".join(map(str, joins))
            + "\t"
            + ",".join(map(str, inner))
            + "\n"
        )


if __name__ == "__main__":
    main()
