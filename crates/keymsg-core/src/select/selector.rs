//! The [`Selector`]: built once per catalog, cheap per request.

use std::borrow::Cow;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use time::OffsetDateTime;

use super::cache::{Cache, Eligible};
use super::eligibility::{Entry, Filter, Langs, Verdict, surface_bit};
use super::policy::{Policy, check_policy_map, policy_for};
use super::{Request, SelectError, Token, hash};
use crate::catalog::Message;
use crate::{Catalog, Surface};

/// A selection: the message, the rule that chose it and the token to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// The chosen message's id.
    pub message_id: String,
    /// Its index in [`Catalog::messages`].
    pub index: usize,
    /// The policy that actually decided (after the documented fallbacks:
    /// `sticky` without a document key acts as `round-robin`, `cycle` without
    /// a subject key acts as `time-sliced` with the same period).
    pub policy: Policy,
    /// The token to store with the document; [`Selector::replay`] reproduces the message.
    pub token: Token,
}

/// An allocation-free selection result (see [`Selector::pick`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pick {
    /// Index of the chosen message in [`Catalog::messages`].
    pub index: usize,
    /// The policy that actually decided (see [`Selection::policy`]).
    pub policy: Policy,
}

/// Rule-specific numbers behind a choice, for [`Selector::explain`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Detail {
    Sticky {
        key_hash: u64,
    },
    Cycle {
        key_hash: u64,
        start: u64,
        period_index: i64,
        position: u64,
    },
    RoundRobin {
        sequence: u64,
        from_counter: bool,
    },
    TimeSliced {
        period_index: i64,
        position: u64,
    },
    Random {
        draw: u64,
    },
}

/// Everything [`Selector::choose`] decided.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Outcome {
    pub(crate) index: usize,
    pub(crate) policy: Policy,
    pub(crate) tier: i32,
    pub(crate) n: usize,
    pub(crate) total_weight: u64,
    pub(crate) detail: Detail,
}

/// Picks messages from one catalog. Build it once (it precomputes per-message
/// hashes, surface and language masks and the window bounds); the candidate
/// list of each (surface, language, window epoch) is built on first use and
/// cached, after which [`Selector::pick`] does no heap allocation.
/// `Send + Sync`: share one selector between threads.
#[derive(Debug)]
pub struct Selector {
    catalog: Catalog,
    pub(crate) entries: Vec<Entry>,
    langs: Langs,
    /// Rank of each message id in byte order (the `sticky` tie rule).
    ranks: Box<[u32]>,
    cache: Cache,
    policies: [Policy; 6],
    counters: [AtomicU64; 6],
    rngs: [Option<Mutex<Xoshiro256PlusPlus>>; 6],
}

fn slot(s: Surface) -> usize {
    s as usize
}

impl Selector {
    /// A selector for `catalog`, with the policies its `[policy]` table names
    /// (and the built-in defaults, sticky for documents, cycle by month for pop-ups, push and SMS, time-sliced by day for billboards).
    pub fn new(catalog: &Catalog) -> Result<Selector, SelectError> {
        check_policy_map(&catalog.meta().policy)?;
        let langs = Langs::of(catalog);
        let entries: Vec<Entry> = catalog
            .messages()
            .iter()
            .map(|m| Entry::new(m, &langs))
            .collect();
        let mut by_id: Vec<usize> = (0..entries.len()).collect();
        by_id.sort_by_key(|&i| catalog.messages().get(i).map(|m| m.id.as_str()));
        let mut ranks = vec![0u32; entries.len()];
        for (rank, &i) in by_id.iter().enumerate() {
            if let Some(r) = ranks.get_mut(i) {
                *r = u32::try_from(rank).unwrap_or(u32::MAX);
            }
        }
        let cache = Cache::new(&entries, langs.codes.len(), Surface::ALL.len());
        let mut policies = Surface::ALL.map(Policy::default_for);
        for s in Surface::ALL {
            if let Some(p) = policies.get_mut(slot(s)) {
                *p = policy_for(catalog, s)?;
            }
        }
        let mut sel = Selector {
            catalog: catalog.clone(),
            entries,
            langs,
            ranks: ranks.into(),
            cache,
            policies,
            // Each selector starts its round-robin counters at a random
            // position: processes started together (a worker pool, one CLI
            // call per receipt) must not all show the same message first.
            counters: std::array::from_fn(|_| AtomicU64::new(rand::rng().random())),
            rngs: Default::default(),
        };
        for s in Surface::ALL {
            sel.seed(s);
        }
        Ok(sel)
    }

    /// Override the policy for one surface, or for all when `surface` is `None`.
    pub fn with_policy(mut self, surface: Option<Surface>, policy: Policy) -> Selector {
        for s in Surface::ALL {
            if surface.is_none_or(|x| x == s) {
                if let Some(p) = self.policies.get_mut(slot(s)) {
                    *p = policy;
                }
                self.seed(s);
            }
        }
        self
    }

    fn seed(&mut self, s: Surface) {
        let rng = match self.policy(s) {
            Policy::Random { seed: Some(seed) } => {
                Some(Mutex::new(Xoshiro256PlusPlus::seed_from_u64(seed)))
            }
            _ => None,
        };
        if let Some(r) = self.rngs.get_mut(slot(s)) {
            *r = rng;
        }
    }

    /// The catalog this selector picks from.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The configured policy for a surface.
    pub fn policy(&self, surface: Surface) -> Policy {
        self.policies
            .get(slot(surface))
            .copied()
            .unwrap_or(Policy::default_for(surface))
    }

    /// Select a message for `req`.
    ///
    /// Errors: [`SelectError::NothingEligible`] when no message passes the
    /// window, surface, language and weight checks (the caller decides the
    /// fallback: print no footer, or a fixed text).
    pub fn select(&self, req: &Request) -> Result<Selection, SelectError> {
        let p = self.pick(req)?;
        self.selection(p)
    }

    /// Like [`Selector::select`] but returns only the index and rule, without
    /// allocating once the request's candidate list is cached (the hot path
    /// for printing; build the token with [`Selector::selection`] only when
    /// storing it). Errors allocate (they name the language).
    pub fn pick(&self, req: &Request) -> Result<Pick, SelectError> {
        let o = self.choose(req, req.instant())?;
        Ok(Pick {
            index: o.index,
            policy: o.policy,
        })
    }

    /// The full [`Selection`] for a [`Pick`].
    pub fn selection(&self, p: Pick) -> Result<Selection, SelectError> {
        let m =
            self.catalog
                .messages()
                .get(p.index)
                .ok_or_else(|| SelectError::UnknownMessage {
                    id: format!("#{}", p.index),
                })?;
        Ok(Selection {
            message_id: m.id.clone(),
            index: p.index,
            policy: p.policy,
            token: Token::new(self.catalog.version(), &m.id)?,
        })
    }

    /// The message for a selection token, exactly as stored: only the message
    /// id counts, so weights, windows and the catalog version may have changed.
    pub fn replay(&self, token: &str) -> Result<&Message, SelectError> {
        let t = Token::parse(token)?;
        self.catalog
            .get(t.message_id())
            .ok_or_else(|| SelectError::UnknownMessage {
                id: t.message_id().to_owned(),
            })
    }

    pub(crate) fn filter<'a>(&self, req: &'a Request, at: OffsetDateTime) -> Filter<'a> {
        Filter {
            at: at.unix_timestamp_nanos(),
            surface: surface_bit(req.surface),
            lang: self.langs.query(&req.lang),
        }
    }

    /// The winning tier, its size and total weight, by a full scan (for
    /// `explain`, which reports every message; selection uses the cache).
    pub(crate) fn tier(&self, f: &Filter<'_>) -> Option<(i32, usize, u64)> {
        let msgs = self.catalog.messages();
        let mut best: Option<(i32, usize, u64)> = None;
        for (i, e) in self.entries.iter().enumerate() {
            if f.check(e, msgs.get(i)) != Verdict::Eligible {
                continue;
            }
            let w = u64::from(e.weight);
            best = match best {
                Some((t, n, tw)) if e.priority == t => Some((t, n + 1, tw + w)),
                Some((t, ..)) if e.priority < t => best,
                _ => Some((e.priority, 1, w)),
            };
        }
        best
    }

    /// The candidates (winning tier, catalog order) for a request at `at`
    /// (Unix nanoseconds), from the per-(surface, language, epoch) cache.
    fn candidates(&self, req: &Request, at: i128) -> Cow<'_, Eligible> {
        let lang = self.langs.index(&req.lang);
        self.cache.get(slot(req.surface), lang, at, |start| {
            let f = Filter {
                at: start,
                surface: surface_bit(req.surface),
                lang: self.langs.query(&req.lang),
            };
            Eligible::compute(&f, &self.entries, self.catalog.messages(), &self.ranks)
        })
    }

    /// The core of every selection.
    pub(crate) fn choose(&self, req: &Request, at: OffsetDateTime) -> Result<Outcome, SelectError> {
        self.choose_as(req, at, false)
    }

    /// [`Selector::choose`]; with `peek`, the choice the next selection
    /// would make, leaving the round-robin counter and a seeded random
    /// generator where they are (an explanation must not move them).
    pub(crate) fn choose_as(
        &self,
        req: &Request,
        at: OffsetDateTime,
        peek: bool,
    ) -> Result<Outcome, SelectError> {
        let set = self.candidates(req, at.unix_timestamp_nanos());
        let n = set.len();
        if n == 0 {
            return Err(SelectError::NothingEligible {
                surface: req.surface,
                lang: req.lang.clone(),
                at,
            });
        }
        let (tier, total_weight) = (set.tier, set.total_weight);
        let nth = |k: u64| {
            usize::try_from(k)
                .ok()
                .and_then(|k| set.index.get(k))
                .copied()
                .unwrap_or(0)
        };
        let n64 = n as u64;
        let out = |index, policy, detail| Outcome {
            index,
            policy,
            tier,
            n,
            total_weight,
            detail,
        };
        let round_robin = || {
            let (sequence, from_counter) = match req.sequence {
                Some(s) => (s, false),
                None => (
                    self.counters.get(slot(req.surface)).map_or(0, |c| {
                        if peek {
                            c.load(Ordering::Relaxed)
                        } else {
                            c.fetch_add(1, Ordering::Relaxed)
                        }
                    }),
                    true,
                ),
            };
            out(
                nth(sequence % n64),
                Policy::RoundRobin,
                Detail::RoundRobin {
                    sequence,
                    from_counter,
                },
            )
        };
        let time_sliced = |period: super::Period| {
            let period_index = period.index(at);
            let position = period_index.rem_euclid(n as i64) as u64;
            out(
                nth(position),
                Policy::TimeSliced { period },
                Detail::TimeSliced {
                    period_index,
                    position,
                },
            )
        };
        let configured = self.policy(req.surface);
        Ok(match configured {
            Policy::Sticky => match req.document_key.as_deref().and_then(hash::sticky_key_hash) {
                Some(key_hash) => out(
                    set.sticky.winner(key_hash).unwrap_or(0),
                    Policy::Sticky,
                    Detail::Sticky { key_hash },
                ),
                None => round_robin(),
            },
            Policy::Cycle { period } => {
                match req.subject_key.as_deref().and_then(hash::cycle_key_hash) {
                    Some(key_hash) => {
                        let start = hash::reduce(key_hash, n64);
                        let period_index = period.index(at);
                        let position = (start + period_index.rem_euclid(n as i64) as u64) % n64;
                        out(
                            nth(position),
                            configured,
                            Detail::Cycle {
                                key_hash,
                                start,
                                period_index,
                                position,
                            },
                        )
                    }
                    None => time_sliced(period),
                }
            }
            Policy::RoundRobin => round_robin(),
            Policy::TimeSliced { period } => time_sliced(period),
            Policy::Random { .. } => {
                let draw = match self.rngs.get(slot(req.surface)).and_then(Option::as_ref) {
                    Some(m) => {
                        let mut g = m.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                        if peek {
                            g.clone().random_range(0..total_weight)
                        } else {
                            g.random_range(0..total_weight)
                        }
                    }
                    None => rand::rng().random_range(0..total_weight),
                };
                let mut acc = 0u64;
                let pos = set
                    .weight
                    .iter()
                    .position(|&w| {
                        acc += u64::from(w);
                        draw < acc
                    })
                    .unwrap_or(0);
                out(nth(pos as u64), configured, Detail::Random { draw })
            }
        })
    }
}
