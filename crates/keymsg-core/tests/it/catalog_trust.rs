//! Trusted loading: signatures (minisign format), expiry, rollback, the
//! last good catalog and strict mode. Keys are made with the `minisign`
//! crate here; the CLI tests check both directions against the real
//! `minisign` tool.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

use keymsg_core::catalog::{
    Catalog, CatalogError, LoadOptions, SignatureStatus, TrustedKey, sibling_signature, sign,
};

/// A minisign key pair made for a test (also used by `catalog_trust_layers`).
pub(crate) struct Key {
    pub(crate) public: TrustedKey,
    pub(crate) secret: String,
}

pub(crate) fn new_key() -> Key {
    let kp = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    let public = TrustedKey::parse(&kp.pk.to_base64(), "test key").unwrap();
    let secret = kp.sk.to_box(None).unwrap().into_string();
    Key { public, secret }
}

fn catalog_text(version: u64, expires: Option<&str>, extra: &str) -> String {
    let expires = expires
        .map(|e| format!("expires = \"{e}\"\n"))
        .unwrap_or_default();
    format!(
        "version = {version}\nissuer = \"Test issuer\"\n{expires}[allow]\nphones = [\"1441\"]\n\
         [[messages]]\nid = \"m\"\ntopic = \"general\"\n[messages.text.th]\nlong = \"โทร 1441{extra}\"\n"
    )
}

/// Write `text` as `name` in `dir`, signed with `key` when given.
/// Write `text` as `dir/name`, signed by `key` (its `.minisig` beside it), or
/// unsigned (any old signature removed).
pub(crate) fn write(dir: &Path, name: &str, text: &str, key: Option<&Key>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    let sig = sibling_signature(&path);
    match key {
        Some(k) => {
            let s = sign(text.as_bytes(), &k.secret, None, name, None, "test key").unwrap();
            std::fs::write(sig, s).unwrap();
        }
        None => {
            let _ = std::fs::remove_file(sig);
        }
    }
    path
}

fn options(path: &Path, keys: &[&Key], state: Option<&Path>) -> LoadOptions {
    LoadOptions {
        catalog: Some(path.to_owned()),
        trusted_keys: keys.iter().map(|k| k.public.clone()).collect(),
        require_signature: true,
        state: state.map(Path::to_owned),
        ..LoadOptions::default()
    }
}

#[test]
fn a_signed_catalog_loads_and_reports_its_signature() {
    let dir = tempfile::tempdir().unwrap();
    let key = new_key();
    let p = write(dir.path(), "c.toml", &catalog_text(3, None, ""), Some(&key));
    let c = Catalog::load(&options(&p, &[&key], None)).unwrap();
    let layer = &c.trust().layers[0];
    match &layer.signature {
        SignatureStatus::Verified(info) => {
            assert_eq!(info.key_id, key.public.id());
            assert!(info.trusted_comment.contains("file:c.toml"), "{info:?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(layer.version, 3);
    assert!(c.trust().fallback().is_none());
}

#[test]
fn tampered_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let key = new_key();
    let p = write(dir.path(), "c.toml", &catalog_text(3, None, ""), Some(&key));
    // One changed byte, the file still a valid catalog.
    let mut bytes = std::fs::read(&p).unwrap();
    let at = bytes.windows(6).position(|w| w == b"issuer").unwrap() + 10;
    bytes[at] ^= 0x01;
    std::fs::write(&p, &bytes).unwrap();
    Catalog::from_path(&p).unwrap();
    let e = Catalog::load(&options(&p, &[&key], None)).unwrap_err();
    assert!(matches!(e, CatalogError::SignatureInvalid { .. }), "{e}");
    assert!(e.to_string().contains("changed after signing"), "{e}");
}

#[test]
fn truncated_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let key = new_key();
    let text = catalog_text(3, None, "");
    let p = write(dir.path(), "c.toml", &text, Some(&key));
    std::fs::write(&p, &text.as_bytes()[..text.len() - 20]).unwrap();
    let e = Catalog::load(&options(&p, &[&key], None)).unwrap_err();
    assert!(matches!(e, CatalogError::SignatureInvalid { .. }), "{e}");
}

#[test]
fn unsigned_file_is_refused_when_a_signature_is_required() {
    let dir = tempfile::tempdir().unwrap();
    let key = new_key();
    let p = write(dir.path(), "c.toml", &catalog_text(3, None, ""), None);
    let e = Catalog::load(&options(&p, &[&key], None)).unwrap_err();
    assert!(matches!(e, CatalogError::SignatureMissing { .. }), "{e}");
    assert!(e.to_string().contains("c.toml.minisig"), "{e}");
    // Not required and no key trusted: loads, reported as unsigned.
    let mut o = options(&p, &[], None);
    o.require_signature = false;
    let c = Catalog::load(&o).unwrap();
    assert_eq!(c.trust().layers[0].signature, SignatureStatus::Unsigned);
}

#[test]
fn signature_of_another_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let key = new_key();
    let other = write(
        dir.path(),
        "other.toml",
        &catalog_text(9, None, " ทันที"),
        Some(&key),
    );
    let p = write(dir.path(), "c.toml", &catalog_text(3, None, ""), None);
    let mut o = options(&p, &[&key], None);
    o.signature = Some(sibling_signature(&other));
    let e = Catalog::load(&o).unwrap_err();
    assert!(matches!(e, CatalogError::SignatureInvalid { .. }), "{e}");
}

#[test]
fn untrusted_key_is_refused_and_rotation_accepts_either_key() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new, stranger) = (new_key(), new_key(), new_key());
    let p = write(
        dir.path(),
        "c.toml",
        &catalog_text(3, None, ""),
        Some(&stranger),
    );
    let e = Catalog::load(&options(&p, &[&old, &new], None)).unwrap_err();
    match &e {
        CatalogError::UntrustedKey { key_id, .. } => assert_eq!(key_id, stranger.public.id()),
        other => panic!("{other}"),
    }
    for k in [&old, &new] {
        let p = write(dir.path(), "c.toml", &catalog_text(3, None, ""), Some(k));
        Catalog::load(&options(&p, &[&old, &new], None)).unwrap();
    }
}

#[test]
fn older_version_after_a_newer_one_is_refused_and_the_last_good_serves() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let key = new_key();
    let p = write(dir.path(), "c.toml", &catalog_text(5, None, ""), Some(&key));
    Catalog::load(&options(&p, &[&key], Some(&state))).unwrap();
    // An attacker replays version 4, validly signed back then.
    let p = write(
        dir.path(),
        "c.toml",
        &catalog_text(4, None, " ด่วน"),
        Some(&key),
    );
    let c = Catalog::load(&options(&p, &[&key], Some(&state))).unwrap();
    assert_eq!(c.version(), 5, "the last good catalog serves");
    let (layer, e) = c.trust().fallback().unwrap();
    assert_eq!(layer.version, 5);
    match e {
        CatalogError::Rollback { found, highest, .. } => assert_eq!((*found, *highest), (4, 5)),
        other => panic!("{other}"),
    }
    assert!(e.to_string().contains("version 4") && e.to_string().contains("version 5"));
    // Strict: an error instead.
    let mut o = options(&p, &[&key], Some(&state));
    o.strict = true;
    let e = Catalog::load(&o).unwrap_err();
    assert!(matches!(e, CatalogError::Rollback { .. }), "{e}");
}

#[test]
fn same_version_with_different_bytes_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let key = new_key();
    let p = write(dir.path(), "c.toml", &catalog_text(5, None, ""), Some(&key));
    Catalog::load(&options(&p, &[&key], Some(&state))).unwrap();
    // Loading the same file again is fine.
    Catalog::load(&options(&p, &[&key], Some(&state))).unwrap();
    let p = write(
        dir.path(),
        "c.toml",
        &catalog_text(5, None, " ทันที"),
        Some(&key),
    );
    let mut o = options(&p, &[&key], Some(&state));
    o.strict = true;
    let e = Catalog::load(&o).unwrap_err();
    assert!(
        matches!(e, CatalogError::VersionReused { version: 5, .. }),
        "{e}"
    );
}

#[test]
fn expired_catalog_is_refused_and_the_last_good_serves() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let key = new_key();
    let p = write(
        dir.path(),
        "c.toml",
        &catalog_text(5, Some("2099-12-31"), ""),
        Some(&key),
    );
    Catalog::load(&options(&p, &[&key], Some(&state))).unwrap();
    let p = write(
        dir.path(),
        "c.toml",
        &catalog_text(6, Some("2025-12-31"), ""),
        Some(&key),
    );
    let c = Catalog::load(&options(&p, &[&key], Some(&state))).unwrap();
    assert_eq!(c.version(), 5);
    let (_, e) = c.trust().fallback().unwrap();
    assert!(matches!(e, CatalogError::Expired { version: 6, .. }), "{e}");
    assert!(e.to_string().contains("2026-01-01T00:00:00+07:00"), "{e}");
    // Without a state directory there is nothing to fall back on.
    let e = Catalog::load(&options(&p, &[&key], None)).unwrap_err();
    assert!(matches!(e, CatalogError::Expired { .. }), "{e}");
}

#[test]
fn a_damaged_last_good_copy_is_not_served() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let key = new_key();
    let p = write(dir.path(), "c.toml", &catalog_text(5, None, ""), Some(&key));
    Catalog::load(&options(&p, &[&key], Some(&state))).unwrap();
    // Someone edits the kept copy: its signature no longer verifies.
    let copy = state.join("last-good-base.toml");
    let text = std::fs::read_to_string(&copy)
        .unwrap()
        .replace("โทร", "โทรหา");
    std::fs::write(&copy, text).unwrap();
    let p = write(dir.path(), "c.toml", &catalog_text(4, None, ""), Some(&key));
    let e = Catalog::load(&options(&p, &[&key], Some(&state))).unwrap_err();
    assert!(matches!(e, CatalogError::Rollback { .. }), "{e}");
}

#[test]
fn bad_keys_are_reported() {
    let e = TrustedKey::parse("RWnotakey", "k").unwrap_err();
    assert!(matches!(e, CatalogError::BadKey { .. }), "{e}");
    let key = new_key();
    let e = sign(b"x", &key.secret, Some("pw"), "f", None, "k").unwrap_err();
    assert!(e.to_string().contains("not password-protected"), "{e}");
    let e = sign(b"x", "garbage", None, "f", None, "k").unwrap_err();
    assert!(matches!(e, CatalogError::BadKey { .. }), "{e}");
}

#[test]
fn the_default_state_dir_lives_in_an_existing_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    assert_eq!(keymsg_core::catalog::default_state_dir(&store), None);
    keymsg_core::store::Store::open(&store, Default::default()).unwrap();
    assert_eq!(
        keymsg_core::catalog::default_state_dir(&store),
        Some(store.join(keymsg_core::catalog::STATE_IN_STORE))
    );
}

#[test]
fn the_state_remembers_fully_validated_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let key = new_key();
    let p = write(dir.path(), "c.toml", &catalog_text(5, None, ""), Some(&key));
    let first = Catalog::load(&options(&p, &[&key], Some(&state))).unwrap();
    let versions = std::fs::read_to_string(state.join("versions.json")).unwrap();
    let hash = versions.split("\"validated\"").nth(1).unwrap();
    assert!(hash.contains(env!("CARGO_PKG_VERSION")), "{versions}");
    // The second start takes the fast path and yields the same catalog.
    let again = Catalog::load(&options(&p, &[&key], Some(&state))).unwrap();
    assert_eq!(first.messages(), again.messages());
}

/// Review 2, T12: two trusted keys with the same key id (8 bytes anyone can
/// choose): a signature by either verifies, whichever is listed first. The
/// old code tried only the first key with the id.
#[test]
fn every_trusted_key_with_the_signatures_key_id_is_tried() {
    use ct_codecs::{Base64, Decoder, Encoder};
    let dir = tempfile::tempdir().unwrap();
    let decode = |k: &minisign::PublicKey| Base64::decode_to_vec(k.to_base64(), None).unwrap();
    let kp = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    let stranger = minisign::KeyPair::generate_unencrypted_keypair()
        .unwrap()
        .pk;
    // The genuine key's algorithm (2 bytes) and key id (8), another
    // Ed25519 key (32).
    let mut shadow = decode(&kp.pk);
    shadow[10..].copy_from_slice(&decode(&stranger)[10..]);
    let shadow = TrustedKey::parse(&Base64::encode_to_string(&shadow).unwrap(), "shadow").unwrap();
    let genuine = TrustedKey::parse(&kp.pk.to_base64(), "genuine").unwrap();
    assert_eq!(shadow.id(), genuine.id());
    let secret = kp.sk.to_box(None).unwrap().into_string();
    let text = catalog_text(3, None, "");
    let p = dir.path().join("c.toml");
    std::fs::write(&p, &text).unwrap();
    let sig = sign(text.as_bytes(), &secret, None, "c.toml", None, "k").unwrap();
    std::fs::write(sibling_signature(&p), sig).unwrap();
    for keys in [
        vec![shadow.clone(), genuine.clone()],
        vec![genuine.clone(), shadow.clone()],
    ] {
        let o = LoadOptions {
            catalog: Some(p.clone()),
            trusted_keys: keys,
            require_signature: true,
            ..LoadOptions::default()
        };
        let c = Catalog::load(&o).unwrap();
        assert!(matches!(
            c.trust().layers[0].signature,
            SignatureStatus::Verified(_)
        ));
    }
    // The shadow alone does not verify it.
    let o = LoadOptions {
        catalog: Some(p),
        trusted_keys: vec![shadow],
        require_signature: true,
        ..LoadOptions::default()
    };
    let e = Catalog::load(&o).unwrap_err();
    assert!(matches!(e, CatalogError::SignatureInvalid { .. }), "{e}");
}

/// Review 3: a load waited for the state directory's lock forever, so one
/// stuck process (stopped, or hung on a dead disk) holding it hung every
/// later start. The wait is bounded, the error names the lock file, and a
/// lock let go within the wait is taken.
#[test]
fn a_load_waits_for_the_state_lock_a_bounded_time() {
    use std::sync::mpsc;
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let key = new_key();
    let p = write(dir.path(), "c.toml", &catalog_text(5, None, ""), Some(&key));
    Catalog::load(&options(&p, &[&key], Some(&state))).unwrap();
    let p = write(dir.path(), "c.toml", &catalog_text(6, None, ""), Some(&key));
    let lock_path = state.join("versions.lock");
    let hold = || {
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(&lock_path)
            .unwrap();
        f.lock().unwrap();
        f
    };
    let load_in_thread = |strict: bool| {
        let (tx, rx) = mpsc::channel();
        let mut o = options(&p, &[&key], Some(&state));
        o.strict = strict;
        std::thread::spawn(move || {
            let start = Instant::now();
            let _ = tx.send((Catalog::load(&o).map(|c| c.version()), start.elapsed()));
        });
        rx
    };
    // Held throughout: the load gives up, naming the lock file.
    let held = hold();
    let (r, took) = load_in_thread(false)
        .recv_timeout(Duration::from_secs(60))
        .expect("the load still waits for the lock after a minute");
    let e = r.unwrap_err();
    assert!(matches!(e, CatalogError::State { .. }), "{e}");
    let text = e.to_string();
    assert!(
        text.contains(&lock_path.display().to_string()) && text.contains("for over 5 s"),
        "{text}"
    );
    assert!(took >= Duration::from_secs(5), "{took:?}");
    // Let go within the wait: the load takes the lock and records.
    let rx = load_in_thread(true);
    std::thread::sleep(Duration::from_millis(300));
    drop(held);
    let (r, _) = rx.recv_timeout(Duration::from_secs(60)).unwrap();
    assert_eq!(r.unwrap(), 6);
    // A refused file whose last good copy cannot be read for the lock says
    // both why the file was refused and what holds the copy.
    let _held = hold();
    write(dir.path(), "c.toml", &catalog_text(7, None, ""), None);
    let (r, _) = load_in_thread(false)
        .recv_timeout(Duration::from_secs(60))
        .unwrap();
    let text = r.unwrap_err().to_string();
    assert!(
        text.contains("versions.lock") && text.contains("c.toml.minisig"),
        "{text}"
    );
}

/// Review 3: deleting `versions.json` reset rollback protection (an older
/// signed file was then accepted as new). The layer's last good copy,
/// written only with its record, now stands in for a missing record as a
/// floor: deleting one file is not enough. The copy is still never served
/// without its record.
#[test]
fn deleting_versions_json_does_not_reset_rollback_protection() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let versions = state.join("versions.json");
    let key = new_key();
    let v5 = catalog_text(5, None, "");
    let load = |text: &str, strict: bool| {
        let p = write(dir.path(), "c.toml", text, Some(&key));
        let mut o = options(&p, &[&key], Some(&state));
        o.strict = strict;
        Catalog::load(&o)
    };
    load(&v5, false).unwrap();
    std::fs::remove_file(&versions).unwrap();
    // An older file, validly signed back then: refused, strict or not (the
    // copy has no record, so it does not serve either).
    for strict in [true, false] {
        match load(&catalog_text(4, None, " ด่วน"), strict).unwrap_err() {
            CatalogError::Rollback { found, highest, .. } => assert_eq!((found, highest), (4, 5)),
            other => panic!("{other}"),
        }
    }
    // Version 5 with other bytes.
    let e = load(&catalog_text(5, None, " ทันที"), true).unwrap_err();
    assert!(matches!(e, CatalogError::VersionReused { .. }), "{e}");
    assert!(!versions.exists(), "nothing refused is recorded");
    // The layer's entry removed by hand is the same as the file deleted.
    std::fs::create_dir_all(&state).unwrap();
    std::fs::write(&versions, r#"{"layers": {}}"#).unwrap();
    let e = load(&catalog_text(4, None, ""), true).unwrap_err();
    assert!(matches!(e, CatalogError::Rollback { .. }), "{e}");
    // The accepted file itself loads and records again: an older one then
    // falls back to the last good copy as before.
    assert_eq!(load(&v5, false).unwrap().version(), 5);
    let c = load(&catalog_text(4, None, ""), false).unwrap();
    assert_eq!(c.version(), 5);
    assert!(c.trust().fallback().is_some());
    // A copy whose version cannot be read, without a record: refuse to guess.
    std::fs::remove_file(&versions).unwrap();
    let copy = state.join("last-good-base.toml");
    std::fs::write(&copy, "not a catalog").unwrap();
    let e = load(&catalog_text(6, None, ""), false).unwrap_err();
    match &e {
        CatalogError::State { path, reason } => {
            assert_eq!(path, &copy.display().to_string());
            assert!(reason.contains("refusing to guess"), "{reason}");
        }
        other => panic!("{other}"),
    }
    // The limit, as docs/SECURITY.md says: whoever deletes the copy too
    // (can write the state directory) resets the layer.
    std::fs::remove_file(&copy).unwrap();
    assert_eq!(load(&catalog_text(4, None, ""), true).unwrap().version(), 4);
}
