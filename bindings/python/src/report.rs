//! `keymsg.report(...)` and `keymsg.Report`: the Ministry's monthly form.

use std::path::PathBuf;

use keymsg_core::report::{self, FormOptions, Report, Row, Signature, Totals};
use keymsg_core::store::{Store, StoreOptions};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::catalog::PyCatalog;
use crate::convert::{self, StoreArg};
use crate::engine::PyEngine;
use crate::error::{Failure, guard, invalid_argument};

/// The monthly report of one agency (immutable). Write it with `to_json`,
/// `to_csv`, `to_markdown` or `save_xlsx`.
#[pyclass(module = "keymsg", name = "Report", frozen, eq)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PyReport(Report);

impl From<Report> for PyReport {
    fn from(r: Report) -> Self {
        Self(r)
    }
}

#[pymethods]
impl PyReport {
    /// Read a report written by `to_json` (lossless round trip).
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        guard(py, || {
            Ok(Self(
                Report::from_json(text).map_err(keymsg_core::Error::from)?,
            ))
        })
    }

    /// The reporting agency or unit.
    #[getter]
    fn agency(&self) -> &str {
        &self.0.agency
    }

    /// The month, `YYYY-MM` (Asia/Bangkok).
    #[getter]
    fn month(&self) -> String {
        self.0.month.to_string()
    }

    /// One row per key message (a new list on each access).
    #[getter]
    fn rows(&self) -> Vec<PyReportRow> {
        self.0.rows.iter().cloned().map(PyReportRow).collect()
    }

    /// Column sums.
    #[getter]
    fn totals(&self) -> PyTotals {
        PyTotals(self.0.totals)
    }

    /// Lossless JSON (the interface contract's field names).
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || Ok(self.0.to_json()))
    }

    /// CSV, UTF-8 with BOM (Excel shows Thai), formula-injection safe.
    fn to_csv(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || Ok(self.0.to_csv()))
    }

    /// Markdown, for a quick look.
    fn to_markdown(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || Ok(self.0.to_markdown()))
    }

    /// The XLSX workbook as bytes.
    fn to_xlsx_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = guard(py, || {
            self.0.to_xlsx_bytes().map_err(|e| Failure::Core(e.into()))
        })?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// Write the XLSX workbook (what offices file) to `path`.
    fn save_xlsx(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        guard(py, || {
            self.0.save_xlsx(&path).map_err(|e| Failure::Core(e.into()))
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "<keymsg.Report agency={:?} month={} rows={}>",
            self.0.agency,
            self.0.month,
            self.0.rows.len()
        )
    }
}

/// One content row of the form: a key message and its six channel counts.
#[pyclass(module = "keymsg", name = "ReportRow", frozen, eq)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PyReportRow(Row);

#[pymethods]
impl PyReportRow {
    /// The catalog message id.
    #[getter]
    fn message_id(&self) -> &str {
        &self.0.message_id
    }
    /// The content column (the message text).
    #[getter]
    fn content(&self) -> &str {
        &self.0.content
    }
    /// Online column.
    #[getter]
    fn online(&self) -> u64 {
        self.0.online
    }
    /// On Air column.
    #[getter]
    fn on_air(&self) -> u64 {
        self.0.on_air
    }
    /// On Ground column.
    #[getter]
    fn on_ground(&self) -> u64 {
        self.0.on_ground
    }
    /// Digital Billboard column.
    #[getter]
    fn billboard(&self) -> u64 {
        self.0.billboard
    }
    /// Community column.
    #[getter]
    fn community(&self) -> u64 {
        self.0.community
    }
    /// Documents and Application column (what keymsg counts).
    #[getter]
    fn documents(&self) -> u64 {
        self.0.documents
    }
    fn __repr__(&self) -> String {
        format!(
            "<keymsg.ReportRow message_id={:?} documents={}>",
            self.0.message_id, self.0.documents
        )
    }
}

/// Column sums of a report.
#[pyclass(module = "keymsg", name = "Totals", frozen, eq)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PyTotals(Totals);

#[pymethods]
impl PyTotals {
    /// Online column.
    #[getter]
    fn online(&self) -> u64 {
        self.0.online
    }
    /// On Air column.
    #[getter]
    fn on_air(&self) -> u64 {
        self.0.on_air
    }
    /// On Ground column.
    #[getter]
    fn on_ground(&self) -> u64 {
        self.0.on_ground
    }
    /// Digital Billboard column.
    #[getter]
    fn billboard(&self) -> u64 {
        self.0.billboard
    }
    /// Community column.
    #[getter]
    fn community(&self) -> u64 {
        self.0.community
    }
    /// Documents and Application column.
    #[getter]
    fn documents(&self) -> u64 {
        self.0.documents
    }
    fn __repr__(&self) -> String {
        let t = &self.0;
        format!(
            "Totals(online={}, on_air={}, on_ground={}, billboard={}, community={}, documents={})",
            t.online, t.on_air, t.on_ground, t.billboard, t.community, t.documents
        )
    }
}

/// The form options of `report(...)` and `Engine.report(...)`.
pub(crate) fn form_options(
    omit_zero_rows: bool,
    reporter: Option<String>,
    position: Option<String>,
    signed_on: Option<&Bound<'_, PyAny>>,
) -> PyResult<FormOptions> {
    let named = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    Ok(FormOptions::new()
        .omit_zero_rows(omit_zero_rows)
        .signature(Signature {
            reporter: named(reporter),
            position: named(position),
            date: signed_on
                .map(|d| convert::date("signed_on", d))
                .transpose()?,
        }))
}

/// The month's report (`YYYY-MM`) from a store directory or an `Engine`'s store.
/// `agency=None` reports every agency in the store, headed with its name
/// (or ทุกหน่วยงาน for several); an agency the store has nothing for is an error.
#[pyfunction(name = "report")]
#[pyo3(signature = (
    store, month, *, agency = None, catalog = None, omit_zero_rows = false,
    reporter = None, position = None, signed_on = None
))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn report_fn(
    py: Python<'_>,
    store: &Bound<'_, PyAny>,
    month: &str,
    agency: Option<&str>,
    catalog: Option<&Bound<'_, PyCatalog>>,
    omit_zero_rows: bool,
    reporter: Option<String>,
    position: Option<String>,
    signed_on: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyReport> {
    let options = form_options(omit_zero_rows, reporter, position, signed_on)?;
    let catalog = catalog.map(|c| c.get().inner.clone());
    if let Ok(engine) = store.cast::<PyEngine>() {
        let engine = engine.get();
        let catalog = catalog.unwrap_or_else(|| engine.core().catalog().clone());
        return guard(py, || {
            let store = engine.core().store().ok_or_else(|| {
                invalid_argument(
                    "store",
                    "this Engine has no store (create it with store=...)",
                )
            })?;
            let month = convert::month(month)?;
            Ok(PyReport(report::Report::from_store_with(
                store, &catalog, month, agency, &options,
            )?))
        });
    }
    let path = match convert::store(store)? {
        StoreArg::Path(p) => p,
        StoreArg::Memory => {
            return Err(invalid_argument(
                "store",
                "\":memory:\" is private to one Engine: pass that Engine instead",
            )
            .into());
        }
    };
    guard(py, move || {
        let month = convert::month(month)?;
        if path.to_str().is_some_and(keymsg_core::store::is_fleet_url) {
            return Err(invalid_argument(
                "store",
                "for a postgres:// store pass an Engine made with store=URL, journal=DIR \
                 (the report is read from PostgreSQL)",
            ));
        }
        if !path.is_dir() {
            return Err(invalid_argument(
                "store",
                format!("`{}` is not a keymsg store directory", path.display()),
            ));
        }
        let catalog = match catalog {
            Some(c) => c,
            None => keymsg_core::Catalog::embedded()?,
        };
        let store =
            Store::open(&path, StoreOptions::default()).map_err(keymsg_core::Error::from)?;
        Ok(PyReport(report::Report::from_store_with(
            &store, &catalog, month, agency, &options,
        )?))
    })
}
