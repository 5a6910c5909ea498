//! `POST /v1/impressions`: counting what apps displayed.

use super::*;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImpressionsIn {
    impressions: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImpressionIn {
    token: String,
    /// The app user; `key` as the other front ends name it.
    #[serde(alias = "key")]
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

/// Read a body of at most `limit` bytes. A `Content-Length` over the limit
/// is refused before any of the body is read (waiting for it would hold the
/// connection until the request deadline and answer 408); a chunked body is
/// refused as soon as it passes the limit.
pub(crate) async fn read_body(body: Body, limit: usize) -> Result<axum::body::Bytes, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("the request body is over the limit of {limit} bytes"),
        )
    };
    // hyper's size hint is the `Content-Length` when there is one.
    if axum::body::HttpBody::size_hint(&body).lower() > u64::try_from(limit).unwrap_or(u64::MAX) {
        return Err(too_large());
    }
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        // Over the limit, or the client stopped sending.
        let over = std::error::Error::source(&e)
            .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
        if over {
            too_large()
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
