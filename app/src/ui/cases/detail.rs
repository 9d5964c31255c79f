//! One case: where it stands, its deadline, its timeline, and the buttons
//! for exactly the actions the caller may take.

use super::super::auth::ErrorLine;
use super::super::i18n::{
    action_done_label, action_label, level_label, short_time, source_label, status_label, tr,
    use_lang, T,
};
use super::{DueFlag, StatusBadge};
use crate::api::cases::{act_on_case, assign_case, case_detail, urge_case};
use crate::api::departments::Department;
use crate::domain::case::{ActRequest, CaseAction, CaseView, DispatchLevel, PhotoPhase};
use crate::domain::error::{AppError, Field, InputProblem};
#[allow(unused_imports)]
use crate::ui::i18n::Words as _;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

// This page's own words: they load with its code (`i18n::Words`).
crate::ui::i18n::texts! { De {
    JointMeeting => "列入联席会决议", "Taken up by a joint meeting";
    CallReporter => "联系反映人", "Call the reporter";
    Navigate => "导航到现场", "Navigate there";
    OpenInMaps => "在地图应用中打开", "Open in a maps app";
    Place => "位置", "Place";
    CaseNo => "事件编号", "Case no.";
    CaseOwner => "负责人", "Owner";
    ChooseDepartment => "请选择职能部门", "Choose a department";
    Level => "办理层级", "Level";
    MergeInto => "重复事件编号", "Duplicate of case #";
    NoOwner => "未指定", "Nobody named";
    NoteHint => "办理说明、驳回原因或评价内容", "Note, reason or comment";
    PhaseAfter => "处置后", "After";
    PhaseBefore => "处置前", "Before";
    PhotoAfter => "处置后照片", "Photo after";
    PhotoBefore => "处置前照片", "Photo before";
    Rating => "评价", "Rating";
    Reassign => "改派", "Reassign";
    ReassignTo => "改派给", "Give it to";
    ReporterContact => "反映人联系方式", "Reporter's contact";
    SentPhoto => "来源系统照片", "Photo from the sending system";
    SentPhotoOpen => "在新窗口打开", "Open in a new window";
    Result => "办理结果", "Result";
    SolveNow => "立即解决", "Solve now";
    SolveNowHint => "网格能当场解决的，一步完成：填写办理结果，附处置前后照片（处置前可不拍，居民上报的照片即为处置前）。", "What the grid can settle on the spot, in one step: the result, with photos before (optional: the report's own show the problem) and after.";
    Stars => "星级", "Stars";
    Submitted => "上报成功", "Report sent";
    SubmittedHint => "处理进展会发到“消息”；也可以随时在这里查看。", "Progress reaches you under Inbox; you can also check here at any time.";
    SubmittedNo => "工单号", "Case number";
    SubmittedWho => "受理", "Handled by";
    Urge => "催办", "Urge";
    UrgeHint => "已超过办理时限，可以催办（每天一次），负责人及其上级会收到提醒。", "Past its deadline: you may urge it (once a day); its owner and their supervisor are told.";
    Urged => "已催办，负责人会尽快处理。", "Urged: its owner has been told.";
} }

#[component]
pub fn CasePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let reload = RwSignal::new(0u32);
    let case =
        crate::ui::resource::resource(move || (id(), reload.get()), |(id, _)| case_detail(id));
    provide_context(CaseReload(reload));
    // Typed text and picked choices survive reloads (live updates re-render
    // the card: a step elsewhere must not wipe a half-filled whistle).
    let choices = CaseChoices::default();
    let draft = super::whistle::WhistleDraft::new();
    provide_context(choices);
    provide_context(draft);
    // The router keeps this page when only the id changes (the outbox's link
    // to the last report, Back between two cases): what was typed for one
    // case must not be sent with another.
    Effect::new(move |before: Option<i64>| {
        let now = id();
        if before.is_some_and(|b| b != now) {
            choices.clear();
            draft.clear();
        }
        now
    });
    // While 立即解决 sends its photos, the card must not be rebuilt under it: each
    // photo is itself a live change of this case.
    let solving = RwSignal::new(false);
    provide_context(CaseSolving(solving));
    // A change made elsewhere (another browser, another person) shows at once.
    let live = super::super::live::use_live();
    Effect::new(move |_| {
        if live
            .notices
            .with(|n| n.first().is_some_and(|n| n.case_id == id()))
            && !solving.get_untracked()
        {
            reload.update(|v| *v += 1);
        }
    });
    let lang = use_lang();
    // Straight after 上报 (`?submitted=1`): say it arrived, its number, who handles
    // it and by when, above the case itself.
    let query = use_query_map();
    let submitted = move || query.read().get("submitted").is_some_and(|v| v == "1");
    view! {
        <Transition fallback=move || view! { <p class="notice">{tr(T::Loading)}</p> }>
            {move || case.get().map(|r| match r {
                Ok(c) => {
                    let shown = c.clone();
                    view! {
                        <Show when=submitted>
                            <SubmittedCard case=shown.clone()/>
                        </Show>
                        <CaseCard case=c/>
                    }.into_any()
                }
                Err(e) => view! {
                    <section class="card narrow"><p class="form-error">{move || e.message(lang.get())}</p><A href="/cases">{tr(T::NavCases)}</A></section>
                }.into_any(),
            })}
        </Transition>
    }
}

/// The success screen of a report: 工单号, who handles it, the time limit.
#[component]
fn SubmittedCard(case: CaseView) -> impl IntoView {
    let lang = use_lang();
    let level = case.level;
    let place = case
        .grid_code
        .clone()
        .or(case.community_code.clone())
        .unwrap_or_default();
    view! {
        <section class="card success" data-testid="submitted" role="status">
            <h2>"✓ "{tr(De::Submitted)}</h2>
            <dl class="facts">
                <dt>{tr(De::SubmittedNo)}</dt><dd><strong data-testid="case-number">{format!("#{}", case.id)}</strong></dd>
                <dt>{tr(De::SubmittedWho)}</dt>
                <dd>{move || level.map(|l| level_label(l, lang.get()).to_string()).unwrap_or_default()}" "<code>{place.clone()}</code></dd>
                {case.due_at.map(|d| view! { <dt>{tr(T::DueAt)}</dt><dd>{short_time(d)}</dd> })}
            </dl>
            <p class="hint">{tr(De::SubmittedHint)}</p>
        </section>
    }
}

/// Bumped to reload the case (after an action or a live update).
#[derive(Clone, Copy)]
pub struct CaseReload(pub RwSignal<u32>);

/// The step's note and choices as typed and picked so far (the department,
/// its assistants, the date it must answer by, the case to merge into),
/// kept across reloads and cleared once a step lands.
#[derive(Clone, Copy)]
pub struct CaseChoices {
    note: RwSignal<String>,
    department: RwSignal<String>,
    assisting: RwSignal<Vec<String>>,
    required_by: RwSignal<String>,
    merge_into: RwSignal<String>,
    /// The stars a reporter gives (评价), "5" until changed.
    stars: RwSignal<String>,
    /// The district's departments, fetched once for the page: fetched by each
    /// re-render instead, a rebuilt select had no options until the answer
    /// came, and then showed "choose one" over a department still picked.
    departments: RwSignal<Option<Vec<Department>>>,
    asked: StoredValue<bool>,
}

impl Default for CaseChoices {
    fn default() -> Self {
        CaseChoices {
            note: RwSignal::new(String::new()),
            department: RwSignal::new(String::new()),
            assisting: RwSignal::new(Vec::new()),
            required_by: RwSignal::new(String::new()),
            merge_into: RwSignal::new(String::new()),
            stars: RwSignal::new("5".to_string()),
            departments: RwSignal::new(None),
            asked: StoredValue::new(false),
        }
    }
}

impl CaseChoices {
    /// The departments to choose from: empty until the first (and only)
    /// fetch has answered; asked for by the first select that needs them.
    fn departments(self) -> Signal<Vec<Department>> {
        if !self.asked.get_value() {
            self.asked.set_value(true);
            #[cfg(feature = "hydrate")]
            leptos::task::spawn_local(async move {
                match crate::api::departments::departments().await {
                    // The page may be gone by now.
                    Ok(list) => {
                        self.departments.try_set(Some(list));
                    }
                    // Asked again by the next render (a reload, a step).
                    Err(_) => {
                        self.asked.try_set_value(false);
                    }
                }
            });
        }
        let list = self.departments;
        Signal::derive(move || list.get().unwrap_or_default())
    }

    fn clear(self) {
        self.note.set(String::new());
        self.department.set(String::new());
        self.assisting.set(Vec::new());
        self.required_by.set(String::new());
        self.merge_into.set(String::new());
        self.stars.set("5".to_string());
    }
}

/// 立即解决 is sending: live reloads wait until it is done.
#[derive(Clone, Copy)]
pub struct CaseSolving(pub RwSignal<bool>);

#[component]
fn CaseCard(case: CaseView) -> impl IntoView {
    let lang = use_lang();
    let c = case.clone();
    let photos = case.photos.clone();
    view! {
        <article class="card case" data-testid="case" data-status=case.status.as_str()>
            <p class="case-head">
                <StatusBadge status=case.status/>
                <DueFlag due=case.due_state/>
                <span class="muted">{tr(De::CaseNo)}" #"{case.id}</span>
            </p>
            <h1>{case.category.clone()}</h1>
            <p class="case-text">{case.description.clone()}</p>
            <dl class="facts">
                <dt>{tr(T::Source)}</dt><dd>{move || source_label(c.source, lang.get())}</dd>
                <dt>{tr(T::Code)}</dt><dd><code>{case.grid_code.clone().or(case.community_code.clone()).unwrap_or_default()}</code></dd>
                {case.level.map(|l| view! { <dt>{tr(De::Level)}</dt><dd>{move || level_label(l, lang.get())}{case.department.clone().map(|d| format!(" {d}"))}</dd> })}
                {case.due_at.map(|d| view! { <dt>{tr(T::DueAt)}</dt><dd data-testid="due-at">{short_time(d)}</dd> })}
                {case.result.clone().map(|r| view! { <dt>{tr(De::Result)}</dt><dd data-testid="result">{r}</dd> })}
                {case.rating.map(|r| view! { <dt>{tr(De::Rating)}</dt><dd>{"★".repeat(r.clamp(0, 5) as usize)}</dd> })}
                {case.owner.clone().map(|o| view! {
                    <dt>{tr(De::CaseOwner)}</dt>
                    <dd data-testid="owner">{o.name.clone()}{o.position.map(|p| view! { " " <span class="muted small">{tr(super::super::grid_page::position_label(p))}</span> })}</dd>
                })}
                {case.contact.clone().map(|c| view! {
                    <dt>{tr(De::ReporterContact)}</dt>
                    <dd data-testid="contact">
                        {c.name.clone().map(|n| format!("{n} "))}
                        <a class="button" href=format!("tel:{}", c.phone) aria-label=tr(De::CallReporter)>{c.phone.clone()}</a>
                    </dd>
                })}
                {case.media_url.clone().map(|u| view! {
                    <dt>{tr(De::SentPhoto)}</dt>
                    <dd><a href=u target="_blank" rel="noopener noreferrer nofollow" data-testid="media-url">{tr(De::SentPhotoOpen)}</a></dd>
                })}
            </dl>
            <CasePlace lat=case.lat lng=case.lng exact=case.exact_place/>
            <Show when={let n = case.photos.len(); move || n > 0}>
                <div class="photos" data-testid="photos">
                    {photos.iter().map(|p| {
                        let phase = p.phase.map(|ph| match ph {
                            PhotoPhase::Before => De::PhaseBefore,
                            PhotoPhase::After => De::PhaseAfter,
                        });
                        view! {
                            <a href=p.url.clone() target="_blank" class="photo" data-phase=p.phase.map(|ph| ph.as_str())>
                                <img src=p.thumb_url.clone() alt="" loading="lazy"/>
                                {phase.map(|t| view! { <span class="badge">{tr(t)}</span> })}
                            </a>
                        }
                    }).collect_view()}
                </div>
            </Show>
            {case.joint_meeting.map(|m| view! {
                <p class="notice" data-testid="joint-mark"><A href=format!("/meetings/{m}")>{tr(De::JointMeeting)}</A></p>
            })}
            <SolveNow case=case.clone()/>
            <super::whistle::WhistlePanel case=case.clone()/>
            <Actions case=case.clone()/>
            <Assign case=case.clone()/>
            <Urge case=case.clone()/>
            <h2>{tr(T::Timeline)}</h2>
            // Newest first: what happened last is what the reader came for.
            <ol class="timeline" data-testid="timeline">
                {case.timeline.iter().rev().map(|e| {
                    let status = e.to_status;
                    let action = e.action.clone();
                    let who = e.actor.clone();
                    let role = e.actor_role;
                    view! {
                        <li>
                            <span class="muted small">{short_time(e.at)}</span>
                            <span>{move || if who.is_empty() { role.map(|r| r.label(lang.get()).to_string()).unwrap_or_default() } else { who.clone() }}" "{move || action_done_label(&action, lang.get())}</span>
                            <span class="badge">{move || status_label(status, lang.get())}</span>
                            {(!e.note.is_empty()).then(|| view! { <p class="note">{e.note.clone()}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </article>
    }
}

#[component]
fn Actions(case: CaseView) -> impl IntoView {
    let lang = use_lang();
    let reload = use_context::<CaseReload>().map(|r| r.0);
    // Nothing chosen until the user picks one of the district's departments.
    let choices = use_context::<CaseChoices>().unwrap_or_default();
    let CaseChoices {
        note,
        department,
        assisting,
        required_by,
        merge_into,
        stars,
        ..
    } = choices;
    let act = Action::new(|r: &ActRequest| act_on_case(r.clone()));
    let error = Signal::derive(move || act.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let (Some(Ok(_)), Some(r)) = (act.value().get(), reload) {
            choices.clear();
            r.update(|v| *v += 1);
        }
    });
    // 立即解决 has its own panel (its photos come first).
    let actions: Vec<CaseAction> = case
        .actions
        .iter()
        .filter(|a| **a != CaseAction::SolveNow)
        .cloned()
        .collect();
    if actions.is_empty() {
        return ().into_any();
    }
    let needs_stars = case.actions.contains(&CaseAction::Evaluate);
    let needs_department = case
        .actions
        .contains(&CaseAction::Dispatch(DispatchLevel::Department))
        || (case.actions.contains(&CaseAction::Escalate)
            && case.level == Some(DispatchLevel::Street));
    let needs_merge = case.actions.contains(&CaseAction::Merge);
    let (id, version) = (case.id, case.version);
    view! {
        <div class="actions" data-testid="actions">
            <label>
                <span>{tr(T::Note)}</span>
                <textarea bind:value=note rows="2" placeholder=move || De::NoteHint.get(lang.get())></textarea>
                <super::super::form::CharCount value=note max=crate::domain::case::MAX_DESCRIPTION/>
            </label>
            <Show when=move || needs_stars>
                <label><span>{tr(De::Stars)}</span>
                    <select bind:value=stars data-testid="stars">
                        // Marked: a rebuilt select shows what was picked (see DepartmentSelect).
                        {(1..=5).rev().map(|n| view! { <option value=n.to_string() selected=stars.get_untracked() == n.to_string()>{"★".repeat(n)}</option> }).collect_view()}
                    </select>
                </label>
            </Show>
            <Show when=move || needs_department>
                <DepartmentSelect department list=choices.departments()/>
                <super::whistle::CallFields lead=department assisting required_by list=choices.departments()/>
            </Show>
            <Show when=move || needs_merge>
                <label><span>{tr(De::MergeInto)}</span><input type="number" inputmode="numeric" bind:value=merge_into/></label>
            </Show>
            <div class="row">
                {actions.into_iter().map(|a| {
                    let label = a.clone();
                    let primary = matches!(a, CaseAction::Confirm | CaseAction::Accept | CaseAction::Resolve | CaseAction::Feedback | CaseAction::Evaluate | CaseAction::Close);
                    view! {
                        <button type="button" class:primary=primary data-action=a.name() disabled=move || act.pending().get()
                            on:click=move |_| {
                                act.dispatch(ActRequest {
                                    case_id: id,
                                    version,
                                    action: a.clone(),
                                    note: note.get_untracked(),
                                    department: Some(department.get_untracked()).filter(|d| !d.is_empty()),
                                    merge_into: merge_into.get_untracked().trim().parse().ok(),
                                    rating: stars.get_untracked().parse().ok(),
                                    // The lead is never its own assistant.
                                    assisting: assisting.get_untracked().into_iter().filter(|d| *d != department.get_untracked()).collect(),
                                    required_by: required_by.get_untracked().parse().ok(),
                                });
                            }>
                            {move || action_label(&label, lang.get())}
                        </button>
                    }
                }).collect_view()}
            </div>
            <ErrorLine error/>
        </div>
    }
    .into_any()
}

/// The departments the district keeps, as the server lists them.
#[component]
fn DepartmentSelect(department: RwSignal<String>, list: Signal<Vec<Department>>) -> impl IntoView {
    view! {
        <label><span>{tr(T::DepartmentCode)}</span>
            <select bind:value=department data-testid="department">
                <option value="">{tr(De::ChooseDepartment)}</option>
                // `selected`: a select rebuilt by a live reload gets its value
                // before it has options, so the picked one marks itself.
                {move || list.get().into_iter().map(|d| {
                    let picked = department.get_untracked() == d.code;
                    view! { <option value=d.code.clone() selected=picked>{d.name.clone()}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

/// Giving the case to another of the grid's staff (改派), for the grid leader
/// and the admins above (the server sends the candidates only to them).
#[component]
fn Assign(case: CaseView) -> impl IntoView {
    let reload = use_context::<CaseReload>().map(|r| r.0);
    if case.assignable.is_empty() {
        return ().into_any();
    }
    let current = case.owner.as_ref().map(|o| o.id);
    // The select shows the owner, or the first candidate when the owner is not
    // one (nobody named, or they left the roster): that is its value too.
    let listed = current.filter(|c| case.assignable.iter().any(|o| o.id == *c));
    let chosen = RwSignal::new(
        listed
            .or(case.assignable.first().map(|o| o.id))
            .map(|id| id.to_string())
            .unwrap_or_default(),
    );
    let (id, version) = (case.id, case.version);
    let assign = Action::new(move |owner: &i64| assign_case(id, *owner, version));
    let error = Signal::derive(move || assign.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let (Some(Ok(_)), Some(r)) = (assign.value().get(), reload) {
            r.update(|v| *v += 1);
        }
    });
    let unchanged = move || chosen.with(|c| c.parse::<i64>().ok() == current);
    view! {
        <div class="actions assign" data-testid="assign">
            {current.is_none().then(|| view! { <p class="muted">{tr(De::CaseOwner)}"："{tr(De::NoOwner)}</p> })}
            <label>
                <span>{tr(De::ReassignTo)}</span>
                <select bind:value=chosen data-testid="assign-to">
                    {case.assignable.iter().map(|o| {
                        let value = o.id.to_string();
                        let selected = chosen.get_untracked() == value;
                        let position = o.position;
                        let name = o.name.clone();
                        view! { <option value=value selected=selected>{name}{move || position.map(|p| format!(" · {}", tr(super::super::grid_page::position_label(p))()))}</option> }
                    }).collect_view()}
                </select>
            </label>
            <button
                type="button"
                data-testid="assign-button"
                disabled=move || unchanged() || assign.pending().get()
                on:click=move |_| {
                    if let Ok(owner) = chosen.get_untracked().parse::<i64>() {
                        assign.dispatch(owner);
                    }
                }
            >{tr(De::Reassign)}</button>
            <ErrorLine error/>
        </div>
    }
    .into_any()
}

/// 催办 for the reporter of an overdue case (once a day; the server says when
/// it was already pressed).
#[component]
fn Urge(case: CaseView) -> impl IntoView {
    let reload = use_context::<CaseReload>().map(|r| r.0);
    if case.urged {
        return view! { <p class="ok" data-testid="urged">{tr(De::Urged)}</p> }.into_any();
    }
    if !case.may_urge {
        return ().into_any();
    }
    let id = case.id;
    let urge = Action::new(move |_: &()| urge_case(id));
    let error = Signal::derive(move || urge.value().get().and_then(Result::err));
    let done = move || urge.value().get().is_some_and(|r| r.is_ok());
    Effect::new(move |_| {
        if let (true, Some(r)) = (done(), reload) {
            r.update(|v| *v += 1);
        }
    });
    view! {
        <div class="actions urge" data-testid="urge">
            <p class="hint">{tr(De::UrgeHint)}</p>
            <button
                type="button"
                data-testid="urge-button"
                disabled=move || urge.pending().get()
                on:click=move |_| { urge.dispatch(()); }
            >{tr(De::Urge)}</button>
            <ErrorLine error/>
        </div>
    }
    .into_any()
}

/// 立即解决: the grid takes a new report and settles it itself in one step.
/// The photos go up first (after: required, so it goes first; before:
/// optional, the report's own show the problem), then the step with the
/// result. A retry after a failed upload sends only the files that did not go.
/// Live reloads of the page wait meanwhile (`CaseSolving`), so the panel is
/// not rebuilt under its own uploads.
#[component]
fn SolveNow(case: CaseView) -> impl IntoView {
    use super::super::photos;
    if !case.actions.contains(&CaseAction::SolveNow) {
        return ().into_any();
    }
    let lang = use_lang();
    let reload = use_context::<CaseReload>().map(|r| r.0);
    let result = RwSignal::new(String::new());
    let before = NodeRef::<leptos::html::Input>::new();
    let after = NodeRef::<leptos::html::Input>::new();
    let uploading = RwSignal::new(None::<(usize, usize)>);
    let error = RwSignal::new(None::<String>);
    let busy = use_context::<CaseSolving>()
        .map(|s| s.0)
        .unwrap_or_else(|| RwSignal::new(false));
    // How many files of each group (after, before) already went up: a retry
    // sends only the rest; picking files again starts that group over.
    let sent = StoredValue::new([0usize, 0usize]);
    let (id, version) = (case.id, case.version);
    let submit = move |_| {
        let lang = lang.get_untracked();
        let say = |e: AppError| Some(e.message(lang));
        let note = result.get_untracked().trim().to_string();
        let problem = if note.is_empty() {
            Some(AppError::invalid(Field::Result, InputProblem::Required))
        } else if note.chars().count() > crate::domain::case::MAX_DESCRIPTION {
            Some(AppError::invalid(Field::Result, InputProblem::TooLong))
        } else if photos::picked(after).is_empty() {
            Some(AppError::invalid(Field::AfterPhoto, InputProblem::Required))
        } else {
            photos::check(after)
                .and_then(|_| photos::check(before))
                .err()
        };
        if let Some(e) = problem {
            error.set(say(e));
            return;
        }
        // The after photo first: it is the one the step needs.
        let groups = [
            (photos::picked(after), PhotoPhase::After),
            (photos::picked(before), PhotoPhase::Before),
        ];
        error.set(None);
        busy.set(true);
        leptos::task::spawn_local(async move {
            for (i, (files, phase)) in groups.into_iter().enumerate() {
                let url = format!("/api/v1/cases/{id}/photos?phase={}", phase.as_str());
                let n = files.len();
                let done = sent.get_value()[i];
                for (k, file) in files.into_iter().enumerate().skip(done) {
                    uploading.set(Some((k + 1, n)));
                    if let Err(e) = photos::upload(&url, file).await {
                        uploading.set(None);
                        error.set(Some(e.message));
                        busy.set(false);
                        return;
                    }
                    sent.update_value(|s| s[i] = k + 1);
                }
            }
            uploading.set(None);
            let step = ActRequest {
                case_id: id,
                version,
                action: CaseAction::SolveNow,
                note,
                department: None,
                merge_into: None,
                rating: None,
                assisting: Vec::new(),
                required_by: None,
            };
            let answer = act_on_case(step).await;
            busy.set(false);
            match answer {
                Ok(_) => {
                    if let Some(r) = reload {
                        r.update(|v| *v += 1);
                    }
                }
                Err(e) => error.set(Some(e.message(lang))),
            }
        });
    };
    view! {
        <section class="actions solve-now" data-testid="solve-now">
            <h2>{tr(De::SolveNow)}</h2>
            <p class="muted small">{tr(De::SolveNowHint)}</p>
            <label>
                <span>{tr(De::Result)}</span>
                <textarea bind:value=result rows="2" data-testid="solve-result"></textarea>
                <super::super::form::CharCount value=result max=crate::domain::case::MAX_DESCRIPTION/>
            </label>
            <label>
                <span>{tr(De::PhotoAfter)}</span>
                <input type="file" accept="image/jpeg,image/png,image/webp" multiple node_ref=after data-testid="photo-after"
                    on:change=move |_| sent.update_value(|s| s[0] = 0)/>
            </label>
            <label>
                <span>{tr(De::PhotoBefore)}</span>
                <input type="file" accept="image/jpeg,image/png,image/webp" multiple node_ref=before data-testid="photo-before"
                    on:change=move |_| sent.update_value(|s| s[1] = 0)/>
            </label>
            {move || uploading.get().map(|(i, n)| view! { <p class="ok">{tr(T::UploadingPhoto)}{format!(" {i}/{n}…")}</p> })}
            <button type="button" class="primary" data-testid="solve-submit" disabled=move || busy.get() on:click=submit>
                {move || action_label(&CaseAction::SolveNow, lang.get())}
            </button>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </section>
    }
    .into_any()
}

/// Where the case is: a small map with the point over the grids, and for
/// readers of the exact place (staff, handlers, the reporter) links that
/// hand it to a navigation app (Amap takes WGS-84 with `coordinate=wgs84`;
/// `geo:` opens whatever maps app the phone has).
#[component]
fn CasePlace(lat: f64, lng: f64, exact: bool) -> impl IntoView {
    use super::super::map::{driver, grid_map};
    let drawn = RwSignal::new(false);
    Effect::new(move |once: Option<()>| {
        if once.is_some() {
            return;
        }
        leptos::task::spawn_local(async move {
            if grid_map("case-map", |_| {}).await {
                driver::mark_me(lat, lng, true);
                drawn.try_set(true);
            }
        });
    });
    on_cleanup(driver::unmount);
    let amap = format!(
        "https://uri.amap.com/marker?position={lng:.6},{lat:.6}&coordinate=wgs84&callnative=1"
    );
    let geo = format!("geo:{lat:.6},{lng:.6}?q={lat:.6},{lng:.6}");
    view! {
        <section class="case-place" aria-label=tr(De::Place)>
            <div id="case-map" class="case-map" data-drawn=move || drawn.get().then_some("1")></div>
            {exact.then(|| view! {
                <p class="actions">
                    <a class="button" data-testid="navigate" href=amap target="_blank" rel="noopener">{tr(De::Navigate)}</a>
                    <a class="button" href=geo>{tr(De::OpenInMaps)}</a>
                </p>
            })}
        </section>
    }
}
