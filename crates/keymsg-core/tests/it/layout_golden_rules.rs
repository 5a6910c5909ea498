//! Every golden layout (`tests/golden/catalog/`, `tests/golden/layout/`) is
//! checked against `tests/golden/forbidden-breaks.txt`, a list of places a
//! line must never break, kept apart from the goldens and written from the
//! message texts. Re-blessing a golden (`UPDATE_GOLDEN=1`) rewrites what the
//! code prints; it cannot rewrite this list, so a bad break fails here.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Known violations in the current goldens, as (golden, section, phrase):
/// each is a real bad break that the layout must stop making. This list may
/// only shrink: when a layout change fixes one, the test fails until its
/// entry is removed here, and a new violation fails at once.
const KNOWN: &[(&str, &str, &str)] = &[
    // A preposition split from its noun ("เงินใน / บัญชี").
    ("catalog/fake-news-handout", "receipt-80mm", "จากช่องทาง"),
    (
        "catalog/romance-gift-fee",
        "receipt-80mm-42",
        "จากต่างประเทศ",
    ),
    ("catalog/fake-bank-staff-call", "receipt-80mm-42", "ของท่าน"),
    // A break inside a word or compound ("ค่า / มัดจำ", "การ / โอนเงิน", "ตัด / ไฟ").
    ("layout/utility-link", "width 48", "ตัดไฟ"),
    ("catalog/job-fee-first", "receipt-58mm", "ค่ามัดจำ"),
    ("catalog/loan-fee-first", "receipt-58mm", "ค่าปลดล็อก"),
    // A warning verb split from its marker ("อย่า / โอน", "ถูก / โกง", "ไม่ / ได้").
    ("catalog/investment-group", "receipt-58mm", "ไม่ได้"),
];

/// Characters that do not take part in matching: spaces (a break at a space
/// inside a phrase is still inside it) and invisible joiners.
fn ignored(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
        )
}

fn normalize(s: &str) -> Vec<char> {
    s.chars().filter(|&c| !ignored(c)).collect()
}

/// One wrapped text: its characters (normalized) and where lines broke.
struct Unit {
    section: String,
    chars: Vec<char>,
    breaks: Vec<usize>,
}

/// The wrapped texts of one golden file: each section's body lines form one
/// text; a `title:` line is a text of its own.
fn units(golden: &str) -> Vec<Unit> {
    let mut out = Vec::new();
    let mut current: Option<Unit> = None;
    for line in golden.lines() {
        if let Some(header) = line.strip_prefix("# ") {
            out.extend(current.take());
            current = Some(Unit {
                section: header.split(" (").next().unwrap().to_owned(),
                chars: Vec::new(),
                breaks: Vec::new(),
            });
        } else if let Some(title) = line.strip_prefix("title: ") {
            let section = current.as_ref().unwrap().section.clone();
            out.push(Unit {
                section: format!("{section} title"),
                chars: normalize(title),
                breaks: Vec::new(),
            });
        } else {
            let u = current.as_mut().expect("a line before any section header");
            if !u.chars.is_empty() {
                u.breaks.push(u.chars.len());
            }
            u.chars.extend(normalize(line));
        }
    }
    out.extend(current);
    out
}

/// The phrases of the rule file, with the rule each is listed under.
fn rules(text: &str) -> Vec<(String, String)> {
    let mut rule = String::new();
    let mut out = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(r) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            rule = r.to_owned();
            continue;
        }
        assert!(!rule.is_empty(), "phrase {line:?} before any [rule]");
        out.push((rule.clone(), line.to_owned()));
    }
    out
}

fn goldens(root: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in ["catalog", "layout"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        files.sort();
        for f in files {
            let name = format!("{dir}/{}", f.file_stem().unwrap().to_string_lossy());
            out.push((name, std::fs::read_to_string(&f).unwrap()));
        }
    }
    out
}

#[test]
fn goldens_never_break_where_the_rules_forbid() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let rules = rules(&std::fs::read_to_string(root.join("forbidden-breaks.txt")).unwrap());
    let goldens = goldens(&root);
    assert!(goldens.len() >= 30, "only {} goldens found", goldens.len());
    let mut found = BTreeSet::new();
    let mut report = Vec::new();
    let mut unused = Vec::new();
    for (rule, phrase) in &rules {
        let p = normalize(phrase);
        let mut used = false;
        for (name, text) in &goldens {
            for u in units(text) {
                for start in 0..u.chars.len().saturating_sub(p.len() - 1) {
                    if u.chars[start..start + p.len()] != p[..] {
                        continue;
                    }
                    used = true;
                    let end = start + p.len();
                    let Some(&b) = u.breaks.iter().find(|&&b| start < b && b < end) else {
                        continue;
                    };
                    let key = (name.clone(), u.section.clone(), phrase.clone());
                    if found.insert(key.clone()) {
                        let before: String = u.chars[start..b].iter().collect();
                        let after: String = u.chars[b..end].iter().collect();
                        report.push((key, format!(
                            "{name} [{}]: \"{before} / {after}\" breaks inside \"{phrase}\" ({rule})",
                            u.section
                        )));
                    }
                }
            }
        }
        if !used {
            unused.push(format!("\"{phrase}\" ({rule})"));
        }
    }
    assert!(
        unused.is_empty(),
        "phrases in forbidden-breaks.txt that no golden contains (a text changed: \
         read the new text and update the list):\n{}",
        unused.join("\n")
    );
    let known: BTreeSet<(String, String, String)> = KNOWN
        .iter()
        .map(|&(g, s, p)| (g.to_owned(), s.to_owned(), p.to_owned()))
        .collect();
    let new: Vec<_> = report
        .iter()
        .filter(|(k, _)| !known.contains(k))
        .map(|(_, r)| r.as_str())
        .collect();
    eprintln!(
        "{} forbidden breaks in the goldens ({} known):",
        found.len(),
        known.len()
    );
    for (_, r) in &report {
        eprintln!("  {r}");
    }
    assert!(new.is_empty(), "new forbidden breaks:\n{}", new.join("\n"));
    let fixed: Vec<_> = known.difference(&found).collect();
    assert!(
        fixed.is_empty(),
        "fixed, so remove them from KNOWN: {fixed:#?}"
    );
}
