//! Character-level checks on message text and names: control, bidi and
//! replacement characters, invisible characters hidden inside phone numbers,
//! URLs, e-mail addresses, amounts and names, and phone numbers or hosts that
//! are not on the catalog's allow-lists.
//!
//! Offsets are character offsets into the value as written in the file.

use super::Problems;
use crate::catalog::error::ProblemKind;
use crate::text::spans::{
    SpanKind, host_allowed, is_default_ignorable, is_digit, phone_key, protected_spans, url_host,
};
use crate::text::spans_contacts::{Contact, ContactKind, classify, contacts, digit_value};

/// The allow-lists, normalised: phone keys ([`phone_key`]) and lower-case hosts.
pub(super) struct Allow {
    pub(super) phones: Vec<String>,
    pub(super) hosts: Vec<String>,
    pub(super) handles: Vec<String>,
}

/// Bidirectional formatting controls (they reorder what the reader sees).
pub(super) fn is_bidi_control(c: char) -> bool {
    crate::vocab::clean::is_bidi_control(c)
}

/// C0/C1 controls, DEL, and the Unicode line/paragraph separators: none of
/// them belong in a one-line key message, and on a CP874 printer a control
/// character is a printer command.
fn is_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Report control, bidi and U+FFFD characters, each at its offset. Returns
/// whether any was found.
pub(super) fn check_chars(id: Option<&str>, field: &str, value: &str, p: &mut Problems) -> bool {
    let before = p.len();
    for (offset, c) in value.chars().enumerate() {
        let cp = c as u32;
        if is_control(c) {
            p.add(id, field, Some(offset), ProblemKind::Control(cp));
        } else if is_bidi_control(c) {
            p.add(id, field, Some(offset), ProblemKind::Bidi(cp));
        } else if c == '\u{FFFD}' {
            p.add(id, field, Some(offset), ProblemKind::Replacement);
        }
    }
    p.len() > before
}

/// A name (id, topic, language code, allow-list entry): no invisible
/// character anywhere, no control or bidi character. Returns the value with
/// the reported characters removed, for the caller's own syntax check.
pub(super) fn check_name(id: Option<&str>, field: &str, value: &str, p: &mut Problems) -> String {
    check_chars(id, field, value, p);
    for (offset, c) in value.chars().enumerate() {
        if is_default_ignorable(c) && !is_bidi_control(c) {
            p.add(id, field, Some(offset), ProblemKind::Invisible(c as u32));
        }
    }
    value
        .chars()
        .filter(|&c| !is_default_ignorable(c) && !is_control(c) && c != '\u{FFFD}')
        .collect()
}

/// Check one text variant: empty, characters, invisible characters inside
/// spans, and spans against the allow-lists.
pub(super) fn check_text(id: &str, field: &str, value: &str, allow: &Allow, p: &mut Problems) {
    let id = Some(id);
    if value.trim().is_empty() {
        p.add(id, field, None, ProblemKind::Empty);
        return;
    }
    check_chars(id, field, value, p);
    check_marks_on_digits(id, field, value, p);

    // Look for spans in the text as the reader sees it: with every invisible
    // character removed. `kept[k]` is the original char offset of visible char k.
    let chars: Vec<char> = value.chars().collect();
    let kept: Vec<usize> = (0..chars.len())
        .filter(|&k| chars.get(k).is_some_and(|&c| !is_default_ignorable(c)))
        .collect();
    let visible: String = kept.iter().filter_map(|&k| chars.get(k)).collect();
    let spans: Vec<(SpanKind, usize, usize, &str)> = {
        let byte_to_char = |b: usize| visible.get(..b).map_or(0, |s| s.chars().count());
        protected_spans(&visible)
            .into_iter()
            .filter_map(|s| {
                let text = visible.get(s.range.clone())?;
                Some((
                    s.kind,
                    byte_to_char(s.range.start),
                    byte_to_char(s.range.end),
                    text,
                ))
            })
            .collect()
    };

    // An invisible character is harmless between Thai words (a break hint),
    // but not where removing it joins a span, or between two digits.
    let visible_chars: Vec<char> = visible.chars().collect();
    let mut seen_visible = 0;
    let mut invisible_at: Vec<usize> = Vec::new();
    for (offset, &c) in chars.iter().enumerate() {
        if !is_default_ignorable(c) {
            seen_visible += 1;
            continue;
        }
        if is_bidi_control(c) {
            continue; // already reported as Bidi
        }
        let pos = seen_visible;
        let inside_span = spans.iter().any(|&(_, s, e, _)| s < pos && pos < e);
        let between_digits = pos > 0
            && visible_chars.get(pos - 1).is_some_and(|&c| is_digit(c))
            && visible_chars.get(pos).is_some_and(|&c| is_digit(c));
        if inside_span || between_digits {
            invisible_at.push(offset);
            p.add(id, field, Some(offset), ProblemKind::Invisible(c as u32));
        }
    }

    // Char ranges (in `value`) already reported, and of URLs and e-mail
    // addresses (whose host was checked as a whole).
    let original = |s: usize, e: usize| {
        let start = kept.get(s).copied().unwrap_or(s);
        let end = e
            .checked_sub(1)
            .and_then(|k| kept.get(k))
            .map_or(start, |&k| k + 1);
        (start, end)
    };
    let mut covered: Vec<(usize, usize)> = Vec::new();
    let runs = contacts(value);
    for &(kind, start, end, text) in &spans {
        let offset = kept.get(start).copied();
        let reported = p.len();
        match kind {
            SpanKind::Phone => {
                // `180 วัน` has a short code's shape but is a quantity.
                let (s, e) = original(start, end);
                let everyday = runs
                    .iter()
                    .any(|c| c.start <= s && e <= c.end && classify(value, c).is_some());
                if !allow.phones.contains(&phone_key(text)) && !everyday {
                    p.add(
                        id,
                        field,
                        offset,
                        ProblemKind::PhoneNotAllowed(text.to_owned()),
                    );
                }
            }
            SpanKind::Url | SpanKind::Email => match url_host(text) {
                Some(host) if host_allowed(&host, &allow.hosts) => {}
                Some(host) => p.add(id, field, offset, ProblemKind::HostNotAllowed(host)),
                None => p.add(
                    id,
                    field,
                    offset,
                    ProblemKind::HostNotAllowed(text.to_owned()),
                ),
            },
            SpanKind::Amount => {}
        }
        if p.len() > reported || matches!(kind, SpanKind::Url | SpanKind::Email) {
            covered.push(original(start, end));
        }
    }
    // A number already reported for the invisible character inside it.
    covered.extend(invisible_at.iter().map(|&o| (o, o + 1)));
    check_contacts(id, field, value, runs, allow, &covered, p);
}

/// A mark that combines with what comes before it: general category M
/// (U+0332 ̲, U+20E3 ⃣, U+FE0F, U+0301 ́ ...) and the Thai vowels and marks
/// written above or below a consonant, SARA AM (U+0E33) included.
fn is_combining(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
        || crate::vocab::thai::is_thai_mark(c)
        || c == '\u{0E33}'
}

/// Report a combining mark on a digit (`0̲8̲1̲2̲`, `0️⃣`): the reader sees a
/// number, but each mark splits it into one-digit runs that no phone rule
/// would check. No legitimate text puts a mark on a digit, so it is
/// refused outright, once per digit, at the first mark's offset. An
/// invisible mark (U+FE0F) is left to the invisible-character check and
/// looked through (`0️⃣` is reported at its U+20E3).
fn check_marks_on_digits(id: Option<&str>, field: &str, value: &str, p: &mut Problems) {
    let mut after_digit = false;
    for (offset, c) in value.chars().enumerate() {
        if is_default_ignorable(c) {
            continue;
        }
        if is_combining(c) {
            if after_digit {
                p.add(id, field, Some(offset), ProblemKind::MarkOnDigit(c as u32));
                after_digit = false;
            }
        } else {
            after_digit = digit_value(c).is_some();
        }
    }
}

/// Every digit run and host-like token the span scanner did not catch (or
/// caught only in part): it must be on the allow-list, or a digit run an
/// explicit rule calls an amount, date, time, quantity or year.
fn check_contacts(
    id: Option<&str>,
    field: &str,
    value: &str,
    runs: Vec<Contact>,
    allow: &Allow,
    covered: &[(usize, usize)],
    p: &mut Problems,
) {
    for c in runs {
        if covered.iter().any(|&(s, e)| c.start < e && s < c.end) {
            continue;
        }
        let offset = Some(c.start);
        match &c.kind {
            ContactKind::Digits { digits } => {
                if allow.phones.contains(digits) || classify(value, &c).is_some() {
                    continue;
                }
                p.add(
                    id,
                    field,
                    offset,
                    ProblemKind::NumberNotAllowed(c.text.clone()),
                );
            }
            ContactKind::Host(host) => {
                if !host.is_ascii() || !host_allowed(host, &allow.hosts) {
                    p.add(id, field, offset, ProblemKind::HostNotAllowed(host.clone()));
                }
            }
            // An address, never a host on an allow-list.
            ContactKind::Ip(ip) => {
                p.add(id, field, offset, ProblemKind::HostNotAllowed(ip.clone()));
            }
            ContactKind::Handle(h) => {
                if !allow.handles.contains(h) {
                    p.add(
                        id,
                        field,
                        offset,
                        ProblemKind::HandleNotAllowed(c.text.clone()),
                    );
                }
            }
        }
    }
}
