//! Which pages a phone downloads first and which load on demand.
//!
//! The map (`/`), the report form and the wish wall are in the first download; every
//! other page is a lazy route: its code is cut into its own WebAssembly chunk by
//! `scripts/build-site.sh` (wasm-split at the `#[lazy_route]` points), fetched when the
//! page is opened and preloaded once the phone is idle. A page added later belongs in
//! `lazy_pages!` unless it is part of the first minute of a resident's visit.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// One lazy route per page component. The pages build their own resources, so a
/// route's `data()` carries nothing and the chunk holds the whole page.
macro_rules! lazy_pages {
    ($($route:ident => $page:path),+ $(,)?) => {
        $(
            pub struct $route;

            #[lazy_route]
            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                fn view(_this: Self) -> AnyView {
                    view! { <$page/> }.into_any()
                }
            }
        )+

        /// Fetches every lazy page's chunk (the browser caches them), so the next tap
        /// finds its page loaded.
        pub async fn preload_all() {
            $( <$route as LazyRoute>::preload().await; )+
        }
    };
}

lazy_pages! {
    GridRoute => super::grid_page::GridPage,
    LoginRoute => super::auth::LoginPage,
    RegisterRoute => super::auth::RegisterPage,
    PrivacyRoute => super::auth::PrivacyPage,
    MeRoute => super::me::MePage,
    AdminRoute => super::admin::AdminPage,
    AuditRoute => super::audit::AuditPage,
    CasesRoute => super::cases::CasesPage,
    BoardRoute => super::cases::BoardPage,
    CaseRoute => super::cases::CasePage,
    PostWishRoute => super::wishes::PostWishPage,
    WishRoute => super::wishes::WishPage,
    ServiceRoute => super::service::ServicePage,
    VolunteerRoute => super::service::VolunteerPage,
    ListsRoute => super::service::ListsPage,
    NoticesRoute => super::notices::NoticesPage,
}

/// Starts preloading the lazy pages once the browser has nothing better to do
/// (after hydration, so it never competes with the first page).
pub fn preload_when_idle() {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async {
        when_idle().await;
        preload_all().await;
    });
}

/// Resolves in the browser's next idle period (`requestIdleCallback`, or two seconds
/// where it is missing, as in Safari).
#[cfg(feature = "hydrate")]
async fn when_idle() {
    let Some(window) = web_sys::window() else { return };
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if window.request_idle_callback(&resolve).is_err() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 2_000);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
