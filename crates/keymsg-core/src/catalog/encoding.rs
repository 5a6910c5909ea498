//! Which catalog text a legacy printer cannot print: every character the
//! output encoding lacks, named by message, field and offset, so an agency
//! fixes its file before a bill run instead of losing footers during one.

use super::error::{Problem, ProblemKind};
use super::model::Catalog;
use crate::Surface;
use crate::layout::Encoding;

/// Zero-width line-breaking hints: removed before encoding, so never a problem.
fn is_stripped_hint(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

impl Catalog {
    /// Every character of every text variant (`long`, `short`, `title`, all
    /// languages) that `encoding` cannot represent, for the messages enabled
    /// on at least one of `surfaces`. Offsets are character offsets into the
    /// value as written in the file, like validation problems. Always empty
    /// for UTF-8.
    ///
    /// ```
    /// use keymsg_core::{Catalog, Surface};
    /// use keymsg_core::layout::Encoding;
    ///
    /// let catalog = Catalog::embedded()?;
    /// let printed = [Surface::Receipt, Surface::Invoice];
    /// assert!(catalog.encoding_problems(Encoding::Tis620, &printed).is_empty());
    /// # Ok::<(), keymsg_core::Error>(())
    /// ```
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn encoding_problems(&self, encoding: Encoding, surfaces: &[Surface]) -> Vec<Problem> {
        let mut out = Vec::new();
        if encoding == Encoding::Utf8 {
            return out;
        }
        let enabled: Vec<&str> = self
            .messages()
            .iter()
            .filter(|m| surfaces.iter().any(|s| m.allows(*s)))
            .map(|m| m.id.as_str())
            .collect();
        for raw in &self.raw().messages {
            if !enabled.contains(&raw.id.as_str()) {
                continue;
            }
            for (lang, t) in &raw.text {
                let variants = [
                    ("long", Some(t.long.as_str())),
                    ("short", t.short.as_deref()),
                    ("title", t.title.as_deref()),
                ];
                for (name, value) in variants {
                    let Some(value) = value else { continue };
                    for (offset, ch) in value.chars().enumerate() {
                        if ch == '\n' || is_stripped_hint(ch) || encoding.byte_for(ch).is_some() {
                            continue;
                        }
                        out.push(Problem {
                            message_id: Some(raw.id.clone()),
                            field: format!("text.{lang}.{name}"),
                            offset: Some(offset),
                            kind: ProblemKind::Unencodable {
                                ch,
                                encoding: encoding.name(),
                            },
                        });
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Format;

    const CATALOG: &str = r#"
version = 1
[allow]
phones = ["1441"]
[[messages]]
id = "quotes"
topic = "t"
surfaces = ["receipt"]
[messages.text.th]
long = "ถาม “ทายซิใครเอ่ย” โทร 1441"
[messages.text.en]
long = "Call 1441 …"
short = "1441 — now"
[[messages]]
id = "app-only"
topic = "t"
surfaces = ["popup"]
[messages.text.th]
long = "แอป “เท่านั้น” 1441"
[[messages]]
id = "clean"
topic = "t"
[messages.text.th]
long = "ทายซิ\u2060ใครเอ่ย โทร 1441"
"#;

    #[test]
    fn every_unencodable_character_is_named_with_its_offset() {
        let c = Catalog::from_str_as(CATALOG, Format::Toml, "t.toml").unwrap();
        let p = c.encoding_problems(Encoding::Tis620, &[Surface::Receipt, Surface::Invoice]);
        let got: Vec<(&str, &str, usize, char)> = p
            .iter()
            .map(|p| match &p.kind {
                ProblemKind::Unencodable { ch, .. } => (
                    p.message_id.as_deref().unwrap(),
                    p.field.as_str(),
                    p.offset.unwrap(),
                    *ch,
                ),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            got,
            [
                ("quotes", "text.en.long", 10, '…'),
                ("quotes", "text.en.short", 5, '—'),
                ("quotes", "text.th.long", 4, '“'),
                ("quotes", "text.th.long", 17, '”'),
            ]
        );
        assert!(p[2].to_string().contains("U+201C"), "{}", p[2]);
        assert!(p[2].to_string().contains("tis-620"), "{}", p[2]);
        // CP874 has … “ ” and —: nothing to report.
        assert!(
            c.encoding_problems(Encoding::Cp874, &[Surface::Receipt])
                .is_empty()
        );
        assert!(
            c.encoding_problems(Encoding::Utf8, &Surface::ALL)
                .is_empty()
        );
        // The pop-up-only message is reported when pop-ups are asked about.
        let all = c.encoding_problems(Encoding::Tis620, &Surface::ALL);
        assert!(
            all.iter()
                .any(|p| p.message_id.as_deref() == Some("app-only"))
        );
    }
}
