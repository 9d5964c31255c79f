//! Users, their role grants and their sessions.

use super::entities::{role_grant, session, user};
use crate::domain::auth::{Grant, Role, Scope};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set, TransactionSession, TransactionTrait,
};

#[derive(Clone, Debug)]
pub struct UserRow {
    pub id: i64,
    pub phone: String,
    pub name: String,
    pub password_hash: Option<String>,
}

fn row(m: user::Model) -> UserRow {
    UserRow {
        id: m.id,
        phone: m.phone,
        name: m.name,
        password_hash: m.password_hash,
    }
}

pub async fn user_by_phone(
    db: &impl ConnectionTrait,
    phone: &str,
) -> Result<Option<UserRow>, DbErr> {
    Ok(user::Entity::find()
        .filter(user::Column::Phone.eq(phone))
        .one(db)
        .await?
        .map(row))
}

pub async fn user_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<UserRow>, DbErr> {
    Ok(user::Entity::find_by_id(id).one(db).await?.map(row))
}

pub async fn count_users(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    user::Entity::find().count(db).await
}

/// Creates a user with their grants in one transaction. A taken phone number
/// comes back as `Ok(None)`.
pub async fn insert_user<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    phone: &str,
    name: &str,
    password_hash: Option<String>,
    grants: &[Grant],
) -> Result<Option<i64>, DbErr> {
    // The write comes first (no look-up): on SQLite a transaction that reads
    // and then writes fails at once if another connection wrote in between.
    // A taken number shows up as a unique violation.
    let txn = db.begin().await?;
    let inserted = user::ActiveModel {
        phone: Set(phone.to_string()),
        name: Set(name.to_string()),
        password_hash: Set(password_hash),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let id = match inserted {
        Ok(m) => m.id,
        // Lost a race with another registration of the same number.
        Err(e) if is_unique_violation(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    for g in grants {
        add_grant(&txn, id, g).await?;
    }
    txn.commit().await?;
    Ok(Some(id))
}

pub(super) fn is_unique_violation(e: &DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

pub async fn add_grant(
    db: &impl ConnectionTrait,
    user_id: i64,
    grant: &Grant,
) -> Result<(), DbErr> {
    let (kind, reference) = grant.scope.to_parts();
    role_grant::ActiveModel {
        user_id: Set(user_id),
        role: Set(grant.role.as_str().to_string()),
        scope_kind: Set(kind.to_string()),
        scope_ref: Set(reference),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

pub async fn grants_of(db: &impl ConnectionTrait, user_id: i64) -> Result<Vec<Grant>, DbErr> {
    Ok(role_grant::Entity::find()
        .filter(role_grant::Column::UserId.eq(user_id))
        .order_by_asc(role_grant::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|g| {
            Some(Grant {
                role: Role::parse(&g.role)?,
                scope: Scope::from_parts(&g.scope_kind, &g.scope_ref)?,
            })
        })
        .collect())
}

/// Users holding any grant whose scope names one of `refs` (codes of places).
pub async fn users_scoped_to(
    db: &impl ConnectionTrait,
    refs: &[String],
) -> Result<Vec<(UserRow, Grant)>, DbErr> {
    let grants = role_grant::Entity::find()
        .filter(role_grant::Column::ScopeRef.is_in(refs.iter().cloned()))
        .order_by_asc(role_grant::Column::UserId)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for g in grants {
        let (Some(role), Some(scope)) = (
            Role::parse(&g.role),
            Scope::from_parts(&g.scope_kind, &g.scope_ref),
        ) else {
            continue;
        };
        if let Some(u) = user_by_id(db, g.user_id).await? {
            out.push((u, Grant { role, scope }));
        }
    }
    Ok(out)
}

pub async fn create_session(
    db: &impl ConnectionTrait,
    token_hash: &str,
    user_id: i64,
    expires_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    session::ActiveModel {
        id: Set(token_hash.to_string()),
        user_id: Set(user_id),
        created_at: Set(Utc::now()),
        expires_at: Set(expires_at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The user behind a live session.
pub async fn session_user(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<UserRow>, DbErr> {
    let Some(s) = session::Entity::find_by_id(token_hash.to_string())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if s.expires_at <= now {
        session::Entity::delete_by_id(s.id).exec(db).await?;
        return Ok(None);
    }
    user_by_id(db, s.user_id).await
}

pub async fn delete_session(db: &impl ConnectionTrait, token_hash: &str) -> Result<(), DbErr> {
    session::Entity::delete_by_id(token_hash.to_string())
        .exec(db)
        .await?;
    Ok(())
}
