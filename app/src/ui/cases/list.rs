//! The queues: my reports, followed cases, and each role's inbox, filtered
//! by status, paged by "load more" (keyset on the case id).

use super::super::auth::{ErrorLine, SignInPrompt};
use super::super::i18n::{short_time, status_label, tr, use_lang, T};
use super::super::session::use_session;
use super::{DueFlag, StatusBadge};
use crate::api::cases::case_queue;
use crate::domain::auth::{Role, Scope};
use crate::domain::case::{CaseStatus, CaseSummary, Queue};
use crate::domain::staff::CurrentUser;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::location::Url;
use leptos_router::NavigateOptions;

/// The queues a user has, in the order the tabs show them.
fn queues_of(user: &CurrentUser) -> Vec<(Queue, T, String)> {
    let mut out = vec![
        (Queue::Mine, T::QueueMine, String::new()),
        (Queue::Following, T::QueueFollowing, String::new()),
    ];
    for g in &user.grants {
        let q = match (&g.scope, g.role) {
            (Scope::Grid(c), Role::GridWorker | Role::GridLeader | Role::Instructor) => {
                (Queue::Grid(c.clone()), T::QueueGrid, c.clone())
            }
            (Scope::Community(c), Role::CommunityAdmin) => {
                (Queue::Community(c.clone()), T::QueueCommunity, c.clone())
            }
            (Scope::Street(c), Role::StreetAdmin) => {
                (Queue::Street(c.clone()), T::QueueStreet, c.clone())
            }
            (Scope::Department(c), Role::Department) => {
                (Queue::Department, T::QueueDepartment, c.clone())
            }
            (Scope::Company(_), Role::PropertyCompany) => {
                (Queue::Company, T::QueueCompany, String::new())
            }
            _ => continue,
        };
        if !out.iter().any(|(existing, _, _)| *existing == q.0) {
            // Staff start on their inbox.
            out.insert(0, q);
        }
    }
    out
}

#[component]
pub fn CasesPage() -> impl IntoView {
    let session = use_session();
    view! {
        <div class="session-view">
            {move || match session.current() {
                None => view! { <SignInPrompt/> }.into_any(),
                Some(user) => view! { <Queues queues=queues_of(&user)/> }.into_any(),
            }}
        </div>
    }
}

/// A queue as it is written in the address (`?q=grid:370103-001-001-01`).
fn queue_key(q: &Queue) -> String {
    match q {
        Queue::Mine => "mine".into(),
        Queue::Following => "following".into(),
        Queue::Grid(c) => format!("grid:{c}"),
        Queue::Community(c) => format!("community:{c}"),
        Queue::Street(c) => format!("street:{c}"),
        Queue::Department => "department".into(),
        Queue::Company => "company".into(),
    }
}

#[component]
fn Queues(queues: Vec<(Queue, T, String)>) -> impl IntoView {
    let lang = use_lang();
    // The queue and its filters live in the address, so Back, a reload and a link
    // from 我的 (`/cases?overdue=1`) open the list as it was left. Only a queue the
    // user has is taken from it.
    let query = use_query_map();
    let param = |k: &str| query.with_untracked(|q| q.get(k)).unwrap_or_default();
    // Back from a case: where the list was left (read before the address is rewritten).
    let return_to = StoredValue::new(super::super::scroll::remembered());
    let start = queues
        .iter()
        .find(|(q, _, _)| queue_key(q) == param("q"))
        .map_or_else(|| queues[0].0.clone(), |(q, _, _)| q.clone());
    let current = RwSignal::new(start);
    let status = RwSignal::new(param("status"));
    let rows = RwSignal::new(Vec::<CaseSummary>::new());
    let more = RwSignal::new(false);
    let overdue_only = RwSignal::new(param("overdue") == "1");
    let category = RwSignal::new(param("cat"));
    // Only the community and street queues have a grid filter (and show it).
    let grid = RwSignal::new(
        if matches!(
            current.get_untracked(),
            Queue::Community(_) | Queue::Street(_)
        ) {
            param("grid")
        } else {
            String::new()
        },
    );
    let navigate = use_navigate();
    Effect::new(move |_| {
        let mut parts = vec![format!("q={}", Url::escape(&queue_key(&current.get())))];
        for (key, value) in [
            ("status", status.get()),
            ("cat", category.get()),
            ("grid", grid.get()),
        ] {
            if !value.is_empty() {
                parts.push(format!("{key}={}", Url::escape(&value)));
            }
        }
        if overdue_only.get() {
            parts.push("overdue=1".into());
        }
        let options = NavigateOptions {
            replace: true,
            scroll: false,
            ..Default::default()
        };
        navigate(&format!("/cases?{}", parts.join("&")), options);
    });
    let categories = LocalResource::new(|| async {
        crate::api::cases::case_categories()
            .await
            .unwrap_or_default()
    });
    type Ask = (
        Queue,
        Vec<CaseStatus>,
        bool,
        Option<i64>,
        Option<i64>,
        String,
    );
    let load = Action::new(|(q, s, o, after, c, g): &Ask| {
        case_queue(q.clone(), s.clone(), *o, *after, *c, Some(g.clone()))
    });
    let error = Signal::derive(move || load.value().get().and_then(Result::err));
    let statuses = move || {
        CaseStatus::parse(&status.get())
            .into_iter()
            .collect::<Vec<_>>()
    };
    let live = super::super::live::use_live();
    live.unseen.set(0);
    // A new queue or filter starts from the top; so does a live change.
    Effect::new(move |_| {
        live.notices.track();
        let q = current.get();
        let s = statuses();
        let o = overdue_only.get();
        let c = category.get().parse().ok();
        let g = grid.get();
        rows.set(Vec::new());
        load.dispatch((q, s, o, None, c, g));
    });
    Effect::new(move |_| {
        if let Some(Ok(page)) = load.value().get() {
            more.set(page.len() as u64 >= 20);
            rows.update(|r| {
                for c in page {
                    if !r.iter().any(|x| x.id == c.id) {
                        r.push(c);
                    }
                }
            });
            if let Some(y) = return_to.get_value() {
                return_to.set_value(None);
                super::super::scroll::restore(y);
            }
        }
    });
    let next_page = move |_| {
        let after = rows.with_untracked(|r| r.last().map(|c| c.id));
        load.dispatch((
            current.get_untracked(),
            statuses(),
            overdue_only.get_untracked(),
            after,
            category.get_untracked().parse().ok(),
            grid.get_untracked(),
        ));
    };
    view! {
        <section class="cases">
            <nav class="tabs" role="tablist">
                {queues.into_iter().map(|(q, label, code)| {
                    let q2 = q.clone();
                    view! {
                        <button type="button" role="tab" class:active=move || current.get() == q2
                            on:click=move |_| current.set(q.clone())>
                            {move || label.get(lang.get())}{(!code.is_empty()).then(|| format!(" {code}"))}
                        </button>
                    }
                }).collect_view()}
            </nav>
            <select bind:value=status aria-label=tr(T::AllStatuses)>
                <option value="">{tr(T::AllStatuses)}</option>
                {CaseStatus::ALL.into_iter().map(|s| view! { <option value=s.as_str()>{move || status_label(s, lang.get())}</option> }).collect_view()}
            </select>
            <select bind:value=category aria-label=tr(T::CategoryTop) data-testid="queue-category">
                <option value="">{tr(T::AllCategories)}</option>
                {move || categories.get().map(|all| all.iter().filter(|c| c.parent_id.is_none()).map(|top| {
                    let items: Vec<_> = all.iter().filter(|c| c.parent_id == Some(top.id)).cloned().collect();
                    view! {
                        <option value=top.id.to_string()>{top.name.clone()}</option>
                        {items.into_iter().map(|c| view! { <option value=c.id.to_string()>{format!("　{}", c.name)}</option> }).collect_view()}
                    }
                }).collect_view())}
            </select>
            <Show when=move || matches!(current.get(), Queue::Community(_) | Queue::Street(_))>
                <input type="search" bind:value=grid placeholder=move || T::GridCodeFilter.get(lang.get()) data-testid="queue-grid"/>
            </Show>
            <label class="check">
                <input type="checkbox" bind:checked=overdue_only data-testid="overdue-only"/>
                <span>{tr(T::OverdueOnly)}</span>
            </label>
            <ErrorLine error/>
            <ul class="case-list" data-testid="case-list" on:click=|_| super::super::scroll::remember()>
                {move || rows.get().into_iter().map(|c| view! {
                    <li>
                        <A href=format!("/case/{}", c.id)>
                            <span class="case-head"><StatusBadge status=c.status/><DueFlag due=c.due_state/><span class="muted">{format!("#{}", c.id)}</span></span>
                            <span class="case-cat">{c.category.clone()}</span>
                            <span class="case-text">{c.description.clone()}</span>
                            <span class="muted small">{c.grid_code.clone().unwrap_or_default()}" · "{short_time(c.created_at)}</span>
                        </A>
                    </li>
                }).collect_view()}
            </ul>
            <Show when=move || rows.with(Vec::is_empty) && !load.pending().get()>
                <p class="notice">{tr(T::NoCases)}</p>
            </Show>
            <Show when=move || more.get()>
                <button type="button" on:click=next_page disabled=move || load.pending().get()>{tr(T::LoadMore)}</button>
            </Show>
        </section>
    }
}
