//! Counts as a mergeable value: a G-counter with one entry per writer.
//!
//! Every writer (a writer file of a host's store, or a host's journal writer
//! shipping to PostgreSQL) only ever adds to its own counters, so the state of
//! a fleet is the set of the writers' latest counters, and merging two copies
//! of it is **max per writer, then sum**: a file sent twice changes nothing,
//! two hosts add up, a newer export of the same writer supersedes an older
//! one, and a unit that arrives both inside a district file and directly is
//! counted once — whatever the order the copies arrive in.
//!
//! A writer is identified by `(host, writer)`: random ids made with the store
//! directory and the writer file, never a name or a date. A count withdrawn
//! because it was not delivered makes a counter go *down*; the writer's
//! `epoch` then grows, and a copy with a higher epoch replaces the writer's
//! older copies instead of being max-merged with them, agency by agency: a
//! copy covers the agencies it has counters of (an export lists a counter
//! withdrawn to zero too), so a copy filtered to one agency neither replaces
//! nor is ignored for another agency of the same writer.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::CountRow;
use crate::bangkok::YearMonth;
use crate::{Channel, Surface};

/// One writer's counters for one month: the unit of a G-counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WriterCounts {
    /// Random id of the host (the store directory or journal) the writer belongs to.
    pub host: String,
    /// Random id of the writer, unique fleet-wide.
    pub writer: String,
    /// Grows when the writer withdraws a count; a copy with a higher epoch
    /// replaces copies with a lower one.
    #[serde(default)]
    pub epoch: u64,
    /// Counted insertions of the month by (agency, message, surface, kind).
    #[serde(default)]
    pub counts: Vec<CountRow>,
    /// Hand-entered counts this writer recorded (newest recording wins fleet-wide).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub manual: Vec<ManualRecord>,
}

/// A hand-entered count with the time it was recorded, for newest-wins merging.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManualRecord {
    /// Agency or unit.
    pub agency: String,
    /// Form column.
    pub channel: Channel,
    /// The message (content row).
    pub message_id: String,
    /// The count.
    pub count: u64,
    /// When it was recorded (nanoseconds since the Unix epoch).
    pub recorded_at_ns: i64,
}

/// Key of one counter of a writer: (agency, message, surface, kind).
pub(crate) type CellKey = (String, String, Surface, String);

/// A writer's merged state: epoch and counters.
#[derive(Debug, Clone, Default)]
pub(crate) struct Entry {
    pub(crate) epoch: u64,
    pub(crate) cells: BTreeMap<CellKey, u64>,
}

/// A manual recording as merged: (recorded at, count, host, writer).
type ManualCell = (i64, u64, String, String);

/// Writers merged by the G-counter rule, plus the newest manual recordings.
#[derive(Debug, Clone, Default)]
pub(crate) struct Merged {
    /// `(host, writer, agency)` → state (epochs are per agency: see the
    /// module docs).
    pub(crate) writers: BTreeMap<(String, String, String), Entry>,
    /// (agency, channel, message) → (recorded at, count, host, writer).
    manual: BTreeMap<(String, Channel, String), ManualCell>,
}

impl WriterCounts {
    /// The agencies this copy covers (it lists counters of them), sorted.
    pub(crate) fn agencies(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.counts.iter().map(|c| c.agency.as_str()).collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// What a merge or an import does with one agency's counters of a writer's
/// copy, by the copy's epoch and that of the copy held for the agency (the
/// rule of the module docs, for every store and `report::merge`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Take {
    /// An older copy than the one held: nothing to take from it.
    Nothing,
    /// A copy of the same epoch: the max per counter.
    Max,
    /// A newer copy (the writer withdrew counts since), or the first one:
    /// it replaces the agency's counters.
    Replace,
}

impl Take {
    pub(crate) fn of(copy: u64, held: Option<u64>) -> Take {
        match held {
            Some(h) if copy < h => Take::Nothing,
            Some(h) if copy == h => Take::Max,
            _ => Take::Replace,
        }
    }
}

impl Merged {
    /// Join one writer's copy, agency by agency (see [`Take`]).
    pub(crate) fn join(&mut self, w: &WriterCounts) {
        let mut by_agency: BTreeMap<&str, Vec<&CountRow>> = BTreeMap::new();
        for c in &w.counts {
            by_agency.entry(c.agency.as_str()).or_default().push(c);
        }
        for (agency, counts) in by_agency {
            let key = (w.host.clone(), w.writer.clone(), agency.to_owned());
            let held = self.writers.get(&key).map(|e| e.epoch);
            let e = self.writers.entry(key).or_default();
            match Take::of(w.epoch, held) {
                Take::Nothing => continue,
                Take::Max => {}
                Take::Replace => {
                    *e = Entry {
                        epoch: w.epoch,
                        cells: BTreeMap::new(),
                    };
                }
            }
            for c in counts {
                let k = (
                    c.agency.clone(),
                    c.message_id.clone(),
                    c.surface,
                    c.kind.clone(),
                );
                let v = e.cells.entry(k).or_default();
                *v = (*v).max(c.count);
            }
        }
        for m in &w.manual {
            let k = (m.agency.clone(), m.channel, m.message_id.clone());
            let cand = (m.recorded_at_ns, m.count, w.host.clone(), w.writer.clone());
            // Newest wins; ties broken by the whole tuple so the result does
            // not depend on the order copies arrive in.
            match self.manual.get(&k) {
                Some(cur) if *cur >= cand => {}
                _ => {
                    self.manual.insert(k, cand);
                }
            }
        }
    }

    /// The sum over writers, one row per (agency, message, surface, kind),
    /// zero rows left out, sorted.
    pub(crate) fn sum(&self) -> Vec<CountRow> {
        let mut m: BTreeMap<&CellKey, u64> = BTreeMap::new();
        for e in self.writers.values() {
            for (k, n) in &e.cells {
                let v = m.entry(k).or_default();
                *v = v.saturating_add(*n);
            }
        }
        m.into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|((agency, message_id, surface, kind), count)| CountRow {
                agency: agency.clone(),
                message_id: message_id.clone(),
                surface: *surface,
                kind: kind.clone(),
                count,
            })
            .collect()
    }

    /// The newest manual recording per (agency, channel, message).
    pub(crate) fn manual(&self) -> impl Iterator<Item = (&str, Channel, &str, u64)> {
        self.manual
            .iter()
            .map(|((a, c, m), (_, n, _, _))| (a.as_str(), *c, m.as_str(), *n))
    }

    /// The merged state back as [`WriterCounts`]: one per writer and epoch
    /// (a writer's agencies may stand at different epochs), sorted by host,
    /// writer and epoch, with the manual recordings each writer won. Counters
    /// at zero are kept: they say which agencies a copy covers.
    pub(crate) fn to_writers(&self) -> Vec<WriterCounts> {
        let mut out: BTreeMap<(&str, &str, u64), WriterCounts> = BTreeMap::new();
        for ((host, writer, _), e) in &self.writers {
            let w = out
                .entry((host, writer, e.epoch))
                .or_insert_with(|| WriterCounts {
                    host: host.clone(),
                    writer: writer.clone(),
                    epoch: e.epoch,
                    counts: Vec::new(),
                    manual: Vec::new(),
                });
            w.counts.extend(
                e.cells
                    .iter()
                    .map(|((agency, message_id, surface, kind), count)| CountRow {
                        agency: agency.clone(),
                        message_id: message_id.clone(),
                        surface: *surface,
                        kind: kind.clone(),
                        count: *count,
                    }),
            );
        }
        for ((agency, channel, message_id), (at, count, host, writer)) in &self.manual {
            // With the writer's copy of the lowest epoch (manual entries
            // merge by recording time, not by epoch).
            let first = out
                .range(
                    (host.as_str(), writer.as_str(), 0)
                        ..=(host.as_str(), writer.as_str(), u64::MAX),
                )
                .next()
                .map(|(k, _)| *k);
            let w = out
                .entry(first.unwrap_or((host.as_str(), writer.as_str(), 0)))
                .or_insert_with(|| WriterCounts {
                    host: host.clone(),
                    writer: writer.clone(),
                    epoch: 0,
                    counts: Vec::new(),
                    manual: Vec::new(),
                });
            w.manual.push(ManualRecord {
                agency: agency.clone(),
                channel: *channel,
                message_id: message_id.clone(),
                count: *count,
                recorded_at_ns: *at,
            });
        }
        out.into_values().collect()
    }
}

/// The form's counts and manual entries for `month` from writers' copies
/// (merged by the G-counter rule): what a roll-up of a report carrying
/// `writers` reads back, so a report built from one read of a store's
/// writers rolls up to its own numbers even while counting goes on.
pub(crate) fn form_inputs(
    writers: &[WriterCounts],
    month: YearMonth,
) -> (Vec<CountRow>, Vec<super::ManualEntry>) {
    let merged = merge_writers(writers);
    let manual = merged
        .manual()
        .map(|(agency, channel, message_id, count)| super::ManualEntry {
            agency: agency.to_owned(),
            month,
            channel,
            message_id: message_id.to_owned(),
            count,
        })
        .collect();
    (merged.sum(), manual)
}

/// Merge writers' copies by the G-counter rule (see the module docs).
pub(crate) fn merge_writers<'a>(copies: impl IntoIterator<Item = &'a WriterCounts>) -> Merged {
    let mut m = Merged::default();
    for w in copies {
        m.join(w);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(writer: &str, epoch: u64, n: u64) -> WriterCounts {
        WriterCounts {
            host: "h".into(),
            writer: writer.into(),
            epoch,
            counts: vec![CountRow {
                agency: "PEA".into(),
                message_id: "aoc-1441".into(),
                surface: Surface::Receipt,
                kind: String::new(),
                count: n,
            }],
            manual: Vec::new(),
        }
    }

    fn total(m: &Merged) -> u64 {
        m.sum().iter().map(|r| r.count).sum()
    }

    #[test]
    fn max_per_writer_then_sum() {
        let a1 = w("a", 0, 1);
        let b3 = w("b", 0, 3);
        assert_eq!(total(&merge_writers([&a1, &b3])), 4);
        // Sent again, in any order: nothing changes.
        assert_eq!(total(&merge_writers([&a1, &b3, &a1, &b3])), 4);
        assert_eq!(total(&merge_writers([&b3, &a1, &b3])), 4);
        // A later export of a supersedes the earlier one.
        let a5 = w("a", 0, 5);
        assert_eq!(total(&merge_writers([&a5, &a1, &b3])), 8);
    }

    #[test]
    fn a_higher_epoch_replaces_a_withdrawn_count() {
        let before = w("a", 0, 5);
        let after = w("a", 1, 4);
        assert_eq!(total(&merge_writers([&before, &after])), 4);
        assert_eq!(total(&merge_writers([&after, &before])), 4);
    }

    fn for_agency(agency: &str, epoch: u64, n: u64) -> WriterCounts {
        let mut c = w("a", epoch, n);
        for r in &mut c.counts {
            r.agency = agency.into();
        }
        c
    }

    /// One store counting for two agencies, exported per agency with a
    /// withdrawal between the two exports: each copy covers its own agency.
    #[test]
    fn epochs_are_per_agency() {
        let mwa = for_agency("MWA", 0, 5);
        let pea = for_agency("PEA", 1, 4);
        assert_eq!(total(&merge_writers([&mwa, &pea])), 9);
        assert_eq!(total(&merge_writers([&pea, &mwa])), 9);
        // A stale PEA copy (before the withdrawal) changes nothing.
        let pea_before = for_agency("PEA", 0, 5);
        assert_eq!(total(&merge_writers([&mwa, &pea, &pea_before])), 9);
        assert_eq!(total(&merge_writers([&pea_before, &pea, &mwa])), 9);
        // A counter withdrawn to zero is listed, and replaces the older copy.
        let pea_zero = for_agency("PEA", 2, 0);
        assert_eq!(total(&merge_writers([&pea_before, &mwa, &pea_zero])), 5);
        assert_eq!(total(&merge_writers([&pea_zero, &pea_before, &mwa])), 5);
        // The merged state keeps both epochs and round-trips.
        let m = merge_writers([&mwa, &pea]);
        let back = m.to_writers();
        assert_eq!(back.len(), 2, "{back:?}");
        assert_eq!(total(&merge_writers(back.iter())), 9);
    }

    #[test]
    fn take_by_epoch() {
        assert_eq!(Take::of(0, None), Take::Replace);
        assert_eq!(Take::of(3, Some(2)), Take::Replace);
        assert_eq!(Take::of(2, Some(2)), Take::Max);
        assert_eq!(Take::of(1, Some(2)), Take::Nothing);
    }

    #[test]
    fn merged_state_round_trips() {
        let mut a = w("a", 0, 2);
        a.manual.push(ManualRecord {
            agency: "PEA".into(),
            channel: Channel::Online,
            message_id: "aoc-1441".into(),
            count: 7,
            recorded_at_ns: 10,
        });
        let mut b = w("b", 0, 3);
        b.manual.push(ManualRecord {
            recorded_at_ns: 20,
            count: 9,
            ..a.manual[0].clone()
        });
        let m = merge_writers([&a, &b]);
        assert_eq!(m.manual().map(|x| x.3).collect::<Vec<_>>(), vec![9]);
        let again = merge_writers(&m.to_writers());
        assert_eq!(again.sum(), m.sum());
        assert_eq!(again.manual().count(), 1);
    }
}
