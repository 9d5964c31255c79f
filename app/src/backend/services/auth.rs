//! Registration, login, sessions; and each person's own account: password
//! change, data download, deletion; and the first system admin.

use super::audit::{self, Target};
use crate::backend::password;
use crate::backend::services::internal;
use crate::backend::sessions::{Limits, Session};
use crate::backend::state::AppState;
use crate::backend::store::accounts;
use crate::domain::audit::AuditAction;
use crate::domain::auth::{Grant, Role, Scope};
use crate::domain::error::{from_validation, AppError, Field, InputProblem};
use crate::domain::person::{
    is_mobile_number, mask_phone, password_length_ok, PersonalData, Registration,
};
use crate::domain::staff::CurrentUser;
use chrono::{Duration, Utc};
use rand::RngCore;
use std::sync::atomic::{AtomicI64, Ordering};
use validator::Validate;

pub const COOKIE: &str = "gl_sid";
/// A session ends this long after sign-in, however busy.
pub const SESSION_DAYS: i64 = 30;
/// The default idle limit: a session unused this long is over.
pub const DEFAULT_IDLE_DAYS: i64 = 7;

/// The idle limit in seconds. A process-wide setting (read once at start
/// from `GRIDLINK_SESSION_IDLE_DAYS`) rather than a field of the state, so
/// every path that checks a session agrees without threading it through.
static IDLE_SECS: AtomicI64 = AtomicI64::new(DEFAULT_IDLE_DAYS * 86_400);

/// Sets how long an unused session stays valid (at least a minute).
pub fn set_session_idle(idle: std::time::Duration) {
    let secs = i64::try_from(idle.as_secs()).unwrap_or(i64::MAX).max(60);
    IDLE_SECS.store(secs, Ordering::Relaxed);
}

/// How long an unused session stays valid.
pub fn session_idle() -> Duration {
    Duration::seconds(IDLE_SECS.load(Ordering::Relaxed))
}

/// Who is calling, with every role they hold.
#[derive(Clone, Debug)]
pub struct Viewer {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub grants: Vec<Grant>,
    /// The client's address as the request gave it (for the audit log);
    /// empty outside a request.
    pub client: String,
}

impl Viewer {
    /// What the browser is told about its user. The home community is
    /// looked up in the atlas (a grid's community is its parent region),
    /// never read off the shape of a code.
    pub fn public(&self, atlas: &crate::backend::atlas::Atlas) -> CurrentUser {
        use crate::domain::auth::Scope;
        let home_community = self.grants.iter().find_map(|g| match &g.scope {
            Scope::Community(c) => Some(c.clone()),
            Scope::Grid(c) => atlas.place_of(c).and_then(|p| p.community),
            _ => None,
        });
        CurrentUser {
            name: self.name.clone(),
            phone: self.phone.clone(),
            grants: self.grants.clone(),
            home_community,
        }
    }
}

pub(crate) fn token_hash(token: &str) -> String {
    crate::backend::hex::sha256_hex(token.as_bytes())
}

pub(crate) fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    crate::backend::hex::hex(&bytes)
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
#[tracing::instrument(skip_all, fields(target_user = user_id))]
pub async fn start_session(state: &AppState, user_id: i64) -> Result<String, AppError> {
    let token = new_token();
    accounts::create_session(
        &state.db,
        &token_hash(&token),
        user_id,
        Utc::now() + Duration::days(SESSION_DAYS),
    )
    .await?;
    Ok(token)
}

async fn viewer_by_id(state: &AppState, user: accounts::UserRow) -> Result<Viewer, AppError> {
    let grants = accounts::grants_of(&state.db, user.id).await?;
    Ok(viewer_of(user, grants))
}

fn viewer_of(user: accounts::UserRow, grants: Vec<crate::domain::auth::Grant>) -> Viewer {
    Viewer {
        id: user.id,
        name: user.name,
        phone: user.phone,
        grants,
        client: String::new(),
    }
}

fn registration_problem(e: &validator::ValidationErrors) -> AppError {
    from_validation(
        e,
        &[
            ("phone", Field::Phone),
            ("password", Field::Password),
            ("name", Field::Name),
        ],
    )
}

/// A resident signs up with a mobile number and password, having accepted
/// the privacy notice; signed in at once.
#[tracing::instrument(skip_all)]
pub async fn register(
    state: &AppState,
    form: Registration,
    client: &str,
) -> Result<(Viewer, String), AppError> {
    form.validate().map_err(|e| registration_problem(&e))?;
    // Nothing is stored about anyone who has not agreed to the notice.
    if !form.consent {
        return Err(AppError::ConsentRequired);
    }
    state
        .register_by_ip
        .hit(client)
        .map_err(|retry_after_secs| AppError::TooManyAttempts { retry_after_secs })?;
    if accounts::user_by_phone(&state.db, &form.phone)
        .await?
        .is_some()
    {
        return Err(AppError::PhoneTaken);
    }
    let hash = password::hash(form.password)
        .await
        .map_err(|e| internal(e))?;
    let resident = Grant {
        role: Role::Resident,
        scope: Scope::None,
    };
    let id = accounts::insert_user_consented(
        &state.db,
        &form.phone,
        &form.name,
        Some(hash),
        &[resident],
        Some(Utc::now()),
    )
    .await?
    .ok_or(AppError::PhoneTaken)?;
    let user = accounts::user_by_id(&state.db, id)
        .await?
        .ok_or(AppError::Internal)?;
    let token = start_session(state, id).await?;
    Ok((viewer_by_id(state, user).await?, token))
}

fn too_many(retry_after_secs: u64) -> AppError {
    AppError::TooManyAttempts { retry_after_secs }
}

/// Checks a password for a number under the per-number limit: the attempt
/// takes its slot before Argon2 runs (parallel guesses cannot outrun the
/// count), and past the free failures each attempt waits longer. Answers
/// the account only for the right password of an enabled account; unknown
/// numbers and disabled accounts cost the same Argon2 check and look the
/// same from outside.
async fn check_password(
    state: &AppState,
    phone: &str,
    pass: &str,
    client: &str,
) -> Result<Option<accounts::UserRow>, AppError> {
    // Two counts: tight for this number from this address, looser for the
    // number from anywhere (a guesser at one address cannot keep the
    // owner, elsewhere, waiting; many addresses still meet the looser one).
    let near = state
        .login_by_phone_client
        .reserve(&format!("{phone} {client}"))
        .map_err(too_many)?;
    let far = match state.login_by_phone.reserve(phone) {
        Ok(a) => a,
        Err(wait) => {
            near.cancel();
            return Err(too_many(wait));
        }
    };
    let user = match accounts::user_by_phone(&state.db, phone).await {
        Ok(u) => u,
        Err(e) => {
            near.cancel();
            far.cancel();
            return Err(AppError::from(e));
        }
    };
    let Some(ok) = password::verify(
        pass.to_string(),
        user.as_ref().and_then(|u| u.password_hash.clone()),
    )
    .await
    else {
        // No hashing slot in time: not a guess, so not counted.
        near.cancel();
        far.cancel();
        return Err(AppError::Busy {
            retry_after_secs: 5,
        });
    };
    match user {
        Some(user) if ok && !user.disabled => {
            near.succeeded();
            far.succeeded();
            Ok(Some(user))
        }
        _ => {
            near.failed();
            far.failed();
            Ok(None)
        }
    }
}

/// Signs in. Attempts are limited per client address, and failures per
/// number with a growing wait (see [`check_password`]).
#[tracing::instrument(skip_all)]
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
    state.login_by_ip.hit(client).map_err(too_many)?;
    let user = check_password(state, phone, pass, client)
        .await?
        .ok_or(AppError::WrongCredentials)?;
    let token = start_session(state, user.id).await?;
    Ok((viewer_by_id(state, user).await?, token))
}

#[tracing::instrument(skip_all)]
pub async fn logout(state: &AppState, token: &str) -> Result<(), AppError> {
    let hash = token_hash(token);
    // Whatever the database says, this server keeps no copy.
    state.sessions.forget_token(&hash);
    let Some(user) = accounts::session_owner(&state.db, &hash).await? else {
        return Ok(());
    };
    let forget = changing(state, &[user]);
    accounts::delete_session(&state.db, &hash).await?;
    forget.done();
    Ok(())
}

/// Every server forgets the sessions it keeps of these people
/// (`backend::sessions`): call it after any change to their sessions,
/// roles or account has been stored, before answering. Services use
/// [`changing`], which cannot be skipped by a cancelled request.
pub fn accounts_changed(state: &AppState, users: &[i64]) {
    state.sessions.forget_users(users);
    crate::backend::bus::publish_accounts(state, users);
}

/// Made before a change to these people's sessions, roles or account and
/// ended with [`Changing::done`] right after it: every server forgets their
/// kept sessions then. Also when the change failed part-way, or the request
/// was cancelled (a client gone: the handler is dropped at its next await),
/// which a call placed after the write would miss; a cancelled write may
/// still be committing, so then the forget is made again a second later.
#[must_use = "call done() right after the change"]
pub struct Changing<'a> {
    state: &'a AppState,
    users: Vec<i64>,
    done: bool,
}

/// How long after a cancelled change its forget is made again.
const FORGET_AGAIN: std::time::Duration = std::time::Duration::from_secs(1);

pub fn changing<'a>(state: &'a AppState, users: &[i64]) -> Changing<'a> {
    Changing {
        state,
        users: users.to_vec(),
        done: false,
    }
}

impl Changing<'_> {
    /// The change is stored (or refused): forget now.
    pub fn done(mut self) {
        self.done = true;
    }
}

impl Drop for Changing<'_> {
    fn drop(&mut self) {
        accounts_changed(self.state, &self.users);
        if !self.done {
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                let (state, users) = (self.state.clone(), std::mem::take(&mut self.users));
                rt.spawn(async move {
                    tokio::time::sleep(FORGET_AGAIN).await;
                    accounts_changed(&state, &users);
                });
            }
        }
    }
}

/// The user behind a session token, if it is live; counts as a use of the
/// session (it stays alive while used).
#[tracing::instrument(skip_all)]
pub async fn viewer(state: &AppState, token: &str) -> Result<Option<Viewer>, AppError> {
    lookup(state, token, true).await
}

/// Like [`viewer`] but without counting as a use: for long-lived streams
/// re-checking that their session still stands.
#[tracing::instrument(skip_all)]
pub async fn live_viewer(state: &AppState, token: &str) -> Result<Option<Viewer>, AppError> {
    lookup(state, token, false).await
}

async fn lookup(state: &AppState, token: &str, touch: bool) -> Result<Option<Viewer>, AppError> {
    let hash = token_hash(token);
    let (now, idle) = (Utc::now(), session_idle());
    let limits = Limits {
        now,
        idle,
        touch_every: touch.then_some(accounts::TOUCH_EVERY),
    };
    if let Some(viewer) = state.sessions.get(&hash, limits) {
        return Ok(Some(viewer));
    }
    let fill = state.sessions.begin();
    let Some(live) = accounts::session_user(&state.db, &hash, now, idle, touch).await? else {
        return Ok(None);
    };
    let viewer = viewer_of(live.user, live.grants);
    let kept = Session {
        viewer: viewer.clone(),
        expires_at: live.expires_at,
        last_seen: live.last_seen,
    };
    state.sessions.put(fill, hash, kept);
    Ok(Some(viewer))
}

/// Deletes sessions past their end or idle too long (run every few
/// minutes; a stale session is refused anyway when used).
#[tracing::instrument(skip_all)]
pub async fn purge_sessions(state: &AppState) -> Result<u64, AppError> {
    Ok(accounts::purge_sessions(&state.db, Utc::now(), session_idle()).await?)
}

/// The caller proves it is them again (password change, deletion), under
/// the same per-number limit as sign-in: a stolen session must not become
/// a way to guess the password.
async fn confirm_password(state: &AppState, viewer: &Viewer, pass: &str) -> Result<(), AppError> {
    if pass.is_empty() {
        return Err(AppError::invalid(Field::Password, InputProblem::Required));
    }
    match check_password(state, &viewer.phone, pass, &viewer.client).await? {
        Some(u) if u.id == viewer.id => Ok(()),
        _ => Err(AppError::WrongPassword),
    }
}

/// Changes the caller's password; every other session of theirs ends (the
/// one making the change stays).
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn change_password(
    state: &AppState,
    viewer: &Viewer,
    current_token: Option<&str>,
    current: &str,
    new_password: String,
) -> Result<(), AppError> {
    if !password_length_ok(&new_password) {
        return Err(AppError::invalid(
            Field::Password,
            InputProblem::PasswordLength,
        ));
    }
    confirm_password(state, viewer, current).await?;
    let hash = password::hash(new_password)
        .await
        .map_err(|e| internal(e))?;
    let forget = changing(state, &[viewer.id]);
    accounts::set_password(&state.db, viewer.id, hash).await?;
    let keep = current_token.map(token_hash);
    let ended = accounts::delete_sessions_of(&state.db, viewer.id, keep.as_deref()).await?;
    forget.done();
    audit::record(
        state,
        viewer,
        AuditAction::PasswordChanged,
        Target::new("user", viewer.id),
        format!("other sessions ended: {ended}"),
    )
    .await
}

/// Everything kept about the caller, as JSON for them to keep. The audit
/// line comes first: if it cannot be written, nothing is handed out.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn my_data(state: &AppState, viewer: &Viewer) -> Result<PersonalData, AppError> {
    audit::record(
        state,
        viewer,
        AuditAction::DataExported,
        Target::new("user", viewer.id),
        "own data",
    )
    .await?;
    accounts::personal_data(&state.db, viewer.id, Utc::now())
        .await?
        .ok_or(AppError::NotFound)
}

/// Deletes the caller's account (注销账号) after they confirm with their
/// password: see [`accounts::anonymise_user`] for what goes and what stays.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn delete_account(state: &AppState, viewer: &Viewer, pass: &str) -> Result<(), AppError> {
    confirm_password(state, viewer, pass).await?;
    // Recorded before the name goes, so the line says who it was.
    audit::record(
        state,
        viewer,
        AuditAction::AccountDeleted,
        Target::new("user", viewer.id),
        format!("phone {}", mask_phone(&viewer.phone)),
    )
    .await?;
    let forget = changing(state, &[viewer.id]);
    accounts::anonymise_user(&state.db, viewer.id).await?;
    forget.done();
    // They may have been on a roster: public grid pages must drop them.
    state.refresh_atlas().await?;
    Ok(())
}

/// Creates a system admin (the `create-admin` command): for a real
/// deployment's first account, on an empty database, no demo needed. The
/// password follows the registration rule.
#[tracing::instrument(skip_all)]
pub async fn create_admin(
    state: &AppState,
    phone: &str,
    name: &str,
    pass: &str,
) -> Result<i64, AppError> {
    let form = Registration::new(phone, pass, name);
    form.validate().map_err(|e| registration_problem(&e))?;
    let hash = password::hash(form.password)
        .await
        .map_err(|e| internal(e))?;
    let admin = Grant {
        role: Role::SystemAdmin,
        scope: Scope::Everywhere,
    };
    let id = accounts::insert_user(&state.db, &form.phone, &form.name, Some(hash), &[admin])
        .await?
        .ok_or(AppError::PhoneTaken)?;
    audit::record_system(
        state,
        AuditAction::AdminCreated,
        Target::new("user", id),
        format!("{} {}", form.name, mask_phone(&form.phone)),
    )
    .await?;
    Ok(id)
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

    #[test]
    fn the_idle_limit_defaults_to_a_week() {
        assert_eq!(session_idle(), Duration::days(DEFAULT_IDLE_DAYS));
    }
}
