//! REST endpoints of the service side: the wish wall as open data, wish
//! photos, and a unit's ledger as a spreadsheet.

use crate::caller::{Caller, SignedIn};
use crate::extract::{ApiPath, ApiQuery};
use app::backend::services::internal;
use app::backend::AppState;
use app::domain::error::{AppError, Field, InputProblem};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use std::collections::HashMap;

/// `GET /api/v1/wishes.json`: the wall as open data, public fields only.
/// Filters: `community`, `kind`, `status`; pages: `after` (the last id
/// seen), `limit` (≤ 100). Answers `{"items": [...], "next": id | null}`.
pub async fn wishes_json(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<HashMap<String, String>>,
) -> Result<Response, AppError> {
    use app::domain::wish::{WishFilter, WishKind, WishList, WishStatus};
    let text = |k: &str| {
        q.get(k)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let bad = || Err(AppError::invalid(Field::Query, InputProblem::Unknown));
    let kind = match text("kind").map(|k| WishKind::parse(&k)) {
        Some(None) => return bad(),
        k => k.flatten(),
    };
    // Only statuses the wall shows may be asked for.
    let status = match text("status").map(|s| WishStatus::parse(&s).filter(|s| s.on_wall())) {
        Some(None) => return bad(),
        s => s.flatten(),
    };
    let number = |k: &str| text(k).map(|v| v.parse::<i64>());
    let (after, limit) = match (number("after"), number("limit")) {
        (Some(Err(_)), _) | (_, Some(Err(_))) => return bad(),
        (a, l) => (
            a.and_then(Result::ok),
            l.and_then(Result::ok).unwrap_or(20).clamp(1, 100) as u64,
        ),
    };
    let filter = WishFilter {
        community: text("community").map(|c| c.to_ascii_uppercase()),
        kind,
        status,
    };
    let items =
        app::backend::services::wishes::list(&state, None, WishList::Wall, filter, after, limit)
            .await?;
    let next = (items.len() as u64 == limit)
        .then(|| items.last().map(|i| i.id))
        .flatten();
    Ok(Json(json!({"items": items, "next": next})).into_response())
}

/// `POST /api/v1/wishes/{id}/photos`: one photo as the raw body (≤ 10 MB,
/// ≤ 6 for the wish and 6 for its fulfilment).
pub async fn upload_wish_photo(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    SignedIn(viewer): SignedIn,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> Response {
    use crate::rest::{photo_answer, read_photo};
    use app::backend::services::wishes;
    photo_answer(
        async {
            // Settled before the body is read (see `upload_photo`): NotFound
            // for a wish the caller may not see, WrongState when the wish
            // takes no photo from them now. `add_photo` checks again once
            // the photo is here.
            if !wishes::may_add_photo(&state, &viewer, id).await? {
                return Err(AppError::WrongState);
            }
            let (_place, body) = crate::rest::admit_upload(viewer.id, body).await?;
            let bytes = read_photo(body, &headers).await?;
            wishes::add_photo(&state, &viewer, id, bytes).await
        }
        .await,
    )
}

/// `GET /api/v1/wish-photos/{id}` (`?thumb=1` for the thumbnail).
pub async fn wish_photo(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<HashMap<String, String>>,
    Caller(viewer): Caller,
) -> Result<Response, AppError> {
    let (bytes, public) = app::backend::services::wishes::photo_bytes(
        &state,
        viewer.as_ref(),
        id,
        crate::rest::wants_thumb(&q),
    )
    .await?;
    Ok(crate::rest::jpeg(
        bytes,
        public.then_some("public, max-age=86400"),
    ))
}

/// `GET /api/v1/units/{id}/ledger.csv` and `.xlsx`: the unit's service
/// ledger for reporting to its party organisation. The CSV starts with a
/// byte-order mark so Excel reads the Chinese correctly.
pub async fn unit_ledger(
    State(state): State<AppState>,
    ApiPath((id, file)): ApiPath<(i64, String)>,
    SignedIn(viewer): SignedIn,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    use app::domain::unit::{ledger_table, safe_cell};
    let lang = app::domain::lang::Lang::from_cookie_header(
        headers
            .get(header::COOKIE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default(),
    );
    let record = app::backend::services::units::unit_ledger(&state, &viewer, id).await?;
    if !matches!(file.as_str(), "ledger.csv" | "ledger.xlsx") {
        return Err(AppError::NotFound);
    }
    // An export of people's names and service records: written down first.
    app::backend::services::audit::record(
        &state,
        &viewer,
        app::domain::audit::AuditAction::Exported,
        app::backend::services::audit::Target::new("unit", id),
        format!("{file}, {} lines", record.lines.len()),
    )
    .await?;
    let (head, rows) = ledger_table(&record.lines, lang);
    let name = format!("ledger-{id}");
    match file.as_str() {
        "ledger.csv" => {
            let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
            let mut out = w.write_record(&head).map_err(|e| e.to_string());
            for r in &rows {
                out = out.and_then(|_| {
                    w.write_record(r.iter().map(|c| safe_cell(c)))
                        .map_err(|e| e.to_string())
                });
            }
            let bytes = out
                .and_then(|_| w.into_inner().map_err(|e| e.to_string()))
                .map_err(|e| internal(e))?;
            Ok(download(
                bytes,
                "text/csv; charset=utf-8",
                &format!("{name}.csv"),
            ))
        }
        "ledger.xlsx" => Ok(download(
            xlsx(&head, &rows).map_err(|e| internal(e))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &format!("{name}.xlsx"),
        )),
        _ => Err(AppError::NotFound),
    }
}

/// The ledger as a workbook: a bold header row, numbers as numbers.
fn xlsx(head: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("服务台账")?;
    let bold = Format::new().set_bold();
    for (c, h) in head.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
        sheet.set_column_width(c as u16, if c == 5 { 30 } else { 14 })?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            // Points and hours (the last two columns) stay numbers.
            match cell.parse::<f64>() {
                Ok(n) if c >= 6 => sheet.write_number(r, c, n)?,
                _ => sheet.write_string(r, c, cell)?,
            };
        }
    }
    book.save_to_buffer()
}

fn download(bytes: Vec<u8>, mime: &'static str, file: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}
