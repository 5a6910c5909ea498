//! Fitting a catalog text into a profile: pick the longest variant that fits,
//! truncate only as a last resort.

use super::profile::{Profile, ProfileKind};
use super::truncate::truncate_by;
use super::width::{Measure, graphemes};
use super::wrap::{WrapOptions, wrap};
use super::{LayoutError, prepare};
use crate::text::spans::{SpanKind, protected_spans};
use crate::vocab::{Text, TextKind};

/// Ellipsis used when a fit has to cut text.
const ELLIPSIS: &str = "…";

/// A text laid out for a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fitted {
    /// The body: wrapped lines for column profiles, the body's paragraphs
    /// (split at `\n`) otherwise.
    pub lines: Vec<String>,
    /// The fitted title (pop-up and push profiles, when the text has one).
    pub title: Option<String>,
    /// Which body variant was used.
    pub variant: TextKind,
    /// Whether anything (body or title) had to be cut.
    pub truncated: bool,
    /// Whether the cut dropped every phone number, URL and e-mail address
    /// the text had: what is left no longer tells the reader where to check
    /// or report. Always false when nothing was cut
    /// or the text has no contact at all.
    pub truncated_core: bool,
}

/// Lay out `text` for `profile`.
///
/// Uses the longest body variant ([`Text::body_variants`]: long, then short)
/// that fits the profile without truncation; only when none does is the
/// shortest variant truncated at a legal break (and `truncated` set). Pop-up
/// titles are fitted to the title budget too; push payloads count the title.
/// Not fast (it may wrap several variants): callers cache the result per
/// (message, language, profile).
///
/// # Errors
/// [`LayoutError::InvalidProfile`] for an invalid profile, the errors of
/// [`super::wrap()`], and [`LayoutError::WidthTooSmall`] when even the ellipsis
/// does not fit a byte/segment budget.
pub fn fit(text: &Text, profile: &Profile) -> Result<Fitted, LayoutError> {
    profile.validate()?;
    let mut variants = Vec::new();
    for (kind, body) in text.body_variants() {
        variants.push((kind, prepare(body)?.into_owned()));
    }
    let title = text.title.as_deref().map(prepare).transpose()?;
    let Some((last_kind, last_body)) = variants.last().cloned() else {
        return Err(LayoutError::MissingVariant {
            profile: profile.name().to_owned(),
            what: "body",
        });
    };
    let paragraphs = |s: &str| s.split('\n').map(str::to_owned).collect::<Vec<_>>();
    match profile.kind() {
        ProfileKind::Columns {
            width,
            max_lines,
            align,
        } => {
            let opts = WrapOptions::new(width).align(align);
            for (kind, body) in &variants {
                let lines = wrap(body, &opts)?;
                if max_lines.is_none_or(|m| lines.len() <= m) {
                    return Ok(fitted(lines, None, *kind, false, &[]));
                }
            }
            let lines = wrap(&last_body, &opts.max_lines(max_lines))?;
            Ok(fitted(lines, None, last_kind, true, &[&last_body]))
        }
        ProfileKind::Popup {
            title_graphemes,
            body_graphemes,
        } => {
            let fits_title = |s: &str| graphemes(s) <= title_graphemes;
            let (title, title_cut) = match title {
                Some(t) => {
                    let (t, cut) = truncate_by(&t, ELLIPSIS, false, fits_title)
                        .ok_or(LayoutError::WidthTooSmall(title_graphemes))?;
                    (Some(t), cut)
                }
                None => (None, false),
            };
            let fits = |s: &str| graphemes(s) <= body_graphemes;
            let (kind, body, cut) = first_fit(&variants, fits, body_graphemes)?;
            let sources = [source(&variants, kind), text.title.as_deref().unwrap_or("")];
            Ok(fitted(
                paragraphs(&body),
                title,
                kind,
                cut || title_cut,
                &sources,
            ))
        }
        ProfileKind::Push { max_bytes } => {
            let title = title.map(|t| t.into_owned());
            let fits = |s: &str| push_payload_bytes(title.as_deref(), s) <= max_bytes;
            let (kind, body, cut) = first_fit(&variants, fits, max_bytes)?;
            Ok(fitted(
                paragraphs(&body),
                title,
                kind,
                cut,
                &[source(&variants, kind)],
            ))
        }
        ProfileKind::Sms { segments } => {
            let fits = |s: &str| Measure::of(s).sms_segments <= segments;
            let (kind, body, cut) = first_fit(&variants, fits, segments)?;
            Ok(fitted(
                paragraphs(&body),
                None,
                kind,
                cut,
                &[source(&variants, kind)],
            ))
        }
    }
}

/// A fitted result; `sources` are the uncut texts it was made from (only
/// read when something was cut).
fn fitted(
    lines: Vec<String>,
    title: Option<String>,
    variant: TextKind,
    truncated: bool,
    sources: &[&str],
) -> Fitted {
    let truncated_core = truncated && {
        let kept: Vec<&str> = lines
            .iter()
            .map(String::as_str)
            .chain(title.as_deref())
            .collect();
        lost_contacts(sources, &kept)
    };
    Fitted {
        lines,
        title,
        variant,
        truncated,
        truncated_core,
    }
}

/// The prepared body of variant `kind` (empty if absent, which cannot
/// happen for a kind `first_fit` returned).
fn source(variants: &[(TextKind, String)], kind: TextKind) -> &str {
    variants
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("", |(_, b)| b.as_str())
}

/// The phone numbers, URLs and e-mail addresses in `text`: what a key
/// message points the reader to (amounts are protected from breaking too,
/// but are not a way to get help).
fn contacts(text: &str) -> Vec<&str> {
    protected_spans(text)
        .into_iter()
        .filter(|s| matches!(s.kind, SpanKind::Phone | SpanKind::Url | SpanKind::Email))
        .filter_map(|s| text.get(s.range))
        .collect()
}

/// Whether the `sources` had at least one contact and none of them is
/// whole in the `kept` text. Layout never splits a contact across lines or
/// cuts one in half, so looking for whole contacts line by line is exact.
fn lost_contacts(sources: &[&str], kept: &[&str]) -> bool {
    let wanted: Vec<&str> = sources.iter().flat_map(|s| contacts(s)).collect();
    !wanted.is_empty()
        && !kept
            .iter()
            .any(|l| contacts(l).iter().any(|c| wanted.contains(c)))
}

/// The first variant that fits whole, else the last one truncated.
fn first_fit(
    variants: &[(TextKind, String)],
    fits: impl Fn(&str) -> bool,
    budget: usize,
) -> Result<(TextKind, String, bool), LayoutError> {
    if let Some((kind, body)) = variants.iter().find(|(_, b)| fits(b)) {
        return Ok((*kind, body.clone(), false));
    }
    let (kind, body) = variants.last().ok_or(LayoutError::WidthTooSmall(budget))?;
    let (body, _) =
        truncate_by(body, ELLIPSIS, false, fits).ok_or(LayoutError::WidthTooSmall(budget))?;
    Ok((*kind, body, true))
}

/// Bytes of the compact JSON payload `{"title":…,"body":…}` (title omitted
/// when absent) — what a push profile's `max_bytes` limits.
pub(crate) fn push_payload_bytes(title: Option<&str>, body: &str) -> usize {
    #[derive(serde::Serialize)]
    struct Payload<'a> {
        #[serde(skip_serializing_if = "Option::is_none")]
        title: Option<&'a str>,
        body: &'a str,
    }
    serde_json::to_vec(&Payload { title, body }).map_or(usize::MAX, |v| v.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::width;

    fn text(long: &str, short: Option<&str>, title: Option<&str>) -> Text {
        Text {
            long: long.to_owned(),
            short: short.map(str::to_owned),
            title: title.map(str::to_owned),
        }
    }

    const LONG: &str = "มิจฉาชีพมักแอบอ้างเป็นเจ้าหน้าที่ธนาคาร ตำรวจ หรือหน่วยงานรัฐ โทรมาหลอกให้โอนเงินหรือกดลิงก์ อย่าเชื่อ อย่ารีบ อย่าโอน หากสงสัยโทรสายด่วน 1441 ตลอด 24 ชั่วโมง";
    const SHORT: &str = "อย่าเชื่อ อย่ารีบ อย่าโอน สงสัยโทร 1441";

    #[test]
    fn longest_variant_that_fits_wins() {
        let t = text(LONG, Some(SHORT), None);
        let wide = Profile::columns("wide", 90, Some(3)).unwrap();
        let f = fit(&t, &wide).unwrap();
        assert_eq!(f.variant, TextKind::Long);
        assert!(!f.truncated);
        let narrow = Profile::builtin("receipt-58mm").unwrap();
        let narrow = Profile::columns("n", narrow.width().unwrap(), Some(2)).unwrap();
        let f = fit(&t, &narrow).unwrap();
        assert_eq!(f.variant, TextKind::Short);
        assert!(!f.truncated);
        assert!(f.lines.len() <= 2 && f.lines.iter().all(|l| width(l) <= 32));
    }

    #[test]
    fn truncates_shortest_only_as_last_resort() {
        let t = text(LONG, Some(SHORT), None);
        let tiny = Profile::columns("tiny", 12, Some(1)).unwrap();
        let f = fit(&t, &tiny).unwrap();
        assert_eq!(f.variant, TextKind::Short);
        assert!(f.truncated);
        assert_eq!(f.lines.len(), 1);
        assert!(f.lines[0].ends_with('…') && width(&f.lines[0]) <= 12);
    }

    #[test]
    fn a_cut_that_drops_every_contact_is_truncated_core() {
        let t = text(LONG, Some(SHORT), None);
        // 12 columns × 1 line keeps "อย่าเชื่อ…": the hotline is gone.
        let f = fit(&t, &Profile::columns("tiny", 12, Some(1)).unwrap()).unwrap();
        assert!(f.truncated && f.truncated_core, "{:?}", f.lines);
        // Cut, but the hotline comes first and stays: the point is kept.
        let early = text("โทร 1441 ทันทีหากถูกหลอกให้โอนเงินหรือกดลิงก์ที่ไม่รู้จัก", None, None);
        let f = fit(&early, &Profile::columns("tiny", 12, Some(1)).unwrap()).unwrap();
        assert!(f.truncated, "{:?}", f.lines);
        assert!(f.lines.concat().contains("1441"), "{:?}", f.lines);
        assert!(!f.truncated_core);
        // Whole text: never truncated_core.
        let f = fit(&t, &Profile::builtin("receipt-58mm").unwrap()).unwrap();
        assert!(!f.truncated && !f.truncated_core);
        // A text without any contact can be cut but has no core to lose.
        let plain = text("อย่าเชื่อ อย่ารีบ อย่าโอน ตรวจสอบก่อนทุกครั้ง", None, None);
        let f = fit(&plain, &Profile::columns("tiny", 12, Some(1)).unwrap()).unwrap();
        assert!(f.truncated && !f.truncated_core);
    }

    #[test]
    fn contacts_are_phones_urls_and_emails_not_amounts() {
        assert!(lost_contacts(&["โทร 1441"], &["โทร…"]));
        assert!(!lost_contacts(&["โทร 1441"], &["1441"]));
        assert!(lost_contacts(&["ดู thaipoliceonline.go.th"], &["ดู…"]));
        assert!(!lost_contacts(&["ค่าปรับ ฿5,000.00"], &["ค่าปรับ…"]));
        // Another contact than the source's does not count as kept.
        assert!(lost_contacts(&["โทร 1441"], &["โทร 1111"]));
    }

    #[test]
    fn popup_fits_title_and_body_in_graphemes() {
        let title = "ระวังแก๊งคอลเซ็นเตอร์แอบอ้างเป็นเจ้าหน้าที่การไฟฟ้าโทรมาขอข้อมูลส่วนตัว";
        let t = text(LONG, Some(SHORT), Some(title));
        let f = fit(&t, &Profile::builtin("popup").unwrap()).unwrap();
        let tt = f.title.unwrap();
        assert!(graphemes(&tt) <= 50, "{tt}");
        assert!(tt.ends_with('…'));
        assert!(f.truncated, "title was cut");
        assert_eq!(f.variant, TextKind::Long);
        assert!(graphemes(&f.lines.join("\n")) <= 150);
    }

    #[test]
    fn sms_and_push_budgets() {
        let t = text(LONG, Some(SHORT), Some("เตือนภัย"));
        let f = fit(&t, &Profile::builtin("sms").unwrap()).unwrap();
        assert_eq!(f.variant, TextKind::Short);
        assert!(!f.truncated);
        assert_eq!(f.title, None);
        let f = fit(&t, &Profile::builtin("push").unwrap()).unwrap();
        assert_eq!(f.variant, TextKind::Long);
        assert_eq!(f.title.as_deref(), Some("เตือนภัย"));
        let small = Profile::new("p", ProfileKind::Push { max_bytes: 100 }).unwrap();
        let f = fit(&t, &small).unwrap();
        assert!(push_payload_bytes(f.title.as_deref(), &f.lines.join("\n")) <= 100);
        assert!(f.truncated);
    }

    #[test]
    fn payload_bytes_are_json_bytes() {
        assert_eq!(push_payload_bytes(None, "a"), r#"{"body":"a"}"#.len());
        assert_eq!(
            push_payload_bytes(Some("t"), "\""),
            r#"{"title":"t","body":"\""}"#.len()
        );
    }
}
