use crate::domain::error::AppError;
use crate::domain::staff::{
    AccountSummary, NewStaffAccount, RosterChange, RosterEntry, StaffingReport,
};
use leptos::prelude::*;

/// A grid's full roster with phone numbers (staff and admins in scope).
#[server(prefix = "/api", endpoint = "grid_roster")]
pub async fn grid_roster(code: String) -> Result<Vec<RosterEntry>, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::staff::roster(&state, &viewer, &code.trim().to_ascii_uppercase()).await
    })
    .await
}

/// Creates a staff account within the caller's scope.
#[server(prefix = "/api", endpoint = "create_staff_account", input = server_fn::codec::Json)]
pub async fn create_staff_account(account: NewStaffAccount) -> Result<(), AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::staff::create_account(&state, &viewer, account).await
    })
    .await
}

/// Staff accounts in a street, community or grid.
#[server(prefix = "/api", endpoint = "list_accounts")]
pub async fn list_accounts(code: String) -> Result<Vec<AccountSummary>, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::staff::accounts_in(&state, &viewer, &code).await
    })
    .await
}

/// The caller agrees, or stops agreeing, to show their phone on public pages.
#[server(prefix = "/api", endpoint = "set_phone_consent")]
pub async fn set_phone_consent(show: bool) -> Result<u64, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::staff::set_phone_consent(&state, &viewer, show).await
    })
    .await
}

/// Takes one role from an account (撤销角色): system admins anywhere, street
/// and community admins for roles they could have granted, in their area.
/// Audited.
#[server(prefix = "/api", endpoint = "revoke_role", input = server_fn::codec::Json)]
pub async fn revoke_role(user_id: i64, grant: crate::domain::auth::Grant) -> Result<(), AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::staff::revoke_grant(&state, &viewer, user_id, grant).await
    })
    .await
}

/// Disables an account (停用: it cannot sign in and its sessions end at
/// once) or enables it again, under the same rule as revoking. Nobody
/// disables themselves. Audited.
#[server(prefix = "/api", endpoint = "set_account_disabled")]
pub async fn set_account_disabled(user_id: i64, disabled: bool) -> Result<(), AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::staff::set_disabled(&state, &viewer, user_id, disabled).await
    })
    .await
}

/// Puts someone on a grid, changes their position or duties, moves them to
/// another grid or takes them off (admins of the grids); the roster after.
#[server(prefix = "/api", endpoint = "change_roster", input = server_fn::codec::Json)]
pub async fn change_roster(change: RosterChange) -> Result<Vec<RosterEntry>, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::staff::change_roster(&state, &viewer, change).await
    })
    .await
}

/// The grids of an area against the "1+1+N+X" / "1+X+Y" standard, those
/// missing a position first (admins of the area; none: the caller's own).
#[server(prefix = "/api", endpoint = "roster_gaps")]
pub async fn roster_gaps(area: Option<String>) -> Result<StaffingReport, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::staff::staffing(&state, &viewer, area.as_deref()).await
    })
    .await
}
