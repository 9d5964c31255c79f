//! 置换-分享 between people (issue 11): offers and asks, answers, and the
//! contact that both sides see only once both agreed. The rules are
//! `domain::exchange::decide` (the steps) and `policy` (the contact, taking
//! a post down); the public list names a unit but never a person.

use super::audit::{record, Target};
use super::auth::Viewer;
use super::notices::notify;
use super::{community_place, first_problem};
use crate::backend::state::AppState;
use crate::backend::store::exchange::{self as db, MatchRow, PostLimits, PostRow, Refused};
use crate::backend::store::{accounts, units};
use crate::domain::audit::AuditAction;
use crate::domain::auth::Role;
use crate::domain::error::{AppError, Field, InputProblem};
use crate::domain::exchange::{
    actions, decide, message_problem, Contact, ExchangeView, Match, MatchAction, MatchFacts,
    MatchStep, Post, PostForm, PostStatus, Refusal, LISTED, MAX_LIVE_ANSWERS, MAX_OPEN_POSTS,
    MAX_POSTS_A_DAY,
};
use crate::domain::notice::NoticeKind;
use crate::domain::policy;
use crate::domain::unit::Review;
use crate::domain::wish::unit_of;
use chrono::Utc;
use std::collections::HashMap;

/// A reason the community gives for taking a post down.
const MAX_REASON: usize = 200;

fn facts(post: &PostRow, m: &MatchRow) -> MatchFacts {
    MatchFacts {
        author: post.author_id,
        responder: m.responder_id,
        kind: post.kind,
        deal: post.deal,
        thing: post.thing,
        post_open: post.status == PostStatus::Open,
        step: m.step,
    }
}

/// The approved unit a unit admin runs (id, name): they may post for it.
async fn own_unit(state: &AppState, viewer: &Viewer) -> Result<Option<(i64, String)>, AppError> {
    let Some(id) = unit_of(&viewer.grants, Role::UnitAdmin) else {
        return Ok(None);
    };
    Ok(units::unit_by_id(&state.db, id)
        .await?
        .filter(|u| u.status == Review::Approved)
        .map(|u| (u.id, u.name)))
}

async fn unit_names(
    state: &AppState,
    posts: &[&PostRow],
) -> Result<HashMap<i64, String>, AppError> {
    let mut out = HashMap::new();
    for id in posts.iter().filter_map(|p| p.unit_id) {
        if let std::collections::hash_map::Entry::Vacant(e) = out.entry(id) {
            if let Some(u) = units::unit_by_id(&state.db, id).await? {
                e.insert(u.name);
            }
        }
    }
    Ok(out)
}

fn post_view(
    state: &AppState,
    p: &PostRow,
    reader: Option<i64>,
    units: &HashMap<i64, String>,
    answered: Option<MatchStep>,
) -> Post {
    let mine = reader == Some(p.author_id);
    Post {
        id: p.id,
        kind: p.kind,
        deal: p.deal,
        thing: p.thing,
        community_code: p.community_code.clone(),
        community: state
            .atlas()
            .name_of(&p.community_code)
            .unwrap_or_default()
            .to_string(),
        title: p.title.clone(),
        detail: p.detail.clone(),
        unit: p.unit_id.and_then(|u| units.get(&u).cloned()),
        status: p.status,
        removed_reason: if mine { p.removed_reason.clone() } else { None },
        created_at: p.created_at,
        mine,
        answered,
    }
}

/// The board: open posts (one community's or all), and for a signed-in
/// reader their own posts and the answers they are a side of.
pub async fn view(
    state: &AppState,
    viewer: Option<&Viewer>,
    community: Option<String>,
) -> Result<ExchangeView, AppError> {
    let communities: Vec<(String, String)> = state
        .atlas()
        .communities()
        .into_iter()
        .map(|c| (c.code, c.name))
        .collect();
    let shown = community.filter(|c| communities.iter().any(|(code, _)| code == c));
    let open = db::open_posts(&state.db, shown.as_deref(), LISTED).await?;
    let reader = viewer.map(|v| v.id);
    let (mine, given, taken) = match viewer {
        Some(v) => {
            let mine = db::posts_of(&state.db, v.id, LISTED).await?;
            let ids: Vec<i64> = mine.iter().map(|p| p.id).collect();
            let given = db::answers_by(&state.db, v.id, LISTED).await?;
            let taken = db::answers_on(&state.db, &ids, LISTED).await?;
            (mine, given, taken)
        }
        None => Default::default(),
    };
    // The posts the reader answered, to name them in their answers.
    let answered_ids: Vec<i64> = given.iter().map(|a| a.post_id).collect();
    let answered_posts = db::posts(&state.db, &answered_ids).await?;
    let all: Vec<&PostRow> = open
        .iter()
        .chain(mine.iter())
        .chain(answered_posts.iter())
        .collect();
    let unit_of_post = unit_names(state, &all).await?;
    let by_id: HashMap<i64, &PostRow> = all.iter().map(|p| (p.id, *p)).collect();
    let steps = db::steps_by_post(&given);
    let posts = open
        .iter()
        .map(|p| post_view(state, p, reader, &unit_of_post, steps.get(&p.id).copied()))
        .collect();
    let mine_views = mine
        .iter()
        .map(|p| post_view(state, p, reader, &unit_of_post, None))
        .collect();
    let mut matches: Vec<Match> = taken
        .iter()
        .chain(given.iter())
        .filter_map(|m| {
            let post = by_id.get(&m.post_id)?;
            let user = reader?;
            let f = facts(post, m);
            Some(Match {
                id: m.id,
                post_id: post.id,
                post_title: post.title.clone(),
                kind: post.kind,
                deal: post.deal,
                step: m.step,
                message: m.message.clone(),
                created_at: m.created_at,
                updated_at: m.updated_at,
                author_side: post.author_id == user,
                comes_back: f.comes_back(),
                actions: actions(user, &f),
                contact_ready: policy::may_see_exchange_contact(user, &f),
            })
        })
        .collect();
    // What waits for the reader first, then the latest.
    matches.sort_by_key(|m| (m.actions.is_empty(), std::cmp::Reverse(m.updated_at)));
    let (moderates, unit) = match viewer {
        Some(v) => {
            let atlas = state.atlas();
            let moderates = communities
                .iter()
                .filter(|(c, _)| {
                    atlas
                        .place_of(c)
                        .is_some_and(|p| policy::may_take_down_post(&v.grants, &p))
                })
                .map(|(c, _)| c.clone())
                .collect();
            (moderates, own_unit(state, v).await?.map(|u| u.1))
        }
        None => (Vec::new(), None),
    };
    Ok(ExchangeView {
        community: shown,
        communities,
        posts,
        mine: mine_views,
        matches,
        moderates,
        unit,
    })
}

/// A signed-in person posts an offer or an ask in a community.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn post(state: &AppState, viewer: &Viewer, form: PostForm) -> Result<i64, AppError> {
    first_problem(form.problems())?;
    let code = form.community_code.trim();
    let place = community_place(state, code)
        .ok_or_else(|| AppError::invalid(Field::Community, InputProblem::Unknown))?;
    let unit = if form.for_unit {
        Some(own_unit(state, viewer).await?.ok_or(AppError::Forbidden)?.0)
    } else {
        None
    };
    match db::insert_post(
        &state.db,
        &form,
        viewer.id,
        unit,
        place.street,
        PostLimits {
            open: MAX_OPEN_POSTS,
            a_day: MAX_POSTS_A_DAY,
        },
        Utc::now(),
    )
    .await?
    {
        Ok(id) => Ok(id),
        Err(_) => Err(AppError::invalid(Field::Title, InputProblem::TooMany)),
    }
}

/// Someone answers an open post that is not their own; its author is told.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn answer(
    state: &AppState,
    viewer: &Viewer,
    post_id: i64,
    message: String,
) -> Result<i64, AppError> {
    let post = db::post(&state.db, post_id)
        .await?
        .filter(|p| p.status == PostStatus::Open || p.author_id == viewer.id)
        .ok_or(AppError::NotFound)?;
    if post.author_id == viewer.id {
        return Err(AppError::Forbidden);
    }
    if let Some(problem) = message_problem(&message) {
        return Err(AppError::invalid(Field::Note, problem));
    }
    let id = match db::insert_answer(
        &state.db,
        post.id,
        viewer.id,
        &message,
        MAX_LIVE_ANSWERS,
        Utc::now(),
    )
    .await?
    {
        Ok(id) => id,
        Err(Refused::Answered) => return Err(AppError::invalid(Field::Note, InputProblem::Taken)),
        Err(Refused::TooMany) => return Err(AppError::invalid(Field::Note, InputProblem::TooMany)),
        // Closed or taken down meanwhile.
        Err(_) => return Err(AppError::NotFound),
    };
    notify(
        state,
        &[post.author_id],
        NoticeKind::Sharing,
        post.id,
        "swap_asked",
        &post.title,
    )
    .await;
    Ok(id)
}

/// One side moves an answer a step (`decide`); the other side is told when
/// the author agrees or declines, or a side calls an agreed deal off.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn step(
    state: &AppState,
    viewer: &Viewer,
    match_id: i64,
    action: MatchAction,
) -> Result<(), AppError> {
    let (post, m) = deal_of(state, match_id).await?;
    let f = facts(&post, &m);
    let next = decide(viewer.id, &f, action).map_err(|r| match r {
        // Someone else's deal is not there for them to probe.
        Refusal::NotYours if !f.is_side(viewer.id) => AppError::NotFound,
        Refusal::NotYours => AppError::Forbidden,
        Refusal::WrongStep => AppError::WrongState,
    })?;
    let now = Utc::now();
    if action == MatchAction::Agree {
        match db::agree(&state.db, &m, f.max_deals(), now).await? {
            Ok(()) => {}
            // As many deals under way as the post may have.
            Err(Refused::Full) => {
                return Err(AppError::invalid(Field::Quantity, InputProblem::TooMany))
            }
            // Closed, taken down or answered meanwhile.
            Err(_) => return Err(AppError::WrongState),
        }
    } else if !db::move_answer(&state.db, m.id, m.step, next, now).await? {
        return Err(AppError::WrongState);
    }
    let other = if viewer.id == f.author {
        f.responder
    } else {
        f.author
    };
    let event = match (action, m.step) {
        (MatchAction::Agree, _) => Some("swap_agreed"),
        (MatchAction::Decline, _) => Some("swap_declined"),
        (MatchAction::Withdraw, MatchStep::Agreed) => Some("swap_withdrawn"),
        _ => None,
    };
    if let Some(event) = event {
        notify(
            state,
            &[other],
            NoticeKind::Sharing,
            post.id,
            event,
            &post.title,
        )
        .await;
    }
    Ok(())
}

async fn deal_of(state: &AppState, match_id: i64) -> Result<(PostRow, MatchRow), AppError> {
    let m = db::answer(&state.db, match_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let post = db::post(&state.db, m.post_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((post, m))
}

/// Its author closes a post, or the community takes it down with a reason
/// its author sees (and is told of); answers still waiting are declined.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn close(
    state: &AppState,
    viewer: &Viewer,
    post_id: i64,
    reason: String,
) -> Result<(), AppError> {
    let post = db::post(&state.db, post_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = Utc::now();
    if post.author_id == viewer.id {
        let closed = db::close_post(&state.db, post.id, PostStatus::Closed, None, now)
            .await?
            .ok_or(AppError::WrongState)?;
        tell_closed(state, &post, &closed).await;
        return Ok(());
    }
    let moderates = community_place(state, &post.community_code)
        .is_some_and(|p| policy::may_take_down_post(&viewer.grants, &p));
    if !moderates {
        return Err(AppError::NotFound);
    }
    let reason = super::text(&reason, Field::Reason, MAX_REASON, true)?;
    let closed = db::close_post(
        &state.db,
        post.id,
        PostStatus::Removed,
        Some(reason.clone()),
        now,
    )
    .await?
    .ok_or(AppError::WrongState)?;
    record(
        state,
        viewer,
        AuditAction::SharingKept,
        Target::new("exchange_post", post.id).in_street(post.street_code.clone()),
        format!("post taken down: {reason}"),
    )
    .await?;
    notify(
        state,
        &[post.author_id],
        NoticeKind::Sharing,
        post.id,
        "swap_removed",
        &post.title,
    )
    .await;
    tell_closed(state, &post, &closed).await;
    Ok(())
}

/// Those a close left without a deal are told: their answer was declined,
/// or their agreed deal called off.
async fn tell_closed(state: &AppState, post: &PostRow, closed: &db::Closed) {
    for (who, event) in [
        (&closed.declined, "swap_declined"),
        (&closed.withdrawn, "swap_withdrawn"),
    ] {
        if !who.is_empty() {
            notify(state, who, NoticeKind::Sharing, post.id, event, &post.title).await;
        }
    }
}

/// The other side's name and phone (and unit), once both agreed and while
/// the deal is under way; each look is written in the audit log.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn contact(
    state: &AppState,
    viewer: &Viewer,
    match_id: i64,
) -> Result<Contact, AppError> {
    let (post, m) = deal_of(state, match_id).await?;
    let f = facts(&post, &m);
    if !f.is_side(viewer.id) {
        return Err(AppError::NotFound);
    }
    if !policy::may_see_exchange_contact(viewer.id, &f) {
        return Err(AppError::WrongState);
    }
    let (other, unit) = if viewer.id == f.author {
        (f.responder, None)
    } else {
        (f.author, post.unit_id)
    };
    let person = accounts::user_by_id(&state.db, other)
        .await?
        .ok_or(AppError::NotFound)?;
    let unit = match unit {
        Some(u) => units::unit_by_id(&state.db, u).await?.map(|u| u.name),
        None => None,
    };
    record(
        state,
        viewer,
        AuditAction::ContactReveal,
        Target::new("exchange_match", m.id).in_street(post.street_code.clone()),
        format!("exchange contact of user {other}"),
    )
    .await?;
    Ok(Contact {
        name: person.name,
        phone: person.phone,
        unit,
    })
}
