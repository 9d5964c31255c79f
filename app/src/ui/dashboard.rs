//! 数据看板 (`/dashboard`): the command centre's figures for an area and a
//! period — cards with each formula beside its figure, the trend, the
//! breakdowns, the rankings with the top 30% marked, the departments, and
//! a heat map of cases over the grid outlines. Charts are SVG drawn here,
//! sized for a phone.

use super::auth::SignInPrompt;
use super::i18n::{level_label, source_label, tr, use_lang, T};
use super::session::use_session;
use crate::api::assessment::dashboard_figures;
use crate::api::cases::case_categories;
use crate::domain::assessment::{Dashboard, DashboardAsk, Figure, Figures, Ranked};
use crate::domain::case::{CaseSource, DispatchLevel};
#[allow(unused_imports)]
use crate::ui::i18n::Words as _;
use leptos::prelude::*;
use leptos_router::components::A;

// This page's own words: they load with its code (`i18n::Words`).
crate::ui::i18n::texts! { D {
    AnswerHours => "平均响应（小时）", "Answer (hours)";
    AnswerRate => "响应率", "Answered";
    Apply => "查询", "Apply";
    ByCategory => "按类别", "By category";
    ByLevel => "按办理层级", "By level";
    BySource => "按来源", "By source";
    Called => "吹哨次数", "Called";
    CasesFound => "主动发现", "Found on patrol";
    CasesHandled => "已办结", "With a result";
    CasesReported => "上报事件", "Cases reported";
    DashboardTitle => "数据看板", "Dashboard";
    DepartmentFigures => "职能部门报到情况", "Departments";
    Download => "下载", "Download";
    ExportCases => "事件", "Cases";
    ExportFailed => "导出失败，请重试", "The export failed; try again";
    ExportFigures => "考核指标", "Figures";
    ExportPatrols => "巡查记录", "Patrols";
    ExportRows => "已导出", "Rows written";
    Exports => "导出", "Exports";
    ExportsHint => "按上方的范围、时间和类别导出（CSV可直接用Excel打开）；超过1万行的导出在后台生成，完成后可下载。每次导出都会记入审计日志。", "Exports follow the filters above; above 10,000 rows they are made in the background with progress shown. Every export is audited.";
    From => "从", "From";
    Handled => "办结", "Handled";
    HeatMap => "事件热力图", "Heat map";
    Name => "名称", "Name";
    NoWhistles => "本期没有吹哨事件", "No whistles in this period";
    NotDispatched => "未派单", "Not dispatched";
    OnTimeReport => "按期报到率", "Reported on time";
    OpenNow => "当前在办", "Open now";
    OverdueNow => "超期", "overdue";
    Ranking => "考核排名", "Ranking";
    Reported => "上报", "Reported";
    SendBackRate => "退回率", "Sent back";
    StreetRating => "街道评价", "Street's rating";
    To => "到", "To";
    Top30 => "前30%", "Top 30%";
    Trend => "事件趋势", "Trend";
    WorkerRanking => "网格员考核排名", "Grid workers";
} }

#[component]
pub fn DashboardPage() -> impl IntoView {
    let session = use_session();
    view! {
        <div class="session-view">
            {move || match session.current() {
                None => view! { <SignInPrompt/> }.into_any(),
                Some(_) => view! { <Board/> }.into_any(),
            }}
        </div>
    }
}

fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{:.1}%", x * 100.0))
        .unwrap_or_else(|| "—".into())
}

fn shown(f: Figure, figures: &Figures) -> String {
    match f {
        Figure::Satisfaction => figures
            .satisfaction
            .map(|x| format!("{x:.2}"))
            .unwrap_or_else(|| "—".into()),
        Figure::HandlingHours => figures
            .handling_hours
            .map(|x| format!("{x:.1}"))
            .unwrap_or_else(|| "—".into()),
        Figure::Score => figures
            .score
            .map(|x| format!("{x:.1}"))
            .unwrap_or_else(|| "—".into()),
        other => pct(figures.get(other)),
    }
}

#[component]
fn Board() -> impl IntoView {
    let lang = use_lang();
    let area = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    // What was asked last: the filters apply when 查询 is pressed.
    let asked = RwSignal::new(DashboardAsk::default());
    let data = LocalResource::new(move || dashboard_figures(asked.get()));
    let categories = LocalResource::new(case_categories);
    // The first answer fills the filters with what the server chose.
    Effect::new(move |_| {
        if let Some(Ok(d)) = data.get() {
            if area.get_untracked().is_empty() {
                if let Some((c, _)) = &d.area {
                    area.set(c.clone());
                }
            }
            if from.get_untracked().is_empty() {
                if let (Some(f), Some(t)) = (d.from, d.to) {
                    from.set(f.to_string());
                    to.set(t.to_string());
                }
            }
        }
    });
    let apply = move |_| {
        asked.set(DashboardAsk {
            area: Some(area.get_untracked()).filter(|a| !a.is_empty()),
            from: from.get_untracked().parse().ok(),
            to: to.get_untracked().parse().ok(),
            category_id: category.get_untracked().parse().ok(),
        });
    };
    view! {
        <section class="cases dashboard">
            <h1>{tr(D::DashboardTitle)}</h1>
            <form class="actions filters" data-testid="dashboard-filters" on:submit=move |ev| { ev.prevent_default(); apply(()); }>
                <Suspense>
                    {move || data.get().and_then(Result::ok).filter(|d| !d.areas.is_empty()).map(|d| view! {
                        <label><span>{tr(T::Area)}</span>
                            // Rebuilt with each answer, after the area was
                            // chosen: the chosen one marks itself.
                            <select bind:value=area data-testid="dashboard-area">
                                {d.areas.into_iter().map(|(c, n)| view! { <option value=c.clone() selected=area.get_untracked() == c>{n}</option> }).collect_view()}
                            </select>
                        </label>
                    })}
                </Suspense>
                <div class="row">
                    <label><span>{tr(D::From)}</span><input type="date" bind:value=from data-testid="dashboard-from"/></label>
                    <label><span>{tr(D::To)}</span><input type="date" bind:value=to data-testid="dashboard-to"/></label>
                </div>
                <label><span>{tr(T::Category)}</span>
                    <select bind:value=category data-testid="dashboard-category">
                        <option value="">{tr(T::AllCategories)}</option>
                        {move || categories.get().and_then(Result::ok).unwrap_or_default().into_iter()
                            .map(|c| view! { <option value=c.id.to_string() selected=category.get_untracked() == c.id.to_string()>{if c.parent_id.is_some() { format!("· {}", c.name) } else { c.name.clone() }}</option> })
                            .collect_view()}
                    </select>
                </label>
                <button type="submit" class="primary" data-testid="dashboard-apply">{tr(D::Apply)}</button>
            </form>
            <Suspense fallback=move || view! { <p class="notice">{tr(T::Loading)}</p> }>
                {move || data.get().map(|r| match r {
                    Err(e) => view! { <p class="form-error" role="alert">{e.message(lang.get())}</p> }.into_any(),
                    Ok(d) => view! { <Figures d/> }.into_any(),
                })}
            </Suspense>
            <ExportLinks asked/>
        </section>
    }
}

#[component]
fn Figures(d: Dashboard) -> impl IntoView {
    let lang = use_lang();
    let has_area = d.area.is_some();
    view! {
        {has_area.then(|| {
            let d = d.clone();
            view! {
                <div class="cards" data-testid="figure-cards">
                    <div class="card stat"><span class="muted small">{tr(D::CasesReported)}</span><strong data-testid="stat-cases">{d.totals.cases}</strong></div>
                    <div class="card stat"><span class="muted small">{tr(D::CasesFound)}</span><strong>{d.totals.found}</strong></div>
                    <div class="card stat"><span class="muted small">{tr(D::CasesHandled)}</span><strong>{d.totals.handled}</strong></div>
                    <A href="/cases?view=overdue" attr:class="card stat">
                        <span class="muted small">{tr(D::OpenNow)}</span>
                        <strong>{d.open_now}</strong>
                        <span class="flag overdue" data-testid="stat-overdue">{tr(D::OverdueNow)}" "{d.overdue_now}</span>
                    </A>
                    {Figure::ALL.into_iter().map(|f| {
                        let value = shown(f, &d.figures);
                        view! {
                            <div class="card stat" data-figure=format!("{f:?}")>
                                <span class="muted small">{move || f.label(lang.get())}</span>
                                <strong>{value}</strong>
                                <span class="formula">{move || f.formula(lang.get())}</span>
                            </div>
                        }
                    }).collect_view()}
                </div>
                <h2>{tr(D::Trend)}</h2>
                <Trend d=d.clone()/>
                <h2>{tr(D::HeatMap)}</h2>
                <Heat d=d.clone()/>
                <h2>{tr(D::ByCategory)}</h2>
                <Bars rows=d.by_category.iter().take(8).map(|s| (s.key.clone(), s.count)).collect()/>
                <h2>{tr(D::BySource)}</h2>
                <Bars rows=d.by_source.iter().map(|s| (CaseSource::parse(&s.key).map(|c| source_label(c, lang.get_untracked()).to_string()).unwrap_or(s.key.clone()), s.count)).collect()/>
                <h2>{tr(D::ByLevel)}</h2>
                <Bars rows=d.by_level.iter().map(|s| (DispatchLevel::parse(&s.key).map(|l| level_label(l, lang.get_untracked()).to_string()).unwrap_or_else(|| D::NotDispatched.get(lang.get_untracked()).to_string()), s.count)).collect()/>
                {(!d.children.is_empty()).then(|| view! {
                    <h2>{tr(D::Ranking)}</h2>
                    <Ranking rows=d.children.clone() testid="ranking-areas"/>
                })}
                {(!d.workers.is_empty()).then(|| view! {
                    <h2>{tr(D::WorkerRanking)}</h2>
                    <Ranking rows=d.workers.clone() testid="ranking-workers"/>
                })}
            }
        })}
        <h2>{tr(D::DepartmentFigures)}</h2>
        {if d.departments.is_empty() {
            view! { <p class="muted">{tr(D::NoWhistles)}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="table" data-testid="department-figures">
                        <thead><tr>
                            <th>{tr(T::DepartmentCode)}</th><th>{tr(D::Called)}</th><th>{tr(D::AnswerRate)}</th>
                            <th>{tr(D::SendBackRate)}</th><th>{tr(D::OnTimeReport)}</th><th>{tr(D::AnswerHours)}</th><th>{tr(D::StreetRating)}</th>
                        </tr></thead>
                        <tbody>
                            {d.departments.iter().map(|r| view! {
                                <tr>
                                    <td>{r.name.clone()}</td><td>{r.counts.called}</td>
                                    <td>{pct(r.figures.answer_rate)}</td><td>{pct(r.figures.send_back_rate)}</td>
                                    <td>{pct(r.figures.on_time_rate)}</td>
                                    <td>{r.figures.answer_hours.map(|h| format!("{h:.1}")).unwrap_or_else(|| "—".into())}</td>
                                    <td>{r.figures.rating.map(|h| format!("{h:.1}")).unwrap_or_else(|| "—".into())}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}

/// Reported and handled per day, as two lines.
#[component]
fn Trend(d: Dashboard) -> impl IntoView {
    let (w, h) = (320.0, 120.0);
    let n = d.series.len().max(2) as f64;
    let max = d
        .series
        .iter()
        .map(|p| p.reported.max(p.handled))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let line = |pick: &dyn Fn(&crate::domain::assessment::DayPoint) -> u64| -> String {
        d.series
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let x = i as f64 / (n - 1.0) * (w - 20.0) + 10.0;
                let y = h - 15.0 - pick(p) as f64 / max * (h - 30.0);
                format!("{x:.1},{y:.1}")
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let reported = line(&|p| p.reported);
    let handled = line(&|p| p.handled);
    let first = d
        .series
        .first()
        .map(|p| p.day.format("%m-%d").to_string())
        .unwrap_or_default();
    let last = d
        .series
        .last()
        .map(|p| p.day.format("%m-%d").to_string())
        .unwrap_or_default();
    view! {
        <svg class="chart" viewBox="0 0 320 120" role="img" data-testid="trend" aria-label=move || D::Trend.get(use_lang().get())>
            <line x1="10" y1="105" x2="310" y2="105" class="axis"/>
            <polyline points=reported class="series reported" fill="none"/>
            <polyline points=handled class="series handled" fill="none"/>
            <text x="10" y="118" class="tick">{first}</text>
            <text x="310" y="118" class="tick" text-anchor="end">{last}</text>
            <text x="10" y="10" class="tick">{format!("{max:.0}")}</text>
        </svg>
        <p class="legend small"><span class="key reported"></span>{tr(D::Reported)}" "<span class="key handled"></span>{tr(D::Handled)}</p>
    }
}

/// Horizontal bars with their counts.
#[component]
fn Bars(rows: Vec<(String, u64)>) -> impl IntoView {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1) as f64;
    let height = rows.len() as f64 * 22.0 + 4.0;
    view! {
        <svg class="chart bars" viewBox=format!("0 0 320 {height}") role="img">
            {rows.into_iter().enumerate().map(|(i, (label, count))| {
                let y = i as f64 * 22.0 + 2.0;
                let width = count as f64 / max * 150.0;
                view! {
                    <text x="0" y=y + 14.0 class="tick">{label.chars().take(12).collect::<String>()}</text>
                    <rect x="130" y=y width=format!("{width:.1}") height="16" class="bar"/>
                    <text x=format!("{:.1}", 134.0 + width) y=y + 13.0 class="tick">{count}</text>
                }
            }).collect_view()}
        </svg>
    }
}

/// Cases per ~100 m cell over the outlines of the area's grids.
#[component]
fn Heat(d: Dashboard) -> impl IntoView {
    let Some([south, west, north, east]) = d.bbox else {
        return ().into_any();
    };
    let (w, h): (f64, f64) = (320.0, 240.0);
    // Degrees of longitude are shorter than of latitude here (cos 36.6°).
    let kx = (south.to_radians() / 2.0 + north.to_radians() / 2.0).cos();
    let span = ((east - west) * kx).max(north - south).max(1e-6);
    let scale = (w - 10.0).min(h - 10.0) / span;
    let px =
        move |lat: f64, lng: f64| (5.0 + (lng - west) * kx * scale, 5.0 + (north - lat) * scale);
    let max = d.heat.iter().map(|c| c.count).max().unwrap_or(0).max(1) as f64;
    view! {
        <svg class="chart heat" viewBox="0 0 320 240" role="img" data-testid="heat-map">
            {d.outlines.iter().map(|ring| {
                let pts = ring.iter().map(|p| { let (x, y) = px(p[0], p[1]); format!("{x:.1},{y:.1}") }).collect::<Vec<_>>().join(" ");
                view! { <polygon points=pts class="outline"/> }
            }).collect_view()}
            {d.heat.iter().map(|c| {
                let (x, y) = px(c.lat, c.lng);
                let t = c.count as f64 / max;
                view! { <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r=format!("{:.1}", 3.0 + 7.0 * t) class="hot" fill-opacity=format!("{:.2}", 0.25 + 0.6 * t)><title>{c.count}</title></circle> }
            }).collect_view()}
        </svg>
    }
    .into_any()
}

#[component]
fn Ranking(rows: Vec<Ranked>, testid: &'static str) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="table-wrap">
            <table class="table" data-testid=testid>
                <thead><tr>
                    <th>"#"</th><th>{tr(D::Name)}</th>
                    <th>{move || Figure::Score.label(lang.get())}</th>
                    <th>{move || Figure::PatrolRate.label(lang.get())}</th>
                    <th>{move || Figure::DiscoveryRate.label(lang.get())}</th>
                    <th>{move || Figure::HandlingRate.label(lang.get())}</th>
                    <th>{move || Figure::OnTimeRate.label(lang.get())}</th>
                    <th>{move || Figure::Satisfaction.label(lang.get())}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr class:top=r.top data-top=r.top.to_string()>
                            <td>{r.rank.map(|n| n.to_string()).unwrap_or_else(|| "—".into())}</td>
                            <td>{r.name.clone()}{r.top.then(|| view! { " " <span class="badge status-closed">{tr(D::Top30)}</span> })}</td>
                            <td>{shown(Figure::Score, &r.figures)}</td>
                            <td>{pct(r.figures.patrol_rate)}</td>
                            <td>{pct(r.figures.discovery_rate)}</td>
                            <td>{pct(r.figures.handling_rate)}</td>
                            <td>{pct(r.figures.on_time_rate)}</td>
                            <td>{shown(Figure::Satisfaction, &r.figures)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The exports of what the dashboard shows (CSV with a BOM, or XLSX): a
/// small one downloads at once, a large one shows its progress first.
#[component]
fn ExportLinks(asked: RwSignal<DashboardAsk>) -> impl IntoView {
    use crate::api::assessment::{export_status, start_export};
    use crate::domain::export::{ExportAsk, ExportFormat, ExportKind, ExportStatus};
    let lang = use_lang();
    let job = RwSignal::new(None::<ExportStatus>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let run = move |kind: ExportKind, format: ExportFormat| {
        busy.set(true);
        error.set(None);
        job.set(None);
        let filters = asked.get_untracked();
        leptos::task::spawn_local(async move {
            let mut answer = start_export(ExportAsk {
                kind,
                format,
                filters,
            })
            .await;
            // A large export runs in the background: its progress, every second.
            while let Ok(s) = &answer {
                job.set(Some(s.clone()));
                if s.url.is_some() || s.failed {
                    break;
                }
                #[cfg(feature = "hydrate")]
                gloo_timers::future::sleep(std::time::Duration::from_secs(1)).await;
                answer = export_status(s.id.clone()).await;
            }
            if let Err(e) = answer {
                error.set(Some(e.message(lang.get_untracked())));
            }
            busy.set(false);
        });
    };
    let button = move |kind: ExportKind, format: ExportFormat, label: D| {
        let ext = format.extension().to_uppercase();
        view! {
            <button type="button" disabled=move || busy.get()
                data-testid=format!("export-{}-{}", kind.as_str(), format.extension())
                on:click=move |_| run(kind, format)>
                {tr(label)}" "{ext.clone()}
            </button>
        }
    };
    view! {
        <h2>{tr(D::Exports)}</h2>
        <p class="muted small">{tr(D::ExportsHint)}</p>
        <div class="row" data-testid="exports">
            {button(ExportKind::Cases, ExportFormat::Csv, D::ExportCases)}
            {button(ExportKind::Cases, ExportFormat::Xlsx, D::ExportCases)}
            {button(ExportKind::Figures, ExportFormat::Csv, D::ExportFigures)}
            {button(ExportKind::Figures, ExportFormat::Xlsx, D::ExportFigures)}
            {button(ExportKind::Patrols, ExportFormat::Csv, D::ExportPatrols)}
            {button(ExportKind::Patrols, ExportFormat::Xlsx, D::ExportPatrols)}
        </div>
        {move || job.get().map(|s| view! {
            <p data-testid="export-progress" role="status">
                {tr(D::ExportRows)}" "{format!("{} / {}", s.rows_done, s.rows_total)}
                {s.url.clone().map(|u| view! { " " <a class="button primary" href=u download rel="external" data-testid="export-download">{tr(D::Download)}</a> })}
                {s.failed.then(|| view! { " " <span class="form-error">{tr(D::ExportFailed)}</span> })}
            </p>
        })}
        {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
    }
}
