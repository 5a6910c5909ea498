//! One test per class of trick that once slipped a number or host past the
//! allow-list, plus the rules that keep amounts, dates, times, quantities
//! and years out.

use super::*;

fn kinds(text: &str) -> Vec<ContactKind> {
    contacts(text).into_iter().map(|c| c.kind).collect()
}

fn digits(d: &str) -> ContactKind {
    ContactKind::Digits { digits: d.into() }
}

#[test]
fn digits_of_every_script_are_normalised() {
    assert_eq!(kinds("โทร ๐๘๑๒๓๔๕๖๗๘"), [digits("0812345678")]);
    assert_eq!(kinds("โทร ０８１２３４５６７８"), [digits("0812345678")]); // full-width
    assert_eq!(kinds("โทร ٠٨١٢٣٤٥٦٧٨"), [digits("0812345678")]); // Arabic-Indic
    assert_eq!(kinds("โทร ۰۸۱۲۳۴۵۶۷۸"), [digits("0812345678")]); // Extended Arabic-Indic
    assert_eq!(kinds("โทร 𝟎𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖"), [digits("0812345678")]); // mathematical bold
    assert_eq!(kinds("โทร ⁰⁸¹²³⁴⁵⁶⁷⁸"), [digits("0812345678")]); // superscript
    assert_eq!(kinds("โทร ⓪⑧①②③④⑤⑥⑦⑧"), [digits("0812345678")]); // circled
    assert_eq!(kinds("โทร ०८१२३४५६७८"), [digits("0812345678")]); // Devanagari
    // Negative circled digits: a numeric block that is not ten long: unknown.
    assert_eq!(kinds("โทร ❶❹❹❶"), [digits("????")]);
}

#[test]
fn separators_inside_a_number_do_not_split_it() {
    for t in [
        "โทร 02\u{00A0}123\u{00A0}4567", // no-break spaces
        "โทร 02\u{2009}123\u{2009}4567", // thin spaces
        "โทร (02) 123-4567",
        "โทร 02.123.4567",
        "โทร 02/123/4567",
        "โทร 02 – 123 – 4567",
        "โทร 0\u{200B}2123\u{2060}4567", // invisible characters
    ] {
        assert_eq!(kinds(t), [digits("021234567")], "{t:?}");
    }
}

#[test]
fn a_thai_tone_mark_between_digits_does_not_split_them() {
    assert_eq!(kinds("โทร 08่1234่5678"), [digits("0812345678")]);
}

#[test]
fn runs_extending_or_prefixing_an_allowed_number_are_whole() {
    assert_eq!(kinds("โทร 14410"), [digits("14410")]);
    assert_eq!(kinds("โทร 1441-2345"), [digits("14412345")]);
    assert_eq!(kinds("โทร 0-1441"), [digits("01441")]);
}

#[test]
fn seven_digit_local_numbers_are_runs() {
    assert_eq!(kinds("โทร 123 4567"), [digits("1234567")]);
}

#[test]
fn lists_and_remarks_stay_apart() {
    assert_eq!(kinds("โทร 1441, 191"), [digits("1441"), digits("191")]);
    assert_eq!(
        kinds("call 1441 (24 hours)"),
        [digits("1441"), digits("24")]
    );
}

#[test]
fn international_prefix_is_folded() {
    assert_eq!(kinds("โทร +66 81 234 5678"), [digits("0812345678")]);
}

#[test]
fn internationalised_host_names() {
    assert_eq!(
        kinds("ดูที่ ตัวอย่าง.ไทย"),
        [ContactKind::Host("ตัวอย่าง.ไทย".into())]
    );
    assert_eq!(
        kinds("ดูที่ xn--12c1fe0br.xn--o3cw4h"),
        [ContactKind::Host("xn--12c1fe0br.xn--o3cw4h".into())]
    );
    assert_eq!(
        kinds("see pеa.co.th"),
        [ContactKind::Host("pеa.co.th".into())]
    ); // Cyrillic е
}

#[test]
fn full_width_and_ideographic_dots_in_hosts() {
    for t in [
        "ดูที่ scam．com",
        "ดูที่ scam。com",
        "ดูที่ scam｡com",
        "ดูที่ ｓｃａｍ．ｃｏｍ",
    ] {
        assert_eq!(kinds(t), [ContactKind::Host("scam.com".into())], "{t:?}");
    }
}

#[test]
fn bare_ip_addresses() {
    assert_eq!(
        kinds("เข้า 203.0.113.5 เลย"),
        [ContactKind::Ip("203.0.113.5".into())]
    );
}

#[test]
fn at_handles() {
    assert_eq!(
        kinds("แอดไลน์ @scam_th ทันที"),
        [ContactKind::Handle("@scam_th".into())]
    );
    assert_eq!(
        kinds("เพิ่มเพื่อน ＠Scam.Line"),
        [ContactKind::Handle("@scam.line".into())]
    );
}

#[test]
fn file_names_are_not_hosts() {
    assert_eq!(kinds("ไฟล์ report.pdf"), []);
    assert_eq!(kinds("ไฟล์ pea.apk"), [ContactKind::Host("pea.apk".into())]);
}

#[test]
fn thai_abbreviations_are_not_hosts() {
    assert!(
        kinds("ภายใน 24 ชม. ตั้งแต่ ม.ค. พ.ศ. 2569")
            .iter()
            .all(|k| matches!(k, ContactKind::Digits { .. }))
    );
}

fn class(text: &str) -> Option<NotContact> {
    let c = contacts(text).into_iter().next().unwrap();
    classify(text, &c)
}

#[test]
fn amounts_dates_times_quantities_and_years_are_not_contacts() {
    assert_eq!(class("โอน ฿5,000.00"), Some(NotContact::Amount));
    assert_eq!(class("เสียไป 1,500 บาท"), Some(NotContact::Amount));
    assert_eq!(class("เสียไป 2.5 ล้านบาท"), Some(NotContact::Amount));
    assert_eq!(class("ราคา 99.50"), Some(NotContact::Amount));
    assert_eq!(class("วันที่ 31/12/2569"), Some(NotContact::Date));
    assert_eq!(class("ถึง 2026-01-31"), Some(NotContact::Date));
    assert_eq!(class("ถึง 15 ม.ค."), Some(NotContact::Date));
    assert_eq!(class("เวลา 09:30"), Some(NotContact::Time));
    assert_eq!(class("เวลา 9.30 น."), Some(NotContact::Time));
    assert_eq!(class("ภายใน 180 วัน"), Some(NotContact::Quantity));
    assert_eq!(class("ตลอด 24 ชั่วโมง"), Some(NotContact::Quantity));
    assert_eq!(class("ข้อ 3"), Some(NotContact::TooShort));
    assert_eq!(class("ปี 2569"), Some(NotContact::Year));
    assert_eq!(class("in 1999"), Some(NotContact::Year));
    assert_eq!(class("call 1999"), None, "a short code's shape");
    // Not a contact rule: these must be allowed to pass.
    assert_eq!(class("โทร 2345"), None);
    assert_eq!(class("โทร 14410"), None);
    assert_eq!(class("โทร ❶❹❹❶"), None);
    assert_eq!(class("โทร 081,234,5678"), None); // not three-digit groups
}

#[test]
fn phone_shaped_runs_are_never_amounts() {
    // Ten or nine digits from 0 are a phone number, however dressed.
    assert_eq!(class("โทร 0,812,345,678"), None);
    assert_eq!(class("081.2345678 บาท"), None);
    assert_eq!(class("฿02.123.4567"), None);
    // A grouped amount never starts with 0.
    assert_eq!(class("0,812,345"), None);
    assert_eq!(class("1,812,345"), Some(NotContact::Amount));
    assert_eq!(class("0.50"), Some(NotContact::Amount));
}
