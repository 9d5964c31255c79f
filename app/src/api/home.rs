//! The home of "我的": what waits for the caller.

use crate::domain::error::AppError;
use crate::domain::home::HomeCounts;
use leptos::prelude::*;

/// How many things wait for the caller, for the kinds their roles bring
/// (their inbox, overdue cases, wishes and registrations to review, their
/// claims and reports). Signed in only; counts, never names or phones.
#[server(prefix = "/api", endpoint = "my_home")]
pub async fn my_home() -> Result<HomeCounts, AppError> {
    use crate::backend::{request, services};
    request::signed_in(
        |state, viewer| async move { services::home::my_home(&state, &viewer).await },
    )
    .await
}
