//! 公开栏: what residents reported and how it went, anonymised.

use super::super::i18n::{short_time, status_label, tr, use_lang, T};
use super::super::paged::Paged;
use super::StatusBadge;
use crate::api::cases::public_board;
use crate::domain::case::CaseStatus;
#[allow(unused_imports)]
use crate::ui::i18n::Words as _;
use leptos::prelude::*;

// This page's own words: they load with its code (`i18n::Words`).
crate::ui::i18n::texts! { Bo {
    BoardHint => "居民同意公开的诉求及办理进度（已匿名，不含姓名、电话和详细地址）。", "Reports residents allowed to be public, and how they went (anonymised: no names, phones or exact addresses).";
    BoardTitle => "公开栏", "Public board";
} }

#[component]
pub fn BoardPage() -> impl IntoView {
    let lang = use_lang();
    let status = RwSignal::new(String::new());
    let filter = Signal::derive(move || CaseStatus::parse(&status.get()));
    // The first page comes with the HTML (ui/paged.rs): the board is readable
    // before the WebAssembly loads, and in a shared link.
    let board = Paged::new(filter, |s, after| public_board(s, None, after));
    view! {
        <section class="cases">
            <h1>{tr(Bo::BoardTitle)}</h1>
            <p class="hint">{tr(Bo::BoardHint)}</p>
            <select bind:value=status aria-label=tr(T::AllStatuses)>
                <option value="">{tr(T::AllStatuses)}</option>
                {CaseStatus::ALL.into_iter().filter(|s| !matches!(s, CaseStatus::Rejected | CaseStatus::Merged))
                    .map(|s| view! { <option value=s.as_str()>{move || status_label(s, lang.get())}</option> }).collect_view()}
            </select>
            {board.view(T::NoCases, "board", |c| view! {
                <li><div class="board-item">
                    <span class="case-head"><StatusBadge status=c.status/><span class="muted">{format!("#{}", c.id)}</span></span>
                    <span class="case-cat">{c.category.clone()}</span>
                    <span class="muted small">{c.grid_code.clone().unwrap_or_default()}" · "{short_time(c.created_at)}" → "{short_time(c.updated_at)}</span>
                </div></li>
            }.into_any())}
        </section>
    }
}
