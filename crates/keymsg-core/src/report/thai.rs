//! Thai rendering for the form: month names, Buddhist Era years, Thai digits,
//! and the form's fixed wording.
//!
//! Internally everything is ISO (`2026-03`, `2026-04-05`); these helpers are
//! only used when text is written for people.

use time::Date;

use crate::Channel;
use crate::bangkok::YearMonth;

/// The form's correct title. (The copy of the form that circulated with the
/// Ministry's letter carries a wrong title about pregnancy health; this is the
/// right one.)
pub(crate) const FORM_TITLE: &str =
    "แบบรายงานผลการเผยแพร่ข้อมูลเกี่ยวกับการเสริมสร้างการรับรู้ภัยอาชญากรรมออนไลน์ ผ่านช่องทางสื่อสารต่าง ๆ";

/// Heading of the first column (row number).
pub(crate) const HEADING_NO: &str = "ลำดับ";
/// Heading of the content column.
pub(crate) const HEADING_CONTENT: &str = "เนื้อหา/รายละเอียดในการเผยแพร่";
/// Label of the agency line.
pub(crate) const LABEL_AGENCY: &str = "หน่วยงาน";
/// The agency line of a form that covers every agency in a store.
pub(crate) const ALL_AGENCIES: &str = "ทุกหน่วยงาน";
/// Label of the month line.
pub(crate) const LABEL_MONTH: &str = "ประจำเดือน";
/// Label of the totals row.
pub(crate) const LABEL_TOTAL: &str = "รวม";
/// Marks a report that corrects one already filed.
pub(crate) const LABEL_AMENDED: &str = "ฉบับแก้ไข";
/// Signature: "signed".
pub(crate) const LABEL_SIGNED: &str = "ลงชื่อ";
/// Signature: "reporter".
pub(crate) const LABEL_REPORTER: &str = "ผู้รายงาน";
/// Signature: "position".
pub(crate) const LABEL_POSITION: &str = "ตำแหน่ง";
/// Signature: "date".
pub(crate) const LABEL_DATE: &str = "วันที่";
/// The dotted line printed where nothing was filled in.
pub(crate) const DOTS: &str = "....................................";

/// Thai month names, January first.
pub(crate) const MONTHS: [&str; 12] = [
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
];

/// Which digits to write numbers with in text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Digits {
    /// Thai digits ๐–๙ (the default for headings and dates on Thai forms).
    #[default]
    Thai,
    /// ASCII digits 0–9.
    Arabic,
}

impl Digits {
    /// Rewrite the ASCII digits of `text` in these digits.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn apply(self, text: &str) -> String {
        match self {
            Digits::Arabic => text.to_owned(),
            Digits::Thai => thai_digits(text),
        }
    }
}

/// Replace ASCII digits 0–9 with Thai digits ๐–๙; everything else is kept.
pub(crate) fn thai_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c.to_digit(10) {
            // U+0E50 THAI DIGIT ZERO .. U+0E59 THAI DIGIT NINE
            Some(d) if c.is_ascii_digit() => char::from_u32(0x0E50 + d).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// The Thai name of a month number 1–12 (`""` outside that range).
pub(crate) fn month_name(month: u8) -> &'static str {
    usize::from(month)
        .checked_sub(1)
        .and_then(|i| MONTHS.get(i))
        .copied()
        .unwrap_or("")
}

/// "มีนาคม ๒๕๖๙": month name and Buddhist Era year.
pub(crate) fn month_year(month: YearMonth, digits: Digits) -> String {
    format!(
        "{} {}",
        month_name(month.month()),
        digits.apply(&month.year_be().to_string())
    )
}

/// "ประจำเดือน มีนาคม ๒๕๖๙": the form's month line.
pub fn month_heading(month: YearMonth, digits: Digits) -> String {
    format!("{LABEL_MONTH} {}", month_year(month, digits))
}

/// "๕ เมษายน ๒๕๖๙": a date as written on Thai forms (day, month, BE year).
pub(crate) fn date(date: Date, digits: Digits) -> String {
    format!(
        "{} {} {}",
        digits.apply(&date.day().to_string()),
        month_name(date.month() as u8),
        digits.apply(&(date.year() + 543).to_string())
    )
}

/// "๕ เมษายน ๒๕๖๙ เวลา ๐๙:๓๐:๑๕ น.": an instant as written on Thai forms,
/// in Bangkok time (to the second: two copies of one unit's report made the
/// same day must read apart).
pub(crate) fn date_time(instant: time::OffsetDateTime, digits: Digits) -> String {
    let local = crate::bangkok::local(instant);
    format!(
        "{} เวลา {} น.",
        date(local.date(), digits),
        digits.apply(&format!(
            "{:02}:{:02}:{:02}",
            local.hour(),
            local.minute(),
            local.second()
        ))
    )
}

/// A count with thousands separators ("12,345"), in the given digits.
pub(crate) fn number(n: u64, digits: Digits) -> String {
    digits.apply(&group(&n.to_string()))
}

/// A signed change ("+12", "-3", "0"), in the given digits.
pub(crate) fn signed(n: i64, digits: Digits) -> String {
    let body = group(&n.unsigned_abs().to_string());
    let text = match n.signum() {
        1 => format!("+{body}"),
        -1 => format!("-{body}"),
        _ => body,
    };
    digits.apply(&text)
}

fn group(digits: &str) -> String {
    let n = digits.len();
    let mut out = String::with_capacity(n + n / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The column headings of the form, in order: ลำดับ, content, then the six
/// channels as printed on the Ministry's form.
pub(crate) fn column_headings() -> [&'static str; 8] {
    let [a, b, c, d, e, f] = Channel::ALL.map(Channel::form_heading);
    [HEADING_NO, HEADING_CONTENT, a, b, c, d, e, f]
}

/// The signature block as lines of text: "ลงชื่อ .... ผู้รายงาน", the name in
/// parentheses, "ตำแหน่ง ...", "วันที่ ...". Missing fields print as dots.
pub(crate) fn signature_lines(sig: &super::Signature, digits: Digits) -> [String; 4] {
    let name = sig.reporter.as_deref().unwrap_or(DOTS);
    [
        format!("{LABEL_SIGNED} {DOTS} {LABEL_REPORTER}"),
        format!("( {name} )"),
        format!(
            "{LABEL_POSITION} {}",
            sig.position.as_deref().unwrap_or(DOTS)
        ),
        format!(
            "{LABEL_DATE} {}",
            sig.date
                .map_or_else(|| DOTS.to_owned(), |d| date(d, digits))
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn an_instant_is_written_in_bangkok_time_and_the_buddhist_era() {
        // 23:30:15.25 UTC on 31 March is 06:30:15 on 1 April in Bangkok.
        let t = time::macros::datetime!(2026-03-31 23:30:15.25 UTC);
        assert_eq!(date_time(t, Digits::Thai), "๑ เมษายน ๒๕๖๙ เวลา ๐๖:๓๐:๑๕ น.");
        assert_eq!(
            date_time(t, Digits::Arabic),
            "1 เมษายน 2569 เวลา 06:30:15 น."
        );
    }

    #[test]
    fn digits() {
        assert_eq!(thai_digits("2569-03 x9"), "๒๕๖๙-๐๓ x๙");
        // Only ASCII digits are mapped; other scripts' digits are left alone.
        assert_eq!(thai_digits("٣"), "٣");
        assert_eq!(number(1_234_567, Digits::Arabic), "1,234,567");
        assert_eq!(number(100, Digits::Thai), "๑๐๐");
        assert_eq!(number(0, Digits::Arabic), "0");
        assert_eq!(signed(-1500, Digits::Arabic), "-1,500");
        assert_eq!(signed(7, Digits::Thai), "+๗");
    }

    #[test]
    fn months_and_years() {
        let m: YearMonth = "2026-03".parse().unwrap();
        assert_eq!(month_heading(m, Digits::Thai), "ประจำเดือน มีนาคม ๒๕๖๙");
        assert_eq!(month_year(m, Digits::Arabic), "มีนาคม 2569");
        assert_eq!(month_name(2), "กุมภาพันธ์");
        assert_eq!(month_name(12), "ธันวาคม");
        assert_eq!(month_name(0), "");
        assert_eq!(month_name(13), "");
        assert_eq!(date(date!(2026 - 04 - 05), Digits::Thai), "๕ เมษายน ๒๕๖๙");
    }

    #[test]
    fn headings_are_the_forms() {
        let h = column_headings();
        assert_eq!(h[0], "ลำดับ");
        assert_eq!(h[7], "Documents and Application");
        assert!(!FORM_TITLE.contains("ครรภ์")); // not the pregnancy title
    }
}
