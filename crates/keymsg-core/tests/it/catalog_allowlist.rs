//! The allow-list cannot be slipped past: each trick that once put an
//! unlisted number or host past validation is refused, one test per class,
//! while the official numbers and everyday numbers (amounts, dates, times,
//! quantities, years) still pass.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use keymsg_core::catalog::{Catalog, CatalogError, Format, ProblemKind};

fn catalog(th: &str) -> String {
    let th = th.replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        "version = 1\n[allow]\nphones = [\"1441\", \"191\", \"02-123-4567\"]\n\
         hosts = [\"thaipoliceonline.go.th\"]\nhandles = [\"@aoc_1441\"]\n\
         [[messages]]\nid = \"m\"\ntopic = \"t\"\nsurfaces = [\"receipt\"]\n\
         [messages.text.th]\nlong = \"{th}\"\n"
    )
}

fn refused(th: &str) -> ProblemKind {
    match Catalog::from_str_as(&catalog(th), Format::Toml, "t.toml") {
        Err(CatalogError::Invalid { problems, .. }) => {
            assert_eq!(problems.len(), 1, "{th:?}: {problems:#?}");
            problems.into_iter().next().unwrap().kind
        }
        Err(e) => panic!("{th:?}: {e}"),
        Ok(_) => panic!("{th:?} slipped past the allow-list"),
    }
}

fn accepted(th: &str) {
    if let Err(e) = Catalog::from_str_as(&catalog(th), Format::Toml, "t.toml") {
        panic!("{th:?}: {e}");
    }
}

fn number(k: ProblemKind) -> bool {
    matches!(
        k,
        ProblemKind::NumberNotAllowed(_) | ProblemKind::PhoneNotAllowed(_)
    )
}

#[test]
fn no_break_and_thin_spaces_inside_a_number() {
    assert!(number(refused("โทร 081\u{00A0}234\u{00A0}5678")));
    assert!(number(refused("โทร 081\u{2009}234\u{2009}5678")));
    assert!(number(refused("โทร 081\u{202F}234\u{202F}5678")));
}

#[test]
fn brackets_dots_and_slashes_inside_a_number() {
    assert!(number(refused("โทร (081) 234 5678")));
    assert!(number(refused("โทร 081.234.5678")));
    assert!(number(refused("โทร 081/234/5678")));
}

/// Every problem of a text (several tricks can meet in one number).
fn problems(th: &str) -> Vec<ProblemKind> {
    match Catalog::from_str_as(&catalog(th), Format::Toml, "t.toml") {
        Err(CatalogError::Invalid { problems, .. }) => {
            problems.into_iter().map(|p| p.kind).collect()
        }
        Err(e) => panic!("{th:?}: {e}"),
        Ok(_) => panic!("{th:?} slipped past the allow-list"),
    }
}

#[test]
fn a_thai_tone_mark_between_digits() {
    // The mark on the digit is refused, and the number it hid too.
    assert_eq!(
        problems("โทร 081่2345678"),
        [
            ProblemKind::MarkOnDigit(0x0E48),
            ProblemKind::NumberNotAllowed("081่2345678".into())
        ]
    );
}

#[test]
fn a_combining_mark_on_each_digit() {
    // Each mark cut the number into one-digit runs that passed as "too
    // short"; a mark on a digit is now refused wherever it is.
    for mark in [
        "\u{0332}",
        "\u{20E3}",
        "\u{FE0F}\u{20E3}",
        "\u{20DD}",
        "\u{20DE}",
        "\u{0336}",
        "\u{0301}",
        "\u{0E33}",
    ] {
        let th: String = "สงสัยโทร "
            .chars()
            .chain(
                "0812345678"
                    .chars()
                    .flat_map(|d| std::iter::once(d).chain(mark.chars())),
            )
            .collect();
        let found = problems(&th);
        assert_eq!(found.len(), 10, "{mark:?}: {found:?}");
        // An invisible U+FE0F is looked through: the mark is the U+20E3.
        let first = mark.chars().find(|&c| c != '\u{FE0F}').unwrap() as u32;
        assert!(
            found.iter().all(|k| *k == ProblemKind::MarkOnDigit(first)),
            "{mark:?}: {found:?}"
        );
    }
    // One mark on the official number is refused too: plain digits only.
    assert_eq!(
        problems("โทร 1\u{0332}441").first(),
        Some(&ProblemKind::MarkOnDigit(0x0332))
    );
    // The error names the file, the message, the field and the offset.
    let Err(e) = Catalog::from_str_as(&catalog("โทร 1441 หรือ 0\u{0332}8"), Format::Toml, "t.toml")
    else {
        panic!("accepted");
    };
    assert_eq!(
        e.lines(),
        [
            "t.toml: message `m`: field `text.th.long` at char 15: combining mark U+0332 \
          on a digit (a number must be written with plain digits)"
        ]
    );
    // Marks on letters, and Thai text around digits, are everyday text.
    accepted("โทร 1441 ทันที ที่ 1441 น้ำ 5 ลิตร café");
}

#[test]
fn digits_dressed_as_an_amount() {
    // Grouped like money, but a grouped amount never starts with 0...
    assert!(number(refused("โทร 0,812,345,678")));
    assert!(number(refused("โอน 0,812,345")));
    // ...and nine or ten digits from 0 are a phone number, whatever follows.
    assert!(number(refused("โทร 081.2345678 บาท")));
    assert!(number(refused("โทร ฿0812345678")));
    assert!(number(refused("โทร 02.999.4567 น.")));
    // Real amounts still pass.
    accepted("ค่าไฟ 1,234,567.50 บาท หรือ ฿5,000 หรือ 0.50 บาท หรือ 99.50");
}

#[test]
fn runs_that_extend_or_prefix_an_allowed_number() {
    assert!(number(refused("โทร 14410")));
    assert!(number(refused("โทร 1441-2345")));
    assert!(number(refused("โทร 91441")));
}

#[test]
fn seven_digit_local_numbers() {
    assert!(number(refused("โทร 234 5678")));
    assert!(number(refused("โทร 2345678")));
}

#[test]
fn digits_from_other_scripts() {
    for t in [
        "โทร ０８１２３４５６７８",
        "โทร ٠٨١٢٣٤٥٦٧٨",
        "โทร 𝟎𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖",
        "โทร ⁰⁸¹²³⁴⁵⁶⁷⁸",
        "โทร ⓪⑧①②③④⑤⑥⑦⑧",
        "โทร ❶❹❹❶",
    ] {
        assert!(number(refused(t)), "{t}");
    }
    // The official number in another script is still the official number.
    accepted("โทร ๑๔๔๑ หรือ １４４１");
}

#[test]
fn internationalised_host_names() {
    assert!(matches!(
        refused("ดูที่ ตัวอย่าง.ไทย"),
        ProblemKind::HostNotAllowed(_)
    ));
    assert!(matches!(
        refused("ดูที่ thaipoliceonIine.xn--o3cw4h"),
        ProblemKind::HostNotAllowed(_)
    ));
}

#[test]
fn full_width_or_ideographic_dots_in_hosts() {
    for t in ["ดูที่ scam．com", "ดูที่ scam。com", "ดูที่ scam｡co｡th"]
    {
        assert!(matches!(refused(t), ProblemKind::HostNotAllowed(_)), "{t}");
    }
    accepted("ดูที่ thaipoliceonline．go．th");
}

#[test]
fn bare_ip_addresses_and_handles() {
    assert_eq!(
        refused("เข้า 203.0.113.5"),
        ProblemKind::HostNotAllowed("203.0.113.5".into())
    );
    assert_eq!(
        refused("แอดไลน์ @scam_th"),
        ProblemKind::HandleNotAllowed("@scam_th".into())
    );
    accepted("แอดไลน์ @AOC_1441 เท่านั้น");
}

#[test]
fn everyday_numbers_pass() {
    accepted(
        "โทร 1441, 191 หรือ 02 123 4567 ตลอด 24 ชั่วโมง (24 hours) ปี 2569 วันที่ 31/12/2569 \
         เวลา 09:30 หรือ 9.30 น. เสียไป ฿5,000.00 หรือ 1,500 บาท 2.5 ล้านบาท ภายใน 180 วัน ข้อ 3",
    );
}

#[test]
fn the_default_catalog_still_validates() {
    Catalog::embedded().unwrap();
}
