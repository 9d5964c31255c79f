//! A one-second cache of the public board as a stranger sees it.
//!
//! `/board` is the page people share (a WeChat link can bring thousands of
//! phones in a minute), and rendering it costs about ten times serving a
//! static file of its size (`make bench-scale`). A stranger's board depends
//! only on public cases, the query and the language, so the page rendered
//! for one stranger is kept for [`FRESH`] and handed to the next, with that
//! request's own CSP nonce written in. Anyone with a session cookie gets a
//! fresh render (their page names them), and every case change forgets the
//! cache at once — on this server or, through the bus, another — so a case
//! made public shows on the next load, not a second later.

use app::backend::state::CaseChanged;
use app::backend::AppState;
use app::domain::lang::Lang;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::broadcast::{error::TryRecvError, Receiver};

/// How long a kept page is handed out.
const FRESH: Duration = Duration::from_secs(1);
/// Pages kept at most (each query of the board is its own page).
const MAX_PAGES: usize = 64;
/// The most of a page read into memory (the board's first page is ~16 KB).
const MAX_BYTES: usize = 8 * 1024 * 1024;

/// The paths whose stranger's page is kept.
fn cached_path(path: &str) -> bool {
    path == "/board"
}

struct Page {
    at: Instant,
    headers: HeaderMap,
    /// The nonce the page was rendered with, replaced on each hand-out.
    nonce: String,
    body: Bytes,
}

struct Inner {
    pages: HashMap<(String, Lang), Page>,
    /// Case changes heard since the last look.
    changes: Receiver<CaseChanged>,
    /// Counts the times the pages were forgotten: a render that began
    /// before a change is not kept after it.
    generation: u64,
}

#[derive(Clone)]
pub struct PageCache(Arc<Mutex<Inner>>);

impl PageCache {
    pub fn new(state: &AppState) -> PageCache {
        PageCache(Arc::new(Mutex::new(Inner {
            pages: HashMap::new(),
            changes: state.case_events.subscribe(),
            generation: 0,
        })))
    }

    /// Forgets every page if a case changed since the last look; the
    /// generation after that.
    fn settle(inner: &mut Inner) -> u64 {
        let mut changed = false;
        // A lagged channel lost changes: it counts as one.
        while let Ok(_) | Err(TryRecvError::Lagged(_)) = inner.changes.try_recv() {
            changed = true;
        }
        if changed {
            inner.pages.clear();
            inner.generation += 1;
        }
        inner.generation
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves only pages behind.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Whether the request is a stranger's (no session cookie at all: an
/// expired one still gets a fresh render, which signs it out).
fn strangers(req: &Request) -> bool {
    let cookies = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(";");
    !cookies
        .split(';')
        .filter_map(|kv| kv.trim().split_once('='))
        .any(|(k, _)| k == app::backend::services::auth::COOKIE)
        && !req.headers().contains_key(header::AUTHORIZATION)
}

fn nonce_of(req: &Request) -> Option<String> {
    req.extensions()
        .get::<leptos::nonce::Nonce>()
        .map(|n| n.to_string())
}

pub async fn public_pages(State(cache): State<PageCache>, req: Request, next: Next) -> Response {
    if req.method() != Method::GET || !cached_path(req.uri().path()) || !strangers(&req) {
        return next.run(req).await;
    }
    let Some(nonce) = nonce_of(&req) else {
        return next.run(req).await;
    };
    let lang = Lang::from_cookie_header(
        req.headers()
            .get(header::COOKIE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
    );
    let key = (
        req.uri()
            .path_and_query()
            .map_or_else(String::new, |p| p.as_str().to_string()),
        lang,
    );
    let generation = {
        let mut inner = cache.lock();
        let generation = PageCache::settle(&mut inner);
        if let Some(page) = inner.pages.get(&key).filter(|p| p.at.elapsed() < FRESH) {
            return hand_out(page, &nonce);
        }
        generation
    };

    let res = next.run(req).await;
    let keep = res.status() == StatusCode::OK
        && !res.headers().contains_key(header::SET_COOKIE)
        && res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"));
    if !keep {
        return res;
    }
    let (parts, body) = res.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_BYTES).await else {
        // The render failed part-way (the page was cut off anyway): an
        // error, never half a page.
        return Response::builder()
            .status(StatusCode::INTERNAL_SERVER_ERROR)
            .body(Body::empty())
            .unwrap_or_default();
    };
    {
        let mut inner = cache.lock();
        if PageCache::settle(&mut inner) == generation {
            if inner.pages.len() >= MAX_PAGES {
                inner.pages.clear();
            }
            inner.pages.insert(
                key,
                Page {
                    at: Instant::now(),
                    headers: parts.headers.clone(),
                    nonce: nonce.clone(),
                    body: body.clone(),
                },
            );
        }
    }
    Response::from_parts(parts, Body::from(body))
}

/// A kept page with this request's nonce in place of the one it was
/// rendered with (the CSP header, set outside, carries the new one).
fn hand_out(page: &Page, nonce: &str) -> Response {
    let body = match std::str::from_utf8(&page.body) {
        Ok(text) if !page.nonce.is_empty() => Bytes::from(text.replace(&page.nonce, nonce)),
        _ => page.body.clone(),
    };
    let mut res = Response::new(Body::from(body));
    *res.headers_mut() = page.headers.clone();
    res.headers_mut().remove(header::CONTENT_LENGTH);
    res
}
