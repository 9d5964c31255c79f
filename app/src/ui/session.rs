//! The signed-in user, known before the first byte is rendered.
//!
//! The server resolves the session cookie in a middleware (see
//! `backend::request::PageUser`), renders with it, and embeds it in the page
//! as JSON; the browser starts from that JSON. No resource is involved, so
//! pages never wait on the session while streaming (streaming SSR with
//! several resources per page can stall: leptos-rs/leptos#4851, #4578).

use crate::api::auth::session_user;
use crate::domain::staff::CurrentUser;
use leptos::prelude::*;

/// The id of the `<script type="application/json">` carrying the user.
pub const USER_SCRIPT_ID: &str = "gl-user";

#[derive(Clone, Copy)]
pub struct Session {
    user: RwSignal<Option<CurrentUser>>,
}

/// The user this page was rendered for.
pub fn initial_user() -> Option<CurrentUser> {
    #[cfg(feature = "ssr")]
    {
        crate::backend::request::page_user()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        super::embedded::read::<Option<CurrentUser>>(USER_SCRIPT_ID).flatten()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        None
    }
}

impl Session {
    pub fn provide() -> Session {
        let s = Session {
            user: RwSignal::new(initial_user()),
        };
        provide_context(s);
        s
    }

    /// Asks the server again, after login, logout or a role change.
    pub fn refresh(&self) {
        let user = self.user;
        leptos::task::spawn_local(async move {
            if let Ok(u) = session_user().await {
                user.set(u);
            }
        });
    }

    /// Sets the user from an answer already in hand (login, logout).
    pub fn set(&self, user: Option<CurrentUser>) {
        self.user.set(user);
    }

    pub fn current(&self) -> Option<CurrentUser> {
        self.user.get()
    }

    /// The signed-in person's phone number (whose outbox is theirs), untracked.
    pub fn phone_untracked(&self) -> Option<String> {
        self.user
            .with_untracked(|u| u.as_ref().map(|u| u.phone.clone()))
    }

    /// Whether someone is signed in, without subscribing to changes.
    pub fn signed_in_untracked(&self) -> bool {
        self.user.with_untracked(Option::is_some)
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
