//! Open311 client applications as system admins keep them (issue 13): the
//! list with each key's last characters and what it filed, a form that
//! registers one and shows its key this once, and revoking. Shown on 管理.

use super::auth::ErrorLine;
use super::i18n::{short_time, tr, use_lang};
use crate::api::open311::{open311_clients, RegisterOpen311Client, RevokeOpen311Client};
use crate::domain::open311::MAX_APP_NAME;
use crate::ui::i18n::Words as _;
use leptos::prelude::*;

crate::ui::i18n::texts! { Os {
    Title => "Open311 接入应用", "Open311 client applications";
    Help => "其他系统（如12345热线平台）凭密钥通过 /open311/v2/ 提交和跟踪事件。密钥只显示一次，请立即交给对方。", "Other systems (a 12345 hotline platform, say) file and follow cases at /open311/v2/ with a key. The key is shown once: pass it on now.";
    Name => "应用名称", "Application name";
    Register => "登记并生成密钥", "Register and make a key";
    KeyOnce => "密钥（仅显示这一次）：", "Key (shown this once): ";
    Revoke => "撤销密钥", "Revoke key";
    RevokeAsk => "撤销后该应用的请求将被拒绝，且不能恢复。确定撤销？", "Once revoked, this application's requests are refused, for good. Revoke?";
    Revoked => "已撤销", "Revoked";
    Filed => "已提交事件：", "Cases filed: ";
    Empty => "还没有登记的应用。", "No application registered yet.";
} }

#[component]
pub fn Open311Panel() -> impl IntoView {
    let lang = use_lang();
    let register = ServerAction::<RegisterOpen311Client>::new();
    let revoke = ServerAction::<RevokeOpen311Client>::new();
    let list = LocalResource::new(move || {
        register.version().track();
        revoke.version().track();
        open311_clients()
    });
    let name = RwSignal::new(String::new());
    // A key made just now; cleared by the next registration.
    let made = Signal::derive(move || register.value().get().and_then(Result::ok));
    Effect::new(move |_| {
        if made.get().is_some() {
            name.set(String::new());
        }
    });
    let error = Signal::derive(move || {
        register
            .value()
            .get()
            .and_then(Result::err)
            .or(revoke.value().get().and_then(Result::err))
            .or(list.get().and_then(Result::err))
    });
    view! {
        <section class="card" data-testid="open311-clients">
            <h2>{tr(Os::Title)}</h2>
            <p class="hint">{tr(Os::Help)}</p>
            <div class="row">
                <input bind:value=name maxlength=MAX_APP_NAME.to_string() placeholder=tr(Os::Name) aria-label=tr(Os::Name) data-testid="open311-name"/>
                <button type="button" disabled=move || register.pending().get() on:click=move |_| {
                    register.dispatch(RegisterOpen311Client { name: name.get_untracked() });
                }>{tr(Os::Register)}</button>
            </div>
            <ErrorLine error/>
            {move || made.get().map(|r| view! {
                <p class="ok" role="status">{tr(Os::KeyOnce)}{r.client.name}" · "<code class="key" data-testid="open311-key">{r.key}</code></p>
            })}
            <Transition fallback=|| ()>
                {move || {
                    let clients = list.get().and_then(Result::ok).unwrap_or_default();
                    if clients.is_empty() {
                        return view! { <p class="hint">{tr(Os::Empty)}</p> }.into_any();
                    }
                    view! {
                        <ul class="plain">
                            {clients.into_iter().map(|c| {
                                let id = c.id;
                                let live = c.revoked_at.is_none();
                                view! {
                                    <li class:muted=!live data-client=id.to_string()>
                                        {c.name}" · …"{c.key_tail}" · "{short_time(c.created_at)}" · "{tr(Os::Filed)}{c.filed}
                                        {(!live).then(|| view! { " · "<span>{tr(Os::Revoked)}</span> })}
                                        {live.then(|| view! {
                                            <button type="button" class="small" disabled=move || revoke.pending().get() on:click=move |_| {
                                                if window().confirm_with_message(Os::RevokeAsk.get(lang.get_untracked())).unwrap_or(false) {
                                                    revoke.dispatch(RevokeOpen311Client { id });
                                                }
                                            }>{tr(Os::Revoke)}</button>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </Transition>
        </section>
    }
}
