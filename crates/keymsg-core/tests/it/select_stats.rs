//! Statistical properties that selection promises:
//! sticky shares follow the weights, adding a message moves its share of the
//! keys (no more, no less), cycle shows every message once per n periods and
//! spreads subjects evenly, time-sliced shows each message equally often.
//!
//! Keys are drawn from a fixed seed, so each test is deterministic; the
//! bounds are what a fair draw would meet: every count within 5 standard
//! deviations of its expectation (both ways, so a message that never wins
//! fails too), and Pearson's chi-square below its 1-in-a-million quantile.

// Test helpers outside #[test] functions may panic too (clippy.toml covers only the tests).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use keymsg_core::catalog::Format;
use keymsg_core::select::{Period, Policy, Request, Selector};
use keymsg_core::{Catalog, Surface};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use time::macros::datetime;

/// A catalog of `weights.len()` messages `m00`, `m01`, ... with those weights.
fn catalog(weights: &[u32]) -> Catalog {
    let mut s = String::from("version = 3\n");
    for (i, w) in weights.iter().enumerate() {
        s += &format!(
            "[[messages]]\nid = \"m{i:02}\"\ntopic = \"t\"\nweight = {w}\n\
             [messages.text.th]\nlong = \"ข้อความ {i}\"\n"
        );
    }
    Catalog::from_str_as(&s, Format::Toml, "test").unwrap()
}

fn keys(n: usize, seed: u64) -> Vec<String> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    (0..n)
        .map(|_| format!("INV-{:010}", rng.random_range(0..10_000_000_000u64)))
        .collect()
}

/// Assert that `counts` (of `n` draws) look like a fair draw with
/// probabilities `p`: each count within 5σ of `n·pᵢ`, and the chi-square
/// statistic below the quantile a fair draw exceeds once in a million.
fn assert_fair(label: &str, counts: &[u64], p: &[f64]) {
    assert_eq!(counts.len(), p.len());
    let n = counts.iter().sum::<u64>() as f64;
    let mut chi2 = 0.0;
    let mut worst = 0.0f64;
    for (i, (&c, &pi)) in counts.iter().zip(p).enumerate() {
        let want = n * pi;
        let sigma = (n * pi * (1.0 - pi)).sqrt();
        let z = (c as f64 - want) / sigma;
        worst = worst.max(z.abs());
        assert!(
            z.abs() <= 5.0,
            "{label}: message {i} won {c} of {n} draws, expected {want:.1} ± {sigma:.1} ({z:+.2}σ)"
        );
        chi2 += (c as f64 - want).powi(2) / want;
    }
    let limit = chi2_limit(p.len() - 1);
    eprintln!(
        "{label}: chi-square {chi2:.1} (limit {limit:.1}, {} df), worst {worst:.2}σ",
        p.len() - 1
    );
    assert!(
        chi2 <= limit,
        "{label}: chi-square {chi2:.1} > {limit:.1} for {counts:?}"
    );
}

/// The chi-square value a fair draw with `df` degrees of freedom exceeds
/// with probability 10⁻⁶ (computed from the regularised incomplete gamma
/// function; e.g. `scipy.stats.chi2.isf(1e-6, df)`).
fn chi2_limit(df: usize) -> f64 {
    match df {
        2 => 27.63,
        6 => 38.26,
        23 => 70.55,
        24 => 72.23,
        _ => panic!("no chi-square limit for {df} degrees of freedom"),
    }
}

const AT: time::OffsetDateTime = datetime!(2026-03-15 12:00 +7);

fn picks(sel: &Selector, keys: &[String]) -> Vec<usize> {
    let mut req = Request::new(Surface::Receipt).at(AT);
    keys.iter()
        .map(|k| {
            req.document_key = Some(k.clone());
            sel.pick(&req).unwrap().index
        })
        .collect()
}

/// 24 messages with uneven weights (1–9, total 100).
const WEIGHTS: [u32; 24] = [
    9, 8, 7, 6, 6, 5, 5, 5, 4, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 2, 2, 1, 2,
];

#[test]
fn sticky_shares_match_weights_over_a_million_keys() {
    assert_eq!(WEIGHTS.iter().sum::<u32>(), 100);
    let sel = Selector::new(&catalog(&WEIGHTS)).unwrap();
    let n = 1_000_000;
    let mut counts = [0u64; 24];
    for i in picks(&sel, &keys(n, 1)) {
        counts[i] += 1;
    }
    let p: Vec<f64> = WEIGHTS.iter().map(|&w| f64::from(w) / 100.0).collect();
    assert_fair("sticky, 10^6 keys", &counts, &p);
}

#[test]
fn adding_a_message_moves_only_its_share() {
    let before = Selector::new(&catalog(&WEIGHTS)).unwrap();
    let keys = keys(100_000, 2);
    let a = picks(&before, &keys);
    for new_weight in [1u32, 4, 10] {
        let mut w = WEIGHTS.to_vec();
        w.push(new_weight);
        let after = Selector::new(&catalog(&w)).unwrap();
        let b = picks(&after, &keys);
        // Every key that moved went to the new message.
        assert!(a.iter().zip(&b).all(|(x, y)| x == y || *y == 24));
        // And the new message takes its share, from every old one in
        // proportion: the keys it won are a fair draw of its weight.
        let mut counts = vec![0u64; 25];
        for &y in &b {
            counts[y] += 1;
        }
        let total = f64::from(100 + new_weight);
        let p: Vec<f64> = w.iter().map(|&x| f64::from(x) / total).collect();
        assert_fair(&format!("after adding weight {new_weight}"), &counts, &p);
        let moved = a.iter().zip(&b).filter(|(x, y)| x != y).count() as u64;
        assert_eq!(moved, counts[24], "only keys won by the new message moved");
    }
    // Changing one weight moves keys only to or from that message.
    let mut w = WEIGHTS.to_vec();
    w[5] = 10;
    let reweighted = Selector::new(&catalog(&w)).unwrap();
    let b = picks(&reweighted, &keys);
    assert!(a.iter().zip(&b).all(|(x, y)| x == y || *y == 5));
    // Removing a message moves only the keys that had it.
    let mut w = WEIGHTS.to_vec();
    w[0] = 0;
    let without = Selector::new(&catalog(&w)).unwrap();
    let b = picks(&without, &keys);
    assert!(a.iter().zip(&b).all(|(x, y)| x == y || *x == 0));
}

#[test]
fn cycle_shows_n_distinct_messages_over_n_periods() {
    let weights = [1u32; 7];
    let n = weights.len();
    for period in [Period::Month, Period::Week, Period::Day] {
        let sel = Selector::new(&catalog(&weights))
            .unwrap()
            .with_policy(Some(Surface::Popup), Policy::Cycle { period });
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let mut starts = [0u64; 7];
        for s in 0..7000 {
            let subject = format!("user-{}", rng.random_range(0..u64::MAX));
            let mut at = datetime!(2025-11-20 09:00 +7);
            let mut seen = Vec::new();
            for _ in 0..n {
                let req = Request::new(Surface::Popup)
                    .subject_key(subject.clone())
                    .at(at);
                let p = sel.pick(&req).unwrap();
                assert_eq!(p.policy, Policy::Cycle { period });
                seen.push(p.index);
                at = period.next_start(at);
            }
            starts[seen[0]] += 1;
            let mut d = seen.clone();
            d.sort_unstable();
            d.dedup();
            assert_eq!(d.len(), n, "subject {s} saw {seen:?}");
        }
        // Subjects are spread evenly over the messages in any one period.
        assert_fair(
            &format!("cycle {period:?} starts"),
            &starts,
            &[1.0 / 7.0; 7],
        );
    }
}

#[test]
fn time_sliced_shows_each_message_equally_often() {
    // Deterministic: every run of n consecutive periods shows each of the n
    // messages exactly once, whatever the start.
    let n = 7;
    let cat = catalog(&[1u32; 7]);
    for period in [Period::Day, Period::Week, Period::Month] {
        let sel = Selector::new(&cat)
            .unwrap()
            .with_policy(None, Policy::TimeSliced { period });
        let mut at = datetime!(2025-12-30 23:00 +7);
        let mut seq = Vec::new();
        for _ in 0..10 * n {
            // Everyone sees the same message within a period.
            let a = sel.pick(&Request::new(Surface::Billboard).at(at)).unwrap();
            let b = sel
                .pick(
                    &Request::new(Surface::Billboard)
                        .subject_key("someone")
                        .at(period.next_start(at) - time::Duration::SECOND),
                )
                .unwrap();
            assert_eq!(a.index, b.index, "{period:?} at {at}");
            seq.push(a.index);
            at = period.next_start(at);
        }
        for w in seq.windows(n) {
            let mut d = w.to_vec();
            d.sort_unstable();
            assert_eq!(d, (0..n).collect::<Vec<_>>(), "{period:?}: {seq:?}");
        }
    }
}

#[test]
fn random_policy_follows_weights_and_is_seedable() {
    let w = [1u32, 3, 6];
    let cat = catalog(&w);
    let policy = Policy::Random { seed: Some(9) };
    let a = Selector::new(&cat).unwrap().with_policy(None, policy);
    let b = Selector::new(&cat).unwrap().with_policy(None, policy);
    let req = Request::new(Surface::Receipt).at(AT);
    let mut counts = [0u64; 3];
    for _ in 0..20_000 {
        let x = a.pick(&req).unwrap().index;
        assert_eq!(x, b.pick(&req).unwrap().index);
        counts[x] += 1;
    }
    assert_fair("random, 20,000 draws", &counts, &[0.1, 0.3, 0.6]);
}
