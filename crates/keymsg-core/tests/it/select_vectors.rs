//! Runs every vector of `tests/vectors/selection.json` (shared with the C and
//! Python suites; format in `docs/SELECTION.md`).

// Test helpers outside #[test] functions may panic too (clippy.toml covers only the tests).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use keymsg_core::catalog::Format;
use keymsg_core::select::{Policy, Request, SelectError, Selector, Token, hash};
use keymsg_core::{Catalog, Surface};
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/selection.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn hex(s: &Value) -> u64 {
    u64::from_str_radix(s.as_str().unwrap(), 16).unwrap()
}

fn catalog(v: &Value) -> Catalog {
    Catalog::from_str_as(&v["catalog"].to_string(), Format::Json, "selection.json").unwrap()
}

#[test]
fn primitive_vectors() {
    let v = vectors();
    assert_eq!(v["format"], "keymsg-selection-vectors/1");
    let table: Vec<u32> = v["log2_table_q26"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as u32)
        .collect();
    assert_eq!(table, hash::LOG2_TABLE_Q26.to_vec());
    for f in v["fnv1a64"].as_array().unwrap() {
        assert_eq!(
            hash::fnv1a64(f["input"].as_str().unwrap().as_bytes()),
            hex(&f["hash"])
        );
    }
    for f in v["fmix64"].as_array().unwrap() {
        assert_eq!(hash::fmix64(hex(&f["input"])), hex(&f["output"]));
    }
    for k in v["key_hashes"].as_array().unwrap() {
        let key = k["key"].as_str().unwrap();
        assert_eq!(
            hash::canonical_key(key),
            k["canonical"].as_str().unwrap(),
            "{key:?}"
        );
        let want = |f: &str| k[f].as_str().map(|_| hex(&k[f]));
        assert_eq!(hash::sticky_key_hash(key), want("sticky_hash"), "{key:?}");
        assert_eq!(hash::cycle_key_hash(key), want("cycle_hash"), "{key:?}");
    }
    for m in v["message_hashes"].as_array().unwrap() {
        assert_eq!(
            hash::message_hash(m["id"].as_str().unwrap()),
            hex(&m["hash"])
        );
    }
    for n in v["neg_log2_q26"].as_array().unwrap() {
        assert_eq!(
            u64::from(hash::neg_log2_q26(hex(&n["x"]))),
            n["q26"].as_u64().unwrap(),
            "{n}"
        );
    }
}

#[test]
fn selection_vectors() {
    let v = vectors();
    let cat = catalog(&v);
    let base = Selector::new(&cat).unwrap();
    let cases = v["selections"].as_array().unwrap();
    assert!(cases.len() >= 30);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let surface: Surface = c["surface"].as_str().unwrap().parse().unwrap();
        let mut req = Request::new(surface)
            .lang(c["lang"].as_str().unwrap_or("th"))
            .at(OffsetDateTime::parse(c["at"].as_str().unwrap(), &Rfc3339).unwrap());
        req.document_key = c["document_key"].as_str().map(str::to_owned);
        req.subject_key = c["subject_key"].as_str().map(str::to_owned);
        req.sequence = c["sequence"].as_u64();
        let owned;
        let sel = match c["policy"].as_str() {
            Some(p) => {
                owned = Selector::new(&cat)
                    .unwrap()
                    .with_policy(Some(surface), p.parse::<Policy>().unwrap());
                &owned
            }
            None => &base,
        };
        let exp = &c["expected"];
        match sel.select(&req) {
            Ok(s) => {
                assert_eq!(s.message_id, exp["message_id"].as_str().unwrap(), "{name}");
                assert_eq!(
                    s.policy.to_string(),
                    exp["policy"].as_str().unwrap(),
                    "{name}"
                );
                assert_eq!(s.token.as_str(), exp["token"].as_str().unwrap(), "{name}");
                if !exp["key_hash"].is_null() {
                    let key = req
                        .document_key
                        .as_deref()
                        .or(req.subject_key.as_deref())
                        .unwrap();
                    let h = match s.policy {
                        Policy::Sticky => hash::sticky_key_hash(key),
                        _ => hash::cycle_key_hash(key),
                    };
                    assert_eq!(h, Some(hex(&exp["key_hash"])), "{name}");
                }
                // The explanation agrees with the selection and marks it eligible.
                let ex = sel.explain(&req);
                let chosen = ex.chosen.as_ref().unwrap();
                assert_eq!(chosen.message_id, s.message_id, "{name}");
                assert_eq!(
                    ex.candidates[chosen.index].verdict,
                    keymsg_core::select::Verdict::Eligible
                );
            }
            Err(SelectError::NothingEligible { .. }) => {
                assert_eq!(exp["error"], "nothing-eligible", "{name}");
                assert!(sel.explain(&req).chosen.is_none());
            }
            Err(e) => panic!("{name}: {e}"),
        }
    }
}

#[test]
fn token_vectors() {
    let v = vectors();
    let sel = Selector::new(&catalog(&v)).unwrap();
    for t in v["tokens"].as_array().unwrap() {
        let s = t["token"].as_str().unwrap();
        match (sel.replay(s), t["ok"].as_bool().unwrap()) {
            (Ok(m), true) => {
                assert_eq!(m.id, t["message_id"].as_str().unwrap());
                let tok = Token::parse(s).unwrap();
                assert_eq!(tok.catalog_version(), t["version"].as_u64().unwrap());
            }
            (Err(SelectError::BadToken { .. }), false) => {
                assert_eq!(t["error"], "bad-token", "{s}")
            }
            (Err(SelectError::UnknownMessage { .. }), false) => {
                assert_eq!(t["error"], "unknown-message", "{s}")
            }
            (r, ok) => panic!("{s}: expected ok={ok}, got {r:?}"),
        }
    }
}
