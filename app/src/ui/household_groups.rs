//! 联户组 on the 人房信息 page: each group with its doors and the tasks
//! pushed to it, each door ticked done by staff or by the group's 联保长;
//! forming a group and pushing a task (staff). And "我的家庭": a resident's
//! own household, their correction requests, and the groups they lead.

use super::auth::ErrorLine;
use super::i18n::{tr, use_lang, T};
use crate::api::households::{
    own_household, AskCorrection, CreateHouseholdGroup, MarkGroupDoor, PushGroupTask,
};
use crate::domain::household::{GroupKind, GroupView, HouseholdsPage, NewGroup, NewGroupTask};
#[allow(unused_imports)]
use crate::ui::i18n::Words as _;
use leptos::prelude::*;

crate::ui::i18n::texts! { Gr {
    NoGroups => "本范围还没有联户组。", "No household group here yet.";
    Leader => "联保长", "Group leader";
    Doors => "户", "doors";
    SizeHint => "联户组一般为 7–12 户或 4–8 家商户。", "A group is usually 7–12 households or 4–8 shops.";
    Done => "已完成", "done";
    NoTasks => "还没有任务。", "No task yet.";
    Due => "截止", "Due";
    Push => "推送任务", "Push a task";
    TaskTitle => "任务（如：防诈骗入户宣传）", "Task (e.g. fraud-prevention visits)";
    TaskBody => "说明（选填）", "Details (optional)";
    New => "新建联户组", "New household group";
    Name => "名称", "Name";
    Kind => "类型", "Kind";
    LeaderName => "联保长姓名", "Leader's name";
    LeaderPhone => "联保长手机号", "Leader's mobile";
    Pick => "选择住户（当前列表中的住户）", "Pick households (from the list shown)";
    Create => "建立", "Form the group";
    MyHome => "我的家庭", "My household";
    NoHome => "社区还没有把您的账号关联到住户信息。如需关联，请联系网格员。", "Your account is not linked to a household record yet. Ask your grid worker to link it.";
    AskFix => "信息有误？申请更正", "Something wrong? Ask for a correction";
    FixText => "请写明哪里需要更正", "Say what needs correcting";
    Send => "提交", "Send";
    Pending => "处理中", "Waiting";
    Handled => "已处理", "Handled";
    MyGroups => "我负责的联户组", "Groups I lead";
} }

#[component]
pub fn Groups(page: HouseholdsPage, reload: RwSignal<u32>) -> impl IntoView {
    let editable = page.editable;
    view! {
        {if page.groups.is_empty() {
            view! { <p class="muted">{tr(Gr::NoGroups)}</p> }.into_any()
        } else {
            page.groups.iter().cloned().map(|g| view! { <GroupCard g/> }).collect_view().into_any()
        }}
        {editable.then(|| view! { <NewGroupForm page=page.clone() reload/> })}
    }
}

/// One group: its doors, its tasks with a tick per door, and (staff) a form
/// to push a task.
#[component]
pub fn GroupCard(g: GroupView) -> impl IntoView {
    let lang = use_lang();
    let group = RwSignal::new(g);
    let mark = ServerAction::<MarkGroupDoor>::new();
    let push = ServerAction::<PushGroupTask>::new();
    Effect::new(move |_| {
        if let Some(Ok(v)) = mark.value().get() {
            group.set(v);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(v)) = push.value().get() {
            group.set(v);
        }
    });
    let error = Signal::derive(move || {
        mark.value()
            .get()
            .and_then(Result::err)
            .or_else(|| push.value().get().and_then(Result::err))
    });
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        push.dispatch(PushGroupTask {
            task: NewGroupTask {
                group_id: group.get_untracked().id,
                title: title.get_untracked(),
                body: body.get_untracked(),
                due_on: chrono::NaiveDate::parse_from_str(&due.get_untracked(), "%Y-%m-%d").ok(),
            },
        });
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = push.value().get() {
            title.set(String::new());
            body.set(String::new());
        }
    });
    view! {
        <section class="card group" data-testid="group" data-group=move || group.get().name.clone()>
            {move || {
                let g = group.get();
                let kind = g.kind;
                let n = g.doors.len();
                view! {
                    <h2>{g.name.clone()}</h2>
                    <p class="muted">{move || kind.label(lang.get())}" · "{n}{tr(Gr::Doors)}" · "{tr(Gr::Leader)}": "{g.leader_name.clone()}" "<span class="tel">{g.leader_phone.clone()}</span></p>
                    {(!g.size_fits()).then(|| view! { <p class="muted small">{tr(Gr::SizeHint)}</p> })}
                    {if g.tasks.is_empty() {
                        view! { <p class="muted">{tr(Gr::NoTasks)}</p> }.into_any()
                    } else {
                        g.tasks.iter().map(|t| {
                            let task = t.id;
                            let done = t.done.clone();
                            view! {
                                <div class="task" data-testid="group-task" data-task=t.title.clone()>
                                    <h3>{t.title.clone()}" "<small class="muted">{done.len()}" / "{n}" "{tr(Gr::Done)}
                                        {t.due_on.map(|d| view! { " · " {tr(Gr::Due)} " " {d.to_string()} })}</small></h3>
                                    {(!t.body.is_empty()).then(|| view! { <p>{t.body.clone()}</p> })}
                                    <ul class="doors">
                                        {g.doors.iter().map(|d| {
                                            let h = d.household_id;
                                            let on = done.contains(&h);
                                            view! {
                                                <li><label class="check">
                                                    <input type="checkbox" data-testid="door-done" data-door=d.door.clone() prop:checked=on
                                                        disabled=move || mark.pending().get()
                                                        on:change=move |ev| { mark.dispatch(MarkGroupDoor { task_id: task, household_id: h, done: event_target_checked(&ev) }); }/>
                                                    {d.door.clone()}" "{d.head.clone()}
                                                </label></li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                </div>
                            }
                        }).collect_view().into_any()
                    }}
                }
            }}
            <ErrorLine error/>
            {move || group.get().manage.then(|| view! {
                <form class="form" data-testid="task-form" on:submit=send>
                    <label><span>{tr(Gr::TaskTitle)}</span><input bind:value=title maxlength="60" data-testid="task-title"/></label>
                    <label><span>{tr(Gr::TaskBody)}</span><textarea bind:value=body maxlength="500" rows="2"></textarea></label>
                    <label><span>{tr(Gr::Due)}</span><input type="date" bind:value=due/></label>
                    <button type="submit" class="primary" data-testid="task-push" disabled=move || push.pending().get()>{tr(Gr::Push)}</button>
                </form>
            })}
        </section>
    }
}

#[component]
fn NewGroupForm(page: HouseholdsPage, reload: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let create = ServerAction::<CreateHouseholdGroup>::new();
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            reload.update(|v| *v += 1);
        }
    });
    let grid = RwSignal::new(page.grids.first().map(|g| g.0.clone()).unwrap_or_default());
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new(GroupKind::Households.as_str().to_string());
    let leader = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let picked = RwSignal::new(Vec::<i64>::new());
    let hits = page.hits.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(CreateHouseholdGroup {
            group: NewGroup {
                grid: grid.get_untracked(),
                name: name.get_untracked(),
                kind: GroupKind::parse(&kind.get_untracked()).unwrap_or(GroupKind::Households),
                leader_name: leader.get_untracked(),
                leader_phone: phone.get_untracked().trim().to_string(),
                households: picked.get_untracked(),
            },
        });
    };
    view! {
        <details class="card">
            <summary>{tr(Gr::New)}</summary>
            <form class="form" on:submit=submit>
                <label><span>{T::Area.get(lang.get_untracked())}</span>
                    <select bind:value=grid>
                        {page.grids.iter().map(|(c, n)| view! { <option value=c.clone()>{n.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label><span>{tr(Gr::Name)}</span><input bind:value=name maxlength="30" placeholder="3号楼联户组"/></label>
                <label><span>{tr(Gr::Kind)}</span>
                    <select bind:value=kind>
                        {[GroupKind::Households, GroupKind::Shops].into_iter().map(|k| view! { <option value=k.as_str()>{move || k.label(lang.get())}</option> }).collect_view()}
                    </select>
                </label>
                <label><span>{tr(Gr::LeaderName)}</span><input bind:value=leader maxlength="30"/></label>
                <label><span>{tr(Gr::LeaderPhone)}</span><input type="tel" inputmode="numeric" maxlength="11" bind:value=phone/></label>
                <fieldset><legend>{tr(Gr::Pick)}</legend>
                    {hits.iter().map(|h| {
                        let id = h.id;
                        let grid_of = h.grid_code.clone();
                        view! {
                            <label class="check" style:display=move || if grid.get() == grid_of { "" } else { "none" }>
                                <input type="checkbox" on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    picked.update(|p| { p.retain(|x| *x != id); if on { p.push(id); } });
                                }/>
                                {h.door.clone()}" "{h.head.clone()}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <ErrorLine error/>
                <button type="submit" class="primary" disabled=move || create.pending().get()>{tr(Gr::Create)}</button>
            </form>
        </details>
    }
}

/// 我的家庭: a resident's own household (masked as it is for everyone),
/// their correction requests, and the groups they lead (ticks only).
#[component]
pub fn OwnHome() -> impl IntoView {
    let lang = use_lang();
    let ask = ServerAction::<AskCorrection>::new();
    let mine = LocalResource::new(move || {
        ask.version().get();
        own_household()
    });
    let error = Signal::derive(move || ask.value().get().and_then(Result::err));
    let text = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(_)) = ask.value().get() {
            text.set(String::new());
        }
    });
    view! {
        <section class="cases my-home">
            <h1>{tr(Gr::MyHome)}</h1>
            {move || mine.get().map(|r| match r {
                Err(e) => view! { <p class="form-error" role="alert">{e.message(lang.get())}</p> }.into_any(),
                Ok(m) => view! {
                    {match m.household {
                        None => view! { <p class="muted" data-testid="no-home">{tr(Gr::NoHome)}</p> }.into_any(),
                        Some(h) => {
                            let housing = h.housing;
                            let tags = h.care_tags.clone().unwrap_or_default();
                            view! {
                                <section class="card" data-testid="own-household">
                                    <h2>{h.door()}</h2>
                                    <p class="muted">{h.grid_name.clone()}" · "{move || housing.label(lang.get())}
                                        {(!tags.is_empty()).then(|| view! { " · " {move || tags.iter().map(|t| t.label(lang.get())).collect::<Vec<_>>().join("、")} })}</p>
                                    <ul class="list">
                                        {h.members.iter().map(|m| {
                                            let r = m.relation;
                                            view! { <li>{m.name.clone()}" · "{move || r.label(lang.get())}
                                                {m.phone.clone().map(|p| view! { " · " <span class="tel">{p}</span> })}
                                                {m.id_number.clone().map(|p| view! { " · " <span class="tel">{p}</span> })}</li> }
                                        }).collect_view()}
                                    </ul>
                                    <form class="form" on:submit=move |ev| { ev.prevent_default(); ask.dispatch(AskCorrection { text: text.get_untracked() }); }>
                                        <label><span>{tr(Gr::AskFix)}</span>
                                            <textarea bind:value=text maxlength="500" rows="3" placeholder=move || Gr::FixText.get(lang.get()) data-testid="correction-text"></textarea>
                                        </label>
                                        <ErrorLine error/>
                                        <button type="submit" class="primary" disabled=move || ask.pending().get()>{tr(Gr::Send)}</button>
                                    </form>
                                </section>
                            }.into_any()
                        }
                    }}
                    {(!m.corrections.is_empty()).then(|| view! {
                        <ul class="list" data-testid="my-corrections">
                            {m.corrections.iter().map(|c| view! {
                                <li>{c.text.clone()}" · "<strong>{if c.done { tr(Gr::Handled)() } else { tr(Gr::Pending)() }}</strong></li>
                            }).collect_view()}
                        </ul>
                    })}
                    {(!m.groups.is_empty()).then(|| view! {
                        <h2>{tr(Gr::MyGroups)}</h2>
                        {m.groups.iter().cloned().map(|g| view! { <GroupCard g/> }).collect_view()}
                    })}
                }.into_any(),
            })}
        </section>
    }
}
