//! Volunteering activities and their sign-ups.

use super::entities::{activity, activity_signup, user};
use crate::domain::activity::Attendance;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionSession, TransactionTrait,
};

#[derive(Clone, Debug, PartialEq)]
pub struct ActivityRow {
    pub id: i64,
    pub community_code: String,
    pub title: String,
    pub description: String,
    pub place: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: i32,
    pub taken: i32,
    pub hours: f32,
    pub organiser_id: i64,
    pub created_at: DateTime<Utc>,
}

fn row(m: activity::Model) -> ActivityRow {
    ActivityRow {
        id: m.id,
        community_code: m.community_code,
        title: m.title,
        description: m.description,
        place: m.place,
        starts_at: m.starts_at,
        ends_at: m.ends_at,
        capacity: m.capacity,
        taken: m.taken,
        hours: m.hours,
        organiser_id: m.organiser_id,
        created_at: m.created_at,
    }
}

pub async fn insert(db: &impl ConnectionTrait, a: &ActivityRow) -> Result<i64, DbErr> {
    Ok(activity::ActiveModel {
        community_code: Set(a.community_code.clone()),
        title: Set(a.title.clone()),
        description: Set(a.description.clone()),
        place: Set(a.place.clone()),
        starts_at: Set(a.starts_at),
        ends_at: Set(a.ends_at),
        capacity: Set(a.capacity),
        taken: Set(a.taken),
        hours: Set(a.hours),
        organiser_id: Set(a.organiser_id),
        created_at: Set(a.created_at),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<ActivityRow>, DbErr> {
    Ok(activity::Entity::find_by_id(id).one(db).await?.map(row))
}

/// Activities ending after `since`, soonest first (of some communities, or all).
pub async fn upcoming(
    db: &impl ConnectionTrait,
    communities: Option<&[String]>,
    since: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<ActivityRow>, DbErr> {
    let mut q = activity::Entity::find().filter(activity::Column::EndsAt.gte(since));
    if let Some(c) = communities {
        q = q.filter(activity::Column::CommunityCode.is_in(c.to_vec()));
    }
    Ok(q.order_by_asc(activity::Column::StartsAt)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(row)
        .collect())
}

/// A user's sign-ups: activity id → status.
pub async fn signups_of(
    db: &impl ConnectionTrait,
    user_id: i64,
    activity_ids: &[i64],
) -> Result<Vec<(i64, Attendance)>, DbErr> {
    let rows: Vec<(i64, String)> = activity_signup::Entity::find()
        .select_only()
        .columns([
            activity_signup::Column::ActivityId,
            activity_signup::Column::Status,
        ])
        .filter(activity_signup::Column::UserId.eq(user_id))
        .filter(activity_signup::Column::ActivityId.is_in(activity_ids.to_vec()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, s)| Some((id, Attendance::parse(&s)?)))
        .collect())
}

/// How a sign-up attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignUp {
    Done,
    Full,
    Already,
}

/// Takes a place if one is left. The seat is taken by a conditional UPDATE
/// (`taken < capacity`) in the same transaction as the sign-up row, so
/// concurrent sign-ups can never overfill the activity.
pub async fn sign_up<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    activity_id: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<SignUp, DbErr> {
    // The write comes first: on SQLite a transaction that reads and then
    // writes fails if another connection wrote in between. Dropping the
    // transaction gives the seat back.
    let txn = db.begin().await?;
    let seat = activity::Entity::update_many()
        .col_expr(
            activity::Column::Taken,
            Expr::col(activity::Column::Taken).add(1),
        )
        .filter(activity::Column::Id.eq(activity_id))
        .filter(Expr::col(activity::Column::Taken).lt(Expr::col(activity::Column::Capacity)))
        .exec(&txn)
        .await?;
    if seat.rows_affected != 1 {
        return Ok(SignUp::Full);
    }
    let existing = activity_signup::Entity::find_by_id((activity_id, user_id))
        .one(&txn)
        .await?;
    if existing
        .as_ref()
        .is_some_and(|s| s.status != Attendance::Cancelled.as_str())
    {
        return Ok(SignUp::Already);
    }
    let model = activity_signup::ActiveModel {
        activity_id: Set(activity_id),
        user_id: Set(user_id),
        status: Set(Attendance::SignedUp.as_str().to_string()),
        updated_at: Set(now),
    };
    if existing.is_some() {
        model.update(&txn).await?;
    } else {
        model.insert(&txn).await?;
    }
    txn.commit().await?;
    Ok(SignUp::Done)
}

/// Gives a place back. `false` when the user held none.
pub async fn cancel<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    activity_id: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use activity_signup::Column as S;
    let txn = db.begin().await?;
    let res = activity_signup::Entity::update_many()
        .col_expr(S::Status, Expr::value(Attendance::Cancelled.as_str()))
        .col_expr(S::UpdatedAt, Expr::value(now))
        .filter(S::ActivityId.eq(activity_id))
        .filter(S::UserId.eq(user_id))
        .filter(S::Status.eq(Attendance::SignedUp.as_str()))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Ok(false);
    }
    activity::Entity::update_many()
        .col_expr(
            activity::Column::Taken,
            Expr::col(activity::Column::Taken).sub(1),
        )
        .filter(activity::Column::Id.eq(activity_id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(true)
}

/// Marks a signed-up person as attended and credits their hours, in one
/// transaction. `false` when they were not signed up (nothing written).
pub async fn check_in<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    activity_id: i64,
    user_id: i64,
    credit: &super::units::CreditRow,
) -> Result<bool, DbErr> {
    use activity_signup::Column as S;
    let txn = db.begin().await?;
    let res = activity_signup::Entity::update_many()
        .col_expr(S::Status, Expr::value(Attendance::Attended.as_str()))
        .col_expr(S::UpdatedAt, Expr::value(credit.created_at))
        .filter(S::ActivityId.eq(activity_id))
        .filter(S::UserId.eq(user_id))
        .filter(S::Status.eq(Attendance::SignedUp.as_str()))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Ok(false);
    }
    super::units::credit(&txn, credit).await?;
    txn.commit().await?;
    Ok(true)
}

/// Everyone on an activity's list, with names and phones (organisers only).
pub async fn attendees(
    db: &impl ConnectionTrait,
    activity_id: i64,
) -> Result<Vec<(i64, String, String, Attendance)>, DbErr> {
    use activity_signup::Column as S;
    let rows: Vec<(i64, String, String, String)> = activity_signup::Entity::find()
        .select_only()
        .column(S::UserId)
        .column(user::Column::Name)
        .column(user::Column::Phone)
        .column(S::Status)
        .join(
            sea_orm::JoinType::InnerJoin,
            activity_signup::Entity::belongs_to(user::Entity)
                .from(S::UserId)
                .to(user::Column::Id)
                .into(),
        )
        .filter(S::ActivityId.eq(activity_id))
        .order_by_asc(S::UpdatedAt)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, name, phone, s)| Some((id, name, phone, Attendance::parse(&s)?)))
        .collect())
}

/// Live sign-ups of an activity, counted from the rows (tests compare it
/// with `taken`).
pub async fn count_signed(db: &impl ConnectionTrait, activity_id: i64) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    activity_signup::Entity::find()
        .filter(activity_signup::Column::ActivityId.eq(activity_id))
        .filter(activity_signup::Column::Status.ne(Attendance::Cancelled.as_str()))
        .count(db)
        .await
}
