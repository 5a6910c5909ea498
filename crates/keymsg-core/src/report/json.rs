//! JSON: lossless, versioned, the input of roll-ups.

use std::path::Path;

use super::{Report, ReportError, SCHEMA_VERSION};

impl Report {
    /// Pretty-printed JSON with a `schema` field ([`SCHEMA_VERSION`]).
    /// [`Report::from_json`] reads it back to an equal report.
    pub fn to_json(&self) -> String {
        // A derived Serialize of strings and numbers into a String cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Read a report written by [`Report::to_json`].
    ///
    /// The `schema` is checked first, so a report from a newer keymsg fails
    /// with [`ReportError::UnsupportedSchema`] rather than a confusing field
    /// error; unknown fields are rejected ([`ReportError::Json`]).
    pub fn from_json(text: &str) -> Result<Report, ReportError> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(ReportError::Json)?;
        let schema = value
            .get("schema")
            .and_then(serde_json::Value::as_u64)
            .ok_or(ReportError::MissingSchema)?;
        if schema != u64::from(SCHEMA_VERSION) {
            return Err(ReportError::UnsupportedSchema {
                found: schema,
                supported: SCHEMA_VERSION,
            });
        }
        serde_json::from_value(value).map_err(ReportError::Json)
    }

    /// Read a JSON report file.
    pub fn load_json(path: impl AsRef<Path>) -> Result<Report, ReportError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ReportError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Report::from_json(&text)
    }

    /// Write the JSON report to a file.
    pub fn save_json(&self, path: impl AsRef<Path>) -> Result<(), ReportError> {
        write_file(path.as_ref(), self.to_json().as_bytes())
    }
}

pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    std::fs::write(path, bytes).map_err(|source| ReportError::Io {
        path: path.display().to_string(),
        source,
    })
}
