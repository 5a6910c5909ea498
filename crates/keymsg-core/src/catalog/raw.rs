//! The on-disk shape of a catalog file (TOML or JSON), before validation.
//!
//! ```toml
//! schema = 2                                   # 1 (the default) or 2; [layout] needs 2
//! version = 7
//! issuer = "Provincial Electricity Authority"
//! expires = "2027-12-31"
//!
//! [allow]
//! phones = ["1441", "191", "1129"]
//! hosts = ["thaipoliceonline.go.th", "pea.co.th"]
//!
//! [policy]
//! default = "sticky"
//! popup = "cycle"
//!
//! [layout]                                     # optional; needs schema = 2
//! words = ["การไฟฟ้าส่วนภูมิภาค", "พีอีเอสมาร์ทพลัส"]   # kept whole when wrapped
//!
//! [[messages]]
//! id = "fake-police-call"
//! topic = "impersonation"
//! surfaces = ["receipt", "invoice", "popup"]   # optional: default all
//! weight = 1                                   # optional: default 1
//! priority = 0                                 # optional: higher tier wins
//! from = "2026-01-01"                          # optional: date or RFC 3339 instant
//! until = "2026-12-31"                         # optional: inclusive date or instant
//! [messages.text.th]
//! long = "..."
//! short = "..."
//! title = "..."
//! ```
//!
//! Schemas: 1 is the format above without `[layout]`; 2 adds `[layout]`. A
//! file declares the schema of the newest thing it uses, so that a keymsg
//! too old for it can say so ([`super::CatalogError::UnsupportedSchema`])
//! instead of failing on a field it does not know.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Surface;

fn default_schema() -> u32 {
    1
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

/// A catalog file as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCatalog {
    /// File format version; files of every schema up to the library's keep loading.
    #[serde(default = "default_schema")]
    pub schema: u32,
    /// Catalog version: increases with every published change.
    pub version: u64,
    /// Who issued the catalog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// When the catalog stops being valid (date or RFC 3339 instant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Allow-lists of official phone numbers and URL hosts.
    #[serde(default, skip_serializing_if = "is_default")]
    pub allow: RawAllow,
    /// Selection policy by surface name, plus `default`. (A key given twice
    /// is an error in JSON too, as TOML makes it: a reader of the file sees
    /// the first value, serde would keep the last.)
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        with = "serde_with::rust::maps_duplicate_key_is_error"
    )]
    pub policy: BTreeMap<String, String>,
    /// Layout settings: words to keep whole (schema 2). `Some` when the
    /// file has the table, even empty: a reader of schema 1 would not know it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<RawLayout>,
    /// The messages.
    #[serde(default, alias = "message")]
    pub messages: Vec<RawMessage>,
}

/// Allow-lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAllow {
    /// Phone numbers text may mention (ASCII or Thai digits; separators ignored).
    #[serde(default)]
    pub phones: Vec<String>,
    /// URL hosts text may mention; a host also allows its subdomains.
    #[serde(default)]
    pub hosts: Vec<String>,
    /// Account handles text may mention (`@pea_official`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub handles: Vec<String>,
}

/// `[layout]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLayout {
    /// Words no line break may fall inside, added to the built-in word list
    /// for this catalog's messages (agency names, programmes, local places):
    /// Thai letters, vowels and marks in NFC, 2 to 64 characters, no spaces.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<String>,
}

/// One message as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMessage {
    /// Stable id: ASCII letters, digits, `-`, `_`, `.`.
    pub id: String,
    /// Scam type, e.g. `impersonation`, `loan`, `investment`.
    pub topic: String,
    /// Text by language code (`th` required; each once).
    #[serde(with = "serde_with::rust::maps_duplicate_key_is_error")]
    pub text: BTreeMap<String, RawText>,
    /// Surfaces the message may appear on; all when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surfaces: Option<Vec<Surface>>,
    /// Relative weight within its priority tier (default 1; 0 disables).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<u32>,
    /// Priority tier: the highest tier with an eligible message wins.
    #[serde(default, skip_serializing_if = "is_default")]
    pub priority: i32,
    /// First moment shown: a date (local midnight, Asia/Bangkok) or an RFC 3339 instant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Last day shown (inclusive date) or the RFC 3339 instant it stops.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
}

/// The variants of a message in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawText {
    /// Full text.
    pub long: String,
    /// Shorter text for narrow surfaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short: Option<String>,
    /// Pop-up title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}
