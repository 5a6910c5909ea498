//! `keymsg preview` renders in headless Chromium (Debian package `chromium`).
//! Without Chromium, or without a Thai font (Debian `fonts-tlwg-loma-ttf`), the
//! test fails, unless `KEYMSG_SKIP_CHROMIUM=1`.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{fails, ok};

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

/// A decoded screenshot: 8-bit RGB(A) rows.
struct Image {
    width: usize,
    height: usize,
    /// Bytes per pixel (3 or 4).
    bpp: usize,
    rows: Vec<Vec<u8>>,
}

impl Image {
    /// Decode the 8-bit RGB or RGBA, non-interlaced PNG Chromium writes.
    fn decode(png: &[u8]) -> Image {
        use std::io::Read;
        let (width, height) = png_size(png);
        let (depth, color, interlace) = (png[24], png[25], png[28]);
        assert_eq!((depth, interlace), (8, 0), "unexpected PNG format");
        let bpp = match color {
            2 => 3,
            6 => 4,
            other => panic!("PNG colour type {other}"),
        };
        let mut idat = Vec::new();
        let mut at = 8;
        while at + 8 <= png.len() {
            let len = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
            if &png[at + 4..at + 8] == b"IDAT" {
                idat.extend_from_slice(&png[at + 8..at + 8 + len]);
            }
            at += 12 + len;
        }
        let mut raw = Vec::new();
        flate2::read::ZlibDecoder::new(&idat[..])
            .read_to_end(&mut raw)
            .unwrap();
        let (w, h) = (width as usize, height as usize);
        let stride = w * bpp;
        assert_eq!(raw.len(), h * (stride + 1), "PNG data size");
        let mut rows: Vec<Vec<u8>> = Vec::with_capacity(h);
        for y in 0..h {
            let filter = raw[y * (stride + 1)];
            let mut line = raw[y * (stride + 1) + 1..(y + 1) * (stride + 1)].to_vec();
            let zero = vec![0u8; stride];
            let prev = rows.last().unwrap_or(&zero);
            for x in 0..stride {
                let a = if x >= bpp { line[x - bpp] } else { 0 };
                let b = prev[x];
                let c = if x >= bpp { prev[x - bpp] } else { 0 };
                let add = match filter {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                    4 => {
                        let p = i16::from(a) + i16::from(b) - i16::from(c);
                        let (pa, pb, pc) = (
                            (p - i16::from(a)).abs(),
                            (p - i16::from(b)).abs(),
                            (p - i16::from(c)).abs(),
                        );
                        if pa <= pb && pa <= pc {
                            a
                        } else if pb <= pc {
                            b
                        } else {
                            c
                        }
                    }
                    f => panic!("PNG filter {f}"),
                };
                line[x] = line[x].wrapping_add(add);
            }
            rows.push(line);
        }
        Image {
            width: w,
            height: h,
            bpp,
            rows,
        }
    }

    fn rgb(&self, x: usize, y: usize) -> [u8; 3] {
        let p = &self.rows[y][x * self.bpp..];
        [p[0], p[1], p[2]]
    }

    /// Text ink: a pixel darker than mid-grey (the dashed rules are lighter).
    fn ink(&self, x: usize, y: usize) -> bool {
        let [r, g, b] = self.rgb(x, y).map(u32::from);
        (299 * r + 587 * g + 114 * b) / 1000 < 128
    }
}

/// The receipt strips fully inside the screenshot, top to bottom, each as the
/// number of text lines drawn on it: white cards on the grey page, found down
/// the column just inside their left edge, and in each, the bands of rows
/// with ink (gaps of up to 3 px, e.g. above a tone mark, stay in the line).
fn drawn_receipt_lines(img: &Image) -> Vec<usize> {
    const WHITE: [u8; 3] = [255, 255, 255];
    // The strips' left edge: the first column with 100 white pixels in a
    // row (white text on a badge is never that tall).
    let left = (0..img.width / 2)
        .find(|&x| {
            let mut run = 0;
            (0..img.height).any(|y| {
                run = if img.rgb(x, y) == WHITE { run + 1 } else { 0 };
                run >= 100
            })
        })
        .expect("no white receipt strip in the screenshot");
    let probe = left + 2;
    let mut cards = Vec::new();
    let mut y = 0;
    while y < img.height {
        if img.rgb(probe, y) != WHITE {
            y += 1;
            continue;
        }
        let top = y;
        while y < img.height && img.rgb(probe, y) == WHITE {
            y += 1;
        }
        if y == img.height {
            break; // cut off at the bottom of the screenshot
        }
        let right = (probe..img.width)
            .take_while(|&x| img.rgb(x, top + 1) == WHITE)
            .last()
            .unwrap();
        let mut bands = 0;
        let mut last_ink: Option<usize> = None;
        for row in top..y {
            if (probe..=right).any(|x| img.ink(x, row)) {
                if last_ink.is_none_or(|l| row - l > 4) {
                    bands += 1;
                }
                last_ink = Some(row);
            }
        }
        cards.push(bands);
    }
    cards
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
    // fc-list comes with fontconfig, which Chromium needs: a missing one is
    // a broken setup, not a reason to skip the font check.
    let fc = Command::new("fc-list")
        .args([":lang=th", "family"])
        .output()
        .unwrap_or_else(|e| panic!("fc-list (fontconfig) could not run: {e}"));
    assert!(
        !String::from_utf8_lossy(&fc.stdout).trim().is_empty(),
        "no Thai font installed: Thai would render as boxes; install the Debian package \
         `fonts-tlwg-loma-ttf` (the Thai font of the receipt strip) or set KEYMSG_SKIP_CHROMIUM=1"
    );
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
        if page == "receipt" {
            // Each strip shows exactly the lines the engine laid out for its
            // message, in page order: the HTML's lines, drawn.
            let drawn = drawn_receipt_lines(&Image::decode(&png));
            let laid_out: Vec<usize> = receipt
                .split("<div class=\"item\">")
                .skip(1)
                .map(|item| item.matches("<div class=\"line").count())
                .collect();
            assert!(drawn.len() >= 5, "only {} strips visible", drawn.len());
            assert_eq!(drawn, laid_out[..drawn.len()], "lines drawn per strip");
        }
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

/// The receipt strip's lines of a preview page, unescaped text only.
fn strip_lines(html: &str) -> Vec<String> {
    html.split("<div class=\"line")
        .skip(1)
        .filter_map(|rest| {
            let text = rest.split_once('>')?.1;
            Some(text.split_once("</div>")?.0.to_owned())
        })
        .collect()
}

/// Preview lays messages out with the catalog's and the config's layout
/// words, as footers do. ฟ้าใสพารวย is an invented app name of real
/// syllables that the built-in list lacks (it reads ฟ้า|ใส|พา|รวย): at 22
/// columns it is cut inside without the word, and moves to the next line
/// whole with it.
#[test]
fn preview_keeps_layout_words_whole_as_footers_do() {
    const TEXT: &str = "โปรดลงทะเบียนผ่านแอปฟ้าใสพารวยเท่านั้น";
    const WORD: &str = "ฟ้าใสพารวย";
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let catalog = |words: &str| {
        format!(
            "schema = 2\nversion = 1\n[layout]\nwords = {words}\n[[messages]]\nid = \"m\"\n\
             topic = \"general\"\n[messages.text.th]\nlong = \"{TEXT}\"\n"
        )
    };
    std::fs::write(dir.join("plain.toml"), catalog("[]")).unwrap();
    std::fs::write(dir.join("words.toml"), catalog(&format!("[\"{WORD}\"]"))).unwrap();
    // Not keymsg.toml: the runs without --config would find it.
    std::fs::write(
        dir.join("agency.toml"),
        format!("[layout]\nwords = [\"{WORD}\"]\n"),
    )
    .unwrap();
    let preview = |args: &[&str]| {
        let mut all = vec!["preview", "--width", "22"];
        all.extend_from_slice(args);
        strip_lines(&ok(dir, &all, ""))
    };
    let plain = preview(&["--catalog", "plain.toml"]);
    assert!(
        !plain.is_empty() && !plain.iter().any(|l| l.contains(WORD)),
        "the example no longer shows the problem: {plain:?}"
    );
    let from_catalog = preview(&["--catalog", "words.toml"]);
    assert!(
        from_catalog.iter().any(|l| l.contains(WORD)),
        "{from_catalog:?}"
    );
    assert_eq!(from_catalog.concat(), TEXT);
    let footer = ok(
        dir,
        &["footer", "--catalog", "words.toml", "--width", "22"],
        "",
    );
    assert_eq!(from_catalog, footer.lines().collect::<Vec<_>>());
    let from_config = preview(&["--config", "agency.toml", "--catalog", "plain.toml"]);
    assert_eq!(from_config, from_catalog);
}

/// An agency overlay's `[layout] words` reach footers and previews laid out
/// from the layered catalog: its programme, cut at 22 columns without the
/// word, is kept whole with it. An overlay of schema 1 with `[layout]` is
/// refused with the base's message, naming the overlay file.
#[test]
fn overlay_layout_words_are_kept_whole_in_footer_and_preview() {
    const TEXT: &str = "โปรดลงทะเบียนผ่านแอปฟ้าใสพารวยเท่านั้น";
    const WORD: &str = "ฟ้าใสพารวย";
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("base.toml"),
        "version = 1\n[[messages]]\nid = \"official\"\ntopic = \"general\"\n\
         [messages.text.th]\nlong = \"อย่าโอนเงินให้คนที่ไม่รู้จัก\"\n",
    )
    .unwrap();
    let overlay = |schema: &str, layout: &str| {
        format!(
            "{schema}version = 1\ndisable = [\"official\"]\n{layout}[[messages]]\nid = \"own\"\n\
             topic = \"general\"\n[messages.text.th]\nlong = \"{TEXT}\"\n"
        )
    };
    let layout = format!("[layout]\nwords = [\"{WORD}\"]\n");
    std::fs::write(dir.join("plain.toml"), overlay("", "")).unwrap();
    std::fs::write(dir.join("agency.toml"), overlay("schema = 2\n", &layout)).unwrap();
    let footer = |overlay: &str| {
        let args = [
            "footer",
            "--catalog",
            "base.toml",
            "--overlay",
            overlay,
            "--width",
            "22",
        ];
        ok(dir, &args, "")
            .lines()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let plain = footer("plain.toml");
    assert!(
        plain.concat() == TEXT && !plain.iter().any(|l| l.contains(WORD)),
        "the example no longer shows the problem: {plain:?}"
    );
    let lines = footer("agency.toml");
    assert_eq!(lines, ["โปรดลงทะเบียนผ่านแอป", "ฟ้าใสพารวยเท่านั้น"]);
    let preview = ok(
        dir,
        &[
            "preview",
            "--catalog",
            "base.toml",
            "--overlay",
            "agency.toml",
            "--width",
            "22",
        ],
        "",
    );
    assert_eq!(strip_lines(&preview), lines);

    std::fs::write(dir.join("schema1.toml"), overlay("", &layout)).unwrap();
    let err = fails(
        dir,
        &[
            "footer",
            "--catalog",
            "base.toml",
            "--overlay",
            "schema1.toml",
        ],
        1,
    );
    assert!(
        err.contains(
            "overlay schema1.toml: field `layout`: needs `schema = 2`, and the file is schema 1"
        ),
        "{err}"
    );
}

/// A `keymsg.toml` word that makes a message overflow a profile stops the
/// commands that load the catalog at start, `keymsg serve` included, and
/// `keymsg check` reports it, with a line per profile naming the config, the message, the profile and the
/// word. No word from the default catalog's texts does that (of their Thai
/// runs, only phrases of 18 characters or more overflow, and only on the
/// billboard), so the catalogs here are small: the programme name
/// คนละครึ่งพลัสฟ้าใสพารวย repeated, fitting while it may break between its
/// parts. Before, the footer was laid out only when served: on the
/// billboard cut with `…` (and counted), on a receipt refused then (the cut
/// lost the hotline).
#[test]
fn a_config_word_that_makes_a_message_overflow_stops_at_start() {
    const LONG: &str = "คนละครึ่งพลัสฟ้าใสพารวย";
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let catalog = |id: &str, surface: &str, long: &str| {
        format!(
            "version = 1\n[allow]\nphones = [\"1441\"]\n[[messages]]\nid = \"{id}\"\n\
             topic = \"general\"\nsurfaces = [\"{surface}\"]\n[messages.text.th]\n\
             long = \"{long}\"\n"
        )
    };
    let board = format!("ลงทะเบียน{LONG}เงินคืนด่วน{LONG}เงินคืนด่วน{LONG}");
    let receipt = format!("ลงทะเบียน{}โทร 1441", format!("{LONG}เงินคืนด่วน").repeat(6));
    std::fs::write(
        dir.join("board.toml"),
        catalog("board", "billboard", &board),
    )
    .unwrap();
    std::fs::write(
        dir.join("receipt.toml"),
        catalog("rcpt", "receipt", &receipt),
    )
    .unwrap();
    let board_footer = [
        "footer",
        "--catalog",
        "board.toml",
        "--surface",
        "billboard",
        "--json",
    ];
    let out = ok(dir, &board_footer, "");
    assert!(out.contains("\"truncated\":false"), "{out}");
    let out = ok(dir, &["footer", "--catalog", "receipt.toml"], "");
    assert!(out.trim_end().ends_with("1441"), "{out}");
    let out = ok(dir, &["check", "board.toml"], "");
    assert!(out.starts_with("board.toml: ok"), "{out}");

    // A words check that passed is remembered in the store's trust state
    // (the store exists from the second start on), so later starts do not
    // lay the messages out again; other, overflowing words are still
    // checked (below).
    std::fs::write(
        dir.join("keymsg.toml"),
        "[layout]\nwords = [\"เงินคืนด่วน\"]\n",
    )
    .unwrap();
    let mut counted = board_footer.to_vec();
    counted.extend(["--store", "store"]);
    let first = ok(dir, &counted, "");
    assert!(first.contains("\"counted\":true"), "{first}");
    assert_eq!(ok(dir, &counted, ""), first);
    let memo = dir.join("store/catalog-trust/layout-words-checked");
    let remembered = std::fs::read_to_string(&memo).unwrap();
    assert_eq!(ok(dir, &counted, ""), first);
    assert_eq!(std::fs::read_to_string(&memo).unwrap(), remembered);

    std::fs::write(
        dir.join("keymsg.toml"),
        format!("[layout]\nwords = [\"{LONG}\"]\n"),
    )
    .unwrap();
    let line = |id: &str, profile: &str| {
        format!(
            "keymsg: config `keymsg.toml`: message `{id}`: field `text.th`: does not fit \
             profile `{profile}`: even the shortest variant would be truncated with the layout \
             word `{LONG}` kept whole"
        )
    };
    assert_eq!(fails(dir, &board_footer, 1), line("board", "billboard"));
    assert_eq!(fails(dir, &counted, 1), line("board", "billboard"));
    let preview = [
        "preview",
        "--catalog",
        "board.toml",
        "--profile",
        "billboard",
    ];
    assert_eq!(fails(dir, &preview, 1), line("board", "billboard"));
    // `keymsg check` judges the catalog as footer and serve would load it.
    assert_eq!(
        fails(dir, &["check", "board.toml"], 1),
        line("board", "billboard")
    );

    // `keymsg serve` exits at start instead of refusing receipts later.
    let mut child = super::keymsg(dir)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--catalog",
            "receipt.toml",
        ])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("keymsg serve started with the overflowing config word");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr.lines().collect::<Vec<_>>(),
        [
            line("rcpt", "receipt-58mm"),
            line("rcpt", "receipt-80mm-42"),
            line("rcpt", "receipt-80mm"),
        ],
    );
}

/// An SMS preview counts in words: one segment, not `segment(s)`.
#[test]
fn preview_counts_sms_segments_singular_and_plural() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("c.toml"),
        "version = 1\n[[messages]]\nid = \"m\"\ntopic = \"general\"\n\
         [messages.text.th]\nlong = \"อย่าโอน\"\n",
    )
    .unwrap();
    let html = ok(
        dir,
        &["preview", "--catalog", "c.toml", "--profile", "sms"],
        "",
    );
    assert!(
        html.contains("<div class=\"count\">7 UTF-16 units, 1/1 segment</div>"),
        "{html}"
    );
    assert!(!html.contains("(s)"), "{html}");
}
