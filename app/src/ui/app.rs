use super::i18n::{tr, use_lang, Locale, T};
use super::map::MapPage;
use super::pages::*;
use super::session::{use_session, Session};
use crate::domain::lang::Lang;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The language of this request (server) or of the page being hydrated (browser).
fn initial_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        crate::backend::request::lang()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"))
            .map(|l| Lang::from_tag(&l))
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Lang::Zh
    }
}

/// The path being rendered (the shell is rendered on the server only).
fn request_path() -> String {
    #[cfg(feature = "ssr")]
    {
        crate::backend::request::path()
    }
    #[cfg(not(feature = "ssr"))]
    {
        String::new()
    }
}

pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = initial_lang();
    let css = format!("/pkg/{}.css", options.output_name);
    let path = request_path();
    let map_page = super::map::driver::shows_map(&path);
    view! {
        <!DOCTYPE html>
        <html lang=lang.tag()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/>
                <meta name="theme-color" content="#c8161d"/>
                <link rel="icon" href="/favicon.ico"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="apple-touch-icon" href="/icons/icon-192.png"/>
                // Leaflet only where a page opened directly shows a map: elsewhere its
                // stylesheet blocked the first paint and its evaluation was a long task
                // (~100 ms under Lighthouse's CPU slowdown on /wishes) for nothing. In-app
                // navigation to a map loads it then (`map::driver::leaflet`).
                {map_page.then(|| view! {
                    <link rel="stylesheet" href=super::map::driver::LEAFLET_CSS/>
                    // Deferred: it runs before the hydration module (document order), so
                    // `L` exists when the map mounts, without blocking the first paint.
                    <script defer src=super::map::driver::LEAFLET_JS></script>
                })}
                <link rel="stylesheet" id="leptos" href=css/>
                <AutoReload options=options.clone()/>
                <super::boot::Bootstrap options/>
                <MetaTags/>
                <script id=super::session::USER_SCRIPT_ID type="application/json" inner_html=super::embedded::json(&super::session::initial_user())></script>
                // The map's settings, for the map page opened directly (`map::initial_settings`).
                {(path == "/").then(|| view! {
                    <script id=super::map::SETTINGS_SCRIPT_ID type="application/json" inner_html=super::embedded::json(&super::map::initial_settings())></script>
                })}
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = RwSignal::new(initial_lang());
    provide_context(Locale(lang));
    let session = Session::provide();
    super::outbox::Outbox::provide(session);
    super::live::provide_live();

    // After the first page is interactive: fetch the other pages' code when idle,
    // and install the service worker.
    Effect::new(move |_| {
        super::pages::preload_when_idle(use_session().signed_in_untracked());
        super::pwa::register_service_worker();
    });
    Effect::new(move |_| {
        let l = lang.get();
        #[cfg(feature = "hydrate")]
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            if let Some(root) = doc.document_element() {
                let _ = root.set_attribute("lang", l.tag());
            }
            doc.set_title(&page_title(l));
        }
        let _ = l;
    });

    view! {
        // A plain string, not a closure over `lang`: leptos_meta reads the title after
        // the page has rendered, outside the request's reactive arena, and reading the
        // signal there panicked under concurrent requests ("the `sandboxed-arenas`
        // feature is active, but no Arena is active": the page's connection was reset).
        // The browser follows a language switch in the effect above.
        <Title text=page_title(lang.get_untracked())/>
        <Router>
            <TopBar/>
            <super::outbox::OutboxStatus/>
            <main class="page">
                // Public pages wait for their data and come as one finished HTML page
                // (not streamed): readable before the WebAssembly, and in a link
                // preview (WeChat reads the HTML, it runs no script).
                <Routes fallback=|| view! { <p class="notice">{tr(T::NotFoundPage)}</p><Interactive/> }>
                    <Route path=path!("/") view=|| view! { <MapPage/><Interactive/> }/>
                    <Route path=path!("/grid/:code") view=Page::Grid ssr=SsrMode::Async/>
                    <Route path=path!("/grid/:code/poster") view=Page::Poster ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=Page::Login/>
                    <Route path=path!("/register") view=Page::Register/>
                    <Route path=path!("/privacy") view=Page::Privacy/>
                    <Route path=path!("/me") view=Page::Me/>
                    <Route path=path!("/admin") view=Page::Admin/>
                    <Route path=path!("/audit") view=Page::Audit/>
                    <Route path=path!("/report") view=Page::Report/>
                    <Route path=path!("/cases") view=Page::Cases/>
                    <Route path=path!("/board") view=Page::Board ssr=SsrMode::Async/>
                    <Route path=path!("/case/:id") view=Page::Case/>
                    <Route path=path!("/wishes") view=Page::Wall ssr=SsrMode::Async/>
                    <Route path=path!("/wishes/new") view=Page::PostWish/>
                    <Route path=path!("/wish/:id") view=Page::Wish/>
                    <Route path=path!("/service") view=Page::Service/>
                    <Route path=path!("/volunteer") view=Page::Volunteer/>
                    <Route path=path!("/lists") view=Page::Lists/>
                    <Route path=path!("/notices") view=Page::Notices/>
                    <Route path=path!("/patrol") view=Page::Patrol/>
                    <Route path=path!("/dashboard") view=Page::Dashboard/>
                    <Route path=path!("/coverage") view=Page::Coverage/>
                    <Route path=path!("/boundaries") view=Page::Boundaries/>
                    <Route path=path!("/rosters") view=Page::Rosters/>
                    <Route path=path!("/households") view=Page::Households/>
                    <Route path=path!("/topics") view=Page::Topics/>
                    <Route path=path!("/topics/:id") view=Page::Topic/>
                    <Route path=path!("/alliance") view=Page::Alliance/>
                    <Route path=path!("/alliance/:id") view=Page::Company/>
                    <Route path=path!("/meetings") view=Page::Meetings/>
                    <Route path=path!("/meetings/:id") view=Page::Meeting/>
                    <Route path=path!("/sharing") view=Page::Sharing/>
                </Routes>
            </main>
        </Router>
    }
}

/// The document's title in `lang`.
fn page_title(lang: Lang) -> String {
    format!("{} · {}", T::AppName.get(lang), T::Tagline.get(lang))
}

/// Flips the language and remembers it in a cookie for server rendering.
fn switch_language(lang: RwSignal<Lang>) {
    let next = match lang.get_untracked() {
        Lang::Zh => Lang::En,
        Lang::En => Lang::Zh,
    };
    lang.set(next);
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(doc) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
        {
            let _ = doc.set_cookie(&format!(
                "lang={}; Path=/; Max-Age=31536000; SameSite=Lax",
                next.tag()
            ));
        }
    }
}

#[component]
fn TopBar() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let is_staff = move || {
        session
            .current()
            .is_some_and(|u| crate::domain::policy::opens_admin(&u.grants))
    };
    let live = super::live::use_live();
    let unread = Signal::derive(move || live.unread.get());
    let unseen = Signal::derive(move || u64::from(live.unseen.get()));
    // One set of links: a top bar on wide screens, a bottom tab bar for thumbs on
    // phones (style/main.css). The tab bar holds 地图 上报 心愿 消息 我的; the staff
    // pages (事件 服务 管理) are `wide-only` there and reached from 我的's home.
    view! {
        <header class="topbar">
            <a href="/" class="brand">
                <span class="brand-mark">"网"</span>
                <span class="brand-name">{tr(T::AppName)}</span>
            </a>
            <nav class="topnav" aria-label=move || T::NavMain.get(lang.get())>
                {tab("/", "tab", "nav-map", "◎", T::NavMap, None)}
                {tab("/report", "tab", "nav-report", "＋", T::TabReport, None)}
                {tab("/wishes", "tab", "nav-wishes", "♡", T::TabWishes, None)}
                {move || {
                    if session.current().is_some() {
                        view! {
                            {tab("/cases", "tab wide-only", "nav-cases", "", T::NavCases, None)}
                            {tab("/service", "tab wide-only", "nav-service", "", T::NavService, None)}
                            {is_staff().then(|| tab("/admin", "tab wide-only", "", "", T::NavAdmin, None))}
                            {tab("/notices", "tab", "nav-notices", "✉", T::NavNotices, Some(("unread", unread)))}
                            // Cases changed since last seen: the home under 我的 lists them.
                            {tab("/me", "tab", "nav-me", "☺", T::NavMe, Some(("unseen", unseen)))}
                        }
                            .into_any()
                    } else {
                        tab("/login", "tab", "nav-login", "☺", T::NavLogin, None).into_any()
                    }
                }}
            </nav>
            <button class="lang-switch" type="button" on:click=move |_| switch_language(lang)>
                {tr(T::SwitchLang)}
            </button>
        </header>
    }
}

/// One link of the bar: its icon, its label and, for `badge`, a count shown when
/// above zero (`data-testid` is the badge's name). A plain `<a>`, marked
/// `aria-current` while its page is shown: the router takes a click on any of
/// our links in-app, and `<A>` was compiled anew for every link, ~25 KB of the
/// first download before optimisation (docs/performance.md, session 26).
fn tab(
    href: &'static str,
    class: &'static str,
    testid: &'static str,
    icon: &'static str,
    label: T,
    badge: Option<(&'static str, Signal<u64>)>,
) -> AnyView {
    let location = leptos_router::hooks::use_location();
    let current = move || {
        location
            .pathname
            .with(|path| shows(href, path))
            .then_some("page")
    };
    view! {
        <a href=href class=class data-testid=(!testid.is_empty()).then_some(testid) aria-current=current>
            {(!icon.is_empty()).then(|| view! { <span class="tab-icon" aria-hidden="true">{icon}</span> })}
            {tr(label)}
            {badge.map(|(name, count)| move || {
                let n = count.get();
                (n > 0).then(|| view! { <span class="count" data-testid=name>{n}</span> })
            })}
        </a>
    }
    .into_any()
}

/// Whether the page at `path` is `href`'s or lies under it (`/wishes` for
/// `/wishes/new`, not for `/wishesx`); `/` only for itself.
fn shows(href: &str, path: &str) -> bool {
    let path = path
        .strip_suffix('/')
        .filter(|p| !p.is_empty())
        .unwrap_or(path);
    match path.strip_prefix(href) {
        Some("") => true,
        Some(rest) => href != "/" && rest.starts_with('/'),
        None => false,
    }
}

/// Marks the page interactive (`<body data-hydrated>`) once the route's own view
/// has hydrated: a lazy route hydrates after its chunk arrives, later than the
/// app around it, and a tap before then would be lost. Tests and scripts wait for
/// the marker; `data-hydrated-at` keeps when the first page got there.
#[component]
pub fn Interactive() -> impl IntoView {
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            if !body.has_attribute("data-hydrated-at") {
                let now = web_sys::window()
                    .and_then(|w| w.performance())
                    .map(|p| p.now())
                    .unwrap_or(0.0);
                let _ = body.set_attribute("data-hydrated-at", &format!("{now:.1}"));
            }
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::shows;

    #[test]
    fn a_tab_is_current_on_its_page_and_the_pages_under_it() {
        assert!(shows("/", "/"));
        assert!(!shows("/", "/wishes"));
        assert!(shows("/wishes", "/wishes"));
        assert!(shows("/wishes", "/wishes/"));
        assert!(shows("/wishes", "/wishes/new"));
        assert!(!shows("/wishes", "/wishesx"));
        assert!(!shows("/wishes", "/"));
        assert!(!shows("/me", "/meetings"));
    }
}
