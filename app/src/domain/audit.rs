//! The audit log (审计日志): what is written down, and who may read it.
//! Every staff or admin action and every look at someone's personal data
//! leaves one line; nobody edits or deletes lines.

use super::lang::Lang;
use serde::{Deserialize, Serialize};

/// What happened. Stored as its snake_case name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// A staff step on a case (confirm, dispatch, resolve…).
    CaseStep,
    /// Staff opened a case with the reporter's name and phone.
    CaseRead,
    /// A wish's contact (name, phone, address) was shown to its claimer,
    /// or a 置换-分享 side's to the other side.
    ContactReveal,
    /// A staff account was created.
    AccountCreated,
    /// A role was taken from an account.
    RoleRevoked,
    /// An account was disabled (its sessions end).
    AccountDisabled,
    /// An account was enabled again.
    AccountEnabled,
    /// Someone changed their own password.
    PasswordChanged,
    /// A resident downloaded their own data.
    DataExported,
    /// A resident deleted their account.
    AccountDeleted,
    /// A system admin was created from the command line.
    AdminCreated,
    /// Time limits, the calendar, categories or departments changed.
    SettingsChanged,
    /// Boundaries were imported.
    GeographyImported,
    /// A unit's ledger or another list with names was exported.
    Exported,
    /// A registration (unit, member) or a wish was reviewed.
    Reviewed,
    /// A text message went (or, with the log-only gateway, would have gone) to
    /// a staff member's phone.
    SmsSent,
    /// A patrol step: started, ended, a visit logged, a finding filed, a key
    /// issue entered or reviewed.
    PatrolStep,
    /// Someone looked at another person's patrol (their track is personal data).
    PatrolRead,
    /// A grid's roster changed: someone put on, moved, re-positioned or taken off.
    RosterChanged,
    /// A household record's sensitive fields (ID numbers, phones, care
    /// tags) were shown in full.
    HouseholdRevealed,
    /// A household record was opened (names, door; sensitive fields masked).
    HouseholdRead,
    /// Household records were imported from a sheet.
    HouseholdsImported,
    /// A household record, a 联户组 or its task was added or changed, or a
    /// correction request handled.
    HouseholdChanged,
    /// A grid boundary was drawn, reshaped, split, merged or restored.
    BoundaryChanged,
    /// A community step on a deliberation topic (review, meeting, result,
    /// progress, threshold) or a paper ballot entered by staff.
    TopicStep,
    /// A property company's record kept, or a compound given to a company
    /// (物业联盟).
    CompanyKept,
    /// The three lists' loop: a resource taken up for a need, a need
    /// closed, a project's links changed (三张清单).
    ListsKept,
    /// A joint meeting (物业联席会) convened or recorded, a resolution
    /// written or withdrawn, or its progress reported.
    MeetingKept,
    /// A 共享小屋's thing added or changed, or a loan's return recorded.
    SharingKept,
    /// An Open311 client application registered or its key revoked.
    Open311Client,
}

impl AuditAction {
    pub const ALL: [AuditAction; 30] = [
        AuditAction::CaseStep,
        AuditAction::CaseRead,
        AuditAction::ContactReveal,
        AuditAction::AccountCreated,
        AuditAction::RoleRevoked,
        AuditAction::AccountDisabled,
        AuditAction::AccountEnabled,
        AuditAction::PasswordChanged,
        AuditAction::DataExported,
        AuditAction::AccountDeleted,
        AuditAction::AdminCreated,
        AuditAction::SettingsChanged,
        AuditAction::GeographyImported,
        AuditAction::Exported,
        AuditAction::Reviewed,
        AuditAction::SmsSent,
        AuditAction::PatrolStep,
        AuditAction::PatrolRead,
        AuditAction::RosterChanged,
        AuditAction::HouseholdRevealed,
        AuditAction::HouseholdRead,
        AuditAction::HouseholdsImported,
        AuditAction::HouseholdChanged,
        AuditAction::BoundaryChanged,
        AuditAction::TopicStep,
        AuditAction::CompanyKept,
        AuditAction::ListsKept,
        AuditAction::MeetingKept,
        AuditAction::SharingKept,
        AuditAction::Open311Client,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::CaseStep => "case_step",
            AuditAction::CaseRead => "case_read",
            AuditAction::ContactReveal => "contact_reveal",
            AuditAction::AccountCreated => "account_created",
            AuditAction::RoleRevoked => "role_revoked",
            AuditAction::AccountDisabled => "account_disabled",
            AuditAction::AccountEnabled => "account_enabled",
            AuditAction::PasswordChanged => "password_changed",
            AuditAction::DataExported => "data_exported",
            AuditAction::AccountDeleted => "account_deleted",
            AuditAction::AdminCreated => "admin_created",
            AuditAction::SettingsChanged => "settings_changed",
            AuditAction::GeographyImported => "geography_imported",
            AuditAction::Exported => "exported",
            AuditAction::Reviewed => "reviewed",
            AuditAction::SmsSent => "sms_sent",
            AuditAction::PatrolStep => "patrol_step",
            AuditAction::PatrolRead => "patrol_read",
            AuditAction::RosterChanged => "roster_changed",
            AuditAction::HouseholdRevealed => "household_revealed",
            AuditAction::HouseholdRead => "household_read",
            AuditAction::HouseholdsImported => "households_imported",
            AuditAction::HouseholdChanged => "household_changed",
            AuditAction::BoundaryChanged => "boundary_changed",
            AuditAction::TopicStep => "topic_step",
            AuditAction::CompanyKept => "company_kept",
            AuditAction::ListsKept => "lists_kept",
            AuditAction::MeetingKept => "meeting_kept",
            AuditAction::SharingKept => "sharing_kept",
            AuditAction::Open311Client => "open311_client",
        }
    }

    pub fn parse(s: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            AuditAction::CaseStep => ("办理事件", "Case step"),
            AuditAction::CaseRead => ("查看事件(含联系方式)", "Case read (with contact)"),
            AuditAction::ContactReveal => ("查看心愿联系方式", "Wish contact shown"),
            AuditAction::AccountCreated => ("创建账号", "Account created"),
            AuditAction::RoleRevoked => ("撤销角色", "Role revoked"),
            AuditAction::AccountDisabled => ("停用账号", "Account disabled"),
            AuditAction::AccountEnabled => ("启用账号", "Account enabled"),
            AuditAction::PasswordChanged => ("修改密码", "Password changed"),
            AuditAction::DataExported => ("下载个人数据", "Personal data downloaded"),
            AuditAction::AccountDeleted => ("注销账号", "Account deleted"),
            AuditAction::AdminCreated => ("创建系统管理员", "System admin created"),
            AuditAction::SettingsChanged => ("修改设置", "Settings changed"),
            AuditAction::GeographyImported => ("导入边界", "Boundaries imported"),
            AuditAction::Exported => ("导出数据", "Data exported"),
            AuditAction::Reviewed => ("审核", "Reviewed"),
            AuditAction::SmsSent => ("发送短信", "Text message sent"),
            AuditAction::PatrolStep => ("巡查走访", "Patrol step"),
            AuditAction::PatrolRead => ("查看他人巡查轨迹", "Another's patrol viewed"),
            AuditAction::RosterChanged => ("调整网格力量", "Roster changed"),
            AuditAction::HouseholdRevealed => ("查看人房敏感信息", "Household details revealed"),
            AuditAction::HouseholdRead => ("查看人房信息", "Household record opened"),
            AuditAction::HouseholdsImported => ("导入人房信息", "Households imported"),
            AuditAction::HouseholdChanged => ("维护人房信息", "Household record changed"),
            AuditAction::BoundaryChanged => ("调整网格边界", "Grid boundary changed"),
            AuditAction::TopicStep => ("议事协商", "Deliberation step"),
            AuditAction::CompanyKept => ("物业联盟维护", "Property company kept"),
            AuditAction::ListsKept => ("三张清单维护", "Three lists kept"),
            AuditAction::MeetingKept => ("物业联席会", "Joint meeting kept"),
            AuditAction::SharingKept => ("共享小屋", "Sharing shed kept"),
            AuditAction::Open311Client => ("Open311接入管理", "Open311 client kept"),
        };
        lang.pick(zh, en)
    }
}

/// One line of the log as the audit page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditLine {
    pub id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: AuditAction,
    pub target_kind: String,
    pub target_id: String,
    pub detail: String,
    pub street_code: Option<String>,
    pub client: String,
}

/// Narrowing of the audit page.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub action: Option<AuditAction>,
    /// Lines by this user.
    pub actor_id: Option<i64>,
    /// Lines about this target (kind and id, e.g. `case` `42`).
    pub target_kind: Option<String>,
    pub target_id: Option<String>,
    pub since: Option<chrono::NaiveDate>,
    pub until: Option<chrono::NaiveDate>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_round_trip_through_storage() {
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::parse(a.as_str()), Some(a));
            assert!(!a.label(Lang::Zh).is_empty());
        }
        assert_eq!(AuditAction::parse("nope"), None);
    }
}
