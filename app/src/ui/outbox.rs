//! Reports filled in without a connection (issue 9, offline capture).
//!
//! The report form puts a report it cannot send into the phone's outbox
//! (IndexedDB, `outbox.js`) with its photos and its idempotency key; the outbox
//! sends it when the connection returns: the report first (a resend after a lost
//! answer gives back the same case), then its photos to that case. A report the
//! server refuses (a retired category, say) stays with the reason until the person
//! edits or discards it. Drafts belong to the person who wrote them: another
//! person signed in on the same phone neither sees nor sends them.

use super::i18n::T;
use super::slot::Slot;
use crate::domain::case::NewCase;
use crate::domain::error::AppError;
use leptos::prelude::*;
use serde::Deserialize;

/// One draft as the outbox shows it (its photos stay in IndexedDB).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Draft {
    pub key: String,
    pub json: String,
    /// `queued` (waiting for a connection), `photos` (the case exists, photos
    /// still to send), `refused` (the server said no: `reason`).
    pub state: String,
    pub reason: String,
    #[serde(rename = "caseId")]
    pub case_id: f64,
    pub photos: u32,
}

impl Draft {
    pub fn case(&self) -> Option<NewCase> {
        serde_json::from_slice(self.json.as_bytes()).ok()
    }

    /// Why the server refused it, as an error to word in the reader's language.
    pub fn refusal(&self) -> Option<AppError> {
        (self.state == "refused")
            .then(|| AppError::from_stored(&self.reason))
            .flatten()
    }
}

/// What one pass over the outbox did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sent {
    /// Cases that reached the server, with all the photos it accepted.
    pub cases: Vec<i64>,
    /// Photos the server refused (too large, not an image…), by case, with the
    /// reason: dropped from the draft, so they no longer hold up what follows.
    pub refused_photos: Vec<(i64, String)>,
}

/// The outbox as the whole app sees it: any page sends what waits (when the
/// app has settled, and whenever the signal returns) and shows what went; the
/// report page lists the drafts and reads them again when `rev` moves.
#[derive(Clone, Copy)]
pub struct Outbox {
    pub rev: RwSignal<u32>,
    /// The line under the top bar that tells what went (`OutboxStatus`).
    told: Slot,
    session: super::session::Session,
}

impl Outbox {
    pub fn provide(session: super::session::Session) -> Outbox {
        let outbox = Outbox {
            rev: RwSignal::new(0),
            told: Slot::new("outbox-sent"),
            session,
        };
        provide_context(outbox);
        outbox
    }

    pub fn get() -> Outbox {
        expect_context::<Outbox>()
    }

    /// The drafts changed (saved, discarded): lists read them again.
    pub fn changed(self) {
        self.rev.update(|v| *v += 1);
    }

    /// Sends what waits in `owner`'s outbox, in the background.
    pub fn flush(self, owner: String) {
        leptos::task::spawn_local(async move {
            // Nothing waits (the usual case): no chunk to fetch, no request.
            if waiting(&owner).await == 0 {
                return;
            }
            let sent = send_all(owner.clone()).await;
            if !sent.cases.is_empty() || !sent.refused_photos.is_empty() {
                tell(sent, owner, self).await;
            }
            self.changed();
        });
    }
}

/// Sends the signed-in person's outbox from whatever page is open (not only the
/// report form), and says what went.
#[component]
pub fn OutboxStatus() -> impl IntoView {
    let outbox = Outbox::get();
    let session = outbox.session;
    let owner = move || session.phone_untracked();
    // Another person signed in: the last one's news is not theirs.
    Effect::new(move |before: Option<Option<String>>| {
        let now = session.current().map(|u| u.phone);
        if before.is_some_and(|b| b != now) {
            forget(outbox.told);
        }
        now
    });
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            super::pages::settled().await;
            if let Some(phone) = owner() {
                if online() {
                    outbox.flush(phone);
                }
            }
        });
    });
    let back_online = window_event_listener_untyped("online", move |_| {
        if let Some(phone) = owner() {
            outbox.flush(phone);
        }
    });
    on_cleanup(move || back_online.remove());
    // The line itself comes with the code that sent something (`tell`).
    view! { <div id=outbox.told.id() class="slot"></div> }
}

thread_local! {
    /// What the line tells: every pass's news since it was last closed.
    static TOLD: std::cell::RefCell<Sent> = std::cell::RefCell::new(Sent::default());
}

/// Adds a pass's news to the line under the top bar and shows it: one line of
/// text and one link. Its own chunk: only after a pass sent something.
#[leptos::lazy]
fn tell(sent: Sent, owner: String, outbox: Outbox) {
    // What went is told to its writer only, not to whoever signed in since
    // (checked here, after this chunk arrived: that may take a while).
    if outbox.session.phone_untracked().as_deref() != Some(owner.as_str()) {
        return;
    }
    let line = outbox.told;
    let all = TOLD.with(|t| {
        let mut t = t.borrow_mut();
        t.cases.extend(sent.cases);
        t.refused_photos.extend(sent.refused_photos);
        t.clone()
    });
    let Some(last) = all
        .cases
        .last()
        .or(all.refused_photos.last().map(|(id, _)| id))
        .copied()
    else {
        return;
    };
    line.fill(Box::new(move || {
        let lang = super::i18n::use_lang();
        let text = move || {
            let lang = lang.get();
            let mut text = String::new();
            if !all.cases.is_empty() {
                text.push_str(
                    &T::OutboxSent
                        .get(lang)
                        .replace("{n}", &all.cases.len().to_string()),
                );
            }
            for (id, why) in &all.refused_photos {
                text.push_str(&format!(
                    " {} #{id}: {why}",
                    T::OutboxPhotoRefused.get(lang)
                ));
            }
            text
        };
        view! {
            <p class="outbox-status" role="status" data-testid="outbox-sent">
                {text}" "<a href=format!("/case/{last}")>{format!("#{last}")}</a>" "
                <button type="button" class="secondary small" on:click=move |_| forget(line)>
                    {move || T::Close.get(lang.get())}
                </button>
            </p>
        }
        .into_any()
    }));
}

/// Forgets the news and takes the line away.
fn forget(line: Slot) {
    TOLD.with(|t| *t.borrow_mut() = Sent::default());
    line.clear();
}

#[cfg(feature = "hydrate")]
mod js {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(module = "/src/ui/outbox.js")]
    extern "C" {
        #[wasm_bindgen(js_name = outboxPut, catch)]
        pub async fn put(
            key: &str,
            owner: &str,
            json: &str,
            files: &js_sys::Array,
        ) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_name = outboxList, catch)]
        pub async fn list(owner: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_name = outboxWaiting, catch)]
        pub async fn waiting(owner: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_name = outboxFiles, catch)]
        pub async fn files(key: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_name = outboxMark, catch)]
        pub async fn mark(
            key: &str,
            state: &str,
            reason: &str,
            case_id: f64,
        ) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_name = outboxDropFirstFile, catch)]
        pub async fn drop_first_file(key: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_name = outboxDelete, catch)]
        pub async fn delete(key: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_name = isOnline)]
        pub fn is_online() -> bool;
        #[wasm_bindgen(js_name = outboxLock)]
        pub async fn lock() -> JsValue;
    }
}

/// Whether the browser believes it has a connection (server render: yes).
pub fn online() -> bool {
    #[cfg(feature = "hydrate")]
    {
        js::is_online()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        true
    }
}

/// Puts a report and its photos into the outbox of `owner` (their phone number).
#[cfg(feature = "hydrate")]
pub async fn save(owner: &str, case: &NewCase, photos: Vec<web_sys::File>) -> Result<(), String> {
    let key = case.idempotency_key.clone().unwrap_or_default();
    let json = serde_json::to_string(case).map_err(|e| e.to_string())?;
    let files = js_sys::Array::new();
    for f in photos {
        files.push(&f);
    }
    js::put(&key, owner, &json, &files)
        .await
        .map(|_| ())
        .map_err(|e| format!("{e:?}"))
}

/// How many of `owner`'s drafts wait to be sent.
async fn waiting(owner: &str) -> u32 {
    #[cfg(feature = "hydrate")]
    {
        js::waiting(owner)
            .await
            .ok()
            .and_then(|n| n.as_f64())
            .map_or(0, |n| n as u32)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = owner;
        0
    }
}

/// The drafts of `owner`, oldest first.
pub async fn drafts(owner: &str) -> Vec<Draft> {
    #[cfg(feature = "hydrate")]
    {
        let Ok(value) = js::list(owner).await else {
            return Vec::new();
        };
        js_sys::JSON::stringify(&value)
            .ok()
            .and_then(|s| s.as_string())
            .and_then(|s| serde_json::from_slice(s.as_bytes()).ok())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = owner;
        Vec::new()
    }
}

pub async fn discard(key: &str) {
    #[cfg(feature = "hydrate")]
    let _ = js::delete(key).await;
    #[cfg(not(feature = "hydrate"))]
    let _ = key;
}

/// Sends what waits in `owner`'s outbox, one draft at a time, oldest first.
/// Stops at the first draft that cannot reach the server (still offline); a
/// refused draft is marked and the next one goes on; a refused photo is dropped
/// (and reported) so it never holds up the drafts behind it.
///
/// Its own chunk (`#[lazy]`): every page may send the outbox, but the code that
/// sends a report and its photos is fetched only when a draft waits.
#[leptos::lazy]
pub async fn send_all(owner: String) -> Sent {
    #[cfg_attr(not(feature = "hydrate"), allow(unused_mut))]
    let mut sent = Sent::default();
    #[cfg(feature = "hydrate")]
    {
        // (`Outbox::flush` calls this only when a draft waits.)
        let owner = owner.as_str();
        // One pass at a time, in this tab and across tabs: a second one would
        // upload the same photos again.
        let Some(_pass) = Pass::start().await else {
            return sent;
        };
        // Read again under the lock: another tab may have sent some meanwhile.
        for draft in drafts(owner).await {
            if draft.state == "refused" {
                continue;
            }
            // Only as the person who wrote them, checked before each draft:
            // whoever is signed in may change during a long pass (a sign-out and
            // another person's sign-in, here or in another tab).
            match crate::api::auth::session_user().await {
                Ok(Some(user)) if user.phone == owner => {}
                _ => break,
            }
            match send_one(&draft, &mut sent).await {
                Ok(()) => {}
                Err(Unreached) => break,
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = owner;
    sent
}

/// The server could not be reached: the pass stops, the next one tries again.
#[cfg(feature = "hydrate")]
struct Unreached;

/// Sends one draft: the report unless it already made its case, then its photos.
#[cfg(feature = "hydrate")]
async fn send_one(draft: &Draft, sent: &mut Sent) -> Result<(), Unreached> {
    let mut case_id = draft.case_id as i64;
    if case_id == 0 {
        let Some(case) = draft.case() else {
            // Written by another version of the app: shown as refused, never
            // dropped unseen.
            let reason = serde_json::to_string(&AppError::Internal).unwrap_or_default();
            let _ = js::mark(&draft.key, "refused", &reason, 0.0).await;
            return Ok(());
        };
        match crate::api::cases::report_case(case).await {
            Ok(view) => {
                case_id = view.id;
                let _ = js::mark(&draft.key, "photos", "", case_id as f64).await;
            }
            // Not reached, no answer, or the session ended while offline:
            // try again on the next pass (after signing in again).
            Err(AppError::Transport(_) | AppError::Busy { .. } | AppError::NotSignedIn) => {
                return Err(Unreached)
            }
            Err(refusal) => {
                let reason = serde_json::to_string(&refusal).unwrap_or_default();
                let _ = js::mark(&draft.key, "refused", &reason, 0.0).await;
                return Ok(());
            }
        }
    }
    let files: Vec<web_sys::File> = match js::files(&draft.key).await {
        Ok(list) => js_sys::Array::from(&list)
            .iter()
            .filter_map(|f| wasm_bindgen::JsCast::dyn_into::<web_sys::File>(f).ok())
            .collect(),
        // The photos could not be read now: keep the draft for the next pass.
        Err(_) => return Err(Unreached),
    };
    let url = format!("/api/v1/cases/{case_id}/photos");
    for file in files {
        match super::photos::upload(&url, file).await {
            Ok(()) => {}
            Err(e) if e.refused => sent.refused_photos.push((case_id, e.message)),
            // The case exists: the next pass sends only the photos left.
            Err(_) => return Err(Unreached),
        }
        let _ = js::drop_first_file(&draft.key).await;
    }
    let _ = js::delete(&draft.key).await;
    sent.cases.push(case_id);
    Ok(())
}

/// The one outbox pass on this phone: this tab's flag (browsers without Web
/// Locks) and the lock all tabs share; both let go when the pass ends.
#[cfg(feature = "hydrate")]
struct Pass {
    release: js_sys::Function,
}

#[cfg(feature = "hydrate")]
thread_local! {
    static PASSING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(feature = "hydrate")]
impl Pass {
    async fn start() -> Option<Pass> {
        if PASSING.with(|p| p.replace(true)) {
            return None;
        }
        match wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(js::lock().await) {
            Ok(release) => Some(Pass { release }),
            Err(_) => {
                PASSING.with(|p| p.set(false));
                None
            }
        }
    }
}

#[cfg(feature = "hydrate")]
impl Drop for Pass {
    fn drop(&mut self) {
        let _ = self.release.call0(&wasm_bindgen::JsValue::NULL);
        PASSING.with(|p| p.set(false));
    }
}
