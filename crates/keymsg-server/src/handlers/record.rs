//! `POST /v1/records`: hand counts for the form's other channels.

use super::impressions::{json_error, read_body};
use super::*;

/// The fields of one hand count (those of `keymsg record`).
const RECORD_FIELDS: &[&str] = &["month", "channel", "message", "content", "count"];

/// One hand count, read field by field so that every refusal names its
/// field (serde's own messages do not name a field whose value has the
/// wrong type).
struct RecordIn {
    month: YearMonth,
    channel: Channel,
    message: Option<String>,
    content: Option<String>,
    count: u64,
}

impl RecordIn {
    fn parse(bytes: &[u8]) -> Result<RecordIn, ApiError> {
        let body: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(bytes).map_err(|e| json_error("", &e))?;
        if let Some(unknown) = body.keys().find(|k| !RECORD_FIELDS.contains(&k.as_str())) {
            return Err(ApiError::field(
                &printable(unknown),
                format!(
                    "unknown field (expected one of: {})",
                    RECORD_FIELDS.join(", ")
                ),
            ));
        }
        let text = |name: &str| -> Result<Option<String>, ApiError> {
            match body.get(name) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(ApiError::field(name, "must be a string")),
            }
        };
        let required = |name: &str| text(name)?.ok_or_else(|| ApiError::field(name, "is required"));
        let month = required("month")?
            .parse()
            .map_err(|e: keymsg_core::BadMonth| ApiError::field("month", e.to_string()))?;
        let channel_name = required("channel")?;
        let channel = channel_name.parse().map_err(|_| {
            let names: Vec<&str> = Channel::ALL.iter().map(|c| c.as_str()).collect();
            ApiError::field(
                "channel",
                format!(
                    "`{}` is not one of: {}",
                    printable(&channel_name),
                    names.join(", ")
                ),
            )
        })?;
        let count = match body.get("count") {
            None => return Err(ApiError::field("count", "is required")),
            Some(v) => v
                .as_u64()
                .ok_or_else(|| ApiError::field("count", "must be a whole number, 0 or more"))?,
        };
        Ok(RecordIn {
            month,
            channel,
            message: text("message")?,
            content: text("content")?,
            count,
        })
    }
}

/// `POST /v1/records`: record a count for a channel keymsg does not see
/// itself (radio spots, meetings, LED signs), for a catalog message
/// (`message`) or for content of the agency's own (`content`), under the
/// service's agency. Recording again for the same month, channel and
/// message or content replaces the number, so a retry changes nothing.
pub(crate) async fn records(State(st): Shared, body: Body) -> Response {
    match records_inner(&st, body).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn records_inner(st: &Arc<AppState>, body: Body) -> Result<Response, ApiError> {
    let bytes = read_body(body, st.max_body_bytes).await?;
    let input = RecordIn::parse(&bytes)?;
    let (month, channel) = (input.month, input.channel);
    let engines = st.engines();
    if engines.count.is_none() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "no_store",
            "this service has no store to record into (start it with --store)",
        ));
    }
    let (message, content, count) = (input.message, input.content, input.count);
    let row = blocking(move || {
        let engine = engines.count.as_ref().ok_or_else(|| {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "no store")
        })?;
        let recorded = match (&message, &content) {
            (Some(id), None) => engine.record(month, channel, id, count),
            (None, Some(text)) => engine.record_content(month, channel, text, count),
            _ => {
                return Err(ApiError::field(
                    "message",
                    "give either `message` (a catalog message id) or `content` (free text), not both",
                ));
            }
        };
        // The core names the message `message_id`; this body calls it `message`.
        recorded.map_err(|e| {
            let mut e = ApiError::from(e);
            if e.field.as_deref() == Some("message_id") {
                e.field = Some("message".into());
            }
            e
        })?;
        Ok(json!({
            "agency": engine.agency(),
            "month": month.to_string(),
            "channel": channel.as_str(),
            "message": message,
            "content": content,
            "count": count,
        }))
    })
    .await?;
    Ok(json_response(StatusCode::OK, &row))
}
