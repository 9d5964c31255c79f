//! A spot in a page that code from a lazily loaded chunk fills.

use leptos::prelude::*;

/// Where a view appears only after someone acts (the tapped grid's card, the
/// places a search found, the grid "locate me" found): the page renders an
/// empty element with the slot's id, and a `#[lazy]` function builds the view
/// and [`fill`](Slot::fill)s it. The view's code, its signals and its elements
/// then stay out of the first download: each kind of signal or element a page
/// holds brings its own copy of the framework's code (docs/performance.md,
/// session 26). Nothing is rendered on the server, so hydration never meets it.
#[derive(Clone, Copy)]
pub struct Slot {
    id: &'static str,
    /// The page's owner: the view is built under it, so it finds the page's
    /// contexts (language, session) and goes when the page goes. Weak: held
    /// in the page's own storage, a strong one would keep the page alive (its
    /// cleanups never run) and let a late answer fill the next page.
    #[cfg(feature = "hydrate")]
    owner: StoredValue<Option<leptos::reactive::owner::WeakOwner>>,
    #[cfg(feature = "hydrate")]
    shown: StoredValue<Option<Shown>, LocalStorage>,
}

#[cfg(feature = "hydrate")]
struct Shown {
    owner: Owner,
    state: <AnyView as leptos::tachys::view::Render>::State,
}

#[cfg(feature = "hydrate")]
impl Drop for Shown {
    fn drop(&mut self) {
        use leptos::tachys::view::Mountable;
        self.state.unmount();
        self.owner.cleanup();
    }
}

impl Slot {
    /// A slot for the element `id`, in the page being built.
    pub fn new(id: &'static str) -> Slot {
        Slot {
            id,
            #[cfg(feature = "hydrate")]
            owner: StoredValue::new(Owner::current().map(|o| o.downgrade())),
            #[cfg(feature = "hydrate")]
            shown: StoredValue::new_local(None),
        }
    }

    /// The id of the element the page renders for it.
    pub fn id(self) -> &'static str {
        self.id
    }

    /// Shows `view` in the slot instead of what it showed (a view it was filled
    /// with, or the server's placeholder).
    pub fn fill(self, view: Box<dyn FnOnce() -> AnyView>) {
        self.clear();
        #[cfg(feature = "hydrate")]
        {
            use leptos::tachys::view::{Mountable, Render};
            // A page that is gone is left alone (its slot's id may be the next
            // page's), before anything in the document is touched.
            let Some(page) = self
                .owner
                .try_get_value()
                .flatten()
                .and_then(|o| o.upgrade())
            else {
                return;
            };
            let Some(parent) = document().get_element_by_id(self.id) else {
                return;
            };
            // What the server put there (a "loading" line) gives way.
            parent.set_text_content(None);
            let owner = page.with(Owner::new);
            let state = owner.with(|| {
                let mut state = view().build();
                state.mount(&parent, None);
                state
            });
            // (Dropped outside the lock, as in `clear`.)
            let before = self
                .shown
                .try_update_value(|s| s.replace(Shown { owner, state }));
            drop(before);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = view;
    }

    /// Empties the slot.
    pub fn clear(self) {
        #[cfg(feature = "hydrate")]
        {
            // Dropped outside the stored value's lock: unmounting runs cleanups.
            let shown = self.shown.try_update_value(Option::take).flatten();
            drop(shown);
        }
    }
}
