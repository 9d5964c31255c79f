//! Writing and reading the audit log. Writes fail closed: when the line
//! cannot be written, the look at personal data it records does not happen.

use super::auth::Viewer;
use crate::backend::state::AppState;
use crate::backend::store::audit as db;
use crate::domain::audit::{AuditAction, AuditFilter, AuditLine};
use crate::domain::error::AppError;
use crate::domain::policy;
use chrono::Utc;

/// What a line is about: a kind (`case`, `wish`, `user`, `settings`…), its
/// id, and the street it lies in when it lies in one.
#[derive(Clone, Debug, Default)]
pub struct Target {
    pub kind: &'static str,
    pub id: String,
    pub street: Option<String>,
}

impl Target {
    pub fn new(kind: &'static str, id: impl ToString) -> Target {
        Target {
            kind,
            id: id.to_string(),
            street: None,
        }
    }

    pub fn in_street(mut self, street: Option<String>) -> Target {
        self.street = street;
        self
    }
}

/// Appends one line for something `who` did or saw.
#[tracing::instrument(skip_all, fields(user = who.id))]
pub async fn record(
    state: &AppState,
    who: &Viewer,
    action: AuditAction,
    target: Target,
    detail: impl Into<String>,
) -> Result<(), AppError> {
    append(
        state,
        Some((who.id, who.name.clone())),
        &who.client,
        action,
        target,
        detail.into(),
    )
    .await
}

/// Appends a line for something done from the command line or by the
/// system itself (no signed-in actor).
#[tracing::instrument(skip_all)]
pub async fn record_system(
    state: &AppState,
    action: AuditAction,
    target: Target,
    detail: impl Into<String>,
) -> Result<(), AppError> {
    append(state, None, "cli", action, target, detail.into()).await
}

async fn append(
    state: &AppState,
    actor: Option<(i64, String)>,
    client: &str,
    action: AuditAction,
    target: Target,
    detail: String,
) -> Result<(), AppError> {
    let (actor_id, actor_name) = match actor {
        Some((id, name)) => (Some(id), name),
        None => (None, "系统".to_string()),
    };
    db::append(
        &state.db,
        db::NewLine {
            at: Utc::now(),
            actor_id,
            actor_name,
            action,
            target_kind: target.kind.to_string(),
            target_id: target.id,
            detail,
            street_code: target.street,
            client: client.to_string(),
        },
    )
    .await?;
    Ok(())
}

/// Largest page of the audit page; the CSV export reads up to `EXPORT_MAX`.
pub const PAGE: u64 = 50;
pub const EXPORT_MAX: u64 = 100_000;

/// Lines the viewer may read: system admins all, street admins their
/// street's, nobody else any.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn lines(
    state: &AppState,
    viewer: &Viewer,
    filter: &AuditFilter,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<AuditLine>, AppError> {
    let scope = policy::audit_scope(&viewer.grants).ok_or(AppError::Forbidden)?;
    let street = match &scope {
        policy::AuditScope::Everything => None,
        policy::AuditScope::Street(s) => Some(s.as_str()),
    };
    Ok(db::page(&state.db, street, filter, before, limit).await?)
}
