//! The notification list (消息): what happened to the caller's reports,
//! wishes, claims and registrations. Opening it marks everything read.

use super::auth::{ErrorLine, SignInPrompt};
use super::i18n::{short_time, tr, use_lang, T};
use super::session::use_session;
use crate::api::notices::{mark_notices_read, my_notices};
use crate::domain::notice::NoticeView;
#[allow(unused_imports)]
use crate::ui::i18n::Words as _;
use leptos::prelude::*;
use leptos_router::components::A;

// This page's own words: they load with its code (`i18n::Words`).
crate::ui::i18n::texts! { No {
    NoNotices => "暂无消息。", "No notifications.";
    NoticesTitle => "消息", "Notifications";
} }

#[component]
pub fn NoticesPage() -> impl IntoView {
    let session = use_session();
    view! {
        <div class="session-view">
            {move || match session.current() {
                None => view! { <SignInPrompt/> }.into_any(),
                Some(_) => view! { <NoticeList/> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn NoticeList() -> impl IntoView {
    let lang = use_lang();
    let live = super::live::use_live();
    let rows = RwSignal::new(Vec::<NoticeView>::new());
    let more = RwSignal::new(false);
    let load = Action::new(|after: &Option<i64>| my_notices(*after));
    let error = Signal::derive(move || load.value().get().and_then(Result::err));
    // Reload from the top whenever a new one arrives while the page is open.
    Effect::new(move |_| {
        live.notice_ticks.track();
        rows.set(Vec::new());
        load.dispatch(None);
    });
    Effect::new(move |_| {
        if let Some(Ok(page)) = load.value().get() {
            more.set(page.len() >= 30);
            rows.update(|r| r.extend(page));
            live.unread.set(0);
            leptos::task::spawn_local(async move {
                let _ = mark_notices_read().await;
            });
        }
    });
    let next = move |_| {
        let after = rows.with_untracked(|r| r.last().map(|n| n.id));
        load.dispatch(after);
    };
    view! {
        <section class="cases">
            <h1>{tr(No::NoticesTitle)}</h1>
            <ErrorLine error/>
            <ul class="case-list" data-testid="notices">
                {move || rows.get().into_iter().map(|n| {
                    let text = {
                        let n = n.clone();
                        move || n.text(lang.get())
                    };
                    view! {
                        <li class:unread=!n.read>
                            <A href=n.link()>
                                <span class="case-text">{text}</span>
                                <span class="muted small">{short_time(n.at)}</span>
                            </A>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <Show when=move || rows.with(Vec::is_empty) && !load.pending().get()>
                <p class="notice">{tr(No::NoNotices)}</p>
            </Show>
            <Show when=move || more.get()>
                <button type="button" on:click=next disabled=move || load.pending().get()>{tr(T::LoadMore)}</button>
            </Show>
        </section>
    }
}
