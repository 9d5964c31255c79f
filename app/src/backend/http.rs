//! How an [`AppError`] answers a plain HTTP request (the REST routes under
//! `/api/v1/` and the server's layers): the error's status, `Retry-After`
//! when it says when to come back, and the JSON [`ErrorBody`].
//!
//! Server functions answer differently: their client, the app itself,
//! decodes the `AppError` (see its `FromServerFnError`), so a layer that
//! refuses a server function call uses [`server_fn_refusal`].

use crate::domain::error::{AppError, ErrorBody};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

fn status(e: &AppError) -> StatusCode {
    StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn with_retry_after(mut res: Response, e: &AppError) -> Response {
    if let Some(secs) = e.retry_after_secs() {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    res
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let res = (status(&self), axum::Json(ErrorBody::from(&self))).into_response();
        with_retry_after(res, &self)
    }
}

/// A refusal of a server function call before it ran (body too large,
/// timed out, cross-site): the `AppError` as the server function itself
/// would have sent it, with its status.
pub fn server_fn_refusal(e: &AppError) -> Response {
    let body = serde_json::to_string(e).unwrap_or_default();
    let res = (
        status(e),
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response();
    with_retry_after(res, e)
}

/// Whether a path is a server function's (`/api/<name>`) rather than a
/// REST route (`/api/v1/...`) or a page.
pub fn is_server_fn(path: &str) -> bool {
    path.starts_with("/api/") && !path.starts_with("/api/v1/")
}

/// A refusal in the encoding the caller of `path` reads (see the module).
pub fn refusal(path: &str, e: AppError) -> Response {
    if is_server_fn(path) {
        server_fn_refusal(&e)
    } else {
        e.into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::error::{Field, InputProblem};

    #[test]
    fn rest_and_server_functions_each_get_their_encoding() {
        assert!(is_server_fn("/api/login"));
        assert!(!is_server_fn("/api/v1/cases/1/photos"));
        assert!(!is_server_fn("/case/1"));
        let e = AppError::Busy {
            retry_after_secs: 5,
        };
        for path in ["/api/login", "/api/v1/board.json"] {
            let res = refusal(path, e.clone());
            assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(res.headers()[header::RETRY_AFTER], "5");
        }
        let res = AppError::invalid(Field::Photo, InputProblem::TooLarge).into_response();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(!res.headers().contains_key(header::RETRY_AFTER));
    }
}
