use crate::domain::error::AppError;
use crate::domain::notice::NoticeView;
use leptos::prelude::*;

/// The caller's notifications, newest first (30 a page).
#[server(prefix = "/api", endpoint = "my_notices")]
pub async fn my_notices(
    #[server(default)] after: Option<i64>,
) -> Result<Vec<NoticeView>, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::notices::mine(&state, &viewer, after).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "unread_notices")]
pub async fn unread_notices() -> Result<u64, AppError> {
    use crate::backend::{request, services};
    request::signed_in(
        |state, viewer| async move { services::notices::unread(&state, &viewer).await },
    )
    .await
}

#[server(prefix = "/api", endpoint = "mark_notices_read")]
pub async fn mark_notices_read() -> Result<(), AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::notices::mark_read(&state, &viewer).await
    })
    .await
}
