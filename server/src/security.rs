//! The layers that guard every request: cross-site writes refused, body
//! sizes capped, time limits, and the security headers (CSP with a nonce
//! per page) on every response.
//!
//! Leptos server functions have no CSRF token; SameSite=Lax cookies plus the
//! Origin check close the gap (see leptos-rs/leptos#3786).

use app::backend::http::refusal;
use app::domain::error::{AppError, Field, InputProblem};
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Duration;

fn authority(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    Some(rest.split('/').next().unwrap_or(rest))
}

pub async fn same_origin_writes(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    // Open311 writes carry their client's API key and never read a cookie:
    // a page elsewhere cannot ride a signed-in person's session there.
    if req.uri().path().starts_with("/open311/") {
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
        tracing::warn!(?source, ?host, "refused a cross-origin write");
        return refusal(req.uri().path(), AppError::Forbidden);
    }
    next.run(req).await
}

/// Largest oversized photo still read through before refusing it.
const DRAIN_LIMIT: usize = 32 * 1024 * 1024;

/// Caps request bodies: large only for the boundary import, and only for
/// callers who may import (checked before a byte of it is read), small
/// elsewhere, so an anonymous caller cannot push megabytes at `login`.
pub async fn body_limit(
    axum::extract::State(state): axum::extract::State<app::backend::AppState>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_string();
    let photo = (path.starts_with("/api/v1/cases/")
        || path.starts_with("/api/v1/wishes/")
        || path.starts_with("/api/v1/visits/"))
        && path.ends_with("/photos");
    let (parts, body) = req.into_parts();
    let importer = path == "/api/import_geography"
        && matches!(
            crate::caller::session_of(&parts, &state).await,
            Ok(Some((v, _))) if app::domain::auth::permits(&v.grants, &app::domain::auth::Action::ImportGeography)
        );
    // A household sheet: only from staff who act on some place.
    let sheet = path == "/api/v1/households/import"
        && matches!(
            crate::caller::session_of(&parts, &state).await,
            Ok(Some((v, _))) if v.grants.iter().any(|g| app::domain::policy::ACTING_STAFF.contains(&g.role))
        );
    let req = Request::from_parts(parts, body);
    let (limit, field) = if importer {
        (crate::MAX_IMPORT_BYTES, Field::File)
    } else if sheet {
        // The handler checks the area before it reads a byte.
        (
            app::backend::services::household_import::MAX_SHEET_BYTES,
            Field::File,
        )
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
            // Read and dropped frame by frame: nothing of it is kept, so
            // many such uploads at once cost no memory.
            let mut body = http_body_util::Limited::new(req.into_body(), drain);
            while let Some(Ok(_)) = body.frame().await {}
        }
        let mut res = refusal(&path, AppError::invalid(field, InputProblem::TooLarge));
        *res.status_mut() = axum::http::StatusCode::PAYLOAD_TOO_LARGE;
        return res;
    }
    // Bodies without a length are cut off at the limit while being read.
    let req = req.map(|b| axum::body::Body::new(http_body_util::Limited::new(b, limit)));
    next.run(req).await
}

/// Resolves the session of a page request before the page renders, so the
/// app knows its user without a resource (see `ui::session`). A session
/// that cannot be read (the database did not answer) renders the page
/// signed out, with a warning in the log: the page's own calls will say
/// what is wrong.
pub async fn attach_user(
    axum::extract::State(state): axum::extract::State<app::backend::AppState>,
    req: Request,
    next: Next,
) -> Response {
    use app::backend::request::PageUser;
    let path = req.uri().path();
    let page = req.method() == Method::GET
        && !path.starts_with("/api/")
        && !path.starts_with("/pkg/")
        && !path.starts_with("/leaflet/")
        && !path.contains('.');
    if !page {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let user = match crate::caller::session_of(&parts, &state).await {
        Ok(session) => session.map(|(viewer, _)| viewer.public(&state.atlas())),
        Err(e) => {
            tracing::warn!(error = %e, path = %parts.uri.path(), "session unreadable; page rendered signed out");
            None
        }
    };
    parts.extensions.insert(PageUser(user));
    next.run(Request::from_parts(parts, body)).await
}

/// How long a request may run before it is answered "busy": long enough
/// for a photo from a phone, short enough that stuck requests cannot pile up.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The boundary import: a city-scale file is checked whole first.
const IMPORT_TIMEOUT: Duration = Duration::from_secs(120);

/// The time limit of a path; `None` for the live event stream, which stays
/// open as long as its page does.
fn time_limit(path: &str) -> Option<Duration> {
    match path {
        "/api/v1/stream" => None,
        "/api/import_geography" => Some(IMPORT_TIMEOUT),
        _ => Some(REQUEST_TIMEOUT),
    }
}

/// Answers "busy" (503, the JSON error the UI words) to a request still
/// unanswered after its time limit, and drops its work. The limit covers
/// reading the body too, so a client trickling bytes cannot hold a photo
/// slot or a connection open for long. Photo decodes already started finish
/// in the background under their permit.
pub async fn request_timeout(req: Request, next: Next) -> Response {
    let Some(limit) = time_limit(req.uri().path()) else {
        return next.run(req).await;
    };
    let path = req.uri().path().to_string();
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => {
            tracing::warn!(%path, secs = limit.as_secs(), "request timed out");
            refusal(
                &path,
                AppError::Busy {
                    retry_after_secs: 5,
                },
            )
        }
    }
}

/// The security headers every response carries, prepared once from the
/// configuration; only the CSP nonce changes per response.
#[derive(Clone, Debug)]
pub struct HeaderPolicy {
    /// The CSP up to `'nonce-`.
    csp_head: String,
    /// The CSP after the nonce.
    csp_tail: String,
    hsts: bool,
}

impl HeaderPolicy {
    pub fn new(config: &app::backend::Config) -> HeaderPolicy {
        let tiles = config.tile_url.as_deref().and_then(|url| {
            let source = tile_source(url);
            if source.is_none() {
                tracing::warn!(
                    url,
                    "the tile URL's host cannot be named in the CSP; tiles will be blocked"
                );
            }
            source
        });
        let img_src = match tiles {
            Some(t) => format!("'self' data: blob: {t}"),
            None => "'self' data: blob:".to_string(),
        };
        HeaderPolicy {
            // 'wasm-unsafe-eval' lets the page compile its own WebAssembly;
            // no other script runs but ours from this origin and Leptos's
            // inline hydration scripts, which carry the nonce.
            csp_head: "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'nonce-".into(),
            // Inline styles: Leptos views and Leaflet set them on elements.
            csp_tail: format!(
                "'; style-src 'self' 'unsafe-inline'; img-src {img_src}; connect-src 'self'; \
                 frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
            ),
            hsts: config.secure_cookies,
        }
    }

    fn csp(&self, nonce: &str) -> String {
        format!("{}{nonce}{}", self.csp_head, self.csp_tail)
    }
}

/// The CSP source of a tile URL template: its scheme and host, with a
/// templated label such as `{s}` (or `t{s}`) widened to a `*.` wildcard,
/// the only wildcard CSP knows. `None` when no source can say it.
fn tile_source(template: &str) -> Option<String> {
    let (scheme, rest) = template.split_once("://")?;
    if !matches!(scheme, "http" | "https") {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    if authority.is_empty() {
        return None;
    }
    let labels: Vec<&str> = authority.split('.').collect();
    match labels.iter().rposition(|l| l.contains('{')) {
        None => Some(format!("{scheme}://{authority}")),
        // At least two labels after the wildcard: `*.org` would allow far
        // too much.
        Some(i) if labels.len() - (i + 1) >= 2 => {
            Some(format!("{scheme}://*.{}", labels[i + 1..].join(".")))
        }
        Some(_) => None,
    }
}

/// Adds the security headers to every response, with a fresh nonce for the
/// page's inline scripts. The nonce rides in the request's extensions to
/// the page render ([`provide_request_nonce`]), so the header and the
/// `<script nonce>` always agree.
pub async fn security_headers(
    axum::extract::State(policy): axum::extract::State<std::sync::Arc<HeaderPolicy>>,
    mut req: Request,
    next: Next,
) -> Response {
    let nonce = leptos::nonce::Nonce::new();
    let csp = policy.csp(&nonce);
    req.extensions_mut().insert(nonce);
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    match HeaderValue::from_str(&csp) {
        Ok(v) => {
            h.insert(header::CONTENT_SECURITY_POLICY, v);
        }
        // Only a tile URL with odd characters could do this; without a CSP
        // the page still works, so say so instead of failing the response.
        Err(e) => tracing::error!(error = %e, "the CSP is not a valid header value"),
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(
        axum::http::HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("geolocation=(self), camera=(self), microphone=()"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if policy.hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    res
}

/// Hands the request's nonce (from [`security_headers`]) to the page
/// render, replacing the one `leptos_axum` made up, so the hydration
/// script carries the nonce the CSP header allows. Called in the Leptos
/// context closure; does nothing outside a request.
pub fn provide_request_nonce() {
    use leptos::prelude::{provide_context, use_context};
    if let Some(nonce) = use_context::<axum::http::request::Parts>()
        .and_then(|p| p.extensions.get::<leptos::nonce::Nonce>().cloned())
    {
        provide_context(nonce);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn tile_hosts_become_csp_sources() {
        use super::tile_source;
        assert_eq!(
            tile_source("https://tile.openstreetmap.org/{z}/{x}/{y}.png").as_deref(),
            Some("https://tile.openstreetmap.org")
        );
        assert_eq!(
            tile_source("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png").as_deref(),
            Some("https://*.tile.openstreetmap.org")
        );
        assert_eq!(
            tile_source("http://t{s}.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk=KEY")
                .as_deref(),
            Some("http://*.tianditu.gov.cn")
        );
        assert_eq!(
            tile_source("http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(tile_source("https://{s}.example/{z}.png"), None);
        assert_eq!(tile_source("/tiles/{z}/{x}/{y}.png"), None);
    }

    #[test]
    fn the_csp_allows_only_our_scripts_and_the_tile_host() {
        let config = app::backend::Config {
            tile_url: Some("https://tile.openstreetmap.org/{z}/{x}/{y}.png".into()),
            ..Default::default()
        };
        let policy = super::HeaderPolicy::new(&config);
        assert!(!policy.hsts);
        let csp = policy.csp("abc123");
        assert!(csp.starts_with(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'nonce-abc123'; "
        ));
        assert!(csp.contains("img-src 'self' data: blob: https://tile.openstreetmap.org;"));
        for part in [
            "style-src 'self' 'unsafe-inline'",
            "connect-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "object-src 'none'",
        ] {
            assert!(csp.contains(part), "{part} in {csp}");
        }
        assert!(!csp.contains("  "), "one space between directives: {csp}");
    }

    #[test]
    fn only_the_event_stream_runs_without_a_time_limit() {
        use super::{time_limit, IMPORT_TIMEOUT, REQUEST_TIMEOUT};
        assert_eq!(time_limit("/api/v1/stream"), None);
        assert_eq!(time_limit("/api/import_geography"), Some(IMPORT_TIMEOUT));
        assert_eq!(time_limit("/api/v1/cases/1/photos"), Some(REQUEST_TIMEOUT));
        assert_eq!(time_limit("/"), Some(REQUEST_TIMEOUT));
    }

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
