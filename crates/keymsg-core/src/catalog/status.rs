//! How a catalog was loaded: per layer, its signature, version, expiry and
//! whether a refused file was replaced by the last good copy.

use std::sync::Arc;

use time::OffsetDateTime;

use super::error::CatalogError;

/// What a verified signature says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureInfo {
    /// The signing key's id (16 hex digits).
    pub key_id: String,
    /// The signed trusted comment (e.g. `timestamp:1767225600\tfile:catalog.toml\thashed`
    /// as `minisign -S` writes it, tabs shown as `\t`).
    pub trusted_comment: String,
}

/// Which layer of a catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// The official base catalog.
    Base,
    /// An agency's overlay on the base.
    Overlay,
}

impl Layer {
    /// `base` or `overlay`.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Base => "base",
            Layer::Overlay => "overlay",
        }
    }
}

/// How one layer's signature was judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureStatus {
    /// The embedded default catalog: compiled into the library.
    Embedded,
    /// Verified by a trusted key.
    Verified(SignatureInfo),
    /// No signature file (accepted: no signature was required).
    Unsigned,
    /// A signature file exists but no trusted key was configured to check it.
    NotChecked,
}

/// What was loaded for one layer.
#[derive(Debug, Clone)]
pub struct LayerTrust {
    /// Base or overlay.
    pub layer: Layer,
    /// The file named (or `<embedded default catalog>`).
    pub source: String,
    /// The version served.
    pub version: u64,
    /// The issuer served.
    pub issuer: Option<String>,
    /// When the catalog served expires.
    pub expires: Option<OffsetDateTime>,
    /// Its signature.
    pub signature: SignatureStatus,
    /// Whether versions are tracked (a state directory is in use).
    pub rollback_protected: bool,
    /// When the named file was refused and the last good copy is served
    /// instead: why the file was refused.
    pub refused: Option<Arc<CatalogError>>,
}

/// How a catalog was loaded: one entry per layer. Empty for a catalog
/// made by [`Catalog::from_path`](super::Catalog::from_path) and friends (nothing was checked).
#[derive(Debug, Clone, Default)]
pub struct TrustStatus {
    /// The layers, base first.
    pub layers: Vec<LayerTrust>,
}

impl TrustStatus {
    /// The first refusal: a layer served from its last good copy.
    pub fn fallback(&self) -> Option<(&LayerTrust, &CatalogError)> {
        self.layers
            .iter()
            .find_map(|l| l.refused.as_deref().map(|e| (l, e)))
    }

    /// The layers as a JSON array (what `keymsg check --json` prints under
    /// `layers`): `layer`, `source`, `version`, `issuer`, `expires` (RFC
    /// 3339, Bangkok), `signature` (`status`: `embedded`, `verified` with
    /// `key_id` and `trusted_comment`, `unsigned` or `not-checked`),
    /// `rollback_protected`, and `refused` (null, or the refusal's lines
    /// when the last good copy serves).
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn to_json(&self) -> String {
        let layers: Vec<serde_json::Value> = self.layers.iter().map(layer_json).collect();
        serde_json::Value::Array(layers).to_string()
    }
}

fn layer_json(l: &LayerTrust) -> serde_json::Value {
    use serde_json::json;
    let signature = match &l.signature {
        SignatureStatus::Embedded => json!({"status": "embedded"}),
        SignatureStatus::Verified(s) => json!({
            "status": "verified",
            "key_id": s.key_id,
            "trusted_comment": s.trusted_comment,
        }),
        SignatureStatus::Unsigned => json!({"status": "unsigned"}),
        SignatureStatus::NotChecked => json!({"status": "not-checked"}),
    };
    json!({
        "layer": l.layer.as_str(),
        "source": l.source,
        "version": l.version,
        "issuer": l.issuer,
        "expires": l.expires.map(rfc3339_bangkok),
        "signature": signature,
        "rollback_protected": l.rollback_protected,
        "refused": l.refused.as_ref().map(|e| e.lines()),
    })
}

/// An instant as RFC 3339 in Bangkok time (`2025-12-31T00:00:00+07:00`).
pub fn rfc3339_bangkok(t: OffsetDateTime) -> String {
    crate::bangkok::local(t)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}
