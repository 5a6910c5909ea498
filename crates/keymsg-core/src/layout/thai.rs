//! Character classes the Thai line-break rules are written in.

use unicode_normalization::char::is_combining_mark;

/// Leading vowels เ แ โ ใ ไ: written before the consonant they follow in
/// speech, so a line may never end with one.
pub(crate) fn is_leading_vowel(c: char) -> bool {
    matches!(c, '\u{0E40}'..='\u{0E44}')
}

/// Spacing following vowels ะ า ำ ๅ: a line may never start with one.
pub(crate) fn is_following_vowel(c: char) -> bool {
    matches!(c, '\u{0E30}' | '\u{0E32}' | '\u{0E33}' | '\u{0E45}')
}

/// Any combining mark (Thai above/below vowels, tone marks, thanthakhat, and
/// the combining marks of every other script).
pub(crate) fn is_mark(c: char) -> bool {
    match c {
        '\0'..='\u{7F}' => false,
        '\u{0E00}'..='\u{0E7F}' => is_thai_mark(c),
        _ => is_combining_mark(c),
    }
}

/// The combining marks of the Thai block (general category Mn): vowels above
/// and below, PHINTHU, MAITAIKHU, tone marks, THANTHAKHAT, NIKHAHIT, YAMAKKAN.
fn is_thai_mark(c: char) -> bool {
    matches!(c, '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}')
}

/// A character a line may never start with: following vowel or combining mark.
pub(crate) fn cannot_start_line(c: char) -> bool {
    is_following_vowel(c) || is_mark(c)
}

/// Tone marks ่ ้ ๊ ๋.
pub(crate) fn is_tone_mark(c: char) -> bool {
    matches!(c, '\u{0E48}'..='\u{0E4B}')
}

/// Thai consonant ก–ฮ.
pub(crate) fn is_consonant(c: char) -> bool {
    matches!(c, '\u{0E01}'..='\u{0E2E}')
}

/// Any character of the Thai block.
pub(crate) fn is_thai(c: char) -> bool {
    matches!(c, '\u{0E00}'..='\u{0E7F}')
}

/// MAI YAMOK ๆ (repetition mark): belongs to the word before it.
pub(crate) const MAI_YAMOK: char = '\u{0E46}';
/// PAIYANNOI ฯ (abbreviation mark): belongs to the word before it, except in ฯลฯ.
pub(crate) const PAIYANNOI: char = '\u{0E2F}';
/// The sequence ฯลฯ ("etc."), never broken inside.
pub(crate) const PAI_YAN_YAI: &str = "\u{0E2F}\u{0E25}\u{0E2F}";
/// THANTHAKHAT ์ (silencing mark).
pub(crate) const THANTHAKHAT: char = '\u{0E4C}';
/// MAI HAN-AKAT ั (short a, always followed by a final consonant or ว).
pub(crate) const MAI_HAN_AKAT: char = '\u{0E31}';
/// MAI TAIKHU ็ (shortening mark, always followed by a final consonant except in ก็).
pub(crate) const MAI_TAIKHU: char = '\u{0E47}';
/// ZERO WIDTH SPACE: an explicit break hint.
pub(crate) const ZWSP: char = '\u{200B}';
/// WORD JOINER: an explicit no-break hint.
pub(crate) const WORD_JOINER: char = '\u{2060}';

/// Characters that glue their neighbours: no break on either side.
pub(crate) fn is_glue(c: char) -> bool {
    matches!(
        c,
        '\u{2060}' | '\u{00A0}' | '\u{202F}' | '\u{FEFF}' | '\u{2007}'
    )
}

/// Whitespace that a line break swallows (dropped at the end of a line).
pub(crate) fn is_break_space(c: char) -> bool {
    matches!(c, ' ' | '\u{3000}' | '\u{2000}'..='\u{2006}' | '\u{2008}'..='\u{200A}' | '\u{205F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_cover_the_thai_letters_by_name() {
        for c in ['เ', 'แ', 'โ', 'ใ', 'ไ'] {
            assert!(is_leading_vowel(c), "{c}");
        }
        for c in ['ะ', 'า', 'ำ', 'ๅ'] {
            assert!(is_following_vowel(c), "{c}");
            assert!(cannot_start_line(c), "{c}");
        }
        // Above/below vowels, tone marks, MAITAIKHU, THANTHAKHAT, NIKHAHIT, YAMAKKAN.
        for c in [
            'ั', 'ิ', 'ี', 'ึ', 'ื', 'ุ', 'ู', 'ฺ', '็', '่', '้', '๊', '๋', '์', 'ํ', '๎',
        ] {
            assert!(is_mark(c), "{c}");
        }
        for c in ['ก', 'อ', 'ฮ', 'ๆ', 'ฯ', 'เ', 'า', '๑', 'a'] {
            assert!(!is_mark(c), "{c}");
        }
        assert!(is_consonant('ก') && is_consonant('ฮ') && !is_consonant('ฯ'));
        assert!(is_thai('๙') && !is_thai('a'));
    }

    #[test]
    fn fast_paths_agree_with_unicode_data() {
        use unicode_width::UnicodeWidthChar;
        for c in ('\0'..='\u{7F}').chain('\u{0E00}'..='\u{0E7F}') {
            assert_eq!(is_mark(c), is_combining_mark(c), "{c:?}");
            if !c.is_control() {
                assert_eq!(
                    crate::layout::width::char_width(c),
                    c.width().unwrap_or(0),
                    "{c:?}"
                );
            }
        }
    }
}
