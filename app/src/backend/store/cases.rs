//! Cases, their timeline, followers, the category catalogue and the calendar.

use super::entities::{calendar_day, case_category, case_event, case_follower, case_record};
use crate::domain::auth::Role;
use crate::domain::case::{CaseStatus, DispatchLevel};
use crate::domain::deadline::Calendar;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};

/// A case as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseRow {
    pub id: i64,
    pub category_id: i64,
    pub description: String,
    pub lat: f64,
    pub lng: f64,
    pub grid_code: Option<String>,
    pub community_code: Option<String>,
    pub street_code: Option<String>,
    pub company_id: Option<i64>,
    pub source: String,
    pub reporter_id: Option<i64>,
    pub contact_phone: Option<String>,
    pub public: bool,
    pub status: CaseStatus,
    pub level: Option<DispatchLevel>,
    pub department: Option<String>,
    pub started_at: DateTime<Utc>,
    pub due_at: Option<DateTime<Utc>>,
    pub result: Option<String>,
    pub rating: Option<i32>,
    pub merged_into: Option<i64>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub owner_id: Option<i64>,
    /// The deadline scheduler's progress: 0 nothing sent, 1 warned, 2 flagged.
    pub alarm_stage: i16,
    /// When the scheduler must next look at the case (none: nothing left to do).
    pub alarm_at: Option<DateTime<Utc>>,
    /// The departments assisting the lead of its whistle (吹哨报到).
    pub assisting: Vec<String>,
    /// The result, for the figures: when, how long after the report, on time.
    pub resolution: Option<Resolution>,
}

/// When a case's result was given, how many minutes after its report, and
/// whether before its deadline (`domain::assessment::resolution`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Resolution {
    pub at: DateTime<Utc>,
    pub minutes: i64,
    pub on_time: bool,
}

/// A stored case as plain data.
pub(super) fn from_model(m: case_record::Model) -> CaseRow {
    row(m)
}

pub(super) fn row(m: case_record::Model) -> CaseRow {
    CaseRow {
        id: m.id,
        category_id: m.category_id,
        description: m.description,
        lat: m.lat,
        lng: m.lng,
        grid_code: m.grid_code,
        community_code: m.community_code,
        street_code: m.street_code,
        company_id: m.company_id,
        source: m.source,
        reporter_id: m.reporter_id,
        contact_phone: m.contact_phone,
        public: m.public,
        status: CaseStatus::parse(&m.status).unwrap_or(CaseStatus::Reported),
        level: m.level.as_deref().and_then(DispatchLevel::parse),
        department: m.department,
        started_at: m.started_at,
        due_at: m.due_at,
        result: m.result,
        rating: m.rating,
        merged_into: m.merged_into,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
        owner_id: m.owner_id,
        alarm_stage: m.alarm_stage,
        alarm_at: m.alarm_at,
        assisting: super::whistles::assisting_codes(m.assisting.as_deref()),
        resolution: m.resolved_at.map(|at| Resolution {
            at,
            minutes: m.handled_minutes.unwrap_or(0),
            on_time: m.on_time.unwrap_or(false),
        }),
    }
}

/// One timeline entry as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct EventRow {
    pub id: i64,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub actor_role: String,
    pub action: String,
    pub from_status: Option<CaseStatus>,
    pub to_status: CaseStatus,
    pub note: String,
    pub public: bool,
    pub created_at: DateTime<Utc>,
}

/// A timeline entry to append.
#[derive(Clone, Debug)]
pub struct NewEvent {
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub actor_role: String,
    pub action: String,
    pub from_status: Option<CaseStatus>,
    pub to_status: CaseStatus,
    pub note: String,
    pub public: bool,
}

impl NewEvent {
    /// A case's first entry: reported, public, by `actor_name` as `role`.
    pub fn report(actor_id: Option<i64>, actor_name: String, role: Role) -> NewEvent {
        NewEvent {
            actor_id,
            actor_name,
            actor_role: role.as_str().to_string(),
            action: "report".into(),
            from_status: None,
            to_status: CaseStatus::Reported,
            note: String::new(),
            public: true,
        }
    }
}

pub async fn append(
    db: &impl ConnectionTrait,
    case_id: i64,
    e: &NewEvent,
    at: DateTime<Utc>,
) -> Result<EventRow, DbErr> {
    let stored = case_event::ActiveModel {
        case_id: Set(case_id),
        actor_id: Set(e.actor_id),
        actor_name: Set(e.actor_name.clone()),
        actor_role: Set(e.actor_role.clone()),
        action: Set(e.action.clone()),
        from_status: Set(e.from_status.map(|s| s.as_str().to_string())),
        to_status: Set(e.to_status.as_str().to_string()),
        note: Set(e.note.clone()),
        public: Set(e.public),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(event_row(stored))
}

fn event_row(e: case_event::Model) -> EventRow {
    EventRow {
        id: e.id,
        actor_id: e.actor_id,
        actor_name: e.actor_name,
        actor_role: e.actor_role,
        action: e.action,
        from_status: e.from_status.as_deref().and_then(CaseStatus::parse),
        to_status: CaseStatus::parse(&e.to_status).unwrap_or(CaseStatus::Reported),
        note: e.note,
        public: e.public,
        created_at: e.created_at,
    }
}

/// The row to insert for a new case (the database gives the id).
fn new_case(c: &CaseRow) -> case_record::ActiveModel {
    case_record::ActiveModel {
        category_id: Set(c.category_id),
        description: Set(c.description.clone()),
        lat: Set(c.lat),
        lng: Set(c.lng),
        grid_code: Set(c.grid_code.clone()),
        community_code: Set(c.community_code.clone()),
        street_code: Set(c.street_code.clone()),
        company_id: Set(c.company_id),
        source: Set(c.source.clone()),
        reporter_id: Set(c.reporter_id),
        contact_phone: Set(c.contact_phone.clone()),
        public: Set(c.public),
        status: Set(c.status.as_str().to_string()),
        level: Set(c.level.map(|l| l.as_str().to_string())),
        department: Set(c.department.clone()),
        started_at: Set(c.started_at),
        due_at: Set(c.due_at),
        result: Set(c.result.clone()),
        rating: Set(c.rating),
        merged_into: Set(c.merged_into),
        version: Set(0),
        created_at: Set(c.created_at),
        updated_at: Set(c.updated_at),
        owner_id: Set(c.owner_id),
        alarm_stage: Set(c.alarm_stage),
        alarm_at: Set(c.alarm_at),
        assisting: Set(super::whistles::assisting_column(&c.assisting)),
        resolved_at: Set(c.resolution.map(|r| r.at)),
        handled_minutes: Set(c.resolution.map(|r| r.minutes)),
        on_time: Set(c.resolution.map(|r| r.on_time)),
        ..Default::default()
    }
}

/// Stores a new case and its first timeline entry in one transaction.
pub async fn insert_case<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    c: &CaseRow,
    first: &NewEvent,
) -> Result<i64, DbErr> {
    insert_keyed(db, c, first, None)
        .await?
        .ok_or_else(|| DbErr::Custom("a case without a key cannot be a duplicate".into()))
}

/// [`insert_case`] with the phone's key for the draft. `None` when the
/// reporter already has a case with this key (two copies of one draft
/// arrived at once; the unique index let one in): read it with
/// [`case_by_key`].
pub async fn insert_keyed<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    c: &CaseRow,
    first: &NewEvent,
    key: Option<(i64, &str)>,
) -> Result<Option<i64>, DbErr> {
    insert_filed(db, c, first, key.map(|k| k.0), key.map(|k| k.1)).await
}

/// Stores a new case filed by `filer` (who sent it: the figures count a
/// patrol finding to its worker), under the draft's key if it has one.
pub async fn insert_filed<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    c: &CaseRow,
    first: &NewEvent,
    filer: Option<i64>,
    key: Option<&str>,
) -> Result<Option<i64>, DbErr> {
    Ok(file(db, c, first, filer, key).await?.map(|(c, _)| c.id))
}

/// [`insert_filed`] giving back the case and its first event as stored,
/// so the report's answer needs no read after the write.
pub async fn file<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    c: &CaseRow,
    first: &NewEvent,
    filer: Option<i64>,
    key: Option<&str>,
) -> Result<Option<(CaseRow, EventRow)>, DbErr> {
    insert_with(db, c, first, filer, key, None).await
}

/// Writes a case an Open311 client filed, its first event and which client
/// filed it (with the `media_url` it sent), all or nothing. `None` when this
/// client's fingerprint is already kept (a copy filed at the same moment, or
/// an old one not yet forgotten): nothing is written.
pub async fn insert_open311<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    c: &CaseRow,
    first: &NewEvent,
    client: i64,
    media_url: Option<&str>,
    fingerprint: &str,
) -> Result<Option<CaseRow>, DbErr> {
    Ok(insert_with(
        db,
        c,
        first,
        None,
        None,
        Some((client, media_url, fingerprint)),
    )
    .await?
    .map(|(c, _)| c))
}

async fn insert_with<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    c: &CaseRow,
    first: &NewEvent,
    filer: Option<i64>,
    key: Option<&str>,
    client: Option<(i64, Option<&str>, &str)>,
) -> Result<Option<(CaseRow, EventRow)>, DbErr> {
    let txn = db.begin().await?;
    let mut model = new_case(c);
    model.filed_by = Set(filer);
    model.client_key = Set(key.map(str::to_string));
    let stored = match model.insert(&txn).await {
        Ok(m) => row(m),
        Err(e) if super::is_unique_violation(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    let event = append(&txn, stored.id, first, c.created_at).await?;
    if let Some((client, media_url, fingerprint)) = client {
        let filed =
            super::open311::insert_filed_by(&txn, stored.id, client, media_url, Some(fingerprint))
                .await;
        match filed {
            Ok(()) => {}
            // Dropping the transaction rolls the case back.
            Err(e) if super::is_unique_violation(&e) => return Ok(None),
            Err(e) => return Err(e),
        }
    }
    txn.commit().await?;
    Ok(Some((stored, event)))
}

/// Writes many generated cases at once (benchmarks), without timelines.
pub async fn insert_many<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    rows: &[CaseRow],
) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    for chunk in rows.chunks(500) {
        let models = chunk.iter().map(new_case);
        case_record::Entity::insert_many(models)
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await
}

/// The case a reporter already made from the draft with this key.
pub async fn case_by_key(
    db: &impl ConnectionTrait,
    filer: i64,
    key: &str,
) -> Result<Option<CaseRow>, DbErr> {
    use case_record::Column as C;
    // Reports keyed before `filed_by` existed were keyed by their reporter.
    let filed = Condition::any().add(C::FiledBy.eq(filer)).add(
        Condition::all()
            .add(C::FiledBy.is_null())
            .add(C::ReporterId.eq(filer)),
    );
    Ok(case_record::Entity::find()
        .filter(filed)
        .filter(C::ClientKey.eq(key))
        .one(db)
        .await?
        .map(row))
}

pub async fn case_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<CaseRow>, DbErr> {
    Ok(case_record::Entity::find_by_id(id).one(db).await?.map(row))
}

/// The changes one action makes to a case.
#[derive(Clone, Debug, Default)]
pub struct CaseChange {
    pub status: Option<CaseStatus>,
    pub level: Option<Option<DispatchLevel>>,
    pub department: Option<Option<String>>,
    pub started_at: Option<DateTime<Utc>>,
    pub due_at: Option<Option<DateTime<Utc>>>,
    pub result: Option<String>,
    pub rating: Option<i32>,
    pub merged_into: Option<i64>,
    pub owner_id: Option<Option<i64>>,
    /// The scheduler's stage and next look, set with every new deadline.
    /// Left out, a case that stops running against a deadline loses its alarm.
    pub alarm: Option<(i16, Option<DateTime<Utc>>)>,
    /// The departments assisting the lead (empty: none).
    pub assisting: Option<Vec<String>>,
    /// The whistle step taken with this change.
    pub whistle: Option<super::whistles::WhistleWrite>,
    /// The result given (or, on a reopen, taken away).
    pub resolution: Option<Option<Resolution>>,
}

/// Applies a change only if nobody changed the case since `version` was
/// read, and appends the timeline entry, in one transaction. `Ok(false)`
/// means someone else got there first and nothing was written.
pub async fn apply<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    id: i64,
    version: i64,
    change: &CaseChange,
    event: &NewEvent,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let txn = db.begin().await?;
    let mut update = case_record::Entity::update_many()
        .col_expr(
            case_record::Column::Version,
            Expr::col(case_record::Column::Version).add(1),
        )
        .col_expr(case_record::Column::UpdatedAt, Expr::value(now));
    if let Some(s) = change.status {
        update = update.col_expr(case_record::Column::Status, Expr::value(s.as_str()));
    }
    if let Some(l) = change.level {
        update = update.col_expr(
            case_record::Column::Level,
            Expr::value(l.map(|l| l.as_str().to_string())),
        );
    }
    if let Some(d) = &change.department {
        update = update.col_expr(case_record::Column::Department, Expr::value(d.clone()));
    }
    if let Some(t) = change.started_at {
        update = update.col_expr(case_record::Column::StartedAt, Expr::value(t));
    }
    if let Some(t) = change.due_at {
        update = update.col_expr(case_record::Column::DueAt, Expr::value(t));
    }
    if let Some(r) = &change.result {
        update = update.col_expr(case_record::Column::Result, Expr::value(r.clone()));
    }
    if let Some(r) = change.rating {
        update = update.col_expr(case_record::Column::Rating, Expr::value(r));
    }
    if let Some(m) = change.merged_into {
        update = update.col_expr(case_record::Column::MergedInto, Expr::value(m));
    }
    if let Some(o) = change.owner_id {
        update = update.col_expr(case_record::Column::OwnerId, Expr::value(o));
    }
    if let Some(r) = change.resolution {
        update = update
            .col_expr(
                case_record::Column::ResolvedAt,
                Expr::value(r.map(|r| r.at)),
            )
            .col_expr(
                case_record::Column::HandledMinutes,
                Expr::value(r.map(|r| r.minutes)),
            )
            .col_expr(
                case_record::Column::OnTime,
                Expr::value(r.map(|r| r.on_time)),
            );
    }
    if let Some(a) = &change.assisting {
        update = update.col_expr(
            case_record::Column::Assisting,
            Expr::value(super::whistles::assisting_column(a)),
        );
    }
    let alarm = change
        .alarm
        .or_else(|| change.status.filter(|s| !s.is_open()).map(|_| (0, None)));
    if let Some((stage, at)) = alarm {
        update = update
            .col_expr(case_record::Column::AlarmStage, Expr::value(stage))
            .col_expr(case_record::Column::AlarmAt, Expr::value(at));
    }
    let res = update
        .filter(case_record::Column::Id.eq(id))
        .filter(case_record::Column::Version.eq(version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Ok(false);
    }
    append(&txn, id, event, now).await?;
    if let Some(w) = &change.whistle {
        super::whistles::write(&txn, id, w, now).await?;
    }
    txn.commit().await?;
    Ok(true)
}

/// Open cases whose alarm time has come (`alarm_at` ≤ `now`), soonest
/// first: what one deadline sweep looks at, read through the index.
pub async fn alarms_due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<CaseRow>, DbErr> {
    Ok(case_record::Entity::find()
        .filter(case_record::Column::AlarmAt.lte(now))
        .order_by_asc(case_record::Column::AlarmAt)
        .order_by_asc(case_record::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(row)
        .collect())
}

/// Moves a case's alarm on to `to` if it still stands where the sweep read it
/// (same version and stage), appending `event` with it in one transaction.
/// False when someone got there first (a step, another sweep): nothing written.
/// The version is left alone: a warning changes nothing staff act on.
pub async fn advance_alarm<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    read: &CaseRow,
    to: (i16, Option<DateTime<Utc>>),
    event: Option<&NewEvent>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let txn = db.begin().await?;
    let res = case_record::Entity::update_many()
        .col_expr(case_record::Column::AlarmStage, Expr::value(to.0))
        .col_expr(case_record::Column::AlarmAt, Expr::value(to.1))
        .filter(case_record::Column::Id.eq(read.id))
        .filter(case_record::Column::Version.eq(read.version))
        .filter(case_record::Column::AlarmStage.eq(read.alarm_stage))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Ok(false);
    }
    if let Some(e) = event {
        append(&txn, read.id, e, now).await?;
    }
    txn.commit().await?;
    Ok(true)
}

/// Appends `event` (an urge, 催办) unless its actor already has one of the same
/// action on this case since `since`: false then, and nothing is written. The
/// case's version is left alone: an urge changes nothing staff act on.
pub async fn append_once_since<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    case_id: i64,
    event: &NewEvent,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let txn = db.begin().await?;
    // A write first: it locks the case row on PostgreSQL and takes SQLite's write
    // lock at once (a transaction that reads, then writes, fails with "database
    // is locked" when another writer came in between), so two presses queue up.
    case_record::Entity::update_many()
        .col_expr(case_record::Column::Id, Expr::col(case_record::Column::Id))
        .filter(case_record::Column::Id.eq(case_id))
        .exec(&txn)
        .await?;
    let earlier = case_event::Entity::find()
        .filter(case_event::Column::CaseId.eq(case_id))
        .filter(case_event::Column::Action.eq(event.action.clone()))
        .filter(case_event::Column::ActorId.eq(event.actor_id))
        .filter(case_event::Column::CreatedAt.gt(since))
        .count(&txn)
        .await?;
    if earlier > 0 {
        return Ok(false);
    }
    append(&txn, case_id, event, now).await?;
    txn.commit().await?;
    Ok(true)
}

/// The cases among `ids` that `scope` holds, newest first, in one read.
pub async fn by_ids_in(
    db: &impl ConnectionTrait,
    scope: &Scope,
    ids: &[i64],
) -> Result<Vec<CaseRow>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(case_record::Entity::find()
        .filter(in_scope(db, scope).await?)
        .filter(case_record::Column::Id.is_in(ids.to_vec()))
        .order_by_desc(case_record::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(row)
        .collect())
}

/// A public step of a public case (Open311's `servicerequestupdates`).
#[derive(Clone, Debug)]
pub struct UpdateRow {
    pub id: i64,
    pub case_id: i64,
    pub to_status: CaseStatus,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

/// The public steps, in `[since, until]`, of the cases on the public board
/// (`policy::on_public_board`) and, for a client, of the cases it filed
/// (`policy::open311_sees`), oldest first, at most `limit`.
pub async fn public_updates(
    db: &impl ConnectionTrait,
    client: Option<i64>,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<UpdateRow>, DbErr> {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
    // Per step, whether its case is on the board (a correlated EXISTS: the
    // window's steps are few, the board's cases many).
    let (cases, events) = (Alias::new("cases"), Alias::new("case_events"));
    let on_board = Query::select()
        .expr(Expr::val(1))
        .from(cases.clone())
        .and_where(
            Expr::col((cases.clone(), Alias::new("id"))).equals((events, Alias::new("case_id"))),
        )
        .and_where(Expr::col((cases.clone(), Alias::new("public"))).eq(true))
        .and_where(
            Expr::col((cases, Alias::new("status")))
                .is_not_in([CaseStatus::Rejected.as_str(), CaseStatus::Merged.as_str()]),
        )
        .to_owned();
    use case_event::Column as E;
    Ok(case_event::Entity::find()
        .filter(E::Public.eq(true))
        .filter(E::CreatedAt.gte(since))
        .filter(E::CreatedAt.lte(until))
        .filter(match client {
            Some(c) => Condition::any()
                .add(Expr::exists(on_board))
                .add(E::CaseId.in_subquery(super::open311::filed_by(c))),
            None => Condition::all().add(Expr::exists(on_board)),
        })
        .order_by_asc(E::CreatedAt)
        .order_by_asc(E::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|e| UpdateRow {
            id: e.id,
            case_id: e.case_id,
            to_status: CaseStatus::parse(&e.to_status).unwrap_or(CaseStatus::Reported),
            note: e.note,
            created_at: e.created_at,
        })
        .collect())
}

pub async fn events(db: &impl ConnectionTrait, case_id: i64) -> Result<Vec<EventRow>, DbErr> {
    Ok(case_event::Entity::find()
        .filter(case_event::Column::CaseId.eq(case_id))
        .order_by_asc(case_event::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(event_row)
        .collect())
}

/// Which cases a queue holds.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    Reporter(i64),
    Following(i64),
    Grid(String),
    Community(String),
    Street(String),
    Department(String),
    Company(i64),
    Public,
    /// What an Open311 client reads (`policy::open311_sees`): the public
    /// board's cases and the ones it filed itself.
    Open311(i64),
}

/// Optional narrowing of a queue.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    pub statuses: Vec<CaseStatus>,
    pub category_ids: Vec<i64>,
    pub grid: Option<String>,
    pub community: Option<String>,
    /// Only open cases due before this moment (overdue or due soon).
    pub due_before: Option<DateTime<Utc>>,
    /// Only open cases due at or after this moment.
    pub due_after: Option<DateTime<Utc>>,
    /// Only cases the deadline sweep has taken this far (`domain::alarm`).
    pub alarm_stage: Option<i16>,
    pub since: Option<DateTime<Utc>>,
    /// Only cases reported at or before this moment (Open311's `end_date`).
    pub until: Option<DateTime<Utc>>,
    /// Soonest deadline first (keyset on deadline and id), else newest first.
    pub by_deadline: bool,
    /// With `by_deadline`: the deadline of the last row seen (with its id).
    pub after_due: Option<DateTime<Utc>>,
}

/// The cases of a queue, narrowed by a filter (not yet ordered or paged).
async fn selected(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &Filter,
    after: Option<i64>,
) -> Result<sea_orm::Select<case_record::Entity>, DbErr> {
    let q = case_record::Entity::find().filter(in_scope(db, scope).await?);
    Ok(narrowed(q, filter, after))
}

/// The cases a scope holds, as a condition (several scopes: any of them).
async fn in_scope(db: &impl ConnectionTrait, scope: &Scope) -> Result<Condition, DbErr> {
    use case_record::Column as C;
    Ok(match scope {
        Scope::Reporter(id) => Condition::all().add(C::ReporterId.eq(*id)),
        Scope::Following(user) => {
            let ids: Vec<i64> = case_follower::Entity::find()
                .filter(case_follower::Column::UserId.eq(*user))
                .select_only()
                .column(case_follower::Column::CaseId)
                .into_tuple()
                .all(db)
                .await?;
            // A follower reads only what the board shows
            // (`policy::on_public_board`): a case rejected or merged
            // since, or made private, drops out of the list.
            Condition::all()
                .add(C::Id.is_in(ids))
                .add(C::Public.eq(true))
                .add(
                    C::Status
                        .is_not_in([CaseStatus::Rejected.as_str(), CaseStatus::Merged.as_str()]),
                )
        }
        Scope::Grid(g) => Condition::all().add(C::GridCode.eq(g.clone())),
        Scope::Community(c) => Condition::all().add(C::CommunityCode.eq(c.clone())),
        Scope::Street(s) => Condition::all().add(C::StreetCode.eq(s.clone())),
        // `policy::with_department`: whistled to it (as the lead, or assisting
        // and not sent back) and still at that level.
        Scope::Department(d) => Condition::all()
            .add(
                Condition::any().add(C::Department.eq(d.clone())).add(
                    Condition::all()
                        .add(C::Id.in_subquery(super::whistles::assisted_by(d)))
                        .add(C::Assisting.like(format!("%,{d},%"))),
                ),
            )
            .add(C::Level.eq(DispatchLevel::Department.as_str())),
        // `policy::with_company`: in its compound and dispatched to it.
        Scope::Company(c) => Condition::all()
            .add(C::CompanyId.eq(*c))
            .add(C::Level.eq(DispatchLevel::Company.as_str())),
        // `policy::on_public_board`.
        Scope::Public => on_board(),
        // `policy::open311_sees`.
        Scope::Open311(client) => Condition::any()
            .add(on_board())
            .add(C::Id.in_subquery(super::open311::filed_by(*client))),
    })
}

/// `policy::on_public_board` as a condition.
fn on_board() -> Condition {
    use case_record::Column as C;
    Condition::all()
        .add(C::Public.eq(true))
        .add(C::Status.is_not_in([CaseStatus::Rejected.as_str(), CaseStatus::Merged.as_str()]))
}

/// A selection narrowed by a queue's filter and keyset position.
fn narrowed(
    mut q: sea_orm::Select<case_record::Entity>,
    filter: &Filter,
    after: Option<i64>,
) -> sea_orm::Select<case_record::Entity> {
    use case_record::Column as C;
    if !filter.statuses.is_empty() {
        q = q.filter(C::Status.is_in(filter.statuses.iter().map(|s| s.as_str())));
    }
    if !filter.category_ids.is_empty() {
        q = q.filter(C::CategoryId.is_in(filter.category_ids.clone()));
    }
    if let Some(g) = &filter.grid {
        q = q.filter(C::GridCode.eq(g.clone()));
    }
    if let Some(c) = &filter.community {
        q = q.filter(C::CommunityCode.eq(c.clone()));
    }
    let open = || -> Vec<&str> {
        CaseStatus::ALL
            .iter()
            .filter(|s| s.is_open())
            .map(|s| s.as_str())
            .collect()
    };
    if let Some(t) = filter.due_before {
        q = q.filter(C::DueAt.lt(t)).filter(C::Status.is_in(open()));
    }
    if let Some(t) = filter.due_after {
        q = q.filter(C::DueAt.gte(t)).filter(C::Status.is_in(open()));
    }
    if let Some(stage) = filter.alarm_stage {
        q = q.filter(C::AlarmStage.eq(stage));
    }
    if filter.by_deadline {
        // The same rows for the list and its count.
        q = q.filter(C::DueAt.is_not_null());
    }
    if let Some(t) = filter.since {
        q = q.filter(C::CreatedAt.gte(t));
    }
    if let Some(t) = filter.until {
        q = q.filter(C::CreatedAt.lte(t));
    }
    if let Some(a) = after {
        q = q.filter(C::Id.lt(a));
    }
    q
}

/// One page of a queue, newest first, after the id `after` (keyset: stable
/// while new cases arrive).
pub async fn page(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &Filter,
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<CaseRow>, DbErr> {
    let q = selected(db, scope, filter, after).await?;
    rows_of(db, q.order_by_desc(case_record::Column::Id), limit).await
}

/// The first `limit` rows of an ordered selection.
async fn rows_of(
    db: &impl ConnectionTrait,
    q: sea_orm::Select<case_record::Entity>,
    limit: u64,
) -> Result<Vec<CaseRow>, DbErr> {
    Ok(q.limit(limit).all(db).await?.into_iter().map(row).collect())
}

/// The newest `limit` cases by when they were reported (Open311's lists,
/// which select by a window of `created_at`): read backwards along the
/// `created_at` index and stopped at `limit`, however many cases the
/// window holds. (Ordered by id, a 90-day window of a million cases made
/// the database sort a quarter of them first: 10 s on SQLite.)
pub async fn newest_reported(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &Filter,
    limit: u64,
) -> Result<Vec<CaseRow>, DbErr> {
    let q = selected(db, scope, filter, None).await?;
    let newest = q
        .order_by_desc(case_record::Column::CreatedAt)
        .order_by_desc(case_record::Column::Id);
    rows_of(db, newest, limit).await
}

/// How many cases a queue holds, narrowed by a filter: the same selection
/// as [`page`] and [`queue_page`] (the home page's counts).
pub async fn count_in(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &Filter,
) -> Result<u64, DbErr> {
    selected(db, scope, filter, None).await?.count(db).await
}

/// How many cases any of several queues holds, each case once (a street admin
/// who also heads a department sees a case whistled to it in both queues).
pub async fn count_in_any(
    db: &impl ConnectionTrait,
    scopes: &[Scope],
    filter: &Filter,
) -> Result<u64, DbErr> {
    if scopes.is_empty() {
        return Ok(0);
    }
    let mut any = Condition::any();
    for scope in scopes {
        any = any.add(in_scope(db, scope).await?);
    }
    narrowed(case_record::Entity::find().filter(any), filter, None)
        .count(db)
        .await
}

/// What a queue row shows of a case, read without the rest of the row
/// (the description is cut to its first 80 characters by the database).
#[derive(Clone, Debug, PartialEq, sea_orm::FromQueryResult)]
pub struct QueueRow {
    pub id: i64,
    pub category_id: i64,
    pub excerpt: String,
    pub status: String,
    pub level: Option<String>,
    pub grid_code: Option<String>,
    pub started_at: DateTime<Utc>,
    pub due_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub lat: f64,
    pub lng: f64,
}

/// One page of a queue as rows show it, after `after`: newest first, or
/// soonest deadline first (`Filter::by_deadline`).
pub async fn queue_page(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &Filter,
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<QueueRow>, DbErr> {
    use case_record::Column as C;
    let q = if filter.by_deadline {
        // Keyset on (deadline, id) as the reader last saw them, never read
        // back from the case (its deadline may have moved since; it may not
        // be the reader's to look up).
        let mut q = selected(db, scope, filter, None).await?;
        match (after, filter.after_due) {
            (Some(a), Some(due)) => {
                q = q.filter(
                    Condition::any()
                        .add(C::DueAt.gt(due))
                        .add(Condition::all().add(C::DueAt.eq(due)).add(C::Id.gt(a))),
                )
            }
            (Some(_), None) => return Ok(Vec::new()),
            (None, _) => {}
        }
        q.order_by_asc(C::DueAt).order_by_asc(C::Id)
    } else {
        selected(db, scope, filter, after)
            .await?
            .order_by_desc(C::Id)
    };
    q.select_only()
        .columns([C::Id, C::CategoryId])
        .expr_as(Expr::cust("substr(description, 1, 80)"), "excerpt")
        .columns([
            C::Status,
            C::Level,
            C::GridCode,
            C::StartedAt,
            C::DueAt,
            C::CreatedAt,
            C::Lat,
            C::Lng,
        ])
        .limit(limit)
        .into_model::<QueueRow>()
        .all(db)
        .await
}

/// What a map dot needs of a case, read without the rest of the row.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseDot {
    pub id: i64,
    pub lat: f64,
    pub lng: f64,
    pub status: CaseStatus,
    pub started_at: DateTime<Utc>,
    pub due_at: Option<DateTime<Utc>>,
    pub reporter_id: Option<i64>,
}

type DotTuple = (
    i64,
    f64,
    f64,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<i64>,
);

pub async fn dots(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &Filter,
    limit: u64,
) -> Result<Vec<CaseDot>, DbErr> {
    use case_record::Column as C;
    let q = selected(db, scope, filter, None).await?;
    let rows: Vec<DotTuple> = q
        .select_only()
        .columns([
            C::Id,
            C::Lat,
            C::Lng,
            C::Status,
            C::StartedAt,
            C::DueAt,
            C::ReporterId,
        ])
        .order_by_desc(C::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, lat, lng, status, started_at, due_at, reporter_id)| CaseDot {
                id,
                lat,
                lng,
                status: CaseStatus::parse(&status).unwrap_or(CaseStatus::Reported),
                started_at,
                due_at,
                reporter_id,
            },
        )
        .collect())
}

/// Open cases of a category near a point in the last days, for "me too".
pub async fn nearby_open(
    db: &impl ConnectionTrait,
    category_id: i64,
    (lat, lng): (f64, f64),
    (dlat, dlng): (f64, f64),
    since: DateTime<Utc>,
) -> Result<Vec<CaseRow>, DbErr> {
    use case_record::Column as C;
    let open: Vec<&str> = CaseStatus::ALL
        .iter()
        .filter(|s| s.is_open())
        .map(|s| s.as_str())
        .collect();
    Ok(case_record::Entity::find()
        .filter(C::CategoryId.eq(category_id))
        .filter(C::Lat.between(lat - dlat, lat + dlat))
        .filter(C::Lng.between(lng - dlng, lng + dlng))
        .filter(C::CreatedAt.gte(since))
        .filter(C::Status.is_in(open))
        // `policy::on_public_board` (open cases are never rejected or merged).
        .filter(C::Public.eq(true))
        .order_by_desc(C::Id)
        .limit(20)
        .all(db)
        .await?
        .into_iter()
        .map(row)
        .collect())
}

pub async fn follow(db: &impl ConnectionTrait, case_id: i64, user_id: i64) -> Result<bool, DbErr> {
    let exists = case_follower::Entity::find_by_id((case_id, user_id))
        .one(db)
        .await?
        .is_some();
    if !exists {
        case_follower::ActiveModel {
            case_id: Set(case_id),
            user_id: Set(user_id),
            created_at: Set(Utc::now()),
        }
        .insert(db)
        .await?;
    }
    Ok(!exists)
}

/// Everyone following a case.
pub async fn followers(db: &impl ConnectionTrait, case_id: i64) -> Result<Vec<i64>, DbErr> {
    case_follower::Entity::find()
        .filter(case_follower::Column::CaseId.eq(case_id))
        .select_only()
        .column(case_follower::Column::UserId)
        .into_tuple()
        .all(db)
        .await
}

pub async fn is_follower(
    db: &impl ConnectionTrait,
    case_id: i64,
    user_id: i64,
) -> Result<bool, DbErr> {
    Ok(case_follower::Entity::find_by_id((case_id, user_id))
        .one(db)
        .await?
        .is_some())
}

pub async fn count_cases(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    case_record::Entity::find().count(db).await
}

/// A category of the catalogue.
#[derive(Clone, Debug, PartialEq)]
pub struct CategoryRow {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub sort: i32,
    pub active: bool,
}

pub async fn categories(db: &impl ConnectionTrait) -> Result<Vec<CategoryRow>, DbErr> {
    Ok(case_category::Entity::find()
        .order_by_asc(case_category::Column::Sort)
        .order_by_asc(case_category::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|c| CategoryRow {
            id: c.id,
            parent_id: c.parent_id,
            name: c.name,
            sort: c.sort,
            active: c.active,
        })
        .collect())
}

/// Renames a category or turns it on or off. `false` when there is no such id.
pub async fn update_category(
    db: &impl ConnectionTrait,
    id: i64,
    name: Option<&str>,
    active: Option<bool>,
) -> Result<bool, DbErr> {
    let mut update = case_category::Entity::update_many().filter(case_category::Column::Id.eq(id));
    if let Some(n) = name {
        update = update.col_expr(case_category::Column::Name, Expr::value(n));
    }
    if let Some(a) = active {
        update = update.col_expr(case_category::Column::Active, Expr::value(a));
    }
    Ok(update.exec(db).await?.rows_affected == 1)
}

pub async fn insert_category(
    db: &impl ConnectionTrait,
    parent_id: Option<i64>,
    name: &str,
    sort: i32,
) -> Result<i64, DbErr> {
    Ok(case_category::ActiveModel {
        parent_id: Set(parent_id),
        name: Set(name.to_string()),
        sort: Set(sort),
        active: Set(true),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

pub async fn calendar(db: &impl ConnectionTrait) -> Result<Calendar, DbErr> {
    let mut cal = Calendar::default();
    for d in calendar_day::Entity::find().all(db).await? {
        if d.kind == "workday" {
            cal.workdays.insert(d.day);
        } else {
            cal.holidays.insert(d.day);
        }
    }
    Ok(cal)
}

/// Every special day, in date order.
pub async fn special_days(
    db: &impl ConnectionTrait,
) -> Result<Vec<crate::domain::deadline::SpecialDay>, DbErr> {
    Ok(calendar_day::Entity::find()
        .order_by_asc(calendar_day::Column::Day)
        .all(db)
        .await?
        .into_iter()
        .map(|d| crate::domain::deadline::SpecialDay {
            day: d.day,
            workday: d.kind == "workday",
            name: d.name,
        })
        .collect())
}

pub async fn clear_calendar_day(db: &impl ConnectionTrait, day: NaiveDate) -> Result<(), DbErr> {
    calendar_day::Entity::delete_by_id(day).exec(db).await?;
    Ok(())
}

/// Marks a day as a holiday or a worked weekend day (replacing what it was).
pub async fn set_calendar_day(
    db: &impl ConnectionTrait,
    day: NaiveDate,
    workday: bool,
    name: &str,
) -> Result<(), DbErr> {
    calendar_day::Entity::delete_by_id(day).exec(db).await?;
    calendar_day::ActiveModel {
        day: Set(day),
        kind: Set(if workday { "workday" } else { "holiday" }.to_string()),
        name: Set(name.to_string()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Every case with a department now (the demo gives each its whistle).
pub async fn with_departments(db: &impl ConnectionTrait) -> Result<Vec<CaseRow>, DbErr> {
    Ok(case_record::Entity::find()
        .filter(case_record::Column::Level.eq(DispatchLevel::Department.as_str()))
        .filter(case_record::Column::Department.is_not_null())
        .order_by_asc(case_record::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(row)
        .collect())
}

/// Open cases of a grid owned by one person (to hand on when they leave it).
pub async fn open_owned_in(
    db: &impl ConnectionTrait,
    grid_code: &str,
    owner_id: i64,
) -> Result<Vec<CaseRow>, DbErr> {
    let open: Vec<&str> = CaseStatus::ALL
        .into_iter()
        .filter(|s| s.is_open())
        .map(CaseStatus::as_str)
        .collect();
    Ok(case_record::Entity::find()
        .filter(case_record::Column::GridCode.eq(grid_code))
        .filter(case_record::Column::OwnerId.eq(owner_id))
        .filter(case_record::Column::Status.is_in(open))
        .order_by_asc(case_record::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(row)
        .collect())
}

/// Sets the departments assisting a case's lead (the demo's whistles).
pub async fn set_assisting(
    db: &impl ConnectionTrait,
    id: i64,
    codes: &[String],
) -> Result<(), DbErr> {
    case_record::Entity::update_many()
        .col_expr(
            case_record::Column::Assisting,
            Expr::value(super::whistles::assisting_column(codes)),
        )
        .filter(case_record::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
