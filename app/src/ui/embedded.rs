//! Data the server writes into the page as `<script type="application/json">`
//! (the signed-in user, the map's settings), so the browser starts from it
//! without a request and without a resource: a resource and its `<Suspense>`
//! cost the first download ~18 KB gzip on the map page alone
//! (docs/performance.md, session 25), and streamed pages with several
//! resources can stall (leptos-rs/leptos#4851, #4578).

/// `value` as JSON safe inside a `<script>` element ("null" if it cannot be written).
pub fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "null".into())
        .replace('<', "\\u003c")
}

/// The value the server embedded under `id`; None when this page has none
/// (reached by in-app navigation from a page rendered without it).
#[cfg(feature = "hydrate")]
pub fn read<T: serde::de::DeserializeOwned>(id: &str) -> Option<T> {
    let text = web_sys::window()?
        .document()?
        .get_element_by_id(id)?
        .text_content()?;
    serde_json::from_slice(text.as_bytes()).ok()
}
