//! Server functions: the thin API. Each one finds the caller, calls one
//! service, and maps the result; the rules live in `domain` and `backend`.

pub mod account;
pub mod alliance;
pub mod assessment;
pub mod audit;
pub mod auth;
pub mod boundaries;
pub mod cases;
pub mod departments;
pub mod exchange;
pub mod geography;
pub mod home;
pub mod households;
pub mod meetings;
pub mod notices;
pub mod open311;
pub mod patrols;
pub mod service;
pub mod sharing;
pub mod staff;
pub mod topics;
pub mod wishes;
