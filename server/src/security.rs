//! Refuses state-changing requests that come from another site's page.
//! Leptos server functions have no CSRF token; SameSite=Lax cookies plus this
//! Origin check close the gap (see leptos-rs/leptos#3786).

use app::domain::error::{AppError, Field, InputProblem};
use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

fn authority(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    Some(rest.split('/').next().unwrap_or(rest))
}

pub async fn same_origin_writes(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let headers = req.headers();
    // HTTP/2 requests carry the authority in the URI instead of `Host`.
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()));
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    let cross_site =
        headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site");
    let foreign = match (source, host) {
        (Some(src), Some(host)) => authority(src) != Some(host),
        (Some(_), None) => true,
        _ => false,
    };
    if foreign || cross_site {
        let body = serde_json::to_string(&AppError::Forbidden).unwrap_or_default();
        tracing::warn!(?source, ?host, "refused a cross-origin write");
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response();
    }
    next.run(req).await
}

/// Largest oversized photo still read through before refusing it.
const DRAIN_LIMIT: usize = 32 * 1024 * 1024;

/// Caps request bodies: large only for the boundary import, small elsewhere,
/// so an anonymous caller cannot push megabytes at `login`.
pub async fn body_limit(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let photo = (path.starts_with("/api/v1/cases/") || path.starts_with("/api/v1/wishes/"))
        && path.ends_with("/photos");
    let (limit, field) = if path == "/api/import_geography" {
        (crate::MAX_IMPORT_BYTES, Field::File)
    } else if photo {
        (app::backend::photo::MAX_PHOTO_BYTES, Field::Photo)
    } else {
        (crate::MAX_BODY_BYTES, Field::File)
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        // A phone sending a too-large photo should read why, not see the
        // connection drop mid-upload: read (and discard) a moderately
        // oversized body before answering. Anything bigger is cut off.
        let drain = if photo { DRAIN_LIMIT } else { 4 * limit };
        if declared.is_some_and(|n| n <= drain) {
            use http_body_util::BodyExt;
            let _ = http_body_util::Limited::new(req.into_body(), drain)
                .collect()
                .await;
        }
        let body = serde_json::to_string(&AppError::invalid(field, InputProblem::TooLarge))
            .unwrap_or_default();
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response();
    }
    // Bodies without a length are cut off at the limit while being read.
    let req = req.map(|b| axum::body::Body::new(http_body_util::Limited::new(b, limit)));
    next.run(req).await
}

/// Resolves the session of a page request before the page renders, so the
/// app knows its user without a resource (see `ui::session`).
pub async fn attach_user(
    axum::extract::State(state): axum::extract::State<app::backend::AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    use app::backend::request::SignedIn;
    use app::backend::services::auth;
    let path = req.uri().path();
    let page = req.method() == Method::GET
        && !path.starts_with("/api/")
        && !path.starts_with("/pkg/")
        && !path.starts_with("/leaflet/")
        && !path.contains('.');
    if page {
        let token = req
            .headers()
            .get(header::COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(auth::token_from_cookies)
            .map(str::to_string);
        let user = match token {
            Some(t) => auth::viewer(&state, &t)
                .await
                .ok()
                .flatten()
                .map(|v| v.public()),
            None => None,
        };
        req.extensions_mut().insert(SignedIn(user));
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn authority_is_host_and_port() {
        assert_eq!(
            super::authority("http://127.0.0.1:3000/x"),
            Some("127.0.0.1:3000")
        );
        assert_eq!(
            super::authority("https://evil.example"),
            Some("evil.example")
        );
        assert_eq!(super::authority("null"), None);
    }
}
