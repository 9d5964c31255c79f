//! 物业联席会: joint meetings and their resolutions.

use crate::domain::error::AppError;
use crate::domain::meeting::{
    MeetingForm, MeetingView, MeetingsView, ProgressForm, ResolutionForm,
};
use leptos::prelude::*;

/// The meetings that concern the caller, their open resolutions (overdue
/// first) and the communities where they convene meetings.
#[server(prefix = "/api", endpoint = "joint_meetings")]
pub async fn joint_meetings() -> Result<MeetingsView, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::meetings::overview(&state, &viewer).await
    })
    .await
}

/// A meeting: agenda, attendance, minutes, and the resolutions the caller
/// may read.
#[server(prefix = "/api", endpoint = "joint_meeting")]
pub async fn joint_meeting(id: i64) -> Result<MeetingView, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::meetings::detail(&state, &viewer, id).await
    })
    .await
}

/// Convenes a meeting or records it (the community).
#[server(prefix = "/api", endpoint = "save_joint_meeting", input = server_fn::codec::Json)]
pub async fn save_joint_meeting(meeting: MeetingForm) -> Result<MeetingView, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::meetings::save(&state, &viewer, meeting).await
    })
    .await
}

/// Writes or withdraws a resolution of a meeting (the community).
#[server(prefix = "/api", endpoint = "keep_resolution", input = server_fn::codec::Json)]
pub async fn keep_resolution(resolution: ResolutionForm) -> Result<MeetingView, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::meetings::keep_resolution(&state, &viewer, resolution).await
    })
    .await
}

/// Reports a resolution's progress (its owner, or the community).
#[server(prefix = "/api", endpoint = "report_resolution", input = server_fn::codec::Json)]
pub async fn report_resolution(progress: ProgressForm) -> Result<MeetingView, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::meetings::report(&state, &viewer, progress).await
    })
    .await
}
