//! Cached candidate lists: the winning priority tier for each (surface,
//! language, window epoch), computed once and reused by every request.
//!
//! Eligibility (`eligibility.rs`) depends on the request only through the
//! surface, the language and the instant — and on the instant only through
//! which side of each message's window bounds it falls (`from <= at < until`).
//! The distinct finite bounds of all messages, sorted, cut the time line into
//! epochs `[b[k-1], b[k])`; inside one epoch every window test has the same
//! answer, so the candidate list is a function of (surface, language, epoch).
//! It is computed on first use by the same [`Filter::check`] as `explain`,
//! evaluated at the epoch's first instant, and stored as parallel arrays for
//! the policies' loops. After that, a request costs a binary search and a
//! lookup, and allocates nothing.

use std::borrow::Cow;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::eligibility::{Entry, Filter, Verdict};
use super::rendezvous::Sticky;
use crate::catalog::Message;

/// Candidate entries the cache may hold in total (about 40 bytes each), so a
/// huge catalog with many windows queried at many instants cannot grow it
/// without limit. Past it, lists are computed per request (and allocate).
const BUDGET: usize = 1 << 22;

/// The candidates of one (surface, language, epoch): the winning tier's
/// messages in catalog order, as parallel arrays.
#[derive(Debug, Clone, Default)]
pub(crate) struct Eligible {
    /// The winning priority tier (0 when empty).
    pub(crate) tier: i32,
    /// Sum of the candidates' weights.
    pub(crate) total_weight: u64,
    /// Index in the catalog.
    pub(crate) index: Box<[usize]>,
    /// Weight (≥ 1).
    pub(crate) weight: Box<[u32]>,
    /// The same candidates arranged for `sticky`.
    pub(crate) sticky: Sticky,
}

impl Eligible {
    /// The number of candidates (`n` in the spec).
    pub(crate) fn len(&self) -> usize {
        self.index.len()
    }

    /// The winning tier of `entries` under `filter` (`docs/SELECTION.md` §1 via
    /// [`Filter::check`]).
    pub(crate) fn compute(
        filter: &Filter<'_>,
        entries: &[Entry],
        msgs: &[Message],
        ranks: &[u32],
    ) -> Eligible {
        let passing = || {
            entries
                .iter()
                .enumerate()
                .filter(|(i, e)| filter.check(e, msgs.get(*i)) == Verdict::Eligible)
        };
        let Some(tier) = passing().map(|(_, e)| e.priority).max() else {
            return Eligible::default();
        };
        let winning: Vec<(usize, &Entry)> = passing().filter(|(_, e)| e.priority == tier).collect();
        Eligible {
            tier,
            total_weight: winning.iter().map(|(_, e)| u64::from(e.weight)).sum(),
            index: winning.iter().map(|&(i, _)| i).collect(),
            weight: winning.iter().map(|(_, e)| e.weight).collect(),
            sticky: Sticky::new(winning.iter().map(|&(i, e)| {
                (
                    i,
                    e.hash,
                    e.weight,
                    ranks.get(i).copied().unwrap_or(u32::MAX),
                )
            })),
        }
    }
}

/// One lazily filled [`Eligible`] per epoch.
type Epochs = Box<[OnceLock<Eligible>]>;

/// Lazily filled [`Eligible`] lists for every (surface, language, epoch).
#[derive(Debug)]
pub(crate) struct Cache {
    /// Distinct finite window bounds (Unix nanoseconds), ascending.
    bounds: Box<[i128]>,
    /// Number of catalog languages.
    langs: usize,
    /// Per (surface, language): one slot per epoch (allocated on first use).
    slots: Box<[OnceLock<Epochs>]>,
    /// Candidate entries that may still be cached (see [`BUDGET`]).
    budget: AtomicUsize,
}

impl Cache {
    pub(crate) fn new(entries: &[Entry], langs: usize, surfaces: usize) -> Cache {
        let mut bounds: Vec<i128> = entries
            .iter()
            .flat_map(|e| [e.from, e.until])
            .filter(|&b| b != i128::MIN && b != i128::MAX)
            .collect();
        bounds.sort_unstable();
        bounds.dedup();
        Cache {
            bounds: bounds.into(),
            langs,
            slots: (0..surfaces * langs).map(|_| OnceLock::new()).collect(),
            budget: AtomicUsize::new(BUDGET),
        }
    }

    /// The epoch of an instant: the number of bounds `<= at`.
    #[inline]
    pub(crate) fn epoch(&self, at: i128) -> usize {
        self.bounds.partition_point(|&b| b <= at)
    }

    /// The first instant of an epoch (any instant of it gives the same
    /// eligibility; the first epoch starts at the beginning of time).
    fn start(&self, epoch: usize) -> i128 {
        epoch
            .checked_sub(1)
            .and_then(|k| self.bounds.get(k))
            .copied()
            .unwrap_or(i128::MIN)
    }

    /// The candidates for (surface slot, language index, instant).
    /// `compute(t)` builds the list for an instant `t` of the same epoch; it
    /// runs once per slot (unless the budget is spent). `lang == None` (no
    /// message has the language) is always empty and allocates nothing.
    pub(crate) fn get(
        &self,
        surface: usize,
        lang: Option<usize>,
        at: i128,
        compute: impl FnOnce(i128) -> Eligible,
    ) -> Cow<'_, Eligible> {
        let Some(lang) = lang else {
            return Cow::Owned(Eligible::default());
        };
        let epoch = self.epoch(at);
        let start = self.start(epoch);
        let slot = surface
            .checked_mul(self.langs)
            .and_then(|s| s.checked_add(lang))
            .and_then(|s| self.slots.get(s))
            .map(|s| s.get_or_init(|| (0..=self.bounds.len()).map(|_| OnceLock::new()).collect()))
            .and_then(|epochs| epochs.get(epoch));
        let Some(slot) = slot else {
            return Cow::Owned(compute(start));
        };
        if let Some(e) = slot.get() {
            return Cow::Borrowed(e);
        }
        let e = compute(start);
        let cost = e.len().max(1);
        let reserved = self
            .budget
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| {
                b.checked_sub(cost)
            })
            .is_ok();
        if !reserved {
            return Cow::Owned(e);
        }
        let mut stored = false;
        let cached = slot.get_or_init(|| {
            stored = true;
            e
        });
        if !stored {
            // Another thread filled the slot first (with the same list).
            self.budget.fetch_add(cost, Ordering::Relaxed);
        }
        Cow::Borrowed(cached)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(n: usize) -> Eligible {
        Eligible {
            tier: 1,
            total_weight: n as u64,
            index: (0..n).collect(),
            weight: vec![1; n].into(),
            sticky: Sticky::default(),
        }
    }

    fn cache(bounds: &[i128]) -> Cache {
        Cache {
            bounds: bounds.into(),
            langs: 2,
            slots: (0..6 * 2).map(|_| OnceLock::new()).collect(),
            budget: AtomicUsize::new(BUDGET),
        }
    }

    #[test]
    fn epochs_split_at_bounds() {
        let c = cache(&[10, 20]);
        assert_eq!(
            [c.epoch(i128::MIN), c.epoch(9), c.epoch(10), c.epoch(19)],
            [0, 0, 1, 1]
        );
        assert_eq!([c.epoch(20), c.epoch(i128::MAX)], [2, 2]);
        // Each list is computed at its epoch's first instant.
        assert_eq!([c.start(0), c.start(1), c.start(2)], [i128::MIN, 10, 20]);
    }

    #[test]
    fn lists_are_computed_once_per_slot() {
        let c = cache(&[10]);
        let mut calls = Vec::new();
        for (surface, lang, at) in [
            (0, 0, 5),
            (0, 0, 7),
            (0, 1, 5),
            (0, 0, 15),
            (3, 0, 5),
            (0, 0, 0),
        ] {
            let got = c.get(surface, Some(lang), at, |t| {
                calls.push(t);
                list(3)
            });
            assert!(matches!(got, Cow::Borrowed(_)));
            assert_eq!(got.len(), 3);
        }
        assert_eq!(calls, [i128::MIN, i128::MIN, 10, i128::MIN]);
        // A language no message has: empty, nothing computed.
        assert_eq!(c.get(0, None, 5, |_| list(3)).len(), 0);
    }

    #[test]
    fn past_the_budget_lists_are_not_kept() {
        let c = cache(&[]);
        c.budget.store(5, Ordering::Relaxed);
        assert!(matches!(
            c.get(0, Some(0), 0, |_| list(4)),
            Cow::Borrowed(_)
        ));
        // 1 entry left: a 4-entry list is computed per request, correctly.
        for _ in 0..3 {
            let got = c.get(1, Some(0), 0, |_| list(4));
            assert!(matches!(got, Cow::Owned(_)));
            assert_eq!(got.len(), 4);
        }
        assert_eq!(c.budget.load(Ordering::Relaxed), 1);
    }
}
