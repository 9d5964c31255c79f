//! 网格覆盖检查 (`/coverage`): "四至清晰、不留盲区、避免重叠". An admin
//! picks an area and sees every gap (part no grid covers) and overlap (part
//! two grids share) listed with its area in m² and drawn over the grid map.

use super::auth::SignInPrompt;
use super::i18n::{tr, use_lang, T};
use super::map::driver;
use super::session::use_session;
use crate::api::geography::check_coverage;
use crate::domain::geography::{CoverageFinding, CoverageKind, CoverageReport};
#[allow(unused_imports)]
use crate::ui::i18n::Words as _;
use leptos::prelude::*;
use leptos::task::spawn_local;

// This page's own words: they load with its code (`i18n::Words`).
crate::ui::i18n::texts! { Cv {
    Title => "网格覆盖检查", "Grid coverage check";
    Hint => "检查所选区域内的网格是否“不留盲区、避免重叠”：盲区是没有任何网格覆盖的范围，重叠是两个网格共有的范围（小于1平方米的忽略）。", "Checks that the grids of the area leave no gap and do not overlap: a gap is area no grid covers, an overlap is area two grids share (below 1 m² ignored).";
    Everything => "全部区域", "Everything";
    Checked => "已检查网格：", "Grids checked: ";
    Clean => "无盲区、无重叠。", "No gaps and no overlaps.";
    Gaps => "处盲区", " gap(s)";
    Overlaps => "处重叠", " overlap(s)";
    Gap => "盲区", "Gap";
    Overlap => "重叠", "Overlap";
    Bordering => "相邻网格：", "Bordering: ";
    Between => "重叠网格：", "Grids: ";
    SquareMetres => "平方米", "m²";
    Checking => "正在检查…", "Checking…";
    AdminsOnly => "覆盖检查需要社区、街道或系统管理员账号。", "The coverage check needs a community, street or system admin.";
} }

#[component]
pub fn CoveragePage() -> impl IntoView {
    let session = use_session();
    view! {
        <div class="session-view">
            {move || match session.current() {
                None => view! { <SignInPrompt/> }.into_any(),
                Some(u) if u.grants.iter().any(|g| matches!(
                    g.role,
                    crate::domain::auth::Role::CommunityAdmin
                        | crate::domain::auth::Role::StreetAdmin
                        | crate::domain::auth::Role::SystemAdmin
                )) => view! { <Coverage/> }.into_any(),
                Some(_) => view! { <p class="notice">{tr(Cv::AdminsOnly)}</p> }.into_any(),
            }}
        </div>
    }
}

fn colour(kind: CoverageKind) -> &'static str {
    match kind {
        CoverageKind::Gap => "#dc2626",
        CoverageKind::Overlap => "#7c3aed",
    }
}

#[component]
fn Coverage() -> impl IntoView {
    let lang = use_lang();
    // `None` until the first answer: the server picks the caller's own area.
    let asked = RwSignal::new(None::<String>);
    let report = LocalResource::new(move || check_coverage(asked.get()));
    let shown = RwSignal::new(None::<CoverageReport>);
    Effect::new(move |_| {
        if let Some(Ok(r)) = report.get() {
            shown.set(Some(r));
        }
    });
    view! {
        <section class="cases coverage">
            <h1>{tr(Cv::Title)}</h1>
            <p class="hint">{tr(Cv::Hint)}</p>
            {move || shown.get().map(|r| {
                let current = r.scope.clone();
                view! {
                    <label class="actions"><span>{tr(T::Area)}</span>
                        <select data-testid="coverage-area"
                            on:change=move |ev| asked.set(Some(event_target_value(&ev)))>
                            {r.choices.iter().map(|(code, name)| {
                                let label = if code.is_empty() { tr(Cv::Everything)().to_string() } else { name.clone() };
                                view! { <option value=code.clone() selected=*code == current>{label}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                }
            })}
            {move || match report.get() {
                None => view! { <p class="map-status">{tr(Cv::Checking)}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="form-error">{e.message(lang.get())}</p> }.into_any(),
                Some(Ok(r)) => view! { <Summary report=r/> }.into_any(),
            }}
            <CoverageMap shown/>
        </section>
    }
}

#[component]
fn Summary(report: CoverageReport) -> impl IntoView {
    let gaps = report.count(CoverageKind::Gap);
    let overlaps = report.count(CoverageKind::Overlap);
    view! {
        <p data-testid="coverage-summary" class=if gaps + overlaps == 0 { "notice ok" } else { "notice" }>
            {tr(Cv::Checked)}{report.grids_checked}"。"
            {if gaps + overlaps == 0 {
                tr(Cv::Clean)().to_string()
            } else {
                format!("{gaps}{} · {overlaps}{}", tr(Cv::Gaps)(), tr(Cv::Overlaps)())
            }}
        </p>
        <ul class="findings" data-testid="coverage-findings">
            {report.findings.into_iter().map(|f| view! { <Finding f/> }).collect_view()}
        </ul>
    }
}

#[component]
fn Finding(f: CoverageFinding) -> impl IntoView {
    let (kind, who) = match f.kind {
        CoverageKind::Gap => (tr(Cv::Gap), tr(Cv::Bordering)),
        CoverageKind::Overlap => (tr(Cv::Overlap), tr(Cv::Between)),
    };
    let grids = if f.grids.is_empty() {
        "—".to_string()
    } else {
        f.grids.join("、")
    };
    view! {
        <li class=format!("finding {}", if f.kind == CoverageKind::Gap { "gap" } else { "overlap" })>
            <span class="swatch" style=format!("background:{}", colour(f.kind))></span>
            <strong>{kind}</strong>" "
            {format!("{:.1} ", f.area_m2)}{tr(Cv::SquareMetres)}
            " · "{f.area_name}" ("{f.area}")"
            <br/><small>{who}{grids}</small>
        </li>
    }
}

/// The grid map with the findings drawn over it, framed on them (or on the
/// area when there are none).
#[component]
fn CoverageMap(shown: RwSignal<Option<CoverageReport>>) -> impl IntoView {
    let drawn = RwSignal::new(false);
    let failed = RwSignal::new(false);
    Effect::new(move |done: Option<()>| {
        if done.is_some() {
            return;
        }
        spawn_local(async move {
            if !super::map::grid_map("coverage-map", |_| {}).await {
                failed.try_set(true);
                return;
            }
            drawn.try_set(true);
        });
    });
    Effect::new(move |_| {
        if !drawn.get() {
            return;
        }
        let Some(r) = shown.get() else { return };
        if let Some(b) = r.bbox {
            driver::fit(b);
        }
        driver::show_shapes(
            r.findings
                .iter()
                .map(|f| {
                    let class = match f.kind {
                        CoverageKind::Gap => "coverage-gap",
                        CoverageKind::Overlap => "coverage-overlap",
                    };
                    (f.rings.clone(), colour(f.kind), class)
                })
                .collect(),
        );
    });
    on_cleanup(driver::unmount);
    view! {
        <div id="coverage-map" class="grid-map" data-drawn=move || drawn.get().then_some("1")></div>
        {move || failed.get().then(|| view! { <p class="map-status">{tr(T::MapFailed)}</p> })}
    }
}
