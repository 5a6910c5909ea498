//! What a request names, resolved against the catalog and the store: a
//! profile name (plus width) into a [`Profile`], a store and a month into a
//! [`Report`]. These live at the engine layer, above every stage they combine,
//! so that they can fail with the crate's [`Error`].

use crate::bangkok::YearMonth;
use crate::layout::{Profile, ProfileKind};
use crate::report::Report;
use crate::store::Store;
use crate::{Catalog, Error, Result};

impl Profile {
    /// The profile called `name` — one of `custom` first, then a built-in —
    /// with its width replaced by `width` when given (column profiles only;
    /// the result is named `<name>.w<width>`). What the engine, the CLI and
    /// the bindings use to turn a `--profile` / `--width` pair into a profile.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] (`profile`) for an unknown name, listing
    /// the built-ins; (`width`) for a width on a non-column profile; a layout
    /// error for a width the profile cannot take (0).
    pub fn resolve(name: &str, width: Option<usize>, custom: &[Profile]) -> Result<Profile> {
        let base = custom
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
            )?
            .with_encoding(base.encoding())),
            (Some(_), _) => Err(Error::InvalidArgument {
                name: "width",
                reason: format!("profile `{name}` is not measured in columns"),
            }),
        }
    }
}

impl Report {
    /// The report for `month` from `store`: counts and manual entries of `agency`
    /// (every agency in the store when `None`, labelled `all`), content in Thai.
    pub fn from_store(
        store: &Store,
        catalog: &Catalog,
        month: YearMonth,
        agency: Option<&str>,
    ) -> Result<Report> {
        let counts = store.month_counts(month, agency)?;
        let manual = store.manual_entries(month, agency)?;
        let mut report = Report::build(
            catalog,
            agency.unwrap_or("all"),
            month,
            &counts,
            &manual,
            "th",
        );
        // The same counts per writer, so roll-ups of several hosts add up.
        report.writers = store.writer_counts(month, agency)?;
        Ok(report)
    }
}
