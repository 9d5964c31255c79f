//! Which pages a phone downloads first and which load on demand.
//!
//! Only the map (`/`) and what every page needs (top bar, session, live notices)
//! are in the first download. Every page is a lazy route: its code is cut into its
//! own WebAssembly chunks by `scripts/build-bundle.sh` (wasm-split at the
//! `#[lazy_route]` points), fetched with the page when it is opened directly (the
//! server names them in `modulepreload` links) or on navigation, and preloaded
//! once the phone is idle (`preload_when_idle`). The report form and the wish wall
//! are preloaded first: they are what a resident opens next, and leaving them out
//! of the first download took 86 KB gzip off it (docs/performance.md). A page added
//! later belongs in `lazy_pages!`.

use leptos::prelude::*;
use leptos_router::ChooseView;
use std::future::Future;
use std::pin::Pin;

/// Every lazy page, and one lazy route per page component: the pages build their
/// own resources, so a route's `data()` carries nothing and the chunk holds the
/// whole page.
///
/// The route table names a page by this one enum rather than by a `Lazy<…>` type
/// per page: with a type per page the router's matching, loading and preloading
/// code was compiled once for every page, all of it in the first download
/// (docs/performance.md, session 26). The `#[lazy_route]` structs stay, in
/// `routes`, because they are where wasm-split cuts each page into its chunk.
macro_rules! lazy_pages {
    ($($name:ident => $page:path),+ $(,)?) => {
        mod routes {
            use leptos::prelude::*;
            use leptos_router::{lazy_route, LazyRoute};
            $(
                pub struct $name;

                #[lazy_route]
                impl LazyRoute for $name {
                    fn data() -> Self {
                        $name
                    }

                    fn view(_this: Self) -> AnyView {
                        view! { <$page/><crate::ui::app::Interactive/> }.into_any()
                    }
                }
            )+
        }

        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Page {
            $($name,)+
        }

        impl Page {
            /// Every page, in the order they are preloaded.
            pub const ALL: &'static [Page] = &[$(Page::$name,)+];
        }

        // Each page's loading is boxed: one await of one type, rather than a
        // state machine holding every page's future (smaller code).
        impl ChooseView for Page {
            fn choose(self) -> impl Future<Output = AnyView> {
                use leptos_router::LazyRoute;
                let view: Pin<Box<dyn Future<Output = AnyView>>> = match self {
                    $(Page::$name => Box::pin(<routes::$name as LazyRoute>::view(routes::$name)),)+
                };
                view
            }

            fn preload(&self) -> impl Future<Output = ()> {
                use leptos_router::LazyRoute;
                let load: Pin<Box<dyn Future<Output = ()>>> = match self {
                    $(Page::$name => Box::pin(<routes::$name as LazyRoute>::preload()),)+
                };
                load
            }
        }
    };
}

lazy_pages! {
    Report => crate::ui::cases::ReportPage,
    Wall => crate::ui::wishes::WallPage,
    Grid => crate::ui::grid_page::GridPage,
    Poster => crate::ui::poster::PosterPage,
    Login => crate::ui::auth::LoginPage,
    Register => crate::ui::auth::RegisterPage,
    Privacy => crate::ui::auth::PrivacyPage,
    Me => crate::ui::me::MePage,
    Admin => crate::ui::admin::AdminPage,
    Audit => crate::ui::audit::AuditPage,
    Cases => crate::ui::cases::CasesPage,
    Board => crate::ui::cases::BoardPage,
    Case => crate::ui::cases::CasePage,
    PostWish => crate::ui::wishes::PostWishPage,
    Wish => crate::ui::wishes::WishPage,
    Service => crate::ui::service::ServicePage,
    Volunteer => crate::ui::service::VolunteerPage,
    Lists => crate::ui::service::ListsPage,
    Patrol => crate::ui::patrol::PatrolPage,
    Dashboard => crate::ui::dashboard::DashboardPage,
    Coverage => crate::ui::coverage::CoveragePage,
    Boundaries => crate::ui::boundaries::BoundariesPage,
    Rosters => crate::ui::rosters::RostersPage,
    Households => crate::ui::households::HouseholdsPage,
    Notices => crate::ui::notices::NoticesPage,
    Topics => crate::ui::topics::TopicsPage,
    Topic => crate::ui::topics::TopicPage,
    Alliance => crate::ui::alliance::AlliancePage,
    Company => crate::ui::alliance::CompanyPage,
    Meetings => crate::ui::meetings::MeetingsPage,
    Meeting => crate::ui::meetings::MeetingPage,
    Sharing => crate::ui::sharing::SharingPage,
}

/// Fetches every lazy page's chunks (the browser caches them), in the order
/// listed, so the next tap finds its page loaded.
pub async fn preload_all() {
    for page in Page::ALL {
        page.preload().await;
    }
}

/// Starts preloading once the page has settled (`settled`: it never competes with
/// the first page or the first taps on it): the report form and the wall, what
/// a resident opens next; then, for a signed-in user, every other page. A visitor
/// who is not signed in gets the rest on tap: all chunks together are ~850 KB gzip
/// (docs/performance.md), more than a first visit should cost a phone.
pub fn preload_when_idle(signed_in: bool) {
    #[cfg(feature = "hydrate")]
    if !saving_data() {
        leptos::task::spawn_local(async move {
            settled().await;
            Page::Report.preload().await;
            Page::Wall.preload().await;
            if signed_in {
                when_idle().await;
                preload_all().await;
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = signed_in;
}

/// Whether the phone asks to save data (the Save-Data setting, or a 2G
/// connection): then pages load only when opened. Browsers without the
/// Network Information API (Safari, Firefox) preload.
#[cfg(feature = "hydrate")]
fn saving_data() -> bool {
    use js_sys::Reflect;
    let Some(window) = web_sys::window() else {
        return true;
    };
    let Ok(connection) = Reflect::get(&window.navigator(), &"connection".into()) else {
        return false;
    };
    if connection.is_undefined() || connection.is_null() {
        return false;
    }
    let save = Reflect::get(&connection, &"saveData".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let slow = Reflect::get(&connection, &"effectiveType".into())
        .ok()
        .and_then(|v| v.as_string())
        .is_some_and(|t| t.ends_with("2g"));
    save || slow
}

/// How long the page stays quiet after hydrating before background work starts.
/// Fetching and instantiating a page's chunks takes the main thread for ~100 ms
/// on this machine, ~0.5 s on a slow phone: right after the map appears is when
/// a person starts panning and tapping, so background work waits until then has
/// passed (docs/performance.md, Lighthouse).
#[cfg(feature = "hydrate")]
const SETTLE_MS: i32 = 5_000;

/// Resolves once the first page is interactive, has been left alone for
/// `SETTLE_MS`, and the browser is idle: the moment for work nobody waits on
/// (preloading pages, installing the service worker).
#[cfg(feature = "hydrate")]
pub(crate) async fn settled() {
    when_idle().await;
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ =
                window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, SETTLE_MS);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    when_idle().await;
}

/// Resolves in the browser's next idle period (`requestIdleCallback`, or two seconds
/// where it is missing, as in Safari).
#[cfg(feature = "hydrate")]
async fn when_idle() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if window.request_idle_callback(&resolve).is_err() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 2_000);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
