//! In-app notifications: written for each person concerned, announced on
//! the live stream, read and cleared by their owner.

use super::auth::Viewer;
use super::internal;
use crate::backend::state::{AppState, Noticed};
use crate::backend::store::{accounts, notices as db};
use crate::domain::auth::Role;
use crate::domain::error::AppError;
use crate::domain::notice::{NoticeKind, NoticeView};
use chrono::Utc;

/// Tells `users` that `event` happened to the thing `ref_id` of `kind`.
/// A failure is logged and swallowed: the step itself already happened.
#[tracing::instrument(skip_all)]
pub async fn notify(
    state: &AppState,
    users: &[i64],
    kind: NoticeKind,
    ref_id: i64,
    event: &str,
    title: &str,
) {
    if users.is_empty() {
        return;
    }
    if let Err(e) = db::add(
        &state.db,
        users,
        kind.as_str(),
        ref_id,
        event,
        title,
        Utc::now(),
    )
    .await
    {
        internal(e);
        return;
    }
    let noticed = Noticed {
        users: users.into(),
    };
    crate::backend::bus::publish_notice(state, &noticed);
    let _ = state.notices.send(noticed);
}

/// A notice that asks someone to act: in the app and, through the configured
/// gateway (`backend::sms`), as a text message to their phone, each one in the
/// audit trail. Failures are logged: the step itself already happened.
#[tracing::instrument(skip_all)]
pub async fn alert(
    state: &AppState,
    users: &[i64],
    kind: NoticeKind,
    ref_id: i64,
    event: &str,
    title: &str,
    street: Option<String>,
) {
    // Disabled accounts are told nothing.
    let mut people = Vec::with_capacity(users.len());
    for &user in users {
        match accounts::user_by_id(&state.db, user).await {
            Ok(Some(p)) if !p.disabled => people.push(p),
            Ok(_) => {}
            Err(e) => {
                internal(e);
            }
        }
    }
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    notify(state, &ids, kind, ref_id, event, title).await;
    let text = format!(
        "【网格通】{}",
        crate::domain::notice::sentence(kind, ref_id, event, title, crate::domain::lang::Lang::Zh)
    );
    for person in people {
        let user = person.id;
        let sms = crate::backend::sms::Sms {
            to_user: user,
            phone: person.phone,
            text: text.clone(),
        };
        if let Err(e) = state.sms.send(&sms).await {
            tracing::warn!(user, error = %e, "text message not sent");
            continue;
        }
        let line = super::audit::record_system(
            state,
            crate::domain::audit::AuditAction::SmsSent,
            super::audit::Target::new(kind.as_str(), ref_id).in_street(street.clone()),
            format!("user {user} via {}: {text}", state.sms.name()),
        )
        .await;
        if let Err(e) = line {
            internal(e);
        }
    }
}

/// The admins of a community, who review what is posted there.
#[tracing::instrument(skip_all, fields(community = community))]
pub async fn reviewers_of(state: &AppState, community: &str) -> Vec<i64> {
    match accounts::users_scoped_to(&state.db, &[community.to_string()]).await {
        Ok(rows) => rows
            .into_iter()
            .filter(|(_, g)| g.role == Role::CommunityAdmin)
            .map(|(u, _)| u.id)
            .collect(),
        Err(e) => {
            internal(e);
            Vec::new()
        }
    }
}

/// The caller's notifications, newest first.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn mine(
    state: &AppState,
    viewer: &Viewer,
    after: Option<i64>,
) -> Result<Vec<NoticeView>, AppError> {
    Ok(db::page(&state.db, viewer.id, after, 30)
        .await?
        .into_iter()
        .filter_map(|n| {
            Some(NoticeView {
                id: n.id,
                kind: NoticeKind::parse(&n.kind)?,
                ref_id: n.ref_id,
                event: n.event,
                title: n.title,
                read: n.read,
                at: n.created_at,
            })
        })
        .collect())
}

#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn unread(state: &AppState, viewer: &Viewer) -> Result<u64, AppError> {
    Ok(db::unread(&state.db, viewer.id).await?)
}

#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn mark_read(state: &AppState, viewer: &Viewer) -> Result<(), AppError> {
    Ok(db::mark_read(&state.db, viewer.id).await?)
}
