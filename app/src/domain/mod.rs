//! Domain rules in plain Rust: no IO, compiled for the server and the browser.

pub mod activity;
pub mod alarm;
pub mod assessment;
pub mod audit;
pub mod auth;
pub mod case;
pub mod code;
pub mod deadline;
pub mod error;
pub mod export;
pub mod geography;
pub mod home;
pub mod lang;
pub mod lists;
pub mod notice;
pub mod patrol;
pub mod person;
pub mod policy;
pub mod staff;
pub mod unit;
pub mod whistle;
pub mod wish;

/// Rows in one page of a keyset-paged list (the board, the wall, the queues):
/// the server cuts pages at it, the browser offers "more" when a page is full.
pub const PAGE: u64 = 20;
