//! Live updates: one server-sent-events stream per signed-in browser. Pages
//! read [`Live`] and reload what they show when a case they show changes.

use super::session::use_session;
use crate::domain::case::CaseStatus;
use leptos::prelude::*;
use serde::Deserialize;

/// A case changed (as the stream tells it).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct CaseNotice {
    pub case_id: i64,
    pub status: CaseStatus,
}

/// The latest notices, newest first, and how many arrived unseen.
#[derive(Clone, Copy)]
pub struct Live {
    pub notices: RwSignal<Vec<CaseNotice>>,
    pub unseen: RwSignal<u32>,
    /// Unread notifications (消息): the server's count, plus live arrivals.
    pub unread: RwSignal<u64>,
    /// Bumped whenever a notification arrives, for pages to reload on.
    pub notice_ticks: RwSignal<u32>,
}

pub fn use_live() -> Live {
    use_context::<Live>().unwrap_or(Live {
        notices: RwSignal::new(Vec::new()),
        unseen: RwSignal::new(0),
        unread: RwSignal::new(0),
        notice_ticks: RwSignal::new(0),
    })
}

/// Opens the stream while someone is signed in; closes it on sign-out.
pub fn provide_live() {
    let live = Live {
        notices: RwSignal::new(Vec::new()),
        unseen: RwSignal::new(0),
        unread: RwSignal::new(0),
        notice_ticks: RwSignal::new(0),
    };
    provide_context(live);
    let session = use_session();
    Effect::new(move |before: Option<Option<String>>| {
        let now = session.current().map(|u| u.phone);
        // Someone else (or nobody) on this phone now: nothing of the last
        // person's notices or counts stays in view, even if a request fails.
        if before.is_some_and(|b| b != now) {
            live.notices.set(Vec::new());
            live.unseen.set(0);
            live.unread.set(0);
        }
        imp::disconnect();
        if let Some(phone) = now.clone() {
            leptos::task::spawn_local(connect(live, session, phone));
        }
        now
    });
}

/// Reads the unread count and opens the stream. Its own chunk (`#[lazy]`):
/// a visitor who is not signed in never needs it, and the code that reads
/// the stream stays out of the first download.
#[leptos::lazy]
async fn connect(live: Live, session: super::session::Session, phone: String) {
    // Whoever signed in meanwhile (or out) has their own call: this one's
    // count and stream are not theirs.
    let still = move || session.phone_untracked().as_deref() == Some(phone.as_str());
    let unread = crate::api::notices::unread_notices().await;
    if !still() {
        return;
    }
    if let Ok(n) = unread {
        live.unread.try_set(n);
    }
    imp::connect(
        move |n| {
            live.notices.update(|v| {
                v.insert(0, n);
                v.truncate(20);
            });
            live.unseen.update(|u| *u += 1);
        },
        move || {
            live.unread.update(|u| *u += 1);
            live.notice_ticks.update(|t| *t += 1);
        },
    );
}

#[cfg(feature = "hydrate")]
mod imp {
    use super::CaseNotice;
    use std::cell::RefCell;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    thread_local! {
        static SOURCE: RefCell<Option<web_sys::EventSource>> = const { RefCell::new(None) };
    }

    /// Closes the stream, if one is open.
    pub fn disconnect() {
        if let Some(old) = SOURCE.with(|s| s.borrow_mut().take()) {
            old.close();
        }
    }

    pub fn connect(notify: impl Fn(CaseNotice) + 'static, noticed: impl Fn() + 'static) {
        disconnect();
        let Ok(source) = web_sys::EventSource::new("/api/v1/stream") else {
            return;
        };
        let handler =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                if let Some(n) = e
                    .data()
                    .as_string()
                    .and_then(|d| serde_json::from_slice::<CaseNotice>(d.as_bytes()).ok())
                {
                    notify(n);
                }
            });
        let _ = source.add_event_listener_with_callback("case", handler.as_ref().unchecked_ref());
        handler.forget();
        let on_notice =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |_: web_sys::MessageEvent| {
                noticed()
            });
        let _ =
            source.add_event_listener_with_callback("notice", on_notice.as_ref().unchecked_ref());
        on_notice.forget();
        // Marks the page for tests: live updates are connected.
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body.set_attribute("data-live", "true");
        }
        SOURCE.with(|s| *s.borrow_mut() = Some(source));
    }
}

#[cfg(not(feature = "hydrate"))]
mod imp {
    pub fn disconnect() {}

    pub fn connect(_notify: impl Fn(super::CaseNotice) + 'static, _noticed: impl Fn() + 'static) {}
}
