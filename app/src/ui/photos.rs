//! Photos picked in a form: checked in the browser first (the server checks
//! again), then uploaded one by one as raw bodies to a photo endpoint.

use crate::domain::error::AppError;
#[cfg(feature = "hydrate")]
use crate::domain::error::{Field, InputProblem};
use leptos::prelude::*;

/// Why a photo did not reach the server, worded for the reader.
#[derive(Clone, Debug, PartialEq)]
pub struct UploadError {
    pub message: String,
    /// The server answered and refused this photo: sending it again will not help.
    pub refused: bool,
}

#[cfg(feature = "hydrate")]
pub fn picked(input: NodeRef<leptos::html::Input>) -> Vec<web_sys::File> {
    let Some(list) = input.get_untracked().and_then(|i| i.files()) else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

#[cfg(not(feature = "hydrate"))]
pub fn picked(_input: NodeRef<leptos::html::Input>) -> Vec<()> {
    Vec::new()
}

pub fn check(input: NodeRef<leptos::html::Input>) -> Result<(), AppError> {
    #[cfg(feature = "hydrate")]
    {
        let files = picked(input);
        if files.len() as u64 > 6 {
            return Err(AppError::invalid(Field::Photo, InputProblem::TooMany));
        }
        for f in files {
            if !matches!(
                f.type_().as_str(),
                "image/jpeg" | "image/png" | "image/webp"
            ) {
                return Err(AppError::invalid(Field::Photo, InputProblem::NotImage));
            }
            if f.size() > 10.0 * 1024.0 * 1024.0 {
                return Err(AppError::invalid(Field::Photo, InputProblem::TooLarge));
            }
        }
    }
    let _ = input;
    Ok(())
}

#[cfg(feature = "hydrate")]
pub async fn upload(url: &str, file: web_sys::File) -> Result<(), UploadError> {
    post_file(url, file).await.map(|_| ())
}

/// Posts a file as the raw body and answers the response's text (a JSON
/// answer the caller reads), or why it failed.
#[cfg(feature = "hydrate")]
pub async fn post_file(url: &str, file: web_sys::File) -> Result<String, UploadError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let lang = crate::ui::i18n::use_lang().get_untracked();
    let failed = || UploadError {
        message: AppError::Transport(String::new()).message(lang),
        refused: false,
    };
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&file);
    let window = web_sys::window().ok_or_else(failed)?;
    let resp: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|_| failed())?
        .dyn_into()
        .map_err(|_| failed())?;
    if resp.ok() {
        let text = match resp.text() {
            Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()),
            Err(_) => None,
        };
        return text.ok_or_else(failed);
    }
    // The server saying no to this photo itself: bad input (400), too large (413),
    // not an image (415). Anything else may pass later and must not cost the photo:
    // a session that ended (401), a case this person cannot reach now (403/404),
    // too many requests (429), a server or proxy error (5xx).
    let refused = matches!(resp.status(), 400 | 413 | 415);
    let text = match resp.text() {
        Ok(p) => JsFuture::from(p)
            .await
            .ok()
            .and_then(|t| t.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    // Photo endpoints are REST routes: they answer the JSON `ErrorBody`,
    // worded on the server in both languages.
    match serde_json::from_slice::<crate::domain::error::ErrorBody>(text.as_bytes()) {
        Ok(e) => Err(UploadError {
            message: e.message(lang).to_string(),
            refused,
        }),
        Err(_) => Err(failed()),
    }
}

#[cfg(not(feature = "hydrate"))]
pub async fn upload(_url: &str, _file: ()) -> Result<(), UploadError> {
    Ok(())
}

/// A photo picked in the browser (nothing on the server).
#[cfg(feature = "hydrate")]
pub type Picked = web_sys::File;
#[cfg(not(feature = "hydrate"))]
pub type Picked = ();

/// Uploads the picked photos in turn, showing "i/n" in `progress`; stops
/// at the first refusal and returns its message.
pub async fn upload_all(
    url: &str,
    files: Vec<Picked>,
    progress: RwSignal<Option<(usize, usize)>>,
) -> Result<(), String> {
    let n = files.len();
    for (i, f) in files.into_iter().enumerate() {
        progress.set(Some((i + 1, n)));
        if let Err(e) = upload(url, f).await {
            progress.set(None);
            return Err(e.message);
        }
    }
    Ok(())
}
