//! 催办 (issue 10): the reporter of an overdue case presses one button, at most
//! once a day; the case's owner and the owner's supervisor are told, and the
//! timeline shows it. The rule is `policy::may_urge`.

use super::auth::Viewer;
use super::cases::{acting_role, announce, facts, notice_title, readable, view};
use super::internal;
use super::notices::alert;
use super::owners::candidates;
use crate::backend::state::AppState;
use crate::backend::store::{accounts, cases as db};
use crate::domain::auth::Role;
use crate::domain::case::CaseView;
use crate::domain::case::DispatchLevel;
use crate::domain::deadline::{due_state, DueState};
use crate::domain::error::AppError;
use crate::domain::geography::StaffPosition;
use crate::domain::notice::NoticeKind;
use crate::domain::policy;
use chrono::{DateTime, Utc};

/// Whether the case is past its deadline now.
pub(super) fn overdue(row: &db::CaseRow, now: DateTime<Utc>) -> bool {
    row.status.is_open()
        && row
            .due_at
            .is_some_and(|d| due_state(row.started_at, d, now) == DueState::Overdue)
}

#[tracing::instrument(skip_all, fields(user = viewer.id, case = id))]
pub async fn urge(state: &AppState, viewer: &Viewer, id: i64) -> Result<CaseView, AppError> {
    let (row, seen) = readable(state, Some(viewer), id).await?;
    let case = facts(&row);
    if case.reporter != Some(viewer.id) {
        return Err(AppError::Forbidden);
    }
    let now = Utc::now();
    if !policy::may_urge(viewer.id, &case, overdue(&row, now)) {
        return Err(AppError::WrongState);
    }
    let event = db::NewEvent {
        actor_id: Some(viewer.id),
        actor_name: viewer.name.clone(),
        actor_role: acting_role(viewer, &case.place).as_str().to_string(),
        action: "urge".into(),
        from_status: Some(row.status),
        to_status: row.status,
        note: String::new(),
        public: true,
    };
    let since = now - policy::URGE_EVERY;
    if !db::append_once_since(&state.db, row.id, &event, since, now).await? {
        let last = db::events(&state.db, row.id)
            .await?
            .into_iter()
            .filter(|e| e.action == "urge" && e.actor_id == Some(viewer.id))
            .map(|e| e.created_at)
            .max()
            .unwrap_or(now);
        let wait = (policy::URGE_EVERY - (now - last)).num_seconds().max(1) as u64;
        return Err(AppError::AlreadyUrged {
            retry_after_secs: wait,
        });
    }
    announce(state, &row);
    let mut to = recipients(state, &row).await;
    to.retain(|u| *u != viewer.id);
    let title = notice_title(state, &row).await;
    alert(
        state,
        &to,
        NoticeKind::Case,
        row.id,
        "urged",
        &title,
        row.street_code.clone(),
    )
    .await;
    view(state, Some(viewer), seen, row).await
}

/// Who is late, by where the case stands: with the grid, its owner (if they may
/// still own the grid's cases; else the grid's first owner) and the grid leader,
/// or the community's admins when the leader owns it; above the grid, whoever
/// holds it (community, street, department, company). The street's admins when
/// nobody else can be found, so an urge always reaches someone.
pub(super) async fn recipients(state: &AppState, row: &db::CaseRow) -> Vec<i64> {
    let mut to = match row.level {
        None | Some(DispatchLevel::Grid) => {
            let roster = match row.grid_code.as_deref() {
                Some(grid) => candidates(state, grid).await.unwrap_or_default(),
                None => Vec::new(),
            };
            let pairs: Vec<_> = roster.iter().map(|s| (s.user_id, s.position)).collect();
            let owner = policy::owner_among(&pairs, row.owner_id);
            let leaders: Vec<i64> = roster
                .iter()
                .filter(|s| s.position == StaffPosition::Leader && Some(s.user_id) != owner)
                .map(|s| s.user_id)
                .collect();
            let mut to: Vec<i64> = owner.into_iter().collect();
            if leaders.is_empty() {
                to.extend(community_admins(state, row).await);
            } else {
                to.extend(leaders);
            }
            to
        }
        Some(DispatchLevel::Community) => community_admins(state, row).await,
        Some(DispatchLevel::Street) => Vec::new(),
        Some(DispatchLevel::Department) => {
            // The lead, and the assisting departments still owing their part
            // (one that reported or sent it back has nothing left to hurry).
            let mut departments: Vec<String> = row.department.iter().cloned().collect();
            match crate::backend::store::whistles::latest_of_case(&state.db, row.id).await {
                Ok(Some(w)) => departments.extend(
                    w.parts
                        .into_iter()
                        .filter(|p| !p.lead && p.state.owing())
                        .map(|p| p.department),
                ),
                Ok(None) => {}
                Err(e) => {
                    internal(e);
                }
            }
            let mut to = Vec::new();
            for d in departments {
                to.extend(holders(state, d, Role::Department).await);
            }
            to
        }
        Some(DispatchLevel::Company) => match row.company_id {
            Some(c) => holders(state, c.to_string(), Role::PropertyCompany).await,
            None => Vec::new(),
        },
    };
    if to.is_empty() {
        if let Some(street) = row.street_code.clone() {
            to = holders(state, street, Role::StreetAdmin).await;
        }
    }
    to.sort_unstable();
    to.dedup();
    to
}

async fn community_admins(state: &AppState, row: &db::CaseRow) -> Vec<i64> {
    match row.community_code.clone() {
        Some(c) => holders(state, c, Role::CommunityAdmin).await,
        None => Vec::new(),
    }
}

/// Active accounts holding `role` for the place or body `scope_ref` names.
async fn holders(state: &AppState, scope_ref: String, role: Role) -> Vec<i64> {
    match accounts::users_scoped_to(&state.db, &[scope_ref]).await {
        Ok(rows) => rows
            .into_iter()
            .filter(|(u, g)| g.role == role && !u.disabled)
            .map(|(u, _)| u.id)
            .collect(),
        Err(e) => {
            internal(e);
            Vec::new()
        }
    }
}
