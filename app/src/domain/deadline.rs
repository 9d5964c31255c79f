//! Time limits counted in working days (工作日) on a calendar the admins keep:
//! public holidays, and 调休 weekend days that are working days.

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc, Weekday,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

use super::case::DispatchLevel;

/// China Standard Time: UTC+8 all year (no daylight saving).
pub fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("valid offset")
}

/// The date in China at `now`: wanted-by dates and "today" are Chinese dates.
pub fn china_date(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&china()).date_naive()
}

/// The start of the day after `day` in China, as a UTC moment: the end of
/// a date given as a deadline.
pub fn midnight_after(day: NaiveDate) -> DateTime<Utc> {
    china()
        .from_local_datetime(
            &day.succ_opt()
                .expect("date in range")
                .and_time(NaiveTime::MIN),
        )
        .single()
        .expect("fixed offset")
        .with_timezone(&Utc)
}

/// Days off that would be working days, and weekend days that are worked.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Calendar {
    pub holidays: BTreeSet<NaiveDate>,
    /// 调休: weekend days that are working days.
    pub workdays: BTreeSet<NaiveDate>,
}

impl Calendar {
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.workdays.contains(&d) {
            return true;
        }
        if self.holidays.contains(&d) {
            return false;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The moment `days` working days after `start`, in local time. A start
    /// on a day off counts from the beginning of the next working day; the
    /// time of day is kept otherwise (reported Tue 15:00 + 1 → Wed 15:00).
    pub fn add_working_days(&self, start: DateTime<Utc>, days: u32) -> DateTime<Utc> {
        let tz = china();
        let local = start.with_timezone(&tz);
        let mut date = local.date_naive();
        let mut time = local.time();
        if !self.is_working_day(date) {
            while !self.is_working_day(date) {
                date = date.succ_opt().expect("date in range");
            }
            time = NaiveTime::MIN;
        }
        let mut left = days;
        while left > 0 {
            date = date.succ_opt().expect("date in range");
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        tz.from_local_datetime(&date.and_time(time))
            .single()
            .expect("fixed offset")
            .with_timezone(&Utc)
    }
    /// How much of the time from `a` to `b` falls on working days (whole
    /// local days: a case is on the clock all of a working day).
    pub fn working_time(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> Duration {
        let tz = china();
        let mut total = Duration::zero();
        let mut at = a;
        while at < b {
            let local = at.with_timezone(&tz);
            let next_midnight = midnight_after(local.date_naive());
            let end = next_midnight.min(b);
            if self.is_working_day(local.date_naive()) {
                total += end - at;
            }
            at = end;
        }
        total
    }

    /// The moment `span` of working time after `start` (days off do not
    /// count): the grace after a deadline runs on working days, so a case due
    /// on Friday evening is not escalated over the weekend.
    pub fn after_working_time(&self, start: DateTime<Utc>, span: Duration) -> DateTime<Utc> {
        let tz = china();
        let mut left = span;
        let mut at = start;
        // Bounded: a year of days off in a row would be a broken calendar.
        for _ in 0..3660 {
            if left <= Duration::zero() {
                break;
            }
            let local = at.with_timezone(&tz);
            let next_midnight = midnight_after(local.date_naive());
            if self.is_working_day(local.date_naive()) {
                let room = next_midnight - at;
                if room >= left {
                    return at + left;
                }
                left -= room;
            }
            at = next_midnight;
        }
        at
    }

    /// When a case running from `start` to `due` is "due soon": a quarter of
    /// its working time is left. Days off do not count, so a Monday deadline
    /// is warned on Monday (or Friday), never on the Sunday in between.
    pub fn warn_at(&self, start: DateTime<Utc>, due: DateTime<Utc>) -> DateTime<Utc> {
        let mut left = self.working_time(start, due) / 4;
        let tz = china();
        let mut at = due;
        while left > Duration::zero() && at > start {
            let local = at.with_timezone(&tz);
            // The start of the local day `at` lies in (or the previous day
            // when `at` is exactly midnight).
            let mut day = local.date_naive();
            if local.time() == NaiveTime::MIN {
                day = day.pred_opt().expect("date in range");
            }
            let day_start = tz
                .from_local_datetime(&day.and_time(NaiveTime::MIN))
                .single()
                .expect("fixed offset")
                .with_timezone(&Utc)
                .max(start);
            if self.is_working_day(day) {
                let span = at - day_start;
                if span >= left {
                    return at - left;
                }
                left -= span;
            }
            at = day_start;
        }
        at
    }
}

impl Calendar {
    /// How a case stands against its deadline on this calendar: due soon once a
    /// quarter of its working time is left, the moment the sweep warns its owner.
    pub fn due_state(
        &self,
        start: DateTime<Utc>,
        due: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> DueState {
        if now > due {
            DueState::Overdue
        } else if now >= self.warn_at(start, due) {
            DueState::DueSoon
        } else {
            DueState::OnTime
        }
    }
}

/// Working days allowed at each level (defaults 1, 3, 5; admins change them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeLimits {
    pub grid: u32,
    pub community: u32,
    pub department: u32,
}

impl Default for TimeLimits {
    fn default() -> Self {
        TimeLimits {
            grid: 1,
            community: 3,
            department: 5,
        }
    }
}

impl TimeLimits {
    pub fn days(&self, level: DispatchLevel) -> u32 {
        match level {
            DispatchLevel::Grid | DispatchLevel::Company => self.grid,
            DispatchLevel::Community | DispatchLevel::Street => self.community,
            DispatchLevel::Department => self.department,
        }
    }
}

/// How a case stands against its deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueState {
    OnTime,
    /// Less than a quarter of the time is left.
    DueSoon,
    Overdue,
}

pub fn due_state(start: DateTime<Utc>, due: DateTime<Utc>, now: DateTime<Utc>) -> DueState {
    if now > due {
        DueState::Overdue
    } else if (due - now) * 4 < (due - start).max(Duration::zero()) {
        DueState::DueSoon
    } else {
        DueState::OnTime
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        china()
            .with_ymd_and_hms(y, m, d, h, 0, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// National Day week: Oct 1–7 off, with Sun Sep 27 and Sat Oct 10 worked (调休).
    fn national_day() -> Calendar {
        Calendar {
            holidays: (1..=7).map(|d| day(2026, 10, d)).collect(),
            workdays: [day(2026, 9, 27), day(2026, 10, 10)].into_iter().collect(),
        }
    }

    #[test]
    fn weekdays_count_and_weekends_do_not() {
        let c = Calendar::default();
        // 2026-11-17 is a Tuesday.
        assert_eq!(
            c.add_working_days(at(2026, 11, 17, 15), 1),
            at(2026, 11, 18, 15)
        );
        // Friday + 1 → Monday, same time.
        assert_eq!(
            c.add_working_days(at(2026, 11, 20, 15), 1),
            at(2026, 11, 23, 15)
        );
        // Thursday + 3 → Tuesday.
        assert_eq!(
            c.add_working_days(at(2026, 11, 19, 9), 3),
            at(2026, 11, 24, 9)
        );
        // Saturday: counting starts Monday 00:00, so one day ends Tuesday 00:00.
        assert_eq!(
            c.add_working_days(at(2026, 11, 21, 10), 1),
            at(2026, 11, 24, 0)
        );
        assert_eq!(
            c.add_working_days(at(2026, 11, 17, 15), 0),
            at(2026, 11, 17, 15)
        );
    }

    #[test]
    fn holidays_are_skipped_and_make_up_days_count() {
        let c = national_day();
        assert!(c.is_working_day(day(2026, 9, 27)), "Sunday worked (调休)");
        assert!(!c.is_working_day(day(2026, 10, 1)), "holiday");
        assert!(
            c.is_working_day(day(2026, 10, 10)),
            "Saturday worked (调休)"
        );
        // Fri Sep 25 + 1 → Sun Sep 27, a make-up working day.
        assert_eq!(
            c.add_working_days(at(2026, 9, 25, 10), 1),
            at(2026, 9, 27, 10)
        );
        // Wed Sep 30 + 1 → Thu Oct 8, over the whole holiday.
        assert_eq!(
            c.add_working_days(at(2026, 9, 30, 16), 1),
            at(2026, 10, 8, 16)
        );
        // Wed Sep 30 + 3 → Sat Oct 10 (worked): Oct 8, 9, 10.
        assert_eq!(
            c.add_working_days(at(2026, 9, 30, 16), 3),
            at(2026, 10, 10, 16)
        );
        // Reported on Oct 3 (holiday): counting starts Oct 8.
        assert_eq!(
            c.add_working_days(at(2026, 10, 3, 12), 5),
            at(2026, 10, 14, 0)
        );
    }

    #[test]
    fn the_warning_comes_on_a_working_day() {
        let c = Calendar::default();
        // Tue 08:00 → Wed 08:00: a quarter of 24 hours left is Wed 02:00.
        assert_eq!(
            c.warn_at(at(2026, 11, 17, 8), at(2026, 11, 18, 8)),
            at(2026, 11, 18, 2)
        );
        // Fri 15:00 → Mon 15:00: the weekend is not working time (9 h on
        // Friday, 15 h on Monday), so the warning is Monday 09:00, not Sunday.
        let (fri, mon) = (at(2026, 11, 20, 15), at(2026, 11, 23, 15));
        assert_eq!(c.working_time(fri, mon), Duration::hours(24));
        assert_eq!(c.warn_at(fri, mon), at(2026, 11, 23, 9));
        // Over the National Day holiday: Wed Sep 30 16:00 → Thu Oct 8 16:00
        // is 24 working hours, warned on Oct 8 at 10:00.
        let c = national_day();
        assert_eq!(
            c.warn_at(at(2026, 9, 30, 16), at(2026, 10, 8, 16)),
            at(2026, 10, 8, 10)
        );
        // A deadline at midnight (a report made on a day off): the last
        // working day before it holds the warning.
        let sat = at(2026, 11, 21, 10);
        let due = Calendar::default().add_working_days(sat, 1);
        assert_eq!(due, at(2026, 11, 24, 0));
        assert_eq!(Calendar::default().warn_at(sat, due), at(2026, 11, 23, 18));
    }

    #[test]
    fn the_grace_after_a_deadline_runs_on_working_days() {
        let c = Calendar::default();
        // Due Friday 17:00, 24 working hours of grace: Friday's 7 hours, then
        // Monday from midnight to 17:00 (the weekend does not count).
        assert_eq!(
            c.after_working_time(at(2026, 11, 20, 17), Duration::hours(24)),
            at(2026, 11, 23, 17)
        );
        // Due Tuesday 10:00: Wednesday 10:00.
        assert_eq!(
            c.after_working_time(at(2026, 11, 17, 10), Duration::hours(24)),
            at(2026, 11, 18, 10)
        );
        // Due on a Sunday (a report made on a day off): Monday counts from 00:00.
        assert_eq!(
            c.after_working_time(at(2026, 11, 22, 9), Duration::hours(4)),
            at(2026, 11, 23, 4)
        );
        // Over the National Day holiday.
        assert_eq!(
            national_day().after_working_time(at(2026, 9, 30, 16), Duration::hours(24)),
            at(2026, 10, 8, 16)
        );
    }

    #[test]
    fn limits_by_level_and_due_states() {
        let l = TimeLimits::default();
        assert_eq!(
            (
                l.days(DispatchLevel::Grid),
                l.days(DispatchLevel::Street),
                l.days(DispatchLevel::Department)
            ),
            (1, 3, 5)
        );
        let start = at(2026, 11, 17, 8);
        let due = at(2026, 11, 18, 8);
        assert_eq!(due_state(start, due, at(2026, 11, 17, 9)), DueState::OnTime);
        assert_eq!(
            due_state(start, due, at(2026, 11, 18, 3)),
            DueState::DueSoon
        );
        assert_eq!(
            due_state(start, due, at(2026, 11, 18, 9)),
            DueState::Overdue
        );
    }
}

/// One special day of the calendar as admins see and edit it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpecialDay {
    pub day: NaiveDate,
    /// true: a weekend day that is worked (调休); false: a holiday.
    pub workday: bool,
    pub name: String,
}
