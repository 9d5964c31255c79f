//! Use cases: each checks who is asking, then reads or writes through the store.

pub mod auth;
pub mod cases;
pub mod geography;
pub mod staff;

use crate::domain::error::AppError;

/// Logs a store failure with its cause and gives the user a plain message.
pub fn internal(e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "internal error");
    AppError::Internal
}
