//! `keymsg.CapLedger`: pop-up frequency caps shared by every process using
//! one store directory or PostgreSQL fleet store.

use keymsg_core::select::Caps;
use keymsg_core::store::{CapClaim, CapLedger, MemoryCapLedger, open_cap_ledger};
use pyo3::prelude::*;

use crate::convert::{self, StoreArg};
use crate::error::{Failure, guard, invalid_argument};

/// The decision of `CapLedger.claim` (immutable).
#[pyclass(module = "keymsg", name = "CapClaim", frozen)]
#[derive(Debug)]
pub(crate) struct PyCapClaim {
    /// True: show the pop-up (the impression is noted); False: not now.
    #[pyo3(get)]
    granted: bool,
    /// When not granted: the earliest time (UTC) the subject may see one again.
    #[pyo3(get)]
    retry_at: Option<Py<PyAny>>,
}

#[pymethods]
impl PyCapClaim {
    fn __repr__(&self, py: Python<'_>) -> String {
        let at = self
            .retry_at
            .as_ref()
            .map(|a| a.bind(py).to_string())
            .unwrap_or_else(|| "None".to_owned());
        format!("CapClaim(granted={}, retry_at={at})", self.granted)
    }

    fn __bool__(&self) -> bool {
        self.granted
    }
}

/// A ledger of pop-up impressions per subject: `claim` checks the caps and
/// notes the impression in one transaction, so processes sharing the store
/// never together exceed them.
#[pyclass(module = "keymsg", name = "CapLedger", frozen)]
#[derive(Debug)]
pub(crate) struct PyCapLedger {
    inner: Box<dyn CapLedger>,
}

#[pymethods]
impl PyCapLedger {
    /// `store`: a store directory (opened by an `Engine` first), a
    /// `postgres://` fleet store URL (shared by every host), or `":memory:"`.
    #[new]
    fn new(py: Python<'_>, store: &Bound<'_, PyAny>) -> PyResult<Self> {
        let arg = convert::store(store)?;
        guard(py, move || {
            let inner: Box<dyn CapLedger> = match arg {
                StoreArg::Memory => Box::new(MemoryCapLedger::new()),
                StoreArg::Path(p) => open_cap_ledger(p.as_ref(), std::time::Duration::from_secs(5))
                    .map_err(keymsg_core::Error::from)?,
            };
            Ok(PyCapLedger { inner })
        })
    }

    /// Claim a pop-up for `subject` at `at` (default now) under the caps
    /// given (None: that cap does not apply).
    #[pyo3(signature = (subject, *, per_day = None, per_week = None, min_gap_seconds = None, at = None))]
    fn claim(
        &self,
        py: Python<'_>,
        subject: &str,
        per_day: Option<i128>,
        per_week: Option<i128>,
        min_gap_seconds: Option<i128>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyCapClaim> {
        let at = at.map(convert::instant).transpose()?;
        let limit = |name: &str, v: Option<i128>| -> Result<Option<u32>, Failure> {
            v.map(|n| {
                u32::try_from(n).map_err(|_| invalid_argument(name, "must be 0 to 4294967295"))
            })
            .transpose()
        };
        let caps = Caps {
            per_day: limit("per_day", per_day)?,
            per_week: limit("per_week", per_week)?,
            min_gap: limit("min_gap_seconds", min_gap_seconds)?
                .map(|s| time::Duration::seconds(i64::from(s))),
        };
        let subject = subject.to_owned();
        let claim = guard(py, || {
            self.inner
                .claim(
                    &subject,
                    at.unwrap_or_else(time::OffsetDateTime::now_utc),
                    &caps,
                )
                .map_err(|e| match e {
                    keymsg_core::store::StoreError::Invalid { field, detail } => {
                        invalid_argument(field, detail)
                    }
                    other => Failure::from(keymsg_core::Error::from(other)),
                })
        })?;
        match claim {
            CapClaim::Held { retry_at, .. } => {
                let datetime = py.import("datetime")?;
                let utc = datetime.getattr("timezone")?.getattr("utc")?;
                let at = datetime
                    .getattr("datetime")?
                    .call_method1("fromtimestamp", (retry_at.unix_timestamp(), utc))?;
                Ok(PyCapClaim {
                    granted: false,
                    retry_at: Some(at.unbind()),
                })
            }
            _ => Ok(PyCapClaim {
                granted: true,
                retry_at: None,
            }),
        }
    }

    fn __repr__(&self) -> String {
        "CapLedger(...)".to_owned()
    }
}
