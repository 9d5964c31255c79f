//! Open311 client applications, kept by system admins: list, register
//! (the key is shown once), revoke.

use crate::domain::error::AppError;
use crate::domain::open311::{ClientView, Registered};
use leptos::prelude::*;

/// Every registered client, newest first.
#[server(prefix = "/api", endpoint = "open311_clients")]
pub async fn open311_clients() -> Result<Vec<ClientView>, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::open311_clients::clients(&state, &viewer).await
    })
    .await
}

/// Registers a client application and answers with its key (shown once).
#[server(prefix = "/api", endpoint = "register_open311_client")]
pub async fn register_open311_client(name: String) -> Result<Registered, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::open311_clients::register(&state, &viewer, &name).await
    })
    .await
}

/// Revokes a client's key: its requests are refused from now on.
#[server(prefix = "/api", endpoint = "revoke_open311_client")]
pub async fn revoke_open311_client(id: i64) -> Result<(), AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::open311_clients::revoke(&state, &viewer, id).await
    })
    .await
}
