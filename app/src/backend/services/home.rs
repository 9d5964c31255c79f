//! The home of "我的": how many things wait for the caller, by kind. Each
//! kind comes from the caller's grants through the policy, and each count
//! is the store's count over the same scope its list reads, so a tile
//! never counts what the page it links to would not show. Counts only:
//! no name, phone or text leaves here.

use super::auth::Viewer;
use crate::backend::state::AppState;
use crate::backend::store::{cases as case_store, units as unit_store, wishes as wish_store};
use crate::domain::auth::Role;
use crate::domain::case::{CaseStatus, Queue};
use crate::domain::error::AppError;
use crate::domain::home::{HomeCounts, HomeKind};
use crate::domain::policy;
use crate::domain::wish::{unit_of, WishStatus};
use chrono::Utc;

/// What waits for the caller, for the kinds their roles bring.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn my_home(state: &AppState, viewer: &Viewer) -> Result<HomeCounts, AppError> {
    let mut home = HomeCounts::default();
    let atlas = state.atlas();
    let place_of = |c: &str| atlas.place_of(c);
    let open: Vec<CaseStatus> = CaseStatus::ALL
        .into_iter()
        .filter(|s| s.is_open())
        .collect();

    // Staff inboxes: open cases where the caller acts, overdue ones in all.
    let inboxes = policy::inboxes(&viewer.grants, place_of);
    if !inboxes.is_empty() {
        let waiting_filter = case_store::Filter {
            statuses: open.clone(),
            ..Default::default()
        };
        // `due_before` keeps open cases only.
        let overdue_filter = case_store::Filter {
            due_before: Some(Utc::now()),
            ..Default::default()
        };
        // Each case once, however many of the caller's queues hold it.
        let (mut acting, mut reading) = (Vec::new(), Vec::new());
        for inbox in &inboxes {
            // The same rule the queue itself applies.
            let Some(scope) =
                policy::queue_scope(viewer.id, &viewer.grants, &inbox.queue, place_of)
            else {
                continue;
            };
            let scope: case_store::Scope = scope.into();
            if inbox.acts {
                acting.push(scope.clone());
            }
            reading.push(scope);
        }
        if !acting.is_empty() {
            let waiting = case_store::count_in_any(&state.db, &acting, &waiting_filter).await?;
            home.push(HomeKind::CasesWaiting, waiting);
        }
        let overdue = case_store::count_in_any(&state.db, &reading, &overdue_filter).await?;
        home.push(HomeKind::CasesOverdue, overdue);
    }

    // Wishes waiting for the community's review: the communities the user runs as
    // community admin, one review tab each on 服务 (ui/service.rs), so the tile
    // counts exactly what those tabs list. (Street and system admins may review
    // too, but have no such list yet: a tile would promise what no page shows.)
    let wish_communities: Vec<String> = super::wishes::reviewed_communities(state, &viewer.grants)
        .into_iter()
        .filter(|c| {
            viewer.grants.iter().any(|g| {
                g.role == crate::domain::auth::Role::CommunityAdmin
                    && g.scope == crate::domain::auth::Scope::Community(c.clone())
            })
        })
        .collect();
    if !wish_communities.is_empty() {
        let pending = wish_store::count_in(
            &state.db,
            &wish_store::Scope::Communities(wish_communities),
            &wish_store::Filter {
                status: Some(WishStatus::Pending),
                ..Default::default()
            },
        )
        .await?;
        home.push(HomeKind::WishesToReview, pending);
    }

    // Unit registrations and member reports waiting for the caller.
    let reviewed = super::units::reviewed_communities(state, &viewer.grants);
    if !reviewed.is_empty() {
        let n = unit_store::pending_units(&state.db, &reviewed, viewer.id).await?
            + unit_store::pending_members(&state.db, &reviewed, viewer.id).await?;
        home.push(HomeKind::RegistrationsToReview, n);
    }

    // Claims the caller (or the unit they run) holds: the "claimed" list.
    if policy::claims_wishes(&viewer.grants) {
        let held = wish_store::count_in(
            &state.db,
            &wish_store::Scope::Claimed {
                user: viewer.id,
                unit: unit_of(&viewer.grants, Role::UnitAdmin),
            },
            &wish_store::Filter {
                status: Some(WishStatus::Claimed),
                ..Default::default()
            },
        )
        .await?;
        home.push(HomeKind::MyClaims, held);
    }

    // Everyone signed in reports as a resident (`policy::may_file`).
    if let Some(mine) = policy::queue_scope(viewer.id, &viewer.grants, &Queue::Mine, place_of) {
        let filter = case_store::Filter {
            statuses: open,
            ..Default::default()
        };
        let mine: case_store::Scope = mine.into();
        let n = case_store::count_in(&state.db, &mine, &filter).await?;
        home.push(HomeKind::MyReports, n);
    }
    Ok(home)
}
