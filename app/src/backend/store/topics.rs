//! Deliberation topics (四步议事): the topic, its seconds, the options with
//! their counts, turnout, implementation updates and each community's
//! seconding threshold. A ballot adds to its option's count and records who
//! voted (the one-vote key) in the same transaction, never what they chose.

use super::entities::{
    topic, topic_option, topic_second, topic_threshold, topic_update, topic_voter,
};
use super::is_unique_violation;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};

/// A topic as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct TopicRow {
    pub id: i64,
    pub community_code: String,
    pub street_code: Option<String>,
    pub proposer_id: i64,
    pub title: String,
    pub body: String,
    pub stage: String,
    pub seconds: i32,
    pub hidden_reason: Option<String>,
    pub agenda_at: Option<DateTime<Utc>>,
    pub meeting_kind: Option<String>,
    pub meeting_at: Option<DateTime<Utc>>,
    pub meeting_place: Option<String>,
    pub minutes: Option<String>,
    pub vote_mode: Option<String>,
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
    pub votes: i64,
    pub decision: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub progress: i32,
    pub case_id: Option<i64>,
    pub project_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

fn row(m: topic::Model) -> TopicRow {
    TopicRow {
        id: m.id,
        community_code: m.community_code,
        street_code: m.street_code,
        proposer_id: m.proposer_id,
        title: m.title,
        body: m.body,
        stage: m.stage,
        seconds: m.seconds,
        hidden_reason: m.hidden_reason,
        agenda_at: m.agenda_at,
        meeting_kind: m.meeting_kind,
        meeting_at: m.meeting_at,
        meeting_place: m.meeting_place,
        minutes: m.minutes,
        vote_mode: m.vote_mode,
        opens_at: m.opens_at,
        closes_at: m.closes_at,
        votes: m.votes,
        decision: m.decision,
        decided_at: m.decided_at,
        progress: m.progress,
        case_id: m.case_id,
        project_id: m.project_id,
        created_at: m.created_at,
    }
}

/// A new topic, waiting for review.
pub struct NewTopicRow<'a> {
    pub community_code: &'a str,
    pub street_code: Option<String>,
    pub proposer_id: i64,
    pub title: &'a str,
    pub body: &'a str,
    pub stage: &'a str,
}

pub async fn insert(
    db: &impl ConnectionTrait,
    t: &NewTopicRow<'_>,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    Ok(topic::ActiveModel {
        community_code: Set(t.community_code.to_string()),
        street_code: Set(t.street_code.clone()),
        proposer_id: Set(t.proposer_id),
        title: Set(t.title.to_string()),
        body: Set(t.body.to_string()),
        stage: Set(t.stage.to_string()),
        seconds: Set(0),
        hidden_reason: Set(None),
        agenda_at: Set(None),
        meeting_kind: Set(None),
        meeting_at: Set(None),
        meeting_place: Set(None),
        minutes: Set(None),
        vote_mode: Set(None),
        opens_at: Set(None),
        closes_at: Set(None),
        votes: Set(0),
        decision: Set(None),
        decided_at: Set(None),
        progress: Set(0),
        case_id: Set(None),
        project_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<TopicRow>, DbErr> {
    Ok(topic::Entity::find_by_id(id).one(db).await?.map(row))
}

/// How many topics a person proposed since `since`.
pub async fn proposed_since(
    db: &impl ConnectionTrait,
    user: i64,
    since: DateTime<Utc>,
) -> Result<u64, DbErr> {
    topic::Entity::find()
        .filter(topic::Column::ProposerId.eq(user))
        .filter(topic::Column::CreatedAt.gte(since))
        .count(db)
        .await
}

/// Which topics a list reader sees besides the public ones.
pub struct ListScope<'a> {
    /// Where the reader runs deliberation (`policy::topic_staff_scope`).
    pub staff: &'a crate::domain::policy::TopicStaffScope,
    /// The reader's own topics, whatever their stage.
    pub proposer: Option<i64>,
}

/// A page of topics, newest first: of one community or all; the public ones
/// (reviewed and not hidden) and what `scope` adds; before topic `before`.
pub async fn page(
    db: &impl ConnectionTrait,
    community: Option<&str>,
    scope: &ListScope<'_>,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<TopicRow>, DbErr> {
    use topic::Column as T;
    let mut q = topic::Entity::find();
    if !scope.staff.all {
        let public = Condition::all()
            .add(T::HiddenReason.is_null())
            .add(T::Stage.ne(crate::domain::topic::Stage::Proposed.as_str()));
        let mut seen = Condition::any().add(public);
        if !scope.staff.streets.is_empty() {
            seen = seen.add(T::StreetCode.is_in(scope.staff.streets.clone()));
        }
        if !scope.staff.communities.is_empty() {
            seen = seen.add(T::CommunityCode.is_in(scope.staff.communities.clone()));
        }
        if let Some(p) = scope.proposer {
            seen = seen.add(T::ProposerId.eq(p));
        }
        q = q.filter(seen);
    }
    if let Some(c) = community {
        q = q.filter(T::CommunityCode.eq(c));
    }
    if let Some(b) = before {
        q = q.filter(T::Id.lt(b));
    }
    Ok(q.order_by_desc(T::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(row)
        .collect())
}

/// The caller's own topics that are not public (awaiting review or
/// hidden), newest first, before topic `before`: what a resident's list adds
/// to the public page.
pub async fn own_unpublished(
    db: &impl ConnectionTrait,
    user: i64,
    community: Option<&str>,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<TopicRow>, DbErr> {
    use topic::Column as T;
    let mut q = topic::Entity::find().filter(T::ProposerId.eq(user)).filter(
        Condition::any()
            .add(T::HiddenReason.is_not_null())
            .add(T::Stage.eq(crate::domain::topic::Stage::Proposed.as_str())),
    );
    if let Some(c) = community {
        q = q.filter(T::CommunityCode.eq(c));
    }
    if let Some(b) = before {
        q = q.filter(T::Id.lt(b));
    }
    Ok(q.order_by_desc(T::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(row)
        .collect())
}

/// What a second did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seconded {
    /// Counted; `onto_agenda` when this very second moved the topic onto the
    /// agenda (exactly one second does).
    Counted {
        onto_agenda: bool,
    },
    Already,
    /// The topic no longer collects seconds.
    Closed,
}

/// Adds a second and, when the count reaches `threshold`, moves the topic
/// from `from` to `to` in the same transaction; the move is conditional on
/// the stage, so it happens once however many seconds arrive together.
pub async fn second<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    topic_id: i64,
    user: i64,
    threshold: i32,
    (from, to): (&str, &str),
    now: DateTime<Utc>,
) -> Result<Seconded, DbErr> {
    use topic::Column as T;
    let txn = db.begin().await?;
    let added = topic_second::ActiveModel {
        topic_id: Set(topic_id),
        user_id: Set(user),
        at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    match added {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => {
            txn.rollback().await?;
            return Ok(Seconded::Already);
        }
        Err(e) => return Err(e),
    }
    // Counted only while the topic still collects seconds (not hidden or
    // taken up meanwhile): the check the service made, made again under the
    // write.
    let counted = topic::Entity::update_many()
        .col_expr(T::Seconds, Expr::col(T::Seconds).add(1))
        .filter(T::Id.eq(topic_id))
        .filter(T::Stage.is_in([from, to]))
        .filter(T::HiddenReason.is_null())
        .exec(&txn)
        .await?
        .rows_affected
        == 1;
    if !counted {
        txn.rollback().await?;
        return Ok(Seconded::Closed);
    }
    let moved = topic::Entity::update_many()
        .col_expr(T::Stage, Expr::value(to))
        .col_expr(T::AgendaAt, Expr::value(now))
        .col_expr(T::UpdatedAt, Expr::value(now))
        .filter(T::Id.eq(topic_id))
        .filter(T::Stage.eq(from))
        .filter(T::HiddenReason.is_null())
        .filter(T::Seconds.gte(threshold))
        .exec(&txn)
        .await?
        .rows_affected
        == 1;
    txn.commit().await?;
    Ok(Seconded::Counted { onto_agenda: moved })
}

pub async fn has_seconded(
    db: &impl ConnectionTrait,
    topic_id: i64,
    user: i64,
) -> Result<bool, DbErr> {
    Ok(topic_second::Entity::find()
        .filter(topic_second::Column::TopicId.eq(topic_id))
        .filter(topic_second::Column::UserId.eq(user))
        .count(db)
        .await?
        > 0)
}

/// What a ballot did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ballot {
    Counted,
    /// This voter (key) has voted already.
    Already,
    /// No such option on this topic.
    NoOption,
    /// The vote is not open (closed, published or hidden meanwhile).
    Closed,
}

/// Counts a ballot: records the voter's key (unique per topic) and adds one
/// to the option and to the topic's total, together or not at all.
pub async fn vote<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    topic_id: i64,
    option_id: i64,
    voter_key: &str,
    entered_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Ballot, DbErr> {
    let txn = db.begin().await?;
    // The first statement writes, so SQLite takes the write lock at once.
    // Turnout keeps the day only: an exact time beside a live tally would
    // tell a watcher what one voter chose.
    let day = now
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .map(|d| d.and_utc())
        .unwrap_or(now);
    let added = topic_voter::ActiveModel {
        topic_id: Set(topic_id),
        voter_key: Set(voter_key.to_string()),
        paper: Set(entered_by.is_some()),
        entered_by: Set(entered_by),
        at: Set(day),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    match added {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => {
            txn.rollback().await?;
            return Ok(Ballot::Already);
        }
        Err(e) => return Err(e),
    }
    // The window and the stage, checked again under the write: a ballot
    // that meets a publish or a hide lands before it or not at all.
    use topic::Column as T;
    let open = topic::Entity::update_many()
        .col_expr(T::Votes, Expr::col(T::Votes).add(1))
        .filter(T::Id.eq(topic_id))
        .filter(T::Stage.eq(crate::domain::topic::Stage::Voting.as_str()))
        .filter(T::HiddenReason.is_null())
        .filter(T::OpensAt.lte(now))
        .filter(T::ClosesAt.gt(now))
        .exec(&txn)
        .await?
        .rows_affected
        == 1;
    if !open {
        txn.rollback().await?;
        return Ok(Ballot::Closed);
    }
    use topic_option::Column as O;
    let counted = topic_option::Entity::update_many()
        .col_expr(O::Votes, Expr::col(O::Votes).add(1))
        .filter(O::Id.eq(option_id))
        .filter(O::TopicId.eq(topic_id))
        .exec(&txn)
        .await?
        .rows_affected
        == 1;
    if !counted {
        txn.rollback().await?;
        return Ok(Ballot::NoOption);
    }
    txn.commit().await?;
    Ok(Ballot::Counted)
}

pub async fn has_voted(db: &impl ConnectionTrait, topic_id: i64, key: &str) -> Result<bool, DbErr> {
    Ok(topic_voter::Entity::find()
        .filter(topic_voter::Column::TopicId.eq(topic_id))
        .filter(topic_voter::Column::VoterKey.eq(key))
        .count(db)
        .await?
        > 0)
}

/// A topic's options in order, with their counts (the tally).
pub async fn options_of(
    db: &impl ConnectionTrait,
    topic_id: i64,
) -> Result<Vec<(i64, String, i64)>, DbErr> {
    topic_option::Entity::find()
        .filter(topic_option::Column::TopicId.eq(topic_id))
        .order_by_asc(topic_option::Column::Position)
        .select_only()
        .column(topic_option::Column::Id)
        .column(topic_option::Column::Label)
        .column(topic_option::Column::Votes)
        .into_tuple()
        .all(db)
        .await
}

/// Implementation updates, oldest first: (progress, note, at).
pub async fn updates_of(
    db: &impl ConnectionTrait,
    topic_id: i64,
) -> Result<Vec<(i32, String, DateTime<Utc>)>, DbErr> {
    topic_update::Entity::find()
        .filter(topic_update::Column::TopicId.eq(topic_id))
        .order_by_asc(topic_update::Column::Id)
        .select_only()
        .column(topic_update::Column::Progress)
        .column(topic_update::Column::Note)
        .column(topic_update::Column::At)
        .into_tuple()
        .all(db)
        .await
}

/// What a community step writes besides the stage.
pub enum StepWrite<'a> {
    Approve,
    Hide {
        reason: &'a str,
    },
    Discuss {
        kind: &'a str,
        held_at: DateTime<Utc>,
        place: &'a str,
        minutes: &'a str,
        options: &'a [String],
        mode: &'a str,
        opens_at: DateTime<Utc>,
        closes_at: DateTime<Utc>,
    },
    Publish {
        decision: &'a str,
    },
    Progress {
        progress: i32,
        note: &'a str,
        author: i64,
        case_id: Option<i64>,
        project_id: Option<i64>,
    },
}

/// Takes a community step if the topic is still at `from` (and not hidden):
/// the stage and the step's fields in one transaction; false when another
/// step landed first.
pub async fn step<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    id: i64,
    from: &str,
    to: &str,
    w: &StepWrite<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use topic::Column as T;
    let txn = db.begin().await?;
    let mut u = topic::Entity::update_many()
        .col_expr(T::Stage, Expr::value(to))
        .col_expr(T::UpdatedAt, Expr::value(now));
    u = match w {
        StepWrite::Approve => u,
        StepWrite::Hide { reason } => u.col_expr(T::HiddenReason, Expr::value(reason.to_string())),
        StepWrite::Discuss {
            kind,
            held_at,
            place,
            minutes,
            mode,
            opens_at,
            closes_at,
            ..
        } => u
            .col_expr(T::MeetingKind, Expr::value(kind.to_string()))
            .col_expr(T::MeetingAt, Expr::value(*held_at))
            .col_expr(T::MeetingPlace, Expr::value(place.to_string()))
            .col_expr(T::Minutes, Expr::value(minutes.to_string()))
            .col_expr(T::VoteMode, Expr::value(mode.to_string()))
            .col_expr(T::OpensAt, Expr::value(*opens_at))
            .col_expr(T::ClosesAt, Expr::value(*closes_at)),
        StepWrite::Publish { decision } => u
            .col_expr(T::Decision, Expr::value(decision.to_string()))
            .col_expr(T::DecidedAt, Expr::value(now)),
        StepWrite::Progress {
            progress,
            case_id,
            project_id,
            ..
        } => {
            let mut u = u.col_expr(T::Progress, Expr::value(*progress));
            if let Some(c) = case_id {
                u = u.col_expr(T::CaseId, Expr::value(*c));
            }
            if let Some(p) = project_id {
                u = u.col_expr(T::ProjectId, Expr::value(*p));
            }
            u
        }
    };
    let mut u = u.filter(T::Id.eq(id)).filter(T::Stage.eq(from));
    if let StepWrite::Progress { progress, .. } = w {
        // Two updates read the same progress: the lower one does not land.
        u = u.filter(T::Progress.lte(*progress));
    }
    if !matches!(w, StepWrite::Hide { .. }) {
        u = u.filter(T::HiddenReason.is_null());
    }
    if u.exec(&txn).await?.rows_affected != 1 {
        txn.rollback().await?;
        return Ok(false);
    }
    match w {
        StepWrite::Discuss { options, .. } => {
            for (i, label) in options.iter().enumerate() {
                topic_option::ActiveModel {
                    topic_id: Set(id),
                    label: Set(label.clone()),
                    position: Set(i as i32),
                    votes: Set(0),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }
        }
        StepWrite::Progress {
            progress,
            note,
            author,
            ..
        } => {
            topic_update::ActiveModel {
                topic_id: Set(id),
                progress: Set(*progress),
                note: Set(note.to_string()),
                author_id: Set(*author),
                at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        _ => {}
    }
    txn.commit().await?;
    Ok(true)
}

/// The seconding thresholds these communities set (the others keep the default).
pub async fn thresholds_of(
    db: &impl ConnectionTrait,
    communities: &[String],
) -> Result<Vec<(String, i32)>, DbErr> {
    if communities.is_empty() {
        return Ok(Vec::new());
    }
    topic_threshold::Entity::find()
        .filter(topic_threshold::Column::CommunityCode.is_in(communities.to_vec()))
        .select_only()
        .column(topic_threshold::Column::CommunityCode)
        .column(topic_threshold::Column::Threshold)
        .into_tuple()
        .all(db)
        .await
}

/// The community's seconding threshold, if it set one.
pub async fn threshold_of(
    db: &impl ConnectionTrait,
    community: &str,
) -> Result<Option<i32>, DbErr> {
    topic_threshold::Entity::find()
        .filter(topic_threshold::Column::CommunityCode.eq(community))
        .select_only()
        .column(topic_threshold::Column::Threshold)
        .into_tuple()
        .one(db)
        .await
}

/// Sets a community's seconding threshold (two admins saving at once: the
/// second insert meets the unique index and updates instead).
pub async fn set_threshold(
    db: &impl ConnectionTrait,
    community: &str,
    n: i32,
) -> Result<(), DbErr> {
    let added = topic_threshold::ActiveModel {
        community_code: Set(community.to_string()),
        threshold: Set(n),
        ..Default::default()
    }
    .insert(db)
    .await;
    match added {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => {
            topic_threshold::Entity::update_many()
                .col_expr(topic_threshold::Column::Threshold, Expr::value(n))
                .filter(topic_threshold::Column::CommunityCode.eq(community))
                .exec(db)
                .await?;
        }
        Err(e) => return Err(e),
    }
    Ok(())
}

/// Moves the community's topics that have `n` seconds or more onto the
/// agenda (a lowered threshold); answers their ids and titles.
pub async fn onto_agenda_at(
    db: &impl ConnectionTrait,
    community: &str,
    n: i32,
    now: DateTime<Utc>,
) -> Result<Vec<(i64, String)>, DbErr> {
    use crate::domain::topic::Stage;
    use topic::Column as T;
    let due: Vec<(i64, String)> = topic::Entity::find()
        .filter(T::CommunityCode.eq(community))
        .filter(T::Stage.eq(Stage::Seconding.as_str()))
        .filter(T::HiddenReason.is_null())
        .filter(T::Seconds.gte(n))
        .select_only()
        .column(T::Id)
        .column(T::Title)
        .into_tuple()
        .all(db)
        .await?;
    let mut moved = Vec::new();
    for (id, title) in due {
        let done = topic::Entity::update_many()
            .col_expr(T::Stage, Expr::value(Stage::Agenda.as_str()))
            .col_expr(T::AgendaAt, Expr::value(now))
            .filter(T::Id.eq(id))
            .filter(T::Stage.eq(Stage::Seconding.as_str()))
            .exec(db)
            .await?
            .rows_affected
            == 1;
        if done {
            moved.push((id, title));
        }
    }
    Ok(moved)
}
