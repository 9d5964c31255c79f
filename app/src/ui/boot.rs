//! How the browser starts the app: the page arrives server-rendered and readable;
//! the WebAssembly that makes it interactive is requested only after that first
//! paint.
//!
//! Leptos's `HydrationScripts` puts `<link rel=preload>` for the bundle (and for a
//! lazy page's chunks) in the head, so a phone on a slow link downloads ~350 KB of
//! WebAssembly alongside the styles the first paint waits for; Lighthouse's
//! simulation counted all of it into the Largest Contentful Paint (3.2 s on `/`,
//! 5.1 s on `/wishes`, docs/performance.md). Here nothing is fetched before the
//! first frame; a lazy page's chunks are fetched by the split loader when the
//! page hydrates.

use leptos::prelude::*;

#[component]
pub fn Bootstrap(options: LeptosOptions) -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    let pkg = format!("/{}/{}", options.site_pkg_dir, options.output_name);
    // requestAnimationFrame runs just before the first frame is drawn (never while
    // the styles still block rendering); the timeout after it runs once that frame
    // is on screen.
    let script = format!(
        "requestAnimationFrame(() => setTimeout(() => import('{pkg}.js')\
         .then((m) => m.default({{ module_or_path: '{pkg}.wasm' }}).then(() => m.hydrate()))));"
    );
    view! { <script type="module" nonce=nonce>{script}</script> }
}
