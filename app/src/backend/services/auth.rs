//! Registration, login, sessions.

use crate::backend::password;
use crate::backend::services::internal;
use crate::backend::state::AppState;
use crate::backend::store::accounts;
use crate::domain::auth::{Grant, Role, Scope};
use crate::domain::error::{from_validation, AppError, Field, InputProblem};
use crate::domain::person::{is_mobile_number, Registration};
use crate::domain::staff::CurrentUser;
use chrono::{Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use validator::Validate;

pub const COOKIE: &str = "gl_sid";
pub const SESSION_DAYS: i64 = 30;

/// Who is calling, with every role they hold.
#[derive(Clone, Debug)]
pub struct Viewer {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub grants: Vec<Grant>,
}

impl Viewer {
    pub fn public(&self) -> CurrentUser {
        CurrentUser {
            name: self.name.clone(),
            phone: self.phone.clone(),
            grants: self.grants.clone(),
        }
    }
}

fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The `Set-Cookie` value for a new session, or for clearing it.
pub fn session_cookie(token: Option<&str>, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    match token {
        Some(t) => format!(
            "{COOKIE}={t}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
            SESSION_DAYS * 86400
        ),
        None => format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    }
}

/// Reads the session token from a `Cookie` header.
pub fn token_from_cookies(header: &str) -> Option<&str> {
    header
        .split(';')
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v)
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Opens a session for a user; the token goes into the session cookie.
pub async fn start_session(state: &AppState, user_id: i64) -> Result<String, AppError> {
    let token = new_token();
    accounts::create_session(
        &state.db,
        &token_hash(&token),
        user_id,
        Utc::now() + Duration::days(SESSION_DAYS),
    )
    .await
    .map_err(internal)?;
    Ok(token)
}

async fn viewer_by_id(state: &AppState, user: accounts::UserRow) -> Result<Viewer, AppError> {
    let grants = accounts::grants_of(&state.db, user.id)
        .await
        .map_err(internal)?;
    Ok(Viewer {
        id: user.id,
        name: user.name,
        phone: user.phone,
        grants,
    })
}

/// A resident signs up with a mobile number and password; signed in at once.
pub async fn register(
    state: &AppState,
    form: Registration,
    client: &str,
) -> Result<(Viewer, String), AppError> {
    form.validate().map_err(|e| {
        from_validation(
            &e,
            &[
                ("phone", Field::Phone),
                ("password", Field::Password),
                ("name", Field::Name),
            ],
        )
    })?;
    state
        .register_by_ip
        .hit(client)
        .map_err(|retry_after_secs| AppError::TooManyAttempts { retry_after_secs })?;
    if accounts::user_by_phone(&state.db, &form.phone)
        .await
        .map_err(internal)?
        .is_some()
    {
        return Err(AppError::PhoneTaken);
    }
    let hash = password::hash(form.password).await.map_err(internal)?;
    let resident = Grant::new(Role::Resident, Scope::None).expect("resident takes no scope");
    let id = accounts::insert_user(&state.db, &form.phone, &form.name, Some(hash), &[resident])
        .await
        .map_err(internal)?
        .ok_or(AppError::PhoneTaken)?;
    let user = accounts::user_by_id(&state.db, id)
        .await
        .map_err(internal)?
        .ok_or(AppError::Internal)?;
    let token = start_session(state, id).await?;
    Ok((viewer_by_id(state, user).await?, token))
}

/// Signs in. Attempts are limited per client address and failures per number.
pub async fn login(
    state: &AppState,
    phone: &str,
    pass: &str,
    client: &str,
) -> Result<(Viewer, String), AppError> {
    let phone = phone.trim();
    if phone.is_empty() {
        return Err(AppError::invalid(Field::Phone, InputProblem::Required));
    }
    if !is_mobile_number(phone) {
        return Err(AppError::invalid(Field::Phone, InputProblem::NotMobile));
    }
    if pass.is_empty() {
        return Err(AppError::invalid(Field::Password, InputProblem::Required));
    }
    let too_many = |retry_after_secs| AppError::TooManyAttempts { retry_after_secs };
    state.login_by_ip.hit(client).map_err(too_many)?;
    // A number locked by failures stays locked even for the right password,
    // or guessing from many addresses would still get in.
    state.login_by_phone.check(phone).map_err(too_many)?;
    let user = accounts::user_by_phone(&state.db, phone)
        .await
        .map_err(internal)?;
    let ok = password::verify(
        pass.to_string(),
        user.as_ref().and_then(|u| u.password_hash.clone()),
    )
    .await;
    match (ok, user) {
        (true, Some(user)) => {
            state.login_by_phone.clear(phone);
            let token = start_session(state, user.id).await?;
            Ok((viewer_by_id(state, user).await?, token))
        }
        _ => {
            state.login_by_phone.hit(phone).map_err(too_many)?;
            Err(AppError::WrongCredentials)
        }
    }
}

pub async fn logout(state: &AppState, token: &str) -> Result<(), AppError> {
    accounts::delete_session(&state.db, &token_hash(token))
        .await
        .map_err(internal)
}

/// The user behind a session token, if it is live.
pub async fn viewer(state: &AppState, token: &str) -> Result<Option<Viewer>, AppError> {
    match accounts::session_user(&state.db, &token_hash(token), Utc::now())
        .await
        .map_err(internal)?
    {
        Some(user) => Ok(Some(viewer_by_id(state, user).await?)),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_http_only_and_same_site() {
        let c = session_cookie(Some("ab"), false);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && !c.contains("Secure"));
        assert!(session_cookie(None, true).contains("Max-Age=0; Secure"));
    }

    #[test]
    fn only_well_formed_tokens_are_read() {
        let t = "a".repeat(64);
        assert_eq!(
            token_from_cookies(&format!("lang=en; gl_sid={t}")),
            Some(t.as_str())
        );
        assert_eq!(token_from_cookies("gl_sid=short"), None);
        assert_eq!(token_from_cookies("other=1"), None);
    }
}
