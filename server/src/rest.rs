//! Plain REST endpoints beside the server functions: health, the public grid
//! layer and point → grid.

use app::backend::AppState;
use app::domain::error::{AppError, Field, InputProblem};
use app::domain::geography::valid_lat_lng;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use std::collections::HashMap;

/// `GET /healthz`: 200 with the database kind, 503 when it does not answer.
pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.health().await {
        Ok(kind) => {
            Json(json!({"status": "ok", "database": kind, "grids": state.atlas().grid_count()}))
                .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "error", "database": "unreachable"})),
            )
                .into_response()
        }
    }
}

/// `GET /api/v1/grids.geojson`: the public grid layer (codes, names, kinds,
/// parent codes, staff as they consented). No private data.
pub async fn grids_geojson(State(state): State<AppState>) -> Response {
    let body = state.atlas().layer_json().to_string();
    (
        [
            (header::CONTENT_TYPE, "application/geo+json; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

fn bad_request(e: AppError) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": e.message(app::domain::lang::Lang::En), "error_zh": e.message(app::domain::lang::Lang::Zh)})),
    )
        .into_response()
}

/// `GET /api/v1/locate?lat=…&lng=…`: `{"grid": {...}}`, or `{"grid": null}`
/// outside every grid; 400 with a message for bad coordinates.
pub async fn locate(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let field = |k: &str| q.get(k).map(|s| s.trim()).filter(|s| !s.is_empty());
    let (Some(lat), Some(lng)) = (field("lat"), field("lng")) else {
        return bad_request(AppError::invalid(
            Field::Coordinates,
            InputProblem::Required,
        ));
    };
    let (Ok(lat), Ok(lng)) = (lat.parse::<f64>(), lng.parse::<f64>()) else {
        return bad_request(AppError::invalid(Field::Coordinates, InputProblem::Unknown));
    };
    if !valid_lat_lng(lat, lng) {
        return bad_request(AppError::invalid(
            Field::Coordinates,
            InputProblem::OutOfRange,
        ));
    }
    Json(json!({"grid": state.atlas().locate(lat, lng)})).into_response()
}
