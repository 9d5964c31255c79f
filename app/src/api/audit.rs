//! The audit log page (system admins, street admins for their street).

use crate::domain::audit::{AuditFilter, AuditLine};
use crate::domain::error::AppError;
use leptos::prelude::*;

/// A page of the audit log, newest first, before line `before`.
#[server(prefix = "/api", endpoint = "audit_log", input = server_fn::codec::Json)]
pub async fn audit_log(
    filter: AuditFilter,
    before: Option<i64>,
) -> Result<Vec<AuditLine>, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::audit::lines(&state, &viewer, &filter, before, services::audit::PAGE).await
    })
    .await
}
