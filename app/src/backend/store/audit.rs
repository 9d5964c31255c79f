//! The audit log: append and read. There is no update or delete here, on
//! purpose.

use super::entities::audit_entry;
use crate::domain::audit::{AuditAction, AuditFilter, AuditLine};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

/// A line to append.
#[derive(Clone, Debug, PartialEq)]
pub struct NewLine {
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: AuditAction,
    pub target_kind: String,
    pub target_id: String,
    pub detail: String,
    pub street_code: Option<String>,
    pub client: String,
}

pub async fn append(db: &impl ConnectionTrait, line: NewLine) -> Result<i64, DbErr> {
    let r = audit_entry::Entity::insert(audit_entry::ActiveModel {
        at: Set(line.at),
        actor_id: Set(line.actor_id),
        actor_name: Set(line.actor_name),
        action: Set(line.action.as_str().to_string()),
        target_kind: Set(line.target_kind),
        target_id: Set(line.target_id),
        detail: Set(line.detail),
        street_code: Set(line.street_code),
        client: Set(line.client),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(r.last_insert_id)
}

/// Lines newest first, before id `before`; `street` narrows to one street's
/// lines (street admins).
pub async fn page(
    db: &impl ConnectionTrait,
    street: Option<&str>,
    filter: &AuditFilter,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<AuditLine>, DbErr> {
    use audit_entry::Column as C;
    let mut q = audit_entry::Entity::find();
    if let Some(s) = street {
        q = q.filter(C::StreetCode.eq(s));
    }
    if let Some(a) = filter.action {
        q = q.filter(C::Action.eq(a.as_str()));
    }
    if let Some(u) = filter.actor_id {
        q = q.filter(C::ActorId.eq(u));
    }
    if let Some(k) = &filter.target_kind {
        q = q.filter(C::TargetKind.eq(k.as_str()));
    }
    if let Some(t) = &filter.target_id {
        q = q.filter(C::TargetId.eq(t.as_str()));
    }
    // Days are China days (UTC+8), as users read them.
    let china = |d: chrono::NaiveDate| {
        d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc() - chrono::Duration::hours(8)
    };
    if let Some(d) = filter.since {
        q = q.filter(C::At.gte(china(d)));
    }
    if let Some(d) = filter.until {
        q = q.filter(C::At.lt(china(d) + chrono::Duration::days(1)));
    }
    if let Some(b) = before {
        q = q.filter(C::Id.lt(b));
    }
    let rows = q.order_by_desc(C::Id).limit(limit).all(db).await?;
    rows.into_iter()
        .map(|r| {
            Ok(AuditLine {
                id: r.id,
                at: r.at,
                actor_id: r.actor_id,
                actor_name: r.actor_name,
                // A line we cannot read is a bug to hear about, not to hide.
                action: AuditAction::parse(&r.action).ok_or_else(|| {
                    DbErr::Custom(format!("audit line {}: unknown action {}", r.id, r.action))
                })?,
                target_kind: r.target_kind,
                target_id: r.target_id,
                detail: r.detail,
                street_code: r.street_code,
                client: r.client,
            })
        })
        .collect()
}
