//! Dual reporting (双报到): units register their party organisation with a
//! community, in-service party members report to the community they live
//! in, and both are approved by that community. Service done through wishes
//! and volunteering is credited to the member and their unit.

use super::auth::{Grant, Place, Role};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// 机关
    Government,
    /// 事业单位
    Institution,
    /// 企业
    Enterprise,
    /// 学校
    School,
    /// 医院
    Hospital,
    /// 社会组织
    Organisation,
}

impl UnitKind {
    pub const ALL: [UnitKind; 6] = [
        UnitKind::Government,
        UnitKind::Institution,
        UnitKind::Enterprise,
        UnitKind::School,
        UnitKind::Hospital,
        UnitKind::Organisation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Government => "government",
            UnitKind::Institution => "institution",
            UnitKind::Enterprise => "enterprise",
            UnitKind::School => "school",
            UnitKind::Hospital => "hospital",
            UnitKind::Organisation => "organisation",
        }
    }

    pub fn parse(s: &str) -> Option<UnitKind> {
        UnitKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self, lang: super::lang::Lang) -> &'static str {
        let (zh, en) = match self {
            UnitKind::Government => ("机关", "Government office"),
            UnitKind::Institution => ("事业单位", "Public institution"),
            UnitKind::Enterprise => ("企业", "Company"),
            UnitKind::School => ("学校", "School"),
            UnitKind::Hospital => ("医院", "Hospital"),
            UnitKind::Organisation => ("社会组织", "Social organisation"),
        };
        lang.pick(zh, en)
    }
}

/// Where a registration stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Review {
    Pending,
    Approved,
    Rejected,
}

impl Review {
    pub fn as_str(self) -> &'static str {
        match self {
            Review::Pending => "pending",
            Review::Approved => "approved",
            Review::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Review> {
        [Review::Pending, Review::Approved, Review::Rejected]
            .into_iter()
            .find(|r| r.as_str() == s)
    }

    pub fn label(self, lang: super::lang::Lang) -> &'static str {
        let (zh, en) = match self {
            Review::Pending => ("待审核", "Pending"),
            Review::Approved => ("已通过", "Approved"),
            Review::Rejected => ("未通过", "Refused"),
        };
        lang.pick(zh, en)
    }
}

/// Who approves registrations with a community: its admins, the street's
/// admins above it, and system admins.
pub fn may_review(grants: &[Grant], community: &Place) -> bool {
    grants.iter().any(|g| {
        matches!(
            g.role,
            Role::CommunityAdmin | Role::StreetAdmin | Role::SystemAdmin
        ) && g.scope.covers(community)
    })
}

/// A unit's registration as the form sends it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewUnit {
    pub name: String,
    pub kind: UnitKind,
    /// 党组织名称, e.g. "区税务局机关党支部".
    pub party_org: String,
    pub contact_name: String,
    pub contact_phone: String,
    /// The community it reports to.
    pub community_code: String,
}

/// A unit as its admin or the community sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnitView {
    pub id: i64,
    pub name: String,
    pub kind: Option<UnitKind>,
    pub party_org: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub community_code: Option<String>,
    pub community_name: String,
    pub status: Review,
    pub members: u32,
    pub points: i64,
    pub hours: f64,
}

/// A unit in a picker (approved units only).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnitChoice {
    pub id: i64,
    pub name: String,
}

/// A party member's report (报到) to the community where they live.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberView {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub phone: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub community_code: String,
    pub community_name: String,
    pub status: Review,
    pub points: i64,
    pub hours: f64,
    pub created_at: DateTime<Utc>,
}

/// Where a credit came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditSource {
    Wish,
    Activity,
}

impl CreditSource {
    pub fn as_str(self) -> &'static str {
        match self {
            CreditSource::Wish => "wish",
            CreditSource::Activity => "activity",
        }
    }

    pub fn parse(s: &str) -> Option<CreditSource> {
        match s {
            "wish" => Some(CreditSource::Wish),
            "activity" => Some(CreditSource::Activity),
            _ => None,
        }
    }

    pub fn label(self, lang: super::lang::Lang) -> &'static str {
        match self {
            CreditSource::Wish => lang.pick("微心愿", "Micro-wish"),
            CreditSource::Activity => lang.pick("微志愿", "Volunteering"),
        }
    }
}

/// One line of the service ledger (服务台账).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LedgerLine {
    pub at: DateTime<Utc>,
    pub member: String,
    pub unit: Option<String>,
    pub community_name: String,
    pub source: CreditSource,
    pub source_id: i64,
    pub title: String,
    pub points: i32,
    pub hours: f32,
}

/// A member's or unit's record: totals and the lines behind them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub points: i64,
    pub hours: f64,
    pub lines: Vec<LedgerLine>,
}

/// A place on a community's leaderboard. Members show by surname only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LeaderRow {
    pub rank: u32,
    pub name: String,
    pub unit: Option<String>,
    pub points: i64,
    pub hours: f64,
}

/// The ledger as a spreadsheet: header and rows in the user's language.
pub fn ledger_table(
    lines: &[LedgerLine],
    lang: super::lang::Lang,
) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let header = vec![
        lang.pick("日期", "Date"),
        lang.pick("党员", "Member"),
        lang.pick("单位", "Unit"),
        lang.pick("社区", "Community"),
        lang.pick("类别", "Kind"),
        lang.pick("事项", "Item"),
        lang.pick("积分", "Points"),
        lang.pick("服务时长(小时)", "Hours"),
    ];
    let rows = lines
        .iter()
        .map(|l| {
            vec![
                l.at.with_timezone(&super::deadline::china())
                    .format("%Y-%m-%d")
                    .to_string(),
                l.member.clone(),
                l.unit.clone().unwrap_or_default(),
                l.community_name.clone(),
                l.source.label(lang).to_string(),
                l.title.clone(),
                l.points.to_string(),
                format!("{:.1}", l.hours),
            ]
        })
        .collect();
    (header, rows)
}

/// A cell as a spreadsheet must never read it: a leading =, +, - or @
/// would run as a formula in Excel (CSV injection), so it gets a quote.
pub fn safe_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::auth::Scope;

    #[test]
    fn only_the_community_and_those_above_review_registrations() {
        let c1 = Place {
            grid: None,
            community: Some("C1".into()),
            street: Some("S1".into()),
        };
        let g = |role, scope| vec![Grant::new(role, scope).unwrap()];
        assert!(may_review(
            &g(Role::CommunityAdmin, Scope::Community("C1".into())),
            &c1
        ));
        assert!(!may_review(
            &g(Role::CommunityAdmin, Scope::Community("C2".into())),
            &c1
        ));
        assert!(may_review(
            &g(Role::StreetAdmin, Scope::Street("S1".into())),
            &c1
        ));
        assert!(!may_review(
            &g(Role::GridWorker, Scope::Grid("G1".into())),
            &c1
        ));
        assert!(!may_review(&g(Role::PartyMember, Scope::Unit(1)), &c1));
        assert!(!may_review(&g(Role::UnitAdmin, Scope::Unit(1)), &c1));
    }

    #[test]
    fn spreadsheet_cells_cannot_smuggle_formulas() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("-1"), "'-1");
        assert_eq!(safe_cell("看望老人"), "看望老人");
    }
}
