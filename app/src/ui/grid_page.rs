//! A grid's public page (上岗公示): boundary facts, staff as they consented, compounds.

use super::i18n::{tr, use_lang, T};
use crate::api::geography::grid_page;
use crate::domain::geography::{GridKind, StaffPosition, StaffPublic};
use crate::domain::lang::Lang;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

pub fn position_label(p: StaffPosition) -> T {
    match p {
        StaffPosition::Leader => T::PosLeader,
        StaffPosition::FullTime => T::PosFullTime,
        StaffPosition::PartTime => T::PosPartTime,
        StaffPosition::Instructor => T::PosInstructor,
    }
}

pub fn kind_label(k: GridKind) -> T {
    match k {
        GridKind::Base => T::KindBase,
        GridKind::Dedicated => T::KindDedicated,
    }
}

/// The staff list shared by the map card and the public page.
#[component]
pub fn StaffList(staff: Vec<StaffPublic>) -> impl IntoView {
    let lang = use_lang();
    if staff.is_empty() {
        return view! { <p class="muted">{tr(T::NoStaff)}</p> }.into_any();
    }
    view! {
        <ul class="staff">
            {staff
                .into_iter()
                .map(|s| {
                    let pos = position_label(s.position);
                    let phone = s.phone.clone();
                    view! {
                        <li>
                            <span class="pos">{move || pos.get(lang.get())}</span>
                            <span class="who">{s.name.clone()}</span>
                            {match phone {
                                Some(p) => view! { <a class="tel" href=format!("tel:{p}")>{p.clone()}</a> }.into_any(),
                                None => view! { <span class="tel muted">{move || T::PhoneHidden.get(lang.get())}</span> }.into_any(),
                            }}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
pub fn GridPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let grid = Resource::new(code, grid_page);
    view! {
        <Suspense fallback=move || view! { <p class="notice">{tr(T::Loading)}</p> }>
            {move || grid.get().map(|r| match r {
                Err(e) => view! {
                    <section class="card narrow">
                        <p class="form-error">{move || if matches!(e, crate::domain::error::AppError::NotFound) { T::GridNotFound.get(lang.get()).to_string() } else { e.message(lang.get()) }}</p>
                        <A href="/">{tr(T::BackToMap)}</A>
                    </section>
                }.into_any(),
                Ok(g) => {
                    let kind = kind_label(g.kind);
                    view! {
                        <article class="card grid-public" data-testid="grid-public">
                            <p class="crumbs">{g.street_name.clone()}" › "{g.community_name.clone()}</p>
                            <h1>{g.name.clone()}</h1>
                            <dl class="facts">
                                <dt>{tr(T::Code)}</dt><dd><code>{g.code.clone()}</code></dd>
                                <dt>{tr(T::Legend)}</dt><dd>{move || kind.get(lang.get())}{(!g.category.is_empty()).then(|| format!(" · {}", g.category))}</dd>
                                <Show when={let h = g.households; move || h > 0}>
                                    <dt>{tr(T::Households)}</dt><dd>{g.households}</dd>
                                    <dt>{tr(T::Residents)}</dt><dd>{g.residents}</dd>
                                </Show>
                            </dl>
                            <h2>{tr(T::Staff)}</h2>
                            <StaffList staff=g.staff.clone()/>
                            <Show when={let n = g.compounds.len(); move || n > 0}>
                                <h2>{tr(T::Compounds)}</h2>
                                <ul class="compounds">
                                    {g.compounds.iter().map(|c| view! {
                                        <li>{c.name.clone()}{c.property_company.clone().map(|p| format!(" · {}：{p}", if lang.get_untracked() == Lang::Zh { "物业" } else { "Property" }))}</li>
                                    }).collect_view()}
                                </ul>
                            </Show>
                            <p><A href="/">{tr(T::BackToMap)}</A></p>
                        </article>
                    }.into_any()
                }
            })}
        </Suspense>
    }
}
