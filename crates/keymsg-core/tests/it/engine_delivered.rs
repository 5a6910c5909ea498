//! Counted means delivered: encoding happens before the count, a footer that
//! fails after selection is never counted, and a failed delivery withdraws
//! its count.

#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
use keymsg_core::catalog::{CatalogError, Format, ProblemKind};
use keymsg_core::layout::{Encoding, LayoutError, Profile, decode, width};
use keymsg_core::store::{Store, StoreOptions};
use keymsg_core::{Catalog, Error, Surface};
use keymsg_core::{Engine, FooterRequest, Undelivered};
use time::macros::datetime;

/// One receipt message a TIS-620 printer cannot print (curly quotes), one it can.
const CATALOG: &str = r#"
version = 3
[allow]
phones = ["1441"]
[[messages]]
id = "curly"
topic = "impersonation"
surfaces = ["receipt"]
[messages.text.th]
long = "สาย “ทายซิใครเอ่ย” ขอยืมเงิน โทร 1441"
[[messages]]
id = "plain"
topic = "impersonation"
surfaces = ["invoice"]
[messages.text.th]
long = "อย่าเชื่อ อย่ารีบ อย่าโอน หากสงสัยโปรดโทรสายด่วน 1441 ได้ตลอด 24 ชั่วโมง ทุกวันไม่เว้นวันหยุดราชการ"
"#;

fn catalog() -> Catalog {
    Catalog::from_str_as(CATALOG, Format::Toml, "test.toml").unwrap()
}

const AT: time::OffsetDateTime = datetime!(2026-03-10 09:00 +07:00);

fn documents(engine: &Engine) -> u64 {
    engine
        .report("2026-03".parse().unwrap())
        .unwrap()
        .totals
        .documents
}

fn receipt(key: &str) -> FooterRequest {
    FooterRequest {
        surface: Some(Surface::Receipt),
        at: Some(AT),
        ..FooterRequest::new().key(key)
    }
}

#[test]
fn a_footer_that_cannot_be_encoded_is_an_error_and_is_never_counted() {
    let engine = Engine::builder()
        .catalog(catalog())
        .in_memory_store()
        .build()
        .unwrap();
    let err = engine
        .footer(&receipt("INV-1").encoding(Encoding::Tis620))
        .unwrap_err();
    match &err {
        Error::Layout(LayoutError::MessageUnencodable {
            message_id,
            ch,
            encoding,
            ..
        }) => {
            assert_eq!(message_id, "curly");
            assert_eq!(*ch, '“');
            assert_eq!(*encoding, "tis-620");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("curly"), "{err}");
    assert_eq!(documents(&engine), 0, "failed after selection: not counted");
    // CP874 has the curly quotes: printed, encoded and counted.
    let ok = engine
        .footer(&receipt("INV-1").encoding(Encoding::Cp874))
        .unwrap();
    assert!(ok.counted);
    assert_eq!(decode(ok.bytes(), Encoding::Cp874).unwrap(), ok.text);
    assert_eq!(documents(&engine), 1);
    // UTF-8 (the default) has no separate bytes.
    let utf8 = engine.footer(&receipt("INV-2")).unwrap();
    assert_eq!(utf8.encoded, None);
    assert_eq!(utf8.bytes(), utf8.text.as_bytes());
}

#[test]
fn a_cut_for_tis_620_ends_with_three_dots_and_prints() {
    // One line of 24 columns cuts the message before its hotline: refused
    // unless lossy output is allowed, and then printed but never counted.
    let tiny = Profile::columns("tiny", 24, Some(1)).unwrap();
    let engine = Engine::builder()
        .catalog(catalog())
        .profile(tiny)
        .in_memory_store()
        .allow_lossy(true)
        .build()
        .unwrap();
    let req = FooterRequest {
        surface: Some(Surface::Invoice),
        at: Some(AT),
        ..FooterRequest::new().key("A").profile_name("tiny")
    };
    let utf8 = engine.footer(&req).unwrap();
    assert!(utf8.fit.truncated);
    assert!(utf8.text.ends_with('…'), "{}", utf8.text);
    let tis = engine
        .footer(&req.clone().encoding(Encoding::Tis620))
        .unwrap();
    assert!(tis.fit.truncated);
    assert!(tis.text.ends_with("..."), "{}", tis.text);
    assert!(width(&tis.text) <= 24);
    let bytes = tis.encoded.as_deref().unwrap();
    assert_eq!(decode(bytes, Encoding::Tis620).unwrap(), tis.text);
    assert!(tis.fit.truncated_core && utf8.fit.truncated_core);
    assert!(!tis.counted && !utf8.counted);
}

#[test]
fn a_printer_profile_refuses_a_catalog_it_cannot_print() {
    let pos = Profile::columns("pos", 32, Some(6))
        .unwrap()
        .with_encoding(Encoding::Tis620);
    let err = Engine::builder()
        .catalog(catalog())
        .profile(pos.clone())
        .build()
        .unwrap_err();
    let Error::Catalog(CatalogError::Invalid { problems, .. }) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems
            .iter()
            .all(|p| p.message_id.as_deref() == Some("curly")
                && matches!(p.kind, ProblemKind::Unencodable { .. }))
    );
    assert_eq!(problems[0].offset, Some(4));
    // The default catalog prints on every TIS-620 printer.
    Engine::builder().profile(pos).build().unwrap();
}

#[test]
fn a_failed_delivery_withdraws_its_count_and_a_retry_counts_once() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::builder()
        .catalog(catalog())
        .store_path(dir.path())
        .build()
        .unwrap();
    let keyed = |k: &str| FooterRequest {
        idempotency_key: Some(k.to_owned()),
        ..receipt(k)
    };
    // Delivered: counted.
    let r = engine
        .footer_delivered(&keyed("R-1"), |_| Ok::<(), std::io::Error>(()))
        .unwrap();
    assert!(r.counted);
    // The printer fails: the count is withdrawn, the key forgotten.
    let err = engine
        .footer_delivered(&keyed("R-2"), |_| Err(std::io::Error::other("paper out")))
        .unwrap_err();
    match err {
        Undelivered::Delivery {
            rendered,
            error,
            withdrawn,
        } => {
            assert!(rendered.counted, "it had been counted");
            assert_eq!(error.to_string(), "paper out");
            assert!(withdrawn.unwrap(), "and the count was withdrawn");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(documents(&engine), 1);
    // The retry prints and counts; a second retry is a duplicate.
    assert!(engine.footer(&keyed("R-2")).unwrap().counted);
    assert!(!engine.footer(&keyed("R-2")).unwrap().counted);
    assert_eq!(documents(&engine), 2);
    // A duplicate that fails to deliver withdraws nothing.
    let err = engine
        .footer_delivered(&keyed("R-2"), |_| Err(std::io::Error::other("jam")))
        .unwrap_err();
    assert!(matches!(
        err,
        Undelivered::Delivery {
            withdrawn: Ok(false),
            ..
        }
    ));
    assert_eq!(documents(&engine), 2);
    // An encoding failure is an engine error: nothing delivered, nothing counted.
    let err = engine
        .footer_delivered(&keyed("R-3").encoding(Encoding::Tis620), |_| {
            Ok::<(), std::io::Error>(())
        })
        .unwrap_err();
    assert!(matches!(err, Undelivered::Engine(Error::Layout(_))));
    assert_eq!(documents(&engine), 2);
    drop(engine);
    // What another process reads back agrees.
    let store = Store::open(dir.path(), StoreOptions::default()).unwrap();
    let rows = store
        .month_counts("2026-03".parse().unwrap(), None)
        .unwrap();
    assert_eq!(rows.iter().map(|r| r.count).sum::<u64>(), 2);
}

#[test]
fn withdrawing_what_was_never_counted_is_an_error() {
    use keymsg_core::store::{Counted, Insertion, StoreError};
    let ins = Insertion::new(AT, "a", Surface::Receipt, "m").with_key("k");
    for store in [Store::in_memory(), {
        let dir = tempfile::tempdir().unwrap();
        Store::open(dir.keep(), StoreOptions::default()).unwrap()
    }] {
        assert!(matches!(
            store.withdraw(&ins, Counted::New),
            Err(StoreError::NothingToWithdraw { .. })
        ));
        assert_eq!(store.count(&ins).unwrap(), Counted::New);
        store.withdraw(&ins, Counted::New).unwrap();
        assert!(store.withdraw(&ins, Counted::New).is_err(), "only once");
        // The key was forgotten with the count.
        assert_eq!(store.count(&ins).unwrap(), Counted::New);
        store.withdraw(&ins, Counted::Duplicate).unwrap();
        let rows = store
            .month_counts("2026-03".parse().unwrap(), None)
            .unwrap();
        assert_eq!(rows.iter().map(|r| r.count).sum::<u64>(), 1);
    }
}

/// A `deliver` that panics delivered nothing: its count is withdrawn before
/// the panic goes on, and a retry counts once.
#[test]
fn a_panicking_delivery_is_not_counted() {
    let engine = Engine::builder()
        .catalog(catalog())
        .in_memory_store()
        .build()
        .unwrap();
    let keyed = FooterRequest {
        idempotency_key: Some("P-1".to_owned()),
        ..receipt("P-1")
    };
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        engine.footer_delivered(&keyed, |_| -> Result<(), std::io::Error> {
            panic!("the printer driver crashed")
        })
    }));
    assert!(caught.is_err());
    assert_eq!(documents(&engine), 0);
    assert!(engine.footer(&keyed).unwrap().counted);
    assert_eq!(documents(&engine), 1);
}
