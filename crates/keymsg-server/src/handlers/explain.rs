//! `GET /v1/explain`: why each message was or was not eligible.

use super::*;

pub(super) const EXPLAIN_PARAMS: &[&str] = &["key", "surface", "at", "lang", "sequence"];

/// `GET /v1/explain`: the selection `GET /v1/footer` (or `/v1/popup`, with
/// `surface=popup` and the subject as `key`) would make for these
/// parameters, and why: every message with its eligibility, the deciding
/// policy and the choice. The JSON of `keymsg explain --json`. Counts
/// nothing.
pub(crate) async fn explain(State(st): Shared, RawQuery(q): RawQuery) -> Response {
    match explain_inner(&st, q.as_deref()) {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

fn explain_inner(st: &Arc<AppState>, q: Option<&str>) -> Result<Response, ApiError> {
    let p = Params::parse(q, EXPLAIN_PARAMS)?;
    let mut req = FooterRequest::new();
    req.key = p.string("key");
    req.surface = Some(surface_param(&p, &Surface::ALL, Surface::Receipt)?);
    req.at = p.at()?;
    req.lang = lang_param(&p)?;
    req.sequence = p.number::<u64>("sequence")?;
    let explanation = st.engines().select.explain(&req)?;
    let mut res = (StatusCode::OK, explanation.to_json()).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(res)
}
