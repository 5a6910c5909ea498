//! Every mapping from a Rust error (or panic) to a Python exception lives here.
//!
//! Hierarchy (all importable from `keymsg`):
//!
//! ```text
//! Exception
//! └── KeymsgError
//!     ├── CatalogError        (.problems: list[str], one line per problem)
//!     │   └── TrustError      (signature, key, rollback, expiry, trust state)
//!     ├── LayoutError
//!     │   └── InputTooLargeError (also an InvalidArgumentError)
//!     ├── SelectionError
//!     ├── StoreError
//!     │   └── StoreLostError  (.path: str, .missing: int)
//!     ├── ReportError
//!     └── InvalidArgumentError (also a ValueError)
//! ```
//!
//! A Rust panic is caught by [`guard`] and raised as a plain `KeymsgError`
//! ("internal error: ..."), never as pyo3's `PanicException` (a
//! `BaseException` that `except Exception` does not catch).

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

use keymsg_core::Error;
use keymsg_core::catalog::CatalogError as CoreCatalogError;
use keymsg_core::layout::LayoutError as LayoutErrorKind;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

pyo3::create_exception!(
    keymsg,
    KeymsgError,
    PyException,
    "Base class of every error raised by keymsg."
);
pyo3::create_exception!(
    keymsg,
    CatalogError,
    KeymsgError,
    "A catalog could not be read or failed validation; `.problems` lists every problem, one line each."
);
pyo3::create_exception!(
    keymsg,
    TrustError,
    CatalogError,
    "A catalog was refused as untrusted: missing or bad signature, untrusted or unusable key, an older version than one already accepted (rollback), a reused version, an expired catalog, or an unusable trust state directory."
);
pyo3::create_exception!(
    keymsg,
    LayoutError,
    KeymsgError,
    "Text could not be laid out or encoded for a profile."
);
pyo3::create_exception!(
    keymsg,
    SelectionError,
    KeymsgError,
    "No message could be selected, or a selection token was invalid."
);
pyo3::create_exception!(
    keymsg,
    StoreError,
    KeymsgError,
    "The insertion store failed (I/O, corruption, disk full, ...)."
);
pyo3::create_exception!(
    keymsg,
    StoreLostError,
    StoreError,
    "A store file holds fewer counts than it acknowledged (deleted, emptied, replaced by an older copy, or its WAL damaged); `.path` names the file and `.missing` the number of counts missing. Nothing was written: restore the file, or accept the loss with `keymsg store repair --accept-loss`."
);
pyo3::create_exception!(
    keymsg,
    ReportError,
    KeymsgError,
    "A report could not be built, read, merged or written."
);

/// `InvalidArgumentError(KeymsgError, ValueError)`: created at module init with
/// `type(...)`, since `create_exception!` takes a single base and callers
/// expect both `except KeymsgError` and `except ValueError` to catch it.
static INVALID_ARGUMENT: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// The `InvalidArgumentError` class, created on first use.
pub(crate) fn invalid_argument_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    INVALID_ARGUMENT
        .get_or_try_init(py, || {
            let bases = PyTuple::new(
                py,
                [
                    py.get_type::<KeymsgError>().into_any(),
                    py.get_type::<PyValueError>().into_any(),
                ],
            )?;
            let ns = PyDict::new(py);
            ns.set_item("__module__", "keymsg")?;
            ns.set_item(
                "__doc__",
                "An argument was out of its documented range (also a ValueError).",
            )?;
            let ty = py
                .get_type::<PyType>()
                .call1(("InvalidArgumentError", bases, ns))?
                .cast_into::<PyType>()?;
            Ok(ty.unbind())
        })
        .map(|t| t.bind(py))
}

/// `InputTooLargeError(LayoutError, InvalidArgumentError)`: text over a
/// layout call's input limit is both a layout failure and a bad argument, so
/// `except LayoutError` and `except ValueError` both catch it.
static INPUT_TOO_LARGE: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// The `InputTooLargeError` class, created on first use.
pub(crate) fn input_too_large_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    INPUT_TOO_LARGE
        .get_or_try_init(py, || {
            let bases = PyTuple::new(
                py,
                [
                    py.get_type::<LayoutError>().into_any(),
                    invalid_argument_type(py)?.clone().into_any(),
                ],
            )?;
            let ns = PyDict::new(py);
            ns.set_item("__module__", "keymsg")?;
            ns.set_item(
                "__doc__",
                "The text is longer than the call's input limit (`max_input_bytes`, 1 MiB by \
                 default); a LayoutError and an InvalidArgumentError.",
            )?;
            let ty = py
                .get_type::<PyType>()
                .call1(("InputTooLargeError", bases, ns))?
                .cast_into::<PyType>()?;
            Ok(ty.unbind())
        })
        .map(|t| t.bind(py))
}

/// Register every exception class on the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("KeymsgError", py.get_type::<KeymsgError>())?;
    m.add("CatalogError", py.get_type::<CatalogError>())?;
    m.add("TrustError", py.get_type::<TrustError>())?;
    m.add("LayoutError", py.get_type::<LayoutError>())?;
    m.add("SelectionError", py.get_type::<SelectionError>())?;
    m.add("StoreError", py.get_type::<StoreError>())?;
    m.add("StoreLostError", py.get_type::<StoreLostError>())?;
    m.add("ReportError", py.get_type::<ReportError>())?;
    m.add("InvalidArgumentError", invalid_argument_type(py)?)?;
    m.add("InputTooLargeError", input_too_large_type(py)?)?;
    Ok(())
}

/// A keymsg failure on its way to Python: a core error, an argument error
/// found by the binding itself, or a caught panic. Holds no Python objects, so
/// it can be produced inside `py.detach`.
#[derive(Debug)]
pub(crate) enum Failure {
    /// An error from `keymsg-core`.
    Core(Error),
    /// A bad argument detected while converting Python values.
    Argument(String),
    /// A panic caught at the boundary (a bug in keymsg).
    Panic(String),
    /// The caller's `deliver` raised; the count was withdrawn (or there was
    /// none): its exception, unchanged.
    Delivery(PyErr),
    /// The caller's `deliver` raised and withdrawing the count failed: a
    /// `StoreError` whose cause is the caller's exception.
    WithdrawFailed { error: PyErr, cause: Box<Error> },
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Core(e)
    }
}

impl From<CoreCatalogError> for Failure {
    fn from(e: CoreCatalogError) -> Self {
        Failure::Core(Error::Catalog(e))
    }
}

impl From<Failure> for PyErr {
    fn from(f: Failure) -> PyErr {
        Python::attach(|py| to_pyerr(py, f))
    }
}

/// Raise an `InvalidArgumentError` naming the parameter.
pub(crate) fn invalid_argument(name: &str, reason: impl std::fmt::Display) -> Failure {
    Failure::Argument(format!("invalid argument `{name}`: {reason}"))
}

fn to_pyerr(py: Python<'_>, f: Failure) -> PyErr {
    // Only text leaves keymsg: a control or bidi character echoed from a
    // token, an id or a file is shown escaped (`\u{1b}`) in the message.
    let f = match f {
        Failure::Core(e) => Failure::Core(e),
        Failure::Argument(m) => Failure::Argument(keymsg_core::escape_controls(&m).into_owned()),
        Failure::Panic(m) => Failure::Panic(keymsg_core::escape_controls(&m).into_owned()),
        other => other,
    };
    match f {
        Failure::Core(e) => core_to_pyerr(py, e),
        Failure::Argument(msg) => new_invalid_argument(py, msg),
        Failure::Panic(msg) => {
            KeymsgError::new_err(format!("internal error (a bug in keymsg): {msg}"))
        }
        Failure::Delivery(error) => error,
        // The store's own error (escaped, with its attributes), caused by
        // the delivery's exception.
        Failure::WithdrawFailed { error, cause } => {
            let e = core_to_pyerr(py, *cause);
            e.set_cause(py, Some(error));
            e
        }
    }
}

fn new_invalid_argument(py: Python<'_>, msg: String) -> PyErr {
    match invalid_argument_type(py) {
        Ok(ty) => PyErr::from_type(ty.clone(), msg),
        Err(e) => e,
    }
}

/// Whether a catalog error is a refusal on trust grounds (`TrustError`).
fn is_trust_error(c: &CoreCatalogError) -> bool {
    matches!(
        c,
        CoreCatalogError::SignatureMissing { .. }
            | CoreCatalogError::SignatureInvalid { .. }
            | CoreCatalogError::UntrustedKey { .. }
            | CoreCatalogError::BadKey { .. }
            | CoreCatalogError::Rollback { .. }
            | CoreCatalogError::VersionReused { .. }
            | CoreCatalogError::Expired { .. }
            | CoreCatalogError::State { .. }
    )
}

/// The exception a catalog error would raise, as a value (for
/// `Catalog.fallback`: why the named file was refused).
pub(crate) fn catalog_error_value(py: Python<'_>, e: &CoreCatalogError) -> PyErr {
    let msg = keymsg_core::escape_controls(&e.to_string()).into_owned();
    let err = if is_trust_error(e) {
        TrustError::new_err(msg)
    } else {
        CatalogError::new_err(msg)
    };
    let lines: Vec<String> = e
        .lines()
        .iter()
        .map(|l| keymsg_core::escape_controls(l).into_owned())
        .collect();
    if let Err(set) = err.value(py).setattr("problems", lines) {
        return set;
    }
    err
}

fn core_to_pyerr(py: Python<'_>, e: Error) -> PyErr {
    let msg = keymsg_core::escape_controls(&e.to_string()).into_owned();
    match e {
        Error::Catalog(c) => {
            let err = if is_trust_error(&c) {
                TrustError::new_err(msg)
            } else {
                CatalogError::new_err(msg)
            };
            // `.problems`: one line per problem, as `keymsg check` prints them.
            let lines: Vec<String> = c
                .lines()
                .iter()
                .map(|l| keymsg_core::escape_controls(l).into_owned())
                .collect();
            if let Err(set) = err.value(py).setattr("problems", lines) {
                return set;
            }
            err
        }
        Error::Layout(LayoutErrorKind::InputTooLarge { .. }) => match input_too_large_type(py) {
            Ok(ty) => PyErr::from_type(ty.clone(), msg),
            Err(e) => e,
        },
        Error::Layout(_) => LayoutError::new_err(msg),
        Error::Select(_) => SelectionError::new_err(msg),
        Error::Store(keymsg_core::store::StoreError::Lost { path, missing, .. }) => {
            let err = StoreLostError::new_err(msg);
            let value = err.value(py);
            if let Err(set) = value
                .setattr("path", keymsg_core::escape_controls(&path).into_owned())
                .and_then(|()| value.setattr("missing", missing))
            {
                return set;
            }
            err
        }
        Error::Store(_) => StoreError::new_err(msg),
        Error::Report(_) => ReportError::new_err(msg),
        Error::InvalidArgument { .. } => new_invalid_argument(py, msg),
        // `Error` is non-exhaustive: a new area is still a KeymsgError.
        _ => KeymsgError::new_err(msg),
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_owned()
    }
}

/// Run `f` with the GIL released and any panic caught; map errors to Python.
///
/// Use for every call into the core that does real work (layout, store,
/// report), so other Python threads run meanwhile.
pub(crate) fn guard<T, F>(py: Python<'_>, f: F) -> PyResult<T>
where
    F: FnOnce() -> Result<T, Failure> + Send,
    T: Send,
{
    let out = py.detach(|| {
        catch_unwind(AssertUnwindSafe(f))
            .unwrap_or_else(|p| Err(Failure::Panic(panic_message(&*p))))
    });
    out.map_err(|f| to_pyerr(py, f))
}

/// Like [`guard`] but keeps the GIL: for cheap calls where releasing and
/// re-acquiring it would cost more than the work.
pub(crate) fn guard_attached<T, F>(py: Python<'_>, f: F) -> PyResult<T>
where
    F: FnOnce() -> Result<T, Failure>,
{
    catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|p| Err(Failure::Panic(panic_message(&*p))))
        .map_err(|f| to_pyerr(py, f))
}
