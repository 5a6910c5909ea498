//! `keymsg.Catalog`: a validated, immutable catalog of key messages.

use std::path::PathBuf;

use keymsg_core::catalog::Format;
use pyo3::prelude::*;

use crate::error::{guard, guard_attached, invalid_argument};

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

impl From<keymsg_core::Catalog> for PyCatalog {
    fn from(inner: keymsg_core::Catalog) -> Self {
        Self { inner }
    }
}
