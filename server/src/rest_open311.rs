//! Open311 GeoReport v2 at `/open311/v2/` (issue 13), the read side:
//! `discovery`, `services`, `services/{code}`, `requests`, `requests/{id}`
//! and FixMyStreet's `servicerequestupdates`, each as `.json` or `.xml`;
//! `openapi.json` describes them. Errors are the spec's
//! `errors/error{code, description}` in the format asked for (JSON when the
//! path names none). The documents are `app::backend::services::open311`'s.

use crate::extract::ApiQuery;
use app::backend::open311::{Format, Open311Error, Val};
use app::backend::services::open311 as service;
use app::backend::AppState;
use app::domain::error::AppError;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

/// A document in the format asked for, with the spec's content type.
fn answer(status: u16, format: Format, root: &str, doc: &Val) -> Response {
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        [
            (header::CONTENT_TYPE, format.content_type()),
            // Links in the documents follow the request's host: no shared
            // cache may hand one host's answer to another.
            (header::CACHE_CONTROL, "no-cache"),
            (header::VARY, "Host"),
        ],
        doc.render(format, root),
    )
        .into_response()
}

fn refuse(format: Format, e: Open311Error) -> Response {
    let mut res = answer(e.status, format, "errors", &e.doc());
    if let Some(secs) = e.retry_after {
        res.headers_mut().insert(
            header::RETRY_AFTER,
            secs.to_string().parse().expect("digits"),
        );
    }
    res
}

/// Our own failures worded the spec's way (the server log has the cause).
fn failed(format: Format, e: AppError) -> Response {
    let status = match e {
        AppError::NotFound => 404,
        AppError::Busy { .. } => 503,
        _ => 500,
    };
    refuse(
        format,
        Open311Error::new(status, e.message(app::domain::lang::Lang::En)),
    )
}

/// A file with neither `.json` nor `.xml`: a 404 (in JSON).
fn unknown_format() -> Response {
    refuse(Format::Json, Open311Error::new(404, "use .json or .xml"))
}

/// Where this server is reached (`request::base_of`: the configured
/// address, else a trusted proxy's forwarded host and scheme, else a plain
/// `Host`): photo links and discovery's endpoint are absolute.
fn base(state: &AppState, parts: &Parts) -> String {
    app::backend::request::base_of(state, Some(parts)).0
}

/// `GET /open311/v2/{discovery|services|requests}.{json|xml}`.
pub async fn top(
    State(state): State<AppState>,
    Path(file): Path<String>,
    ApiQuery(q): ApiQuery<HashMap<String, String>>,
    parts: Parts,
) -> Response {
    let Some((name, format)) = Format::split(&file) else {
        return unknown_format();
    };
    let base = base(&state, &parts);
    match name {
        "discovery" => answer(
            200,
            format,
            "discovery",
            &service::discovery(&base, service::CHANGESET.parse().unwrap_or_default()),
        ),
        "services" => match service::services(&state).await {
            Ok(doc) => answer(200, format, "services", &doc),
            Err(e) => failed(format, e),
        },
        "requests" => {
            let query = match service::RequestQuery::parse(&q) {
                Ok(query) => query,
                Err(e) => return refuse(format, e),
            };
            let client = match service::reader(&state, &q).await {
                Ok(c) => c,
                Err(e) => return refuse(format, e),
            };
            match service::requests(&state, &base, &query, client.as_ref()).await {
                Ok(doc) => answer(200, format, "service_requests", &doc),
                Err(e) => failed(format, e),
            }
        }
        "servicerequestupdates" => {
            let window = match service::UpdateQuery::parse(&q) {
                Ok(w) => w,
                Err(e) => return refuse(format, e),
            };
            let client = match service::reader(&state, &q).await {
                Ok(c) => c,
                Err(e) => return refuse(format, e),
            };
            match service::updates(&state, &window, client.as_ref()).await {
                Ok(doc) => answer(200, format, "service_request_updates", &doc),
                Err(e) => failed(format, e),
            }
        }
        "openapi" if format == Format::Json => (
            [(header::CONTENT_TYPE, format.content_type())],
            service::openapi(&base).to_string(),
        )
            .into_response(),
        _ => refuse(format, Open311Error::new(404, "no such document")),
    }
}

/// `GET /open311/v2/services/{code}.{json|xml}`: a service definition.
pub async fn service_definition(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Response {
    let Some((code, format)) = Format::split(&file) else {
        return unknown_format();
    };
    match service::definition(&state, code).await {
        Ok(Some(doc)) => answer(200, format, "service_definition", &doc),
        Ok(None) => refuse(format, Open311Error::new(404, "no such service_code")),
        Err(e) => failed(format, e),
    }
}

/// `GET /open311/v2/requests/{id}.{json|xml}`: one public request, as a
/// one-element list.
pub async fn request(
    State(state): State<AppState>,
    Path(file): Path<String>,
    ApiQuery(q): ApiQuery<HashMap<String, String>>,
    parts: Parts,
) -> Response {
    let Some((id, format)) = Format::split(&file) else {
        return unknown_format();
    };
    let not_found = || refuse(format, Open311Error::new(404, "no such service_request_id"));
    let Ok(id) = id.parse::<i64>() else {
        return not_found();
    };
    let client = match service::reader(&state, &q).await {
        Ok(c) => c,
        Err(e) => return refuse(format, e),
    };
    match service::request(&state, &base(&state, &parts), id, client.as_ref()).await {
        Ok(Some(doc)) => answer(200, format, "service_requests", &doc),
        Ok(None) => not_found(),
        Err(e) => failed(format, e),
    }
}

/// `POST /open311/v2/requests.{json|xml}`: a client application files a
/// case (form-encoded fields; `api_key` in the body or the query).
pub async fn post_top(
    State(state): State<AppState>,
    Path(file): Path<String>,
    ApiQuery(mut q): ApiQuery<HashMap<String, String>>,
    body: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let Some((name, format)) = Format::split(&file) else {
        return unknown_format();
    };
    if name != "requests" {
        let mut res = refuse(format, Open311Error::new(405, "only requests takes a POST"));
        res.headers_mut()
            .insert(header::ALLOW, axum::http::HeaderValue::from_static("GET"));
        return res;
    }
    let Ok(Form(fields)) = body else {
        return refuse(
            format,
            Open311Error::new(
                400,
                "send the fields form-encoded (application/x-www-form-urlencoded)",
            ),
        );
    };
    q.extend(fields);
    match service::post_request(&state, &q).await {
        Ok(doc) => answer(200, format, "service_requests", &doc),
        Err(e) => refuse(format, e),
    }
}
