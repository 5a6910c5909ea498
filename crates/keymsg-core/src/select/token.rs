//! Selection tokens: a compact string a billing system stores with a receipt
//! to reprint exactly the same message later.

use std::fmt;
use std::str::FromStr;

use super::SelectError;

/// Token format version prefix.
const PREFIX: &str = "k1.";

/// Longest message id a token may carry (the catalog's id limit).
const MAX_ID_LEN: usize = 64;

/// A selection token: `k1.<catalog version>.<message id>`, e.g. `k1.7.aoc-1441`.
///
/// Printable ASCII only (ids are `[A-Za-z0-9._-]{1,64}`), at most 88 bytes.
/// The catalog version records which catalog made the choice (for audits);
/// [`super::Selector::replay`] needs only the id, so a token replays under any
/// later catalog that still has the message, whatever its weights or window.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Token {
    text: String,
    version: u64,
    id_start: usize,
}

impl Token {
    /// The token for a message chosen from a catalog of `version`.
    pub fn new(version: u64, message_id: &str) -> Result<Token, SelectError> {
        Token::parse(&format!("{PREFIX}{version}.{message_id}"))
    }

    /// Parse a token, with a reason when malformed.
    pub fn parse(s: &str) -> Result<Token, SelectError> {
        let bad = |reason: &'static str| SelectError::BadToken {
            token: s.chars().take(100).collect(),
            reason,
        };
        let rest = s
            .strip_prefix(PREFIX)
            .ok_or_else(|| bad("does not start with `k1.`"))?;
        let (version, id) = rest
            .split_once('.')
            .ok_or_else(|| bad("expected `k1.<version>.<message id>`"))?;
        if version.is_empty()
            || !version.bytes().all(|b| b.is_ascii_digit())
            || (version.len() > 1 && version.starts_with('0'))
        {
            return Err(bad("catalog version is not a decimal number"));
        }
        let version: u64 = version
            .parse()
            .map_err(|_| bad("catalog version is out of range"))?;
        if id.is_empty() || id.len() > MAX_ID_LEN {
            return Err(bad("message id must be 1 to 64 characters"));
        }
        if !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        {
            return Err(bad(
                "message id has a character other than A-Z a-z 0-9 . _ -",
            ));
        }
        Ok(Token {
            text: s.to_owned(),
            version,
            id_start: s.len() - id.len(),
        })
    }

    /// The token text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The catalog version that made the selection.
    pub fn catalog_version(&self) -> u64 {
        self.version
    }

    /// The selected message id.
    pub fn message_id(&self) -> &str {
        self.text.get(self.id_start..).unwrap_or_default()
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for Token {
    type Err = SelectError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Token::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        let t = Token::new(7, "aoc-1441").unwrap();
        assert_eq!(t.as_str(), "k1.7.aoc-1441");
        assert_eq!(t.catalog_version(), 7);
        assert_eq!(t.message_id(), "aoc-1441");
        let dotted: Token = "k1.12.a.b.c".parse().unwrap();
        assert_eq!(dotted.message_id(), "a.b.c");
        assert_eq!(dotted.catalog_version(), 12);
        for (bad, why) in [
            ("", "k1."),
            ("k2.7.x", "k1."),
            ("k1.7", "expected"),
            ("k1..x", "decimal"),
            ("k1.07.x", "decimal"),
            ("k1.-7.x", "decimal"),
            ("k1.99999999999999999999.x", "range"),
            ("k1.7.", "1 to 64"),
            ("k1.7.a b", "character"),
            ("k1.7.ก", "character"),
        ] {
            let e = Token::parse(bad).unwrap_err();
            assert!(e.to_string().contains(why), "{bad}: {e}");
        }
        assert!(Token::parse(&format!("k1.1.{}", "x".repeat(65))).is_err());
    }
}
