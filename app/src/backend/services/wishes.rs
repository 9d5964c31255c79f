//! The micro-wish loop: post, review, claim, fulfil, confirm. Every step
//! decides through `domain::wish::decide`; contacts leave the server only
//! for those `domain::wish::sees_contact` allows.

use super::auth::Viewer;
use super::notices::{notify, reviewers_of};
use super::{first_problem, text};
use crate::backend::state::AppState;
use crate::backend::store::units::CreditRow;
use crate::backend::store::wishes::{self as db, WishChange, WishEventRow, WishPhotoRow, WishRow};
use crate::domain::auth::{Place, Role};
use crate::domain::deadline::china_date;
use crate::domain::error::{AppError, ClaimLimitKind, Field, InputProblem};
use crate::domain::geography::Level;
use crate::domain::notice::NoticeKind;
use crate::domain::unit::CreditSource;
use crate::domain::wish::*;
use chrono::{Duration, NaiveDate, Utc};

/// Cards per page of the wall and lists.
pub use crate::domain::PAGE;
/// Wishes on the map layer at most.
pub const MAP_LIMIT: u64 = 200;

/// The wall's first pages: the same for every reader and by far the most
/// read. Forgotten whenever a wish changes here; at most 2 s old otherwise.
pub type WallCache = crate::backend::cache::ReadCache<(WishFilter, u64), Vec<WishCard>>;

/// Photos per wish, and per fulfilment.
const MAX_PHOTOS: u64 = 6;

pub fn wall_cache() -> WallCache {
    WallCache::new(std::time::Duration::from_secs(2), 1000)
}

pub fn today() -> NaiveDate {
    china_date(Utc::now())
}

fn place_of(row: &WishRow) -> Place {
    Place {
        grid: row.grid_code.clone(),
        community: Some(row.community_code.clone()),
        street: row.street_code.clone(),
    }
}

fn facts(row: &WishRow) -> WishFacts {
    WishFacts {
        status: row.status,
        place: place_of(row),
        wisher: row.wisher_id,
        posted_by: row.posted_by,
        claimer: row.claimer_id,
        claimer_unit: row.claimer_unit_id,
    }
}

/// Whether the caller may open a wish that is not on the wall.
fn may_see(viewer: Option<&Viewer>, row: &WishRow) -> bool {
    row.status.on_wall() || viewer.is_some_and(|v| sees_contact(v.id, &v.grants, &facts(row)))
}

/// Posts a wish for review: the caller's own, or (grid and community staff)
/// one for a resident without a phone.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn post(state: &AppState, viewer: &Viewer, new: NewWish) -> Result<WishView, AppError> {
    let today = today();
    first_problem(new.problems(today))?;
    let (title, story, address) = (new.title.trim(), new.story.trim(), new.address.trim());
    let (title, story, address) = (title.to_string(), story.to_string(), address.to_string());
    let atlas = state.atlas();
    let community = new.community_code.trim().to_ascii_uppercase();
    if atlas.level_of(&community) != Some(Level::Community) {
        return Err(AppError::invalid(Field::Community, InputProblem::Unknown));
    }
    let place = atlas.place_of(&community).unwrap_or_default();
    // Staff of a grid in this community post for someone: the grid is theirs.
    let staff_grid = viewer.grants.iter().find_map(|g| match &g.scope {
        crate::domain::auth::Scope::Grid(code)
            if matches!(
                g.role,
                // Instructors read only; they do not post.
                Role::GridWorker | Role::GridLeader
            ) && atlas.place_of(code).and_then(|p| p.community).as_deref()
                == Some(community.as_str()) =>
        {
            Some(code.clone())
        }
        _ => None,
    });
    let (wisher_id, contact_name, contact_phone) = if let Some(name) = new.for_name.as_deref() {
        if staff_grid.is_none() && !community_side(&viewer.grants, &place) {
            return Err(AppError::Forbidden);
        }
        let phone = new.for_phone.as_deref().unwrap_or_default().trim();
        (None, name.trim().to_string(), phone.to_string())
    } else {
        (Some(viewer.id), viewer.name.clone(), viewer.phone.clone())
    };
    let spot = atlas
        .spot_in(&community, (rand::random::<f64>(), rand::random::<f64>()))
        .unwrap_or_default();
    let now = Utc::now();
    let row = WishRow {
        id: 0,
        title,
        story,
        kind: new.kind,
        value_yuan: new.value_yuan,
        wanted_by: new.wanted_by,
        status: WishStatus::Pending,
        community_code: community.clone(),
        street_code: place.street.clone(),
        grid_code: staff_grid,
        lat: spot.0,
        lng: spot.1,
        wisher_id,
        posted_by: viewer.id,
        contact_name,
        contact_phone,
        address,
        claimer_id: None,
        claimer_unit_id: None,
        claimed_by: None,
        claimed_at: None,
        fulfil_note: None,
        hours: None,
        thanks: None,
        reject_reason: None,
        version: 0,
        created_at: now,
        updated_at: now,
    };
    let event = WishEventRow {
        actor_id: viewer.id,
        actor_name: viewer.name.clone(),
        action: WishAction::Post,
        to_status: WishStatus::Pending,
        note: String::new(),
        created_at: now,
    };
    let id = db::insert(&state.db, &row, Some(&event)).await?;
    state.wall_cache.clear();
    let reviewers = reviewers_of(state, &community).await;
    notify(state, &reviewers, NoticeKind::Wish, id, "post", &row.title).await;
    get(state, Some(viewer), id).await
}

/// Whether the caller may add a photo to the wish now: NotFound for a wish
/// they may not see. Settled before an upload's body is read, without
/// building the view (which would count as a look at the contact).
#[tracing::instrument(skip_all, fields(user = viewer.id, wish = id))]
pub async fn may_add_photo(state: &AppState, viewer: &Viewer, id: i64) -> Result<bool, AppError> {
    let row = db::by_id(&state.db, id).await?.ok_or(AppError::NotFound)?;
    if !may_see(Some(viewer), &row) {
        return Err(AppError::NotFound);
    }
    Ok(photo_stage(viewer, &row).is_some())
}

/// One wish as the caller may see it.
#[tracing::instrument(skip_all)]
pub async fn get(state: &AppState, viewer: Option<&Viewer>, id: i64) -> Result<WishView, AppError> {
    let row = db::by_id(&state.db, id).await?.ok_or(AppError::NotFound)?;
    if !may_see(viewer, &row) {
        return Err(AppError::NotFound);
    }
    view(state, viewer, row).await
}

async fn view(
    state: &AppState,
    viewer: Option<&Viewer>,
    row: WishRow,
) -> Result<WishView, AppError> {
    let f = facts(&row);
    let private = viewer.is_some_and(|v| sees_contact(v.id, &v.grants, &f));
    // Anyone but the wisher (or who posted for them) seeing the contact is
    // a look at someone else's personal data: written down first.
    if let Some(v) =
        viewer.filter(|v| private && row.wisher_id != Some(v.id) && row.posted_by != v.id)
    {
        super::audit::record(
            state,
            v,
            crate::domain::audit::AuditAction::ContactReveal,
            super::audit::Target::new("wish", row.id).in_street(row.street_code.clone()),
            format!("{} / {}", row.title, row.status.as_str()),
        )
        .await?;
    }
    let photos = db::photos_of(&state.db, &[row.id]).await?;
    let events = db::events(&state.db, row.id).await?;
    let (actions, may_add_photo) = match viewer {
        Some(v) => (
            available(v.id, &v.grants, &f),
            photo_stage(v, &row).is_some(),
        ),
        None => (Vec::new(), false),
    };
    let fulfil_photos = if private {
        photos
            .iter()
            .filter(|p| p.stage == "fulfil")
            .map(|p| WishPhotoRef::new(p.id))
            .collect()
    } else {
        Vec::new()
    };
    Ok(WishView {
        version: row.version,
        contact: private.then(|| WishContact {
            name: row.contact_name.clone(),
            phone: row.contact_phone.clone(),
            address: row.address.clone(),
        }),
        reject_reason: row.reject_reason.clone(),
        // Notes may name a home or a person: for those involved only.
        fulfil_note: row.fulfil_note.clone().filter(|_| private),
        thanks: row.thanks.clone().filter(|_| private),
        hours: row.hours,
        claim_overdue: claim_overdue(row.status, row.wanted_by, today()),
        fulfil_photos,
        actions,
        may_add_photo,
        // Names in the timeline are for the people involved; others see
        // what happened and when.
        timeline: events
            .into_iter()
            .map(|e| WishEntry {
                actor: if private { e.actor_name } else { String::new() },
                action: e.action,
                to_status: e.to_status,
                note: if private { e.note } else { String::new() },
                at: e.created_at,
            })
            .collect(),
        card: card(state, &row, &photos),
    })
}

/// The public face of a wish (wall, `wishes.json`): no contact, no names.
fn card(state: &AppState, row: &WishRow, photos: &[WishPhotoRow]) -> WishCard {
    WishCard {
        id: row.id,
        title: row.title.clone(),
        story: row.story.clone(),
        kind: row.kind,
        value_yuan: row.value_yuan,
        wanted_by: row.wanted_by,
        status: row.status,
        community_code: row.community_code.clone(),
        community_name: state
            .atlas()
            .name_of(&row.community_code)
            .unwrap_or_default()
            .to_string(),
        lat: row.lat,
        lng: row.lng,
        claimed_by: row.claimed_by.clone(),
        created_at: row.created_at,
        photos: photos
            .iter()
            .filter(|p| p.wish_id == row.id && p.stage == "story")
            .map(|p| WishPhotoRef::new(p.id))
            .collect(),
    }
}

/// The display name of a claim: the unit's name, or a member's surname.
async fn claim_display(
    state: &AppState,
    viewer: &Viewer,
    action: WishAction,
) -> Result<(Option<i64>, String), AppError> {
    let role = if action == WishAction::ClaimForUnit {
        Role::UnitAdmin
    } else {
        Role::PartyMember
    };
    if action == WishAction::ClaimForUnit {
        let unit = unit_of(&viewer.grants, role);
        let u = crate::backend::store::units::unit_by_id(&state.db, unit.unwrap_or_default())
            .await?
            .ok_or(AppError::Forbidden)?;
        return Ok((Some(u.id), u.name));
    }
    // A member's own claim is theirs alone: their unit admin gets no say
    // over it (the unit is still credited, at confirmation).
    Ok((None, surname_only(&viewer.name)))
}

/// Takes one step. Of several concurrent steps on one wish exactly one
/// applies; a claimer who lost is told who has it.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn step(state: &AppState, viewer: &Viewer, req: WishStep) -> Result<WishView, AppError> {
    let row = db::by_id(&state.db, req.wish_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !may_see(Some(viewer), &row) {
        return Err(AppError::NotFound);
    }
    let f = facts(&row);
    // Who may act is settled first: someone who may not act learns nothing
    // from a stale version (not even who acted last).
    let decided = decide(viewer.id, &viewer.grants, &f, req.action);
    if decided == Err(WishRefusal::NotYours) {
        return Err(AppError::Forbidden);
    }
    if row.version != req.version {
        return Err(lost_race(state, viewer, row.id).await);
    }
    let next = match decided {
        Ok(next) => next,
        Err(_) => return Err(AppError::WrongState),
    };
    let note_field = match req.action {
        WishAction::Reject => Field::Reason,
        WishAction::Fulfil => Field::Fulfilment,
        _ => Field::Note,
    };
    let note = text(&req.note, note_field, MAX_NOTE, false)?;
    let now = Utc::now();
    let mut change = WishChange::default();
    let mut credit = None;
    // Held from the claim limits' count until the claim is written.
    let mut _claim_turn = None;
    match req.action {
        WishAction::Reject => {
            if note.is_empty() {
                return Err(AppError::invalid(Field::Reason, InputProblem::Required));
            }
            change.reject_reason = Some(note.clone());
        }
        WishAction::Claim | WishAction::ClaimForUnit => {
            let (unit, shown) = claim_display(state, viewer, req.action).await?;
            // One claim at a time per claimer, so parallel claims cannot
            // all pass the count before any is written (this process; the
            // cluster-wide lock comes with issue 13's shared state).
            _claim_turn = Some(claim_turn(unit.map_or(viewer.id, |u| -u)).await);
            within_claim_limits(state, viewer, row.id, unit).await?;
            change.claimer = Some(Some((viewer.id, unit, shown)));
        }
        WishAction::GiveBack | WishAction::Release => change.claimer = Some(None),
        WishAction::Fulfil => {
            if note.is_empty() {
                return Err(AppError::invalid(Field::Fulfilment, InputProblem::Required));
            }
            let hours = req
                .hours
                .filter(|h| (0.5..=24.0).contains(h))
                .ok_or(AppError::invalid(Field::Hours, InputProblem::OutOfRange))?;
            change.fulfil_note = Some(note.clone());
            change.hours = Some(hours);
        }
        WishAction::Confirm => {
            change.thanks = Some(note.clone());
            let hours = row.hours.unwrap_or(0.0);
            // A member's claim credits the unit they reported under too.
            let unit = match (row.claimer_unit_id, row.claimer_id) {
                (Some(u), _) => Some(u),
                (None, Some(user)) => super::units::approved_unit_of(state, user).await?,
                (None, None) => None,
            };
            credit = row.claimer_id.map(|user| CreditRow {
                user_id: user,
                unit_id: unit,
                community_code: row.community_code.clone(),
                source: CreditSource::Wish,
                source_id: row.id,
                title: row.title.clone(),
                points: WISH_POINTS + points_for_hours(hours),
                hours,
                created_at: now,
            });
        }
        _ => {}
    }
    let event = WishEventRow {
        actor_id: viewer.id,
        actor_name: viewer.name.clone(),
        action: req.action,
        to_status: next,
        note,
        created_at: now,
    };
    if !db::apply(
        &state.db,
        row.id,
        row.version,
        &change,
        &event,
        credit.as_ref(),
    )
    .await?
    {
        return Err(lost_race(state, viewer, row.id).await);
    }
    state.wall_cache.clear();
    let wisher_side: Vec<i64> = row.wisher_id.into_iter().chain([row.posted_by]).collect();
    let to: Vec<i64> = match req.action {
        WishAction::Approve | WishAction::Reject | WishAction::Claim | WishAction::ClaimForUnit => {
            wisher_side
        }
        WishAction::GiveBack | WishAction::Fulfil => {
            let mut v = wisher_side;
            v.extend(reviewers_of(state, &row.community_code).await);
            v
        }
        WishAction::Release | WishAction::Confirm => row.claimer_id.into_iter().collect(),
        WishAction::Withdraw => wisher_side,
        WishAction::Post => Vec::new(),
    };
    let to: Vec<i64> = to.into_iter().filter(|u| *u != viewer.id).collect();
    notify(
        state,
        &to,
        NoticeKind::Wish,
        row.id,
        req.action.as_str(),
        &row.title,
    )
    .await;
    get(state, Some(viewer), row.id).await
}

/// A lock per claimer (units by negative id), striped over a fixed set so
/// memory stays bounded whatever the number of claimers.
async fn claim_turn(claimer: i64) -> tokio::sync::OwnedMutexGuard<()> {
    use std::sync::{Arc, OnceLock};
    static TURNS: OnceLock<Vec<Arc<tokio::sync::Mutex<()>>>> = OnceLock::new();
    let turns = TURNS.get_or_init(|| {
        (0..64)
            .map(|_| Arc::new(tokio::sync::Mutex::new(())))
            .collect()
    });
    turns[claimer.unsigned_abs() as usize % turns.len()]
        .clone()
        .lock_owned()
        .await
}

/// Claiming reveals a wisher's contact, so claims cannot be a way to
/// harvest contacts: a member or unit holds a few open claims at most,
/// makes a few new claims a day, and cannot take back at once a wish it
/// just gave back.
async fn within_claim_limits(
    state: &AppState,
    viewer: &Viewer,
    wish_id: i64,
    unit: Option<i64>,
) -> Result<(), AppError> {
    let limits = &state.config.claims;
    let who = match unit {
        Some(u) => db::Claimer::Unit(u),
        None => db::Claimer::Member(viewer.id),
    };
    let day_ago = Utc::now() - Duration::days(1);
    let open = db::open_claims(&state.db, who).await?;
    if open >= limits.open_max {
        return Err(AppError::ClaimLimit {
            kind: ClaimLimitKind::OpenClaims,
            limit: limits.open_max,
        });
    }
    let claims = [WishAction::Claim, WishAction::ClaimForUnit];
    let today = db::steps_since(&state.db, viewer.id, &claims, None, day_ago).await?;
    if today >= limits.daily_max {
        return Err(AppError::ClaimLimit {
            kind: ClaimLimitKind::DailyClaims,
            limit: limits.daily_max,
        });
    }
    let gave_back = db::steps_since(
        &state.db,
        viewer.id,
        &[WishAction::GiveBack],
        Some(wish_id),
        day_ago,
    )
    .await?;
    if gave_back > 0 {
        return Err(AppError::ClaimLimit {
            kind: ClaimLimitKind::GivenBack,
            limit: 1,
        });
    }
    Ok(())
}

/// What a caller who lost a race is told: who claimed it (as the wall
/// shows it), or, to those involved, who acted.
async fn lost_race(state: &AppState, viewer: &Viewer, id: i64) -> AppError {
    match db::by_id(&state.db, id).await {
        Ok(Some(w)) if w.status == WishStatus::Claimed => AppError::AlreadyClaimed {
            by: w.claimed_by.unwrap_or_default(),
        },
        Ok(Some(w)) if sees_contact(viewer.id, &viewer.grants, &facts(&w)) => {
            match db::events(&state.db, id).await {
                Ok(events) => AppError::AlreadyHandled {
                    by: events
                        .last()
                        .map(|e| e.actor_name.clone())
                        .unwrap_or_default(),
                    role: None,
                },
                Err(e) => AppError::from(e),
            }
        }
        Ok(_) => AppError::AlreadyHandled {
            by: String::new(),
            role: None,
        },
        Err(e) => AppError::from(e),
    }
}

/// A page of a list, newest first; `after` is the last id seen.
#[tracing::instrument(skip_all)]
pub async fn list(
    state: &AppState,
    viewer: Option<&Viewer>,
    which: WishList,
    filter: WishFilter,
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<WishCard>, AppError> {
    let scope = match (&which, viewer) {
        (WishList::Wall, _) => db::Scope::Wall,
        (WishList::Mine, Some(v)) => db::Scope::Mine(v.id),
        (WishList::Claimed, Some(v)) => db::Scope::Claimed {
            user: v.id,
            unit: unit_of(&v.grants, Role::UnitAdmin),
        },
        (WishList::Community(code), Some(v)) => {
            let place = state.atlas().place_of(code).ok_or(AppError::NotFound)?;
            if !community_side(&v.grants, &place) {
                return Err(AppError::Forbidden);
            }
            db::Scope::Communities(vec![code.clone()])
        }
        (_, None) => return Err(AppError::NotSignedIn),
    };
    let limit = limit.clamp(1, MAP_LIMIT);
    let mut filter = filter;
    if let Some(c) = filter.community.take() {
        let c = c.trim().to_ascii_uppercase();
        if state.atlas().level_of(&c) != Some(Level::Community) {
            return Err(AppError::invalid(Field::Community, InputProblem::Unknown));
        }
        filter.community = Some(c);
    }
    let wall_first_page = scope == db::Scope::Wall && after.is_none();
    let scope = &scope;
    let read = |filter: WishFilter| async move {
        let store_filter = db::Filter {
            community: filter.community,
            kind: filter.kind,
            status: filter.status,
        };
        let rows = db::page(&state.db, scope, &store_filter, after, limit).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let photos = db::photos_of(&state.db, &ids).await?;
        Ok::<_, AppError>(
            rows.iter()
                .map(|r| card(state, r, &photos))
                .collect::<Vec<_>>(),
        )
    };
    if wall_first_page {
        let key = (filter.clone(), limit);
        let page = state.wall_cache.get_or_fill(key, || read(filter)).await?;
        return Ok(page.as_ref().clone());
    }
    read(filter).await
}

/// Which photos the caller may add now: the wisher's side while the wish
/// is under review (the wish itself), the claimer while fulfilling it.
fn photo_stage(viewer: &Viewer, row: &WishRow) -> Option<&'static str> {
    let f = facts(row);
    let wisher_side = row.wisher_id == Some(viewer.id)
        || row.posted_by == viewer.id
        || community_side(&viewer.grants, &f.place);
    match row.status {
        // Photos go public with the wish: only while the community reviews it.
        WishStatus::Pending if wisher_side => Some("story"),
        WishStatus::Claimed
            if decide(viewer.id, &viewer.grants, &f, WishAction::Fulfil).is_ok() =>
        {
            Some("fulfil")
        }
        _ => None,
    }
}

/// Adds a photo to a wish (story or fulfilment, by its state).
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn add_photo(
    state: &AppState,
    viewer: &Viewer,
    wish_id: i64,
    bytes: Vec<u8>,
) -> Result<WishPhotoRef, AppError> {
    let row = db::by_id(&state.db, wish_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !may_see(Some(viewer), &row) {
        return Err(AppError::NotFound);
    }
    let stage = photo_stage(viewer, &row).ok_or(AppError::WrongState)?;
    if db::count_photos(&state.db, wish_id, stage).await? >= MAX_PHOTOS {
        return Err(AppError::invalid(Field::Photo, InputProblem::TooMany));
    }
    let stored = super::photos::store(state, &format!("wishes/{wish_id}"), bytes).await?;
    let record = WishPhotoRow {
        id: 0,
        wish_id,
        uploader_id: viewer.id,
        stage: stage.to_string(),
        key: stored.key.clone(),
        thumb_key: stored.thumb_key.clone(),
        width: stored.width,
        height: stored.height,
        bytes: stored.bytes,
        created_at: Utc::now(),
    };
    match db::insert_photo(&state.db, &record).await {
        Ok(id) => {
            state.wall_cache.clear();
            Ok(WishPhotoRef::new(id))
        }
        Err(e) => {
            super::photos::discard(state, &stored).await;
            Err(AppError::from(e))
        }
    }
}

/// A photo's bytes if the caller may see it, and whether it is public:
/// story photos of wishes on the wall for anyone, everything for the people
/// involved.
#[tracing::instrument(skip_all)]
pub async fn photo_bytes(
    state: &AppState,
    viewer: Option<&Viewer>,
    id: i64,
    thumb: bool,
) -> Result<(Vec<u8>, bool), AppError> {
    let p = db::photo_by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let row = db::by_id(&state.db, p.wish_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let public = p.stage == "story" && row.status.on_wall();
    let private = viewer.is_some_and(|v| sees_contact(v.id, &v.grants, &facts(&row)));
    if !(public || private) {
        return Err(AppError::NotFound);
    }
    let bytes = super::photos::read(state, if thumb { &p.thumb_key } else { &p.key }).await?;
    Ok((bytes, public))
}

/// The communities whose wishes these grants review: those where they are
/// the community's side (`community_side`).
pub(crate) fn reviewed_communities(
    state: &AppState,
    grants: &[crate::domain::auth::Grant],
) -> Vec<String> {
    let atlas = state.atlas();
    atlas
        .communities()
        .into_iter()
        .map(|c| c.code)
        .filter(|c| {
            atlas
                .place_of(c)
                .is_some_and(|p| community_side(grants, &p))
        })
        .collect()
}

/// Claims past their wanted-by date in the caller's communities: the flag
/// the community acts on (ask the claimer, or take the claim back).
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn overdue_claims(state: &AppState, viewer: &Viewer) -> Result<Vec<WishCard>, AppError> {
    let communities = reviewed_communities(state, &viewer.grants);
    if communities.is_empty() {
        return Ok(Vec::new());
    }
    let rows = db::overdue_claims(&state.db, &communities, today()).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let photos = db::photos_of(&state.db, &ids).await?;
    Ok(rows.iter().map(|r| card(state, r, &photos)).collect())
}

/// Tells the community (and the claimer) once about each claim that passed
/// its wanted-by date (`today` is China's date; the server runs this
/// every few minutes).
#[tracing::instrument(skip_all)]
pub async fn flag_overdue_claims(state: &AppState, today: NaiveDate) -> Result<usize, AppError> {
    let rows = db::take_new_overdue(&state.db, today, 200).await?;
    for w in &rows {
        let mut to = reviewers_of(state, &w.community_code).await;
        to.extend(w.claimer_id);
        notify(state, &to, NoticeKind::Wish, w.id, "overdue", &w.title).await;
    }
    Ok(rows.len())
}
