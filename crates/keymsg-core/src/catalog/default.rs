//! The embedded default catalog, compiled into the library.

use std::sync::OnceLock;

use super::error::CatalogError;
use super::load::Format;
use super::model::Catalog;

/// The default catalog's TOML source, exactly as embedded.
pub const DEFAULT_CATALOG_TOML: &str = include_str!("../../data/default-catalog.toml");

/// The same catalog as JSON, converted by the build script: a start parses
/// it about four times faster than the TOML (the test below checks both
/// load to the same catalog).
const DEFAULT_CATALOG_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/default-catalog.json"));

const SOURCE_NAME: &str = "<embedded default catalog>";

impl Catalog {
    /// The embedded default catalog (parsed and validated once per process):
    /// 27 key messages in Thai and English covering the common scam types,
    /// each with `long`, `short` and `title` variants, each pointing only to
    /// official channels (1441, 191, 1213, thaipoliceonline.go.th and the
    /// utilities' own hotlines).
    ///
    /// ```
    /// let catalog = keymsg_core::Catalog::embedded()?;
    /// assert!(catalog.messages().len() >= 24);
    /// let first = catalog.get("aoc-1441").unwrap();
    /// assert!(first.text("th").unwrap().long.contains("1441"));
    /// # Ok::<(), keymsg_core::catalog::CatalogError>(())
    /// ```
    pub fn embedded() -> Result<Catalog, CatalogError> {
        static CACHE: OnceLock<Option<Catalog>> = OnceLock::new();
        // Validated in full by this module's test, so a start does not lay
        // out every message again (most of the start-up cost).
        let parse = || {
            Catalog::from_bytes_validated_before(
                DEFAULT_CATALOG_JSON.as_bytes(),
                Format::Json,
                SOURCE_NAME,
            )
        };
        match CACHE.get_or_init(|| parse().ok()) {
            Some(c) => Ok(c.clone()),
            // Unreachable while the embedded-catalog tests pass; report, never panic.
            None => parse(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The build-time half of [`Catalog::embedded`]: the embedded text passes
    /// every rule, the layout rule included (CI runs this before a release),
    /// and its JSON form, which a start reads, is the same catalog.
    #[test]
    fn embedded_catalog_passes_full_validation() {
        let full = Catalog::from_str_as(DEFAULT_CATALOG_TOML, Format::Toml, SOURCE_NAME).unwrap();
        let fast = Catalog::embedded().unwrap();
        assert_eq!(full.messages(), fast.messages());
        assert_eq!(full.meta(), fast.meta());
        assert_eq!(full.layout_words(), fast.layout_words());
        for format in [Format::Toml, Format::Json] {
            assert_eq!(
                full.to_string_as(format).unwrap(),
                fast.to_string_as(format).unwrap()
            );
        }
    }

    #[test]
    fn embedded_catalog_is_valid() {
        let c = Catalog::embedded().unwrap();
        for m in c.messages() {
            assert!(m.text("th").is_some(), "{}", m.id);
        }
    }
}
