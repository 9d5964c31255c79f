//! Use cases: each checks who is asking, then reads or writes through the store.

pub mod activities;
pub mod audit;
pub mod auth;
pub mod cases;
pub mod departments;
pub mod geography;
pub mod home;
pub mod lists;
pub mod notices;
pub mod photos;
pub mod staff;
pub mod units;
pub mod wishes;

use crate::domain::error::{AppError, Field, InputProblem};

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
    let t = s.trim().to_string();
    if required && t.is_empty() {
        return Err(AppError::invalid(field, InputProblem::Required));
    }
    if t.chars().count() > max {
        return Err(AppError::invalid(field, InputProblem::TooLong));
    }
    Ok(t)
}
