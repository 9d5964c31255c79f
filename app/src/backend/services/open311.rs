//! Open311 GeoReport v2, what anyone may read (issue 13): discovery, the
//! service list from our two-level catalogue (`group` = the first level,
//! `service_code` = the category's id, stable across renames), service
//! definitions, and the public cases as service requests — the cases the
//! public board shows (`policy::on_public_board`), with what their public
//! page shows of them (status, deadline, community) and no description,
//! no person, places blurred as on the board.

use super::cases::{photo_ref, settings};
use crate::backend::open311::{Open311Error, Val};
use crate::backend::state::AppState;
use crate::backend::store::cases::{self as db, CaseRow, Filter, Scope};
use crate::backend::store::open311::{self, Client};
use crate::backend::store::photos;
use crate::domain::case::{blur, CaseStatus};
use crate::domain::error::AppError;
use crate::domain::lang::Lang;
use crate::domain::policy;
use chrono::{DateTime, Duration, FixedOffset, SecondsFormat, Utc};
use std::collections::HashMap;

/// The window `requests` covers when no dates are given (the spec's 90 days).
pub const WINDOW_DAYS: i64 = 90;
/// At most this many requests in one answer (the spec's 1,000).
pub const CAP: u64 = 1000;
/// When this endpoint's interface last changed (discovery's `changeset`).
pub const CHANGESET: &str = "2026-12-03T00:00:00Z";

/// China time, with its zone, as the spec's ISO 8601 wants.
fn time(t: DateTime<Utc>) -> Val {
    let china = FixedOffset::east_opt(8 * 3600).expect("a valid offset");
    Val::str(
        t.with_timezone(&china)
            .to_rfc3339_opts(SecondsFormat::Secs, false),
    )
}

/// `discovery`: where the v2 endpoint is and what it speaks.
pub fn discovery(base: &str, changeset: DateTime<Utc>) -> Val {
    Val::Rec(vec![
        ("changeset", time(changeset)),
        ("contact", Val::str("网格通 GridLink")),
        (
            "key_service",
            Val::str("API keys are issued by the district's system administrators."),
        ),
        (
            "endpoints",
            Val::List(
                "endpoint",
                vec![Val::Rec(vec![
                    (
                        "specification",
                        Val::str("http://wiki.open311.org/GeoReport_v2"),
                    ),
                    ("url", Val::str(format!("{base}/open311/v2"))),
                    ("changeset", time(changeset)),
                    ("type", Val::str("production")),
                    (
                        "formats",
                        Val::List(
                            "format",
                            vec![Val::str("text/xml"), Val::str("application/json")],
                        ),
                    ),
                ])],
            ),
        ),
    ])
}

/// Every active category under an active first level, as a service.
pub async fn services(state: &AppState) -> Result<Val, AppError> {
    let s = settings(state).await?;
    let groups: HashMap<i64, &str> = s
        .categories
        .iter()
        .filter(|c| c.parent_id.is_none() && c.active)
        .map(|c| (c.id, c.name.as_str()))
        .collect();
    let list = s
        .categories
        .iter()
        .filter(|c| c.active)
        .filter_map(|c| {
            let group = groups.get(&c.parent_id?)?;
            Some(Val::Rec(vec![
                ("service_code", Val::str(c.id.to_string())),
                ("service_name", Val::str(c.name.clone())),
                ("description", Val::str(format!("{group} · {}", c.name))),
                // No extra attributes: a definition lists none.
                ("metadata", Val::Bool(false)),
                ("type", Val::str("realtime")),
                ("keywords", Val::str(format!("{group}, {}", c.name))),
                ("group", Val::str(*group)),
            ]))
        })
        .collect();
    Ok(Val::List("service", list))
}

/// A service's definition (its attributes: none), or none for a code that
/// is no active service.
pub async fn definition(state: &AppState, code: &str) -> Result<Option<Val>, AppError> {
    let s = settings(state).await?;
    let found = code.parse::<i64>().ok().and_then(|id| {
        s.categories
            .iter()
            .find(|c| c.id == id && c.active && c.parent_id.is_some())
    });
    Ok(found.map(|c| {
        Val::Rec(vec![
            ("service_code", Val::str(c.id.to_string())),
            ("attributes", Val::List("attribute", Vec::new())),
        ])
    }))
}

/// A time the spec's way (ISO 8601 with its zone). A `+hh:mm` zone sent
/// unencoded in a query arrives with a space for its `+`: read as meant.
fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .or_else(|_| {
            let n = s.len();
            let fixed = match s.get(n.saturating_sub(6)..n.saturating_sub(5)) {
                Some(" ") => format!("{}+{}", &s[..n - 6], &s[n - 5..]),
                _ => s.to_string(),
            };
            DateTime::parse_from_rfc3339(&fixed)
        })
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// `start_date` and `end_date`, read alike by `requests` and the updates.
type Window = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

fn dates(q: &HashMap<String, String>) -> Result<Window, Open311Error> {
    let read = |k: &str| -> Result<Option<DateTime<Utc>>, Open311Error> {
        match q.get(k).map(|s| s.trim_start()) {
            Some(v) if !v.trim().is_empty() => parse_time(v.trim_end_matches(['\n', '\r', '\t']))
                .map(Some)
                .ok_or_else(|| Open311Error::new(400, format!("{k} is not valid"))),
            _ => Ok(None),
        }
    };
    let (start, end) = (read("start_date")?, read("end_date")?);
    if let (Some(s), Some(e)) = (start, end) {
        if s > e {
            return Err(Open311Error::new(400, "start_date is after end_date"));
        }
    }
    Ok((start, end))
}

/// The filters of `GET requests`, as the spec names them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RequestQuery {
    pub ids: Vec<i64>,
    /// Any of these services (the spec: comma-delimited).
    pub service_codes: Vec<i64>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    /// `open` (true) or `closed` (false).
    pub open: Option<bool>,
}

impl RequestQuery {
    /// Reads the spec's parameters; a value that is none of theirs is a 400.
    pub fn parse(q: &HashMap<String, String>) -> Result<RequestQuery, Open311Error> {
        let text = |k: &str| q.get(k).map(|s| s.trim()).filter(|s| !s.is_empty());
        let bad = |what: &str| Open311Error::new(400, format!("{what} is not valid"));
        // The spec's lists are comma-delimited.
        let numbers = |k: &str| -> Result<Vec<i64>, Open311Error> {
            let mut out: Vec<i64> = match text(k) {
                Some(s) => s
                    .split(',')
                    .map(|x| x.trim().parse::<i64>().map_err(|_| bad(k)))
                    .collect::<Result<_, _>>()?,
                None => Vec::new(),
            };
            out.sort_unstable();
            out.dedup();
            Ok(out)
        };
        let ids = numbers("service_request_id")?;
        if ids.len() as u64 > CAP {
            return Err(bad("service_request_id"));
        }
        let service_codes = numbers("service_code")?;
        let mut open = (false, false);
        for s in text("status").map(|s| s.split(',')).into_iter().flatten() {
            match s.trim().to_ascii_lowercase().as_str() {
                "open" => open.0 = true,
                "closed" => open.1 = true,
                _ => return Err(bad("status")),
            }
        }
        let (start, end) = dates(q)?;
        Ok(RequestQuery {
            ids,
            service_codes,
            start,
            end,
            // Both (or neither) asked for: no narrowing.
            open: match open {
                (true, false) => Some(true),
                (false, true) => Some(false),
                _ => None,
            },
        })
    }

    /// The span asked for, the 90-day default filling what is not given.
    pub fn window(&self, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        let span = Duration::days(WINDOW_DAYS);
        match (self.start, self.end) {
            (Some(s), Some(e)) => (s, e),
            (Some(s), None) => (s, s + span),
            (None, Some(e)) => (e - span, e),
            (None, None) => (now - span, now),
        }
    }
}

/// Our statuses as the spec's two: those the board shows, or for a client
/// reading its own cases too, every one (its rejected case is closed).
fn statuses(open: bool, client: bool) -> Vec<CaseStatus> {
    CaseStatus::ALL
        .into_iter()
        .filter(|s| s.is_open() == open && (client || policy::on_public_board(true, *s)))
        .collect()
}

/// Public service requests: the ids asked for, else those the filters and
/// window select, newest first, at most [`CAP`]. `base` makes photo links
/// absolute.
pub async fn requests(
    state: &AppState,
    base: &str,
    q: &RequestQuery,
    client: Option<&Client>,
) -> Result<Val, AppError> {
    let scope = match client {
        Some(c) => Scope::Open311(c.id),
        None => Scope::Public,
    };
    let rows: Vec<CaseRow> = if q.ids.is_empty() {
        let (since, until) = q.window(Utc::now());
        let filter = Filter {
            statuses: q
                .open
                .map(|o| statuses(o, client.is_some()))
                .unwrap_or_default(),
            category_ids: q.service_codes.clone(),
            since: Some(since),
            until: Some(until),
            ..Default::default()
        };
        db::newest_reported(&state.db, &scope, &filter, CAP).await?
    } else {
        // The spec: with ids, every other parameter is ignored. One read.
        db::by_ids_in(&state.db, &scope, &q.ids).await?
    };
    Ok(Val::List("request", documents(state, base, &rows).await?))
}

/// One public request as a one-element list, or none when it is not public.
pub async fn request(
    state: &AppState,
    base: &str,
    id: i64,
    client: Option<&Client>,
) -> Result<Option<Val>, AppError> {
    let q = RequestQuery {
        ids: vec![id],
        ..Default::default()
    };
    Ok(match requests(state, base, &q, client).await? {
        Val::List(_, items) if items.is_empty() => None,
        list => Some(list),
    })
}

/// The window of `servicerequestupdates`: its dates only (other
/// parameters are the requests' and are ignored here).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UpdateQuery {
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
}

impl UpdateQuery {
    pub fn parse(q: &HashMap<String, String>) -> Result<UpdateQuery, Open311Error> {
        let (start, end) = dates(q)?;
        Ok(UpdateQuery { start, end })
    }

    /// A client that names no start asks what changed lately: the last day.
    pub fn window(&self, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        let end = self.end.unwrap_or(now);
        (self.start.unwrap_or(end - Duration::days(1)), end)
    }
}

/// `servicerequestupdates` (the extension FixMyStreet speaks): the public
/// steps of public cases in the window, oldest first, at most [`CAP`] —
/// what the public case page's timeline shows, nobody's name. A note that
/// carries a phone number is not sent in bulk: the status says the step.
pub async fn updates(
    state: &AppState,
    q: &UpdateQuery,
    client: Option<&Client>,
) -> Result<Val, AppError> {
    let (since, until) = q.window(Utc::now());
    let rows = db::public_updates(&state.db, client.map(|c| c.id), since, until, CAP).await?;
    Ok(Val::List(
        "request_update",
        rows.into_iter()
            .map(|u| {
                let said = if u.note.trim().is_empty()
                    || crate::domain::exchange::carries_phone(&u.note)
                {
                    u.to_status.label(Lang::Zh).to_string()
                } else {
                    u.note
                };
                Val::Rec(vec![
                    ("update_id", Val::str(u.id.to_string())),
                    ("service_request_id", Val::str(u.case_id.to_string())),
                    (
                        "status",
                        Val::str(if u.to_status.is_open() {
                            "open"
                        } else {
                            "closed"
                        }),
                    ),
                    ("updated_datetime", time(u.created_at)),
                    ("description", Val::str(said)),
                    ("media_url", Val::Null),
                ])
            })
            .collect(),
    ))
}

async fn documents(state: &AppState, base: &str, rows: &[CaseRow]) -> Result<Vec<Val>, AppError> {
    let s = settings(state).await?;
    let names: HashMap<i64, &str> = s
        .categories
        .iter()
        .map(|c| (c.id, c.name.as_str()))
        .collect();
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    // Each case's first public photo.
    let mut first_photo: HashMap<i64, String> = HashMap::new();
    for p in photos::of_cases(&state.db, &ids).await? {
        if p.public {
            first_photo
                .entry(p.case_id)
                .or_insert_with(|| format!("{base}{}", photo_ref(&p).url));
        }
    }
    // Else the address a client sent with the case (kept as given).
    let mut sent = open311::media_urls(&state.db, &ids).await?;
    let atlas = state.atlas();
    Ok(rows
        .iter()
        .map(|r| {
            let media = first_photo
                .get(&r.id)
                .cloned()
                .or_else(|| sent.remove(&r.id));
            let open = r.status.is_open();
            let area = r
                .community_code
                .as_deref()
                .or(r.street_code.as_deref())
                .and_then(|c| atlas.name_of(c))
                .map(str::to_string);
            Val::Rec(vec![
                ("service_request_id", Val::str(r.id.to_string())),
                ("status", Val::str(if open { "open" } else { "closed" })),
                ("status_notes", Val::str(r.status.label(Lang::Zh))),
                (
                    "service_name",
                    Val::opt(names.get(&r.category_id).map(|n| n.to_string())),
                ),
                ("service_code", Val::str(r.category_id.to_string())),
                // What the resident wrote is not on the board: not here either.
                ("description", Val::Null),
                ("agency_responsible", Val::Null),
                ("service_notice", Val::Null),
                ("requested_datetime", time(r.created_at)),
                ("updated_datetime", time(r.updated_at)),
                (
                    "expected_datetime",
                    match r.due_at.filter(|_| open) {
                        Some(t) => time(t),
                        None => Val::Null,
                    },
                ),
                // The community, never an exact address.
                ("address", Val::opt(area)),
                ("address_id", Val::Null),
                ("zipcode", Val::Null),
                ("lat", Val::Num(blur(r.lat))),
                ("long", Val::Num(blur(r.lng))),
                ("media_url", Val::opt(media)),
            ])
        })
        .collect())
}

/// The OpenAPI 3 document of this endpoint (`/open311/v2/openapi.json`).
pub fn openapi(base: &str) -> serde_json::Value {
    use serde_json::json;
    let format = json!({"name": "format", "in": "path", "required": true,
        "schema": {"type": "string", "enum": ["json", "xml"]},
        "description": "json (application/json) or xml (text/xml)"});
    let date = |name: &str, what: &str| {
        json!({"name": name, "in": "query", "required": false,
            "schema": {"type": "string", "format": "date-time"}, "description": what})
    };
    let window = [
        date(
            "start_date",
            "Earliest time (ISO 8601 with zone); the window is 90 days by default.",
        ),
        date("end_date", "Latest time (ISO 8601 with zone)."),
    ];
    let list_of = |schema: &str| {
        json!({"description": "OK", "content": {
            "application/json": {"schema": {"type": "array", "items": {"$ref": format!("#/components/schemas/{schema}")}}},
            "text/xml": {"schema": {"type": "string"}}}})
    };
    let errors = json!({"description": "errors/error{code, description}", "content": {
        "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Error"}}},
        "text/xml": {"schema": {"type": "string"}}}});
    let text = json!({"type": "string"});
    let nullable = json!({"type": "string", "nullable": true});
    let key = json!({"name": "api_key", "in": "query", "required": false, "schema": text,
        "description": "A client application's key: the requests it filed are read too. An unknown or revoked key is a 403."});
    let field = |name: &str, what: &str| json!({"type": "string", "description": format!("{name}: {what}")});
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "网格通 GridLink — Open311 GeoReport v2",
            "version": "2",
            "description": "The public cases of the district as Open311 service requests \
                (http://wiki.open311.org/GeoReport_v2): places blurred to about 100 m, no \
                description and no person, as on the public board."
        },
        "servers": [{"url": format!("{base}/open311/v2")}],
        "paths": {
            "/discovery.{format}": {"get": {"summary": "Where the endpoint is and what it speaks",
                "parameters": [format],
                "responses": {"200": {"description": "OK", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Discovery"}},
                    "text/xml": {"schema": {"type": "string"}}}}}}},
            "/services.{format}": {"get": {"summary": "The service list: the case catalogue's items, grouped by its first level",
                "parameters": [format], "responses": {"200": list_of("Service")}}},
            "/services/{service_code}.{format}": {"get": {"summary": "A service definition (no attributes)",
                "parameters": [{"name": "service_code", "in": "path", "required": true, "schema": text}, format],
                "responses": {"200": {"description": "OK", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ServiceDefinition"}},
                    "text/xml": {"schema": {"type": "string"}}}}, "404": errors}}},
            "/requests.{format}": {"get": {"summary": "Public service requests, newest first, at most 1,000",
                "parameters": [format,
                    {"name": "service_request_id", "in": "query", "required": false, "schema": text,
                        "description": "Comma-separated ids; every other parameter is then ignored."},
                    {"name": "service_code", "in": "query", "required": false, "schema": text},
                    {"name": "status", "in": "query", "required": false,
                        "schema": {"type": "string", "enum": ["open", "closed"]}},
                    window[0], window[1], key],
                "responses": {"200": list_of("ServiceRequest"), "400": errors, "403": errors}},
                "post": {"summary": "File a request (a client application with its api_key); it enters the normal loop with source Open311. The same form (every field but api_key) sent again by the same client within 24 hours (an answer lost on the way) is answered with the first request's id, not filed twice",
                    "parameters": [format],
                    "requestBody": {"required": true, "content": {"application/x-www-form-urlencoded": {"schema": {
                        "type": "object", "required": ["api_key", "service_code", "lat", "long", "description"],
                        "properties": {
                            "api_key": field("api_key", "the client's key"),
                            "service_code": field("service_code", "a code from services"),
                            "lat": field("lat", "WGS-84 latitude"),
                            "long": field("long", "WGS-84 longitude"),
                            "description": field("description", "what is wrong, at most 1,000 characters"),
                            "media_url": field("media_url", "an http(s) address of a photo, kept as given"),
                            "phone": field("phone", "the person's mainland mobile number, for the grid worker's call back (never published)")}}}}},
                    "responses": {"200": list_of("Created"), "400": errors, "403": errors, "429": errors}}},
            "/requests/{service_request_id}.{format}": {"get": {"summary": "One public request (or one the client filed), as a one-element list",
                "parameters": [{"name": "service_request_id", "in": "path", "required": true, "schema": text}, format, key],
                "responses": {"200": list_of("ServiceRequest"), "403": errors, "404": errors}}},
            "/servicerequestupdates.{format}": {"get": {"summary": "Public steps of public requests and of the client's own (the extension FixMyStreet speaks), oldest first, at most 1,000",
                "parameters": [format, window[0], window[1], key],
                "responses": {"200": list_of("RequestUpdate"), "400": errors, "403": errors}}}
        },
        "components": {"schemas": {
            "Discovery": {"type": "object", "properties": {
                "changeset": text, "contact": text, "key_service": text,
                "endpoints": {"type": "array", "items": {"type": "object", "properties": {
                    "specification": text, "url": text, "changeset": text, "type": text,
                    "formats": {"type": "array", "items": text}}}}}},
            "Service": {"type": "object", "properties": {
                "service_code": text, "service_name": text, "description": text,
                "metadata": {"type": "boolean"}, "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
                "keywords": text, "group": text}},
            "ServiceDefinition": {"type": "object", "properties": {
                "service_code": text, "attributes": {"type": "array", "items": {"type": "object"}}}},
            "ServiceRequest": {"type": "object", "properties": {
                "service_request_id": text, "status": {"type": "string", "enum": ["open", "closed"]},
                "status_notes": text, "service_name": nullable, "service_code": text,
                "description": nullable, "agency_responsible": nullable, "service_notice": nullable,
                "requested_datetime": {"type": "string", "format": "date-time"},
                "updated_datetime": {"type": "string", "format": "date-time"},
                "expected_datetime": {"type": "string", "format": "date-time", "nullable": true},
                "address": nullable, "address_id": nullable, "zipcode": nullable,
                "lat": {"type": "number"}, "long": {"type": "number"}, "media_url": nullable}},
            "RequestUpdate": {"type": "object", "properties": {
                "update_id": text, "service_request_id": text,
                "status": {"type": "string", "enum": ["open", "closed"]},
                "updated_datetime": {"type": "string", "format": "date-time"},
                "description": text, "media_url": nullable}},
            "Created": {"type": "object", "properties": {
                "service_request_id": text, "service_notice": text, "account_id": nullable}},
            "Error": {"type": "object", "properties": {"code": {"type": "integer"}, "description": text}}
        }}
    })
}

/// The client a request's `api_key` names: none when it names none (a
/// reader then sees the public cases only); a key given but unknown or
/// revoked is a 403, so a client learns at once that its key stopped.
pub async fn reader(
    state: &AppState,
    q: &HashMap<String, String>,
) -> Result<Option<Client>, Open311Error> {
    match q.get("api_key").map(|k| k.trim()).filter(|k| !k.is_empty()) {
        None => Ok(None),
        Some(key) => match super::open311_clients::by_key(state, key).await {
            Ok(Some(c)) => Ok(Some(c)),
            Ok(None) => Err(Open311Error::new(403, "api_key is not valid")),
            Err(e) => Err(Open311Error::new(503, e.message(Lang::En))),
        },
    }
}

/// Our refusal of a filed request, worded the spec's way (400 for what the
/// client sent, 403 for the key, 503 when we are busy).
fn refused(e: AppError) -> Open311Error {
    use crate::domain::error::{Field, InputProblem};
    let status = match e {
        AppError::Invalid { .. } => 400,
        AppError::Forbidden => 403,
        AppError::NotFound => 404,
        AppError::Busy { .. } => 503,
        _ => 500,
    };
    let description = match e {
        AppError::Invalid {
            field: Field::Coordinates,
            problem: InputProblem::OutOfRange,
        } => "lat/long is outside every grid this district serves".to_string(),
        AppError::Invalid {
            field: Field::Category,
            ..
        } => "service_code is not a service here".to_string(),
        AppError::Invalid {
            field: Field::Phone,
            ..
        } => "phone is not a mainland China mobile number".to_string(),
        AppError::Invalid {
            field: Field::Description,
            problem: InputProblem::TooLong,
        } => format!(
            "description is longer than {} characters",
            crate::domain::case::MAX_DESCRIPTION
        ),
        AppError::Invalid {
            field: Field::Description,
            ..
        } => "description is required".to_string(),
        other => other.message(Lang::En),
    };
    Open311Error::new(status, description)
}

/// Every field a client sent but its key, hashed: the same report sent
/// again has the same fingerprint, and two people's reports differ in
/// something (their names, e-mail, device or account, which are not kept)
/// even when the text and the point are the same. Names and values are
/// length-prefixed, so no two different forms run together into one text.
fn sent(q: &HashMap<String, String>) -> String {
    let fields: std::collections::BTreeMap<&str, &str> = q
        .iter()
        .filter(|(k, _)| k.as_str() != "api_key")
        .map(|(k, v)| (k.as_str(), v.trim()))
        .collect();
    let mut text = String::new();
    for (k, v) in fields {
        for part in [k, v] {
            text.push_str(&format!("{}:{part}", part.len()));
        }
    }
    // The same SHA-256 in hex as a session token's.
    super::auth::token_hash(&text)
}

/// Forgets the fingerprints of reports past the resend window (they are
/// kept only to answer a resend, and they hash what a person sent). Every
/// server may run it: clearing twice clears nothing more.
pub async fn forget_old_fingerprints(
    state: &AppState,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<u64, AppError> {
    let before = crate::domain::open311::resend_window_start(now);
    Ok(crate::backend::store::open311::forget_fingerprints(&state.db, before, None).await?)
}

/// `POST requests`: a client application files a case. Form fields as the
/// spec lists them: `api_key`, `service_code`, `lat`, `long`,
/// `description`, `media_url`, `phone`; the person's names and e-mail are
/// not kept (nobody here needs them to handle the case), nor is
/// `address_string` (the point decides the grid). The case is private (the
/// client reads it back with its key) and enters the normal loop.
pub async fn post_request(
    state: &AppState,
    q: &HashMap<String, String>,
) -> Result<Val, Open311Error> {
    let client = match q.get("api_key").map(|k| k.trim()).filter(|k| !k.is_empty()) {
        None => return Err(Open311Error::new(403, "api_key is required")),
        Some(_) => reader(state, q)
            .await?
            .ok_or(Open311Error::new(403, "api_key is not valid"))?,
    };
    for limit in [&state.open311_posts, &state.open311_posts_daily] {
        limit
            .hit(&client.id.to_string())
            .map_err(Open311Error::too_many)?;
    }
    let text = |k: &str| q.get(k).map(|s| s.trim()).filter(|s| !s.is_empty());
    let bad = |what: &str| Open311Error::new(400, format!("{what} is not valid"));
    let category_id = match text("service_code") {
        None => return Err(Open311Error::new(400, "service_code is required")),
        Some(c) => c
            .parse::<i64>()
            .ok()
            .filter(|c| *c > 0)
            .ok_or_else(|| Open311Error::new(400, "service_code is not a service here"))?,
    };
    let (lat, lng) = match (text("lat"), text("long")) {
        (Some(lat), Some(lng)) => (
            lat.parse::<f64>().map_err(|_| bad("lat"))?,
            lng.parse::<f64>().map_err(|_| bad("long"))?,
        ),
        _ => {
            return Err(Open311Error::new(
                400,
                "lat and long are required (an address alone cannot be placed in a grid)",
            ))
        }
    };
    let media_url =
        crate::domain::open311::media_url(q.get("media_url").map_or("", String::as_str))
            .map_err(|_| bad("media_url"))?;
    let form = crate::domain::case::NewCase {
        category_id,
        description: q.get("description").cloned().unwrap_or_default(),
        lat,
        lng,
        public: false,
        source: crate::domain::case::CaseSource::Open311,
        contact_phone: text("phone").map(str::to_string),
        idempotency_key: None,
        grid: None,
    };
    let id = super::cases::report_open311(state, &client, form, media_url, &sent(q))
        .await
        .map_err(refused)?;
    Ok(Val::List(
        "request",
        vec![Val::Rec(vec![
            ("service_request_id", Val::str(id.to_string())),
            (
                "service_notice",
                Val::str("已受理，网格员将按时限处置。Received: the grid worker handles it within the time limit."),
            ),
            ("account_id", Val::Null),
        ])],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> Result<RequestQuery, Open311Error> {
        RequestQuery::parse(
            &pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn the_spec_parameters_are_read_and_bad_ones_refused() {
        let q = query(&[
            ("service_request_id", "5, 3,5"),
            ("status", "open"),
            ("service_code", "7,2"),
            // A `+` sent unencoded arrives as a space.
            ("start_date", "2026-11-01T00:00:00 08:00"),
        ])
        .unwrap();
        assert_eq!(q.ids, vec![3, 5]);
        assert_eq!(q.service_codes, vec![2, 7]);
        assert_eq!(q.start, Some("2026-10-31T16:00:00Z".parse().unwrap()));
        assert_eq!(query(&[("status", "open,closed")]).unwrap().open, None);
        assert_eq!(query(&[("status", "CLOSED")]).unwrap().open, Some(false));
        assert_eq!(q.open, Some(true));
        let (s, e) = q.window(Utc::now());
        assert_eq!(e - s, Duration::days(WINDOW_DAYS));
        for bad in [
            ("status", "pending"),
            ("start_date", "yesterday"),
            ("service_code", "abc"),
            ("service_request_id", "1,x"),
        ] {
            assert_eq!(query(&[bad]).unwrap_err().status, 400, "{bad:?}");
        }
        let backwards = query(&[
            ("start_date", "2026-12-01T00:00:00Z"),
            ("end_date", "2026-11-01T00:00:00Z"),
        ]);
        assert!(backwards.is_err());
    }

    #[test]
    fn open_and_closed_cover_the_board_and_nothing_else() {
        let open = statuses(true, false);
        let closed = statuses(false, false);
        assert!(open.contains(&CaseStatus::InProgress));
        assert!(closed.contains(&CaseStatus::Closed));
        assert!(!closed.contains(&CaseStatus::Rejected));
        assert!(!closed.contains(&CaseStatus::Merged));
        assert_eq!(open.len() + closed.len(), CaseStatus::ALL.len() - 2);
        // A client's own rejected case reads as closed.
        let mine = statuses(false, true);
        assert!(mine.contains(&CaseStatus::Rejected) && mine.contains(&CaseStatus::Merged));
        assert_eq!(statuses(true, true), open);
    }
}
