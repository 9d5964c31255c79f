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
                .and_then(|e| serde_json::from_str::<AppError>(&e).ok())
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
            <h1>{tr(T::LoginTitle)}</h1>
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
                    {move || if login.pending().get() { tr(T::Working)() } else { tr(T::LoginButton)() }}
                </button>
            </ActionForm>
            <p class="hint">{tr(T::DemoHint)}</p>
            <p><A href=move || format!("/register?next={}", Url::escape(&query.next.get()))>{tr(T::NoAccount)}</A></p>
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
            <h1>{tr(T::RegisterTitle)}</h1>
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
                    <small>{tr(T::PasswordHint)}</small>
                </label>
                <div class="privacy-short" data-testid="privacy-short">
                    <p class="hint">{tr(T::PrivacyShort)}</p>
                    <p><A href="/privacy">{tr(T::PrivacyReadLink)}</A></p>
                </div>
                // Not `required`: the server refuses without `consent=true`
                // and says so in the page's language, like every other field.
                <label class="check">
                    <input name="consent" type="checkbox" value="true" data-testid="consent"/>
                    <span>{tr(T::PrivacyConsent)}</span>
                </label>
                <ErrorLine error/>
                <button type="submit" class="primary" disabled=move || register.pending().get()>
                    {move || if register.pending().get() { tr(T::Working)() } else { tr(T::RegisterButton)() }}
                </button>
            </ActionForm>
            <p><A href="/login">{tr(T::HaveAccount)}</A></p>
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
            <h1>{tr(T::PrivacyTitle)}</h1>
            <p>{tr(T::PrivacyShort)}</p>
            <p>{tr(T::PrivacyWhat)}</p>
            <p>{tr(T::PrivacyWhy)}</p>
            <p>{tr(T::PrivacyWho)}</p>
            <p>{tr(T::PrivacyKeep)}</p>
            <p>{tr(T::PrivacyRights)}</p>
            <p class="hint">{tr(T::PrivacyLaw)}</p>
            <p><A href="/register">{tr(T::NoAccount)}</A></p>
        </section>
    }
}
