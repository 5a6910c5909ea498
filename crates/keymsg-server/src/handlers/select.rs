//! `GET /v1/footer` and `GET /v1/popup`.

use super::*;

/// What `GET /v1/footer` returns: the fields of `keymsg footer --json`.
#[derive(Serialize)]
pub(super) struct FooterOut<'a> {
    message_id: &'a str,
    text: &'a str,
    lines: &'a [String],
    title: Option<&'a str>,
    token: &'a str,
    fit: &'a keymsg_core::Fit,
    counted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    count_error: Option<&'a str>,
    /// `text` in the printer encoding asked for (`encoding=tis-620` or
    /// `cp874`), base64: the bytes `keymsg footer --encoding` writes.
    #[serde(skip_serializing_if = "Option::is_none")]
    encoded: Option<String>,
}

pub(super) fn footer_out(r: &keymsg_core::Rendered) -> FooterOut<'_> {
    use base64::Engine as _;
    FooterOut {
        message_id: &r.message_id,
        text: &r.text,
        lines: &r.lines,
        title: r.title.as_deref(),
        token: &r.token,
        fit: &r.fit,
        counted: r.counted,
        count_error: r.count_error.as_deref(),
        encoded: r
            .encoded
            .as_deref()
            .map(|b| base64::engine::general_purpose::STANDARD.encode(b)),
    }
}

pub(super) const FOOTER_PARAMS: &[&str] = &[
    "key",
    "profile",
    "width",
    "lang",
    "surface",
    "at",
    "count",
    "idempotency_key",
    "kind",
    "sequence",
    "encoding",
];

/// The surfaces a footer is printed or shown on (pop-up surfaces go
/// through `/v1/popup` and `/v1/impressions`).
pub(super) const FOOTER_SURFACES: &[Surface] =
    &[Surface::Receipt, Surface::Invoice, Surface::Billboard];

/// Parse a footer request; also whether it asks to be counted.
pub(crate) fn footer_request(raw: Option<&str>) -> Result<(FooterRequest, bool), ApiError> {
    footer_fields(&Params::parse(raw, FOOTER_PARAMS)?)
}

/// The footer fields of parsed parameters, and whether to count; a field
/// the endpoint does not take (refused by `Params::parse`) reads as unset.
pub(super) fn footer_fields(p: &Params) -> Result<(FooterRequest, bool), ApiError> {
    let mut req = FooterRequest::new();
    req.key = p.string("key");
    req.profile = p.string("profile");
    req.width = p.number::<usize>("width")?;
    if req.width == Some(0) {
        return Err(ApiError::field("width", "must be 1 or more columns"));
    }
    req.lang = lang_param(p)?;
    req.surface = Some(surface_param(p, FOOTER_SURFACES, Surface::Receipt)?);
    req.encoding = encoding_param(p)?;
    req.at = p.at()?;
    req.idempotency_key = p.string("idempotency_key");
    req.kind = p.string("kind");
    req.sequence = p.number::<u64>("sequence")?;
    let count = p.bool("count", true)?;
    Ok((req, count))
}

/// `GET /v1/footer`: select, lay out and (unless `count=false`, or the
/// service has no store) count a footer.
pub(crate) async fn footer(State(st): Shared, RawQuery(q): RawQuery) -> Response {
    match footer_inner(&st, q.as_deref()).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn footer_inner(st: &Arc<AppState>, q: Option<&str>) -> Result<Response, ApiError> {
    let (req, count) = footer_request(q)?;
    select_and_answer(st, req, count, false, |engine, req| engine.footer(req)).await
}

/// Render a footer with `render` (a first print, or with `reprint` a
/// reprint) and answer it, counted unless `count` is off or the service has
/// no store. Counted means delivered: everything that can fail (selection,
/// layout, the insertion's own checks) comes before the count, and after it
/// only the answer is written. The count is made as the engine makes it, in
/// the counting thread's shared commit (see [`count_and_answer`]).
pub(super) async fn select_and_answer(
    st: &Arc<AppState>,
    mut req: FooterRequest,
    count: bool,
    reprint: bool,
    render: impl Fn(&keymsg_core::Engine, &FooterRequest) -> keymsg_core::Result<keymsg_core::Rendered>,
) -> Result<Response, ApiError> {
    let engines = st.engines();
    if !count || engines.count.is_none() {
        let r = render(&engines.select, &req)?;
        return Ok(json_response(StatusCode::OK, &footer_out(&r)));
    }
    let at = req.at.unwrap_or_else(time::OffsetDateTime::now_utc);
    req.at = Some(at);
    let r = render(&engines.select, &req)?;
    let surface = req.surface.unwrap_or(Surface::Receipt);
    let mut ins = Insertion::new(at, engines.select.agency(), surface, r.message_id.clone());
    ins.reprint = reprint;
    count_and_answer(
        st,
        engines,
        r,
        ins,
        req.kind.take(),
        req.idempotency_key.take(),
    )
    .await
}

/// Count the footer `r` (a first print or, with `ins.reprint`, a reprint)
/// in the shared commit and answer it. Counted means delivered: nothing is
/// counted if the request is gone before the commit (client disconnected,
/// deadline), and the count is withdrawn if it goes after the commit but
/// before the answer is handed to hyper. Once hyper has the answer, the
/// service cannot know whether the client read it (docs/COUNTING.md).
async fn count_and_answer(
    st: &Arc<AppState>,
    engines: Arc<crate::state::Engines>,
    mut r: keymsg_core::Rendered,
    mut ins: Insertion,
    kind: Option<String>,
    idempotency_key: Option<String>,
) -> Result<Response, ApiError> {
    if r.fit.truncated_core {
        // Only returned when lossy output is allowed, and then never counted.
        return Ok(json_response(StatusCode::OK, &footer_out(&r)));
    }
    ins.catalog_version = engines.select.catalog().version();
    ins.kind = kind.unwrap_or_default();
    ins.idempotency_key = idempotency_key;
    keymsg_core::store::check_insertion(&ins).map_err(|e| store_error(&e))?;
    match st.counter.count(Arc::clone(&engines), vec![ins]).await {
        Ok(made) => {
            r.counted = made.counted().first() == Some(&keymsg_core::store::Counted::New);
            let res = json_response(StatusCode::OK, &footer_out(&r));
            // No `.await` from here to hyper: the count stands.
            made.keep();
            Ok(res)
        }
        // Fail closed when asked (`keymsg serve --fail-closed`): the
        // error, no text to print uncounted.
        Err(e) if st.settings.fail_closed => Err(e),
        // Fail open, as the engine does by default: the text is returned
        // with `counted: false` and the reason; a retry with the same
        // idempotency key counts once.
        Err(e) => {
            r.count_error = Some(e.message);
            Ok(json_response(StatusCode::OK, &footer_out(&r)))
        }
    }
}

pub(super) const POPUP_PARAMS: &[&str] = &["key", "subject", "lang", "surface", "profile", "at"];

/// The pop-up's subject (the app user, as the caps count them): `key`, as
/// CLI, C and Python name it, or `subject`, the name it had first (still read).
fn subject_param(p: &Params) -> Result<(&'static str, Option<String>), ApiError> {
    match (p.string("key"), p.string("subject")) {
        (Some(_), Some(_)) => Err(ApiError::field(
            "key",
            "give `key` or its older name `subject`, not both",
        )),
        (None, Some(s)) => Ok(("subject", Some(s))),
        (k, None) => Ok(("key", k)),
    }
}

#[derive(Serialize)]
struct PopupOut<'a> {
    message_id: &'a str,
    title: Option<&'a str>,
    text: &'a str,
    lines: &'a [String],
    token: &'a str,
    fit: &'a keymsg_core::Fit,
}

/// `GET /v1/popup`: select and lay out a pop-up; 204 when a cap says "not
/// now". Nothing is counted: `POST /v1/impressions` counts what was shown.
pub(crate) async fn popup(State(st): Shared, RawQuery(q): RawQuery) -> Response {
    match popup_inner(&st, q.as_deref()).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn popup_inner(st: &Arc<AppState>, q: Option<&str>) -> Result<Response, ApiError> {
    let p = Params::parse(q, POPUP_PARAMS)?;
    let surface = surface_param(
        &p,
        &[Surface::Popup, Surface::Push, Surface::Sms],
        Surface::Popup,
    )?;
    let mut req = FooterRequest::new();
    req.surface = Some(surface);
    let (subject_name, subject) = subject_param(&p)?;
    req.key = subject;
    req.lang = lang_param(&p)?;
    req.profile = p.string("profile");
    req.at = p.at()?;
    let engines = st.engines();
    // Select first: a request that cannot be served uses up no cap.
    let rendered = engines.select.footer(&req)?;
    if let Some(ledger) = st.ledger.clone() {
        let subject = p.required(subject_name)?.to_owned();
        let at = req.at.unwrap_or_else(time::OffsetDateTime::now_utc);
        let caps = st.caps;
        let claim = blocking(move || {
            ledger
                .claim(&subject, at, &caps)
                .map_err(|e| store_error(&e))
        })
        .await?;
        if let CapClaim::Held { retry_at, .. } = claim {
            st.capped.fetch_add(1, Ordering::Relaxed);
            let secs = (retry_at - at).whole_seconds().max(1);
            let mut res = StatusCode::NO_CONTENT.into_response();
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            return Ok(res);
        }
    }
    let r = &rendered;
    Ok(json_response(
        StatusCode::OK,
        &PopupOut {
            message_id: &r.message_id,
            title: r.title.as_deref(),
            text: &r.text,
            lines: &r.lines,
            token: &r.token,
            fit: &r.fit,
        },
    ))
}
