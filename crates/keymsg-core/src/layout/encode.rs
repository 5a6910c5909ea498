//! Output encodings: UTF-8 and the legacy Thai single-byte code pages that
//! thermal printers still speak.
//!
//! The mappings are written out by hand (no codec crate): TIS-620 puts Thai
//! U+0E01–U+0E3A at 0xA1–0xDA and U+0E3F–U+0E5B at 0xDF–0xFB over ASCII;
//! Windows-874 (CP874) adds € … ‘ ’ “ ” • – — and no-break space in
//! 0x80–0xA0. Nothing is ever replaced by `?` or a character reference.

use serde::{Deserialize, Serialize};

use super::{LayoutError, prepare};
use crate::vocab::thai::{WORD_JOINER, ZWSP};

/// A byte encoding for laid-out text. Serde: the canonical name
/// ([`Encoding::name`]); any name [`Encoding::from_name`] accepts is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
#[non_exhaustive]
pub enum Encoding {
    /// UTF-8 (everything encodable).
    Utf8,
    /// TIS-620 (Thai Industrial Standard 620-2533): ASCII plus Thai.
    Tis620,
    /// Windows code page 874: TIS-620 plus € … ‘ ’ “ ” • – — and U+00A0.
    Cp874,
}

impl Encoding {
    /// Every encoding, for listings and exhaustive tests.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub const ALL: [Encoding; 3] = [Encoding::Utf8, Encoding::Tis620, Encoding::Cp874];

    /// Canonical name: `utf-8`, `tis-620`, `cp874`.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Tis620 => "tis-620",
            Encoding::Cp874 => "cp874",
        }
    }

    /// Parse a name case-insensitively (`utf8`, `tis620`, `windows-874`, ...).
    pub fn from_name(name: &str) -> Option<Encoding> {
        let n: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        match n.as_str() {
            "utf8" => Some(Encoding::Utf8),
            "tis620" | "iso885911" => Some(Encoding::Tis620),
            "cp874" | "windows874" => Some(Encoding::Cp874),
            _ => None,
        }
    }

    /// The byte for `c`, or `None` if this (single-byte) encoding lacks it.
    /// Always `None` for [`Encoding::Utf8`], which is not single-byte.
    pub(crate) fn byte_for(self, c: char) -> Option<u8> {
        let code = u32::from(c);
        let single = match code {
            0x00..=0x7F => Some(code),
            0x0E01..=0x0E3A => Some(code - 0x0E01 + 0xA1),
            0x0E3F..=0x0E5B => Some(code - 0x0E3F + 0xDF),
            _ => None,
        };
        let extra = match (self, c) {
            (Encoding::Cp874, '\u{20AC}') => Some(0x80),
            (Encoding::Cp874, '\u{2026}') => Some(0x85),
            (Encoding::Cp874, '\u{2018}') => Some(0x91),
            (Encoding::Cp874, '\u{2019}') => Some(0x92),
            (Encoding::Cp874, '\u{201C}') => Some(0x93),
            (Encoding::Cp874, '\u{201D}') => Some(0x94),
            (Encoding::Cp874, '\u{2022}') => Some(0x95),
            (Encoding::Cp874, '\u{2013}') => Some(0x96),
            (Encoding::Cp874, '\u{2014}') => Some(0x97),
            (Encoding::Cp874, '\u{00A0}') => Some(0xA0),
            _ => None,
        };
        match self {
            Encoding::Utf8 => None,
            Encoding::Tis620 | Encoding::Cp874 => {
                single.or(extra).and_then(|b| u8::try_from(b).ok())
            }
        }
    }

    /// The character for byte `b`, or `None` if unassigned (always `None` for UTF-8).
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn char_for(self, b: u8) -> Option<char> {
        let code = match b {
            0x00..=0x7F => u32::from(b),
            0xA1..=0xDA => u32::from(b) - 0xA1 + 0x0E01,
            0xDF..=0xFB => u32::from(b) - 0xDF + 0x0E3F,
            _ => {
                return match (self, b) {
                    (Encoding::Cp874, 0x80) => Some('\u{20AC}'),
                    (Encoding::Cp874, 0x85) => Some('\u{2026}'),
                    (Encoding::Cp874, 0x91) => Some('\u{2018}'),
                    (Encoding::Cp874, 0x92) => Some('\u{2019}'),
                    (Encoding::Cp874, 0x93) => Some('\u{201C}'),
                    (Encoding::Cp874, 0x94) => Some('\u{201D}'),
                    (Encoding::Cp874, 0x95) => Some('\u{2022}'),
                    (Encoding::Cp874, 0x96) => Some('\u{2013}'),
                    (Encoding::Cp874, 0x97) => Some('\u{2014}'),
                    (Encoding::Cp874, 0xA0) => Some('\u{00A0}'),
                    _ => None,
                };
            }
        };
        match self {
            Encoding::Utf8 => None,
            Encoding::Tis620 | Encoding::Cp874 => char::from_u32(code),
        }
    }
}

impl From<Encoding> for &'static str {
    fn from(e: Encoding) -> &'static str {
        e.name()
    }
}

impl TryFrom<String> for Encoding {
    type Error = String;

    fn try_from(name: String) -> Result<Encoding, String> {
        Encoding::from_name(&name)
            .ok_or_else(|| format!("unknown encoding `{name}` (expected utf-8, tis-620 or cp874)"))
    }
}

impl std::fmt::Display for Encoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Encode laid-out text for output.
///
/// The text is normalised to NFC (`\r\n` to `\n`, tab to space) and the
/// zero-width hints U+200B, U+2060 and U+FEFF are removed first — they steer
/// line breaking and would print as garbage on a legacy printer. A character
/// the encoding lacks is an error naming it and its char offset (in the
/// normalised, hint-free text); nothing is replaced. The only control byte
/// ever produced is the line feed 0x0A.
///
/// Note: the default ellipsis `…` exists in CP874 but not in TIS-620; use
/// `...` when wrapping for a TIS-620 printer.
///
/// # Errors
/// [`LayoutError::Unencodable`], [`LayoutError::ControlCharacter`].
pub fn encode(text: &str, enc: Encoding) -> Result<Vec<u8>, LayoutError> {
    let text = prepare(text)?;
    let clean = text
        .chars()
        .filter(|&c| !matches!(c, ZWSP | WORD_JOINER | '\u{FEFF}'));
    match enc {
        Encoding::Utf8 => Ok(clean.collect::<String>().into_bytes()),
        Encoding::Tis620 | Encoding::Cp874 => clean
            .enumerate()
            .map(|(offset, ch)| {
                enc.byte_for(ch).ok_or(LayoutError::Unencodable {
                    ch,
                    offset,
                    encoding: enc.name(),
                })
            })
            .collect(),
    }
}

/// Decode bytes produced by [`encode`] (or read back from a printer spool).
///
/// # Errors
/// [`LayoutError::Undecodable`] for a byte the encoding does not assign or,
/// for UTF-8, invalid UTF-8 (at the first bad byte).
pub fn decode(bytes: &[u8], enc: Encoding) -> Result<String, LayoutError> {
    match enc {
        Encoding::Utf8 => String::from_utf8(bytes.to_vec()).map_err(|e| {
            let offset = e.utf8_error().valid_up_to();
            LayoutError::Undecodable {
                byte: bytes.get(offset).copied().unwrap_or(0),
                offset,
                encoding: enc.name(),
            }
        }),
        Encoding::Tis620 | Encoding::Cp874 => bytes
            .iter()
            .enumerate()
            .map(|(offset, &byte)| {
                enc.char_for(byte).ok_or(LayoutError::Undecodable {
                    byte,
                    offset,
                    encoding: enc.name(),
                })
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every Thai character TIS-620 assigns, by code point.
    fn thai_chars() -> impl Iterator<Item = char> {
        (0x0E01..=0x0E3A)
            .chain(0x0E3F..=0x0E5B)
            .filter_map(char::from_u32)
    }

    #[test]
    fn known_bytes() {
        assert_eq!(encode("ก", Encoding::Tis620).unwrap(), [0xA1]);
        assert_eq!(encode("ฮ", Encoding::Tis620).unwrap(), [0xCE]);
        assert_eq!(encode("ฺ", Encoding::Tis620).unwrap(), [0xDA]);
        assert_eq!(encode("฿", Encoding::Tis620).unwrap(), [0xDF]);
        assert_eq!(encode("เ", Encoding::Tis620).unwrap(), [0xE0]);
        assert_eq!(encode("๛", Encoding::Tis620).unwrap(), [0xFB]);
        assert_eq!(encode("๐", Encoding::Cp874).unwrap(), [0xF0]);
        assert_eq!(
            encode("น้ำ 1441\n", Encoding::Tis620).unwrap(),
            [0xB9, 0xE9, 0xD3, 0x20, b'1', b'4', b'4', b'1', 0x0A]
        );
        assert_eq!(encode("€…—", Encoding::Cp874).unwrap(), [0x80, 0x85, 0x97]);
    }

    #[test]
    fn round_trips_every_mapped_character() {
        for enc in [Encoding::Tis620, Encoding::Cp874] {
            let mut count = 0;
            for b in 0u8..=255 {
                if let Some(c) = enc.char_for(b) {
                    assert_eq!(enc.byte_for(c), Some(b), "{enc} {b:#04x}");
                    count += 1;
                }
            }
            // 128 ASCII + 87 Thai (+ 10 Windows extras).
            let expected = if enc == Encoding::Tis620 { 215 } else { 225 };
            assert_eq!(count, expected, "{enc}");
            for c in thai_chars() {
                let s = c.to_string();
                let bytes = encode(&s, enc).unwrap();
                assert_eq!(bytes.len(), 1);
                assert_eq!(decode(&bytes, enc).unwrap(), s);
            }
        }
        let all: String = thai_chars().collect();
        let bytes = encode(&all, Encoding::Tis620).unwrap();
        // Encoding normalises to NFC first, which reorders the marks by
        // combining class; what comes back is exactly the NFC text.
        let nfc: String = unicode_normalization::UnicodeNormalization::nfc(all.as_str()).collect();
        assert_eq!(decode(&bytes, Encoding::Tis620).unwrap(), nfc);
    }

    #[test]
    fn unmappable_characters_are_named_errors() {
        let err = encode("โทร 1441 😀", Encoding::Tis620).unwrap_err();
        assert_eq!(
            err,
            LayoutError::Unencodable {
                ch: '😀',
                offset: 9,
                encoding: "tis-620"
            }
        );
        assert!(err.to_string().contains("U+1F600"));
        assert!(err.to_string().contains("offset 9"));
        assert!(matches!(
            encode("5€", Encoding::Tis620),
            Err(LayoutError::Unencodable {
                ch: '€',
                offset: 1,
                ..
            })
        ));
        assert_eq!(encode("5€", Encoding::Cp874).unwrap(), [b'5', 0x80]);
        assert!(encode("\u{00A0}", Encoding::Tis620).is_err());
        assert!(encode("…", Encoding::Tis620).is_err());
        // Unassigned Thai-block code points.
        for c in ['\u{0E3B}', '\u{0E3E}', '\u{0E5C}', '\u{0E00}'] {
            assert!(encode(&c.to_string(), Encoding::Cp874).is_err(), "{c:?}");
        }
        assert!(encode("é", Encoding::Cp874).is_err());
    }

    #[test]
    fn hints_are_stripped_and_offsets_count_after_stripping() {
        assert_eq!(
            encode("ก\u{200B}ข\u{2060}ค", Encoding::Tis620).unwrap(),
            [0xA1, 0xA2, 0xA4]
        );
        assert_eq!(encode("a\u{200B}b", Encoding::Utf8).unwrap(), b"ab");
        assert!(matches!(
            encode("\u{200B}😀", Encoding::Tis620),
            Err(LayoutError::Unencodable { offset: 0, .. })
        ));
    }

    #[test]
    fn no_control_bytes_but_line_feed() {
        for enc in Encoding::ALL {
            assert!(matches!(
                encode("a\u{1b}[1m", enc),
                Err(LayoutError::ControlCharacter {
                    code: 0x1b,
                    offset: 1
                })
            ));
            assert!(encode("\u{7}", enc).is_err());
            let out = encode("a\r\nb\tc", enc).unwrap();
            assert_eq!(out, b"a\nb c");
        }
    }

    #[test]
    fn nfc_first() {
        assert_eq!(encode("e\u{301}", Encoding::Utf8).unwrap(), "é".as_bytes());
    }

    #[test]
    fn decode_errors_name_the_byte() {
        assert!(matches!(
            decode(&[0xA1, 0xDB], Encoding::Tis620),
            Err(LayoutError::Undecodable {
                byte: 0xDB,
                offset: 1,
                ..
            })
        ));
        assert!(decode(&[0x80], Encoding::Tis620).is_err());
        assert_eq!(decode(&[0x80], Encoding::Cp874).unwrap(), "€");
        assert!(decode(&[0x61, 0xFF], Encoding::Utf8).is_err());
    }

    #[test]
    fn names_parse() {
        for enc in Encoding::ALL {
            assert_eq!(Encoding::from_name(enc.name()), Some(enc));
        }
        assert_eq!(Encoding::from_name("Windows-874"), Some(Encoding::Cp874));
        assert_eq!(Encoding::from_name("latin1"), None);
        assert_eq!(
            serde_json::to_string(&Encoding::Tis620).unwrap(),
            "\"tis-620\""
        );
        let e: Encoding = serde_json::from_str("\"TIS620\"").unwrap();
        assert_eq!(e, Encoding::Tis620);
        assert!(serde_json::from_str::<Encoding>("\"latin1\"").is_err());
    }
}
