//! Python bindings for keymsg: a thin layer that converts types between
//! Python and `keymsg-core`. All behaviour lives in the core; all exception
//! mapping lives in [`error`]; argument conversion in [`convert`].
//!
//! Built with maturin into the `keymsg._keymsg` extension module; the
//! `keymsg` package re-exports everything from it.

mod caps;
mod catalog;
mod convert;
mod engine;
mod error;
mod layout;
mod report;
mod select;

use pyo3::prelude::*;

/// Raise a Rust panic inside the boundary guard. Test hook: proves a panic
/// reaches Python as `KeymsgError`, never as `PanicException`.
#[pyfunction]
fn _test_panic(py: Python<'_>) -> PyResult<()> {
    error::guard(py, || -> Result<(), error::Failure> {
        #[allow(clippy::panic)]
        {
            panic!("deliberate panic from keymsg._keymsg._test_panic")
        }
    })
}

/// The compiled part of the `keymsg` package.
#[pymodule]
fn _keymsg(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    error::register(m)?;
    m.add_class::<catalog::PyCatalog>()?;
    m.add_class::<engine::PyEngine>()?;
    m.add_class::<engine::PyRendered>()?;
    m.add_class::<engine::PyFit>()?;
    m.add_class::<report::PyReport>()?;
    m.add_class::<report::PyReportRow>()?;
    m.add_class::<report::PyTotals>()?;
    m.add_class::<select::PySelection>()?;
    m.add_class::<caps::PyCapLedger>()?;
    m.add_class::<caps::PyCapClaim>()?;
    m.add_function(wrap_pyfunction!(layout::width, m)?)?;
    m.add_function(wrap_pyfunction!(layout::wrap, m)?)?;
    m.add_function(wrap_pyfunction!(layout::truncate, m)?)?;
    m.add_function(wrap_pyfunction!(layout::encode, m)?)?;
    m.add_function(wrap_pyfunction!(report::report_fn, m)?)?;
    m.add_function(wrap_pyfunction!(select::select, m)?)?;
    m.add_function(wrap_pyfunction!(catalog::sign, m)?)?;
    m.add_function(wrap_pyfunction!(_test_panic, m)?)?;
    Ok(())
}
