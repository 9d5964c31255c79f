//! What a server function needs from the request it serves: the state, the
//! caller, their address and language; and what it sets on the response.

use super::services::auth::{self, Viewer};
use super::state::AppState;
use crate::domain::error::AppError;
use crate::domain::lang::Lang;
use axum::http::{header, request::Parts, HeaderValue, StatusCode};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function context");
        AppError::Internal
    })
}

fn cookie_header() -> String {
    use_context::<Parts>()
        .and_then(|p| {
            p.headers
                .get(header::COOKIE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        })
        .unwrap_or_default()
}

pub fn session_token() -> Option<String> {
    auth::token_from_cookies(&cookie_header()).map(str::to_string)
}

pub fn lang() -> Lang {
    Lang::from_cookie_header(&cookie_header())
}

/// The signed-in caller, if any.
pub async fn viewer(state: &AppState) -> Result<Option<Viewer>, AppError> {
    match session_token() {
        Some(t) => auth::viewer(state, &t).await,
        None => Ok(None),
    }
}

pub async fn require_viewer(state: &AppState) -> Result<Viewer, AppError> {
    viewer(state).await?.ok_or(AppError::NotSignedIn)
}

/// The client's address, the key for rate limits. IPv6 clients are keyed by
/// their /64, which one subscriber usually holds whole.
pub fn client_addr() -> String {
    use std::net::{IpAddr, SocketAddr};
    let ip = use_context::<Parts>().and_then(|p| {
        p.extensions
            .get::<axum::extract::ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
    });
    match ip {
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Some(ip) => ip.to_string(),
        None => "unknown".into(),
    }
}

pub fn set_cookie(value: &str) {
    if let (Some(res), Ok(v)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        res.append_header(header::SET_COOKIE, v);
    }
}

/// Gives a failed call the HTTP status that matches its error.
pub fn set_status(e: &AppError) {
    if let (Some(res), Ok(code)) = (
        use_context::<ResponseOptions>(),
        StatusCode::from_u16(e.status()),
    ) {
        res.set_status(code);
    }
}

/// Runs a server function body; a failure also sets the HTTP status.
pub async fn respond<T>(
    body: impl std::future::Future<Output = Result<T, AppError>>,
) -> Result<T, AppError> {
    let result = body.await;
    if let Err(e) = &result {
        set_status(e);
    }
    result
}

/// The signed-in user of a page request, put in the request's extensions by
/// the server's middleware before rendering.
#[derive(Clone, Debug, Default)]
pub struct SignedIn(pub Option<crate::domain::staff::CurrentUser>);

pub fn signed_in() -> Option<crate::domain::staff::CurrentUser> {
    use_context::<Parts>()
        .and_then(|p| p.extensions.get::<SignedIn>().cloned())
        .and_then(|s| s.0)
}
