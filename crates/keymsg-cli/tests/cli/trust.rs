//! Signed catalogs against the real `minisign` tool (Debian package
//! `minisign`), both directions: keys made by `minisign -G` (with and
//! without a password), files signed by `minisign -S` verified by keymsg,
//! files signed by `keymsg sign` verified by `minisign -V`. Then rollback,
//! expiry and the last good catalog through `footer`, `check` and `metrics`.
//!
//! Set `KEYMSG_SKIP_MINISIGN=1` to skip where the tool cannot be installed.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::{ok, run};

const PASSWORD: &str = "correct horse battery";

/// Whether `minisign` is here; panics when it is missing and the skip
/// variable is not set (a skipped security test must be a decision).
fn have_minisign() -> bool {
    if Command::new("minisign").arg("-v").output().is_ok() {
        return true;
    }
    if std::env::var_os("KEYMSG_SKIP_MINISIGN").is_some() {
        eprintln!("SKIPPED: minisign missing and KEYMSG_SKIP_MINISIGN=1");
        return false;
    }
    panic!(
        "these tests need the minisign tool (Debian: apt-get install minisign; \
         scripts/install-test-deps.sh installs it), or KEYMSG_SKIP_MINISIGN=1 to skip"
    );
}

/// `minisign ARGS` in `dir` with `input` on stdin; must succeed.
fn minisign(dir: &Path, args: &[&str], input: &str) -> String {
    use std::io::Write;
    let mut child = Command::new("minisign")
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "minisign {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A key pair by `minisign -G`: `name.pub`, `name.key`.
fn keypair(dir: &Path, name: &str, password: Option<&str>) {
    let (p, s) = (format!("{name}.pub"), format!("{name}.key"));
    match password {
        None => minisign(dir, &["-G", "-W", "-p", &p, "-s", &s], ""),
        Some(pw) => minisign(dir, &["-G", "-p", &p, "-s", &s], &format!("{pw}\n{pw}\n")),
    };
}

fn catalog(version: u64, expires: &str) -> String {
    format!(
        "version = {version}\nissuer = \"Anti-scam centre\"\nexpires = \"{expires}\"\n\
         [allow]\nphones = [\"1441\"]\n[[messages]]\nid = \"aoc\"\ntopic = \"general\"\n\
         [messages.text.th]\nlong = \"สงสัยว่าถูกหลอก โทร 1441 ได้ตลอด 24 ชั่วโมง (v{version})\"\n"
    )
}

#[test]
fn minisign_signed_catalog_verifies_in_keymsg_and_tampering_is_caught() {
    if !have_minisign() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    keypair(d, "plain", None);
    keypair(d, "locked", Some(PASSWORD));
    std::fs::write(d.join("c.toml"), catalog(3, "2099-01-01")).unwrap();
    minisign(
        d,
        &[
            "-S",
            "-s",
            "plain.key",
            "-m",
            "c.toml",
            "-t",
            "PEA catalog v3",
        ],
        "",
    );
    let out = ok(
        d,
        &[
            "check",
            "c.toml",
            "--trusted-key",
            "plain.pub",
            "--require-signature",
        ],
        "",
    );
    assert!(out.contains("signature: verified, key "), "{out}");
    assert!(out.contains("\"PEA catalog v3\""), "{out}");
    // A password-protected key signs too (the password on minisign's stdin).
    minisign(
        d,
        &[
            "-S",
            "-s",
            "locked.key",
            "-m",
            "c.toml",
            "-x",
            "c.locked.sig",
        ],
        &format!("{PASSWORD}\n"),
    );
    let key = std::fs::read_to_string(d.join("locked.pub")).unwrap();
    let key_b64 = key.lines().nth(1).unwrap();
    ok(
        d,
        &[
            "check",
            "c.toml",
            "--trusted-key",
            key_b64,
            "--signature",
            "c.locked.sig",
        ],
        "",
    );
    // One changed byte.
    let text = catalog(3, "2099-01-01").replace("(v3)", "(v4)");
    std::fs::write(d.join("c.toml"), text).unwrap();
    let out = run(d, &["check", "c.toml", "--trusted-key", "plain.pub"], "");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad signature") && err.contains("changed after signing"),
        "{err}"
    );
    // A key that is not trusted.
    std::fs::write(d.join("c.toml"), catalog(3, "2099-01-01")).unwrap();
    let out = run(d, &["check", "c.toml", "--trusted-key", "locked.pub"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a trusted key"));
}

#[test]
fn keymsg_signed_catalog_verifies_with_minisign() {
    if !have_minisign() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    keypair(d, "plain", None);
    keypair(d, "locked", Some(PASSWORD));
    std::fs::write(d.join("c.toml"), catalog(3, "2099-01-01")).unwrap();
    let out = ok(d, &["sign", "--secret-key", "plain.key", "c.toml"], "");
    assert!(out.contains("c.toml.minisig"), "{out}");
    let v = minisign(d, &["-V", "-p", "plain.pub", "-m", "c.toml"], "");
    assert!(v.contains("file:c.toml"), "{v}");
    // Password-protected key, password on stdin; explicit output path.
    ok(
        d,
        &[
            "sign",
            "--secret-key",
            "locked.key",
            "--password-file",
            "-",
            "c.toml",
            "-o",
            "locked.sig",
            "--trusted-comment",
            "v3 for PEA",
        ],
        &format!("{PASSWORD}\n"),
    );
    let v = minisign(
        d,
        &["-V", "-p", "locked.pub", "-m", "c.toml", "-x", "locked.sig"],
        "",
    );
    assert!(v.contains("v3 for PEA"), "{v}");
    // A wrong password, or none, is refused without writing anything.
    let out = run(
        d,
        &[
            "sign",
            "--secret-key",
            "locked.key",
            "--password-file",
            "-",
            "c.toml",
            "-o",
            "x.sig",
        ],
        "wrong\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Wrong password"));
    let out = run(
        d,
        &[
            "sign",
            "--secret-key",
            "locked.key",
            "c.toml",
            "-o",
            "x.sig",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("password-protected"));
    assert!(!d.join("x.sig").exists());
}

#[test]
fn refused_catalogs_leave_the_last_good_one_in_service() {
    if !have_minisign() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    keypair(d, "k", None);
    let trust = [
        "--trusted-key",
        "k.pub",
        "--require-signature",
        "--state",
        "st",
    ];
    let footer = |extra: &[&str]| {
        let mut args = vec![
            "footer",
            "--catalog",
            "c.toml",
            "--key",
            "INV-1",
            "--width",
            "48",
        ];
        args.extend(trust);
        args.extend(extra);
        run(d, &args, "")
    };
    let publish = |text: &str| {
        std::fs::write(d.join("c.toml"), text).unwrap();
        minisign(d, &["-S", "-s", "k.key", "-m", "c.toml"], "");
    };
    publish(&catalog(5, "2099-01-01"));
    let out = footer(&[]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("(v5)"));

    let refused = |why: &str| {
        let out = footer(&[]);
        assert!(out.status.success(), "the last good catalog serves");
        assert!(String::from_utf8_lossy(&out.stdout).contains("(v5)"));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(why) && err.contains("serving the last good base catalog, version 5"),
            "{err}"
        );
        let strict = footer(&["--strict"]);
        assert_eq!(strict.status.code(), Some(1), "--strict refuses");
        assert!(strict.stdout.is_empty());
        let mut args = vec!["check", "c.toml"];
        args.extend(trust);
        let check = run(d, &args, "");
        assert_eq!(check.status.code(), Some(1));
        let err = String::from_utf8_lossy(&check.stderr);
        assert!(
            err.contains("the last good base catalog (version 5) stays in service"),
            "{err}"
        );
    };
    // An older version, validly signed back then.
    publish(&catalog(4, "2099-01-01"));
    refused("older than version 5");
    // An unsigned file.
    std::fs::write(d.join("c.toml"), catalog(6, "2099-01-01")).unwrap();
    std::fs::remove_file(d.join("c.toml.minisig")).unwrap();
    refused("unsigned");
    // An expired one.
    publish(&catalog(7, "2025-12-31"));
    refused("expired");
    // One changed byte.
    publish(&catalog(8, "2099-01-01"));
    let text = catalog(8, "2099-01-01").replace("(v8)", "(v9)");
    std::fs::write(d.join("c.toml"), text).unwrap();
    refused("bad signature");

    // Metrics show the fallback.
    let mut args = vec!["metrics", "--store", "store", "--catalog", "c.toml"];
    args.extend(trust);
    std::fs::create_dir_all(d.join("store")).unwrap();
    ok(d, &["footer", "--store", "store", "--key", "x"], "");
    let m = ok(d, &args, "");
    assert!(
        m.contains("keymsg_catalog_last_good{layer=\"base\",source=\"c.toml\"} 1"),
        "{m}"
    );
    assert!(
        m.contains("keymsg_catalog_version{layer=\"base\",source=\"c.toml\"} 5"),
        "{m}"
    );
    // A good new version is accepted again.
    publish(&catalog(9, "2099-01-01"));
    let out = footer(&[]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("(v9)"));
    assert!(out.stderr.is_empty());
}

#[test]
fn check_json_reports_the_signature() {
    if !have_minisign() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    keypair(d, "k", None);
    std::fs::write(d.join("c.toml"), catalog(3, "2099-01-01")).unwrap();
    minisign(d, &["-S", "-s", "k.key", "-m", "c.toml", "-t", "tc"], "");
    let out = ok(
        d,
        &["check", "c.toml", "--trusted-key", "k.pub", "--json"],
        "",
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["version"], 3);
    let sig = &v["layers"][0]["signature"];
    assert_eq!(sig["status"], "verified");
    assert_eq!(sig["trusted_comment"], "tc");
    assert_eq!(sig["key_id"].as_str().unwrap().len(), 16);
    assert_eq!(v["layers"][0]["expires"], "2099-01-02T00:00:00+07:00");
}

#[test]
fn keymsg_toml_trust_section() {
    if !have_minisign() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    keypair(d, "k", None);
    std::fs::write(d.join("c.toml"), catalog(3, "2099-01-01")).unwrap();
    std::fs::write(
        d.join("keymsg.toml"),
        "catalog = \"c.toml\"\nstate = \"st\"\n[trust]\nkeys = [\"k.pub\"]\nrequire_signature = true\n",
    )
    .unwrap();
    let out = run(d, &["footer", "--key", "A"], "");
    assert_eq!(out.status.code(), Some(1), "unsigned is refused");
    assert!(String::from_utf8_lossy(&out.stderr).contains("unsigned"));
    minisign(d, &["-S", "-s", "k.key", "-m", "c.toml"], "");
    let out = ok(d, &["footer", "--key", "A"], "");
    assert!(out.contains("(v3)"), "{out}");
    assert!(d.join("st/versions.json").is_file());
}

const OVERLAY: &str = r#"version = 1
issuer = "PEA Chiang Mai"
[allow]
phones = ["053-123-456"]
[adjust.aoc-1441]
weight = 0
[[messages]]
id = "pea-cm"
topic = "impersonation"
priority = 5
[messages.text.th]
long = "การไฟฟ้าไม่โทรขอให้โอนเงิน สงสัยโทร 053-123-456"
"#;

#[test]
fn overlay_from_flag_and_keymsg_toml() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("agency.toml"), OVERLAY).unwrap();
    let out = ok(
        d,
        &[
            "footer",
            "--overlay",
            "agency.toml",
            "--key",
            "A",
            "--width",
            "48",
        ],
        "",
    );
    assert!(out.contains("053-123-456"), "{out}");
    let out = ok(d, &["check", "--overlay", "agency.toml"], "");
    assert!(out.contains("overlay agency.toml (version 1)"), "{out}");
    std::fs::write(d.join("keymsg.toml"), "overlay = \"agency.toml\"\n").unwrap();
    let out = ok(d, &["popup", "--key", "u1"], "");
    assert!(out.contains("053-123-456"), "{out}");
    // Replacing an official message is refused, naming the overlay file.
    std::fs::write(
        d.join("agency.toml"),
        OVERLAY.replace("id = \"pea-cm\"", "id = \"aoc-1441\""),
    )
    .unwrap();
    let out = run(d, &["footer", "--key", "A"], "");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("overlay ")
            && err.contains("agency.toml: message `aoc-1441`")
            && err.contains("cannot replace"),
        "{err}"
    );
}

/// Review 2, T1: `--overlay-key` / `[trust] overlay_keys` trust a key for
/// the overlay only; `--trusted-key` / `[trust] keys` for the catalog only.
/// An overlay key signing the catalog is refused by `check` and `footer`.
#[test]
fn overlay_keys_sign_only_the_overlay() {
    if !have_minisign() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    keypair(d, "official", None);
    keypair(d, "agency", None);
    // The overlay adjusts the catalog's message `aoc-1441`.
    let base = catalog(3, "2099-01-01").replace("id = \"aoc\"", "id = \"aoc-1441\"");
    std::fs::write(d.join("c.toml"), base).unwrap();
    std::fs::write(d.join("agency.toml"), OVERLAY).unwrap();
    minisign(d, &["-S", "-s", "official.key", "-m", "c.toml"], "");
    minisign(d, &["-S", "-s", "agency.key", "-m", "agency.toml"], "");
    let flags = [
        "c.toml",
        "--overlay",
        "agency.toml",
        "--trusted-key",
        "official.pub",
        "--overlay-key",
        "agency.pub",
        "--require-signature",
        "--json",
    ];
    let out = ok(d, &[&["check"][..], &flags].concat(), "");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["layers"][1]["signature"]["status"], "verified", "{out}");
    // Without `--overlay-key` the agency's signature is not trusted.
    let out = run(
        d,
        &[
            "check",
            "c.toml",
            "--overlay",
            "agency.toml",
            "--trusted-key",
            "official.pub",
            "--trusted-key",
            "agency.pub",
            "--require-signature",
        ],
        "",
    );
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("overlay_keys"));
    // The agency key signs the catalog: refused, from flags and from keymsg.toml.
    minisign(d, &["-S", "-s", "agency.key", "-m", "c.toml"], "");
    let out = run(d, &[&["check"][..], &flags].concat(), "");
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a trusted key"));
    std::fs::write(
        d.join("keymsg.toml"),
        "catalog = \"c.toml\"\noverlay = \"agency.toml\"\n[trust]\nkeys = [\"official.pub\"]\n\
         overlay_keys = [\"agency.pub\"]\nrequire_signature = true\n",
    )
    .unwrap();
    let out = run(d, &["footer", "--key", "A"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a trusted key"));
    minisign(d, &["-S", "-s", "official.key", "-m", "c.toml"], "");
    let out = ok(d, &["footer", "--key", "A", "--width", "48"], "");
    assert!(out.contains("053-123-456") || out.contains("(v3)"), "{out}");
}

/// Review 3, T13: a postgres:// store had no default trust state, so a
/// fleet host had no rollback protection unless `state` was configured (a
/// store directory gets STORE/catalog-trust). The trust state now defaults
/// to the host's journal, JOURNAL/catalog-trust, found as the store does
/// (flag, config `journal`, `$KEYMSG_JOURNAL`): kept per host like the
/// last good copy, so a load never waits on the network.
#[test]
fn a_fleet_host_keeps_its_trust_state_in_its_journal() {
    if !have_minisign() {
        return;
    }
    let Some(pg) = keymsg_pgtest::PgServer::start() else {
        return;
    };
    let url = pg.create_db("trust_home");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    keypair(d, "k", None);
    let publish = |text: &str| {
        std::fs::write(d.join("c.toml"), text).unwrap();
        minisign(d, &["-S", "-s", "k.key", "-m", "c.toml"], "");
    };
    let footer = |store: &str, extra: &[&str]| {
        let mut args = vec![
            "footer",
            "--catalog",
            "c.toml",
            "--trusted-key",
            "k.pub",
            "--key",
            "INV-1",
            "--width",
            "48",
            "--store",
            store,
        ];
        args.extend(extra);
        run(d, &args, "")
    };
    publish(&catalog(5, "2099-01-01"));
    // The first start makes the journal; the second records the catalog.
    for _ in 0..2 {
        let out = footer(&url, &["--journal", "journal"]);
        assert!(out.status.success(), "{out:?}");
    }
    assert!(d.join("journal/catalog-trust/versions.json").is_file());
    // An older version, validly signed back then: refused on this host,
    // also with the fleet store down.
    publish(&catalog(4, "2099-01-01"));
    for store in [url.as_str(), "postgres://keymsg@127.0.0.1:1/fleet"] {
        let out = footer(store, &["--journal", "journal"]);
        assert!(out.status.success(), "the last good catalog serves");
        assert!(String::from_utf8_lossy(&out.stdout).contains("(v5)"));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("older than version 5")
                && err.contains("serving the last good base catalog, version 5"),
            "{err}"
        );
        let out = footer(store, &["--journal", "journal", "--strict"]);
        assert_eq!(out.status.code(), Some(1), "--strict refuses");
    }
    // The journal from keymsg.toml, and from $KEYMSG_JOURNAL.
    std::fs::write(
        d.join("keymsg.toml"),
        format!("store = \"{url}\"\njournal = \"journal\"\n"),
    )
    .unwrap();
    let args = [
        "footer",
        "--catalog",
        "c.toml",
        "--trusted-key",
        "k.pub",
        "--key",
        "INV-2",
        "--strict",
    ];
    assert_eq!(run(d, &args, "").status.code(), Some(1));
    std::fs::remove_file(d.join("keymsg.toml")).unwrap();
    let out = crate::keymsg(d)
        .env("KEYMSG_JOURNAL", d.join("journal"))
        .args(args)
        .args(["--store", &url])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    // Commands that read the store (metrics, report) and record find it too.
    let trust = ["--catalog", "c.toml", "--trusted-key", "k.pub"];
    let with = |cmd: &[&str]| {
        let mut a = cmd.to_vec();
        a.extend(["--store", &url, "--journal", "journal"]);
        a.extend(trust);
        run(d, &a, "")
    };
    let m = with(&["metrics"]);
    assert!(m.status.success(), "{m:?}");
    assert!(
        String::from_utf8_lossy(&m.stdout)
            .contains("keymsg_catalog_last_good{layer=\"base\",source=\"c.toml\"} 1"),
        "{m:?}"
    );
    for cmd in [
        &[
            "report", "--month", "2026-03", "--format", "json", "--strict",
        ][..],
        &[
            "record",
            "--month",
            "2026-03",
            "--channel",
            "on-air",
            "--message",
            "aoc",
            "--count",
            "1",
            "--strict",
        ],
    ] {
        let out = with(cmd);
        assert_eq!(out.status.code(), Some(1), "{cmd:?}: {out:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("older than version 5"),
            "{cmd:?}: {out:?}"
        );
    }
}
