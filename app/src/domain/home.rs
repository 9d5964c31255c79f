//! The home of "我的" (issue 9 item 6): what waits for the user, as counts
//! by kind with a link each, and shortcuts to what their roles can do.
//! Counts only: never a name, a phone or a case's text.
//!
//! Which kinds a user gets is decided on the server from their grants
//! through `policy` (`inboxes`, `claims_wishes`, `wish::community_side`,
//! `unit::may_review`); which shortcuts, by [`shortcuts`] here.

use super::auth::{Grant, Role};
use super::policy;
use serde::{Deserialize, Serialize};

/// One kind of thing that waits for a user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HomeKind {
    /// 待办事件: open cases in the staff inboxes whose holder acts on them
    /// (`policy::inboxes`, `Inbox::acts`).
    CasesWaiting,
    /// 逾期事件: open cases past their deadline in the user's inboxes
    /// (instructors' too: they read and supervise).
    CasesOverdue,
    /// 待审心愿: pending wishes of the communities the user reviews
    /// (`wish::community_side`).
    WishesToReview,
    /// 我认领的: wishes the user (or the unit they run) claimed and has not
    /// yet fulfilled.
    MyClaims,
    /// 待审报到: unit registrations and member reports with the
    /// communities the user reviews (`unit::may_review`), except their own.
    RegistrationsToReview,
    /// 我的诉求: the user's own reports still open.
    MyReports,
}

impl HomeKind {
    /// Every kind, in the order the home shows them (a role's work first).
    pub const ALL: [HomeKind; 6] = [
        HomeKind::CasesWaiting,
        HomeKind::CasesOverdue,
        HomeKind::WishesToReview,
        HomeKind::RegistrationsToReview,
        HomeKind::MyClaims,
        HomeKind::MyReports,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HomeKind::CasesWaiting => "cases_waiting",
            HomeKind::CasesOverdue => "cases_overdue",
            HomeKind::WishesToReview => "wishes_to_review",
            HomeKind::MyClaims => "my_claims",
            HomeKind::RegistrationsToReview => "registrations_to_review",
            HomeKind::MyReports => "my_reports",
        }
    }

    pub fn parse(s: &str) -> Option<HomeKind> {
        HomeKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The page where these things are handled. The cases page opens on
    /// the caller's inbox (staff) or their reports; wish reviews, claims
    /// and registrations are on the service page.
    pub fn href(self) -> &'static str {
        match self {
            HomeKind::CasesWaiting => "/cases",
            HomeKind::CasesOverdue => "/cases?view=overdue",
            HomeKind::MyReports => "/cases?q=mine",
            HomeKind::WishesToReview | HomeKind::MyClaims | HomeKind::RegistrationsToReview => {
                "/service"
            }
        }
    }

    /// Work a role brings, as opposed to the user's own business (their
    /// reports, their claims).
    pub fn is_staff(self) -> bool {
        matches!(
            self,
            HomeKind::CasesWaiting
                | HomeKind::CasesOverdue
                | HomeKind::WishesToReview
                | HomeKind::RegistrationsToReview
        )
    }
}

/// How many of one kind wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeItem {
    pub kind: HomeKind,
    pub count: u64,
}

/// Everything the home counts for one user: only the kinds their roles
/// bring, in [`HomeKind::ALL`]'s order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeCounts {
    pub items: Vec<HomeItem>,
}

impl HomeCounts {
    /// The count of a kind, or `None` when the user does not get it.
    pub fn count(&self, kind: HomeKind) -> Option<u64> {
        self.items.iter().find(|i| i.kind == kind).map(|i| i.count)
    }

    /// Adds a kind (kept in [`HomeKind::ALL`]'s order).
    pub fn push(&mut self, kind: HomeKind, count: u64) {
        self.items.push(HomeItem { kind, count });
        self.items.sort_by_key(|i| {
            HomeKind::ALL
                .iter()
                .position(|k| *k == i.kind)
                .unwrap_or(usize::MAX)
        });
    }
}

/// A link on the home to something the user's roles can do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shortcut {
    /// 上报: anyone signed in reports as a resident (`policy::may_file`).
    Report,
    /// 发布心愿: anyone signed in posts a wish.
    PostWish,
    /// 事件: staff of a place, departments and companies work cases.
    Cases,
    /// 巡查: grid staff patrol; those above them read the day's rule.
    Patrol,
    /// 人房信息: grid staff keep household records.
    Households,
    /// 我的家庭: everyone else sees their own household and the 联户组 they lead.
    MyHome,
    /// 数据看板: community, street and system admins; departments their part.
    Dashboard,
    /// 议事协商: everyone proposes, seconds and votes; the community runs it.
    Topics,
    /// 物业联盟: a company's staff open their desk; street and system admins
    /// keep the companies.
    Alliance,
    /// 物业联席会: the community side convenes; companies, units and
    /// departments follow the resolutions they own.
    Meetings,
    /// 共享小屋: everyone borrows; the community keeps it.
    Sharing,
    /// 服务: dual reporting, the service record, the wish lists.
    Service,
    /// 管理: admins who hand out roles (community, street, system).
    Admin,
}

impl Shortcut {
    pub fn as_str(self) -> &'static str {
        match self {
            Shortcut::Report => "report",
            Shortcut::PostWish => "post_wish",
            Shortcut::Cases => "cases",
            Shortcut::Patrol => "patrol",
            Shortcut::Households => "households",
            Shortcut::MyHome => "my_home",
            Shortcut::Dashboard => "dashboard",
            Shortcut::Topics => "topics",
            Shortcut::Alliance => "alliance",
            Shortcut::Meetings => "meetings",
            Shortcut::Sharing => "sharing",
            Shortcut::Service => "service",
            Shortcut::Admin => "admin",
        }
    }

    pub fn href(self) -> &'static str {
        match self {
            Shortcut::Report => "/report",
            Shortcut::PostWish => "/wishes/new",
            Shortcut::Cases => "/cases",
            Shortcut::Patrol => "/patrol",
            Shortcut::Households | Shortcut::MyHome => "/households",
            Shortcut::Dashboard => "/dashboard",
            Shortcut::Topics => "/topics",
            Shortcut::Alliance => "/alliance",
            Shortcut::Meetings => "/meetings",
            Shortcut::Sharing => "/sharing",
            Shortcut::Service => "/service",
            Shortcut::Admin => "/admin",
        }
    }
}

/// The shortcuts a signed-in user's grants give, in the order shown.
pub fn shortcuts(grants: &[Grant]) -> Vec<Shortcut> {
    let mut out = vec![Shortcut::Report, Shortcut::PostWish];
    if policy::works_cases(grants) {
        out.push(Shortcut::Cases);
    }
    if grants.iter().any(|g| g.role.is_place_staff()) {
        out.push(Shortcut::Patrol);
        out.push(Shortcut::Households);
    } else {
        out.push(Shortcut::MyHome);
    }
    if grants.iter().any(|g| {
        matches!(
            g.role,
            Role::CommunityAdmin | Role::StreetAdmin | Role::SystemAdmin | Role::Department
        )
    }) {
        out.push(Shortcut::Dashboard);
    }
    out.push(Shortcut::Topics);
    if policy::company_of(grants).is_some()
        || policy::company_streets(grants).is_none_or(|s| !s.is_empty())
    {
        out.push(Shortcut::Alliance);
    }
    let runs = policy::topic_staff_scope(grants);
    if runs.all
        || !runs.streets.is_empty()
        || !runs.communities.is_empty()
        || !policy::resolution_owners(grants).is_empty()
    {
        out.push(Shortcut::Meetings);
    }
    out.push(Shortcut::Sharing);
    out.push(Shortcut::Service);
    if policy::opens_admin(grants) {
        out.push(Shortcut::Admin);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::auth::{Role, Scope};

    fn g(role: Role, scope: Scope) -> Vec<Grant> {
        vec![Grant::new(role, scope).unwrap()]
    }

    #[test]
    fn kinds_round_trip_and_link_to_existing_pages() {
        for k in HomeKind::ALL {
            assert_eq!(HomeKind::parse(k.as_str()), Some(k));
            assert!(
                ["/cases", "/service"].contains(&k.href().split('?').next().unwrap()),
                "{k:?}"
            );
        }
        assert!(!HomeKind::MyReports.is_staff() && !HomeKind::MyClaims.is_staff());
        assert!(HomeKind::CasesWaiting.is_staff());
    }

    #[test]
    fn counts_keep_the_home_order() {
        let mut c = HomeCounts::default();
        c.push(HomeKind::MyReports, 2);
        c.push(HomeKind::CasesWaiting, 5);
        assert_eq!(c.items[0].kind, HomeKind::CasesWaiting);
        assert_eq!(c.count(HomeKind::MyReports), Some(2));
        assert_eq!(c.count(HomeKind::MyClaims), None);
    }

    #[test]
    fn shortcuts_follow_the_roles() {
        let resident = shortcuts(&g(Role::Resident, Scope::None));
        assert_eq!(
            resident,
            [
                Shortcut::Report,
                Shortcut::PostWish,
                Shortcut::MyHome,
                Shortcut::Topics,
                Shortcut::Sharing,
                Shortcut::Service
            ]
        );
        let worker = shortcuts(&g(Role::GridWorker, Scope::Grid("G1".into())));
        // The grid worker keeps the roster on 管理.
        assert!(worker.contains(&Shortcut::Cases) && worker.contains(&Shortcut::Admin));
        assert!(worker.contains(&Shortcut::Households) && !worker.contains(&Shortcut::MyHome));
        let dept = shortcuts(&g(Role::Department, Scope::Department("CG".into())));
        assert!(dept.contains(&Shortcut::Cases) && !dept.contains(&Shortcut::Admin));
        let community = shortcuts(&g(Role::CommunityAdmin, Scope::Community("C1".into())));
        assert!(community.contains(&Shortcut::Cases) && community.contains(&Shortcut::Admin));
        let admin = shortcuts(&g(Role::SystemAdmin, Scope::Everywhere));
        assert!(admin.contains(&Shortcut::Admin));
        // 物业联盟: the company's staff and the streets keeping companies.
        assert!(admin.contains(&Shortcut::Alliance));
        assert!(
            shortcuts(&g(Role::PropertyCompany, Scope::Company(1))).contains(&Shortcut::Alliance)
        );
        assert!(shortcuts(&g(Role::StreetAdmin, Scope::Street("S1".into())))
            .contains(&Shortcut::Alliance));
        assert!(
            !community.contains(&Shortcut::Alliance) && !resident.contains(&Shortcut::Alliance)
        );
        // 物业联席会: the community side and the owners of resolutions.
        assert!(community.contains(&Shortcut::Meetings) && !resident.contains(&Shortcut::Meetings));
        assert!(
            shortcuts(&g(Role::PropertyCompany, Scope::Company(1))).contains(&Shortcut::Meetings)
        );
        let member = shortcuts(&g(Role::PartyMember, Scope::Unit(1)));
        assert!(!member.contains(&Shortcut::Cases) && !member.contains(&Shortcut::Admin));
    }
}
