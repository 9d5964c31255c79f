//! 催办 (issue 10): the reporter of an overdue case presses one button, at most
//! once a day; the case's owner and the owner's supervisor are told, and the
//! timeline shows it. The rule is `policy::may_urge`.

use super::auth::Viewer;
use super::cases::{access, acting_role, announce, facts, settings, view};
use super::notices::{notify, reviewers_of};
use super::owners::candidates;
use crate::backend::state::AppState;
use crate::backend::store::cases as db;
use crate::domain::case::CaseView;
use crate::domain::deadline::{due_state, DueState};
use crate::domain::error::AppError;
use crate::domain::geography::StaffPosition;
use crate::domain::notice::NoticeKind;
use crate::domain::policy::{self, CaseAccess};
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
    // Two presses at once: the second re-reads and meets the once-a-day rule.
    for _ in 0..3 {
        let row = db::case_by_id(&state.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let seen = access(Some(viewer), &row);
        if seen == CaseAccess::None {
            return Err(AppError::NotFound);
        }
        let case = facts(&row);
        if case.reporter != Some(viewer.id) {
            return Err(AppError::Forbidden);
        }
        let now = Utc::now();
        if !policy::may_urge(viewer.id, &case, overdue(&row, now)) {
            return Err(AppError::WrongState);
        }
        let last = db::events(&state.db, row.id)
            .await?
            .into_iter()
            .filter(|e| e.action == "urge" && e.actor_id == Some(viewer.id))
            .map(|e| e.created_at)
            .max();
        if let Some(last) = last.filter(|l| now - *l < policy::URGE_EVERY) {
            let wait = (policy::URGE_EVERY - (now - last)).num_seconds().max(1) as u64;
            return Err(AppError::AlreadyUrged {
                retry_after_secs: wait,
            });
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
        // Through the version, so two presses cannot both pass the check above.
        let change = db::CaseChange::default();
        if !db::apply(&state.db, row.id, row.version, &change, &event, now).await? {
            continue;
        }
        let stored = db::case_by_id(&state.db, row.id)
            .await?
            .ok_or(AppError::Internal)?;
        announce(state, &stored);
        tell(state, &stored).await;
        return view(state, Some(viewer), seen, stored).await;
    }
    Err(AppError::Busy {
        retry_after_secs: 2,
    })
}

/// The owner (the grid's first owner when none is named) and their supervisor:
/// the grid's leader, or the community's admins when the leader owns it or the
/// case lies in no grid.
async fn tell(state: &AppState, row: &db::CaseRow) {
    let roster = match row.grid_code.as_deref() {
        Some(grid) => candidates(state, grid).await.unwrap_or_default(),
        None => Vec::new(),
    };
    let owner = row.owner_id.or_else(|| {
        let pairs: Vec<_> = roster.iter().map(|s| (s.user_id, s.position)).collect();
        policy::first_owner(&pairs)
    });
    let mut to: Vec<i64> = owner.into_iter().collect();
    let leaders: Vec<i64> = roster
        .iter()
        .filter(|s| s.position == StaffPosition::Leader && Some(s.user_id) != owner)
        .map(|s| s.user_id)
        .collect();
    if leaders.is_empty() {
        if let Some(community) = row.community_code.as_deref() {
            to.extend(reviewers_of(state, community).await);
        }
    } else {
        to.extend(leaders);
    }
    to.sort_unstable();
    to.dedup();
    let title = match settings(state).await {
        Ok(s) => s.names.get(&row.category_id).cloned().unwrap_or_default(),
        Err(_) => String::new(),
    };
    notify(state, &to, NoticeKind::Case, row.id, "urged", &title).await;
}
