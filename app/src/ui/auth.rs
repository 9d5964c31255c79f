//! Sign-in, resident registration and the privacy notice it asks consent to.

use super::i18n::{tr, use_lang, T};
use super::session::use_session;
use crate::api::auth::{Login, Register};
use crate::domain::auth::safe_next;
use crate::domain::error::AppError;
use crate::domain::staff::CurrentUser;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::location::Url;

// The sign-in and registration forms' own words: they load with their code.
crate::ui::i18n::texts! { Au {
    LoginTitle => "登录网格通", "Sign in to GridLink";
    RegisterTitle => "居民注册", "Resident registration";
    PasswordHint => "8到64个字符", "8 to 64 characters";
    LoginButton => "登录", "Sign in";
    RegisterButton => "注册", "Register";
    NoAccount => "还没有账号？居民注册", "No account? Register as a resident";
    HaveAccount => "已有账号？去登录", "Have an account? Sign in";
    DemoHint => "演示账号见 README，密码 demo1234", "Demo accounts are in the README; password demo1234";
    PrivacyShort => "我们只为网格服务收集您的手机号、姓名，以及您主动提交的诉求、照片和心愿。您的电话不会公开；工作人员查看您的联系方式会被记录。您可以随时在“我的”页面下载或删除您的数据。", "We collect your mobile number and name, and the cases, photos and wishes you submit, only to serve you through the grid. Your phone is never made public; staff who look at your contact details are logged. You can download or delete your data on the Me page at any time.";
    PrivacyReadLink => "阅读完整的隐私说明", "Read the full privacy notice";
    PrivacyConsent => "我已阅读并同意隐私说明", "I have read and accept the privacy notice";
}}

// The privacy notice (隐私说明): the longest text we have, so it loads only with its page.
crate::ui::i18n::texts! { Pv {
    PrivacyTitle => "隐私说明", "Privacy notice";
    PrivacyWhat => "我们收集什么：注册时的手机号和姓名；您上报的诉求（问题描述、位置、照片）、心愿、活动报名和服务记录。", "What we collect: your mobile number and name when you register; the cases you report (description, place, photos), your wishes, sign-ups and service records.";
    PrivacyWhy => "用途：把您的诉求交给负责的网格、社区、街道或职能部门办理并答复您。不用于其他目的，不出售，不做广告。", "Why: to pass your cases to the grid, community, street or department responsible and answer you. Nothing else: never sold, never used for advertising.";
    PrivacyWho => "谁能看到：您本人看到全部；负责办理的工作人员看到办理所需的信息（包括电话，以便回访）；公示板只显示您勾选公开的诉求，不含姓名和电话，位置模糊到约100米。", "Who sees it: you see all of it; the staff handling your case see what they need (including your phone, to call back); the public board shows only cases you marked public, without names or phones, places blurred to about 100 m.";
    PrivacyKeep => "保存与记录：登录闲置7天或满30天自动失效；工作人员每次查看联系方式、每次导出都记入审计日志。", "Keeping and logging: a sign-in ends after 7 idle days or 30 days in all; every look at contact details and every export by staff is in the audit log.";
    PrivacyRights => "您的权利：在“我的”页面可以下载您的全部数据、修改密码、注销账号。注销后姓名和手机号即被删除，已上报的诉求保留以便办结，但不再与您关联。", "Your rights: on the Me page you can download all your data, change your password and delete your account. Deleting erases your name and number at once; cases you reported stay so they can be finished, no longer linked to you.";
    PrivacyLaw => "依据《中华人民共和国个人信息保护法》。如有疑问，请联系您所在的社区。", "Under the Personal Information Protection Law of the PRC. Questions: ask your community.";
}}

/// Shows a failed call's message in the user's language.
#[component]
pub fn ErrorLine(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <Show when=move || error.get().is_some()>
            <p class="form-error" role="alert">{move || error.get().map(|e| e.message(lang.get()))}</p>
        </Show>
    }
}

/// Shown where a page needs a signed-in user; signing in comes back here.
#[component]
pub fn SignInPrompt() -> impl IntoView {
    let location = use_location();
    let href = move || {
        // Leptos keeps the query without its "?".
        let search = location.search.get();
        let here = if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{search}", location.pathname.get())
        };
        format!("/login?next={}", Url::escape(&here))
    };
    view! {
        <section class="card narrow">
            <p>{tr(T::NotSignedIn)}</p>
            <A href=href attr:data-testid="sign-in-prompt">{tr(T::NavLogin)}</A>
        </section>
    }
}

/// What the sign-in and registration pages read from their address: where to go
/// afterwards (`next`), and the error of a form sent before the page was
/// interactive (`error`, set by `request::answer_plain_form`).
struct FormQuery {
    next: Signal<String>,
    error: Signal<Option<AppError>>,
}

fn form_query() -> FormQuery {
    let query = use_query_map();
    FormQuery {
        next: Signal::derive(move || safe_next(query.read().get("next").as_deref())),
        error: Signal::derive(move || {
            query
                .read()
                .get("error")
                .and_then(|e| serde_json::from_slice::<AppError>(e.as_bytes()).ok())
                .filter(AppError::fit_for_link)
        }),
    }
}

/// After a successful sign-in or registration: reload the session and go on.
fn on_success(
    value: impl Get<Value = Option<Result<CurrentUser, AppError>>> + Send + Sync + 'static,
    next: Signal<String>,
) {
    let session = use_session();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(user)) = value.get() {
            session.set(Some(user));
            navigate(&next.get_untracked(), Default::default());
        }
    });
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let value = login.value();
    let query = form_query();
    on_success(value, query.next);
    // This page's own answer, else the one a plain form post came back with.
    let error = Signal::derive(move || match value.get() {
        Some(result) => result.err(),
        None => query.error.get(),
    });
    view! {
        <section class="card narrow">
            <h1>{tr(Au::LoginTitle)}</h1>
            <ActionForm action=login attr:class="form" attr:data-testid="login-form">
                <input type="hidden" name="next" value=move || query.next.get()/>
                <label>
                    <span>{tr(T::MobileNumber)}</span>
                    <input name="phone" type="tel" inputmode="numeric" autocomplete="username" maxlength="11" required/>
                </label>
                <label>
                    <span>{tr(T::Password)}</span>
                    <input name="password" type="password" autocomplete="current-password" required/>
                </label>
                <ErrorLine error/>
                <button type="submit" class="primary" disabled=move || login.pending().get()>
                    {move || if login.pending().get() { tr(T::Working)() } else { tr(Au::LoginButton)() }}
                </button>
            </ActionForm>
            <p class="hint">{tr(Au::DemoHint)}</p>
            <p><A href=move || format!("/register?next={}", Url::escape(&query.next.get()))>{tr(Au::NoAccount)}</A></p>
        </section>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let register = ServerAction::<Register>::new();
    let value = register.value();
    let query = form_query();
    on_success(value, query.next);
    // This page's own answer, else the one a plain form post came back with.
    let error = Signal::derive(move || match value.get() {
        Some(result) => result.err(),
        None => query.error.get(),
    });
    view! {
        <section class="card narrow">
            <h1>{tr(Au::RegisterTitle)}</h1>
            <ActionForm action=register attr:class="form">
                <input type="hidden" name="next" value=move || query.next.get()/>
                <label>
                    <span>{tr(T::YourName)}</span>
                    <input name="name" autocomplete="name" maxlength="30" required/>
                </label>
                <label>
                    <span>{tr(T::MobileNumber)}</span>
                    <input name="phone" type="tel" inputmode="numeric" autocomplete="username" maxlength="11" required/>
                </label>
                <label>
                    <span>{tr(T::Password)}</span>
                    <input name="password" type="password" autocomplete="new-password" minlength="8" required/>
                    <small>{tr(Au::PasswordHint)}</small>
                </label>
                <div class="privacy-short" data-testid="privacy-short">
                    <p class="hint">{tr(Au::PrivacyShort)}</p>
                    <p><A href="/privacy">{tr(Au::PrivacyReadLink)}</A></p>
                </div>
                // Not `required`: the server refuses without `consent=true`
                // and says so in the page's language, like every other field.
                <label class="check">
                    <input name="consent" type="checkbox" value="true" data-testid="consent"/>
                    <span>{tr(Au::PrivacyConsent)}</span>
                </label>
                <ErrorLine error/>
                <button type="submit" class="primary" disabled=move || register.pending().get()>
                    {move || if register.pending().get() { tr(T::Working)() } else { tr(Au::RegisterButton)() }}
                </button>
            </ActionForm>
            <p><A href="/login">{tr(Au::HaveAccount)}</A></p>
        </section>
    }
}

/// The privacy notice (隐私说明) registration asks consent to: what is
/// collected, why, who sees it, how long, and the person's rights. The
/// detailed rules behind it are in `docs/privacy.md`.
#[component]
pub fn PrivacyPage() -> impl IntoView {
    view! {
        <section class="card narrow" data-testid="privacy">
            <h1>{tr(Pv::PrivacyTitle)}</h1>
            <p>{tr(Au::PrivacyShort)}</p>
            <p>{tr(Pv::PrivacyWhat)}</p>
            <p>{tr(Pv::PrivacyWhy)}</p>
            <p>{tr(Pv::PrivacyWho)}</p>
            <p>{tr(Pv::PrivacyKeep)}</p>
            <p>{tr(Pv::PrivacyRights)}</p>
            <p class="hint">{tr(Pv::PrivacyLaw)}</p>
            <p><A href="/register">{tr(Au::NoAccount)}</A></p>
        </section>
    }
}
