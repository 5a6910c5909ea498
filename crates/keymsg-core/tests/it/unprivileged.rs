//! Running a test body as an unprivileged user. Root ignores file
//! permissions, so a test of what a process may not write would prove nothing
//! when the suite runs as root, as CI does: there the one test is run again,
//! from a copy of this test binary, as `nobody` through `setpriv`.
//! `KEYMSG_SKIP_UNPRIVILEGED=1` lets a machine without `setpriv` skip such a
//! test with a message; without it, a test that cannot run fails.

// Test helpers outside #[test] functions may panic too.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

/// Set in the child, which then runs the body itself.
const CHILD: &str = "KEYMSG_TEST_UNPRIVILEGED";
const NOBODY: &str = "65534";

/// Whether this process writes files whose permissions forbid it (root, or a
/// process with the capability to override permissions).
fn permissions_ignored() -> bool {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("probe");
    std::fs::write(&f, "x").unwrap();
    let mut perm = std::fs::metadata(&f).unwrap().permissions();
    perm.set_readonly(true);
    std::fs::set_permissions(&f, perm).unwrap();
    std::fs::OpenOptions::new().write(true).open(&f).is_ok()
}

/// Run `body` where file permissions are enforced: directly, or as `nobody`
/// in a child running only `test` (its full name, e.g.
/// `store_faults::a_read_only_store_file_fails_at_open`) when this process
/// runs as root.
pub fn run(test: &str, body: impl FnOnce()) {
    if std::env::var_os(CHILD).is_some() {
        assert!(
            !permissions_ignored(),
            "the unprivileged child still writes read-only files"
        );
        body();
        return;
    }
    if !permissions_ignored() {
        body();
        return;
    }
    // The binary may sit below a directory `nobody` cannot enter (a checkout
    // in /root): run a copy from a directory everyone can read.
    let dir = tempfile::tempdir().unwrap();
    set_mode(dir.path(), 0o755);
    let exe = dir.path().join("it");
    std::fs::copy(std::env::current_exe().unwrap(), &exe).unwrap();
    set_mode(&exe, 0o755);
    let out = Command::new("setpriv")
        .args([
            &format!("--reuid={NOBODY}"),
            &format!("--regid={NOBODY}"),
            "--clear-groups",
            "--",
        ])
        .arg(&exe)
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .current_dir(dir.path())
        .output();
    let out = match out {
        Ok(out) => out,
        Err(e) => {
            if std::env::var_os("KEYMSG_SKIP_UNPRIVILEGED").is_some_and(|v| v == "1") {
                eprintln!("SKIPPED {test}: running as root and setpriv failed ({e})");
                return;
            }
            panic!(
                "{test} needs an unprivileged user (root ignores file permissions), \
                 but `setpriv` could not run: {e}. Install util-linux, run the \
                 tests as a normal user, or set KEYMSG_SKIP_UNPRIVILEGED=1 to skip it"
            );
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{test} as nobody:\n{stdout}{stderr}");
    assert!(out.status.success(), "{test} failed as nobody");
    // The filter matched the test, so the body really ran.
    assert!(
        stdout.contains("test result: ok. 1 passed"),
        "{test} did not run as nobody"
    );
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}
