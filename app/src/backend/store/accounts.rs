//! Users, their role grants and their sessions; and what one person's
//! account touches elsewhere, for their data download and account deletion.

use super::entities::{
    activity, activity_signup, case_category, case_event, case_follower, case_record, grid_staff,
    key_issue_review, notification, party_member, patrol, patrol_point, role_grant, service_credit,
    session, unit, user, wish, wish_event,
};
use crate::domain::auth::{Grant, Role, Scope};
use crate::domain::person::{
    OwnCase, OwnCaseStep, OwnClaim, OwnCredit, OwnMembership, OwnNotice, OwnSignup, OwnWish,
    PersonalData, Profile, DELETED_NAME,
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    JoinType, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
    TransactionSession, TransactionTrait,
};
use std::collections::HashMap;

#[derive(Clone, Debug)]
pub struct UserRow {
    pub id: i64,
    pub phone: String,
    pub name: String,
    pub password_hash: Option<String>,
    /// A disabled account cannot sign in and has no live sessions.
    pub disabled: bool,
}

fn row(m: user::Model) -> UserRow {
    UserRow {
        id: m.id,
        phone: m.phone,
        name: m.name,
        password_hash: m.password_hash,
        disabled: m.disabled,
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

/// Of these users, those whose accounts are not disabled (one query).
pub async fn active_among(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<i64>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids.to_vec()))
        .filter(user::Column::Disabled.eq(false))
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect())
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
    insert_user_consented(db, phone, name, password_hash, grants, None).await
}

/// [`insert_user`] for someone who accepted the privacy notice at
/// `consented_at` (residents registering themselves).
pub async fn insert_user_consented<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    phone: &str,
    name: &str,
    password_hash: Option<String>,
    grants: &[Grant],
    consented_at: Option<DateTime<Utc>>,
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
        disabled: Set(false),
        consented_at: Set(consented_at),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let id = match inserted {
        Ok(m) => m.id,
        // Lost a race with another registration of the same number.
        Err(e) if super::is_unique_violation(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    for g in grants {
        add_grant(&txn, id, g).await?;
    }
    txn.commit().await?;
    Ok(Some(id))
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
        .filter_map(|g| grant_of(&g.role, &g.scope_kind, &g.scope_ref))
        .collect())
}

/// A stored grant row read back; `None` for a role or scope this version
/// does not know (such a row grants nothing).
fn grant_of(role: &str, scope_kind: &str, scope_ref: &str) -> Option<Grant> {
    Some(Grant {
        role: Role::parse(role)?,
        scope: Scope::from_parts(scope_kind, scope_ref)?,
    })
}

/// Takes one grant (the oldest row matching it) from a user. Answers how
/// many rows went: 0 when the user no longer holds it.
pub async fn delete_grant(
    db: &impl ConnectionTrait,
    user_id: i64,
    grant: &Grant,
) -> Result<u64, DbErr> {
    let (kind, reference) = grant.scope.to_parts();
    let Some(found) = role_grant::Entity::find()
        .filter(role_grant::Column::UserId.eq(user_id))
        .filter(role_grant::Column::Role.eq(grant.role.as_str()))
        .filter(role_grant::Column::ScopeKind.eq(kind))
        .filter(role_grant::Column::ScopeRef.eq(reference))
        .order_by_asc(role_grant::Column::Id)
        .one(db)
        .await?
    else {
        return Ok(0);
    };
    Ok(role_grant::Entity::delete_by_id(found.id)
        .exec(db)
        .await?
        .rows_affected)
}

/// Takes a user off one grid's roster (after their grid role went).
pub async fn remove_from_roster(
    db: &impl ConnectionTrait,
    user_id: i64,
    grid_id: i64,
) -> Result<u64, DbErr> {
    let removed = grid_staff::Entity::delete_many()
        .filter(grid_staff::Column::UserId.eq(user_id))
        .filter(grid_staff::Column::GridId.eq(grid_id))
        .exec(db)
        .await?
        .rows_affected;
    if removed > 0 {
        // Every server's atlas (public page, case owners) must follow.
        super::meta::bump(db, super::meta::GEOGRAPHY).await?;
    }
    Ok(removed)
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

/// Replaces a user's password hash.
pub async fn set_password(
    db: &impl ConnectionTrait,
    user_id: i64,
    password_hash: String,
) -> Result<u64, DbErr> {
    Ok(user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(Some(password_hash)))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?
        .rows_affected)
}

/// Disables (and ends every session of) or enables an account, in one
/// transaction so a disabled account never keeps a live session.
pub async fn set_disabled<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    user_id: i64,
    disabled: bool,
) -> Result<u64, DbErr> {
    let txn = db.begin().await?;
    let n = user::Entity::update_many()
        .col_expr(user::Column::Disabled, Expr::value(disabled))
        .filter(user::Column::Id.eq(user_id))
        .exec(&txn)
        .await?
        .rows_affected;
    if disabled {
        delete_sessions_of(&txn, user_id, None).await?;
    }
    // On a roster, the account comes off (or back on) the public grid
    // pages and the owners' lists: every server's atlas must rebuild.
    if n > 0 && on_a_roster(&txn, user_id).await? {
        super::meta::bump(&txn, super::meta::GEOGRAPHY).await?;
    }
    txn.commit().await?;
    Ok(n)
}

async fn on_a_roster(db: &impl ConnectionTrait, user_id: i64) -> Result<bool, DbErr> {
    Ok(grid_staff::Entity::find()
        .filter(grid_staff::Column::UserId.eq(user_id))
        .count(db)
        .await?
        > 0)
}

// --- Sessions -------------------------------------------------------------

/// A session's `last_seen_at` is written at most this often, not on every
/// request: idle limits are days, so a minute of slack costs nothing.
pub const TOUCH_EVERY: Duration = Duration::seconds(60);

pub async fn create_session(
    db: &impl ConnectionTrait,
    token_hash: &str,
    user_id: i64,
    expires_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let now = Utc::now();
    session::ActiveModel {
        id: Set(token_hash.to_string()),
        user_id: Set(user_id),
        created_at: Set(now),
        expires_at: Set(expires_at),
        last_seen_at: Set(Some(now)),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The user behind a live session: not past its end, not idle for `idle`
/// or longer (sessions from before `last_seen_at` existed count from their
/// creation), and its account not disabled. With `touch`, records the use
/// (at most once a minute); live-update streams look without touching, so
/// an open tab nobody uses still goes idle.
pub async fn session_user(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
    idle: Duration,
    touch: bool,
) -> Result<Option<LiveSession>, DbErr> {
    // The session, its account and the account's grants in one query
    // (a row per grant): every signed-in request starts here, and each
    // round trip more showed in every route's throughput.
    let query = session::Entity::find_by_id(token_hash.to_string())
        .select_also(user::Entity)
        .join(
            JoinType::LeftJoin,
            session::Entity::belongs_to(user::Entity)
                .from(session::Column::UserId)
                .to(user::Column::Id)
                .into(),
        )
        .join(
            JoinType::LeftJoin,
            session::Entity::belongs_to(role_grant::Entity)
                .from(session::Column::UserId)
                .to(role_grant::Column::UserId)
                .into(),
        )
        .column_as(role_grant::Column::Role, "G_role")
        .column_as(role_grant::Column::ScopeKind, "G_scope_kind")
        .column_as(role_grant::Column::ScopeRef, "G_scope_ref")
        .order_by_asc(role_grant::Column::Id)
        .build(db.get_database_backend());
    let rows = db.query_all_raw(query).await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let s = session::Model::from_query_result(first, "A_")?;
    let user = user::Model::from_query_result_optional(first, "B_")?;
    let last_seen = s.last_seen_at.unwrap_or(s.created_at);
    if s.expires_at <= now || last_seen + idle <= now {
        session::Entity::delete_by_id(s.id).exec(db).await?;
        return Ok(None);
    }
    let Some(user) = user.map(row) else {
        return Ok(None);
    };
    if user.disabled {
        // Disabling ends sessions in the same transaction; this is the
        // belt to those braces (e.g. a row edited by hand).
        return Ok(None);
    }
    let mut grants = Vec::new();
    for r in &rows {
        // No grant at all leaves one row of NULLs (the left join).
        let (Some(role), Some(kind), Some(reference)) = (
            r.try_get::<Option<String>>("G_", "role")?,
            r.try_get::<Option<String>>("G_", "scope_kind")?,
            r.try_get::<Option<String>>("G_", "scope_ref")?,
        ) else {
            continue;
        };
        grants.extend(grant_of(&role, &kind, &reference));
    }
    let mut last_seen = last_seen;
    if touch && now - last_seen >= TOUCH_EVERY {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(Some(now)))
            .filter(session::Column::Id.eq(s.id))
            .exec(db)
            .await?;
        last_seen = now;
    }
    Ok(Some(LiveSession {
        user,
        grants,
        expires_at: s.expires_at,
        last_seen,
    }))
}

/// A live session's account and roles, with the limits it stands under.
pub struct LiveSession {
    pub user: UserRow,
    pub grants: Vec<Grant>,
    pub expires_at: DateTime<Utc>,
    /// When its use was last recorded.
    pub last_seen: DateTime<Utc>,
}

/// Whose a session is, if it still exists (live or not).
pub async fn session_owner(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<i64>, DbErr> {
    Ok(session::Entity::find_by_id(token_hash.to_string())
        .one(db)
        .await?
        .map(|s| s.user_id))
}

pub async fn delete_session(db: &impl ConnectionTrait, token_hash: &str) -> Result<(), DbErr> {
    session::Entity::delete_by_id(token_hash.to_string())
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session of a user, but the one whose hash is `keep`.
pub async fn delete_sessions_of(
    db: &impl ConnectionTrait,
    user_id: i64,
    keep: Option<&str>,
) -> Result<u64, DbErr> {
    let mut q = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(k) = keep {
        q = q.filter(session::Column::Id.ne(k));
    }
    Ok(q.exec(db).await?.rows_affected)
}

/// Deletes sessions past their end or idle for `idle` or longer.
pub async fn purge_sessions(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    idle: Duration,
) -> Result<u64, DbErr> {
    let cutoff = now - idle;
    Ok(session::Entity::delete_many()
        .filter(
            Condition::any()
                .add(session::Column::ExpiresAt.lte(now))
                .add(session::Column::LastSeenAt.lte(cutoff))
                .add(
                    Condition::all()
                        .add(session::Column::LastSeenAt.is_null())
                        .add(session::Column::CreatedAt.lte(cutoff)),
                ),
        )
        .exec(db)
        .await?
        .rows_affected)
}

/// Sets when every session of a user was last used. For operators and
/// tests (idle expiry without waiting a week).
pub async fn backdate_sessions(
    db: &impl ConnectionTrait,
    user_id: i64,
    last_seen_at: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, Expr::value(Some(last_seen_at)))
        .filter(session::Column::UserId.eq(user_id))
        .exec(db)
        .await?
        .rows_affected)
}

// --- One person's data ----------------------------------------------------

/// Everything kept about one user, for their own download. `None` when
/// there is no such user.
/// A bound on a person's own rows that no person reaches (a LIMIT that
/// every database takes).
const EVERY_ROW: u64 = 1_000_000;

pub async fn personal_data(
    db: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<PersonalData>, DbErr> {
    let Some(u) = user::Entity::find_by_id(user_id).one(db).await? else {
        return Ok(None);
    };
    let grants = grants_of(db, user_id).await?;

    let case_rows = case_record::Entity::find()
        .filter(case_record::Column::ReporterId.eq(user_id))
        .order_by_asc(case_record::Column::Id)
        .all(db)
        .await?;
    let case_ids: Vec<i64> = case_rows.iter().map(|c| c.id).collect();
    let category_ids: Vec<i64> = case_rows.iter().map(|c| c.category_id).collect();
    let categories: HashMap<i64, String> = if category_ids.is_empty() {
        HashMap::new()
    } else {
        case_category::Entity::find()
            .filter(case_category::Column::Id.is_in(category_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect()
    };
    // The reporter's view of a timeline: public steps, named by role.
    let mut steps: HashMap<i64, Vec<OwnCaseStep>> = HashMap::new();
    if !case_ids.is_empty() {
        for e in case_event::Entity::find()
            .filter(case_event::Column::CaseId.is_in(case_ids))
            .filter(case_event::Column::Public.eq(true))
            .order_by_asc(case_event::Column::Id)
            .all(db)
            .await?
        {
            steps.entry(e.case_id).or_default().push(OwnCaseStep {
                at: e.created_at,
                role: e.actor_role,
                action: e.action,
                to_status: e.to_status,
                note: e.note,
            });
        }
    }
    let cases = case_rows
        .into_iter()
        .map(|c| OwnCase {
            id: c.id,
            category: categories.get(&c.category_id).cloned().unwrap_or_default(),
            description: c.description,
            lat: c.lat,
            lng: c.lng,
            grid_code: c.grid_code,
            status: c.status,
            public: c.public,
            result: c.result,
            rating: c.rating,
            created_at: c.created_at,
            timeline: steps.remove(&c.id).unwrap_or_default(),
        })
        .collect();

    let followed_cases = case_follower::Entity::find()
        .filter(case_follower::Column::UserId.eq(user_id))
        .order_by_asc(case_follower::Column::CaseId)
        .all(db)
        .await?
        .into_iter()
        .map(|f| f.case_id)
        .collect();

    let wishes = wish::Entity::find()
        .filter(wish::Column::WisherId.eq(user_id))
        .order_by_asc(wish::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|w| OwnWish {
            id: w.id,
            title: w.title,
            story: w.story,
            kind: w.kind,
            status: w.status,
            community_code: w.community_code,
            contact_name: w.contact_name,
            contact_phone: w.contact_phone,
            address: w.address,
            claimed_by: w.claimed_by,
            thanks: w.thanks,
            created_at: w.created_at,
        })
        .collect();

    let claims = wish::Entity::find()
        .filter(wish::Column::ClaimerId.eq(user_id))
        .order_by_asc(wish::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|w| OwnClaim {
            wish_id: w.id,
            title: w.title,
            status: w.status,
            claimed_at: w.claimed_at,
            fulfil_note: w.fulfil_note,
            hours: w.hours,
        })
        .collect();

    let notices = notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .order_by_asc(notification::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|n| OwnNotice {
            kind: n.kind,
            ref_id: n.ref_id,
            event: n.event,
            title: n.title,
            read: n.read,
            created_at: n.created_at,
        })
        .collect();

    let credits = service_credit::Entity::find()
        .filter(service_credit::Column::UserId.eq(user_id))
        .order_by_asc(service_credit::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|c| OwnCredit {
            source: c.source,
            source_id: c.source_id,
            title: c.title,
            points: c.points,
            hours: c.hours,
            created_at: c.created_at,
        })
        .collect();

    let signups = activity_signup::Entity::find()
        .filter(activity_signup::Column::UserId.eq(user_id))
        .order_by_asc(activity_signup::Column::ActivityId)
        .all(db)
        .await?;
    let activity_ids: Vec<i64> = signups.iter().map(|s| s.activity_id).collect();
    let titles: HashMap<i64, String> = if activity_ids.is_empty() {
        HashMap::new()
    } else {
        activity::Entity::find()
            .filter(activity::Column::Id.is_in(activity_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|a| (a.id, a.title))
            .collect()
    };
    let activities = signups
        .into_iter()
        .map(|s| OwnSignup {
            activity_id: s.activity_id,
            title: titles.get(&s.activity_id).cloned().unwrap_or_default(),
            status: s.status,
            updated_at: s.updated_at,
        })
        .collect();

    let party_member = party_member::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map(|m| OwnMembership {
            unit_id: m.unit_id,
            community_code: m.community_code,
            status: m.status,
            created_at: m.created_at,
        });

    let exchange_posts = super::exchange::posts_of(db, user_id, EVERY_ROW)
        .await?
        .into_iter()
        .map(|p| crate::domain::person::OwnExchangePost {
            id: p.id,
            kind: p.kind,
            deal: p.deal,
            thing: p.thing,
            community_code: p.community_code,
            title: p.title,
            detail: p.detail,
            status: p.status,
            removed_reason: p.removed_reason,
            created_at: p.created_at,
        })
        .collect();
    let exchange_answers = super::exchange::answers_by(db, user_id, EVERY_ROW)
        .await?
        .into_iter()
        .map(|a| crate::domain::person::OwnExchangeAnswer {
            id: a.id,
            post_id: a.post_id,
            message: a.message,
            step: a.step,
            created_at: a.created_at,
            updated_at: a.updated_at,
        })
        .collect();
    let loans = super::sharing::loans_of(db, user_id, EVERY_ROW)
        .await?
        .into_iter()
        .map(|l| crate::domain::person::OwnLoan {
            id: l.id,
            item_id: l.item_id,
            community_code: l.community_code,
            quantity: l.quantity,
            borrowed_at: l.borrowed_at,
            due_on: l.due_on,
            returned_at: l.returned_at,
        })
        .collect();
    Ok(Some(PersonalData {
        exported_at: now,
        profile: Profile {
            id: u.id,
            name: u.name,
            phone: u.phone,
            created_at: u.created_at,
            consented_at: u.consented_at,
        },
        grants,
        cases,
        followed_cases,
        wishes,
        claims,
        notices,
        credits,
        activities,
        party_member,
        exchange_posts,
        exchange_answers,
        loans,
    }))
}

/// Deletes an account the way the law asks while keeping the public record
/// whole, in one transaction: sessions and grants go, the row stays (cases
/// still point at it) with no name, no number and no password; the person's
/// own name leaves case and wish timelines, their wishes' contact details,
/// their party membership, roster places, follows and notifications go, and
/// units they applied for forget the applicant. Only writes: see
/// `insert_user` on SQLite transactions.
pub async fn anonymise_user<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    user_id: i64,
) -> Result<u64, DbErr> {
    let txn = db.begin().await?;
    delete_sessions_of(&txn, user_id, None).await?;
    super::exchange::withdraw_person(&txn, user_id).await?;
    role_grant::Entity::delete_many()
        .filter(role_grant::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    let n = user::Entity::update_many()
        .col_expr(user::Column::Name, Expr::value(DELETED_NAME))
        // Unique, and never a mobile number, so nobody can sign in as it and
        // the real number may register again.
        .col_expr(
            user::Column::Phone,
            Expr::value(format!("deleted-{user_id}")),
        )
        .col_expr(
            user::Column::PasswordHash,
            Expr::value(Option::<String>::None),
        )
        .col_expr(user::Column::Disabled, Expr::value(true))
        .col_expr(
            user::Column::ConsentedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(user::Column::Id.eq(user_id))
        .exec(&txn)
        .await?
        .rows_affected;
    case_event::Entity::update_many()
        .col_expr(case_event::Column::ActorName, Expr::value(DELETED_NAME))
        .filter(case_event::Column::ActorId.eq(user_id))
        .exec(&txn)
        .await?;
    wish_event::Entity::update_many()
        .col_expr(wish_event::Column::ActorName, Expr::value(DELETED_NAME))
        .filter(wish_event::Column::ActorId.eq(user_id))
        .exec(&txn)
        .await?;
    wish::Entity::update_many()
        .col_expr(wish::Column::ContactName, Expr::value(DELETED_NAME))
        .col_expr(wish::Column::ContactPhone, Expr::value(""))
        .col_expr(wish::Column::Address, Expr::value(""))
        .filter(wish::Column::WisherId.eq(user_id))
        .exec(&txn)
        .await?;
    party_member::Entity::delete_many()
        .filter(party_member::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    unit::Entity::update_many()
        .col_expr(unit::Column::ApplicantId, Expr::value(Option::<i64>::None))
        .filter(unit::Column::ApplicantId.eq(user_id))
        .exec(&txn)
        .await?;
    let off_rosters = grid_staff::Entity::delete_many()
        .filter(grid_staff::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?
        .rows_affected;
    if off_rosters > 0 {
        // Every server's atlas drops the name from its public grid pages.
        super::meta::bump(&txn, super::meta::GEOGRAPHY).await?;
    }
    case_follower::Entity::delete_many()
        .filter(case_follower::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    notification::Entity::delete_many()
        .filter(notification::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    key_issue_review::Entity::update_many()
        .col_expr(
            key_issue_review::Column::AuthorName,
            Expr::value(DELETED_NAME),
        )
        .filter(key_issue_review::Column::AuthorId.eq(user_id))
        .exec(&txn)
        .await?;
    // A worker's tracks are where they walked: they go with the account; the
    // patrols stay as the grid's counts, a running one ended.
    let theirs = sea_orm::sea_query::Query::select()
        .column(patrol::Column::Id)
        .from(patrol::Entity)
        .and_where(patrol::Column::UserId.eq(user_id))
        .to_owned();
    patrol_point::Entity::delete_many()
        .filter(patrol_point::Column::PatrolId.in_subquery(theirs))
        .exec(&txn)
        .await?;
    patrol::Entity::update_many()
        .col_expr(
            patrol::Column::EndedAt,
            Expr::col(patrol::Column::StartedAt),
        )
        .col_expr(patrol::Column::LastLat, Expr::value(Option::<f64>::None))
        .col_expr(patrol::Column::LastLng, Expr::value(Option::<f64>::None))
        .filter(patrol::Column::UserId.eq(user_id))
        .filter(patrol::Column::EndedAt.is_null())
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(n)
}
