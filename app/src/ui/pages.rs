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
                    view! { <$page/><super::app::Interactive/> }.into_any()
                }
            }
        )+

        /// Fetches every lazy page's chunks (the browser caches them), in the order
        /// listed, so the next tap finds its page loaded.
        pub async fn preload_all() {
            $( <$route as LazyRoute>::preload().await; )+
        }
    };
}

lazy_pages! {
    ReportRoute => super::cases::ReportPage,
    WallRoute => super::wishes::WallPage,
    GridRoute => super::grid_page::GridPage,
    PosterRoute => super::poster::PosterPage,
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
    PatrolRoute => super::patrol::PatrolPage,
    DashboardRoute => super::dashboard::DashboardPage,
    CoverageRoute => super::coverage::CoveragePage,
    BoundariesRoute => super::boundaries::BoundariesPage,
    RostersRoute => super::rosters::RostersPage,
    HouseholdsRoute => super::households::HouseholdsPage,
    NoticesRoute => super::notices::NoticesPage,
    TopicsRoute => super::topics::TopicsPage,
    TopicRoute => super::topics::TopicPage,
    AllianceRoute => super::alliance::AlliancePage,
    CompanyRoute => super::alliance::CompanyPage,
    MeetingsRoute => super::meetings::MeetingsPage,
    MeetingRoute => super::meetings::MeetingPage,
    SharingRoute => super::sharing::SharingPage,
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
            <ReportRoute as LazyRoute>::preload().await;
            <WallRoute as LazyRoute>::preload().await;
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
