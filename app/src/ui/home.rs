//! The home of "我的" (issue 9 item 6): tiles counting what waits for the
//! user, each a link to where it is handled, then shortcuts to what their
//! roles can do. The server decides which tiles a user gets
//! (`services::home`); the shortcuts come from `domain::home::shortcuts`
//! on the grants the page already holds.

use super::auth::ErrorLine;
use super::i18n::{tr, use_lang, T};
use super::session::use_session;
use crate::api::home::my_home;
use crate::domain::home::{shortcuts, HomeKind, Shortcut};
use leptos::prelude::*;
use leptos_router::components::A;

/// The label of a tile.
pub fn kind_label(kind: HomeKind) -> T {
    match kind {
        HomeKind::CasesWaiting => T::HomeCasesWaiting,
        HomeKind::CasesOverdue => T::HomeCasesOverdue,
        HomeKind::WishesToReview => T::HomeWishesToReview,
        HomeKind::MyClaims => T::HomeMyClaims,
        HomeKind::RegistrationsToReview => T::HomeRegistrations,
        HomeKind::MyReports => T::HomeMyReports,
    }
}

/// The label of a shortcut (the same words as the navigation).
pub fn shortcut_label(s: Shortcut) -> T {
    match s {
        Shortcut::Report => T::NavReport,
        Shortcut::PostWish => T::PostWish,
        Shortcut::Cases => T::NavCases,
        Shortcut::Patrol => T::NavPatrol,
        Shortcut::Households => T::NavHouseholds,
        Shortcut::MyHome => T::NavMyHome,
        Shortcut::Dashboard => T::NavDashboard,
        Shortcut::Topics => T::NavTopics,
        Shortcut::Alliance => T::NavAlliance,
        Shortcut::Meetings => T::NavMeetings,
        Shortcut::Sharing => T::NavSharing,
        Shortcut::Service => T::NavService,
        Shortcut::Admin => T::NavAdmin,
    }
}

/// Counts of what waits for the signed-in user, and their shortcuts.
#[component]
pub fn RoleHome() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    // Loaded in the browser: the page renders at once, the counts follow.
    let counts = LocalResource::new(|| async { my_home().await });
    let error = Signal::derive(move || counts.get().and_then(Result::err));
    let tiles = move || {
        counts.get().and_then(Result::ok).map(|home| {
            home.items
                .into_iter()
                .map(|item| {
                    let kind = item.kind;
                    let class = if kind == HomeKind::CasesOverdue && item.count > 0 {
                        "tile urgent"
                    } else {
                        "tile"
                    };
                    view! {
                        <li>
                            <A href=kind.href() attr:class=class attr:data-testid=format!("home-{}", kind.as_str())>
                                <strong class="tile-count">{item.count}</strong>
                                <span class="tile-label">{move || kind_label(kind).get(lang.get())}</span>
                            </A>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let links = move || {
        session
            .current()
            .map(|u| shortcuts(&u.grants))
            .unwrap_or_default()
    };
    view! {
        <section class="card narrow home" data-testid="role-home">
            <h2>{tr(T::HomeWaiting)}</h2>
            <Show when=move || counts.get().is_none()>
                <p class="muted">{tr(T::Loading)}</p>
            </Show>
            <ErrorLine error/>
            <ul class="home-tiles">{tiles}</ul>
            <h2>{tr(T::HomeShortcuts)}</h2>
            <nav class="home-shortcuts" aria-label=tr(T::HomeShortcuts)>
                {move || links().into_iter().map(|s| view! {
                    <A href=s.href() attr:class="button" attr:data-testid=format!("shortcut-{}", s.as_str())>
                        {move || shortcut_label(s).get(lang.get())}
                    </A>
                }).collect_view()}
            </nav>
        </section>
    }
}
