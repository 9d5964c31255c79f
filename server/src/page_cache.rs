//! A one-second cache of the public board as a stranger sees it.
//!
//! `/board` is the page people share (a WeChat link can bring thousands of
//! phones in a minute), and rendering it costs about ten times serving a
//! static file of its size (`make bench-scale`). A stranger's board depends
//! only on public cases, category names and the language, so the page
//! rendered for one stranger is kept for [`FRESH`] and handed to the next,
//! with that request's own CSP nonce written in. Anyone with a session
//! cookie gets a fresh render (their page names them). Every case change
//! this server hears — its own, or another server's through the bus —
//! forgets the kept pages at once; a renamed category shows within [`FRESH`].
//!
//! While one stranger's render is under way, other strangers asking for the
//! same page wait for it (at most [`WAIT`]) and are handed its result
//! rather than render it too.
//!
//! Whatever the render reads from the request must be in the key: today
//! the path and query, the session cookie (kept pages are for requests
//! without one) and the language cookie (`request::lang`).

use app::backend::state::CaseChanged;
use app::backend::AppState;
use app::domain::lang::Lang;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::broadcast::{error::TryRecvError, Receiver};

/// How long a kept page is handed out.
const FRESH: Duration = Duration::from_secs(1);
/// How long a stranger waits for another's render of the same page before
/// rendering their own (under load a render can take longer than FRESH).
const WAIT: Duration = Duration::from_secs(5);
/// Pages kept at most (each query of the board is its own page).
const MAX_PAGES: usize = 64;
/// The most of a page read into memory (the board's first page is ~16 KB).
const MAX_BYTES: usize = 2 * 1024 * 1024;
/// Says whether a stranger's page came from the cache (`hit`) or was
/// rendered (`miss`), as CDNs do; tests and operators read it.
const STATUS_HEADER: &str = "x-page-cache";

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

type Key = (String, Lang);

/// A render under way for a key: those who ask for the same page meanwhile
/// wait for it instead of rendering it again (when a page expires or a
/// case changes, every waiting stranger would otherwise render at once).
struct Flight {
    generation: u64,
    /// Carries the page once rendered (whether or not there is room to
    /// keep it); closed when the render ends, finished or cancelled.
    done: tokio::sync::watch::Receiver<Option<Arc<Rendered>>>,
}

/// A page handed from the render to those who waited for it.
struct Rendered {
    headers: HeaderMap,
    nonce: String,
    body: Bytes,
}

struct Inner {
    pages: HashMap<Key, Page>,
    flights: HashMap<Key, Flight>,
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
            flights: HashMap::new(),
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
            // Renders begun before the change are not waited for.
            inner.flights.clear();
            inner.generation += 1;
        }
        inner.generation
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves only pages behind.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Serves a stranger's `/board` from the cache, or renders and keeps it.
/// Everything else passes through untouched.
pub async fn public_pages(State(cache): State<PageCache>, req: Request, next: Next) -> Response {
    if req.method() != Method::GET
        || !cached_path(req.uri().path())
        || crate::caller::carries_session(req.headers())
    {
        return next.run(req).await;
    }
    let Some(nonce) = req
        .extensions()
        .get::<leptos::nonce::Nonce>()
        .map(|n| n.to_string())
    else {
        return next.run(req).await;
    };
    // The same first `Cookie` header `request::lang` reads for the render.
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
    // At most one wait: if the render waited for brings no page (an
    // error, a case changed meanwhile), this request renders its own.
    let mut waited = false;
    let (generation, flight) = loop {
        let look = {
            let mut inner = cache.lock();
            let generation = PageCache::settle(&mut inner);
            match inner.pages.get(&key).filter(|p| p.at.elapsed() < FRESH) {
                Some(p) => Look::Kept(p.headers.clone(), p.nonce.clone(), p.body.clone()),
                None => match inner.flights.get(&key) {
                    Some(f) if !waited && f.generation == generation => Look::Wait(f.done.clone()),
                    _ => {
                        let (tx, done) = tokio::sync::watch::channel(None);
                        inner
                            .flights
                            .insert(key.clone(), Flight { generation, done });
                        Look::Render(
                            generation,
                            FlightGuard {
                                cache: cache.clone(),
                                key: key.clone(),
                                tx,
                            },
                        )
                    }
                },
            }
        };
        match look {
            // The copy is made outside the lock: hits do not wait for each other.
            Look::Kept(headers, old, body) => return hand_out(headers, &old, &body, &nonce),
            Look::Wait(mut done) => {
                waited = true;
                // Ends when the page comes or the render's guard drops.
                let _ = tokio::time::timeout(WAIT, done.changed()).await;
                let page = done.borrow().clone();
                if let Some(p) = page {
                    return hand_out(p.headers.clone(), &p.nonce, &p.body, &nonce);
                }
            }
            Look::Render(generation, guard) => break (generation, guard),
        }
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
    let (mut parts, body) = res.into_parts();
    let body = match axum::body::to_bytes(body, MAX_BYTES).await {
        Ok(b) => b,
        Err(e) => {
            // The render failed part-way or outgrew any board page: the
            // page would be cut off, so an error, never half a page.
            tracing::warn!(error = %e, "a stranger's board page could not be read whole");
            return Response::builder()
                .status(StatusCode::INTERNAL_SERVER_ERROR)
                .body(Body::empty())
                .unwrap_or_default();
        }
    };
    // Kept only when the nonce can be found again: otherwise every copy
    // would carry one stale nonce that the CSP header no longer allows.
    let renewable = std::str::from_utf8(&body).is_ok_and(|t| t.contains(&nonce));
    if !renewable {
        tracing::warn!("a stranger's board page without its nonce was not kept");
    } else {
        let mut inner = cache.lock();
        if PageCache::settle(&mut inner) == generation {
            // Those waiting get it even when there is no room to keep it.
            flight.tx.send_replace(Some(Arc::new(Rendered {
                headers: parts.headers.clone(),
                nonce: nonce.clone(),
                body: body.clone(),
            })));
            inner.pages.retain(|_, p| p.at.elapsed() < FRESH);
            // Full of fresh pages (many queries at once): this one is not
            // kept, rather than pushing out the ones in use.
            if inner.pages.len() < MAX_PAGES {
                inner.pages.insert(
                    key,
                    Page {
                        at: Instant::now(),
                        headers: parts.headers.clone(),
                        nonce,
                        body: body.clone(),
                    },
                );
            }
        }
    }
    parts
        .headers
        .insert(STATUS_HEADER, HeaderValue::from_static("miss"));
    Response::from_parts(parts, Body::from(body))
}

enum Look {
    Kept(HeaderMap, String, Bytes),
    Wait(tokio::sync::watch::Receiver<Option<Arc<Rendered>>>),
    Render(u64, FlightGuard),
}

/// Held by the request rendering a page: when it ends — kept, refused, or
/// the visitor gone mid-render — the flight is over and those waiting wake.
struct FlightGuard {
    cache: PageCache,
    key: Key,
    tx: tokio::sync::watch::Sender<Option<Arc<Rendered>>>,
}

impl Drop for FlightGuard {
    fn drop(&mut self) {
        let mut inner = self.cache.lock();
        // Only its own flight: after a change another may have begun.
        if inner
            .flights
            .get(&self.key)
            .is_some_and(|f| f.done.same_channel(&self.tx.subscribe()))
        {
            inner.flights.remove(&self.key);
        }
    }
}

/// A kept page with this request's nonce in place of the one it was
/// rendered with (the CSP header, set outside, carries the new one).
fn hand_out(headers: HeaderMap, old: &str, body: &Bytes, nonce: &str) -> Response {
    // Kept pages are UTF-8 with their nonce in them (checked on keeping).
    let text = String::from_utf8_lossy(body).replace(old, nonce);
    let mut res = Response::new(Body::from(text));
    *res.headers_mut() = headers;
    res.headers_mut().remove(header::CONTENT_LENGTH);
    res.headers_mut()
        .insert(STATUS_HEADER, HeaderValue::from_static("hit"));
    res
}
