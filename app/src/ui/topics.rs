//! 议事协商 (`/topics`, `/topics/{id}`): residents propose topics and second
//! them; the community reviews them, holds the meeting and opens the vote,
//! enters paper ballots, publishes the result and follows its
//! implementation. A topic's page is its public result page: the whole path,
//! counts only, never who seconded or voted.

use super::auth::{ErrorLine, SignInPrompt};
use super::form::{local_input, local_moment, CharCount, Checked, FieldError};
use super::i18n::{short_time, tr, use_lang, T};
use super::session::use_session;
use super::wishes::CommunitySelect;
use crate::api::topics::{
    cast_vote, paper_ballot, propose_topic, second_topic, topic_detail, topic_step,
    topic_threshold, topics,
};
use crate::domain::auth::Role;
use crate::domain::error::Field;
use crate::domain::topic::{
    Discussion, MeetingKind, NewTopic, ProgressUpdate, StaffStep, Stage, TopicLine, TopicView,
    VoteMode, MAX_BODY, MAX_TITLE,
};
#[allow(unused_imports)]
use crate::ui::i18n::Words as _;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

crate::ui::i18n::texts! { Tp {
    Title => "议事协商", "Deliberation";
    Hint => "四步议事：居民提出议题、邻里附议；附议达到人数后列入议程，社区召开议题半月谈或红色议事会商议，居民投票表决，结果公示并跟踪落实。", "Four steps: residents propose topics and neighbours second them; with enough seconds a topic goes onto the agenda, the community discusses it at a meeting, residents vote, and the result is published and carried out.";
    Propose => "提出议题", "Propose a topic";
    TopicTitle => "议题", "Topic";
    TopicBody => "情况说明", "Description";
    Send => "提交", "Send";
    ProposeHint => "提交后由社区审核，通过后公开征集附议。", "The community reviews it first; then it is public and collects seconds.";
    Empty => "暂无议题。", "No topics yet.";
    More => "更多", "More";
    Seconds => "附议", "Seconds";
    Votes => "票", "votes";
    Second => "我附议", "Second it";
    Seconded => "已附议", "Seconded";
    Step1 => "① 征集议题", "① Proposal";
    Step2 => "② 会议商议", "② Discussion";
    Step3 => "③ 投票表决", "③ Vote";
    Step4 => "④ 落实公示", "④ Implementation";
    Needed => "列入议程需附议", "Seconds needed for the agenda";
    Meeting => "会议", "Meeting";
    MeetingAt => "时间", "When";
    MeetingPlace => "地点", "Where";
    Minutes => "会议纪要", "Minutes";
    Mode => "表决方式", "Voting";
    Window => "投票时间", "Voting window";
    VoteFor => "投这一项", "Vote for this";
    Voted => "您已投票。", "You have voted.";
    TotalVotes => "总票数", "Votes cast";
    Decision => "表决结果", "Decision";
    Progress => "落实进度", "Progress";
    CaseLink => "关联事件", "Linked case";
    ProjectLink => "关联项目", "Linked project";
    Hidden => "此议题未公开：", "This topic is hidden: ";
    Staff => "社区操作", "Community steps";
    Approve => "审核通过，公开征集附议", "Approve and open for seconds";
    HideReason => "不予公开的原因", "Reason to hide";
    Hide => "不予公开", "Hide";
    Kind => "会议形式", "Meeting";
    Place => "会议地点", "Place";
    Options => "表决选项（每行一项）", "Options (one per line)";
    ClosesAt => "投票截止", "Voting closes";
    OpenVote => "记录会议并开始投票", "Record the meeting and open the vote";
    Paper => "录入纸质选票", "Enter a paper ballot";
    Household => "住户编号", "Household no.";
    Member => "成员编号（一人一票时填写）", "Member no. (one vote per resident)";
    Enter => "录入", "Enter";
    Publish => "公布表决结果", "Publish the result";
    AddProgress => "更新落实进度", "Update progress";
    Note => "进展说明", "Note";
    Threshold => "列入议程所需附议人数", "Seconds a topic needs for the agenda";
    ThresholdN => "附议人数", "Seconds";
    Save => "保存", "Save";
    Saved => "已保存。", "Saved.";
    Back => "全部议题", "All topics";
} }

/// The topics list with the propose form.
#[component]
pub fn TopicsPage() -> impl IntoView {
    let session = use_session();
    let community = RwSignal::new(String::new());
    let pages = RwSignal::new(Vec::<TopicLine>::new());
    // The cursor belongs to the community it was taken in: a new community
    // starts from the first page at once.
    let before = RwSignal::new(None::<(String, i64)>);
    let done = RwSignal::new(false);
    let page = LocalResource::new(move || {
        let c = community.get();
        let b = before.get().filter(|(bc, _)| *bc == c).map(|(_, id)| id);
        async move { topics(Some(c).filter(|c| !c.is_empty()), b).await }
    });
    Effect::new(move |prev: Option<String>| {
        let c = community.get();
        if prev.is_some_and(|p| p != c) {
            pages.set(Vec::new());
            before.set(None);
            done.set(false);
        }
        c
    });
    Effect::new(move |_| {
        if let Some(Ok(rows)) = page.get() {
            done.set(rows.len() < crate::domain::topic::PAGE as usize);
            pages.update(|p| {
                for r in rows {
                    if !p.iter().any(|x| x.id == r.id) {
                        p.push(r);
                    }
                }
            });
        }
    });
    let lang = use_lang();
    view! {
        <section class="cases topics">
            <h1>{tr(Tp::Title)}</h1>
            <p class="hint">{tr(Tp::Hint)}</p>
            <label><span>{tr(T::Community)}</span><CommunitySelect value=community all=true/></label>
            {move || page.get().and_then(Result::err).map(|e| view! { <p class="form-error">{e.message(lang.get())}</p> })}
            <ul class="case-list" data-testid="topics">
                {move || pages.get().into_iter().map(|t| view! { <li><TopicRow topic=t/></li> }).collect_view()}
            </ul>
            {move || (page.get().is_some() && pages.with(Vec::is_empty)).then(|| view! { <p class="notice">{tr(Tp::Empty)}</p> })}
            <Show when=move || !done.get() && !pages.with(Vec::is_empty)>
                <button type="button" on:click=move |_| {
                    let last = pages.with_untracked(|p| p.last().map(|t| t.id));
                    before.set(last.map(|id| (community.get_untracked(), id)));
                }>{tr(Tp::More)}</button>
            </Show>
            {move || match session.current() {
                None => view! { <SignInPrompt/> }.into_any(),
                Some(u) => {
                    let staff = u.has(Role::CommunityAdmin) || u.has(Role::StreetAdmin) || u.has(Role::SystemAdmin);
                    view! {
                        <ProposeForm/>
                        {staff.then(|| view! { <ThresholdForm/> })}
                    }.into_any()
                }
            }}
        </section>
    }
}

#[component]
fn StageBadge(stage: Stage) -> impl IntoView {
    let lang = use_lang();
    view! { <span class="badge" data-stage=stage.as_str()>{move || stage.label(lang.get())}</span> }
}

#[component]
fn TopicRow(topic: TopicLine) -> impl IntoView {
    view! {
        <A href=format!("/topics/{}", topic.id) attr:data-testid="topic-line">
            <span class="case-head">
                <StageBadge stage=topic.stage/>
                <strong>{topic.title.clone()}</strong>
            </span>
            <span class="muted small">
                {topic.community_name.clone()}" · "{tr(Tp::Seconds)}" "{format!("{}/{}", topic.seconds, topic.threshold)}
                {(topic.votes > 0).then(|| view! { " · "{topic.votes}" "{tr(Tp::Votes)} })}
                {(topic.progress > 0).then(|| format!(" · {}%", topic.progress))}
            </span>
        </A>
    }
}

#[component]
fn ProposeForm() -> impl IntoView {
    let lang = use_lang();
    let navigate = use_navigate();
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let community = RwSignal::new(String::new());
    let draft = move || NewTopic {
        community_code: community.get(),
        title: title.get(),
        body: body.get(),
    };
    let checked = Checked::new(move || draft().problems());
    let problems = checked.problems();
    let submit = Action::new(|t: &NewTopic| propose_topic(t.clone()));
    let error = Signal::derive(move || submit.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(t)) = submit.value().get() {
            navigate(&format!("/topics/{}", t.id), Default::default());
        }
    });
    view! {
        <form class="form card" novalidate data-testid="propose-form" on:submit=move |ev| {
            ev.prevent_default();
            if checked.passes() {
                submit.dispatch(untrack(draft));
            }
        }>
            <h2>{tr(Tp::Propose)}</h2>
            <p class="hint">{tr(Tp::ProposeHint)}</p>
            <label><span>{tr(T::Community)}</span><CommunitySelect value=community/></label>
            <FieldError problems field=Field::Community/>
            <label><span>{tr(Tp::TopicTitle)}</span>
                <input type="text" bind:value=title data-testid="topic-title"/>
                <CharCount value=title max=MAX_TITLE/>
            </label>
            <FieldError problems field=Field::Title/>
            <label><span>{tr(Tp::TopicBody)}</span>
                <textarea rows="4" bind:value=body data-testid="topic-body"></textarea>
                <CharCount value=body max=MAX_BODY/>
            </label>
            <FieldError problems field=Field::Description/>
            <ErrorLine error/>
            <button type="submit" class="primary" disabled=move || submit.pending().get() data-testid="propose">
                {move || Tp::Send.get(lang.get())}
            </button>
        </form>
    }
}

#[component]
fn ThresholdForm() -> impl IntoView {
    let community = RwSignal::new(String::new());
    let n = RwSignal::new(crate::domain::topic::DEFAULT_THRESHOLD.to_string());
    let save = Action::new(|(c, n): &(String, u32)| topic_threshold(c.clone(), *n));
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    view! {
        <form class="form card" novalidate on:submit=move |ev| {
            ev.prevent_default();
            save.dispatch((community.get_untracked(), n.get_untracked().trim().parse().unwrap_or(0)));
        }>
            <h2>{tr(Tp::Threshold)}</h2>
            <label><span>{tr(T::Community)}</span><CommunitySelect value=community/></label>
            <label><span>{tr(Tp::ThresholdN)}</span>
                <input type="number" inputmode="numeric" min="1" max="500" bind:value=n data-testid="threshold"/>
            </label>
            <ErrorLine error/>
            {move || matches!(save.value().get(), Some(Ok(_))).then(|| view! { <p class="notice">{tr(Tp::Saved)}</p> })}
            <button type="submit" disabled=move || save.pending().get()>{tr(Tp::Save)}</button>
        </form>
    }
}

/// A topic's public result page, with the steps the reader may take.
#[component]
pub fn TopicPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let reload = RwSignal::new(0u32);
    let topic =
        crate::ui::resource::resource(move || (id(), reload.get()), |(id, _)| topic_detail(id));
    let lang = use_lang();
    view! {
        <Transition fallback=move || view! { <p class="notice">{tr(T::Loading)}</p> }>
            {move || topic.get().map(|r| match r {
                Ok(t) => view! { <TopicCard topic=t reload/> }.into_any(),
                Err(e) => view! {
                    <section class="card narrow"><p class="form-error">{move || e.message(lang.get())}</p><A href="/topics">{tr(Tp::Back)}</A></section>
                }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn TopicCard(topic: TopicView, reload: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let t = topic.clone();
    let id = t.id;
    let second = Action::new(move |_: &()| second_topic(id));
    let vote = Action::new(move |option: &i64| cast_vote(id, *option));
    let error = Signal::derive(move || {
        second
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| vote.value().get().and_then(Result::err))
    });
    Effect::new(move |_| {
        if matches!(second.value().get(), Some(Ok(_))) || matches!(vote.value().get(), Some(Ok(_)))
        {
            reload.update(|v| *v += 1);
        }
    });
    let shown = t.seconds.min(t.threshold);
    let share = |n: u64| (n * 100).checked_div(t.votes).unwrap_or(0);
    view! {
        <article class="card case topic" data-testid="topic" data-stage=t.stage.as_str()>
            <p class="case-head">
                <StageBadge stage=t.stage/>
                <span class="muted">{t.community_name.clone()}" · #"{t.id}</span>
            </p>
            <h1>{t.title.clone()}</h1>
            {t.hidden.then(|| view! {
                <p class="form-error" data-testid="hidden">{tr(Tp::Hidden)}{t.hidden_reason.clone().unwrap_or_default()}</p>
            })}
            <p class="case-text">{t.body.clone()}</p>

            <h2>{tr(Tp::Step1)}</h2>
            <p>
                {tr(Tp::Seconds)}" "<strong data-testid="seconds">{t.seconds}</strong>
                <span class="muted">" · "{tr(Tp::Needed)}" "{t.threshold}</span>
            </p>
            <progress max=t.threshold value=shown></progress>
            {t.may_second.then(|| view! {
                <button type="button" class="primary" data-testid="second" disabled=move || second.pending().get()
                    on:click=move |_| { second.dispatch(()); }>{tr(Tp::Second)}</button>
            })}
            {t.seconded.then(|| view! { <p class="muted">{tr(Tp::Seconded)}</p> })}

            {t.meeting.clone().map(|m| view! {
                <h2>{tr(Tp::Step2)}</h2>
                <dl class="facts" data-testid="meeting">
                    <dt>{tr(Tp::Meeting)}</dt><dd>{move || m.kind.label(lang.get())}</dd>
                    <dt>{tr(Tp::MeetingAt)}</dt><dd>{short_time(m.held_at)}</dd>
                    <dt>{tr(Tp::MeetingPlace)}</dt><dd>{m.place.clone()}</dd>
                </dl>
                <h3>{tr(Tp::Minutes)}</h3>
                <p class="case-text">{m.minutes.clone()}</p>
            })}

            {(!t.options.is_empty()).then(|| view! {
                <h2>{tr(Tp::Step3)}</h2>
                <dl class="facts">
                    {t.mode.map(|m| view! { <dt>{tr(Tp::Mode)}</dt><dd>{move || m.label(lang.get())}</dd> })}
                    {t.opens_at.zip(t.closes_at).map(|(o, c)| view! { <dt>{tr(Tp::Window)}</dt><dd>{short_time(o)}" – "{short_time(c)}</dd> })}
                    <dt>{tr(Tp::TotalVotes)}</dt><dd data-testid="total-votes">{t.votes}</dd>
                </dl>
                <ul class="tally" data-testid="tally">
                    {t.options.iter().map(|o| {
                        let oid = o.id;
                        view! {
                            <li data-testid="option">
                                <span>{o.label.clone()}</span>" "
                                <strong data-testid="option-votes">{o.votes}</strong>" "{tr(Tp::Votes)}
                                <progress max="100" value=share(o.votes)></progress>
                                {t.may_vote.then(|| view! {
                                    <button type="button" data-testid="vote" disabled=move || vote.pending().get()
                                        on:click=move |_| { vote.dispatch(oid); }>{tr(Tp::VoteFor)}</button>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                {t.voted.then(|| view! { <p class="notice" data-testid="voted">{tr(Tp::Voted)}</p> })}
            })}

            {t.decision.clone().map(|d| view! {
                <h2>{tr(Tp::Step4)}</h2>
                <h3>{tr(Tp::Decision)}</h3>
                <p class="case-text" data-testid="decision">{d}</p>
                <p>{tr(Tp::Progress)}" "<strong data-testid="progress">{format!("{}%", t.progress)}</strong></p>
                <progress max="100" value=t.progress></progress>
                <ul class="timeline">
                    {t.updates.iter().map(|u| view! { <li><span class="muted">{short_time(u.at)}</span>" "{format!("{}%", u.progress)}" · "{u.note.clone()}</li> }).collect_view()}
                </ul>
                {t.case_id.map(|c| view! { <p>{tr(Tp::CaseLink)}" "<A href=format!("/case/{c}")>{format!("#{c}")}</A></p> })}
                {t.project_id.map(|p| view! { <p>{tr(Tp::ProjectLink)}" "<A href="/lists">{format!("#{p}")}</A></p> })}
            })}
            <ErrorLine error/>
            {t.staff.then(|| view! { <StaffPanel topic=topic.clone() reload/> })}
            <p><A href="/topics">{tr(Tp::Back)}</A></p>
        </article>
    }
}

/// What the community does next with a topic, by its stage.
#[component]
fn StaffPanel(topic: TopicView, reload: RwSignal<u32>) -> impl IntoView {
    let id = topic.id;
    let act = Action::new(move |s: &StaffStep| topic_step(id, s.clone()));
    let error = Signal::derive(move || act.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if matches!(act.value().get(), Some(Ok(_))) {
            reload.update(|v| *v += 1);
        }
    });
    let stage = topic.stage;
    let hidden = topic.hidden;
    let reason = RwSignal::new(String::new());
    view! {
        <section class="card staff-panel" data-testid="staff-panel">
            <h2>{tr(Tp::Staff)}</h2>
            {(!hidden && stage == Stage::Proposed).then(|| view! {
                <button type="button" class="primary" data-testid="approve" on:click=move |_| { act.dispatch(StaffStep::Approve); }>{tr(Tp::Approve)}</button>
            })}
            {(!hidden).then(|| view! {
                <label><span>{tr(Tp::HideReason)}</span><input type="text" bind:value=reason data-testid="hide-reason"/></label>
                <button type="button" data-testid="hide" on:click=move |_| { act.dispatch(StaffStep::Hide { reason: reason.get_untracked() }); }>{tr(Tp::Hide)}</button>
            })}
            {(!hidden && matches!(stage, Stage::Seconding | Stage::Agenda)).then(|| view! { <DiscussForm act/> })}
            {(!hidden && stage == Stage::Voting).then(|| view! {
                <PaperForm topic=topic.clone() reload/>
                <PublishForm act/>
            })}
            {(!hidden && matches!(stage, Stage::Decided | Stage::Implementing)).then(|| view! { <ProgressForm act current=topic.progress/> })}
            <ErrorLine error/>
        </section>
    }
}

#[component]
fn DiscussForm(
    act: Action<StaffStep, Result<TopicView, crate::domain::error::AppError>>,
) -> impl IntoView {
    let lang = use_lang();
    let now = chrono::Utc::now();
    let kind = RwSignal::new(MeetingKind::HalfMonth.as_str().to_string());
    let held = RwSignal::new(local_input(now));
    let place = RwSignal::new(String::new());
    let minutes = RwSignal::new(String::new());
    let options = RwSignal::new("同意\n不同意".to_string());
    let mode = RwSignal::new(VoteMode::Resident.as_str().to_string());
    let closes = RwSignal::new(local_input(now + chrono::Duration::days(7)));
    let draft = move || {
        let now = chrono::Utc::now();
        Discussion {
            kind: MeetingKind::parse(&kind.get()).unwrap_or(MeetingKind::HalfMonth),
            held_at: local_moment(&held.get()).unwrap_or(now),
            place: place.get(),
            minutes: minutes.get(),
            options: options
                .get()
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            mode: VoteMode::parse(&mode.get()).unwrap_or(VoteMode::Resident),
            opens_at: now,
            closes_at: local_moment(&closes.get()).unwrap_or(now),
        }
    };
    let checked = Checked::new(move || draft().problems(chrono::Utc::now()));
    let problems = checked.problems();
    view! {
        <form class="form" novalidate data-testid="discuss-form" on:submit=move |ev| {
            ev.prevent_default();
            if checked.passes() {
                act.dispatch(StaffStep::Discuss(untrack(draft)));
            }
        }>
            <label><span>{tr(Tp::Kind)}</span>
                <select bind:value=kind>
                    {MeetingKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{move || k.label(lang.get())}</option> }).collect_view()}
                </select>
            </label>
            <label><span>{tr(Tp::MeetingAt)}</span><input type="datetime-local" bind:value=held/></label>
            <label><span>{tr(Tp::Place)}</span><input type="text" bind:value=place data-testid="meeting-place"/></label>
            <FieldError problems field=Field::Place/>
            <label><span>{tr(Tp::Minutes)}</span><textarea rows="4" bind:value=minutes data-testid="minutes"></textarea></label>
            <FieldError problems field=Field::Minutes/>
            <label><span>{tr(Tp::Options)}</span><textarea rows="3" bind:value=options data-testid="options"></textarea></label>
            <FieldError problems field=Field::Options/>
            <label><span>{tr(Tp::Mode)}</span>
                <select bind:value=mode data-testid="vote-mode">
                    {VoteMode::ALL.iter().map(|m| view! { <option value=m.as_str()>{move || m.label(lang.get())}</option> }).collect_view()}
                </select>
            </label>
            <label><span>{tr(Tp::ClosesAt)}</span><input type="datetime-local" step="1" bind:value=closes data-testid="closes-at"/></label>
            <FieldError problems field=Field::Time/>
            <button type="submit" class="primary" data-testid="open-vote" disabled=move || act.pending().get()>{tr(Tp::OpenVote)}</button>
        </form>
    }
}

#[component]
fn PaperForm(topic: TopicView, reload: RwSignal<u32>) -> impl IntoView {
    let id = topic.id;
    let option = RwSignal::new(
        topic
            .options
            .first()
            .map(|o| o.id.to_string())
            .unwrap_or_default(),
    );
    let household = RwSignal::new(String::new());
    let member = RwSignal::new(String::new());
    let enter =
        Action::new(move |(o, h, m): &(i64, i64, Option<i64>)| paper_ballot(id, *o, *h, *m));
    let error = Signal::derive(move || enter.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if matches!(enter.value().get(), Some(Ok(_))) {
            reload.update(|v| *v += 1);
        }
    });
    let per_resident = topic.mode == Some(VoteMode::Resident);
    view! {
        <form class="form" novalidate data-testid="paper-form" on:submit=move |ev| {
            ev.prevent_default();
            let o = option.get_untracked().parse().unwrap_or(0);
            let h = household.get_untracked().trim().parse().unwrap_or(0);
            let m = member.get_untracked().trim().parse().ok();
            enter.dispatch((o, h, m));
        }>
            <h3>{tr(Tp::Paper)}</h3>
            <select bind:value=option>
                {topic.options.iter().map(|o| view! { <option value=o.id.to_string()>{o.label.clone()}</option> }).collect_view()}
            </select>
            <label><span>{tr(Tp::Household)}</span><input type="text" inputmode="numeric" bind:value=household/></label>
            {per_resident.then(|| view! { <label><span>{tr(Tp::Member)}</span><input type="text" inputmode="numeric" bind:value=member/></label> })}
            <ErrorLine error/>
            <button type="submit" disabled=move || enter.pending().get()>{tr(Tp::Enter)}</button>
        </form>
    }
}

#[component]
fn PublishForm(
    act: Action<StaffStep, Result<TopicView, crate::domain::error::AppError>>,
) -> impl IntoView {
    let decision = RwSignal::new(String::new());
    view! {
        <form class="form" novalidate data-testid="publish-form" on:submit=move |ev| {
            ev.prevent_default();
            act.dispatch(StaffStep::Publish { decision: decision.get_untracked() });
        }>
            <label><span>{tr(Tp::Decision)}</span><textarea rows="3" bind:value=decision data-testid="decision-text"></textarea></label>
            <button type="submit" class="primary" data-testid="publish" disabled=move || act.pending().get()>{tr(Tp::Publish)}</button>
        </form>
    }
}

#[component]
fn ProgressForm(
    act: Action<StaffStep, Result<TopicView, crate::domain::error::AppError>>,
    current: u8,
) -> impl IntoView {
    let progress = RwSignal::new(current.max(10).to_string());
    let note = RwSignal::new(String::new());
    let case_id = RwSignal::new(String::new());
    view! {
        <form class="form" novalidate data-testid="progress-form" on:submit=move |ev| {
            ev.prevent_default();
            act.dispatch(StaffStep::Progress(ProgressUpdate {
                progress: progress.get_untracked().trim().parse().unwrap_or(0),
                note: note.get_untracked(),
                case_id: case_id.get_untracked().trim().parse().ok(),
                project_id: None,
            }));
        }>
            <label><span>{tr(Tp::Progress)}" %"</span><input type="number" inputmode="numeric" min="0" max="100" bind:value=progress data-testid="progress-value"/></label>
            <label><span>{tr(Tp::Note)}</span><input type="text" bind:value=note data-testid="progress-note"/></label>
            <label><span>{tr(Tp::CaseLink)}</span><input type="text" inputmode="numeric" bind:value=case_id/></label>
            <button type="submit" data-testid="add-progress" disabled=move || act.pending().get()>{tr(Tp::AddProgress)}</button>
        </form>
    }
}
