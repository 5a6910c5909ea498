//! Reading catalog files: size limit, UTF-8 check, TOML / JSON parsing.

use std::path::Path;

use super::error::CatalogError;
use super::model::Catalog;
use super::raw::RawCatalog;
use super::validate;

/// Largest catalog file accepted: 4 MiB. The embedded default is about 30 KiB;
/// anything near this limit is a mistake (or an attack), not a catalog.
pub const MAX_CATALOG_BYTES: u64 = 4 * 1024 * 1024;

/// Catalog file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML (human-edited).
    Toml,
    /// JSON (machine-made).
    Json,
}

impl Format {
    /// The format for a path's extension (`.toml` / `.json`, case-insensitive).
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "toml" => Some(Format::Toml),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "toml" => Ok(Format::Toml),
            "json" => Ok(Format::Json),
            other => Err(format!("unknown catalog format `{other}` (toml or json)")),
        }
    }
}

impl Catalog {
    /// Load and validate a catalog file; the format comes from the extension.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Catalog, CatalogError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let format = Format::from_path(path).ok_or_else(|| CatalogError::UnknownFormat {
            source_name: name.clone(),
        })?;
        let bytes = read_limited(path, &name)?;
        Catalog::from_bytes(&bytes, format, &name)
    }

    /// Parse and validate catalog bytes. `source_name` labels errors.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn from_bytes(
        bytes: &[u8],
        format: Format,
        source_name: &str,
    ) -> Result<Catalog, CatalogError> {
        check_size(source_name, bytes.len() as u64)?;
        let text = std::str::from_utf8(bytes).map_err(|e| CatalogError::InvalidUtf8 {
            source_name: source_name.to_owned(),
            offset: e.valid_up_to(),
        })?;
        Catalog::from_str_as(text, format, source_name)
    }

    /// Parse and validate catalog text. `source_name` labels errors.
    pub fn from_str_as(
        text: &str,
        format: Format,
        source_name: &str,
    ) -> Result<Catalog, CatalogError> {
        check_size(source_name, text.len() as u64)?;
        let raw = parse_raw(text, format, source_name)?;
        validate::validate(raw, source_name)
    }

    /// [`Catalog::from_bytes`] without the layout rule, for bytes that
    /// already passed full validation (see `validate::validate_with`).
    pub(crate) fn from_bytes_validated_before(
        bytes: &[u8],
        format: Format,
        source_name: &str,
    ) -> Result<Catalog, CatalogError> {
        let raw = parse_with::<RawCatalog>(bytes, format, source_name)?;
        validate::validate_with(raw, source_name, false)
    }

    /// The catalog as a file in `format` (as it was read: the same messages,
    /// fields and allow-lists), which [`Catalog::from_str_as`] reads back to
    /// an equal catalog. How `keymsg catalog` prints the embedded default.
    ///
    /// # Errors
    /// [`CatalogError::Serialise`] if the format cannot hold a value.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn to_string_as(&self, format: Format) -> Result<String, CatalogError> {
        let raw = self.raw();
        match format {
            Format::Toml => toml::to_string(raw).map_err(|e| CatalogError::Serialise {
                format: "toml",
                message: e.to_string(),
            }),
            Format::Json => {
                serde_json::to_string_pretty(raw).map_err(|e| CatalogError::Serialise {
                    format: "json",
                    message: e.to_string(),
                })
            }
        }
    }
}

/// Read a catalog file, refusing one over [`MAX_CATALOG_BYTES`] before reading it.
pub(crate) fn read_limited(path: &Path, name: &str) -> Result<Vec<u8>, CatalogError> {
    let io = |error| CatalogError::Io {
        source_name: name.to_owned(),
        error,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    check_size(name, size)?;
    std::fs::read(path).map_err(io)
}

fn check_size(source_name: &str, size: u64) -> Result<(), CatalogError> {
    if size > MAX_CATALOG_BYTES {
        return Err(CatalogError::TooLarge {
            source_name: source_name.to_owned(),
            size,
            limit: MAX_CATALOG_BYTES,
        });
    }
    Ok(())
}

/// Parse without validating.
pub(crate) fn parse_raw(
    text: &str,
    format: Format,
    source_name: &str,
) -> Result<RawCatalog, CatalogError> {
    parse_text::<RawCatalog>(text, format, source_name)
}

/// Check size and UTF-8, then parse `bytes` as `T`.
pub(crate) fn parse_with<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    format: Format,
    source_name: &str,
) -> Result<T, CatalogError> {
    check_size(source_name, bytes.len() as u64)?;
    let text = std::str::from_utf8(bytes).map_err(|e| CatalogError::InvalidUtf8 {
        source_name: source_name.to_owned(),
        offset: e.valid_up_to(),
    })?;
    parse_text::<T>(text, format, source_name)
}

/// Parse a catalog or overlay file as `T`. When that fails, the file's
/// `schema` alone is read, and a schema newer than this keymsg's is the
/// error: a file from a newer keymsg fails on its new fields otherwise,
/// which does not tell the reader to upgrade. (keymsg before schema 2 read
/// the schema only after the whole file, so it reports a catalog of schema
/// 2 by its `layout` field.)
fn parse_text<T: serde::de::DeserializeOwned>(
    text: &str,
    format: Format,
    source_name: &str,
) -> Result<T, CatalogError> {
    parse_strict(text, format, source_name).map_err(|e| match declared_schema(text, format) {
        Some(found) if found > validate::SCHEMA_VERSION => CatalogError::UnsupportedSchema {
            source_name: source_name.to_owned(),
            found,
            supported: validate::SCHEMA_VERSION,
        },
        _ => e,
    })
}

/// The `schema` a file declares, read leniently (other fields ignored);
/// `None` when it has none or does not parse that far.
fn declared_schema(text: &str, format: Format) -> Option<u32> {
    #[derive(serde::Deserialize)]
    struct Probe {
        schema: Option<u32>,
    }
    let probe = match format {
        Format::Toml => toml::from_str::<Probe>(text).ok()?,
        Format::Json => serde_json::from_str::<Probe>(text).ok()?,
    };
    probe.schema
}

/// The `version` a catalog or overlay file declares, read leniently
/// (other fields ignored, nothing validated); `None` when it has none or
/// does not parse that far.
pub(crate) fn declared_version(bytes: &[u8], format: Format) -> Option<u64> {
    #[derive(serde::Deserialize)]
    struct Probe {
        version: u64,
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let probe = match format {
        Format::Toml => toml::from_str::<Probe>(text).ok()?,
        Format::Json => serde_json::from_str::<Probe>(text).ok()?,
    };
    Some(probe.version)
}

fn parse_strict<T: serde::de::DeserializeOwned>(
    text: &str,
    format: Format,
    source_name: &str,
) -> Result<T, CatalogError> {
    match format {
        Format::Toml => toml::from_str::<T>(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            CatalogError::Syntax {
                source_name: source_name.to_owned(),
                line,
                column,
                message: e.message().to_owned(),
            }
        }),
        Format::Json => serde_json::from_str::<T>(text).map_err(|e| CatalogError::Syntax {
            source_name: source_name.to_owned(),
            line: e.line(),
            column: e.column(),
            message: strip_json_position(&e.to_string()),
        }),
    }
}

/// 1-based (line, column in chars) of a byte offset.
fn line_col(text: &str, byte: usize) -> (usize, usize) {
    let before = text.get(..byte).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn strip_json_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg.get(..i).unwrap_or(msg).to_owned(),
        None => msg.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars() {
        let t = "a = 1\nกขค = x";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 6), (2, 1));
        assert_eq!(line_col(t, 6 + 9), (2, 4));
    }
}
