//! Unit tests of the dictionary segmenter.

use super::*;

fn words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    Segmenter::default().run_breaks(Dictionary::builtin(), text, 0, &mut out);
    let mut start = 0;
    let mut pieces = Vec::new();
    for b in out.into_iter().chain([text.len()]) {
        pieces.push(&text[start..b]);
        start = b;
    }
    pieces
}

#[test]
fn the_byte_decoder_agrees_with_the_word_character_test() {
    // Every character whose UTF-8 starts with E0 (the Thai block and its
    // neighbours), alone and with text after it.
    for c in ('\u{0800}'..='\u{0FFF}').chain(['a', '\u{10000}']) {
        let expected = trie::is_thai_word_char(c).then(|| (u32::from(c) - 0x0E00) as u8);
        let mut buf = [0u8; 4];
        let alone = c.encode_utf8(&mut buf).as_bytes();
        assert_eq!(thai_word_label_at(alone, 0), expected, "{c:?}");
        let text = format!("x{c}ก");
        assert_eq!(
            thai_word_label_at(text.as_bytes(), 1),
            expected,
            "{c:?} in text"
        );
        // Cut short, it is not one.
        assert_eq!(
            thai_word_label_at(&alone[..alone.len() - 1], 0),
            None,
            "{c:?} cut"
        );
    }
}

#[test]
fn builtin_dictionary_loads() {
    let d = Dictionary::builtin();
    assert!(d.nodes() > 200_000, "{}", d.nodes());
    for w in ["ความสามารถ", "มิจฉาชีพ", "ธนาคาร", "รู้จัก", "เจ้าหน้าที่"]
    {
        assert!(d.contains(w), "{w}");
    }
    // Rejected entries: one letter, dots, spaces, partial words.
    for w in ["ฆ", "กทม.", "ความสามาร", "", "abc"] {
        assert!(!d.contains(w), "{w}");
    }
}

#[test]
fn segments_running_text_into_words() {
    assert_eq!(
        words("อย่าโอนเงินให้คนที่ไม่รู้จัก"),
        ["อย่า", "โอน", "เงิน", "ให้", "คน", "ที่", "ไม่", "รู้จัก"]
    );
    assert_eq!(words("ความสามารถ"), ["ความสามารถ"]);
    assert_eq!(
        words("มิจฉาชีพแอบอ้างเป็นเจ้าหน้าที่ธนาคาร"),
        ["มิจฉาชีพ", "แอบอ้าง", "เป็น", "เจ้าหน้าที่", "ธนาคาร"]
    );
}

#[test]
fn unknown_letters_stay_one_unit() {
    // A name the dictionary does not know is not chopped into syllables.
    let bytes = Dictionary::serialise(["คุณ", "โทร", "มา"]);
    let d = Dictionary::parse(&bytes).unwrap();
    let text = "คุณฟลิบฟลอบโทรมา";
    let mut out = Vec::new();
    Segmenter::default().run_breaks(&d, text, 0, &mut out);
    let at = |w: &str| text.find(w).unwrap();
    assert_eq!(out, [at("ฟลิบ"), at("โทร"), at("มา")]);
}

#[test]
fn words_end_only_on_cluster_boundaries() {
    // กา|ร would cut the syllable การ; ด้|วย likewise.
    for text in ["การเงิน", "ด้วยความ", "เปลี่ยนแปลง", "จันทร์นี้"]
    {
        for piece in words(text) {
            let first = piece.chars().next().unwrap();
            assert!(
                !crate::vocab::thai::cannot_start_line(first),
                "{text}: {piece}"
            );
        }
    }
}

#[test]
fn long_runs_are_segmented_in_chunks_ending_before_a_leading_vowel() {
    let corpus = include_str!("../../../../../benches/data/thai-sentences.txt");
    let run: String = corpus
        .chars()
        .filter(|&c| thai_label(c).is_some())
        .collect();
    let labels: Vec<u8> = run.chars().filter_map(thai_label).collect();
    assert!(labels.len() > 2 * CHUNK_CHARS);
    // A run no longer than a chunk is one chunk.
    assert_eq!(chunk_end(&labels[..CHUNK_CHARS], 0), CHUNK_CHARS);
    let end = chunk_end(&labels, 0);
    assert!(end >= CHUNK_CHARS && end < labels.len());
    assert!(LEADING_VOWEL_LABELS.contains(&labels[end]));
    assert!(
        !labels[CHUNK_CHARS..end]
            .iter()
            .any(|l| LEADING_VOWEL_LABELS.contains(l))
    );
    // The breaks before a chunk's end do not depend on what follows it.
    let dict = Dictionary::builtin();
    let mut whole = Vec::new();
    Segmenter::default().run_breaks(dict, &run, 0, &mut whole);
    let mut head = Vec::new();
    Segmenter::default().run_breaks(dict, &run[..3 * end], 0, &mut head);
    let before: Vec<usize> = whole.iter().copied().filter(|&b| b < 3 * end).collect();
    assert_eq!(head, before);
    assert!(whole.contains(&(3 * end)));
}

#[test]
fn custom_dictionary_round_trip() {
    let bytes = Dictionary::serialise(["แมว", "แมวน้ำ", "น้ำ", "ก", "a b"]);
    let d = Dictionary::parse(&bytes).unwrap();
    assert!(d.contains("แมว") && d.contains("แมวน้ำ") && d.contains("น้ำ"));
    assert!(!d.contains("ก") && !d.contains("แม"));
    assert!(Dictionary::parse(&bytes[..bytes.len() - 1]).is_none());
    assert!(Dictionary::parse(b"nope").is_none());
    let mut out = Vec::new();
    Segmenter::default().run_breaks(&d, "แมวน้ำแมว", 0, &mut out);
    assert_eq!(out, ["แมวน้ำ".len()]);
}
