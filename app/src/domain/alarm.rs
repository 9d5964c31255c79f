//! What the deadline scheduler does to an open case next (issue 10): warn
//! when a quarter of the working time is left, flag the case when its
//! deadline passes, and after a grace escalate it one level ("逾期自动升级").
//! Plain rules on plain data, so the sweep and its tests agree; the clock is
//! always passed in.

use chrono::{DateTime, Duration, Utc};

/// Nothing sent yet for the current deadline.
pub const WAITING: i16 = 0;
/// The owner was told the deadline is near.
pub const WARNED: i16 = 1;
/// The owner and the supervisor were told the deadline passed.
pub const FLAGGED: i16 = 2;

/// How much working time past the deadline before a case climbs a level,
/// unless set (`GRIDLINK_ESCALATE_AFTER_HOURS`, at most `MAX_GRACE_HOURS`).
pub const DEFAULT_GRACE: Duration = Duration::hours(24);
pub const MAX_GRACE_HOURS: u32 = 24 * 366;

/// Where a case stands against its deadline, as the sweep reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadline {
    pub stage: i16,
    /// When a quarter of the working time is left (`Calendar::warn_at`).
    pub warn_at: DateTime<Utc>,
    pub due: DateTime<Utc>,
    /// When it moves a level up: the grace after the deadline, in working
    /// time (`Calendar::after_working_time`); none when no level is above.
    pub climb_at: Option<DateTime<Utc>>,
}

/// The one thing the sweep does to a case now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Nothing yet: look again then.
    Later(DateTime<Utc>),
    /// Tell the owner it is due soon; look again at the deadline.
    Warn { next: DateTime<Utc> },
    /// Tell the owner and the supervisor it is overdue; look again when it
    /// may climb (never when it cannot).
    Flag { next: Option<DateTime<Utc>> },
    /// Move it one level up with a new deadline.
    Escalate,
    /// Nothing is left to do for this deadline.
    Done,
}

/// The step for `d` at `now`. A server that was down catches up with one
/// step per case, the latest that applies: a case found long overdue is
/// escalated (or flagged) without first being warned that it is due soon.
pub fn next_step(d: Deadline, now: DateTime<Utc>) -> Step {
    if now >= d.due {
        if d.climb_at.is_some_and(|c| now >= c) {
            return Step::Escalate;
        }
        if d.stage < FLAGGED {
            return Step::Flag { next: d.climb_at };
        }
        return match d.climb_at {
            Some(climb) => Step::Later(climb),
            None => Step::Done,
        };
    }
    if now >= d.warn_at {
        if d.stage < WARNED {
            return Step::Warn { next: d.due };
        }
        return Step::Later(d.due);
    }
    Step::Later(d.warn_at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 16, 0, 0, 0).unwrap() + Duration::hours(h)
    }

    fn at(stage: i16, can_climb: bool) -> Deadline {
        Deadline {
            stage,
            warn_at: t(18),
            due: t(24),
            climb_at: can_climb.then(|| t(48)),
        }
    }

    #[test]
    fn each_stage_in_its_time() {
        assert_eq!(next_step(at(WAITING, true), t(1)), Step::Later(t(18)));
        assert_eq!(
            next_step(at(WAITING, true), t(19)),
            Step::Warn { next: t(24) }
        );
        assert_eq!(next_step(at(WARNED, true), t(19)), Step::Later(t(24)));
        assert_eq!(
            next_step(at(WARNED, true), t(25)),
            Step::Flag { next: Some(t(48)) }
        );
        assert_eq!(next_step(at(FLAGGED, true), t(30)), Step::Later(t(48)));
        assert_eq!(next_step(at(FLAGGED, true), t(48)), Step::Escalate);
    }

    #[test]
    fn the_top_level_is_flagged_once_and_left() {
        assert_eq!(
            next_step(at(WARNED, false), t(25)),
            Step::Flag { next: None }
        );
        assert_eq!(next_step(at(FLAGGED, false), t(100)), Step::Done);
    }

    #[test]
    fn after_downtime_only_the_latest_step_is_taken() {
        // Down from before the warning until past the grace: straight up.
        assert_eq!(next_step(at(WAITING, true), t(60)), Step::Escalate);
        // Down past the deadline, within the grace: flagged, not warned.
        assert_eq!(
            next_step(at(WAITING, true), t(30)),
            Step::Flag { next: Some(t(48)) }
        );
        assert_eq!(
            next_step(at(WAITING, false), t(60)),
            Step::Flag { next: None }
        );
    }
}
