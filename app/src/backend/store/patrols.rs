//! Patrols with their tracks, visits and visit photos, and the grids'
//! key-issues lists.

use super::entities::{
    key_issue, key_issue_review, patrol, patrol_point, patrol_visit, visit_photo,
};
use crate::domain::patrol::TrackPoint;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};

/// A patrol as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct PatrolRow {
    pub id: i64,
    pub user_id: i64,
    pub grid_code: String,
    pub community_code: Option<String>,
    pub street_code: Option<String>,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub length_m: f64,
    pub points: i64,
    /// The last point counted in the length.
    pub last: Option<TrackPoint>,
}

/// A stored patrol as plain data.
pub(super) fn from_model(m: patrol::Model) -> PatrolRow {
    patrol_row(m)
}

fn patrol_row(m: patrol::Model) -> PatrolRow {
    let last = match (m.last_lat, m.last_lng, m.last_at) {
        (Some(lat), Some(lng), Some(at)) => Some(TrackPoint {
            lat,
            lng,
            at,
            accuracy: None,
        }),
        _ => None,
    };
    PatrolRow {
        id: m.id,
        user_id: m.user_id,
        grid_code: m.grid_code,
        community_code: m.community_code,
        street_code: m.street_code,
        started_at: m.started_at,
        ended_at: m.ended_at,
        length_m: m.length_m,
        points: m.points,
        last,
    }
}

/// Starts a patrol; `Ok(None)` when the user has one running already (the
/// unique index on running patrols said so).
pub async fn start(
    db: &impl ConnectionTrait,
    user_id: i64,
    grid: &crate::domain::auth::Place,
    grid_code: &str,
    now: DateTime<Utc>,
) -> Result<Option<PatrolRow>, DbErr> {
    let inserted = patrol::ActiveModel {
        user_id: Set(user_id),
        grid_code: Set(grid_code.to_string()),
        community_code: Set(grid.community.clone()),
        street_code: Set(grid.street.clone()),
        started_at: Set(now),
        ended_at: Set(None),
        length_m: Set(0.0),
        points: Set(0),
        last_lat: Set(None),
        last_lng: Set(None),
        last_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await;
    match inserted {
        Ok(m) => Ok(Some(patrol_row(m))),
        Err(e) if super::is_unique_violation(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<PatrolRow>, DbErr> {
    Ok(patrol::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(patrol_row))
}

/// The user's patrol still running, if any (the newest).
pub async fn running_of(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Option<PatrolRow>, DbErr> {
    Ok(patrol::Entity::find()
        .filter(patrol::Column::UserId.eq(user_id))
        .filter(patrol::Column::EndedAt.is_null())
        .order_by_desc(patrol::Column::Id)
        .one(db)
        .await?
        .map(patrol_row))
}

/// Patrols still running that started before `before` (the partial index of
/// running patrols keeps this small), at most `limit`.
pub async fn running_started_before(
    db: &impl ConnectionTrait,
    before: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<PatrolRow>, DbErr> {
    Ok(patrol::Entity::find()
        .filter(patrol::Column::EndedAt.is_null())
        .filter(patrol::Column::StartedAt.lt(before))
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(patrol_row)
        .collect())
}

/// Stores points of a running patrol and what they add to its length, in
/// one transaction, if the patrol still runs and its last counted point is
/// still `seen_last` (another upload did not land meanwhile). Points already
/// stored (sent again after a lost answer) are skipped. `Ok(None)`: nothing
/// written, read the patrol again.
pub async fn add_points<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    id: i64,
    seen_last: Option<DateTime<Utc>>,
    points: &[TrackPoint],
    added_m: f64,
    last: Option<&TrackPoint>,
) -> Result<Option<u64>, DbErr> {
    use patrol::Column as P;
    let txn = db.begin().await?;
    let mut stored = 0;
    if !points.is_empty() {
        stored =
            patrol_point::Entity::insert_many(points.iter().map(|p| patrol_point::ActiveModel {
                patrol_id: Set(id),
                lat: Set(p.lat),
                lng: Set(p.lng),
                at: Set(p.at),
                accuracy: Set(p.accuracy),
                ..Default::default()
            }))
            .on_conflict(
                sea_orm::sea_query::OnConflict::columns([
                    patrol_point::Column::PatrolId,
                    patrol_point::Column::At,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    let mut update = patrol::Entity::update_many()
        .col_expr(P::LengthM, Expr::col(P::LengthM).add(added_m))
        .col_expr(P::Points, Expr::col(P::Points).add(stored as i64));
    if let Some(l) = last {
        update = update
            .col_expr(P::LastLat, Expr::value(l.lat))
            .col_expr(P::LastLng, Expr::value(l.lng))
            .col_expr(P::LastAt, Expr::value(l.at));
    }
    let update = update.filter(P::Id.eq(id)).filter(P::EndedAt.is_null());
    let update = match seen_last {
        Some(t) => update.filter(P::LastAt.eq(t)),
        None => update.filter(P::LastAt.is_null()),
    };
    if update.exec(&txn).await?.rows_affected != 1 {
        // Dropping the transaction rolls the points back.
        return Ok(None);
    }
    txn.commit().await?;
    Ok(Some(stored))
}

/// When the last point of a patrol was taken, if it has any.
pub async fn last_point_at(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    patrol_point::Entity::find()
        .filter(patrol_point::Column::PatrolId.eq(id))
        .order_by_desc(patrol_point::Column::At)
        .select_only()
        .column(patrol_point::Column::At)
        .into_tuple()
        .one(db)
        .await
}

/// How many patrols a user started in `[from, to)`.
pub async fn started_count(
    db: &impl ConnectionTrait,
    user_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<u64, DbErr> {
    patrol::Entity::find()
        .filter(patrol::Column::UserId.eq(user_id))
        .filter(patrol::Column::StartedAt.gte(from))
        .filter(patrol::Column::StartedAt.lt(to))
        .count(db)
        .await
}

/// How many visits a patrol holds.
pub async fn visit_count(db: &impl ConnectionTrait, patrol_id: i64) -> Result<u64, DbErr> {
    patrol_visit::Entity::find()
        .filter(patrol_visit::Column::PatrolId.eq(patrol_id))
        .count(db)
        .await
}

/// Ends a running patrol at `at`; false when it had ended already.
pub async fn end(db: &impl ConnectionTrait, id: i64, at: DateTime<Utc>) -> Result<bool, DbErr> {
    let res = patrol::Entity::update_many()
        .col_expr(patrol::Column::EndedAt, Expr::value(at))
        .filter(patrol::Column::Id.eq(id))
        .filter(patrol::Column::EndedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Patrols started in `[from, to)` by these users or in these grids, oldest first.
pub async fn started_between(
    db: &impl ConnectionTrait,
    users: &[i64],
    grids: &[String],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<PatrolRow>, DbErr> {
    use patrol::Column as P;
    let who = sea_orm::Condition::any()
        .add(P::UserId.is_in(users.to_vec()))
        .add(P::GridCode.is_in(grids.to_vec()));
    Ok(patrol::Entity::find()
        .filter(who)
        .filter(P::StartedAt.gte(from))
        .filter(P::StartedAt.lt(to))
        .order_by_asc(P::StartedAt)
        .all(db)
        .await?
        .into_iter()
        .map(patrol_row)
        .collect())
}

/// A patrol's track, oldest point first.
pub async fn track(db: &impl ConnectionTrait, id: i64) -> Result<Vec<(f64, f64)>, DbErr> {
    patrol_point::Entity::find()
        .filter(patrol_point::Column::PatrolId.eq(id))
        .order_by_asc(patrol_point::Column::At)
        .order_by_asc(patrol_point::Column::Id)
        .select_only()
        .column(patrol_point::Column::Lat)
        .column(patrol_point::Column::Lng)
        .into_tuple()
        .all(db)
        .await
}

// ---------------------------------------------------------------- visits

#[derive(Clone, Debug, PartialEq)]
pub struct VisitRow {
    pub id: i64,
    pub patrol_id: i64,
    pub user_id: i64,
    pub grid_code: String,
    pub kind: String,
    pub subject: String,
    pub note: String,
    pub lat: f64,
    pub lng: f64,
    pub at: DateTime<Utc>,
    pub case_id: Option<i64>,
    pub household_id: Option<i64>,
}

fn visit_row(m: patrol_visit::Model) -> VisitRow {
    VisitRow {
        id: m.id,
        patrol_id: m.patrol_id,
        user_id: m.user_id,
        grid_code: m.grid_code,
        kind: m.kind,
        subject: m.subject,
        note: m.note,
        lat: m.lat,
        lng: m.lng,
        at: m.at,
        case_id: m.case_id,
        household_id: m.household_id,
    }
}

pub async fn insert_visit(db: &impl ConnectionTrait, v: &VisitRow) -> Result<VisitRow, DbErr> {
    let m = patrol_visit::ActiveModel {
        patrol_id: Set(v.patrol_id),
        user_id: Set(v.user_id),
        grid_code: Set(v.grid_code.clone()),
        kind: Set(v.kind.clone()),
        subject: Set(v.subject.clone()),
        note: Set(v.note.clone()),
        lat: Set(v.lat),
        lng: Set(v.lng),
        at: Set(v.at),
        case_id: Set(None),
        household_id: Set(v.household_id),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(visit_row(m))
}

pub async fn visit_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<VisitRow>, DbErr> {
    Ok(patrol_visit::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(visit_row))
}

pub async fn visits_of(db: &impl ConnectionTrait, patrol_id: i64) -> Result<Vec<VisitRow>, DbErr> {
    Ok(patrol_visit::Entity::find()
        .filter(patrol_visit::Column::PatrolId.eq(patrol_id))
        .order_by_asc(patrol_visit::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(visit_row)
        .collect())
}

/// Links a visit to the case its finding became, once (false: it has one).
pub async fn set_visit_case(
    db: &impl ConnectionTrait,
    id: i64,
    case_id: i64,
) -> Result<bool, DbErr> {
    let res = patrol_visit::Entity::update_many()
        .col_expr(patrol_visit::Column::CaseId, Expr::value(case_id))
        .filter(patrol_visit::Column::Id.eq(id))
        .filter(patrol_visit::Column::CaseId.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

#[derive(Clone, Debug, PartialEq)]
pub struct VisitPhotoRow {
    pub id: i64,
    pub visit_id: i64,
    pub uploader_id: i64,
    pub key: String,
    pub thumb_key: String,
    pub width: i32,
    pub height: i32,
    pub bytes: i64,
    pub created_at: DateTime<Utc>,
}

fn photo_row(m: visit_photo::Model) -> VisitPhotoRow {
    VisitPhotoRow {
        id: m.id,
        visit_id: m.visit_id,
        uploader_id: m.uploader_id,
        key: m.key,
        thumb_key: m.thumb_key,
        width: m.width,
        height: m.height,
        bytes: m.bytes,
        created_at: m.created_at,
    }
}

pub async fn insert_photo(db: &impl ConnectionTrait, p: &VisitPhotoRow) -> Result<i64, DbErr> {
    Ok(visit_photo::ActiveModel {
        visit_id: Set(p.visit_id),
        uploader_id: Set(p.uploader_id),
        key: Set(p.key.clone()),
        thumb_key: Set(p.thumb_key.clone()),
        width: Set(p.width),
        height: Set(p.height),
        bytes: Set(p.bytes),
        created_at: Set(p.created_at),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

pub async fn photo_by_id(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<VisitPhotoRow>, DbErr> {
    Ok(visit_photo::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(photo_row))
}

pub async fn photos_of(
    db: &impl ConnectionTrait,
    visit_ids: &[i64],
) -> Result<Vec<VisitPhotoRow>, DbErr> {
    if visit_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(visit_photo::Entity::find()
        .filter(visit_photo::Column::VisitId.is_in(visit_ids.to_vec()))
        .order_by_asc(visit_photo::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(photo_row)
        .collect())
}

pub async fn count_photos(db: &impl ConnectionTrait, visit_id: i64) -> Result<u64, DbErr> {
    visit_photo::Entity::find()
        .filter(visit_photo::Column::VisitId.eq(visit_id))
        .count(db)
        .await
}

// ------------------------------------------------------------ key issues

#[derive(Clone, Debug, PartialEq)]
pub struct KeyIssueRow {
    pub id: i64,
    pub grid_code: String,
    pub category_id: i64,
    pub title: String,
    pub risk: String,
    pub status: String,
    pub owner_id: Option<i64>,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReviewRow {
    pub issue_id: i64,
    pub kind: String,
    pub text: String,
    pub author_name: String,
    pub at: DateTime<Utc>,
}

fn issue_row(m: key_issue::Model) -> KeyIssueRow {
    KeyIssueRow {
        id: m.id,
        grid_code: m.grid_code,
        category_id: m.category_id,
        title: m.title,
        risk: m.risk,
        status: m.status,
        owner_id: m.owner_id,
        created_by: m.created_by,
        created_at: m.created_at,
    }
}

pub async fn insert_issue(db: &impl ConnectionTrait, i: &KeyIssueRow) -> Result<i64, DbErr> {
    Ok(key_issue::ActiveModel {
        grid_code: Set(i.grid_code.clone()),
        category_id: Set(i.category_id),
        title: Set(i.title.clone()),
        risk: Set(i.risk.clone()),
        status: Set(i.status.clone()),
        owner_id: Set(i.owner_id),
        created_by: Set(i.created_by),
        created_at: Set(i.created_at),
        updated_at: Set(i.created_at),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

pub async fn issue_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<KeyIssueRow>, DbErr> {
    Ok(key_issue::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(issue_row))
}

/// A grid's key issues: the unresolved ones (capped by
/// `patrol::MAX_OPEN_ISSUES`) and the latest `patrol::SHOWN_RESOLVED`
/// resolved ones; unresolved first, then the highest risk, newest first.
pub async fn issues_of(db: &impl ConnectionTrait, grid: &str) -> Result<Vec<KeyIssueRow>, DbErr> {
    use crate::domain::patrol::SHOWN_RESOLVED;
    use key_issue::Column as K;
    let mut rows: Vec<KeyIssueRow> = key_issue::Entity::find()
        .filter(K::GridCode.eq(grid))
        .filter(K::Status.ne(RESOLVED))
        .order_by_desc(K::Id)
        .all(db)
        .await?
        .into_iter()
        .map(issue_row)
        .collect();
    rows.extend(
        key_issue::Entity::find()
            .filter(K::GridCode.eq(grid))
            .filter(K::Status.eq(RESOLVED))
            .order_by_desc(K::Id)
            .limit(SHOWN_RESOLVED)
            .all(db)
            .await?
            .into_iter()
            .map(issue_row),
    );
    let rank = |r: &KeyIssueRow| {
        (
            r.status == RESOLVED,
            match r.risk.as_str() {
                "high" => 0,
                "medium" => 1,
                _ => 2,
            },
        )
    };
    rows.sort_by_key(rank);
    Ok(rows)
}

const RESOLVED: &str = crate::domain::patrol::IssueStatus::Resolved.as_str();

/// How many of a grid's key issues are not yet resolved.
pub async fn open_issue_count(db: &impl ConnectionTrait, grid: &str) -> Result<u64, DbErr> {
    key_issue::Entity::find()
        .filter(key_issue::Column::GridCode.eq(grid))
        .filter(key_issue::Column::Status.ne(RESOLVED))
        .count(db)
        .await
}

/// How many reviews a key issue has.
pub async fn review_count(db: &impl ConnectionTrait, issue_id: i64) -> Result<u64, DbErr> {
    key_issue_review::Entity::find()
        .filter(key_issue_review::Column::IssueId.eq(issue_id))
        .count(db)
        .await
}

pub async fn reviews_of(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<ReviewRow>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(key_issue_review::Entity::find()
        .filter(key_issue_review::Column::IssueId.is_in(ids.to_vec()))
        .order_by_asc(key_issue_review::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| ReviewRow {
            issue_id: m.issue_id,
            kind: m.kind,
            text: m.text,
            author_name: m.author_name,
            at: m.at,
        })
        .collect())
}

/// Adds a review and applies the status and risk it sets, together.
pub async fn review<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    issue_id: i64,
    review: &ReviewRow,
    author_id: i64,
    status: Option<&str>,
    risk: Option<&str>,
) -> Result<(), DbErr> {
    use key_issue::Column as K;
    let txn = db.begin().await?;
    let mut update =
        key_issue::Entity::update_many().col_expr(K::UpdatedAt, Expr::value(review.at));
    if let Some(s) = status {
        update = update.col_expr(K::Status, Expr::value(s));
    }
    if let Some(r) = risk {
        update = update.col_expr(K::Risk, Expr::value(r));
    }
    update.filter(K::Id.eq(issue_id)).exec(&txn).await?;
    key_issue_review::ActiveModel {
        issue_id: Set(issue_id),
        kind: Set(review.kind.clone()),
        text: Set(review.text.clone()),
        author_id: Set(author_id),
        author_name: Set(review.author_name.clone()),
        at: Set(review.at),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await
}

/// Patrols and their points written in bulk with the ids given (a bench's
/// generated city: nothing else writes ids).
pub async fn insert_bulk(
    db: &impl ConnectionTrait,
    rows: &[PatrolRow],
    points: &[(i64, TrackPoint)],
) -> Result<(), DbErr> {
    // SQLite takes at most 32,766 values a statement: 2,000 rows of 12.
    for chunk in rows.chunks(2_000) {
        patrol::Entity::insert_many(chunk.iter().map(|p| patrol::ActiveModel {
            id: Set(p.id),
            user_id: Set(p.user_id),
            grid_code: Set(p.grid_code.clone()),
            community_code: Set(p.community_code.clone()),
            street_code: Set(p.street_code.clone()),
            started_at: Set(p.started_at),
            ended_at: Set(p.ended_at),
            length_m: Set(p.length_m),
            points: Set(p.points),
            last_lat: Set(None),
            last_lng: Set(None),
            last_at: Set(None),
        }))
        .exec_without_returning(db)
        .await?;
    }
    for chunk in points.chunks(5_000) {
        patrol_point::Entity::insert_many(chunk.iter().map(|(id, p)| patrol_point::ActiveModel {
            patrol_id: Set(*id),
            lat: Set(p.lat),
            lng: Set(p.lng),
            at: Set(p.at),
            accuracy: Set(p.accuracy),
            ..Default::default()
        }))
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}
