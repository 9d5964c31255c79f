//! Dual reporting (双报到) and the service ledger: units register and
//! members report to a community, which approves them; approval grants the
//! role. Credits from wishes and volunteering make each member's record,
//! each unit's ledger and each community's leaderboard.

use super::auth::{changing, Viewer};
use super::notices::{notify, reviewers_of};
use super::text;
use crate::backend::state::AppState;
use crate::backend::store::{self, accounts, units as db};
use crate::domain::auth::{Grant, Place, Role, Scope};
use crate::domain::error::{AppError, Field, InputProblem};
use crate::domain::geography::Level;
use crate::domain::notice::NoticeKind;
use crate::domain::person::is_mobile_number;
use crate::domain::unit::*;
use crate::domain::wish::{surname_only, unit_of};
use chrono::Utc;
use std::collections::HashMap;

/// Total hours. (An empty f64 sum is -0.0, which would show as "-0.0".)
fn hours_of(hours: impl Iterator<Item = f32>) -> f64 {
    hours.map(f64::from).sum::<f64>() + 0.0
}

fn community_place(state: &AppState, code: &str) -> Result<Place, AppError> {
    let atlas = state.atlas();
    if atlas.level_of(code) != Some(Level::Community) {
        return Err(AppError::invalid(Field::Community, InputProblem::Unknown));
    }
    Ok(atlas.place_of(code).unwrap_or_default())
}

/// Communities the caller reviews registrations for.
pub(crate) fn reviewed_communities(state: &AppState, grants: &[Grant]) -> Vec<String> {
    let atlas = state.atlas();
    atlas
        .communities()
        .into_iter()
        .map(|c| c.code)
        .filter(|c| atlas.place_of(c).is_some_and(|p| may_review(grants, &p)))
        .collect()
}

/// Units as their admins and reviewers see them, with members and totals
/// read in two queries for the whole list.
async fn view_units(state: &AppState, rows: Vec<db::UnitRow>) -> Result<Vec<UnitView>, AppError> {
    let ids: Vec<i64> = rows.iter().map(|u| u.id).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let members = db::members(&state.db, Some(&ids), None, None).await?;
    let credits = db::credits(&state.db, &db::CreditsOf::Units(ids), 1_000_000).await?;
    let atlas = state.atlas();
    Ok(rows
        .into_iter()
        .map(|u| {
            let mine = credits.iter().filter(|c| c.unit_id == Some(u.id));
            UnitView {
                community_name: atlas
                    .name_of(&u.community_code)
                    .unwrap_or_default()
                    .to_string(),
                members: members
                    .iter()
                    .filter(|m| m.unit_id == u.id && m.status == Review::Approved)
                    .count() as u32,
                points: mine.clone().map(|c| c.points as i64).sum(),
                hours: hours_of(mine.map(|c| c.hours)),
                id: u.id,
                name: u.name,
                kind: u.kind,
                party_org: u.party_org,
                contact_name: u.contact_name,
                contact_phone: u.contact_phone,
                community_code: Some(u.community_code),
                status: u.status,
            }
        })
        .collect())
}

async fn view_unit(state: &AppState, u: db::UnitRow) -> Result<UnitView, AppError> {
    view_units(state, vec![u])
        .await?
        .pop()
        .ok_or(AppError::Internal)
}

/// The unit a party member reported under, once the community approved.
#[tracing::instrument(skip_all, fields(user = user))]
pub async fn approved_unit_of(state: &AppState, user: i64) -> Result<Option<i64>, AppError> {
    Ok(db::members(&state.db, None, None, Some(user))
        .await?
        .into_iter()
        .find(|m| m.status == Review::Approved)
        .map(|m| m.unit_id))
}

/// A unit registers with a community; the community approves it.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn register_unit(
    state: &AppState,
    viewer: &Viewer,
    new: NewUnit,
) -> Result<UnitView, AppError> {
    let name = text(&new.name, Field::Unit, 40, true)?;
    let party_org = text(&new.party_org, Field::PartyOrg, 60, true)?;
    let contact_name = text(&new.contact_name, Field::Name, 20, true)?;
    let contact_phone = new.contact_phone.trim().to_string();
    if !is_mobile_number(&contact_phone) {
        return Err(AppError::invalid(Field::Phone, InputProblem::NotMobile));
    }
    let community = new.community_code.trim().to_ascii_uppercase();
    community_place(state, &community)?;
    let row = db::UnitRow {
        id: 0,
        name: name.clone(),
        kind: Some(new.kind),
        party_org,
        contact_name,
        contact_phone,
        community_code: community.clone(),
        status: Review::Pending,
        applicant_id: Some(viewer.id),
        reject_reason: None,
    };
    let id = db::insert_unit(&state.db, &row)
        .await?
        .ok_or(AppError::invalid(Field::Unit, InputProblem::Taken))?;
    let reviewers = reviewers_of(state, &community).await;
    notify(state, &reviewers, NoticeKind::Unit, id, "submitted", &name).await;
    view_unit(state, db::UnitRow { id, ..row }).await
}

/// The community approves (or refuses) a unit; approval makes the
/// applicant the unit's admin.
#[tracing::instrument(skip_all, fields(user = viewer.id, unit_id = unit_id))]
pub async fn review_unit(
    state: &AppState,
    viewer: &Viewer,
    unit_id: i64,
    approve: bool,
    reason: String,
) -> Result<UnitView, AppError> {
    let u = db::unit_by_id(&state.db, unit_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Nobody approves their own application: the role it grants is a
    // door to other people's contacts.
    if !may_review(&viewer.grants, &community_place(state, &u.community_code)?)
        || u.applicant_id == Some(viewer.id)
    {
        return Err(AppError::Forbidden);
    }
    let reason = reason.trim().to_string();
    if !approve && reason.is_empty() {
        return Err(AppError::invalid(Field::Reason, InputProblem::Required));
    }
    if reason.chars().count() > 200 {
        return Err(AppError::invalid(Field::Reason, InputProblem::TooLong));
    }
    let to = if approve {
        Review::Approved
    } else {
        Review::Rejected
    };
    // The decision and the role it gives land together or not at all.
    let forget = changing(state, &Vec::from_iter(u.applicant_id));
    let txn = store::begin(&state.db).await?;
    if !db::review_unit(&txn, unit_id, to, (!approve).then_some(reason)).await? {
        return Err(AppError::WrongState);
    }
    if let (true, Some(applicant)) = (approve, u.applicant_id) {
        let grant = Grant::new(Role::UnitAdmin, Scope::Unit(unit_id)).ok_or(AppError::Internal)?;
        accounts::add_grant(&txn, applicant, &grant).await?;
    }
    store::commit(txn).await?;
    forget.done();
    let event = if approve { "approved" } else { "rejected" };
    let to_notify: Vec<i64> = u.applicant_id.into_iter().collect();
    notify(state, &to_notify, NoticeKind::Unit, unit_id, event, &u.name).await;
    let fresh = db::unit_by_id(&state.db, unit_id)
        .await?
        .ok_or(AppError::NotFound)?;
    view_unit(state, fresh).await
}

/// Units the caller sees: those they registered or run, and those
/// reporting to the communities they review.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn units_for(state: &AppState, viewer: &Viewer) -> Result<Vec<UnitView>, AppError> {
    let mut rows = db::units_of_applicant(&state.db, viewer.id).await?;
    if let Some(u) = unit_of(&viewer.grants, Role::UnitAdmin) {
        if let Some(r) = db::unit_by_id(&state.db, u).await? {
            rows.push(r);
        }
    }
    let reviewed = reviewed_communities(state, &viewer.grants);
    if !reviewed.is_empty() {
        rows.extend(db::units_in(&state.db, Some(&reviewed)).await?);
    }
    rows.sort_by_key(|r| r.id);
    rows.dedup_by_key(|r| r.id);
    view_units(state, rows).await
}

/// Approved units, for the member's registration form.
#[tracing::instrument(skip_all)]
pub async fn unit_choices(state: &AppState) -> Result<Vec<UnitChoice>, AppError> {
    Ok(db::units_in(&state.db, None)
        .await?
        .into_iter()
        .filter(|u| u.status == Review::Approved)
        .map(|u| UnitChoice {
            id: u.id,
            name: u.name,
        })
        .collect())
}

fn view_member(
    state: &AppState,
    m: db::MemberRow,
    units: &HashMap<i64, String>,
    credits: &[db::CreditRow],
) -> MemberView {
    let mine = credits.iter().filter(|c| c.user_id == m.user_id);
    MemberView {
        id: m.user_id,
        user_id: m.user_id,
        points: mine.clone().map(|c| c.points as i64).sum(),
        hours: hours_of(mine.map(|c| c.hours)),
        unit_name: units.get(&m.unit_id).cloned().unwrap_or_default(),
        community_name: state
            .atlas()
            .name_of(&m.community_code)
            .unwrap_or_default()
            .to_string(),
        name: m.name,
        phone: m.phone,
        unit_id: m.unit_id,
        community_code: m.community_code,
        status: m.status,
        created_at: m.created_at,
    }
}

async fn unit_names(state: &AppState) -> Result<HashMap<i64, String>, AppError> {
    Ok(db::units_in(&state.db, None)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

/// A party member reports (报到) under their unit to the community where
/// they live; the community approves.
#[tracing::instrument(skip_all, fields(user = viewer.id, unit_id = unit_id))]
pub async fn report_member(
    state: &AppState,
    viewer: &Viewer,
    unit_id: i64,
    community: String,
) -> Result<MemberView, AppError> {
    let community = community.trim().to_ascii_uppercase();
    community_place(state, &community)?;
    let unit = db::unit_by_id(&state.db, unit_id)
        .await?
        .filter(|u| u.status == Review::Approved)
        .ok_or(AppError::invalid(Field::Unit, InputProblem::Unknown))?;
    let existing = db::members(&state.db, None, None, Some(viewer.id)).await?;
    if existing.iter().any(|m| m.status != Review::Rejected) {
        return Err(AppError::WrongState);
    }
    db::upsert_member(&state.db, viewer.id, unit.id, &community, Utc::now()).await?;
    let reviewers = reviewers_of(state, &community).await;
    notify(
        state,
        &reviewers,
        NoticeKind::Member,
        viewer.id,
        "submitted",
        &viewer.name,
    )
    .await;
    my_membership(state, viewer)
        .await?
        .ok_or(AppError::Internal)
}

/// The caller's own report, if any.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn my_membership(
    state: &AppState,
    viewer: &Viewer,
) -> Result<Option<MemberView>, AppError> {
    let units = unit_names(state).await?;
    let credits = db::credits(&state.db, &db::CreditsOf::User(viewer.id), 100_000).await?;
    Ok(db::members(&state.db, None, None, Some(viewer.id))
        .await?
        .into_iter()
        .next()
        .map(|m| view_member(state, m, &units, &credits)))
}

/// The community approves (or refuses) a member; approval makes them a
/// party member of their unit.
#[tracing::instrument(skip_all, fields(user = viewer.id, target_user = user_id))]
pub async fn review_member(
    state: &AppState,
    viewer: &Viewer,
    user_id: i64,
    approve: bool,
) -> Result<(), AppError> {
    let m = db::members(&state.db, None, None, Some(user_id))
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)?;
    if !may_review(&viewer.grants, &community_place(state, &m.community_code)?)
        || user_id == viewer.id
    {
        return Err(AppError::Forbidden);
    }
    let to = if approve {
        Review::Approved
    } else {
        Review::Rejected
    };
    let forget = changing(state, &[user_id]);
    let txn = store::begin(&state.db).await?;
    if !db::review_member(&txn, user_id, to).await? {
        return Err(AppError::WrongState);
    }
    if approve {
        let grant =
            Grant::new(Role::PartyMember, Scope::Unit(m.unit_id)).ok_or(AppError::Internal)?;
        accounts::add_grant(&txn, user_id, &grant).await?;
    }
    store::commit(txn).await?;
    forget.done();
    let event = if approve { "approved" } else { "rejected" };
    notify(
        state,
        &[user_id],
        NoticeKind::Member,
        user_id,
        event,
        &m.name,
    )
    .await;
    Ok(())
}

/// Members the caller sees: a unit admin their unit's, a community those
/// reported to it.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn members_for(state: &AppState, viewer: &Viewer) -> Result<Vec<MemberView>, AppError> {
    let mut rows = Vec::new();
    if let Some(u) = unit_of(&viewer.grants, Role::UnitAdmin) {
        rows.extend(db::members(&state.db, Some(&[u]), None, None).await?);
    }
    let reviewed = reviewed_communities(state, &viewer.grants);
    if !reviewed.is_empty() {
        rows.extend(db::members(&state.db, None, Some(&reviewed), None).await?);
    }
    rows.sort_by_key(|r| r.user_id);
    rows.dedup_by_key(|r| r.user_id);
    let units = unit_names(state).await?;
    let users: Vec<i64> = rows.iter().map(|r| r.user_id).collect();
    let credits = db::credits(&state.db, &db::CreditsOf::Users(users), 1_000_000).await?;
    Ok(rows
        .into_iter()
        .map(|m| view_member(state, m, &units, &credits))
        .collect())
}

async fn lines(state: &AppState, rows: Vec<db::CreditRow>) -> Result<Record, AppError> {
    let users: Vec<i64> = rows.iter().map(|c| c.user_id).collect();
    let names = db::user_names(&state.db, &users).await?;
    let units = unit_names(state).await?;
    let atlas = state.atlas();
    Ok(Record {
        points: rows.iter().map(|c| c.points as i64).sum(),
        hours: hours_of(rows.iter().map(|c| c.hours)),
        lines: rows
            .into_iter()
            .map(|c| LedgerLine {
                at: c.created_at,
                member: names.get(&c.user_id).cloned().unwrap_or_default(),
                unit: c.unit_id.and_then(|u| units.get(&u).cloned()),
                community_name: atlas
                    .name_of(&c.community_code)
                    .unwrap_or_default()
                    .to_string(),
                source: c.source,
                source_id: c.source_id,
                title: c.title,
                points: c.points,
                hours: c.hours,
            })
            .collect(),
    })
}

/// The caller's own service record.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn my_record(state: &AppState, viewer: &Viewer) -> Result<Record, AppError> {
    let rows = db::credits(&state.db, &db::CreditsOf::User(viewer.id), 1000).await?;
    lines(state, rows).await
}

/// A unit's service ledger: for its admin, and for the community it
/// reports to.
#[tracing::instrument(skip_all, fields(user = viewer.id, unit_id = unit_id))]
pub async fn unit_ledger(
    state: &AppState,
    viewer: &Viewer,
    unit_id: i64,
) -> Result<Record, AppError> {
    let u = db::unit_by_id(&state.db, unit_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let runs_it = unit_of(&viewer.grants, Role::UnitAdmin) == Some(unit_id);
    let reviews_it = state
        .atlas()
        .place_of(&u.community_code)
        .is_some_and(|p| may_review(&viewer.grants, &p));
    if !(runs_it || reviews_it) {
        return Err(AppError::Forbidden);
    }
    let rows = db::credits(&state.db, &db::CreditsOf::Unit(unit_id), 100_000).await?;
    lines(state, rows).await
}

/// A community's leaderboard: members by points (surnames only, it is
/// public), at most 20.
#[tracing::instrument(skip_all, fields(community = community))]
pub async fn leaderboard(state: &AppState, community: &str) -> Result<Vec<LeaderRow>, AppError> {
    let rows = db::credits(
        &state.db,
        &db::CreditsOf::Community(community.to_string()),
        100_000,
    )
    .await?;
    let mut by_user: HashMap<i64, (i64, f64, Option<i64>)> = HashMap::new();
    for c in &rows {
        let e = by_user.entry(c.user_id).or_insert((0, 0.0, c.unit_id));
        e.0 += c.points as i64;
        e.1 += c.hours as f64;
    }
    let users: Vec<i64> = by_user.keys().copied().collect();
    let names = db::user_names(&state.db, &users).await?;
    let units = unit_names(state).await?;
    let mut board: Vec<(i64, i64, f64, Option<i64>)> = by_user
        .into_iter()
        .map(|(u, (p, h, unit))| (u, p, h, unit))
        .collect();
    board.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(board
        .into_iter()
        .take(20)
        .enumerate()
        .map(|(i, (u, points, hours, unit))| LeaderRow {
            rank: i as u32 + 1,
            name: surname_only(names.get(&u).map(String::as_str).unwrap_or_default()),
            unit: unit.and_then(|u| units.get(&u).cloned()),
            points,
            hours,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn no_hours_show_as_zero_not_minus_zero() {
        assert_eq!(format!("{:.1}", super::hours_of(std::iter::empty())), "0.0");
        assert_eq!(super::hours_of([1.5f32, 2.0].into_iter()), 3.5);
    }
}
