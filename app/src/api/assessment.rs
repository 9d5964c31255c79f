//! Assessment and the command centre's dashboard.

use crate::domain::assessment::{Dashboard, DashboardAsk};
use crate::domain::error::AppError;
use leptos::prelude::*;

/// The figures of an area and a period (community, street and system
/// admins; a department reads its own part).
#[server(prefix = "/api", endpoint = "dashboard_figures", input = server_fn::codec::Json)]
pub async fn dashboard_figures(ask: DashboardAsk) -> Result<Dashboard, AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(|state, viewer| async move {
        services::assessment::dashboard(&state, &viewer, ask).await
    })
    .await
}

/// Starts an export of cases, figures or patrols with the dashboard's
/// filters; a small one is ready when this answers.
#[server(prefix = "/api", endpoint = "start_export", input = server_fn::codec::Json)]
pub async fn start_export(
    ask: crate::domain::export::ExportAsk,
) -> Result<crate::domain::export::ExportStatus, AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(
        |state, viewer| async move { services::exports::start(&state, &viewer, ask).await },
    )
    .await
}

/// Where one of the caller's exports stands.
#[server(prefix = "/api", endpoint = "export_status")]
pub async fn export_status(id: String) -> Result<crate::domain::export::ExportStatus, AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(|state, viewer| async move { services::exports::status(&state, &viewer, &id) })
        .await
}
