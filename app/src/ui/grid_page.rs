//! A grid's public page (上岗公示): boundary facts, staff as they consented, compounds.

use super::i18n::{tr, use_lang, T};
use crate::api::geography::grid_page;
use crate::domain::geography::{GridKind, StaffPosition, StaffPublic};
use crate::domain::lang::Lang;
#[allow(unused_imports)]
use crate::ui::i18n::Words as _;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

// This page's own words: they load with its code (`i18n::Words`).
crate::ui::i18n::texts! { Gp {
    BackToMap => "返回地图", "Back to the map";
    Compounds => "小区", "Compounds";
    GridNotFound => "没有这个网格。", "No such grid.";
    Households => "户数", "Households";
    Legend => "图例", "Legend";
    NoStaff => "暂无人员信息", "No staff listed yet";
    PhoneHidden => "未公开", "Not public";
    PosFullTime => "专职网格员", "Full-time worker";
    PosInstructor => "网格指导员", "Instructor";
    PosLeader => "网格长", "Grid leader";
    PosPartTime => "兼职网格员", "Part-time worker";
    Poster => "上岗公示海报（可打印）", "Printable poster";
    ReportHere => "上报本网格的问题", "Report a problem in this grid";
    Residents => "人口", "Residents";
} }

pub fn position_label(p: StaffPosition) -> Gp {
    match p {
        StaffPosition::Leader => Gp::PosLeader,
        StaffPosition::FullTime => Gp::PosFullTime,
        StaffPosition::PartTime => Gp::PosPartTime,
        StaffPosition::Instructor => Gp::PosInstructor,
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
        return view! { <p class="muted">{tr(Gp::NoStaff)}</p> }.into_any();
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
                                None => view! { <span class="tel muted">{move || Gp::PhoneHidden.get(lang.get())}</span> }.into_any(),
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
    let grid = crate::ui::resource::resource(code, grid_page);
    view! {
        <Suspense fallback=move || view! { <p class="notice">{tr(T::Loading)}</p> }>
            {move || grid.get().map(|r| match r {
                Err(e) => view! {
                    <section class="card narrow">
                        <p class="form-error">{move || if matches!(e, crate::domain::error::AppError::NotFound) { Gp::GridNotFound.get(lang.get()).to_string() } else { e.message(lang.get()) }}</p>
                        <A href="/">{tr(Gp::BackToMap)}</A>
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
                                <dt>{tr(Gp::Legend)}</dt><dd>{move || kind.get(lang.get())}{(!g.category.is_empty()).then(|| format!(" · {}", g.category))}</dd>
                                <Show when={let h = g.households; move || h > 0}>
                                    <dt>{tr(Gp::Households)}</dt><dd>{g.households}</dd>
                                    <dt>{tr(Gp::Residents)}</dt><dd>{g.residents}</dd>
                                </Show>
                            </dl>
                            <h2>{tr(T::Staff)}</h2>
                            <StaffList staff=g.staff.clone()/>
                            <Show when={let n = g.compounds.len(); move || n > 0}>
                                <h2>{tr(Gp::Compounds)}</h2>
                                <ul class="compounds">
                                    {g.compounds.iter().map(|c| view! {
                                        <li>{c.name.clone()}{c.property_company.clone().map(|p| format!(" · {}：{p}", if lang.get_untracked() == Lang::Zh { "物业" } else { "Property" }))}</li>
                                    }).collect_view()}
                                </ul>
                            </Show>
                            <p class="row">
                                <A href=format!("/report?grid={}", g.code) attr:data-testid="grid-report-link">{tr(Gp::ReportHere)}</A>
                                <A href=format!("/grid/{}/poster", g.code) attr:data-testid="grid-poster-link">{tr(Gp::Poster)}</A>
                                <A href="/">{tr(Gp::BackToMap)}</A>
                            </p>
                        </article>
                    }.into_any()
                }
            })}
        </Suspense>
    }
}
