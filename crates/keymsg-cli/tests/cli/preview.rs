//! `keymsg preview` renders in headless Chromium (Debian package `chromium`).
//! Without Chromium, or without a Thai font (Debian `fonts-tlwg-loma-ttf`), the
//! test fails, unless `KEYMSG_SKIP_CHROMIUM=1`.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::ok;

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// Screenshot `html` at 800 x 2000; returns the PNG bytes.
fn screenshot(browser: &Path, dir: &Path, html: &Path, name: &str) -> Vec<u8> {
    let png = dir.join(name);
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=800,2000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "chromium failed on {}: {}",
        html.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(&png).unwrap_or_else(|e| panic!("no screenshot {}: {e}", png.display()))
}

/// Width and height from the PNG's IHDR chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&png[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&png[16..20]), be(&png[20..24]))
}

#[test]
fn preview_renders_in_headless_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // The HTML is produced (and checked) whether or not Chromium is here.
    ok(
        dir,
        &["preview", "--profile", "receipt-58mm", "-o", "receipt.html"],
        "",
    );
    ok(
        dir,
        &["preview", "--profile", "popup", "-o", "popup.html"],
        "",
    );
    let receipt = std::fs::read_to_string(dir.join("receipt.html")).unwrap();
    assert!(receipt.starts_with("<!DOCTYPE html>"));
    assert!(receipt.contains("white-space: pre"));
    assert!(receipt.contains(&format!("<div class=\"rule\">{}</div>", "-".repeat(32))));
    assert!(
        std::fs::read_to_string(dir.join("popup.html"))
            .unwrap()
            .contains("class=\"phone\"")
    );

    let Some(browser) = chromium() else {
        if std::env::var_os("KEYMSG_SKIP_CHROMIUM").is_some_and(|v| v == "1") {
            eprintln!("chromium not found: skipped (KEYMSG_SKIP_CHROMIUM=1)");
            return;
        }
        panic!(
            "chromium not found on PATH: install it (`apt-get install -y --no-install-recommends chromium`) \
             or set KEYMSG_SKIP_CHROMIUM=1 to skip this check"
        );
    };
    // Without a Thai font every Thai letter renders as a box ("tofu"): the
    // page "renders" but shows nothing a person could check.
    if let Ok(fc) = Command::new("fc-list")
        .args([":lang=th", "family"])
        .output()
    {
        assert!(
            !String::from_utf8_lossy(&fc.stdout).trim().is_empty(),
            "no Thai font installed: Thai would render as boxes; install the Debian package \
             `fonts-tlwg-loma-ttf` (the Thai font of the receipt strip) or set KEYMSG_SKIP_CHROMIUM=1"
        );
    }
    std::fs::write(
        dir.join("blank.html"),
        "<!DOCTYPE html><html><body></body></html>",
    )
    .unwrap();
    let blank = screenshot(&browser, dir, &dir.join("blank.html"), "blank.png");
    for page in ["receipt", "popup"] {
        let png = screenshot(
            &browser,
            dir,
            &dir.join(format!("{page}.html")),
            &format!("{page}.png"),
        );
        assert_eq!(png_size(&png), (800, 2000), "{page}");
        // A blank page compresses to almost nothing; a page of Thai text does not.
        assert!(
            png.len() > 10 * blank.len().max(1000),
            "{page}.png looks blank: {} bytes (blank page: {} bytes)",
            png.len(),
            blank.len()
        );
    }
}

#[test]
fn preview_marks_truncation_and_escapes_html() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("c.toml"),
        "version = 3\n\
         [[messages]]\nid = \"long\"\ntopic = \"<b>topic</b>\"\n[messages.text.th]\n\
         long = \"อย่าโอนเงินให้คนที่ไม่รู้จักเด็ดขาด เพราะมิจฉาชีพมักหลอกให้โอนเงินเพื่อตรวจสอบบัญชี แล้วหายไปพร้อมเงินของท่าน\"\n\
         short = \"อย่าโอนเงินให้คนที่ไม่รู้จัก\"\n\
         [[messages]]\nid = \"tiny\"\ntopic = \"t & u\"\n[messages.text.th]\nlong = \"อย่าโอน\"\n",
    )
    .unwrap();
    let html = ok(
        dir,
        &[
            "preview",
            "--catalog",
            "c.toml",
            "--profile",
            "billboard",
            "--width",
            "12",
        ],
        "",
    );
    assert!(html.contains("&lt;b&gt;topic&lt;/b&gt;"), "topic escaped");
    assert!(!html.contains("<b>topic"));
    assert!(html.contains("t &amp; u"));
    assert!(
        html.contains("short variant") || html.contains(">truncated<"),
        "{html}"
    );
}
