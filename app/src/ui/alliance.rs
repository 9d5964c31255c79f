//! 物业联盟 (`/alliance`, `/alliance/{id}`): the property companies with the
//! compounds they manage (public, never a contact), and a company's desk —
//! its open tasks overdue first and its figures for its own staff; its
//! record, compounds and staff accounts for the street keeping it.

use super::auth::{ErrorLine, SignInPrompt};
use super::form::{Checked, FieldError};
use super::i18n::{short_time, tr, use_lang};
use super::session::use_session;
use crate::api::alliance::{
    add_company_staff, alliance, assign_compound, desk_of_company, save_company,
};
use crate::domain::alliance::{CompanyDesk, CompanyForm, CompanyLine, NewCompanyStaff, TaskLine};
use crate::domain::case::CaseStatus;
use crate::domain::error::Field;
#[allow(unused_imports)]
use crate::ui::i18n::Words as _;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

crate::ui::i18n::texts! { Al {
    Title => "红色物业联盟", "Red-property alliance";
    Hint => "辖区物业公司及其管理的小区。联盟成员企业与社区、业委会共商共治，事件派到小区的物业公司处理。", "The property companies of the district and the compounds they manage. Alliance members govern together with the communities and owners' committees; cases in a compound go to its company.";
    Member => "联盟成员", "Alliance member";
    NotMember => "非联盟成员", "Not a member";
    Compounds => "管理小区", "Compounds";
    NoCompounds => "暂无小区", "No compounds";
    Desk => "工作台", "Desk";
    OwnDesk => "进入本公司工作台", "Open my company's desk";
    Empty => "暂无物业公司。", "No companies yet.";
    Add => "新增物业公司", "Add a company";
    Edit => "维护公司信息", "Edit the record";
    Name => "公司名称", "Company name";
    InAlliance => "加入红色物业联盟", "Member of the red-property alliance";
    PartyOrg => "党组织", "Party organisation";
    Contact => "联系人", "Contact";
    Phone => "联系电话", "Phone";
    Street => "所属街道", "Street";
    Save => "保存", "Save";
    Saved => "已保存。", "Saved.";
    Tasks => "待办任务（超期在前）", "Open tasks (overdue first)";
    NoTasks => "暂无待办任务。", "No open tasks.";
    Overdue => "已超期", "Overdue";
    Due => "时限", "Due";
    Open => "待办", "Open";
    OverdueN => "超期", "Overdue";
    OnTime => "按期办结率", "On time";
    AvgTime => "平均办理时长", "Average handling";
    Rating => "居民评价", "Residents' rating";
    Hours => "小时", "h";
    Rated => "条评价", "ratings";
    Handled => "已办结", "Handled";
    AssignTitle => "分配小区", "Give a compound";
    Assign => "划入本公司", "Give to this company";
    Remove => "移出", "Take away";
    RemoveAsk => "确定把这个小区移出本公司吗？此后该小区的事件不再派给本公司。", "Take this compound away from the company? Its cases will no longer go to it.";
    AssignPick => "选择要划入的小区", "Compound to give";
    PasswordHint => "8到64个字符；请告知本人首次登录后修改。", "8 to 64 characters; ask them to change it after signing in.";
    Staff => "公司账号", "Staff accounts";
    NoStaff => "暂无账号。", "No accounts yet.";
    AddStaff => "新增账号", "Add an account";
    StaffName => "姓名", "Name";
    StaffPhone => "手机号", "Mobile";
    Password => "初始密码", "Initial password";
    Back => "全部物业公司", "All companies";
    Choose => "请选择", "Choose";
    Nobody => "无物业", "none";
}}

#[component]
pub fn AlliancePage() -> impl IntoView {
    let session = use_session();
    let reload = RwSignal::new(0u32);
    let view_ = crate::ui::resource::resource(move || reload.get(), |_| alliance());
    let lang = use_lang();
    view! {
        <section class="cases alliance">
            <h1>{tr(Al::Title)}</h1>
            <p class="hint">{tr(Al::Hint)}</p>
            <Suspense fallback=|| ()>
                {move || view_.get().map(|r| match r {
                    Err(e) => view! { <p class="form-error">{e.message(lang.get())}</p> }.into_any(),
                    Ok(v) => {
                        let keeper = !v.streets.is_empty();
                        let own = v.own;
                        view! {
                            {own.map(|id| view! { <p><A href=format!("/alliance/{id}") attr:class="button primary" attr:data-testid="own-desk">{tr(Al::OwnDesk)}</A></p> })}
                            {v.companies.is_empty().then(|| view! { <p class="notice">{tr(Al::Empty)}</p> })}
                            <ul class="case-list" data-testid="companies">
                                {v.companies.into_iter().map(|c| view! { <li><CompanyCard company=c link=keeper/></li> }).collect_view()}
                            </ul>
                            {keeper.then(|| view! { <CompanyEditor desk=None streets=v.streets.clone()/> })}
                        }.into_any()
                    }
                })}
            </Suspense>
            {move || session.current().is_none().then(|| view! { <SignInPrompt/> })}
        </section>
    }
}

#[component]
fn CompanyCard(company: CompanyLine, link: bool) -> impl IntoView {
    let head = view! {
        <span class="case-head">
            <span class="badge" data-alliance=company.alliance.to_string()>
                {if company.alliance { tr(Al::Member) } else { tr(Al::NotMember) }}
            </span>
            <strong>{company.name.clone()}</strong>
        </span>
    };
    let compounds = if company.compounds.is_empty() {
        tr(Al::NoCompounds).into_any()
    } else {
        company.compounds.join("、").into_any()
    };
    let details = view! {
        <span class="muted small">
            {company.party_org.clone().map(|p| view! { {tr(Al::PartyOrg)}"：" {p}" · " })}
            {company.street.clone().map(|s| view! { {s}" · " })}
            {tr(Al::Compounds)}"："{compounds}
        </span>
    };
    if link {
        view! { <A href=format!("/alliance/{}", company.id) attr:data-testid="company-line">{head}{details}</A> }.into_any()
    } else {
        view! { <div data-testid="company-line">{head}{details}</div> }.into_any()
    }
}

/// Adds a company (`desk` none) or edits the desk's record.
#[component]
fn CompanyEditor(
    desk: Option<CompanyDesk>,
    streets: Vec<(String, String)>,
    #[prop(optional)] saved: Option<RwSignal<Option<CompanyDesk>>>,
) -> impl IntoView {
    let navigate = use_navigate();
    let lang = use_lang();
    let editing = desk.is_some();
    let id = desk.as_ref().map(|d| d.company.id);
    let name = RwSignal::new(
        desk.as_ref()
            .map(|d| d.company.name.clone())
            .unwrap_or_default(),
    );
    let member = RwSignal::new(desk.as_ref().is_none_or(|d| d.company.alliance));
    let party = RwSignal::new(
        desk.as_ref()
            .and_then(|d| d.company.party_org.clone())
            .unwrap_or_default(),
    );
    let contact = RwSignal::new(
        desk.as_ref()
            .and_then(|d| d.contact_name.clone())
            .unwrap_or_default(),
    );
    let phone = RwSignal::new(
        desk.as_ref()
            .and_then(|d| d.contact_phone.clone())
            .unwrap_or_default(),
    );
    // The street shown first is the one the select shows: a keeper of one
    // street never has to pick it.
    let street = RwSignal::new(
        desk.as_ref()
            .and_then(|d| d.street_code.clone())
            .or_else(|| streets.first().map(|s| s.0.clone()))
            .unwrap_or_default(),
    );
    let draft = move || CompanyForm {
        id,
        name: name.get(),
        alliance: member.get(),
        party_org: party.get(),
        contact_name: contact.get(),
        contact_phone: phone.get(),
        street_code: street.get(),
    };
    let checked = Checked::new(move || draft().problems());
    let problems = checked.problems();
    let submit = Action::new(|f: &CompanyForm| save_company(f.clone()));
    let error = Signal::derive(move || submit.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(d)) = submit.value().get() {
            match saved {
                Some(s) => show_saved(s, d),
                None => navigate(&format!("/alliance/{}", d.company.id), Default::default()),
            }
        }
    });
    view! {
        <form class="form card" novalidate data-testid="company-form" on:submit=move |ev| {
            ev.prevent_default();
            if checked.passes() {
                submit.dispatch(untrack(draft));
            }
        }>
            <h2>{if editing { tr(Al::Edit) } else { tr(Al::Add) }}</h2>
            <label><span>{tr(Al::Name)}</span><input type="text" bind:value=name data-testid="company-name" maxlength="60"/></label>
            <FieldError problems field=Field::Name/>
            <label class="check"><input type="checkbox" bind:checked=member/><span>{tr(Al::InAlliance)}</span></label>
            <label><span>{tr(Al::PartyOrg)}</span><input type="text" bind:value=party/></label>
            <FieldError problems field=Field::PartyOrg/>
            <label><span>{tr(Al::Contact)}</span><input type="text" bind:value=contact/></label>
            <FieldError problems field=Field::ContactName/>
            <label><span>{tr(Al::Phone)}</span><input type="tel" inputmode="tel" bind:value=phone/></label>
            <FieldError problems field=Field::Phone/>
            <label><span>{tr(Al::Street)}</span>
                <select bind:value=street>
                    {streets.into_iter().map(|(c, n)| view! { <option value=c>{n}</option> }).collect_view()}
                </select>
            </label>
            <FieldError problems field=Field::Street/>
            <ErrorLine error/>
            <button type="submit" class="primary" disabled=move || submit.pending().get() data-testid="save-company">
                {move || Al::Save.get(lang.get())}
            </button>
        </form>
    }
}

/// A company's desk.
#[component]
pub fn CompanyPage() -> impl IntoView {
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
    // A step on the desk answers with the desk as it is now; the desk is
    // drawn again from it, so the word that it was saved lives out here.
    let fresh = RwSignal::new(None::<CompanyDesk>);
    let saved = RwSignal::new(false);
    provide_context(Saved(saved));
    let desk = crate::ui::resource::resource(id, desk_of_company);
    Effect::new(move |_| {
        if let Some(Ok(d)) = desk.get() {
            fresh.set(Some(d));
        }
    });
    view! {
        <section class="cases alliance">
            <p><A href="/alliance">{tr(Al::Back)}</A></p>
            {move || session.current().is_none().then(|| view! { <SignInPrompt/> })}
            <Suspense fallback=|| ()>
                {move || desk.get().and_then(Result::err).map(|e| view! { <p class="form-error">{e.message(lang.get())}</p> })}
                {move || saved.get().then(|| view! { <p class="notice" role="status" data-testid="desk-saved">{tr(Al::Saved)}</p> })}
                {move || fresh.get().map(|d| view! { <Desk desk=d fresh/> })}
            </Suspense>
        </section>
    }
}

/// Set when a step on the desk was saved.
#[derive(Clone, Copy)]
struct Saved(RwSignal<bool>);

/// Shows the desk as a step left it, with the word that it was saved.
fn show_saved(fresh: RwSignal<Option<CompanyDesk>>, desk: CompanyDesk) {
    if let Some(Saved(s)) = use_context::<Saved>() {
        s.set(true);
    }
    fresh.set(Some(desk));
}

#[component]
fn Desk(desk: CompanyDesk, fresh: RwSignal<Option<CompanyDesk>>) -> impl IntoView {
    let f = desk.figures;
    let percent = |x: Option<f64>| x.map_or("—".to_string(), |x| format!("{:.0}%", x * 100.0));
    let company = desk.company.clone();
    let whole = desk.clone();
    let lang = use_lang();
    let remove_error = RwSignal::new(None::<crate::domain::error::AppError>);
    view! {
        <h1 data-testid="company-title">{company.name.clone()}</h1>
        <p class="muted small">
            {if company.alliance { tr(Al::Member) } else { tr(Al::NotMember) }}
            {company.party_org.clone().map(|p| view! { " · "{tr(Al::PartyOrg)}"："{p} })}
            {desk.contact_name.clone().map(|c| view! { " · "{tr(Al::Contact)}"："{c} })}
            {desk.contact_phone.clone().map(|p| view! { " "<a href=format!("tel:{p}")>{p.clone()}</a> })}
        </p>
        <div class="cards" data-testid="company-figures">
            <div class="card stat"><span class="muted small">{tr(Al::Open)}</span><strong data-testid="company-open">{f.open}</strong>
                <span class="flag overdue">{tr(Al::OverdueN)}" "{f.overdue}</span></div>
            <div class="card stat"><span class="muted small">{tr(Al::Handled)}</span><strong>{f.resolved}</strong></div>
            <div class="card stat"><span class="muted small">{tr(Al::OnTime)}</span><strong data-testid="company-on-time">{percent(f.on_time_rate())}</strong></div>
            <div class="card stat"><span class="muted small">{tr(Al::AvgTime)}</span>
                <strong>{f.average_hours().map_or("—".to_string(), |h| format!("{h:.1}"))}</strong><span class="muted small">{tr(Al::Hours)}</span></div>
            <div class="card stat"><span class="muted small">{tr(Al::Rating)}</span>
                <strong data-testid="company-rating">{f.rating().map_or("—".to_string(), |r| format!("{r:.1}"))}</strong>
                <span class="muted small">{f.rated}" "{tr(Al::Rated)}</span></div>
        </div>
        <h2>{tr(Al::Tasks)}</h2>
        {desk.tasks.is_empty().then(|| view! { <p class="notice">{tr(Al::NoTasks)}</p> })}
        <ul class="case-list" data-testid="company-tasks">
            {desk.tasks.into_iter().map(|t| view! { <li><Task task=t/></li> }).collect_view()}
        </ul>
        <h2>{tr(Al::Compounds)}</h2>
        <ul class="plain" data-testid="company-compounds">
            {desk.compounds.iter().map(|c| {
                let (cid, company_id) = (c.id, company.id);
                view! {
                    <li>{c.name.clone()}<span class="muted small">" · "{c.grid_name.clone()}</span>
                        {desk.may_keep.then(|| view! {
                            " "<button type="button" class="link" on:click=move |_| {
                                let ask = Al::RemoveAsk.get(lang.get_untracked());
                                if !window().confirm_with_message(ask).unwrap_or(false) {
                                    return;
                                }
                                leptos::task::spawn_local(async move {
                                    match assign_compound(company_id, cid, false).await {
                                        Ok(d) => show_saved(fresh, d),
                                        Err(e) => remove_error.set(Some(e)),
                                    }
                                });
                            }>{tr(Al::Remove)}</button>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
        <ErrorLine error=remove_error/>
        {desk.may_keep.then(|| {
            let streets = desk.streets.clone();
            view! {
                <AssignForm company=company.id choices=desk.assignable.clone() fresh/>
                <StaffForm company=company.id staff=desk.staff.clone() fresh/>
                <CompanyEditor desk=Some(whole.clone()) streets saved=fresh/>
            }
        })}
    }
}

#[component]
fn Task(task: TaskLine) -> impl IntoView {
    let lang = use_lang();
    let status = CaseStatus::parse(&task.status);
    view! {
        <A href=format!("/case/{}", task.case_id) attr:data-testid="company-task" attr:data-overdue=task.overdue.to_string()>
            <span class="case-head">
                {task.overdue.then(|| view! { <span class="flag overdue">{tr(Al::Overdue)}</span> })}
                <strong>{task.category.clone()}</strong>
                {move || status.map(|s| view! { <span class="badge">{s.label(lang.get())}</span> })}
            </span>
            <span class="muted small">
                {task.summary.clone()}
                {task.due_at.map(|d| view! { " · "{tr(Al::Due)}" "{short_time(d)} })}
            </span>
        </A>
    }
}

#[component]
fn AssignForm(
    company: i64,
    choices: Vec<crate::domain::alliance::CompoundLine>,
    fresh: RwSignal<Option<CompanyDesk>>,
) -> impl IntoView {
    let lang = use_lang();
    let chosen = RwSignal::new(String::new());
    let submit = Action::new(move |c: &i64| assign_compound(company, *c, true));
    let error = Signal::derive(move || submit.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(d)) = submit.value().get() {
            show_saved(fresh, d);
        }
    });
    view! {
        <form class="form card" novalidate data-testid="assign-form" on:submit=move |ev| {
            ev.prevent_default();
            if let Ok(c) = chosen.get_untracked().parse::<i64>() {
                submit.dispatch(c);
            }
        }>
            <h2>{tr(Al::AssignTitle)}</h2>
            <label><span>{tr(Al::AssignPick)}</span>
                <select bind:value=chosen data-testid="assign-compound">
                    <option value="">{tr(Al::Choose)}</option>
                    {choices.into_iter().map(|c| {
                        let now = c.company.clone().unwrap_or_else(|| Al::Nobody.get(lang.get_untracked()).to_string());
                        view! { <option value=c.id.to_string()>{format!("{}（{}，{}）", c.name, c.grid_name, now)}</option> }
                    }).collect_view()}
                </select>
            </label>
            <ErrorLine error/>
            <button type="submit" disabled=move || submit.pending().get() || chosen.get().is_empty()>{tr(Al::Assign)}</button>
        </form>
    }
}

#[component]
fn StaffForm(
    company: i64,
    staff: Vec<crate::domain::alliance::StaffLine>,
    fresh: RwSignal<Option<CompanyDesk>>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let submit = Action::new(|s: &NewCompanyStaff| add_company_staff(s.clone()));
    let error = Signal::derive(move || submit.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(d)) = submit.value().get() {
            show_saved(fresh, d);
        }
    });
    view! {
        <form class="form card" novalidate data-testid="staff-form" on:submit=move |ev| {
            ev.prevent_default();
            submit.dispatch(NewCompanyStaff {
                company_id: company,
                phone: phone.get_untracked(),
                name: name.get_untracked(),
                password: password.get_untracked(),
            });
        }>
            <h2>{tr(Al::Staff)}</h2>
            {staff.is_empty().then(|| view! { <p class="muted small">{tr(Al::NoStaff)}</p> })}
            <ul class="plain">
                {staff.into_iter().map(|s| view! { <li>{s.name}" "<span class="muted small">{s.phone_masked}</span></li> }).collect_view()}
            </ul>
            <h3>{tr(Al::AddStaff)}</h3>
            <label><span>{tr(Al::StaffName)}</span><input type="text" bind:value=name autocomplete="off" maxlength="30"/></label>
            <label><span>{tr(Al::StaffPhone)}</span><input type="tel" inputmode="numeric" bind:value=phone autocomplete="off" maxlength="11"/></label>
            <label><span>{tr(Al::Password)}</span><input type="password" bind:value=password autocomplete="new-password" maxlength="64" aria-describedby="staff-password-hint"/></label>
            <p class="muted small" id="staff-password-hint">{tr(Al::PasswordHint)}</p>
            <ErrorLine error/>
            <button type="submit" disabled=move || submit.pending().get()>{tr(Al::AddStaff)}</button>
        </form>
    }
}
