//! Layout: wrap, truncate, fit and encode on any text, with their
//! invariants as assertions. The first bytes choose the width, the line
//! limit and the ellipsis; the rest is the text.
#![no_main]

use keymsg_core::catalog::Text;
use keymsg_core::layout::{
    Encoding, Profile, TruncateOptions, WrapOptions, decode, encode, fit, tcc_boundaries,
    truncate_with, width, wrap,
};
use libfuzzer_sys::fuzz_target;

/// Only text leaves keymsg: no control or bidi character but a line feed.
fn plain(s: &str) -> bool {
    !s.chars().any(|c| c != '\n' && keymsg_core::is_unsafe_char(c))
}

/// The visible digits of `s`, in order (invisible characters dropped).
fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

fuzz_target!(|data: &[u8]| {
    let [w, lines, ell, rest @ ..] = data else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let width_limit = usize::from(*w % 60) + 1;
    let max_lines = (*lines % 5 != 0).then_some(usize::from(*lines % 5));
    let ellipsis = ["…", "...", "", ">"][usize::from(*ell % 4)];

    let opts = WrapOptions::new(width_limit)
        .max_lines(max_lines)
        .ellipsis(ellipsis);
    if let Ok(out) = wrap(text, &opts) {
        if let Some(m) = max_lines {
            assert!(out.len() <= m, "{} lines > {m}", out.len());
        }
        for line in &out {
            // A line may overflow only when it is one unbreakable cluster
            // (a Thai character cluster such as `โท`, or an emoji at width 1).
            assert!(
                width(line) <= width_limit || tcc_boundaries(line).is_empty(),
                "{line:?} wider than {width_limit}"
            );
            assert!(plain(line) && !line.contains('\n'), "{line:?}");
        }
        // Without a line limit nothing is dropped: every digit survives, in order.
        if max_lines.is_none() {
            assert_eq!(digits(&out.concat()), digits(text), "{text:?} -> {out:?}");
        }
    }

    let topts = TruncateOptions::new(width_limit).ellipsis(ellipsis);
    if let Ok(out) = truncate_with(text, &topts) {
        assert!(width(&out) <= width_limit, "{out:?} wider than {width_limit}");
        assert!(plain(&out), "{out:?}");
        // What is kept is a prefix of the text (ellipsis aside): a hotline
        // is never cut to `144`.
        let kept = out.strip_suffix(ellipsis).unwrap_or(&out);
        assert!(digits(text).starts_with(&digits(kept)), "{text:?} -> {out:?}");
    }

    for enc in [Encoding::Utf8, Encoding::Tis620] {
        if let Ok(bytes) = encode(text, enc) {
            assert!(
                !bytes.iter().any(|&b| b != b'\n' && (b < 0x20 || b == 0x7f)),
                "control byte in {bytes:?}"
            );
            let back = decode(&bytes, enc);
            assert!(back.is_ok(), "{back:?}");
        }
    }

    if let Some(profile) = Profile::builtin(["receipt-58mm", "popup", "sms", "push"][usize::from(*w % 4)])
    {
        let t = Text {
            long: text.to_owned(),
            short: None,
            title: None,
        };
        if let Ok(f) = fit(&t, &profile) {
            for line in &f.lines {
                assert!(plain(line), "{line:?}");
            }
        }
    }
});
