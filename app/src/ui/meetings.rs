//! 物业联席会 (`/meetings`, `/meetings/{id}`): the joint meetings that
//! concern the reader and the open resolutions they follow (overdue first);
//! a meeting's agenda, attendance, minutes and resolutions with their
//! progress. The community convenes and records; each owner reports the
//! progress of its own resolutions.

use super::auth::{ErrorLine, SignInPrompt};
use super::form::{local_input, local_moment, CharCount, Checked, FieldError};
use super::i18n::{short_time, tr, use_lang};
use super::session::use_session;
use crate::api::meetings::{
    joint_meeting, joint_meetings, keep_resolution, report_resolution, save_joint_meeting,
};
use crate::domain::error::{AppError, Field};
use crate::domain::meeting::{
    AgendaItem, ItemKind, MeetingChoices, MeetingForm, MeetingView, Owner, ProgressForm,
    ResolutionForm, ResolutionView, MAX_MINUTES, MAX_RESOLUTION,
};
#[allow(unused_imports)]
use crate::ui::i18n::Words as _;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

crate::ui::i18n::texts! { Mt {
    Title => "物业联席会", "Joint property meetings";
    Hint => "社区召集物业公司、业委会和居民代表共商小区事务，决议明确责任单位和完成时限，跟踪落实到底。", "The community meets its property companies, the owners' committee and resident representatives; each resolution has an owner and a due date and is followed to the end.";
    Open => "待落实决议（超期在前）", "Open resolutions (overdue first)";
    NoOpen => "暂无待落实决议。", "No open resolutions.";
    Meetings => "会议", "Meetings";
    NoMeetings => "暂无联席会。", "No meetings yet.";
    Convene => "召开联席会", "Convene a meeting";
    Community => "社区", "Community";
    MeetingTitle => "会议名称", "Title";
    StartsAt => "会议时间", "When";
    Place => "会议地点", "Where";
    Back => "全部联席会", "All meetings";
    Compounds => "涉及小区", "Compounds";
    Invited => "参会物业公司", "Companies invited";
    Committee => "业委会", "Owners' committee";
    Representatives => "居民代表", "Resident representatives";
    Present => "出席", "Present";
    Absent => "缺席", "Absent";
    PresentCount => "出席人数", "Present";
    Agenda => "议程", "Agenda";
    NoAgenda => "暂无议程。", "No agenda yet.";
    Minutes => "会议纪要", "Minutes";
    NoMinutes => "尚未记录纪要。", "No minutes yet.";
    Resolutions => "会议决议", "Resolutions";
    NoResolutions => "暂无决议。", "No resolutions yet.";
    Owner => "责任单位", "Owner";
    Due => "完成时限", "Due";
    Overdue => "已超期", "Overdue";
    Progress => "进度", "Progress";
    Note => "进展说明", "Note";
    Report => "更新进度", "Report progress";
    Withdraw => "撤销决议", "Withdraw";
    WithdrawAsk => "确定撤销这条决议吗？撤销后不再跟踪。", "Withdraw this resolution? It will no longer be followed.";
    AddResolution => "新增决议", "Add a resolution";
    ResolutionText => "决议内容", "Resolution";
    ForCase => "关联议程中的事件", "Case on the agenda";
    NoCase => "不关联", "None";
    Record => "会议记录", "Record the meeting";
    Cases => "纳入议程的事件", "Cases on the agenda";
    Topics => "纳入议程的议题", "Topics on the agenda";
    Free => "其他事项（每行一项）", "Other items (one per line)";
    Save => "保存", "Save";
    Saved => "已保存。", "Saved.";
    History => "落实记录", "History";
    NoPersonal => "参会物业公司和决议责任单位都能看到会议记录，请勿填写居民姓名、电话、门牌等个人信息。", "Invited companies and resolution owners read this record: do not write residents' names, phones or flat numbers.";
}}

#[component]
pub fn MeetingsPage() -> impl IntoView {
    let session = use_session();
    let list = crate::ui::resource::resource(|| (), |_| joint_meetings());
    let lang = use_lang();
    view! {
        <section class="cases meetings">
            <h1>{tr(Mt::Title)}</h1>
            <p class="hint">{tr(Mt::Hint)}</p>
            {move || session.current().is_none().then(|| view! { <SignInPrompt/> })}
            <Suspense fallback=|| ()>
                {move || list.get().map(|r| match r {
                    Err(e) => view! { <p class="form-error">{e.message(lang.get())}</p> }.into_any(),
                    Ok(v) => view! {
                        <h2>{tr(Mt::Open)}</h2>
                        {v.resolutions.is_empty().then(|| view! { <p class="notice">{tr(Mt::NoOpen)}</p> })}
                        <ul class="case-list" data-testid="open-resolutions">
                            {v.resolutions.into_iter().map(|r| view! { <li><ResolutionLine resolution=r/></li> }).collect_view()}
                        </ul>
                        <h2>{tr(Mt::Meetings)}</h2>
                        {v.meetings.is_empty().then(|| view! { <p class="notice">{tr(Mt::NoMeetings)}</p> })}
                        <ul class="case-list" data-testid="meetings">
                            {v.meetings.into_iter().map(|m| view! {
                                <li><A href=format!("/meetings/{}", m.id) attr:data-testid="meeting-line">
                                    <span class="case-head"><strong>{m.title}</strong></span>
                                    <span class="muted small">{m.community}" · "{short_time(m.starts_at)}" · "{m.place}</span>
                                </A></li>
                            }).collect_view()}
                        </ul>
                        {(!v.communities.is_empty()).then(|| view! { <ConveneForm communities=v.communities.clone()/> })}
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

/// An open resolution in a list: leads to its meeting.
#[component]
fn ResolutionLine(resolution: ResolutionView) -> impl IntoView {
    let lang = use_lang();
    let r = resolution;
    let status = r.status;
    view! {
        <A href=format!("/meetings/{}#r{}", r.meeting_id, r.id) attr:data-testid="resolution-line" attr:data-overdue=r.overdue.to_string()>
            <span class="case-head">
                {r.overdue.then(|| view! { <span class="flag overdue">{tr(Mt::Overdue)}</span> })}
                <strong>{r.text.clone()}</strong>
                <span class="badge">{move || status.label(lang.get())}</span>
            </span>
            <span class="muted small">
                {tr(Mt::Owner)}"："{r.owner_name.clone()}" · "{tr(Mt::Due)}" "{r.due_on.to_string()}" · "{r.progress}"% · "{r.meeting_title.clone()}
            </span>
        </A>
    }
}

/// Convenes a meeting; the rest is recorded on its page.
#[component]
fn ConveneForm(communities: Vec<(String, String)>) -> impl IntoView {
    let navigate = use_navigate();
    let community = RwSignal::new(communities.first().map(|c| c.0.clone()).unwrap_or_default());
    let title = RwSignal::new(String::new());
    let starts = RwSignal::new(local_input(chrono::Utc::now() + chrono::Duration::days(7)));
    let place = RwSignal::new(String::new());
    let draft = move || MeetingForm {
        id: None,
        version: 0,
        community_code: community.get(),
        title: title.get(),
        starts_at: local_moment(&starts.get()).unwrap_or_else(chrono::Utc::now),
        place: place.get(),
        compounds: Vec::new(),
        companies: Vec::new(),
        committee: String::new(),
        representatives: String::new(),
        agenda: Vec::new(),
        minutes: String::new(),
        present: Vec::new(),
        committee_present: false,
        representatives_present: 0,
    };
    let checked = Checked::new(move || draft().problems());
    let problems = checked.problems();
    let submit = Action::new(|f: &MeetingForm| save_joint_meeting(f.clone()));
    let error = Signal::derive(move || submit.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(m)) = submit.value().get() {
            navigate(&format!("/meetings/{}", m.id), Default::default());
        }
    });
    view! {
        <form class="form card" novalidate data-testid="convene-form" on:submit=move |ev| {
            ev.prevent_default();
            if checked.passes() {
                submit.dispatch(untrack(draft));
            }
        }>
            <h2>{tr(Mt::Convene)}</h2>
            <label><span>{tr(Mt::Community)}</span>
                <select bind:value=community>
                    {communities.into_iter().map(|(c, n)| view! { <option value=c>{n}</option> }).collect_view()}
                </select>
            </label>
            <label><span>{tr(Mt::MeetingTitle)}</span><input type="text" bind:value=title maxlength="60" data-testid="meeting-title"/></label>
            <FieldError problems field=Field::Title/>
            <label><span>{tr(Mt::StartsAt)}</span><input type="datetime-local" bind:value=starts/></label>
            <label><span>{tr(Mt::Place)}</span><input type="text" bind:value=place maxlength="60" data-testid="meeting-place"/></label>
            <FieldError problems field=Field::Place/>
            <ErrorLine error/>
            <button type="submit" class="primary" disabled=move || submit.pending().get() data-testid="convene">{tr(Mt::Convene)}</button>
        </form>
    }
}

/// Where a step on the meeting page leaves the page: the meeting as the
/// server answered, and the word that it was saved.
#[derive(Clone, Copy)]
struct Page {
    fresh: RwSignal<Option<MeetingView>>,
    saved: RwSignal<bool>,
}

impl Page {
    /// The step landed: the page redrawn from the answer, and a word that
    /// stays at the bottom of the screen (the forms are long on a phone)
    /// for a few seconds.
    fn show(self, m: MeetingView) {
        self.saved.set(true);
        self.fresh.set(Some(m));
        let saved = self.saved;
        set_timeout(move || saved.set(false), std::time::Duration::from_secs(4));
    }
}

#[component]
pub fn MeetingPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let session = use_session();
    let lang = use_lang();
    let page = Page {
        fresh: RwSignal::new(None),
        saved: RwSignal::new(false),
    };
    let meeting = crate::ui::resource::resource(id, joint_meeting);
    Effect::new(move |_| {
        if let Some(Ok(m)) = meeting.get() {
            page.fresh.set(Some(m));
        }
    });
    view! {
        <section class="cases meetings">
            <p><A href="/meetings">{tr(Mt::Back)}</A></p>
            {move || session.current().is_none().then(|| view! { <SignInPrompt/> })}
            <Suspense fallback=|| ()>
                {move || meeting.get().and_then(Result::err).map(|e| view! { <p class="form-error">{e.message(lang.get())}</p> })}
                {move || page.fresh.get().map(|m| view! { <Meeting meeting=m page/> })}
                {move || page.saved.get().then(|| view! { <p class="toast" role="status" data-testid="meeting-saved">{tr(Mt::Saved)}</p> })}
            </Suspense>
        </section>
    }
}

#[component]
fn Meeting(meeting: MeetingView, page: Page) -> impl IntoView {
    let m = meeting;
    let present = |p: bool| if p { tr(Mt::Present) } else { tr(Mt::Absent) };
    let lang = use_lang();
    let keeper = m.may_keep.then(|| m.clone());
    view! {
        <h1 data-testid="meeting-heading">{m.title.clone()}</h1>
        <p class="muted small">{m.community.clone()}" · "{short_time(m.starts_at)}" · "{m.place.clone()}</p>
        <dl class="facts">
            {(!m.compounds.is_empty()).then(|| view! {
                <dt>{tr(Mt::Compounds)}</dt>
                <dd>{m.compounds.iter().map(|c| c.1.clone()).collect::<Vec<_>>().join("、")}</dd>
            })}
            <dt>{tr(Mt::Invited)}</dt>
            <dd data-testid="invited">
                {m.companies.iter().map(|c| view! {
                    <span class="tag" data-present=c.present.to_string()>{c.name.clone()}" "{present(c.present)}</span>" "
                }).collect_view()}
            </dd>
            {(!m.committee.is_empty()).then(|| view! {
                <dt>{tr(Mt::Committee)}</dt>
                <dd>{m.committee.clone()}" · "{present(m.committee_present)}</dd>
            })}
            {(!m.representatives.is_empty()).then(|| view! {
                <dt>{tr(Mt::Representatives)}</dt>
                <dd>{m.representatives.clone()}" · "{tr(Mt::PresentCount)}" "{m.representatives_present}</dd>
            })}
        </dl>
        <h2>{tr(Mt::Agenda)}</h2>
        {m.agenda.is_empty().then(|| view! { <p class="muted small">{tr(Mt::NoAgenda)}</p> })}
        <ol class="agenda" data-testid="agenda">
            {m.agenda.iter().map(|i| {
                let kind = i.kind;
                let label = move || kind.label(lang.get());
                let link = match (i.kind, i.ref_id) {
                    (ItemKind::Case, Some(id)) => Some(format!("/case/{id}")),
                    (ItemKind::Topic, Some(id)) => Some(format!("/topics/{id}")),
                    _ => None,
                };
                let title = i.title.clone();
                view! {
                    <li><span class="badge">{label}</span>" "
                        {match link {
                            Some(href) => view! { <A href=href>{title}</A> }.into_any(),
                            None => view! { <span>{title}</span> }.into_any(),
                        }}
                    </li>
                }
            }).collect_view()}
        </ol>
        <h2>{tr(Mt::Minutes)}</h2>
        {if m.minutes.is_empty() {
            view! { <p class="muted small">{tr(Mt::NoMinutes)}</p> }.into_any()
        } else {
            view! { <p class="minutes" data-testid="minutes">{m.minutes.clone()}</p> }.into_any()
        }}
        <h2>{tr(Mt::Resolutions)}</h2>
        {m.resolutions.is_empty().then(|| view! { <p class="muted small">{tr(Mt::NoResolutions)}</p> })}
        <ul class="plain resolutions" data-testid="resolutions">
            {m.resolutions.iter().map(|r| view! { <li><Resolution resolution=r.clone() page may_keep=m.may_keep/></li> }).collect_view()}
        </ul>
        {keeper.map(|k| {
            let choices = k.choices.clone().unwrap_or_default();
            view! {
                <MeetingEditor meeting=k.clone() choices=choices.clone() page/>
                <ResolutionEditor meeting=k choices page/>
            }
        })}
    }
}

#[component]
fn Resolution(resolution: ResolutionView, page: Page, may_keep: bool) -> impl IntoView {
    let lang = use_lang();
    let r = resolution;
    let status = r.status;
    let error = RwSignal::new(None::<AppError>);
    let withdraw = {
        let r = r.clone();
        move |_| {
            if !window()
                .confirm_with_message(Mt::WithdrawAsk.get(lang.get_untracked()))
                .unwrap_or(false)
            {
                return;
            }
            let form = ResolutionForm {
                id: Some(r.id),
                meeting_id: r.meeting_id,
                version: r.version,
                text: r.text.clone(),
                owner: r.owner.clone(),
                due_on: r.due_on,
                case_id: r.case_id,
                dropped: true,
            };
            leptos::task::spawn_local(async move {
                match keep_resolution(form).await {
                    Ok(m) => page.show(m),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    view! {
        <article class="card resolution" id=format!("r{}", r.id) data-testid="resolution" data-overdue=r.overdue.to_string()>
            <p class="case-head">
                {r.overdue.then(|| view! { <span class="flag overdue">{tr(Mt::Overdue)}</span> })}
                <strong>{r.text.clone()}</strong>
                <span class="badge" data-testid="resolution-status">{move || status.label(lang.get())}</span>
            </p>
            <p class="muted small">
                {tr(Mt::Owner)}"："{r.owner_name.clone()}" · "{tr(Mt::Due)}" "{r.due_on.to_string()}
                {r.case_id.map(|c| view! { " · "<A href=format!("/case/{c}")>{format!("#{c}")}</A> })}
            </p>
            <p>
                <progress max="100" value=r.progress.to_string()></progress>" "
                <span data-testid="resolution-progress">{format!("{}%", r.progress)}</span>
            </p>
            {(!r.updates.is_empty()).then(|| view! {
                <details>
                    <summary>{tr(Mt::History)}</summary>
                    <ol class="timeline">
                        {r.updates.iter().rev().map(|u| view! {
                            <li><span class="muted small">{short_time(u.at)}" "{u.by.clone()}</span>
                                " "{format!("{}%", u.progress)}
                                {(!u.note.is_empty()).then(|| view! { <p class="note">{u.note.clone()}</p> })}
                            </li>
                        }).collect_view()}
                    </ol>
                </details>
            })}
            {r.may_report.then(|| view! { <ProgressEditor resolution=r.clone() page/> })}
            {(may_keep && r.status.is_open()).then(|| view! {
                <button type="button" class="link" on:click=withdraw>{tr(Mt::Withdraw)}</button>
            })}
            <ErrorLine error/>
        </article>
    }
}

#[component]
fn ProgressEditor(resolution: ResolutionView, page: Page) -> impl IntoView {
    let progress = RwSignal::new(resolution.progress.to_string());
    let note = RwSignal::new(String::new());
    let (id, version) = (resolution.id, resolution.version);
    let draft = move || ProgressForm {
        resolution_id: id,
        version,
        // Typed text that is not a number is refused as out of range.
        progress: progress.get().trim().parse().unwrap_or(u8::MAX),
        note: note.get(),
    };
    let checked = Checked::new(move || draft().problems());
    let problems = checked.problems();
    let submit = Action::new(|f: &ProgressForm| report_resolution(f.clone()));
    let error = Signal::derive(move || submit.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(m)) = submit.value().get() {
            page.show(m);
        }
    });
    view! {
        <form class="form inline" novalidate data-testid="progress-form" on:submit=move |ev| {
            ev.prevent_default();
            if checked.passes() {
                submit.dispatch(untrack(draft));
            }
        }>
            <label><span>{tr(Mt::Progress)}" (%)"</span>
                <input type="number" inputmode="numeric" min="0" max="100" step="5" bind:value=progress data-testid="progress-input"/>
            </label>
            <FieldError problems field=Field::Progress/>
            <label><span>{tr(Mt::Note)}</span><input type="text" maxlength="300" bind:value=note data-testid="progress-note"/></label>
            <FieldError problems field=Field::Note/>
            <ErrorLine error/>
            <button type="submit" disabled=move || submit.pending().get() data-testid="report-progress">{tr(Mt::Report)}</button>
        </form>
    }
}

#[component]
fn ResolutionEditor(meeting: MeetingView, choices: MeetingChoices, page: Page) -> impl IntoView {
    let lang = use_lang();
    // The select shows the first invited company, else the community: the
    // owner most meetings name.
    let first = meeting
        .companies
        .first()
        .map(|c| Owner::company(c.id).key())
        .or_else(|| choices.owners.first().map(|o| o.0.clone()))
        .unwrap_or_default();
    let owner = RwSignal::new(first);
    let text = RwSignal::new(String::new());
    let due = RwSignal::new(
        (crate::domain::deadline::china_date(chrono::Utc::now()) + chrono::Duration::days(14))
            .to_string(),
    );
    let case = RwSignal::new(String::new());
    let cases: Vec<AgendaItem> = meeting
        .agenda
        .iter()
        .filter(|i| i.kind == ItemKind::Case)
        .cloned()
        .collect();
    let id = meeting.id;
    let draft = move || ResolutionForm {
        id: None,
        meeting_id: id,
        version: 0,
        text: text.get(),
        owner: Owner::from_key(&owner.get()).unwrap_or(Owner::company(0)),
        due_on: due.get().parse().unwrap_or_default(),
        case_id: case.get().parse().ok(),
        dropped: false,
    };
    let today = move || crate::domain::deadline::china_date(chrono::Utc::now());
    let checked = Checked::new(move || draft().problems(today()));
    let problems = checked.problems();
    let submit = Action::new(|f: &ResolutionForm| keep_resolution(f.clone()));
    let error = Signal::derive(move || submit.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(m)) = submit.value().get() {
            page.show(m);
        }
    });
    view! {
        <form class="form card" novalidate data-testid="resolution-form" on:submit=move |ev| {
            ev.prevent_default();
            if checked.passes() {
                submit.dispatch(untrack(draft));
            }
        }>
            <h2>{tr(Mt::AddResolution)}</h2>
            <label><span>{tr(Mt::ResolutionText)}</span><textarea rows="3" bind:value=text data-testid="resolution-text"></textarea></label>
            <CharCount value=text max=MAX_RESOLUTION/>
            <FieldError problems field=Field::Resolution/>
            <label><span>{tr(Mt::Owner)}</span>
                <select bind:value=owner data-testid="resolution-owner">
                    {choices.owners.into_iter().map(|(k, n)| {
                        let kind = Owner::from_key(&k).map(|o| o.kind);
                        view! { <option value=k>{move || format!("{}（{}）", n, kind.map(|k| k.label(lang.get())).unwrap_or_default())}</option> }
                    }).collect_view()}
                </select>
            </label>
            <FieldError problems field=Field::Owner/>
            <label><span>{tr(Mt::Due)}</span><input type="date" bind:value=due min=today().to_string() data-testid="resolution-due"/></label>
            <FieldError problems field=Field::Due/>
            {(!cases.is_empty()).then(|| view! {
                <label><span>{tr(Mt::ForCase)}</span>
                    <select bind:value=case data-testid="resolution-case">
                        <option value="">{tr(Mt::NoCase)}</option>
                        {cases.into_iter().map(|i| view! { <option value=i.ref_id.unwrap_or_default().to_string()>{i.title}</option> }).collect_view()}
                    </select>
                </label>
            })}
            <ErrorLine error/>
            <button type="submit" class="primary" disabled=move || submit.pending().get() data-testid="add-resolution">{tr(Mt::AddResolution)}</button>
        </form>
    }
}

/// A tick box that adds `id` to `set` or takes it out.
fn tick(set: RwSignal<Vec<i64>>, id: i64, label: String, testid: &'static str) -> impl IntoView {
    view! {
        <label class="check">
            <input type="checkbox" data-testid=testid data-id=id.to_string() prop:checked=move || set.with(|p| p.contains(&id)) on:change=move |ev| {
                let on = event_target_checked(&ev);
                set.update(|p| if on { if !p.contains(&id) { p.push(id) } } else { p.retain(|x| *x != id) });
            }/>
            <span>{label}</span>
        </label>
    }
}

/// Records the meeting: invitations, compounds, agenda, attendance, minutes.
#[component]
fn MeetingEditor(meeting: MeetingView, choices: MeetingChoices, page: Page) -> impl IntoView {
    let base = meeting.form();
    let title = RwSignal::new(base.title.clone());
    let starts = RwSignal::new(local_input(base.starts_at));
    let place = RwSignal::new(base.place.clone());
    let companies = RwSignal::new(base.companies.clone());
    let present = RwSignal::new(base.present.clone());
    let compounds = RwSignal::new(base.compounds.clone());
    let committee = RwSignal::new(base.committee.clone());
    let committee_present = RwSignal::new(base.committee_present);
    let representatives = RwSignal::new(base.representatives.clone());
    let came = RwSignal::new(base.representatives_present.to_string());
    let ids_of = |kind: ItemKind| -> Vec<i64> {
        base.agenda
            .iter()
            .filter(|i| i.kind == kind)
            .filter_map(|i| i.ref_id)
            .collect()
    };
    let cases = RwSignal::new(ids_of(ItemKind::Case));
    let topics = RwSignal::new(ids_of(ItemKind::Topic));
    let free = RwSignal::new(
        base.agenda
            .iter()
            .filter(|i| i.kind == ItemKind::Free)
            .map(|i| i.title.clone())
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let minutes = RwSignal::new(base.minutes.clone());
    // Cases and topics already on the agenda stay offered even when they
    // are no longer open (the agenda keeps its own words for them).
    let mut case_choices = choices.cases.clone();
    let mut topic_choices = choices.topics.clone();
    for i in &base.agenda {
        let list = match i.kind {
            ItemKind::Case => &mut case_choices,
            ItemKind::Topic => &mut topic_choices,
            ItemKind::Free => continue,
        };
        if let Some(id) = i.ref_id.filter(|id| !list.iter().any(|c| c.0 == *id)) {
            list.push((id, i.title.clone()));
        }
    }
    let names: Vec<(i64, String)> = choices.companies.clone();
    let kept = StoredValue::new(base.clone());
    let draft = move || {
        let mut agenda: Vec<AgendaItem> = Vec::new();
        for id in cases.get() {
            agenda.push(AgendaItem {
                kind: ItemKind::Case,
                ref_id: Some(id),
                title: String::new(),
            });
        }
        for id in topics.get() {
            agenda.push(AgendaItem {
                kind: ItemKind::Topic,
                ref_id: Some(id),
                title: String::new(),
            });
        }
        for line in free.get().lines().map(str::trim).filter(|l| !l.is_empty()) {
            agenda.push(AgendaItem {
                kind: ItemKind::Free,
                ref_id: None,
                title: line.to_string(),
            });
        }
        let invited = companies.get();
        MeetingForm {
            title: title.get(),
            starts_at: local_moment(&starts.get()).unwrap_or(kept.with_value(|b| b.starts_at)),
            place: place.get(),
            present: present
                .get()
                .into_iter()
                .filter(|c| invited.contains(c))
                .collect(),
            companies: invited,
            compounds: compounds.get(),
            committee: committee.get(),
            committee_present: committee_present.get(),
            representatives: representatives.get(),
            // Left empty, nobody was counted; not a number, it is refused.
            representatives_present: match came.get().trim() {
                "" => 0,
                n => n.parse().unwrap_or(u32::MAX),
            },
            agenda,
            minutes: minutes.get(),
            ..kept.get_value()
        }
    };
    let checked = Checked::new(move || draft().problems());
    let problems = checked.problems();
    let submit = Action::new(|f: &MeetingForm| save_joint_meeting(f.clone()));
    let error = Signal::derive(move || submit.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(m)) = submit.value().get() {
            page.show(m);
        }
    });
    view! {
        <form class="form card" novalidate data-testid="meeting-form" on:submit=move |ev| {
            ev.prevent_default();
            if checked.passes() {
                submit.dispatch(untrack(draft));
            }
        }>
            <h2>{tr(Mt::Record)}</h2>
            <p class="hint">{tr(Mt::NoPersonal)}</p>
            <label><span>{tr(Mt::MeetingTitle)}</span><input type="text" bind:value=title maxlength="60"/></label>
            <FieldError problems field=Field::Title/>
            <label><span>{tr(Mt::StartsAt)}</span><input type="datetime-local" bind:value=starts/></label>
            <label><span>{tr(Mt::Place)}</span><input type="text" bind:value=place maxlength="60"/></label>
            <FieldError problems field=Field::Place/>
            {(!choices.compounds.is_empty()).then(|| view! {
                <fieldset>
                    <legend>{tr(Mt::Compounds)}</legend>
                    {choices.compounds.iter().map(|(id, n)| tick(compounds, *id, n.clone(), "pick-compound")).collect_view()}
                </fieldset>
            })}
            <fieldset>
                <legend>{tr(Mt::Invited)}</legend>
                {names.iter().map(|(id, n)| tick(companies, *id, n.clone(), "pick-company")).collect_view()}
            </fieldset>
            <FieldError problems field=Field::Company/>
            <fieldset>
                <legend>{tr(Mt::Present)}</legend>
                {move || {
                    let invited = companies.get();
                    names.iter().filter(|(id, _)| invited.contains(id)).map(|(id, n)| tick(present, *id, n.clone(), "pick-present")).collect_view()
                }}
            </fieldset>
            <label><span>{tr(Mt::Committee)}</span><input type="text" bind:value=committee maxlength="200"/></label>
            <label class="check"><input type="checkbox" bind:checked=committee_present/><span>{tr(Mt::Committee)}" "{tr(Mt::Present)}</span></label>
            <FieldError problems field=Field::Committee/>
            <label><span>{tr(Mt::Representatives)}</span><input type="text" bind:value=representatives maxlength="200"/></label>
            <label><span>{tr(Mt::Representatives)}" "{tr(Mt::PresentCount)}</span><input type="number" inputmode="numeric" min="0" max="500" bind:value=came/></label>
            <FieldError problems field=Field::Representatives/>
            {(!case_choices.is_empty()).then(|| view! {
                <fieldset>
                    <legend>{tr(Mt::Cases)}</legend>
                    {case_choices.iter().map(|(id, n)| tick(cases, *id, n.clone(), "pick-case")).collect_view()}
                </fieldset>
            })}
            {(!topic_choices.is_empty()).then(|| view! {
                <fieldset>
                    <legend>{tr(Mt::Topics)}</legend>
                    {topic_choices.iter().map(|(id, n)| tick(topics, *id, n.clone(), "pick-topic")).collect_view()}
                </fieldset>
            })}
            <label><span>{tr(Mt::Free)}</span><textarea rows="3" bind:value=free data-testid="free-items"></textarea></label>
            <FieldError problems field=Field::Agenda/>
            <label><span>{tr(Mt::Minutes)}</span><textarea rows="5" bind:value=minutes data-testid="minutes-input"></textarea></label>
            <CharCount value=minutes max=MAX_MINUTES/>
            <FieldError problems field=Field::Minutes/>
            <ErrorLine error/>
            <button type="submit" class="primary" disabled=move || submit.pending().get() data-testid="save-meeting">{tr(Mt::Save)}</button>
        </form>
    }
}
