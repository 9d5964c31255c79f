//! The signed-in user as a resource every page can read and refresh.

use crate::api::auth::session_user;
use crate::domain::error::AppError;
use crate::domain::staff::CurrentUser;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Session {
    pub user: Resource<Result<Option<CurrentUser>, AppError>>,
    version: RwSignal<u32>,
}

impl Session {
    pub fn provide() -> Session {
        let version = RwSignal::new(0u32);
        let user = Resource::new(move || version.get(), |_| session_user());
        let s = Session { user, version };
        provide_context(s);
        s
    }

    /// Reloads the user after login, logout or a role change.
    pub fn refresh(&self) {
        self.version.update(|v| *v += 1);
    }

    /// The user once loaded (None while loading or signed out).
    pub fn current(&self) -> Option<CurrentUser> {
        self.user.get().and_then(Result::ok).flatten()
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
