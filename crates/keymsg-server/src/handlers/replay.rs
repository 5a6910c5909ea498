//! `GET /v1/replay`: reprint the message of a stored selection token.

use super::select::{footer_fields, select_and_answer};
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
    // Stored as a reprint (counted only under `--count-reprints`: the store
    // decides), in the footer's shared commit: nothing is counted for a
    // client that is gone before its answer.
    select_and_answer(st, req, count, true, |engine, req| {
        engine.replay(&token, req)
    })
    .await
}
