//! `keymsg.width`, `keymsg.wrap`, `keymsg.truncate`: Thai-aware layout.

use keymsg_core::layout::{self, Align, TruncateOptions, WrapOptions};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::convert::size;
use crate::error::{Failure, guard, invalid_argument};

/// `max_input_bytes`' default: the core's 1 MiB (checked at compile time).
const DEFAULT_MAX_INPUT_BYTES: i128 = 1 << 20;
const _: () = assert!(DEFAULT_MAX_INPUT_BYTES as usize == layout::DEFAULT_MAX_INPUT_BYTES);

/// Display columns of `text` (Thai marks 0, SARA AM 1, wide characters 2).
#[pyfunction]
pub(crate) fn width(py: Python<'_>, text: &str) -> PyResult<usize> {
    guard(py, || Ok(layout::width(text)))
}

/// Wrap `text` into lines of at most `width` columns at legal Thai breaks.
#[pyfunction]
#[pyo3(signature = (
    text, width, *, max_lines = None, ellipsis = "…", align = "left",
    max_input_bytes = DEFAULT_MAX_INPUT_BYTES, words = None
))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn wrap(
    py: Python<'_>,
    text: &str,
    width: i128,
    max_lines: Option<i128>,
    ellipsis: &str,
    align: &str,
    max_input_bytes: i128,
    words: Option<Vec<String>>,
) -> PyResult<Vec<String>> {
    guard(py, || {
        let align = match align {
            "left" => Align::Left,
            "center" => Align::Center,
            "right" => Align::Right,
            other => {
                return Err(invalid_argument(
                    "align",
                    format!("`{other}` (expected left, center or right)"),
                ));
            }
        };
        let opts = WrapOptions::new(size("width", width)?)
            .max_lines(max_lines.map(|m| size("max_lines", m)).transpose()?)
            .ellipsis(ellipsis)
            .align(align)
            .max_input_bytes(size("max_input_bytes", max_input_bytes)?)
            .words(words.unwrap_or_default());
        layout::wrap(text, &opts).map_err(layout_error)
    })
}

/// A layout error of `wrap` or `truncate`: a bad word is a bad `words`
/// argument.
fn layout_error(e: layout::LayoutError) -> Failure {
    match e {
        e @ layout::LayoutError::InvalidWord { .. } => invalid_argument("words", e),
        e => Failure::Core(e.into()),
    }
}

/// `text` if it fits in `width` columns, else its longest prefix ending at a
/// legal break, plus `ellipsis`.
#[pyfunction]
#[pyo3(signature = (
    text, width, *, ellipsis = "…", max_input_bytes = DEFAULT_MAX_INPUT_BYTES, words = None
))]
pub(crate) fn truncate(
    py: Python<'_>,
    text: &str,
    width: i128,
    ellipsis: &str,
    max_input_bytes: i128,
    words: Option<Vec<String>>,
) -> PyResult<String> {
    guard(py, || {
        let opts = TruncateOptions::new(size("width", width)?)
            .ellipsis(ellipsis)
            .max_input_bytes(size("max_input_bytes", max_input_bytes)?)
            .words(words.unwrap_or_default());
        layout::truncate_with(text, &opts).map_err(layout_error)
    })
}

/// `text` as bytes for a printer: `"utf-8"`, `"tis-620"` or `"cp874"`.
#[pyfunction]
#[pyo3(signature = (text, encoding = "tis-620"))]
pub(crate) fn encode<'py>(
    py: Python<'py>,
    text: &str,
    encoding: &str,
) -> PyResult<Bound<'py, PyBytes>> {
    let bytes = guard(py, || {
        let enc = layout::Encoding::from_name(encoding).ok_or_else(|| {
            invalid_argument(
                "encoding",
                format!("unknown encoding `{encoding}` (utf-8, tis-620, cp874)"),
            )
        })?;
        layout::encode(text, enc).map_err(|e| Failure::Core(e.into()))
    })?;
    Ok(PyBytes::new(py, &bytes))
}
