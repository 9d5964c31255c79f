//! Who is calling a REST route: the session cookie is read here and nowhere
//! else in the server.
//!
//! - [`Caller`]: routes open to everyone, where a signed-in caller may see
//!   more (photos of their own case).
//! - [`SignedIn`]: routes for users only; `not_signed_in` (401) without a
//!   live session.
//! - [`Session`]: the live stream, which looks at its session again later
//!   and so keeps the token too.
//!
//! A database failure while reading the session answers `busy` (503): it
//! never passes for "signed out", which would hide a signed-in caller's
//! own data behind a misleading "please sign in".

use app::backend::request::client_addr_of;
use app::backend::services::auth::{self, Viewer};
use app::backend::AppState;
use app::domain::error::AppError;
use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts};

/// How long a caller whose session could not be read is asked to wait.
const RETRY_SECS: u64 = 5;

/// The session token of a request's cookie, if it carries a well-formed one.
fn token(parts: &Parts) -> Option<String> {
    token_in(&parts.headers)
}

fn token_in(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(auth::token_from_cookies)
        .map(str::to_string)
}

/// Whether a request carries a session token at all (live or not): the
/// page cache keeps and hands out only pages of requests without one.
pub fn carries_session(headers: &axum::http::HeaderMap) -> bool {
    token_in(headers).is_some()
}

/// The signed-in caller of a request and their session token, with the
/// client's address (behind trusted proxies, the one they forwarded) for
/// rate limits and the audit log. `Ok(None)` when nobody is signed in;
/// `Err` when the session could not be read.
pub async fn session_of(
    parts: &Parts,
    state: &AppState,
) -> Result<Option<(Viewer, String)>, AppError> {
    let Some(token) = token(parts) else {
        return Ok(None);
    };
    Ok(auth::viewer(state, &token).await?.map(|mut viewer| {
        viewer.client = client_addr_of(parts, &state.config.trusted_proxies);
        (viewer, token)
    }))
}

/// [`session_of`], with an unreadable session answered "busy".
async fn session_or_busy(
    parts: &Parts,
    state: &AppState,
) -> Result<Option<(Viewer, String)>, AppError> {
    session_of(parts, state).await.map_err(|e| {
        tracing::warn!(error = %e, path = %parts.uri.path(), "session unreadable; answered busy");
        AppError::Busy {
            retry_after_secs: RETRY_SECS,
        }
    })
}

/// The caller, signed in or not.
pub struct Caller(pub Option<Viewer>);

/// A signed-in caller.
pub struct SignedIn(pub Viewer);

/// A signed-in caller and their session token.
pub struct Session {
    pub viewer: Viewer,
    pub token: String,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        Ok(Caller(session_or_busy(parts, state).await?.map(|(v, _)| v)))
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let Session { viewer, .. } = Session::from_request_parts(parts, state).await?;
        Ok(SignedIn(viewer))
    }
}

impl FromRequestParts<AppState> for Session {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let (viewer, token) = session_or_busy(parts, state)
            .await?
            .ok_or(AppError::NotSignedIn)?;
        Ok(Session { viewer, token })
    }
}
