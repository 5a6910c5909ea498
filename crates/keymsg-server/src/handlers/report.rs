//! `GET /v1/report`.

use super::*;

pub(super) const REPORT_PARAMS: &[&str] = &["month", "agency", "format"];

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
