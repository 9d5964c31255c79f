//! 上岗公示 (`/grid/{code}/poster`): the A4 poster that hangs in every grid —
//! its map among its neighbours, its staff with their duties and the phones
//! they agreed to show, what residents can bring, and the QR code of the
//! report form bound to the grid. Server-rendered whole, laid out for print.

use super::grid_page::position_label;
use super::i18n::{tr, use_lang, T};
use crate::api::geography::grid_poster;
use crate::domain::error::AppError;
#[allow(unused_imports)]
use crate::ui::i18n::Words as _;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

// This page's own words: they load with its code (`i18n::Words`).
crate::ui::i18n::texts! { Ps {
    Title => "网格员上岗公示", "Grid staff on duty";
    Staff => "网格力量", "Grid staff";
    Position => "职务", "Position";
    Name => "姓名", "Name";
    Duties => "职责", "Duties";
    Phone => "联系电话", "Phone";
    NotPublic => "—", "—";
    Services => "可向网格反映的事项", "What you can bring to the grid";
    Wishes => "微心愿（困难群众的小心愿，由党员和单位认领）", "Micro-wishes (small wishes of people in need, claimed by party members and units)";
    ScanToReport => "扫码上报本网格的问题", "Scan to report a problem in this grid";
    Print => "打印", "Print";
    OpenForm => "打开本网格的上报表单", "Open this grid's report form";
    BackToGrid => "返回网格页面", "Back to the grid page";
    UrlNotConfigured => "注意：二维码使用的是本次访问的地址。正式打印张贴前，请系统管理员设置 GRIDLINK_PUBLIC_URL（居民访问的正式网址）。", "Note: the QR code uses the address of this visit. Before printing for the street, have the system admin set GRIDLINK_PUBLIC_URL (the public address).";
    NotFound => "没有这个网格。", "No such grid.";
    Legend => "红色为本网格，灰色为相邻网格", "Red: this grid; grey: its neighbours";
} }

#[component]
pub fn PosterPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let poster = crate::ui::resource::resource(code, grid_poster);
    view! {
        <Suspense fallback=move || view! { <p class="notice">{tr(T::Loading)}</p> }>
            {move || poster.get().map(|r| match r {
                Err(e) => view! {
                    <section class="card narrow">
                        <p class="form-error">{move || if matches!(e, AppError::NotFound) { Ps::NotFound.get(lang.get()).to_string() } else { e.message(lang.get()) }}</p>
                        <A href="/">{tr(T::NavMap)}</A>
                    </section>
                }.into_any(),
                Ok(p) => {
                    let g = p.grid;
                    let bound = format!("/report?grid={}", g.code);
                    view! {
                        <article class="poster" data-testid="poster">
                            {(!p.public_url_configured).then(|| view! {
                                <p class="notice no-print" data-testid="poster-url-warning">{tr(Ps::UrlNotConfigured)}</p>
                            })}
                            <header class="poster-head">
                                <p class="crumbs">{g.street_name.clone()}" · "{g.community_name.clone()}</p>
                                <h1>{tr(Ps::Title)}</h1>
                                <h2>{g.name.clone()}<span class="code">{g.code.clone()}</span></h2>
                            </header>
                            <figure class="poster-map-wrap">
                                <div inner_html=p.map_svg></div>
                                <figcaption>{tr(Ps::Legend)}</figcaption>
                            </figure>
                            <section>
                                <h3>{tr(Ps::Staff)}</h3>
                                <table class="poster-staff" data-testid="poster-staff">
                                    <thead><tr><th>{tr(Ps::Position)}</th><th>{tr(Ps::Name)}</th><th>{tr(Ps::Duties)}</th><th>{tr(Ps::Phone)}</th></tr></thead>
                                    <tbody>
                                        {g.staff.into_iter().map(|s| {
                                            let pos = position_label(s.position);
                                            view! {
                                                <tr>
                                                    <td>{move || pos.get(lang.get())}</td>
                                                    <td>{s.name}</td>
                                                    <td>{s.duties}</td>
                                                    <td>{s.phone.unwrap_or_else(|| Ps::NotPublic.get(lang.get_untracked()).to_string())}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </section>
                            <div class="poster-foot">
                                <section class="poster-services">
                                    <h3>{tr(Ps::Services)}</h3>
                                    <ul>
                                        {p.services.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}
                                        <li>{tr(Ps::Wishes)}</li>
                                    </ul>
                                </section>
                                <section class="poster-qr-box" data-testid="poster-qr">
                                    <div inner_html=p.qr_svg></div>
                                    <p><strong>{tr(Ps::ScanToReport)}</strong></p>
                                    <p class="url">{p.report_url}</p>
                                </section>
                            </div>
                            <p class="row no-print">
                                <button type="button" class="primary" on:click=move |_| print()>{tr(Ps::Print)}</button>
                                <A href=bound attr:data-testid="poster-report-link">{tr(Ps::OpenForm)}</A>
                                <A href=format!("/grid/{}", g.code)>{tr(Ps::BackToGrid)}</A>
                            </p>
                        </article>
                    }.into_any()
                }
            })}
        </Suspense>
    }
}

fn print() {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}
