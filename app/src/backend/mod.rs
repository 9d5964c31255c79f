//! Server-only code: store, services, spatial index, sessions.

pub mod atlas;
pub mod blob;
pub mod bus;
pub mod cache;
pub mod demo;
pub mod demo_cases;
pub mod demo_households;
pub mod demo_meetings;
pub mod demo_patrols;
pub mod demo_sharing;
pub mod demo_topics;
pub mod demo_wishes;
pub mod geo;
pub mod hex;
pub mod http;
pub mod import;
pub mod open311;
pub mod password;
pub mod photo;
pub mod poster;
pub mod ratelimit;
pub mod request;
pub mod sealed;
pub mod services;
pub mod sessions;
pub mod sms;
pub mod state;
pub mod store;

pub use state::{AppState, Config};
