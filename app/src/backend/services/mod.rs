//! Use cases: each checks who is asking, then reads or writes through the store.

pub mod activities;
pub mod auth;
pub mod cases;
pub mod geography;
pub mod lists;
pub mod notices;
pub mod photos;
pub mod staff;
pub mod units;
pub mod wishes;

use crate::domain::error::AppError;

/// Logs a store failure with its cause and gives the user a plain message.
pub fn internal(e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "internal error");
    AppError::Internal
}
