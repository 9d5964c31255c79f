//! Admin tools: boundary import, staff accounts, rosters. The server checks
//! every call; this page only hides what the user cannot use.

use super::auth::ErrorLine;
use super::departments::DepartmentPanel;
use super::grid_page::position_label;
use super::i18n::{tr, use_lang, T};
use super::session::use_session;
use crate::api::geography::ImportGeography;
use crate::api::staff::{
    CreateStaffAccount, GridRoster, ListAccounts, RevokeRole, SetAccountDisabled,
};
use crate::domain::auth::{delegable_roles, Role};
use crate::domain::geography::StaffPosition;
use crate::domain::staff::NewStaffAccount;
#[allow(unused_imports)]
use crate::ui::i18n::Words as _;
use leptos::prelude::*;
use leptos_router::components::A;

// This page's own words: they load with its code (`i18n::Words`).
crate::ui::i18n::texts! { Ad {
    AccountsTitle => "查看工作人员", "Staff accounts";
    AcctDisable => "停用账号", "Disable account";
    AcctDisabledMark => "（已停用）", " (disabled)";
    AcctEnable => "启用账号", "Enable account";
    AcctRevokeRole => "撤销此角色", "Revoke this role";
    AddToRoster => "同时加入网格力量名单", "Also put on the grid roster";
    AdminOnly => "此页面需要管理员或社区、街道工作人员登录。", "This page needs an admin or community/street staff sign-in.";
    CalendarTitle => "节假日与调休", "Holidays and make-up working days";
    CategoriesTitle => "问题类别", "Case categories";
    CreateAccountTitle => "创建工作人员账号", "Create a staff account";
    CoverageLink => "网格覆盖检查（盲区与重叠）", "Grid coverage check (gaps and overlaps)";
    BoundariesLink => "网格边界调整（新建、拆分、合并、撤销）", "Grid boundaries (draw, split, merge, undo)";
    CreateButton => "创建", "Create";
    Created => "账号已创建。", "Account created.";
    DayNameHint => "名称，如 国庆节", "Name, e.g. National Day";
    DeadlinesTitle => "办理时限（工作日）", "Time limits (working days)";
    Holiday => "节假日", "Holiday";
    ImportButton => "导入", "Import";
    ImportGaps => "已导入，但这些社区仍有未被网格覆盖的盲区：", "Imported, but these communities still have area no grid covers: ";
    ImportHelp => "一个 FeatureCollection；每个要素带 level、code、name、parent，网格另带 kind。全部通过检查才会写入。", "One FeatureCollection; each feature has level, code, name, parent, and grids also kind. Nothing is written unless every feature passes.";
    ImportTitle => "导入网格边界（GeoJSON）", "Import boundaries (GeoJSON)";
    Imported => "导入成功：", "Imported: ";
    LimitCommunity => "社区/街道", "Community/street";
    LimitDepartment => "职能部门", "Department";
    LimitGrid => "网格", "Grid";
    ListButton => "查询", "List";
    MakeUpDay => "调休上班", "Make-up working day";
    NewTopCategory => "（新的大类）", "(new top category)";
    NormalDay => "恢复正常", "Ordinary day";
    Role => "角色", "Role";
    RostersLink => "网格力量配备（缺岗网格、人员调整）", "Grid staffing (missing positions, changes)";
    RosterTitle => "网格力量（内部）", "Grid roster (internal)";
    ScopeCode => "范围（网格/社区/街道编码，或单位/物业编号）", "Scope (grid/community/street code, or unit/company id)";
} }

#[component]
pub fn AdminPage() -> impl IntoView {
    let session = use_session();
    view! {
        <div class="session-view">
            {move || {
                let user = session.current();
                let staff = user.as_ref().is_some_and(|u| u.grants.iter().any(|g| g.role.is_place_staff()));
                if !staff {
                    return view! { <p class="notice">{tr(Ad::AdminOnly)}</p> }.into_any();
                }
                let sysadmin = user.as_ref().is_some_and(|u| u.has(Role::SystemAdmin));
                let edits_boundaries = sysadmin || user.as_ref().is_some_and(|u| u.has(Role::StreetAdmin));
                // The same rule the server applies to account creation: the
                // form offers only these roles, and is not shown without any.
                let roles = user.as_ref().map(|u| delegable_roles(&u.grants)).unwrap_or_default();
                let manages_accounts = !roles.is_empty();
                let audits = user
                    .as_ref()
                    .is_some_and(|u| crate::domain::policy::audit_scope(&u.grants).is_some());
                view! {
                    <div class="admin">
                        {audits.then(|| view! {
                            <p><A href="/audit" attr:data-testid="audit-link">{tr(T::AuditTitle)}</A></p>
                        })}
                        {manages_accounts.then(|| view! {
                            <p><A href="/coverage" attr:data-testid="coverage-link">{tr(Ad::CoverageLink)}</A></p>
                            {edits_boundaries.then(|| view! {
                                <p><A href="/boundaries" attr:data-testid="boundaries-link">{tr(Ad::BoundariesLink)}</A></p>
                            })}
                            <p><A href="/rosters" attr:data-testid="rosters-link">{tr(Ad::RostersLink)}</A></p>
                        })}
                        <Show when=move || sysadmin><ImportPanel/><DeadlinePanel/><CategoryPanel/><DepartmentPanel/><super::open311::Open311Panel/></Show>
                        {manages_accounts.then(|| view! {
                            <CreateAccountPanel roles=roles.clone()/>
                            <AccountsPanel/>
                        })}
                        <RosterPanel/>
                    </div>
                }.into_any()
            }}
        </div>
    }
}

#[component]
fn ImportPanel() -> impl IntoView {
    let import = ServerAction::<ImportGeography>::new();
    let lang = use_lang();
    let text = RwSignal::new(String::new());
    let error = Signal::derive(move || import.value().get().and_then(Result::err));
    let on_file = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let input: web_sys::HtmlInputElement = event_target(&ev);
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                leptos::task::spawn_local(async move {
                    if let Ok(v) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
                        text.set(v.as_string().unwrap_or_default());
                    }
                });
            }
            let _ = input.dyn_ref::<web_sys::HtmlInputElement>();
        }
        let _ = &ev;
    };
    view! {
        <section class="card">
            <h2>{tr(Ad::ImportTitle)}</h2>
            <p class="hint">{tr(Ad::ImportHelp)}</p>
            <input type="file" accept=".geojson,.json,application/geo+json" on:change=on_file/>
            <textarea rows="4" placeholder="{\"type\":\"FeatureCollection\",…}" bind:value=text></textarea>
            <button
                type="button"
                class="primary"
                disabled=move || import.pending().get() || text.with(String::is_empty)
                on:click=move |_| { import.dispatch(ImportGeography { geojson: text.get_untracked() }); }
            >
                {move || if import.pending().get() { tr(T::Working)() } else { tr(Ad::ImportButton)() }}
            </button>
            // The import's own words: which feature, what is wrong with it.
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.detail(lang.get())}</p> })}
            {move || import.value().get().and_then(Result::ok).map(|s| view! {
                <p class="ok">{tr(Ad::Imported)}{format!("{} / {} / {} / {}", s.districts, s.streets, s.communities, s.grids)}</p>
                // Gaps do not stop an import (a district comes in community by
                // community) but the admin must see them.
                {(!s.gaps.is_empty()).then(|| view! {
                    <p class="form-error" data-testid="import-gaps">{tr(Ad::ImportGaps)}
                        {s.gaps.iter().map(|g| format!("{}（{}）{:.1} m²", g.area_name, g.area, g.area_m2)).collect::<Vec<_>>().join("；")}
                        " "<A href="/coverage">{tr(Ad::CoverageLink)}</A>
                    </p>
                })}
            })}
        </section>
    }
}

/// The staff-account form, offering only `roles` (what the caller may
/// hand out; never empty when shown).
#[component]
fn CreateAccountPanel(roles: Vec<Role>) -> impl IntoView {
    let lang = use_lang();
    let create = ServerAction::<CreateStaffAccount>::new();
    let (phone, name, password, scope) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let first = roles
        .iter()
        .copied()
        .find(|r| *r == Role::GridWorker)
        .or_else(|| roles.first().copied())
        .unwrap_or(Role::GridWorker);
    let role = RwSignal::new(first.as_str().to_string());
    let position = RwSignal::new(String::new());
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(role) = Role::parse(&role.get_untracked()) else {
            return;
        };
        create.dispatch(CreateStaffAccount {
            account: NewStaffAccount {
                phone: phone.get_untracked(),
                name: name.get_untracked(),
                password: password.get_untracked(),
                role,
                scope: scope.get_untracked(),
                position: StaffPosition::parse(&position.get_untracked()),
            },
        });
    };
    view! {
        <section class="card">
            <h2>{tr(Ad::CreateAccountTitle)}</h2>
            <form class="form" on:submit=submit>
                <label><span>{tr(T::YourName)}</span><input bind:value=name maxlength="30"/></label>
                <label><span>{tr(T::MobileNumber)}</span><input type="tel" bind:value=phone maxlength="11"/></label>
                <label><span>{tr(T::Password)}</span><input type="password" bind:value=password autocomplete="new-password"/></label>
                <label><span>{tr(Ad::Role)}</span>
                    <select bind:value=role data-testid="new-account-role">
                        {roles.into_iter().map(|r| view! {
                            <option value=r.as_str()>{move || r.label(lang.get())}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label><span>{tr(Ad::ScopeCode)}</span><input bind:value=scope/></label>
                <label><span>{tr(Ad::AddToRoster)}</span>
                    <select bind:value=position>
                        <option value="">"—"</option>
                        {StaffPosition::ALL.into_iter().map(|p| view! {
                            <option value=p.as_str()>{move || position_label(p).get(lang.get())}</option>
                        }).collect_view()}
                    </select>
                </label>
                <ErrorLine error/>
                <Show when=move || matches!(create.value().get(), Some(Ok(())))><p class="ok">{tr(Ad::Created)}</p></Show>
                <button type="submit" class="primary" disabled=move || create.pending().get()>{tr(Ad::CreateButton)}</button>
            </form>
        </section>
    }
}

/// Accounts in a place, one line per role, with what the caller may do to
/// each: revoke that role, disable or enable the account. The server
/// decides the buttons (`may_revoke`, `may_disable`) with the rule it
/// enforces.
#[component]
fn AccountsPanel() -> impl IntoView {
    let lang = use_lang();
    let list = ServerAction::<ListAccounts>::new();
    let revoke = ServerAction::<RevokeRole>::new();
    let disable = ServerAction::<SetAccountDisabled>::new();
    let code = RwSignal::new(String::new());
    // After a change, list the same place again.
    Effect::new(move |_| {
        if matches!(revoke.value().get(), Some(Ok(())))
            || matches!(disable.value().get(), Some(Ok(())))
        {
            list.dispatch(ListAccounts {
                code: code.get_untracked(),
            });
        }
    });
    let error = Signal::derive(move || {
        list.value()
            .get()
            .and_then(Result::err)
            .or(revoke.value().get().and_then(Result::err))
            .or(disable.value().get().and_then(Result::err))
    });
    view! {
        <section class="card" data-testid="accounts">
            <h2>{tr(Ad::AccountsTitle)}</h2>
            <div class="row">
                <input bind:value=code placeholder="370103-001-001"/>
                <button type="button" on:click=move |_| { list.dispatch(ListAccounts { code: code.get_untracked() }); }>{tr(Ad::ListButton)}</button>
            </div>
            <ErrorLine error/>
            <ul class="accounts">
                {move || list.value().get().and_then(Result::ok).unwrap_or_default().into_iter().map(|a| {
                    let role = a.grant.role;
                    let grant = a.grant.clone();
                    let (user_id, disabled) = (a.user_id, a.disabled);
                    view! {
                        <li class:muted=disabled data-user=user_id.to_string()>
                            {a.name}" · "{a.phone_masked}" · "{move || role.label(lang.get())}
                            {disabled.then(|| view! { <span>{tr(Ad::AcctDisabledMark)}</span> })}
                            {a.may_revoke.then(|| view! {
                                <button type="button" class="small" disabled=move || revoke.pending().get() on:click=move |_| {
                                    revoke.dispatch(RevokeRole { user_id, grant: grant.clone() });
                                }>{tr(Ad::AcctRevokeRole)}</button>
                            })}
                            {a.may_disable.then(|| view! {
                                <button type="button" class="small" disabled=move || disable.pending().get() on:click=move |_| {
                                    disable.dispatch(SetAccountDisabled { user_id, disabled: !disabled });
                                }>{move || if disabled { tr(Ad::AcctEnable)() } else { tr(Ad::AcctDisable)() }}</button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn RosterPanel() -> impl IntoView {
    let lang = use_lang();
    let roster = ServerAction::<GridRoster>::new();
    let code = RwSignal::new(String::new());
    let error = Signal::derive(move || roster.value().get().and_then(Result::err));
    view! {
        <section class="card">
            <h2>{tr(Ad::RosterTitle)}</h2>
            <div class="row">
                <input bind:value=code placeholder="370103-001-001-01"/>
                <button type="button" on:click=move |_| { roster.dispatch(GridRoster { code: code.get_untracked() }); }>{tr(Ad::ListButton)}</button>
            </div>
            <ErrorLine error/>
            <ul class="staff">
                {move || roster.value().get().and_then(Result::ok).unwrap_or_default().into_iter().map(|s| {
                    let pos = position_label(s.position);
                    view! { <li><span class="pos">{move || pos.get(lang.get())}</span><span class="who">{s.name}</span><span class="tel">{s.phone}</span></li> }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn DeadlinePanel() -> impl IntoView {
    use crate::api::cases::{deadline_settings, SetCalendarDay, SetTimeLimits};
    use crate::domain::deadline::TimeLimits;
    let reload = RwSignal::new(0u32);
    let settings = crate::ui::resource::resource(move || reload.get(), |_| deadline_settings());
    let set_limits = ServerAction::<SetTimeLimits>::new();
    let set_day = ServerAction::<SetCalendarDay>::new();
    let (grid, community, department) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let (day, kind, name) = (
        RwSignal::new(String::new()),
        RwSignal::new("holiday".to_string()),
        RwSignal::new(String::new()),
    );
    Effect::new(move |_| {
        if let Some(Ok(s)) = settings.get() {
            grid.set(s.limits.grid.to_string());
            community.set(s.limits.community.to_string());
            department.set(s.limits.department.to_string());
        }
    });
    Effect::new(move |_| {
        if matches!(set_day.value().get(), Some(Ok(())))
            || matches!(set_limits.value().get(), Some(Ok(())))
        {
            reload.update(|v| *v += 1);
        }
    });
    let limits_error = Signal::derive(move || set_limits.value().get().and_then(Result::err));
    let day_error = Signal::derive(move || set_day.value().get().and_then(Result::err));
    let n = |s: RwSignal<String>| s.get_untracked().trim().parse().unwrap_or(0);
    view! {
        <section class="card">
            <h2>{tr(Ad::DeadlinesTitle)}</h2>
            <div class="row">
                <label>{tr(Ad::LimitGrid)}<input type="number" min="1" max="30" bind:value=grid/></label>
                <label>{tr(Ad::LimitCommunity)}<input type="number" min="1" max="30" bind:value=community/></label>
                <label>{tr(Ad::LimitDepartment)}<input type="number" min="1" max="30" bind:value=department/></label>
            </div>
            <button type="button" on:click=move |_| { set_limits.dispatch(SetTimeLimits { limits: TimeLimits { grid: n(grid), community: n(community), department: n(department) } }); }>
                {tr(T::Save)}
            </button>
            <ErrorLine error=limits_error/>
            <h3>{tr(Ad::CalendarTitle)}</h3>
            <div class="row">
                <input type="date" bind:value=day/>
                <select bind:value=kind>
                    <option value="holiday">{tr(Ad::Holiday)}</option>
                    <option value="workday">{tr(Ad::MakeUpDay)}</option>
                    <option value="normal">{tr(Ad::NormalDay)}</option>
                </select>
                <input bind:value=name maxlength="30" placeholder=tr(Ad::DayNameHint) aria-label=tr(Ad::DayNameHint)/>
                <button type="button" on:click=move |_| { set_day.dispatch(SetCalendarDay { day: day.get_untracked(), kind: kind.get_untracked(), name: name.get_untracked() }); }>{tr(T::Save)}</button>
            </div>
            <ErrorLine error=day_error/>
            // Inside a Transition: read outside one, the resource would be
            // fetched again in the browser instead of taken from the HTML.
            <ul class="days"><Transition fallback=|| ()>
                {move || settings.get().and_then(Result::ok).map(|s| s.days.into_iter().map(|d| view! {
                    <li>{d.day.to_string()}" · "{move || if d.workday { tr(Ad::MakeUpDay)() } else { tr(Ad::Holiday)() }}" "{d.name.clone()}</li>
                }).collect_view())}
            </Transition></ul>
        </section>
    }
}

/// The two-level case catalogue: add, rename, retire, bring back.
#[component]
fn CategoryPanel() -> impl IntoView {
    use crate::api::cases::{category_catalogue, AddCategory, EditCategory};
    let add = ServerAction::<AddCategory>::new();
    let edit = ServerAction::<EditCategory>::new();
    // Browser-only: this page already reads a resource on the server, and
    // several per page can stall Leptos' streaming (see session.rs).
    let list = LocalResource::new(move || {
        add.version().track();
        edit.version().track();
        category_catalogue()
    });
    let parent = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let error = Signal::derive(move || {
        add.value()
            .get()
            .and_then(|r| r.err())
            .or(edit.value().get().and_then(Result::err))
    });
    view! {
        <section class="card" data-testid="categories">
            <h2>{tr(Ad::CategoriesTitle)}</h2>
            <Transition fallback=|| ()>
                {move || list.get().and_then(Result::ok).map(|all| {
                    let tops: Vec<_> = all.iter().filter(|c| c.parent_id.is_none()).cloned().collect();
                    view! {
                        <div class="row">
                            <select bind:value=parent aria-label=tr(T::CategoryTop)>
                                <option value="">{tr(Ad::NewTopCategory)}</option>
                                {tops.iter().map(|t| view! { <option value=t.id.to_string()>{t.name.clone()}</option> }).collect_view()}
                            </select>
                            <input bind:value=name maxlength="20" aria-label=tr(T::CategorySub) data-testid="category-name"/>
                            <button type="button" on:click=move |_| {
                                add.dispatch(AddCategory { parent_id: parent.get_untracked().parse().ok(), name: name.get_untracked() });
                            }>{tr(T::Add)}</button>
                        </div>
                        <ul class="plain">
                            {tops.into_iter().map(|t| {
                                let items: Vec<_> = all.iter().filter(|c| c.parent_id == Some(t.id)).cloned().collect();
                                view! {
                                    <li>
                                        <CategoryLine entry=t edit/>
                                        <ul class="plain sub">
                                            {items.into_iter().map(|c| view! { <li><CategoryLine entry=c edit/></li> }).collect_view()}
                                        </ul>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }
                })}
            </Transition>
            <ErrorLine error/>
        </section>
    }
}

#[component]
fn CategoryLine(
    entry: crate::api::cases::CatalogueEntry,
    edit: ServerAction<crate::api::cases::EditCategory>,
) -> impl IntoView {
    use crate::api::cases::EditCategory;
    let name = RwSignal::new(entry.name.clone());
    let (id, active) = (entry.id, entry.active);
    view! {
        <span class="row" class:muted=!active>
            <input bind:value=name maxlength="20"/>
            <button type="button" on:click=move |_| {
                edit.dispatch(EditCategory { id, name: Some(name.get_untracked()), active: None });
            }>{tr(T::Save)}</button>
            <button type="button" on:click=move |_| {
                edit.dispatch(EditCategory { id, name: None, active: Some(!active) });
            }>{move || if active { tr(T::Retire)() } else { tr(T::Restore)() }}</button>
        </span>
    }
}
