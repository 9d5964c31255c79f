//! 置换-分享 posts and the answers to them. A person's new post or answer
//! is counted against their limit under `lock_person`; one answer per
//! person per post is a unique index; every step is a conditional write
//! over the step read, so two clicks at once move an answer once.

use super::entities::{exchange_match, exchange_post};
use crate::domain::exchange::{Deal, MatchStep, PostForm, PostKind, PostStatus, Thing};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};
use std::collections::HashMap;

#[derive(Clone, Debug)]
pub struct PostRow {
    pub id: i64,
    pub kind: PostKind,
    pub deal: Deal,
    pub thing: Thing,
    pub community_code: String,
    pub street_code: Option<String>,
    pub title: String,
    pub detail: String,
    pub author_id: i64,
    pub unit_id: Option<i64>,
    pub status: PostStatus,
    pub removed_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

fn post_row(m: exchange_post::Model) -> PostRow {
    PostRow {
        id: m.id,
        kind: PostKind::parse(&m.kind).unwrap_or(PostKind::Offer),
        deal: Deal::parse(&m.deal).unwrap_or(Deal::Give),
        thing: Thing::parse(&m.thing).unwrap_or(Thing::Item),
        community_code: m.community_code,
        street_code: m.street_code,
        title: m.title,
        detail: m.detail.unwrap_or_default(),
        author_id: m.author_id,
        unit_id: m.unit_id,
        // An unknown status is treated as closed: never listed, never answered.
        status: PostStatus::parse(&m.status).unwrap_or(PostStatus::Closed),
        removed_reason: m.removed_reason,
        created_at: m.created_at,
    }
}

/// Why a post or an answer was not written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// The person has as many open as they may.
    TooMany,
    /// They answered this post already.
    Answered,
    /// The post is closed or taken down (meanwhile, perhaps).
    Closed,
    /// The post has as many deals under way as it may.
    Full,
    /// The answer moved meanwhile.
    Moved,
}

/// Locks an open post's row for the rest of the transaction (a no-op
/// write): false when it is not open. Closing writes the same row first,
/// so an answer or an agreement and a close happen one after the other.
async fn hold_open_post(db: &impl ConnectionTrait, post: i64) -> Result<bool, DbErr> {
    use exchange_post::Column as P;
    Ok(exchange_post::Entity::update_many()
        .col_expr(P::Id, Expr::col(P::Id))
        .filter(P::Id.eq(post))
        .filter(P::Status.eq(PostStatus::Open.as_str()))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// How many posts a person may have: open at once, and made in a day.
#[derive(Clone, Copy, Debug)]
pub struct PostLimits {
    pub open: u64,
    pub a_day: u64,
}

/// Writes a post unless its author is at either limit.
pub async fn insert_post<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    f: &PostForm,
    author: i64,
    unit: Option<i64>,
    street: Option<String>,
    limits: PostLimits,
    at: DateTime<Utc>,
) -> Result<Result<i64, Refused>, DbErr> {
    use exchange_post::Column as P;
    let txn = db.begin().await?;
    super::lock_person(&txn, author).await?;
    let open = exchange_post::Entity::find()
        .filter(P::AuthorId.eq(author))
        .filter(P::Status.eq(PostStatus::Open.as_str()))
        .count(&txn)
        .await?;
    let today = exchange_post::Entity::find()
        .filter(P::AuthorId.eq(author))
        .filter(P::CreatedAt.gt(at - chrono::Duration::days(1)))
        .count(&txn)
        .await?;
    if open >= limits.open || today >= limits.a_day {
        return Ok(Err(Refused::TooMany));
    }
    let detail = f.detail.trim();
    let id = exchange_post::ActiveModel {
        kind: Set(f.kind.as_str().into()),
        deal: Set(f.deal.as_str().into()),
        thing: Set(f.thing.as_str().into()),
        community_code: Set(f.community_code.trim().into()),
        street_code: Set(street),
        title: Set(f.title.trim().into()),
        detail: Set((!detail.is_empty()).then(|| detail.to_string())),
        author_id: Set(author),
        unit_id: Set(unit),
        status: Set(PostStatus::Open.as_str().into()),
        removed_reason: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(&txn)
    .await?
    .id;
    txn.commit().await?;
    Ok(Ok(id))
}

pub async fn post(db: &impl ConnectionTrait, id: i64) -> Result<Option<PostRow>, DbErr> {
    Ok(exchange_post::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(post_row))
}

pub async fn posts(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<PostRow>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(exchange_post::Entity::find()
        .filter(exchange_post::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(post_row)
        .collect())
}

/// Open posts, newest first: one community's, or all.
pub async fn open_posts(
    db: &impl ConnectionTrait,
    community: Option<&str>,
    limit: u64,
) -> Result<Vec<PostRow>, DbErr> {
    let mut q = exchange_post::Entity::find()
        .filter(exchange_post::Column::Status.eq(PostStatus::Open.as_str()));
    if let Some(c) = community {
        q = q.filter(exchange_post::Column::CommunityCode.eq(c));
    }
    Ok(q.order_by_desc(exchange_post::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(post_row)
        .collect())
}

/// A person's own posts, newest first.
pub async fn posts_of(
    db: &impl ConnectionTrait,
    author: i64,
    limit: u64,
) -> Result<Vec<PostRow>, DbErr> {
    Ok(exchange_post::Entity::find()
        .filter(exchange_post::Column::AuthorId.eq(author))
        .order_by_desc(exchange_post::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(post_row)
        .collect())
}

/// Whom a close left without a deal: answers declined, and (on a take-down)
/// agreed deals called off, by the person who answered.
#[derive(Clone, Debug, Default)]
pub struct Closed {
    pub declined: Vec<i64>,
    pub withdrawn: Vec<i64>,
}

async fn responders_at(
    db: &impl ConnectionTrait,
    post: i64,
    step: MatchStep,
) -> Result<Vec<i64>, DbErr> {
    exchange_match::Entity::find()
        .select_only()
        .column(exchange_match::Column::ResponderId)
        .filter(exchange_match::Column::PostId.eq(post))
        .filter(exchange_match::Column::Step.eq(step.as_str()))
        .into_tuple()
        .all(db)
        .await
}

async fn move_all(
    db: &impl ConnectionTrait,
    post: i64,
    from: MatchStep,
    to: MatchStep,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    use exchange_match::Column as M;
    exchange_match::Entity::update_many()
        .col_expr(M::Step, Expr::value(to.as_str()))
        .col_expr(M::UpdatedAt, Expr::value(at))
        .filter(M::PostId.eq(post))
        .filter(M::Step.eq(from.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// Closes an open post (its author: `Closed`; the community: `Removed`
/// with a reason) and declines the answers still waiting on it; a post
/// taken down also calls off the deals agreed on it and not yet handed
/// over (no contact is shown for a post the community removed). One
/// transaction whose first statement is the conditional close: none when
/// it was no longer open.
pub async fn close_post<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    id: i64,
    status: PostStatus,
    reason: Option<String>,
    at: DateTime<Utc>,
) -> Result<Option<Closed>, DbErr> {
    use exchange_post::Column as P;
    let txn = db.begin().await?;
    let closed = exchange_post::Entity::update_many()
        .col_expr(P::Status, Expr::value(status.as_str()))
        .col_expr(P::RemovedReason, Expr::value(reason))
        .col_expr(P::UpdatedAt, Expr::value(at))
        .filter(P::Id.eq(id))
        .filter(P::Status.eq(PostStatus::Open.as_str()))
        .exec(&txn)
        .await?
        .rows_affected;
    if closed == 0 {
        return Ok(None);
    }
    let mut out = Closed {
        declined: responders_at(&txn, id, MatchStep::Asked).await?,
        withdrawn: Vec::new(),
    };
    move_all(&txn, id, MatchStep::Asked, MatchStep::Declined, at).await?;
    if status == PostStatus::Removed {
        out.withdrawn = responders_at(&txn, id, MatchStep::Agreed).await?;
        move_all(&txn, id, MatchStep::Agreed, MatchStep::Withdrawn, at).await?;
    }
    txn.commit().await?;
    Ok(Some(out))
}

#[derive(Clone, Debug)]
pub struct MatchRow {
    pub id: i64,
    pub post_id: i64,
    pub responder_id: i64,
    pub message: String,
    pub step: MatchStep,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn match_row(m: exchange_match::Model) -> MatchRow {
    MatchRow {
        id: m.id,
        post_id: m.post_id,
        responder_id: m.responder_id,
        message: m.message,
        step: MatchStep::parse(&m.step).unwrap_or(MatchStep::Withdrawn),
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

/// The steps an answer is still live at (counted against a person's limit).
const LIVE: [MatchStep; 3] = [MatchStep::Asked, MatchStep::Agreed, MatchStep::Handed];

fn live() -> Vec<&'static str> {
    LIVE.iter().map(|s| s.as_str()).collect()
}

/// Writes an answer unless the person answered this post already or has
/// `max_live` answers live.
pub async fn insert_answer<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    post_id: i64,
    responder: i64,
    message: &str,
    max_live: u64,
    at: DateTime<Utc>,
) -> Result<Result<i64, Refused>, DbErr> {
    use exchange_match::Column as M;
    let txn = db.begin().await?;
    super::lock_person(&txn, responder).await?;
    if !hold_open_post(&txn, post_id).await? {
        return Ok(Err(Refused::Closed));
    }
    let again = exchange_match::Entity::find()
        .filter(M::PostId.eq(post_id))
        .filter(M::ResponderId.eq(responder))
        .count(&txn)
        .await?;
    if again > 0 {
        return Ok(Err(Refused::Answered));
    }
    let open = exchange_match::Entity::find()
        .filter(M::ResponderId.eq(responder))
        .filter(M::Step.is_in(live()))
        .count(&txn)
        .await?;
    if open >= max_live {
        return Ok(Err(Refused::TooMany));
    }
    let written = exchange_match::ActiveModel {
        post_id: Set(post_id),
        responder_id: Set(responder),
        message: Set(message.trim().into()),
        step: Set(MatchStep::Asked.as_str().into()),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let id = match written {
        Ok(m) => m.id,
        // The unique index stands behind the count above.
        Err(e) if super::is_unique_violation(&e) => {
            return Ok(Err(Refused::Answered));
        }
        Err(e) => return Err(e),
    };
    txn.commit().await?;
    Ok(Ok(id))
}

pub async fn answer(db: &impl ConnectionTrait, id: i64) -> Result<Option<MatchRow>, DbErr> {
    Ok(exchange_match::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(match_row))
}

/// The answers to these posts, newest first.
pub async fn answers_on(
    db: &impl ConnectionTrait,
    posts: &[i64],
    limit: u64,
) -> Result<Vec<MatchRow>, DbErr> {
    if posts.is_empty() {
        return Ok(Vec::new());
    }
    Ok(exchange_match::Entity::find()
        .filter(exchange_match::Column::PostId.is_in(posts.to_vec()))
        .order_by_desc(exchange_match::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(match_row)
        .collect())
}

/// A person's own answers, newest first.
pub async fn answers_by(
    db: &impl ConnectionTrait,
    responder: i64,
    limit: u64,
) -> Result<Vec<MatchRow>, DbErr> {
    Ok(exchange_match::Entity::find()
        .filter(exchange_match::Column::ResponderId.eq(responder))
        .order_by_desc(exchange_match::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(match_row)
        .collect())
}

/// Moves an answer from the step read to the next: false when it moved
/// meanwhile.
pub async fn move_answer(
    db: &impl ConnectionTrait,
    id: i64,
    from: MatchStep,
    to: MatchStep,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use exchange_match::Column as M;
    Ok(exchange_match::Entity::update_many()
        .col_expr(M::Step, Expr::value(to.as_str()))
        .col_expr(M::UpdatedAt, Expr::value(at))
        .filter(M::Id.eq(id))
        .filter(M::Step.eq(from.as_str()))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// The author agrees to an answer: while the post is open (its row held
/// for the transaction) and has fewer than `max_deals` deals under way,
/// and the answer still waits.
pub async fn agree<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    answer: &MatchRow,
    max_deals: u64,
    at: DateTime<Utc>,
) -> Result<Result<(), Refused>, DbErr> {
    use exchange_match::Column as M;
    let txn = db.begin().await?;
    if !hold_open_post(&txn, answer.post_id).await? {
        return Ok(Err(Refused::Closed));
    }
    let under_way = exchange_match::Entity::find()
        .filter(M::PostId.eq(answer.post_id))
        .filter(M::Step.is_in([MatchStep::Agreed.as_str(), MatchStep::Handed.as_str()]))
        .count(&txn)
        .await?;
    if under_way >= max_deals {
        return Ok(Err(Refused::Full));
    }
    if !move_answer(&txn, answer.id, MatchStep::Asked, MatchStep::Agreed, at).await? {
        return Ok(Err(Refused::Moved));
    }
    txn.commit().await?;
    Ok(Ok(()))
}

/// Where a person's answers to these posts stand, by post.
pub fn steps_by_post(answers: &[MatchRow]) -> HashMap<i64, MatchStep> {
    answers.iter().map(|a| (a.post_id, a.step)).collect()
}

/// A deleted account's part: its open posts close and its live answers,
/// on either side, are withdrawn (nobody is left waiting on a person who
/// is gone, and no contact of theirs is shown again); what they wrote to
/// others (their posts' details, their answers' messages) is blanked.
pub async fn withdraw_person(db: &impl ConnectionTrait, user_id: i64) -> Result<(), DbErr> {
    let now = Utc::now();
    let theirs: Vec<i64> = exchange_post::Entity::find()
        .select_only()
        .column(exchange_post::Column::Id)
        .filter(exchange_post::Column::AuthorId.eq(user_id))
        .into_tuple()
        .all(db)
        .await?;
    exchange_post::Entity::update_many()
        .col_expr(
            exchange_post::Column::Status,
            Expr::value(PostStatus::Closed.as_str()),
        )
        .col_expr(exchange_post::Column::UpdatedAt, Expr::value(now))
        .filter(exchange_post::Column::AuthorId.eq(user_id))
        .filter(exchange_post::Column::Status.eq(PostStatus::Open.as_str()))
        .exec(db)
        .await?;
    exchange_post::Entity::update_many()
        .col_expr(
            exchange_post::Column::Detail,
            Expr::value(Option::<String>::None),
        )
        .filter(exchange_post::Column::AuthorId.eq(user_id))
        .exec(db)
        .await?;
    exchange_match::Entity::update_many()
        .col_expr(exchange_match::Column::Message, Expr::value(""))
        .filter(exchange_match::Column::ResponderId.eq(user_id))
        .exec(db)
        .await?;
    use exchange_match::Column as M;
    let mut either = sea_orm::Condition::any().add(M::ResponderId.eq(user_id));
    if !theirs.is_empty() {
        either = either.add(M::PostId.is_in(theirs));
    }
    exchange_match::Entity::update_many()
        .col_expr(M::Step, Expr::value(MatchStep::Withdrawn.as_str()))
        .col_expr(M::UpdatedAt, Expr::value(now))
        .filter(either)
        .filter(M::Step.is_in(live()))
        .exec(db)
        .await?;
    Ok(())
}
