//! 四步议事 (issue 11): proposing and seconding topics, the community's
//! steps (review, meeting and vote, result, implementation), votes online
//! and on paper. The rules are `domain::topic` and `policy::may_run_topics`
//! / `may_see_topic`; no answer names who proposed, seconded or voted.

use super::audit::{record, Target};
use super::auth::Viewer;
use super::notices::notify;
use super::{first_problem, internal};
use crate::backend::state::AppState;
use crate::backend::store::topics::{self as db, Ballot, ListScope, Seconded, StepWrite, TopicRow};
use crate::backend::store::{accounts, households, lists};
use crate::domain::audit::AuditAction;
use crate::domain::auth::{Place, Role};
use crate::domain::error::{AppError, Field, InputProblem};
use crate::domain::geography::Level;
use crate::domain::notice::NoticeKind;
use crate::domain::policy;
use crate::domain::topic::{
    self as rule, decide, vote_open, voter_key, Facts, MeetingKind, MeetingView, NewTopic, NotNow,
    OptionView, StaffStep, Stage, TopicLine, TopicView, UpdateView, VoteMode,
};
use chrono::{DateTime, Duration, Utc};

fn place_of(state: &AppState, row: &TopicRow) -> Place {
    state
        .atlas()
        .place_of(&row.community_code)
        .unwrap_or(Place {
            grid: None,
            community: Some(row.community_code.clone()),
            street: row.street_code.clone(),
        })
}

fn stage(row: &TopicRow) -> Stage {
    Stage::parse(&row.stage).unwrap_or(Stage::Proposed)
}

fn public(row: &TopicRow) -> bool {
    row.hidden_reason.is_none() && stage(row) != Stage::Proposed
}

/// The topic `id` if `viewer` may read it; others' unpublished topics answer
/// as missing.
async fn readable(
    state: &AppState,
    viewer: Option<&Viewer>,
    id: i64,
) -> Result<(TopicRow, Place), AppError> {
    let row = db::by_id(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let place = place_of(state, &row);
    let (user, grants) = match viewer {
        Some(v) => (Some(v.id), v.grants.as_slice()),
        None => (None, &[][..]),
    };
    if !policy::may_see_topic(user, grants, row.proposer_id, public(&row), &place) {
        return Err(AppError::NotFound);
    }
    Ok((row, place))
}

async fn threshold(state: &AppState, community: &str) -> Result<u32, AppError> {
    Ok(db::threshold_of(&state.db, community)
        .await?
        .map(|n| n.max(1) as u32)
        .unwrap_or(rule::DEFAULT_THRESHOLD))
}

/// The community's admins: told of new topics and of topics reaching the agenda.
async fn community_admins(state: &AppState, community: &str) -> Vec<i64> {
    match accounts::users_scoped_to(&state.db, &[community.to_string()]).await {
        Ok(rows) => rows
            .into_iter()
            .filter(|(u, g)| g.role == Role::CommunityAdmin && !u.disabled)
            .map(|(u, _)| u.id)
            .collect(),
        Err(e) => {
            internal(e);
            Vec::new()
        }
    }
}

/// Where `viewer` stands on `community`'s household records: their
/// household (the one linked to their account, else the one listing their
/// phone) and the member listed with their phone, if any. Seconds and votes
/// are for the community's residents.
async fn on_records(
    state: &AppState,
    viewer: &Viewer,
    community: &str,
) -> Result<Option<(i64, Option<i64>)>, AppError> {
    let listed = households::member_of_phone(&state.db, &viewer.phone, community).await?;
    let linked = match households::of_resident(&state.db, viewer.id).await? {
        Some(id) => households::by_id(&state.db, id)
            .await?
            .filter(|(h, _)| h.codes.community.as_deref() == Some(community))
            .map(|(h, members)| {
                let me = members
                    .iter()
                    .find(|m| m.phone.as_deref() == Some(viewer.phone.as_str()))
                    .map(|m| m.id);
                (h.id, me)
            }),
        None => None,
    };
    Ok(linked.or(listed.map(|(h, m)| (h, Some(m)))))
}

/// The one-vote key of `viewer` on a topic of `community` voted in `mode`,
/// or why they may not vote: 一户一票 counts their household, 一人一票 the
/// member listed with their phone. Paper ballots use the same keys, so
/// nobody votes twice.
async fn online_key(
    state: &AppState,
    viewer: &Viewer,
    mode: VoteMode,
    community: &str,
) -> Result<String, AppError> {
    on_records(state, viewer, community)
        .await?
        .and_then(|(h, m)| voter_key(mode, h, m))
        .ok_or(AppError::invalid(Field::Vote, InputProblem::Unknown))
}

async fn view(
    state: &AppState,
    viewer: Option<&Viewer>,
    row: TopicRow,
    place: &Place,
) -> Result<TopicView, AppError> {
    let now = Utc::now();
    let staff = viewer.is_some_and(|v| policy::may_run_topics(&v.grants, place));
    let mine = viewer.is_some_and(|v| v.id == row.proposer_id);
    let stage = stage(&row);
    let mode = row.vote_mode.as_deref().and_then(VoteMode::parse);
    let options = db::options_of(&state.db, row.id)
        .await?
        .into_iter()
        .map(|(id, label, votes)| OptionView {
            id,
            label,
            votes: votes.max(0) as u64,
        })
        .collect();
    let updates = db::updates_of(&state.db, row.id)
        .await?
        .into_iter()
        .map(|(progress, note, at)| UpdateView {
            progress: progress.clamp(0, 100) as u8,
            note,
            at,
        })
        .collect();
    let hidden = row.hidden_reason.is_some();
    let seconding = !hidden && matches!(stage, Stage::Seconding | Stage::Agenda);
    let (seconded, voted) = match viewer {
        Some(v) => {
            let seconded = seconding && db::has_seconded(&state.db, row.id, v.id).await?;
            let open = vote_open(stage, row.opens_at, row.closes_at, now);
            let voted = match (open || stage == Stage::Voting, mode) {
                (true, Some(m)) => match online_key(state, v, m, &row.community_code).await {
                    Ok(key) => db::has_voted(&state.db, row.id, &key).await?,
                    Err(_) => false,
                },
                _ => false,
            };
            (seconded, voted)
        }
        None => (false, false),
    };
    let open = !hidden && vote_open(stage, row.opens_at, row.closes_at, now);
    let community_name = state
        .atlas()
        .name_of(&row.community_code)
        .unwrap_or(&row.community_code)
        .to_string();
    let meeting = match (
        row.meeting_kind.as_deref().and_then(MeetingKind::parse),
        row.meeting_at,
    ) {
        (Some(kind), Some(held_at)) => Some(MeetingView {
            kind,
            held_at,
            place: row.meeting_place.clone().unwrap_or_default(),
            minutes: row.minutes.clone().unwrap_or_default(),
        }),
        _ => None,
    };
    Ok(TopicView {
        id: row.id,
        community_name,
        title: row.title,
        body: row.body,
        stage,
        created_at: row.created_at,
        seconds: row.seconds.max(0) as u32,
        threshold: threshold(state, &row.community_code).await?,
        agenda_at: row.agenda_at,
        meeting,
        mode,
        opens_at: row.opens_at,
        closes_at: row.closes_at,
        options,
        votes: row.votes.max(0) as u64,
        decision: row.decision,
        decided_at: row.decided_at,
        progress: row.progress.clamp(0, 100) as u8,
        updates,
        case_id: row.case_id,
        project_id: row.project_id,
        hidden_reason: if mine || staff {
            row.hidden_reason
        } else {
            None
        },
        hidden,
        may_second: viewer.is_some() && seconding && !mine && !seconded,
        may_vote: viewer.is_some() && open && !voted,
        mine,
        seconded,
        voted,
        staff,
        community_code: row.community_code,
    })
}

/// Proposes a topic in a community: it waits for the community's review.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn propose(
    state: &AppState,
    viewer: &Viewer,
    new: NewTopic,
) -> Result<TopicView, AppError> {
    first_problem(new.problems())?;
    let community = new.community_code.trim().to_ascii_uppercase();
    let place = {
        let atlas = state.atlas();
        if atlas.level_of(&community) != Some(Level::Community) {
            return Err(AppError::invalid(Field::Community, InputProblem::Unknown));
        }
        atlas.place_of(&community).unwrap_or_default()
    };
    let now = Utc::now();
    if db::proposed_since(&state.db, viewer.id, now - Duration::days(1)).await?
        >= rule::MAX_PROPOSALS_PER_DAY
    {
        return Err(AppError::invalid(Field::Topic, InputProblem::TooMany));
    }
    let title = new.title.trim();
    let id = db::insert(
        &state.db,
        &db::NewTopicRow {
            community_code: &community,
            street_code: place.street.clone(),
            proposer_id: viewer.id,
            title,
            body: new.body.trim(),
            stage: Stage::Proposed.as_str(),
        },
        now,
    )
    .await?;
    let admins = community_admins(state, &community).await;
    notify(state, &admins, NoticeKind::Topic, id, "proposed", title).await;
    detail(state, Some(viewer), id).await
}

/// The public list's pages, the same for every reader: forgotten when a
/// topic changes stage here, at most 5 s old otherwise (seconds and vote
/// counts on the list may lag that long; a topic's page is always live).
pub type ListCache =
    crate::backend::cache::ReadCache<(Option<String>, Option<i64>), Vec<TopicLine>>;

pub fn list_cache() -> ListCache {
    ListCache::new(std::time::Duration::from_secs(5), 1000)
}

/// A page of topics, newest first: the public ones, with the caller's own
/// and (staff) their communities' unpublished ones.
pub async fn list(
    state: &AppState,
    viewer: Option<&Viewer>,
    community: Option<String>,
    before: Option<i64>,
) -> Result<Vec<TopicLine>, AppError> {
    let community = community
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty());
    let staff = viewer
        .map(|v| policy::topic_staff_scope(&v.grants))
        .unwrap_or_default();
    if staff.all || !staff.streets.is_empty() || !staff.communities.is_empty() {
        let scope = ListScope {
            staff: &staff,
            proposer: viewer.map(|v| v.id),
        };
        let rows = db::page(&state.db, community.as_deref(), &scope, before, rule::PAGE).await?;
        return lines(state, rows).await;
    }
    // Everyone else reads the public page (cached) and their own unpublished
    // topics, merged newest first.
    let public = state
        .topic_cache
        .get_or_fill((community.clone(), before), || async {
            let scope = ListScope {
                staff: &staff,
                proposer: None,
            };
            let rows =
                db::page(&state.db, community.as_deref(), &scope, before, rule::PAGE).await?;
            lines(state, rows).await
        })
        .await?;
    let Some(v) = viewer else {
        return Ok(public.as_ref().clone());
    };
    let own =
        db::own_unpublished(&state.db, v.id, community.as_deref(), before, rule::PAGE).await?;
    if own.is_empty() {
        return Ok(public.as_ref().clone());
    }
    let mut all = lines(state, own).await?;
    all.extend(public.iter().cloned());
    all.sort_by_key(|l| std::cmp::Reverse(l.id));
    all.truncate(rule::PAGE as usize);
    Ok(all)
}

/// List lines of stored topics, with each community's threshold read at once.
async fn lines(state: &AppState, rows: Vec<TopicRow>) -> Result<Vec<TopicLine>, AppError> {
    let mut communities: Vec<String> = rows.iter().map(|r| r.community_code.clone()).collect();
    communities.sort();
    communities.dedup();
    let set = db::thresholds_of(&state.db, &communities).await?;
    let atlas = state.atlas();
    Ok(rows
        .into_iter()
        .map(|r| TopicLine {
            id: r.id,
            community_name: atlas
                .name_of(&r.community_code)
                .unwrap_or(&r.community_code)
                .to_string(),
            stage: stage(&r),
            seconds: r.seconds.max(0) as u32,
            threshold: set
                .iter()
                .find(|(c, _)| *c == r.community_code)
                .map(|(_, n)| (*n).max(1) as u32)
                .unwrap_or(rule::DEFAULT_THRESHOLD),
            votes: r.votes.max(0) as u64,
            progress: r.progress.clamp(0, 100) as u8,
            hidden: r.hidden_reason.is_some(),
            created_at: r.created_at,
            title: r.title,
        })
        .collect())
}

/// A topic's whole path (its public result page).
pub async fn detail(
    state: &AppState,
    viewer: Option<&Viewer>,
    id: i64,
) -> Result<TopicView, AppError> {
    let (row, place) = readable(state, viewer, id).await?;
    view(state, viewer, row, &place).await
}

/// Seconds (附议) a public topic; the second that reaches the community's
/// threshold puts it on the agenda and tells the community, once.
#[tracing::instrument(skip_all, fields(user = viewer.id, topic = id))]
pub async fn second(state: &AppState, viewer: &Viewer, id: i64) -> Result<TopicView, AppError> {
    let (row, _) = readable(state, Some(viewer), id).await?;
    if row.proposer_id == viewer.id {
        return Err(AppError::invalid(Field::Second, InputProblem::Unknown));
    }
    if row.hidden_reason.is_some() || !matches!(stage(&row), Stage::Seconding | Stage::Agenda) {
        return Err(AppError::WrongState);
    }
    if on_records(state, viewer, &row.community_code)
        .await?
        .is_none()
    {
        return Err(AppError::invalid(Field::Second, InputProblem::OutOfRange));
    }
    let needed = threshold(state, &row.community_code).await?;
    let outcome = db::second(
        &state.db,
        id,
        viewer.id,
        needed as i32,
        (Stage::Seconding.as_str(), Stage::Agenda.as_str()),
        Utc::now(),
    )
    .await?;
    match outcome {
        Seconded::Already => return Err(AppError::invalid(Field::Second, InputProblem::Taken)),
        Seconded::Closed => return Err(AppError::WrongState),
        Seconded::Counted { onto_agenda: true } => {
            state.topic_cache.clear();
            let mut to = community_admins(state, &row.community_code).await;
            to.push(row.proposer_id);
            notify(state, &to, NoticeKind::Topic, id, "agenda", &row.title).await;
        }
        Seconded::Counted { onto_agenda: false } => {}
    }
    detail(state, Some(viewer), id).await
}

/// A resident's vote, while the window is open: one per resident or per
/// household, as the topic says.
// (No user in the span: a debug log of the ballot's statements would tie
// them to the option.)
#[tracing::instrument(skip_all, fields(topic = id))]
pub async fn vote(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    option: i64,
) -> Result<TopicView, AppError> {
    let (row, _) = readable(state, Some(viewer), id).await?;
    let mode = row.vote_mode.as_deref().and_then(VoteMode::parse);
    let (Some(mode), false) = (mode, row.hidden_reason.is_some()) else {
        return Err(AppError::invalid(Field::Vote, InputProblem::OutOfRange));
    };
    let now = Utc::now();
    if !vote_open(stage(&row), row.opens_at, row.closes_at, now) {
        return Err(AppError::invalid(Field::Vote, InputProblem::OutOfRange));
    }
    let key = online_key(state, viewer, mode, &row.community_code).await?;
    count(state, id, option, &key, None, now).await?;
    detail(state, Some(viewer), id).await
}

async fn count(
    state: &AppState,
    id: i64,
    option: i64,
    key: &str,
    entered_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    match db::vote(&state.db, id, option, key, entered_by, now).await? {
        Ballot::Counted => Ok(()),
        Ballot::Already => Err(AppError::invalid(Field::Vote, InputProblem::Taken)),
        Ballot::NoOption => Err(AppError::invalid(Field::Options, InputProblem::Unknown)),
        Ballot::Closed => Err(AppError::invalid(Field::Vote, InputProblem::OutOfRange)),
    }
}

/// A paper ballot entered by staff who run the community's deliberation:
/// it names the household record (and, 一人一票, the member of it who
/// voted), so the one-vote rule holds for paper too. Audited, without the
/// option chosen.
#[tracing::instrument(skip_all, fields(topic = id))]
pub async fn paper_ballot(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    option: i64,
    household: i64,
    member: Option<i64>,
) -> Result<TopicView, AppError> {
    let (row, place) = readable(state, Some(viewer), id).await?;
    if !policy::may_run_topics(&viewer.grants, &place) {
        return Err(AppError::Forbidden);
    }
    let mode = row.vote_mode.as_deref().and_then(VoteMode::parse);
    let now = Utc::now();
    let open =
        row.hidden_reason.is_none() && vote_open(stage(&row), row.opens_at, row.closes_at, now);
    let Some(mode) = mode.filter(|_| open) else {
        return Err(AppError::invalid(Field::Vote, InputProblem::OutOfRange));
    };
    let Some((h, members)) = households::by_id(&state.db, household).await? else {
        return Err(AppError::invalid(Field::Address, InputProblem::Unknown));
    };
    if h.codes.community.as_deref() != Some(row.community_code.as_str()) {
        return Err(AppError::invalid(Field::Address, InputProblem::Unknown));
    }
    let member = match (mode, member) {
        (VoteMode::Household, _) => None,
        (VoteMode::Resident, Some(m)) if members.iter().any(|x| x.id == m) => Some(m),
        (VoteMode::Resident, _) => {
            return Err(AppError::invalid(Field::Members, InputProblem::Unknown))
        }
    };
    let key = voter_key(mode, h.id, member)
        .ok_or(AppError::invalid(Field::Vote, InputProblem::Unknown))?;
    count(state, id, option, &key, Some(viewer.id), now).await?;
    // Who voted on paper (turnout, to check against the slips), never what
    // they chose.
    record(
        state,
        viewer,
        AuditAction::TopicStep,
        Target::new("topic", id).in_street(row.street_code.clone()),
        match member {
            Some(m) => format!("paper_ballot household {} member {m}", h.id),
            None => format!("paper_ballot household {}", h.id),
        },
    )
    .await?;
    detail(state, Some(viewer), id).await
}

/// A community step on a topic: review or hide, the meeting with its vote,
/// the published result, implementation progress.
#[tracing::instrument(skip_all, fields(user = viewer.id, topic = id))]
pub async fn step(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    step: StaffStep,
) -> Result<TopicView, AppError> {
    let (row, place) = readable(state, Some(viewer), id).await?;
    if !policy::may_run_topics(&viewer.grants, &place) {
        return Err(AppError::Forbidden);
    }
    let now = Utc::now();
    let from = stage(&row);
    let facts = Facts {
        stage: from,
        hidden: row.hidden_reason.is_some(),
        closes_at: row.closes_at,
    };
    let to = decide(&facts, &step, now).map_err(|n| match n {
        NotNow::WrongStage => AppError::WrongState,
        NotNow::StillVoting => AppError::invalid(Field::Vote, InputProblem::InPast),
    })?;
    let text = super::text;
    let options: Vec<String> = match &step {
        StaffStep::Discuss(d) => d.options.iter().map(|o| o.trim().to_string()).collect(),
        _ => Vec::new(),
    };
    let write = match &step {
        StaffStep::Approve => StepWrite::Approve,
        StaffStep::Hide { reason } => {
            text(reason, Field::Reason, rule::MAX_REASON, true)?;
            StepWrite::Hide {
                reason: reason.trim(),
            }
        }
        StaffStep::Discuss(d) => {
            first_problem(d.problems(now))?;
            StepWrite::Discuss {
                kind: d.kind.as_str(),
                held_at: d.held_at,
                place: d.place.trim(),
                minutes: d.minutes.trim(),
                options: &options,
                mode: d.mode.as_str(),
                opens_at: d.opens_at,
                closes_at: d.closes_at,
            }
        }
        StaffStep::Publish { decision } => {
            text(decision, Field::Result, rule::MAX_MINUTES, true)?;
            StepWrite::Publish {
                decision: decision.trim(),
            }
        }
        StaffStep::Progress(p) => {
            if p.progress > 100 || (p.progress as i32) < row.progress {
                return Err(AppError::invalid(Field::Progress, InputProblem::OutOfRange));
            }
            text(&p.note, Field::Note, rule::MAX_REASON, true)?;
            // What carries the decision out is the community's own: a case
            // or project of another place is refused as unknown.
            let own = Some(row.community_code.as_str());
            if let Some(c) = p.case_id {
                let case = crate::backend::store::cases::case_by_id(&state.db, c).await?;
                if case.as_ref().and_then(|c| c.community_code.as_deref()) != own {
                    return Err(AppError::invalid(Field::LinkedCase, InputProblem::Unknown));
                }
            }
            if let Some(pid) = p.project_id {
                let project = lists::project_by_id(&state.db, pid).await?;
                if project.as_ref().map(|p| p.community_code.as_str()) != own {
                    return Err(AppError::invalid(
                        Field::LinkedProject,
                        InputProblem::Unknown,
                    ));
                }
            }
            StepWrite::Progress {
                progress: p.progress as i32,
                note: p.note.trim(),
                author: viewer.id,
                case_id: p.case_id,
                project_id: p.project_id,
            }
        }
    };
    if !db::step(&state.db, id, from.as_str(), to.as_str(), &write, now).await? {
        return Err(AppError::WrongState);
    }
    state.topic_cache.clear();
    record(
        state,
        viewer,
        AuditAction::TopicStep,
        Target::new("topic", id).in_street(row.street_code.clone()),
        step.as_str(),
    )
    .await?;
    if matches!(
        step,
        StaffStep::Approve | StaffStep::Hide { .. } | StaffStep::Publish { .. }
    ) && row.proposer_id != viewer.id
    {
        notify(
            state,
            &[row.proposer_id],
            NoticeKind::Topic,
            id,
            step.as_str(),
            &row.title,
        )
        .await;
    }
    detail(state, Some(viewer), id).await
}

/// Sets the seconds a community's topics need to reach its agenda.
pub async fn set_threshold(
    state: &AppState,
    viewer: &Viewer,
    community: &str,
    n: u32,
) -> Result<u32, AppError> {
    let community = community.trim().to_ascii_uppercase();
    let place = {
        let atlas = state.atlas();
        if atlas.level_of(&community) != Some(Level::Community) {
            return Err(AppError::invalid(Field::Community, InputProblem::Unknown));
        }
        atlas.place_of(&community).unwrap_or_default()
    };
    if !policy::may_run_topics(&viewer.grants, &place) {
        return Err(AppError::Forbidden);
    }
    if n == 0 || n > rule::MAX_THRESHOLD {
        return Err(AppError::invalid(Field::Value, InputProblem::OutOfRange));
    }
    db::set_threshold(&state.db, &community, n as i32).await?;
    // A lowered threshold puts the topics already past it on the agenda.
    let moved = db::onto_agenda_at(&state.db, &community, n as i32, Utc::now()).await?;
    state.topic_cache.clear();
    let admins = community_admins(state, &community).await;
    for (id, title) in &moved {
        notify(state, &admins, NoticeKind::Topic, *id, "agenda", title).await;
    }
    record(
        state,
        viewer,
        AuditAction::TopicStep,
        Target::new("community", &community).in_street(place.street.clone()),
        format!("threshold {n}"),
    )
    .await?;
    Ok(n)
}
