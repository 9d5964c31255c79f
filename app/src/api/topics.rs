//! 四步议事: topics, seconds, votes and the community's steps.

use crate::domain::error::AppError;
use crate::domain::topic::{NewTopic, StaffStep, TopicLine, TopicView};
use leptos::prelude::*;

/// A resident proposes a topic in a community (it waits for review).
#[server(prefix = "/api", endpoint = "propose_topic", input = server_fn::codec::Json)]
pub async fn propose_topic(topic: NewTopic) -> Result<TopicView, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::topics::propose(&state, &viewer, topic).await
    })
    .await
}

/// A page of topics, newest first (of one community when given): the public
/// ones, with the caller's own and their communities' unpublished ones.
#[server(prefix = "/api", endpoint = "topics")]
pub async fn topics(
    #[server(default)] community: Option<String>,
    #[server(default)] before: Option<i64>,
) -> Result<Vec<TopicLine>, AppError> {
    use crate::backend::{request, services};
    request::guest(|state, viewer| async move {
        services::topics::list(&state, viewer.as_ref(), community, before).await
    })
    .await
}

/// A topic's whole path: its public result page.
#[server(prefix = "/api", endpoint = "topic_detail")]
pub async fn topic_detail(id: i64) -> Result<TopicView, AppError> {
    use crate::backend::{request, services};
    request::guest(|state, viewer| async move {
        services::topics::detail(&state, viewer.as_ref(), id).await
    })
    .await
}

/// Seconds (附议) a topic.
#[server(prefix = "/api", endpoint = "second_topic")]
pub async fn second_topic(id: i64) -> Result<TopicView, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::topics::second(&state, &viewer, id).await
    })
    .await
}

/// Votes for one option of a topic while its vote is open.
#[server(prefix = "/api", endpoint = "cast_vote")]
pub async fn cast_vote(id: i64, option: i64) -> Result<TopicView, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::topics::vote(&state, &viewer, id, option).await
    })
    .await
}

/// Staff enter a paper ballot for a household (and its member, 一人一票).
#[server(prefix = "/api", endpoint = "paper_ballot")]
pub async fn paper_ballot(
    id: i64,
    option: i64,
    household: i64,
    #[server(default)] member: Option<i64>,
) -> Result<TopicView, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::topics::paper_ballot(&state, &viewer, id, option, household, member).await
    })
    .await
}

/// A community step on a topic (review, hide, meeting and vote, result, progress).
#[server(prefix = "/api", endpoint = "topic_step", input = server_fn::codec::Json)]
pub async fn topic_step(id: i64, step: StaffStep) -> Result<TopicView, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::topics::step(&state, &viewer, id, step).await
    })
    .await
}

/// Sets the seconds a community's topics need to reach its agenda.
#[server(prefix = "/api", endpoint = "topic_threshold")]
pub async fn topic_threshold(community: String, threshold: u32) -> Result<u32, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::topics::set_threshold(&state, &viewer, &community, threshold).await
    })
    .await
}
