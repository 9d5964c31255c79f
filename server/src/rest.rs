//! Plain REST endpoints beside the server functions: health, the public grid
//! layer and point → grid, the board as open data, case photos and the live
//! stream. Every refusal is an `AppError` answered as the JSON `ErrorBody`
//! (`app::backend::http`); the caller comes from `crate::caller`.

use crate::caller::{Caller, Session, SignedIn};
use crate::extract::{ApiPath, ApiQuery};
use app::backend::AppState;
use app::domain::error::{AppError, Field, InputProblem};
use app::domain::geography::valid_lat_lng;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use std::collections::HashMap;

/// `GET /healthz`: 200 with the database kind, 503 when it does not answer.
pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.health().await {
        Ok(kind) => {
            Json(json!({"status": "ok", "database": kind, "grids": state.atlas().grid_count()}))
                .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "error", "database": "unreachable"})),
            )
                .into_response()
        }
    }
}

/// `GET /api/v1/grids.geojson`: the public grid layer (codes, names, kinds,
/// parent codes, staff as they consented). No private data.
pub async fn grids_geojson(State(state): State<AppState>) -> Response {
    let body = state.atlas().layer_json().to_string();
    (
        [
            (header::CONTENT_TYPE, "application/geo+json; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// `GET /api/v1/areas.geojson`: street and community outlines (code, name,
/// level) for the public map, which draws them by zoom level.
pub async fn areas_geojson(State(state): State<AppState>) -> Response {
    let body = state.atlas().areas_json().to_string();
    (
        [
            (header::CONTENT_TYPE, "application/geo+json; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// `GET /api/v1/locate?lat=…&lng=…`: `{"grid": {...}}`, or `{"grid": null}`
/// outside every grid; 400 `invalid_input` (`coordinates`) for bad ones.
pub async fn locate(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let coordinates = |problem| AppError::invalid(Field::Coordinates, problem);
    let field = |k: &str| q.get(k).map(|s| s.trim()).filter(|s| !s.is_empty());
    let (Some(lat), Some(lng)) = (field("lat"), field("lng")) else {
        return Err(coordinates(InputProblem::Required));
    };
    let (Ok(lat), Ok(lng)) = (lat.parse::<f64>(), lng.parse::<f64>()) else {
        return Err(coordinates(InputProblem::Unknown));
    };
    if !valid_lat_lng(lat, lng) {
        return Err(coordinates(InputProblem::OutOfRange));
    }
    Ok(Json(json!({"grid": state.atlas().locate(lat, lng)})).into_response())
}

/// `GET /api/v1/stream`: server-sent events for the signed-in user: one
/// `case` event (`{"case_id", "status"}`) whenever a case they may read
/// changes, and a `notice` event when they get a notification. Pages reload what they show; nothing private travels here.
/// The session is looked at again every [`STREAM_RECHECK`], and at once when
/// any server changes the user's sessions or roles: after logout,
/// disabling or deletion the stream ends, after expiry within the interval,
/// and a revoked role stops hearing what it no longer may read.
pub async fn case_stream(
    State(state): State<AppState>,
    Session { viewer, token }: Session,
) -> Response {
    use app::backend::services::{auth, cases};
    use axum::response::sse::{Event, KeepAlive, Sse};
    use futures::StreamExt;
    use tokio::sync::broadcast::error::RecvError;
    let cases_rx = state.case_events.subscribe();
    let notices_rx = state.notices.subscribe();
    let me = viewer.id;
    // The viewer as of the last check: roles can change while the page is open.
    let (viewer_tx, viewer_rx) = tokio::sync::watch::channel(viewer);
    // Notices carry no content: the page asks for its list when one arrives.
    let notices = futures::stream::unfold(notices_rx, move |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(n) if n.users.contains(&me) => {
                    let event = Event::default().event("notice").data("{}");
                    return Some((Ok::<Event, std::convert::Infallible>(event), rx));
                }
                Ok(_) | Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            }
        }
    });
    let cases = futures::stream::unfold((cases_rx, viewer_rx), |(mut rx, viewer)| async move {
        loop {
            match rx.recv().await {
                Ok(e) if cases::may_hear(&viewer.borrow(), &e) => {
                    let event = Event::default()
                        .event("case")
                        .json_data(&e)
                        .unwrap_or_default();
                    return Some((Ok::<Event, std::convert::Infallible>(event), (rx, viewer)));
                }
                Ok(_) | Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            }
        }
    });
    // Resolves when the session no longer stands. The look does not count
    // as a use, so an open tab nobody touches still goes idle and ends.
    let mut forgotten = Some(state.sessions.forgotten());
    let session_over = async move {
        let mut tick = tokio::time::interval(STREAM_RECHECK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The first tick is at once: a change between the session's check
        // and `forgotten`'s subscription is seen (the look is served from
        // the session just kept).
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                heard = async {
                    match forgotten.as_mut() {
                        Some(rx) => rx.recv().await,
                        None => std::future::pending().await,
                    }
                } => match heard {
                    Ok(users) if !users.contains(&me) => continue,
                    // Ours, or missed some: look now.
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => {
                        forgotten = None;
                        continue;
                    }
                },
            }
            match auth::live_viewer(&state, &token).await {
                Ok(Some(v)) => {
                    let _ = viewer_tx.send(v);
                }
                Ok(None) => return,
                // A database hiccup is not a logout: look again next time.
                Err(e) => tracing::warn!(error = ?e, "stream session check failed"),
            }
        }
    };
    let stream = futures::stream::select(cases, notices).take_until(Box::pin(session_over));
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// How often a live-update stream checks that its session still stands.
const STREAM_RECHECK: std::time::Duration = std::time::Duration::from_secs(30);

/// `GET /api/v1/board.json`: the public board as open data. Filters:
/// `grid`, `community`, `status`, `category` (id), `since` (RFC 3339);
/// pages: `after` (the last id seen), `limit` (≤ 100). Answers
/// `{"items": [...], "next": id | null}`.
pub async fn board_json(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<HashMap<String, String>>,
) -> Result<Response, AppError> {
    use app::backend::services::cases;
    use app::backend::store::cases::Filter;
    use app::domain::case::CaseStatus;
    let text = |k: &str| {
        q.get(k)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let bad = |f| Err(AppError::invalid(f, InputProblem::Unknown));
    let statuses = match text("status") {
        Some(s) => match CaseStatus::parse(&s) {
            Some(st) => vec![st],
            None => return bad(Field::Query),
        },
        None => Vec::new(),
    };
    let number = |k: &str| text(k).map(|v| v.parse::<i64>());
    let category_ids = match number("category") {
        Some(Ok(c)) => vec![c],
        Some(Err(_)) => return bad(Field::Category),
        None => Vec::new(),
    };
    let since = match text("since").map(|s| chrono::DateTime::parse_from_rfc3339(&s)) {
        Some(Ok(t)) => Some(t.with_timezone(&chrono::Utc)),
        Some(Err(_)) => return bad(Field::Query),
        None => None,
    };
    let (after, limit) = match (number("after"), number("limit")) {
        (Some(Err(_)), _) | (_, Some(Err(_))) => return bad(Field::Query),
        (a, l) => (
            a.and_then(Result::ok),
            l.and_then(Result::ok).unwrap_or(20).clamp(1, 100) as u64,
        ),
    };
    let filter = Filter {
        statuses,
        category_ids,
        grid: text("grid").map(|g| g.to_ascii_uppercase()),
        community: text("community").map(|c| c.to_ascii_uppercase()),
        since,
        ..Default::default()
    };
    let items = cases::board(&state, filter, after, limit).await?;
    let next = (items.len() as u64 == limit)
        .then(|| items.last().map(|i| i.id))
        .flatten();
    Ok(Json(json!({"items": items, "next": next})).into_response())
}

/// The answer to a photo upload: the photo's links, or the JSON error the
/// UI words, with 413 for a body over the limit (as the body-size layer
/// answers).
pub(crate) fn photo_answer<T: serde::Serialize>(result: Result<T, AppError>) -> Response {
    match result {
        Ok(photo) => Json(photo).into_response(),
        Err(e) => {
            let too_large = e == AppError::invalid(Field::Photo, InputProblem::TooLarge);
            let mut res = e.into_response();
            if too_large {
                *res.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
            }
            res
        }
    }
}

/// Whether an error in reading a body is its length limit, however deeply
/// the layers wrapped it.
fn over_limit(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(err) = cause {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        cause = err.source();
    }
    false
}

/// Reads a photo upload's body, at most `MAX_PHOTO_BYTES`, into one buffer
/// sized from its declared length (no second copy). Call it only once the
/// caller may add the photo and holds a place in the photo queue: until
/// then nothing of the body is read.
/// A place in the queue in front of the decoders, or the refusal — with
/// the body read through and dropped first (nothing of it kept), so the
/// phone reads "服务器正忙" instead of a broken connection.
pub(crate) async fn admit_upload(
    user: i64,
    body: axum::body::Body,
) -> Result<(app::backend::photo::Admission, axum::body::Body), AppError> {
    use http_body_util::BodyExt;
    match app::backend::photo::admit(user) {
        Ok(place) => Ok((place, body)),
        Err(problem) => {
            let mut rest = http_body_util::Limited::new(body, app::backend::photo::MAX_PHOTO_BYTES);
            while let Some(Ok(_)) = rest.frame().await {}
            Err(app::backend::services::photos::refusal(problem))
        }
    }
}

pub(crate) async fn read_photo(
    body: axum::body::Body,
    headers: &axum::http::HeaderMap,
) -> Result<Vec<u8>, AppError> {
    read_body(
        body,
        headers,
        app::backend::photo::MAX_PHOTO_BYTES,
        Field::Photo,
    )
    .await
}

/// An uploaded file's bytes, refused as `field` too large above `max`.
pub(crate) async fn read_body(
    body: axum::body::Body,
    headers: &axum::http::HeaderMap,
    max: usize,
    field: Field,
) -> Result<Vec<u8>, AppError> {
    use http_body_util::BodyExt;
    let too_large = || AppError::invalid(field, InputProblem::TooLarge);
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > max) {
        return Err(too_large());
    }
    let mut body = http_body_util::Limited::new(body, max);
    let mut out = Vec::with_capacity(declared.unwrap_or(0));
    while let Some(frame) = body.frame().await {
        match frame {
            Ok(frame) => {
                if let Some(data) = frame.data_ref() {
                    out.extend_from_slice(data);
                }
            }
            Err(e) if over_limit(&*e) => return Err(too_large()),
            Err(e) => {
                // The phone lost its connection mid-upload; nobody reads this.
                tracing::info!(error = %e, "upload broke off");
                return Err(AppError::invalid(field, InputProblem::Unknown));
            }
        }
    }
    Ok(out)
}

/// `POST /api/v1/cases/{id}/photos`: one photo as the raw request body
/// (JPEG, PNG or WebP, ≤ 10 MB, ≤ 8000 px a side, ≤ 6 a case). Answers the
/// photo's links. The body is read only after the caller is known to see
/// the case and has a place in the photo queue, so a stranger's 10 MB costs
/// one lookup, and a burst of uploads is answered "busy" instead of piling
/// up in memory.
pub async fn upload_photo(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<HashMap<String, String>>,
    SignedIn(viewer): SignedIn,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> Response {
    use app::backend::services::cases;
    use app::domain::case::PhotoPhase;
    photo_answer(
        async {
            // `?phase=before|after`: staff photos taken when handling the case.
            let phase = match q.get("phase").map(String::as_str) {
                None | Some("") => None,
                Some(p) => Some(
                    PhotoPhase::parse(p)
                        .ok_or(AppError::invalid(Field::Photo, InputProblem::Unknown))?,
                ),
            };
            // NotFound for a case the caller may not read, as for a missing
            // one. `add_photo` checks everything again once the photo is here.
            cases::may_add_photo(&state, &viewer, id, phase).await?;
            let (_place, body) = admit_upload(viewer.id, body).await?;
            let bytes = read_photo(body, &headers).await?;
            cases::add_photo(&state, &viewer, id, bytes, phase).await
        }
        .await,
    )
}

/// `GET /api/v1/photos/{id}` (`?thumb=1` for the thumbnail).
pub async fn photo(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<HashMap<String, String>>,
    Caller(viewer): Caller,
) -> Result<Response, AppError> {
    let (bytes, on_board) =
        app::backend::services::cases::photo_bytes(&state, viewer.as_ref(), id, wants_thumb(&q))
            .await?;
    Ok(jpeg(bytes, on_board.then_some("private, max-age=86400")))
}

/// `?thumb=1` asks for a photo's thumbnail.
pub(crate) fn wants_thumb(q: &HashMap<String, String>) -> bool {
    q.get("thumb").is_some_and(|v| v == "1")
}

/// A stored photo (always re-encoded as JPEG). Only photos everyone may
/// see get a `cache` policy; the rest stay out of every cache, the
/// browser's included (a claimer who gives a wish back, a follower who
/// lost sight of a case).
pub(crate) fn jpeg(bytes: Vec<u8>, cache: Option<&'static str>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, cache.unwrap_or("no-store")),
        ],
        bytes,
    )
        .into_response()
}

/// `POST /api/v1/visits/{id}/photos`: one photo of a visit on the caller's
/// running patrol, as the raw body (the same checks as a case photo).
pub async fn upload_visit_photo(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    SignedIn(viewer): SignedIn,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> Response {
    use app::backend::services::patrols;
    photo_answer(
        async {
            patrols::may_add_photo(&state, &viewer, id).await?;
            let (_place, body) = admit_upload(viewer.id, body).await?;
            let bytes = read_photo(body, &headers).await?;
            patrols::add_photo(&state, &viewer, id, bytes).await
        }
        .await,
    )
}

/// `GET /api/v1/visit-photos/{id}` (`?thumb=1`): for those who may read the patrol.
pub async fn visit_photo(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<HashMap<String, String>>,
    SignedIn(viewer): SignedIn,
) -> Result<Response, AppError> {
    let bytes =
        app::backend::services::patrols::photo_bytes(&state, &viewer, id, wants_thumb(&q)).await?;
    Ok(jpeg(bytes, None))
}
