//! Micro-volunteering (微志愿): a community publishes an activity with a
//! capacity; people sign up and cancel until it starts; the organisers
//! check people in, and attendance credits the activity's hours.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

pub const MAX_CAPACITY: i32 = 500;
pub const MAX_HOURS: f32 = 24.0;

/// A new activity as the form sends it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewActivity {
    pub community_code: String,
    pub title: String,
    pub description: String,
    /// Where (a public place: a square, the community hall).
    pub place: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: i32,
    /// Service hours credited for attending.
    pub hours: f32,
}

/// Where a person's sign-up stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attendance {
    SignedUp,
    Cancelled,
    Attended,
}

impl Attendance {
    pub fn as_str(self) -> &'static str {
        match self {
            Attendance::SignedUp => "signed_up",
            Attendance::Cancelled => "cancelled",
            Attendance::Attended => "attended",
        }
    }

    pub fn parse(s: &str) -> Option<Attendance> {
        [
            Attendance::SignedUp,
            Attendance::Cancelled,
            Attendance::Attended,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }
}

/// Sign-ups close when the activity starts.
pub fn may_sign_up(now: DateTime<Utc>, starts_at: DateTime<Utc>) -> bool {
    now < starts_at
}

/// Check-in opens an hour before the start and closes a day after the end.
pub fn may_check_in(now: DateTime<Utc>, starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> bool {
    now >= starts_at - Duration::hours(1) && now <= ends_at + Duration::days(1)
}

/// An activity as a reader sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActivityView {
    pub id: i64,
    pub community_code: String,
    pub community_name: String,
    pub title: String,
    pub description: String,
    pub place: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: i32,
    pub taken: i32,
    pub hours: f32,
    /// The reader's own sign-up, if any.
    pub mine: Option<Attendance>,
    pub may_sign_up: bool,
    /// The reader organises it (the community's staff).
    pub organiser: bool,
}

/// A person on an activity's list, for its organisers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attendee {
    pub user_id: i64,
    pub name: String,
    pub phone: String,
    pub status: Attendance,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn sign_up_closes_at_the_start_and_check_in_spans_the_activity() {
        let start = Utc.with_ymd_and_hms(2026, 12, 5, 1, 0, 0).unwrap();
        let end = start + Duration::hours(2);
        assert!(may_sign_up(start - Duration::minutes(1), start));
        assert!(!may_sign_up(start, start));
        assert!(!may_check_in(start - Duration::hours(2), start, end));
        assert!(may_check_in(start - Duration::minutes(30), start, end));
        assert!(may_check_in(end + Duration::hours(5), start, end));
        assert!(!may_check_in(end + Duration::days(2), start, end));
    }
}
