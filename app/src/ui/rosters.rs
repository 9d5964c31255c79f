//! 网格力量 (`/rosters`): an admin's grids against the "1+1+N+X" (base) and
//! "1+X+Y" (dedicated) standard, those missing a position first, and each
//! grid's roster to edit: put someone on by their phone number, change a
//! position or duties, move someone to another grid, take someone off.

use super::auth::{ErrorLine, SignInPrompt};
use super::grid_page::position_label;
use super::i18n::{tr, use_lang, T};
use super::session::use_session;
use crate::api::staff::{grid_roster, roster_gaps, ChangeRoster};
use crate::domain::auth::Role;
use crate::domain::geography::{GridKind, StaffPosition};
use crate::domain::staff::{RosterChange, RosterEntry, MAX_DUTIES};
#[allow(unused_imports)]
use crate::ui::i18n::Words as _;
use leptos::prelude::*;

// This page's own words: they load with its code (`i18n::Words`).
crate::ui::i18n::texts! { Rs {
    Title => "网格力量配备", "Grid staffing";
    Hint => "居民区网格按“1+1+N+X”配备（1名网格长、1名专职网格员、若干兼职网格员和网格指导员），专属网格按“1+X+Y”（1名网格长、若干网格指导员和兼职网格员）。缺岗的网格排在前面。", "Base grids follow \"1+1+N+X\" (a leader, a full-time worker, part-time workers, instructors), dedicated grids \"1+X+Y\" (a leader, instructors, part-time workers). Grids missing a position come first.";
    Complete => "配备齐全", "Fully staffed";
    Counts => "长/专/兼/指", "L/F/P/I";
    Edit => "编辑", "Edit";
    RosterOf => "网格力量：", "Roster of ";
    Phone => "手机号（已注册的账号）", "Phone (a registered account)";
    Duties => "职责", "Duties";
    Position => "岗位", "Position";
    Add => "加入本网格", "Add to this grid";
    Save => "保存", "Save";
    Remove => "移出", "Remove";
    MoveTo => "调往网格（编码）", "Move to grid (code)";
    Move => "调往", "Move";
    Saved => "已保存。", "Saved.";
    AdminsOnly => "网格力量配备需要社区、街道或系统管理员账号。", "Staffing needs a community, street or system admin.";
    Empty => "该网格还没有人员。", "Nobody on this grid yet.";
} }

#[component]
pub fn RostersPage() -> impl IntoView {
    let session = use_session();
    view! {
        <div class="session-view">
            {move || match session.current() {
                None => view! { <SignInPrompt/> }.into_any(),
                Some(u) if u.grants.iter().any(|g| matches!(g.role, Role::CommunityAdmin | Role::StreetAdmin | Role::SystemAdmin)) => view! { <Rosters/> }.into_any(),
                Some(_) => view! { <p class="notice">{tr(Rs::AdminsOnly)}</p> }.into_any(),
            }}
        </div>
    }
}

fn position_select(value: RwSignal<String>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <select bind:value=value>
            {StaffPosition::ALL.into_iter().map(|p| {
                let label = position_label(p);
                view! { <option value=p.as_str()>{move || label.get(lang.get())}</option> }
            }).collect_view()}
        </select>
    }
}

#[component]
fn Rosters() -> impl IntoView {
    let lang = use_lang();
    let area = RwSignal::new(None::<String>);
    let reload = RwSignal::new(0u32);
    let report = LocalResource::new(move || {
        reload.track();
        roster_gaps(area.get())
    });
    let open_grid = RwSignal::new(None::<String>);
    view! {
        <section class="cases rosters">
            <h1>{tr(Rs::Title)}</h1>
            <p class="hint">{tr(Rs::Hint)}</p>
            {move || report.get().map(|r| match r {
                Err(e) => view! { <p class="form-error" role="alert">{e.message(lang.get())}</p> }.into_any(),
                Ok(r) => {
                    let current = r.scope.clone();
                    view! {
                        <label class="actions"><span>{tr(T::Area)}</span>
                            <select data-testid="rosters-area" on:change=move |ev| { open_grid.set(None); area.set(Some(event_target_value(&ev))); }>
                                {r.choices.iter().map(|(c, n)| view! { <option value=c.clone() selected=*c == current>{n.clone()}</option> }).collect_view()}
                            </select>
                        </label>
                        <table class="table staffing" data-testid="staffing">
                            <thead><tr><th>{tr(T::Code)}</th><th>{tr(Rs::Counts)}</th><th></th></tr></thead>
                            <tbody>
                                {r.grids.into_iter().map(|g| {
                                    let code = g.code.clone();
                                    let gaps = g.gaps.clone();
                                    let short = if gaps.is_empty() { "" } else { "short" };
                                    let kind = if g.kind == GridKind::Dedicated { "*" } else { "" };
                                    view! {
                                        <tr data-grid=g.code.clone() class=short>
                                            <td>{g.name.clone()}{kind}<br/><small>{g.code.clone()}</small></td>
                                            <td>{format!("{}/{}/{}/{}", g.counts[0], g.counts[1], g.counts[2], g.counts[3])}</td>
                                            <td>
                                                {if gaps.is_empty() {
                                                    view! { <span class="ok">{tr(Rs::Complete)}</span> }.into_any()
                                                } else {
                                                    view! { <span class="form-error">{move || gaps.iter().map(|x| x.label(lang.get())).collect::<Vec<_>>().join("、")}</span> }.into_any()
                                                }}
                                                " "<button type="button" class="secondary" on:click=move |_| open_grid.set(Some(code.clone()))>{tr(Rs::Edit)}</button>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }
            })}
            {move || open_grid.get().map(|code| view! { <RosterEditor code reload/> })}
        </section>
    }
}

#[component]
fn RosterEditor(code: String, reload: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let change = ServerAction::<ChangeRoster>::new();
    let grid = StoredValue::new(code.clone());
    let roster = LocalResource::new(move || {
        change.version().get();
        grid_roster(grid.get_value())
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = change.value().get() {
            reload.update(|v| *v += 1);
        }
    });
    let error = Signal::derive(move || change.value().get().and_then(Result::err));
    let phone = RwSignal::new(String::new());
    let position = RwSignal::new(StaffPosition::PartTime.as_str().to_string());
    let duties = RwSignal::new(String::new());
    let add = move |_| {
        change.dispatch(ChangeRoster {
            change: RosterChange::Set {
                grid: grid.get_value(),
                phone: phone.get_untracked().trim().to_string(),
                position: StaffPosition::parse(&position.get_untracked())
                    .unwrap_or(StaffPosition::PartTime),
                duties: duties.get_untracked(),
            },
        });
    };
    view! {
        <section class="card" data-testid="roster-editor">
            <h2>{tr(Rs::RosterOf)}{code.clone()}</h2>
            <ErrorLine error/>
            {move || matches!(change.value().get(), Some(Ok(_))).then(|| view! { <p class="ok" role="status">{tr(Rs::Saved)}</p> })}
            {move || roster.get().map(|r| match r {
                Err(e) => view! { <p class="form-error">{e.message(lang.get())}</p> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class="muted">{tr(Rs::Empty)}</p> }.into_any(),
                Ok(list) => view! {
                    <ul class="roster-edit">
                        {list.into_iter().map(|e| view! { <Entry e grid change/> }).collect_view()}
                    </ul>
                }.into_any(),
            })}
            <form class="form" on:submit=move |ev| { ev.prevent_default(); add(()); }>
                <label><span>{tr(Rs::Phone)}</span><input type="tel" inputmode="numeric" maxlength="11" bind:value=phone data-testid="roster-phone"/></label>
                <label><span>{tr(Rs::Position)}</span>{position_select(position)}</label>
                <label><span>{tr(Rs::Duties)}</span><input bind:value=duties maxlength=MAX_DUTIES/></label>
                <button type="submit" class="primary" disabled=move || change.pending().get()>{tr(Rs::Add)}</button>
            </form>
        </section>
    }
}

#[component]
fn Entry(
    e: RosterEntry,
    grid: StoredValue<String>,
    change: ServerAction<ChangeRoster>,
) -> impl IntoView {
    let lang = use_lang();
    let position = RwSignal::new(e.position.as_str().to_string());
    let duties = RwSignal::new(e.duties.clone());
    let to = RwSignal::new(String::new());
    let phone = StoredValue::new(e.phone.clone());
    let save = move |_| {
        change.dispatch(ChangeRoster {
            change: RosterChange::Set {
                grid: grid.get_value(),
                phone: phone.get_value(),
                position: StaffPosition::parse(&position.get_untracked())
                    .unwrap_or(StaffPosition::PartTime),
                duties: duties.get_untracked(),
            },
        });
    };
    let remove = move |_| {
        change.dispatch(ChangeRoster {
            change: RosterChange::Remove {
                grid: grid.get_value(),
                phone: phone.get_value(),
            },
        });
    };
    let relocate = move |_| {
        change.dispatch(ChangeRoster {
            change: RosterChange::Move {
                grid: grid.get_value(),
                phone: phone.get_value(),
                to: to.get_untracked(),
            },
        });
    };
    view! {
        <li data-phone=e.phone.clone()>
            <strong>{e.name.clone()}</strong>" "<span class="tel">{e.phone.clone()}</span>
            <div class="row">
                {position_select(position)}
                <input bind:value=duties maxlength=MAX_DUTIES aria-label=move || Rs::Duties.get(lang.get())/>
                <button type="button" on:click=save>{tr(Rs::Save)}</button>
                <button type="button" class="secondary" on:click=remove>{tr(Rs::Remove)}</button>
            </div>
            <div class="row">
                <input bind:value=to placeholder=move || Rs::MoveTo.get(lang.get())/>
                <button type="button" class="secondary" on:click=relocate>{tr(Rs::Move)}</button>
            </div>
        </li>
    }
}
