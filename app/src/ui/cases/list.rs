//! The queues: my reports, followed cases, and each role's inbox, filtered
//! by status, paged by "load more" (keyset on the case id).

use super::super::auth::{ErrorLine, SignInPrompt};
use super::super::i18n::{short_time, status_label, tr, use_lang, T};
use super::super::session::use_session;
use super::{DueFlag, StatusBadge};
use crate::api::cases::{case_queue, case_queue_counts};
use crate::domain::auth::{Role, Scope};
use crate::domain::case::{CaseStatus, CaseSummary, Queue, QueueCounts, QueueView};
use crate::domain::staff::CurrentUser;
#[allow(unused_imports)]
use crate::ui::i18n::Words as _;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::location::Url;
use leptos_router::NavigateOptions;

// This page's own words: they load with its code (`i18n::Words`).
crate::ui::i18n::texts! { Li {
    GridCodeFilter => "网格编码（可选）", "Grid code (optional)";
    QueueCommunity => "社区", "Community";
    QueueCompany => "物业任务", "Property tasks";
    QueueDepartment => "部门待办", "Department inbox";
    QueueFollowing => "我关注的", "Following";
    QueueGrid => "网格待办", "Grid inbox";
    QueueMine => "我的诉求", "My reports";
    QueueStreet => "街道", "Street";
    ViewAll => "全部", "All";
    ViewDueSoon => "即将超期", "Due soon";
    ViewOverdue => "已超期", "Overdue";
    ViewTodo => "待办", "To do";
} }

/// The queues a user has, in the order the tabs show them.
fn queues_of(user: &CurrentUser) -> Vec<(Queue, Li, String)> {
    let mut out = vec![
        (Queue::Mine, Li::QueueMine, String::new()),
        (Queue::Following, Li::QueueFollowing, String::new()),
    ];
    for g in &user.grants {
        let q = match (&g.scope, g.role) {
            (Scope::Grid(c), Role::GridWorker | Role::GridLeader | Role::Instructor) => {
                (Queue::Grid(c.clone()), Li::QueueGrid, c.clone())
            }
            (Scope::Community(c), Role::CommunityAdmin) => {
                (Queue::Community(c.clone()), Li::QueueCommunity, c.clone())
            }
            (Scope::Street(c), Role::StreetAdmin) => {
                (Queue::Street(c.clone()), Li::QueueStreet, c.clone())
            }
            (Scope::Department(c), Role::Department) => {
                (Queue::Department, Li::QueueDepartment, c.clone())
            }
            (Scope::Company(_), Role::PropertyCompany) => {
                (Queue::Company, Li::QueueCompany, String::new())
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
fn Queues(queues: Vec<(Queue, Li, String)>) -> impl IntoView {
    let lang = use_lang();
    // The queue and its filters live in the address, so Back, a reload and a link
    // from 我的 (`/cases?view=overdue`) open the list as it was left. Only a queue the
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
    // Staff queues open on what needs action (待办), soonest deadline first; a
    // resident's lists show everything, newest first. (`overdue=1`: older links.)
    let staff_queue = |q: &Queue| !matches!(q, Queue::Mine | Queue::Following);
    let view = RwSignal::new(
        QueueView::parse(&param("view"))
            .or_else(|| (param("overdue") == "1").then_some(QueueView::Overdue))
            .unwrap_or(if staff_queue(&current.get_untracked()) {
                QueueView::Todo
            } else {
                QueueView::All
            }),
    );
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
        parts.push(format!("view={}", view.get().as_str()));
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
        QueueView,
        Option<(i64, Option<chrono::DateTime<chrono::Utc>>)>,
        Option<i64>,
        String,
    );
    let load = Action::new(|(q, s, v, after, c, g): &Ask| {
        let (after, after_due) = (after.map(|a| a.0), after.and_then(|a| a.1));
        case_queue(
            q.clone(),
            s.clone(),
            after,
            *c,
            Some(g.clone()),
            *v,
            after_due,
        )
    });
    let error = Signal::derive(move || load.value().get().and_then(Result::err));
    let statuses = move || {
        CaseStatus::parse(&status.get())
            .into_iter()
            .collect::<Vec<_>>()
    };
    let live = super::super::live::use_live();
    live.unseen.set(0);
    // The tabs' counts, for the same queue and filters (not the status).
    let counts = LocalResource::new(move || {
        live.notices.track();
        let (q, c, g) = (current.get(), category.get().parse().ok(), grid.get());
        async move {
            if staff_queue(&q) {
                case_queue_counts(q, c, Some(g)).await.ok()
            } else {
                None
            }
        }
    });
    // A closed status cannot be on an open-cases tab: the tab wins.
    Effect::new(move |_| {
        let closed = CaseStatus::parse(&status.get_untracked()).is_some_and(|s| !s.is_open());
        if view.get().by_deadline() && closed {
            status.set(String::new());
        }
    });
    // A new queue or filter starts from the top; so does a live change.
    Effect::new(move |_| {
        live.notices.track();
        let q = current.get();
        let s = statuses();
        let v = view.get();
        let c = category.get().parse().ok();
        let g = grid.get();
        rows.set(Vec::new());
        load.dispatch((q, s, v, None, c, g));
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
        // The last row as the list shows it: its id and (for the deadline
        // tabs, which are ordered by it) its deadline.
        let after = rows.with_untracked(|r| r.last().map(|c| (c.id, c.due_at)));
        load.dispatch((
            current.get_untracked(),
            statuses(),
            view.get_untracked(),
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
                            on:click=move |_| {
                                // Each kind of queue opens on its own first tab.
                                view.set(if staff_queue(&q) { QueueView::Todo } else { QueueView::All });
                                current.set(q.clone());
                            }>
                            {move || label.get(lang.get())}{(!code.is_empty()).then(|| format!(" {code}"))}
                        </button>
                    }
                }).collect_view()}
            </nav>
            <select bind:value=status aria-label=tr(T::AllStatuses)>
                <option value="">{tr(T::AllStatuses)}</option>
                // The deadline tabs hold open cases only: only open statuses to pick.
                {move || CaseStatus::ALL.into_iter().filter(|s| s.is_open() || !view.get().by_deadline()).map(|s| view! { <option value=s.as_str() selected=status.get_untracked() == s.as_str()>{move || status_label(s, lang.get())}</option> }).collect_view()}
            </select>
            <select bind:value=category aria-label=tr(T::CategoryTop) data-testid="queue-category">
                <option value="">{tr(T::AllCategories)}</option>
                // The options come after the select took its value (from the
                // URL, on Back): the chosen one marks itself (`selected`).
                {move || categories.get().map(|all| all.iter().filter(|c| c.parent_id.is_none()).map(|top| {
                    let items: Vec<_> = all.iter().filter(|c| c.parent_id == Some(top.id)).cloned().collect();
                    let chosen = category.get_untracked();
                    view! {
                        <option value=top.id.to_string() selected=chosen == top.id.to_string()>{top.name.clone()}</option>
                        {items.into_iter().map(|c| view! { <option value=c.id.to_string() selected=chosen == c.id.to_string()>{format!("　{}", c.name)}</option> }).collect_view()}
                    }
                }).collect_view())}
            </select>
            <Show when=move || matches!(current.get(), Queue::Community(_) | Queue::Street(_))>
                <input type="search" bind:value=grid placeholder=move || Li::GridCodeFilter.get(lang.get()) data-testid="queue-grid"/>
            </Show>
            <Show when=move || staff_queue(&current.get())>
                <DeadlineTabs view counts=Signal::derive(move || counts.get().flatten())/>
            </Show>
            <ErrorLine error/>
            <ul class="case-list" data-testid="case-list" on:click=|_| super::super::scroll::remember()>
                {move || rows.get().into_iter().map(|c| view! {
                    <li>
                        <A href=format!("/case/{}", c.id)>
                            <span class="case-head"><StatusBadge status=c.status/><DueFlag due=c.due_state/><span class="muted">{format!("#{}", c.id)}</span></span>
                            <span class="case-cat">{c.category.clone()}</span>
                            <span class="case-text">{c.description.clone()}</span>
                            <span class="muted small">{c.grid_code.clone().unwrap_or_default()}" · "{
                                // On the deadline tabs, the deadline is what orders the list.
                                let due = c.due_at.filter(|_| view.get_untracked().by_deadline());
                                match due {
                                    Some(d) => format!("{} {}", T::DueAt.get(lang.get_untracked()), short_time(d)),
                                    None => short_time(c.created_at),
                                }
                            }</span>
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

/// 待办 / 即将超期 / 已超期 / 全部, with how many cases each holds.
#[component]
fn DeadlineTabs(view: RwSignal<QueueView>, counts: Signal<Option<QueueCounts>>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <nav class="tabs deadline-tabs" role="tablist" data-testid="deadline-tabs">
            {QueueView::ALL.into_iter().map(|v| {
                let label = match v {
                    QueueView::Todo => Li::ViewTodo,
                    QueueView::DueSoon => Li::ViewDueSoon,
                    QueueView::Overdue => Li::ViewOverdue,
                    QueueView::All => Li::ViewAll,
                };
                let count = move || counts.get().and_then(|c| match v {
                    QueueView::Todo => Some(c.todo),
                    QueueView::DueSoon => Some(c.due_soon),
                    QueueView::Overdue => Some(c.overdue),
                    QueueView::All => None,
                });
                view! {
                    <button type="button" role="tab" data-testid=format!("view-{}", v.as_str())
                        class:active=move || view.get() == v
                        class:alarm=move || v == QueueView::Overdue && count().is_some_and(|n| n != 0)
                        aria-selected=move || (view.get() == v).to_string()
                        on:click=move |_| view.set(v)>
                        {move || label.get(lang.get())}
                        {move || count().map(|n| view! { <span class="count">{n}</span> })}
                    </button>
                }
            }).collect_view()}
        </nav>
    }
}
