//! District departments (职能部门) that the street whistles (吹哨): a table
//! system admins keep. Dispatch accepts only active departments' codes.

use super::audit::{record, Target};
use super::auth::Viewer;
use super::text;
use crate::backend::state::AppState;
use crate::backend::store::geography::{self as db, DepartmentRow};
use crate::domain::audit::AuditAction;
use crate::domain::error::{AppError, Field, InputProblem};
use crate::domain::policy;

/// Longest department name (characters).
pub const MAX_NAME: usize = 30;

/// Active departments, for the dispatch form (anyone may read the list:
/// department names are public).
#[tracing::instrument(skip_all)]
pub async fn active(state: &AppState) -> Result<Vec<DepartmentRow>, AppError> {
    Ok(db::departments(&state.db)
        .await?
        .into_iter()
        .filter(|d| d.active)
        .collect())
}

/// Every department, retired ones too (system admins).
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn all(state: &AppState, viewer: &Viewer) -> Result<Vec<DepartmentRow>, AppError> {
    if !policy::may_manage_settings(&viewer.grants) {
        return Err(AppError::Forbidden);
    }
    Ok(db::departments(&state.db).await?)
}

/// A department code: 1–10 capital letters or digits, as the district
/// abbreviates its bureaus (CG, SJ, XF…).
fn code(raw: &str) -> Result<String, AppError> {
    let c = raw.trim().to_ascii_uppercase();
    if c.is_empty() {
        return Err(AppError::invalid(Field::Department, InputProblem::Required));
    }
    if c.len() > 10 || !c.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(AppError::invalid(Field::Department, InputProblem::Unknown));
    }
    Ok(c)
}

#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn add(
    state: &AppState,
    viewer: &Viewer,
    raw_code: &str,
    name: &str,
) -> Result<i64, AppError> {
    if !policy::may_manage_settings(&viewer.grants) {
        return Err(AppError::Forbidden);
    }
    let code = code(raw_code)?;
    let name = text(name, Field::Name, MAX_NAME, true)?;
    if db::departments(&state.db)
        .await?
        .iter()
        .any(|d| d.code == code)
    {
        return Err(AppError::invalid(Field::Department, InputProblem::Taken));
    }
    let id = db::insert_department(&state.db, &code, &name).await?;
    record(
        state,
        viewer,
        AuditAction::SettingsChanged,
        Target::new("department", &code),
        format!("新增 {name}"),
    )
    .await?;
    Ok(id)
}

/// Renames a department or retires it (its open cases stay with it).
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn edit(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    name: Option<String>,
    active: Option<bool>,
) -> Result<(), AppError> {
    if !policy::may_manage_settings(&viewer.grants) {
        return Err(AppError::Forbidden);
    }
    let name = name
        .as_deref()
        .map(|n| text(n, Field::Name, MAX_NAME, true))
        .transpose()?;
    if !db::update_department(&state.db, id, name.as_deref(), active).await? {
        return Err(AppError::NotFound);
    }
    let what = match (&name, active) {
        (Some(n), _) => format!("更名为 {n}"),
        (None, Some(false)) => "停用".into(),
        (None, Some(true)) => "恢复".into(),
        (None, None) => String::new(),
    };
    record(
        state,
        viewer,
        AuditAction::SettingsChanged,
        Target::new("department", id),
        what,
    )
    .await
}
