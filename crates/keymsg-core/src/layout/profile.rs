//! Layout profiles: where a message is shown and in which budget.
//!
//! Built-in profiles cover every surface (receipt, invoice, pop-up, push, SMS,
//! billboard); agencies declare their own in the catalog or a config file,
//! e.g. in TOML:
//!
//! ```toml
//! [[profile]]
//! name = "kiosk"
//! kind = "columns"
//! width = 40
//! max_lines = 6
//! ```
//!
//! Kinds and their fields (all others are rejected):
//! - `columns`: `width` (1–1000 columns), optional `max_lines` (≥ 1), optional
//!   `align` (`left`, `center`, `right`), optional `encoding` (`utf-8`,
//!   `tis-620`, `cp874`: what the printer speaks; text cut for it ends with
//!   `...` when the encoding has no `…`, and an engine given such a profile
//!   refuses a catalog whose receipt or invoice text it cannot print);
//! - `popup`: `title_graphemes`, `body_graphemes` (≥ 1);
//! - `push`: `max_bytes` (≥ 64) of the JSON payload `{"title":…,"body":…}`;
//! - `sms`: `segments` (1–10) of UCS-2 SMS.

use serde::{Deserialize, Serialize};

use super::LayoutError;
use super::encode::Encoding;
use super::width::MAX_WIDTH;
use super::wrap::Align;

/// A named layout budget. Serde: see the module docs for the file format;
/// deserialising validates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawProfile", into = "RawProfile")]
pub struct Profile {
    name: String,
    kind: ProfileKind,
    encoding: Encoding,
}

/// What a profile's budget is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProfileKind {
    /// Fixed-width lines: receipts, invoices, billboards.
    Columns {
        /// Line width in display columns.
        width: usize,
        /// Line budget; `None` = unlimited.
        max_lines: Option<usize>,
        /// Alignment of the lines.
        align: Align,
    },
    /// An app pop-up: a title and a body, counted in grapheme clusters.
    Popup {
        /// Most graphemes in the title.
        title_graphemes: usize,
        /// Most graphemes in the body.
        body_graphemes: usize,
    },
    /// A push notification whose JSON payload `{"title":…,"body":…}`
    /// (compact, title omitted when absent) must stay within a byte budget.
    Push {
        /// Most UTF-8 bytes of the payload.
        max_bytes: usize,
    },
    /// An SMS, counted in UCS-2 segments (see `Measure`).
    Sms {
        /// Most segments.
        segments: usize,
    },
}

/// Built-in profile names, in documentation order.
const BUILTIN_NAMES: &[&str] = &[
    "receipt-58mm",
    "receipt-80mm",
    "receipt-80mm-42",
    "invoice-a4",
    "popup",
    "push",
    "sms",
    "billboard",
];

/// Narrowest column width (display columns) the engine lays a key message
/// out in. Every message of the embedded catalog fits 16 columns × 6 lines
/// whole; below that a footer is refused ([`super::LayoutError::FooterTooNarrow`])
/// rather than printed as a few syllables without its hotline. Plain text
/// functions (`wrap`, `truncate`) take any width from 1.
pub const MIN_FOOTER_WIDTH: usize = 16;

/// The widths a column profile may have.
pub(crate) const COLUMN_WIDTHS: std::ops::RangeInclusive<usize> = 1..=MAX_WIDTH;

impl Profile {
    /// A validated profile.
    ///
    /// # Errors
    /// [`LayoutError::InvalidProfile`] when the name is empty or a budget is
    /// out of range.
    pub fn new(name: impl Into<String>, kind: ProfileKind) -> Result<Profile, LayoutError> {
        let profile = Profile {
            name: name.into(),
            kind,
            encoding: Encoding::Utf8,
        };
        profile.validate()?;
        Ok(profile)
    }

    /// A built-in profile by name:
    ///
    /// | name | kind | budget | lines |
    /// |---|---|---|---|
    /// | `receipt-58mm` | columns | 32 | 6 |
    /// | `receipt-80mm` | columns | 48 | 4 |
    /// | `receipt-80mm-42` | columns | 42 (Font B / 80 mm at 42 cpl) | 5 |
    /// | `invoice-a4` | columns | 90 | 3 |
    /// | `popup` | popup | title ≤ 50, body ≤ 150 graphemes | – |
    /// | `push` | push | ≤ 4096 bytes of JSON | – |
    /// | `sms` | sms | 1 segment (70 UTF-16 units) | – |
    /// | `billboard` | columns, centred | 4 rows × 24 columns (a common LED matrix) | 4 |
    ///
    /// Line budgets keep a footer from outgrowing the receipt it sits on.
    pub fn builtin(name: &str) -> Option<Profile> {
        let columns = |width, lines, align| ProfileKind::Columns {
            width,
            max_lines: Some(lines),
            align,
        };
        let kind = match name {
            "receipt-58mm" => columns(32, 6, Align::Left),
            "receipt-80mm" => columns(48, 4, Align::Left),
            "receipt-80mm-42" => columns(42, 5, Align::Left),
            "invoice-a4" => columns(90, 3, Align::Left),
            "popup" => ProfileKind::Popup {
                title_graphemes: 50,
                body_graphemes: 150,
            },
            "push" => ProfileKind::Push { max_bytes: 4096 },
            "sms" => ProfileKind::Sms { segments: 1 },
            "billboard" => columns(24, 4, Align::Center),
            _ => return None,
        };
        Some(Profile {
            name: name.to_owned(),
            kind,
            encoding: Encoding::Utf8,
        })
    }

    /// Names accepted by [`Profile::builtin`].
    pub(crate) fn builtin_names() -> &'static [&'static str] {
        BUILTIN_NAMES
    }

    /// Every built-in profile.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn builtins() -> Vec<Profile> {
        BUILTIN_NAMES
            .iter()
            .filter_map(|n| Profile::builtin(n))
            .collect()
    }

    /// A column profile (receipt-like) of `width` columns.
    ///
    /// # Errors
    /// As [`Profile::new`].
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn columns(
        name: impl Into<String>,
        width: usize,
        max_lines: Option<usize>,
    ) -> Result<Profile, LayoutError> {
        Profile::new(
            name,
            ProfileKind::Columns {
                width,
                max_lines,
                align: Align::Left,
            },
        )
    }

    /// The profile's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The byte encoding text for this profile is printed in (default UTF-8).
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// The same profile printing in `encoding`.
    #[must_use]
    pub fn with_encoding(mut self, encoding: Encoding) -> Profile {
        self.encoding = encoding;
        self
    }

    /// The mark put where text is cut: `…`, or `...` when the profile's
    /// encoding has no `…` (TIS-620), so a truncated footer still prints.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn ellipsis(&self) -> &'static str {
        match self.encoding {
            Encoding::Tis620 => "...",
            _ => "…",
        }
    }

    /// The budget.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn kind(&self) -> ProfileKind {
        self.kind
    }

    /// Line width in columns, for column profiles.
    pub fn width(&self) -> Option<usize> {
        match self.kind {
            ProfileKind::Columns { width, .. } => Some(width),
            _ => None,
        }
    }

    /// The line budget: most lines a fitted body may take (`None` = unlimited
    /// or not line-based).
    pub fn max_lines(&self) -> Option<usize> {
        match self.kind {
            ProfileKind::Columns { max_lines, .. } => max_lines,
            _ => None,
        }
    }

    /// Check the budgets are usable.
    ///
    /// # Errors
    /// [`LayoutError::InvalidProfile`] saying what is wrong.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn validate(&self) -> Result<(), LayoutError> {
        let bad = |reason: String| {
            Err(LayoutError::InvalidProfile {
                name: self.name.clone(),
                reason,
            })
        };
        let name_ok = !self.name.is_empty()
            && self.name.len() <= 64
            && self
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !name_ok {
            return bad("name must be 1-64 ASCII letters, digits, '-', '_' or '.'".to_owned());
        }
        match self.kind {
            ProfileKind::Columns {
                width, max_lines, ..
            } => {
                if !COLUMN_WIDTHS.contains(&width) {
                    return bad(format!("width must be 1-1000 columns, got {width}"));
                }
                if max_lines == Some(0) {
                    return bad("max_lines must be at least 1 (omit it for no limit)".to_owned());
                }
            }
            ProfileKind::Popup {
                title_graphemes,
                body_graphemes,
            } => {
                // One field per message, so that a config can point at it.
                if title_graphemes == 0 {
                    return bad("title_graphemes must be at least 1".to_owned());
                }
                if body_graphemes == 0 {
                    return bad("body_graphemes must be at least 1".to_owned());
                }
            }
            ProfileKind::Push { max_bytes } => {
                if max_bytes < 64 {
                    return bad(format!("max_bytes must be at least 64, got {max_bytes}"));
                }
            }
            ProfileKind::Sms { segments } => {
                if !(1..=10).contains(&segments) {
                    return bad(format!("segments must be 1-10, got {segments}"));
                }
            }
        }
        Ok(())
    }
}

/// The file form of a profile: flat fields, checked against the kind.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    name: String,
    kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    width: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_lines: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    align: Option<Align>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title_graphemes: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    body_graphemes: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_bytes: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    segments: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    encoding: Option<Encoding>,
}

impl TryFrom<RawProfile> for Profile {
    type Error = LayoutError;

    fn try_from(raw: RawProfile) -> Result<Profile, LayoutError> {
        let bad = |reason: String| LayoutError::InvalidProfile {
            name: raw.name.clone(),
            reason,
        };
        let present: Vec<&str> = [
            ("width", raw.width.is_some()),
            ("max_lines", raw.max_lines.is_some()),
            ("align", raw.align.is_some()),
            ("title_graphemes", raw.title_graphemes.is_some()),
            ("body_graphemes", raw.body_graphemes.is_some()),
            ("max_bytes", raw.max_bytes.is_some()),
            ("segments", raw.segments.is_some()),
            ("encoding", raw.encoding.is_some()),
        ]
        .into_iter()
        .filter_map(|(n, p)| p.then_some(n))
        .collect();
        let allowed: &[&str] = match raw.kind.as_str() {
            "columns" => &["width", "max_lines", "align", "encoding"],
            "popup" => &["title_graphemes", "body_graphemes"],
            "push" => &["max_bytes"],
            "sms" => &["segments"],
            other => {
                return Err(bad(format!(
                    "unknown kind {other:?} (expected columns, popup, push or sms)"
                )));
            }
        };
        if let Some(extra) = present.iter().find(|f| !allowed.contains(f)) {
            return Err(bad(format!(
                "field `{extra}` does not apply to kind {:?} (allowed: {})",
                raw.kind,
                allowed.join(", ")
            )));
        }
        let need = |v: Option<usize>, field: &str| {
            v.ok_or_else(|| bad(format!("kind {:?} needs `{field}`", raw.kind)))
        };
        let kind = match raw.kind.as_str() {
            "columns" => ProfileKind::Columns {
                width: need(raw.width, "width")?,
                max_lines: raw.max_lines,
                align: raw.align.unwrap_or_default(),
            },
            "popup" => ProfileKind::Popup {
                title_graphemes: need(raw.title_graphemes, "title_graphemes")?,
                body_graphemes: need(raw.body_graphemes, "body_graphemes")?,
            },
            "push" => ProfileKind::Push {
                max_bytes: need(raw.max_bytes, "max_bytes")?,
            },
            _ => ProfileKind::Sms {
                segments: need(raw.segments, "segments")?,
            },
        };
        Ok(Profile::new(raw.name.clone(), kind)?
            .with_encoding(raw.encoding.unwrap_or(Encoding::Utf8)))
    }
}

impl From<Profile> for RawProfile {
    fn from(p: Profile) -> RawProfile {
        let mut raw = RawProfile {
            name: p.name,
            kind: String::new(),
            width: None,
            max_lines: None,
            align: None,
            title_graphemes: None,
            body_graphemes: None,
            max_bytes: None,
            segments: None,
            encoding: (p.encoding != Encoding::Utf8).then_some(p.encoding),
        };
        match p.kind {
            ProfileKind::Columns {
                width,
                max_lines,
                align,
            } => {
                raw.kind = "columns".to_owned();
                raw.width = Some(width);
                raw.max_lines = max_lines;
                raw.align = Some(align);
            }
            ProfileKind::Popup {
                title_graphemes,
                body_graphemes,
            } => {
                raw.kind = "popup".to_owned();
                raw.title_graphemes = Some(title_graphemes);
                raw.body_graphemes = Some(body_graphemes);
            }
            ProfileKind::Push { max_bytes } => {
                raw.kind = "push".to_owned();
                raw.max_bytes = Some(max_bytes);
            }
            ProfileKind::Sms { segments } => {
                raw.kind = "sms".to_owned();
                raw.segments = Some(segments);
            }
        }
        raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_exist_and_validate() {
        for name in Profile::builtin_names() {
            let p = Profile::builtin(name).unwrap();
            assert_eq!(p.name(), *name);
            p.validate().unwrap();
        }
        assert_eq!(Profile::builtins().len(), 8);
        assert_eq!(Profile::builtin("receipt-58mm").unwrap().width(), Some(32));
        assert_eq!(Profile::builtin("receipt-80mm").unwrap().width(), Some(48));
        assert_eq!(
            Profile::builtin("receipt-80mm-42").unwrap().width(),
            Some(42)
        );
        assert_eq!(Profile::builtin("invoice-a4").unwrap().width(), Some(90));
        assert_eq!(Profile::builtin("billboard").unwrap().max_lines(), Some(4));
        assert_eq!(Profile::builtin("popup").unwrap().max_lines(), None);
        assert!(Profile::builtin("receipt").is_none());
    }

    #[test]
    fn user_profiles_from_toml_and_json() {
        let p: Profile =
            toml::from_str("name = \"kiosk\"\nkind = \"columns\"\nwidth = 40\nmax_lines = 6\n")
                .unwrap();
        assert_eq!(p.width(), Some(40));
        assert_eq!(p.max_lines(), Some(6));
        let p: Profile = serde_json::from_str(
            r#"{"name":"line-oa","kind":"popup","title_graphemes":40,"body_graphemes":100}"#,
        )
        .unwrap();
        assert!(matches!(
            p.kind(),
            ProfileKind::Popup {
                body_graphemes: 100,
                ..
            }
        ));
        // Round trip.
        for p in Profile::builtins() {
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(serde_json::from_str::<Profile>(&json).unwrap(), p);
        }
    }

    #[test]
    fn invalid_profiles_say_why() {
        let err = |s: &str| serde_json::from_str::<Profile>(s).unwrap_err().to_string();
        assert!(err(r#"{"name":"a","kind":"columns","width":0}"#).contains("width must be 1-1000"));
        assert!(err(r#"{"name":"a","kind":"columns"}"#).contains("needs `width`"));
        assert!(
            err(r#"{"name":"a","kind":"sms","segments":1,"width":3}"#)
                .contains("`width` does not apply")
        );
        assert!(err(r#"{"name":"a","kind":"fax","width":3}"#).contains("unknown kind"));
        assert!(err(r#"{"name":"","kind":"sms","segments":1}"#).contains("name must be"));
        assert!(err(r#"{"name":"a","kind":"sms","segments":1,"colour":1}"#).contains("colour"));
        assert!(
            err(r#"{"name":"a","kind":"columns","width":5,"max_lines":0}"#).contains("max_lines")
        );
        assert!(err(r#"{"name":"a","kind":"push","max_bytes":10}"#).contains("max_bytes"));
        assert!(Profile::columns("x y", 10, None).is_err());
        assert!(
            err(r#"{"name":"a","kind":"popup","title_graphemes":1,"body_graphemes":1,"encoding":"tis-620"}"#)
                .contains("`encoding` does not apply")
        );
        assert!(
            err(r#"{"name":"a","kind":"columns","width":5,"encoding":"latin1"}"#)
                .contains("latin1")
        );
    }

    #[test]
    fn encoding_is_part_of_a_column_profile() {
        let p: Profile = toml::from_str(
            "name = \"pos\"\nkind = \"columns\"\nwidth = 32\nencoding = \"tis-620\"\n",
        )
        .unwrap();
        assert_eq!(p.encoding(), Encoding::Tis620);
        assert_eq!(p.ellipsis(), "...");
        let back: Profile = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(back, p);
        // A width override keeps the encoding.
        let narrow = Profile::resolve("pos", Some(24), std::slice::from_ref(&p)).unwrap();
        assert_eq!(narrow.encoding(), Encoding::Tis620);
        let builtin = Profile::builtin("receipt-58mm").unwrap();
        assert_eq!(builtin.encoding(), Encoding::Utf8);
        assert_eq!(builtin.ellipsis(), "…");
        assert_eq!(builtin.with_encoding(Encoding::Cp874).ellipsis(), "…");
    }
}
