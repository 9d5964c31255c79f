//! Use cases: each checks who is asking, then reads or writes through the store.

pub mod activities;
pub mod assessment;
pub mod audit;
pub mod auth;
pub mod cases;
pub mod deadlines;
pub mod departments;
pub mod exports;
pub mod geography;
pub mod home;
pub mod lists;
pub mod notices;
pub mod owners;
pub mod patrols;
pub mod photos;
pub mod staff;
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

/// Refuses a form with the first of its problems (the form itself shows them all).
pub fn first_problem(problems: crate::domain::error::Problems) -> Result<(), AppError> {
    match problems.into_iter().next() {
        Some((field, problem)) => Err(AppError::invalid(field, problem)),
        None => Ok(()),
    }
}
