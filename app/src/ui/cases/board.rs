//! 公开栏: what residents reported and how it went, anonymised.

use super::super::i18n::{short_time, status_label, tr, use_lang, T};
use super::StatusBadge;
use crate::api::cases::public_board;
use crate::domain::case::{BoardItem, CaseStatus};
use leptos::prelude::*;

#[component]
pub fn BoardPage() -> impl IntoView {
    let lang = use_lang();
    let status = RwSignal::new(String::new());
    let rows = RwSignal::new(Vec::<BoardItem>::new());
    let more = RwSignal::new(false);
    let load = Action::new(|(s, after): &(Option<CaseStatus>, Option<i64>)| {
        public_board(*s, None, *after)
    });
    Effect::new(move |_| {
        let s = CaseStatus::parse(&status.get());
        rows.set(Vec::new());
        load.dispatch((s, None));
    });
    Effect::new(move |_| {
        if let Some(Ok(page)) = load.value().get() {
            more.set(page.len() >= 20);
            rows.update(|r| {
                r.extend(
                    page.into_iter()
                        .filter(|c| !r.iter().any(|x| x.id == c.id))
                        .collect::<Vec<_>>(),
                )
            });
        }
    });
    let next = move |_| {
        let after = rows.with_untracked(|r| r.last().map(|c| c.id));
        load.dispatch((CaseStatus::parse(&status.get_untracked()), after));
    };
    view! {
        <section class="cases">
            <h1>{tr(T::BoardTitle)}</h1>
            <p class="hint">{tr(T::BoardHint)}</p>
            <select bind:value=status aria-label=tr(T::AllStatuses)>
                <option value="">{tr(T::AllStatuses)}</option>
                {CaseStatus::ALL.into_iter().filter(|s| !matches!(s, CaseStatus::Rejected | CaseStatus::Merged))
                    .map(|s| view! { <option value=s.as_str()>{move || status_label(s, lang.get())}</option> }).collect_view()}
            </select>
            <ul class="case-list" data-testid="board">
                {move || rows.get().into_iter().map(|c| view! {
                    <li><div class="board-item">
                        <span class="case-head"><StatusBadge status=c.status/><span class="muted">{format!("#{}", c.id)}</span></span>
                        <span class="case-cat">{c.category.clone()}</span>
                        <span class="muted small">{c.grid_code.clone().unwrap_or_default()}" · "{short_time(c.created_at)}" → "{short_time(c.updated_at)}</span>
                    </div></li>
                }).collect_view()}
            </ul>
            <Show when=move || more.get()>
                <button type="button" on:click=next disabled=move || load.pending().get()>{tr(T::LoadMore)}</button>
            </Show>
        </section>
    }
}
