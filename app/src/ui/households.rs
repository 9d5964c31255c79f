//! 人房信息 (`/households`): for grid staff, an area's households — search
//! by name, phone or door, a household's card with its sensitive fields
//! masked until revealed (each reveal audited), the add/edit form, the
//! 联户组 with their tasks, residents' correction requests, and the sheet
//! import and export. For everyone else, their own household and the groups
//! they lead (`household_groups`).

use super::auth::{ErrorLine, SignInPrompt};
use super::household_groups::{Groups, OwnHome};
use super::i18n::{tr, use_lang, T};
use super::session::use_session;
use crate::api::households::{household, household_records, reveal_household, SaveHousehold};
use crate::domain::household::{
    CareTag, HouseholdInput, HouseholdView, HouseholdsPage, Housing, MemberInput, Relation,
};
#[allow(unused_imports)]
use crate::ui::i18n::Words as _;
use leptos::prelude::*;

// This page's own words: they load with its code (`i18n::Words`).
crate::ui::i18n::texts! { Hh {
    Title => "人房信息", "Household records";
    Total => "本范围住户", "Households here";
    SearchHint => "姓名、手机号开头或门牌（如 3号楼）", "Name, start of a phone, or door (e.g. 3号楼)";
    Add => "新增住户", "Add a household";
    Members => "人", "people";
    Matched => "匹配：", "Matched: ";
    NoHits => "没有找到住户。", "No household found.";
    Reveal => "显示敏感信息", "Show sensitive fields";
    RevealNote => "身份证号、电话和关爱标签默认隐藏；每次显示都会记入审计日志。", "ID numbers, phones and care tags are hidden; each time they are shown is written to the audit log.";
    Hidden => "已隐藏", "hidden";
    Edit => "编辑", "Edit";
    Account => "已关联居民账号", "Linked resident account";
    Group => "所属联户组", "Household group";
    Grid => "网格", "Grid";
    Building => "楼栋", "Building";
    Unit => "单元", "Unit";
    Room => "房号", "Room";
    Housing => "住房状况", "Housing";
    CareTags => "关爱标签", "Care tags";
    Name => "姓名", "Name";
    Relation => "与户主关系", "Relationship";
    Phone => "联系电话", "Phone";
    IdNumber => "身份证号（选填）", "ID number (optional)";
    AddMember => "添加成员", "Add a member";
    RemoveMember => "删除", "Remove";
    AccountPhone => "本户居民账号手机号（选填，居民可在“我的家庭”查看本户）", "Resident account's mobile (optional; they see this household under My household)";
    Save => "保存住户", "Save household";
    KeepHidden => "未显示的敏感信息保持不变。", "Hidden fields stay as they are.";
    TabRecords => "住户", "Households";
    TabGroups => "联户组", "Groups";
    TabCorrections => "更正申请", "Corrections";
    TabSheets => "导入导出", "Import / export";
    Handled => "已处理", "Handled";
    NoCorrections => "没有待处理的更正申请。", "No correction requests waiting.";
    Template => "下载导入模板", "Download the template";
    SheetHint => "每行一人，同一门牌为一户；有任何错误行则整个文件不导入，并列出行号。", "One person a row, one door one household; a file with any bad row is not imported, and each bad row is listed.";
    Upload => "导入表格", "Import the sheet";
    Row => "第", "Row ";
    RowSuffix => "行：", ": ";
    MoreRows => "……更多错误行未列出。", "…more bad rows not listed.";
    Imported => "已导入", "Imported";
    Households => "户", "households";
    Export => "导出本范围（敏感信息已隐藏）", "Export this area (sensitive fields masked)";
    ExportRows => "已导出", "Exported";
    Download => "下载", "Download";
    ReadOnly => "网格指导员只能查看。", "Instructors may only read.";
} }

/// Whether the session's user is staff of some place (they keep records).
fn is_place_staff() -> bool {
    use_session()
        .current()
        .is_some_and(|u| u.grants.iter().any(|g| g.role.is_place_staff()))
}

#[component]
pub fn HouseholdsPage() -> impl IntoView {
    let session = use_session();
    view! {
        <div class="session-view">
            {move || match session.current() {
                None => view! { <SignInPrompt/> }.into_any(),
                Some(_) if is_place_staff() => view! { <Records/> }.into_any(),
                Some(_) => view! { <OwnHome/> }.into_any(),
            }}
        </div>
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Records,
    Groups,
    Corrections,
    Sheets,
}

#[component]
fn Records() -> impl IntoView {
    let lang = use_lang();
    let area = RwSignal::new(None::<String>);
    let query = RwSignal::new(String::new());
    let typed = RwSignal::new(String::new());
    let reload = RwSignal::new(0u32);
    // The page (counts, groups, requests) loads once per area; a search
    // asks for its hits alone.
    let page = LocalResource::new(move || {
        reload.track();
        household_records(area.get(), String::new())
    });
    let tab = RwSignal::new(Tab::Records);
    let open = RwSignal::new(None::<i64>);
    let adding = RwSignal::new(false);
    let tab_button = move |t: Tab, label: Hh, id: &'static str| {
        view! {
            <button type="button" role="tab" data-testid=id
                class=move || if tab.get() == t { "tab active" } else { "tab" }
                aria-selected=move || (tab.get() == t).to_string()
                on:click=move |_| tab.set(t)>{tr(label)}</button>
        }
    };
    view! {
        <section class="cases households">
            <h1>{tr(Hh::Title)}</h1>
            {move || page.get().map(|r| match r {
                Err(e) => view! { <p class="form-error" role="alert">{e.message(lang.get())}</p> }.into_any(),
                Ok(p) => {
                    let current = p.area.clone();
                    let editable = p.editable;
                    let page = StoredValue::new(p.clone());
                    view! {
                        <label class="actions"><span>{tr(T::Area)}</span>
                            <select data-testid="households-area" on:change=move |ev| { open.set(None); area.set(Some(event_target_value(&ev))); }>
                                {p.areas.iter().map(|(c, n)| view! { <option value=c.clone() selected=*c == current>{n.clone()}</option> }).collect_view()}
                            </select>
                        </label>
                        <p class="muted">{tr(Hh::Total)}": "<strong data-testid="households-total">{p.total.unwrap_or_default()}</strong>
                            {(!editable).then(|| view! { " · " {tr(Hh::ReadOnly)} })}</p>
                        <div class="tabs" role="tablist">
                            {tab_button(Tab::Records, Hh::TabRecords, "tab-records")}
                            {tab_button(Tab::Groups, Hh::TabGroups, "tab-groups")}
                            {tab_button(Tab::Corrections, Hh::TabCorrections, "tab-corrections")}
                            {tab_button(Tab::Sheets, Hh::TabSheets, "tab-sheets")}
                        </div>
                        {move || match tab.get() {
                            Tab::Records => view! { <RecordList page=page.get_value() area typed query open adding reload/> }.into_any(),
                            Tab::Groups => view! { <Groups page=page.get_value() reload/> }.into_any(),
                            Tab::Corrections => view! { <Corrections page=page.get_value() reload/> }.into_any(),
                            Tab::Sheets => view! { <Sheets page=page.get_value() reload/> }.into_any(),
                        }}
                    }.into_any()
                }
            })}
        </section>
    }
}

#[component]
fn RecordList(
    page: HouseholdsPage,
    area: RwSignal<Option<String>>,
    typed: RwSignal<String>,
    query: RwSignal<String>,
    open: RwSignal<Option<i64>>,
    adding: RwSignal<bool>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let lang = use_lang();
    let grids = page.grids.clone();
    let editable = page.editable;
    let first = StoredValue::new(page.hits.clone());
    let search = LocalResource::new(move || {
        let (a, q) = (area.get(), query.get());
        reload.track();
        async move {
            match q.is_empty() {
                true => None,
                false => Some(household_records(a, q).await),
            }
        }
    });
    let hits = move || match search.get().flatten() {
        Some(Ok(p)) => Ok(p.hits),
        Some(Err(e)) => Err(e),
        None => Ok(first.get_value()),
    };
    view! {
        <form class="search" role="search" on:submit=move |ev| { ev.prevent_default(); open.set(None); query.set(typed.get_untracked().trim().to_string()); }>
            <input type="search" bind:value=typed data-testid="households-search"
                placeholder=move || Hh::SearchHint.get(lang.get()) aria-label=move || Hh::SearchHint.get(lang.get())/>
            <button type="submit">{tr(T::Search)}</button>
        </form>
        {editable.then(|| view! {
            <p><button type="button" class="primary" data-testid="household-add" on:click=move |_| { open.set(None); adding.set(true); }>{tr(Hh::Add)}</button></p>
        })}
        {move || adding.get().then(|| {
            let grids = grids.clone();
            view! { <HouseholdForm grids existing=None done=Callback::new(move |id: i64| { adding.set(false); reload.update(|v| *v += 1); open.set(Some(id)); })/> }
        })}
        {move || open.get().map(|id| view! { <HouseholdCard id grids=page.grids.clone() reload/> })}
        {move || match hits() {
            Err(e) => view! { <p class="form-error" role="alert">{e.message(lang.get())}</p> }.into_any(),
            Ok(list) if list.is_empty() => view! { <p class="muted">{tr(Hh::NoHits)}</p> }.into_any(),
            Ok(list) => view! {
                <ul class="list households-list" data-testid="household-hits">
                    {list.iter().map(|h| {
                        let id = h.id;
                        let housing = h.housing;
                        view! {
                            <li data-household=id>
                                <button type="button" class="link" on:click=move |_| { adding.set(false); open.set(Some(id)); }>
                                    <strong>{h.door.clone()}</strong>" "{h.head.clone()}
                                </button>
                                <small class="muted">" · "{h.members}{tr(Hh::Members)}" · "{move || housing.label(lang.get())}
                                    {h.matched.clone().map(|m| view! { " · " {tr(Hh::Matched)} {m} })}
                                </small>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}

/// A household's card: masked until "显示敏感信息" (audited on the server).
#[component]
fn HouseholdCard(id: i64, grids: Vec<(String, String)>, reload: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let shown = RwSignal::new(None::<Result<HouseholdView, crate::domain::error::AppError>>);
    let editing = RwSignal::new(false);
    let load = move |reveal: bool| {
        leptos::task::spawn_local(async move {
            let v = if reveal {
                reveal_household(id).await
            } else {
                household(id).await
            };
            let _ = shown.try_set(Some(v));
        });
    };
    load(false);
    let grids = StoredValue::new(grids);
    view! {
        <section class="card" data-testid="household-card">
            {move || shown.get().map(|r| match r {
                Err(e) => view! { <p class="form-error" role="alert">{e.message(lang.get())}</p> }.into_any(),
                Ok(h) if editing.get() => {
                    let existing = Some(h.clone());
                    view! { <HouseholdForm grids=grids.get_value() existing done=Callback::new(move |_| { editing.set(false); reload.update(|v| *v += 1); load(false); })/> }.into_any()
                }
                Ok(h) => {
                    let housing = h.housing;
                    let tags = h.care_tags.clone();
                    view! {
                        <h2>{h.door()}</h2>
                        <p class="muted">{tr(Hh::Grid)}": "{h.grid_name.clone()}" · "{move || housing.label(lang.get())}
                            {h.group.clone().map(|(_, n)| view! { " · " {tr(Hh::Group)} ": " {n} })}
                            {h.account.clone().map(|a| view! { " · " {tr(Hh::Account)} " " {a} })}
                        </p>
                        <p data-testid="household-tags">{tr(Hh::CareTags)}": "
                            {match tags {
                                Some(t) if t.is_empty() => "—".to_string().into_any(),
                                Some(t) => view! { {move || t.iter().map(|x| x.label(lang.get())).collect::<Vec<_>>().join("、")} }.into_any(),
                                None => view! { {tr(Hh::Hidden)} }.into_any(),
                            }}
                        </p>
                        <table class="table members" data-testid="household-members">
                            <thead><tr><th>{tr(Hh::Name)}</th><th>{tr(Hh::Relation)}</th><th>{tr(Hh::Phone)}</th><th>{tr(Hh::IdNumber)}</th></tr></thead>
                            <tbody>
                                {h.members.iter().map(|m| {
                                    let r = m.relation;
                                    view! { <tr>
                                        <td>{m.name.clone()}</td>
                                        <td>{move || r.label(lang.get())}</td>
                                        <td class="tel">{m.phone.clone().unwrap_or_default()}</td>
                                        <td class="tel">{m.id_number.clone().unwrap_or_default()}</td>
                                    </tr> }
                                }).collect_view()}
                            </tbody>
                        </table>
                        <div class="row">
                            {(!h.revealed).then(|| view! {
                                <button type="button" data-testid="household-reveal" on:click=move |_| load(true)>{tr(Hh::Reveal)}</button>
                            })}
                            {h.editable.then(|| view! {
                                <button type="button" class="secondary" data-testid="household-edit" on:click=move |_| editing.set(true)>{tr(Hh::Edit)}</button>
                            })}
                        </div>
                        <p class="muted small">{tr(Hh::RevealNote)}</p>
                    }.into_any()
                }
            })}
        </section>
    }
}

/// One member row of the form.
#[derive(Clone, Copy)]
struct MemberRow {
    key: usize,
    id: Option<i64>,
    name: RwSignal<String>,
    relation: RwSignal<String>,
    phone: RwSignal<String>,
    id_number: RwSignal<String>,
}

impl MemberRow {
    fn new(key: usize, m: MemberInput) -> MemberRow {
        MemberRow {
            key,
            id: m.id,
            name: RwSignal::new(m.name),
            relation: RwSignal::new(m.relation.unwrap_or(Relation::Head).as_str().to_string()),
            phone: RwSignal::new(m.phone),
            id_number: RwSignal::new(m.id_number),
        }
    }

    fn input(&self) -> MemberInput {
        MemberInput {
            id: self.id,
            name: self.name.get_untracked(),
            relation: Relation::parse(&self.relation.get_untracked()),
            phone: self.phone.get_untracked().trim().to_string(),
            id_number: self.id_number.get_untracked().trim().to_string(),
        }
    }
}

/// Adding a household, or editing one (`existing`, masked unless revealed:
/// masked fields and hidden tags stay as stored).
#[component]
fn HouseholdForm(
    grids: Vec<(String, String)>,
    existing: Option<HouseholdView>,
    done: Callback<i64>,
) -> impl IntoView {
    let lang = use_lang();
    let save = ServerAction::<SaveHousehold>::new();
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(h)) = save.value().get() {
            done.run(h.id);
        }
    });
    let e = existing.clone();
    let id = e.as_ref().map(|h| h.id);
    let updated_at = e.as_ref().map(|h| h.updated_at);
    let grid = RwSignal::new(
        e.as_ref()
            .map(|h| h.grid_code.clone())
            .or_else(|| grids.first().map(|g| g.0.clone()))
            .unwrap_or_default(),
    );
    let building = RwSignal::new(e.as_ref().map(|h| h.building.clone()).unwrap_or_default());
    let unit = RwSignal::new(e.as_ref().map(|h| h.unit.clone()).unwrap_or_default());
    let room = RwSignal::new(e.as_ref().map(|h| h.room.clone()).unwrap_or_default());
    let housing = RwSignal::new(
        e.as_ref()
            .map(|h| h.housing)
            .unwrap_or(Housing::OwnerOccupied)
            .as_str()
            .to_string(),
    );
    // Hidden tags are kept unless the editor revealed them (then they edit them).
    let tags_known = e.as_ref().is_none_or(|h| h.care_tags.is_some());
    let tags = RwSignal::new(
        e.as_ref()
            .and_then(|h| h.care_tags.clone())
            .unwrap_or_default(),
    );
    let account = RwSignal::new(
        e.as_ref()
            .and_then(|h| h.account.clone())
            .unwrap_or_default(),
    );
    let next = StoredValue::new(0usize);
    let fresh = move |m: MemberInput| {
        let k = next.get_value();
        next.set_value(k + 1);
        MemberRow::new(k, m)
    };
    let members = RwSignal::new(match &e {
        Some(h) => h
            .members
            .iter()
            .map(|m| {
                fresh(MemberInput {
                    id: Some(m.id),
                    name: m.name.clone(),
                    relation: Some(m.relation),
                    phone: m.phone.clone().unwrap_or_default(),
                    id_number: m.id_number.clone().unwrap_or_default(),
                })
            })
            .collect::<Vec<_>>(),
        None => vec![fresh(MemberInput {
            relation: Some(Relation::Head),
            ..Default::default()
        })],
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveHousehold {
            household: HouseholdInput {
                id,
                grid: grid.get_untracked(),
                building: building.get_untracked(),
                unit: unit.get_untracked(),
                room: room.get_untracked(),
                housing: Housing::parse(&housing.get_untracked()).unwrap_or(Housing::OwnerOccupied),
                care_tags: tags_known.then(|| tags.get_untracked()),
                members: members
                    .get_untracked()
                    .iter()
                    .map(MemberRow::input)
                    .collect(),
                account_phone: account.get_untracked().trim().to_string(),
                updated_at,
            },
        });
    };
    view! {
        <form class="form card" data-testid="household-form" on:submit=submit>
            <label><span>{tr(Hh::Grid)}</span>
                <select bind:value=grid data-testid="household-grid">
                    {grids.iter().map(|(c, n)| view! { <option value=c.clone()>{n.clone()}" "{c.clone()}</option> }).collect_view()}
                </select>
            </label>
            <div class="row">
                <label><span>{tr(Hh::Building)}</span><input bind:value=building maxlength="30" placeholder="3号楼" data-testid="household-building"/></label>
                <label><span>{tr(Hh::Unit)}</span><input bind:value=unit maxlength="10" placeholder="2单元" data-testid="household-unit"/></label>
                <label><span>{tr(Hh::Room)}</span><input bind:value=room maxlength="10" placeholder="501" data-testid="household-room"/></label>
            </div>
            <label><span>{tr(Hh::Housing)}</span>
                <select bind:value=housing data-testid="household-housing">
                    {Housing::ALL.into_iter().map(|h| view! { <option value=h.as_str()>{move || h.label(lang.get())}</option> }).collect_view()}
                </select>
            </label>
            {if tags_known {
                view! {
                    <fieldset class="tags"><legend>{tr(Hh::CareTags)}</legend>
                        {CareTag::ALL.into_iter().map(|t| view! {
                            <label class="check">
                                <input type="checkbox" data-tag=t.as_str()
                                    prop:checked=move || tags.with(|x| x.contains(&t))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        tags.update(|x| { x.retain(|y| *y != t); if on { x.push(t); } });
                                    }/>
                                {move || t.label(lang.get())}
                            </label>
                        }).collect_view()}
                    </fieldset>
                }.into_any()
            } else {
                view! { <p class="muted small">{tr(Hh::KeepHidden)}</p> }.into_any()
            }}
            <For each=move || members.get() key=|m| m.key let:m>
                <fieldset class="member" data-testid="household-member">
                    <div class="row">
                        <label><span>{tr(Hh::Name)}</span><input bind:value=m.name maxlength="30" data-testid="member-name"/></label>
                        <label><span>{tr(Hh::Relation)}</span>
                            <select bind:value=m.relation data-testid="member-relation">
                                {Relation::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{move || r.label(lang.get())}</option> }).collect_view()}
                            </select>
                        </label>
                    </div>
                    <div class="row">
                        <label><span>{tr(Hh::Phone)}</span><input type="tel" bind:value=m.phone maxlength="13" data-testid="member-phone"/></label>
                        <label><span>{tr(Hh::IdNumber)}</span><input bind:value=m.id_number maxlength="18" autocomplete="off" data-testid="member-id"/></label>
                        <button type="button" class="secondary" on:click=move |_| members.update(|v| v.retain(|x| x.key != m.key))>{tr(Hh::RemoveMember)}</button>
                    </div>
                </fieldset>
            </For>
            <p><button type="button" class="secondary" data-testid="member-add"
                on:click=move |_| { let r = fresh(MemberInput { relation: Some(Relation::Spouse), ..Default::default() }); members.update(|v| v.push(r)); }>{tr(Hh::AddMember)}</button></p>
            <label><span>{tr(Hh::AccountPhone)}</span><input type="tel" inputmode="numeric" maxlength="11" bind:value=account/></label>
            <ErrorLine error/>
            <button type="submit" class="primary" data-testid="household-save" disabled=move || save.pending().get()>
                {move || if save.pending().get() { tr(T::Working)() } else { tr(Hh::Save)() }}
            </button>
        </form>
    }
}

#[component]
fn Corrections(page: HouseholdsPage, reload: RwSignal<u32>) -> impl IntoView {
    use crate::api::households::CloseCorrection;
    let close = ServerAction::<CloseCorrection>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = close.value().get() {
            reload.update(|v| *v += 1);
        }
    });
    let error = Signal::derive(move || close.value().get().and_then(Result::err));
    let editable = page.editable;
    view! {
        <ErrorLine error/>
        {if page.corrections.is_empty() {
            view! { <p class="muted">{tr(Hh::NoCorrections)}</p> }.into_any()
        } else {
            view! {
                <ul class="list" data-testid="corrections">
                    {page.corrections.iter().map(|c| {
                        let id = c.id;
                        view! {
                            <li>
                                <strong>{c.door.clone()}</strong>" · "{c.by.clone()}
                                <p>{c.text.clone()}</p>
                                {editable.then(|| view! {
                                    <button type="button" on:click=move |_| { close.dispatch(CloseCorrection { id }); }>{tr(Hh::Handled)}</button>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

/// The import (template, upload, progress, bad rows) and the export.
#[component]
fn Sheets(page: HouseholdsPage, reload: RwSignal<u32>) -> impl IntoView {
    use crate::api::households::import_progress;
    use crate::domain::household::{ImportStage, ImportStatus};
    let lang = use_lang();
    let area = StoredValue::new(page.area.clone());
    let file = NodeRef::<leptos::html::Input>::new();
    let job = RwSignal::new(None::<ImportStatus>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let upload = move |_| {
        let files = super::photos::picked(file);
        let Some(f) = files.into_iter().next() else {
            error.set(Some(
                crate::domain::error::AppError::invalid(
                    crate::domain::error::Field::File,
                    crate::domain::error::InputProblem::Required,
                )
                .message(lang.get_untracked()),
            ));
            return;
        };
        busy.set(true);
        error.set(None);
        job.set(None);
        let url = format!("/api/v1/households/import?area={}", area.get_value());
        leptos::task::spawn_local(async move {
            #[cfg(feature = "hydrate")]
            let sent = super::photos::post_file(&url, f).await;
            #[cfg(not(feature = "hydrate"))]
            let sent: Result<String, super::photos::UploadError> = {
                let _ = (url, f);
                Ok(String::new())
            };
            let mut status = match sent {
                Ok(text) => serde_json::from_slice::<ImportStatus>(text.as_bytes()).ok(),
                Err(e) => {
                    let _ = error.try_set(Some(e.message));
                    None
                }
            };
            // The job goes on in the background: its stage, twice a second.
            while let Some(s) = status.clone() {
                if job.try_set(Some(s.clone())).is_some() {
                    break; // the page is gone
                }
                if s.stage.finished() {
                    if s.stage == ImportStage::Done {
                        let _ = reload.try_update(|v| *v += 1);
                    }
                    break;
                }
                #[cfg(feature = "hydrate")]
                gloo_timers::future::sleep(std::time::Duration::from_millis(500)).await;
                status = match import_progress(s.id.clone()).await {
                    Ok(s) => Some(s),
                    Err(e) => {
                        let _ = error.try_set(Some(e.message(lang.get_untracked())));
                        None
                    }
                };
            }
            let _ = busy.try_set(false);
        });
    };
    view! {
        <section class="card" data-testid="sheets">
            <p class="muted small">{tr(Hh::SheetHint)}</p>
            <p><a href="/api/v1/households/template.xlsx" rel="external" download data-testid="template">{tr(Hh::Template)}</a></p>
            {page.editable.then(|| view! {
                <div class="row">
                    <input type="file" node_ref=file accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" data-testid="sheet-file"/>
                    <button type="button" class="primary" disabled=move || busy.get() on:click=upload data-testid="sheet-upload">{tr(Hh::Upload)}</button>
                </div>
            })}
            {move || job.get().map(|s| {
                let stage = s.stage;
                view! {
                    <div role="status" data-testid="import-status" data-stage=format!("{stage:?}").to_lowercase()>
                        <p><strong>{move || stage.label(lang.get())}</strong>
                            {(!stage.finished()).then(|| format!(" {} / {}", s.done, s.total))}
                            {(stage == ImportStage::Done).then(|| view! { " · " {tr(Hh::Imported)} " " {s.households} " " {tr(Hh::Households)} })}
                        </p>
                        <ul class="form-error">
                            {s.problems.iter().map(|p| {
                                let msg = crate::domain::error::AppError::invalid(p.field, p.problem);
                                let row = p.row;
                                view! { <li>{(row > 0).then(|| view! { {tr(Hh::Row)}{row}{tr(Hh::RowSuffix)} })}{move || msg.message(lang.get())}</li> }
                            }).collect_view()}
                        </ul>
                        {s.more_problems.then(|| view! { <p class="form-error">{tr(Hh::MoreRows)}</p> })}
                    </div>
                }
            })}
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <ExportLink area=page.area.clone()/>
        </section>
    }
}

/// The area's records as a sheet, sensitive fields masked (audited).
#[component]
fn ExportLink(area: String) -> impl IntoView {
    use crate::api::assessment::{export_status, start_export};
    use crate::domain::assessment::DashboardAsk;
    use crate::domain::export::{ExportAsk, ExportFormat, ExportKind, ExportStatus};
    let lang = use_lang();
    let job = RwSignal::new(None::<ExportStatus>);
    let error = RwSignal::new(None::<String>);
    let area = StoredValue::new(area);
    let run = move |_| {
        error.set(None);
        job.set(None);
        leptos::task::spawn_local(async move {
            let mut answer = start_export(ExportAsk {
                kind: ExportKind::Households,
                format: ExportFormat::Xlsx,
                filters: DashboardAsk {
                    area: Some(area.get_value()),
                    ..Default::default()
                },
            })
            .await;
            while let Ok(s) = &answer {
                if job.try_set(Some(s.clone())).is_some() || s.url.is_some() || s.failed {
                    break;
                }
                #[cfg(feature = "hydrate")]
                gloo_timers::future::sleep(std::time::Duration::from_secs(1)).await;
                answer = export_status(s.id.clone()).await;
            }
            if let Err(e) = answer {
                let _ = error.try_set(Some(e.message(lang.get_untracked())));
            }
        });
    };
    view! {
        <p><button type="button" on:click=run data-testid="households-export">{tr(Hh::Export)}</button></p>
        {move || job.get().map(|s| view! {
            <p role="status">{tr(Hh::ExportRows)}" "{format!("{} / {}", s.rows_done, s.rows_total)}
                {s.url.clone().map(|u| view! { " " <a class="button primary" href=u download rel="external">{tr(Hh::Download)}</a> })}
            </p>
        })}
        {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
    }
}
