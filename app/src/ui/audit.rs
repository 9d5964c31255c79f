//! The audit log page (审计日志): system admins see every line, street
//! admins their street's. Read only; the CSV export carries the same filter.

use super::auth::{ErrorLine, SignInPrompt};
use super::i18n::{short_time, tr, use_lang, T};
use super::session::use_session;
use crate::api::audit::audit_log;
use crate::domain::audit::{AuditAction, AuditFilter, AuditLine};
use crate::domain::policy;
#[allow(unused_imports)]
use crate::ui::i18n::Words as _;
use leptos::prelude::*;

// This page's own words: they load with its code (`i18n::Words`).
crate::ui::i18n::texts! { Au {
    AuditAllActions => "全部操作", "All actions";
    AuditClient => "客户端", "Client";
    AuditEmpty => "没有符合条件的记录。", "No matching lines.";
    AuditExport => "导出 CSV", "Export CSV";
    AuditFilter => "筛选", "Filter";
    AuditIntro => "员工和管理员的每次操作、每次查看个人信息都记录在此，任何人都不能修改。", "Every staff and admin action and every look at personal data is written here; nobody can change it.";
    AuditMore => "加载更多", "Load more";
    AuditOnly => "审计日志仅限系统管理员和街道管理员查看。", "The audit log is for system and street admins.";
    AuditSince => "起始日期", "From";
    AuditTarget => "对象编号", "Target id";
    AuditUntil => "截止日期", "Until";
} }

#[component]
pub fn AuditPage() -> impl IntoView {
    let session = use_session();
    view! {
        <div class="session-view">
            {move || match session.current() {
                None => view! { <SignInPrompt/> }.into_any(),
                Some(u) if policy::audit_scope(&u.grants).is_some() => view! { <AuditLog/> }.into_any(),
                Some(_) => view! { <p class="notice">{tr(Au::AuditOnly)}</p> }.into_any(),
            }}
        </div>
    }
}

/// The filter as query parameters of the CSV link.
fn export_href(f: &AuditFilter) -> String {
    let mut q = vec![];
    if let Some(a) = f.action {
        q.push(format!("action={}", a.as_str()));
    }
    if let Some(t) = &f.target_id {
        q.push(format!("target_id={}", urlencode(t)));
    }
    if let Some(d) = f.since {
        q.push(format!("since={d}"));
    }
    if let Some(d) = f.until {
        q.push(format!("until={d}"));
    }
    format!("/api/v1/audit.csv?{}", q.join("&"))
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
fn AuditLog() -> impl IntoView {
    let lang = use_lang();
    let action = RwSignal::new(String::new());
    let target = RwSignal::new(String::new());
    let since = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    let filter = RwSignal::new(AuditFilter::default());
    let rows = RwSignal::new(Vec::<AuditLine>::new());
    let more = RwSignal::new(false);
    let load =
        Action::new(|(f, before): &(AuditFilter, Option<i64>)| audit_log(f.clone(), *before));
    let error = Signal::derive(move || load.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(page)) = load.value().get() {
            more.set(page.len() >= 50);
            rows.update(|r| r.extend(page));
        }
    });
    let apply = move || {
        let f = AuditFilter {
            action: AuditAction::parse(&action.get_untracked()),
            target_id: Some(target.get_untracked().trim().to_string()).filter(|s| !s.is_empty()),
            since: since.get_untracked().parse().ok(),
            until: until.get_untracked().parse().ok(),
            ..Default::default()
        };
        filter.set(f.clone());
        rows.set(Vec::new());
        load.dispatch((f, None));
    };
    // The first page as soon as the page opens in the browser.
    Effect::new(move |_| apply());
    let next = move |_| {
        let before = rows.with_untracked(|r| r.last().map(|l| l.id));
        load.dispatch((filter.get_untracked(), before));
    };
    view! {
        <section class="cases audit">
            <h1>{tr(T::AuditTitle)}</h1>
            <p class="muted">{tr(Au::AuditIntro)}</p>
            <form class="filters" on:submit=move |ev| { ev.prevent_default(); apply(); }>
                <select bind:value=action aria-label=tr(Au::AuditFilter) data-testid="audit-action">
                    <option value="">{tr(Au::AuditAllActions)}</option>
                    {AuditAction::ALL.into_iter().map(|a| view! {
                        <option value=a.as_str()>{move || a.label(lang.get())}</option>
                    }).collect_view()}
                </select>
                <input bind:value=target placeholder=tr(Au::AuditTarget) aria-label=tr(Au::AuditTarget) maxlength="40"/>
                <label>{tr(Au::AuditSince)}<input type="date" bind:value=since/></label>
                <label>{tr(Au::AuditUntil)}<input type="date" bind:value=until/></label>
                <button type="submit">{tr(Au::AuditFilter)}</button>
                <a class="button" href=move || export_href(&filter.get()) download="audit-log.csv" rel="external">{tr(Au::AuditExport)}</a>
            </form>
            <ErrorLine error/>
            <ul class="case-list" data-testid="audit-lines">
                {move || rows.get().into_iter().map(|l| view! {
                    <li class="audit-line" data-action=l.action.as_str()>
                        <div class="row">
                            <strong>{move || l.action.label(lang.get())}</strong>
                            <span class="muted">{short_time(l.at)}</span>
                        </div>
                        <div>{l.actor_name.clone()}" → "{l.target_kind.clone()}" "{l.target_id.clone()}</div>
                        <Show when={let d = l.detail.clone(); move || !d.is_empty()}>
                            <div class="muted">{l.detail.clone()}</div>
                        </Show>
                        <div class="muted small">{tr(Au::AuditClient)}": "{l.client.clone()}</div>
                    </li>
                }).collect_view()}
            </ul>
            <Show when=move || rows.with(|r| r.is_empty()) && load.value().with(|v| v.as_ref().is_some_and(Result::is_ok))>
                <p class="muted">{tr(Au::AuditEmpty)}</p>
            </Show>
            <Show when=move || more.get()>
                <button type="button" on:click=next>{tr(Au::AuditMore)}</button>
            </Show>
        </section>
    }
}
