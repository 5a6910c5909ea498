//! The embedded default catalog, compiled into the library.

use std::sync::OnceLock;

use super::error::CatalogError;
use super::load::Format;
use super::model::Catalog;

/// The default catalog's TOML source, exactly as embedded.
pub const DEFAULT_CATALOG_TOML: &str = include_str!("../../data/default-catalog.toml");

const SOURCE_NAME: &str = "<embedded default catalog>";

impl Catalog {
    /// The embedded default catalog (parsed and validated once per process).
    ///
    /// ```
    /// let catalog = keymsg_core::Catalog::embedded()?;
    /// assert!(catalog.messages().len() >= 2);
    /// assert!(catalog.get("aoc-1441").is_some());
    /// # Ok::<(), keymsg_core::catalog::CatalogError>(())
    /// ```
    pub fn embedded() -> Result<Catalog, CatalogError> {
        static CACHE: OnceLock<Option<Catalog>> = OnceLock::new();
        let parse = || Catalog::from_str_as(DEFAULT_CATALOG_TOML, Format::Toml, SOURCE_NAME);
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

    #[test]
    fn embedded_catalog_is_valid() {
        let c = Catalog::embedded().unwrap();
        for m in c.messages() {
            assert!(m.text("th").is_some(), "{}", m.id);
        }
    }
}
