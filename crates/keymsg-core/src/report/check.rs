//! What a report read from a file must be before keymsg rolls it up or
//! prints it: small enough to read, plain text in every string (a forged
//! unit report must not put a terminal escape into a district's CSV), counts
//! a person could have made (at most [`MAX_COUNT`] per cell), totals that
//! are the sums of the rows, and instants keymsg can reckon with.

use super::{Report, ReportError, Totals};
use crate::Channel;
use crate::store::MAX_COUNT;
use crate::vocab::clean::check_text;

/// The largest report file keymsg reads: 8 MiB. A unit's report is a few
/// KB; a province roll-up that lists thousands of units stays far below.
pub const MAX_REPORT_BYTES: u64 = 8 << 20;

fn invalid(what: impl Into<String>, detail: impl Into<String>) -> ReportError {
    ReportError::Invalid {
        what: what.into(),
        detail: detail.into(),
    }
}

fn text(what: &str, value: &str) -> Result<(), ReportError> {
    check_text(value).map_err(|u| invalid(what, u.to_string()))
}

fn count(what: &str, value: u64) -> Result<(), ReportError> {
    if value > MAX_COUNT {
        return Err(invalid(
            what,
            format!("{value} is above the largest count a form row may hold ({MAX_COUNT})"),
        ));
    }
    Ok(())
}

fn instant(what: &str, at: time::OffsetDateTime) -> Result<(), ReportError> {
    crate::bangkok::check(at)
        .map(|_| ())
        .map_err(|e| invalid(what, e))
}

/// `a + b` for a merged cell: at most [`MAX_COUNT`], never wrapped or clamped.
/// `what` names the cell, only when there is an error.
pub(crate) fn add(what: impl FnOnce() -> String, a: u64, b: u64) -> Result<u64, ReportError> {
    match a.checked_add(b) {
        Some(sum) if sum <= MAX_COUNT => Ok(sum),
        Some(sum) => count(&what(), sum).map(|()| sum),
        None => Err(invalid(what(), "the sum overflows")),
    }
}

/// Column sums of `rows`, overflow-checked.
pub(crate) fn totals(rows: &[super::Row]) -> Result<Totals, ReportError> {
    let mut t = Totals::default();
    for row in rows {
        for c in Channel::ALL {
            let cell = t.get_mut(c);
            *cell = cell
                .checked_add(row.get(c))
                .ok_or_else(|| invalid(format!("total `{}`", c.as_str()), "the sum overflows"))?;
        }
    }
    Ok(t)
}

impl Report {
    /// Every cell at most [`MAX_COUNT`]: what a form built from a store must
    /// hold before it is signed (a count and a manual entry may add up past
    /// it), so that keymsg never writes a form its own `merge` refuses.
    pub(crate) fn check_counts(&self) -> Result<(), ReportError> {
        for r in &self.rows {
            for c in Channel::ALL {
                count(
                    &format!(
                        "row `{}` `{}`",
                        crate::escape_controls(&r.message_id),
                        c.as_str()
                    ),
                    r.get(c),
                )?;
            }
        }
        Ok(())
    }

    /// Check a report that came from outside (a file, another program):
    /// see the module docs. [`Report::from_json`] calls it on every report
    /// it reads.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn validate(&self) -> Result<(), ReportError> {
        text("agency", &self.agency)?;
        text("lang", &self.lang)?;
        instant("generated_at", self.generated_at)?;
        for r in &self.rows {
            let what = format!("row `{}`", crate::escape_controls(&r.message_id));
            text(&what, &r.message_id)?;
            text(&what, &r.content)?;
        }
        self.check_counts()?;
        if totals(&self.rows)? != self.totals {
            return Err(invalid(
                "totals",
                "they are not the sums of the rows (the file was edited by hand or damaged)",
            ));
        }
        for e in &self.breakdown {
            let what = format!("breakdown of `{}`", crate::escape_controls(&e.message_id));
            text(&what, &e.message_id)?;
            text(&what, &e.kind)?;
            count(&what, e.count)?;
        }
        // The breakdown is the documents column split by surface: a merge
        // counts a unit from it, so it must say what the rows say.
        let mut per_message: std::collections::HashMap<&str, u64> = Default::default();
        for e in &self.breakdown {
            let v = per_message.entry(e.message_id.as_str()).or_insert(0);
            *v = v
                .checked_add(e.count)
                .ok_or_else(|| invalid("breakdown", "the sum overflows"))?;
        }
        for r in &self.rows {
            let listed = per_message.remove(r.message_id.as_str()).unwrap_or(0);
            if listed != r.get(Channel::Documents) {
                return Err(invalid(
                    format!("breakdown of `{}`", crate::escape_controls(&r.message_id)),
                    format!(
                        "it adds up to {listed}, the row's documents say {} (the file was \
                         edited by hand or damaged)",
                        r.get(Channel::Documents)
                    ),
                ));
            }
        }
        if let Some((id, _)) = per_message.into_iter().find(|(_, n)| *n > 0) {
            return Err(invalid(
                format!("breakdown of `{}`", crate::escape_controls(id)),
                "it counts a message the report has no row for",
            ));
        }
        for s in [&self.signature.reporter, &self.signature.position]
            .into_iter()
            .flatten()
        {
            text("signature", s)?;
        }
        for u in &self.units {
            text("units", &u.agency)?;
            instant("units", u.generated_at)?;
        }
        for n in self.missing_units.iter().chain(&self.unexpected_units) {
            text("units", n)?;
        }
        for d in &self.dropped_duplicates {
            text("dropped_duplicates", &d.agency)?;
        }
        for w in &self.writers {
            // Ids are made by keymsg (random letters and digits): anything
            // else is a forged or damaged file.
            if !crate::store::valid_id(&w.host) || !crate::store::valid_id(&w.writer) {
                return Err(invalid(
                    "writers",
                    format!(
                        "`{}/{}` is not a writer id",
                        crate::escape_controls(&w.host),
                        crate::escape_controls(&w.writer)
                    ),
                ));
            }
            for c in &w.counts {
                let what = format!(
                    "writer counts of `{}`",
                    crate::escape_controls(&c.message_id)
                );
                text(&what, &c.agency)?;
                text(&what, &c.message_id)?;
                text(&what, &c.kind)?;
                count(&what, c.count)?;
            }
            for m in &w.manual {
                let what = format!(
                    "writer entries of `{}`",
                    crate::escape_controls(&m.message_id)
                );
                text(&what, &m.agency)?;
                text(&what, &m.message_id)?;
                count(&what, m.count)?;
            }
        }
        if let Some(a) = &self.amendment {
            for r in &a.rows {
                text("amendment", &r.message_id)?;
                text("amendment", &r.content)?;
            }
        }
        Ok(())
    }
}

/// `Err` when a report text is larger than [`MAX_REPORT_BYTES`].
pub(crate) fn size(bytes: u64) -> Result<(), ReportError> {
    if bytes > MAX_REPORT_BYTES {
        return Err(ReportError::TooLarge {
            bytes,
            limit: MAX_REPORT_BYTES,
        });
    }
    Ok(())
}
