//! 巡查走访 (`/patrol`): a grid worker starts a patrol, the phone records a
//! point every few seconds while it runs (kept and sent again when the
//! signal drops), visits are logged with photos and a finding becomes a case
//! in one tap; ending it stores the track. Below: the day's rule for the
//! workers of the caller's places, and each grid's key-issues list.

use super::auth::{ErrorLine, SignInPrompt};
use super::i18n::{short_time, tr, use_lang, T};
use super::session::use_session;
use crate::api::cases::case_categories;
use crate::api::patrols::{
    add_key_issue, end_patrol, key_issues, log_visit, my_patrols, patrol_day, record_points,
    review_key_issue, start_patrol, visit_to_case,
};
use crate::domain::error::{AppError, Field, InputProblem};
use crate::domain::patrol::{
    IssueReview, IssueStatus, NewKeyIssue, NewVisit, PatrolView, ReviewKind, Risk, TrackPoint,
    VisitKind,
};
#[allow(unused_imports)]
use crate::ui::i18n::Words as _;
use leptos::prelude::*;
use leptos_router::components::A;

// This page's own words: they load with its code (`i18n::Words`).
crate::ui::i18n::texts! { P {
    AddKeyIssue => "加入清单", "Add to the list";
    AddReview => "添加分析/总结", "Add a review";
    ChooseCategory => "请选择问题类别", "Choose a category";
    DayRuleTitle => "每日巡查情况（每天至少2次）", "Daily patrols (at least 2 a day)";
    EndPatrol => "结束巡查", "End patrol";
    FindingFiled => "已转为事件", "Filed as case";
    FindingToCase => "一键转为事件", "File as a case";
    Grid => "网格", "Grid";
    KeyIssues => "重点问题清单", "Key issues";
    KeyIssuesPerGrid => "重点问题清单按网格管理，请在上方选择一个网格。", "Key issues are kept per grid: choose a grid above.";
    LogVisit => "记录走访", "Log visit";
    NoGps => "暂时无法获取位置，已记录的位置会在恢复后补传。", "No position for now; recorded points are sent once the signal is back.";
    NoKeyIssues => "暂无重点问题", "No key issues";
    PatrolEvery => "每 {n} 秒记录一次位置（节省电量）", "A point every {n} seconds (spares the battery)";
    PatrolRunning => "巡查中", "Patrolling";
    PatrolStaffOnly => "巡查走访仅限网格工作人员使用。", "Patrols are for grid staff.";
    PatrolStartHint => "每名网格员每天至少巡查走访两次。开始后手机按设定间隔记录位置，请保持页面打开。", "Each grid worker patrols at least twice a day. Once started, the phone records its position at the set interval: keep this page open.";
    PatrolTitle => "巡查走访", "Patrols and visits";
    PatrolToday => "今日有效巡查", "Patrols today";
    PatrolTooShort => "（不足10分钟，不计入）", "(under 10 minutes: not counted)";
    PatrolsShort => "有效巡查", "Patrols";
    PatrolsToday => "今日巡查记录", "Today's patrols";
    RiskLevel => "风险等级", "Risk";
    RuleDone => "已达标", "Done";
    RuleNotDone => "未达标", "Not yet";
    StartPatrol => "开始巡查", "Start patrol";
    PatrolGrid => "巡查网格", "Grid to patrol";
    StartedAt => "开始于", "Started";
    StatusUnchanged => "状态不变", "Status unchanged";
    Title => "标题", "Title";
    TrackPoints => "已记录位置", "Points recorded";
    VisitKindLabel => "走访类型", "Kind";
    VisitSubject => "走访对象", "Household or place";
    VisitSubjectHint => "如：3号楼2单元501、惠民超市", "e.g. Bldg 3 Unit 2 No. 501, a corner shop";
    FindHousehold => "查找住户", "Find the household";
    LinkHousehold => "关联人房信息中的住户（选填）", "Link a household of the records (optional)";
    NoHousehold => "不关联", "None";
    VisitsShort => "次走访", "visits";
    Walked => "巡查里程", "Distance";
    Worker => "网格员", "Worker";
} }

#[component]
pub fn PatrolPage() -> impl IntoView {
    let session = use_session();
    view! {
        <div class="session-view">
            {move || match session.current() {
                None => view! { <SignInPrompt/> }.into_any(),
                Some(_) => view! { <PatrolHome/> }.into_any(),
            }}
        </div>
    }
}

/// Bumped to read the caller's patrolling again.
#[derive(Clone, Copy)]
struct Reload(RwSignal<u32>);

#[component]
fn PatrolHome() -> impl IntoView {
    let lang = use_lang();
    let reload = RwSignal::new(0u32);
    provide_context(Reload(reload));
    let status = LocalResource::new(move || {
        reload.track();
        my_patrols()
    });
    view! {
        <section class="cases patrol">
            <h1>{tr(P::PatrolTitle)}</h1>
            <Suspense fallback=move || view! { <p class="notice">{tr(T::Loading)}</p> }>
                {move || status.get().map(|r| match r {
                    Err(e) => view! { <p class="form-error">{e.message(lang.get())}</p> }.into_any(),
                    Ok(s) => {
                        let areas = s.areas.clone();
                        let grid = s.grid_code.clone();
                        view! {
                            {grid.clone().map(|g| view! {
                                <p class="case-head" data-testid="day-rule">
                                    <span>{tr(P::PatrolToday)}" "<strong data-testid="today-count">{format!("{}/{}", s.today, s.needed)}</strong></span>
                                    {if s.today >= s.needed {
                                        view! { <span class="badge status-closed">{tr(P::RuleDone)}</span> }.into_any()
                                    } else {
                                        view! { <span class="flag due-soon">{tr(P::RuleNotDone)}</span> }.into_any()
                                    }}
                                    <code>{if s.grids.len() > 1 { s.grids.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>().join("、") } else { g }}</code>
                                </p>
                            })}
                            {match (grid.is_some(), s.running.clone()) {
                                (true, Some(p)) => view! { <Running patrol=p interval=s.interval_seconds/> }.into_any(),
                                (true, None) => view! { <StartButton grids=s.grids.clone()/> }.into_any(),
                                (false, _) => ().into_any(),
                            }}
                            {(!s.recent.is_empty()).then(|| view! {
                                <h2>{tr(P::PatrolsToday)}</h2>
                                <ul class="case-list" data-testid="recent-patrols">
                                    {s.recent.iter().map(|p| view! { <li><PatrolLine patrol=p.clone()/></li> }).collect_view()}
                                </ul>
                            })}
                            {if areas.is_empty() {
                                view! { <p class="notice">{tr(P::PatrolStaffOnly)}</p> }.into_any()
                            } else {
                                view! { <AreaWork areas/> }.into_any()
                            }}
                        }.into_any()
                    }
                })}
            </Suspense>
        </section>
    }
}

fn minutes(p: &PatrolView) -> i64 {
    let end = p.ended_at.unwrap_or_else(chrono::Utc::now);
    (end - p.started_at).num_minutes().max(0)
}

#[component]
fn PatrolLine(patrol: PatrolView) -> impl IntoView {
    let counts = patrol.counts;
    view! {
        <span>{short_time(patrol.started_at)}</span>" · "
        <span>{format!("{} min", minutes(&patrol))}</span>" · "
        <span>{format!("{:.0} m", patrol.length_m)}</span>" · "
        <span>{patrol.visits.len()}" "{tr(P::VisitsShort)}</span>" "
        {(!counts).then(|| view! { <span class="muted small">{tr(P::PatrolTooShort)}</span> })}
    }
}

/// The start button; a worker of several grids first picks the grid (the
/// first is chosen already).
#[component]
fn StartButton(grids: Vec<(String, String)>) -> impl IntoView {
    let reload = expect_context::<Reload>().0;
    let grid = RwSignal::new(grids.first().map(|g| g.0.clone()));
    let start = Action::new(|grid: &Option<String>| start_patrol(grid.clone()));
    let error = Signal::derive(move || start.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(_)) = start.value().get() {
            reload.update(|v| *v += 1);
        }
    });
    view! {
        <p class="hint">{tr(P::PatrolStartHint)}</p>
        {(grids.len() > 1).then(|| view! {
            <label class="field">{tr(P::PatrolGrid)}
                <select data-testid="patrol-grid" on:change=move |ev| grid.set(Some(event_target_value(&ev)))>
                    {grids.iter().map(|(c, n)| view! { <option value=c.clone()>{format!("{n}（{c}）")}</option> }).collect_view()}
                </select>
            </label>
        })}
        <button type="button" class="primary big" data-testid="start-patrol" disabled=move || start.pending().get()
            on:click=move |_| { start.dispatch(grid.get_untracked()); }>
            {tr(P::StartPatrol)}
        </button>
        <ErrorLine error/>
    }
}

/// The phone's position now, with its accuracy in metres.
#[cfg(feature = "hydrate")]
async fn position() -> Result<(f64, f64, Option<f64>), String> {
    use wasm_bindgen::JsValue;
    let geo = web_sys::window()
        .and_then(|w| w.navigator().geolocation().ok())
        .ok_or_else(|| "no geolocation".to_string())?;
    let opts = web_sys::PositionOptions::new();
    opts.set_enable_high_accuracy(true);
    opts.set_timeout(15_000);
    opts.set_maximum_age(5_000);
    let asked = js_sys::Promise::new(&mut |resolve, reject| {
        let _ = geo.get_current_position_with_error_callback_and_options(
            &resolve,
            Some(&reject),
            &opts,
        );
    });
    let get = |v: &JsValue, path: &[&str]| {
        path.iter().fold(v.clone(), |cur, k| {
            js_sys::Reflect::get(&cur, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
        })
    };
    match wasm_bindgen_futures::JsFuture::from(asked).await {
        Ok(pos) => {
            let lat = get(&pos, &["coords", "latitude"]).as_f64();
            let lng = get(&pos, &["coords", "longitude"]).as_f64();
            let accuracy = get(&pos, &["coords", "accuracy"]).as_f64();
            lat.zip(lng)
                .map(|(lat, lng)| (lat, lng, accuracy))
                .ok_or_else(|| "no coordinates".to_string())
        }
        Err(e) => Err(get(&e, &["message"]).as_string().unwrap_or_default()),
    }
}

#[cfg(not(feature = "hydrate"))]
async fn position() -> Result<(f64, f64, Option<f64>), String> {
    Err("server".into())
}

/// A patrol running: its figures, the track being recorded, the visit form,
/// the visits with their one-tap case, and the end button.
#[component]
fn Running(patrol: PatrolView, interval: u32) -> impl IntoView {
    let lang = use_lang();
    let reload = expect_context::<Reload>().0;
    let id = patrol.id;
    let points = RwSignal::new(patrol.points);
    let length = RwSignal::new(patrol.length_m);
    let gps = RwSignal::new(None::<String>);
    // Points not yet on the server: kept while the signal is gone, sent with
    // the next ones.
    let pending = StoredValue::new(Vec::<TrackPoint>::new());
    let last = StoredValue::new(None::<(f64, f64)>);
    // One upload at a time: the end's last point waits for the timer's.
    let sending = StoredValue::new(false);
    // (`try_update`: `None` once disposed, never a panic; `try_set` answers
    // the other way round.)
    // Records one point and sends what is waiting. `Some(false)`: the patrol
    // ended elsewhere; `None`: this page is gone (everything here is disposed
    // once the patrol view is rebuilt or left, and the loop must stop).
    let record = move || async move {
        if sending.try_get_value()? {
            return Some(true);
        }
        sending.try_update_value(|s| *s = true)?;
        match position().await {
            Ok((lat, lng, accuracy)) => {
                gps.try_update(|g| *g = None)?;
                last.try_update_value(|l| *l = Some((lat, lng)))?;
                pending.try_update_value(|p| {
                    p.push(TrackPoint {
                        lat,
                        lng,
                        at: chrono::Utc::now(),
                        accuracy,
                    })
                })?;
            }
            Err(e) => {
                gps.try_update(|g| *g = Some(e))?;
            }
        }
        let batch: Vec<TrackPoint> = pending.try_with_value(|p| {
            p.iter()
                .take(crate::domain::patrol::MAX_POINTS_PER_BATCH)
                .cloned()
                .collect()
        })?;
        let n = batch.len();
        let answer = if n == 0 {
            None
        } else {
            Some(record_points(id, batch).await)
        };
        let sent = |done: usize| {
            pending.try_update_value(|p| {
                p.drain(..done.min(p.len()));
            })
        };
        let going = match answer {
            None => true,
            Some(Ok(t)) => {
                sent(n)?;
                points.try_update(|v| *v = t.points)?;
                length.try_update(|v| *v = t.length_m)?;
                true
            }
            // Ended elsewhere (another tab, or left running too long).
            Some(Err(AppError::WrongState | AppError::Forbidden)) => false,
            // Points the server refuses (a clock far off) would block every
            // later upload: they are dropped.
            Some(Err(AppError::Invalid { .. })) => {
                sent(n)?;
                true
            }
            // Offline or the server busy: the points wait for the next round.
            Some(Err(_)) => true,
        };
        sending.try_update_value(|s| *s = false)?;
        Some(going)
    };
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        let every = std::time::Duration::from_secs(interval.max(1) as u64);
        loop {
            match record().await {
                Some(true) => {}
                Some(false) => {
                    let _ = reload.try_update(|v| *v += 1);
                    break;
                }
                None => break,
            }
            gloo_timers::future::sleep(every).await;
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (interval, record);
    let end = Action::new_local(move |_: &()| async move {
        // The last position first, so the track reaches where the walk ended
        // (after any upload under way).
        #[cfg(feature = "hydrate")]
        for _ in 0..200 {
            if !sending.try_get_value().unwrap_or(false) {
                break;
            }
            gloo_timers::future::sleep(std::time::Duration::from_millis(100)).await;
        }
        record().await;
        end_patrol(id).await
    });
    let end_error = Signal::derive(move || end.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(_)) = end.value().get() {
            reload.update(|v| *v += 1);
        }
    });
    let started = patrol.started_at;
    view! {
        <article class="card" data-testid="running-patrol">
            <p class="case-head">
                <span class="badge status-in_progress">{tr(P::PatrolRunning)}</span>
                <span class="muted">{tr(P::StartedAt)}" "{short_time(started)}</span>
                <code data-testid="patrol-grid-code">{patrol.grid_code.clone()}</code>
            </p>
            <dl class="facts">
                <dt>{tr(P::TrackPoints)}</dt><dd data-testid="points">{move || points.get()}</dd>
                <dt>{tr(P::Walked)}</dt><dd data-testid="walked">{move || format!("{:.0} m", length.get())}</dd>
            </dl>
            {move || gps.get().map(|e| view! { <p class="form-error" role="status">{tr(P::NoGps)}" "<span class="muted small">{e}</span></p> })}
            <VisitForm patrol_id=id grid=patrol.grid_code.clone() last/>
            <Visits visits=patrol.visits.clone()/>
            <button type="button" class="big" data-testid="end-patrol" disabled=move || end.pending().get()
                on:click=move |_| { end.dispatch(()); }>
                {tr(P::EndPatrol)}
            </button>
            <ErrorLine error=end_error/>
            <p class="muted small">{move || P::PatrolEvery.get(lang.get()).replace("{n}", &interval.to_string())}</p>
        </article>
    }
}

#[component]
fn VisitForm(patrol_id: i64, grid: String, last: StoredValue<Option<(f64, f64)>>) -> impl IntoView {
    use super::photos;
    use crate::domain::household::HouseholdHit;
    // A household visit (入户走访) can name the household of the grid's
    // records it was: found by the door or name typed as its subject.
    let household = RwSignal::new(None::<i64>);
    let found = RwSignal::new(Vec::<HouseholdHit>::new());
    let grid = StoredValue::new(grid);
    let lang = use_lang();
    let reload = expect_context::<Reload>().0;
    let kind = RwSignal::new(VisitKind::Household.as_str().to_string());
    let subject = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let files = NodeRef::<leptos::html::Input>::new();
    let uploading = RwSignal::new(None::<(usize, usize)>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |_| {
        let lang = lang.get_untracked();
        if let Err(e) = photos::check(files) {
            error.set(Some(e.message(lang)));
            return;
        }
        let picked = photos::picked(files);
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let here = match last.get_value() {
                Some(p) => Some(p),
                None => position().await.ok().map(|(lat, lng, _)| (lat, lng)),
            };
            let Some((lat, lng)) = here else {
                error.set(Some(
                    AppError::invalid(Field::Coordinates, InputProblem::Required).message(lang),
                ));
                busy.set(false);
                return;
            };
            let visit = NewVisit {
                patrol_id,
                kind: VisitKind::parse(&kind.get_untracked()).unwrap_or(VisitKind::Household),
                subject: subject.get_untracked(),
                note: note.get_untracked(),
                lat,
                lng,
                household_id: household.get_untracked(),
            };
            let problems = visit.problems();
            if let Some((f, p)) = problems.first() {
                error.set(Some(AppError::invalid(*f, *p).message(lang)));
                busy.set(false);
                return;
            }
            match log_visit(visit).await {
                Ok(v) => {
                    subject.set(String::new());
                    note.set(String::new());
                    household.set(None);
                    found.set(Vec::new());
                    let mut failed = None;
                    if let Some(new) = v.visits.last() {
                        let url = format!("/api/v1/visits/{}/photos", new.id);
                        failed = photos::upload_all(&url, picked, uploading).await.err();
                        uploading.set(None);
                    }
                    // The visit is kept; a photo that did not go up is said
                    // here (the list reloads once the reader has seen it).
                    match failed {
                        Some(e) => error.set(Some(e)),
                        None => reload.update(|v| *v += 1),
                    }
                }
                Err(e) => error.set(Some(e.message(lang))),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="actions" data-testid="visit-form" on:submit=move |ev| { ev.prevent_default(); submit(()); }>
            <h2>{tr(P::LogVisit)}</h2>
            <label><span>{tr(P::VisitKindLabel)}</span>
                <select bind:value=kind data-testid="visit-kind">
                    {VisitKind::ALL.into_iter().map(|k| view! { <option value=k.as_str()>{move || k.label(lang.get())}</option> }).collect_view()}
                </select>
            </label>
            <label><span>{tr(P::VisitSubject)}</span>
                <input type="text" bind:value=subject maxlength="60" data-testid="visit-subject" placeholder=move || P::VisitSubjectHint.get(lang.get())/>
            </label>
            <Show when=move || kind.get() == VisitKind::Household.as_str()>
                <div class="row">
                    <button type="button" class="secondary" data-testid="find-household" on:click=move |_| {
                        let q = subject.get_untracked().trim().to_string();
                        leptos::task::spawn_local(async move {
                            use crate::api::households::household_records;
                            if let Ok(p) = household_records(Some(grid.get_value()), q).await {
                                let _ = found.try_set(p.hits);
                            }
                        });
                    }>{tr(P::FindHousehold)}</button>
                    <Show when=move || !found.with(Vec::is_empty)>
                        <label><span>{tr(P::LinkHousehold)}</span>
                            <select data-testid="visit-household" on:change=move |ev| {
                                let id = event_target_value(&ev).parse::<i64>().ok();
                                household.set(id);
                                if let Some(h) = found.get_untracked().iter().find(|h| Some(h.id) == id) {
                                    subject.set(format!("{} {}", h.door, h.head).trim().to_string());
                                }
                            }>
                                <option value="" selected=move || household.get().is_none()>{tr(P::NoHousehold)}</option>
                                {move || found.get().into_iter().map(|h| view! {
                                    <option value=h.id.to_string() selected=household.get() == Some(h.id)>{h.door.clone()}" "{h.head.clone()}</option>
                                }).collect_view()}
                            </select>
                        </label>
                    </Show>
                </div>
            </Show>
            <label><span>{tr(T::Note)}</span>
                <textarea bind:value=note rows="2" data-testid="visit-note"></textarea>
                <super::form::CharCount value=note max=crate::domain::patrol::MAX_NOTE/>
            </label>
            <label><span>{tr(T::Photos)}</span>
                <input type="file" accept="image/jpeg,image/png,image/webp" multiple node_ref=files data-testid="visit-photos"/>
            </label>
            {move || uploading.get().map(|(i, n)| view! { <p class="ok">{tr(T::UploadingPhoto)}{format!(" {i}/{n}…")}</p> })}
            <button type="submit" class="primary" data-testid="log-visit" disabled=move || busy.get()>{tr(P::LogVisit)}</button>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </form>
    }
}

/// The visits of the running patrol; a finding becomes a case in one tap.
#[component]
fn Visits(visits: Vec<crate::domain::patrol::VisitView>) -> impl IntoView {
    let lang = use_lang();
    let categories = LocalResource::new(case_categories);
    view! {
        <ul class="case-list" data-testid="visits">
            {visits.into_iter().map(|v| {
                let kind = v.kind;
                let case = RwSignal::new(v.case_id);
                let category = RwSignal::new(String::new());
                let to_case = Action::new(move |c: &i64| visit_to_case(v.id, *c));
                let error = RwSignal::new(None::<String>);
                let file = move |picked: String| match picked.parse::<i64>() {
                    Ok(c) => {
                        error.set(None);
                        to_case.dispatch(c);
                    }
                    Err(_) => error.set(Some(
                        AppError::invalid(Field::Category, InputProblem::Required)
                            .message(lang.get_untracked()),
                    )),
                };
                Effect::new(move |_| match to_case.value().get() {
                    Some(Ok(c)) => case.set(Some(c.id)),
                    Some(Err(e)) => error.set(Some(e.message(lang.get_untracked()))),
                    None => {}
                });
                view! {
                    <li data-testid="visit">
                        <p><span class="badge">{move || kind.label(lang.get())}</span>" "<strong>{v.subject.clone()}</strong>" "<span class="muted small">{short_time(v.at)}</span></p>
                        {(!v.note.is_empty()).then(|| view! { <p class="note">{v.note.clone()}</p> })}
                        {(!v.photos.is_empty()).then(|| view! {
                            <div class="photos">{v.photos.iter().map(|p| view! {
                                <a href=p.url.clone() target="_blank" class="photo"><img src=p.thumb_url.clone() alt="" loading="lazy"/></a>
                            }).collect_view()}</div>
                        })}
                        {move || match case.get() {
                            Some(c) => view! { <A href=format!("/case/{c}") attr:data-testid="visit-case">{tr(P::FindingFiled)}{format!(" #{c}")}</A> }.into_any(),
                            None => view! {
                                <div class="row">
                                    <select bind:value=category data-testid="finding-category">
                                        <option value="">{tr(P::ChooseCategory)}</option>
                                        {move || categories.get().and_then(Result::ok).unwrap_or_default().into_iter()
                                            .filter(|c| c.parent_id.is_some())
                                            .map(|c| view! { <option value=c.id.to_string()>{c.name.clone()}</option> })
                                            .collect_view()}
                                    </select>
                                    <button type="button" data-testid="to-case" disabled=move || to_case.pending().get()
                                        on:click=move |_| file(category.get_untracked())>
                                        {tr(P::FindingToCase)}
                                    </button>
                                </div>
                            }.into_any(),
                        }}
                        {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// The day's rule and the key issues of one of the caller's places.
#[component]
fn AreaWork(areas: Vec<(String, String)>) -> impl IntoView {
    let lang = use_lang();
    let area = RwSignal::new(areas.first().map(|a| a.0.clone()).unwrap_or_default());
    let day = LocalResource::new(move || patrol_day(area.get(), None));
    view! {
        <h2>{tr(P::DayRuleTitle)}</h2>
        <label><span>{tr(T::Area)}</span>
            <select bind:value=area data-testid="patrol-area">
                {areas.iter().map(|(c, n)| view! { <option value=c.clone()>{n.clone()}</option> }).collect_view()}
            </select>
        </label>
        <Suspense fallback=move || view! { <p class="notice">{tr(T::Loading)}</p> }>
            {move || day.get().map(|r| match r {
                Err(e) => view! { <p class="form-error">{e.message(lang.get())}</p> }.into_any(),
                Ok(d) => view! {
                    <table class="table" data-testid="worker-days">
                        <thead><tr><th>{tr(P::Worker)}</th><th>{tr(P::Grid)}</th><th>{tr(P::PatrolsShort)}</th><th></th></tr></thead>
                        <tbody>
                            {d.workers.into_iter().map(|w| view! {
                                <tr data-done=w.done.to_string()>
                                    <td>{w.name}</td><td><code>{w.grid_code}</code></td>
                                    <td>{format!("{}/{}", w.patrols, crate::domain::patrol::DAILY_PATROLS)}</td>
                                    <td>{if w.done { view! { <span class="badge status-closed">{tr(P::RuleDone)}</span> }.into_any() } else { view! { <span class="flag due-soon">{tr(P::RuleNotDone)}</span> }.into_any() }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            })}
        </Suspense>
        <KeyIssues area/>
    }
}

/// A grid's key-issues list with its reviews, and the forms to keep it.
#[component]
fn KeyIssues(area: RwSignal<String>) -> impl IntoView {
    let lang = use_lang();
    let changed = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        changed.track();
        key_issues(area.get())
    });
    let categories = LocalResource::new(case_categories);
    let title = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let risk = RwSignal::new(Risk::Medium.as_str().to_string());
    let add = Action::new(|i: &NewKeyIssue| add_key_issue(i.clone()));
    let add_error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match add.value().get() {
        Some(Ok(_)) => {
            title.set(String::new());
            add_error.set(None);
            changed.update(|v| *v += 1);
        }
        Some(Err(e)) => add_error.set(Some(e)),
        None => {}
    });
    view! {
        <h2>{tr(P::KeyIssues)}</h2>
        <Suspense fallback=move || view! { <p class="notice">{tr(T::Loading)}</p> }>
            {move || list.get().map(|r| match r {
                // A community or street: the list is per grid.
                Err(AppError::NotFound) => view! { <p class="muted">{tr(P::KeyIssuesPerGrid)}</p> }.into_any(),
                Err(e) => view! { <p class="form-error">{e.message(lang.get())}</p> }.into_any(),
                Ok(items) => view! {
                    {items.is_empty().then(|| view! { <p class="muted">{tr(P::NoKeyIssues)}</p> })}
                    <ul class="case-list" data-testid="key-issues">
                        {items.into_iter().map(|i| view! { <li><KeyIssue issue=i changed/></li> }).collect_view()}
                    </ul>
                    <form class="actions" data-testid="key-issue-form" on:submit=move |ev| {
                        ev.prevent_default();
                        let Ok(c) = category.get_untracked().parse::<i64>() else {
                            add_error.set(Some(AppError::invalid(Field::Category, InputProblem::Required)));
                            return;
                        };
                        add.dispatch(NewKeyIssue {
                            grid_code: area.get_untracked(),
                            category_id: c,
                            title: title.get_untracked(),
                            risk: Risk::parse(&risk.get_untracked()).unwrap_or(Risk::Medium),
                            owner_id: None,
                        });
                    }>
                        <label><span>{tr(P::Title)}</span><input type="text" bind:value=title maxlength="60" data-testid="issue-title"/></label>
                        <label><span>{tr(T::Category)}</span>
                            <select bind:value=category data-testid="issue-category">
                                <option value="">{tr(P::ChooseCategory)}</option>
                                {move || categories.get().and_then(Result::ok).unwrap_or_default().into_iter()
                                    .filter(|c| c.parent_id.is_some())
                                    .map(|c| view! { <option value=c.id.to_string()>{c.name.clone()}</option> })
                                    .collect_view()}
                            </select>
                        </label>
                        <label><span>{tr(P::RiskLevel)}</span>
                            <select bind:value=risk data-testid="issue-risk">
                                {Risk::ALL.iter().map(|r| { let r = *r; view! { <option value=r.as_str()>{move || r.label(lang.get())}</option> } }).collect_view()}
                            </select>
                        </label>
                        <button type="submit" class="primary" data-testid="add-issue" disabled=move || add.pending().get()>{tr(P::AddKeyIssue)}</button>
                        <ErrorLine error=Signal::derive(move || add_error.get())/>
                    </form>
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn KeyIssue(issue: crate::domain::patrol::KeyIssueView, changed: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let (risk, status, id) = (issue.risk, issue.status, issue.id);
    let kind = RwSignal::new(ReviewKind::Weekly.as_str().to_string());
    let text = RwSignal::new(String::new());
    // Empty: the status stays as it is.
    let new_status = RwSignal::new(String::new());
    let review = Action::new(|r: &IssueReview| review_key_issue(r.clone()));
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match review.value().get() {
        Some(Ok(_)) => changed.update(|v| *v += 1),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    view! {
        <div data-testid="key-issue" data-status=status.as_str()>
            <p>
                <span class=format!("badge risk-{}", risk.as_str())>{move || risk.label(lang.get())}</span>" "
                <strong>{issue.title.clone()}</strong>" "
                <span class="badge">{move || status.label(lang.get())}</span>
            </p>
            <p class="muted small">{issue.category.clone()}{issue.owner.clone().map(|o| format!(" · {o}"))}</p>
            <ul class="reviews">
                {issue.reviews.iter().map(|r| {
                    let k = r.kind;
                    view! { <li><span class="badge">{move || k.label(lang.get())}</span>" "{r.text.clone()}" "<span class="muted small">{r.author.clone()}" "{short_time(r.at)}</span></li> }
                }).collect_view()}
            </ul>
            <details>
                <summary>{tr(P::AddReview)}</summary>
                <form class="actions" on:submit=move |ev| {
                    ev.prevent_default();
                    review.dispatch(IssueReview {
                        issue_id: id,
                        kind: ReviewKind::parse(&kind.get_untracked()).unwrap_or(ReviewKind::Note),
                        text: text.get_untracked(),
                        status: IssueStatus::parse(&new_status.get_untracked()),
                        risk: None,
                    });
                }>
                    <select bind:value=kind>
                        {ReviewKind::ALL.iter().map(|k| { let k = *k; view! { <option value=k.as_str()>{move || k.label(lang.get())}</option> } }).collect_view()}
                    </select>
                    <textarea bind:value=text rows="2"></textarea>
                    <select bind:value=new_status>
                        <option value="">{tr(P::StatusUnchanged)}</option>
                        {IssueStatus::ALL.iter().map(|s| { let s = *s; view! { <option value=s.as_str()>{move || s.label(lang.get())}</option> } }).collect_view()}
                    </select>
                    <button type="submit" disabled=move || review.pending().get()>{tr(P::AddReview)}</button>
                    <ErrorLine error=Signal::derive(move || error.get())/>
                </form>
            </details>
        </div>
    }
}
