//! Patrols (巡查走访) and each grid's key-issues list (重点问题清单). A grid
//! worker walks the grid at least twice a day ("确保每天网格员至少两次走访网格
//! 区域"): the phone records the track while a patrol runs, the worker logs
//! visits to households and places, and a finding becomes a case (source
//! 主动发现) in one tap. Problems found are kept per grid with a risk level,
//! an owner and dated reviews (周分析、月总结). Plain rules, clock passed in.

use super::error::{text_problem, Field, InputProblem, Problems};
use super::lang::Lang;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The day's rule: at least this many patrols per worker.
pub const DAILY_PATROLS: u32 = 2;
/// A patrol counts towards the day's rule once it lasted this long…
pub const MIN_MINUTES: i64 = 10;
/// …with at least this many positions recorded.
pub const MIN_POINTS: u64 = 2;
/// Patrols one worker may start in a day (a phone in a loop is not patrolling).
pub const MAX_PER_DAY: usize = 10;
/// Visits one patrol holds at most.
pub const MAX_VISITS: usize = 100;
/// Points one upload carries at most (a phone that was offline for a long
/// walk sends several).
pub const MAX_POINTS_PER_BATCH: usize = 500;
/// Points one patrol keeps at most (about six hours at one every second).
pub const MAX_POINTS: u64 = 20_000;
/// A patrol left running this long is over: the phone was put away.
pub const MAX_HOURS: i64 = 12;
/// How often the phone records a point unless configured otherwise: often
/// enough to draw the walk, rarely enough to spare the battery.
pub const DEFAULT_INTERVAL_SECONDS: u32 = 30;
/// Points less accurate than this (metres) are kept but not counted in the length.
pub const MAX_ACCURACY_M: f64 = 100.0;
/// Steps implying more than this speed are GPS jumps, not walking or cycling.
const MAX_SPEED_M_PER_S: f64 = 15.0;
/// Key issues a grid keeps unresolved at once: a list to work from.
pub const MAX_OPEN_ISSUES: u64 = 50;
/// Resolved key issues the list shows besides the unresolved ones.
pub const SHOWN_RESOLVED: u64 = 50;
/// Dated reviews one key issue keeps (four years of weekly analyses).
pub const MAX_REVIEWS: u64 = 200;
pub const MAX_SUBJECT: usize = 60;
pub const MAX_NOTE: usize = 500;
pub const MAX_TITLE: usize = 60;

/// One recorded position.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrackPoint {
    pub lat: f64,
    pub lng: f64,
    pub at: DateTime<Utc>,
    /// The phone's own estimate, in metres.
    #[serde(default)]
    pub accuracy: Option<f64>,
}

/// The great-circle distance between two points, in metres.
pub fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    const R: f64 = 6_371_000.0;
    let (la1, la2) = (a.0.to_radians(), b.0.to_radians());
    let dla = la2 - la1;
    let dlo = (b.1 - a.1).to_radians();
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    2.0 * R * h.sqrt().asin()
}

/// Whether a point is good enough to count: a real coordinate, accurate
/// enough when the phone says how accurate.
fn usable(p: &TrackPoint) -> bool {
    p.lat.is_finite() && p.lng.is_finite() && p.accuracy.is_none_or(|a| a <= MAX_ACCURACY_M)
}

/// The length of a walk in metres, continuing from `from` (the last counted
/// point of earlier uploads): inaccurate points and jumps faster than a
/// bicycle are left out. Returns the length and the last counted point.
pub fn track_length(from: Option<&TrackPoint>, points: &[TrackPoint]) -> (f64, Option<TrackPoint>) {
    let mut last = from.cloned();
    let mut total = 0.0;
    for p in points.iter().filter(|p| usable(p)) {
        if let Some(prev) = &last {
            let d = distance_m((prev.lat, prev.lng), (p.lat, p.lng));
            let secs = (p.at - prev.at).num_milliseconds() as f64 / 1000.0;
            if secs <= 0.0 {
                continue;
            }
            if d / secs > MAX_SPEED_M_PER_S {
                continue;
            }
            total += d;
        }
        last = Some(p.clone());
    }
    (total, last)
}

/// Checks an upload of points against the patrol it belongs to: each inside
/// China, taken after the patrol started and not in the future (a minute of
/// clock skew allowed), at most [`MAX_POINTS_PER_BATCH`].
pub fn check_points(
    points: &[TrackPoint],
    started: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), (Field, InputProblem)> {
    if points.len() > MAX_POINTS_PER_BATCH {
        return Err((Field::Coordinates, InputProblem::TooMany));
    }
    let skew = Duration::minutes(1);
    for p in points {
        if !super::case::in_china(p.lat, p.lng) {
            return Err((Field::Coordinates, InputProblem::OutOfRange));
        }
        if p.at < started - skew || p.at > now + skew {
            return Err((Field::Time, InputProblem::OutOfRange));
        }
        if p.accuracy.is_some_and(|a| !a.is_finite() || a < 0.0) {
            return Err((Field::Coordinates, InputProblem::OutOfRange));
        }
    }
    Ok(())
}

/// Whether a patrol counts towards the day's rule: ended, long enough, and
/// walked — at least [`MIN_POINTS`] positions recorded (starting and ending
/// without the phone's track is no patrol).
pub fn counts(started: DateTime<Utc>, ended: Option<DateTime<Utc>>, points: u64) -> bool {
    points >= MIN_POINTS && ended.is_some_and(|e| e - started >= Duration::minutes(MIN_MINUTES))
}

/// When a patrol left running is taken as over.
pub fn runs_until(started: DateTime<Utc>) -> DateTime<Utc> {
    started + Duration::hours(MAX_HOURS)
}

/// What a visit was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitKind {
    /// 入户走访: a household.
    Household,
    /// 场所巡查: a shop, a site, a public place (九小场所…).
    Place,
}

impl VisitKind {
    pub const ALL: [VisitKind; 2] = [VisitKind::Household, VisitKind::Place];

    pub fn as_str(self) -> &'static str {
        match self {
            VisitKind::Household => "household",
            VisitKind::Place => "place",
        }
    }

    pub fn parse(s: &str) -> Option<VisitKind> {
        VisitKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            VisitKind::Household => lang.pick("入户走访", "Household visit"),
            VisitKind::Place => lang.pick("场所巡查", "Place check"),
        }
    }
}

/// A visit as the worker logs it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewVisit {
    pub patrol_id: i64,
    pub kind: VisitKind,
    /// Whom or what: "3号楼2单元501", "惠民超市".
    pub subject: String,
    pub note: String,
    pub lat: f64,
    pub lng: f64,
    /// The household visited (入户走访), picked from the grid's records.
    #[serde(default)]
    pub household_id: Option<i64>,
}

impl NewVisit {
    pub fn problems(&self) -> Problems {
        let mut out = Vec::new();
        if let Some(p) = text_problem(&self.subject, MAX_SUBJECT, true) {
            out.push((Field::Place, p));
        }
        if let Some(p) = text_problem(&self.note, MAX_NOTE, false) {
            out.push((Field::Note, p));
        }
        if !super::case::in_china(self.lat, self.lng) {
            out.push((Field::Coordinates, InputProblem::OutOfRange));
        }
        out
    }
}

/// A patrol as its worker and their supervisors read it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PatrolView {
    pub id: i64,
    pub worker: String,
    pub grid_code: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub length_m: f64,
    pub points: u64,
    /// Counts towards the day's rule.
    pub counts: bool,
    pub visits: Vec<VisitView>,
    /// The recorded track, oldest first.
    pub track: Vec<(f64, f64)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VisitView {
    pub id: i64,
    pub kind: VisitKind,
    pub subject: String,
    pub note: String,
    pub lat: f64,
    pub lng: f64,
    pub at: DateTime<Utc>,
    /// The case the finding became.
    pub case_id: Option<i64>,
    /// The household visited, when one was picked.
    #[serde(default)]
    pub household_id: Option<i64>,
    pub photos: Vec<super::case::PhotoRef>,
}

/// What an upload of points leaves the running patrol at.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PatrolTally {
    pub points: u64,
    pub length_m: f64,
}

/// Where the caller's patrolling stands: the patrol running now, today's
/// count and the grid it is for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PatrolStatus {
    /// The grid the caller patrols (their first grid), if any.
    pub grid_code: Option<String>,
    /// Every grid the caller patrols (code, name): a worker of two grids
    /// chooses one when starting.
    pub grids: Vec<(String, String)>,
    pub running: Option<PatrolView>,
    /// Patrols today that count (see [`counts`]).
    pub today: u32,
    pub needed: u32,
    /// How often the phone records a point.
    pub interval_seconds: u32,
    /// Today's ended patrols, newest first.
    pub recent: Vec<PatrolView>,
    /// The places whose day rule and key issues the caller may read (code, name).
    pub areas: Vec<(String, String)>,
}

/// One worker's day against the rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkerDay {
    pub user_id: i64,
    pub name: String,
    pub grid_code: String,
    pub patrols: u32,
    pub done: bool,
}

/// The day's rule for every worker of a place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DayRule {
    pub day: NaiveDate,
    pub workers: Vec<WorkerDay>,
}

// ------------------------------------------------------------ key issues

/// How serious a key issue is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    High,
    Medium,
    Low,
}

/// Where a key issue stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueStatus {
    /// 待化解
    Open,
    /// 持续关注
    Watching,
    /// 已化解
    Resolved,
}

/// A dated review of a key issue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewKind {
    /// 周分析
    Weekly,
    /// 月总结
    Monthly,
    /// 跟进记录
    Note,
}

names!(Risk {
    High => "high", "高风险", "High";
    Medium => "medium", "中风险", "Medium";
    Low => "low", "低风险", "Low";
});

names!(IssueStatus {
    Open => "open", "待化解", "Open";
    Watching => "watching", "持续关注", "Watching";
    Resolved => "resolved", "已化解", "Resolved";
});

names!(ReviewKind {
    Weekly => "weekly", "周分析", "Weekly analysis";
    Monthly => "monthly", "月总结", "Monthly summary";
    Note => "note", "跟进记录", "Follow-up";
});

/// A key issue as a worker enters it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewKeyIssue {
    pub grid_code: String,
    pub category_id: i64,
    pub title: String,
    pub risk: Risk,
    /// The grid staff member answerable (none: the grid's worker).
    #[serde(default)]
    pub owner_id: Option<i64>,
}

impl NewKeyIssue {
    pub fn problems(&self) -> Problems {
        text_problem(&self.title, MAX_TITLE, true)
            .map(|p| vec![(Field::Title, p)])
            .unwrap_or_default()
    }
}

/// A change to a key issue: its status, risk or owner, with a review.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IssueReview {
    pub issue_id: i64,
    pub kind: ReviewKind,
    pub text: String,
    #[serde(default)]
    pub status: Option<IssueStatus>,
    #[serde(default)]
    pub risk: Option<Risk>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewView {
    pub kind: ReviewKind,
    pub text: String,
    pub author: String,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeyIssueView {
    pub id: i64,
    pub grid_code: String,
    pub category: String,
    pub title: String,
    pub risk: Risk,
    pub status: IssueStatus,
    pub owner: Option<String>,
    pub created_at: DateTime<Utc>,
    pub reviews: Vec<ReviewView>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(min: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_780_000_000, 0).unwrap() + Duration::minutes(min)
    }

    fn p(lat: f64, lng: f64, min: i64, accuracy: Option<f64>) -> TrackPoint {
        TrackPoint {
            lat,
            lng,
            at: at(min),
            accuracy,
        }
    }

    #[test]
    fn a_degree_of_latitude_is_about_111_km() {
        let d = distance_m((36.0, 117.0), (37.0, 117.0));
        assert!((d - 111_195.0).abs() < 100.0, "{d}");
    }

    #[test]
    fn the_length_leaves_out_inaccurate_points_and_jumps() {
        // ~111 m north each minute, a walk.
        let walk = [
            p(36.000, 117.0, 0, Some(10.0)),
            p(36.001, 117.0, 1, Some(10.0)),
            // The phone lost the signal: 500 m off, but it says so.
            p(36.0065, 117.0, 2, Some(500.0)),
            p(36.002, 117.0, 3, None),
            // A jump of 11 km in a minute.
            p(36.1, 117.0, 4, Some(5.0)),
            p(36.003, 117.0, 5, Some(5.0)),
        ];
        let (len, last) = track_length(None, &walk);
        assert!((len - 333.6).abs() < 1.0, "{len}");
        assert_eq!(last.unwrap().at, at(5));
        // An upload continues from the last counted point of the one before.
        let (first, last) = track_length(None, &walk[..2]);
        let (rest, _) = track_length(last.as_ref(), &walk[2..]);
        assert!((first + rest - len).abs() < 1e-6);
    }

    #[test]
    fn points_belong_to_the_patrol_and_to_now() {
        let ok = [p(36.6, 117.0, 5, None)];
        assert!(check_points(&ok, at(0), at(10)).is_ok());
        assert!(check_points(&[p(36.6, 117.0, -5, None)], at(0), at(10)).is_err());
        assert!(check_points(&[p(36.6, 117.0, 30, None)], at(0), at(10)).is_err());
        assert!(check_points(&[p(0.0, 0.0, 5, None)], at(0), at(10)).is_err());
        let many = vec![p(36.6, 117.0, 5, None); MAX_POINTS_PER_BATCH + 1];
        assert!(check_points(&many, at(0), at(10)).is_err());
    }

    #[test]
    fn a_patrol_counts_once_ended_after_ten_minutes_with_a_track() {
        assert!(!counts(at(0), None, 5));
        assert!(!counts(at(0), Some(at(9)), 5));
        assert!(counts(at(0), Some(at(10)), 2));
        assert!(!counts(at(0), Some(at(60)), 1), "no track, no patrol");
    }
}
