use crate::domain::error::AppError;
use crate::domain::wish::{NewWish, WishCard, WishFilter, WishList, WishStep, WishView};
use leptos::prelude::*;

/// A resident posts a wish (or staff post one for a resident).
#[server(prefix = "/api", endpoint = "post_wish", input = server_fn::codec::Json)]
pub async fn post_wish(wish: NewWish) -> Result<WishView, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::wishes::post(&state, &viewer, wish).await
    })
    .await
}

/// One wish: public fields for everyone once it is on the wall; the
/// contact only for those involved.
#[server(prefix = "/api", endpoint = "wish_detail")]
pub async fn wish_detail(id: i64) -> Result<WishView, AppError> {
    use crate::backend::{request, services};
    request::guest(|state, viewer| async move {
        services::wishes::get(&state, viewer.as_ref(), id).await
    })
    .await
}

/// One step of the wish loop (review, claim, give back, fulfil, confirm…).
#[server(prefix = "/api", endpoint = "take_wish_step", input = server_fn::codec::Json)]
pub async fn take_wish_step(step: WishStep) -> Result<WishView, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::wishes::step(&state, &viewer, step).await
    })
    .await
}

/// A page of the wall or of one of the caller's lists, newest first.
#[server(prefix = "/api", endpoint = "wishes_page", input = server_fn::codec::Json)]
pub async fn wishes_page(
    list: WishList,
    #[server(default)] filter: WishFilter,
    #[server(default)] after: Option<i64>,
) -> Result<Vec<WishCard>, AppError> {
    use crate::backend::{request, services};
    request::guest(|state, viewer| async move {
        services::wishes::list(
            &state,
            viewer.as_ref(),
            list,
            filter,
            after,
            services::wishes::PAGE,
        )
        .await
    })
    .await
}

/// Wishes for the map layer: the wall's newest 200 (public fields only).
#[server(prefix = "/api", endpoint = "wish_map", input = server_fn::codec::Json)]
pub async fn wish_map(#[server(default)] filter: WishFilter) -> Result<Vec<WishCard>, AppError> {
    use crate::backend::{request, services};
    request::open(|state| async move {
        services::wishes::list(
            &state,
            None,
            WishList::Wall,
            filter,
            None,
            services::wishes::MAP_LIMIT,
        )
        .await
    })
    .await
}

/// Claims past their wanted-by date in the caller's communities.
#[server(prefix = "/api", endpoint = "overdue_wish_claims")]
pub async fn overdue_wish_claims() -> Result<Vec<WishCard>, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::wishes::overdue_claims(&state, &viewer).await
    })
    .await
}
