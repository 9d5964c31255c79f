//! Patrols (巡查走访) and the grids' key-issues lists.

use crate::domain::case::CaseView;
use crate::domain::error::AppError;
use crate::domain::patrol::{
    DayRule, IssueReview, KeyIssueView, NewKeyIssue, NewVisit, PatrolStatus, PatrolView, TrackPoint,
};
use leptos::prelude::*;

/// Where the caller's patrolling stands today.
#[server(prefix = "/api", endpoint = "my_patrols")]
pub async fn my_patrols() -> Result<PatrolStatus, AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(|state, viewer| async move { services::patrols::mine(&state, &viewer).await })
        .await
}

/// Starts a patrol of one of the caller's grids (their first when `grid` is
/// left out; the one running, if any).
#[server(prefix = "/api", endpoint = "start_patrol")]
pub async fn start_patrol(grid: Option<String>) -> Result<PatrolView, AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(|state, viewer| async move {
        services::patrols::start(&state, &viewer, grid.as_deref()).await
    })
    .await
}

/// Points the phone recorded on the caller's running patrol.
#[server(prefix = "/api", endpoint = "record_points", input = server_fn::codec::Json)]
pub async fn record_points(
    patrol_id: i64,
    points: Vec<TrackPoint>,
) -> Result<crate::domain::patrol::PatrolTally, AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(|state, viewer| async move {
        services::patrols::points(&state, &viewer, patrol_id, points).await
    })
    .await
}

/// A visit on the caller's running patrol.
#[server(prefix = "/api", endpoint = "log_visit", input = server_fn::codec::Json)]
pub async fn log_visit(visit: NewVisit) -> Result<PatrolView, AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(
        |state, viewer| async move { services::patrols::visit(&state, &viewer, visit).await },
    )
    .await
}

/// Turns a visit's finding into a case in one tap.
#[server(prefix = "/api", endpoint = "visit_to_case")]
pub async fn visit_to_case(visit_id: i64, category_id: i64) -> Result<CaseView, AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(|state, viewer| async move {
        services::patrols::to_case(&state, &viewer, visit_id, category_id).await
    })
    .await
}

/// Ends the caller's running patrol.
#[server(prefix = "/api", endpoint = "end_patrol")]
pub async fn end_patrol(patrol_id: i64) -> Result<PatrolView, AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(|state, viewer| async move {
        services::patrols::end(&state, &viewer, patrol_id).await
    })
    .await
}

/// One patrol with its track and visits (the worker's, or for those who
/// supervise the grid).
#[server(prefix = "/api", endpoint = "patrol_detail")]
pub async fn patrol_detail(id: i64) -> Result<PatrolView, AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(
        |state, viewer| async move { services::patrols::detail(&state, &viewer, id).await },
    )
    .await
}

/// The day's rule (two patrols) for each worker of a grid, community or street.
#[server(prefix = "/api", endpoint = "patrol_day")]
pub async fn patrol_day(area: String, day: Option<chrono::NaiveDate>) -> Result<DayRule, AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(|state, viewer| async move {
        services::patrols::day(&state, &viewer, &area, day).await
    })
    .await
}

/// A grid's key-issues list (重点问题清单).
#[server(prefix = "/api", endpoint = "key_issues")]
pub async fn key_issues(grid: String) -> Result<Vec<KeyIssueView>, AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(|state, viewer| async move {
        services::patrols::issues(&state, &viewer, &grid).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "add_key_issue", input = server_fn::codec::Json)]
pub async fn add_key_issue(issue: NewKeyIssue) -> Result<Vec<KeyIssueView>, AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(|state, viewer| async move {
        services::patrols::add_issue(&state, &viewer, issue).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "review_key_issue", input = server_fn::codec::Json)]
pub async fn review_key_issue(review: IssueReview) -> Result<Vec<KeyIssueView>, AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(|state, viewer| async move {
        services::patrols::review_issue(&state, &viewer, review).await
    })
    .await
}
