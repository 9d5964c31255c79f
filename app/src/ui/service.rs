//! The service side: dual reporting (双报到) and its reviews, the caller's
//! wish lists and service record, unit ledgers with export, volunteering
//! activities, and the three lists.

use super::auth::{ErrorLine, SignInPrompt};
use super::i18n::{short_time, tr, use_lang, T};
use super::session::use_session;
use super::wishes::{CommunitySelect, WishListView, WishRow};
use crate::api::service::*;
use crate::api::wishes::overdue_wish_claims;
use crate::domain::activity::{ActivityView, Attendance, NewActivity};
use crate::domain::auth::{Role, Scope};
use crate::domain::error::AppError;
use crate::domain::lists::{ProjectStatus, ServiceCategory};
use crate::domain::staff::CurrentUser;
use crate::domain::unit::{MemberView, NewUnit, Record, Review, UnitKind, UnitView};
use crate::domain::wish::{WishFilter, WishList};
#[allow(unused_imports)]
use crate::ui::i18n::Words as _;
use leptos::prelude::*;
use leptos_router::components::A;

// This page's own words: they load with its code (`i18n::Words`).
crate::ui::i18n::texts! { Sv {
    ActivityDesc => "活动内容", "What to do";
    ActivityPlace => "活动地点", "Place";
    ActivityTitle => "活动名称", "Title";
    AddNeed => "添加需求", "Add a need";
    AddProject => "创建项目", "Start a project";
    AddResource => "发布资源", "Offer a resource";
    Approve => "通过", "Approve";
    Attended => "已签到", "Attended";
    Attendees => "报名名单", "Sign-ups";
    Availability => "可提供时间", "When available";
    CancelSignUp => "取消报名", "Cancel";
    Capacity => "名额", "Places";
    CheckIn => "签到", "Check in";
    ChooseCommunity => "居住社区", "Community you live in";
    ChooseUnit => "所在单位", "Your unit";
    ContactName => "联系人", "Contact";
    ContactPhone => "联系电话", "Contact phone";
    Detail => "说明", "Details";
    EndsAt => "结束时间", "Ends";
    ExportCsv => "导出 CSV", "Export CSV";
    ExportXlsx => "导出 Excel", "Export Excel";
    HoursTotal => "服务时长", "Hours";
    Leaderboard => "积分榜", "Leaderboard";
    Ledger => "服务台账", "Service ledger";
    LinkNeeds => "关联需求", "Needs";
    LinkResources => "关联资源", "Resources";
    EditLinks => "编辑关联", "Edit links";
    Accept => "采纳", "Take up";
    Accepted => "已采纳，已纳入项目并通知单位。", "Taken up into the project; the unit is told.";
    CloseNeed => "已满足，关闭", "Met: close";
    NeedClosed => "已关闭", "Closed";
    CloseNeedAsk => "确定这项需求已经满足并关闭吗？关闭后不能重新打开。", "Close this need as met? It cannot be opened again.";
    MemberHint => "在职党员向居住地社区报到，审核通过后可认领心愿、参加志愿服务并获得积分。", "In-service party members report to the community they live in; once approved they can claim wishes, volunteer and earn points.";
    Members => "报到党员", "Members";
    Membership => "双报到", "Dual reporting";
    MyClaims => "我认领的", "My claims";
    MyRecord => "我的服务记录", "My service record";
    MyWishes => "我的心愿", "My wishes";
    NavWishes => "微心愿", "Wishes";
    Needs => "需求清单", "Needs";
    NoActivities => "暂无活动。", "No activities.";
    NoRecord => "还没有服务记录。", "No service yet.";
    NoSuggestions => "暂无同类资源。", "No resource of this kind yet.";
    OverdueClaims => "超期未完成的认领", "Claims past their date";
    PartyOrg => "党组织名称", "Party organisation";
    PlacesLeft => "剩余名额", "Places left";
    Points => "积分", "Points";
    Progress => "进度", "Progress";
    Projects => "项目清单", "Projects";
    PublishActivity => "发布活动", "Publish an activity";
    Refuse => "不通过", "Refuse";
    RegisterUnit => "单位报到", "Register a unit";
    ReportIn => "提交报到", "Report";
    Resources => "资源清单", "Resources";
    ReviewWishes => "社区心愿审核", "Community wishes";
    ServiceCategory => "类别", "Category";
    SignUp => "报名", "Sign up";
    SignedUp => "已报名", "Signed up";
    StartsAt => "开始时间", "Starts";
    Suggest => "匹配资源", "Matching resources";
    UnitKind => "单位类型", "Kind";
    UnitName => "单位名称", "Unit name";
    Units => "双报到单位", "Dual-reporting units";
    VolunteerTitle => "微志愿活动", "Volunteer activities";
} }

fn review_badge(r: Review) -> impl IntoView {
    let lang = use_lang();
    view! { <span class=format!("badge review-{}", r.as_str())>{move || r.label(lang.get())}</span> }
}

/// The community a user works in or belongs to, for default filters.
pub(crate) fn home_community(user: &CurrentUser) -> Option<String> {
    user.home_community.clone()
}

#[component]
pub fn ServicePage() -> impl IntoView {
    let session = use_session();
    view! {
        <div class="session-view">
            {move || match session.current() {
                None => view! { <SignInPrompt/> }.into_any(),
                Some(user) => view! { <Service user/> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn Service(user: CurrentUser) -> impl IntoView {
    let lang = use_lang();
    let reload = RwSignal::new(0u32);
    // Fetched in the browser, like every other list on this page: as a server-rendered
    // resource it once hydrated to an empty section (neither the cards nor the fallback)
    // after a lazy-route load, and a signed-in page gains nothing from rendering it early.
    let overview = LocalResource::new(move || {
        reload.track();
        my_service()
    });
    let reviewer = user.grants.iter().any(|g| {
        matches!(
            g.role,
            Role::CommunityAdmin | Role::StreetAdmin | Role::SystemAdmin
        )
    });
    // One review tab per community the user runs (我的's "待审心愿" counts these).
    let mut tabs: Vec<(WishList, Sv)> = user
        .grants
        .iter()
        .filter_map(|g| match (&g.scope, g.role) {
            (Scope::Community(c), Role::CommunityAdmin) => {
                Some((WishList::Community(c.clone()), Sv::ReviewWishes))
            }
            _ => None,
        })
        .collect();
    tabs.extend([
        (WishList::Mine, Sv::MyWishes),
        (WishList::Claimed, Sv::MyClaims),
    ]);
    let current = RwSignal::new(tabs[0].0.clone());
    let board_community = RwSignal::new(home_community(&user).unwrap_or_default());
    view! {
        <section class="cases" data-testid="service">
            <p class="row">
                <A href="/wishes">{tr(T::WallTitle)}</A>
                <A href="/volunteer">{tr(T::NavVolunteer)}</A>
                <A href="/lists">{tr(T::NavLists)}</A>
            </p>
            <Transition fallback=move || view! { <p class="notice">{tr(T::Loading)}</p> }>
                {move || overview.get().map(|r| match r {
                    Ok(o) => view! {
                        <RecordCard record=o.record.clone()/>
                        <MembershipCard membership=o.membership.clone() reload/>
                        <UnitsCard units=o.units.clone() reload/>
                        <MembersCard members=o.members.clone() reviewer reload/>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                })}
            </Transition>
            <h2>{tr(Sv::NavWishes)}</h2>
            <nav class="tabs" role="tablist">
                {tabs.into_iter().map(|(l, label)| {
                    let l2 = l.clone();
                    // Which community a review tab is for (an admin may run several).
                    let code = match &l {
                        WishList::Community(c) => format!(" {c}"),
                        _ => String::new(),
                    };
                    view! {
                        <button type="button" role="tab" class:active=move || current.get() == l2 on:click=move |_| current.set(l.clone())>
                            {move || label.get(lang.get())}{code}
                        </button>
                    }
                }).collect_view()}
            </nav>
            <WishListView list=current filter=WishFilter::default()/>
            <Show when=move || reviewer>
                <OverdueClaims/>
            </Show>
            <h2>{tr(Sv::Leaderboard)}</h2>
            <CommunitySelect value=board_community/>
            <Leaderboard community=board_community/>
        </section>
    }
}

#[component]
fn RecordCard(record: Record) -> impl IntoView {
    view! {
        <div class="card" data-testid="record">
            <h2>{tr(Sv::MyRecord)}</h2>
            <p class="totals">
                <span>{tr(Sv::Points)}" "<strong data-testid="my-points">{record.points}</strong></span>
                <span>{tr(Sv::HoursTotal)}" "<strong>{format!("{:.1}", record.hours)}</strong></span>
            </p>
            {if record.lines.is_empty() {
                view! { <p class="muted">{tr(Sv::NoRecord)}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain">
                        {record.lines.iter().take(10).map(|l| view! {
                            <li>{short_time(l.at)}" · "{l.title.clone()}" · +"{l.points}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </div>
    }
}

#[component]
fn MembershipCard(membership: Option<MemberView>, reload: RwSignal<u32>) -> impl IntoView {
    let unit = RwSignal::new(String::new());
    let community = RwSignal::new(String::new());
    let choices = LocalResource::new(|| async { unit_choices().await.unwrap_or_default() });
    let report = ServerAction::<ReportMember>::new();
    let error = Signal::derive(move || report.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(_)) = report.value().get() {
            reload.update(|v| *v += 1);
        }
    });
    let open = membership
        .as_ref()
        .is_none_or(|m| m.status == Review::Rejected);
    view! {
        <div class="card" data-testid="membership">
            <h2>{tr(Sv::Membership)}</h2>
            {membership.map(|m| view! {
                <p>{m.unit_name.clone()}" · "{m.community_name.clone()}" "{review_badge(m.status)}</p>
            })}
            <Show when=move || open>
                <details>
                <summary>{tr(Sv::ReportIn)}</summary>
                <p class="hint">{tr(Sv::MemberHint)}</p>
                <div class="form">
                    <label><span>{tr(Sv::ChooseUnit)}</span>
                        <select bind:value=unit data-testid="unit-choice">
                            <option value="">{tr(T::ChooseOne)}</option>
                            {move || choices.get().map(|l| l.into_iter().map(|u| view! { <option value=u.id.to_string()>{u.name}</option> }).collect_view())}
                        </select>
                    </label>
                    <label><span>{tr(Sv::ChooseCommunity)}</span><CommunitySelect value=community/></label>
                    <button type="button" class="primary" disabled=move || report.pending().get() on:click=move |_| {
                        report.dispatch(ReportMember {
                            unit_id: unit.get_untracked().parse().unwrap_or(0),
                            community: community.get_untracked(),
                        });
                    }>{tr(Sv::ReportIn)}</button>
                    <ErrorLine error/>
                </div>
                </details>
            </Show>
        </div>
    }
}

#[component]
fn UnitsCard(units: Vec<UnitView>, reload: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let review = ServerAction::<ReviewUnit>::new();
    let error = Signal::derive(move || review.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(_)) = review.value().get() {
            reload.update(|v| *v += 1);
        }
    });
    let session = use_session();
    let runs = move |id: i64| {
        session.current().is_some_and(|u| {
            u.grants
                .iter()
                .any(|g| g.role == Role::UnitAdmin && g.scope == Scope::Unit(id))
        })
    };
    let reviews = move || {
        session.current().is_some_and(|u| {
            u.grants.iter().any(|g| {
                matches!(
                    g.role,
                    Role::CommunityAdmin | Role::StreetAdmin | Role::SystemAdmin
                )
            })
        })
    };
    view! {
        <div class="card" data-testid="units">
            <h2>{tr(Sv::Units)}</h2>
            <ul class="plain">
                {units.into_iter().map(|u| {
                    let id = u.id;
                    let pending = u.status == Review::Pending;
                    let kind = u.kind;
                    view! {
                        <li data-testid="unit">
                            <strong>{u.name.clone()}</strong>" "{review_badge(u.status)}
                            <span class="muted small">" "{move || kind.map(|k| k.label(lang.get())).unwrap_or_default()}" · "{u.party_org.clone()}" · "{u.community_name.clone()}</span>
                            <br/><span class="small">{tr(Sv::Members)}" "{u.members}" · "{tr(Sv::Points)}" "{u.points}" · "{tr(Sv::HoursTotal)}" "{format!("{:.1}", u.hours)}</span>
                            <Show when=move || pending && reviews()>
                                <div class="row">
                                    <button type="button" class="primary" on:click=move |_| { review.dispatch(ReviewUnit { unit_id: id, approve: true, reason: String::new() }); }>{tr(Sv::Approve)}</button>
                                    <button type="button" on:click=move |_| { review.dispatch(ReviewUnit { unit_id: id, approve: false, reason: Sv::Refuse.get(lang.get_untracked()).to_string() }); }>{tr(Sv::Refuse)}</button>
                                </div>
                            </Show>
                            <Show when=move || !pending && (runs(id) || reviews())>
                                <UnitLedger unit_id=id/>
                            </Show>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <ErrorLine error/>
            <details>
                <summary>{tr(Sv::RegisterUnit)}</summary>
                <RegisterUnitForm reload/>
            </details>
        </div>
    }
}

#[component]
fn UnitLedger(unit_id: i64) -> impl IntoView {
    let open = RwSignal::new(false);
    let ledger = LocalResource::new(move || async move {
        if open.get() {
            Some(unit_ledger(unit_id).await)
        } else {
            None
        }
    });
    let lang = use_lang();
    view! {
        <div class="row">
            <button type="button" on:click=move |_| open.update(|o| *o = !*o) data-testid="show-ledger">{tr(Sv::Ledger)}</button>
            <a href=format!("/api/v1/units/{unit_id}/ledger.xlsx") download>{tr(Sv::ExportXlsx)}</a>
            <a href=format!("/api/v1/units/{unit_id}/ledger.csv") download>{tr(Sv::ExportCsv)}</a>
        </div>
        {move || ledger.get().flatten().map(|r| match r {
            Ok(rec) => view! {
                <table class="ledger" data-testid="ledger">
                    <tbody>
                        {rec.lines.into_iter().map(|l| view! {
                            <tr><td>{short_time(l.at)}</td><td>{l.member}</td><td>{l.title}</td><td>{l.points}</td><td>{format!("{:.1}", l.hours)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
            Err(e) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
        })}
    }
}

#[component]
fn RegisterUnitForm(reload: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new("government".to_string());
    let org = RwSignal::new(String::new());
    let contact = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let community = RwSignal::new(String::new());
    let register = Action::new(|u: &NewUnit| register_unit(u.clone()));
    let error = Signal::derive(move || register.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(_)) = register.value().get() {
            reload.update(|v| *v += 1);
        }
    });
    view! {
        <div class="form">
            <label><span>{tr(Sv::UnitName)}</span><input type="text" bind:value=name maxlength="40"/></label>
            <label><span>{tr(Sv::UnitKind)}</span>
                <select bind:value=kind>
                    {UnitKind::ALL.into_iter().map(|k| view! { <option value=k.as_str()>{move || k.label(lang.get())}</option> }).collect_view()}
                </select>
            </label>
            <label><span>{tr(Sv::PartyOrg)}</span><input type="text" bind:value=org maxlength="60"/></label>
            <label><span>{tr(Sv::ContactName)}</span><input type="text" bind:value=contact maxlength="20"/></label>
            <label><span>{tr(Sv::ContactPhone)}</span><input type="tel" inputmode="numeric" bind:value=phone maxlength="11"/></label>
            <label><span>{tr(T::Community)}</span><CommunitySelect value=community/></label>
            <button type="button" class="primary" disabled=move || register.pending().get() on:click=move |_| {
                register.dispatch(NewUnit {
                    name: name.get_untracked(),
                    kind: UnitKind::parse(&kind.get_untracked()).unwrap_or(UnitKind::Government),
                    party_org: org.get_untracked(),
                    contact_name: contact.get_untracked(),
                    contact_phone: phone.get_untracked(),
                    community_code: community.get_untracked(),
                });
            }>{tr(T::SubmitReport)}</button>
            <Show when=move || matches!(register.value().get(), Some(Ok(_)))><p class="ok">{tr(T::Saved)}</p></Show>
            <ErrorLine error/>
        </div>
    }
}

#[component]
fn MembersCard(members: Vec<MemberView>, reviewer: bool, reload: RwSignal<u32>) -> impl IntoView {
    let review = ServerAction::<ReviewMember>::new();
    let error = Signal::derive(move || review.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(_)) = review.value().get() {
            reload.update(|v| *v += 1);
        }
    });
    (!members.is_empty()).then(|| {
        view! {
            <div class="card" data-testid="members">
                <h2>{tr(Sv::Members)}</h2>
                <ul class="plain">
                    {members.into_iter().map(|m| {
                        let pending = m.status == Review::Pending;
                        let user_id = m.user_id;
                        view! {
                            <li>
                                <strong>{m.name.clone()}</strong>" "{review_badge(m.status)}
                                <span class="muted small">" "{m.unit_name.clone()}" · "{m.community_name.clone()}" · "{m.phone.clone()}</span>
                                <span class="small">" · "{tr(Sv::Points)}" "{m.points}</span>
                                <Show when=move || pending && reviewer>
                                    <div class="row">
                                        <button type="button" class="primary" on:click=move |_| { review.dispatch(ReviewMember { user_id, approve: true }); }>{tr(Sv::Approve)}</button>
                                        <button type="button" on:click=move |_| { review.dispatch(ReviewMember { user_id, approve: false }); }>{tr(Sv::Refuse)}</button>
                                    </div>
                                </Show>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <ErrorLine error/>
            </div>
        }
    })
}

#[component]
fn OverdueClaims() -> impl IntoView {
    let list = LocalResource::new(|| async { overdue_wish_claims().await.unwrap_or_default() });
    view! {
        {move || list.get().filter(|l| !l.is_empty()).map(|l| view! {
            <h2>{tr(Sv::OverdueClaims)}</h2>
            <ul class="case-list" data-testid="overdue-claims">
                {l.into_iter().map(|c| view! { <WishRow card=c/> }).collect_view()}
            </ul>
        })}
    }
}

#[component]
fn Leaderboard(community: RwSignal<String>) -> impl IntoView {
    let rows = LocalResource::new(move || {
        let c = community.get();
        async move {
            if c.is_empty() {
                Vec::new()
            } else {
                leaderboard(c).await.unwrap_or_default()
            }
        }
    });
    view! {
        <ol class="plain" data-testid="leaderboard">
            {move || rows.get().map(|l| l.into_iter().map(|r| view! {
                <li>{r.rank}". "{r.name}" "<span class="muted small">{r.unit.unwrap_or_default()}</span>" · "{r.points}</li>
            }).collect_view())}
        </ol>
    }
}

/// `datetime-local` text ("2026-12-05T09:00", China time) as UTC.
fn parse_local(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::TimeZone;
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").ok()?;
    crate::domain::deadline::china()
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&chrono::Utc))
}

#[component]
pub fn VolunteerPage() -> impl IntoView {
    let session = use_session();
    let community = RwSignal::new(
        session
            .current()
            .as_ref()
            .and_then(home_community)
            .unwrap_or_default(),
    );
    let reload = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        let c = community.get();
        reload.track();
        async move { activities(Some(c)).await }
    });
    let lang = use_lang();
    let organiser = move || {
        session.current().is_some_and(|u| {
            u.grants.iter().any(|g| {
                matches!(
                    g.role,
                    Role::CommunityAdmin | Role::StreetAdmin | Role::SystemAdmin
                )
            })
        })
    };
    view! {
        <section class="cases" data-testid="volunteer">
            <h1>{tr(Sv::VolunteerTitle)}</h1>
            <CommunitySelect value=community all=true/>
            <Show when=organiser>
                <details>
                    <summary>{tr(Sv::PublishActivity)}</summary>
                    <PublishForm community reload/>
                </details>
            </Show>
            {move || list.get().map(|r| match r {
                Ok(l) if l.is_empty() => view! { <p class="notice">{tr(Sv::NoActivities)}</p> }.into_any(),
                Ok(l) => view! {
                    <ul class="case-list">
                        {l.into_iter().map(|a| view! { <ActivityItem activity=a reload/> }).collect_view()}
                    </ul>
                }.into_any(),
                Err(e) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
            })}
        </section>
    }
}

#[component]
fn ActivityItem(activity: ActivityView, reload: RwSignal<u32>) -> impl IntoView {
    let session = use_session();
    let join = ServerAction::<SignUp>::new();
    let error = Signal::derive(move || join.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(_)) = join.value().get() {
            reload.update(|v| *v += 1);
        }
    });
    let id = activity.id;
    let mine = activity.mine;
    let can_join =
        activity.may_sign_up && !matches!(mine, Some(Attendance::SignedUp | Attendance::Attended));
    let can_cancel = mine == Some(Attendance::SignedUp);
    let left = activity.capacity - activity.taken;
    view! {
        <li data-testid="activity">
            <div class="activity">
                <span class="case-cat">{activity.title.clone()}</span>
                <span class="case-text">{activity.description.clone()}</span>
                <span class="muted small">{short_time(activity.starts_at)}" – "{short_time(activity.ends_at)}" · "{activity.place.clone()}" · "{activity.community_name.clone()}</span>
                <span class="small">{tr(Sv::PlacesLeft)}" "<strong data-testid="places-left">{left}</strong>"/"{activity.capacity}" · "{format!("{:.1}h", activity.hours)}</span>
                {match mine {
                    Some(Attendance::SignedUp) => Some(view! { <span class="badge" data-testid="signed-up">{tr(Sv::SignedUp)}</span> }.into_any()),
                    Some(Attendance::Attended) => Some(view! { <span class="badge">{tr(Sv::Attended)}</span> }.into_any()),
                    _ => None,
                }}
                <div class="row">
                    <Show when=move || session.current().is_some() && can_join>
                        <button type="button" class="primary" data-testid="sign-up" on:click=move |_| { join.dispatch(SignUp { activity_id: id, join: true }); }>{tr(Sv::SignUp)}</button>
                    </Show>
                    <Show when=move || can_cancel>
                        <button type="button" on:click=move |_| { join.dispatch(SignUp { activity_id: id, join: false }); }>{tr(Sv::CancelSignUp)}</button>
                    </Show>
                </div>
                <ErrorLine error/>
                <Show when=move || activity.organiser>
                    <AttendeeList activity_id=id/>
                </Show>
            </div>
        </li>
    }
}

#[component]
fn AttendeeList(activity_id: i64) -> impl IntoView {
    let open = RwSignal::new(false);
    let check = ServerAction::<CheckIn>::new();
    let list = LocalResource::new(move || {
        let on = open.get();
        check.version().track();
        async move {
            if on {
                Some(attendees(activity_id).await)
            } else {
                None
            }
        }
    });
    let error = Signal::derive(move || check.value().get().and_then(Result::err));
    let lang = use_lang();
    view! {
        <button type="button" on:click=move |_| open.update(|o| *o = !*o)>{tr(Sv::Attendees)}</button>
        {move || list.get().flatten().map(|r| match r {
            Ok(people) => view! {
                <ul class="plain">
                    {people.into_iter().map(|p| {
                        let user_id = p.user_id;
                        let signed = p.status == Attendance::SignedUp;
                        view! {
                            <li>{p.name}" "<span class="muted small">{p.phone}</span>" "
                                {match p.status {
                                    Attendance::Attended => view! { <span class="badge">{tr(Sv::Attended)}</span> }.into_any(),
                                    Attendance::Cancelled => view! { <span class="badge">{tr(Sv::CancelSignUp)}</span> }.into_any(),
                                    Attendance::SignedUp => view! { <span></span> }.into_any(),
                                }}
                                <Show when=move || signed>
                                    <button type="button" on:click=move |_| { check.dispatch(CheckIn { activity_id, user_id }); }>{tr(Sv::CheckIn)}</button>
                                </Show>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any(),
            Err(e) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
        })}
        <ErrorLine error/>
    }
}

#[component]
fn PublishForm(community: RwSignal<String>, reload: RwSignal<u32>) -> impl IntoView {
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let place = RwSignal::new(String::new());
    let starts = RwSignal::new(String::new());
    let ends = RwSignal::new(String::new());
    let capacity = RwSignal::new("20".to_string());
    let hours = RwSignal::new("2".to_string());
    let local_error = RwSignal::new(None::<AppError>);
    let publish = Action::new(|a: &NewActivity| publish_activity(a.clone()));
    let error = Signal::derive(move || {
        local_error
            .get()
            .or(publish.value().get().and_then(Result::err))
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = publish.value().get() {
            reload.update(|v| *v += 1);
        }
    });
    let send = move |_| {
        use crate::domain::error::{Field, InputProblem};
        let (Some(s), Some(e)) = (
            parse_local(&starts.get_untracked()),
            parse_local(&ends.get_untracked()),
        ) else {
            local_error.set(Some(AppError::invalid(Field::Time, InputProblem::Required)));
            return;
        };
        local_error.set(None);
        publish.dispatch(NewActivity {
            community_code: community.get_untracked(),
            title: title.get_untracked(),
            description: description.get_untracked(),
            place: place.get_untracked(),
            starts_at: s,
            ends_at: e,
            capacity: capacity.get_untracked().trim().parse().unwrap_or(0),
            hours: hours.get_untracked().trim().parse().unwrap_or(0.0),
        });
    };
    view! {
        <div class="form">
            <label><span>{tr(Sv::ActivityTitle)}</span><input type="text" bind:value=title maxlength="40"/></label>
            <label><span>{tr(Sv::ActivityDesc)}</span><textarea bind:value=description rows="2" maxlength="500"></textarea></label>
            <label><span>{tr(Sv::ActivityPlace)}</span><input type="text" bind:value=place maxlength="60"/></label>
            <label><span>{tr(Sv::StartsAt)}</span><input type="datetime-local" bind:value=starts/></label>
            <label><span>{tr(Sv::EndsAt)}</span><input type="datetime-local" bind:value=ends/></label>
            <div class="row">
                <label><span>{tr(Sv::Capacity)}</span><input type="number" inputmode="numeric" min="1" max="500" bind:value=capacity/></label>
                <label><span>{tr(T::Hours)}</span><input type="number" inputmode="decimal" min="0.5" max="24" step="0.5" bind:value=hours/></label>
            </div>
            <button type="button" class="primary" on:click=send disabled=move || publish.pending().get()>{tr(Sv::PublishActivity)}</button>
            <ErrorLine error/>
        </div>
    }
}

#[component]
pub fn ListsPage() -> impl IntoView {
    let session = use_session();
    let community = RwSignal::new(
        session
            .current()
            .as_ref()
            .and_then(home_community)
            .unwrap_or_default(),
    );
    let reload = RwSignal::new(0u32);
    // Which projects' link editors are open: the list is drawn again on
    // every refresh (after any change on the page), and an editor closed
    // under the user's finger loses what they were doing.
    // (A list, not a set: a hash set's code grew the first download.)
    let editing = RwSignal::new(Vec::<i64>::new());
    let lists = LocalResource::new(move || {
        let c = community.get();
        reload.track();
        async move {
            if c.is_empty() {
                None
            } else {
                Some(community_lists(c).await)
            }
        }
    });
    let lang = use_lang();
    let unit_admin = move || {
        session
            .current()
            .is_some_and(|u| u.grants.iter().any(|g| g.role == Role::UnitAdmin))
    };
    view! {
        <section class="cases" data-testid="lists">
            <h1>{tr(T::NavLists)}</h1>
            <CommunitySelect value=community/>
            <Show when=unit_admin>
                <details>
                    <summary>{tr(Sv::AddResource)}</summary>
                    <ResourceForm reload/>
                </details>
            </Show>
            {move || lists.get().flatten().map(|r| match r {
                Ok(l) => {
                    let may_edit = l.may_edit;
                    let needs = l.needs.clone();
                    let resources = l.resources.clone();
                    view! {
                        <h2>{tr(Sv::Needs)}</h2>
                        <Show when=move || may_edit>
                            <details><summary>{tr(Sv::AddNeed)}</summary><NeedForm community reload/></details>
                        </Show>
                        <ul class="plain" data-testid="needs">
                            {l.needs.into_iter().map(|n| {
                                let cat = n.category;
                                view! {
                                    <li>
                                        <strong>{n.title.clone()}</strong>" "<span class="badge">{move || cat.label(lang.get())}</span>
                                        {n.wish_id.map(|w| view! { " " <A href=format!("/wish/{w}")>"#"{w}</A> })}
                                        {(!n.open).then(|| view! { " "<span class="badge" data-testid="need-closed">{tr(Sv::NeedClosed)}</span> })}
                                        <p class="muted small">{n.detail.clone()}</p>
                                        {n.open.then(|| view! {
                                            <Suggestions need_id=n.id may_edit reload/>
                                            {may_edit.then(|| view! { <CloseNeedButton need_id=n.id reload/> })}
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <h2>{tr(Sv::Resources)}</h2>
                        <ul class="plain" data-testid="resources">
                            {l.resources.into_iter().map(|r| {
                                let cat = r.category;
                                view! {
                                    <li><strong>{r.title.clone()}</strong>" "<span class="badge">{move || cat.label(lang.get())}</span>
                                        <span class="muted small">" "{r.unit_name.clone()}" · "{r.community_name.clone()}" · "{r.availability.clone()}</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <h2>{tr(Sv::Projects)}</h2>
                        {may_edit.then(|| view! {
                            <details><summary>{tr(Sv::AddProject)}</summary><ProjectForm community needs=needs.clone() reload/></details>
                        })}
                        <ul class="plain" data-testid="projects">
                            {l.projects.into_iter().map(|p| {
                                let status = p.status;
                                let project_id = p.id;
                                view! {
                                    <li data-title=p.title.clone()><strong>{p.title.clone()}</strong>" "<span class="badge">{move || status.label(lang.get())}</span>
                                        <progress max="100" value=p.progress.to_string()></progress>" "{p.progress}"%"
                                        <span class="muted small">" "{p.units.join("、")}</span>
                                        <span class="muted small" data-testid="project-resources">
                                            {resources.iter().filter(|r| p.resources.contains(&r.id)).map(|r| format!(" · {}", r.title)).collect::<String>()}
                                        </span>
                                        {may_edit.then(|| view! {
                                            <ProgressEditor project_id=p.id progress=p.progress status reload/>
                                            <details
                                                prop:open=move || editing.with(|e| e.contains(&project_id))
                                                on:toggle=move |ev| {
                                                    let open = event_target::<leptos::web_sys::Element>(&ev).has_attribute("open");
                                                    editing.update(|e| {
                                                        e.retain(|x| *x != project_id);
                                                        if open { e.push(project_id) }
                                                    });
                                                }>
                                                <summary>{tr(Sv::EditLinks)}</summary>
                                                <LinkEditor project_id=p.id linked_needs=p.needs.clone() linked_resources=p.resources.clone() needs=needs.clone() resources=resources.clone() reload editing/>
                                            </details>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
                Err(e) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
            })}
        </section>
    }
}

#[component]
fn Suggestions(need_id: i64, may_edit: bool, reload: RwSignal<u32>) -> impl IntoView {
    let open = RwSignal::new(false);
    let list = LocalResource::new(move || {
        let on = open.get();
        async move {
            if on {
                Some(suggest_resources(need_id).await.unwrap_or_default())
            } else {
                None
            }
        }
    });
    let lang = use_lang();
    let accept = ServerAction::<AcceptResource>::new();
    let error = Signal::derive(move || accept.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(_)) = accept.value().get() {
            reload.update(|v| *v += 1);
        }
    });
    view! {
        <button type="button" class="link" on:click=move |_| open.update(|o| *o = !*o)>{tr(Sv::Suggest)}</button>
        {move || list.get().flatten().map(|l| if l.is_empty() {
            view! { <p class="muted small">{tr(Sv::NoSuggestions)}</p> }.into_any()
        } else {
            view! {
                <ul class="plain small" data-testid="suggestions">
                    {l.into_iter().map(|r| {
                        let resource_id = r.id;
                        let title = r.title.clone();
                        view! {
                            <li>{r.title}" · "{r.unit_name}" · "{r.community_name}" · "{r.availability}
                                {may_edit.then(|| view! { " "<button type="button" data-testid="accept-resource" aria-label=format!("{}「{}」", Sv::Accept.get(lang.get_untracked()), title)
                                    disabled=move || accept.pending().get() on:click=move |_| { accept.dispatch(AcceptResource { need_id, resource_id }); }>{tr(Sv::Accept)}</button> })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                {move || matches!(accept.value().get(), Some(Ok(_))).then(|| view! { <p class="notice" role="status">{tr(Sv::Accepted)}</p> })}
                <ErrorLine error/>
            }.into_any()
        })}
    }
}

#[component]
fn CloseNeedButton(need_id: i64, reload: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let close = ServerAction::<CloseNeed>::new();
    let error = Signal::derive(move || close.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(_)) = close.value().get() {
            reload.update(|v| *v += 1);
        }
    });
    view! {
        <button type="button" class="link" data-testid="close-need" disabled=move || close.pending().get()
            on:click=move |_| {
                // A closed need cannot be opened again: ask first.
                let ask = Sv::CloseNeedAsk.get(lang.get_untracked());
                if window().confirm_with_message(ask).unwrap_or(false) {
                    close.dispatch(CloseNeed { need_id });
                }
            }>{tr(Sv::CloseNeed)}</button>
        <ErrorLine error/>
    }
}

/// Ticks the needs and resources a project links.
#[component]
fn LinkEditor(
    project_id: i64,
    linked_needs: Vec<i64>,
    linked_resources: Vec<i64>,
    needs: Vec<crate::domain::lists::NeedItem>,
    resources: Vec<crate::domain::lists::ResourceItem>,
    reload: RwSignal<u32>,
    /// The page's open editors: this one closes once its links are saved.
    editing: RwSignal<Vec<i64>>,
) -> impl IntoView {
    let picked_needs = RwSignal::new(linked_needs);
    let picked_resources = RwSignal::new(linked_resources);
    let save = ServerAction::<LinkProject>::new();
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            editing.update(|e| e.retain(|x| *x != project_id));
            reload.update(|v| *v += 1);
        }
    });
    let tick = |set: RwSignal<Vec<i64>>, id: i64, title: String| {
        view! {
            <label class="check">
                <input type="checkbox" prop:checked=move || set.with(|p| p.contains(&id)) on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    set.update(|p| if on { if !p.contains(&id) { p.push(id) } } else { p.retain(|x| *x != id) });
                }/>
                <span>{title}</span>
            </label>
        }
    };
    view! {
        <div class="form" data-testid="link-editor">
            <fieldset>
                <legend>{tr(Sv::LinkNeeds)}</legend>
                {needs.into_iter().map(|n| tick(picked_needs, n.id, n.title)).collect_view()}
            </fieldset>
            <fieldset>
                <legend>{tr(Sv::LinkResources)}</legend>
                {resources.into_iter().map(|r| tick(picked_resources, r.id, format!("{}（{}）", r.title, r.unit_name))).collect_view()}
            </fieldset>
            <button type="button" class="primary" data-testid="save-links" disabled=move || save.pending().get() on:click=move |_| {
                save.dispatch(LinkProject {
                    project_id,
                    needs: picked_needs.get_untracked(),
                    resources: picked_resources.get_untracked(),
                });
            }>{tr(T::Save)}</button>
            <ErrorLine error/>
        </div>
    }
}

fn category_select(value: RwSignal<String>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <select bind:value=value>
            {ServiceCategory::ALL.into_iter().map(|c| view! { <option value=c.as_str()>{move || c.label(lang.get())}</option> }).collect_view()}
        </select>
    }
}

#[component]
fn NeedForm(community: RwSignal<String>, reload: RwSignal<u32>) -> impl IntoView {
    let category = RwSignal::new("care".to_string());
    let title = RwSignal::new(String::new());
    let detail = RwSignal::new(String::new());
    let add = ServerAction::<AddNeed>::new();
    let error = Signal::derive(move || add.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(_)) = add.value().get() {
            reload.update(|v| *v += 1);
        }
    });
    view! {
        <div class="form">
            <label><span>{tr(Sv::ServiceCategory)}</span>{category_select(category)}</label>
            <label><span>{tr(T::WishTitle)}</span><input type="text" bind:value=title maxlength="40"/></label>
            <label><span>{tr(Sv::Detail)}</span><textarea bind:value=detail rows="2" maxlength="500"></textarea></label>
            <button type="button" class="primary" on:click=move |_| {
                add.dispatch(AddNeed {
                    community: community.get_untracked(),
                    category: ServiceCategory::parse(&category.get_untracked()).unwrap_or(ServiceCategory::Care),
                    title: title.get_untracked(),
                    detail: detail.get_untracked(),
                    wish_id: None,
                });
            }>{tr(Sv::AddNeed)}</button>
            <ErrorLine error/>
        </div>
    }
}

#[component]
fn ResourceForm(reload: RwSignal<u32>) -> impl IntoView {
    let category = RwSignal::new("venue".to_string());
    let title = RwSignal::new(String::new());
    let detail = RwSignal::new(String::new());
    let availability = RwSignal::new(String::new());
    let add = ServerAction::<AddResource>::new();
    let error = Signal::derive(move || add.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(_)) = add.value().get() {
            reload.update(|v| *v += 1);
        }
    });
    view! {
        <div class="form">
            <label><span>{tr(Sv::ServiceCategory)}</span>{category_select(category)}</label>
            <label><span>{tr(T::WishTitle)}</span><input type="text" bind:value=title maxlength="40"/></label>
            <label><span>{tr(Sv::Detail)}</span><textarea bind:value=detail rows="2" maxlength="500"></textarea></label>
            <label><span>{tr(Sv::Availability)}</span><input type="text" bind:value=availability maxlength="40"/></label>
            <button type="button" class="primary" on:click=move |_| {
                add.dispatch(AddResource {
                    category: ServiceCategory::parse(&category.get_untracked()).unwrap_or(ServiceCategory::Venue),
                    title: title.get_untracked(),
                    detail: detail.get_untracked(),
                    availability: availability.get_untracked(),
                });
            }>{tr(Sv::AddResource)}</button>
            <ErrorLine error/>
        </div>
    }
}

#[component]
fn ProjectForm(
    community: RwSignal<String>,
    needs: Vec<crate::domain::lists::NeedItem>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let title = RwSignal::new(String::new());
    let detail = RwSignal::new(String::new());
    let picked = RwSignal::new(Vec::<i64>::new());
    let add = ServerAction::<AddProject>::new();
    let error = Signal::derive(move || add.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(_)) = add.value().get() {
            reload.update(|v| *v += 1);
        }
    });
    view! {
        <div class="form">
            <label><span>{tr(T::WishTitle)}</span><input type="text" bind:value=title maxlength="40"/></label>
            <label><span>{tr(Sv::Detail)}</span><textarea bind:value=detail rows="2" maxlength="500"></textarea></label>
            <fieldset>
                <legend>{tr(Sv::LinkNeeds)}</legend>
                {needs.into_iter().map(|n| {
                    let id = n.id;
                    view! {
                        <label class="check">
                            <input type="checkbox" on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                picked.update(|p| if on { p.push(id) } else { p.retain(|x| *x != id) });
                            }/>
                            <span>{n.title}</span>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <button type="button" class="primary" on:click=move |_| {
                add.dispatch(AddProject {
                    community: community.get_untracked(),
                    title: title.get_untracked(),
                    detail: detail.get_untracked(),
                    needs: picked.get_untracked(),
                    resources: Vec::new(),
                });
            }>{tr(Sv::AddProject)}</button>
            <ErrorLine error/>
        </div>
    }
}

#[component]
fn ProgressEditor(
    project_id: i64,
    progress: i32,
    status: ProjectStatus,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let lang = use_lang();
    let value = RwSignal::new(progress.to_string());
    let st = RwSignal::new(status.as_str().to_string());
    let save = ServerAction::<SetProjectProgress>::new();
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            reload.update(|v| *v += 1);
        }
    });
    view! {
        <div class="row">
            <select bind:value=st>
                {ProjectStatus::ALL.into_iter().map(|s| view! { <option value=s.as_str()>{move || s.label(lang.get())}</option> }).collect_view()}
            </select>
            <input type="number" min="0" max="100" bind:value=value aria-label=tr(Sv::Progress)/>
            <button type="button" on:click=move |_| {
                save.dispatch(SetProjectProgress {
                    project_id,
                    status: ProjectStatus::parse(&st.get_untracked()).unwrap_or(ProjectStatus::Planning),
                    progress: value.get_untracked().trim().parse().unwrap_or(-1),
                });
            }>{tr(T::Save)}</button>
        </div>
        <ErrorLine error/>
    }
}
