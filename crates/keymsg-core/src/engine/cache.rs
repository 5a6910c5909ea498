//! Layouts computed once per (message, language, profile) and shared.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use super::request::DEFAULT_FOOTER_PROFILE;
use crate::layout::{Fitted, Profile, ProfileKind, fit};
use crate::{Catalog, Error, Result};

type Key = (usize, String, String);

#[derive(Debug)]
pub(crate) struct LayoutCache {
    custom: Vec<Profile>,
    fitted: RwLock<HashMap<Key, Arc<Fitted>>>,
}

impl LayoutCache {
    pub(crate) fn new(custom: Vec<Profile>) -> Self {
        Self {
            custom,
            fitted: RwLock::new(HashMap::new()),
        }
    }

    /// Resolve a profile name (user-defined first, then built in), with an
    /// optional width override for column profiles.
    pub(crate) fn profile(&self, name: Option<&str>, width: Option<usize>) -> Result<Profile> {
        let name = name.unwrap_or(DEFAULT_FOOTER_PROFILE);
        let base = self
            .custom
            .iter()
            .find(|p| p.name() == name)
            .cloned()
            .or_else(|| Profile::builtin(name))
            .ok_or_else(|| Error::InvalidArgument {
                name: "profile",
                reason: format!(
                    "unknown profile `{name}` (built in: {})",
                    Profile::builtin_names().join(", ")
                ),
            })?;
        match (width, base.kind()) {
            (None, _) => Ok(base),
            (
                Some(width),
                ProfileKind::Columns {
                    max_lines, align, ..
                },
            ) => Ok(Profile::new(
                format!("{name}.w{width}"),
                ProfileKind::Columns {
                    width,
                    max_lines,
                    align,
                },
            )?),
            (Some(_), _) => Err(Error::InvalidArgument {
                name: "width",
                reason: format!("profile `{name}` is not measured in columns"),
            }),
        }
    }

    /// The layout of message `index` in `lang` for `profile`, computed on first use.
    pub(crate) fn fitted(
        &self,
        catalog: &Catalog,
        index: usize,
        lang: &str,
        profile: &Profile,
    ) -> Result<Arc<Fitted>> {
        let key: Key = (index, lang.to_owned(), profile.name().to_owned());
        if let Some(f) = self
            .fitted
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
        {
            return Ok(Arc::clone(f));
        }
        let text = catalog
            .messages()
            .get(index)
            .and_then(|m| m.text(lang).or_else(|| m.text("th")))
            .ok_or_else(|| Error::InvalidArgument {
                name: "lang",
                reason: format!("message #{index} has no text in `{lang}`"),
            })?;
        let f = Arc::new(fit(text, profile)?);
        self.fitted
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, Arc::clone(&f));
        Ok(f)
    }
}
