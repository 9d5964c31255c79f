//! Domain rules in plain Rust: no IO, compiled for the server and the browser.

pub mod auth;
pub mod code;
pub mod error;
pub mod geography;
pub mod lang;
pub mod person;
pub mod staff;
