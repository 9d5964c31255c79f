//! GridLink (网格通): party-building-led grid governance.
//!
//! `domain` is plain Rust shared by server and browser; `api` holds the server
//! functions (thin adapters); `ui` renders; `backend` (server only) owns the
//! database, the spatial index and the use cases.
#![recursion_limit = "256"]

pub mod api;
pub mod domain;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod backend;

pub use ui::app::{shell, App};

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // hydrate_lazy: lazy routes (ui/pages.rs) load their chunk before they hydrate.
    leptos::mount::hydrate_lazy(App);
}
