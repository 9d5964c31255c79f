//! The signed-in user's own page: roles, phone consent, password, their
//! data (download, deletion), sign out.

use super::auth::{ErrorLine, SignInPrompt};
use super::i18n::{tr, use_lang, T};
use super::session::use_session;
use crate::api::account::{ChangePassword, DeleteAccount};
use crate::api::auth::Logout;
use crate::api::staff::SetPhoneConsent;
use crate::domain::auth::Scope;
#[allow(unused_imports)]
use crate::ui::i18n::Words as _;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

// This page's own words: they load with its code (`i18n::Words`).
crate::ui::i18n::texts! { Me {
    AcctChangePassword => "修改密码", "Change password";
    AcctCurrentPassword => "当前密码", "Current password";
    AcctDeleteButton => "确认注销", "Delete my account";
    AcctDeleteHelp => "注销后不能恢复：姓名、手机号、角色和登录全部删除；已上报的诉求保留，但不再显示您的身份。请输入密码确认。", "This cannot be undone: your name, number, roles and sign-ins are deleted; cases you reported stay, without your identity. Enter your password to confirm.";
    AcctDeleteTitle => "注销账号", "Delete account";
    AcctDownloadData => "下载我的数据", "Download my data";
    AcctMyDataHelp => "下载我们保存的关于您的全部信息（JSON 文件）。", "Download everything we keep about you (a JSON file).";
    AcctMyDataTitle => "我的数据", "My data";
    AcctNewPassword => "新密码（8到64个字符）", "New password (8 to 64 characters)";
    AcctPasswordChanged => "密码已修改，其他设备上的登录已退出。", "Password changed; you are signed out on other devices.";
    Logout => "退出登录", "Sign out";
    MyRoles => "我的角色", "My roles";
    PhoneConsent => "在网格公示页公开我的电话", "Show my phone on grid public pages";
    SignedInAs => "当前用户", "Signed in as";
} }

fn scope_text(scope: &Scope) -> String {
    match scope {
        Scope::None | Scope::Everywhere => String::new(),
        Scope::Street(c) | Scope::Community(c) | Scope::Grid(c) | Scope::Department(c) => c.clone(),
        Scope::Unit(i) | Scope::Company(i) => format!("#{i}"),
    }
}

#[component]
pub fn MePage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let logout = ServerAction::<Logout>::new();
    let consent = ServerAction::<SetPhoneConsent>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            session.set(None);
            navigate("/", Default::default());
        }
    });
    let consent_error = Signal::derive(move || consent.value().get().and_then(Result::err));
    view! {
        <div class="session-view">
            {move || match session.current() {
                None => view! { <SignInPrompt/> }.into_any(),
                Some(user) => {
                    let on_roster = user.grants.iter().any(|g| g.role.is_place_staff());
                    view! {
                        <super::home::RoleHome/>
                        <section class="card narrow" data-testid="me">
                            <h1>{tr(Me::SignedInAs)}": "<span data-testid="me-name">{user.name.clone()}</span></h1>
                            <p class="muted">{user.phone.clone()}</p>
                            <h2>{tr(Me::MyRoles)}</h2>
                            <ul class="roles">
                                {user.grants.iter().map(|g| {
                                    let role = g.role;
                                    let scope = scope_text(&g.scope);
                                    view! { <li data-role=role.as_str()>{move || role.label(lang.get())}" "<code>{scope.clone()}</code></li> }
                                }).collect_view()}
                            </ul>
                            <Show when=move || on_roster>
                                <div class="row">
                                    <button type="button" on:click=move |_| { consent.dispatch(SetPhoneConsent { show: true }); }>{tr(Me::PhoneConsent)}" ✓"</button>
                                    <button type="button" on:click=move |_| { consent.dispatch(SetPhoneConsent { show: false }); }>{tr(Me::PhoneConsent)}" ✗"</button>
                                </div>
                                <Show when=move || matches!(consent.value().get(), Some(Ok(_)))>
                                    <p class="ok">{tr(T::Saved)}</p>
                                </Show>
                                <ErrorLine error=consent_error/>
                            </Show>
                            <button type="button" class="secondary" on:click=move |_| { logout.dispatch(Logout {}); }>{tr(Me::Logout)}</button>
                        </section>
                        <PasswordPanel/>
                        <MyDataPanel/>
                        <DeleteAccountPanel/>
                    }.into_any()
                }
            }}
        </div>
    }
}

/// Change one's password; the other devices are signed out by the server.
#[component]
fn PasswordPanel() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let error = Signal::derive(move || change.value().get().and_then(Result::err));
    view! {
        <section class="card narrow" data-testid="change-password">
            <h2>{tr(Me::AcctChangePassword)}</h2>
            <ActionForm action=change attr:class="form">
                <label>
                    <span>{tr(Me::AcctCurrentPassword)}</span>
                    <input name="current" type="password" autocomplete="current-password" required/>
                </label>
                <label>
                    <span>{tr(Me::AcctNewPassword)}</span>
                    <input name="new_password" type="password" autocomplete="new-password" minlength="8" maxlength="64" required/>
                </label>
                <ErrorLine error/>
                <Show when=move || matches!(change.value().get(), Some(Ok(())))>
                    <p class="ok">{tr(Me::AcctPasswordChanged)}</p>
                </Show>
                <button type="submit" disabled=move || change.pending().get()>{tr(Me::AcctChangePassword)}</button>
            </ActionForm>
        </section>
    }
}

/// The person's own data as one JSON file. A plain link: the server answers
/// with a file to save, so it works before the page is interactive too.
#[component]
fn MyDataPanel() -> impl IntoView {
    view! {
        <section class="card narrow" data-testid="my-data">
            <h2>{tr(Me::AcctMyDataTitle)}</h2>
            <p class="hint">{tr(Me::AcctMyDataHelp)}</p>
            <a class="button" href="/api/my_data" download="gridlink-my-data.json" rel="external" data-testid="download-my-data">
                {tr(Me::AcctDownloadData)}
            </a>
        </section>
    }
}

/// Delete one's account after typing the password; signed out at once.
#[component]
fn DeleteAccountPanel() -> impl IntoView {
    let session = use_session();
    let delete = ServerAction::<DeleteAccount>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            session.set(None);
            navigate("/", Default::default());
        }
    });
    let error = Signal::derive(move || delete.value().get().and_then(Result::err));
    view! {
        <section class="card narrow danger" data-testid="delete-account">
            <h2>{tr(Me::AcctDeleteTitle)}</h2>
            <p class="hint">{tr(Me::AcctDeleteHelp)}</p>
            <ActionForm action=delete attr:class="form">
                <label>
                    <span>{tr(T::Password)}</span>
                    <input name="password" type="password" autocomplete="current-password" required/>
                </label>
                <ErrorLine error/>
                <button type="submit" class="danger" disabled=move || delete.pending().get()>{tr(Me::AcctDeleteButton)}</button>
            </ActionForm>
        </section>
    }
}
