//! Fitting a catalog text into a profile: pick the longest variant that fits,
//! truncate only as a last resort.

use super::balance::wrap_balanced;
use super::profile::{Profile, ProfileKind};
use super::truncate::{cut_lazy, probe};
use super::width::{Measure, graphemes};
use super::window::{Prepared, Source};
use super::wrap::{WrapOptions, wrap, wrap_within};
use super::{LayoutError, prepare};
use crate::text::spans::{SpanKind, protected_spans};
use crate::vocab::{Text, TextKind};

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
/// shortest variant truncated at a legal break (and `truncated` set), ending
/// with [`Profile::ellipsis`] (`...` for a TIS-620 profile, `…` otherwise). Pop-up
/// titles are fitted to the title budget too; push payloads count the title.
/// Not fast (it may wrap several variants): callers cache the result per
/// (message, language, profile). With a line or size budget, a variant is
/// read only as far as it takes to see that it does not fit, so the work
/// depends on the budget, not on the length of the text; there is no input
/// limit (the text comes from a catalog, whose size is limited).
///
/// # Errors
/// [`LayoutError::InvalidProfile`] for an invalid profile, the errors of
/// [`super::wrap()`], and [`LayoutError::WidthTooSmall`] when even the ellipsis
/// does not fit a byte/segment budget.
pub fn fit(text: &Text, profile: &Profile) -> Result<Fitted, LayoutError> {
    profile.validate()?;
    let ellipsis = profile.ellipsis();
    let variants: Vec<(TextKind, &str)> = text.body_variants().collect();
    let Some(&(last_kind, last_body)) = variants.last() else {
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
            let opts = WrapOptions::new(width)
                .align(align)
                .ellipsis(ellipsis)
                .max_input_bytes(usize::MAX);
            for &(kind, body) in &variants {
                // Footers are short: the least ragged layout with as few
                // lines as greedy filling (never the hotline alone at the end).
                let lines = match max_lines {
                    None => Some(wrap_balanced(body, &opts)?),
                    Some(m) => match wrap_within(body, &opts, m)? {
                        Some(_) => Some(wrap_balanced(body, &opts)?),
                        None => None,
                    },
                };
                if let Some(lines) = lines {
                    return Ok(fitted(lines, None, kind, false, &[]));
                }
            }
            let lines = wrap(last_body, &opts.max_lines(max_lines))?;
            Ok(fitted(lines, None, last_kind, true, &[last_body]))
        }
        ProfileKind::Popup {
            title_graphemes,
            body_graphemes,
        } => {
            let fits_title = |s: &str| graphemes(s) <= title_graphemes;
            let (title, title_cut) = match text.title.as_deref() {
                Some(t) => {
                    let (t, cut) = fit_or_cut(t, ellipsis, fits_title)?
                        .ok_or(LayoutError::WidthTooSmall(title_graphemes))?;
                    (Some(t), cut)
                }
                None => (None, false),
            };
            let fits = |s: &str| graphemes(s) <= body_graphemes;
            let (kind, body, cut) = first_fit(&variants, fits, body_graphemes, ellipsis)?;
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
            let title = text
                .title
                .as_deref()
                .map(prepare)
                .transpose()?
                .map(|t| t.into_owned());
            let fits = |s: &str| push_payload_bytes(title.as_deref(), s) <= max_bytes;
            let (kind, body, cut) = first_fit(&variants, fits, max_bytes, ellipsis)?;
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
            let (kind, body, cut) = first_fit(&variants, fits, segments, ellipsis)?;
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

/// Whether [`fit`] lays `text` out for `profile` without truncation, `Err`
/// where it fails: its answer, found without making the layout when it is
/// whole. For a column profile with a line budget that is fit's own test
/// (some variant wraps within the budget; the balanced layout it then makes
/// of that variant has as many lines); everything else asks `fit` itself.
/// For checking a catalog against a profile (`Catalog::fit_problems`).
pub(crate) fn fits_whole(text: &Text, profile: &Profile) -> Result<bool, LayoutError> {
    if let ProfileKind::Columns {
        width,
        max_lines: Some(limit),
        align,
    } = profile.kind()
        && profile.validate().is_ok()
    {
        let opts = WrapOptions::new(width)
            .align(align)
            .ellipsis(profile.ellipsis())
            .max_input_bytes(usize::MAX);
        for (_, body) in text.body_variants() {
            if wrap_within(body, &opts, limit)?.is_some() {
                return Ok(true);
            }
        }
    }
    fit(text, profile).map(|f| !f.truncated)
}

/// `raw` prepared, whole if it fits, else truncated with `ellipsis`
/// (reading only what that takes): the text and whether it was cut, or
/// `None` when even the ellipsis does not fit.
pub(crate) fn fit_or_cut(
    raw: &str,
    ellipsis: &str,
    fits: impl Fn(&str) -> bool,
) -> Result<Option<(String, bool)>, LayoutError> {
    let mut src = Prepared::new(raw, false);
    probe(&mut src, &fits)?;
    cut_lazy(&mut src, ellipsis, false, &fits)
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

/// The body of variant `kind` (empty if absent, which cannot
/// happen for a kind `first_fit` returned).
fn source<'t>(variants: &[(TextKind, &'t str)], kind: TextKind) -> &'t str {
    variants
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("", |&(_, b)| b)
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
    variants: &[(TextKind, &str)],
    fits: impl Fn(&str) -> bool,
    budget: usize,
    ellipsis: &str,
) -> Result<(TextKind, String, bool), LayoutError> {
    for &(kind, body) in variants {
        let mut src = Prepared::new(body, false);
        probe(&mut src, &fits)?;
        if src.complete() && fits(src.text()) {
            return Ok((kind, src.text().to_owned(), false));
        }
    }
    let &(kind, body) = variants.last().ok_or(LayoutError::WidthTooSmall(budget))?;
    let (body, _) = fit_or_cut(body, ellipsis, &fits)?.ok_or(LayoutError::WidthTooSmall(budget))?;
    Ok((kind, body, true))
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
        // A TIS-620 printer has no `…`: the cut ends with three dots.
        let tis = tiny.with_encoding(crate::layout::Encoding::Tis620);
        let f = fit(&t, &tis).unwrap();
        assert!(f.truncated);
        assert!(
            f.lines[0].ends_with("...") && width(&f.lines[0]) <= 12,
            "{:?}",
            f.lines
        );
        crate::layout::encode(&f.lines.join("\n"), crate::layout::Encoding::Tis620).unwrap();
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
}
