//! Open311 client applications (their key hashes) and which client filed
//! which case, with the `media_url` it sent. The case itself is an ordinary
//! case (`store::cases::insert_open311` writes both in one transaction).

use super::entities::{open311_case, open311_client};
use crate::domain::open311::ClientView;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use std::collections::HashMap;

/// A client able to file: its id and name (a revoked key finds none).
#[derive(Clone, Debug, PartialEq)]
pub struct Client {
    pub id: i64,
    pub name: String,
}

pub async fn insert_client(
    db: &impl ConnectionTrait,
    name: &str,
    key_hash: &str,
    key_tail: &str,
    created_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<ClientView, DbErr> {
    let m = open311_client::ActiveModel {
        name: Set(name.to_string()),
        key_hash: Set(key_hash.to_string()),
        key_tail: Set(key_tail.to_string()),
        created_by: Set(created_by),
        created_at: Set(now),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(view(m, 0))
}

fn view(m: open311_client::Model, filed: i64) -> ClientView {
    ClientView {
        id: m.id,
        name: m.name,
        key_tail: m.key_tail,
        created_at: m.created_at,
        revoked_at: m.revoked_at,
        filed,
    }
}

/// Every client, newest first, with how many cases each filed.
pub async fn clients(db: &impl ConnectionTrait) -> Result<Vec<ClientView>, DbErr> {
    let counts: HashMap<i64, i64> = open311_case::Entity::find()
        .select_only()
        .column(open311_case::Column::ClientId)
        .column_as(open311_case::Column::CaseId.count(), "n")
        .group_by(open311_case::Column::ClientId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(open311_client::Entity::find()
        .order_by_desc(open311_client::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            let n = counts.get(&m.id).copied().unwrap_or(0);
            view(m, n)
        })
        .collect())
}

/// The live client whose key hashes to `key_hash`.
pub async fn by_key_hash(
    db: &impl ConnectionTrait,
    key_hash: &str,
) -> Result<Option<Client>, DbErr> {
    Ok(open311_client::Entity::find()
        .filter(open311_client::Column::KeyHash.eq(key_hash))
        .filter(open311_client::Column::RevokedAt.is_null())
        .one(db)
        .await?
        .map(|m| Client {
            id: m.id,
            name: m.name,
        }))
}

/// Revokes a live key: false when there is no such client or it was
/// revoked already (so two clicks write one audit line).
pub async fn revoke(db: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let res = open311_client::Entity::update_many()
        .col_expr(open311_client::Column::RevokedAt, Expr::value(Some(now)))
        .filter(open311_client::Column::Id.eq(id))
        .filter(open311_client::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

pub async fn name_of(db: &impl ConnectionTrait, id: i64) -> Result<Option<String>, DbErr> {
    Ok(open311_client::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|m| m.name))
}

/// The `media_url`s clients sent with these cases.
pub async fn media_urls(
    db: &impl ConnectionTrait,
    case_ids: &[i64],
) -> Result<HashMap<i64, String>, DbErr> {
    if case_ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(open311_case::Entity::find()
        .filter(open311_case::Column::CaseId.is_in(case_ids.to_vec()))
        .filter(open311_case::Column::MediaUrl.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .filter_map(|m| Some((m.case_id, m.media_url?)))
        .collect())
}

/// The client that filed a case, if one did.
pub async fn filer_of(db: &impl ConnectionTrait, case_id: i64) -> Result<Option<i64>, DbErr> {
    Ok(open311_case::Entity::find_by_id(case_id)
        .one(db)
        .await?
        .map(|m| m.client_id))
}

/// The case this client filed with this fingerprint since `since`, if any
/// (the newest): a report sent again after its answer was lost. One
/// statement: the fingerprint's rows (unique per client while kept) and
/// their cases' times.
pub async fn resent(
    db: &impl ConnectionTrait,
    client_id: i64,
    fingerprint: &str,
    since: chrono::DateTime<chrono::Utc>,
) -> Result<Option<i64>, DbErr> {
    use super::entities::case_record;
    let filed = sea_orm::sea_query::Query::select()
        .column(open311_case::Column::CaseId)
        .from(open311_case::Entity)
        .and_where(Expr::col(open311_case::Column::ClientId).eq(client_id))
        .and_where(Expr::col(open311_case::Column::Fingerprint).eq(fingerprint))
        .to_owned();
    case_record::Entity::find()
        .select_only()
        .column(case_record::Column::Id)
        .filter(case_record::Column::Id.in_subquery(filed))
        .filter(case_record::Column::CreatedAt.gte(since))
        .order_by_desc(case_record::Column::Id)
        .into_tuple::<i64>()
        .one(db)
        .await
}

/// Forgets the fingerprints of reports filed before `before` (the resend
/// window is over; they hash what a person sent, which is not otherwise
/// kept), all of them or only `one` client's fingerprint. Returns how many.
/// The inner read uses the partial index of kept fingerprints, so a sweep
/// reads the last day's Open311 reports, never the whole table.
pub async fn forget_fingerprints(
    db: &impl ConnectionTrait,
    before: DateTime<Utc>,
    one: Option<(i64, &str)>,
) -> Result<u64, DbErr> {
    use super::entities::case_record;
    use sea_orm::sea_query::Query;
    let mut kept = Query::select();
    kept.column(open311_case::Column::CaseId)
        .from(open311_case::Entity)
        .and_where(Expr::col(open311_case::Column::Fingerprint).is_not_null());
    if let Some((client, fingerprint)) = one {
        kept.and_where(Expr::col(open311_case::Column::ClientId).eq(client))
            .and_where(Expr::col(open311_case::Column::Fingerprint).eq(fingerprint));
    }
    let old = Query::select()
        .column(case_record::Column::Id)
        .from(case_record::Entity)
        .and_where(Expr::col(case_record::Column::Id).in_subquery(kept.to_owned()))
        .and_where(Expr::col(case_record::Column::CreatedAt).lt(before))
        .to_owned();
    Ok(open311_case::Entity::update_many()
        .col_expr(
            open311_case::Column::Fingerprint,
            Expr::value(Option::<String>::None),
        )
        .filter(open311_case::Column::Fingerprint.is_not_null())
        .filter(open311_case::Column::CaseId.in_subquery(old))
        .exec(db)
        .await?
        .rows_affected)
}

/// Writes which client filed a case (inside the case's own transaction).
pub(super) async fn insert_filed_by(
    db: &impl ConnectionTrait,
    case_id: i64,
    client_id: i64,
    media_url: Option<&str>,
    fingerprint: Option<&str>,
) -> Result<(), DbErr> {
    open311_case::ActiveModel {
        case_id: Set(case_id),
        client_id: Set(client_id),
        media_url: Set(media_url.map(str::to_string)),
        fingerprint: Set(fingerprint.map(str::to_string)),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The cases a client filed, as a subquery (`Scope::Open311`).
pub(super) fn filed_by(client_id: i64) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(open311_case::Column::CaseId)
        .from(open311_case::Entity)
        .and_where(Expr::col(open311_case::Column::ClientId).eq(client_id))
        .to_owned()
}
