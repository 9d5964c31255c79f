//! A case's named owner (issue 10): the grid staff member answerable for it
//! while it is with the grid. A new case goes to the grid's full-time worker
//! (the leader when there is none) and that person is told; the grid leader and
//! the admins above reassign it. Who may do what is `domain::policy`.

use super::auth::Viewer;
use super::cases::{acting_role, already_handled, announce, facts, notice_title, readable, view};
use super::notices::alert;
use crate::backend::state::AppState;
use crate::backend::store::{cases as db, geography};
use crate::domain::audit::AuditAction;
use crate::domain::case::{CaseOwner, CaseView};
use crate::domain::error::{AppError, Field, InputProblem};
use crate::domain::notice::NoticeKind;
use crate::domain::policy::{self, CaseAccess};
use chrono::Utc;

/// The people who may own a grid's cases: active leaders and workers on its
/// roster (`policy::may_own`), leader first.
pub(super) async fn candidates(
    state: &AppState,
    grid: &str,
) -> Result<Vec<geography::StaffRow>, AppError> {
    let Some(id) = state.atlas().region_id(grid) else {
        return Ok(Vec::new());
    };
    Ok(geography::roster(&state.db, id)
        .await?
        .into_iter()
        .filter(|s| s.active && policy::may_own(s.position))
        .collect())
}

/// Who a new (or reopened) case at `grid` goes to: `keep` while they may
/// still own the grid's cases, else the grid's first owner.
pub(super) async fn owner_for(
    state: &AppState,
    grid: Option<&str>,
    keep: Option<i64>,
) -> Result<Option<i64>, AppError> {
    let Some(grid) = grid else { return Ok(None) };
    // The atlas's copy of the rosters: a report is the hottest write, and
    // the roster read was a third of its queries.
    Ok(policy::owner_among(
        state.atlas().owner_candidates(grid),
        keep,
    ))
}

/// Tells a case's (new) owner that it is theirs, unless they did it themselves.
pub(super) async fn tell_owner(state: &AppState, viewer: &Viewer, row: &db::CaseRow) {
    tell_owner_of(state, Some(viewer.id), row).await
}

/// Tells the case's owner it is theirs, unless they did it themselves
/// (`by`: who did it; none for another system filing through Open311).
pub(super) async fn tell_owner_of(state: &AppState, by: Option<i64>, row: &db::CaseRow) {
    let Some(owner) = row.owner_id.filter(|o| Some(*o) != by) else {
        return;
    };
    let title = notice_title(state, row).await;
    alert(
        state,
        &[owner],
        NoticeKind::Case,
        row.id,
        "assigned",
        &title,
        row.street_code.clone(),
    )
    .await;
}

/// The owner and, for those who may reassign, the candidates, as `viewer` may
/// see them: names are for staff of the place (`CaseAccess::contact`).
pub(super) async fn for_view(
    state: &AppState,
    viewer: Option<&Viewer>,
    seen: CaseAccess,
    row: &db::CaseRow,
) -> Result<(Option<CaseOwner>, Vec<CaseOwner>), AppError> {
    if !seen.contact() {
        return Ok((None, Vec::new()));
    }
    let assigns = viewer.is_some_and(|v| policy::may_assign(&v.grants, &facts(row)));
    // The whole roster only for those offered the choice; others read one name.
    let roster = match row.grid_code.as_deref() {
        Some(grid) if assigns => candidates(state, grid).await?,
        _ => Vec::new(),
    };
    let as_owner = |s: &geography::StaffRow| CaseOwner {
        id: s.user_id,
        name: s.name.clone(),
        position: Some(s.position),
    };
    let owner = match row.owner_id {
        None => None,
        Some(id) => match roster.iter().find(|s| s.user_id == id) {
            Some(s) => Some(as_owner(s)),
            None => match row.grid_code.as_deref() {
                Some(grid) => owner_on_roster(state, grid, id).await?,
                None => None,
            },
        },
    };
    Ok((owner, roster.iter().map(as_owner).collect()))
}

/// One owner by id, with their place on the grid's roster if they still have one.
async fn owner_on_roster(
    state: &AppState,
    grid: &str,
    id: i64,
) -> Result<Option<CaseOwner>, AppError> {
    let position = match state.atlas().region_id(grid) {
        Some(grid_id) => geography::position_of(&state.db, grid_id, id).await?,
        None => None,
    };
    Ok(crate::backend::store::accounts::user_by_id(&state.db, id)
        .await?
        .map(|u| CaseOwner {
            id,
            name: u.name,
            position,
        }))
}

/// Gives an open grid case to another of the grid's staff. `version` is the
/// one the caller's page showed: a stale page learns who acted meanwhile.
#[tracing::instrument(skip_all, fields(user = viewer.id, case = id))]
pub async fn assign(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    owner: i64,
    version: i64,
) -> Result<CaseView, AppError> {
    let (row, seen) = readable(state, Some(viewer), id).await?;
    let case = facts(&row);
    // The permission first, then the page's version, then the state and the
    // person: a stale page learns who acted, a caller who may not learns nothing.
    if !policy::assigns_at(&viewer.grants, &case.place) {
        return Err(AppError::Forbidden);
    }
    if row.version != version {
        return Err(already_handled(state, seen, row.id).await);
    }
    if !policy::may_assign(&viewer.grants, &case) {
        return Err(AppError::WrongState);
    }
    let grid = row.grid_code.as_deref().ok_or(AppError::WrongState)?;
    if !candidates(state, grid)
        .await?
        .iter()
        .any(|s| s.user_id == owner)
    {
        return Err(AppError::invalid(Field::Owner, InputProblem::Unknown));
    }
    if row.owner_id == Some(owner) {
        // Already theirs: nothing to record.
        return view(state, Some(viewer), seen, row).await;
    }
    let Some(stored) = record_assign(state, viewer, &row, Some(owner)).await? else {
        return Err(already_handled(state, seen, row.id).await);
    };
    // The one it was taken from learns it is no longer theirs (in the app:
    // nothing for them to do, so no text message).
    if let Some(previous) = row.owner_id.filter(|p| *p != viewer.id && *p != owner) {
        let title = notice_title(state, &stored).await;
        super::notices::notify(
            state,
            &[previous],
            NoticeKind::Case,
            stored.id,
            "reassigned_away",
            &title,
        )
        .await;
    }
    super::audit::record(
        state,
        viewer,
        AuditAction::CaseStep,
        super::audit::Target::new("case", row.id).in_street(row.street_code.clone()),
        "assign",
    )
    .await?;
    view(state, Some(viewer), seen, stored).await
}

/// Hands the open cases a person owned at a grid to the grid's next owner
/// when they leave it (taken off the roster or moved): each case gets an
/// "assign" step on its timeline and the new owner is told. Answers how
/// many cases moved. A case that changed meanwhile is left to its own step.
pub async fn hand_on(
    state: &AppState,
    viewer: &Viewer,
    grid: &str,
    leaver: i64,
) -> Result<usize, AppError> {
    let cases = db::open_owned_in(&state.db, grid, leaver).await?;
    if cases.is_empty() {
        return Ok(0);
    }
    let next = owner_for(state, Some(grid), None).await?;
    let mut moved = 0;
    for row in cases {
        moved += usize::from(record_assign(state, viewer, &row, next).await?.is_some());
    }
    Ok(moved)
}

/// [`hand_on`] in each of `grids` now, and once more after every server's
/// atlas has followed the change (`atlas::SYNC_EVERY`, twice over): a report
/// another server took meanwhile may still have named the leaver.
pub async fn hand_on_everywhere(
    state: &AppState,
    viewer: &Viewer,
    grids: Vec<String>,
    leaver: i64,
) -> Result<(), AppError> {
    for grid in &grids {
        hand_on(state, viewer, grid, leaver).await?;
    }
    let (state, viewer) = (state.clone(), viewer.clone());
    tokio::spawn(async move {
        tokio::time::sleep(crate::backend::atlas::SYNC_EVERY * 2).await;
        for grid in &grids {
            if let Err(e) = hand_on(&state, &viewer, grid, leaver).await {
                tracing::warn!(grid, leaver, error = ?e, "open cases not passed on after a roster change");
            }
        }
    });
    Ok(())
}

/// Gives a case to `owner` as an "assign" step on the version `row` holds,
/// tells the new owner and the live pages; the stored case, or `None` when
/// the case changed meanwhile.
async fn record_assign(
    state: &AppState,
    viewer: &Viewer,
    row: &db::CaseRow,
    owner: Option<i64>,
) -> Result<Option<db::CaseRow>, AppError> {
    let case = facts(row);
    let event = db::NewEvent {
        actor_id: Some(viewer.id),
        actor_name: viewer.name.clone(),
        actor_role: acting_role(viewer, &case.place).as_str().to_string(),
        action: "assign".into(),
        from_status: Some(row.status),
        to_status: row.status,
        // No name in the note: departments and companies read internal notes,
        // and an erased account's name must leave timelines. The case shows
        // its owner to those who may see names.
        note: String::new(),
        public: false,
    };
    let change = db::CaseChange {
        owner_id: Some(owner),
        ..Default::default()
    };
    if !db::apply(&state.db, row.id, row.version, &change, &event, Utc::now()).await? {
        return Ok(None);
    }
    let stored = db::case_by_id(&state.db, row.id)
        .await?
        .ok_or(AppError::Internal)?;
    announce(state, &stored);
    tell_owner(state, viewer, &stored).await;
    Ok(Some(stored))
}
