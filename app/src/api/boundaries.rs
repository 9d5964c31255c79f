//! Boundary editing (网格边界调整): street and system admins only.

use crate::domain::boundary::{
    BoundaryDesk, BoundaryEdit, BoundaryOutcome, ChangeDetail, GridOutline,
};
use crate::domain::error::AppError;
use leptos::prelude::*;

/// The editor's page for a street (`None`: the caller's first).
#[server(prefix = "/api", endpoint = "boundary_editor")]
pub async fn boundary_editor(area: Option<String>) -> Result<BoundaryDesk, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::boundaries::desk(&state, &viewer, area.as_deref()).await
    })
    .await
}

/// A grid's stored outline, to edit.
#[server(prefix = "/api", endpoint = "editable_outline")]
pub async fn editable_outline(code: String) -> Result<GridOutline, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::boundaries::outline(&state, &viewer, &code).await
    })
    .await
}

/// Saves one edit (draw, reshape, split, merge).
#[server(prefix = "/api", endpoint = "save_boundary", input = server_fn::codec::Json)]
pub async fn save_boundary(edit: BoundaryEdit) -> Result<BoundaryOutcome, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::boundaries::save(&state, &viewer, edit).await
    })
    .await
}

/// A change with the outlines before and after it.
#[server(prefix = "/api", endpoint = "boundary_change")]
pub async fn boundary_change(id: i64) -> Result<ChangeDetail, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::boundaries::detail(&state, &viewer, id).await
    })
    .await
}

/// Undoes a change by restoring the outlines it replaced.
#[server(prefix = "/api", endpoint = "undo_boundary_change")]
pub async fn undo_boundary_change(id: i64) -> Result<BoundaryOutcome, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::boundaries::undo(&state, &viewer, id).await
    })
    .await
}
