// Builds the compact Thai word trie. Shared, via `include!`, by the crate's
// build script (which compiles `data/thai-words.txt` into the binary) and by
// `Dictionary::from_words` (custom word lists, tests). Plain std only, and no
// inner attributes or `//!` docs, so that `include!` works in both places.
//
// Format (little-endian), see `Dictionary` in `layout/dict/mod.rs`: a
// double-array trie, so that following an edge is one 4-byte read.
//   b"KMTD", format version u32 = 4, slot count S u32, then S u32 slots.
//   A slot holds a node: bits 0..6 = the label of the edge into it (code
//   point - U+0E00, 1..=0x4E; 0 = an empty slot), bit 7 (TRIE_FINAL) = a
//   word ends at it, bits 8..31 = its base. The child of a node along label
//   l is the slot base + l if that slot's label is l. Every node with
//   children has a base of its own (no two share one), so a slot that
//   carries label l was reached from exactly one node; a node without
//   children has the base of the last 128 slots, which are always empty.
//   Slot 0 is the root.

/// Magic bytes at the start of a serialised trie.
pub(crate) const TRIE_MAGIC: &[u8; 4] = b"KMTD";
/// Version of the serialised format.
pub(crate) const TRIE_FORMAT: u32 = 4;
/// Bit of a slot that marks the end of a word.
pub(crate) const TRIE_FINAL: u32 = 0x80;
/// Bits of a slot that hold the label of the edge into its node.
#[allow(dead_code)] // Read by the dictionary, not by the build script.
pub(crate) const TRIE_LABEL: u32 = 0x7F;
/// Shift of a slot's base.
pub(crate) const TRIE_BASE_SHIFT: u32 = 8;
/// Empty slots at the end of the array: the base of every node without
/// children, so that looking up any label from one finds an empty slot.
pub(crate) const TRIE_TAIL: usize = 128;
/// Whether `c` may appear inside a dictionary word: Thai letters, vowels and
/// marks U+0E01..U+0E3A and U+0E40..U+0E4E (ฯ and ๆ included; Thai digits,
/// ฿ and the other signs are not).
pub(crate) const fn is_thai_word_char(c: char) -> bool {
    matches!(c, '\u{0E01}'..='\u{0E3A}' | '\u{0E40}'..='\u{0E4E}')
}

/// Whether `word` is kept in a dictionary: two or more characters, all
/// [`is_thai_word_char`] (entries with spaces, dots or Latin letters cannot
/// match inside a run of Thai letters; one-letter entries such as ฆ would
/// only license bad splits).
pub(crate) fn is_dictionary_word(word: &str) -> bool {
    word.chars().count() >= 2 && word.chars().all(is_thai_word_char)
}

/// Serialise the words (any order, duplicates and rejected entries ignored)
/// into the trie format above.
pub(crate) fn build_trie<'w>(words: impl IntoIterator<Item = &'w str>) -> Vec<u8> {
    // Pointer trie first: children as (label, node) sorted by label.
    let mut children: Vec<Vec<(u8, u32)>> = vec![Vec::new()];
    let mut finals: Vec<bool> = vec![false];
    for word in words {
        let word = word.trim();
        if !is_dictionary_word(word) {
            continue;
        }
        let mut node = 0usize;
        for c in word.chars() {
            let label = (u32::from(c) - 0x0E00) as u8;
            let kids = match children.get(node) {
                Some(k) => k,
                None => break,
            };
            node = match kids.binary_search_by_key(&label, |&(l, _)| l) {
                Ok(i) => kids.get(i).map_or(0, |&(_, n)| n as usize),
                Err(i) => {
                    let new = children.len();
                    children.push(Vec::new());
                    finals.push(false);
                    if let Some(k) = children.get_mut(node) {
                        k.insert(i, (label, new as u32));
                    }
                    new
                }
            };
        }
        if let Some(f) = finals.get_mut(node) {
            *f = true;
        }
    }
    // Place the nodes depth-first (a word's nodes are placed one after
    // another, so a lookup walking it reads nearby slots): each node with children gets the
    // lowest base, unused by any other node, whose slots for its labels are
    // all free. Candidates are tried only at free slots, found through
    // `next_free` (a union-find over the slots: a used slot points past
    // itself), so the dense part of the array is skipped, not scanned.
    let n = children.len();
    let mut slot_of: Vec<u32> = vec![0; n];
    let mut base_of: Vec<u32> = vec![0; n];
    let mut label_of: Vec<u8> = vec![0; n];
    let mut used: Vec<bool> = vec![true];
    let mut next_free: Vec<usize> = vec![1];
    let mut base_used: Vec<bool> = Vec::new();
    let mut stack = vec![0usize];
    while let Some(node) = stack.pop() {
        let kids = match children.get(node) {
            Some(k) if !k.is_empty() => k,
            _ => continue,
        };
        let lowest = kids.first().map_or(1, |&(l, _)| usize::from(l));
        let mut at = find_free(&mut next_free, lowest + 1);
        let base = loop {
            let base = at - lowest;
            let free = !base_used.get(base).copied().unwrap_or(false)
                && kids
                    .iter()
                    .all(|&(l, _)| !used.get(base + usize::from(l)).copied().unwrap_or(false));
            if free {
                break base;
            }
            at = find_free(&mut next_free, at + 1);
        };
        if base_used.len() <= base {
            base_used.resize(base + 1, false);
        }
        if let Some(b) = base_used.get_mut(base) {
            *b = true;
        }
        if let Some(b) = base_of.get_mut(node) {
            *b = base as u32;
        }
        for &(label, child) in kids {
            let s = base + usize::from(label);
            if used.len() <= s {
                used.resize(s + 1, false);
            }
            if let Some(u) = used.get_mut(s) {
                *u = true;
            }
            // The slot is taken: its free-slot link now points past it.
            while next_free.len() <= s + 1 {
                next_free.push(next_free.len());
            }
            if let Some(x) = next_free.get_mut(s) {
                *x = s + 1;
            }
            if let Some(x) = slot_of.get_mut(child as usize) {
                *x = s as u32;
            }
            if let Some(x) = label_of.get_mut(child as usize) {
                *x = label;
            }
        }
        // The first child is placed next.
        stack.extend(kids.iter().rev().map(|&(_, child)| child as usize));
    }
    let tail = used.len() as u32;
    let mut slots = vec![0u32; used.len() + TRIE_TAIL];
    for node in 0..n {
        let has_kids = children.get(node).is_some_and(|k| !k.is_empty());
        let base = if has_kids {
            base_of.get(node).copied().unwrap_or(tail)
        } else {
            tail
        };
        let fin = finals.get(node).copied().unwrap_or(false);
        let value = (base << TRIE_BASE_SHIFT)
            | if fin { TRIE_FINAL } else { 0 }
            | u32::from(label_of.get(node).copied().unwrap_or(0));
        if let Some(s) = slot_of.get(node).and_then(|&s| slots.get_mut(s as usize)) {
            *s = value;
        }
    }
    let mut out = Vec::with_capacity(12 + 4 * slots.len());
    out.extend_from_slice(TRIE_MAGIC);
    out.extend_from_slice(&TRIE_FORMAT.to_le_bytes());
    out.extend_from_slice(&(slots.len() as u32).to_le_bytes());
    for s in &slots {
        out.extend_from_slice(&s.to_le_bytes());
    }
    out
}

/// The first free slot at or after `i` (see `build_trie`): `next[k] == k`
/// for a free slot, a later slot for a used one; slots past the end are
/// free. Paths are shortened as they are walked.
fn find_free(next: &mut [usize], i: usize) -> usize {
    let mut k = i;
    while let Some(&j) = next.get(k) {
        if j == k {
            break;
        }
        k = j;
    }
    // Point every slot on the path straight at the answer.
    let mut p = i;
    while let Some(x) = next.get_mut(p) {
        if *x == p || *x == k {
            break;
        }
        let following = *x;
        *x = k;
        p = following;
    }
    k
}
