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
