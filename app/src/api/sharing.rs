//! 置换-分享: the communities' 共享小屋 (things to borrow) and the loans.

use crate::domain::error::AppError;
use crate::domain::sharing::{SharingView, ShedItemForm};
use leptos::prelude::*;

/// What a community's shed holds (anyone; the first shed when none is
/// named); the caller's loans; for a community's keepers the loans out of
/// its shed with the borrowers' names.
#[server(prefix = "/api", endpoint = "sharing")]
pub async fn sharing(
    #[server(default)] community: Option<String>,
) -> Result<SharingView, AppError> {
    use crate::backend::{request, services};
    request::guest(|state, viewer| async move {
        services::sharing::view(&state, viewer.as_ref(), community).await
    })
    .await
}

/// Adds a thing to a community's shed or changes one (the community).
#[server(prefix = "/api", endpoint = "keep_shed_item", input = server_fn::codec::Json)]
pub async fn keep_shed_item(item: ShedItemForm) -> Result<SharingView, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::sharing::keep_item(&state, &viewer, item).await
    })
    .await
}

/// Borrows pieces of a thing for its loan period.
#[server(prefix = "/api", endpoint = "borrow_item")]
pub async fn borrow_item(item_id: i64, quantity: u32) -> Result<SharingView, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::sharing::borrow(&state, &viewer, item_id, quantity).await
    })
    .await
}

/// Records that a loan came back (the community).
#[server(prefix = "/api", endpoint = "return_loan")]
pub async fn return_loan(loan_id: i64) -> Result<SharingView, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::sharing::give_back(&state, &viewer, loan_id).await
    })
    .await
}
