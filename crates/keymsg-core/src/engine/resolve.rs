//! What a request names, resolved against the catalog and the store: a
//! profile name (plus width) into a [`Profile`], a store and a month into a
//! [`Report`]. These live at the engine layer, above every stage they combine,
//! so that they can fail with the crate's [`Error`].

use crate::bangkok::YearMonth;
use crate::layout::{Profile, ProfileKind};
use crate::report::{ALL_AGENCIES, FormOptions, Report};
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
    /// the built-ins; (`width`) for a width on a non-column profile or
    /// outside 1-1000 columns.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
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
            // The caller's width, named as such (not as a bad profile).
            (Some(width), ProfileKind::Columns { .. })
                if !crate::layout::COLUMN_WIDTHS.contains(&width) =>
            {
                Err(Error::InvalidArgument {
                    name: "width",
                    reason: format!("must be 1-1000 columns, got {width}"),
                })
            }
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
    /// The report for `month` from `store`: counts and manual entries of
    /// `agency`, content in Thai.
    ///
    /// - `agency: None` takes every agency in the store; the form is headed
    ///   with the agency's name when the month has exactly one, else
    ///   `ทุกหน่วยงาน` ("all agencies").
    /// - An `agency` the store has never counted or recorded for (in any month)
    ///   is an error naming the agencies it has — a typo such as `U` for `u`
    ///   must not produce an all-zero form that someone signs.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] (`agency`) as above; store errors.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn from_store(
        store: &Store,
        catalog: &Catalog,
        month: YearMonth,
        agency: Option<&str>,
    ) -> Result<Report> {
        Report::from_store_with(store, catalog, month, agency, &FormOptions::new())
    }

    /// [`Report::from_store`] with [`FormOptions`].
    ///
    /// # Errors
    /// As [`Report::from_store`]; [`Error::InvalidArgument`] (`signed_on`)
    /// for a date signed outside the month's window (see [`Signature::date`](crate::report::Signature::date)).
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn from_store_with(
        store: &Store,
        catalog: &Catalog,
        month: YearMonth,
        agency: Option<&str>,
        options: &FormOptions,
    ) -> Result<Report> {
        if let Some(a) = agency {
            // The agency heads every report format: plain text only.
            crate::vocab::clean::check_text(a).map_err(|u| crate::Error::InvalidArgument {
                name: "agency",
                reason: u.to_string(),
            })?;
        }
        let label = match agency {
            Some(a) => {
                let known = store.agencies(None)?;
                if !known.iter().any(|k| k == a) {
                    return Err(unknown_agency(a, &known));
                }
                a.to_owned()
            }
            None => match store.agencies(Some(month))?.as_slice() {
                [one] => one.clone(),
                _ => ALL_AGENCIES.to_owned(),
            },
        };
        Report::build_from_store(store, catalog, month, agency, &label, options)
    }

    /// The form of `agency` (all when `None`) headed `label`, without checking
    /// that the store knows the agency (an engine reports on its own agency,
    /// which may not have counted anything yet).
    pub(crate) fn build_from_store(
        store: &Store,
        catalog: &Catalog,
        month: YearMonth,
        agency: Option<&str>,
        label: &str,
        options: &FormOptions,
    ) -> Result<Report> {
        options
            .check(month)
            .map_err(|reason| Error::InvalidArgument {
                name: "signed_on",
                reason,
            })?;
        // One read of the writers' counters: the form's rows are their sum,
        // and the report carries them so roll-ups of several hosts add up.
        // (Rows read apart from the counters disagreed with them while
        // counting went on: the unit's form then differed from its own
        // roll-up.)
        let writers = store.writer_counts(month, agency)?;
        let (counts, manual) = crate::store::form_inputs(&writers, month);
        let mut report = Report::build(catalog, label, month, &counts, &manual, "th")
            .with_signature(options.signature.clone());
        report.writers = writers;
        report.check_counts()?;
        if options.omit_zero_rows {
            report = report.without_zero_rows();
        }
        Ok(report)
    }
}

fn unknown_agency(agency: &str, known: &[String]) -> Error {
    let reason = if known.is_empty() {
        format!("the store has no counts or entries for any agency, so none for `{agency}`")
    } else {
        let list: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
        let hint = known
            .iter()
            .find(|k| k.to_lowercase() == agency.to_lowercase() || k.trim() == agency.trim())
            .map(|k| format!(" (did you mean `{k}`?)"))
            .unwrap_or_default();
        format!(
            "the store has nothing for `{agency}`{hint}; it has: {}",
            list.join(", ")
        )
    };
    Error::InvalidArgument {
        name: "agency",
        reason,
    }
}
