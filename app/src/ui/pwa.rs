//! The installable app: registers the service worker (`public/sw.js`) once the page
//! is interactive. Browsers without service workers (or on plain http off localhost)
//! simply go on without one.

pub fn register_service_worker() {
    #[cfg(feature = "hydrate")]
    {
        let Some(window) = web_sys::window() else {
            return;
        };
        let container = window.navigator().service_worker();
        // A rejected registration (private mode, blocked) must not become an
        // unhandled rejection on the page.
        let promise = container.register("/sw.js");
        leptos::task::spawn_local(async move {
            if let Err(e) = wasm_bindgen_futures::JsFuture::from(promise).await {
                leptos::logging::warn!("service worker not registered: {e:?}");
            }
        });
    }
}
