//! Dual-reporting units, their party members, and the service ledger.

use super::entities::{party_member, service_credit, unit, user};
use crate::domain::unit::{CreditSource, Review, UnitKind};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

#[derive(Clone, Debug, PartialEq)]
pub struct UnitRow {
    pub id: i64,
    pub name: String,
    pub kind: Option<UnitKind>,
    pub party_org: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub community_code: String,
    pub status: Review,
    pub applicant_id: Option<i64>,
    pub reject_reason: Option<String>,
}

fn unit_row(m: unit::Model) -> UnitRow {
    UnitRow {
        id: m.id,
        name: m.name,
        kind: UnitKind::parse(&m.kind),
        party_org: m.party_org,
        contact_name: m.contact_name,
        contact_phone: m.contact_phone,
        community_code: m.community_code,
        status: Review::parse(&m.status).unwrap_or(Review::Pending),
        applicant_id: m.applicant_id,
        reject_reason: m.reject_reason,
    }
}

/// Registers a unit (pending). A taken name comes back as `Ok(None)`.
pub async fn insert_unit(db: &impl ConnectionTrait, u: &UnitRow) -> Result<Option<i64>, DbErr> {
    let res = unit::ActiveModel {
        name: Set(u.name.clone()),
        kind: Set(u.kind.map(|k| k.as_str()).unwrap_or_default().to_string()),
        party_org: Set(u.party_org.clone()),
        contact_name: Set(u.contact_name.clone()),
        contact_phone: Set(u.contact_phone.clone()),
        community_id: Set(None),
        community_code: Set(u.community_code.clone()),
        status: Set(u.status.as_str().to_string()),
        applicant_id: Set(u.applicant_id),
        reject_reason: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await;
    match res {
        Ok(m) => Ok(Some(m.id)),
        Err(e) if super::is_unique_violation(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

pub async fn unit_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<UnitRow>, DbErr> {
    Ok(unit::Entity::find_by_id(id).one(db).await?.map(unit_row))
}

/// The units reporting to these communities (all of them when `None`).
fn units_where(communities: Option<&[String]>) -> sea_orm::Select<unit::Entity> {
    let mut q = unit::Entity::find();
    if let Some(c) = communities {
        q = q.filter(unit::Column::CommunityCode.is_in(c.to_vec()));
    }
    q
}

/// Units reporting to these communities (all of them when `None`).
pub async fn units_in(
    db: &impl ConnectionTrait,
    communities: Option<&[String]>,
) -> Result<Vec<UnitRow>, DbErr> {
    Ok(units_where(communities)
        .order_by_asc(unit::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(unit_row)
        .collect())
}

/// Units that applicant registered.
pub async fn units_of_applicant(
    db: &impl ConnectionTrait,
    user: i64,
) -> Result<Vec<UnitRow>, DbErr> {
    Ok(unit::Entity::find()
        .filter(unit::Column::ApplicantId.eq(user))
        .order_by_asc(unit::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(unit_row)
        .collect())
}

/// Registrations still pending with these communities, except those
/// `reviewer` made themself (nobody reviews their own application).
pub async fn pending_units(
    db: &impl ConnectionTrait,
    communities: &[String],
    reviewer: i64,
) -> Result<u64, DbErr> {
    use unit::Column as U;
    units_where(Some(communities))
        .filter(U::Status.eq(Review::Pending.as_str()))
        .filter(
            Condition::any()
                .add(U::ApplicantId.is_null())
                .add(U::ApplicantId.ne(reviewer)),
        )
        .count(db)
        .await
}

/// Decides a pending registration. `false` when it was no longer pending.
pub async fn review_unit(
    db: &impl ConnectionTrait,
    id: i64,
    to: Review,
    reason: Option<String>,
) -> Result<bool, DbErr> {
    let res = unit::Entity::update_many()
        .col_expr(unit::Column::Status, Expr::value(to.as_str()))
        .col_expr(unit::Column::RejectReason, Expr::value(reason))
        .filter(unit::Column::Id.eq(id))
        .filter(unit::Column::Status.eq(Review::Pending.as_str()))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

#[derive(Clone, Debug, PartialEq)]
pub struct MemberRow {
    pub user_id: i64,
    pub name: String,
    pub phone: String,
    pub unit_id: i64,
    pub community_code: String,
    pub status: Review,
    pub created_at: DateTime<Utc>,
}

/// Records (or renews, after a refusal) a member's report to a community.
/// One statement (upsert), so two quick submits cannot collide.
pub async fn upsert_member(
    db: &impl ConnectionTrait,
    user_id: i64,
    unit_id: i64,
    community: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    use party_member::Column as M;
    use sea_orm::sea_query::OnConflict;
    party_member::Entity::insert(party_member::ActiveModel {
        user_id: Set(user_id),
        unit_id: Set(unit_id),
        community_code: Set(community.to_string()),
        status: Set(Review::Pending.as_str().to_string()),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(M::UserId)
            .update_columns([M::UnitId, M::CommunityCode, M::Status, M::CreatedAt])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

type MemberTuple = (i64, i64, String, String, DateTime<Utc>, String, String);

/// Member reports narrowed by unit, communities or user (each when given).
fn members_where(
    units: Option<&[i64]>,
    communities: Option<&[String]>,
    user: Option<i64>,
) -> sea_orm::Select<party_member::Entity> {
    use party_member::Column as M;
    let mut q = party_member::Entity::find();
    if let Some(u) = units {
        q = q.filter(M::UnitId.is_in(u.to_vec()));
    }
    if let Some(c) = communities {
        q = q.filter(M::CommunityCode.is_in(c.to_vec()));
    }
    if let Some(u) = user {
        q = q.filter(M::UserId.eq(u));
    }
    q
}

/// Members, with their names, narrowed by unit or communities.
pub async fn members(
    db: &impl ConnectionTrait,
    units: Option<&[i64]>,
    communities: Option<&[String]>,
    user: Option<i64>,
) -> Result<Vec<MemberRow>, DbErr> {
    use party_member::Column as M;
    let q = members_where(units, communities, user)
        .select_only()
        .columns([
            M::UserId,
            M::UnitId,
            M::CommunityCode,
            M::Status,
            M::CreatedAt,
        ])
        .column(user::Column::Name)
        .column(user::Column::Phone)
        .join(
            sea_orm::JoinType::InnerJoin,
            party_member::Entity::belongs_to(user::Entity)
                .from(M::UserId)
                .to(user::Column::Id)
                .into(),
        );
    let rows: Vec<MemberTuple> = q.order_by_asc(M::CreatedAt).into_tuple().all(db).await?;
    Ok(rows
        .into_iter()
        .map(
            |(user_id, unit_id, community_code, status, created_at, name, phone)| MemberRow {
                user_id,
                name,
                phone,
                unit_id,
                community_code,
                status: Review::parse(&status).unwrap_or(Review::Pending),
                created_at,
            },
        )
        .collect())
}

/// Member reports still pending with these communities, except the
/// reviewer's own (nobody reviews themself).
pub async fn pending_members(
    db: &impl ConnectionTrait,
    communities: &[String],
    reviewer: i64,
) -> Result<u64, DbErr> {
    use party_member::Column as M;
    members_where(None, Some(communities), None)
        .filter(M::Status.eq(Review::Pending.as_str()))
        .filter(M::UserId.ne(reviewer))
        .count(db)
        .await
}

pub async fn review_member(
    db: &impl ConnectionTrait,
    user_id: i64,
    to: Review,
) -> Result<bool, DbErr> {
    let res = party_member::Entity::update_many()
        .col_expr(party_member::Column::Status, Expr::value(to.as_str()))
        .filter(party_member::Column::UserId.eq(user_id))
        .filter(party_member::Column::Status.eq(Review::Pending.as_str()))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// A credit as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct CreditRow {
    pub user_id: i64,
    pub unit_id: Option<i64>,
    pub community_code: String,
    pub source: CreditSource,
    pub source_id: i64,
    pub title: String,
    pub points: i32,
    pub hours: f32,
    pub created_at: DateTime<Utc>,
}

/// Credits once: a second credit for the same (person, source) is ignored
/// (ON CONFLICT DO NOTHING, so it is safe inside a transaction on
/// PostgreSQL, where a failed INSERT would abort the transaction).
pub async fn credit(db: &impl ConnectionTrait, c: &CreditRow) -> Result<bool, DbErr> {
    use sea_orm::sea_query::OnConflict;
    use service_credit::Column as C;
    let inserted = service_credit::Entity::insert(service_credit::ActiveModel {
        user_id: Set(c.user_id),
        source: Set(c.source.as_str().to_string()),
        source_id: Set(c.source_id),
        unit_id: Set(c.unit_id),
        community_code: Set(c.community_code.clone()),
        title: Set(c.title.clone()),
        points: Set(c.points),
        hours: Set(c.hours),
        created_at: Set(c.created_at),
    })
    .on_conflict(
        OnConflict::columns([C::UserId, C::Source, C::SourceId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}

/// Whose credits to read.
#[derive(Clone, Debug, PartialEq)]
pub enum CreditsOf {
    User(i64),
    Users(Vec<i64>),
    Unit(i64),
    Units(Vec<i64>),
    Community(String),
}

/// Credits, newest first (at most `limit`).
pub async fn credits(
    db: &impl ConnectionTrait,
    of: &CreditsOf,
    limit: u64,
) -> Result<Vec<CreditRow>, DbErr> {
    use service_credit::Column as C;
    let q = service_credit::Entity::find();
    let q = match of {
        CreditsOf::User(u) => q.filter(C::UserId.eq(*u)),
        CreditsOf::Users(u) => q.filter(C::UserId.is_in(u.clone())),
        CreditsOf::Unit(u) => q.filter(C::UnitId.eq(*u)),
        CreditsOf::Units(u) => q.filter(C::UnitId.is_in(u.clone())),
        CreditsOf::Community(c) => q.filter(C::CommunityCode.eq(c.clone())),
    };
    Ok(q.order_by_desc(C::CreatedAt)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|m| CreditRow {
            user_id: m.user_id,
            unit_id: m.unit_id,
            community_code: m.community_code,
            source: CreditSource::parse(&m.source).unwrap_or(CreditSource::Wish),
            source_id: m.source_id,
            title: m.title,
            points: m.points,
            hours: m.hours,
            created_at: m.created_at,
        })
        .collect())
}

/// Names of users by id (for ledgers and lists).
pub async fn user_names(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>, DbErr> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<(i64, String)> = user::Entity::find()
        .select_only()
        .columns([user::Column::Id, user::Column::Name])
        .filter(user::Column::Id.is_in(ids.to_vec()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}
