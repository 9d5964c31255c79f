//! The case loop: report, act, read, queues. Every call decides through
//! `domain::case::decide` and reads only what the caller may see.

use super::auth::Viewer;
use super::{first_problem, internal};
use crate::backend::state::{AppState, CaseChanged};
use crate::backend::store::{self, cases as db, meta};
use crate::domain::alarm;
use crate::domain::audit::AuditAction;
use crate::domain::auth::{Place, Role, Scope};
use crate::domain::case::{
    available, decide, in_china, ActRequest, Actor, CaseAction, CaseFacts, CaseSource, CaseStatus,
    CaseSummary, CaseView, DispatchLevel, NewCase, Queue, QueueCounts, QueueView, Refusal,
    TimelineEntry, MAX_DESCRIPTION,
};
use crate::domain::case::{PhotoPhase, PhotoRef};
use crate::domain::deadline::{due_state, TimeLimits};
use crate::domain::error::{AppError, Field, InputProblem};
use crate::domain::policy::{self, CaseAccess, LayerScope, QueueScope};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;

/// Rows per queue page.
pub use crate::domain::PAGE;

pub(super) fn place_of(row: &db::CaseRow) -> Place {
    Place {
        grid: row.grid_code.clone(),
        community: row.community_code.clone(),
        street: row.street_code.clone(),
    }
}

pub(super) fn facts(row: &db::CaseRow) -> CaseFacts {
    CaseFacts {
        status: row.status,
        place: place_of(row),
        reporter: row.reporter_id,
        level: row.level,
        department: row.department.clone(),
        assisting: row.assisting.clone(),
        company: row.company_id,
    }
}

/// Open cases of a place for the map layer, by place: many staff of one
/// community read the same layer. A change forgets the layers of its place.
pub type LayerCache = crate::backend::cache::ReadCache<db::Scope, Vec<db::CaseDot>>;

pub fn layer_cache() -> LayerCache {
    LayerCache::new(std::time::Duration::from_secs(2), 5000)
}

impl From<QueueScope> for db::Scope {
    fn from(q: QueueScope) -> db::Scope {
        match q {
            QueueScope::Reporter(u) => db::Scope::Reporter(u),
            QueueScope::Following(u) => db::Scope::Following(u),
            QueueScope::Grid(c) => db::Scope::Grid(c),
            QueueScope::Community(c) => db::Scope::Community(c),
            QueueScope::Street(c) => db::Scope::Street(c),
            QueueScope::Department(d) => db::Scope::Department(d),
            QueueScope::Company(c) => db::Scope::Company(c),
        }
    }
}

/// Whether a change to this case shows on the layer of `scope`.
fn shows_on(e: &CaseChanged, scope: &db::Scope) -> bool {
    match scope {
        db::Scope::Grid(g) => e.place.grid.as_ref() == Some(g),
        db::Scope::Community(c) => e.place.community.as_ref() == Some(c),
        db::Scope::Street(s) => e.place.street.as_ref() == Some(s),
        db::Scope::Department(d) => e.department.as_ref() == Some(d) || e.assisting.contains(d),
        db::Scope::Company(c) => e.company == Some(*c),
        // The public layer holds every public case.
        db::Scope::Public
        | db::Scope::Reporter(_)
        | db::Scope::Following(_)
        | db::Scope::Open311(_) => true,
    }
}

/// Forgets the cached map layers a change to this case touches. A
/// department's layer may lose the case (reopening clears the department),
/// so those few layers are all forgotten.
fn forget_layers(state: &AppState, e: &CaseChanged) {
    state
        .case_layers
        .forget(|scope| shows_on(e, scope) || matches!(scope, db::Scope::Department(_)));
}

/// A case's result given `now`, for the figures (`domain::assessment`).
pub(super) fn resolution(row: &db::CaseRow, now: DateTime<Utc>) -> db::Resolution {
    let (minutes, on_time) = crate::domain::assessment::resolution(row.created_at, row.due_at, now);
    db::Resolution {
        at: now,
        minutes,
        on_time,
    }
}

/// What live listeners hear of a case as it stands in `row`.
fn changed(row: &db::CaseRow) -> CaseChanged {
    CaseChanged {
        case_id: row.id,
        status: row.status,
        place: place_of(row),
        reporter: row.reporter_id,
        company: row.company_id,
        department: row.department.clone(),
        assisting: row.assisting.clone(),
        level: row.level,
        public: row.public,
    }
}

/// Tells live listeners (server-sent events), here and on the cluster's
/// other servers (`backend::bus`), that a case changed.
pub(super) fn announce(state: &AppState, row: &db::CaseRow) {
    let e = changed(row);
    forget_layers(state, &e);
    crate::backend::bus::publish_case(state, &e);
    // No listener is not an error.
    let _ = state.case_events.send(e);
}

/// A change another server of the cluster announced: this server's cached
/// layers forget it and its listeners hear it.
pub(crate) fn changed_elsewhere(state: &AppState, e: CaseChanged) {
    forget_layers(state, &e);
    let _ = state.case_events.send(e);
}

/// Whether a listener may hear of a change: the same people who may read
/// the case (followers learn of it when they reload).
pub fn may_hear(viewer: &Viewer, e: &CaseChanged) -> bool {
    let case = CaseFacts {
        status: e.status,
        place: e.place.clone(),
        reporter: e.reporter,
        level: e.level,
        department: e.department.clone(),
        assisting: e.assisting.clone(),
        company: e.company,
    };
    // Board readers and followers are not pushed every change; they read
    // the public view when they open the case.
    policy::case_access(Some((viewer.id, &viewer.grants)), &case, e.public) >= CaseAccess::Reporter
}

/// What this viewer may read of this case.
pub(super) fn access(viewer: Option<&Viewer>, row: &db::CaseRow) -> CaseAccess {
    policy::case_access(
        viewer.map(|v| (v.id, v.grants.as_slice())),
        &facts(row),
        row.public,
    )
}

/// The case `id` with what `viewer` may read of it; a case they may not read
/// answers as a missing one (ids of others' cases reveal nothing).
pub(super) async fn readable(
    state: &AppState,
    viewer: Option<&Viewer>,
    id: i64,
) -> Result<(db::CaseRow, CaseAccess), AppError> {
    let row = db::case_by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    match access(viewer, &row) {
        CaseAccess::None => Err(AppError::NotFound),
        seen => Ok((row, seen)),
    }
}

pub(super) fn actor(viewer: &Viewer) -> Actor<'_> {
    Actor {
        user_id: viewer.id,
        grants: &viewer.grants,
    }
}

/// The role a viewer acts in on this case, for the timeline.
pub(super) fn acting_role(viewer: &Viewer, place: &Place) -> Role {
    viewer
        .grants
        .iter()
        .filter(|g| {
            g.scope.covers(place) || matches!(g.scope, Scope::Department(_) | Scope::Company(_))
        })
        .map(|g| g.role)
        .max()
        .unwrap_or(Role::Resident)
}

/// Categories, time limits and the calendar: read by every call, changed
/// rarely. Kept in memory for a few seconds, so a change made through any
/// instance shows everywhere soon.
pub struct CaseSettings {
    pub categories: Vec<db::CategoryRow>,
    pub names: HashMap<i64, String>,
    pub calendar: crate::domain::deadline::Calendar,
    pub limits: TimeLimits,
}

impl CaseSettings {
    /// A deadline that starts `now` at `level`: when it falls due, and the
    /// scheduler's first look at it (a quarter of the working time left).
    pub(super) fn deadline(
        &self,
        now: DateTime<Utc>,
        level: DispatchLevel,
    ) -> (DateTime<Utc>, Alarm) {
        let due = self.calendar.add_working_days(now, self.limits.days(level));
        (due, (alarm::WAITING, Some(self.calendar.warn_at(now, due))))
    }
}

/// The deadline scheduler's stage and next look (see `domain::alarm`).
pub(super) type Alarm = (i16, Option<DateTime<Utc>>);

/// The level a case is with: where it was dispatched, else its first level
/// (its grid, or the community for a place in no grid).
pub(super) fn level_now(row: &db::CaseRow) -> DispatchLevel {
    row.level
        .unwrap_or_else(|| first_level(row.grid_code.is_some()))
}

/// Where a new or reopened case starts: its grid, or the community for a
/// place in no grid.
fn first_level(in_a_grid: bool) -> DispatchLevel {
    if in_a_grid {
        DispatchLevel::Grid
    } else {
        DispatchLevel::Community
    }
}

const SETTINGS_TTL: std::time::Duration = std::time::Duration::from_secs(10);

pub(super) async fn settings(state: &AppState) -> Result<std::sync::Arc<CaseSettings>, AppError> {
    if let Some((at, s)) = state
        .case_settings
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()
    {
        if at.elapsed() < SETTINGS_TTL {
            return Ok(s.clone());
        }
    }
    let fresh = std::sync::Arc::new(CaseSettings {
        categories: db::categories(&state.db).await?,
        names: category_names(state).await?,
        calendar: db::calendar(&state.db).await?,
        limits: time_limits(state).await?,
    });
    *state
        .case_settings
        .write()
        .unwrap_or_else(|p| p.into_inner()) = Some((std::time::Instant::now(), fresh.clone()));
    Ok(fresh)
}

/// Drops the cached settings after a change made here.
fn forget_settings(state: &AppState) {
    *state
        .case_settings
        .write()
        .unwrap_or_else(|p| p.into_inner()) = None;
}

async fn category_names(state: &AppState) -> Result<HashMap<i64, String>, AppError> {
    let cats = db::categories(&state.db).await?;
    let by_id: HashMap<i64, &db::CategoryRow> = cats.iter().map(|c| (c.id, c)).collect();
    Ok(cats
        .iter()
        .map(|c| {
            let name = match c.parent_id.and_then(|p| by_id.get(&p)) {
                Some(parent) => format!("{} · {}", parent.name, c.name),
                None => c.name.clone(),
            };
            (c.id, name)
        })
        .collect())
}

#[tracing::instrument(skip_all)]
pub async fn time_limits(state: &AppState) -> Result<TimeLimits, AppError> {
    let d = TimeLimits::default();
    let get = |key: &'static str, default: u32| async move {
        let v = meta::version(&state.db, key).await?;
        Ok::<u32, AppError>(if v > 0 { v as u32 } else { default })
    };
    Ok(TimeLimits {
        grid: get("limit_grid", d.grid).await?,
        community: get("limit_community", d.community).await?,
        department: get("limit_department", d.department).await?,
    })
}

fn summary(row: &db::CaseRow, settings: &CaseSettings) -> CaseSummary {
    let now = Utc::now();
    let categories = &settings.names;
    let description: String = row.description.chars().take(80).collect();
    CaseSummary {
        id: row.id,
        category: categories
            .get(&row.category_id)
            .cloned()
            .unwrap_or_default(),
        description,
        status: row.status,
        level: row.level,
        grid_code: row.grid_code.clone(),
        due_at: row.due_at,
        due_state: row
            .due_at
            .filter(|_| row.status.is_open())
            .map(|d| settings.calendar.due_state(row.started_at, d, now)),
        created_at: row.created_at,
        lat: row.lat,
        lng: row.lng,
    }
}

/// The case as `viewer` may read it (`access` says how much). A staff
/// read carries the reporter's contact and is written to the audit log.
pub(super) async fn view(
    state: &AppState,
    viewer: Option<&Viewer>,
    access: CaseAccess,
    row: db::CaseRow,
) -> Result<CaseView, AppError> {
    let events = db::events(&state.db, row.id).await?;
    // One read of the photos for the case's and the whistle's.
    let photos = crate::backend::store::photos::of_case(&state.db, row.id).await?;
    let whistle = super::whistles::for_view(state, viewer, access, &row, &photos).await?;
    let joint_meeting = super::meetings::meeting_of_case(state, viewer, row.id).await?;
    let on_board = policy::on_public_board(row.public, row.status);
    let media_url = if CaseSource::parse(&row.source) == Some(CaseSource::Open311)
        && policy::may_see_photo(access, true, on_board)
    {
        crate::backend::store::open311::media_urls(&state.db, &[row.id])
            .await?
            .remove(&row.id)
    } else {
        None
    };
    let parts = Parts {
        events,
        photos,
        whistle,
        joint_meeting,
        media_url,
    };
    assemble(state, viewer, access, row, parts).await
}

/// What a case's view holds besides the case row.
struct Parts {
    events: Vec<db::EventRow>,
    photos: Vec<crate::backend::store::photos::PhotoRow>,
    whistle: Option<crate::domain::whistle::WhistleView>,
    joint_meeting: Option<i64>,
    /// What an Open311 client sent as the case's photo, if the reader may see it.
    media_url: Option<String>,
}

/// A case as `viewer` may see it, from its row and parts.
async fn assemble(
    state: &AppState,
    viewer: Option<&Viewer>,
    access: CaseAccess,
    row: db::CaseRow,
    parts: Parts,
) -> Result<CaseView, AppError> {
    let Parts {
        events,
        photos: photo_rows,
        whistle,
        joint_meeting,
        media_url,
    } = parts;
    use crate::domain::case::{blur, CaseContact};
    let settings = settings(state).await?;
    let staff = access.internal();
    let contact = if access.contact() {
        let reporter = match row.reporter_id {
            Some(id) => crate::backend::store::accounts::user_by_id(&state.db, id).await?,
            None => None,
        };
        let contact = match (reporter, &row.contact_phone) {
            (_, Some(phone)) => Some(CaseContact {
                name: None,
                phone: phone.clone(),
            }),
            (Some(u), None) => Some(CaseContact {
                name: Some(u.name),
                phone: u.phone,
            }),
            _ => None,
        };
        if let (Some(_), Some(v)) = (&contact, viewer) {
            super::audit::record(
                state,
                v,
                AuditAction::CaseRead,
                super::audit::Target::new("case", row.id).in_street(row.street_code.clone()),
                "",
            )
            .await?;
        }
        contact
    } else {
        None
    };
    let now = Utc::now();
    // 催办 is offered once a day (`policy::URGE_EVERY`).
    let urged = viewer.is_some_and(|v| {
        events.iter().any(|e| {
            e.action == "urge"
                && e.actor_id == Some(v.id)
                && now - e.created_at < policy::URGE_EVERY
        })
    });
    let may_urge = !urged
        && viewer
            .is_some_and(|v| policy::may_urge(v.id, &facts(&row), super::urge::overdue(&row, now)));
    let timeline = events
        .into_iter()
        // Residents see the public part; staff see everything.
        .filter(|e| staff || e.public)
        .map(|e| TimelineEntry {
            // Names are personal data: staff of the place read them; a
            // department or company handling the case reads role labels
            // (the reporter's name among them would identify them).
            actor: if access.contact() {
                e.actor_name
            } else {
                String::new()
            },
            actor_role: Role::parse(&e.actor_role),
            action: e.action,
            to_status: e.to_status,
            note: e.note,
            at: e.created_at,
        })
        .collect();
    let s = summary(&row, &settings);
    let (lat, lng) = if access.exact_place() {
        (row.lat, row.lng)
    } else {
        (blur(row.lat), blur(row.lng))
    };
    let actions = match viewer {
        Some(v) => available(&actor(v), &facts(&row)),
        None => Vec::new(),
    };
    let (owner, assignable) = super::owners::for_view(state, viewer, access, &row).await?;
    let photos = photo_refs(&photo_rows, &row, access);
    Ok(CaseView {
        id: row.id,
        category: s.category,
        description: row.description.clone(),
        lat,
        lng,
        exact_place: access.exact_place(),
        grid_code: row.grid_code.clone(),
        community_code: row.community_code.clone(),
        source: CaseSource::parse(&row.source).unwrap_or(CaseSource::Resident),
        status: row.status,
        level: row.level,
        department: row.department.clone(),
        due_at: row.due_at,
        due_state: s.due_state,
        public: row.public,
        result: row.result.clone(),
        rating: row.rating,
        version: row.version,
        created_at: row.created_at,
        actions,
        timeline,
        photos,
        contact,
        owner,
        assignable,
        may_urge,
        urged,
        whistle,
        joint_meeting,
        media_url,
    })
}

/// The case a resent draft already made, as its filer may see it now: someone who
/// filed it as staff and has since lost the role reads nothing more through the
/// key than through the case's page.
async fn resent(
    state: &AppState,
    viewer: &Viewer,
    first: db::CaseRow,
) -> Result<CaseView, AppError> {
    let seen = access(Some(viewer), &first);
    if seen == CaseAccess::None {
        return Err(AppError::NotFound);
    }
    view(state, Some(viewer), seen, first).await
}

/// A report checked and placed: where it lands and the case row it makes
/// (not yet written, no reporter, no owner). People's reports and those
/// other systems file through Open311 go through the same checks.
async fn placed(state: &AppState, form: &NewCase) -> Result<(Place, db::CaseRow), AppError> {
    first_problem(form.problems())?;
    let description = form.description.trim().to_string();
    let settings = settings(state).await?;
    let categories = &settings.categories;
    if !categories
        .iter()
        .any(|c| c.id == form.category_id && c.parent_id.is_some() && c.active)
    {
        return Err(AppError::invalid(Field::Category, InputProblem::Unknown));
    }
    let atlas = state.atlas();
    let place = atlas.place_at(form.lat, form.lng);
    if place.street.is_none() && place.community.is_none() {
        // Outside every street of ours: nobody here could handle it.
        return Err(AppError::invalid(
            Field::Coordinates,
            InputProblem::OutOfRange,
        ));
    }
    // A form bound to a grid (the poster's QR code) takes places in that grid only.
    if let Some(bound) = form
        .grid
        .as_deref()
        .map(str::trim)
        .filter(|g| !g.is_empty())
    {
        // The bound grid's own outline decides: on an edge shared with a
        // neighbour, `place_at` may name the neighbour.
        if !atlas.grid_holds(&bound.to_ascii_uppercase(), form.lat, form.lng) {
            return Err(AppError::invalid(
                Field::Coordinates,
                InputProblem::OutsideGrid,
            ));
        }
    }
    // A hotline case's number was checked with the form's other problems;
    // another system may pass on its user's number (checked likewise).
    let contact_phone = match form.source {
        CaseSource::Resident | CaseSource::Patrol => None,
        CaseSource::Hotline | CaseSource::Open311 => form
            .contact_phone
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string),
    };
    let now = Utc::now();
    let first_level = first_level(place.grid.is_some());
    // The grid has its own limit to confirm and settle a fresh case.
    let (due, alarm) = settings.deadline(now, first_level);
    let row = db::CaseRow {
        id: 0,
        category_id: form.category_id,
        description,
        lat: form.lat,
        lng: form.lng,
        company_id: place
            .grid
            .as_deref()
            .and_then(|g| atlas.company_at(g, form.lat, form.lng)),
        grid_code: place.grid.clone(),
        community_code: place.community.clone(),
        street_code: place.street.clone(),
        source: form.source.as_str().to_string(),
        reporter_id: None,
        contact_phone,
        public: form.public,
        status: CaseStatus::Reported,
        level: None,
        department: None,
        started_at: now,
        due_at: Some(due),
        result: None,
        rating: None,
        merged_into: None,
        version: 0,
        created_at: now,
        updated_at: now,
        owner_id: None,
        alarm_stage: alarm.0,
        alarm_at: alarm.1,
        assisting: Vec::new(),
        resolution: None,
    };
    Ok((place, row))
}

/// A case another system files through Open311 with a registered client's
/// key: placed like any report, entering the same loop, its source
/// "open311". Nobody's account reports it: the timeline names the client.
/// `fingerprint` stands for everything the client sent: the same report
/// sent again within `domain::open311::RESEND_WINDOW_HOURS` is answered
/// with the first case's id.
#[tracing::instrument(skip_all, fields(client = client.id))]
pub async fn report_open311(
    state: &AppState,
    client: &crate::backend::store::open311::Client,
    form: NewCase,
    media_url: Option<String>,
    fingerprint: &str,
) -> Result<i64, AppError> {
    if form.source != CaseSource::Open311 {
        return Err(AppError::Forbidden);
    }
    // Sent again after its answer was lost: the case it already made,
    // looked up first (a resend of a case filed under rules since changed,
    // say a retired category, is still the case that exists).
    use crate::backend::store::open311::{forget_fingerprints, resent};
    let since = crate::domain::open311::resend_window_start(Utc::now());
    if let Some(first) = resent(&state.db, client.id, fingerprint, since).await? {
        tracing::info!(
            client = client.id,
            case = first,
            "Open311 report sent again"
        );
        return Ok(first);
    }
    let (place, mut row) = placed(state, &form).await?;
    row.owner_id = super::owners::owner_for(state, place.grid.as_deref(), None).await?;
    let event = db::NewEvent::report(None, format!("{}（Open311）", client.name), Role::Resident);
    let media_url = media_url.as_deref();
    // The fingerprint is unique per client while kept: a copy that arrived
    // at the same moment was filed by the other request (its case is the
    // answer), or the fingerprint is an old one the sweep has not forgotten
    // yet (forget it and file). Three tries settle both.
    let mut tries = 0;
    let stored = loop {
        tries += 1;
        match db::insert_open311(&state.db, &row, &event, client.id, media_url, fingerprint).await?
        {
            Some(stored) => break stored,
            None if tries < 3 => {
                if let Some(first) = resent(&state.db, client.id, fingerprint, since).await? {
                    tracing::info!(client = client.id, case = first, "Open311 copies met");
                    return Ok(first);
                }
                let one = Some((client.id, fingerprint));
                forget_fingerprints(&state.db, since, one).await?;
            }
            None => {
                return Err(AppError::Busy {
                    retry_after_secs: 1,
                })
            }
        }
    };
    announce(state, &stored);
    super::owners::tell_owner_of(state, None, &stored).await;
    Ok(stored.id)
}

/// A resident reports; a grid worker files from patrol; staff enter a
/// hotline call. The case lands in its grid (or the community or street
/// queue when the point is in no grid).
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn report(
    state: &AppState,
    viewer: &Viewer,
    form: NewCase,
) -> Result<CaseView, AppError> {
    let (place, mut row) = placed(state, &form).await?;
    if !policy::may_file(&viewer.grants, form.source, &place) {
        return Err(AppError::Forbidden);
    }
    row.reporter_id = (form.source == CaseSource::Resident).then_some(viewer.id);
    let event = db::NewEvent::report(
        Some(viewer.id),
        viewer.name.clone(),
        acting_role(viewer, &place),
    );
    // A draft resent after a lost answer: the case it already made. Keyed on
    // whoever filed it (a hotline call has no reporter account).
    let key = match form.idempotency_key.as_deref() {
        Some(k) => {
            if !crate::domain::case::valid_idempotency_key(k) {
                return Err(AppError::invalid(Field::Query, InputProblem::Unknown));
            }
            if let Some(first) = db::case_by_key(&state.db, viewer.id, k).await? {
                return resent(state, viewer, first).await;
            }
            Some((viewer.id, k))
        }
        None => None,
    };
    row.owner_id = super::owners::owner_for(state, place.grid.as_deref(), None).await?;
    let (stored, first) =
        match db::file(&state.db, &row, &event, Some(viewer.id), key.map(|k| k.1)).await? {
            Some(filed) => filed,
            // The same draft arrived twice at once: the other copy won.
            None => {
                let (reporter, k) = key.ok_or(AppError::Internal)?;
                let first = db::case_by_key(&state.db, reporter, k)
                    .await?
                    .ok_or(AppError::Internal)?;
                return resent(state, viewer, first).await;
            }
        };
    announce(state, &stored);
    super::owners::tell_owner(state, viewer, &stored).await;
    let seen = access(Some(viewer), &stored);
    // Just made: its one event is the first, and it has no photos, whistle
    // or joint meeting yet; nothing to read back.
    let parts = Parts {
        events: vec![first],
        photos: Vec::new(),
        whistle: None,
        joint_meeting: None,
        media_url: None,
    };
    assemble(state, Some(viewer), seen, stored, parts).await
}

/// Reads one case, if the caller may.
#[tracing::instrument(skip_all, fields(user = viewer.map(|v| v.id)))]
pub async fn get(state: &AppState, viewer: Option<&Viewer>, id: i64) -> Result<CaseView, AppError> {
    let (row, seen) = readable(state, viewer, id).await?;
    view(state, viewer, seen, row).await
}

/// Takes one step of the loop. Exactly one of several concurrent actions on
/// the same case applies; the others are told who got there first.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn act(state: &AppState, viewer: &Viewer, req: ActRequest) -> Result<CaseView, AppError> {
    let (row, seen) = readable(state, Some(viewer), req.case_id).await?;
    let mut case = facts(&row);
    // A department dispatch needs the department before the rule can judge it.
    if let CaseAction::Dispatch(DispatchLevel::Department) = req.action {
        case.department = Some(department_code(state, &req).await?);
    }
    // Permission before the version: a caller who may not act learns
    // nothing from a stale version (not even that someone else acted).
    if !crate::domain::case::may_ever(&actor(viewer), &case, &req.action) {
        return Err(AppError::Forbidden);
    }
    let next = match decide(&actor(viewer), &case, &req.action) {
        Ok(next) => next,
        Err(Refusal::NotYours) => return Err(AppError::Forbidden),
        Err(Refusal::WrongState) if row.version == req.version => return Err(AppError::WrongState),
        Err(Refusal::WrongState) => {
            // The state moved on under a stale page: may the caller have
            // acted on the version they saw? Then tell them who got there.
            return Err(already_handled(state, seen, row.id).await);
        }
    };
    if row.version != req.version {
        return Err(already_handled(state, seen, row.id).await);
    }
    let note = req.note.trim().to_string();
    // The note is asked for by name: a reason to reject, a result to resolve.
    let note_field = match req.action {
        CaseAction::Reject => Field::Reason,
        CaseAction::Resolve | CaseAction::SolveNow => Field::Result,
        _ => Field::Note,
    };
    if note.chars().count() > MAX_DESCRIPTION {
        return Err(AppError::invalid(note_field, InputProblem::TooLong));
    }
    let now = Utc::now();
    let mut change = db::CaseChange {
        status: Some(next),
        ..Default::default()
    };
    let mut public = true;
    match &req.action {
        CaseAction::Reject if note.is_empty() => {
            return Err(AppError::invalid(Field::Reason, InputProblem::Required))
        }
        CaseAction::Merge => {
            let target = req.merge_into.ok_or(AppError::invalid(
                Field::MergeTarget,
                InputProblem::Required,
            ))?;
            let into = db::case_by_id(&state.db, target)
                .await?
                .ok_or(AppError::invalid(Field::MergeTarget, InputProblem::Unknown))?;
            if !policy::may_merge_into(&case, &facts(&into), target, row.id) {
                return Err(AppError::invalid(Field::MergeTarget, InputProblem::Unknown));
            }
            change.merged_into = Some(target);
        }
        CaseAction::Dispatch(_) | CaseAction::Escalate => {
            let level = match &req.action {
                CaseAction::Dispatch(l) => *l,
                _ => row
                    .level
                    .and_then(DispatchLevel::next)
                    .ok_or(AppError::WrongState)?,
            };
            let (due, alarm) = match (&req.action, &case.department) {
                // 吹哨: the whistle with its departments and required-by date.
                (CaseAction::Dispatch(DispatchLevel::Department), Some(lead)) => {
                    let call = super::whistles::call(state, viewer, lead, &req, &note, now).await?;
                    change.department = Some(Some(lead.clone()));
                    change.assisting = Some(call.assisting);
                    change.whistle = Some(call.write);
                    (call.due, call.alarm)
                }
                _ => {
                    change.department = Some(None);
                    change.assisting = Some(Vec::new());
                    settings(state).await?.deadline(now, level)
                }
            };
            change.level = Some(Some(level));
            change.started_at = Some(now);
            change.due_at = Some(Some(due));
            change.alarm = Some(alarm);
        }
        CaseAction::Progress => public = false,
        CaseAction::Resolve => {
            if note.is_empty() {
                return Err(AppError::invalid(Field::Result, InputProblem::Required));
            }
            change.result = Some(note.clone());
            change.resolution = Some(Some(resolution(&row, now)));
        }
        CaseAction::Evaluate => {
            let stars = req
                .rating
                .filter(|r| (1..=5).contains(r))
                .ok_or(AppError::invalid(Field::Rating, InputProblem::OutOfRange))?;
            change.rating = Some(stars as i32);
        }
        CaseAction::Close | CaseAction::Reject => change.due_at = Some(None),
        CaseAction::SolveNow => {
            if note.is_empty() {
                return Err(AppError::invalid(Field::Result, InputProblem::Required));
            }
            // The closed loop's evidence: a photo of this round's result, taken
            // first (one from before a reopen does not count).
            let after = crate::backend::store::photos::of_case(&state.db, row.id)
                .await?
                .iter()
                .any(|p| {
                    p.phase.as_deref() == Some(PhotoPhase::After.as_str())
                        && p.created_at >= row.started_at
                });
            if !after {
                return Err(AppError::invalid(Field::AfterPhoto, InputProblem::Required));
            }
            change.result = Some(note.clone());
            change.resolution = Some(Some(resolution(&row, now)));
            change.level = Some(Some(DispatchLevel::Grid));
            if next == CaseStatus::Closed {
                change.due_at = Some(None);
            }
        }
        CaseAction::Reopen => {
            // Back to the first level, with that level's full time limit:
            // a reopened case is neither overdue at once nor without a
            // deadline (after Close cleared it).
            let settings = settings(state).await?;
            let first = first_level(row.grid_code.is_some());
            change.level = Some(None);
            change.department = Some(None);
            change.assisting = Some(Vec::new());
            change.resolution = Some(None);
            change.started_at = Some(now);
            // Back with the grid: its owner, if they may still own its cases.
            let owner =
                super::owners::owner_for(state, row.grid_code.as_deref(), row.owner_id).await?;
            if owner != row.owner_id {
                change.owner_id = Some(owner);
            }
            let (due, alarm) = settings.deadline(now, first);
            change.due_at = Some(Some(due));
            change.alarm = Some(alarm);
        }
        _ => {}
    }
    // A whistle's note is for the departments (the whistle keeps it): the
    // public entry says only that the street whistled.
    let note = if change.whistle.is_some() {
        String::new()
    } else {
        note
    };
    let event = db::NewEvent {
        actor_id: Some(viewer.id),
        actor_name: viewer.name.clone(),
        actor_role: acting_role(viewer, &case.place).as_str().to_string(),
        action: req.action.name().to_string(),
        from_status: Some(row.status),
        to_status: next,
        note,
        public,
    };
    if !db::apply(&state.db, row.id, row.version, &change, &event, now).await? {
        return Err(already_handled(state, seen, row.id).await);
    }
    // This round's after photos show to the reporter (and the board) now that
    // the result they belong to is given. A failure leaves them with staff.
    if matches!(req.action, CaseAction::SolveNow | CaseAction::Resolve) {
        let shown =
            crate::backend::store::photos::show_after(&state.db, row.id, row.started_at, &[]).await;
        if let Err(e) = shown {
            internal(e);
        }
    }
    // Forget the map layers now: the re-read below may still fail.
    forget_layers(state, &changed(&row));
    let stored = db::case_by_id(&state.db, row.id)
        .await?
        .ok_or(AppError::Internal)?;
    announce(state, &stored);
    if public {
        tell_residents(state, Some(viewer.id), &stored).await;
    }
    if stored.owner_id != row.owner_id {
        super::owners::tell_owner(state, viewer, &stored).await;
    }
    if req.action == CaseAction::Dispatch(DispatchLevel::Department) {
        super::whistles::tell_called(state, &stored).await;
    }
    if seen == CaseAccess::Staff || seen == CaseAccess::Handler {
        audit_step(state, viewer, &row, req.action.name()).await?;
    }
    let seen = access(Some(viewer), &stored);
    view(state, Some(viewer), seen, stored).await
}

/// A staff step on a case, in the audit log.
pub(super) async fn audit_step(
    state: &AppState,
    viewer: &Viewer,
    row: &db::CaseRow,
    step: &str,
) -> Result<(), AppError> {
    super::audit::record(
        state,
        viewer,
        AuditAction::CaseStep,
        super::audit::Target::new("case", row.id).in_street(row.street_code.clone()),
        step,
    )
    .await
}

/// A notification (消息) for the reporter and the followers of a case on
/// each public step, except for whoever took it (none: the scheduler).
pub(super) async fn tell_residents(state: &AppState, except: Option<i64>, row: &db::CaseRow) {
    let mut to: Vec<i64> = row.reporter_id.into_iter().collect();
    match db::followers(&state.db, row.id).await {
        Ok(f) => to.extend(f),
        Err(e) => {
            internal(e);
        }
    }
    to.retain(|u| Some(*u) != except);
    // A disabled account is told nothing (as `notices::alert`).
    let to = match store::accounts::active_among(&state.db, &to).await {
        Ok(active) => active,
        Err(e) => {
            internal(e);
            return;
        }
    };
    let title = notice_title(state, row).await;
    super::notices::notify(
        state,
        &to,
        crate::domain::notice::NoticeKind::Case,
        row.id,
        row.status.as_str(),
        &title,
    )
    .await;
}

/// What a notice about a case calls it: its category (never the resident's
/// words). Empty when the settings cannot be read: the notice still goes.
pub(super) async fn notice_title(state: &AppState, row: &db::CaseRow) -> String {
    match settings(state).await {
        Ok(s) => s.names.get(&row.category_id).cloned().unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// The department a whistle goes to (吹哨): one the district keeps and
/// has not retired.
async fn department_code(state: &AppState, req: &ActRequest) -> Result<String, AppError> {
    let code = req
        .department
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_ascii_uppercase();
    if code.is_empty() {
        return Err(AppError::invalid(Field::Department, InputProblem::Required));
    }
    let known = crate::backend::store::geography::departments(&state.db)
        .await?
        .into_iter()
        .any(|d| d.active && d.code == code);
    if !known {
        return Err(AppError::invalid(Field::Department, InputProblem::Unknown));
    }
    Ok(code)
}

/// "Already handled by …": who took the latest step, as this caller may
/// read it — a staff name for staff, a role label for everyone else.
pub(super) async fn already_handled(state: &AppState, seen: CaseAccess, id: i64) -> AppError {
    match db::events(&state.db, id).await {
        Ok(events) => {
            let last = events.iter().rev().find(|e| seen.internal() || e.public);
            // Those who may see who handles the case get the name; others the role,
            // which the reader's page shows in its own language.
            match last {
                Some(e) if seen.contact() => AppError::AlreadyHandled {
                    by: e.actor_name.clone(),
                    role: None,
                },
                Some(e) => AppError::AlreadyHandled {
                    by: String::new(),
                    role: Role::parse(&e.actor_role),
                },
                None => AppError::AlreadyHandled {
                    by: String::new(),
                    role: None,
                },
            }
        }
        Err(e) => AppError::from(e),
    }
}

/// One page of a queue the caller may read, newest first, after `after`.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn queue(
    state: &AppState,
    viewer: &Viewer,
    which: Queue,
    filter: db::Filter,
    after: Option<i64>,
) -> Result<Vec<CaseSummary>, AppError> {
    let queue = queue_scope(state, viewer, &which)?;
    // Followers see the board's view: the place blurred to ~100 m.
    let place = |x: f64| {
        if matches!(queue, QueueScope::Following(_)) {
            crate::domain::case::blur(x)
        } else {
            x
        }
    };
    let scope: db::Scope = queue.clone().into();
    let settings = settings(state).await?;
    let categories = &settings.names;
    let rows = db::queue_page(&state.db, &scope, &filter, after, PAGE).await?;
    let now = Utc::now();
    Ok(rows
        .into_iter()
        .map(|r| {
            let status = CaseStatus::parse(&r.status).unwrap_or(CaseStatus::Reported);
            CaseSummary {
                id: r.id,
                category: categories.get(&r.category_id).cloned().unwrap_or_default(),
                description: r.excerpt,
                status,
                level: r.level.as_deref().and_then(DispatchLevel::parse),
                grid_code: r.grid_code,
                due_at: r.due_at,
                due_state: r
                    .due_at
                    .filter(|_| status.is_open())
                    .map(|d| settings.calendar.due_state(r.started_at, d, now)),
                created_at: r.created_at,
                lat: place(r.lat),
                lng: place(r.lng),
            }
        })
        .collect())
}

/// A queue's list as its tabs and filters ask for it.
pub async fn list(
    state: &AppState,
    viewer: &Viewer,
    which: Queue,
    ask: &QueueAsk,
    after: Option<i64>,
) -> Result<Vec<CaseSummary>, AppError> {
    // Refused first, whatever was asked.
    queue_scope(state, viewer, &which)?;
    match queue_filter(state, ask, Utc::now()).await? {
        Some(filter) => queue(state, viewer, which, filter, after).await,
        None => Ok(Vec::new()),
    }
}

/// The rule a queue's reader must pass (`policy::queue_scope`); an unknown
/// place is not found.
fn queue_scope(state: &AppState, viewer: &Viewer, which: &Queue) -> Result<QueueScope, AppError> {
    let atlas = state.atlas();
    if let Queue::Grid(c) | Queue::Community(c) | Queue::Street(c) = which {
        if atlas.place_of(c).is_none() {
            return Err(AppError::NotFound);
        }
    }
    policy::queue_scope(viewer.id, &viewer.grants, which, |c| atlas.place_of(c))
        .ok_or(AppError::Forbidden)
}

/// What a queue's list asks for besides the queue itself.
#[derive(Clone, Debug, Default)]
pub struct QueueAsk {
    pub statuses: Vec<CaseStatus>,
    pub view: QueueView,
    /// A category, or a top-level group with all its items.
    pub category_id: Option<i64>,
    /// One grid of the queue's place.
    pub grid: Option<String>,
    /// On a deadline tab: the deadline of the last row seen.
    pub after_due: Option<DateTime<Utc>>,
}

/// The store's filter for a queue's list at `now`: the deadline tabs read open
/// cases soonest deadline first; 即将超期 is what the sweep warned about and
/// is not yet overdue. None when nothing can match.
pub async fn queue_filter(
    state: &AppState,
    ask: &QueueAsk,
    now: DateTime<Utc>,
) -> Result<Option<db::Filter>, AppError> {
    let category_ids = match ask.category_id {
        Some(c) => settings(state)
            .await?
            .categories
            .iter()
            .filter(|x| x.id == c || x.parent_id == Some(c))
            .map(|x| x.id)
            .collect(),
        None => Vec::new(),
    };
    let mut filter = db::Filter {
        statuses: ask.statuses.clone(),
        category_ids,
        grid: ask
            .grid
            .as_deref()
            .map(|g| g.trim().to_ascii_uppercase())
            .filter(|g| !g.is_empty()),
        by_deadline: ask.view.by_deadline(),
        after_due: ask.after_due,
        ..Default::default()
    };
    match ask.view {
        QueueView::All => {}
        QueueView::Todo => {
            let asked = !filter.statuses.is_empty();
            if !asked {
                filter.statuses = CaseStatus::ALL.to_vec();
            }
            filter.statuses.retain(|s| s.is_open());
            if filter.statuses.is_empty() {
                // Closed cases asked for on the open tab: none can match.
                return Ok(None);
            }
        }
        QueueView::DueSoon => {
            filter.due_after = Some(now);
            filter.alarm_stage = Some(alarm::WARNED);
        }
        QueueView::Overdue => filter.due_before = Some(now),
    }
    Ok(Some(filter))
}

/// How many open, due-soon and overdue cases a queue holds, with the list's
/// category and grid filters.
pub async fn queue_counts(
    state: &AppState,
    viewer: &Viewer,
    which: Queue,
    category_id: Option<i64>,
    grid: Option<String>,
) -> Result<QueueCounts, AppError> {
    let scope: db::Scope = queue_scope(state, viewer, &which)?.into();
    let now = Utc::now();
    let mut counts = [0u64; 3];
    for (n, view) in
        counts
            .iter_mut()
            .zip([QueueView::Todo, QueueView::DueSoon, QueueView::Overdue])
    {
        let ask = QueueAsk {
            view,
            category_id,
            grid: grid.clone(),
            ..Default::default()
        };
        if let Some(filter) = queue_filter(state, &ask, now).await? {
            *n = db::count_in(&state.db, &scope, &filter).await?;
        }
    }
    Ok(QueueCounts {
        todo: counts[0],
        due_soon: counts[1],
        overdue: counts[2],
    })
}

/// Open cases of the same category within ~50 m in the last 30 days, shown
/// before submitting so the resident can follow one instead.
#[tracing::instrument(skip_all)]
pub async fn nearby(
    state: &AppState,
    category_id: i64,
    lat: f64,
    lng: f64,
) -> Result<Vec<CaseSummary>, AppError> {
    if !in_china(lat, lng) {
        return Err(AppError::invalid(
            Field::Coordinates,
            InputProblem::OutOfRange,
        ));
    }
    // 50 m in degrees: latitude is constant; longitude shrinks with cos(lat).
    let dlat = 50.0 / 111_320.0;
    let dlng = dlat / lat.to_radians().cos().max(0.1);
    let since = Utc::now() - Duration::days(30);
    // Board cases only (the store filters on `policy::on_public_board`),
    // placed as the board places them: "me too" must not find private
    // cases or pin anyone's door.
    let rows = db::nearby_open(&state.db, category_id, (lat, lng), (dlat, dlng), since).await?;
    let settings = settings(state).await?;
    Ok(rows
        .iter()
        .filter(|r| policy::on_public_board(r.public, r.status))
        .map(|r| {
            let mut s = summary(r, &settings);
            s.lat = crate::domain::case::blur(r.lat);
            s.lng = crate::domain::case::blur(r.lng);
            s
        })
        .collect())
}

/// A resident follows a case ("me too") instead of filing it again.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn follow(state: &AppState, viewer: &Viewer, id: i64) -> Result<(), AppError> {
    let (row, seen) = readable(state, Some(viewer), id).await?;
    if !policy::may_follow(seen, row.status) {
        return Err(AppError::WrongState);
    }
    db::follow(&state.db, id, viewer.id).await?;
    Ok(())
}

/// Loads the seed catalogue into an empty category table.
#[tracing::instrument(skip_all)]
pub async fn seed_categories(db_: &store::Db) -> Result<(), AppError> {
    if !db::categories(db_).await?.is_empty() {
        return Ok(());
    }
    for (i, (top, items)) in CATALOGUE.iter().enumerate() {
        let parent = db::insert_category(db_, None, top, i as i32).await?;
        for (j, item) in items.iter().enumerate() {
            db::insert_category(db_, Some(parent), item, j as i32).await?;
        }
    }
    Ok(())
}

/// The seed catalogue (two levels), from the street case categories in the seed articles.
pub const CATALOGUE: [(&str, &[&str]); 6] = [
    (
        "市容环境",
        &[
            "乱堆乱放",
            "垃圾清运不及时",
            "违章搭建",
            "占道经营",
            "小广告",
            "绿化损毁",
        ],
    ),
    (
        "设施维修",
        &[
            "路灯不亮",
            "道路破损",
            "井盖缺失",
            "楼道灯损坏",
            "健身器材损坏",
            "下水道堵塞",
        ],
    ),
    (
        "安全隐患",
        &[
            "消防通道堵塞",
            "电动车违规充电",
            "高空坠物隐患",
            "燃气泄漏隐患",
            "危房隐患",
        ],
    ),
    (
        "矛盾纠纷",
        &["邻里纠纷", "噪音扰民", "物业纠纷", "劳资纠纷"],
    ),
    (
        "物业管理",
        &[
            "电梯故障",
            "车库漏水",
            "停车管理",
            "快递柜问题",
            "保洁不到位",
        ],
    ),
    (
        "民生服务",
        &["独居老人关爱", "困难群众帮扶", "办事咨询", "充电桩需求"],
    ),
];

/// The public board: cases residents allowed to be public, anonymised,
/// newest first after `after`. Open to everyone, signed in or not.
#[tracing::instrument(skip_all)]
pub async fn board(
    state: &AppState,
    filter: db::Filter,
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<crate::domain::case::BoardItem>, AppError> {
    use crate::domain::case::{blur, BoardItem};
    let settings = settings(state).await?;
    let categories = &settings.names;
    let rows = db::page(
        &state.db,
        &db::Scope::Public,
        &filter,
        after,
        limit.clamp(1, 100),
    )
    .await?;
    // One query for the page's photos, not one per case.
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let photos = crate::backend::store::photos::of_cases(&state.db, &ids).await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in rows {
        let photos = photos
            .iter()
            .filter(|p| p.case_id == r.id && p.public)
            .map(photo_ref)
            .collect();
        items.push(BoardItem {
            id: r.id,
            category: categories.get(&r.category_id).cloned().unwrap_or_default(),
            grid_code: r.grid_code,
            community_code: r.community_code,
            status: r.status,
            created_at: r.created_at,
            updated_at: r.updated_at,
            lat: blur(r.lat),
            lng: blur(r.lng),
            photos,
        });
    }
    Ok(items)
}

/// Settings: time limits per level and the working-day calendar (system admins).
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn set_time_limits(
    state: &AppState,
    viewer: &Viewer,
    limits: TimeLimits,
) -> Result<(), AppError> {
    if !crate::domain::auth::permits(&viewer.grants, &crate::domain::auth::Action::ManageSettings) {
        return Err(AppError::Forbidden);
    }
    for days in [limits.grid, limits.community, limits.department] {
        if !(1..=30).contains(&days) {
            return Err(AppError::invalid(Field::Query, InputProblem::OutOfRange));
        }
    }
    for (key, days) in [
        ("limit_grid", limits.grid),
        ("limit_community", limits.community),
        ("limit_department", limits.department),
    ] {
        meta::set(&state.db, key, days as i64).await?;
    }
    forget_settings(state);
    Ok(())
}

/// The whole catalogue, inactive entries too (for the admin's editor).
#[tracing::instrument(skip_all)]
pub async fn catalogue(state: &AppState) -> Result<Vec<db::CategoryRow>, AppError> {
    Ok(db::categories(&state.db).await?)
}

fn category_name(name: &str) -> Result<String, AppError> {
    let n = name.trim();
    if n.is_empty() {
        return Err(AppError::invalid(Field::Category, InputProblem::Required));
    }
    if n.chars().count() > 20 {
        return Err(AppError::invalid(Field::Category, InputProblem::TooLong));
    }
    Ok(n.to_string())
}

/// Adds a category (top level without `parent`, or an item under one).
/// Admins keep the catalogue two levels deep.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn add_category(
    state: &AppState,
    viewer: &Viewer,
    parent: Option<i64>,
    name: &str,
) -> Result<i64, AppError> {
    if !crate::domain::auth::permits(&viewer.grants, &crate::domain::auth::Action::ManageSettings) {
        return Err(AppError::Forbidden);
    }
    let name = category_name(name)?;
    let all = db::categories(&state.db).await?;
    if let Some(p) = parent {
        if !all.iter().any(|c| c.id == p && c.parent_id.is_none()) {
            return Err(AppError::invalid(Field::Category, InputProblem::Unknown));
        }
    }
    if all.iter().any(|c| c.parent_id == parent && c.name == name) {
        return Err(AppError::invalid(Field::Category, InputProblem::Taken));
    }
    let sort = all
        .iter()
        .filter(|c| c.parent_id == parent)
        .map(|c| c.sort)
        .max()
        .unwrap_or(0)
        + 1;
    let id = db::insert_category(&state.db, parent, &name, sort).await?;
    forget_settings(state);
    Ok(id)
}

/// Renames a category or retires it (existing cases keep their category;
/// a retired one is no longer offered on the report form).
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn edit_category(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    name: Option<String>,
    active: Option<bool>,
) -> Result<(), AppError> {
    if !crate::domain::auth::permits(&viewer.grants, &crate::domain::auth::Action::ManageSettings) {
        return Err(AppError::Forbidden);
    }
    let name = name.as_deref().map(category_name).transpose()?;
    if !db::update_category(&state.db, id, name.as_deref(), active).await? {
        return Err(AppError::NotFound);
    }
    forget_settings(state);
    Ok(())
}

/// Marks a day as a holiday, a worked weekend day, or ordinary again (`None`).
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn set_calendar_day(
    state: &AppState,
    viewer: &Viewer,
    day: chrono::NaiveDate,
    workday: Option<bool>,
    name: &str,
) -> Result<(), AppError> {
    if !crate::domain::auth::permits(&viewer.grants, &crate::domain::auth::Action::ManageSettings) {
        return Err(AppError::Forbidden);
    }
    if name.chars().count() > 30 {
        return Err(AppError::invalid(Field::Name, InputProblem::TooLong));
    }
    match workday {
        Some(w) => db::set_calendar_day(&state.db, day, w, name.trim()).await,
        None => db::clear_calendar_day(&state.db, day).await,
    }?;
    forget_settings(state);
    Ok(())
}

/// The case a photo may be added to now, or why not: [`add_photo`]'s
/// checks before the photo, so the upload route answers before it reads a
/// body the caller may not send.
async fn photo_target(
    state: &AppState,
    viewer: &Viewer,
    case_id: i64,
    phase: Option<PhotoPhase>,
) -> Result<(db::CaseRow, crate::backend::store::photos::PhotoGroup), AppError> {
    use crate::backend::photo::MAX_PHOTOS;
    use crate::backend::store::photos::PhotoGroup;
    let row = db::case_by_id(&state.db, case_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // The reporter and those handling the case add photos; board readers
    // and followers do not.
    let seen = access(Some(viewer), &row);
    if seen == CaseAccess::None {
        return Err(AppError::NotFound);
    }
    let may = match phase {
        None => policy::may_add_case_photo(seen, &viewer.grants, &place_of(&row)),
        Some(_) => policy::may_add_handling_photo(seen, &viewer.grants, &place_of(&row)),
    };
    if !may {
        return Err(AppError::Forbidden);
    }
    if matches!(
        row.status,
        CaseStatus::Closed | CaseStatus::Rejected | CaseStatus::Merged
    ) {
        return Err(AppError::WrongState);
    }
    // The reporter's photos, the handling photos and each whistled
    // department's report photos have their own places: a report with six
    // photos can still be solved with one after.
    let group = if phase.is_none() && row.reporter_id == Some(viewer.id) {
        PhotoGroup::Reporter
    } else {
        match policy::department_with(&viewer.grants, &facts(&row)) {
            // (Its photos count from the call: `started_at` at department level.)
            Some(d) if seen == CaseAccess::Handler => {
                PhotoGroup::Department(d.to_string(), row.started_at)
            }
            _ => PhotoGroup::Handling,
        }
    };
    let taken = crate::backend::store::photos::count_of_case(&state.db, case_id, &group).await?;
    if taken >= MAX_PHOTOS {
        return Err(AppError::invalid(Field::Photo, InputProblem::TooMany));
    }
    Ok((row, group))
}

/// Whether the caller may add a photo to the case now (see [`add_photo`]).
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn may_add_photo(
    state: &AppState,
    viewer: &Viewer,
    case_id: i64,
    phase: Option<PhotoPhase>,
) -> Result<(), AppError> {
    photo_target(state, viewer, case_id, phase)
        .await
        .map(|_| ())
}

/// Adds a photo to a case: the reporter's, or staff's taken before or after
/// handling it (`phase`; a staff photo sent without one is a before photo).
/// The reporter's show to the reporter and, when the case is public, on the
/// board; an after photo does too once the step it belongs to (立即解决,
/// resolve) is taken, never before. Checked, re-encoded without EXIF,
/// thumbnailed; nothing is kept when any step fails.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn add_photo(
    state: &AppState,
    viewer: &Viewer,
    case_id: i64,
    bytes: Vec<u8>,
    phase: Option<PhotoPhase>,
) -> Result<PhotoRef, AppError> {
    use crate::backend::store::photos;
    let (row, group) = photo_target(state, viewer, case_id, phase).await?;
    let stored_phase = match phase {
        None if row.reporter_id != Some(viewer.id) => Some(PhotoPhase::Before),
        p => p,
    };
    let stored = super::photos::store(state, &format!("cases/{case_id}"), bytes).await?;
    let record = photos::PhotoRow {
        id: 0,
        case_id,
        uploader_id: viewer.id,
        key: stored.key.clone(),
        thumb_key: stored.thumb_key.clone(),
        width: stored.width,
        height: stored.height,
        bytes: stored.bytes,
        public: phase.is_none() && row.reporter_id == Some(viewer.id),
        created_at: Utc::now(),
        phase: stored_phase.map(|p| p.as_str().to_string()),
        department: match &group {
            photos::PhotoGroup::Department(d, _) => Some(d.clone()),
            _ => None,
        },
    };
    match photos::insert(&state.db, &record).await {
        Ok(id) => {
            announce(state, &row);
            Ok(PhotoRef {
                phase: stored_phase,
                department: record.department,
                ..PhotoRef::new(id)
            })
        }
        Err(e) => {
            super::photos::discard(state, &stored).await;
            Err(AppError::from(e))
        }
    }
}

/// A photo's bytes (or its thumbnail's), if the caller may see it: anyone
/// for public photos of public cases, otherwise those who may read the case.
/// The flag says whether it is a board photo (others must not be cached).
#[tracing::instrument(skip_all)]
pub async fn photo_bytes(
    state: &AppState,
    viewer: Option<&Viewer>,
    id: i64,
    thumb: bool,
) -> Result<(Vec<u8>, bool), AppError> {
    use crate::backend::store::photos;
    let p = photos::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let row = db::case_by_id(&state.db, p.case_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let seen = access(viewer, &row);
    let on_board = p.public && policy::on_public_board(row.public, row.status);
    if !policy::may_see_photo(seen, p.public, on_board) {
        return Err(AppError::NotFound);
    }
    let bytes = super::photos::read(state, if thumb { &p.thumb_key } else { &p.key }).await?;
    Ok((bytes, on_board))
}

/// The photos of a case this reader may see.
fn photo_refs(
    rows: &[crate::backend::store::photos::PhotoRow],
    row: &db::CaseRow,
    access: CaseAccess,
) -> Vec<PhotoRef> {
    let on_board = policy::on_public_board(row.public, row.status);
    rows.iter()
        .filter(|p| policy::may_see_photo(access, p.public, on_board))
        .map(photo_ref)
        .collect()
}

pub(super) fn photo_ref(p: &crate::backend::store::photos::PhotoRow) -> PhotoRef {
    PhotoRef {
        phase: p.phase.as_deref().and_then(PhotoPhase::parse),
        department: p.department.clone(),
        ..PhotoRef::new(p.id)
    }
}

/// Cases for the map layer: staff see the open cases of their first place
/// (grid, community or street); everyone else the public board's open
/// cases, blurred to ~100 m.
#[tracing::instrument(skip_all)]
pub async fn map_points(
    state: &AppState,
    viewer: Option<&Viewer>,
) -> Result<Vec<crate::domain::case::CasePoint>, AppError> {
    use crate::domain::case::{blur, CasePoint};
    use crate::domain::deadline::DueState;
    let open: Vec<CaseStatus> = CaseStatus::ALL
        .into_iter()
        .filter(|s| s.is_open())
        .collect();
    let filter = db::Filter {
        statuses: open,
        ..Default::default()
    };
    let layer = viewer
        .map(|v| policy::layer_scope(&v.grants))
        .unwrap_or(LayerScope::Public);
    let now = Utc::now();
    let (scope, limit, linked) = match layer {
        LayerScope::Staff(scope) => (scope.into(), 500, true),
        LayerScope::Public => (db::Scope::Public, 200, false),
    };
    let rows = state
        .case_layers
        .get_or_fill(scope.clone(), || {
            db::dots(&state.db, &scope, &filter, limit)
        })
        .await?;
    Ok(rows
        .iter()
        .map(|r| CasePoint {
            id: r.id,
            lat: if linked { r.lat } else { blur(r.lat) },
            lng: if linked { r.lng } else { blur(r.lng) },
            status: r.status,
            overdue: r
                .due_at
                .is_some_and(|d| due_state(r.started_at, d, now) == DueState::Overdue),
            linked: linked || viewer.is_some_and(|v| r.reporter_id == Some(v.id)),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_catalogue_has_two_levels_and_no_empty_group() {
        for (top, items) in super::CATALOGUE {
            assert!(!top.is_empty() && !items.is_empty(), "{top}");
        }
    }
}
