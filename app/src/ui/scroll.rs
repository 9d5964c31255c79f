//! Lists keep their place across Back: leaving a list by one of its links saves
//! how far down it was in that history entry; the list, shown again by Back,
//! returns there once its rows are in (the browser's own restoration runs before
//! the rows arrive, on a page still too short to scroll).

use leptos::prelude::GetUntracked;

/// The key in `history.state` (merged with whatever the router keeps there).
#[cfg(feature = "hydrate")]
const KEY: &str = "glScroll";

/// Saves the page's scroll position in the current history entry (call it as a
/// link in the list is followed, before the router moves on).
pub fn remember() {
    #[cfg(feature = "hydrate")]
    {
        use js_sys::{Object, Reflect};
        let Some(window) = web_sys::window() else {
            return;
        };
        let Ok(history) = window.history() else {
            return;
        };
        let state = Object::new();
        if let Ok(old) = history.state() {
            if old.is_object() {
                Object::assign(&state, &Object::from(old));
            }
        }
        // The list's own path goes with it: a list opened by a link renders before
        // the router adds its history entry, so it still sees the entry it came from.
        let saved = Object::new();
        let path = window.location().pathname().unwrap_or_default();
        let _ = Reflect::set(&saved, &"p".into(), &path.into());
        let _ = Reflect::set(
            &saved,
            &"y".into(),
            &window.scroll_y().unwrap_or(0.0).into(),
        );
        let _ = Reflect::set(&state, &KEY.into(), &saved);
        let _ = history.replace_state(&state, "");
    }
}

/// The position saved in the current history entry for the list being built (the
/// router's path), if any: read it when the list is built, before anything
/// replaces the entry's state.
pub fn remembered() -> Option<f64> {
    let path = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    saved_for(&path)
}

fn saved_for(path: &str) -> Option<f64> {
    #[cfg(feature = "hydrate")]
    {
        use js_sys::Reflect;
        let state = web_sys::window()?.history().ok()?.state().ok()?;
        let saved = Reflect::get(&state, &KEY.into()).ok()?;
        let here = Reflect::get(&saved, &"p".into()).ok()?.as_string()?;
        (here == path)
            .then(|| Reflect::get(&saved, &"y".into()).ok()?.as_f64())
            .flatten()
            .filter(|y| *y > 0.0)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = path;
        None
    }
}

/// Scrolls back to `y` after the next frame (once the rows are laid out).
pub fn restore(y: f64) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::prelude::*;
        let Some(window) = web_sys::window() else {
            return;
        };
        let go = Closure::once_into_js(move || {
            if let Some(w) = web_sys::window() {
                w.scroll_to_with_x_and_y(0.0, y);
            }
        });
        let _ = window.request_animation_frame(go.unchecked_ref());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = y;
}
