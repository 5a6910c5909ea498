//! Bearer tokens: the file keeps only each token's SHA-256 and its scopes.
//! Without any token configured, the service only binds loopback addresses
//! (checked at start), and this check is not installed.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::config::Scope;
use crate::error::ApiError;
use crate::state::AppState;

/// The scopes a request needs: by path, and `count` also for a counted footer.
fn needed(path: &str, query: Option<&str>) -> Vec<Scope> {
    match path {
        "/v1/footer" | "/v1/replay" => {
            let uncounted = query.is_some_and(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .any(|(k, v)| k == "count" && (v == "false" || v == "0"))
            });
            if uncounted {
                vec![Scope::Select]
            } else {
                vec![Scope::Select, Scope::Count]
            }
        }
        "/v1/popup" | "/v1/explain" | "/v1/width" | "/v1/wrap" | "/v1/truncate" => {
            vec![Scope::Select]
        }
        "/v1/impressions" | "/v1/records" => vec![Scope::Count],
        "/v1/report" => vec![Scope::Report],
        "/metrics" => vec![Scope::Metrics],
        "/v1/admin/reload" => vec![Scope::Admin],
        _ => Vec::new(),
    }
}

/// Middleware: check the bearer token against the scopes the path needs.
pub(crate) async fn check(State(st): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let needs = needed(req.uri().path(), req.uri().query());
    if needs.is_empty() {
        return next.run(req).await;
    }
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        // The scheme is case-insensitive (RFC 9110).
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    let Some(token) = presented.filter(|t| !t.is_empty()) else {
        return ApiError {
            status: StatusCode::UNAUTHORIZED,
            code: "unauthorized",
            field: Some("Authorization".into()),
            message: "`Authorization`: a bearer token is required (Authorization: Bearer TOKEN)"
                .into(),
        }
        .into_response();
    };
    let hash: [u8; 32] = Sha256::digest(token.as_bytes()).into();
    let Some((name, scopes)) = st.tokens.get(&hash) else {
        return ApiError {
            status: StatusCode::UNAUTHORIZED,
            code: "unauthorized",
            field: Some("Authorization".into()),
            message: "`Authorization`: unknown bearer token".into(),
        }
        .into_response();
    };
    if let Some(missing) = needs.iter().find(|s| !scopes.contains(s)) {
        tracing::warn!(token = %name, scope = missing.as_str(), path = req.uri().path(), "scope missing");
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!(
                "this token lacks the scope `{}` that {} needs",
                missing.as_str(),
                req.uri().path()
            ),
        )
        .into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_but_health_and_the_document_needs_a_scope() {
        let public = ["/healthz", "/readyz", "/openapi.json"];
        for (method, path) in crate::ROUTES {
            assert_eq!(
                needed(path, None).is_empty(),
                public.contains(path),
                "{method} {path}"
            );
        }
        // Counting needs `count`, unless the request says it counts nothing.
        for path in ["/v1/footer", "/v1/replay"] {
            assert_eq!(needed(path, None), [Scope::Select, Scope::Count]);
            assert_eq!(needed(path, Some("token=x&count=false")), [Scope::Select]);
        }
        assert_eq!(needed("/v1/records", None), [Scope::Count]);
        assert_eq!(needed("/v1/explain", None), [Scope::Select]);
    }
}
