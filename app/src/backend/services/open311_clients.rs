//! Open311 client applications (issue 13): system admins register them
//! (on the admin page or with `server open311-key --name APP`) and revoke
//! them; a request's `api_key` names the client. A key is 32 random bytes
//! shown once; the database keeps its SHA-256 only, so a leaked backup
//! files nothing.

use super::audit::{record, record_system, Target};
use super::auth::{new_token, token_hash, Viewer};
use crate::backend::state::AppState;
use crate::backend::store::open311::{self as db, Client};
use crate::domain::audit::AuditAction;
use crate::domain::error::AppError;
use crate::domain::open311::{key_shape, name_problems, ClientView, Registered, KEY_TAIL};
use crate::domain::policy;
use chrono::Utc;

fn manager(viewer: &Viewer) -> Result<(), AppError> {
    if policy::may_manage_open311(&viewer.grants) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Every client, newest first (system admins).
pub async fn clients(state: &AppState, viewer: &Viewer) -> Result<Vec<ClientView>, AppError> {
    manager(viewer)?;
    Ok(db::clients(&state.db).await?)
}

/// A system admin registers a client and gets its key.
pub async fn register(
    state: &AppState,
    viewer: &Viewer,
    name: &str,
) -> Result<Registered, AppError> {
    manager(viewer)?;
    made(state, Some(viewer), name).await
}

/// The server's operator registers a client from the command line
/// (`server open311-key`), which only they can run.
pub async fn register_cli(state: &AppState, name: &str) -> Result<Registered, AppError> {
    made(state, None, name).await
}

async fn made(
    state: &AppState,
    viewer: Option<&Viewer>,
    name: &str,
) -> Result<Registered, AppError> {
    super::first_problem(name_problems(name))?;
    let name = name.trim();
    let key = new_token();
    let tail = &key[key.len() - KEY_TAIL..];
    let client = db::insert_client(
        &state.db,
        name,
        &token_hash(&key),
        tail,
        viewer.map(|v| v.id),
        Utc::now(),
    )
    .await?;
    let target = Target::new("open311_client", client.id);
    let what = format!("registered {name} (…{tail})");
    match viewer {
        Some(v) => record(state, v, AuditAction::Open311Client, target, what).await?,
        None => record_system(state, AuditAction::Open311Client, target, what).await?,
    }
    Ok(Registered { client, key })
}

/// Revokes a client's key: its requests are refused from now on. Revoking
/// one already revoked changes nothing.
pub async fn revoke(state: &AppState, viewer: &Viewer, id: i64) -> Result<(), AppError> {
    manager(viewer)?;
    if db::revoke(&state.db, id, Utc::now()).await? {
        let name = db::name_of(&state.db, id).await?.unwrap_or_default();
        record(
            state,
            viewer,
            AuditAction::Open311Client,
            Target::new("open311_client", id),
            format!("revoked {name}"),
        )
        .await?;
        Ok(())
    } else if db::name_of(&state.db, id).await?.is_some() {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The live client a key names, if any.
pub async fn by_key(state: &AppState, key: &str) -> Result<Option<Client>, AppError> {
    if !key_shape(key) {
        return Ok(None);
    }
    Ok(db::by_key_hash(&state.db, &token_hash(&key.to_ascii_lowercase())).await?)
}
