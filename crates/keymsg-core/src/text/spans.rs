//! Protected spans: phone numbers, amounts, URLs and e-mail addresses.
//!
//! Layout never breaks inside a protected span and truncation keeps or drops a
//! span whole; catalog validation checks phone numbers and hosts against the
//! catalog's allow-lists and rejects invisible characters hidden inside them.
//!
//! The scanner is hand-written and deliberately conservative about what it calls
//! a URL: a bare host (no `http://`, no `www.`) needs a known top-level domain,
//! so `e.g.` or `24 ชม.` are never URLs. Thai text may touch a span with no space
//! in between (`โทร1441ทันที`); Thai digits ๐–๙ count as digits.
//!
//! In `โทร1441 หรือแจ้งที่ thaipoliceonline.go.th.` the spans are the phone
//! number `1441` and the host `thaipoliceonline.go.th` (without the full stop).

use std::ops::Range;

use crate::vocab::thai::is_thai_mark;

use super::spans_keys::ascii_digit;
pub(crate) use super::spans_keys::{
    host_allowed, is_default_ignorable, is_digit, is_host_syntax, phone_key, span_digits, url_host,
};

/// What a protected span holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum SpanKind {
    /// A phone number such as `1441`, `02-123-4567` or `๑๔๔๑`.
    Phone,
    /// An amount such as `฿5,000.00` or `5,000 บาท`'s number part.
    Amount,
    /// A URL or bare host such as `thaipoliceonline.go.th`.
    Url,
    /// An e-mail address.
    Email,
}

/// A protected span: a byte range of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Span {
    /// Byte range in the text (always on char boundaries).
    pub range: Range<usize>,
    /// What it holds.
    pub kind: SpanKind,
}

/// Every protected span in `text`, in order, non-overlapping.
///
/// Each span covers exactly the unbreakable thing: the whole `02-123-4567`,
/// a URL without trailing sentence punctuation, `฿5,000.00` with its baht sign,
/// or only the number of `1,500 บาท`.
///
/// Spans are found in the text as the reader sees it, with every invisible
/// (default-ignorable) character removed, and cover the invisible characters
/// inside them: a zero-width space in `1\u{200B}441` is a break hint a
/// caller may have put there by mistake or on purpose, and it must not split
/// the hotline into `1` and `441`.
pub(crate) fn protected_spans(text: &str) -> Vec<Span> {
    if !may_hold_default_ignorable(text) || !text.chars().any(is_default_ignorable) {
        return visible_spans(text);
    }
    // `start_of[b]` / `end_of[b]`: where the visible char that starts / ends
    // at byte `b` of `visible` starts / ends in `text`.
    let mut visible = String::with_capacity(text.len());
    let mut start_of = Vec::with_capacity(text.len() + 1);
    let mut end_of = Vec::with_capacity(text.len() + 1);
    start_of.push(0);
    end_of.push(0);
    for (b, c) in text
        .char_indices()
        .filter(|&(_, c)| !is_default_ignorable(c))
    {
        visible.push(c);
        start_of.resize(visible.len() + 1, usize::MAX);
        end_of.resize(visible.len() + 1, usize::MAX);
        if let Some(slot) = start_of.get_mut(visible.len() - c.len_utf8()) {
            *slot = b;
        }
        if let Some(slot) = end_of.get_mut(visible.len()) {
            *slot = b + c.len_utf8();
        }
    }
    visible_spans(&visible)
        .into_iter()
        .filter_map(|s| {
            let start = *start_of.get(s.range.start)?;
            let end = *end_of.get(s.range.end)?;
            (start != usize::MAX && end != usize::MAX && start < end).then_some(Span {
                range: start..end,
                kind: s.kind,
            })
        })
        .collect()
}

/// [`protected_spans`] of a text with no invisible characters.
/// Whether `text` has a byte that starts the UTF-8 of a default-ignorable
/// code point (see [`is_default_ignorable`]: U+00AD C2, U+034F CD, U+061C
/// D8, U+115F..U+180F E1, U+200B..U+206F E2, U+3164 E3, U+FE00..U+FFF8 EF,
/// U+1BCA0 and U+1D173 F0, U+E0000.. F3): false for Thai and ASCII text,
/// found with a byte scan instead of decoding every character.
fn may_hold_default_ignorable(text: &str) -> bool {
    // 32 bytes at a time with no exit inside a block: vector instructions.
    text.as_bytes().chunks(32).any(|block| {
        block.iter().fold(false, |any, &b| {
            any | matches!(
                b,
                0xC2 | 0xCD | 0xD8 | 0xE1 | 0xE2 | 0xE3 | 0xEF | 0xF0 | 0xF3
            )
        })
    })
}

/// Where [`first_span_start`] need start looking: `None` when `text` has no
/// character a span may start with (see `Scanner::span_at`: an ASCII letter
/// or digit, `+`, ฿ (E0 B8 BF) or a Thai digit (E0 B9 90..99)). A byte
/// scan; most Thai sentences have none.
///
/// It tests each byte with the one before it, 32 pairs at a time with no
/// exit inside a block, which the compiler turns into vector instructions
/// (ด ต ท น, the commonest Thai letters, end in the bytes of the Thai digits,
/// so a byte-by-byte scan mispredicted its way through Thai text). A hit
/// only means "maybe": `B9 90` is also inside other characters (ṙ is E1 B9
/// 99). A character a span may start with at byte k makes the test hit at
/// k (ASCII) or k + 2 (฿, Thai digits): none starts before the first block
/// that hits, less two bytes, where the exact scan starts.
fn span_search_start(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let starts = |prev: u8, x: u8| {
        x.is_ascii_alphanumeric()
            || x == b'+'
            || (x == 0xBF && prev == 0xB8)
            || ((0x90..=0x99).contains(&x) && prev == 0xB9)
    };
    if b.first().is_some_and(|&x| starts(0, x)) {
        return Some(0);
    }
    // Byte k + 1 with byte k before it.
    let (before, bytes) = (b.get(..b.len().saturating_sub(1)), b.get(1..));
    let (Some(before), Some(bytes)) = (before, bytes) else {
        return None;
    };
    let block = before.chunks(32).zip(bytes.chunks(32)).position(|(p, x)| {
        p.iter()
            .zip(x)
            .fold(false, |any, (&p, &x)| any | starts(p, x))
    })?;
    // The block's first tested byte is 1 + 32 * block.
    Some((1 + 32 * block).saturating_sub(2))
}

fn visible_spans(text: &str) -> Vec<Span> {
    let Some(first) = first_span_start(text) else {
        return Vec::new();
    };
    spans_from(text, context_start(text, first))
}

/// The spans of `text` found by a scanner that starts reading at byte `from`.
fn spans_from(text: &str, from: usize) -> Vec<Span> {
    let s = Scanner::new(text, from);
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(c) = s.at(i) {
        if !c.is_ascii() && c != '\u{0E3F}' && !is_digit(c) {
            // Thai letters and other non-ASCII text never start a span
            // (span_at needs an ASCII character, ฿ or a digit): skip cheaply.
            i += 1;
        } else if let Some((kind, end)) = s.span_at(i) {
            out.push(Span {
                range: s.byte(i)..s.byte(end),
                kind,
            });
            i = end;
        } else if c.is_ascii_alphabetic() {
            // Skip the rest of an ASCII word so hosts are only tried at word starts.
            i = s.skip_while(i, |c| c.is_ascii_alphabetic());
        } else if is_digit(c) {
            i = s.skip_number_run(i);
        } else {
            i += 1;
        }
    }
    out
}

/// Whether a span may start with `c` (see `Scanner::span_at`): an ASCII
/// letter or digit, `+`, ฿ or a Thai digit. What [`first_span_start`]
/// finds by bytes (a test holds them together).
#[cfg(test)]
fn can_start_span(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '+' || c == '\u{0E3F}' || is_digit(c)
}

/// The byte offset of the first character of `text` a span may start with
/// (see `Scanner::span_at`), by its bytes: ASCII letters, digits and `+` are
/// one byte; ฿ is E0 B8 BF and the Thai digits E0 B9 90..99; no other
/// character can start a span. No byte of a multi-byte character is ASCII
/// and E0 only ever leads one, so these patterns match only where a
/// character starts: the text is tested at every byte, [`SCAN_CHUNK`] bytes
/// at a time without a branch per byte (the Thai before a hotline is not
/// decoded), and byte by byte in the chunk that holds the first match;
/// after a cheaper scan ([`span_search_start`]) has skipped the text that
/// has none.
fn first_span_start(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = span_search_start(text)?;
    // Each chunk's last positions read two bytes past it.
    while let (Some(at), Some(next), Some(after)) = (
        b.get(i..i + SCAN_CHUNK),
        b.get(i + 1..i + SCAN_CHUNK + 1),
        b.get(i + 2..i + SCAN_CHUNK + 2),
    ) {
        let hit = at
            .iter()
            .zip(next)
            .zip(after)
            .fold(false, |hit, ((&x, &y), &z)| hit | may_start_span(x, y, z));
        if hit {
            break;
        }
        i += SCAN_CHUNK;
    }
    (i..b.len()).find(|&k| {
        let byte = |j: usize| b.get(j).copied().unwrap_or(0);
        may_start_span(byte(k), byte(k + 1), byte(k + 2))
    })
}

/// Bytes [`first_span_start`] tests together.
const SCAN_CHUNK: usize = 32;

/// Whether the bytes `x`, `y`, `z` at a character start begin one a span
/// may start with (see [`first_span_start`]); written without branches so
/// that a chunk's tests become vector compares.
#[inline]
fn may_start_span(x: u8, y: u8, z: u8) -> bool {
    let digit = x.wrapping_sub(b'0') < 10;
    let letter = (x | 0x20).wrapping_sub(b'a') < 26;
    let baht = (x == 0xE0) & (y == 0xB8) & (z == 0xBF);
    let thai_digit = (x == 0xE0) & (y == 0xB9) & (z.wrapping_sub(0x90) < 10);
    digit | letter | (x == b'+') | baht | thai_digit
}

/// Where the scanner may start reading so that the spans from byte `first`
/// on (the first character that can start one) are found as in the whole
/// text: far enough back for everything the scanner looks at before a
/// span — the characters just before it, and before a number the word
/// `ต่อ`/`ext` with the spaces and dots after it and the character before
/// it. Most Thai text has its hotline or link near the end: the Thai
/// before it is not decoded.
fn context_start(text: &str, first: usize) -> usize {
    let before = text.get(..first).unwrap_or_default();
    let mut chars = before.char_indices().rev().peekable();
    while chars.next_if(|&(_, c)| matches!(c, ' ' | '.')).is_some() {}
    chars.nth(CONTEXT_CHARS - 1).map_or(0, |(i, _)| i)
}

/// Characters of context [`context_start`] keeps before the spaces and
/// dots before the first span: a three-letter word, the character before
/// it, and one more.
const CONTEXT_CHARS: usize = 5;

/// Top-level domains a bare host (no scheme, no `www.`) may end with. Common
/// English words (`in`, `is`, `to`, `us`, ...) are left out so that a missing
/// space after a full stop does not make a host.
const BARE_TLDS: &[&str] = &[
    "th", "com", "net", "org", "info", "biz", "gov", "edu", "mil", "int", "io", "co", "me", "ee",
    "app", "dev", "ly", "asia", "xyz", "online", "site", "shop", "store", "top", "link", "club",
    "vip", "cc", "tv", "ai", "uk", "jp", "cn", "sg", "la", "kh", "mm", "vn", "hk", "tw", "kr",
    "ph", "au", "de", "fr", "ru", "eu", "gl", "gd",
];

/// Characters a URL may contain after its host (RFC 3986 unreserved, reserved
/// and `%`). Non-ASCII ends a URL, so Thai text can follow it with no space.
fn is_url_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c)
}

/// Characters that, before a position, mean we are inside a word, a URL or a
/// number, so no URL, host or e-mail starts there.
fn continues_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '@' | '%' | '+' | '/' | '&' | '=')
}

fn is_email_local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

fn is_label_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

/// Longest DNS label (RFC 1035).
const MAX_LABEL: usize = 63;

/// Longest local part of an e-mail address (RFC 5321): a longer run before
/// `@` is not an address. The bound also means no span decision inside a
/// long word depends on text far after it (see `layout::breaks`' safe ends).
const MAX_LOCAL_PART: usize = 64;

/// Most digit groups a phone number is read in (`+66 2 123 4567` has four).
const MAX_DIGIT_GROUPS: usize = 6;

/// The digit groups [`Scanner::groups`] found: the first `len` of `ranges`.
struct DigitGroups {
    ranges: [Range<usize>; MAX_DIGIT_GROUPS],
    len: usize,
}

impl DigitGroups {
    fn as_slice(&self) -> &[Range<usize>] {
        self.ranges.get(..self.len).unwrap_or_default()
    }
}

/// What [`Scanner::host`] read: where the labels end, the first and last
/// (char ranges) and whether they make a valid host name (two labels or
/// more, each 1 to 63 characters, none starting or ending with `-`).
struct Host {
    end: usize,
    first: Range<usize>,
    last: Range<usize>,
    valid: bool,
}

struct Scanner<'a> {
    text: &'a str,
    /// Each character from where the scanner starts, with its byte offset
    /// in `text` (one vector: one allocation).
    chars: Vec<(usize, char)>,
}

impl<'a> Scanner<'a> {
    /// A scanner of `text` from byte `from` (a char boundary): char index 0
    /// is the character there; byte offsets are into the whole text.
    fn new(text: &'a str, from: usize) -> Self {
        let rest = text.get(from..).unwrap_or_default();
        // Counted first (a fast scan of the bytes): one allocation, no growth.
        let mut chars = Vec::with_capacity(rest.chars().count());
        chars.extend(rest.char_indices().map(|(i, c)| (from + i, c)));
        Scanner { text, chars }
    }

    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).map(|&(_, c)| c)
    }

    fn prev(&self, i: usize) -> Option<char> {
        i.checked_sub(1).and_then(|j| self.at(j))
    }

    /// Byte offset of char `i` (the text length past the end).
    fn byte(&self, i: usize) -> usize {
        self.chars.get(i).map_or(self.text.len(), |&(b, _)| b)
    }

    fn skip_while(&self, mut i: usize, f: impl Fn(char) -> bool) -> usize {
        while self.at(i).is_some_and(&f) {
            i += 1;
        }
        i
    }

    /// [`Self::skip_while`], stopping after `max` characters.
    fn skip_at_most(&self, i: usize, max: usize, f: impl Fn(char) -> bool) -> usize {
        let mut k = i;
        while k - i < max && self.at(k).is_some_and(&f) {
            k += 1;
        }
        k
    }

    fn digit(&self, i: usize) -> bool {
        self.at(i).is_some_and(is_digit)
    }

    /// Whether the text at `i` starts with `lit`, ASCII case-insensitively.
    fn starts_with_ci(&self, i: usize, lit: &str) -> bool {
        lit.chars()
            .enumerate()
            .all(|(k, l)| self.at(i + k).is_some_and(|c| c.eq_ignore_ascii_case(&l)))
    }

    /// Skip a run of digits with internal `,` `.` `-` separators.
    fn skip_number_run(&self, mut i: usize) -> usize {
        loop {
            i = self.skip_while(i, is_digit);
            match self.at(i) {
                Some(',' | '.' | '-') if self.digit(i + 1) => i += 1,
                _ => return i,
            }
        }
    }

    fn span_at(&self, i: usize) -> Option<(SpanKind, usize)> {
        let c = self.at(i)?;
        let word_start = self.prev(i).is_none_or(|p| !continues_word(p));
        if word_start && c.is_ascii_alphanumeric() {
            if let Some(end) = self.scheme_url(i) {
                return Some((SpanKind::Url, end));
            }
            if let Some(end) = self.email(i) {
                return Some((SpanKind::Email, end));
            }
            if let Some(end) = self.bare_host(i) {
                return Some((SpanKind::Url, end));
            }
        }
        // Not in the middle of a number: `5` in `1.5` is not a start, but
        // `1441` in `โทร.1441` is.
        let number_start = match self.prev(i) {
            None => true,
            Some('.' | ',') => !i.checked_sub(2).is_some_and(|j| self.digit(j)),
            Some(p) => !is_digit(p),
        };
        if !number_start {
            return None;
        }
        if c == '\u{0E3F}' {
            // ฿, optionally one space, then the number: the sign belongs to the span.
            let n = if self.at(i + 1) == Some(' ') {
                i + 2
            } else {
                i + 1
            };
            if self.digit(n) {
                let (end, _) = self.amount(n);
                return Some((SpanKind::Amount, end));
            }
            return None;
        }
        if c == '+' && self.digit(i + 1) && self.prev(i).is_none_or(|p| !p.is_ascii_alphanumeric())
        {
            return self.intl_phone(i).map(|end| (SpanKind::Phone, end));
        }
        if is_digit(c) {
            return self.number(i);
        }
        None
    }

    /// `http://` or `https://` and everything URL-like after it.
    fn scheme_url(&self, i: usize) -> Option<usize> {
        let after = if self.starts_with_ci(i, "https://") {
            i + 8
        } else if self.starts_with_ci(i, "http://") {
            i + 7
        } else {
            return None;
        };
        if !self.at(after).is_some_and(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        let end = self.skip_while(after, is_url_char);
        Some(self.trim_url_end(i, end))
    }

    /// Drop trailing sentence punctuation and an unbalanced closing bracket.
    fn trim_url_end(&self, start: usize, mut end: usize) -> usize {
        // Brackets in `start..end`, counted once when a closing one ends
        // the URL (most URLs end in neither) and updated as the end moves
        // back (counting again for each trailing bracket was quadratic).
        let mut brackets: Option<[usize; 4]> = None;
        while end > start {
            let Some(last) = self.at(end - 1) else { break };
            let trim = match last {
                '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '"' => true,
                ')' | ']' => {
                    let counts = brackets.get_or_insert_with(|| {
                        let count =
                            |o: char| (start..end).filter(|&k| self.at(k) == Some(o)).count();
                        [count('('), count(')'), count('['), count(']')]
                    });
                    let [open_paren, close_paren, open_square, close_square] = counts;
                    let (open, close) = if last == ')' {
                        (open_paren, close_paren)
                    } else {
                        (open_square, close_square)
                    };
                    // Unbalanced: more closing than opening, this one included.
                    let trim = *open < *close;
                    if trim {
                        *close -= 1;
                    }
                    trim
                }
                _ => false,
            };
            if !trim {
                break;
            }
            end -= 1;
        }
        end
    }

    /// The host labels starting at `i`, read once (no list is kept: a
    /// host is tried at every ASCII word of the text). Stops before a dot
    /// that is not followed by a label.
    fn host(&self, i: usize) -> Host {
        let mut host = Host {
            end: i,
            first: i..i,
            last: i..i,
            valid: false,
        };
        let (mut k, mut count, mut all_valid) = (i, 0, true);
        loop {
            // A label over 63 characters is invalid however long it is: stop
            // there (so a long word is not rescanned from each place tried).
            let end = self.skip_at_most(k, MAX_LABEL + 1, is_label_char);
            if end == k {
                break;
            }
            let label = self.label_str(&(k..end));
            all_valid &=
                label.len() <= MAX_LABEL && !label.starts_with('-') && !label.ends_with('-');
            if count == 0 {
                host.first = k..end;
            }
            host.last = k..end;
            count += 1;
            if self.at(end) == Some('.') && self.at(end + 1).is_some_and(is_label_char) {
                k = end + 1;
            } else {
                k = end;
                break;
            }
        }
        host.end = k;
        host.valid = count >= 2 && all_valid;
        host
    }

    /// The text of a label (its characters are ASCII: one byte each).
    fn label_str(&self, r: &Range<usize>) -> &'a str {
        self.text
            .get(self.byte(r.start)..self.byte(r.end))
            .unwrap_or_default()
    }

    /// `local@host.tld`.
    fn email(&self, i: usize) -> Option<usize> {
        let mut at = self.skip_at_most(i, MAX_LOCAL_PART + 1, is_email_local_char);
        if at - i > MAX_LOCAL_PART {
            return None;
        }
        // A local part does not end with a dot.
        while at > i && self.at(at - 1) == Some('.') {
            at -= 1;
        }
        if at == i || self.at(at) != Some('@') {
            return None;
        }
        let host = self.host(at + 1);
        let (end, tld) = (host.end, self.label_str(&host.last));
        (host.valid
            && tld.len() >= 2
            && tld.chars().all(|c| c.is_ascii_alphabetic())
            && !self.at(end).is_some_and(|c| c == '@' || c == '_'))
        .then_some(end)
    }

    /// `www.host.tld` or `host.knowntld`, with an optional port and path.
    fn bare_host(&self, i: usize) -> Option<usize> {
        let host = self.host(i);
        let end = host.end;
        if !host.valid || self.at(end).is_some_and(|c| c == '@' || c == '_') {
            return None;
        }
        let first = self.label_str(&host.first);
        let tld = self.label_str(&host.last);
        let alpha = tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic());
        let one_case = !tld.bytes().any(|b| b.is_ascii_uppercase())
            || !tld.bytes().any(|b| b.is_ascii_lowercase());
        let www = first.eq_ignore_ascii_case("www");
        let known = BARE_TLDS.iter().any(|t| t.eq_ignore_ascii_case(tld));
        if !(alpha && one_case && (www || known)) {
            return None;
        }
        let mut k = end;
        if self.at(k) == Some(':') && self.digit(k + 1) {
            k = self.skip_while(k + 1, |c| c.is_ascii_digit());
        }
        if matches!(self.at(k), Some('/' | '?' | '#')) {
            k = self.skip_while(k, is_url_char);
        }
        Some(self.trim_url_end(i, k))
    }

    /// Digit groups separated by one `-` or space (at most
    /// [`MAX_DIGIT_GROUPS`], kept in place: every number is asked).
    fn groups(&self, i: usize) -> DigitGroups {
        let mut groups = DigitGroups {
            ranges: Default::default(),
            len: 0,
        };
        let mut k = i;
        while self.digit(k) && groups.len < MAX_DIGIT_GROUPS {
            let end = self.skip_while(k, is_digit);
            if let Some(slot) = groups.ranges.get_mut(groups.len) {
                *slot = k..end;
                groups.len += 1;
            }
            match self.at(end) {
                Some('-' | ' ') if self.digit(end + 1) => k = end + 1,
                _ => break,
            }
        }
        groups
    }

    /// `+66 2 123 4567` (Thailand: 8 or 9 national digits) and other
    /// international numbers (8 to 15 digits).
    fn intl_phone(&self, i: usize) -> Option<usize> {
        let groups = self.groups(i + 1);
        let groups = groups.as_slice();
        let thai = self.at(i + 1) == Some('6') && self.at(i + 2) == Some('6');
        let fits = |n: usize| {
            if thai {
                (10..=11).contains(&n)
            } else {
                (8..=15).contains(&n)
            }
        };
        let mut total = 0;
        let mut best = None;
        for g in groups {
            total += g.len();
            if fits(total) {
                best = Some(g.end);
            }
        }
        best
    }

    /// The end of an amount-shaped number at `i` and whether it had thousands
    /// grouping or decimals (`5,000.00`).
    fn amount(&self, i: usize) -> (usize, bool) {
        let mut end = self.skip_while(i, is_digit);
        let mut formatted = false;
        if end - i <= 3 {
            while self.at(end) == Some(',') {
                let g = self.skip_while(end + 1, is_digit);
                if g - (end + 1) != 3 {
                    break;
                }
                end = g;
                formatted = true;
            }
        }
        if self.at(end) == Some('.') && self.digit(end + 1) {
            end = self.skip_while(end + 1, is_digit);
            formatted = true;
        }
        (end, formatted)
    }

    /// Whether a currency word follows `end` (optionally after one space).
    fn unit_follows(&self, end: usize) -> bool {
        let k = if self.at(end) == Some(' ') {
            end + 1
        } else {
            end
        };
        if self.starts_with_ci(k, "บาท") {
            return true;
        }
        ["baht", "thb"].iter().any(|w| {
            self.starts_with_ci(k, w)
                && !self
                    .at(k + w.len())
                    .is_some_and(|c| c.is_ascii_alphanumeric())
        })
    }

    /// Whether the number at `i` is an extension: `ต่อ 123` or `ext. 123`
    /// after a phone number. `ติดต่อ 1441` ("contact 1441") is not one.
    fn is_extension(&self, i: usize) -> bool {
        let mut k = i;
        while k > 0 && matches!(self.at(k - 1), Some(' ' | '.')) {
            k -= 1;
        }
        let word_before = |len: usize, w: &str| {
            k.checked_sub(len).is_some_and(|s| {
                self.starts_with_ci(s, w)
                    && s.checked_sub(1)
                        .and_then(|b| self.at(b))
                        .is_none_or(|b| !b.is_alphabetic() && !is_thai_mark(b))
            })
        };
        k < i && (word_before(3, "ต่อ") || word_before(3, "ext"))
    }

    fn number(&self, i: usize) -> Option<(SpanKind, usize)> {
        let (end, formatted) = self.amount(i);
        let continues = |e: usize| matches!(self.at(e), Some(',' | '.' | '-')) && self.digit(e + 1);
        if (formatted || self.unit_follows(end)) && !continues(end) {
            return Some((SpanKind::Amount, end));
        }
        let groups = self.groups(i);
        let groups = groups.as_slice();
        let first = groups.first()?;
        let lead = self.at(first.start).map(ascii_digit);
        if lead == Some('0') {
            // National number: 9 digits (landline 02-123-4567) or 10 (mobile).
            let mut total = 0;
            let mut best = None;
            for g in groups {
                total += g.len();
                if total == 9 || total == 10 {
                    best = Some(g.end);
                }
                if total >= 10 {
                    break;
                }
            }
            if let Some(e) = best
                && !continues(e)
            {
                return Some((SpanKind::Phone, e));
            }
            return None;
        }
        if lead == Some('1')
            && (3..=4).contains(&first.len())
            && !continues(first.end)
            && !self.is_extension(i)
        {
            // Thai short codes: 191, 1441, 1213, 1129, ...
            return Some((SpanKind::Phone, first.end));
        }
        None
    }
}

#[cfg(test)]
#[path = "spans_tests.rs"]
mod tests;
