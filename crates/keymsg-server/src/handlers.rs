//! The endpoints. Selection without counting runs on the request's task
//! (microseconds, no I/O); anything that touches the store runs on the
//! blocking pool so a disk sync never stalls other connections.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use keymsg_core::report::{FormOptions, Report};
use keymsg_core::store::{CapClaim, Insertion};
use keymsg_core::{FooterRequest, Surface, YearMonth};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::{ApiError, store_error};
use crate::params::{Params, parse_at, printable};
use crate::state::AppState;

type Shared = State<Arc<AppState>>;

/// Most impressions in one `POST /v1/impressions`.
pub const MAX_IMPRESSIONS: usize = 1000;

pub(crate) fn json_response(status: StatusCode, value: &impl Serialize) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => {
            let mut res = (status, body).into_response();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            res
        }
        Err(e) => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("cannot serialise the answer: {e}"),
        )
        .into_response(),
    }
}

/// Run store work on the blocking pool.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("worker failed: {e}"),
        )
    })?
}

fn surface_param(p: &Params, allowed: &[Surface], default: Surface) -> Result<Surface, ApiError> {
    let Some(s) = p.str("surface") else {
        return Ok(default);
    };
    let names: Vec<&str> = allowed.iter().map(|s| s.as_str()).collect();
    match s.parse::<Surface>() {
        Ok(surface) if allowed.contains(&surface) => Ok(surface),
        _ => Err(ApiError::field(
            "surface",
            format!("`{}` is not one of: {}", printable(s), names.join(", ")),
        )),
    }
}

fn lang_param(p: &Params) -> Result<Option<String>, ApiError> {
    match p.str("lang") {
        None => Ok(None),
        Some(l @ ("th" | "en")) => Ok(Some(l.to_owned())),
        Some(other) => Err(ApiError::field(
            "lang",
            format!(
                "`{}` is not a language keymsg has: th or en",
                printable(other)
            ),
        )),
    }
}

/// What `GET /v1/footer` returns: the fields of `keymsg footer --json`.
#[derive(Serialize)]
struct FooterOut<'a> {
    message_id: &'a str,
    text: &'a str,
    lines: &'a [String],
    title: Option<&'a str>,
    token: &'a str,
    fit: &'a keymsg_core::Fit,
    counted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    count_error: Option<&'a str>,
}

fn footer_out(r: &keymsg_core::Rendered) -> FooterOut<'_> {
    FooterOut {
        message_id: &r.message_id,
        text: &r.text,
        lines: &r.lines,
        title: r.title.as_deref(),
        token: &r.token,
        fit: &r.fit,
        counted: r.counted,
        count_error: r.count_error.as_deref(),
    }
}

const FOOTER_PARAMS: &[&str] = &[
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
];

/// Parse a footer request; also whether it asks to be counted.
pub(crate) fn footer_request(raw: Option<&str>) -> Result<(FooterRequest, bool), ApiError> {
    let p = Params::parse(raw, FOOTER_PARAMS)?;
    let mut req = FooterRequest::new();
    req.key = p.string("key");
    req.profile = p.string("profile");
    req.width = p.number::<usize>("width")?;
    if req.width == Some(0) {
        return Err(ApiError::field("width", "must be 1 or more columns"));
    }
    req.lang = lang_param(&p)?;
    req.surface = Some(surface_param(
        &p,
        &[Surface::Receipt, Surface::Invoice],
        Surface::Receipt,
    )?);
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
    let (mut req, count) = footer_request(q)?;
    let engines = st.engines();
    if !count || engines.count.is_none() {
        let r = engines.select.footer(&req)?;
        return Ok(json_response(StatusCode::OK, &footer_out(&r)));
    }
    // Counted means delivered: everything that can fail (selection, layout,
    // the insertion's own checks) comes before the count, and after it only
    // the answer is written. The count is made as the engine makes it, in
    // the counting thread's shared commit.
    let at = req.at.unwrap_or_else(time::OffsetDateTime::now_utc);
    req.at = Some(at);
    let mut r = engines.select.footer(&req)?;
    if r.fit.truncated_core {
        // Only returned when lossy output is allowed, and then never counted.
        return Ok(json_response(StatusCode::OK, &footer_out(&r)));
    }
    let mut ins = Insertion::new(
        at,
        engines.select.agency(),
        req.surface.unwrap_or(Surface::Receipt),
        r.message_id.clone(),
    );
    ins.catalog_version = engines.select.catalog().version();
    ins.kind = req.kind.take().unwrap_or_default();
    ins.idempotency_key = req.idempotency_key.take();
    keymsg_core::store::check_insertion(&ins).map_err(|e| store_error(&e))?;
    match st.counter.count(Arc::clone(&engines), vec![ins]).await {
        Ok(c) => r.counted = c.first() == Some(&keymsg_core::store::Counted::New),
        // Fail open, as the engine does by default: the text is returned
        // with `counted: false` and the reason; a retry with the same
        // idempotency key counts once.
        Err(e) => r.count_error = Some(e.message),
    }
    Ok(json_response(StatusCode::OK, &footer_out(&r)))
}

const POPUP_PARAMS: &[&str] = &["subject", "lang", "surface", "profile", "at"];

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
    req.key = p.string("subject");
    req.lang = lang_param(&p)?;
    req.profile = p.string("profile");
    req.at = p.at()?;
    let engines = st.engines();
    // Select first: a request that cannot be served uses up no cap.
    let rendered = engines.select.footer(&req)?;
    if let Some(ledger) = st.ledger.clone() {
        let subject = p.required("subject")?.to_owned();
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImpressionsIn {
    impressions: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImpressionIn {
    token: String,
    subject: Option<String>,
    surface: Option<String>,
    idempotency_key: String,
    at: Option<String>,
    kind: Option<String>,
}

/// `POST /v1/impressions`: count what the app actually displayed.
pub(crate) async fn impressions(State(st): Shared, body: Body) -> Response {
    match impressions_inner(&st, body).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

/// Read a body of at most `limit` bytes.
pub(crate) async fn read_body(body: Body, limit: usize) -> Result<axum::body::Bytes, ApiError> {
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        // Over the limit, or the client stopped sending.
        let too_large = std::error::Error::source(&e)
            .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
        if too_large {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                format!("the request body is over the limit of {limit} bytes"),
            )
        } else {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_body",
                format!("cannot read the request body: {e}"),
            )
        }
    })
}

fn json_error(field_prefix: &str, e: &serde_json::Error) -> ApiError {
    // serde_json names the field in its message (unknown field `x`,
    // missing field `token`, invalid type ... for key `at`).
    let msg = e.to_string();
    let field = msg
        .split('`')
        .nth(1)
        .filter(|_| msg.contains("field"))
        .map(|f| format!("{field_prefix}{f}"))
        .unwrap_or_else(|| field_prefix.trim_end_matches('.').to_owned());
    ApiError {
        status: StatusCode::BAD_REQUEST,
        code: "invalid_field",
        field: Some(field.clone()),
        message: format!("`{field}`: {msg}"),
    }
}

async fn impressions_inner(st: &Arc<AppState>, body: Body) -> Result<Response, ApiError> {
    let bytes = read_body(body, st.max_body_bytes).await?;
    let input: ImpressionsIn = serde_json::from_slice(&bytes).map_err(|e| json_error("", &e))?;
    if input.impressions.is_empty() {
        return Err(ApiError::field("impressions", "is empty"));
    }
    if input.impressions.len() > MAX_IMPRESSIONS {
        return Err(ApiError::field(
            "impressions",
            format!(
                "has {} items, over the limit of {MAX_IMPRESSIONS} per request",
                input.impressions.len()
            ),
        ));
    }
    let engines = st.engines();
    let Some(engine) = engines.count.as_ref() else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "no_store",
            "this service has no store to count into (start it with --store)",
        ));
    };
    // Each item is checked on its own: one bad item is reported in its
    // result and does not stop the others from counting.
    let mut results: Vec<serde_json::Value> =
        vec![serde_json::Value::Null; input.impressions.len()];
    let mut good: Vec<(usize, Insertion)> = Vec::new();
    for (i, value) in input.impressions.into_iter().enumerate() {
        let prefix = format!("impressions[{i}].");
        match impression(engine, value, &prefix) {
            Ok(ins) => good.push((i, ins)),
            Err(e) => {
                if let Some(slot) = results.get_mut(i) {
                    *slot = json!({"index": i, "status": "rejected", "error": e.body_value()});
                }
            }
        }
    }
    let engines2 = Arc::clone(&engines);
    let batch: Vec<Insertion> = good.iter().map(|(_, ins)| ins.clone()).collect();
    let outcome = blocking(move || {
        let store = engines2
            .count
            .as_ref()
            .and_then(|e| e.store())
            .ok_or_else(|| {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "no store")
            })?;
        store.count_batch(&batch).map_err(|e| store_error(&e))
    })
    .await?;
    let mut counted = 0u64;
    let mut duplicates = 0u64;
    for ((i, _), c) in good.iter().zip(outcome) {
        let status = match c {
            keymsg_core::store::Counted::New => {
                counted += 1;
                "counted"
            }
            keymsg_core::store::Counted::Duplicate => {
                duplicates += 1;
                "duplicate"
            }
            keymsg_core::store::Counted::Reprint => "reprint",
        };
        if let Some(slot) = results.get_mut(*i) {
            *slot = json!({"index": i, "status": status});
        }
    }
    let rejected = results.len() as u64 - counted - duplicates;
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "counted": counted,
            "duplicates": duplicates,
            "rejected": rejected,
            "results": results,
        }),
    ))
}

fn impression(
    engine: &keymsg_core::Engine,
    value: serde_json::Value,
    prefix: &str,
) -> Result<Insertion, ApiError> {
    let item: ImpressionIn = serde_json::from_value(value).map_err(|e| json_error(prefix, &e))?;
    let field = |f: &str| format!("{prefix}{f}");
    let token: keymsg_core::select::Token =
        item.token
            .parse()
            .map_err(|e: keymsg_core::select::SelectError| {
                ApiError::field(&field("token"), e.to_string())
            })?;
    let message = engine
        .selector()
        .replay(token.as_str())
        .map_err(|e| ApiError::field(&field("token"), e.to_string()))?;
    let surface = match item.surface.as_deref() {
        None => Surface::Popup,
        Some(s) => match s.parse::<Surface>() {
            Ok(sf @ (Surface::Popup | Surface::Push | Surface::Sms)) => sf,
            _ => {
                return Err(ApiError::field(
                    &field("surface"),
                    format!("`{}` is not one of: popup, push, sms", printable(s)),
                ));
            }
        },
    };
    if item.idempotency_key.trim().is_empty() {
        return Err(ApiError::field(
            &field("idempotency_key"),
            "is required (a retried request must count once)",
        ));
    }
    if let Some(s) = &item.subject
        && keymsg_core::select::hash::canonical_key(s).is_empty()
    {
        return Err(ApiError::field(&field("subject"), "is empty"));
    }
    let at = match &item.at {
        Some(s) => parse_at(&field("at"), s)?,
        None => time::OffsetDateTime::now_utc(),
    };
    let mut ins = Insertion::new(at, engine.agency(), surface, message.id.clone())
        .with_key(item.idempotency_key);
    ins.catalog_version = token.catalog_version();
    if let Some(k) = item.kind {
        ins = ins.with_kind(k);
    }
    // The store checks the instant's range, names and sizes and refuses
    // the whole batch on one bad item: check each here instead.
    keymsg_core::store::check_insertion(&ins).map_err(|e| match e {
        keymsg_core::store::StoreError::Invalid { field: f, detail } => {
            ApiError::field(&field(f), detail)
        }
        other => store_error(&other),
    })?;
    Ok(ins)
}

const REPORT_PARAMS: &[&str] = &["month", "agency", "format"];

/// `GET /v1/report`: the month's form, as JSON, CSV, XLSX or Markdown.
pub(crate) async fn report(State(st): Shared, RawQuery(q): RawQuery) -> Response {
    match report_inner(&st, q.as_deref()).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn report_inner(st: &Arc<AppState>, q: Option<&str>) -> Result<Response, ApiError> {
    let p = Params::parse(q, REPORT_PARAMS)?;
    let month: YearMonth = p
        .required("month")?
        .parse()
        .map_err(|e: keymsg_core::BadMonth| ApiError::field("month", e.to_string()))?;
    let format: &'static str = match p.str("format").unwrap_or("json") {
        "json" => "json",
        "csv" => "csv",
        "xlsx" => "xlsx",
        "md" => "md",
        other => {
            return Err(ApiError::field(
                "format",
                format!("`{}` is not one of: json, csv, xlsx, md", printable(other)),
            ));
        }
    };
    let agency = p.string("agency");
    let engines = st.engines();
    if engines.count.is_none() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "no_store",
            "this service has no store to report from (start it with --store)",
        ));
    }
    let (bytes, mime) = blocking(move || {
        let engine = engines.count.as_ref().ok_or_else(|| {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "no store")
        })?;
        let store = engine.store().ok_or_else(|| {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "no store")
        })?;
        let report = Report::from_store_with(
            store,
            engine.catalog(),
            month,
            agency.as_deref(),
            &FormOptions::new(),
        )
        .map_err(ApiError::from)?;
        Ok(match format {
            "xlsx" => (
                report
                    .to_xlsx_bytes()
                    .map_err(|e| ApiError::from(keymsg_core::Error::from(e)))?,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            "csv" => (report.to_csv().into_bytes(), "text/csv; charset=utf-8"),
            "md" => (
                report.to_markdown().into_bytes(),
                "text/markdown; charset=utf-8",
            ),
            _ => (report.to_json().into_bytes(), "application/json"),
        })
    })
    .await?;
    let mut res = (StatusCode::OK, bytes).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    Ok(res)
}

/// `GET /metrics`: the store's counters (the same text as `keymsg metrics`)
/// and the service's own.
pub(crate) async fn metrics(State(st): Shared) -> Response {
    let engines = st.engines();
    let st2 = Arc::clone(&st);
    let res = blocking(move || {
        let mut out = match engines.count.as_ref() {
            Some(e) => e.metrics().map_err(ApiError::from)?,
            None => String::new(),
        };
        crate::metrics::service(&st2, &engines, &mut out);
        Ok(out)
    })
    .await;
    match res {
        Ok(text) => {
            let mut res = (StatusCode::OK, text).into_response();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
            );
            res
        }
        Err(e) => e.into_response(),
    }
}

/// `GET /healthz`: the process answers.
pub(crate) async fn healthz() -> Response {
    json_response(StatusCode::OK, &json!({"status": "ok"}))
}

/// `GET /readyz`: a catalog is loaded and valid, and the store can be read.
pub(crate) async fn readyz(State(st): Shared) -> Response {
    let engines = st.engines();
    let st2 = Arc::clone(&st);
    let res = blocking(move || {
        let (store_ok, store) = match engines.count.as_ref().and_then(|e| e.store()) {
            Some(s) => match s.months() {
                Ok(_) => (true, json!({"ok": true})),
                Err(e) => (false, json!({"ok": false, "error": e.to_string()})),
            },
            None => (true, json!({"ok": true, "configured": false})),
        };
        let ready = store_ok && !st2.is_shutting_down();
        let reload = st2.reload_status();
        let catalog = engines.select.catalog();
        Ok((
            ready,
            json!({
                "catalog": {
                    "ok": true,
                    "version": catalog.version(),
                    "messages": catalog.messages().len(),
                    "last_reload_error": reload.last_error,
                },
                "store": store,
                "shutting_down": st2.is_shutting_down(),
            }),
        ))
    })
    .await;
    match res {
        Ok((ready, v)) => {
            let status = if ready {
                StatusCode::OK
            } else {
                StatusCode::SERVICE_UNAVAILABLE
            };
            json_response(status, &json!({"ready": ready, "checks": v}))
        }
        Err(e) => e.into_response(),
    }
}

/// The OpenAPI 3.1 document of this service (kept in the repository).
pub const OPENAPI: &str = include_str!("../openapi.json");

/// `GET /openapi.json`.
pub(crate) async fn openapi() -> Response {
    let mut res = (StatusCode::OK, OPENAPI).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

/// `POST /v1/admin/reload`: load the catalog again; a bad one is refused
/// and the one in service stays.
pub(crate) async fn reload(State(st): Shared) -> Response {
    match crate::reload::reload(&st).await {
        Ok(version) => json_response(
            StatusCode::OK,
            &json!({"reloaded": true, "version": version}),
        ),
        Err(message) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "catalog_refused", message)
            .into_response(),
    }
}

/// Unknown path.
pub(crate) async fn not_found() -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such endpoint (see /openapi.json)",
    )
    .into_response()
}

/// Known path, wrong method.
pub(crate) async fn method_not_allowed() -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this endpoint does not take that method (see /openapi.json)",
    )
    .into_response()
}
