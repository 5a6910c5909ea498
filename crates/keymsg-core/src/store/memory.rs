//! The in-memory store: the same counting rules as the SQLite store (keys
//! count once, uncounted reprints, replacing manual entries, report marks)
//! in plain maps behind one mutex. Nothing is persisted or shared between
//! processes; it is for tests, examples and benchmarks.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};

use time::OffsetDateTime;

use super::read::{RowKey, to_rows};
use super::{CountRow, Counted, Insertion, ManualEntry, StoreError};
use crate::Channel;
use crate::bangkok::YearMonth;

use crate::Surface;

/// Counters of one (month, agency, surface, kind) for one message.
#[derive(Debug)]
struct Cell {
    month: YearMonth,
    agency: String,
    surface: Surface,
    kind: String,
    counted: u64,
    reprints: u64,
}

/// An insertion refused as a duplicate of its key.
#[derive(Debug)]
struct Refused {
    ins: Insertion,
    /// Whether it counts once handed the key (a reprint only when reprints
    /// are counted).
    counts: bool,
    /// Handed the key and the count.
    handed: bool,
}

/// A report mark: month, agency scope, when, and the counts it showed.
#[derive(Debug)]
struct Mark {
    month: YearMonth,
    agency: Option<String>,
    at: OffsetDateTime,
    shown: BTreeMap<RowKey, u64>,
}

#[derive(Debug, Default)]
struct State {
    /// Cells by message id: the hot path finds its cell without allocating
    /// (a message has few cells: months × agencies × surfaces × kinds).
    cells: HashMap<String, Vec<Cell>>,
    keys: HashSet<String>,
    /// Keyed insertions answered "duplicate", oldest first: handed the key
    /// and the count when the attempt holding the key is withdrawn (as in
    /// the SQLite store, see `handover`).
    refused: Vec<Refused>,
    manual: BTreeMap<(YearMonth, String, Channel, String), u64>,
    marks: Vec<Mark>,
    /// Withdrawals so far (the writer's epoch, see `gcounter`).
    epoch: u64,
}

#[derive(Debug)]
pub(crate) struct MemoryStore {
    count_reprints: bool,
    /// This store's writer id (its host id is `memory`).
    writer_id: String,
    state: Mutex<State>,
}

impl MemoryStore {
    pub(crate) fn new(count_reprints: bool) -> Self {
        Self {
            count_reprints,
            writer_id: super::files::random_id(),
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> Result<MutexGuard<'_, State>, StoreError> {
        // Every update under the lock is a whole map insert or removal, so
        // the state is consistent even after a panic elsewhere: recover.
        Ok(self.state.lock().unwrap_or_else(|poisoned| {
            self.state.clear_poison();
            poisoned.into_inner()
        }))
    }

    pub(crate) fn count(&self, ins: &Insertion) -> Result<Counted, StoreError> {
        let mut st = self.state()?;
        Ok(Self::count_locked(&mut st, ins, self.count_reprints))
    }

    pub(crate) fn count_batch(&self, batch: &[Insertion]) -> Result<Vec<Counted>, StoreError> {
        let mut st = self.state()?;
        Ok(batch
            .iter()
            .map(|i| Self::count_locked(&mut st, i, self.count_reprints))
            .collect())
    }

    fn count_locked(st: &mut State, ins: &Insertion, count_reprints: bool) -> Counted {
        if let Some(k) = &ins.idempotency_key {
            if st.keys.contains(k) {
                st.refused.push(Refused {
                    ins: ins.clone(),
                    counts: !ins.reprint || count_reprints,
                    handed: false,
                });
                return Counted::Duplicate;
            }
            st.keys.insert(k.clone());
        }
        let Some(cell) = Self::cell(st, ins) else {
            return Counted::Reprint; // unreachable: the cell exists
        };
        cell.reprints = cell.reprints.saturating_add(u64::from(ins.reprint));
        if ins.reprint && !count_reprints {
            return Counted::Reprint;
        }
        cell.counted = cell.counted.saturating_add(1);
        Counted::New
    }

    /// The counters of `ins`'s month, agency, surface and kind (made if new).
    fn cell<'a>(st: &'a mut State, ins: &Insertion) -> Option<&'a mut Cell> {
        let month = ins.month();
        if !st.cells.contains_key(&ins.message_id) {
            st.cells.insert(ins.message_id.clone(), Vec::new());
        }
        let cells = st.cells.get_mut(&ins.message_id)?;
        let found = cells.iter().position(|c| {
            c.month == month
                && c.surface == ins.surface
                && c.agency == ins.agency
                && c.kind == ins.kind
        });
        match found {
            Some(i) => cells.get_mut(i),
            None => {
                cells.push(Cell {
                    month,
                    agency: ins.agency.clone(),
                    surface: ins.surface,
                    kind: ins.kind.clone(),
                    counted: 0,
                    reprints: 0,
                });
                cells.last_mut()
            }
        }
    }

    /// Hand a key nobody holds any more, and its count, to the oldest
    /// insertion refused for it that is still waiting.
    fn hand_over(st: &mut State, key: &str) {
        let Some(i) = st
            .refused
            .iter()
            .position(|r| !r.handed && r.ins.idempotency_key.as_deref() == Some(key))
        else {
            return;
        };
        let Some(r) = st.refused.get_mut(i) else {
            return;
        };
        r.handed = true;
        let (ins, counts) = (r.ins.clone(), r.counts);
        st.keys.insert(key.to_owned());
        if let Some(cell) = Self::cell(st, &ins) {
            cell.counted = cell.counted.saturating_add(u64::from(counts));
            cell.reprints = cell.reprints.saturating_add(u64::from(ins.reprint));
        }
    }

    pub(crate) fn withdraw(&self, ins: &Insertion, counted: Counted) -> Result<(), StoreError> {
        let mut st = self.state()?;
        // The refused row of a withdrawn duplicate that was handed a count.
        let mut handed = None;
        let (c, r) = match counted {
            Counted::Duplicate => {
                // The newest attempt like this one still waiting is deleted;
                // if none waits, the one handed the count gives it back.
                let like = |x: &Refused, handed: bool| {
                    x.handed == handed
                        && x.ins.idempotency_key == ins.idempotency_key
                        && x.ins.month() == ins.month()
                        && x.ins.agency == ins.agency
                        && x.ins.message_id == ins.message_id
                        && x.ins.surface == ins.surface
                        && x.ins.kind == ins.kind
                        && x.ins.catalog_version == ins.catalog_version
                        && x.ins.reprint == ins.reprint
                };
                if let Some(i) = st.refused.iter().rposition(|x| like(x, false)) {
                    st.refused.remove(i);
                    return Ok(());
                }
                let Some(i) = st.refused.iter().rposition(|x| like(x, true)) else {
                    return Ok(());
                };
                handed = Some(i);
                let counts = st.refused.get(i).is_some_and(|x| x.counts);
                (u64::from(counts), u64::from(ins.reprint))
            }
            Counted::New => (1, u64::from(ins.reprint)),
            Counted::Reprint => (0, 1),
        };
        let nothing = || StoreError::NothingToWithdraw {
            path: ":memory:".to_owned(),
            message_id: ins.message_id.clone(),
        };
        // A keyed insertion was counted here only if its key is held: else
        // it was withdrawn already, and a counter lowered now would belong
        // to another receipt.
        if ins
            .idempotency_key
            .as_ref()
            .is_some_and(|k| !st.keys.contains(k))
        {
            return Err(nothing());
        }
        let month = ins.month();
        let cell = st.cells.get_mut(&ins.message_id).and_then(|cells| {
            cells.iter_mut().find(|x| {
                x.month == month
                    && x.surface == ins.surface
                    && x.agency == ins.agency
                    && x.kind == ins.kind
                    && x.counted >= c
                    && x.reprints >= r
            })
        });
        let Some(cell) = cell else {
            return Err(nothing());
        };
        cell.counted -= c;
        cell.reprints -= r;
        st.epoch += 1;
        if let Some(i) = handed {
            st.refused.remove(i);
        }
        if let Some(k) = &ins.idempotency_key {
            st.keys.remove(k);
            Self::hand_over(&mut st, k);
        }
        Ok(())
    }

    fn merged(st: &State, month: YearMonth, agency: Option<&str>) -> BTreeMap<RowKey, u64> {
        let mut m = BTreeMap::new();
        for (id, cells) in &st.cells {
            for c in cells {
                if c.month == month && agency.is_none_or(|a| a == c.agency) {
                    let key = (c.agency.clone(), id.clone(), c.surface, c.kind.clone());
                    let e: &mut u64 = m.entry(key).or_default();
                    *e = e.saturating_add(c.counted);
                }
            }
        }
        m
    }

    /// The in-memory side of [`super::Store::writer_counts`]: one writer.
    pub(crate) fn writer_counts(
        &self,
        month: YearMonth,
        agency: Option<&str>,
    ) -> Result<Vec<super::WriterCounts>, StoreError> {
        // Counters withdrawn to zero too (see `read::to_rows_with_zeros`).
        let counts = super::read::to_rows_with_zeros(Self::merged(&*self.state()?, month, agency));
        let manual: Vec<super::ManualRecord> = self
            .manual_entries(month, agency)?
            .into_iter()
            .map(|e| super::ManualRecord {
                agency: e.agency,
                channel: e.channel,
                message_id: e.message_id,
                count: e.count,
                recorded_at_ns: 0,
            })
            .collect();
        if counts.is_empty() && manual.is_empty() {
            return Ok(Vec::new());
        }
        Ok(vec![super::WriterCounts {
            host: "memory".to_owned(),
            writer: self.writer_id.clone(),
            epoch: self.state()?.epoch,
            counts,
            manual,
        }])
    }

    pub(crate) fn month_counts(
        &self,
        month: YearMonth,
        agency: Option<&str>,
    ) -> Result<Vec<CountRow>, StoreError> {
        Ok(to_rows(Self::merged(&*self.state()?, month, agency)))
    }

    pub(crate) fn record(&self, e: &ManualEntry) -> Result<(), StoreError> {
        self.state()?.manual.insert(
            (e.month, e.agency.clone(), e.channel, e.message_id.clone()),
            e.count,
        );
        Ok(())
    }

    pub(crate) fn manual_entries(
        &self,
        month: YearMonth,
        agency: Option<&str>,
    ) -> Result<Vec<ManualEntry>, StoreError> {
        Ok(self
            .state()?
            .manual
            .iter()
            .filter(|((m, a, ..), _)| *m == month && agency.is_none_or(|x| x == a))
            .map(|((m, a, c, id), n)| ManualEntry {
                agency: a.clone(),
                month: *m,
                channel: *c,
                message_id: id.clone(),
                count: *n,
            })
            .collect())
    }

    pub(crate) fn agencies(&self, month: Option<YearMonth>) -> Result<Vec<String>, StoreError> {
        let st = self.state()?;
        let all: BTreeSet<String> = st
            .cells
            .values()
            .flatten()
            .filter(|c| month.is_none_or(|m| m == c.month))
            .map(|c| c.agency.clone())
            .chain(
                st.manual
                    .keys()
                    .filter(|(m, ..)| month.is_none_or(|x| x == *m))
                    .map(|(_, a, ..)| a.clone()),
            )
            .collect();
        Ok(all.into_iter().collect())
    }

    pub(crate) fn months(&self) -> Result<Vec<YearMonth>, StoreError> {
        let st = self.state()?;
        let all: BTreeSet<YearMonth> = st
            .cells
            .values()
            .flatten()
            .map(|c| c.month)
            .chain(st.manual.keys().map(|(m, ..)| *m))
            .collect();
        Ok(all.into_iter().collect())
    }

    pub(crate) fn mark_reported(
        &self,
        month: YearMonth,
        agency: Option<&str>,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut st = self.state()?;
        let snapshot = Self::merged(&st, month, agency);
        st.marks.push(Mark {
            month,
            agency: agency.map(str::to_owned),
            at,
            shown: snapshot,
        });
        Ok(())
    }

    fn last_mark<'a>(st: &'a State, month: YearMonth, agency: Option<&str>) -> Option<&'a Mark> {
        st.marks
            .iter()
            .filter(|k| k.month == month && k.agency.as_deref() == agency)
            .max_by_key(|k| k.at)
    }

    pub(crate) fn last_reported(
        &self,
        month: YearMonth,
        agency: Option<&str>,
    ) -> Result<Option<OffsetDateTime>, StoreError> {
        Ok(Self::last_mark(&*self.state()?, month, agency).map(|k| k.at))
    }

    pub(crate) fn counts_since_report(
        &self,
        month: YearMonth,
        agency: Option<&str>,
    ) -> Result<Vec<CountRow>, StoreError> {
        let st = self.state()?;
        let mut now = Self::merged(&st, month, agency);
        if let Some(mark) = Self::last_mark(&st, month, agency) {
            for (k, n) in now.iter_mut() {
                *n = n.saturating_sub(mark.shown.get(k).copied().unwrap_or(0));
            }
        }
        Ok(to_rows(now))
    }

    pub(crate) fn prometheus_text(&self) -> Result<String, StoreError> {
        let st = self.state()?;
        let mut totals = BTreeMap::new();
        for (id, cells) in &st.cells {
            for c in cells {
                let key = (
                    c.agency.clone(),
                    c.surface.as_str().to_owned(),
                    c.kind.clone(),
                    id.clone(),
                );
                let t: &mut (u64, u64) = totals.entry(key).or_default();
                t.0 = t.0.saturating_add(c.counted);
                t.1 = t.1.saturating_add(c.reprints);
            }
        }
        Ok(super::prometheus::render(&totals, 1))
    }
}
