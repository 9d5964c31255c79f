//! 置换-分享 between people: offers and asks, answers, their steps, and the
//! contact both sides see once both agreed.

use crate::domain::error::AppError;
use crate::domain::exchange::{Contact, ExchangeView, MatchAction, PostForm};
use leptos::prelude::*;

/// Open offers and asks (anyone; one community's, or all), and for the
/// signed-in reader their own posts and the answers they are a side of.
#[server(prefix = "/api", endpoint = "exchanges")]
pub async fn exchanges(
    #[server(default)] community: Option<String>,
) -> Result<ExchangeView, AppError> {
    use crate::backend::{request, services};
    request::guest(|state, viewer| async move {
        services::exchange::view(&state, viewer.as_ref(), community).await
    })
    .await
}

/// Posts an offer or an ask (signed in; for a unit its admin).
#[server(prefix = "/api", endpoint = "post_exchange", input = server_fn::codec::Json)]
pub async fn post_exchange(post: PostForm) -> Result<i64, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::exchange::post(&state, &viewer, post).await
    })
    .await
}

/// Answers someone else's open post with a message (no contact yet).
#[server(prefix = "/api", endpoint = "answer_exchange")]
pub async fn answer_exchange(post_id: i64, message: String) -> Result<i64, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::exchange::answer(&state, &viewer, post_id, message).await
    })
    .await
}

/// One side of an answer takes a step: agree, decline, withdraw, hand
/// over, take back.
#[server(prefix = "/api", endpoint = "exchange_step")]
pub async fn exchange_step(match_id: i64, action: MatchAction) -> Result<(), AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::exchange::step(&state, &viewer, match_id, action).await
    })
    .await
}

/// Its author closes a post; the community takes one down with a reason.
#[server(prefix = "/api", endpoint = "close_exchange")]
pub async fn close_exchange(
    post_id: i64,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::exchange::close(&state, &viewer, post_id, reason).await
    })
    .await
}

/// The other side's name and phone, once both agreed (audited).
#[server(prefix = "/api", endpoint = "exchange_contact")]
pub async fn exchange_contact(match_id: i64) -> Result<Contact, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::exchange::contact(&state, &viewer, match_id).await
    })
    .await
}
