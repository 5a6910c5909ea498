// Builds the compact Thai word trie. Shared, via `include!`, by the crate's
// build script (which compiles `data/thai-words.txt` into the binary) and by
// `Dictionary::from_words` (custom word lists, tests). Plain std only, and no
// inner attributes or `//!` docs, so that `include!` works in both places.
//
// Format (little-endian), see `Dictionary` in `layout/dict/mod.rs`:
//   b"KMTD", format version u32 = 3, node count N u32,
//   first child index of node 0..=N as N + 1 u32 (children of node i are the
//   nodes first[i]..first[i + 1]; node 0 is the root; nodes are in
//   breadth-first order, siblings sorted by label),
//   N label bytes: bits 0..6 = code point - U+0E00 of the edge into the node,
//   bit 7 (TRIE_FINAL) = a word ends at the node (kept in the same byte so
//   that one load answers both "which child" and "is it a word").

/// Magic bytes at the start of a serialised trie.
pub(crate) const TRIE_MAGIC: &[u8; 4] = b"KMTD";
/// Version of the serialised format.
pub(crate) const TRIE_FORMAT: u32 = 3;
/// Bit of a label byte that marks the end of a word.
pub(crate) const TRIE_FINAL: u8 = 0x80;
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
    // Breadth-first renumbering: each node's children become contiguous.
    let n = children.len();
    let mut order: Vec<(u32, u8)> = Vec::with_capacity(n); // (old node, label)
    order.push((0, 0));
    let mut first: Vec<u32> = Vec::with_capacity(n + 1);
    let mut head = 0;
    while let Some(&(old, _)) = order.get(head) {
        first.push(order.len() as u32);
        if let Some(kids) = children.get(old as usize) {
            order.extend(kids.iter().map(|&(label, child)| (child, label)));
        }
        head += 1;
    }
    first.push(order.len() as u32);
    let mut out = Vec::with_capacity(12 + 5 * n + 4);
    out.extend_from_slice(TRIE_MAGIC);
    out.extend_from_slice(&TRIE_FORMAT.to_le_bytes());
    out.extend_from_slice(&(order.len() as u32).to_le_bytes());
    for f in &first {
        out.extend_from_slice(&f.to_le_bytes());
    }
    for &(old, label) in &order {
        let fin = finals.get(old as usize).copied().unwrap_or(false);
        out.push(label | if fin { TRIE_FINAL } else { 0 });
    }
    out
}
