//! Statistical properties that selection promises:
//! sticky shares follow the weights, adding a message moves few keys, cycle
//! shows every message once per n periods.

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
    let mut counts = [0u32; 24];
    for i in picks(&sel, &keys(n, 1)) {
        counts[i] += 1;
    }
    let mut worst = 0.0f64;
    for (i, (&c, &w)) in counts.iter().zip(&WEIGHTS).enumerate() {
        let share = 100.0 * f64::from(c) / n as f64;
        let want = f64::from(w); // total weight 100: weight = percent
        let diff = (share - want).abs();
        worst = worst.max(diff);
        assert!(diff <= 0.5, "m{i:02}: {share:.3}% vs {want}%");
    }
    eprintln!("sticky: worst share deviation over {n} keys = {worst:.4} pp");
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
        let changed = a.iter().zip(&b).filter(|(x, y)| x != y).count();
        // Every key that moved went to the new message.
        assert!(a.iter().zip(&b).all(|(x, y)| x == y || *y == 24));
        let pct = 100.0 * changed as f64 / keys.len() as f64;
        let share = 100.0 * f64::from(new_weight) / f64::from(100 + new_weight);
        eprintln!("added weight {new_weight} (share {share:.2}%): {pct:.2}% of keys changed");
        assert!(pct <= share + 2.0, "{pct:.2}% > {share:.2}% + 2 pp");
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
        let mut starts = [0u32; 7];
        for s in 0..1000 {
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
        // Subjects are spread over the messages (each ~1/7 of 1,000).
        assert!(
            starts.iter().all(|&c| (90..=200).contains(&c)),
            "{starts:?}"
        );
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
    let mut counts = [0u32; 3];
    for _ in 0..20_000 {
        let x = a.pick(&req).unwrap().index;
        assert_eq!(x, b.pick(&req).unwrap().index);
        counts[x] += 1;
    }
    for (c, w) in counts.iter().zip(w) {
        let share = f64::from(*c) / 20_000.0;
        assert!((share - f64::from(w) / 10.0).abs() < 0.02, "{counts:?}");
    }
}
