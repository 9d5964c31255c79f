//! Micro-volunteering: communities publish activities, people sign up and
//! cancel, organisers check them in, attendance credits hours.

use super::auth::Viewer;
use super::notices::notify;
use super::text;
use crate::backend::state::AppState;
use crate::backend::store::activities::{self as db, ActivityRow, SignUp};
use crate::backend::store::units::CreditRow;
use crate::domain::activity::*;
use crate::domain::error::{AppError, Field, InputProblem};
use crate::domain::geography::Level;
use crate::domain::notice::NoticeKind;
use crate::domain::unit::CreditSource;
use crate::domain::wish::{community_side, points_for_hours};
use chrono::{Duration, Utc};

fn organiser(state: &AppState, viewer: &Viewer, community: &str) -> bool {
    state
        .atlas()
        .place_of(community)
        .is_some_and(|p| community_side(&viewer.grants, &p))
}

fn view(
    state: &AppState,
    viewer: Option<&Viewer>,
    a: ActivityRow,
    mine: Option<Attendance>,
) -> ActivityView {
    let now = Utc::now();
    ActivityView {
        community_name: state
            .atlas()
            .name_of(&a.community_code)
            .unwrap_or_default()
            .to_string(),
        organiser: viewer.is_some_and(|v| organiser(state, v, &a.community_code)),
        may_sign_up: may_sign_up(now, a.starts_at) && a.taken < a.capacity,
        mine,
        id: a.id,
        community_code: a.community_code,
        title: a.title,
        description: a.description,
        place: a.place,
        starts_at: a.starts_at,
        ends_at: a.ends_at,
        capacity: a.capacity,
        taken: a.taken,
        hours: a.hours,
    }
}

/// A community publishes an activity.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn publish(
    state: &AppState,
    viewer: &Viewer,
    new: NewActivity,
) -> Result<ActivityView, AppError> {
    let community = new.community_code.trim().to_ascii_uppercase();
    if state.atlas().level_of(&community) != Some(Level::Community) {
        return Err(AppError::invalid(Field::Community, InputProblem::Unknown));
    }
    if !organiser(state, viewer, &community) {
        return Err(AppError::Forbidden);
    }
    let title = text(&new.title, Field::Title, 40, true)?;
    let description = text(&new.description, Field::Note, 500, true)?;
    let place = text(&new.place, Field::Place, 60, true)?;
    let now = Utc::now();
    if new.starts_at <= now {
        return Err(AppError::invalid(Field::Time, InputProblem::InPast));
    }
    if new.ends_at <= new.starts_at
        || new.ends_at - new.starts_at > Duration::days(7)
        || new.starts_at > now + Duration::days(366)
    {
        return Err(AppError::invalid(Field::Time, InputProblem::OutOfRange));
    }
    if !(1..=MAX_CAPACITY).contains(&new.capacity) {
        return Err(AppError::invalid(Field::Capacity, InputProblem::OutOfRange));
    }
    // Attending cannot earn more hours than the activity lasts.
    let lasts = (new.ends_at - new.starts_at).num_minutes() as f32 / 60.0;
    if !(0.5..=MAX_HOURS).contains(&new.hours) || new.hours > lasts {
        return Err(AppError::invalid(Field::Hours, InputProblem::OutOfRange));
    }
    let row = ActivityRow {
        id: 0,
        community_code: community,
        title,
        description,
        place,
        starts_at: new.starts_at,
        ends_at: new.ends_at,
        capacity: new.capacity,
        taken: 0,
        hours: new.hours,
        organiser_id: viewer.id,
        created_at: now,
    };
    let id = db::insert(&state.db, &row).await?;
    Ok(view(state, Some(viewer), ActivityRow { id, ..row }, None))
}

/// Activities not yet over, soonest first, with the caller's sign-ups.
#[tracing::instrument(skip_all, fields(user = viewer.map(|v| v.id)))]
pub async fn upcoming(
    state: &AppState,
    viewer: Option<&Viewer>,
    community: Option<String>,
) -> Result<Vec<ActivityView>, AppError> {
    let communities = community.map(|c| vec![c.trim().to_ascii_uppercase()]);
    let rows = db::upcoming(&state.db, communities.as_deref(), Utc::now(), 50).await?;
    let mine = match viewer {
        Some(v) => {
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            db::signups_of(&state.db, v.id, &ids).await?
        }
        None => Vec::new(),
    };
    Ok(rows
        .into_iter()
        .map(|r| {
            let m = mine.iter().find(|(id, _)| *id == r.id).map(|(_, s)| *s);
            view(state, viewer, r, m)
        })
        .collect())
}

async fn activity(state: &AppState, id: i64) -> Result<ActivityRow, AppError> {
    db::by_id(&state.db, id).await?.ok_or(AppError::NotFound)
}

/// Takes a place. Never more sign-ups than places, however many arrive at
/// once; signing up twice is harmless.
#[tracing::instrument(skip_all, fields(user = viewer.id, id = id))]
pub async fn sign_up(state: &AppState, viewer: &Viewer, id: i64) -> Result<ActivityView, AppError> {
    let a = activity(state, id).await?;
    let now = Utc::now();
    if !may_sign_up(now, a.starts_at) {
        return Err(AppError::WrongState);
    }
    let already = db::signups_of(&state.db, viewer.id, &[id])
        .await?
        .into_iter()
        .any(|(_, s)| s != Attendance::Cancelled);
    if !already {
        match db::sign_up(&state.db, id, viewer.id, now).await? {
            SignUp::Done | SignUp::Already => {}
            SignUp::Full => return Err(AppError::Full),
        }
    }
    let a = activity(state, id).await?;
    Ok(view(state, Some(viewer), a, Some(Attendance::SignedUp)))
}

/// Gives the place back before the start.
#[tracing::instrument(skip_all, fields(user = viewer.id, id = id))]
pub async fn cancel(state: &AppState, viewer: &Viewer, id: i64) -> Result<ActivityView, AppError> {
    let a = activity(state, id).await?;
    let now = Utc::now();
    if !may_sign_up(now, a.starts_at) {
        return Err(AppError::WrongState);
    }
    if !db::cancel(&state.db, id, viewer.id, now).await? {
        return Err(AppError::WrongState);
    }
    let a = activity(state, id).await?;
    Ok(view(state, Some(viewer), a, Some(Attendance::Cancelled)))
}

/// The sign-up list, for the organisers.
#[tracing::instrument(skip_all, fields(user = viewer.id, id = id))]
pub async fn attendees(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
) -> Result<Vec<Attendee>, AppError> {
    let a = activity(state, id).await?;
    if !organiser(state, viewer, &a.community_code) {
        return Err(AppError::Forbidden);
    }
    Ok(db::attendees(&state.db, id)
        .await?
        .into_iter()
        .map(|(user_id, name, phone, status)| Attendee {
            user_id,
            name,
            phone,
            status,
        })
        .collect())
}

/// An organiser checks someone in; their hours (and their unit's) are
/// credited once.
#[tracing::instrument(skip_all, fields(user = viewer.id, id = id, target_user = user_id))]
pub async fn check_in(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    user_id: i64,
) -> Result<Vec<Attendee>, AppError> {
    let a = activity(state, id).await?;
    if !organiser(state, viewer, &a.community_code) {
        return Err(AppError::Forbidden);
    }
    let now = Utc::now();
    if !may_check_in(now, a.starts_at, a.ends_at) {
        return Err(AppError::WrongState);
    }
    let unit = super::units::approved_unit_of(state, user_id).await?;
    let credit = CreditRow {
        user_id,
        unit_id: unit,
        community_code: a.community_code.clone(),
        source: CreditSource::Activity,
        source_id: a.id,
        title: a.title.clone(),
        points: points_for_hours(a.hours),
        hours: a.hours,
        created_at: now,
    };
    if !db::check_in(&state.db, id, user_id, &credit).await? {
        return Err(AppError::WrongState);
    }
    notify(
        state,
        &[user_id],
        NoticeKind::Activity,
        a.id,
        "attended",
        &a.title,
    )
    .await;
    attendees(state, viewer, id).await
}
