//! `keymsg.Engine` and its immutable results `keymsg.Rendered` / `keymsg.Fit`.

use keymsg_core::store::{DEFAULT_KEY_RETENTION_MONTHS, Durability};
use keymsg_core::{Engine, FooterRequest, PopupRequest, Rendered};

// The constructor's default (a literal, so Python shows it) is the store's.
const _: () = assert!(DEFAULT_KEY_RETENTION_MONTHS == 13);
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::catalog::PyCatalog;
use crate::convert::{self, StoreArg, size};
use crate::error::{Failure, guard, invalid_argument};
use crate::report::PyReport;

/// Selects, lays out and counts key messages. Safe to share between threads:
/// every method releases the GIL while it works.
#[pyclass(module = "keymsg", name = "Engine", frozen)]
#[derive(Debug)]
pub(crate) struct PyEngine {
    inner: Engine,
    catalog: PyCatalog,
}

impl PyEngine {
    pub(crate) fn core(&self) -> &Engine {
        &self.inner
    }
}

#[pymethods]
impl PyEngine {
    #[new]
    #[pyo3(signature = (
        catalog = None, *, store = None, agency = None, policy = None,
        fail_closed = false, durability = "process",
        key_retention_months = Some(13), journal = None
    ), text_signature = "(catalog=None, *, store=None, agency=None, policy=None, \
        fail_closed=False, durability='process', key_retention_months=13, journal=None)")]
    // One parameter per keyword argument of the Python constructor.
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        catalog: Option<&Bound<'_, PyCatalog>>,
        store: Option<&Bound<'_, PyAny>>,
        agency: Option<String>,
        policy: Option<String>,
        fail_closed: bool,
        durability: &str,
        key_retention_months: Option<i64>,
        journal: Option<std::path::PathBuf>,
    ) -> PyResult<Self> {
        let store = store.map(convert::store).transpose()?;
        let catalog = catalog.map(|c| c.get().inner.clone());
        guard(py, move || {
            let durability = match durability {
                "process" => Durability::Process,
                "power" => Durability::Power,
                other => {
                    return Err(invalid_argument(
                        "durability",
                        format!("`{other}` (expected process or power)"),
                    ));
                }
            };
            let retention = key_retention_months
                .map(|m| {
                    u32::try_from(m).ok().filter(|&m| m >= 1).ok_or_else(|| {
                        invalid_argument(
                            "key_retention_months",
                            format!(
                                "{m} (expected 1 or more months, or None to keep keys forever)"
                            ),
                        )
                    })
                })
                .transpose()?;
            let mut b = Engine::builder()
                .durability(durability)
                .key_retention_months(retention)
                .fail_closed(fail_closed);
            if let Some(c) = catalog {
                b = b.catalog(c);
            }
            b = match store {
                None => b,
                Some(StoreArg::Memory) => b.in_memory_store(),
                Some(StoreArg::Path(p)) => b.store_path(p),
            };
            if let Some(j) = journal {
                b = b.journal_path(j);
            }
            if let Some(a) = agency {
                b = b.agency(a);
            }
            if let Some(p) = policy {
                b = b.policy(p);
            }
            let inner = b.build()?;
            let catalog = PyCatalog::from(inner.catalog().clone());
            Ok(Self { inner, catalog })
        })
    }

    /// The catalog in use.
    #[getter]
    fn catalog(&self) -> PyCatalog {
        self.catalog.clone()
    }

    /// The agency (unit) counts are recorded for.
    #[getter]
    fn agency(&self) -> &str {
        self.inner.agency()
    }

    /// A receipt or invoice footer: select (sticky by `key`), lay out, count.
    #[pyo3(signature = (
        *, key = None, profile = "receipt-58mm", width = None, lang = "th",
        at = None, kind = None, idempotency_key = None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn footer(
        &self,
        py: Python<'_>,
        key: Option<&str>,
        profile: &str,
        width: Option<i64>,
        lang: &str,
        at: Option<&Bound<'_, PyAny>>,
        kind: Option<&str>,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyRendered> {
        let at = at.map(convert::instant).transpose()?;
        guard(py, || {
            let req = footer_request(profile, width, lang, at, kind, idempotency_key, key)?;
            Ok(PyRendered(self.inner.footer(&req)?))
        })
    }

    /// A pop-up (title + body) for an app user: select (cycle by `key`), lay out, count.
    #[pyo3(signature = (*, key = None, lang = "th", at = None, kind = None, idempotency_key = None))]
    fn popup(
        &self,
        py: Python<'_>,
        key: Option<&str>,
        lang: &str,
        at: Option<&Bound<'_, PyAny>>,
        kind: Option<&str>,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyRendered> {
        let at = at.map(convert::instant).transpose()?;
        guard(py, || {
            let req = PopupRequest {
                key: key.map(str::to_owned),
                lang: Some(lang.to_owned()),
                at,
                kind: kind.map(str::to_owned),
                idempotency_key: idempotency_key.map(str::to_owned),
                ..PopupRequest::new()
            };
            Ok(PyRendered(self.inner.popup(&req)?))
        })
    }

    /// Re-render the message of a stored selection `token` (a reprint).
    #[pyo3(signature = (
        token, *, profile = "receipt-58mm", width = None, lang = "th", at = None, kind = None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn replay(
        &self,
        py: Python<'_>,
        token: &str,
        profile: &str,
        width: Option<i64>,
        lang: &str,
        at: Option<&Bound<'_, PyAny>>,
        kind: Option<&str>,
    ) -> PyResult<PyRendered> {
        let at = at.map(convert::instant).transpose()?;
        guard(py, || {
            let req = footer_request(profile, width, lang, at, kind, None, None)?;
            Ok(PyRendered(self.inner.replay(token, &req)?))
        })
    }

    /// Make every acknowledged count durable (an explicit barrier, e.g. before exit).
    fn flush(&self, py: Python<'_>) -> PyResult<()> {
        guard(py, || Ok(self.inner.flush()?))
    }

    /// Record a manual count for one of the form's channels and a month (`YYYY-MM`).
    fn record(
        &self,
        py: Python<'_>,
        month: &str,
        channel: &str,
        message_id: &str,
        count: i64,
    ) -> PyResult<()> {
        guard(py, || {
            let month = convert::month(month)?;
            let channel = convert::channel(channel)?;
            let count = convert::non_negative("count", count)?;
            Ok(self.inner.record(month, channel, message_id, count)?)
        })
    }

    /// The month's report (`YYYY-MM`) for this engine's agency.
    fn report(&self, py: Python<'_>, month: &str) -> PyResult<PyReport> {
        guard(py, || {
            let month = convert::month(month)?;
            Ok(PyReport::from(self.inner.report(month)?))
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "<keymsg.Engine agency={:?} catalog_version={} store={}>",
            self.inner.agency(),
            self.inner.catalog().version(),
            match self.inner.store() {
                None => "None".to_owned(),
                Some(s) => match s.path() {
                    None => "':memory:'".to_owned(),
                    Some(p) => format!("{:?}", p.display().to_string()),
                },
            }
        )
    }
}

#[allow(clippy::too_many_arguments)]
fn footer_request(
    profile: &str,
    width: Option<i64>,
    lang: &str,
    at: Option<time::OffsetDateTime>,
    kind: Option<&str>,
    idempotency_key: Option<&str>,
    key: Option<&str>,
) -> Result<FooterRequest, Failure> {
    Ok(FooterRequest {
        key: key.map(str::to_owned),
        profile: Some(profile.to_owned()),
        width: width.map(|w| size("width", w)).transpose()?,
        lang: Some(lang.to_owned()),
        at,
        kind: kind.map(str::to_owned),
        idempotency_key: idempotency_key.map(str::to_owned),
        ..FooterRequest::new()
    })
}

/// How the text was fitted: the variant used and whether it was cut.
#[pyclass(module = "keymsg", name = "Fit", frozen, eq)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PyFit {
    /// `"long"` or `"short"`.
    #[pyo3(get)]
    variant: String,
    /// Whether text had to be truncated (the last resort).
    #[pyo3(get)]
    truncated: bool,
}

#[pymethods]
impl PyFit {
    fn __repr__(&self) -> String {
        format!(
            "Fit(variant={:?}, truncated={})",
            self.variant,
            if self.truncated { "True" } else { "False" }
        )
    }
}

/// A rendered footer or pop-up (immutable).
#[pyclass(module = "keymsg", name = "Rendered", frozen, eq)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PyRendered(Rendered);

#[pymethods]
impl PyRendered {
    /// The message shown.
    #[getter]
    fn message_id(&self) -> &str {
        &self.0.message_id
    }

    /// The lines joined with `\n`.
    #[getter]
    fn text(&self) -> &str {
        &self.0.text
    }

    /// The laid-out lines (a new list on each access).
    #[getter]
    fn lines(&self) -> Vec<String> {
        self.0.lines.clone()
    }

    /// The pop-up title (`None` for footers).
    #[getter]
    fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }

    /// Selection token: store it with the document to reprint the same message.
    #[getter]
    fn token(&self) -> &str {
        &self.0.token
    }

    /// Which variant was used and whether it was truncated.
    #[getter]
    fn fit(&self) -> PyFit {
        PyFit {
            variant: self.0.fit.variant.clone(),
            truncated: self.0.fit.truncated,
        }
    }

    /// Whether this call counted an insertion.
    #[getter]
    fn counted(&self) -> bool {
        self.0.counted
    }

    /// Why counting failed, when the engine fails open (else `None`).
    #[getter]
    fn count_error(&self) -> Option<&str> {
        self.0.count_error.as_deref()
    }

    /// The fields as a dict, with the same keys as the CLI's `--json` output.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("message_id", &self.0.message_id)?;
        d.set_item("text", &self.0.text)?;
        d.set_item("lines", &self.0.lines)?;
        d.set_item("title", &self.0.title)?;
        d.set_item("token", &self.0.token)?;
        let fit = PyDict::new(py);
        fit.set_item("variant", &self.0.fit.variant)?;
        fit.set_item("truncated", self.0.fit.truncated)?;
        d.set_item("fit", fit)?;
        d.set_item("counted", self.0.counted)?;
        d.set_item("count_error", &self.0.count_error)?;
        Ok(d)
    }

    /// The fields as JSON (the CLI's `--json` output).
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.0)
            .map_err(|e| PyErr::from(Failure::Panic(format!("serialising a result failed: {e}"))))
    }

    fn __repr__(&self) -> String {
        format!(
            "<keymsg.Rendered message_id={:?} lines={} counted={}>",
            self.0.message_id,
            self.0.lines.len(),
            if self.0.counted { "True" } else { "False" }
        )
    }
}
