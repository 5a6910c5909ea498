//! Tests of the protected-span scanner (a file of their own: the scanner
//! is long enough without them).

#[test]
fn module_doc_example() {
    let text = "โทร1441 หรือแจ้งที่ thaipoliceonline.go.th.";
    let spans = protected_spans(text);
    assert_eq!(spans.len(), 2);
    assert_eq!(spans[0].kind, SpanKind::Phone);
    assert_eq!(&text[spans[0].range.clone()], "1441");
    assert_eq!(&text[spans[1].range.clone()], "thaipoliceonline.go.th");
}

use super::*;

fn found(text: &str) -> Vec<(SpanKind, &str)> {
    protected_spans(text)
        .into_iter()
        .map(|s| (s.kind, &text[s.range]))
        .collect()
}

use SpanKind::{Amount, Email, Phone, Url};

#[test]
fn invisible_characters_never_split_a_span() {
    for t in [
        "โทร 1\u{200B}441 ok",
        "โทร 14\u{2060}41",
        "โทร\u{200B}1\u{FEFF}4\u{200D}41\u{200B}ทันที",
    ] {
        let spans = protected_spans(t);
        assert_eq!(spans.len(), 1, "{t:?}");
        let s = &spans[0];
        let covered = &t[s.range.clone()];
        assert_eq!(span_digits(covered), "1441", "{t:?}");
        assert!(
            covered.starts_with('1') && covered.ends_with('1'),
            "{covered:?}"
        );
    }
}
#[test]
fn thai_short_codes_with_and_without_spaces() {
    assert_eq!(found("โทร 1441 ตลอด 24 ชม."), [(Phone, "1441")]);
    assert_eq!(found("โทร1441ทันที"), [(Phone, "1441")]);
    assert_eq!(found("แจ้ง191หรือ1213"), [(Phone, "191"), (Phone, "1213")]);
    assert_eq!(found("การไฟฟ้าส่วนภูมิภาค 1129"), [(Phone, "1129")]);
    assert_eq!(
        found("call 1441, 191 or 1213."),
        [(Phone, "1441"), (Phone, "191"), (Phone, "1213")]
    );
}

#[test]
fn thai_digits_are_digits() {
    assert_eq!(found("โทร ๑๔๔๑ ทันที"), [(Phone, "๑๔๔๑")]);
    assert_eq!(found("๐๒-๑๒๓-๔๕๖๗"), [(Phone, "๐๒-๑๒๓-๔๕๖๗")]);
    assert_eq!(span_digits("๐๒-๑๒๓ 4567"), "021234567");
}

#[test]
fn national_and_international_numbers() {
    assert_eq!(found("โทร 02-123-4567 ค่ะ"), [(Phone, "02-123-4567")]);
    assert_eq!(found("มือถือ 081 234 5678"), [(Phone, "081 234 5678")]);
    assert_eq!(found("0812345678"), [(Phone, "0812345678")]);
    assert_eq!(found("โทร+66 2 123 4567ได้"), [(Phone, "+66 2 123 4567")]);
    assert_eq!(found("(+66-81-234-5678)"), [(Phone, "+66-81-234-5678")]);
    assert_eq!(
        found("+66 2 123 4567 1441"),
        [(Phone, "+66 2 123 4567"), (Phone, "1441")]
    );
    // A landline followed by a short code stays two spans.
    assert_eq!(
        found("02-123-4567 1441"),
        [(Phone, "02-123-4567"), (Phone, "1441")]
    );
}

#[test]
fn numbers_after_abbreviations_and_extensions() {
    assert_eq!(found("โทร.1441"), [(Phone, "1441")]);
    assert_eq!(found("Tel.1441"), [(Phone, "1441")]);
    assert_eq!(found("ติดต่อ 1441"), [(Phone, "1441")]);
    assert_eq!(found("ติดต่อ1441"), [(Phone, "1441")]);
    assert_eq!(found("02-123-4567 ต่อ 123"), [(Phone, "02-123-4567")]);
    assert_eq!(found("02-123-4567 ต่อ.1234"), [(Phone, "02-123-4567")]);
    assert_eq!(found("02 123 4567 ext. 123"), [(Phone, "02 123 4567")]);
    assert_eq!(found("text 123"), [(Phone, "123")]);
}

#[test]
fn numbers_that_are_not_phones() {
    assert!(found("ตลอด 24 ชม.").is_empty());
    assert!(found("พ.ศ. 2569").is_empty());
    assert!(found("ข้อ 3 และ 45").is_empty());
    // Account-like runs that continue with `-digit` are not phone numbers.
    assert!(found("123-4-56789-0").is_empty());
    assert!(found("02-123-4567-89").is_empty());
    // Too few digits for a national number.
    assert!(found("02-123").is_empty());
}

#[test]
fn amounts() {
    assert_eq!(found("ค่าไฟ ฿5,000.00 บาท"), [(Amount, "฿5,000.00")]);
    assert_eq!(found("ยอด 5,000.00 บาท"), [(Amount, "5,000.00")]);
    assert_eq!(found("โอน 1,500 บาท"), [(Amount, "1,500")]);
    assert_eq!(found("ค่าธรรมเนียม 300บาท"), [(Amount, "300")]);
    assert_eq!(found("fee of 1500 baht"), [(Amount, "1500")]);
    assert_eq!(found("฿ 200"), [(Amount, "฿ 200")]);
    // 1500 before บาท is an amount, not a short code.
    assert_eq!(found("1500 บาท"), [(Amount, "1500")]);
    // A list is not a thousands group.
    assert!(found("ข้อ 1,2").is_empty());
}

#[test]
fn urls_with_and_without_scheme() {
    assert_eq!(
        found("แจ้งที่ https://thaipoliceonline.go.th/path?a=1."),
        [(Url, "https://thaipoliceonline.go.th/path?a=1")]
    );
    assert_eq!(found("www.x.go.th"), [(Url, "www.x.go.th")]);
    assert_eq!(
        found("แจ้งความที่thaipoliceonline.go.thได้ตลอด"),
        [(Url, "thaipoliceonline.go.th")]
    );
    assert_eq!(
        found("(see thaipoliceonline.go.th)."),
        [(Url, "thaipoliceonline.go.th")]
    );
    assert_eq!(
        found("(https://example.com/a_(b))"),
        [(Url, "https://example.com/a_(b)")]
    );
    assert_eq!(found("HTTP://PEA.CO.TH"), [(Url, "HTTP://PEA.CO.TH")]);
    assert_eq!(found("bit.ly/abc!"), [(Url, "bit.ly/abc")]);
    assert_eq!(found("www.example:8080/x"), [(Url, "www.example:8080/x")]);
}

#[test]
fn not_urls() {
    assert!(found("e.g. this, i.e. that").is_empty());
    assert!(found("ตลอด 24 ชม. ทุกวัน").is_empty());
    assert!(found("report.pdf and app.apk").is_empty());
    assert!(found("Call the bank.In case of doubt").is_empty());
    assert!(found("พ.ร.บ.").is_empty());
    assert_eq!(found("1.5 and 3.14"), [(Amount, "1.5"), (Amount, "3.14")]);
}

#[test]
fn emails() {
    assert_eq!(found("ติดต่อinfo@pea.co.thได้"), [(Email, "info@pea.co.th")]);
    assert_eq!(
        found("write to a.b+c@mail.example.org."),
        [(Email, "a.b+c@mail.example.org")]
    );
    assert!(found("@handle and a@b").is_empty());
}

#[test]
fn an_over_long_local_part_or_label_is_not_an_address() {
    let local = "a".repeat(64);
    let ok = format!("{local}@pea.co.th");
    assert_eq!(found(&ok), [(Email, ok.as_str())]);
    assert!(found(&format!("a{local}@pea.co.th")).is_empty());
    let label = "b".repeat(63);
    let host = format!("www.{label}.com");
    assert_eq!(found(&host), [(Url, host.as_str())]);
    assert!(found(&format!("www.b{label}.com")).is_empty());
    assert!(found(&format!("x@b{label}.com")).is_empty());
}

#[test]
fn spans_are_in_order_on_char_boundaries() {
    let t = "โทร๑๔๔๑หรือ 02-123-4567 แจ้ง thaipoliceonline.go.th ยอด ฿5,000.00 ส่ง a@b.co.th";
    let spans = protected_spans(t);
    assert_eq!(spans.len(), 5);
    let mut last = 0;
    for s in &spans {
        assert!(s.range.start >= last && s.range.start < s.range.end);
        assert!(t.is_char_boundary(s.range.start) && t.is_char_boundary(s.range.end));
        last = s.range.end;
    }
}

#[test]
fn helpers() {
    assert_eq!(phone_key("+66 2 123 4567"), "021234567");
    assert_eq!(phone_key("๑๔๔๑"), "1441");
    assert_eq!(
        url_host("https://www.PEA.co.th:443/x?y").as_deref(),
        Some("www.pea.co.th")
    );
    assert_eq!(url_host("info@mea.or.th").as_deref(), Some("mea.or.th"));
    assert_eq!(
        url_host("thaipoliceonline.go.th.").as_deref(),
        Some("thaipoliceonline.go.th")
    );
    assert_eq!(url_host("not a host"), None);
    let allowed = vec!["pea.co.th".to_owned()];
    assert!(host_allowed("www.pea.co.th", &allowed));
    assert!(host_allowed("PEA.co.th", &allowed));
    assert!(!host_allowed("fakepea.co.th", &allowed));
    assert!(!host_allowed("pea.co.th.evil.com", &allowed));
    assert!(is_default_ignorable('\u{200B}'));
    assert!(is_default_ignorable('\u{FE0F}'));
    assert!(!is_default_ignorable('ก'));
    assert!(is_host_syntax("pea.co.th"));
    assert!(!is_host_syntax("https://pea.co.th"));
    assert!(!is_host_syntax("localhost"));
}

#[test]
fn the_byte_prefilter_sees_every_default_ignorable() {
    let mut buf = [0u8; 4];
    let mut seen = 0;
    for c in (0..=0x10FFFF).filter_map(char::from_u32) {
        if is_default_ignorable(c) {
            seen += 1;
            assert!(may_hold_default_ignorable(c.encode_utf8(&mut buf)), "{c:?}");
        }
    }
    assert!(seen > 4000, "{seen}");
    assert!(!may_hold_default_ignorable("โทร 1441 ตลอด 24 ชั่วโมง ฿5,000"));
}

proptest::proptest! {
    #[test]
    fn spans_are_well_formed_for_any_text(t in "[ -~ก-๛\u{200B}฿]{0,60}") {
        let spans = protected_spans(&t);
        let mut last = 0;
        for s in &spans {
            proptest::prop_assert!(s.range.start >= last);
            proptest::prop_assert!(s.range.start < s.range.end);
            proptest::prop_assert!(t.is_char_boundary(s.range.start));
            proptest::prop_assert!(t.is_char_boundary(s.range.end));
            last = s.range.end;
        }
    }
}

/// Reading from a little before the first character that can start a span
/// finds what reading the whole text finds: every pair of pieces below
/// (extensions after spaces and dots, numbers after abbreviations, words
/// that touch a host, amounts with บาท), and every text of the evaluation
/// files, scanned both ways.
#[test]
fn scanning_from_the_first_possible_start_finds_the_same_spans() {
    let pieces = [
        "โทร",
        "ต่อ",
        " ต่อ ",
        "ต่อ. ",
        " . . ",
        "ext.",
        "ติดต่อ",
        "1441",
        "02-123-4567",
        "123",
        "5,000",
        " บาท",
        "บาท",
        "฿ 20",
        "+66 2 123 4567",
        "www.1441.go.th",
        "a.b",
        "ชม.",
        "24",
        "๑๔๔๑",
        "info@pea.co.th",
        "https://x.th/a?b=1.",
        " ",
        ".",
        "ก",
        "e.g.",
        "thaipoliceonline.go.th",
        "x",
        "(",
        ")",
    ];
    let mut texts: Vec<String> = Vec::new();
    for a in pieces {
        for b in pieces {
            for c in ["", "ที่", " ", "1441", "ต่อ 12"] {
                texts.push(format!("{c}{a}{b}"));
                texts.push(format!("{a}{c}{b}"));
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data");
    for name in [
        "thai-eval-bills.txt",
        "thai-eval-scam.txt",
        "thai-eval-psa.txt",
    ] {
        let data = std::fs::read_to_string(root.join(name)).unwrap();
        texts.extend(data.lines().map(str::to_owned));
    }
    let mut with_spans = 0;
    for t in &texts {
        let whole = spans_from(t, 0);
        assert_eq!(visible_spans(t), whole, "{t:?}");
        with_spans += usize::from(!whole.is_empty());
    }
    assert!(
        with_spans > 1000,
        "{with_spans} of {} texts have spans",
        texts.len()
    );
}

#[test]
fn first_span_start_agrees_with_the_character_test() {
    for text in [
        "",
        "ก",
        "abc",
        "กขค1441",
        "โทร ๑๔๔๑",
        "ราคา ฿500",
        "+66 2",
        "ṙ ก",
        "é1",
        "ก\u{0E4F}x",
        "ไทย\u{1F600}A",
        "ก-ข",
        "—9",
        "ก\u{0E3F}",
        "ก\u{0E59}",
        "\u{0E40}\u{0E50}",
        "ก\u{0E3E}\u{0E5A}ข",
    ] {
        // After Thai, Latin and other text of every length up to three
        // chunks, so that the character falls at every offset of a chunk
        // and across its end.
        for filler in ["ก", "\u{0E48}", "ñ", "\u{0E7F}", " ", "\u{1F600}"] {
            for n in 0..100 {
                let text = format!("{}{text}", filler.repeat(n));
                assert_eq!(
                    super::first_span_start(&text),
                    text.find(super::can_start_span),
                    "{text:?}"
                );
            }
        }
    }
}

/// `trim_url_end` drops trailing punctuation and each closing bracket that
/// has no opening one in the URL, as read by the rule itself (count the
/// brackets of what is left at every step) on random endings.
#[test]
fn url_ends_are_trimmed_by_the_rule() {
    let reference = |s: &[char]| {
        let mut end = s.len();
        while let Some(&last) = end.checked_sub(1).and_then(|k| s.get(k)) {
            let count = |o: char| s[..end].iter().filter(|&&c| c == o).count();
            let trim = match last {
                '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '"' => true,
                ')' => count('(') < count(')'),
                ']' => count('[') < count(']'),
                _ => false,
            };
            if !trim {
                break;
            }
            end -= 1;
        }
        end
    };
    let alphabet: Vec<char> = "a/()[].,;:!?'\"".chars().collect();
    let mut next = crate::test_rng::below(0x2545_F491_4F6C_DD1D);
    for _ in 0..20_000 {
        let mut text = String::from("https://x.co/");
        for _ in 0..next(10) {
            text.push(alphabet[next(alphabet.len())]);
        }
        let chars: Vec<char> = text.chars().collect();
        let scanner = Scanner::new(&text, 0);
        assert_eq!(
            scanner.trim_url_end(0, chars.len()),
            reference(&chars),
            "{text:?}"
        );
    }
}
