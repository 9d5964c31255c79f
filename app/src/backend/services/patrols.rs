//! Patrols (巡查走访, issue 10): a grid worker starts a patrol, the phone sends
//! the points it records, the worker logs visits (with photos) and turns a
//! finding into a case (source 主动发现) in one tap, then ends it. The day's
//! rule and each grid's key-issues list. Who may do what is `domain::policy`;
//! the rules of a track are `domain::patrol`.

use super::audit::{record, Target};
use super::auth::Viewer;
use super::{first_problem, internal};
use crate::backend::state::AppState;
use crate::backend::store::patrols::{self as db, KeyIssueRow, PatrolRow, ReviewRow, VisitRow};
use crate::domain::audit::AuditAction;
use crate::domain::auth::Place;
use crate::domain::case::{CaseSource, CaseView, NewCase, PhotoRef};
use crate::domain::deadline::{china, china_date};
use crate::domain::error::{AppError, Field, InputProblem};
use crate::domain::geography::Level;
use crate::domain::patrol::{
    self as rule, DayRule, IssueReview, IssueStatus, KeyIssueView, NewKeyIssue, NewVisit,
    PatrolStatus, PatrolTally, PatrolView, ReviewKind, ReviewView, Risk, TrackPoint, VisitKind,
    VisitView, WorkerDay,
};
use crate::domain::policy;
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};

/// The grid the caller patrols (the one chosen among theirs, else their
/// first) and its place, or Forbidden.
fn patrol_grid(
    state: &AppState,
    viewer: &Viewer,
    chosen: Option<&str>,
) -> Result<(String, Place), AppError> {
    let mut grids = policy::patrol_grids(&viewer.grants);
    let code = match chosen {
        Some(c) => grids.find(|g| *g == c),
        None => grids.next(),
    }
    .ok_or(AppError::Forbidden)?;
    let place = state.atlas().place_of(code).ok_or(AppError::NotFound)?;
    Ok((code.to_string(), place))
}

/// The start of a Chinese day and of the next, as UTC moments.
fn day_bounds(day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = china()
        .from_local_datetime(&day.and_time(NaiveTime::MIN))
        .single()
        .expect("fixed offset")
        .with_timezone(&Utc);
    (start, crate::domain::deadline::midnight_after(day))
}

/// The caller's running patrol, if any; one left running past
/// `patrol::MAX_HOURS` is ended at its last point (the phone was put away).
async fn running(
    state: &AppState,
    user: i64,
    now: DateTime<Utc>,
) -> Result<Option<PatrolRow>, AppError> {
    let Some(p) = db::running_of(&state.db, user).await? else {
        return Ok(None);
    };
    if now < rule::runs_until(p.started_at) {
        return Ok(Some(p));
    }
    end_left(state, &p).await?;
    Ok(None)
}

/// Ends a patrol left running past its time where the phone last recorded
/// it (or at its start, without points); false when it had ended meanwhile.
async fn end_left(state: &AppState, p: &PatrolRow) -> Result<bool, AppError> {
    let at = db::last_point_at(&state.db, p.id)
        .await?
        .unwrap_or(p.started_at)
        .clamp(p.started_at, rule::runs_until(p.started_at));
    Ok(db::end(&state.db, p.id, at).await?)
}

/// Ends every patrol left running past `patrol::MAX_HOURS` (a phone put
/// away, a worker who never came back to the app), so the day's figures and
/// the supervisors' lists do not wait for its owner to call again. Each end
/// is conditional: servers running this together end each patrol once.
pub async fn end_left_running(state: &AppState, now: DateTime<Utc>) -> Result<usize, AppError> {
    let before = now - chrono::Duration::hours(rule::MAX_HOURS);
    let mut ended = 0;
    for p in db::running_started_before(&state.db, before, 500).await? {
        if end_left(state, &p).await? {
            ended += 1;
        }
    }
    Ok(ended)
}

/// The patrol `id` as `viewer` may read it: their own, or one of a grid
/// they supervise (that look is audited); others' answer as missing.
async fn readable(state: &AppState, viewer: &Viewer, id: i64) -> Result<PatrolRow, AppError> {
    let p = may_read(state, viewer, id).await?;
    if p.user_id != viewer.id {
        record(
            state,
            viewer,
            AuditAction::PatrolRead,
            Target::new("patrol", p.id).in_street(p.street_code.clone()),
            "",
        )
        .await?;
    }
    Ok(p)
}

/// The patrol `id` if `viewer` may read it (without the audit line: its
/// photos are read with the patrol, whose look is audited once).
async fn may_read(state: &AppState, viewer: &Viewer, id: i64) -> Result<PatrolRow, AppError> {
    let p = db::by_id(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let place = state.atlas().place_of(&p.grid_code).unwrap_or(Place {
        grid: Some(p.grid_code.clone()),
        community: p.community_code.clone(),
        street: p.street_code.clone(),
    });
    if !policy::may_see_patrol(viewer.id, &viewer.grants, p.user_id, &place) {
        return Err(AppError::NotFound);
    }
    Ok(p)
}

/// The caller's own running patrol `id`, or why not.
async fn own_running(state: &AppState, viewer: &Viewer, id: i64) -> Result<PatrolRow, AppError> {
    let p = db::by_id(&state.db, id).await?.ok_or(AppError::NotFound)?;
    if p.user_id != viewer.id {
        return Err(AppError::NotFound);
    }
    let r = match running(state, viewer.id, Utc::now()).await? {
        Some(r) if r.id == p.id => r,
        _ => return Err(AppError::WrongState),
    };
    // Someone no longer on the grid's staff patrols it no more: their
    // running patrol ends here.
    if !policy::patrol_grids(&viewer.grants).any(|g| g == r.grid_code) {
        db::end(&state.db, r.id, Utc::now()).await?;
        return Err(AppError::Forbidden);
    }
    Ok(r)
}

/// A patrol with its visits; its track too when `track` (a patrol's page,
/// not every list: a long walk is thousands of points).
async fn view(
    state: &AppState,
    p: PatrolRow,
    worker: String,
    track: bool,
) -> Result<PatrolView, AppError> {
    let visits = db::visits_of(&state.db, p.id).await?;
    let ids: Vec<i64> = visits.iter().map(|v| v.id).collect();
    let photos = db::photos_of(&state.db, &ids).await?;
    let track = if track {
        db::track(&state.db, p.id).await?
    } else {
        Vec::new()
    };
    Ok(PatrolView {
        id: p.id,
        worker,
        grid_code: p.grid_code.clone(),
        started_at: p.started_at,
        ended_at: p.ended_at,
        length_m: p.length_m,
        points: p.points as u64,
        counts: rule::counts(p.started_at, p.ended_at, p.points as u64),
        visits: visits
            .into_iter()
            .map(|v| VisitView {
                photos: photos
                    .iter()
                    .filter(|ph| ph.visit_id == v.id)
                    .map(|ph| visit_photo_ref(ph.id))
                    .collect(),
                id: v.id,
                kind: VisitKind::parse(&v.kind).unwrap_or(VisitKind::Place),
                subject: v.subject,
                note: v.note,
                lat: v.lat,
                lng: v.lng,
                at: v.at,
                case_id: v.case_id,
                household_id: v.household_id,
            })
            .collect(),
        track,
    })
}

fn visit_photo_ref(id: i64) -> PhotoRef {
    PhotoRef {
        url: format!("/api/v1/visit-photos/{id}"),
        thumb_url: format!("/api/v1/visit-photos/{id}?thumb=1"),
        ..PhotoRef::new(id)
    }
}

/// Where the caller's patrolling stands today.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn mine(state: &AppState, viewer: &Viewer) -> Result<PatrolStatus, AppError> {
    let now = Utc::now();
    let atlas = state.atlas();
    let grids: Vec<(String, String)> = policy::patrol_grids(&viewer.grants)
        .map(|g| {
            let name = atlas.name_of(g).unwrap_or(g).to_string();
            (g.to_string(), name)
        })
        .collect();
    let grid = grids.first().map(|g| g.0.clone());
    let (from, to) = day_bounds(china_date(now));
    let today = db::started_between(&state.db, &[viewer.id], &[], from, to).await?;
    let run = running(state, viewer.id, now).await?;
    let running_view = match run {
        Some(p) => Some(view(state, p, viewer.name.clone(), false).await?),
        None => None,
    };
    let mut recent = Vec::new();
    for p in today.iter().rev().filter(|p| p.ended_at.is_some()) {
        recent.push(view(state, p.clone(), viewer.name.clone(), false).await?);
    }
    Ok(PatrolStatus {
        grid_code: grid,
        grids,
        running: running_view,
        today: today
            .iter()
            .filter(|p| rule::counts(p.started_at, p.ended_at, p.points as u64))
            .count() as u32,
        needed: rule::DAILY_PATROLS,
        interval_seconds: state
            .config
            .patrol_interval_seconds
            .unwrap_or(rule::DEFAULT_INTERVAL_SECONDS),
        recent,
        areas: super::staff_areas(state, viewer),
    })
}

/// Starts a patrol of one of the caller's grids (`grid`, else their first);
/// a second tap gives back the one running.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn start(
    state: &AppState,
    viewer: &Viewer,
    grid: Option<&str>,
) -> Result<PatrolView, AppError> {
    let (code, place) = patrol_grid(state, viewer, grid)?;
    let now = Utc::now();
    if let Some(p) = running(state, viewer.id, now).await? {
        return view(state, p, viewer.name.clone(), false).await;
    }
    let (from, to) = day_bounds(china_date(now));
    if db::started_count(&state.db, viewer.id, from, to).await? >= rule::MAX_PER_DAY as u64 {
        return Err(AppError::invalid(Field::Time, InputProblem::TooMany));
    }
    let Some(p) = db::start(&state.db, viewer.id, &place, &code, now).await? else {
        // Started at the same moment elsewhere (another tap, another phone).
        let p = running(state, viewer.id, now)
            .await?
            .ok_or(AppError::WrongState)?;
        return view(state, p, viewer.name.clone(), false).await;
    };
    record(
        state,
        viewer,
        AuditAction::PatrolStep,
        Target::new("patrol", p.id).in_street(p.street_code.clone()),
        "start",
    )
    .await?;
    view(state, p, viewer.name.clone(), false).await
}

/// Stores points the phone recorded on the caller's running patrol and
/// answers where the patrol stands (not the whole track: this comes every
/// few seconds). A batch sent again is stored once.
#[tracing::instrument(skip_all, fields(user = viewer.id, patrol = id))]
pub async fn points(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    points: Vec<TrackPoint>,
) -> Result<PatrolTally, AppError> {
    let mut p = own_running(state, viewer, id).await?;
    let now = Utc::now();
    rule::check_points(&points, p.started_at, now)
        .map_err(|(field, problem)| AppError::invalid(field, problem))?;
    let mut points = points;
    points.sort_by_key(|p| p.at);
    // Two uploads at once (the end's last point meeting the phone's timer)
    // each go on from the last point the other has not moved yet: the one
    // that lands second reads the patrol again and goes on from there.
    for _ in 0..3 {
        if p.points as u64 + points.len() as u64 > rule::MAX_POINTS {
            return Err(AppError::invalid(Field::Coordinates, InputProblem::TooMany));
        }
        let (added, last) = rule::track_length(p.last.as_ref(), &points);
        let seen = p.last.as_ref().map(|l| l.at);
        if db::add_points(&state.db, p.id, seen, &points, added, last.as_ref())
            .await?
            .is_some()
        {
            let p = db::by_id(&state.db, id).await?.ok_or(AppError::NotFound)?;
            return Ok(PatrolTally {
                points: p.points as u64,
                length_m: p.length_m,
            });
        }
        p = db::by_id(&state.db, id).await?.ok_or(AppError::NotFound)?;
        if p.ended_at.is_some() {
            return Err(AppError::WrongState);
        }
    }
    Err(AppError::Busy {
        retry_after_secs: 1,
    })
}

/// Logs a visit on the caller's running patrol.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn visit(state: &AppState, viewer: &Viewer, v: NewVisit) -> Result<PatrolView, AppError> {
    let p = own_running(state, viewer, v.patrol_id).await?;
    first_problem(v.problems())?;
    if db::visit_count(&state.db, p.id).await? >= rule::MAX_VISITS as u64 {
        return Err(AppError::invalid(Field::Place, InputProblem::TooMany));
    }
    // A household of the patrol's own grid only.
    let household_id = match v.household_id {
        Some(id) => Some(super::households::in_grid(state, id, &p.grid_code).await?),
        None => None,
    };
    db::insert_visit(
        &state.db,
        &VisitRow {
            id: 0,
            patrol_id: p.id,
            user_id: viewer.id,
            grid_code: p.grid_code.clone(),
            kind: v.kind.as_str().to_string(),
            subject: v.subject.trim().to_string(),
            note: v.note.trim().to_string(),
            lat: v.lat,
            lng: v.lng,
            at: Utc::now(),
            case_id: None,
            household_id,
        },
    )
    .await?;
    record(
        state,
        viewer,
        AuditAction::PatrolStep,
        Target::new("patrol", p.id).in_street(p.street_code.clone()),
        "visit",
    )
    .await?;
    let p = db::by_id(&state.db, p.id)
        .await?
        .ok_or(AppError::NotFound)?;
    view(state, p, viewer.name.clone(), false).await
}

/// Turns a visit's finding into a case (source 主动发现, the visit's place and
/// words, its photos as the case's before photos) in one tap. Again: the
/// same case.
#[tracing::instrument(skip_all, fields(user = viewer.id, visit = visit_id))]
pub async fn to_case(
    state: &AppState,
    viewer: &Viewer,
    visit_id: i64,
    category_id: i64,
) -> Result<CaseView, AppError> {
    let v = db::visit_by_id(&state.db, visit_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if v.user_id != viewer.id {
        return Err(AppError::NotFound);
    }
    if let Some(id) = v.case_id {
        return super::cases::get(state, Some(viewer), id).await;
    }
    let description = match v.note.is_empty() {
        true => v.subject.clone(),
        false => format!("{}：{}", v.subject, v.note),
    };
    // The visit's key makes a second tap (or a lost answer) give back the same case.
    let case = super::cases::report(
        state,
        viewer,
        NewCase {
            category_id,
            description,
            lat: v.lat,
            lng: v.lng,
            public: false,
            source: CaseSource::Patrol,
            contact_phone: None,
            idempotency_key: Some(format!("patrol-visit-{}", v.id)),
            grid: None,
        },
    )
    .await?;
    // The key names this visit's case: a case the caller filed otherwise
    // under the same key is not it.
    if case.source != CaseSource::Patrol {
        return Err(AppError::WrongState);
    }
    if db::set_visit_case(&state.db, v.id, case.id).await? {
        record(
            state,
            viewer,
            AuditAction::PatrolStep,
            Target::new("case", case.id),
            "finding",
        )
        .await?;
        let photos = db::photos_of(&state.db, &[v.id]).await?;
        for ph in photos {
            let row = crate::backend::store::photos::PhotoRow {
                id: 0,
                case_id: case.id,
                uploader_id: ph.uploader_id,
                key: ph.key,
                thumb_key: ph.thumb_key,
                width: ph.width,
                height: ph.height,
                bytes: ph.bytes,
                public: false,
                created_at: ph.created_at,
                phase: Some(crate::domain::case::PhotoPhase::Before.as_str().to_string()),
                department: None,
            };
            if let Err(e) = crate::backend::store::photos::insert(&state.db, &row).await {
                internal(e);
            }
        }
    }
    super::cases::get(state, Some(viewer), case.id).await
}

/// Ends the caller's running patrol.
#[tracing::instrument(skip_all, fields(user = viewer.id, patrol = id))]
pub async fn end(state: &AppState, viewer: &Viewer, id: i64) -> Result<PatrolView, AppError> {
    let p = own_running(state, viewer, id).await?;
    db::end(&state.db, p.id, Utc::now()).await?;
    record(
        state,
        viewer,
        AuditAction::PatrolStep,
        Target::new("patrol", p.id).in_street(p.street_code.clone()),
        "end",
    )
    .await?;
    let p = db::by_id(&state.db, p.id)
        .await?
        .ok_or(AppError::NotFound)?;
    view(state, p, viewer.name.clone(), false).await
}

/// One patrol with its track and visits.
#[tracing::instrument(skip_all, fields(user = viewer.id, patrol = id))]
pub async fn detail(state: &AppState, viewer: &Viewer, id: i64) -> Result<PatrolView, AppError> {
    let p = readable(state, viewer, id).await?;
    let worker = crate::backend::store::accounts::user_by_id(&state.db, p.user_id)
        .await?
        .map(|u| u.name)
        .unwrap_or_default();
    view(state, p, worker, true).await
}

/// The grids of an area (a grid, or every grid of a community or street),
/// after checking the caller is staff there.
fn grids_of(state: &AppState, viewer: &Viewer, area: &str) -> Result<Vec<String>, AppError> {
    let atlas = state.atlas();
    let place = atlas.place_of(area).ok_or(AppError::NotFound)?;
    if !policy::may_see_patrol_work(&viewer.grants, &place) {
        return Err(AppError::Forbidden);
    }
    Ok(atlas
        .codes_within(area)
        .into_iter()
        .filter(|c| atlas.level_of(c) == Some(Level::Grid))
        .collect())
}

/// The day's rule for every worker of an area.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn day(
    state: &AppState,
    viewer: &Viewer,
    area: &str,
    day: Option<NaiveDate>,
) -> Result<DayRule, AppError> {
    let grids = grids_of(state, viewer, area)?;
    let today = china_date(Utc::now());
    let day = day.unwrap_or(today);
    if (day - today).num_days().abs() > 366 {
        return Err(AppError::invalid(Field::Time, InputProblem::OutOfRange));
    }
    let (from, to) = day_bounds(day);
    let mut workers: Vec<WorkerDay> = Vec::new();
    for g in &grids {
        for s in super::owners::candidates(state, g).await? {
            workers.push(WorkerDay {
                user_id: s.user_id,
                name: s.name,
                grid_code: g.clone(),
                patrols: 0,
                done: false,
            });
        }
    }
    let ids: Vec<i64> = workers.iter().map(|w| w.user_id).collect();
    let patrols = db::started_between(&state.db, &ids, &[], from, to).await?;
    for w in &mut workers {
        // A worker of two grids counts their patrols of each grid there.
        w.patrols = patrols
            .iter()
            .filter(|p| p.user_id == w.user_id && p.grid_code == w.grid_code)
            .filter(|p| rule::counts(p.started_at, p.ended_at, p.points as u64))
            .count() as u32;
        w.done = w.patrols >= rule::DAILY_PATROLS;
    }
    Ok(DayRule { day, workers })
}

// ------------------------------------------------------------ key issues

fn grid_place(state: &AppState, grid: &str) -> Result<Place, AppError> {
    let atlas = state.atlas();
    match (atlas.level_of(grid), atlas.place_of(grid)) {
        (Some(Level::Grid), Some(p)) => Ok(p),
        _ => Err(AppError::NotFound),
    }
}

/// A grid's key-issues list.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn issues(
    state: &AppState,
    viewer: &Viewer,
    grid: &str,
) -> Result<Vec<KeyIssueView>, AppError> {
    let place = grid_place(state, grid)?;
    if !policy::may_see_patrol_work(&viewer.grants, &place) {
        return Err(AppError::Forbidden);
    }
    let rows = db::issues_of(&state.db, grid).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let reviews = db::reviews_of(&state.db, &ids).await?;
    let names = super::cases::settings(state).await?.names.clone();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let owner = match r.owner_id {
            Some(id) => crate::backend::store::accounts::user_by_id(&state.db, id)
                .await?
                .map(|u| u.name),
            None => None,
        };
        out.push(KeyIssueView {
            id: r.id,
            grid_code: r.grid_code,
            category: names.get(&r.category_id).cloned().unwrap_or_default(),
            title: r.title,
            risk: Risk::parse(&r.risk).unwrap_or(Risk::Medium),
            status: IssueStatus::parse(&r.status).unwrap_or(IssueStatus::Open),
            owner,
            created_at: r.created_at,
            reviews: reviews
                .iter()
                .filter(|v| v.issue_id == r.id)
                .map(|v| ReviewView {
                    kind: ReviewKind::parse(&v.kind).unwrap_or(ReviewKind::Note),
                    text: v.text.clone(),
                    author: v.author_name.clone(),
                    at: v.at,
                })
                .collect(),
        });
    }
    Ok(out)
}

/// Enters a key issue for a grid; its owner is a member of the grid's staff
/// (the caller when none is named and they are one, else the grid's first owner).
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn add_issue(
    state: &AppState,
    viewer: &Viewer,
    issue: NewKeyIssue,
) -> Result<Vec<KeyIssueView>, AppError> {
    let place = grid_place(state, &issue.grid_code)?;
    if !policy::may_keep_key_issues(&viewer.grants, &place) {
        return Err(AppError::Forbidden);
    }
    first_problem(issue.problems())?;
    let settings = super::cases::settings(state).await?;
    if !settings
        .categories
        .iter()
        .any(|c| c.id == issue.category_id && c.parent_id.is_some() && c.active)
    {
        return Err(AppError::invalid(Field::Category, InputProblem::Unknown));
    }
    // (Two entries at the same moment may pass the count together: the cap
    // keeps the list workable, it is not an exact quota.)
    if db::open_issue_count(&state.db, &issue.grid_code).await? >= rule::MAX_OPEN_ISSUES {
        return Err(AppError::invalid(Field::KeyIssue, InputProblem::TooMany));
    }
    let staff = super::owners::candidates(state, &issue.grid_code).await?;
    let owner = match issue.owner_id {
        Some(o) if staff.iter().any(|s| s.user_id == o) => Some(o),
        Some(_) => return Err(AppError::invalid(Field::Owner, InputProblem::Unknown)),
        None if staff.iter().any(|s| s.user_id == viewer.id) => Some(viewer.id),
        None => staff.first().map(|s| s.user_id),
    };
    let now = Utc::now();
    let id = db::insert_issue(
        &state.db,
        &KeyIssueRow {
            id: 0,
            grid_code: issue.grid_code.clone(),
            category_id: issue.category_id,
            title: issue.title.trim().to_string(),
            risk: issue.risk.as_str().to_string(),
            status: IssueStatus::Open.as_str().to_string(),
            owner_id: owner,
            created_by: viewer.id,
            created_at: now,
        },
    )
    .await?;
    record(
        state,
        viewer,
        AuditAction::PatrolStep,
        Target::new("key_issue", id).in_street(place.street.clone()),
        "add",
    )
    .await?;
    issues(state, viewer, &issue.grid_code).await
}

/// Adds a dated review to a key issue, with the status or risk it sets.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn review_issue(
    state: &AppState,
    viewer: &Viewer,
    review: IssueReview,
) -> Result<Vec<KeyIssueView>, AppError> {
    let issue = db::issue_by_id(&state.db, review.issue_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let place = grid_place(state, &issue.grid_code)?;
    if !policy::may_see_patrol_work(&viewer.grants, &place) {
        return Err(AppError::NotFound);
    }
    if !policy::may_keep_key_issues(&viewer.grants, &place) {
        return Err(AppError::Forbidden);
    }
    let text = super::text(&review.text, Field::Note, rule::MAX_NOTE, true)?;
    if db::review_count(&state.db, issue.id).await? >= rule::MAX_REVIEWS {
        return Err(AppError::invalid(Field::Review, InputProblem::TooMany));
    }
    db::review(
        &state.db,
        issue.id,
        &ReviewRow {
            issue_id: issue.id,
            kind: review.kind.as_str().to_string(),
            text,
            author_name: viewer.name.clone(),
            at: Utc::now(),
        },
        viewer.id,
        review.status.map(IssueStatus::as_str),
        review.risk.map(Risk::as_str),
    )
    .await?;
    record(
        state,
        viewer,
        AuditAction::PatrolStep,
        Target::new("key_issue", issue.id).in_street(place.street.clone()),
        review.kind.as_str(),
    )
    .await?;
    issues(state, viewer, &issue.grid_code).await
}

// ---------------------------------------------------------------- photos

/// The visit a photo may be added to: the caller's own, on a patrol still
/// running, with room for another.
pub async fn may_add_photo(
    state: &AppState,
    viewer: &Viewer,
    visit_id: i64,
) -> Result<VisitRow, AppError> {
    let v = db::visit_by_id(&state.db, visit_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if v.user_id != viewer.id {
        return Err(AppError::NotFound);
    }
    own_running(state, viewer, v.patrol_id).await?;
    if db::count_photos(&state.db, v.id).await? >= crate::backend::photo::MAX_PHOTOS {
        return Err(AppError::invalid(Field::Photo, InputProblem::TooMany));
    }
    Ok(v)
}

/// Adds a photo to a visit (checked, re-encoded without EXIF, thumbnailed).
#[tracing::instrument(skip_all, fields(user = viewer.id, visit = visit_id))]
pub async fn add_photo(
    state: &AppState,
    viewer: &Viewer,
    visit_id: i64,
    bytes: Vec<u8>,
) -> Result<PhotoRef, AppError> {
    let v = may_add_photo(state, viewer, visit_id).await?;
    let stored = super::photos::store(state, &format!("visits/{}", v.id), bytes).await?;
    let row = db::VisitPhotoRow {
        id: 0,
        visit_id: v.id,
        uploader_id: viewer.id,
        key: stored.key.clone(),
        thumb_key: stored.thumb_key.clone(),
        width: stored.width,
        height: stored.height,
        bytes: stored.bytes,
        created_at: Utc::now(),
    };
    match db::insert_photo(&state.db, &row).await {
        Ok(id) => Ok(visit_photo_ref(id)),
        Err(e) => {
            super::photos::discard(state, &stored).await;
            Err(AppError::from(e))
        }
    }
}

/// A visit photo's bytes, for those who may read its patrol.
pub async fn photo_bytes(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    thumb: bool,
) -> Result<Vec<u8>, AppError> {
    let ph = db::photo_by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let v = db::visit_by_id(&state.db, ph.visit_id)
        .await?
        .ok_or(AppError::NotFound)?;
    may_read(state, viewer, v.patrol_id).await?;
    super::photos::read(state, if thumb { &ph.thumb_key } else { &ph.key }).await
}
