"""Thai orthographic rules, written from the script's definition (not from
keymsg's output), used to check every layout the bindings return."""

from __future__ import annotations

import unicodedata

# Leading vowels: written before the consonant they follow in speech; a line
# must never end with one (it would be separated from its consonant).
LEADING_VOWELS = set("เแโใไ")
# Following vowels that are spacing characters but belong to the preceding
# syllable: a line must never start with one.
FOLLOWING_VOWELS = set("ะาำๅ")
# Repetition mark: belongs to the word before it.
MAI_YAMOK = "ๆ"


def is_combining(ch: str) -> bool:
    """Above/below vowels and tone marks (Mn): zero width, never line-initial."""
    return unicodedata.category(ch) == "Mn"


def legal_line_start(line: str) -> bool:
    if not line:
        return True
    first = line[0]
    return not (is_combining(first) or first in FOLLOWING_VOWELS or first == MAI_YAMOK)


def legal_line_end(line: str) -> bool:
    return not line or line[-1] not in LEADING_VOWELS


def columns(text: str) -> int:
    """Reference display width: combining marks 0, East Asian wide/fullwidth 2,
    everything else 1 (SARA AM is a spacing vowel: 1)."""
    total = 0
    for ch in text:
        if unicodedata.category(ch) in ("Mn", "Me") or ch in "\u200b\u200d\u2060":
            continue
        total += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return total
