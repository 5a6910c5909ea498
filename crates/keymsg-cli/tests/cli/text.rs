//! `wrap`, `truncate`, `width` against Thai orthographic rules (not against
//! keymsg's own output): a line may not start with a vowel or mark that
//! belongs to the letter before it, nor with ๆ (it repeats the word before),
//! and may not end with a leading vowel (เ แ โ ใ ไ is written before the
//! consonant it belongs to).

use super::{columns, fails, is_thai_combining, ok};

const SENTENCES: &[&str] = &[
    "มิจฉาชีพมักแอบอ้างเป็นเจ้าหน้าที่ตำรวจ ธนาคาร หรือหน่วยงานรัฐ โทรมาแจ้งว่าท่านมีส่วนเกี่ยวข้องกับคดีฟอกเงิน แล้วให้โอนเงินไปตรวจสอบ อย่าเชื่อ อย่ารีบ อย่าโอน หากสงสัยโทรสายด่วน ๑๔๔๑ ได้ตลอดยี่สิบสี่ชั่วโมง",
    "ไม่มีหน่วยงานใดให้โอนเงินเพื่อตรวจสอบบัญชี เก็บรหัสโอทีพีไว้เป็นความลับเสมอ ๆ และไม่กดลิงก์แปลกๆ ที่ส่งมาทางข้อความสั้นหรือไลน์",
    "แก๊งคอลเซ็นเตอร์ใช้เทคนิคใหม่ๆ เสมอ โปรดแจ้งเตือนผู้สูงอายุในครอบครัวให้ระมัดระวังการรับสายจากเบอร์โทรศัพท์ที่ไม่รู้จักและไม่ให้ข้อมูลส่วนตัวแก่ผู้ใดทั้งสิ้น",
];

fn is_following_vowel(c: char) -> bool {
    // SARA A, SARA AA, SARA AM and the combining vowels/marks.
    matches!(c, '\u{0E30}' | '\u{0E32}' | '\u{0E33}' | '\u{0E45}') || is_thai_combining(c)
}

fn is_leading_vowel(c: char) -> bool {
    ('\u{0E40}'..='\u{0E44}').contains(&c)
}

fn check_lines(input: &str, lines: &[&str], width: usize) {
    for line in lines {
        let first = line.chars().next().unwrap();
        let last = line.chars().last().unwrap();
        assert!(
            !is_following_vowel(first) && first != 'ๆ',
            "width {width}: line starts with {first:?}: {line:?}"
        );
        assert!(
            !is_leading_vowel(last),
            "width {width}: line ends with {last:?}: {line:?}"
        );
        assert!(
            columns(line) <= width,
            "width {width}: {line:?} is {} columns",
            columns(line)
        );
    }
    // Nothing lost or reordered: only spaces at breaks are dropped.
    let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    assert_eq!(strip(&lines.concat()), strip(input), "width {width}");
}

#[test]
fn thai_golden_wrap_at_32() {
    let tmp = tempfile::tempdir().unwrap();
    for s in SENTENCES {
        let out = ok(tmp.path(), &["wrap", "--width", "32"], &format!("{s}\n"));
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines.len() >= 3, "{out}");
        check_lines(s, &lines, 32);
    }
}

#[test]
fn thai_rules_hold_at_every_width() {
    let tmp = tempfile::tempdir().unwrap();
    let all = SENTENCES.join(" ");
    for width in [6, 9, 13, 20, 24, 42, 48] {
        let out = ok(tmp.path(), &["wrap", "--width", &width.to_string()], &all);
        let lines: Vec<&str> = out.lines().collect();
        check_lines(&all, &lines, width);
    }
}

#[test]
fn wrap_max_lines_and_hard_breaks() {
    let tmp = tempfile::tempdir().unwrap();
    let out = ok(
        tmp.path(),
        &[
            "wrap",
            "--width",
            "20",
            "--max-lines",
            "2",
            "--ellipsis",
            "...",
        ],
        SENTENCES[0],
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[1].ends_with("..."), "{out}");
    assert!(columns(lines[1]) <= 20);
    // A line break in the input is kept.
    assert_eq!(
        ok(
            tmp.path(),
            &["wrap", "--width", "20"],
            "โทร 1441\nโทร 191\n"
        ),
        "โทร 1441\nโทร 191\n"
    );
    let centred = ok(
        tmp.path(),
        &["wrap", "--width", "10", "--align", "center"],
        "1441",
    );
    assert_eq!(centred, "   1441\n");
}

#[test]
fn width_and_truncate() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // น้ำ: tone mark takes no column, SARA AM does; กี่: one column.
    assert_eq!(ok(dir, &["width"], "น้ำ\nกี่\nabc\n"), "2\n1\n3\n");
    let m = ok(dir, &["width", "--measure", "--json"], "น้ำ");
    let m: serde_json::Value = serde_json::from_str(&m).unwrap();
    assert_eq!(m["columns"], 2);
    assert_eq!(m["graphemes"], 1);
    assert_eq!(m["utf16_units"], 3);
    assert_eq!(m["utf8_bytes"], 9);
    assert_eq!(m["sms_segments"], 1);
    let t = ok(
        dir,
        &["truncate", "--width", "12"],
        "ระวังมิจฉาชีพแอบอ้างเป็นเจ้าหน้าที่\nสั้น\n",
    );
    let lines: Vec<&str> = t.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].ends_with('…') && columns(lines[0]) <= 12, "{t}");
    assert!(!is_leading_vowel(
        lines[0].trim_end_matches('…').chars().last().unwrap()
    ));
    assert_eq!(lines[1], "สั้น");
}

#[test]
fn footer_encodings_for_old_printers() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let utf8 = ok(dir, &["footer", "--key", "INV-1", "--at", "2026-03-15"], "");
    let out = super::run(
        dir,
        &[
            "footer",
            "--key",
            "INV-1",
            "--at",
            "2026-03-15",
            "--encoding",
            "tis-620",
        ],
        "",
    );
    assert!(out.status.success());
    // TIS-620: one byte per Thai character, ก = 0xA1 (U+0E01 - 0xD60).
    let expected: Vec<u8> = utf8
        .chars()
        .map(|c| {
            if c.is_ascii() {
                c as u8
            } else {
                (c as u32 - 0x0E01 + 0xA1) as u8
            }
        })
        .collect();
    assert_eq!(out.stdout, expected);
    // Framed at the profile's width.
    let framed = ok(
        dir,
        &[
            "footer",
            "--key",
            "INV-1",
            "--profile",
            "receipt-80mm",
            "--frame",
        ],
        "",
    );
    let lines: Vec<&str> = framed.lines().collect();
    assert_eq!(lines[0], "-".repeat(48));
    assert_eq!(*lines.last().unwrap(), "-".repeat(48));
}

/// A programme name the built-in word list splits (คนละ|ครึ่ง|พลัส) is cut
/// inside at 22 columns; given with `--word`, `--words FILE` or the
/// config's `[layout] words`, it moves to the next line whole.
#[test]
fn added_words_are_kept_whole() {
    const TEXT: &str = "โปรดลงทะเบียนผ่านแอปคนละครึ่งพลัสเท่านั้น\n";
    const WORD: &str = "คนละครึ่งพลัส";
    let tmp = tempfile::tempdir().unwrap();
    let whole = |out: &str| out.lines().any(|l| l.contains(WORD));
    let plain = ok(tmp.path(), &["wrap", "--width", "22"], TEXT);
    assert!(
        !whole(&plain),
        "the example no longer shows the problem: {plain}"
    );
    let flag = ok(tmp.path(), &["wrap", "--width", "22", "--word", WORD], TEXT);
    assert!(whole(&flag), "{flag}");
    check_lines(TEXT.trim_end(), &flag.lines().collect::<Vec<_>>(), 22);
    std::fs::write(
        tmp.path().join("words.txt"),
        format!("# programmes\n{WORD}\n"),
    )
    .unwrap();
    let file = ok(
        tmp.path(),
        &["wrap", "--width", "22", "--words", "words.txt"],
        TEXT,
    );
    assert_eq!(file, flag);
    std::fs::write(
        tmp.path().join("keymsg.toml"),
        format!("[layout]\nwords = [\"{WORD}\"]\n"),
    )
    .unwrap();
    let config = ok(tmp.path(), &["wrap", "--width", "22"], TEXT);
    assert_eq!(config, flag);
}

/// `truncate` takes the same words as `wrap` (`--word`, `--words FILE`, the
/// config's `[layout] words`): without them it cuts inside the programme
/// name (…คนละครึ่ง…), with them the name is dropped whole.
#[test]
fn truncate_keeps_added_words_whole() {
    const TEXT: &str = "โปรดลงทะเบียนผ่านแอปคนละครึ่งพลัสเท่านั้น\nสั้น\n";
    const WORD: &str = "คนละครึ่งพลัส";
    const CUT: &str = "โปรดลงทะเบียนผ่านแอป…\nสั้น\n";
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let plain = ok(dir, &["truncate", "--width", "26"], TEXT);
    assert_eq!(
        plain, "โปรดลงทะเบียนผ่านแอปคนละครึ่ง…\nสั้น\n",
        "the example no longer shows the problem"
    );
    assert_eq!(
        ok(dir, &["truncate", "--width", "26", "--word", WORD], TEXT),
        CUT
    );
    std::fs::write(dir.join("words.txt"), format!("# programmes\n{WORD}\n")).unwrap();
    assert_eq!(
        ok(
            dir,
            &["truncate", "--width", "26", "--words", "words.txt"],
            TEXT
        ),
        CUT
    );
    std::fs::write(
        dir.join("keymsg.toml"),
        format!("[layout]\nwords = [\"{WORD}\"]\n"),
    )
    .unwrap();
    assert_eq!(ok(dir, &["truncate", "--width", "26"], TEXT), CUT);
    // A bad word: from a flag a usage error, from the config invalid input,
    // each naming where it came from, as for wrap.
    let err = fails(dir, &["truncate", "--width", "26", "--word", "คนละ ครึ่ง"], 2);
    assert!(err.contains("--word") && err.contains("คนละ ครึ่ง"), "{err}");
    std::fs::write(dir.join("keymsg.toml"), "[layout]\nwords = [\"AOC\"]\n").unwrap();
    let err = fails(dir, &["truncate", "--width", "26"], 1);
    assert!(
        err.contains("layout.words[0]") && err.contains("keymsg.toml"),
        "{err}"
    );
    // A broken config stops it, as it stops wrap.
    std::fs::write(dir.join("keymsg.toml"), "[layout]\nword = []\n").unwrap();
    let err = fails(dir, &["truncate", "--width", "26"], 1);
    assert_eq!(
        err,
        "keymsg: config `keymsg.toml`: line 2, column 1: unknown field `word`, expected `words`"
    );
}

#[test]
fn a_bad_added_word_is_a_usage_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let err = fails(
        tmp.path(),
        &["wrap", "--width", "22", "--word", "คนละ ครึ่ง"],
        2,
    );
    assert!(err.contains("--word") && err.contains("คนละ ครึ่ง"), "{err}");
    std::fs::write(
        tmp.path().join("keymsg.toml"),
        "[layout]\nwords = [\"AOC\"]\n",
    )
    .unwrap();
    let err = fails(tmp.path(), &["footer", "--key", "X"], 1);
    assert!(
        err.contains("layout.words[0]") && err.contains("keymsg.toml"),
        "{err}"
    );
}

/// `wrap` reads keymsg.toml for `[layout] words` and, like every command
/// that reads the file, stops on a broken one (exit 1, one line naming the
/// file, line and column, the same line footer prints) rather than wrapping
/// without the agency's words. Keys and sections wrap does not use are read
/// but not acted on: a catalog that does not exist is no error for wrap.
#[test]
fn wrap_reads_the_config_like_every_command() {
    const TEXT: &str = "โปรดลงทะเบียนผ่านแอปคนละครึ่งพลัสเท่านั้น\n";
    const WORD: &str = "คนละครึ่งพลัส";
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // `word` for `words`: a typo must not silently drop the words.
    std::fs::write(
        dir.join("keymsg.toml"),
        format!("agency = \"เทศบาลตัวอย่าง\"\n[layout]\nword = [\"{WORD}\"]\n"),
    )
    .unwrap();
    let err = fails(dir, &["wrap", "--width", "22"], 1);
    assert_eq!(
        err,
        "keymsg: config `keymsg.toml`: line 3, column 1: unknown field `word`, expected `words`"
    );
    assert_eq!(fails(dir, &["footer", "--key", "X"], 1), err);
    // The commands that never read the config are not stopped by it.
    assert_eq!(ok(dir, &["width"], "abc\n"), "3\n");

    std::fs::write(
        dir.join("keymsg.toml"),
        format!(
            "catalog = \"no-such-catalog.toml\"\nstore = \"no/such/store\"\n\
             profile = \"receipt-80mm\"\n[trust]\nrequire_signature = true\n\
             [caps]\nper_day = 2\n[serve]\nlisten = \"127.0.0.1:0\"\n\
             [[profile_def]]\nname = \"kiosk\"\nkind = \"columns\"\nwidth = 40\n\
             [layout]\nwords = [\"{WORD}\"]\n"
        ),
    )
    .unwrap();
    let wrapped = ok(dir, &["wrap", "--width", "22"], TEXT);
    let no_config = tempfile::tempdir().unwrap();
    let flag = ok(
        no_config.path(),
        &["wrap", "--width", "22", "--word", WORD],
        TEXT,
    );
    assert_eq!(wrapped, flag);
    assert!(wrapped.lines().any(|l| l.contains(WORD)), "{wrapped}");
    // footer does use the catalog, so it fails on the missing one.
    let err = fails(dir, &["footer", "--key", "X"], 4);
    assert!(err.contains("no-such-catalog.toml"), "{err}");
}

/// A width over 1000 columns to align to is a bad flag value (exit 2),
/// never a line padded to it.
#[test]
fn aligning_to_over_1000_columns_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        &["wrap", "--width", "1001", "--align", "center"][..],
        &[
            "wrap",
            "--width",
            "18446744073709551615",
            "--align",
            "right",
        ],
    ] {
        let out = crate::run(tmp.path(), args, "โทร 1441\n");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains("over the limit of 1000 columns"), "{err}");
    }
}
