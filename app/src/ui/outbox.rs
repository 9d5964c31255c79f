//! Reports filled in without a connection (issue 9, offline capture).
//!
//! The report form puts a report it cannot send into the phone's outbox
//! (IndexedDB, `outbox.js`) with its photos and its idempotency key; the outbox
//! sends it when the connection returns: the report first (a resend after a lost
//! answer gives back the same case), then its photos to that case. A report the
//! server refuses (a retired category, say) stays with the reason until the person
//! edits or discards it. Drafts belong to the person who wrote them: another
//! person signed in on the same phone neither sees nor sends them.

use crate::domain::case::NewCase;
use crate::domain::error::AppError;
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
        serde_json::from_str(&self.json).ok()
    }

    /// Why the server refused it, as an error to word in the reader's language.
    pub fn refusal(&self) -> Option<AppError> {
        (self.state == "refused")
            .then(|| serde_json::from_str(&self.reason).ok())
            .flatten()
    }
}

/// What one pass over the outbox did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sent {
    /// Cases that reached the server, with all their photos.
    pub cases: Vec<i64>,
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
            .and_then(|s| serde_json::from_str(&s).ok())
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
/// refused draft is marked and the next one goes on.
pub async fn send_all(owner: &str) -> Sent {
    #[cfg_attr(not(feature = "hydrate"), allow(unused_mut))]
    let mut sent = Sent::default();
    // One pass at a time in this tab: a second one would upload the same photos.
    #[cfg(feature = "hydrate")]
    let Some(_pass) = Pass::start() else {
        return sent;
    };
    // Only as the person who wrote them: whoever is signed in now may be someone
    // else (a sign-out and sign-in in another tab while this page stayed open).
    #[cfg(feature = "hydrate")]
    match crate::api::auth::session_user().await {
        Ok(Some(user)) if user.phone == owner => {}
        _ => return sent,
    }
    #[cfg(feature = "hydrate")]
    for draft in drafts(owner).await {
        if draft.state == "refused" {
            continue;
        }
        let mut case_id = draft.case_id as i64;
        if case_id == 0 {
            let Some(case) = draft.case() else {
                // Written by another version of the app: shown as refused, never
                // dropped unseen.
                let reason = serde_json::to_string(&AppError::Internal).unwrap_or_default();
                let _ = js::mark(&draft.key, "refused", &reason, 0.0).await;
                continue;
            };
            match crate::api::cases::report_case(case).await {
                Ok(view) => {
                    case_id = view.id;
                    let _ = js::mark(&draft.key, "photos", "", case_id as f64).await;
                }
                // Not reached, no answer, or the session ended while offline:
                // try again on the next pass (after signing in again).
                Err(AppError::Transport(_) | AppError::Busy { .. } | AppError::NotSignedIn) => {
                    break
                }
                Err(refusal) => {
                    let reason = serde_json::to_string(&refusal).unwrap_or_default();
                    let _ = js::mark(&draft.key, "refused", &reason, 0.0).await;
                    continue;
                }
            }
        }
        let files: Vec<web_sys::File> = match js::files(&draft.key).await {
            Ok(list) => js_sys::Array::from(&list)
                .iter()
                .filter_map(|f| wasm_bindgen::JsCast::dyn_into::<web_sys::File>(f).ok())
                .collect(),
            // The photos could not be read now: keep the draft for the next pass.
            Err(_) => break,
        };
        let url = format!("/api/v1/cases/{case_id}/photos");
        let mut photos_sent = true;
        for file in files {
            if super::photos::upload(&url, file).await.is_err() {
                photos_sent = false;
                break;
            }
            let _ = js::drop_first_file(&draft.key).await;
        }
        if !photos_sent {
            // The case exists: the next pass sends only the photos.
            break;
        }
        let _ = js::delete(&draft.key).await;
        sent.cases.push(case_id);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = owner;
    sent
}

/// The one outbox pass of this tab (dropped when the pass ends).
#[cfg(feature = "hydrate")]
struct Pass;

#[cfg(feature = "hydrate")]
thread_local! {
    static PASSING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(feature = "hydrate")]
impl Pass {
    fn start() -> Option<Pass> {
        PASSING.with(|p| (!p.replace(true)).then_some(Pass))
    }
}

#[cfg(feature = "hydrate")]
impl Drop for Pass {
    fn drop(&mut self) {
        PASSING.with(|p| p.set(false));
    }
}
