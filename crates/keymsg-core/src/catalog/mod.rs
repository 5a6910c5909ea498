//! The catalog of key messages: model, loading (TOML / JSON), validation and
//! the embedded default catalog.
//!
//! A catalog file is parsed into a raw, serde-shaped form and then
//! validated into an immutable [`Catalog`]. Validation collects every problem
//! it finds, each naming the message id, the field and the character offset,
//! so `keymsg check` can print them all at once.

mod default;
pub use default::DEFAULT_CATALOG_TOML;
mod encoding;
mod error;
mod load;
mod model;
mod overlay;
mod raw;
mod status;
mod trust;
mod validate;

pub use crate::vocab::{Text, TextKind};
pub use error::{CatalogError, Problem, ProblemKind};
pub use load::{Format, MAX_CATALOG_BYTES};
pub use model::{Catalog, CatalogMeta, Message, Window};
pub use overlay::Overlay;
pub use trust::{
    Layer, LayerTrust, LoadOptions, STATE_IN_STORE, SignatureInfo, SignatureStatus, TrustStatus,
    TrustedKey, default_state_dir, rfc3339_bangkok, sibling_signature, sign, sign_file, verify,
};
pub use validate::{MAX_WEIGHT, SCHEMA_VERSION};
