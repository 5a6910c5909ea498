//! Prints, for every text of the given files (one per line; the first
//! tab-separated field; `#` lines skipped) and 60,000 random strings, what
//! the layout makes of it: break opportunities, `wrap` at 3, 8, 20 and 32
//! columns, `wrap` with `max_lines` and `wrap_balanced`. Two builds that print
//! the same lay every text out the same; `scripts/layout-diff.sh` builds this
//! at two commits and compares them (the check for a layout speed change
//! that must not change output).

use std::io::Write;

use keymsg_core::layout::{self, WrapOptions};

/// An alphabet rich in the Thai edge cases: every consonant class, leading
/// and following vowels, marks, ฯ ๆ, digits, spaces, URL punctuation and the
/// invisible break hints.
const ALPHABET: &str =
    "กขคงจฉชซญดตถทธนบปผพฟภมยรลวศษสหฬอฮะัาำิีึืุูเแโใไๅๆ็่้๊๋์ํ ฯ0123456789๑๒ .,/-:%@abcwx\u{200b}\u{2060}\u{a0}";

/// Random strings (the same ones on every run).
const RANDOM_TEXTS: usize = 60_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut texts: Vec<String> = Vec::new();
    for file in std::env::args().skip(1) {
        let content = std::fs::read_to_string(&file).map_err(|e| format!("{file}: {e}"))?;
        for line in content.lines() {
            let text = line.split('\t').next().unwrap_or_default();
            if !text.is_empty() && !text.starts_with('#') {
                texts.push(text.to_owned());
            }
        }
    }
    let alphabet: Vec<char> = ALPHABET.chars().collect();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        // xorshift64: fixed and dependency-free, so both builds draw the same texts.
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..RANDOM_TEXTS {
        let len = (next() % 40) as usize + 1;
        let text: String = (0..len)
            .filter_map(|_| alphabet.get((next() % alphabet.len() as u64) as usize))
            .collect();
        texts.push(text);
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let show = |r: Result<Vec<String>, layout::LayoutError>| match r {
        Ok(lines) => lines.join("|"),
        Err(e) => format!("ERR {e}"),
    };
    for text in &texts {
        write!(out, "{text}\t{:?}", layout::break_opportunities(text))?;
        for width in [3, 8, 20, 32] {
            write!(
                out,
                "\t{}",
                show(layout::wrap(text, &WrapOptions::new(width)))
            )?;
        }
        let two_lines = WrapOptions::new(12).max_lines(Some(2));
        write!(out, "\t{}", show(layout::wrap(text, &two_lines)))?;
        writeln!(
            out,
            "\t{}",
            show(layout::wrap_balanced(text, &WrapOptions::new(24)))
        )?;
    }
    Ok(())
}
