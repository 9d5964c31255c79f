//! How long browsers may keep the static files.
//!
//! The bundle's main files (`/pkg/gridlink.js`, `.wasm`, `.css`, the chunk loader)
//! keep their names from build to build, so browsers must ask each time
//! (`no-cache`: a cheap 304 when nothing changed) or a new page would meet an old
//! bundle and fail to hydrate. The lazily loaded chunks carry a hash of their
//! content in their names (scripts/hash-chunks.mjs): they never change, so
//! browsers keep them. The service worker must always be fresh, or a deploy is
//! not noticed.

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

const REVALIDATE: &str = "no-cache";
const FOREVER: &str = "public, max-age=31536000, immutable";
const A_DAY: &str = "public, max-age=86400";
const PAGE: &str = "private, no-cache";

/// The Cache-Control of a path: static files as above, pages private; `None`
/// for the API (it sets its own or none).
pub fn cache_control(path: &str) -> Option<&'static str> {
    if matches!(
        path,
        "/sw.js" | "/manifest.webmanifest" | "/offline.html" | "/offline.js"
    ) {
        return Some(REVALIDATE);
    }
    if let Some(file) = path.strip_prefix("/pkg/") {
        return Some(if is_hashed(file) { FOREVER } else { REVALIDATE });
    }
    if path.starts_with("/leaflet/") || path.starts_with("/icons/") || path == "/favicon.ico" {
        return Some(A_DAY);
    }
    // Pages embed the signed-in person (name, phone): never in a shared cache.
    if !path.starts_with("/api/") && !path.contains('.') {
        return Some(PAGE);
    }
    None
}

/// `chunk_12.0123456789ab.wasm`: a name with a 12-digit hex hash before `.wasm`.
fn is_hashed(file: &str) -> bool {
    file.strip_suffix(".wasm")
        .and_then(|stem| stem.rsplit_once('.'))
        .is_some_and(|(_, hash)| hash.len() == 12 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub async fn static_caching(req: Request, next: Next) -> Response {
    let policy = cache_control(req.uri().path());
    let mut res = next.run(req).await;
    if let Some(policy) = policy {
        if res.status().is_success() || res.status() == axum::http::StatusCode::NOT_MODIFIED {
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::cache_control;

    #[test]
    fn only_hashed_chunks_are_kept_and_the_bundle_is_revalidated() {
        assert_eq!(
            cache_control("/pkg/chunk_3.0123456789ab.wasm"),
            Some(super::FOREVER)
        );
        assert_eq!(
            cache_control("/pkg/split___me_route_view_1156.a1b2c3d4e5f6.wasm"),
            Some(super::FOREVER)
        );
        for path in [
            "/pkg/gridlink.wasm",
            "/pkg/gridlink.js",
            "/pkg/gridlink.css",
            "/pkg/__wasm_split.______________________.js",
            "/pkg/chunk_3.wasm",
            "/sw.js",
        ] {
            assert_eq!(cache_control(path), Some(super::REVALIDATE), "{path}");
        }
        assert_eq!(cache_control("/leaflet/leaflet.js"), Some(super::A_DAY));
        assert_eq!(cache_control("/board"), Some(super::PAGE));
        assert_eq!(cache_control("/"), Some(super::PAGE));
        assert_eq!(cache_control("/api/v1/wishes.json"), None);
    }
}
