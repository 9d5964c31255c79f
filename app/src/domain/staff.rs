//! Staff accounts and grid rosters as the UI sees them.

use super::auth::{Grant, Role};
use super::geography::{GridKind, StaffPosition};
use serde::{Deserialize, Serialize};

/// The signed-in user, as shown to themself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub name: String,
    pub phone: String,
    pub grants: Vec<Grant>,
    /// The community the user works in (from their grants, resolved on the
    /// server), where forms start.
    #[serde(default)]
    pub home_community: Option<String>,
}

impl CurrentUser {
    pub fn has(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }
}

/// One person on a grid roster, private view (staff and admins in scope).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RosterEntry {
    pub name: String,
    pub phone: String,
    pub position: StaffPosition,
    pub duties: String,
    pub show_phone: bool,
}

/// A staff account to create (管理员创建工作人员账号).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewStaffAccount {
    pub phone: String,
    pub name: String,
    pub password: String,
    pub role: Role,
    /// The code of the grid, community or street; or the id of the unit,
    /// company or the code of the department, as the role needs.
    pub scope: String,
    /// For grid roles: also put the person on the grid's roster.
    pub position: Option<StaffPosition>,
}

/// One role of an account in an admin's list (an account with two roles
/// there is two lines); the phone is masked. The `may_*` flags come from
/// the same rule the server enforces, so the page shows only what works.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub name: String,
    pub phone_masked: String,
    pub grant: Grant,
    pub user_id: i64,
    pub disabled: bool,
    /// The caller may take this role away.
    pub may_revoke: bool,
    /// The caller may disable (or enable) the whole account.
    pub may_disable: bool,
}

/// The grid role a roster position carries (网格长 → grid leader, 专职/兼职
/// 网格员 → grid worker, 网格指导员 → instructor): a place on a grid's
/// roster and the role at that grid go together.
pub fn role_for(position: StaffPosition) -> Role {
    match position {
        StaffPosition::Leader => Role::GridLeader,
        StaffPosition::FullTime | StaffPosition::PartTime => Role::GridWorker,
        StaffPosition::Instructor => Role::Instructor,
    }
}

/// Longest duties text on a roster (it is printed on the poster).
pub const MAX_DUTIES: usize = 120;

/// A change to a grid's roster (网格力量调整), the person named by the phone
/// number of their account.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum RosterChange {
    /// Put the person on the grid in this position (or change their
    /// position and duties there).
    Set {
        grid: String,
        phone: String,
        position: StaffPosition,
        duties: String,
    },
    /// Take the person off the grid.
    Remove { grid: String, phone: String },
    /// Move the person, position and duties, to another grid.
    Move {
        grid: String,
        phone: String,
        to: String,
    },
}

impl RosterChange {
    pub fn grid(&self) -> &str {
        match self {
            RosterChange::Set { grid, .. }
            | RosterChange::Remove { grid, .. }
            | RosterChange::Move { grid, .. } => grid,
        }
    }

    pub fn phone(&self) -> &str {
        match self {
            RosterChange::Set { phone, .. }
            | RosterChange::Remove { phone, .. }
            | RosterChange::Move { phone, .. } => phone,
        }
    }
}

/// What a grid's roster lacks against its standard: "1+1+N+X" for a base
/// grid (1 leader, 1 full-time worker, part-time workers, instructors) and
/// "1+X+Y" for a dedicated grid (1 leader, instructors, part-time workers).
/// "Several" (若干) is read as at least one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StaffingGap {
    NoLeader,
    ExtraLeaders(usize),
    NoFullTime,
    ExtraFullTime(usize),
    NoPartTime,
    NoInstructor,
}

impl StaffingGap {
    pub fn label(self, lang: super::lang::Lang) -> String {
        let zh = lang == super::lang::Lang::Zh;
        match (self, zh) {
            (StaffingGap::NoLeader, true) => "缺网格长".into(),
            (StaffingGap::NoLeader, false) => "No grid leader".into(),
            (StaffingGap::ExtraLeaders(n), true) => format!("网格长{n}名（应为1名）"),
            (StaffingGap::ExtraLeaders(n), false) => format!("{n} grid leaders (1 expected)"),
            (StaffingGap::NoFullTime, true) => "缺专职网格员".into(),
            (StaffingGap::NoFullTime, false) => "No full-time worker".into(),
            (StaffingGap::ExtraFullTime(n), true) => format!("专职网格员{n}名（应为1名）"),
            (StaffingGap::ExtraFullTime(n), false) => {
                format!("{n} full-time workers (1 expected)")
            }
            (StaffingGap::NoPartTime, true) => "缺兼职网格员".into(),
            (StaffingGap::NoPartTime, false) => "No part-time worker".into(),
            (StaffingGap::NoInstructor, true) => "缺网格指导员".into(),
            (StaffingGap::NoInstructor, false) => "No instructor".into(),
        }
    }
}

/// The gaps of a roster holding `positions` (active staff only) on a grid of `kind`.
pub fn staffing_gaps(kind: GridKind, positions: &[StaffPosition]) -> Vec<StaffingGap> {
    let count = |p| positions.iter().filter(|x| **x == p).count();
    let mut gaps = Vec::new();
    match count(StaffPosition::Leader) {
        0 => gaps.push(StaffingGap::NoLeader),
        1 => {}
        n => gaps.push(StaffingGap::ExtraLeaders(n)),
    }
    if kind == GridKind::Base {
        match count(StaffPosition::FullTime) {
            0 => gaps.push(StaffingGap::NoFullTime),
            1 => {}
            n => gaps.push(StaffingGap::ExtraFullTime(n)),
        }
    }
    if count(StaffPosition::PartTime) == 0 {
        gaps.push(StaffingGap::NoPartTime);
    }
    if count(StaffPosition::Instructor) == 0 {
        gaps.push(StaffingGap::NoInstructor);
    }
    gaps
}

/// One grid's staffing against its standard, for the admins' list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GridStaffing {
    pub code: String,
    pub name: String,
    pub kind: GridKind,
    /// Leaders, full-time, part-time, instructors (active staff).
    pub counts: [usize; 4],
    pub gaps: Vec<StaffingGap>,
}

/// The grids of an area with their staffing, those with gaps first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StaffingReport {
    pub scope: String,
    pub scope_name: String,
    pub grids: Vec<GridStaffing>,
    /// The areas the caller may look at (code, name).
    pub choices: Vec<(String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use StaffPosition::*;

    #[test]
    fn base_grids_want_one_leader_one_full_time_and_some_of_each_other() {
        assert_eq!(
            staffing_gaps(GridKind::Base, &[Leader, FullTime, PartTime, Instructor]),
            vec![]
        );
        assert_eq!(
            staffing_gaps(GridKind::Base, &[Leader, Leader, PartTime, PartTime]),
            vec![
                StaffingGap::ExtraLeaders(2),
                StaffingGap::NoFullTime,
                StaffingGap::NoInstructor
            ]
        );
        assert_eq!(
            staffing_gaps(GridKind::Base, &[]),
            vec![
                StaffingGap::NoLeader,
                StaffingGap::NoFullTime,
                StaffingGap::NoPartTime,
                StaffingGap::NoInstructor
            ]
        );
    }

    #[test]
    fn dedicated_grids_need_no_full_time_worker() {
        assert_eq!(
            staffing_gaps(GridKind::Dedicated, &[Leader, Instructor, PartTime]),
            vec![]
        );
        assert_eq!(
            staffing_gaps(GridKind::Dedicated, &[FullTime, Instructor]),
            vec![StaffingGap::NoLeader, StaffingGap::NoPartTime]
        );
    }

    #[test]
    fn each_position_carries_its_grid_role() {
        assert_eq!(role_for(Leader), Role::GridLeader);
        assert_eq!(role_for(FullTime), Role::GridWorker);
        assert_eq!(role_for(PartTime), Role::GridWorker);
        assert_eq!(role_for(Instructor), Role::Instructor);
    }
}
