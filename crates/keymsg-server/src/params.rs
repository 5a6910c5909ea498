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
        for (k, v) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
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
            if map.insert(k.to_string(), v.into_owned()).is_some() {
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
