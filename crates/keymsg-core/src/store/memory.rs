//! The in-memory store: the same counting rules as the SQLite store (keys
//! count once, uncounted reprints, replacing manual entries, report marks)
//! in plain maps behind one mutex. Nothing is persisted or shared between
//! processes; it is for tests, examples and benchmarks.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::{Mutex, MutexGuard};

use time::OffsetDateTime;

use super::read::{RowKey, to_rows};
use super::{CountRow, Counted, Insertion, ManualEntry, StoreError};
use crate::Channel;
use crate::bangkok::YearMonth;

type Totals = BTreeMap<(String, String, String, String), (u64, u64)>;

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
    /// (month, (agency, message, surface, kind)) → counted insertions.
    counts: BTreeMap<(YearMonth, RowKey), u64>,
    keys: HashSet<String>,
    manual: BTreeMap<(YearMonth, String, Channel, String), u64>,
    marks: Vec<Mark>,
    totals: Totals,
}

#[derive(Debug)]
pub(crate) struct MemoryStore {
    count_reprints: bool,
    state: Mutex<State>,
}

impl MemoryStore {
    pub(crate) fn new(count_reprints: bool) -> Self {
        Self {
            count_reprints,
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> Result<MutexGuard<'_, State>, StoreError> {
        self.state.lock().map_err(|_| StoreError::Poisoned {
            path: ":memory:".to_owned(),
        })
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
        if let Some(k) = &ins.idempotency_key
            && !st.keys.insert(k.clone())
        {
            return Counted::Duplicate;
        }
        let counted = !ins.reprint || count_reprints;
        let total = st
            .totals
            .entry((
                ins.agency.clone(),
                ins.surface.as_str().to_owned(),
                ins.kind.clone(),
                ins.message_id.clone(),
            ))
            .or_default();
        total.1 += u64::from(ins.reprint);
        if !counted {
            return Counted::Reprint;
        }
        total.0 += 1;
        let key = (
            ins.agency.clone(),
            ins.message_id.clone(),
            ins.surface,
            ins.kind.clone(),
        );
        *st.counts.entry((ins.month(), key)).or_default() += 1;
        Counted::New
    }

    fn merged(st: &State, month: YearMonth, agency: Option<&str>) -> BTreeMap<RowKey, u64> {
        st.counts
            .iter()
            .filter(|((m, (a, ..)), _)| *m == month && agency.is_none_or(|x| x == a))
            .map(|((_, k), n)| (k.clone(), *n))
            .collect()
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

    pub(crate) fn months(&self) -> Result<Vec<YearMonth>, StoreError> {
        let st = self.state()?;
        let all: BTreeSet<YearMonth> = st
            .counts
            .keys()
            .map(|(m, _)| *m)
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
        Ok(super::prometheus::render(&self.state()?.totals, 1))
    }
}
