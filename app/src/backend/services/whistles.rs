//! 吹哨报到 (issue 10): the call is the case's dispatch to a department
//! ([`call`], taken inside `cases::act`); the department steps and the
//! street's close-out are [`step`]. The rule is `domain::whistle::decide`;
//! each step and its timeline entry are one conditional write on the case.

use super::auth::Viewer;
use super::cases::{
    acting_role, already_handled, announce, facts, notice_title, readable, settings,
    tell_residents, view,
};
use super::internal;
use super::notices::notify;
use crate::backend::state::AppState;
use crate::backend::store::whistles::{WhistleRow, WhistleWrite};
use crate::backend::store::{self, cases as db};
use crate::domain::alarm;
use crate::domain::auth::{Role, Scope};
use crate::domain::case::{ActRequest, CaseView, DispatchLevel, Refusal, MAX_DESCRIPTION};
use crate::domain::deadline::{china_date, midnight_after};
use crate::domain::error::{AppError, Field, InputProblem};
use crate::domain::notice::NoticeKind;
use crate::domain::policy::CaseAccess;
use crate::domain::whistle::{
    self, check_call, check_ratings, PartView, StepRequest, WhistleStep, WhistleView,
};
use chrono::{DateTime, Utc};

/// What a call (呼叫) writes with the case's dispatch: the whistle, its due
/// moment and first alarm, and the assisting departments.
pub(super) struct Call {
    pub write: WhistleWrite,
    pub due: DateTime<Utc>,
    pub alarm: (i16, Option<DateTime<Utc>>),
    pub assisting: Vec<String>,
}

/// Checks a call's departments and date and makes its whistle. The lead is
/// already checked (`cases::department_code`).
pub(super) async fn call(
    state: &AppState,
    viewer: &Viewer,
    lead: &str,
    req: &ActRequest,
    note: &str,
    now: DateTime<Utc>,
) -> Result<Call, AppError> {
    let assisting: Vec<String> = req
        .assisting
        .iter()
        .map(|d| d.trim().to_ascii_uppercase())
        .filter(|d| !d.is_empty())
        .collect();
    let known = store::geography::departments(&state.db).await?;
    check_call(lead, &assisting, req.required_by, china_date(now), |d| {
        known.iter().any(|k| k.active && k.code == d)
    })?;
    let settings = settings(state).await?;
    let due = match req.required_by {
        Some(day) => midnight_after(day),
        None => settings.deadline(now, DispatchLevel::Department).0,
    };
    // The day the departments read as 要求完成: the date the deadline falls on
    // (the end of that day when one was chosen).
    let required_by = req
        .required_by
        .unwrap_or_else(|| china_date(due - chrono::Duration::seconds(1)));
    Ok(Call {
        write: WhistleWrite::Call {
            called_by: viewer.id,
            required_by,
            due_at: due,
            note: note.to_string(),
            lead: lead.to_string(),
            assisting: assisting.clone(),
        },
        due,
        alarm: (alarm::WAITING, Some(settings.calendar.warn_at(now, due))),
        assisting,
    })
}

/// Tells each whistled department's staff that a case waits for them.
pub(super) async fn tell_called(state: &AppState, row: &db::CaseRow) {
    let mut departments: Vec<String> = row.department.iter().cloned().collect();
    departments.extend(row.assisting.iter().cloned());
    let users = department_staff(state, &departments).await;
    let title = notice_title(state, row).await;
    super::notices::alert(
        state,
        &users,
        NoticeKind::Case,
        row.id,
        "whistled",
        &title,
        row.street_code.clone(),
    )
    .await;
}

/// The accounts answering for these departments.
async fn department_staff(state: &AppState, departments: &[String]) -> Vec<i64> {
    match store::accounts::users_scoped_to(&state.db, departments).await {
        Ok(rows) => rows
            .into_iter()
            .filter(|(_, g)| {
                g.role == Role::Department
                    && matches!(&g.scope, Scope::Department(d) if departments.contains(d))
            })
            .map(|(u, _)| u.id)
            .collect(),
        Err(e) => {
            internal(e);
            Vec::new()
        }
    }
}

/// A department step or the street's close-out.
#[tracing::instrument(skip_all, fields(user = viewer.id, case = req.case_id))]
pub async fn step(
    state: &AppState,
    viewer: &Viewer,
    req: StepRequest,
) -> Result<CaseView, AppError> {
    // A department answers for its own part: what counts is that part's
    // state, read afresh on each try, not the case version the user saw (two
    // departments answering at once both land; the one that lost the race
    // decides again). The street's close-out and recall judge the whole
    // whistle as the user saw it, so those keep the version check.
    let own_part = matches!(
        req.step,
        WhistleStep::Accept | WhistleStep::SendBack | WhistleStep::Report
    );
    let mut tries = 0;
    loop {
        tries += 1;
        match attempt(state, viewer, &req, own_part).await? {
            Attempt::Done(view) => return Ok(*view),
            Attempt::Raced(_) if own_part && tries < RACE_TRIES => continue,
            Attempt::Raced(seen) => return Err(already_handled(state, seen, req.case_id).await),
        }
    }
}

/// How often a department's step is tried again after another step on the
/// same case landed between its read and its write.
const RACE_TRIES: usize = 3;

enum Attempt {
    Done(Box<CaseView>),
    /// The case changed between the read and the write (with the access the
    /// reader had).
    Raced(CaseAccess),
}

async fn attempt(
    state: &AppState,
    viewer: &Viewer,
    req: &StepRequest,
    own_part: bool,
) -> Result<Attempt, AppError> {
    let (row, seen) = readable(state, Some(viewer), req.case_id).await?;
    let case = facts(&row);
    let actor = super::cases::actor(viewer);
    let Some(w) = store::whistles::latest_of_case(&state.db, row.id).await? else {
        // Nothing was ever whistled: staff are told it is not the moment,
        // everyone else that it is not theirs.
        return Err(if seen >= CaseAccess::Handler {
            AppError::WrongState
        } else {
            AppError::Forbidden
        });
    };
    let facts_w = w.facts();
    let outcome =
        match whistle::decide(&actor, &case, &facts_w, req.department.as_deref(), req.step) {
            Ok(o) => o,
            Err(Refusal::NotYours) => return Err(AppError::Forbidden),
            Err(Refusal::WrongState) if row.version == req.version => {
                return Err(AppError::WrongState)
            }
            Err(Refusal::WrongState) => return Err(already_handled(state, seen, row.id).await),
        };
    if row.version != req.version && !own_part {
        return Err(already_handled(state, seen, row.id).await);
    }
    let note = req.note.trim().to_string();
    let field = match req.step {
        WhistleStep::SendBack | WhistleStep::Recall => Field::Reason,
        WhistleStep::Report => Field::Report,
        WhistleStep::CloseOut => Field::Result,
        WhistleStep::Accept => Field::Note,
    };
    if note.chars().count() > MAX_DESCRIPTION {
        return Err(AppError::invalid(field, InputProblem::TooLong));
    }
    if note.is_empty() && req.step != WhistleStep::Accept {
        return Err(AppError::invalid(field, InputProblem::Required));
    }
    let now = Utc::now();
    let mut change = db::CaseChange::default();
    if outcome.case_status != row.status {
        change.status = Some(outcome.case_status);
    }
    change.whistle = Some(match req.step {
        WhistleStep::CloseOut => {
            check_ratings(&facts_w, &req.ratings)?;
            change.result = Some(note.clone());
            change.resolution = Some(Some(super::cases::resolution(&row, now)));
            WhistleWrite::Close {
                whistle_id: w.id,
                by: viewer.id,
                result: note.clone(),
                ratings: req
                    .ratings
                    .iter()
                    .map(|r| (r.department.clone(), r.stars as i32))
                    .collect(),
            }
        }
        WhistleStep::Recall => WhistleWrite::Recall { whistle_id: w.id },
        _ => WhistleWrite::Part {
            whistle_id: w.id,
            department: outcome.department.clone().ok_or(AppError::Internal)?,
            state: outcome.part.ok_or(AppError::Internal)?,
            text: (!note.is_empty()).then(|| note.clone()),
            whistle_state: outcome.whistle,
        },
    });
    if outcome.case_level != DispatchLevel::Department {
        // Back with the street, on the street's time limit from now.
        let (due, alarm) = settings(state).await?.deadline(now, outcome.case_level);
        change.level = Some(Some(outcome.case_level));
        change.department = Some(None);
        change.assisting = Some(Vec::new());
        change.started_at = Some(now);
        change.due_at = Some(Some(due));
        change.alarm = Some(alarm);
    } else if req.step == WhistleStep::SendBack {
        // An assisting department that sent its part back no longer reads the case.
        let mut after = facts_w.clone();
        if let Some(p) = after
            .parts
            .iter_mut()
            .find(|p| Some(&p.department) == outcome.department.as_ref())
        {
            p.state = whistle::PartState::SentBack;
        }
        change.assisting = Some(after.assisting());
    }
    // The resident sees the steps that change where the case stands: the
    // lead's acceptance and the close-out with its result.
    let public = matches!(req.step, WhistleStep::CloseOut)
        || (req.step == WhistleStep::Accept && change.status.is_some());
    let event = db::NewEvent {
        actor_id: Some(viewer.id),
        actor_name: viewer.name.clone(),
        actor_role: acting_role(viewer, &case.place).as_str().to_string(),
        action: req.step.as_str().to_string(),
        from_status: Some(row.status),
        to_status: outcome.case_status,
        note: if public && req.step != WhistleStep::CloseOut {
            String::new()
        } else {
            note.clone()
        },
        public,
    };
    if !db::apply(&state.db, row.id, row.version, &change, &event, now).await? {
        return Ok(Attempt::Raced(seen));
    }
    if req.step == WhistleStep::CloseOut {
        // The after photos of the departments that reported show with the
        // result they belong to; the others' do not.
        let unreported: Vec<String> = w
            .parts
            .iter()
            .filter(|p| p.state != whistle::PartState::Reported)
            .map(|p| p.department.clone())
            .collect();
        if let Err(e) =
            store::photos::show_after(&state.db, row.id, row.started_at, &unreported).await
        {
            internal(e);
        }
    }
    let stored = db::case_by_id(&state.db, row.id)
        .await?
        .ok_or(AppError::Internal)?;
    announce(state, &stored);
    if public {
        tell_residents(state, Some(viewer.id), &stored).await;
    }
    // The street hears each department's answer; the departments hear the close-out.
    let title = notice_title(state, &stored).await;
    let to = match req.step {
        WhistleStep::CloseOut | WhistleStep::Recall => {
            let all: Vec<String> = w.parts.iter().map(|p| p.department.clone()).collect();
            department_staff(state, &all).await
        }
        // (A whistle carried over from before whistles has no caller.)
        _ => vec![w.called_by].into_iter().filter(|u| *u > 0).collect(),
    };
    let to: Vec<i64> = to.into_iter().filter(|u| *u != viewer.id).collect();
    let to = store::accounts::active_among(&state.db, &to).await?;
    notify(
        state,
        &to,
        NoticeKind::Case,
        row.id,
        req.step.as_str(),
        &title,
    )
    .await;
    super::cases::audit_step(state, viewer, &row, req.step.as_str()).await?;
    let seen = super::cases::access(Some(viewer), &stored);
    Ok(Attempt::Done(Box::new(
        view(state, Some(viewer), seen, stored).await?,
    )))
}

/// The case's latest whistle as a reader with internal access sees it, with
/// the steps they may take.
pub(super) async fn for_view(
    state: &AppState,
    viewer: Option<&Viewer>,
    access: CaseAccess,
    row: &db::CaseRow,
    photos: &[store::photos::PhotoRow],
) -> Result<Option<WhistleView>, AppError> {
    if !access.internal() {
        return Ok(None);
    }
    let Some(mut w) = store::whistles::latest_of_case(&state.db, row.id).await? else {
        return Ok(None);
    };
    if access != CaseAccess::Staff {
        // A department reads the whistle it has a part in (not a company
        // handling the case later), and only its own rating.
        let mine: Vec<&str> = viewer
            .map(|v| crate::domain::policy::departments_of(&v.grants).collect())
            .unwrap_or_default();
        if !w
            .parts
            .iter()
            .any(|p| mine.contains(&p.department.as_str()))
        {
            return Ok(None);
        }
        for p in &mut w.parts {
            if !mine.contains(&p.department.as_str()) {
                p.rating = None;
            }
        }
    }
    let names = store::geography::departments(&state.db).await?;
    let steps = match viewer {
        Some(v) => whistle::available(&super::cases::actor(v), &facts(row), &w.facts()),
        None => Vec::new(),
    };
    Ok(Some(whistle_view(w, &names, steps, photos)))
}

fn whistle_view(
    w: WhistleRow,
    names: &[store::geography::DepartmentRow],
    steps: Vec<(Option<String>, WhistleStep)>,
    photos: &[store::photos::PhotoRow],
) -> WhistleView {
    WhistleView {
        id: w.id,
        state: w.state,
        required_by: w.required_by,
        called_at: w.called_at,
        note: w.note,
        result: w.result,
        parts: w
            .parts
            .into_iter()
            .map(|p| PartView {
                name: names
                    .iter()
                    .find(|n| n.code == p.department)
                    .map(|n| n.name.clone())
                    .unwrap_or_else(|| p.department.clone()),
                // A department whistled again shows this round's report photos only.
                photos: photos
                    .iter()
                    .filter(|ph| {
                        ph.department.as_ref() == Some(&p.department)
                            && ph.created_at >= w.called_at
                    })
                    .map(super::cases::photo_ref)
                    .collect(),
                department: p.department,
                lead: p.lead,
                state: p.state,
                reason: p.reason,
                report: p.report,
                answered_at: p.answered_at,
                reported_at: p.reported_at,
                rating: p.rating,
            })
            .collect(),
        steps,
    }
}
