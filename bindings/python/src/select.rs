//! `keymsg.select(...)`: selection alone (no layout, no counting) — for
//! checking the published selection spec and its shared test vectors, and for
//! callers that render text themselves.

use keymsg_core::Surface;
use keymsg_core::select::{Policy, Request, Selection, Selector};
use pyo3::prelude::*;

use crate::catalog::PyCatalog;
use crate::convert::{self, non_negative};
use crate::error::{guard, invalid_argument};

/// Which message a request selects, by which policy, and its token (immutable).
#[pyclass(module = "keymsg", name = "Selection", frozen, eq)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PySelection {
    /// The chosen message's id.
    #[pyo3(get)]
    message_id: String,
    /// The policy that decided, canonical name (`sticky`, `cycle:week`, ...).
    #[pyo3(get)]
    policy: String,
    /// The selection token to store for an exact reprint.
    #[pyo3(get)]
    token: String,
}

#[pymethods]
impl PySelection {
    fn __repr__(&self) -> String {
        format!(
            "Selection(message_id={:?}, policy={:?}, token={:?})",
            self.message_id, self.policy, self.token
        )
    }
}

impl From<Selection> for PySelection {
    fn from(s: Selection) -> Self {
        Self {
            message_id: s.message_id,
            policy: s.policy.to_string(),
            token: s.token.as_str().to_owned(),
        }
    }
}

/// Select a message as `Engine` would, without laying it out or counting it.
#[pyfunction]
#[pyo3(signature = (
    catalog = None, *, surface = "receipt", lang = "th", document_key = None,
    subject_key = None, sequence = None, at = None, policy = None
))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn select(
    py: Python<'_>,
    catalog: Option<&Bound<'_, PyCatalog>>,
    surface: &str,
    lang: &str,
    document_key: Option<&str>,
    subject_key: Option<&str>,
    sequence: Option<i128>,
    at: Option<&Bound<'_, PyAny>>,
    policy: Option<&str>,
) -> PyResult<PySelection> {
    let catalog = catalog.map(|c| c.get().inner.clone());
    let at = at.map(convert::instant).transpose()?;
    guard(py, move || {
        let surface: Surface = surface
            .parse()
            .map_err(|e| invalid_argument("surface", e))?;
        let catalog = match catalog {
            Some(c) => c,
            None => keymsg_core::Catalog::embedded()?,
        };
        let mut selector = Selector::new(&catalog).map_err(keymsg_core::Error::from)?;
        if let Some(p) = policy {
            let p: Policy = p.parse().map_err(keymsg_core::Error::from)?;
            selector = selector.with_policy(Some(surface), p);
        }
        let mut req = Request::new(surface).lang(lang);
        if let Some(k) = document_key {
            req = req.document_key(k);
        }
        if let Some(k) = subject_key {
            req = req.subject_key(k);
        }
        if let Some(n) = sequence {
            req = req.sequence(non_negative("sequence", n)?);
        }
        let req = req.at(at.unwrap_or_else(time::OffsetDateTime::now_utc));
        let s = selector.select(&req).map_err(keymsg_core::Error::from)?;
        Ok(PySelection::from(s))
    })
}
