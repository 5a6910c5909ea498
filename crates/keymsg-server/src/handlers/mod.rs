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
use keymsg_core::{Channel, FooterRequest, Surface, YearMonth};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::{ApiError, store_error};
use crate::params::{Params, parse_at, printable};
use crate::state::AppState;

type Shared = State<Arc<AppState>>;

mod body;
mod explain;
mod impressions;
mod record;
mod replay;
mod report;
mod select;
mod text;

pub(crate) use explain::explain;
pub(crate) use impressions::impressions;
pub(crate) use record::records;
pub(crate) use replay::replay;
pub(crate) use report::report;
pub(crate) use select::{footer, popup};
pub(crate) use text::{truncate, width, wrap};

/// The query parameters each GET endpoint reads (any other is refused); a
/// test holds them to `openapi.json`.
#[cfg(test)]
pub(crate) const QUERY_PARAMS: &[(&str, &[&str])] = &[
    ("/v1/footer", select::FOOTER_PARAMS),
    ("/v1/popup", select::POPUP_PARAMS),
    ("/v1/replay", replay::REPLAY_PARAMS),
    ("/v1/explain", explain::EXPLAIN_PARAMS),
    ("/v1/report", report::REPORT_PARAMS),
];

/// The JSON fields each POST endpoint that reads them field by field
/// accepts (any other is refused); a test holds them to `openapi.json`.
#[cfg(test)]
pub(crate) const BODY_FIELDS: &[(&str, &[&str])] = &[
    ("/v1/records", record::RECORD_FIELDS),
    ("/v1/width", text::WIDTH_FIELDS),
    ("/v1/wrap", text::WRAP_FIELDS),
    ("/v1/truncate", text::TRUNCATE_FIELDS),
];

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

/// `encoding`: the printer's byte encoding (default: the profile's). With
/// UTF-8 the JSON `text` is what to print; otherwise `encoded` carries the
/// bytes.
fn encoding_param(p: &Params) -> Result<Option<keymsg_core::layout::Encoding>, ApiError> {
    match p.str("encoding") {
        None => Ok(None),
        Some(name) => match keymsg_core::layout::Encoding::from_name(name) {
            Some(e) => Ok(Some(e)),
            None => Err(ApiError::field(
                "encoding",
                format!("`{}` is not one of: utf-8, tis-620, cp874", printable(name)),
            )),
        },
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

/// `GET /healthz`: the process answers, and which keymsg it is (the
/// library version, as `keymsg --version`, `keymsg_version()` and
/// `keymsg.__version__` say).
pub(crate) async fn healthz() -> Response {
    json_response(
        StatusCode::OK,
        &json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")}),
    )
}

/// `GET /readyz`: a catalog is loaded and valid, and the store can be read.
pub(crate) async fn readyz(State(st): Shared) -> Response {
    let engines = st.engines();
    let st2 = Arc::clone(&st);
    let res = blocking(move || {
        let (store_ok, store) = match engines.count.as_ref().and_then(|e| e.store()) {
            // A fleet store: counts are acknowledged in the local journal,
            // so the service is ready while the journal is; PostgreSQL being
            // down (reports fail, rows wait) is said, not a reason to take
            // every replica out of service at once.
            Some(s) => match s.fleet_status() {
                Ok(Some(f)) => (
                    true,
                    json!({
                        "ok": true,
                        "fleet": {
                            "reachable": f.reachable,
                            "error": f.error,
                            "pending_rows": f.pending_rows,
                            "lag_seconds": f.lag_seconds,
                            "ship_error": f.ship_error,
                            "shipped_rows": f.shipped_rows,
                        },
                    }),
                ),
                Ok(None) => match s.months() {
                    Ok(_) => (true, json!({"ok": true})),
                    Err(e) => (false, json!({"ok": false, "error": e.to_string()})),
                },
                Err(e) => (false, json!({"ok": false, "error": e.to_string()})),
            },
            None => (true, json!({"ok": true, "configured": false})),
        };
        let reload = st2.reload_status();
        let catalog = engines.select.catalog();
        // An expired catalog is not served (every footer is a 503): not
        // ready until a reload brings a newer one.
        let expired = catalog.is_expired_at(time::OffsetDateTime::now_utc());
        let ready = store_ok && !expired && !st2.is_shutting_down();
        // How each layer of the catalog was loaded (signature, version,
        // expiry, whether the last good copy serves): `keymsg check
        // --json`'s `layers`.
        let layers: serde_json::Value =
            serde_json::from_str(&catalog.trust().to_json()).unwrap_or_default();
        Ok((
            ready,
            json!({
                "catalog": {
                    "ok": !expired,
                    "expired": expired,
                    "version": catalog.version(),
                    "messages": catalog.messages().len(),
                    "last_reload_error": reload.last_error,
                    "layers": layers,
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
pub const OPENAPI: &str = include_str!("../../openapi.json");

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
