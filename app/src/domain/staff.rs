//! Staff accounts and grid rosters as the UI sees them.

use super::auth::{Grant, Role};
use super::geography::StaffPosition;
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
