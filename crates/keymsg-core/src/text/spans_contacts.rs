//! Contact-like tokens for allow-list validation: every digit sequence and
//! every host-like token, whatever script or separators it is written with.
//!
//! Layout's protected spans ([`super::spans::protected_spans`]) recognise
//! well-formed numbers and URLs so they are never broken. An attacker who
//! edits a catalog writes them so they are *not* recognised — `๐๒ ๑๒๓ ๔๕๖๗`
//! with no-break spaces, `0８1-234-5678` with full-width digits, `1441-2345`
//! which starts with an allowed number, `scam．com`, `ตัวอย่าง.ไทย`,
//! `203.0.113.5`, `@scam_line`. Validation therefore scans again, widely:
//!
//! - **digit runs**: any numeric character (ASCII, Thai, full-width,
//!   Arabic-Indic, mathematical, superscript, circled, ...), joined across
//!   gaps of up to three separator characters (white space of any kind,
//!   dashes, dots, slashes, brackets, Thai marks, invisible characters), but
//!   not across `, ` or ` (` (a list, or a remark in brackets). Each run's
//!   digits are normalised to ASCII (NFKC, or the digit's place in its
//!   script's block of ten); a digit whose value cannot be told is `?`,
//!   which no allow-list entry matches;
//! - **host-like tokens**: labels joined by `.` (or the full-width and
//!   ideographic full stops U+FF0E, U+3002, U+FF61) ending in a top-level
//!   label of two or more letters or `ไทย`; IPv4 addresses; `@handles`.
//!
//! The caller then requires each to be on the allow-list, or — for digit
//! runs — recognised by an explicit rule as an amount, date, time, quantity
//! or year ([`classify`]).

use unicode_normalization::UnicodeNormalization;

use super::spans_keys::is_default_ignorable;
use crate::vocab::thai::is_thai_mark;

/// What a contact-like token is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ContactKind {
    /// A digit run; `digits` normalised to ASCII (`?` for a digit of unknown
    /// value), with a leading `+66` folded to `0`.
    Digits { digits: String },
    /// A host name, lower case, dots normalised (IDN labels kept as written).
    Host(String),
    /// A bare IPv4 address.
    Ip(String),
    /// An `@handle` (LINE, Telegram, ...), lower case, with its `@`.
    Handle(String),
}

/// A contact-like token: char range in the text and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Contact {
    /// First char (offset in chars).
    pub start: usize,
    /// One past the last char.
    pub end: usize,
    /// The token as written.
    pub text: String,
    /// What it is.
    pub kind: ContactKind,
}

/// Why a digit run is not a contact, when an explicit rule says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NotContact {
    /// One or two digits: nothing anyone can dial.
    TooShort,
    /// `฿5,000`, `5,000.00`, `1,500 บาท`.
    Amount,
    /// `31/12/2569`, `2026-01-31`, `5 ม.ค.`.
    Date,
    /// `09:30`, `9.30 น.`.
    Time,
    /// `24 ชั่วโมง`, `3 วัน`, `10 %`.
    Quantity,
    /// `2569`, `2026`.
    Year,
}

/// Gap characters that may sit between the digits of one number.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '‐'..='―' | '−' | '.' | ',' | '·' | '/' | '\\' | '(' | ')' | '[' | ']' | ':'
                | '_' | '\'' | '\u{00A0}' | '\u{2007}' | '\u{202F}' | '\u{3000}'
        )
        || is_thai_mark(c)
        || is_default_ignorable(c)
        // Full-width forms of the ASCII separators (U+FF01..U+FF5E).
        || ('\u{FF01}'..='\u{FF5E}').contains(&c)
            && char::from_u32(c as u32 - 0xFEE0).is_some_and(|a| !a.is_ascii_alphanumeric())
}

/// The ASCII digits a numeric character stands for; `None` when it is not
/// numeric, `Some("?")` when its value cannot be told.
pub(crate) fn digit_value(c: char) -> Option<String> {
    if c.is_ascii() {
        return c.is_ascii_digit().then(|| c.to_string());
    }
    // Thai text is most of what is scanned: answer without table look-ups.
    if ('\u{0E00}'..='\u{0E7F}').contains(&c) {
        let d = (c as u32).checked_sub(0x0E50).filter(|&d| d < 10)?;
        return char::from_digit(d, 10).map(|d| d.to_string());
    }
    if !c.is_numeric() {
        return None;
    }
    // Compatibility forms: full-width, mathematical, superscript, circled
    // (① is "1", ⑩ is "10", ⒈ is "1.").
    let compat: String = c.nfkc().collect();
    let digits: String = compat.chars().filter(char::is_ascii_digit).collect();
    if !digits.is_empty()
        && compat
            .chars()
            .all(|d| d.is_ascii_digit() || "().".contains(d))
    {
        return Some(digits);
    }
    // A script's own digits (Thai, Arabic-Indic, Devanagari, ...) are
    // encoded as a block of exactly ten numeric characters, zero first.
    // A numeric block of another length (❶..➓) is not such a block.
    let cp = c as u32;
    let numeric = |n: u32| char::from_u32(n).is_some_and(char::is_numeric);
    let mut zero = cp;
    while zero > 0 && cp - zero < 10 && numeric(zero - 1) {
        zero -= 1;
    }
    let clean = cp - zero < 10 && (zero..zero + 10).all(numeric) && !numeric(zero + 10);
    if clean && (zero == 0 || !numeric(zero - 1)) {
        return char::from_digit(cp - zero, 10).map(|d| d.to_string());
    }
    Some("?".to_owned())
}

/// Every contact-like token in `text`, in order. Char offsets.
pub(crate) fn contacts(text: &str) -> Vec<Contact> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut names = Vec::new();
    hosts(&chars, &mut names);
    digit_runs(&chars, &mut out);
    // Digits inside a host name or handle are part of it, checked whole.
    out.retain(|d| {
        !names
            .iter()
            .any(|n: &Contact| d.start < n.end && n.start < d.end)
    });
    out.extend(names);
    out.sort_by_key(|c| c.start);
    out
}

fn at(chars: &[char], i: usize) -> Option<char> {
    chars.get(i).copied()
}

fn digit_runs(chars: &[char], out: &mut Vec<Contact>) {
    let mut i = 0;
    while i < chars.len() {
        let Some(first) = at(chars, i).and_then(digit_value) else {
            i += 1;
            continue;
        };
        let start = i;
        let mut digits = first;
        let mut end = i + 1;
        loop {
            if let Some(d) = at(chars, end).and_then(digit_value) {
                digits.push_str(&d);
                end += 1;
                continue;
            }
            // A gap of up to three separators, then a digit.
            let mut k = end;
            while k < end + 3 && at(chars, k).is_some_and(is_separator) {
                k += 1;
            }
            let gap: String = chars.get(end..k).unwrap_or(&[]).iter().collect();
            let list_or_remark = gap.contains(", ") || gap.contains(" (") || gap.contains("  ");
            if k > end && !list_or_remark && at(chars, k).and_then(digit_value).is_some() {
                end = k;
                continue;
            }
            break;
        }
        // `+66 81 234 5678`: the international prefix of Thailand.
        let plus = start > 0 && matches!(at(chars, start - 1), Some('+' | '＋'));
        if plus && let Some(rest) = digits.strip_prefix("66") {
            digits = format!("0{rest}");
        }
        let text: String = chars.get(start..end).unwrap_or(&[]).iter().collect();
        let kind = if is_ipv4(&text) {
            ContactKind::Ip(text.nfkc().collect())
        } else {
            ContactKind::Digits { digits }
        };
        out.push(Contact {
            start,
            end,
            text,
            kind,
        });
        i = end;
    }
}

fn is_ipv4(text: &str) -> bool {
    let t: String = text.nfkc().collect();
    let parts: Vec<&str> = t.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| (1..=3).contains(&p.len()) && p.parse::<u8>().is_ok())
}

/// A dot as a host-name label separator (UTS #46).
fn is_dot(c: char) -> bool {
    matches!(c, '.' | '\u{FF0E}' | '\u{3002}' | '\u{FF61}')
}

/// A character of a host label as written (any script; full-width ASCII
/// letters and digits included, Thai letters for `.ไทย` names).
fn is_label_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '-';
    }
    // Thai letters, vowels and marks (not ฯ, ฿, ๏, ๚, ๛), without table look-ups.
    if ('\u{0E00}'..='\u{0E7F}').contains(&c) {
        return !matches!(
            c,
            '\u{0E2F}' | '\u{0E3F}' | '\u{0E4F}' | '\u{0E5A}'..='\u{0E7F}'
        );
    }
    (c.is_alphanumeric() || c == '-' || c == '－' || is_thai_mark(c)) && !c.is_whitespace()
}

fn hosts(chars: &[char], out: &mut Vec<Contact>) {
    let mut i = 0;
    while i < chars.len() {
        let c = chars.get(i).copied().unwrap_or(' ');
        if (c == '@' || c == '＠')
            && i.checked_sub(1)
                .and_then(|j| at(chars, j))
                .is_none_or(|p| !is_label_char(p))
        {
            // `@handle`: an account name, not an e-mail address.
            let mut end = i + 1;
            while at(chars, end).is_some_and(|c| is_label_char(c) || c == '_' || is_dot(c)) {
                end += 1;
            }
            while end > i + 1 && at(chars, end - 1).is_some_and(is_dot) {
                end -= 1;
            }
            if end > i + 1 {
                let text: String = chars.get(i..end).unwrap_or(&[]).iter().collect();
                let handle: String = text.nfkc().collect::<String>().to_lowercase();
                out.push(Contact {
                    start: i,
                    end,
                    text,
                    kind: ContactKind::Handle(handle),
                });
            }
            i = end;
            continue;
        }
        if !is_label_char(c)
            || i.checked_sub(1)
                .and_then(|j| at(chars, j))
                .is_some_and(is_label_char)
        {
            i += 1;
            continue;
        }
        // Labels separated by single dots.
        let mut labels: Vec<String> = Vec::new();
        let mut k = i;
        loop {
            let s = k;
            while at(chars, k).is_some_and(is_label_char) {
                k += 1;
            }
            if k == s {
                break;
            }
            labels.push(chars.get(s..k).unwrap_or(&[]).iter().collect());
            if at(chars, k).is_some_and(is_dot) && at(chars, k + 1).is_some_and(is_label_char) {
                k += 1;
            } else {
                break;
            }
        }
        if labels.len() >= 2 && host_like(&labels) {
            let text: String = chars.get(i..k).unwrap_or(&[]).iter().collect();
            let host = labels
                .iter()
                .map(|l| l.nfkc().collect::<String>().to_lowercase())
                .collect::<Vec<_>>()
                .join(".");
            out.push(Contact {
                start: i,
                end: k,
                text,
                kind: ContactKind::Host(host),
            });
        }
        i = k.max(i + 1);
    }
}

/// Whether dot-joined labels look like a host name someone could visit:
/// the last label is two or more letters (any script, or `xn--` punycode)
/// and no label is only Thai letters of one or two characters (Thai
/// abbreviations such as `ม.ค.` or `พ.ศ.` are not hosts), and not all
/// labels are digits (that is a number).
fn host_like(labels: &[String]) -> bool {
    let Some(tld) = labels.last() else {
        return false;
    };
    let tld: String = tld.nfkc().collect::<String>().to_lowercase();
    let thai = |l: &str| l.chars().all(|c| ('\u{0E00}'..='\u{0E7F}').contains(&c));
    let letters = tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic);
    let punycode = tld.starts_with("xn--");
    let thai_abbreviation = labels
        .iter()
        .any(|l| thai(l) && l.chars().filter(|c| !is_thai_mark(*c)).count() <= 2);
    let numeric = labels.iter().all(|l| l.chars().all(|c| c.is_numeric()));
    let document = FILE_TYPES.contains(&tld.as_str());
    (letters || punycode)
        && !numeric
        && !document
        && (!thai(&tld) || tld == "ไทย")
        && !thai_abbreviation
}

/// Document file types: `report.pdf` names a file, not a host. (No top-level
/// domain has these names; app packages such as `.apk` stay suspect.)
const FILE_TYPES: &[&str] = &[
    "pdf", "jpg", "jpeg", "png", "gif", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "csv",
];

/// Thai month names and abbreviations, for `5 ม.ค. 2569` and `5 มกราคม`.
const THAI_MONTHS: &[&str] = &[
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
    "มกรา",
    "กุมภา",
    "มีนา",
    "เมษา",
    "พฤษภา",
    "มิถุนา",
    "กรกฎา",
    "สิงหา",
    "กันยา",
    "ตุลา",
    "พฤศจิกา",
    "ธันวา",
];

/// Words after a number that make it a time or a quantity, not a contact.
const UNITS: &[&str] = &[
    "ชั่วโมง",
    "ชม.",
    "นาที",
    "วินาที",
    "วัน",
    "สัปดาห์",
    "เดือน",
    "ปี",
    "ครั้ง",
    "คน",
    "เท่า",
    "เปอร์เซ็นต์",
    "%",
    "นาฬิกา",
    "โมง",
    "น.",
    "hours",
    "hour",
    "hrs",
    "days",
    "day",
    "minutes",
    "minute",
    "min",
    "times",
    "weeks",
    "months",
    "years",
    "percent",
];

/// Words after a number that make it an amount of money.
const MONEY_AFTER: &[&str] = &["บาท", "ล้าน", "พัน", "หมื่น", "แสน", "baht", "thb"];

/// The explicit rule that makes digit run `c` of `text` not a contact, if any.
pub(crate) fn classify(text: &str, c: &Contact) -> Option<NotContact> {
    let ContactKind::Digits { digits } = &c.kind else {
        return None;
    };
    if digits.contains('?') {
        return None;
    }
    // Nine or ten digits starting with 0 is the shape of a Thai phone
    // number (`02 123 4567`, `081 234 5678`), however it is grouped or
    // whatever follows it (`0,812,345,678`, `081.2345678 บาท`): always
    // checked against the allow-list, never excused as an amount or date.
    if digits.starts_with('0') && (9..=10).contains(&digits.len()) {
        return None;
    }
    let chars: Vec<char> = text.chars().collect();
    let after: String = chars.get(c.end..).unwrap_or(&[]).iter().take(16).collect();
    let after = after.trim_start_matches([' ', '\u{00A0}']).to_lowercase();
    // Only the few characters before matter (`฿`, `วันที่`, `พ.ศ.`).
    let before: String = chars
        .get(c.start.saturating_sub(12)..c.start)
        .unwrap_or(&[])
        .iter()
        .collect();
    let before = before.trim_end_matches([' ', '\u{00A0}']).to_lowercase();
    let run: String = c.text.nfkc().collect();
    // Thai digits read as ASCII for the shape rules below.
    let run: String = run
        .chars()
        .map(|ch| {
            digit_value(ch)
                .filter(|d| d.len() == 1)
                .and_then(|d| d.chars().next())
                .unwrap_or(ch)
        })
        .collect();
    // `9.30 น.`: a time of day, whatever its shape.
    if ["น.", "นาฬิกา", "โมง"].iter().any(|w| after.starts_with(w)) {
        return Some(NotContact::Time);
    }
    if before.ends_with('฿')
        || MONEY_AFTER.iter().any(|w| after.starts_with(w))
        || amount_shape(&run)
    {
        return Some(NotContact::Amount);
    }
    if date_shape(&run)
        || THAI_MONTHS.iter().any(|m| after.starts_with(m))
        || before.ends_with("วันที่")
    {
        return Some(NotContact::Date);
    }
    if time_shape(&run) {
        return Some(NotContact::Time);
    }
    if UNITS.iter().any(|u| after.starts_with(u)) {
        return Some(NotContact::Quantity);
    }
    // A bare year is 2000-2199 (CE) or 2400-2699 (BE); 19xx has a Thai
    // short code's shape (1xxx), so it is a year only after a year word.
    let year_word = ["ปี", "พ.ศ.", "ค.ศ.", "year", "in"]
        .iter()
        .any(|w| before.ends_with(w));
    let year = run.len() == 4
        && run.parse::<u32>().is_ok_and(|y| {
            (2000..=2199).contains(&y)
                || (2400..=2699).contains(&y)
                || (year_word && (1900..=1999).contains(&y))
        });
    if year {
        return Some(NotContact::Year);
    }
    (digits.len() <= 2).then_some(NotContact::TooShort)
}

/// `5,000`, `1,234,567.50`, `99.50`; a grouped amount never starts with 0
/// (`0,812,345` is digits dressed as an amount).
fn amount_shape(run: &str) -> bool {
    let (int, frac) = match run.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (run, None),
    };
    let groups: Vec<&str> = int.split(',').collect();
    let grouped = groups.len() >= 2
        && groups
            .first()
            .is_some_and(|g| (1..=3).contains(&g.len()) && !g.starts_with('0'))
        && groups.iter().skip(1).all(|g| g.len() == 3)
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()));
    let plain = groups.len() == 1 && int.chars().all(|c| c.is_ascii_digit()) && !int.is_empty();
    match frac {
        Some(f) => (grouped || plain) && f.len() == 2 && f.chars().all(|c| c.is_ascii_digit()),
        None => grouped,
    }
}

/// `31/12/2569`, `31-12-2026`, `2026-12-31`.
fn date_shape(run: &str) -> bool {
    let parts: Vec<&str> = run.split(['/', '-', '.']).collect();
    let nums: Vec<u32> = parts.iter().filter_map(|p| p.parse().ok()).collect();
    if parts.len() != 3 || nums.len() != 3 {
        return false;
    }
    let (a, b, y) = match (nums.first(), nums.get(1), nums.get(2)) {
        (Some(&a), Some(&b), Some(&c)) if a > 31 => (c, b, a),
        (Some(&a), Some(&b), Some(&c)) => (a, b, c),
        _ => return false,
    };
    (1..=31).contains(&a) && (1..=12).contains(&b) && (y < 100 || (1900..=2699).contains(&y))
}

/// `09:30`, `9.30` followed by `น.` is caught by the unit rule.
fn time_shape(run: &str) -> bool {
    let Some((h, m)) = run.split_once(':') else {
        return false;
    };
    h.parse::<u32>().is_ok_and(|h| h < 24) && m.len() == 2 && m.parse::<u32>().is_ok_and(|m| m < 60)
}

#[cfg(test)]
#[path = "spans_contacts_tests.rs"]
mod tests;
