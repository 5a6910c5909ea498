//! `POST /v1/records`: hand counts for the form's other channels.

use super::body::JsonBody;
use super::impressions::read_body;
use super::*;

/// The fields of one hand count (those of `keymsg record`).
pub(super) const RECORD_FIELDS: &[&str] = &["month", "channel", "message", "content", "count"];

/// One hand count.
struct RecordIn {
    month: YearMonth,
    channel: Channel,
    message: Option<String>,
    content: Option<String>,
    count: u64,
}

impl RecordIn {
    fn parse(bytes: &[u8]) -> Result<RecordIn, ApiError> {
        let body = JsonBody::parse(bytes, RECORD_FIELDS)?;
        let month = body
            .required_str("month")?
            .parse()
            .map_err(|e: keymsg_core::BadMonth| ApiError::field("month", e.to_string()))?;
        let channel_name = body.required_str("channel")?;
        let channel = channel_name.parse().map_err(|_| {
            let names: Vec<&str> = Channel::ALL.iter().map(|c| c.as_str()).collect();
            ApiError::field(
                "channel",
                format!(
                    "`{}` is not one of: {}",
                    printable(channel_name),
                    names.join(", ")
                ),
            )
        })?;
        Ok(RecordIn {
            month,
            channel,
            message: body.str("message")?.map(str::to_owned),
            content: body.str("content")?.map(str::to_owned),
            count: body.required_u64("count")?,
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
            (Some(_), Some(_)) => {
                return Err(ApiError::field(
                    "message",
                    "give `message` (a catalog message id) or `content` (free text), not both",
                ));
            }
            (None, None) => {
                return Err(ApiError::field(
                    "message",
                    "is required: give `message` (a catalog message id) or `content` (free text)",
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
