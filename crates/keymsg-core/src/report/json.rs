//! JSON: lossless, versioned, the input of roll-ups.

use std::path::Path;

use super::{Report, ReportError, SCHEMA_VERSION};

impl Report {
    /// Pretty-printed JSON with a `schema` field (`SCHEMA_VERSION`).
    /// [`Report::from_json`] reads it back to an equal report.
    pub fn to_json(&self) -> String {
        // A derived Serialize of strings and numbers into a String cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Read a report written by [`Report::to_json`].
    ///
    /// The `schema` is checked first, so a report from a newer keymsg fails
    /// with [`ReportError::UnsupportedSchema`] rather than a confusing field
    /// error; unknown fields are rejected ([`ReportError::Json`]). A text
    /// over `MAX_REPORT_BYTES` is refused
    /// ([`ReportError::TooLarge`]) and every report read is checked with
    /// `Report::validate`.
    pub fn from_json(text: &str) -> Result<Report, ReportError> {
        super::check::size(u64::try_from(text.len()).unwrap_or(u64::MAX))?;
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
        let report: Report = serde_json::from_value(value).map_err(ReportError::Json)?;
        report.validate()?;
        Ok(report)
    }

    /// Read a JSON report file.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn load_json(path: impl AsRef<Path>) -> Result<Report, ReportError> {
        use std::io::Read as _;
        let path = path.as_ref();
        let io = |source| ReportError::Io {
            path: path.display().to_string(),
            source,
        };
        // Read at most one byte past the limit, so a huge file (or a pipe
        // that never ends) is refused without being held in memory.
        let file = std::fs::File::open(path).map_err(io)?;
        let mut text = String::new();
        file.take(super::MAX_REPORT_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(io)?;
        Report::from_json(&text)
    }

    /// Write the JSON report to a file.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
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
