//! Joint meetings (物业联席会): a meeting with its compounds, invited
//! companies, agenda and minutes; its resolutions and their progress.
//! Every write of a meeting or resolution lands only over the version it
//! was read with, so two keepers at once never undo each other unseen.

use super::assessment::query;
use super::entities::{
    joint_meeting as jm, joint_meeting_company as jmc, joint_meeting_compound as jmp,
    joint_meeting_item as jmi, joint_resolution as jr, joint_resolution_update as jru, topic,
};
use crate::domain::meeting::{
    AgendaItem, ItemKind, MeetingForm, Owner, OwnerKind, ResolutionStatus,
};
use crate::domain::policy::TopicStaffScope;
use crate::domain::topic::Stage;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};
use std::collections::HashMap;

#[derive(Clone, Debug)]
pub struct MeetingRow {
    pub id: i64,
    pub community_code: String,
    pub street_code: Option<String>,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub place: String,
    pub committee: String,
    pub representatives: String,
    pub committee_present: bool,
    pub representatives_present: u32,
    pub minutes: String,
    pub version: i64,
    /// Invited companies and whether each came.
    pub companies: Vec<(i64, bool)>,
    pub compounds: Vec<i64>,
    pub agenda: Vec<AgendaItem>,
}

fn head(m: jm::Model) -> MeetingRow {
    MeetingRow {
        id: m.id,
        community_code: m.community_code,
        street_code: m.street_code,
        title: m.title,
        starts_at: m.starts_at,
        place: m.place,
        committee: m.committee.unwrap_or_default(),
        representatives: m.representatives.unwrap_or_default(),
        committee_present: m.committee_present,
        representatives_present: m.representatives_present.max(0) as u32,
        minutes: m.minutes.unwrap_or_default(),
        version: m.version,
        companies: Vec::new(),
        compounds: Vec::new(),
        agenda: Vec::new(),
    }
}

fn blank_none(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// A meeting's fields as written (the form checked and trimmed by the service).
pub struct MeetingWrite<'a> {
    pub form: &'a MeetingForm,
    pub street_code: Option<String>,
    pub by: i64,
    pub at: DateTime<Utc>,
}

fn fields(w: &MeetingWrite<'_>) -> jm::ActiveModel {
    let f = w.form;
    jm::ActiveModel {
        community_code: Set(f.community_code.clone()),
        street_code: Set(w.street_code.clone()),
        title: Set(f.title.trim().to_string()),
        starts_at: Set(f.starts_at),
        place: Set(f.place.trim().to_string()),
        committee: Set(blank_none(&f.committee)),
        representatives: Set(blank_none(&f.representatives)),
        committee_present: Set(f.committee_present),
        representatives_present: Set(f.representatives_present as i32),
        minutes: Set(blank_none(&f.minutes)),
        updated_at: Set(w.at),
        ..Default::default()
    }
}

/// Convenes a meeting with its invitations and agenda, in one transaction.
pub async fn insert_meeting<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    w: &MeetingWrite<'_>,
) -> Result<i64, DbErr> {
    let txn = db.begin().await?;
    let mut am = fields(w);
    am.created_by = Set(w.by);
    am.created_at = Set(w.at);
    am.version = Set(1);
    let id = am.insert(&txn).await?.id;
    write_parts(&txn, id, w.form).await?;
    txn.commit().await?;
    Ok(id)
}

/// Writes a meeting over the version it was read with (its first statement
/// is that write, so a second writer waits for it); false when someone
/// changed it meanwhile.
pub async fn update_meeting<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    id: i64,
    w: &MeetingWrite<'_>,
) -> Result<bool, DbErr> {
    let txn = db.begin().await?;
    let mut am = fields(w);
    am.version = Set(w.form.version + 1);
    let changed = jm::Entity::update_many()
        .set(am)
        .filter(jm::Column::Id.eq(id))
        .filter(jm::Column::Version.eq(w.form.version))
        .exec(&txn)
        .await?
        .rows_affected;
    if changed == 0 {
        return Ok(false);
    }
    jmc::Entity::delete_many()
        .filter(jmc::Column::MeetingId.eq(id))
        .exec(&txn)
        .await?;
    jmp::Entity::delete_many()
        .filter(jmp::Column::MeetingId.eq(id))
        .exec(&txn)
        .await?;
    jmi::Entity::delete_many()
        .filter(jmi::Column::MeetingId.eq(id))
        .exec(&txn)
        .await?;
    write_parts(&txn, id, w.form).await?;
    txn.commit().await?;
    Ok(true)
}

async fn write_parts(db: &impl ConnectionTrait, id: i64, f: &MeetingForm) -> Result<(), DbErr> {
    if !f.companies.is_empty() {
        jmc::Entity::insert_many(f.companies.iter().map(|c| jmc::ActiveModel {
            meeting_id: Set(id),
            company_id: Set(*c),
            present: Set(f.present.contains(c)),
            ..Default::default()
        }))
        .exec(db)
        .await?;
    }
    if !f.compounds.is_empty() {
        jmp::Entity::insert_many(f.compounds.iter().map(|c| jmp::ActiveModel {
            meeting_id: Set(id),
            compound_id: Set(*c),
            ..Default::default()
        }))
        .exec(db)
        .await?;
    }
    if !f.agenda.is_empty() {
        jmi::Entity::insert_many(f.agenda.iter().enumerate().map(|(n, i)| jmi::ActiveModel {
            meeting_id: Set(id),
            position: Set(n as i32),
            kind: Set(i.kind.as_str().to_string()),
            ref_id: Set(i.ref_id),
            title: Set(i.title.trim().to_string()),
            ..Default::default()
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

/// A meeting with its invitations, compounds and agenda.
pub async fn meeting(db: &impl ConnectionTrait, id: i64) -> Result<Option<MeetingRow>, DbErr> {
    let Some(m) = jm::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let mut row = head(m);
    row.companies = jmc::Entity::find()
        .filter(jmc::Column::MeetingId.eq(id))
        .order_by_asc(jmc::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.company_id, c.present))
        .collect();
    row.compounds = jmp::Entity::find()
        .filter(jmp::Column::MeetingId.eq(id))
        .order_by_asc(jmp::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.compound_id)
        .collect();
    row.agenda = jmi::Entity::find()
        .filter(jmi::Column::MeetingId.eq(id))
        .order_by_asc(jmi::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|i| AgendaItem {
            kind: ItemKind::parse(&i.kind).unwrap_or(ItemKind::Free),
            ref_id: i.ref_id,
            title: i.title,
        })
        .collect();
    Ok(Some(row))
}

/// Resolutions whose owner is one of `owners`, as a filter.
fn owned_by(owners: &[Owner]) -> Condition {
    let mut any = Condition::any();
    for kind in OwnerKind::ALL {
        let refs: Vec<String> = owners
            .iter()
            .filter(|o| o.kind == *kind)
            .map(|o| o.reference.clone())
            .collect();
        if !refs.is_empty() {
            any = any.add(
                Condition::all()
                    .add(jr::Column::OwnerKind.eq(kind.as_str()))
                    .add(jr::Column::OwnerRef.is_in(refs)),
            );
        }
    }
    any
}

/// The newest meetings that concern a reader (`policy::may_see_meeting` as
/// a filter): those of the area they run, those their companies are
/// invited to, those with a resolution they own.
pub async fn meetings_for(
    db: &impl ConnectionTrait,
    staff: &TopicStaffScope,
    companies: &[i64],
    owners: &[Owner],
    limit: u64,
) -> Result<Vec<MeetingRow>, DbErr> {
    let mut q = jm::Entity::find();
    if !staff.all {
        let mut any = super::in_area(staff, jm::Column::StreetCode, jm::Column::CommunityCode);
        if !companies.is_empty() {
            any = any.add(
                jm::Column::Id.in_subquery(
                    Query::select()
                        .column(jmc::Column::MeetingId)
                        .from(jmc::Entity)
                        .and_where(jmc::Column::CompanyId.is_in(companies.to_vec()))
                        .to_owned(),
                ),
            );
        }
        if !owners.is_empty() {
            any = any.add(
                jm::Column::Id.in_subquery(
                    Query::select()
                        .column(jr::Column::MeetingId)
                        .from(jr::Entity)
                        .cond_where(owned_by(owners))
                        .to_owned(),
                ),
            );
        }
        if any.is_empty() {
            return Ok(Vec::new());
        }
        q = q.filter(any);
    }
    Ok(q.order_by_desc(jm::Column::StartsAt)
        .order_by_desc(jm::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(head)
        .collect())
}

/// Titles of meetings by id.
pub async fn titles(db: &impl ConnectionTrait, ids: &[i64]) -> Result<HashMap<i64, String>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> = jm::Entity::find()
        .select_only()
        .columns([jm::Column::Id, jm::Column::Title])
        .filter(jm::Column::Id.is_in(ids.to_vec()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

#[derive(Clone, Debug)]
pub struct ResolutionRow {
    pub id: i64,
    pub meeting_id: i64,
    pub community_code: String,
    pub street_code: Option<String>,
    pub body: String,
    pub owner: Owner,
    pub due_on: NaiveDate,
    pub progress: u8,
    pub status: ResolutionStatus,
    pub case_id: Option<i64>,
    pub version: i64,
}

fn resolution_row(m: jr::Model) -> ResolutionRow {
    ResolutionRow {
        id: m.id,
        meeting_id: m.meeting_id,
        community_code: m.community_code,
        street_code: m.street_code,
        body: m.body,
        owner: Owner {
            kind: OwnerKind::parse(&m.owner_kind).unwrap_or(OwnerKind::Community),
            reference: m.owner_ref,
        },
        due_on: m.due_on,
        progress: m.progress.clamp(0, 100) as u8,
        status: ResolutionStatus::parse(&m.status).unwrap_or(ResolutionStatus::Open),
        case_id: m.case_id,
        version: m.version,
    }
}

pub async fn resolution(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<ResolutionRow>, DbErr> {
    Ok(jr::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(resolution_row))
}

pub async fn resolutions_of(
    db: &impl ConnectionTrait,
    meeting: i64,
) -> Result<Vec<ResolutionRow>, DbErr> {
    Ok(jr::Entity::find()
        .filter(jr::Column::MeetingId.eq(meeting))
        .order_by_asc(jr::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(resolution_row)
        .collect())
}

/// The open resolutions a reader follows (`policy::may_see_resolution` as a
/// filter), the soonest due first.
pub async fn open_resolutions_for(
    db: &impl ConnectionTrait,
    staff: &TopicStaffScope,
    owners: &[Owner],
    limit: u64,
) -> Result<Vec<ResolutionRow>, DbErr> {
    let open = [ResolutionStatus::Open, ResolutionStatus::InProgress].map(|s| s.as_str());
    let mut q = jr::Entity::find().filter(jr::Column::Status.is_in(open));
    if !staff.all {
        let mut any = super::in_area(staff, jr::Column::StreetCode, jr::Column::CommunityCode);
        if !owners.is_empty() {
            any = any.add(owned_by(owners));
        }
        if any.is_empty() {
            return Ok(Vec::new());
        }
        q = q.filter(any);
    }
    Ok(q.order_by_asc(jr::Column::DueOn)
        .order_by_asc(jr::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(resolution_row)
        .collect())
}

/// A resolution as the community writes it.
pub struct ResolutionWrite {
    pub meeting_id: i64,
    pub community_code: String,
    pub street_code: Option<String>,
    pub body: String,
    pub owner: Owner,
    pub due_on: NaiveDate,
    pub case_id: Option<i64>,
    pub at: DateTime<Utc>,
}

pub async fn insert_resolution(
    db: &impl ConnectionTrait,
    w: &ResolutionWrite,
) -> Result<i64, DbErr> {
    Ok(jr::ActiveModel {
        meeting_id: Set(w.meeting_id),
        community_code: Set(w.community_code.clone()),
        street_code: Set(w.street_code.clone()),
        body: Set(w.body.clone()),
        owner_kind: Set(w.owner.kind.as_str().to_string()),
        owner_ref: Set(w.owner.reference.clone()),
        due_on: Set(w.due_on),
        progress: Set(0),
        status: Set(ResolutionStatus::Open.as_str().to_string()),
        case_id: Set(w.case_id),
        overdue_noticed: Set(false),
        created_at: Set(w.at),
        updated_at: Set(w.at),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

/// Rewrites a resolution over the version read (`dropped` withdraws it);
/// a new due date may be overdue again later, so it is flagged afresh.
pub async fn update_resolution(
    db: &impl ConnectionTrait,
    id: i64,
    version: i64,
    w: &ResolutionWrite,
    dropped: bool,
    due_moved: bool,
    owner_moved: bool,
) -> Result<bool, DbErr> {
    let mut q = jr::Entity::update_many()
        .col_expr(jr::Column::Body, Expr::value(w.body.clone()))
        .col_expr(jr::Column::OwnerKind, Expr::value(w.owner.kind.as_str()))
        .col_expr(jr::Column::OwnerRef, Expr::value(w.owner.reference.clone()))
        .col_expr(jr::Column::DueOn, Expr::value(w.due_on))
        .col_expr(jr::Column::CaseId, Expr::value(w.case_id))
        .col_expr(jr::Column::UpdatedAt, Expr::value(w.at))
        .col_expr(jr::Column::Version, Expr::value(version + 1));
    if dropped {
        q = q.col_expr(
            jr::Column::Status,
            Expr::value(ResolutionStatus::Dropped.as_str()),
        );
    }
    if due_moved || owner_moved {
        q = q.col_expr(jr::Column::OverdueNoticed, Expr::value(false));
    }
    // A new owner starts from nothing: the old owner's progress is not theirs.
    if owner_moved && !dropped {
        q = q.col_expr(jr::Column::Progress, Expr::value(0)).col_expr(
            jr::Column::Status,
            Expr::value(ResolutionStatus::Open.as_str()),
        );
    }
    Ok(q.filter(jr::Column::Id.eq(id))
        .filter(jr::Column::Version.eq(version))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Records a progress report over the version read, with its line of
/// history, in one transaction; false when the resolution changed meanwhile.
#[allow(clippy::too_many_arguments)]
pub async fn report_progress<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    id: i64,
    version: i64,
    progress: u8,
    status: ResolutionStatus,
    note: &str,
    author: i64,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let txn = db.begin().await?;
    let changed = jr::Entity::update_many()
        .col_expr(jr::Column::Progress, Expr::value(progress as i32))
        .col_expr(jr::Column::Status, Expr::value(status.as_str()))
        .col_expr(jr::Column::UpdatedAt, Expr::value(at))
        .col_expr(jr::Column::Version, Expr::value(version + 1))
        // Done, it can never be overdue; open again, it may be once more.
        .col_expr(jr::Column::OverdueNoticed, Expr::value(!status.is_open()))
        .filter(jr::Column::Id.eq(id))
        .filter(jr::Column::Version.eq(version))
        .exec(&txn)
        .await?
        .rows_affected;
    if changed == 0 {
        return Ok(false);
    }
    jru::ActiveModel {
        resolution_id: Set(id),
        progress: Set(progress as i32),
        status: Set(status.as_str().to_string()),
        note: Set(note.to_string()),
        author_id: Set(author),
        at: Set(at),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(true)
}

#[derive(Clone, Debug)]
pub struct UpdateRow {
    pub resolution_id: i64,
    pub progress: u8,
    pub status: ResolutionStatus,
    pub note: String,
    pub author_id: i64,
    pub at: DateTime<Utc>,
}

/// The progress reports of these resolutions, oldest first.
pub async fn updates_of(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<UpdateRow>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(jru::Entity::find()
        .filter(jru::Column::ResolutionId.is_in(ids.to_vec()))
        .order_by_asc(jru::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|u| UpdateRow {
            resolution_id: u.resolution_id,
            progress: u.progress.clamp(0, 100) as u8,
            status: ResolutionStatus::parse(&u.status).unwrap_or(ResolutionStatus::Open),
            note: u.note,
            author_id: u.author_id,
            at: u.at,
        })
        .collect())
}

/// Marks open resolutions past their due date as told, each on its own
/// terms (one finished or already marked meanwhile is left alone), and
/// returns those this call marked: each is flagged once.
pub async fn take_new_overdue(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    limit: u64,
) -> Result<Vec<ResolutionRow>, DbErr> {
    let open = [ResolutionStatus::Open, ResolutionStatus::InProgress].map(|s| s.as_str());
    let due = || {
        Condition::all()
            .add(jr::Column::Status.is_in(open))
            .add(jr::Column::DueOn.lt(today))
            .add(jr::Column::OverdueNoticed.eq(false))
    };
    let ids: Vec<i64> = jr::Entity::find()
        .select_only()
        .column(jr::Column::Id)
        .filter(due())
        .order_by_asc(jr::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    let mut marked = Vec::new();
    for id in ids {
        let res = jr::Entity::update_many()
            .col_expr(jr::Column::OverdueNoticed, Expr::value(true))
            .filter(jr::Column::Id.eq(id))
            .filter(due())
            .exec(db)
            .await?;
        if res.rows_affected == 1 {
            marked.push(id);
        }
    }
    if marked.is_empty() {
        return Ok(Vec::new());
    }
    Ok(jr::Entity::find()
        .filter(jr::Column::Id.is_in(marked))
        .order_by_asc(jr::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(resolution_row)
        .collect())
}

/// The meetings that took a case up, newest first: by a resolution naming
/// it (withdrawn ones aside), then by agenda items.
pub async fn meetings_of_case(db: &impl ConnectionTrait, case: i64) -> Result<Vec<i64>, DbErr> {
    let mut out: Vec<i64> = jr::Entity::find()
        .select_only()
        .column(jr::Column::MeetingId)
        .filter(jr::Column::CaseId.eq(case))
        .filter(jr::Column::Status.ne(ResolutionStatus::Dropped.as_str()))
        .order_by_desc(jr::Column::Id)
        .limit(10)
        .into_tuple()
        .all(db)
        .await?;
    let items: Vec<i64> = jmi::Entity::find()
        .select_only()
        .column(jmi::Column::MeetingId)
        .filter(jmi::Column::Kind.eq(ItemKind::Case.as_str()))
        .filter(jmi::Column::RefId.eq(case))
        .order_by_desc(jmi::Column::Id)
        .limit(10)
        .into_tuple()
        .all(db)
        .await?;
    for m in items {
        if !out.contains(&m) {
            out.push(m);
        }
    }
    Ok(out)
}

/// The community's open cases a meeting may take up (id, category and
/// first words), newest first: offered to the community side only.
pub async fn open_cases_in(
    db: &impl ConnectionTrait,
    community: &str,
    limit: u64,
) -> Result<Vec<(i64, String)>, DbErr> {
    let rows = query(
        db,
        "SELECT c.id, c.description, k.name AS category FROM cases c \
         JOIN case_categories k ON k.id = c.category_id \
         WHERE c.community_code = ? \
         AND c.status IN ('reported', 'confirmed', 'dispatched', 'in_progress') \
         ORDER BY c.id DESC LIMIT ?",
        vec![community.into(), (limit as i64).into()],
    )
    .await?;
    rows.into_iter()
        .map(|r| {
            let id: i64 = r.try_get("", "id")?;
            let category: String = r.try_get("", "category")?;
            let text: String = r.try_get("", "description")?;
            let words: String = text.chars().take(30).collect();
            Ok((id, format!("{category}：{words}")))
        })
        .collect()
}

/// How the agenda names these cases of a community: category and number,
/// never the reporter's words (invited companies read the agenda, and a
/// case's text is for the staff of its place and its handler). Cases of
/// another community are left out.
pub async fn case_titles(
    db: &impl ConnectionTrait,
    community: &str,
    ids: &[i64],
) -> Result<HashMap<i64, String>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let marks = vec!["?"; ids.len()].join(", ");
    let mut values: Vec<sea_orm::Value> = vec![community.into()];
    values.extend(ids.iter().map(|i| (*i).into()));
    let rows = query(
        db,
        &format!(
            "SELECT c.id, k.name AS category FROM cases c \
             JOIN case_categories k ON k.id = c.category_id \
             WHERE c.community_code = ? AND c.status NOT IN ('rejected', 'merged') \
             AND c.id IN ({marks})"
        ),
        values,
    )
    .await?;
    rows.into_iter()
        .map(|r| {
            let id: i64 = r.try_get("", "id")?;
            let category: String = r.try_get("", "category")?;
            Ok((id, format!("{category} #{id}")))
        })
        .collect()
}

/// The community's public topics on the agenda or being voted on (id, title).
pub async fn agenda_topics(
    db: &impl ConnectionTrait,
    community: &str,
    limit: u64,
) -> Result<Vec<(i64, String)>, DbErr> {
    topic::Entity::find()
        .select_only()
        .columns([topic::Column::Id, topic::Column::Title])
        .filter(topic::Column::CommunityCode.eq(community))
        .filter(topic::Column::Stage.is_in([Stage::Agenda.as_str(), Stage::Voting.as_str()]))
        .filter(topic::Column::HiddenReason.is_null())
        .order_by_desc(topic::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// Titles of these public topics of a community (reviewed and not
/// hidden: the agenda is read by invited companies and owners).
pub async fn topic_titles(
    db: &impl ConnectionTrait,
    community: &str,
    ids: &[i64],
) -> Result<HashMap<i64, String>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> = topic::Entity::find()
        .select_only()
        .columns([topic::Column::Id, topic::Column::Title])
        .filter(topic::Column::CommunityCode.eq(community))
        .filter(topic::Column::Id.is_in(ids.to_vec()))
        .filter(topic::Column::Stage.ne(Stage::Proposed.as_str()))
        .filter(topic::Column::HiddenReason.is_null())
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}
