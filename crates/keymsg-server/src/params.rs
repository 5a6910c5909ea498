//! Query strings: every parameter is named in the error that refuses it,
//! an unknown or repeated parameter is refused (a typo must not silently
//! fall back to a default).

use std::collections::HashMap;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::error::ApiError;

/// Longest value accepted for any one parameter, in bytes.
const MAX_VALUE_BYTES: usize = 1024;

/// The parameters of one query string, checked against `allowed`.
#[derive(Debug)]
pub(crate) struct Params(HashMap<String, String>);

impl Params {
    pub(crate) fn parse(raw: Option<&str>, allowed: &[&str]) -> Result<Params, ApiError> {
        let mut map = HashMap::new();
        for (k, v) in decode(raw.unwrap_or(""))? {
            if !allowed.contains(&k.as_ref()) {
                return Err(ApiError::field(
                    &printable(&k),
                    format!(
                        "unknown parameter (expected one of: {})",
                        allowed.join(", ")
                    ),
                ));
            }
            if v.len() > MAX_VALUE_BYTES {
                return Err(ApiError::field(
                    &k,
                    format!("longer than {MAX_VALUE_BYTES} bytes"),
                ));
            }
            if v.chars().any(keymsg_core::is_unsafe_char) {
                return Err(ApiError::field(&k, "contains a control character"));
            }
            if map.insert(k.clone(), v).is_some() {
                return Err(ApiError::field(&k, "given more than once"));
            }
        }
        Ok(Params(map))
    }

    pub(crate) fn str(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    pub(crate) fn string(&self, name: &str) -> Option<String> {
        self.0.get(name).cloned()
    }

    pub(crate) fn required(&self, name: &str) -> Result<&str, ApiError> {
        match self.str(name) {
            Some(v) if !v.trim().is_empty() => Ok(v),
            _ => Err(ApiError::field(name, "is required")),
        }
    }

    pub(crate) fn at(&self) -> Result<Option<OffsetDateTime>, ApiError> {
        self.str("at").map(|s| parse_at("at", s)).transpose()
    }

    pub(crate) fn bool(&self, name: &str, default: bool) -> Result<bool, ApiError> {
        match self.str(name) {
            None => Ok(default),
            Some("true" | "1") => Ok(true),
            Some("false" | "0") => Ok(false),
            Some(other) => Err(ApiError::field(
                name,
                format!("`{}` is not a boolean (true or false)", printable(other)),
            )),
        }
    }

    pub(crate) fn number<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, ApiError> {
        self.str(name)
            .map(|s| {
                s.parse::<T>().map_err(|_| {
                    ApiError::field(name, format!("`{}` is not a whole number", printable(s)))
                })
            })
            .transpose()
    }
}

/// `application/x-www-form-urlencoded` pairs, refusing invalid UTF-8 (a
/// key silently turned into U+FFFD would be another key).
fn decode(raw: &str) -> Result<Vec<(String, String)>, ApiError> {
    let one = |part: &str, what: &str| -> Result<String, ApiError> {
        let spaced = part.replace('+', " ");
        percent_encoding::percent_decode_str(&spaced)
            .decode_utf8()
            .map(|c| c.into_owned())
            .map_err(|_| {
                ApiError::field(
                    &printable(&String::from_utf8_lossy(
                        &percent_encoding::percent_decode_str(what).collect::<Vec<u8>>(),
                    )),
                    "is not valid UTF-8 once percent-decoded",
                )
            })
    };
    let mut out = Vec::new();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let key = one(k, k)?;
        let value = one(v, k)?;
        out.push((key, value));
    }
    Ok(out)
}

/// An RFC 3339 instant.
pub(crate) fn parse_at(field: &str, s: &str) -> Result<OffsetDateTime, ApiError> {
    OffsetDateTime::parse(s, &Rfc3339).map_err(|_| {
        ApiError::field(
            field,
            format!(
                "`{}` is not an RFC 3339 instant (e.g. 2026-03-15T09:30:00+07:00)",
                printable(s)
            ),
        )
    })
}

/// A value quoted in an error: control characters escaped, cut at 80 characters.
pub(crate) fn printable(s: &str) -> String {
    let cut: String = s.chars().take(80).collect();
    let mut out = keymsg_core::escape_controls(&cut).into_owned();
    if s.chars().count() > 80 {
        out.push('…');
    }
    out
}
