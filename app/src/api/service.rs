//! Dual reporting, the service ledger, volunteering and the three lists.

use crate::domain::activity::{ActivityView, Attendee, NewActivity};
use crate::domain::error::AppError;
use crate::domain::lists::{NeedItem, ProjectStatus, ResourceItem, ServiceCategory, ThreeLists};
use crate::domain::unit::{LeaderRow, MemberView, NewUnit, Record, UnitChoice, UnitView};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "register_unit", input = server_fn::codec::Json)]
pub async fn register_unit(unit: NewUnit) -> Result<UnitView, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::units::register_unit(&state, &viewer, unit).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "review_unit")]
pub async fn review_unit(
    unit_id: i64,
    approve: bool,
    #[server(default)] reason: String,
) -> Result<UnitView, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::units::review_unit(&state, &viewer, unit_id, approve, reason).await
    })
    .await
}

/// Units the caller registered, runs, or reviews.
#[server(prefix = "/api", endpoint = "my_units")]
pub async fn my_units() -> Result<Vec<UnitView>, AppError> {
    use crate::backend::{request, services};
    request::signed_in(
        |state, viewer| async move { services::units::units_for(&state, &viewer).await },
    )
    .await
}

/// Approved units, for the member's registration form.
#[server(prefix = "/api", endpoint = "unit_choices")]
pub async fn unit_choices() -> Result<Vec<UnitChoice>, AppError> {
    use crate::backend::{request, services};
    request::open(|state| async move { services::units::unit_choices(&state).await }).await
}

#[server(prefix = "/api", endpoint = "report_member")]
pub async fn report_member(unit_id: i64, community: String) -> Result<MemberView, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::units::report_member(&state, &viewer, unit_id, community).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "review_member")]
pub async fn review_member(user_id: i64, approve: bool) -> Result<(), AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::units::review_member(&state, &viewer, user_id, approve).await
    })
    .await
}

/// Everything the service page shows the caller: their report, their
/// record, and the units and members they manage.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ServiceOverview {
    pub membership: Option<MemberView>,
    pub record: Record,
    pub units: Vec<UnitView>,
    pub members: Vec<MemberView>,
}

#[server(prefix = "/api", endpoint = "my_service")]
pub async fn my_service() -> Result<ServiceOverview, AppError> {
    use crate::backend::{request, services::units};
    request::signed_in(|state, viewer| async move {
        Ok(ServiceOverview {
            membership: units::my_membership(&state, &viewer).await?,
            record: units::my_record(&state, &viewer).await?,
            units: units::units_for(&state, &viewer).await?,
            members: units::members_for(&state, &viewer).await?,
        })
    })
    .await
}

#[server(prefix = "/api", endpoint = "unit_ledger")]
pub async fn unit_ledger(unit_id: i64) -> Result<Record, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::units::unit_ledger(&state, &viewer, unit_id).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "leaderboard")]
pub async fn leaderboard(community: String) -> Result<Vec<LeaderRow>, AppError> {
    use crate::backend::{request, services};
    request::open(|state| async move { services::units::leaderboard(&state, &community).await })
        .await
}

#[server(prefix = "/api", endpoint = "publish_activity", input = server_fn::codec::Json)]
pub async fn publish_activity(activity: NewActivity) -> Result<ActivityView, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::activities::publish(&state, &viewer, activity).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "activities")]
pub async fn activities(
    #[server(default)] community: Option<String>,
) -> Result<Vec<ActivityView>, AppError> {
    use crate::backend::{request, services};
    request::guest(|state, viewer| async move {
        let community = community.filter(|c| !c.trim().is_empty());
        services::activities::upcoming(&state, viewer.as_ref(), community).await
    })
    .await
}

/// Sign up (`join` true) or cancel (false).
#[server(prefix = "/api", endpoint = "sign_up")]
pub async fn sign_up(activity_id: i64, join: bool) -> Result<ActivityView, AppError> {
    use crate::backend::{request, services::activities};
    request::signed_in(|state, viewer| async move {
        if join {
            activities::sign_up(&state, &viewer, activity_id).await
        } else {
            activities::cancel(&state, &viewer, activity_id).await
        }
    })
    .await
}

#[server(prefix = "/api", endpoint = "attendees")]
pub async fn attendees(activity_id: i64) -> Result<Vec<Attendee>, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::activities::attendees(&state, &viewer, activity_id).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "check_in")]
pub async fn check_in(activity_id: i64, user_id: i64) -> Result<Vec<Attendee>, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::activities::check_in(&state, &viewer, activity_id, user_id).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "community_lists")]
pub async fn community_lists(community: String) -> Result<ThreeLists, AppError> {
    use crate::backend::{request, services};
    request::guest(|state, viewer| async move {
        services::lists::three_lists(&state, viewer.as_ref(), &community).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "add_need")]
pub async fn add_need(
    community: String,
    category: ServiceCategory,
    title: String,
    #[server(default)] detail: String,
    #[server(default)] wish_id: Option<i64>,
) -> Result<NeedItem, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::lists::add_need(
            &state, &viewer, &community, category, &title, &detail, wish_id,
        )
        .await
    })
    .await
}

#[server(prefix = "/api", endpoint = "add_resource")]
pub async fn add_resource(
    category: ServiceCategory,
    title: String,
    #[server(default)] detail: String,
    availability: String,
) -> Result<ResourceItem, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::lists::add_resource(&state, &viewer, category, &title, &detail, &availability)
            .await
    })
    .await
}

#[server(prefix = "/api", endpoint = "add_project", input = server_fn::codec::Json)]
pub async fn add_project(
    community: String,
    title: String,
    #[server(default)] detail: String,
    #[server(default)] needs: Vec<i64>,
    #[server(default)] resources: Vec<i64>,
) -> Result<i64, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::lists::add_project(
            &state, &viewer, &community, &title, &detail, needs, resources,
        )
        .await
    })
    .await
}

#[server(prefix = "/api", endpoint = "set_project_progress")]
pub async fn set_project_progress(
    project_id: i64,
    status: ProjectStatus,
    progress: i32,
) -> Result<(), AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::lists::set_progress(&state, &viewer, project_id, status, progress).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "suggest_resources")]
pub async fn suggest_resources(need_id: i64) -> Result<Vec<ResourceItem>, AppError> {
    use crate::backend::{request, services};
    request::open(|state| async move { services::lists::suggest_for(&state, need_id).await }).await
}

/// The community takes up a suggested resource for a need: it joins the
/// need's project (made when there is none) and the unit is told.
#[server(prefix = "/api", endpoint = "accept_resource")]
pub async fn accept_resource(need_id: i64, resource_id: i64) -> Result<i64, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::lists::accept_resource(&state, &viewer, need_id, resource_id).await
    })
    .await
}

/// The community closes a need that is met.
#[server(prefix = "/api", endpoint = "close_need")]
pub async fn close_need(need_id: i64) -> Result<(), AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::lists::close_need(&state, &viewer, need_id).await
    })
    .await
}

/// The community sets the needs and resources a project links.
#[server(prefix = "/api", endpoint = "link_project", input = server_fn::codec::Json)]
pub async fn link_project(
    project_id: i64,
    #[server(default)] needs: Vec<i64>,
    #[server(default)] resources: Vec<i64>,
) -> Result<(), AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::lists::link_project(&state, &viewer, project_id, needs, resources).await
    })
    .await
}
