//! Household sheets (人房信息): `GET /api/v1/households/template.xlsx`, the
//! template to fill in, and `POST /api/v1/households/import?area=CODE`, a
//! filled sheet as the raw request body; the import runs as a job whose
//! progress the page reads with the `import_progress` server function.

use crate::caller::SignedIn;
use crate::extract::ApiQuery;
use app::backend::services::household_import::{self, MAX_SHEET_BYTES};
use app::backend::AppState;
use app::domain::error::{AppError, Field};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::collections::HashMap;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The template, for staff who may import somewhere.
pub async fn template(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
) -> Result<Response, AppError> {
    let areas = app::backend::services::staff_areas(&state, &viewer);
    if areas.is_empty() {
        return Err(AppError::Forbidden);
    }
    let bytes = household_import::template()?;
    Ok((
        [
            (header::CONTENT_TYPE, XLSX),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"households-template.xlsx\"; filename*=UTF-8''%E4%BA%BA%E6%88%BF%E4%BF%A1%E6%81%AF%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        bytes,
    )
        .into_response())
}

/// Starts an import into `?area=` and answers its job at once.
pub async fn import(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<HashMap<String, String>>,
    SignedIn(viewer): SignedIn,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> Result<Response, AppError> {
    let area = q.get("area").cloned().unwrap_or_default();
    // The caller is checked before the body is read: a stranger's 20 MB costs nothing.
    app::backend::services::households::may_import(&state, &viewer, area.trim())?;
    let bytes = crate::rest::read_body(body, &headers, MAX_SHEET_BYTES, Field::File).await?;
    let status = household_import::start(&state, &viewer, area.trim(), bytes).await?;
    Ok(Json(status).into_response())
}
