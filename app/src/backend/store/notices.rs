//! In-app notifications.

use super::entities::notification;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

#[derive(Clone, Debug, PartialEq)]
pub struct NoticeRow {
    pub id: i64,
    pub user_id: i64,
    pub kind: String,
    pub ref_id: i64,
    pub event: String,
    pub title: String,
    pub read: bool,
    pub created_at: DateTime<Utc>,
}

/// One notice for each user (duplicates in `users` collapse).
pub async fn add(
    db: &impl ConnectionTrait,
    users: &[i64],
    kind: &str,
    ref_id: i64,
    event: &str,
    title: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut users = users.to_vec();
    users.sort_unstable();
    users.dedup();
    if users.is_empty() {
        return Ok(());
    }
    notification::Entity::insert_many(users.into_iter().map(|u| notification::ActiveModel {
        user_id: Set(u),
        kind: Set(kind.to_string()),
        ref_id: Set(ref_id),
        event: Set(event.to_string()),
        title: Set(title.to_string()),
        read: Set(false),
        created_at: Set(now),
        ..Default::default()
    }))
    .exec(db)
    .await?;
    Ok(())
}

/// A user's notices, newest first, after the id `after`.
pub async fn page(
    db: &impl ConnectionTrait,
    user_id: i64,
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<NoticeRow>, DbErr> {
    let mut q = notification::Entity::find().filter(notification::Column::UserId.eq(user_id));
    if let Some(a) = after {
        q = q.filter(notification::Column::Id.lt(a));
    }
    Ok(q.order_by_desc(notification::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|m| NoticeRow {
            id: m.id,
            user_id: m.user_id,
            kind: m.kind,
            ref_id: m.ref_id,
            event: m.event,
            title: m.title,
            read: m.read,
            created_at: m.created_at,
        })
        .collect())
}

pub async fn unread(db: &impl ConnectionTrait, user_id: i64) -> Result<u64, DbErr> {
    notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::Read.eq(false))
        .count(db)
        .await
}

pub async fn mark_read(db: &impl ConnectionTrait, user_id: i64) -> Result<(), DbErr> {
    notification::Entity::update_many()
        .col_expr(notification::Column::Read, Expr::value(true))
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::Read.eq(false))
        .exec(db)
        .await?;
    Ok(())
}
