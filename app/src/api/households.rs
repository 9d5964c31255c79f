//! Household records (人房信息), 联户组 and residents' correction requests.
//! The sheet import and its template are REST routes (a file upload and a
//! download): `server/src/rest_households.rs`.

use crate::domain::error::AppError;
use crate::domain::household::{
    GroupView, HouseholdInput, HouseholdView, HouseholdsPage, ImportStatus, MyHousehold, NewGroup,
    NewGroupTask,
};
use leptos::prelude::*;

/// An area's households (the caller's first area unless named), the first
/// doors or those whose door, member name or phone starts with `q`; its
/// groups and open correction requests.
#[server(prefix = "/api", endpoint = "household_records")]
pub async fn household_records(
    area: Option<String>,
    q: String,
) -> Result<HouseholdsPage, AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(|state, viewer| async move {
        services::households::page(&state, &viewer, area, q).await
    })
    .await
}

/// One household, sensitive fields masked (the look is audited).
#[server(prefix = "/api", endpoint = "household")]
pub async fn household(id: i64) -> Result<HouseholdView, AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(
        |state, viewer| async move { services::households::get(&state, &viewer, id).await },
    )
    .await
}

/// One household with its ID numbers, phones and care tags in full (audited).
#[server(prefix = "/api", endpoint = "reveal_household")]
pub async fn reveal_household(id: i64) -> Result<HouseholdView, AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(|state, viewer| async move {
        services::households::reveal(&state, &viewer, id).await
    })
    .await
}

/// Adds or changes a household.
#[server(prefix = "/api", endpoint = "save_household", input = server_fn::codec::Json)]
pub async fn save_household(household: HouseholdInput) -> Result<HouseholdView, AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(|state, viewer| async move {
        services::households::save(&state, &viewer, household).await
    })
    .await
}

/// Forms a 联户组.
#[server(prefix = "/api", endpoint = "create_household_group", input = server_fn::codec::Json)]
pub async fn create_household_group(group: NewGroup) -> Result<GroupView, AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(|state, viewer| async move {
        services::households::create_group(&state, &viewer, group).await
    })
    .await
}

/// Pushes a task to a 联户组.
#[server(prefix = "/api", endpoint = "push_group_task", input = server_fn::codec::Json)]
pub async fn push_group_task(task: NewGroupTask) -> Result<GroupView, AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(|state, viewer| async move {
        services::households::push_task(&state, &viewer, task).await
    })
    .await
}

/// Marks a door of a group task done or not done.
#[server(prefix = "/api", endpoint = "mark_group_door")]
pub async fn mark_group_door(
    task_id: i64,
    household_id: i64,
    done: bool,
) -> Result<GroupView, AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(|state, viewer| async move {
        services::households::mark_door(&state, &viewer, task_id, household_id, done).await
    })
    .await
}

/// The caller's own household, their correction requests, the groups they lead.
#[server(prefix = "/api", endpoint = "own_household")]
pub async fn own_household() -> Result<MyHousehold, AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(|state, viewer| async move { services::households::mine(&state, &viewer).await })
        .await
}

/// A resident asks for their household's record to be corrected.
#[server(prefix = "/api", endpoint = "ask_correction")]
pub async fn ask_correction(text: String) -> Result<MyHousehold, AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(|state, viewer| async move {
        services::households::ask_correction(&state, &viewer, text).await
    })
    .await
}

/// Staff mark a correction request handled.
#[server(prefix = "/api", endpoint = "close_correction")]
pub async fn close_correction(id: i64) -> Result<(), AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(|state, viewer| async move {
        services::households::close_correction(&state, &viewer, id).await
    })
    .await
}

/// Where one of the caller's sheet imports stands.
#[server(prefix = "/api", endpoint = "import_progress")]
pub async fn import_progress(id: String) -> Result<ImportStatus, AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(|state, viewer| async move {
        services::household_import::status(&state, &viewer, &id)
    })
    .await
}
