//! Keyset-paged lists whose first page comes with the server's HTML.
//!
//! The first page is a `Resource` (read inside `Transition`), so the server waits
//! for it and renders the rows: a phone sees the board or the wall before the
//! WebAssembly has loaded, and a link shared in WeChat shows them too. "More"
//! pages are fetched in the browser and appended. A new filter starts again from
//! its first page. One resource per page: Leptos 0.8's streaming stalls now and
//! then on pages that read several (see the notes on issue 2).

use super::auth::ErrorLine;
use super::i18n::{tr, use_lang, T as I18n};
use crate::domain::error::AppError;
use crate::domain::PAGE;
use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};
use std::future::Future;

/// A row that pages by its id (newest first, `after` = the last id shown).
pub trait Keyed {
    fn key(&self) -> i64;
}

impl Keyed for crate::domain::case::BoardItem {
    fn key(&self) -> i64 {
        self.id
    }
}

impl Keyed for crate::domain::wish::WishCard {
    fn key(&self) -> i64 {
        self.id
    }
}

type Page<T> = Result<Vec<T>, AppError>;

pub struct Paged<K: Send + Sync + 'static, T: Send + Sync + 'static> {
    filter: Signal<K>,
    first: Resource<Page<T>, super::resource::Json>,
    /// Rows of the pages after the first.
    extra: RwSignal<Vec<T>>,
    /// Length of the last page fetched with "more" (`None`: only the first so far).
    last: RwSignal<Option<usize>>,
    more: Action<(K, Option<i64>), Page<T>>,
    /// The filter the last "more" was asked for: its page is dropped if the
    /// filter changed meanwhile (an Action keeps late answers).
    asked: StoredValue<Option<K>>,
}

impl<K: Send + Sync + 'static, T: Send + Sync + 'static> Clone for Paged<K, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K: Send + Sync + 'static, T: Send + Sync + 'static> Copy for Paged<K, T> {}

impl<K, T> Paged<K, T>
where
    K: Clone + PartialEq + Send + Sync + 'static,
    T: Keyed + Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
{
    /// `fetch(filter, after)` reads one page.
    pub fn new<F, Fut>(filter: Signal<K>, fetch: F) -> Self
    where
        F: Fn(K, Option<i64>) -> Fut + Copy + Send + Sync + 'static,
        Fut: Future<Output = Page<T>> + Send + 'static,
    {
        let first = crate::ui::resource::resource(move || filter.get(), move |k| fetch(k, None));
        let extra = RwSignal::new(Vec::<T>::new());
        let last = RwSignal::new(None::<usize>);
        let more = Action::new(move |(k, after): &(K, Option<i64>)| fetch(k.clone(), *after));
        Effect::new(move |_| {
            filter.track();
            extra.set(Vec::new());
            last.set(None);
        });
        let asked = StoredValue::new(None::<K>);
        Effect::new(move |_| {
            if let Some(Ok(page)) = more.value().get() {
                if asked.get_value().as_ref() != Some(&filter.get_untracked()) {
                    return;
                }
                last.set(Some(page.len()));
                extra.update(|rows| append(rows, page));
            }
        });
        Paged {
            filter,
            first,
            extra,
            last,
            more,
            asked,
        }
    }

    /// The rows so far, `None` while the first page loads. Read it inside a
    /// `Transition` so the server waits for it.
    pub fn rows(&self) -> Option<Page<T>> {
        let extra = self.extra.get();
        self.first.get().map(|page| {
            page.map(|mut rows| {
                append(&mut rows, extra);
                rows
            })
        })
    }

    /// Whether the last page read was full, so there may be more.
    pub fn has_more(&self) -> bool {
        let full = |n: usize| n as u64 >= PAGE;
        match self.last.get() {
            Some(n) => full(n),
            None => self.first.with(|p| {
                p.as_ref()
                    .and_then(|r| r.as_ref().ok())
                    .is_some_and(|r| full(r.len()))
            }),
        }
    }

    pub fn load_more(&self) {
        let last_first = self.first.with_untracked(|p| {
            p.as_ref()
                .and_then(|r| r.as_ref().ok())
                .and_then(|r| r.last().map(Keyed::key))
        });
        let after = self
            .extra
            .with_untracked(|r| r.last().map(Keyed::key))
            .or(last_first);
        let filter = self.filter.get_untracked();
        self.asked.set_value(Some(filter.clone()));
        self.more.dispatch((filter, after));
    }

    pub fn loading_more(&self) -> bool {
        self.more.pending().get()
    }

    /// The error of the last "more", if it failed.
    pub fn more_error(&self) -> Option<AppError> {
        self.more.value().get().and_then(Result::err)
    }
}

impl<K, T> Paged<K, T>
where
    K: Clone + PartialEq + Send + Sync + 'static,
    T: Keyed + Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
{
    /// The list as every paged page shows it: loading, the error, `empty`, or the
    /// rows (`row` each, in a `<ul data-testid=testid>`) with "more" under them;
    /// the error of a failed "more" below.
    pub fn view<E: super::i18n::Words>(
        self,
        empty: E,
        testid: &'static str,
        row: fn(T) -> AnyView,
    ) -> impl IntoView {
        let lang = use_lang();
        let more_error = Signal::derive(move || self.more_error());
        // Back from a row's page: where the list was left, once the rows are in.
        let return_to = StoredValue::new(super::scroll::remembered());
        let returned = move || {
            if let Some(y) = return_to.get_value() {
                return_to.set_value(None);
                super::scroll::restore(y);
            }
        };
        view! {
            <Transition fallback=move || view! { <p class="muted">{tr(I18n::Loading)}</p> }>
                {move || self.rows().map(|rows| match rows {
                    Err(e) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                    Ok(rows) if rows.is_empty() => view! { <p class="notice">{tr(empty)}</p> }.into_any(),
                    Ok(rows) => { returned(); view! {
                        <ul class="case-list" data-testid=testid on:click=|_| super::scroll::remember()>
                            {rows.into_iter().map(row).collect_view()}
                        </ul>
                        // Inside the Transition: it reads the first page, which only
                        // exists there while hydrating.
                        <Show when=move || self.has_more()>
                            <button type="button" on:click=move |_| self.load_more() disabled=move || self.loading_more()>{tr(I18n::LoadMore)}</button>
                        </Show>
                    }.into_any() }
                })}
            </Transition>
            <ErrorLine error=more_error/>
        }
    }
}

/// Appends a page, skipping rows already shown (a row can move between pages
/// while the list changes underneath).
fn append<T: Keyed>(rows: &mut Vec<T>, page: Vec<T>) {
    for row in page {
        if !rows.iter().any(|r| r.key() == row.key()) {
            rows.push(row);
        }
    }
}
