//! Assessment (考核): the figures the street rates workers, grids,
//! communities and departments by, "依据网格巡查到位率、问题发现率、事件处置率等
//! 参数". Each formula is here once, in plain Rust, and written out in
//! `docs/assessment.md`; the page shows it beside the figure ([`Figure::formula`]).

use super::lang::Lang;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The share of a ranking marked as its top (奖励前30%).
pub const TOP_SHARE: f64 = 0.3;
/// Ratings of this many stars or more count as satisfied.
pub const SATISFIED_STARS: i32 = 4;

/// A case's result for the figures: minutes from the report, and whether it
/// came before the deadline (a case without one is on time).
pub fn resolution(
    created: DateTime<Utc>,
    due: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> (i64, bool) {
    (
        (now - created).num_minutes().max(0),
        due.is_none_or(|d| now <= d),
    )
}

/// What the figures of one subject are computed from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    /// Cases reported in the period (neither rejected nor merged).
    pub cases: u64,
    /// Of those, found on patrol (主动发现).
    pub found: u64,
    /// Of those, with a result given.
    pub handled: u64,
    /// Of the handled, before the deadline.
    pub on_time: u64,
    /// Minutes from report to result, summed over the handled.
    pub handled_minutes: u64,
    /// Cases rated by their reporter, the stars summed, and those rated 4–5.
    pub rated: u64,
    pub stars: u64,
    pub satisfied: u64,
    /// Working days in the period a worker had to patrol (each worker's days
    /// summed), and those with at least two patrols that count.
    pub patrol_days: u64,
    pub patrol_days_met: u64,
}

impl Counts {
    pub fn add(&mut self, o: &Counts) {
        self.cases += o.cases;
        self.found += o.found;
        self.handled += o.handled;
        self.on_time += o.on_time;
        self.handled_minutes += o.handled_minutes;
        self.rated += o.rated;
        self.stars += o.stars;
        self.satisfied += o.satisfied;
        self.patrol_days += o.patrol_days;
        self.patrol_days_met += o.patrol_days_met;
    }
}

/// Which figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Figure {
    PatrolRate,
    DiscoveryRate,
    HandlingRate,
    OnTimeRate,
    Satisfaction,
    SatisfiedShare,
    HandlingHours,
    Score,
}

impl Figure {
    pub const ALL: [Figure; 8] = [
        Figure::PatrolRate,
        Figure::DiscoveryRate,
        Figure::HandlingRate,
        Figure::OnTimeRate,
        Figure::Satisfaction,
        Figure::SatisfiedShare,
        Figure::HandlingHours,
        Figure::Score,
    ];

    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Figure::PatrolRate => ("巡查到位率", "Patrol rate"),
            Figure::DiscoveryRate => ("问题发现率", "Discovery rate"),
            Figure::HandlingRate => ("事件处置率", "Handling rate"),
            Figure::OnTimeRate => ("按期办结率", "On-time rate"),
            Figure::Satisfaction => ("满意度（平均星级）", "Satisfaction (stars)"),
            Figure::SatisfiedShare => ("满意率（4–5星）", "Satisfied (4–5 stars)"),
            Figure::HandlingHours => ("平均办理时长（小时）", "Average handling (hours)"),
            Figure::Score => ("综合得分", "Score"),
        };
        lang.pick(zh, en)
    }

    /// The formula, as the page shows it beside the figure.
    pub fn formula(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Figure::PatrolRate => (
                "达标天数 ÷ 应巡查天数（工作日，每天至少2次有效巡查）",
                "days with 2+ patrols ÷ working days due",
            ),
            Figure::DiscoveryRate => (
                "主动发现事件数 ÷ 事件总数",
                "cases found on patrol ÷ all cases",
            ),
            Figure::HandlingRate => (
                "已办结事件数 ÷ 事件总数（不含驳回、合并）",
                "cases with a result ÷ all cases (not rejected or merged)",
            ),
            Figure::OnTimeRate => (
                "期限内办结数 ÷ 已办结事件数",
                "results before the deadline ÷ cases with a result",
            ),
            Figure::Satisfaction => ("评价星级之和 ÷ 评价数", "sum of stars ÷ ratings"),
            Figure::SatisfiedShare => ("4–5星评价数 ÷ 评价数", "4–5 star ratings ÷ ratings"),
            Figure::HandlingHours => (
                "（办结时间 − 上报时间）之和 ÷ 已办结事件数",
                "sum of (result − report) ÷ cases with a result",
            ),
            Figure::Score => (
                "(巡查到位率 + 问题发现率 + 事件处置率) ÷ 3 × 100（缺项不计）",
                "(patrol + discovery + handling rate) ÷ 3 × 100 (missing ones left out)",
            ),
        };
        lang.pick(zh, en)
    }
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// The figures of one subject; `None` where there is nothing to divide by.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub patrol_rate: Option<f64>,
    pub discovery_rate: Option<f64>,
    pub handling_rate: Option<f64>,
    pub on_time_rate: Option<f64>,
    pub satisfaction: Option<f64>,
    pub satisfied_share: Option<f64>,
    pub handling_hours: Option<f64>,
    /// The ranking score (see [`Figure::Score`]).
    pub score: Option<f64>,
}

impl Figures {
    pub fn get(&self, f: Figure) -> Option<f64> {
        match f {
            Figure::PatrolRate => self.patrol_rate,
            Figure::DiscoveryRate => self.discovery_rate,
            Figure::HandlingRate => self.handling_rate,
            Figure::OnTimeRate => self.on_time_rate,
            Figure::Satisfaction => self.satisfaction,
            Figure::SatisfiedShare => self.satisfied_share,
            Figure::HandlingHours => self.handling_hours,
            Figure::Score => self.score,
        }
    }
}

/// Every formula of [`Figure`], from the counts.
pub fn figures(c: &Counts) -> Figures {
    let patrol_rate = ratio(c.patrol_days_met, c.patrol_days);
    let discovery_rate = ratio(c.found, c.cases);
    let handling_rate = ratio(c.handled, c.cases);
    let parts: Vec<f64> = [patrol_rate, discovery_rate, handling_rate]
        .into_iter()
        .flatten()
        .collect();
    Figures {
        patrol_rate,
        discovery_rate,
        handling_rate,
        on_time_rate: ratio(c.on_time, c.handled),
        satisfaction: ratio(c.stars, c.rated),
        satisfied_share: ratio(c.satisfied, c.rated),
        handling_hours: ratio(c.handled_minutes, c.handled).map(|m| m / 60.0),
        score: (!parts.is_empty()).then(|| parts.iter().sum::<f64>() / parts.len() as f64 * 100.0),
    }
}

/// Whom a row of figures is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    Worker,
    Grid,
    Community,
    Street,
}

/// One ranked row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ranked {
    /// A grid, community or street code, or a worker's id.
    pub key: String,
    pub name: String,
    pub counts: Counts,
    pub figures: Figures,
    /// 1 is best; rows without a score come last, unranked.
    pub rank: Option<u32>,
    /// Among the top [`TOP_SHARE`] (rounded up) of the ranked rows.
    pub top: bool,
}

/// Ranks rows by score, best first (ties share a rank), and marks the top 30%.
pub fn rank(rows: &mut [Ranked]) {
    rows.sort_by(|a, b| {
        b.figures
            .score
            .partial_cmp(&a.figures.score)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.key.cmp(&b.key))
    });
    let scored = rows.iter().filter(|r| r.figures.score.is_some()).count();
    let top = (scored as f64 * TOP_SHARE).ceil() as u32;
    let mut last: Option<(f64, u32)> = None;
    for (i, r) in rows.iter_mut().enumerate() {
        let Some(score) = r.figures.score else {
            r.rank = None;
            r.top = false;
            continue;
        };
        let place = match last {
            Some((s, p)) if (s - score).abs() < 1e-9 => p,
            _ => i as u32 + 1,
        };
        last = Some((score, place));
        r.rank = Some(place);
        r.top = place <= top;
    }
}

/// A department's part in the whistles of a period.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DepartmentCounts {
    /// Whistles it was called to (lead or assisting).
    pub called: u64,
    /// Of those, answered (accepted or sent back), and sent back.
    pub answered: u64,
    pub sent_back: u64,
    /// Of those, reported; and reported by the required date.
    pub reported: u64,
    pub reported_on_time: u64,
    /// Minutes from the call to the answer, summed over the answered.
    pub answer_minutes: u64,
    /// The street's close-out ratings.
    pub rated: u64,
    pub stars: u64,
}

/// A department's figures: how it answers whistles.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DepartmentFigures {
    /// 响应率: answered ÷ called.
    pub answer_rate: Option<f64>,
    /// 退回率: sent back ÷ called.
    pub send_back_rate: Option<f64>,
    /// 按期报到率: reported by the required date ÷ called and not sent back.
    pub on_time_rate: Option<f64>,
    /// 平均响应时长 (hours): call → answer.
    pub answer_hours: Option<f64>,
    /// 街道评价: the average of the street's 1–5.
    pub rating: Option<f64>,
}

pub fn department_figures(c: &DepartmentCounts) -> DepartmentFigures {
    DepartmentFigures {
        answer_rate: ratio(c.answered, c.called),
        send_back_rate: ratio(c.sent_back, c.called),
        on_time_rate: ratio(c.reported_on_time, c.called.saturating_sub(c.sent_back)),
        answer_hours: ratio(c.answer_minutes, c.answered).map(|m| m / 60.0),
        rating: ratio(c.stars, c.rated),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DepartmentRow {
    pub code: String,
    pub name: String,
    pub counts: DepartmentCounts,
    pub figures: DepartmentFigures,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    /// A grid's month, counted by hand: 10 cases, 4 found on patrol, 8 with a
    /// result (6 on time, 960 minutes in all), 5 ratings (5+5+4+3+2 = 19
    /// stars, 3 of them 4–5); 2 workers × 20 working days, 30 days met.
    fn month() -> Counts {
        Counts {
            cases: 10,
            found: 4,
            handled: 8,
            on_time: 6,
            handled_minutes: 960,
            rated: 5,
            stars: 19,
            satisfied: 3,
            patrol_days: 40,
            patrol_days_met: 30,
        }
    }

    #[test]
    fn each_formula_against_the_hand_computed_month() {
        let f = figures(&month());
        assert_eq!(f.patrol_rate, Some(0.75));
        assert_eq!(f.discovery_rate, Some(0.4));
        assert_eq!(f.handling_rate, Some(0.8));
        assert_eq!(f.on_time_rate, Some(0.75));
        assert_eq!(f.satisfaction, Some(3.8));
        assert_eq!(f.satisfied_share, Some(0.6));
        assert_eq!(f.handling_hours, Some(2.0));
        // (0.75 + 0.4 + 0.8) / 3 × 100 = 65
        assert!((f.score.unwrap() - 65.0).abs() < 1e-9);
    }

    #[test]
    fn nothing_to_divide_by_is_no_figure_not_zero() {
        let f = figures(&Counts::default());
        assert_eq!(f, Figures::default());
        // A community with cases but no workers on a roster: the score uses
        // what it has.
        let f = figures(&Counts {
            cases: 4,
            found: 1,
            handled: 2,
            ..Counts::default()
        });
        assert_eq!(f.patrol_rate, None);
        assert!((f.score.unwrap() - 37.5).abs() < 1e-9);
    }

    #[test]
    fn the_top_30_percent_are_marked_and_ties_share_a_rank() {
        let row = |key: &str, score: Option<f64>| Ranked {
            key: key.into(),
            name: key.into(),
            counts: Counts::default(),
            figures: Figures {
                score,
                ..Figures::default()
            },
            rank: None,
            top: false,
        };
        let mut rows = vec![
            row("a", Some(50.0)),
            row("b", Some(90.0)),
            row("c", None),
            row("d", Some(70.0)),
            row("e", Some(70.0)),
            row("f", Some(10.0)),
        ];
        rank(&mut rows);
        let got: Vec<(&str, Option<u32>, bool)> = rows
            .iter()
            .map(|r| (r.key.as_str(), r.rank, r.top))
            .collect();
        // 5 scored rows: the top ceil(1.5) = 2 places; d and e tie for 2nd.
        assert_eq!(
            got,
            vec![
                ("b", Some(1), true),
                ("d", Some(2), true),
                ("e", Some(2), true),
                ("a", Some(4), false),
                ("f", Some(5), false),
                ("c", None, false),
            ]
        );
    }

    #[test]
    fn department_figures_by_hand() {
        let c = DepartmentCounts {
            called: 5,
            answered: 4,
            sent_back: 1,
            reported: 3,
            reported_on_time: 2,
            answer_minutes: 480,
            rated: 3,
            stars: 12,
        };
        let f = department_figures(&c);
        assert_eq!(f.answer_rate, Some(0.8));
        assert_eq!(f.send_back_rate, Some(0.2));
        assert_eq!(f.on_time_rate, Some(0.5));
        assert_eq!(f.answer_hours, Some(2.0));
        assert_eq!(f.rating, Some(4.0));
    }

    #[test]
    fn a_result_counts_its_minutes_and_its_deadline() {
        let t = DateTime::from_timestamp(1_780_000_000, 0).unwrap();
        assert_eq!(
            resolution(t, Some(t + Duration::hours(2)), t + Duration::minutes(90)),
            (90, true)
        );
        assert_eq!(
            resolution(t, Some(t + Duration::hours(1)), t + Duration::minutes(90)),
            (90, false)
        );
        assert!(resolution(t, None, t + Duration::days(9)).1);
    }
}

/// The longest period the dashboard adds up at once.
pub const MAX_DAYS: i64 = 366;
/// The period the dashboard opens on: the last 30 days.
pub const DEFAULT_DAYS: i64 = 30;

/// What the dashboard is asked for: an area (none: the caller's first), a
/// period of whole China days (none: the last [`DEFAULT_DAYS`]), a category.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DashboardAsk {
    #[serde(default)]
    pub area: Option<String>,
    #[serde(default)]
    pub from: Option<chrono::NaiveDate>,
    /// The last day, included.
    #[serde(default)]
    pub to: Option<chrono::NaiveDate>,
    #[serde(default)]
    pub category_id: Option<i64>,
}

/// One day of the trend.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DayPoint {
    pub day: chrono::NaiveDate,
    pub reported: u64,
    pub handled: u64,
}

/// One bar of a breakdown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Share {
    /// A category's name, or a source's or level's code.
    pub key: String,
    pub count: u64,
}

/// Cases in one cell of the heat map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HeatCell {
    pub lat: f64,
    pub lng: f64,
    pub count: u64,
}

/// The command centre's view of an area and a period.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    /// The area shown and the areas the caller may choose (code, name).
    pub area: Option<(String, String)>,
    pub areas: Vec<(String, String)>,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub totals: Counts,
    pub figures: Figures,
    /// Open cases of the area now, and those overdue.
    pub open_now: u64,
    pub overdue_now: u64,
    pub series: Vec<DayPoint>,
    pub by_category: Vec<Share>,
    pub by_source: Vec<Share>,
    pub by_level: Vec<Share>,
    /// The areas one level down, ranked (streets, communities or grids).
    pub children: Vec<Ranked>,
    /// The workers of the area's grids, ranked (a community or a grid).
    pub workers: Vec<Ranked>,
    pub departments: Vec<DepartmentRow>,
    pub heat: Vec<HeatCell>,
    /// The outlines of the area's grids, `[lat, lng]` rings, and their box.
    pub outlines: Vec<Vec<[f64; 2]>>,
    pub bbox: Option<[f64; 4]>,
}
