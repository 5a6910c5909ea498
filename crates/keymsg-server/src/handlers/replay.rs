//! `GET /v1/replay`: reprint the message of a stored selection token.

use super::select::{count_and_answer, footer_fields, footer_out};
use super::*;

pub(super) const REPLAY_PARAMS: &[&str] = &[
    "token",
    "profile",
    "width",
    "lang",
    "surface",
    "at",
    "count",
    "idempotency_key",
    "kind",
    "encoding",
];

/// `GET /v1/replay`: the exact message a document got, from the `token`
/// its footer returned, laid out anew (another profile or width may be
/// asked for). Stored as a reprint: counted only when the service counts
/// reprints (`keymsg serve --count-reprints`), never with `count=false`.
pub(crate) async fn replay(State(st): Shared, RawQuery(q): RawQuery) -> Response {
    match replay_inner(&st, q.as_deref()).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn replay_inner(st: &Arc<AppState>, q: Option<&str>) -> Result<Response, ApiError> {
    let p = Params::parse(q, REPLAY_PARAMS)?;
    let token = p.required("token")?.to_owned();
    // The footer's fields (no document key or sequence: the token chose).
    let (req, count) = footer_fields(&p)?;
    let engines = st.engines();
    if !count || engines.count.is_none() {
        let r = engines.select.replay(&token, &req)?;
        return Ok(json_response(StatusCode::OK, &footer_out(&r)));
    }
    // Stored as a reprint (counted only under `--count-reprints`: the
    // store decides), in the shared commit, as a footer is: nothing is
    // counted for a client that is gone before its answer.
    let mut req = req;
    let at = req.at.unwrap_or_else(time::OffsetDateTime::now_utc);
    req.at = Some(at);
    let r = engines.select.replay(&token, &req)?;
    let surface = req.surface.unwrap_or(Surface::Receipt);
    let mut ins = Insertion::new(at, engines.select.agency(), surface, r.message_id.clone());
    ins.reprint = true;
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
