//! The catalog of key messages: model, loading (TOML / JSON), validation and
//! the embedded default catalog.
//!
//! A catalog file is parsed into a raw, serde-shaped form and then
//! validated into an immutable [`Catalog`]. Validation collects every problem
//! it finds, each naming the message id, the field and the character offset,
//! so `keymsg check` can print them all at once.

mod default;
unstable_use!(default::DEFAULT_CATALOG_TOML);
mod encoding;
mod error;
mod load;
mod model;
mod overlay;
mod profile_fit;
mod raw;
mod status;
mod trust;
mod validate;

pub use crate::vocab::{Text, TextKind};
pub use error::{CatalogError, Problem, ProblemKind};
pub use load::Format;
unstable_use!(load::MAX_CATALOG_BYTES);
pub use model::{Catalog, Message, Window};
unstable_use!(model::CatalogMeta);
pub use overlay::Overlay;
pub use trust::{
    Layer, LayerTrust, LoadOptions, SignatureInfo, SignatureStatus, TrustStatus, TrustedKey,
};
unstable_use!(trust::{
    STATE_IN_STORE, default_state_dir, rfc3339_bangkok, sibling_signature, sign, sign_file, verify,
});
unstable_use!(validate::{MAX_WEIGHT, SCHEMA_VERSION});
