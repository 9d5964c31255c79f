//! Micro-wishes, their timeline and photos.

use super::entities::{wish, wish_event, wish_photo};
use crate::domain::wish::{WishAction, WishKind, WishStatus};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};

/// A wish as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct WishRow {
    pub id: i64,
    pub title: String,
    pub story: String,
    pub kind: WishKind,
    pub value_yuan: i32,
    pub wanted_by: NaiveDate,
    pub status: WishStatus,
    pub community_code: String,
    pub street_code: Option<String>,
    pub grid_code: Option<String>,
    pub lat: f64,
    pub lng: f64,
    pub wisher_id: Option<i64>,
    pub posted_by: i64,
    pub contact_name: String,
    pub contact_phone: String,
    pub address: String,
    pub claimer_id: Option<i64>,
    pub claimer_unit_id: Option<i64>,
    pub claimed_by: Option<String>,
    pub claimed_at: Option<DateTime<Utc>>,
    pub fulfil_note: Option<String>,
    pub hours: Option<f32>,
    pub thanks: Option<String>,
    pub reject_reason: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn row(m: wish::Model) -> WishRow {
    WishRow {
        id: m.id,
        title: m.title,
        story: m.story,
        kind: WishKind::parse(&m.kind).unwrap_or(WishKind::Service),
        value_yuan: m.value_yuan,
        wanted_by: m.wanted_by,
        status: WishStatus::parse(&m.status).unwrap_or(WishStatus::Pending),
        community_code: m.community_code,
        street_code: m.street_code,
        grid_code: m.grid_code,
        lat: m.lat,
        lng: m.lng,
        wisher_id: m.wisher_id,
        posted_by: m.posted_by,
        contact_name: m.contact_name,
        contact_phone: m.contact_phone,
        address: m.address,
        claimer_id: m.claimer_id,
        claimer_unit_id: m.claimer_unit_id,
        claimed_by: m.claimed_by,
        claimed_at: m.claimed_at,
        fulfil_note: m.fulfil_note,
        hours: m.hours,
        thanks: m.thanks,
        reject_reason: m.reject_reason,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

fn active(w: &WishRow) -> wish::ActiveModel {
    wish::ActiveModel {
        title: Set(w.title.clone()),
        story: Set(w.story.clone()),
        kind: Set(w.kind.as_str().to_string()),
        value_yuan: Set(w.value_yuan),
        wanted_by: Set(w.wanted_by),
        status: Set(w.status.as_str().to_string()),
        community_code: Set(w.community_code.clone()),
        street_code: Set(w.street_code.clone()),
        grid_code: Set(w.grid_code.clone()),
        lat: Set(w.lat),
        lng: Set(w.lng),
        wisher_id: Set(w.wisher_id),
        posted_by: Set(w.posted_by),
        contact_name: Set(w.contact_name.clone()),
        contact_phone: Set(w.contact_phone.clone()),
        address: Set(w.address.clone()),
        claimer_id: Set(w.claimer_id),
        claimer_unit_id: Set(w.claimer_unit_id),
        claimed_by: Set(w.claimed_by.clone()),
        claimed_at: Set(w.claimed_at),
        fulfil_note: Set(w.fulfil_note.clone()),
        hours: Set(w.hours),
        thanks: Set(w.thanks.clone()),
        reject_reason: Set(w.reject_reason.clone()),
        overdue_noticed: Set(false),
        version: Set(w.version),
        created_at: Set(w.created_at),
        updated_at: Set(w.updated_at),
        ..Default::default()
    }
}

/// A timeline entry.
#[derive(Clone, Debug, PartialEq)]
pub struct WishEventRow {
    pub actor_id: i64,
    pub actor_name: String,
    pub action: WishAction,
    pub to_status: WishStatus,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

async fn append(db: &impl ConnectionTrait, wish_id: i64, e: &WishEventRow) -> Result<(), DbErr> {
    wish_event::ActiveModel {
        wish_id: Set(wish_id),
        actor_id: Set(e.actor_id),
        actor_name: Set(e.actor_name.clone()),
        action: Set(e.action.as_str().to_string()),
        to_status: Set(e.to_status.as_str().to_string()),
        note: Set(e.note.clone()),
        created_at: Set(e.created_at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Stores a new wish with its first timeline entry; returns its id.
pub async fn insert<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    w: &WishRow,
    first: Option<&WishEventRow>,
) -> Result<i64, DbErr> {
    let txn = db.begin().await?;
    let id = active(w).insert(&txn).await?.id;
    if let Some(e) = first {
        append(&txn, id, e).await?;
    }
    txn.commit().await?;
    Ok(id)
}

/// Many wishes in one transaction (demo data, benchmarks).
pub async fn insert_many<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    rows: &[WishRow],
) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    for chunk in rows.chunks(500) {
        wish::Entity::insert_many(chunk.iter().map(active))
            .exec(&txn)
            .await?;
    }
    txn.commit().await
}

pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<WishRow>, DbErr> {
    Ok(wish::Entity::find_by_id(id).one(db).await?.map(row))
}

/// What a step changes besides the status.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WishChange {
    /// Set (or with `None` inside, clear) the claimer.
    pub claimer: Option<Option<(i64, Option<i64>, String)>>,
    pub fulfil_note: Option<String>,
    pub hours: Option<f32>,
    pub thanks: Option<String>,
    pub reject_reason: Option<String>,
}

/// Applies a step only if nobody changed the wish since `version` was read,
/// and appends the timeline entry (and the claimer's credit, on
/// confirmation), in one transaction. `Ok(false)` means
/// someone else got there first and nothing was written.
pub async fn apply<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    id: i64,
    version: i64,
    change: &WishChange,
    event: &WishEventRow,
    credit: Option<&super::units::CreditRow>,
) -> Result<bool, DbErr> {
    use wish::Column as C;
    let txn = db.begin().await?;
    let mut update = wish::Entity::update_many()
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .col_expr(C::UpdatedAt, Expr::value(event.created_at))
        .col_expr(C::Status, Expr::value(event.to_status.as_str()));
    if let Some(claimer) = &change.claimer {
        let (user, unit, shown, at) = match claimer {
            Some((u, unit, shown)) => {
                (Some(*u), *unit, Some(shown.clone()), Some(event.created_at))
            }
            None => (None, None, None, None),
        };
        update = update
            .col_expr(C::ClaimerId, Expr::value(user))
            .col_expr(C::ClaimerUnitId, Expr::value(unit))
            .col_expr(C::ClaimedBy, Expr::value(shown))
            .col_expr(C::ClaimedAt, Expr::value(at))
            // A new (or no) claimer: an old overdue flag is not theirs.
            .col_expr(C::OverdueNoticed, Expr::value(false));
    }
    if let Some(n) = &change.fulfil_note {
        update = update.col_expr(C::FulfilNote, Expr::value(n.clone()));
    }
    if let Some(h) = change.hours {
        update = update.col_expr(C::Hours, Expr::value(h));
    }
    if let Some(t) = &change.thanks {
        update = update.col_expr(C::Thanks, Expr::value(t.clone()));
    }
    if let Some(r) = &change.reject_reason {
        update = update.col_expr(C::RejectReason, Expr::value(r.clone()));
    }
    let res = update
        .filter(C::Id.eq(id))
        .filter(C::Version.eq(version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Ok(false);
    }
    append(&txn, id, event).await?;
    if let Some(c) = credit {
        super::units::credit(&txn, c).await?;
    }
    // A need born of the wish closes with it (三张清单), in the same write.
    if matches!(
        event.to_status,
        WishStatus::Closed | WishStatus::Withdrawn | WishStatus::Rejected
    ) {
        super::lists::close_needs_of_wish(&txn, id).await?;
    }
    txn.commit().await?;
    Ok(true)
}

pub async fn events(db: &impl ConnectionTrait, wish_id: i64) -> Result<Vec<WishEventRow>, DbErr> {
    Ok(wish_event::Entity::find()
        .filter(wish_event::Column::WishId.eq(wish_id))
        .order_by_asc(wish_event::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|e| WishEventRow {
            actor_id: e.actor_id,
            actor_name: e.actor_name,
            action: WishAction::parse(&e.action).unwrap_or(WishAction::Approve),
            to_status: WishStatus::parse(&e.to_status).unwrap_or(WishStatus::Pending),
            note: e.note,
            created_at: e.created_at,
        })
        .collect())
}

/// Which wishes a list holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Scope {
    /// Everything on the public wall.
    Wall,
    /// Posted by or for this user.
    Mine(i64),
    /// Claimed by this user or their unit.
    Claimed { user: i64, unit: Option<i64> },
    /// Every wish of these communities (staff lists).
    Communities(Vec<String>),
}

/// Narrowing of a list.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    pub community: Option<String>,
    pub kind: Option<WishKind>,
    pub status: Option<WishStatus>,
}

/// The wishes of a list, narrowed by a filter (not yet ordered or paged).
fn selected(scope: &Scope, filter: &Filter, after: Option<i64>) -> sea_orm::Select<wish::Entity> {
    use wish::Column as C;
    let mut q = wish::Entity::find();
    q = match scope {
        Scope::Wall => {
            let on_wall: Vec<&str> = WishStatus::ALL
                .into_iter()
                .filter(|s| s.on_wall())
                .map(|s| s.as_str())
                .collect();
            q.filter(C::Status.is_in(on_wall))
        }
        Scope::Mine(u) => q.filter(C::WisherId.eq(*u).or(C::PostedBy.eq(*u))),
        Scope::Claimed { user, unit } => match unit {
            Some(unit) => q.filter(C::ClaimerId.eq(*user).or(C::ClaimerUnitId.eq(*unit))),
            None => q.filter(C::ClaimerId.eq(*user)),
        },
        Scope::Communities(codes) => q.filter(C::CommunityCode.is_in(codes.clone())),
    };
    if let Some(c) = &filter.community {
        q = q.filter(C::CommunityCode.eq(c.clone()));
    }
    if let Some(k) = filter.kind {
        q = q.filter(C::Kind.eq(k.as_str()));
    }
    if let Some(s) = filter.status {
        q = q.filter(C::Status.eq(s.as_str()));
    }
    if let Some(a) = after {
        q = q.filter(C::Id.lt(a));
    }
    q
}

/// One page, newest first, after the id `after` (keyset).
pub async fn page(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &Filter,
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<WishRow>, DbErr> {
    Ok(selected(scope, filter, after)
        .order_by_desc(wish::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(row)
        .collect())
}

/// How many wishes a list holds, narrowed by a filter: the same selection
/// as [`page`] (the home page's counts).
pub async fn count_in(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &Filter,
) -> Result<u64, DbErr> {
    selected(scope, filter, None).count(db).await
}

/// Claims past their wanted-by date that nobody was told about yet
/// (at most `limit`), marked as told.
pub async fn take_new_overdue(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    limit: u64,
) -> Result<Vec<WishRow>, DbErr> {
    use wish::Column as C;
    let due: Vec<i64> = wish::Entity::find()
        .select_only()
        .column(C::Id)
        .filter(C::Status.eq(WishStatus::Claimed.as_str()))
        .filter(C::WantedBy.lt(today))
        .filter(C::OverdueNoticed.eq(false))
        .order_by_asc(C::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    // Each row is marked on its own terms again, so a wish released
    // meanwhile, or one another instance marked, is not told twice.
    let mut marked = Vec::new();
    for id in due {
        let res = wish::Entity::update_many()
            .col_expr(C::OverdueNoticed, Expr::value(true))
            .filter(C::Id.eq(id))
            .filter(C::Status.eq(WishStatus::Claimed.as_str()))
            .filter(C::WantedBy.lt(today))
            .filter(C::OverdueNoticed.eq(false))
            .exec(db)
            .await?;
        if res.rows_affected == 1 {
            marked.push(id);
        }
    }
    if marked.is_empty() {
        return Ok(Vec::new());
    }
    Ok(wish::Entity::find()
        .filter(C::Id.is_in(marked))
        .all(db)
        .await?
        .into_iter()
        .map(row)
        .collect())
}

/// Claimed wishes past their wanted-by day, in these communities.
pub async fn overdue_claims(
    db: &impl ConnectionTrait,
    communities: &[String],
    today: NaiveDate,
) -> Result<Vec<WishRow>, DbErr> {
    use wish::Column as C;
    Ok(wish::Entity::find()
        .filter(C::Status.eq(WishStatus::Claimed.as_str()))
        .filter(C::CommunityCode.is_in(communities.to_vec()))
        .filter(C::WantedBy.lt(today))
        .order_by_asc(C::WantedBy)
        .limit(100)
        .all(db)
        .await?
        .into_iter()
        .map(row)
        .collect())
}

pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    wish::Entity::find().count(db).await
}

/// A photo of a wish as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct WishPhotoRow {
    pub id: i64,
    pub wish_id: i64,
    pub uploader_id: i64,
    /// story | fulfil
    pub stage: String,
    pub key: String,
    pub thumb_key: String,
    pub width: i32,
    pub height: i32,
    pub bytes: i64,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_photo(db: &impl ConnectionTrait, p: &WishPhotoRow) -> Result<i64, DbErr> {
    Ok(wish_photo::ActiveModel {
        wish_id: Set(p.wish_id),
        uploader_id: Set(p.uploader_id),
        stage: Set(p.stage.clone()),
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

fn photo_row(m: wish_photo::Model) -> WishPhotoRow {
    WishPhotoRow {
        id: m.id,
        wish_id: m.wish_id,
        uploader_id: m.uploader_id,
        stage: m.stage,
        key: m.key,
        thumb_key: m.thumb_key,
        width: m.width,
        height: m.height,
        bytes: m.bytes,
        created_at: m.created_at,
    }
}

/// Photos of many wishes at once (a wall page), oldest first.
pub async fn photos_of(
    db: &impl ConnectionTrait,
    wish_ids: &[i64],
) -> Result<Vec<WishPhotoRow>, DbErr> {
    if wish_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(wish_photo::Entity::find()
        .filter(wish_photo::Column::WishId.is_in(wish_ids.to_vec()))
        .order_by_asc(wish_photo::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(photo_row)
        .collect())
}

pub async fn photo_by_id(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<WishPhotoRow>, DbErr> {
    Ok(wish_photo::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(photo_row))
}

pub async fn count_photos(
    db: &impl ConnectionTrait,
    wish_id: i64,
    stage: &str,
) -> Result<u64, DbErr> {
    wish_photo::Entity::find()
        .filter(wish_photo::Column::WishId.eq(wish_id))
        .filter(wish_photo::Column::Stage.eq(stage))
        .count(db)
        .await
}

/// All wishes' photo counts (tests: "nothing stored").
pub async fn count_all_photos(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    wish_photo::Entity::find().count(db).await
}

/// Who holds claims: a member for themself, or a unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claimer {
    Member(i64),
    Unit(i64),
}

/// Wishes the claimer holds now (claimed, not yet fulfilled).
pub async fn open_claims(db: &impl ConnectionTrait, who: Claimer) -> Result<u64, DbErr> {
    use wish::Column as W;
    let q = wish::Entity::find().filter(W::Status.eq(WishStatus::Claimed.as_str()));
    let q = match who {
        Claimer::Member(u) => q
            .filter(W::ClaimerId.eq(u))
            .filter(W::ClaimerUnitId.is_null()),
        Claimer::Unit(u) => q.filter(W::ClaimerUnitId.eq(u)),
    };
    q.count(db).await
}

/// Timeline entries of `actions` taken by `actor` since `since`, on any
/// wish (`wish: None`) or on one.
pub async fn steps_since(
    db: &impl ConnectionTrait,
    actor: i64,
    actions: &[WishAction],
    wish: Option<i64>,
    since: DateTime<Utc>,
) -> Result<u64, DbErr> {
    use wish_event::Column as E;
    let mut q = wish_event::Entity::find()
        .filter(E::ActorId.eq(actor))
        .filter(E::Action.is_in(actions.iter().map(|a| a.as_str())))
        .filter(E::CreatedAt.gte(since));
    if let Some(w) = wish {
        q = q.filter(E::WishId.eq(w));
    }
    q.count(db).await
}
