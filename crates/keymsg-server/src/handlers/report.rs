//! `GET /v1/report`.

use keymsg_core::report::{Digits, Signature};

use super::*;

pub(super) const REPORT_PARAMS: &[&str] = &[
    "month",
    "agency",
    "format",
    "omit_zero_rows",
    "reporter",
    "position",
    "signed_on",
    "digits",
];

/// The form's options from the query: the flags of `keymsg report`.
fn form_options(p: &Params) -> Result<(FormOptions, Digits), ApiError> {
    let signed_on = p
        .str("signed_on")
        .map(|s| {
            let fmt = time::macros::format_description!("[year]-[month]-[day]");
            time::Date::parse(s.trim(), &fmt).map_err(|_| {
                ApiError::field(
                    "signed_on",
                    format!("`{}` is not a date: use YYYY-MM-DD", printable(s)),
                )
            })
        })
        .transpose()?;
    // Trimmed, as `keymsg report` and the C setters take them.
    let text = |name: &str| {
        p.str(name)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let options = FormOptions::new()
        .omit_zero_rows(p.bool("omit_zero_rows", false)?)
        .signature(Signature {
            reporter: text("reporter"),
            position: text("position"),
            date: signed_on,
        });
    let digits = match p.str("digits").unwrap_or("thai") {
        "thai" => Digits::Thai,
        "arabic" => Digits::Arabic,
        other => {
            return Err(ApiError::field(
                "digits",
                format!("`{}` is not one of: thai, arabic", printable(other)),
            ));
        }
    };
    Ok((options, digits))
}

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
    let (options, digits) = form_options(&p)?;
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
        let report =
            Report::from_store_with(store, engine.catalog(), month, agency.as_deref(), &options)
                .map_err(ApiError::from)?;
        Ok(match format {
            "xlsx" => (
                report
                    .to_xlsx_bytes_with(digits)
                    .map_err(|e| ApiError::from(keymsg_core::Error::from(e)))?,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            "csv" => (
                report.to_csv_with(digits).into_bytes(),
                "text/csv; charset=utf-8",
            ),
            "md" => (
                report.to_markdown_with(digits).into_bytes(),
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
