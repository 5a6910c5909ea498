//! The keys protected spans are compared by: digits as ASCII, phone numbers
//! with the Thai international prefix folded, URL hosts in lower case, and
//! the invisible characters a span must not hide.

/// Whether `c` is an ASCII digit or a Thai digit ๐–๙.
pub(crate) fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('\u{0E50}'..='\u{0E59}').contains(&c)
}

pub(super) fn ascii_digit(c: char) -> char {
    match c {
        '\u{0E50}'..='\u{0E59}' => char::from_u32(c as u32 - 0x0E50 + u32::from(b'0')).unwrap_or(c),
        _ => c,
    }
}

/// The digits of `text` as ASCII, Thai digits mapped, everything else dropped:
/// `"๐๒-๑๒๓ 4567"` → `"021234567"`.
pub(crate) fn span_digits(text: &str) -> String {
    text.chars()
        .map(ascii_digit)
        .filter(char::is_ascii_digit)
        .collect()
}

/// A phone number in the form allow-lists compare: ASCII digits only, with a
/// Thai international prefix folded to the national one (`+66 2 123 4567` →
/// `021234567`), so an allow-list entry matches however the number is written.
pub(crate) fn phone_key(text: &str) -> String {
    let digits = span_digits(text);
    if text.trim_start().starts_with('+')
        && let Some(rest) = digits.strip_prefix("66")
    {
        return format!("0{rest}");
    }
    digits
}

/// The host of a URL, bare host or e-mail address, lower case, without a
/// trailing dot: `https://www.PEA.co.th/x?y` → `www.pea.co.th`,
/// `info@mea.or.th` → `mea.or.th`. `None` when there is no host.
pub(crate) fn url_host(text: &str) -> Option<String> {
    let t = text.trim();
    let rest = match t.find("://") {
        Some(i) => t.get(i + 3..)?,
        None => t,
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let host = match host_port.rfind(':') {
        Some(i)
            if host_port
                .get(i + 1..)
                .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit())) =>
        {
            host_port.get(..i)?
        }
        _ => host_port,
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if is_host_syntax(&host) {
        Some(host)
    } else {
        None
    }
}

/// Whether `host` is a syntactically valid DNS host name with at least two
/// labels (`pea.co.th`), ASCII only.
pub(crate) fn is_host_syntax(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() >= 2
        && host.len() <= 253
        && labels.iter().all(|l| {
            (1..=63).contains(&l.len())
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
        && labels
            .last()
            .is_some_and(|t| t.len() >= 2 && t.bytes().all(|b| b.is_ascii_alphabetic()))
}

/// Whether `host` equals an allowed host or is a subdomain of one. Both sides
/// are compared case-insensitively.
pub(crate) fn host_allowed(host: &str, allowed: &[String]) -> bool {
    let host = host.to_ascii_lowercase();
    allowed.iter().any(|a| {
        let a = a.to_ascii_lowercase();
        host == a
            || host
                .strip_suffix(a.as_str())
                .is_some_and(|prefix| prefix.ends_with('.'))
    })
}

/// Whether `c` is a Unicode default-ignorable code point: invisible when
/// rendered (zero-width space and joiners, word joiner, BOM, soft hyphen,
/// variation selectors, bidi controls, ...), so it can hide inside a number or
/// URL without a reader seeing it.
pub(crate) fn is_default_ignorable(c: char) -> bool {
    // Default_Ignorable_Code_Point, Unicode 16 DerivedCoreProperties.txt.
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}'..='\u{1160}'
        | '\u{17B4}'..='\u{17B5}' | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}'
        | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}
