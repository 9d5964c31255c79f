//! Domain rules in plain Rust: no IO, compiled for the server and the browser.

pub mod activity;
pub mod audit;
pub mod auth;
pub mod case;
pub mod code;
pub mod deadline;
pub mod error;
pub mod geography;
pub mod home;
pub mod lang;
pub mod lists;
pub mod notice;
pub mod person;
pub mod policy;
pub mod staff;
pub mod unit;
pub mod wish;
