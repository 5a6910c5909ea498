//! Agency overlays on an official base catalog.
//!
//! The base (the embedded default, or an official signed file) carries the
//! official messages and the official allow-list. An agency's overlay may:
//!
//! - add messages, with its own hotline numbers and hosts in its own
//!   `[allow]` (allowed in the overlay's messages only, never in the base's);
//! - set `weight`, `priority`, `from`, `until` and `surfaces` of any message
//!   (`[adjust.ID]`), and the selection `[policy]`;
//! - hide base messages (`disable = ["id", ...]`);
//! - add words the line breaker keeps whole (`[layout] words`, its own
//!   programmes and places; needs `schema = 2` in the overlay), for every
//!   message, after the base's own.
//!
//! It cannot change the text of a base message, the base allow-list or the
//! base's layout words: an overlay message with a base message's id, or
//! `text` in `[adjust.ID]`, is a problem reported with the overlay's file
//! name, and its words are only ever added to the base's.
//!
//! ```toml
//! schema = 2
//! version = 4
//! issuer = "PEA Chiang Mai"
//! disable = ["guess-who-calling"]
//!
//! [allow]
//! phones = ["1129"]
//! hosts = ["pea.co.th"]
//!
//! [layout]
//! words = ["คนละครึ่งพลัส"]
//!
//! [adjust.aoc-1441]
//! weight = 5
//!
//! [[messages]]
//! id = "pea-fake-staff"
//! topic = "impersonation"
//! [messages.text.th]
//! long = "การไฟฟ้าไม่โทรขอให้โอนเงิน สงสัยโทร 1129"
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::error::CatalogError;
use super::load::{Format, parse_with, read_limited};
use super::raw::{RawAllow, RawLayout, RawMessage};
use crate::Surface;

/// An overlay file, parsed (its content is checked when it is applied to a
/// base with [`super::Catalog::with_overlay`]).
#[derive(Debug, Clone)]
pub struct Overlay {
    pub(crate) raw: RawOverlay,
    pub(crate) source_name: String,
}

/// An overlay as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOverlay {
    #[serde(default = "one")]
    pub schema: u32,
    pub version: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// The agency's own numbers and hosts, for its own messages.
    #[serde(default)]
    pub allow: RawAllow,
    #[serde(default)]
    pub policy: BTreeMap<String, String>,
    /// Base message ids to hide.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Per message id: settings to change.
    #[serde(default)]
    pub adjust: BTreeMap<String, RawAdjust>,
    /// Words to keep whole, added to the base's (schema 2, as in a base).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<RawLayout>,
    #[serde(default, alias = "message")]
    pub messages: Vec<RawMessage>,
}

fn one() -> u32 {
    1
}

/// What an overlay may change about a message.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAdjust {
    pub weight: Option<u32>,
    pub priority: Option<i32>,
    pub from: Option<String>,
    pub until: Option<String>,
    pub surfaces: Option<Vec<Surface>>,
    /// Never allowed: read only to say so clearly.
    #[serde(default, skip_serializing)]
    pub text: Option<serde_json::Value>,
}

impl Overlay {
    /// Read an overlay file (`.toml` or `.json`).
    pub fn from_path(path: impl AsRef<Path>) -> Result<Overlay, CatalogError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let format = Format::from_path(path).ok_or_else(|| CatalogError::UnknownFormat {
            source_name: name.clone(),
        })?;
        let bytes = read_limited(path, &name)?;
        Overlay::from_bytes(&bytes, format, &name)
    }

    /// Parse overlay bytes; `source_name` labels errors.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn from_bytes(
        bytes: &[u8],
        format: Format,
        source_name: &str,
    ) -> Result<Overlay, CatalogError> {
        let raw = parse_with::<RawOverlay>(bytes, format, source_name)?;
        if raw.schema == 0 || raw.schema > super::SCHEMA_VERSION {
            return Err(CatalogError::UnsupportedSchema {
                source_name: source_name.to_owned(),
                found: raw.schema,
                supported: super::SCHEMA_VERSION,
            });
        }
        Ok(Overlay {
            raw,
            source_name: source_name.to_owned(),
        })
    }

    /// The overlay's version.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn version(&self) -> u64 {
        self.raw.version
    }

    /// The overlay's issuer.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn issuer(&self) -> Option<&str> {
        self.raw.issuer.as_deref()
    }

    /// The file or label it was read from.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn source_name(&self) -> &str {
        &self.source_name
    }
}
