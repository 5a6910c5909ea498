//! `keymsg.Engine` and its immutable results `keymsg.Rendered` / `keymsg.Fit`.

use keymsg_core::layout::Encoding;
use keymsg_core::store::{DEFAULT_KEY_RETENTION_MONTHS, Durability};
use keymsg_core::{Engine, FooterRequest, PopupRequest, Rendered, Undelivered};

// The constructor's default (a literal, so Python shows it) is the store's.
const _: () = assert!(DEFAULT_KEY_RETENTION_MONTHS == 13);
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

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
        key_retention_months = Some(13), allow_lossy = false, count_reprints = false,
        journal = None
    ), text_signature = "(catalog=None, *, store=None, agency=None, policy=None, \
        fail_closed=False, durability='process', key_retention_months=13, allow_lossy=False, \
        count_reprints=False, journal=None)")]
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
        key_retention_months: Option<i128>,
        allow_lossy: bool,
        count_reprints: bool,
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
                .fail_closed(fail_closed)
                .allow_lossy(allow_lossy)
                .count_reprints(count_reprints);
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

    /// A footer for a surface (receipt by default): select (sticky by `key`
    /// on receipts and invoices), lay out, encode for the printer
    /// (`encoding`: `"tis-620"`, `"cp874"`; default UTF-8), count. Everything
    /// that can fail happens before the count: an exception means nothing
    /// was counted. With `deliver`, the footer is handed to it after the
    /// count, and if it raises, the count is withdrawn and its exception
    /// propagates.
    #[pyo3(signature = (
        *, key = None, profile = None, width = None, lang = "th",
        at = None, kind = None, idempotency_key = None, encoding = None, surface = "receipt",
        sequence = None, deliver = None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn footer(
        &self,
        py: Python<'_>,
        key: Option<&str>,
        profile: Option<&str>,
        width: Option<i128>,
        lang: &str,
        at: Option<&Bound<'_, PyAny>>,
        kind: Option<&str>,
        idempotency_key: Option<&str>,
        encoding: Option<&str>,
        surface: &str,
        sequence: Option<i128>,
        deliver: Option<Py<PyAny>>,
    ) -> PyResult<PyRendered> {
        let at = at.map(convert::instant).transpose()?;
        check_callable(py, deliver.as_ref())?;
        guard(py, || {
            let mut req = footer_request(profile, width, lang, at, kind, idempotency_key, key)?;
            req.encoding = output_encoding(encoding)?;
            req.surface = Some(convert::surface(surface)?);
            req.sequence = sequence
                .map(|n| convert::non_negative("sequence", n))
                .transpose()?;
            let rendered = match deliver {
                None => self.inner.footer(&req)?,
                Some(d) => self
                    .inner
                    .footer_delivered(&req, |r| hand_over(&d, r))
                    .map_err(undelivered)?,
            };
            Ok(PyRendered(rendered))
        })
    }

    /// Why each message was or was not eligible for a footer like this one,
    /// and the rule that chose, as a dict (the JSON of `keymsg explain --json`).
    /// Nothing is laid out or counted. `at` is refused as `footer` refuses it.
    #[pyo3(signature = (*, key = None, surface = "receipt", lang = "th", at = None, sequence = None))]
    fn explain<'py>(
        &self,
        py: Python<'py>,
        key: Option<&str>,
        surface: &str,
        lang: &str,
        at: Option<&Bound<'py, PyAny>>,
        sequence: Option<i128>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let at = at.map(convert::instant).transpose()?;
        let json = guard(py, || {
            let req = FooterRequest {
                key: key.map(str::to_owned),
                lang: Some(lang.to_owned()),
                at,
                surface: Some(convert::surface(surface)?),
                sequence: sequence
                    .map(|n| convert::non_negative("sequence", n))
                    .transpose()?,
                ..FooterRequest::new()
            };
            Ok(self.inner.explain(&req)?.to_json())
        })?;
        py.import("json")?.call_method1("loads", (json,))
    }

    /// A pop-up (title + body) for an app user: select (cycle by `key`), lay
    /// out, count; with `deliver`, as `footer`.
    #[pyo3(signature = (
        *, key = None, lang = "th", at = None, kind = None, idempotency_key = None,
        deliver = None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn popup(
        &self,
        py: Python<'_>,
        key: Option<&str>,
        lang: &str,
        at: Option<&Bound<'_, PyAny>>,
        kind: Option<&str>,
        idempotency_key: Option<&str>,
        deliver: Option<Py<PyAny>>,
    ) -> PyResult<PyRendered> {
        let at = at.map(convert::instant).transpose()?;
        check_callable(py, deliver.as_ref())?;
        guard(py, || {
            let req = PopupRequest {
                key: key.map(str::to_owned),
                lang: Some(lang.to_owned()),
                at,
                kind: kind.map(str::to_owned),
                idempotency_key: idempotency_key.map(str::to_owned),
                ..PopupRequest::new()
            };
            let rendered = match deliver {
                None => self.inner.popup(&req)?,
                Some(d) => self
                    .inner
                    .popup_delivered(&req, |r| hand_over(&d, r))
                    .map_err(undelivered)?,
            };
            Ok(PyRendered(rendered))
        })
    }

    /// Re-render the message of a stored selection `token` (a reprint).
    #[pyo3(signature = (
        token, *, profile = None, width = None, lang = "th", at = None, kind = None,
        encoding = None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn replay(
        &self,
        py: Python<'_>,
        token: &str,
        profile: Option<&str>,
        width: Option<i128>,
        lang: &str,
        at: Option<&Bound<'_, PyAny>>,
        kind: Option<&str>,
        encoding: Option<&str>,
    ) -> PyResult<PyRendered> {
        let at = at.map(convert::instant).transpose()?;
        guard(py, || {
            let mut req = footer_request(profile, width, lang, at, kind, None, None)?;
            req.encoding = output_encoding(encoding)?;
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
        count: i128,
    ) -> PyResult<()> {
        guard(py, || {
            let month = convert::month(month)?;
            let channel = convert::channel(channel)?;
            let count = convert::non_negative("count", count)?;
            Ok(self.inner.record(month, channel, message_id, count)?)
        })
    }

    /// Record a hand count for content that is not in the catalog (a radio
    /// spot, a meeting): a row of its own; the same content again in the
    /// month replaces its count.
    fn record_content(
        &self,
        py: Python<'_>,
        month: &str,
        channel: &str,
        content: &str,
        count: i128,
    ) -> PyResult<()> {
        guard(py, || {
            let month = convert::month(month)?;
            let channel = convert::channel(channel)?;
            let count = convert::non_negative("count", count)?;
            Ok(self.inner.record_content(month, channel, content, count)?)
        })
    }

    /// The month's report (`YYYY-MM`) for this engine's agency: the compact
    /// form with `omit_zero_rows`, the signature block from `reporter`,
    /// `position` and `signed_on` (a `datetime.date` or `"YYYY-MM-DD"`, from
    /// the month's first day to two years after its last day).
    #[pyo3(signature = (month, *, omit_zero_rows = false, reporter = None, position = None, signed_on = None))]
    fn report(
        &self,
        py: Python<'_>,
        month: &str,
        omit_zero_rows: bool,
        reporter: Option<String>,
        position: Option<String>,
        signed_on: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyReport> {
        let options = crate::report::form_options(omit_zero_rows, reporter, position, signed_on)?;
        guard(py, || {
            let month = convert::month(month)?;
            Ok(PyReport::from(self.inner.report_with(month, &options)?))
        })
    }

    /// The store's all-time counters in the Prometheus text format.
    fn metrics(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || Ok(self.inner.metrics()?))
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

/// `encoding=` of a footer: `None` or a name (`utf-8`, `tis-620`, `cp874`).
fn output_encoding(name: Option<&str>) -> Result<Option<Encoding>, Failure> {
    name.map(|n| {
        Encoding::from_name(n).ok_or_else(|| {
            invalid_argument(
                "encoding",
                format!("`{n}` (expected utf-8, tis-620 or cp874)"),
            )
        })
    })
    .transpose()
}

#[allow(clippy::too_many_arguments)]
fn footer_request(
    profile: Option<&str>,
    width: Option<i128>,
    lang: &str,
    at: Option<time::OffsetDateTime>,
    kind: Option<&str>,
    idempotency_key: Option<&str>,
    key: Option<&str>,
) -> Result<FooterRequest, Failure> {
    Ok(FooterRequest {
        key: key.map(str::to_owned),
        profile: profile.map(str::to_owned),
        width: width.map(|w| size("width", w)).transpose()?,
        lang: Some(lang.to_owned()),
        at,
        kind: kind.map(str::to_owned),
        idempotency_key: idempotency_key.map(str::to_owned),
        ..FooterRequest::new()
    })
}

/// Python's spelling of a bool, for `__repr__`.
fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
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
    /// Whether the cut dropped every hotline, URL and e-mail address (only
    /// with `allow_lossy=True`; such a result is never counted).
    #[pyo3(get)]
    truncated_core: bool,
}

#[pymethods]
impl PyFit {
    fn __repr__(&self) -> String {
        format!(
            "Fit(variant={:?}, truncated={}, truncated_core={})",
            self.variant,
            py_bool(self.truncated),
            py_bool(self.truncated_core)
        )
    }
}

/// A rendered footer or pop-up (immutable).
#[pyclass(module = "keymsg", name = "Rendered", frozen, eq)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PyRendered(Rendered);

/// `deliver` must be callable: refused before anything is counted.
fn check_callable(py: Python<'_>, deliver: Option<&Py<PyAny>>) -> PyResult<()> {
    match deliver {
        Some(d) if !d.bind(py).is_callable() => Err(pyo3::exceptions::PyTypeError::new_err(
            "deliver must be callable (it is given the Rendered to print or send)",
        )),
        _ => Ok(()),
    }
}

/// Call the caller's `deliver` with the rendered footer (holding the GIL
/// for the call only): its exception is the delivery's failure.
fn hand_over(deliver: &Py<PyAny>, rendered: &Rendered) -> Result<(), PyErr> {
    Python::attach(|py| {
        let view = Py::new(py, PyRendered(rendered.clone()))?;
        deliver.call1(py, (view,)).map(drop)
    })
}

/// A failed hand-over: the engine's own error, or the caller's exception
/// (its count withdrawn), or a `StoreError` caused by it when withdrawing
/// failed.
fn undelivered(e: Undelivered<PyErr>) -> Failure {
    match e {
        Undelivered::Engine(e) => Failure::Core(e),
        Undelivered::Delivery {
            error, withdrawn, ..
        } => match withdrawn {
            Ok(_) => Failure::Delivery(error),
            Err(cause) => Failure::WithdrawFailed {
                error,
                cause: Box::new(cause),
            },
        },
        _ => Failure::Argument("the footer was not delivered".into()),
    }
}

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
            truncated_core: self.0.fit.truncated_core,
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

    /// The bytes to print: `text` in the `encoding` the footer was asked
    /// for (made before it was counted), or UTF-8 when none was.
    #[getter]
    fn encoded<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.0.bytes())
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
        fit.set_item("truncated_core", self.0.fit.truncated_core)?;
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
