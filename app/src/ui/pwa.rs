//! The installable app: registers the service worker (`public/sw.js`) once the page
//! has settled (its install fetches the app shell, which must not compete with
//! the first page). Browsers without service workers (or on plain http off localhost)
//! simply go on without one.

pub fn register_service_worker() {
    #[cfg(feature = "hydrate")]
    {
        leptos::task::spawn_local(async move {
            super::pages::settled().await;
            let Some(window) = web_sys::window() else {
                return;
            };
            // A rejected registration (private mode, blocked) must not become an
            // unhandled rejection on the page.
            let promise = window.navigator().service_worker().register("/sw.js");
            if let Err(e) = wasm_bindgen_futures::JsFuture::from(promise).await {
                leptos::logging::warn!("service worker not registered: {e:?}");
            }
        });
    }
}
