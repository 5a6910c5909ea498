//! `keymsg.Catalog`: a validated, immutable catalog of key messages.

use std::path::PathBuf;

use keymsg_core::catalog::{Format, LoadOptions, TrustedKey};
use pyo3::prelude::*;

use crate::error::{catalog_error_value, guard, guard_attached, invalid_argument};

/// A validated, immutable catalog of key messages (cheap to share).
#[pyclass(module = "keymsg", name = "Catalog", frozen)]
#[derive(Debug, Clone)]
pub(crate) struct PyCatalog {
    pub(crate) inner: keymsg_core::Catalog,
}

#[pymethods]
impl PyCatalog {
    /// The embedded default catalog.
    #[staticmethod]
    fn default(py: Python<'_>) -> PyResult<Self> {
        guard_attached(py, || {
            Ok(Self {
                inner: keymsg_core::Catalog::embedded()?,
            })
        })
    }

    /// Load and validate a catalog file; `.toml` or `.json` by extension.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        guard(py, move || {
            Ok(Self {
                inner: keymsg_core::Catalog::from_path(&path)?,
            })
        })
    }

    /// Parse and validate catalog text in `format` (`"toml"` or `"json"`).
    #[staticmethod]
    #[pyo3(signature = (text, format = "toml"))]
    fn from_str(py: Python<'_>, text: &str, format: &str) -> PyResult<Self> {
        let format: Format = format
            .parse()
            .map_err(|e: String| PyErr::from(invalid_argument("format", e)))?;
        let text = text.to_owned();
        guard(py, move || {
            Ok(Self {
                inner: keymsg_core::Catalog::from_str_as(&text, format, "<string>")?,
            })
        })
    }

    /// Load a catalog with signatures, expiry and rollback checked (see
    /// `keymsg check`): `path` None is the embedded catalog; `trusted_keys`
    /// are minisign public keys (`RW...`) or files holding them, trusted to
    /// sign the base catalog only; `overlay_keys` the same for the overlay
    /// only (an agency's own key never signs the base); `state` is
    /// the directory for the highest versions and the last good catalog,
    /// which is served when the file is refused unless `strict`.
    /// `layout_words` are kept whole in the catalog's messages on top of its
    /// own `[layout] words`, checked against every message they change (a
    /// check that passed is remembered in `state`).
    #[staticmethod]
    #[allow(clippy::too_many_arguments)] // Python keywords, one per option
    #[pyo3(signature = (path = None, *, signature = None, trusted_keys = None, overlay_keys = None, require_signature = false, state = None, strict = false, overlay = None, layout_words = None))]
    fn load(
        py: Python<'_>,
        path: Option<PathBuf>,
        signature: Option<PathBuf>,
        trusted_keys: Option<Vec<String>>,
        overlay_keys: Option<Vec<String>>,
        require_signature: bool,
        state: Option<PathBuf>,
        strict: bool,
        overlay: Option<PathBuf>,
        layout_words: Option<Vec<String>>,
    ) -> PyResult<Self> {
        guard(py, move || {
            let keys = parse_keys(trusted_keys.unwrap_or_default(), "trusted key")?;
            let overlay_keys = parse_keys(overlay_keys.unwrap_or_default(), "overlay key")?;
            let options = LoadOptions {
                catalog: path,
                signature,
                trusted_keys: keys,
                overlay_keys,
                require_signature,
                state,
                strict,
                overlay,
                layout_words: layout_words.unwrap_or_default(),
                ..LoadOptions::default()
            };
            Ok(Self {
                inner: keymsg_core::Catalog::load(&options)?,
            })
        })
    }

    /// This catalog as the official base with the agency overlay file at
    /// `path` applied (added messages and hotlines, adjusted weights,
    /// priorities, windows and surfaces, disabled base messages, layout words
    /// kept whole (`[layout] words`, with `schema = 2` in the overlay); never
    /// a change to official text). Problems name the overlay file.
    fn with_overlay(&self, py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let base = self.inner.clone();
        guard(py, move || {
            let overlay = keymsg_core::catalog::Overlay::from_path(&path)?;
            Ok(Self {
                inner: base.with_overlay(&overlay)?,
            })
        })
    }

    /// Why the named catalog file is not the one in service: the exception
    /// (a `CatalogError` or `TrustError`) that refused it while the last
    /// good catalog serves, else None.
    #[getter]
    fn fallback(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        self.inner
            .trust()
            .fallback()
            .map(|(_, e)| catalog_error_value(py, e).into_value(py).into_any())
    }

    /// How the catalog was loaded, as JSON: one object per layer (`layer`,
    /// `source`, `version`, `issuer`, `expires`, `signature`,
    /// `rollback_protected`, `refused`), as `keymsg check --json` prints.
    fn trust_json(&self) -> String {
        self.inner.trust().to_json()
    }

    /// Catalog version (monotonic).
    #[getter]
    fn version(&self) -> u64 {
        self.inner.version()
    }

    /// Ids of all messages, in file order.
    fn message_ids(&self) -> Vec<String> {
        self.inner.messages().iter().map(|m| m.id.clone()).collect()
    }

    fn __len__(&self) -> usize {
        self.inner.messages().len()
    }

    fn __contains__(&self, message_id: &str) -> bool {
        self.inner.get(message_id).is_some()
    }

    fn __repr__(&self) -> String {
        format!(
            "<keymsg.Catalog version={} messages={}>",
            self.inner.version(),
            self.inner.messages().len()
        )
    }
}

/// Validate the catalog file `catalog` and sign it with the minisign secret
/// key file `secret_key` (as `minisign -G` writes it; `password` for a
/// protected key). Writes `output` (default `CATALOG.minisig`), which
/// `minisign -V` accepts, and returns its path.
#[pyfunction]
#[pyo3(signature = (catalog, secret_key, *, password = None, trusted_comment = None, output = None))]
pub(crate) fn sign(
    py: Python<'_>,
    catalog: PathBuf,
    secret_key: PathBuf,
    password: Option<String>,
    trusted_comment: Option<String>,
    output: Option<PathBuf>,
) -> PyResult<String> {
    guard(py, move || {
        let (out, _) = keymsg_core::catalog::sign_file(
            &catalog,
            &secret_key,
            password.as_deref(),
            trusted_comment.as_deref(),
            output.as_deref(),
        )?;
        Ok(out.to_string_lossy().into_owned())
    })
}

impl From<keymsg_core::Catalog> for PyCatalog {
    fn from(inner: keymsg_core::Catalog) -> Self {
        Self { inner }
    }
}

/// Keys given to `Catalog.load`: `RW...`, or a file holding one.
fn parse_keys(
    specs: Vec<String>,
    what: &str,
) -> Result<Vec<TrustedKey>, keymsg_core::catalog::CatalogError> {
    specs
        .iter()
        .map(|k| {
            let p = std::path::Path::new(k.trim());
            if !k.trim_start().starts_with("RW") && p.is_file() {
                TrustedKey::from_file(p)
            } else {
                TrustedKey::parse(k, what)
            }
        })
        .collect()
}
