//! End-to-end tests of the `keymsg` binary: each runs the real executable in
//! a temporary directory (so no `keymsg.toml` or `$KEYMSG_CONFIG` of the
//! developer's leaks in) and checks stdout, stderr and the exit code.
// Test helpers outside `#[test]` functions may panic too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod billrun;
mod counting;
mod errors;
mod extras;
mod fleet_files;
mod fleet_pg;
mod form;
mod hostile;
mod month;
mod parity;
mod preview;
mod text;
mod trust;
mod usage;

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// A `keymsg` command run in `dir`, with no config from the environment.
pub fn keymsg(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_keymsg"));
    c.current_dir(dir).env_remove("KEYMSG_CONFIG");
    c
}

/// Run with `args`, stdin from `input`.
pub fn run(dir: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = keymsg(dir)
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
    child.wait_with_output().unwrap()
}

/// Run and require success; returns stdout.
pub fn ok(dir: &Path, args: &[&str], input: &str) -> String {
    let out = run(dir, args, input);
    assert!(
        out.status.success(),
        "keymsg {args:?} failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Run, require exit `code` and exactly one stderr line starting `keymsg:`;
/// returns that line.
pub fn fails(dir: &Path, args: &[&str], code: i32) -> String {
    let out = run(dir, args, "");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "keymsg {args:?}: wrong exit code; stderr: {stderr}"
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "keymsg {args:?}: want one line, got: {stderr}"
    );
    assert!(lines[0].starts_with("keymsg: "), "{stderr}");
    assert!(out.stdout.is_empty(), "no output on error");
    lines[0].to_owned()
}

/// Thai vowels and tone marks written above or below the letter before them
/// (MAI HAN-AKAT, SARA I..PHINTHU, MAITAIKHU..YAMAKKAN): they take no column.
pub fn is_thai_combining(c: char) -> bool {
    matches!(c, '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}')
}

/// Columns a Thai/ASCII line takes on a fixed-pitch printer, by the Thai
/// writing rule (combining marks stack, everything else advances one cell).
pub fn columns(line: &str) -> usize {
    line.chars().filter(|&c| !is_thai_combining(c)).count()
}
