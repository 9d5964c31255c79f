//! Case pages: report from a phone, the queues, one case with its actions.

mod board;
mod detail;
mod list;
mod report;
mod whistle;

pub use board::BoardPage;
pub use detail::CasePage;
pub use list::CasesPage;
pub use report::ReportPage;

use super::i18n::{due_label, status_label, use_lang};
use crate::domain::case::CaseStatus;
use crate::domain::deadline::DueState;
use leptos::prelude::*;

/// A status badge, coloured by where the case stands.
#[component]
pub fn StatusBadge(status: CaseStatus) -> impl IntoView {
    let lang = use_lang();
    view! { <span class=format!("badge status-{}", status.as_str())>{move || status_label(status, lang.get())}</span> }
}

/// "Overdue" / "due soon" flag; nothing when on time.
#[component]
pub fn DueFlag(due: Option<DueState>) -> impl IntoView {
    let lang = use_lang();
    due.filter(|d| *d != DueState::OnTime).map(|d| {
        let cls = if d == DueState::Overdue { "flag overdue" } else { "flag due-soon" };
        view! { <span class=cls data-testid="due-flag">{move || due_label(d).get(lang.get())}</span> }
    })
}
