//! `keymsg preview`: an HTML page showing every catalog message laid out on
//! a profile, so a person can look at the footers before 200,000 bills print.
//!
//! The lines are the engine's own layout ([`Catalog::fit`]: the catalog's
//! and the config's layout words kept whole, as in footers), one `<div>`
//! each with `white-space: pre`; the browser never re-wraps them. (Thai tone marks
//! and vowels above/below take no column, so only the computed lines show the
//! real result.) The receipt strip uses a proportional Thai font (Loma, Debian
//! `fonts-tlwg-loma-ttf`): the monospace Tlwg Mono would match the printer's
//! cells but Chromium draws its tone marks and upper vowels one cell to the
//! right of their consonant, which a Thai reader cannot accept. The dashed
//! rule shows the profile's width in columns.

use std::fmt::Write as _;
use std::path::PathBuf;

use keymsg_core::catalog::{Message, TextKind};
use keymsg_core::layout::{self, Fitted, Measure, Profile, ProfileKind};
use keymsg_core::{Catalog, Surface};

use super::common::{load_catalog, parse_width, plural, trust_home, write_out};
use crate::config::Config;
use crate::exit::CliError;

/// Write an HTML page showing how every message of the catalog looks on a
/// profile: a receipt strip at the real column width, or a phone pop-up mock,
/// with truncation, short variants and overflow marked.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example:
  $ keymsg preview --profile receipt-58mm -o preview.html && xdg-open preview.html
  $ keymsg preview --profile popup --catalog province.toml --lang en -o popup.html

Badges: red `truncated` (text was cut), amber `short variant` (the long text
did not fit), red `overflow` (a line wider than the profile), grey `not on
<surface>` (the message is not enabled for this surface).")]
pub struct Args {
    /// Layout profile (default: config `profile`, else receipt-58mm).
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// Line width in columns (overrides the profile's width).
    #[arg(long, value_parser = parse_width, value_name = "N")]
    width: Option<usize>,
    /// Catalog file (default: config `catalog`, else the embedded catalog).
    #[arg(long, value_name = "PATH")]
    catalog: Option<PathBuf>,
    #[command(flatten)]
    trust: super::trust::TrustArgs,
    /// Language: th or en (default: config `lang`, else th).
    #[arg(long, value_name = "th|en")]
    lang: Option<String>,
    /// Output file (default: stdout).
    #[arg(short = 'o', long = "output", value_name = "FILE.html")]
    output: Option<PathBuf>,
}

/// Run `keymsg preview`.
pub fn run(args: Args, config: &Config) -> Result<(), CliError> {
    let catalog = load_catalog(
        args.catalog.as_deref(),
        &args.trust,
        config,
        trust_home(config.store.as_deref(), config.journal.as_deref()).as_deref(),
    )?;
    let name = args
        .profile
        .or_else(|| config.profile.clone())
        .unwrap_or_else(|| "receipt-58mm".to_owned());
    let profile = Profile::resolve(&name, args.width, &config.profile_def)?;
    let lang = args
        .lang
        .or_else(|| config.lang.clone())
        .unwrap_or_else(|| "th".to_owned());
    let html = page(&catalog, &profile, &lang)?;
    write_out(args.output.as_deref(), html.as_bytes())
}

/// The surface a profile stands for (to mark messages not enabled there).
fn surface_of(profile: &Profile) -> Surface {
    match profile.kind() {
        ProfileKind::Popup { .. } => Surface::Popup,
        ProfileKind::Push { .. } => Surface::Push,
        ProfileKind::Sms { .. } => Surface::Sms,
        _ if profile.name().starts_with("billboard") => Surface::Billboard,
        _ if profile.name().starts_with("invoice") => Surface::Invoice,
        _ => Surface::Receipt,
    }
}

const STYLE: &str = r#"
body { font-family: "Sarabun", "TH Sarabun New", "Noto Sans Thai", "Loma", "Garuda", "Tlwg Typo", sans-serif;
       background: #eef0f3; color: #222; margin: 24px; }
h1 { font-size: 20px; margin: 0 0 4px; }
.meta { color: #555; font-size: 13px; margin-bottom: 16px; }
.legend span { margin-right: 8px; }
.item { margin: 0 0 20px; }
.head { font-size: 13px; margin-bottom: 4px; }
.id { font-weight: bold; font-family: monospace; }
.badge { display: inline-block; font-size: 11px; padding: 1px 6px; border-radius: 8px;
         margin-left: 6px; color: #fff; }
.b-trunc, .b-over { background: #c62828; }
.b-short { background: #ef8f00; }
.b-off { background: #888; }
.receipt { display: inline-block; background: #fff; padding: 8px 10px;
           box-shadow: 0 1px 3px rgba(0,0,0,.3);
           /* Proportional Thai (see the module docs: Tlwg Mono misplaces marks). */
           font-family: "Loma", "Garuda", "TH Sarabun New", "Sarabun", "Noto Sans Thai",
                        sans-serif; font-size: 16px; line-height: 1.6; }
.line { white-space: pre; }
.rule { white-space: pre; color: #999; }
.line.overflow { background: #ffd6d6; outline: 1px solid #c62828; }
.phone { width: 340px; background: #1f2733; border-radius: 28px; padding: 40px 14px 48px; }
.card { background: #fff; border-radius: 14px; padding: 12px 14px; font-size: 15px; }
.card .title { font-weight: bold; margin-bottom: 6px; }
.card .body div { white-space: pre-wrap; }
.count { color: #555; font-size: 12px; margin-top: 4px; }
.count.over { color: #c62828; font-weight: bold; }
"#;

/// The whole page.
fn page(catalog: &Catalog, profile: &Profile, lang: &str) -> Result<String, CliError> {
    let surface = surface_of(profile);
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <title>keymsg preview: {}</title><style>{STYLE}</style></head><body>\n",
        esc(lang),
        esc(profile.name())
    );
    let _ = write!(
        h,
        "<h1>keymsg preview — profile <code>{}</code></h1>\n<div class=\"meta\">{} · catalog version {}{} · {} · language <code>{}</code><br>\
         <span class=\"legend\"><span class=\"badge b-trunc\">truncated</span> text was cut \
         <span class=\"badge b-short\">short variant</span> long text did not fit \
         <span class=\"badge b-over\">overflow</span> line wider than the profile \
         <span class=\"badge b-off\">not on {}</span> message not enabled here</span></div>\n",
        esc(profile.name()),
        esc(&describe(profile)),
        catalog.version(),
        catalog
            .meta()
            .issuer
            .as_deref()
            .map(|i| format!(" · {}", esc(i)))
            .unwrap_or_default(),
        plural(catalog.messages().len(), "message", "messages"),
        esc(lang),
        surface
    );
    for m in catalog.messages() {
        item(&mut h, catalog, m, profile, lang, surface)?;
    }
    h.push_str("</body></html>\n");
    Ok(h)
}

/// The budget of a profile, in words.
fn describe(profile: &Profile) -> String {
    match profile.kind() {
        ProfileKind::Columns {
            width, max_lines, ..
        } => match max_lines {
            Some(n) => format!("{width} columns, at most {}", plural(n, "line", "lines")),
            None => format!("{width} columns"),
        },
        ProfileKind::Popup {
            title_graphemes,
            body_graphemes,
        } => format!(
            "pop-up: title ≤ {}, body ≤ {}",
            plural(title_graphemes, "grapheme", "graphemes"),
            plural(body_graphemes, "grapheme", "graphemes")
        ),
        ProfileKind::Push { max_bytes } => format!("push: JSON payload ≤ {max_bytes} bytes"),
        ProfileKind::Sms { segments } => format!(
            "SMS: {}",
            plural(segments, "UCS-2 segment", "UCS-2 segments")
        ),
        _ => "custom".to_owned(),
    }
}

/// One message: header with badges, then the receipt strip or phone mock.
fn item(
    h: &mut String,
    catalog: &Catalog,
    m: &Message,
    profile: &Profile,
    lang: &str,
    surface: Surface,
) -> Result<(), CliError> {
    let Some(text) = m.text(lang).or_else(|| m.text("th")) else {
        return Ok(());
    };
    let fitted: Fitted = catalog
        .fit(text, profile)
        .map_err(|e| CliError::Invalid(vec![format!("message `{}`: {e}", m.id)]))?;
    let width = profile.width();
    let overflow = width.is_some_and(|w| fitted.lines.iter().any(|l| layout::width(l) > w));
    let _ = write!(
        h,
        "<div class=\"item\"><div class=\"head\"><span class=\"id\">{}</span> <span>{}</span>",
        esc(&m.id),
        esc(&m.topic)
    );
    if fitted.truncated {
        h.push_str("<span class=\"badge b-trunc\">truncated</span>");
    }
    if fitted.variant == TextKind::Short {
        h.push_str("<span class=\"badge b-short\">short variant</span>");
    }
    if overflow {
        h.push_str("<span class=\"badge b-over\">overflow</span>");
    }
    if !m.allows(surface) {
        let _ = write!(h, "<span class=\"badge b-off\">not on {surface}</span>");
    }
    h.push_str("</div>\n");
    match width {
        Some(w) => receipt(h, &fitted, w, profile.max_lines()),
        None => phone(h, &fitted, profile),
    }
    h.push_str("</div>\n");
    Ok(())
}

/// A receipt strip: a dashed rule of exactly `w` columns above and below,
/// one `<div>` per computed line.
fn receipt(h: &mut String, fitted: &Fitted, w: usize, max_lines: Option<usize>) {
    let rule = "-".repeat(w);
    let _ = write!(
        h,
        "<div class=\"receipt\" style=\"min-width:{w}ch\"><div class=\"rule\">{rule}</div>"
    );
    for line in &fitted.lines {
        let cls = if layout::width(line) > w {
            "line overflow"
        } else {
            "line"
        };
        let _ = write!(h, "<div class=\"{cls}\">{}</div>", esc(line));
    }
    let _ = writeln!(h, "<div class=\"rule\">{rule}</div></div>");
    let n = fitted.lines.len();
    let over = max_lines.is_some_and(|m| n > m);
    // "1 line", "2 lines", "1 / 6 lines" (the budget's number names the noun).
    let count = match max_lines {
        Some(m) => format!("{n} / {}", plural(m, "line", "lines")),
        None => plural(n, "line", "lines"),
    };
    let _ = writeln!(
        h,
        "<div class=\"count{}\">{count}</div>",
        if over { " over" } else { "" },
    );
}

/// A phone with a notification card, and the budgets used.
fn phone(h: &mut String, fitted: &Fitted, profile: &Profile) {
    h.push_str("<div class=\"phone\"><div class=\"card\">");
    if let Some(t) = &fitted.title {
        let _ = write!(h, "<div class=\"title\">{}</div>", esc(t));
    }
    h.push_str("<div class=\"body\">");
    for line in &fitted.lines {
        let _ = write!(h, "<div>{}</div>", esc(line));
    }
    h.push_str("</div></div></div>\n");
    let body = fitted.lines.join("\n");
    let mb = Measure::of(&body);
    let mt = fitted.title.as_deref().map(Measure::of).unwrap_or_default();
    let count = match profile.kind() {
        ProfileKind::Popup {
            title_graphemes,
            body_graphemes,
        } => format!(
            "title {}/{title_graphemes} · body {}/{body_graphemes} graphemes",
            mt.graphemes, mb.graphemes
        ),
        ProfileKind::Sms { segments } => {
            format!(
                "{}, {}/{}",
                plural(mb.utf16_units, "UTF-16 unit", "UTF-16 units"),
                mb.sms_segments,
                plural(segments, "segment", "segments")
            )
        }
        ProfileKind::Push { max_bytes } => format!(
            "title {} + body {} bytes (payload ≤ {max_bytes})",
            mt.utf8_bytes, mb.utf8_bytes
        ),
        _ => String::new(),
    };
    let _ = writeln!(h, "<div class=\"count\">{}</div>", esc(&count));
}

/// Escape text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
        assert_eq!(esc("โทร 1441"), "โทร 1441");
    }

    #[test]
    fn every_message_of_the_embedded_catalog_is_shown() {
        let catalog = Catalog::embedded().unwrap();
        let profile = Profile::builtin("receipt-58mm").unwrap();
        let html = page(&catalog, &profile, "th").unwrap();
        for m in catalog.messages() {
            assert!(
                html.contains(&format!("<span class=\"id\">{}</span>", m.id)),
                "{}",
                m.id
            );
        }
        assert!(html.contains("--------------------------------</div>")); // 32-column rule
        let popup = page(&catalog, &Profile::builtin("popup").unwrap(), "th").unwrap();
        assert!(popup.contains("class=\"phone\""));
    }

    #[test]
    fn budgets_read_as_english() {
        let popup = |title_graphemes, body_graphemes| {
            let kind = ProfileKind::Popup {
                title_graphemes,
                body_graphemes,
            };
            describe(&Profile::new("p", kind).unwrap())
        };
        assert_eq!(
            popup(40, 100),
            "pop-up: title ≤ 40 graphemes, body ≤ 100 graphemes"
        );
        assert_eq!(popup(1, 1), "pop-up: title ≤ 1 grapheme, body ≤ 1 grapheme");
        let billboard = Profile::builtin("billboard").unwrap();
        assert_eq!(describe(&billboard), "24 columns, at most 4 lines");
    }
}
