//! Trust per layer: the official base and an agency overlay are each
//! verified with their own keys and protected by their own version record,
//! whatever issuer a file declares; loads at once share the state directory
//! safely. Found in review 2 (T1, T2, T6, T7, T8); each test failed on the
//! code before the fix it is named for.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

use keymsg_core::catalog::{
    Catalog, CatalogError, LoadOptions, SignatureStatus, sibling_signature, sign,
};

use crate::catalog_trust::{Key, new_key, write};

/// A base catalog of one message naming `phone`.
fn base(version: u64, issuer: Option<&str>, phone: &str) -> String {
    let issuer = issuer
        .map(|i| format!("issuer = \"{i}\"\n"))
        .unwrap_or_default();
    format!(
        "version = {version}\n{issuer}[allow]\nphones = [\"{phone}\"]\n\
         [[messages]]\nid = \"m\"\ntopic = \"general\"\n[messages.text.th]\nlong = \"โทร {phone}\"\n"
    )
}

/// An overlay adding one message of its own.
fn overlay(version: u64, issuer: &str) -> String {
    format!(
        "version = {version}\nissuer = \"{issuer}\"\n[allow]\nphones = [\"1129\"]\n\
         [[messages]]\nid = \"agency-own\"\ntopic = \"t\"\n[messages.text.th]\nlong = \"โทร 1129\"\n"
    )
}

/// Write `text` as `name` in `dir`, signed with `key` when given.
/// `base` signed by the official key, `overlay` (if any) by the agency's.
fn options(
    base: &Path,
    official: &Key,
    overlay: Option<(&Path, &Key)>,
    state: &Path,
) -> LoadOptions {
    LoadOptions {
        catalog: Some(base.to_owned()),
        trusted_keys: vec![official.public.clone()],
        overlay: overlay.map(|(p, _)| p.to_owned()),
        overlay_keys: overlay.map(|(_, k)| k.public.clone()).into_iter().collect(),
        require_signature: true,
        state: Some(state.to_owned()),
        ..LoadOptions::default()
    }
}

fn strict(mut o: LoadOptions) -> LoadOptions {
    o.strict = true;
    o
}

fn first_text(c: &Catalog) -> String {
    c.messages()[0].text("th").unwrap().long.clone()
}

fn key_id(status: &SignatureStatus) -> &str {
    match status {
        SignatureStatus::Verified(info) => &info.key_id,
        other => panic!("not verified: {other:?}"),
    }
}

/// T1: a key trusted so that an agency can sign its overlay (kept on the
/// agency's servers) cannot sign the official base, and the official key
/// does not sign the overlay either: each layer has its own keys, and the
/// key that signed each layer is reported.
#[test]
fn an_overlay_key_cannot_sign_the_base_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let (official, agency) = (new_key(), new_key());
    let b = write(
        dir.path(),
        "base.toml",
        &base(7, Some("ETDA"), "1441"),
        Some(&official),
    );
    let o = write(
        dir.path(),
        "overlay.toml",
        &overlay(1, "PEA"),
        Some(&agency),
    );
    let opts = options(&b, &official, Some((&o, &agency)), &state);
    let c = Catalog::load(&opts).unwrap();
    let layers = &c.trust().layers;
    assert_eq!(key_id(&layers[0].signature), official.public.id());
    assert_eq!(key_id(&layers[1].signature), agency.public.id());

    // The agency key (or whoever took it from a billing server) signs a
    // base with a scam number, under a fresh issuer name.
    write(
        dir.path(),
        "base.toml",
        &base(8, Some("ETDA "), "0812345678"),
        Some(&agency),
    );
    let e = Catalog::load(&strict(opts.clone())).unwrap_err();
    assert!(matches!(e, CatalogError::UntrustedKey { .. }), "{e}");
    assert!(e.to_string().contains("base"), "{e}");
    // Not strict: the official catalog keeps serving.
    let c = Catalog::load(&opts).unwrap();
    assert_eq!(c.version(), 7);
    assert!(c.trust().fallback().is_some());
    assert!(!first_text(&c).contains("0812345678"));

    // The official key is not an overlay key.
    write(
        dir.path(),
        "base.toml",
        &base(7, Some("ETDA"), "1441"),
        Some(&official),
    );
    write(
        dir.path(),
        "overlay.toml",
        &overlay(2, "PEA"),
        Some(&official),
    );
    let e = Catalog::load(&strict(opts)).unwrap_err();
    assert!(matches!(e, CatalogError::UntrustedKey { .. }), "{e}");
    assert!(e.to_string().contains("overlay"), "{e}");
}

/// T1, compatibility: a configuration with only `trusted_keys` still means
/// "keys for the base"; a signed overlay then needs its own key.
#[test]
fn base_keys_alone_trust_the_base_and_a_signed_overlay_needs_an_overlay_key() {
    let dir = tempfile::tempdir().unwrap();
    let official = new_key();
    let b = write(
        dir.path(),
        "base.toml",
        &base(7, Some("ETDA"), "1441"),
        Some(&official),
    );
    let o = write(
        dir.path(),
        "overlay.toml",
        &overlay(1, "PEA"),
        Some(&official),
    );
    let mut opts = options(&b, &official, None, &dir.path().join("state"));
    Catalog::load(&opts).unwrap();
    opts.overlay = Some(o);
    opts.strict = true;
    let e = Catalog::load(&opts).unwrap_err();
    assert!(matches!(e, CatalogError::BadKey { .. }), "{e}");
    assert!(e.to_string().contains("overlay_keys"), "{e}");
}

/// T2: rollback protection is per layer, not per the `issuer` a file
/// declares: an old, validly signed catalog with another issuer spelling,
/// or none, is still a rollback.
#[test]
fn rollback_is_refused_whatever_issuer_the_old_file_declares() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let key = new_key();
    let p = write(
        dir.path(),
        "c.toml",
        &base(9, Some("ETDA"), "1441"),
        Some(&key),
    );
    let opts = options(&p, &key, None, &state);
    Catalog::load(&opts).unwrap();
    for (version, issuer) in [(1, None), (2, Some("ETDA (old name)"))] {
        write(
            dir.path(),
            "c.toml",
            &base(version, issuer, "1111"),
            Some(&key),
        );
        let e = Catalog::load(&strict(opts.clone())).unwrap_err();
        assert!(
            matches!(e, CatalogError::Rollback { found, highest: 9, .. } if found == version),
            "{e}"
        );
        let c = Catalog::load(&opts).unwrap();
        assert_eq!(c.version(), 9, "the last good catalog serves");
        assert!(c.trust().fallback().is_some());
    }
}

/// T2: an overlay declaring the official issuer with a huge version has its
/// own record, so the next official catalog is still accepted.
#[test]
fn an_overlay_declaring_the_official_issuer_does_not_block_official_updates() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let (official, agency) = (new_key(), new_key());
    let b = write(
        dir.path(),
        "base.toml",
        &base(7, Some("ETDA"), "1441"),
        Some(&official),
    );
    let o = write(
        dir.path(),
        "overlay.toml",
        &overlay(1000, "ETDA"),
        Some(&agency),
    );
    let opts = strict(options(&b, &official, Some((&o, &agency)), &state));
    assert_eq!(Catalog::load(&opts).unwrap().version(), 7);
    write(
        dir.path(),
        "base.toml",
        &base(8, Some("ETDA"), "1441"),
        Some(&official),
    );
    let c = Catalog::load(&opts).unwrap();
    assert_eq!(c.version(), 8);
    assert_eq!(c.trust().layers[1].version, 1000);
    // ...and the overlay's own record still protects the overlay.
    write(
        dir.path(),
        "overlay.toml",
        &overlay(999, "ETDA"),
        Some(&agency),
    );
    let e = Catalog::load(&opts).unwrap_err();
    assert!(
        matches!(
            e,
            CatalogError::Rollback {
                found: 999,
                highest: 1000,
                ..
            }
        ),
        "{e}"
    );
}

/// T2, upgrade: a `versions.json` written by an older keymsg (records per
/// declared issuer) still protects the layer it belongs to, found by the
/// hash of the layer's last good copy, whatever the new file declares.
#[test]
fn a_versions_file_of_an_older_keymsg_still_protects() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let key = new_key();
    let v9 = base(9, Some("ETDA"), "1441");
    let p = write(dir.path(), "c.toml", &v9, Some(&key));
    let opts = strict(options(&p, &key, None, &state));
    Catalog::load(&opts).unwrap();
    let hash = sha256_hex(v9.as_bytes());
    std::fs::write(
        state.join("versions.json"),
        format!(r#"{{"issuers": {{"ETDA": {{"version": 9, "sha256": "{hash}"}}}}}}"#),
    )
    .unwrap();
    write(
        dir.path(),
        "c.toml",
        &base(1, Some("renamed"), "1111"),
        Some(&key),
    );
    let e = Catalog::load(&opts).unwrap_err();
    assert!(
        matches!(
            e,
            CatalogError::Rollback {
                found: 1,
                highest: 9,
                ..
            }
        ),
        "{e}"
    );
    // A newer file is accepted and recorded for its layer.
    write(dir.path(), "c.toml", &base(10, None, "1441"), Some(&key));
    Catalog::load(&opts).unwrap();
    let versions = std::fs::read_to_string(state.join("versions.json")).unwrap();
    assert!(versions.contains("\"layers\""), "{versions}");
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// T6: with a key trusted for a layer, a signature is required for it even
/// when `require_signature` is off: deleting the `.minisig` of a forged
/// file (refused for its bad signature) does not make it load as unsigned.
#[test]
fn a_trusted_key_requires_a_signature_so_stripping_it_does_not_help() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let (official, agency) = (new_key(), new_key());
    let b = write(
        dir.path(),
        "base.toml",
        &base(7, Some("ETDA"), "1441"),
        Some(&official),
    );
    let o = write(
        dir.path(),
        "overlay.toml",
        &overlay(1, "PEA"),
        Some(&agency),
    );
    let mut opts = options(&b, &official, Some((&o, &agency)), &state);
    opts.require_signature = false;
    Catalog::load(&opts).unwrap();
    // A forged base with a bad signature is refused; without it, too.
    std::fs::write(&b, base(8, Some("ETDA"), "0812345678")).unwrap();
    let e = Catalog::load(&strict(opts.clone())).unwrap_err();
    assert!(matches!(e, CatalogError::SignatureInvalid { .. }), "{e}");
    std::fs::remove_file(sibling_signature(&b)).unwrap();
    let e = Catalog::load(&strict(opts.clone())).unwrap_err();
    assert!(matches!(e, CatalogError::SignatureMissing { .. }), "{e}");
    let c = Catalog::load(&opts).unwrap();
    assert_eq!(c.version(), 7);
    assert!(!first_text(&c).contains("0812345678"));
    // The same for the overlay, with its own key.
    write(
        dir.path(),
        "base.toml",
        &base(7, Some("ETDA"), "1441"),
        Some(&official),
    );
    write(dir.path(), "overlay.toml", &overlay(2, "PEA"), None);
    let e = Catalog::load(&strict(opts)).unwrap_err();
    assert!(matches!(e, CatalogError::SignatureMissing { .. }), "{e}");
    assert!(e.to_string().contains("overlay"), "{e}");
}

/// T7: loads recording at the same time (threads here; processes take the
/// same file lock) neither fail with a state error nor lose a record: the
/// highest version wins, and the last good copy is that file with its own
/// signature. The old code shared one temporary name per process and read,
/// changed and wrote `versions.json` unlocked.
#[test]
fn loads_at_once_keep_every_record_and_a_matching_last_good_copy() {
    for round in 0..10 {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state");
        let key = std::sync::Arc::new(new_key());
        let threads: Vec<_> = (0..6u64)
            .map(|t| {
                let (dir, state, key) = (dir.path().to_owned(), state.clone(), key.clone());
                std::thread::spawn(move || {
                    // Different sizes, so that torn files would show.
                    let issuer = format!("ETDA{}", "x".repeat(t as usize * 50 + round));
                    let text = base(5 + t, Some(&issuer), "1441");
                    let p = write(&dir, &format!("c{t}.toml"), &text, Some(&key));
                    Catalog::load(&options(&p, &key, None, &state))
                })
            })
            .collect();
        for t in threads {
            // A lower version arriving after a higher one serves the last
            // good catalog; nothing fails.
            let c = t.join().unwrap().unwrap();
            if let Some((_, e)) = c.trust().fallback() {
                assert!(
                    matches!(e, CatalogError::Rollback { .. }),
                    "round {round}: {e}"
                );
            }
        }
        let versions: serde_json::Value =
            serde_json::from_slice(&std::fs::read(state.join("versions.json")).unwrap()).unwrap();
        assert_eq!(
            versions["layers"]["base"]["version"], 10,
            "round {round}: {versions}"
        );
        // The copy and its signature are of the same file: it serves.
        let copy = dir.path().join("copy.toml");
        std::fs::copy(state.join("last-good-base.toml"), &copy).unwrap();
        std::fs::copy(
            state.join("last-good-base.toml.minisig"),
            sibling_signature(&copy),
        )
        .unwrap();
        let c = Catalog::load(&options(&copy, &key, None, &state)).unwrap();
        assert_eq!(c.version(), 10);
        assert!(c.trust().fallback().is_none());
        let leftovers: Vec<_> = std::fs::read_dir(&state)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}

/// T8: the last good copy is served only when it is the file the layer's
/// record in `versions.json` names: an older, validly signed catalog put in
/// its place (or a copy whose record is gone) is not served when the
/// current file is refused.
#[test]
fn a_last_good_copy_other_than_the_recorded_file_is_not_served() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let key = new_key();
    let old = base(1, Some("ETDA"), "1111");
    let old_sig = sign(old.as_bytes(), &key.secret, None, "c.toml", None, "k").unwrap();
    let p = write(
        dir.path(),
        "c.toml",
        &base(9, Some("ETDA"), "1441"),
        Some(&key),
    );
    let opts = options(&p, &key, None, &state);
    Catalog::load(&opts).unwrap();
    // The genuine copy serves when the file is refused (its signature gone).
    std::fs::remove_file(sibling_signature(&p)).unwrap();
    assert_eq!(Catalog::load(&opts).unwrap().version(), 9);
    // An older signed catalog in its place does not.
    std::fs::write(state.join("last-good-base.toml"), &old).unwrap();
    std::fs::write(state.join("last-good-base.toml.minisig"), &old_sig).unwrap();
    let e = Catalog::load(&opts).unwrap_err();
    assert!(matches!(e, CatalogError::SignatureMissing { .. }), "{e}");
}
