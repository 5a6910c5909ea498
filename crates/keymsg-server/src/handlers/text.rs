//! `POST /v1/width`, `/v1/wrap`, `/v1/truncate`: Thai-aware layout of any
//! text, as `keymsg width --measure`, `keymsg wrap` and `keymsg truncate`
//! do on stdin. Nothing is selected or counted.

use keymsg_core::layout::{self, Align, LayoutError, Measure, TruncateOptions, WrapOptions};

use super::body::JsonBody;
use super::impressions::read_body;
use super::*;

/// Most `words` one request may give: each is looked for in the whole
/// text, so their number multiplies the work.
pub(crate) const MAX_WORDS: usize = 100;

pub(super) const WIDTH_FIELDS: &[&str] = &["text"];
pub(super) const WRAP_FIELDS: &[&str] =
    &["text", "width", "max_lines", "ellipsis", "align", "words"];
pub(super) const TRUNCATE_FIELDS: &[&str] = &["text", "width", "ellipsis", "words"];

/// Width of a line in columns (0 and more than `MAX_WIDTH` are refused by
/// the layout itself, naming `width`).
fn width_field(body: &JsonBody) -> Result<usize, ApiError> {
    let w = body.required_u64("width")?;
    Ok(usize::try_from(w).unwrap_or(usize::MAX))
}

/// The words kept whole: the request's (at most [`MAX_WORDS`]) and the
/// service catalog's `[layout] words`, as `keymsg wrap` adds keymsg.toml's.
fn words_field(st: &AppState, body: &JsonBody) -> Result<Vec<String>, ApiError> {
    let asked = body.strings("words")?;
    if asked.len() > MAX_WORDS {
        return Err(ApiError::field(
            "words",
            format!(
                "has {} words, over the limit of {MAX_WORDS} per request",
                asked.len()
            ),
        ));
    }
    let engines = st.engines();
    let mut words: Vec<String> = engines
        .select
        .catalog()
        .layout_word_list()
        .into_iter()
        .map(str::to_owned)
        .collect();
    words.extend(asked.into_iter().map(str::to_owned));
    Ok(words)
}

/// The `ellipsis` field, refused here when it holds a control or bidi
/// character: the layout would refuse it too, but its error cannot say
/// whether the character was in `text` or in the ellipsis.
fn ellipsis_field(body: &JsonBody) -> Result<Option<&str>, ApiError> {
    let Some(e) = body.str("ellipsis")? else {
        return Ok(None);
    };
    // Line breaks and tabs are folded to spaces by the layout, not refused.
    let unsafe_char = e
        .chars()
        .enumerate()
        .find(|&(_, c)| !matches!(c, '\n' | '\r' | '\t') && keymsg_core::is_unsafe_char(c));
    if let Some((offset, c)) = unsafe_char {
        return Err(ApiError::field(
            "ellipsis",
            format!(
                "control character U+{:04X} at char offset {offset} is not allowed in laid-out text",
                u32::from(c)
            ),
        ));
    }
    Ok(Some(e))
}

/// A layout refusal, naming the field of the request it is about.
fn refused(e: LayoutError) -> ApiError {
    let field = match &e {
        LayoutError::InvalidWord { .. } => "words",
        LayoutError::WidthTooSmall(_) | LayoutError::WidthTooLarge { .. } => "width",
        LayoutError::EllipsisTooWide { .. } => "ellipsis",
        _ => "text",
    };
    ApiError::field(field, e.to_string())
}

/// `POST /v1/width`: every budget the text can be measured in.
pub(crate) async fn width(State(st): Shared, body: Body) -> Response {
    answer(width_inner(&st, body).await)
}

async fn width_inner(st: &AppState, body: Body) -> Result<serde_json::Value, ApiError> {
    let bytes = read_body(body, st.max_body_bytes).await?;
    let body = JsonBody::parse(&bytes, WIDTH_FIELDS)?;
    let m = Measure::of(body.required_str("text")?);
    Ok(json!({
        "columns": m.columns,
        "graphemes": m.graphemes,
        "utf16_units": m.utf16_units,
        "utf8_bytes": m.utf8_bytes,
        "sms_segments": m.sms_segments,
    }))
}

/// `POST /v1/wrap`: the text in lines of at most `width` columns, broken
/// where a Thai reader would break it; the request's `words` and the
/// catalog's `[layout] words` are kept whole.
pub(crate) async fn wrap(State(st): Shared, body: Body) -> Response {
    answer(wrap_inner(&st, body).await)
}

async fn wrap_inner(st: &AppState, body: Body) -> Result<serde_json::Value, ApiError> {
    let bytes = read_body(body, st.max_body_bytes).await?;
    let body = JsonBody::parse(&bytes, WRAP_FIELDS)?;
    let align = match body.str("align")?.unwrap_or("left") {
        "left" => Align::Left,
        "center" => Align::Center,
        "right" => Align::Right,
        other => {
            return Err(ApiError::field(
                "align",
                format!("`{}` is not one of: left, center, right", printable(other)),
            ));
        }
    };
    let max_lines = body
        .u64("max_lines")?
        .map(|n| usize::try_from(n).unwrap_or(usize::MAX));
    // The layout refuses 0 lines as a width error; name the field at fault.
    if max_lines == Some(0) {
        return Err(ApiError::field("max_lines", "must be 1 or more lines"));
    }
    let mut opts = WrapOptions::new(width_field(&body)?)
        .max_lines(max_lines)
        .align(align)
        .words(words_field(st, &body)?);
    if let Some(e) = ellipsis_field(&body)? {
        opts = opts.ellipsis(e);
    }
    let text = body.required_str("text")?.to_owned();
    // Up to a megabyte of text: on the blocking pool, as store work is.
    let lines = blocking(move || layout::wrap(&text, &opts).map_err(refused)).await?;
    Ok(json!({ "lines": lines }))
}

/// `POST /v1/truncate`: the text cut to one line of at most `width`
/// columns, at a boundary a Thai reader accepts, with the ellipsis. The
/// text is one line (a line feed reads as a space), as `keymsg.truncate`
/// and `keymsg_truncate` take it; `keymsg truncate` cuts each line of its
/// stdin instead.
pub(crate) async fn truncate(State(st): Shared, body: Body) -> Response {
    answer(truncate_inner(&st, body).await)
}

async fn truncate_inner(st: &AppState, body: Body) -> Result<serde_json::Value, ApiError> {
    let bytes = read_body(body, st.max_body_bytes).await?;
    let body = JsonBody::parse(&bytes, TRUNCATE_FIELDS)?;
    let mut opts = TruncateOptions::new(width_field(&body)?).words(words_field(st, &body)?);
    if let Some(e) = ellipsis_field(&body)? {
        opts = opts.ellipsis(e);
    }
    let text = body.required_str("text")?.to_owned();
    let cut = blocking(move || layout::truncate_with(&text, &opts).map_err(refused)).await?;
    Ok(json!({ "text": cut }))
}

fn answer(result: Result<serde_json::Value, ApiError>) -> Response {
    match result {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => e.into_response(),
    }
}
