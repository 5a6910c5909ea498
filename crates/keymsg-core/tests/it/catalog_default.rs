//! The embedded default catalog: valid, complete, sized for receipts and
//! pop-ups, and pointing only to official channels.

// Helpers outside #[test] functions panic on purpose: they are test code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use keymsg_core::Catalog;
use keymsg_core::catalog::{DEFAULT_CATALOG_TOML, TextKind};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

const OFFICIAL_PHONES: [&str; 7] = ["1441", "191", "1213", "1129", "1130", "1125", "1662"];
const OFFICIAL_HOSTS: [&str; 1] = ["thaipoliceonline.go.th"];

fn catalog() -> Catalog {
    Catalog::embedded().expect("embedded catalog is valid")
}

fn graphemes(s: &str) -> usize {
    s.graphemes(true).count()
}

/// The embedded catalog is the file `data/default-catalog.toml`, and keymsg
/// reads every field of it as a general TOML parser does (`toml::Table`, no
/// keymsg code): ids, topics, weights, priorities, surfaces and every text.
#[test]
fn embedded_catalog_is_the_data_file_read_field_by_field() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/default-catalog.toml");
    let file = std::fs::read_to_string(path).unwrap();
    assert_eq!(
        DEFAULT_CATALOG_TOML, file,
        "the embedded text is the data file"
    );
    let raw: toml::Table = file.parse().unwrap();
    let c = catalog();
    assert_eq!(
        Some(c.version()),
        raw["version"]
            .as_integer()
            .and_then(|v| u64::try_from(v).ok())
    );
    assert_eq!(
        i64::from(c.meta().schema),
        raw["schema"].as_integer().unwrap()
    );
    let messages = raw["messages"].as_array().unwrap();
    assert_eq!(c.messages().len(), messages.len());
    assert_eq!(messages.len(), 33);
    for (m, r) in c.messages().iter().zip(messages) {
        let r = r.as_table().unwrap();
        let id = r["id"].as_str().unwrap();
        assert_eq!(m.id, id);
        assert_eq!(m.topic, r["topic"].as_str().unwrap(), "{id}");
        let weight = r.get("weight").map_or(1, |w| w.as_integer().unwrap());
        assert_eq!(i64::from(m.weight), weight, "{id}");
        let priority = r.get("priority").map_or(0, |p| p.as_integer().unwrap());
        assert_eq!(i64::from(m.priority), priority, "{id}");
        let listed: Option<Vec<&str>> = r.get("surfaces").map(|s| {
            s.as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect()
        });
        for surface in keymsg_core::Surface::ALL {
            let want = listed
                .as_ref()
                .is_none_or(|l| l.contains(&surface.as_str()));
            assert_eq!(m.allows(surface), want, "{id} {surface:?}");
        }
        let texts = r["text"].as_table().unwrap();
        assert_eq!(m.text.len(), texts.len(), "{id}");
        for (lang, t) in texts {
            let t = t.as_table().unwrap();
            let ours = m.text(lang).unwrap_or_else(|| panic!("{id}: no {lang}"));
            for (key, kind) in [
                ("long", TextKind::Long),
                ("short", TextKind::Short),
                ("title", TextKind::Title),
            ] {
                assert_eq!(
                    ours.get(kind),
                    t.get(key).map(|v| v.as_str().unwrap()),
                    "{id} {lang} {key}"
                );
            }
        }
    }
}

#[test]
fn has_at_least_24_messages_with_every_variant() {
    let c = catalog();
    assert!(c.messages().len() >= 24, "{} messages", c.messages().len());
    for m in c.messages() {
        for lang in ["th", "en"] {
            let t = m
                .text(lang)
                .unwrap_or_else(|| panic!("{}: no {lang}", m.id));
            for kind in [TextKind::Long, TextKind::Short, TextKind::Title] {
                let v = t
                    .get(kind)
                    .unwrap_or_else(|| panic!("{}: no {lang} {kind:?}", m.id));
                assert!(!v.trim().is_empty());
            }
        }
    }
}

#[test]
fn ids_are_kebab_case() {
    for m in catalog().messages() {
        assert!(
            m.id.split('-').all(|p| !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
            "{}",
            m.id
        );
    }
}

#[test]
fn every_common_scam_type_is_covered() {
    let c = catalog();
    for topic in [
        "impersonation",
        "loan",
        "investment",
        "job",
        "shopping",
        "romance",
        "phishing-link",
        "remote-access-app",
        "otp",
        "mule-account",
        "fake-news",
        "general",
    ] {
        assert!(
            c.messages().iter().any(|m| m.topic == topic),
            "no message on {topic}"
        );
    }
}

/// The anti-scam facts a citizen most needs (hotlines, the bank first, what
/// agencies never do, the common scams) must each be said by some message
/// (Thai text).
#[test]
fn the_key_facts_are_said() {
    let c = catalog();
    let th: Vec<&str> = c
        .messages()
        .iter()
        .map(|m| m.text("th").unwrap().long.as_str())
        .collect();
    // Word joiners glue names such as "App Store"; the reader does not see them.
    let visible: Vec<String> = th.iter().map(|t| t.replace('\u{2060}', "")).collect();
    let said = |needles: &[&str]| {
        visible
            .iter()
            .any(|t| needles.iter().all(|n| t.contains(n)))
    };
    assert!(said(&["ธนาคาร", "1441"]), "call your bank, then 1441");
    assert!(
        said(&["1441", "เฟซบุ๊ก", "ไลน์"]),
        "1441 has no Facebook or LINE"
    );
    assert!(said(&["โล่", "สีเขียว", "สีน้ำเงิน"]), "green or blue shield");
    assert!(said(&["มิเตอร์", "1129", "1130"]), "fake PEA/MEA staff");
    assert!(said(&["1125", "1662"]), "water utilities");
    assert!(said(&["ไม่ส่งลิงก์", "ติดตั้งแอป"]), "no links to install apps");
    assert!(said(&["ไม่โทร", "โอนเงิน"]), "no calls asking for transfers");
    assert!(said(&["บัญชีม้า"]), "mule accounts");
    assert!(said(&["OTP"]), "OTP");
    assert!(said(&["ทายซิ"]), "guess who's calling");
    assert!(said(&["thaipoliceonline.go.th"]), "online report");
    assert!(
        said(&["สายด่วน AOC 1441"]),
        "the hotline by its campaign name"
    );
    assert!(said(&["App Store / Google Play"]), "the app stores by name");
    assert!(
        said(&["ซิมการ์ด", "บัญชีธนาคาร"]),
        "selling or renting SIMs and accounts"
    );
    assert!(said(&["คิวอาร์โค้ด", "ชื่อผู้รับเงิน"]), "QR-code payments");
    assert!(said(&["SMS", "ค่าไฟฟ้า", "ตัดไฟ"]), "electricity cut-off SMS");
    assert!(said(&["SMS", "ค่าน้ำ", "ตัดน้ำ"]), "water cut-off SMS");
    assert!(said(&["กรมที่ดิน", "ThaiD", "คืนภาษี"]), "fake government apps");
    assert!(said(&["พนักงานธนาคาร", "OTP"]), "fake bank staff calls");
    for t in &th {
        // Every LINE Official Account shows a shield; only green or blue
        // ones are verified, so "no shield" is the wrong test.
        assert!(!t.contains("ไม่มีโล่"), "{t}");
        assert!(!t.contains("ร้านค้าแอปทางการ"), "name the app stores: {t}");
    }
    // The bank comes first: in the what-to-do message, before 1441.
    let first = c.get("aoc-1441").unwrap().text("th").unwrap().long.as_str();
    assert!(first.find("ธนาคาร").unwrap() < first.find("1441").unwrap());
}

#[test]
fn every_message_points_to_an_official_channel() {
    for m in catalog().messages() {
        for (lang, t) in &m.text {
            for (kind, v) in t.body_variants() {
                let official = OFFICIAL_PHONES.iter().any(|p| v.contains(p))
                    || OFFICIAL_HOSTS.iter().any(|h| v.contains(h));
                assert!(
                    official,
                    "{} {lang} {kind:?} names no official channel",
                    m.id
                );
            }
        }
    }
}

#[test]
fn nothing_outside_the_official_allow_list() {
    let c = catalog();
    let mut phones = c.meta().allowed_phones.clone();
    phones.sort();
    let mut want: Vec<String> = OFFICIAL_PHONES.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(phones, want);
    assert_eq!(c.meta().allowed_hosts, OFFICIAL_HOSTS);
    // Loading validated every phone number and host in every variant against
    // the allow-list, which is the official set: an unofficial contact would
    // have failed `catalog()`.
}

/// Sizes: `short` fits about three lines of a 32-column receipt, `title` a
/// pop-up title bar, `long` about seven receipt lines.
#[test]
fn variants_fit_their_surfaces() {
    for m in catalog().messages() {
        for (lang, t) in &m.text {
            let long = t.long.as_str();
            let short = t.short.as_deref().unwrap();
            let title = t.title.as_deref().unwrap();
            if std::env::var_os("KEYMSG_PRINT_SIZES").is_some() {
                println!(
                    "{:32} {lang} long {:3} short {:3} ({:3} chars) title {:2}",
                    m.id,
                    long.width(),
                    short.width(),
                    short.chars().count(),
                    graphemes(title)
                );
            }
            assert!(
                long.width() <= 230,
                "{} {lang} long is {} columns",
                m.id,
                long.width()
            );
            assert!(
                short.width() <= 90,
                "{} {lang} short is {} columns",
                m.id,
                short.width()
            );
            assert!(
                graphemes(title) <= 40,
                "{} {lang} title is {} graphemes",
                m.id,
                graphemes(title)
            );
            assert!(
                short.width() < long.width(),
                "{} {lang}: short is not shorter",
                m.id
            );
        }
    }
}

#[test]
fn thai_text_is_thai_and_english_is_ascii_plus_quotes() {
    for m in catalog().messages() {
        let th = m.text("th").unwrap();
        let thai_letters = th
            .long
            .chars()
            .filter(|c| ('\u{0E01}'..='\u{0E5B}').contains(c))
            .count();
        assert!(
            thai_letters * 2 > th.long.chars().count(),
            "{}: th long is not mostly Thai",
            m.id
        );
        let en = m.text("en").unwrap();
        for v in [
            &en.long,
            en.short.as_ref().unwrap(),
            en.title.as_ref().unwrap(),
        ] {
            assert!(
                v.chars().all(|c| c.is_ascii() || c == '\u{2060}'),
                "{}: non-ASCII in English: {v}",
                m.id
            );
        }
        // Thai text uses no Thai digits for phone numbers: every printer and
        // reader handles ASCII digits.
        assert!(
            !th.long
                .chars()
                .any(|c| ('\u{0E50}'..='\u{0E59}').contains(&c)),
            "{}",
            m.id
        );
    }
}

/// Thermal printers that speak TIS-620 must print every message whole:
/// no curly quotes, no `…`, nothing outside ASCII and Thai.
#[test]
fn every_variant_encodes_in_tis_620() {
    use keymsg_core::layout::{Encoding, encode};
    for m in catalog().messages() {
        for (lang, t) in &m.text {
            for kind in [TextKind::Long, TextKind::Short, TextKind::Title] {
                let v = t.get(kind).unwrap();
                if let Err(e) = encode(v, Encoding::Tis620) {
                    panic!("{} {lang} {kind:?}: {e}", m.id);
                }
            }
        }
    }
}
