//! Every error the service returns: an HTTP status and a JSON body
//! `{"error": {"code": "...", "message": "...", "field": "..."}}`. Bad input
//! is always a 4xx naming the field; a 5xx means the service itself (the
//! store, the disk) failed, never the request.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use keymsg_core::catalog::CatalogError;
use keymsg_core::layout::LayoutError;
use keymsg_core::select::SelectError;
use keymsg_core::store::StoreError;
use serde::Serialize;

/// An error answer.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    pub(crate) field: Option<String>,
    pub(crate) message: String,
}

#[derive(Serialize)]
struct Body<'a> {
    error: Inner<'a>,
}

#[derive(Serialize)]
struct Inner<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

impl ApiError {
    /// A 400 for one request field.
    pub(crate) fn field(field: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_field",
            field: Some(field.to_owned()),
            message: format!("`{field}`: {}", message.into()),
        }
    }

    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            field: None,
            message: message.into(),
        }
    }

    /// The JSON body alone (also used for per-item results).
    pub(crate) fn body_value(&self) -> serde_json::Value {
        serde_json::json!({
            "code": self.code,
            "message": self.message,
            "field": self.field,
        })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&Body {
            error: Inner {
                code: self.code,
                message: &self.message,
                field: self.field.as_deref(),
            },
        })
        .unwrap_or_default();
        let mut res = (self.status, body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"keymsg\""),
            );
        }
        res
    }
}

impl From<keymsg_core::Error> for ApiError {
    fn from(e: keymsg_core::Error) -> Self {
        use keymsg_core::Error as E;
        let message = e.to_string();
        match &e {
            E::InvalidArgument { name, .. } => ApiError {
                status: StatusCode::BAD_REQUEST,
                code: "invalid_field",
                field: Some((*name).to_owned()),
                message,
            },
            E::Select(s) => select_error(s, message),
            E::Layout(l) => layout_error(l, message),
            E::Store(s) => store_error(s),
            E::Catalog(c) => catalog_error(c, message),
            // A report that cannot be built from good input is the service's fault.
            _ => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message),
        }
    }
}

fn select_error(e: &SelectError, message: String) -> ApiError {
    let (status, code, field) = match e {
        SelectError::NothingEligible { .. } => (StatusCode::NOT_FOUND, "nothing_eligible", None),
        SelectError::BadToken { .. } => (StatusCode::BAD_REQUEST, "invalid_field", Some("token")),
        SelectError::UnknownMessage { .. } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_message",
            Some("token"),
        ),
        SelectError::MissingKey { .. } => (StatusCode::BAD_REQUEST, "invalid_field", Some("key")),
        SelectError::UnknownPolicy { .. } | SelectError::UnknownPolicyKey { .. } => {
            (StatusCode::BAD_REQUEST, "invalid_field", Some("policy"))
        }
        _ => (StatusCode::INTERNAL_SERVER_ERROR, "internal", None),
    };
    ApiError {
        status,
        code,
        field: field.map(str::to_owned),
        message,
    }
}

fn layout_error(e: &LayoutError, message: String) -> ApiError {
    let field = match e {
        LayoutError::WidthTooSmall(_)
        | LayoutError::WidthTooLarge { .. }
        | LayoutError::FooterTooNarrow { .. } => "width",
        _ => "profile",
    };
    ApiError {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        code: "layout",
        field: Some(field.to_owned()),
        message,
    }
}

fn catalog_error(e: &CatalogError, message: String) -> ApiError {
    // An expired catalog is the service's to replace (a reload with a
    // newer one), not the request's: 503, with its own code to alert on.
    let code = match e {
        CatalogError::Expired { .. } => "catalog_expired",
        _ => "catalog",
    };
    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, code, message)
}

/// A store failure is the service's, not the request's: 503, retry later
/// (an idempotency key makes the retry safe).
pub(crate) fn store_error(e: &StoreError) -> ApiError {
    match e {
        StoreError::Invalid { field, detail } => ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_field",
            field: Some((*field).to_owned()),
            message: format!("`{field}`: {detail}"),
        },
        _ => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "store_unavailable",
            e.to_string(),
        ),
    }
}
