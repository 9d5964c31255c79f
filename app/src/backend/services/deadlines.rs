//! The deadline scheduler (issue 10): a sweep that warns owners before the
//! deadline, flags overdue cases and escalates them after a grace, with the
//! rules of `domain::alarm`. Each server tries every minute; the lease lets
//! one of them sweep at a time. A sweep reads only cases whose alarm time has
//! come (an index), and each step is a conditional write, so a case is warned,
//! flagged or escalated once even if two sweeps ever met. After downtime the
//! first sweep takes each case straight to the step it has reached.

use super::cases::{
    announce, level_now, notice_title, settings, tell_residents, Alarm, CaseSettings,
};
use super::notices::alert;
use super::urge::recipients;
use crate::backend::state::AppState;
use crate::backend::store::{cases as db, leases};
use crate::domain::alarm::{self, next_step, Deadline, Step};
use crate::domain::case::{CaseStatus, DispatchLevel};
use crate::domain::error::AppError;
use crate::domain::notice::NoticeKind;
use chrono::{DateTime, Duration, Utc};

/// The lease's name, and how long a sweep may hold it before another server
/// may take over (a server that died mid-sweep blocks the others this long).
const LEASE: &str = "deadline_sweep";
const LEASE_FOR: Duration = Duration::minutes(2);
/// Cases read per batch, and batches per sweep: what is left waits a minute.
const BATCH: u64 = 500;
const BATCHES: usize = 20;
/// A sweep stops taking new batches after this long (well inside the lease,
/// which it renews before each batch).
const SWEEP_FOR: std::time::Duration = std::time::Duration::from_secs(40);

/// What one sweep did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub warned: usize,
    pub flagged: usize,
    pub escalated: usize,
    /// Cases looked at and put back for later (or for good).
    pub rescheduled: usize,
}

impl SweepReport {
    pub fn is_empty(&self) -> bool {
        *self == SweepReport::default()
    }
}

/// Sweeps if this server (`holder`) holds the lease at `now`: `None` when
/// another one does.
pub async fn run(
    state: &AppState,
    holder: &str,
    now: DateTime<Utc>,
) -> Result<Option<SweepReport>, AppError> {
    if !leases::take(&state.db, LEASE, holder, now, now + LEASE_FOR).await? {
        return Ok(None);
    }
    pass(state, now, Some(holder)).await.map(Some)
}

/// One pass over the cases whose alarm time has come by `now`, lease or not
/// (tests; `run` is what servers call).
pub async fn sweep(state: &AppState, now: DateTime<Utc>) -> Result<SweepReport, AppError> {
    pass(state, now, None).await
}

async fn pass(
    state: &AppState,
    now: DateTime<Utc>,
    holder: Option<&str>,
) -> Result<SweepReport, AppError> {
    let settings = settings(state).await?;
    let grace = state.config.sweep.grace;
    let mut report = SweepReport::default();
    let started = std::time::Instant::now();
    for batch in 0..BATCHES {
        if started.elapsed() > SWEEP_FOR {
            break;
        }
        // Still ours? A sweep slower than the lease must not run beside the
        // next holder's.
        if let (Some(holder), true) = (holder, batch > 0) {
            let until = Utc::now().max(now) + LEASE_FOR;
            if !leases::take(&state.db, LEASE, holder, Utc::now().max(now), until).await? {
                break;
            }
        }
        let rows = db::alarms_due(&state.db, now, BATCH).await?;
        let mut moved = 0;
        for row in &rows {
            if step(state, &settings, row, now, grace, &mut report).await? {
                moved += 1;
            }
        }
        // A full batch that moved nothing would be read again: stop instead
        // (every case in it changed under the sweep; the next sweep sees them).
        if (rows.len() as u64) < BATCH || moved == 0 {
            break;
        }
    }
    Ok(report)
}

/// Takes the step `row` has reached; false when the case changed meanwhile.
async fn step(
    state: &AppState,
    settings: &CaseSettings,
    row: &db::CaseRow,
    now: DateTime<Utc>,
    grace: Duration,
    report: &mut SweepReport,
) -> Result<bool, AppError> {
    let (Some(due), true) = (row.due_at, row.status.is_open()) else {
        // Nothing runs against a deadline: forget the alarm.
        report.rescheduled += 1;
        return Ok(db::advance_alarm(&state.db, row, (row.alarm_stage, None), None, now).await?);
    };
    let level = level_now(row);
    let deadline = Deadline {
        stage: row.alarm_stage,
        warn_at: settings.calendar.warn_at(row.started_at, due),
        due,
        climb_at: level
            .next()
            .map(|_| settings.calendar.after_working_time(due, grace)),
    };
    let title = notice_title(state, row).await;
    match next_step(deadline, now) {
        Step::Later(at) => {
            report.rescheduled += 1;
            let to = (row.alarm_stage, Some(at));
            Ok(db::advance_alarm(&state.db, row, to, None, now).await?)
        }
        Step::Done => {
            report.rescheduled += 1;
            let to = (row.alarm_stage, None);
            Ok(db::advance_alarm(&state.db, row, to, None, now).await?)
        }
        Step::Warn { next } => {
            let to = (alarm::WARNED, Some(next));
            if !db::advance_alarm(&state.db, row, to, None, now).await? {
                return Ok(false);
            }
            report.warned += 1;
            tell_late(state, row, "due_soon", &title).await;
            Ok(true)
        }
        Step::Flag { next } => {
            // On the staff timeline: when it went overdue is part of the record.
            let event = system_event(row, "overdue", row.status, false);
            let to = (alarm::FLAGGED, next);
            if !db::advance_alarm(&state.db, row, to, Some(&event), now).await? {
                return Ok(false);
            }
            report.flagged += 1;
            announce(state, row);
            tell_late(state, row, "overdue", &title).await;
            Ok(true)
        }
        Step::Escalate => {
            let Some(up) = level.next() else {
                return Ok(false);
            };
            if !escalate(state, settings, row, up, now).await? {
                return Ok(false);
            }
            report.escalated += 1;
            Ok(true)
        }
    }
}

/// Moves an overdue case one level up with that level's time limit: a
/// public timeline entry (逾期自动升级), and the new level, the one it
/// left and the reporter are told. A case being handled is dispatched to the
/// new level; one nobody confirmed keeps its status, so the new level may
/// still confirm, reject or merge it.
async fn escalate(
    state: &AppState,
    settings: &CaseSettings,
    row: &db::CaseRow,
    up: DispatchLevel,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let (due, alarm): (DateTime<Utc>, Alarm) = settings.deadline(now, up);
    let status = match row.status {
        CaseStatus::Dispatched | CaseStatus::InProgress => CaseStatus::Dispatched,
        unconfirmed => unconfirmed,
    };
    let change = db::CaseChange {
        status: Some(status),
        level: Some(Some(up)),
        department: Some(None),
        started_at: Some(now),
        due_at: Some(Some(due)),
        alarm: Some(alarm),
        ..Default::default()
    };
    let event = system_event(row, "auto_escalate", status, true);
    if !db::apply(&state.db, row.id, row.version, &change, &event, now).await? {
        return Ok(false);
    }
    let stored = db::case_by_id(&state.db, row.id)
        .await?
        .ok_or(AppError::Internal)?;
    announce(state, &stored);
    let mut to = recipients(state, &stored).await;
    to.extend(recipients(state, row).await);
    to.sort_unstable();
    to.dedup();
    let title = notice_title(state, &stored).await;
    let street = stored.street_code.clone();
    alert(
        state,
        &to,
        NoticeKind::Case,
        row.id,
        "escalated",
        &title,
        street,
    )
    .await;
    tell_residents(state, None, &stored).await;
    Ok(true)
}

/// Tells the case's owner and supervisor (in-app and by text message) that
/// it is due soon or overdue.
async fn tell_late(state: &AppState, row: &db::CaseRow, event: &str, title: &str) {
    let to = recipients(state, row).await;
    let street = row.street_code.clone();
    alert(state, &to, NoticeKind::Case, row.id, event, title, street).await;
}

/// A timeline entry the scheduler writes: no person took it.
fn system_event(row: &db::CaseRow, action: &str, to: CaseStatus, public: bool) -> db::NewEvent {
    db::NewEvent {
        actor_id: None,
        actor_name: String::new(),
        actor_role: "system".into(),
        action: action.into(),
        from_status: Some(row.status),
        to_status: to,
        note: String::new(),
        public,
    }
}
