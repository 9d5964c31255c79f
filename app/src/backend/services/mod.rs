//! Use cases: each checks who is asking, then reads or writes through the store.

pub mod activities;
pub mod alliance;
pub mod assessment;
pub mod audit;
pub mod auth;
pub mod boundaries;
pub mod cases;
pub mod deadlines;
pub mod departments;
pub mod exchange;
pub mod exports;
pub mod geography;
pub mod home;
pub mod household_import;
pub mod households;
pub mod lists;
pub mod meetings;
pub mod notices;
pub mod open311;
pub mod open311_clients;
pub mod owners;
pub mod patrols;
pub mod photos;
pub mod sharing;
pub mod staff;
pub mod topics;
pub mod units;
pub mod urge;
pub mod whistles;
pub mod wishes;

use crate::domain::error::{AppError, Field};

/// Logs a failure that is not the database's (a blob store, a blocking
/// task, password hashing) with its cause and where it happened, and gives
/// the user a plain message. Database errors need none of this: `?` turns
/// them into `AppError::Internal` the same way (see `store`).
///
/// Call it directly or in a closure, `.map_err(|e| internal(e))`: passed
/// as `.map_err(internal)` it would log a place inside the standard library.
#[track_caller]
pub fn internal(e: impl std::fmt::Display) -> AppError {
    let at = std::panic::Location::caller();
    tracing::error!(error = %e, %at, "internal error");
    AppError::Internal
}

/// A text field as users type it: trimmed; refused when required and
/// empty, or longer than `max` characters (never cut silently).
pub fn text(s: &str, field: Field, max: usize, required: bool) -> Result<String, AppError> {
    match crate::domain::error::text_problem(s, max, required) {
        Some(problem) => Err(AppError::invalid(field, problem)),
        None => Ok(s.trim().to_string()),
    }
}

/// The place of a community by its code; none for a code that is not one.
pub(crate) fn community_place(
    state: &crate::backend::state::AppState,
    code: &str,
) -> Option<crate::domain::auth::Place> {
    state
        .atlas()
        .place_of(code)
        .filter(|p| p.community.as_deref() == Some(code) && p.grid.is_none())
}

/// Refuses a form with the first of its problems (the form itself shows them all).
pub fn first_problem(problems: crate::domain::error::Problems) -> Result<(), AppError> {
    match problems.into_iter().next() {
        Some((field, problem)) => Err(AppError::invalid(field, problem)),
        None => Ok(()),
    }
}

/// The places the caller is staff of (code, name): each grid, community
/// or street of their grants, every street for a district-wide role. What
/// they may read there is `policy`'s to say (patrol work, household records).
pub fn staff_areas(
    state: &crate::backend::state::AppState,
    viewer: &auth::Viewer,
) -> Vec<(String, String)> {
    use crate::domain::auth::Scope;
    let atlas = state.atlas();
    let mut codes: Vec<String> = Vec::new();
    for g in viewer.grants.iter().filter(|g| g.role.is_place_staff()) {
        match &g.scope {
            Scope::Grid(c) | Scope::Community(c) | Scope::Street(c) => codes.push(c.clone()),
            Scope::Everywhere => codes.extend(atlas.streets()),
            _ => {}
        }
    }
    codes.dedup();
    codes
        .into_iter()
        .filter_map(|c| atlas.name_of(&c).map(|n| (c.clone(), n.to_string())))
        .collect()
}
