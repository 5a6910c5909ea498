//! The cached, pre-checked selection path against a plain implementation of
//! `docs/SELECTION.md` written here from the public API: random catalogs
//! (sizes, weights including 0, priorities, windows as dates and instants,
//! surfaces, languages), random requests (instants on and next to window
//! bounds, keys, policies). `explain` must choose what `pick` chooses.

// Test helpers outside #[test] functions may panic too (clippy.toml covers only the tests).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::cmp::Ordering;

use keymsg_core::catalog::{Format, Message};
use keymsg_core::select::{Period, Policy, Request, SelectError, Selector, Verdict, hash};
use keymsg_core::{Catalog, Surface};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use time::{Duration, OffsetDateTime};

const LANGS: [&str; 4] = ["th", "en", "my", "km"];

/// A random valid catalog of `n` messages (TOML).
fn random_catalog(rng: &mut Xoshiro256PlusPlus, n: usize) -> Catalog {
    let mut s = String::from("version = 3\n");
    // A few shared dates, so that windows share bounds as real catalogs do.
    let days = [
        "2026-01-01",
        "2026-02-15",
        "2026-03-01",
        "2026-03-31",
        "2026-06-30",
    ];
    let instants = ["2026-02-20T05:30:00Z", "2026-03-10T10:00:00+07:00"];
    let max_w = [1u32, 3, 9, 1000][rng.random_range(0..4)];
    for i in 0..n {
        s += &format!("[[messages]]\nid = \"m-{i:03}\"\ntopic = \"t\"\n");
        let w = if rng.random_range(0..10) == 0 {
            0
        } else {
            rng.random_range(1..=max_w)
        };
        s += &format!("weight = {w}\npriority = {}\n", rng.random_range(0..10) / 8);
        let pick = |rng: &mut Xoshiro256PlusPlus| {
            if rng.random_range(0..4) == 0 {
                instants[rng.random_range(0..instants.len())]
            } else {
                days[rng.random_range(0..days.len())]
            }
        };
        match rng.random_range(0..4) {
            0 => {}
            1 => s += &format!("from = \"{}\"\n", pick(rng)),
            2 => s += &format!("until = \"{}\"\n", pick(rng)),
            _ => {
                let (a, b) = (
                    rng.random_range(0..days.len()),
                    rng.random_range(0..days.len()),
                );
                if a != b {
                    let (a, b) = (a.min(b), a.max(b));
                    s += &format!("from = \"{}\"\nuntil = \"{}\"\n", days[a], days[b]);
                }
            }
        }
        if rng.random_range(0..3) == 0 {
            let subset: Vec<String> = Surface::ALL
                .iter()
                .filter(|_| rng.random_range(0..2) == 0)
                .map(|s| format!("\"{s}\""))
                .collect();
            if !subset.is_empty() {
                s += &format!("surfaces = [{}]\n", subset.join(", "));
            }
        }
        for (j, lang) in LANGS.iter().enumerate() {
            if j == 0 || rng.random_range(0..3) == 0 {
                s += &format!("[messages.text.{lang}]\nlong = \"ข้อความ {lang}\"\n");
            }
        }
    }
    Catalog::from_str_as(&s, Format::Toml, "random").unwrap_or_else(|e| panic!("{e}\n{s}"))
}

/// The candidates `E` of the spec (§1), in catalog order.
fn eligible<'c>(cat: &'c Catalog, req: &Request, at: OffsetDateTime) -> Vec<(usize, &'c Message)> {
    let pass: Vec<(usize, &Message)> = cat
        .messages()
        .iter()
        .enumerate()
        .filter(|(_, m)| {
            m.window.contains(at)
                && m.surfaces.contains(&req.surface)
                && m.text.contains_key(&req.lang)
                && m.weight > 0
        })
        .collect();
    let Some(top) = pass.iter().map(|(_, m)| m.priority).max() else {
        return pass;
    };
    pass.into_iter()
        .filter(|(_, m)| m.priority == top)
        .collect()
}

/// The spec's choice (§2–§5) for the deterministic policies.
fn reference(cat: &Catalog, policy: Policy, req: &Request) -> Option<usize> {
    let at = req.at.unwrap();
    let e = eligible(cat, req, at);
    if e.is_empty() {
        return None;
    }
    let n = e.len() as u64;
    let time_sliced = |p: Period| e[p.index(at).rem_euclid(n as i64) as usize].0;
    let round_robin = || e[(req.sequence.unwrap() % n) as usize].0;
    Some(match policy {
        Policy::Sticky => match req.document_key.as_deref().and_then(hash::sticky_key_hash) {
            Some(key) => {
                let mut best = e[0];
                let mut best_draw = hash::sticky_draw(key, hash::message_hash(&best.1.id));
                for &(i, m) in &e[1..] {
                    let d = hash::sticky_draw(key, hash::message_hash(&m.id));
                    let better = match hash::sticky_cmp(d, m.weight, best_draw, best.1.weight) {
                        Ordering::Less => true,
                        Ordering::Equal => m.id < best.1.id,
                        Ordering::Greater => false,
                    };
                    if better {
                        best = (i, m);
                        best_draw = d;
                    }
                }
                best.0
            }
            None => round_robin(),
        },
        Policy::Cycle { period } => match req.subject_key.as_deref().and_then(hash::cycle_key_hash)
        {
            Some(key) => {
                let start = hash::reduce(key, n);
                e[((start + period.index(at).rem_euclid(n as i64) as u64) % n) as usize].0
            }
            None => time_sliced(period),
        },
        Policy::TimeSliced { period } => time_sliced(period),
        Policy::RoundRobin => round_robin(),
        Policy::Random { .. } => unreachable!(),
    })
}

/// Instants on, just before and just after every window bound, and random ones.
fn instants(cat: &Catalog) -> Vec<OffsetDateTime> {
    let mut out = Vec::new();
    for m in cat.messages() {
        for b in [m.window.from, m.window.until].into_iter().flatten() {
            out.extend([
                b,
                b - Duration::nanoseconds(1),
                b + Duration::nanoseconds(1),
            ]);
        }
    }
    out
}

fn random_key(rng: &mut Xoshiro256PlusPlus) -> String {
    match rng.random_range(0..8) {
        0 => format!(" ใบเสร็จ ๒๕๖๙/{} ", rng.random_range(0..100_000)),
        1 => String::from("   "),
        _ => format!("INV-2026-{:06}", rng.random_range(0..1_000_000)),
    }
}

#[test]
fn pick_matches_the_spec_on_random_catalogs() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(20260301);
    let base = time::macros::datetime!(2025-12-01 00:00 UTC);
    let mut sticky_picks = 0u32;
    let mut nothing = 0u32;
    for round in 0..400 {
        let n = [1, 2, 5, 24, 100, 130][round % 6];
        let cat = random_catalog(&mut rng, n);
        let edges = instants(&cat);
        let policies = [
            Policy::Sticky,
            Policy::Sticky,
            Policy::Sticky,
            Policy::Cycle {
                period: Period::Week,
            },
            Policy::TimeSliced {
                period: Period::Day,
            },
            Policy::RoundRobin,
        ];
        let selectors: Vec<Selector> = policies
            .iter()
            .map(|&p| Selector::new(&cat).unwrap().with_policy(None, p))
            .collect();
        for _ in 0..1_000 {
            let at = if !edges.is_empty() && rng.random_range(0..3) == 0 {
                edges[rng.random_range(0..edges.len())]
            } else {
                base + Duration::seconds(rng.random_range(0..300 * 86_400))
            };
            let surface = Surface::ALL[rng.random_range(0..6)];
            let lang = ["th", "th", "en", "my", "km", "fr"][rng.random_range(0..6)];
            let req = Request::new(surface)
                .lang(lang)
                .document_key(random_key(&mut rng))
                .subject_key(format!("customer-{}", rng.random_range(0..1000)))
                .sequence(rng.random())
                .at(at);
            let k = rng.random_range(0..policies.len());
            let (policy, sel) = (policies[k], &selectors[k]);
            let want = reference(&cat, policy, &req);
            match sel.pick(&req) {
                Ok(p) => {
                    assert_eq!(Some(p.index), want, "{policy} {req:?}");
                    sticky_picks += u32::from(p.policy == Policy::Sticky);
                }
                Err(SelectError::NothingEligible { .. }) => {
                    assert_eq!(want, None, "{policy} {req:?}");
                    nothing += 1;
                }
                Err(e) => panic!("{e}"),
            }
        }
    }
    // The test covers what it claims: mostly sticky picks, some empty tiers.
    assert!(sticky_picks > 100_000, "{sticky_picks}");
    assert!(nothing > 1_000, "{nothing}");
}

#[test]
fn explain_chooses_what_pick_chooses() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
    let base = time::macros::datetime!(2026-01-01 00:00 +7);
    for round in 0..40 {
        let cat = random_catalog(&mut rng, [3, 30, 100][round % 3]);
        let edges = instants(&cat);
        for policy in [
            Policy::Sticky,
            Policy::Cycle {
                period: Period::Month,
            },
            Policy::TimeSliced {
                period: Period::Day,
            },
        ] {
            let sel = Selector::new(&cat).unwrap().with_policy(None, policy);
            for j in 0..100 {
                let at = if j % 2 == 0 && !edges.is_empty() {
                    edges[rng.random_range(0..edges.len())]
                } else {
                    base + Duration::minutes(rng.random_range(0..200 * 1440))
                };
                let req = Request::new(Surface::ALL[rng.random_range(0..6)])
                    .lang(["th", "en", "km"][rng.random_range(0..3)])
                    .document_key(random_key(&mut rng))
                    .subject_key("someone")
                    // Explain performs a selection: with a sequence, the
                    // round-robin fallback does not advance a counter.
                    .sequence(rng.random())
                    .at(at);
                let ex = sel.explain(&req);
                let picked = sel.pick(&req).ok().map(|p| p.index);
                assert_eq!(ex.chosen.as_ref().map(|s| s.index), picked, "{req:?}");
                // Every message is listed; the eligible ones are exactly E.
                assert_eq!(ex.candidates.len(), cat.messages().len());
                let listed: Vec<usize> = ex
                    .candidates
                    .iter()
                    .filter(|c| c.verdict == Verdict::Eligible)
                    .map(|c| c.index)
                    .collect();
                let e: Vec<usize> = eligible(&cat, &req, at).iter().map(|&(i, _)| i).collect();
                assert_eq!(listed, e, "{req:?}");
            }
        }
    }
}

#[test]
fn concurrent_first_picks_agree() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
    let cat = random_catalog(&mut rng, 100);
    let at = time::macros::datetime!(2026-03-05 12:00 +7);
    let reqs: Vec<Request> = (0..2_000)
        .map(|i| {
            Request::new(Surface::ALL[i % 6])
                .lang(["th", "en"][i % 2])
                .document_key(format!("R-{i}"))
                .at(at + Duration::hours(i as i64 % 900))
        })
        .collect();
    let one = Selector::new(&cat).unwrap();
    let want: Vec<Option<usize>> = reqs
        .iter()
        .map(|r| one.pick(r).ok().map(|p| p.index))
        .collect();
    // A cold selector shared by threads that all fill the same slots at once.
    let shared = Selector::new(&cat).unwrap();
    send_sync(&shared);
    std::thread::scope(|s| {
        for t in 0..4 {
            let (shared, reqs, want) = (&shared, &reqs, &want);
            s.spawn(move || {
                for (i, r) in reqs.iter().enumerate().skip(t * 7) {
                    assert_eq!(shared.pick(r).ok().map(|p| p.index), want[i]);
                }
            });
        }
    });
}
