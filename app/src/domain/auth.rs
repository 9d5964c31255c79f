//! Roles, scopes and the one rule deciding who may do what where.

use serde::{Deserialize, Serialize};

/// A role a user holds. A user may hold several, each with its own scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 居民
    Resident,
    /// 党员
    PartyMember,
    /// 双报到单位管理员
    UnitAdmin,
    /// 网格员
    GridWorker,
    /// 网格长
    GridLeader,
    /// 网格指导员
    Instructor,
    /// 社区管理员
    CommunityAdmin,
    /// 街道管理员 (综治中心)
    StreetAdmin,
    /// 职能部门
    Department,
    /// 物业公司
    PropertyCompany,
    /// 系统管理员
    SystemAdmin,
}

/// What kind of place or body a role's scope names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ScopeKind {
    None,
    Everywhere,
    Street,
    Community,
    Grid,
    Unit,
    Company,
    Department,
}

impl Role {
    pub const ALL: [Role; 11] = [
        Role::Resident,
        Role::PartyMember,
        Role::UnitAdmin,
        Role::GridWorker,
        Role::GridLeader,
        Role::Instructor,
        Role::CommunityAdmin,
        Role::StreetAdmin,
        Role::Department,
        Role::PropertyCompany,
        Role::SystemAdmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Resident => "resident",
            Role::PartyMember => "party_member",
            Role::UnitAdmin => "unit_admin",
            Role::GridWorker => "grid_worker",
            Role::GridLeader => "grid_leader",
            Role::Instructor => "instructor",
            Role::CommunityAdmin => "community_admin",
            Role::StreetAdmin => "street_admin",
            Role::Department => "department",
            Role::PropertyCompany => "property_company",
            Role::SystemAdmin => "system_admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The kind of scope this role must carry.
    pub fn scope_kind(self) -> ScopeKind {
        match self {
            Role::Resident => ScopeKind::None,
            Role::PartyMember | Role::UnitAdmin => ScopeKind::Unit,
            Role::GridWorker | Role::GridLeader | Role::Instructor => ScopeKind::Grid,
            Role::CommunityAdmin => ScopeKind::Community,
            Role::StreetAdmin => ScopeKind::Street,
            Role::Department => ScopeKind::Department,
            Role::PropertyCompany => ScopeKind::Company,
            Role::SystemAdmin => ScopeKind::Everywhere,
        }
    }

    pub fn label(self, lang: super::lang::Lang) -> &'static str {
        let (zh, en) = match self {
            Role::Resident => ("居民", "Resident"),
            Role::PartyMember => ("党员", "Party member"),
            Role::UnitAdmin => ("双报到单位管理员", "Unit admin"),
            Role::GridWorker => ("网格员", "Grid worker"),
            Role::GridLeader => ("网格长", "Grid leader"),
            Role::Instructor => ("网格指导员", "Grid instructor"),
            Role::CommunityAdmin => ("社区管理员", "Community admin"),
            Role::StreetAdmin => ("街道管理员", "Street admin"),
            Role::Department => ("职能部门", "Department"),
            Role::PropertyCompany => ("物业公司", "Property company"),
            Role::SystemAdmin => ("系统管理员", "System admin"),
        };
        lang.pick(zh, en)
    }

    /// Staff who work on places (grids, communities, streets).
    pub fn is_place_staff(self) -> bool {
        matches!(
            self,
            Role::GridWorker
                | Role::GridLeader
                | Role::Instructor
                | Role::CommunityAdmin
                | Role::StreetAdmin
                | Role::SystemAdmin
        )
    }
}

/// Where (or for whom) a role applies. Places are named by their codes,
/// units, companies and departments by their ids or codes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scope {
    None,
    Everywhere,
    Street(String),
    Community(String),
    Grid(String),
    Unit(i64),
    Company(i64),
    Department(String),
}

impl Scope {
    pub fn kind(&self) -> ScopeKind {
        match self {
            Scope::None => ScopeKind::None,
            Scope::Everywhere => ScopeKind::Everywhere,
            Scope::Street(_) => ScopeKind::Street,
            Scope::Community(_) => ScopeKind::Community,
            Scope::Grid(_) => ScopeKind::Grid,
            Scope::Unit(_) => ScopeKind::Unit,
            Scope::Company(_) => ScopeKind::Company,
            Scope::Department(_) => ScopeKind::Department,
        }
    }

    /// Whether this scope reaches a place.
    pub fn covers(&self, place: &Place) -> bool {
        match self {
            Scope::Everywhere => true,
            Scope::Street(s) => place.street.as_deref() == Some(s),
            Scope::Community(c) => place.community.as_deref() == Some(c),
            Scope::Grid(g) => place.grid.as_deref() == Some(g),
            _ => false,
        }
    }

    /// Splits into the stored pair (kind, reference).
    pub fn to_parts(&self) -> (&'static str, String) {
        match self {
            Scope::None => ("none", String::new()),
            Scope::Everywhere => ("everywhere", String::new()),
            Scope::Street(c) => ("street", c.clone()),
            Scope::Community(c) => ("community", c.clone()),
            Scope::Grid(c) => ("grid", c.clone()),
            Scope::Unit(i) => ("unit", i.to_string()),
            Scope::Company(i) => ("company", i.to_string()),
            Scope::Department(c) => ("department", c.clone()),
        }
    }

    pub fn from_parts(kind: &str, reference: &str) -> Option<Scope> {
        Some(match kind {
            "none" => Scope::None,
            "everywhere" => Scope::Everywhere,
            "street" => Scope::Street(reference.to_string()),
            "community" => Scope::Community(reference.to_string()),
            "grid" => Scope::Grid(reference.to_string()),
            "unit" => Scope::Unit(reference.parse().ok()?),
            "company" => Scope::Company(reference.parse().ok()?),
            "department" => Scope::Department(reference.to_string()),
            _ => return None,
        })
    }
}

/// A role held within a scope.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    pub scope: Scope,
}

impl Grant {
    pub fn new(role: Role, scope: Scope) -> Option<Grant> {
        (role.scope_kind() == scope.kind()).then_some(Grant { role, scope })
    }
}

/// A place named by the codes of its grid and the community and street above
/// it (some may be absent for places above the grid level).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub grid: Option<String>,
    pub community: Option<String>,
    pub street: Option<String>,
}

/// Something a user asks to do. Each action names the place it touches.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Import or replace boundaries (导入边界).
    ImportGeography,
    /// See a grid's private roster, with every phone number.
    ViewRoster(Place),
    /// Put people on or off a grid's roster.
    ManageStaff(Place),
    /// Create a staff account holding `role` at `place` (or for a body).
    CreateAccount { role: Role, place: Place },
    /// List accounts of staff in a place.
    ListAccounts(Place),
    /// Change time limits and the working-day calendar.
    ManageSettings,
}

/// Roles a street admin or community admin may hand out within their area.
fn delegable_by(admin: Role, role: Role) -> bool {
    match admin {
        Role::StreetAdmin => matches!(
            role,
            Role::GridWorker | Role::GridLeader | Role::Instructor | Role::CommunityAdmin
        ),
        Role::CommunityAdmin => {
            matches!(role, Role::GridWorker | Role::GridLeader | Role::Instructor)
        }
        _ => false,
    }
}

/// The one rule: may a holder of these grants take this action?
pub fn permits(grants: &[Grant], action: &Action) -> bool {
    if grants.iter().any(|g| g.role == Role::SystemAdmin) {
        return true;
    }
    match action {
        Action::ImportGeography | Action::ManageSettings => false,
        Action::ViewRoster(place) => grants.iter().any(|g| {
            matches!(
                g.role,
                Role::GridWorker
                    | Role::GridLeader
                    | Role::Instructor
                    | Role::CommunityAdmin
                    | Role::StreetAdmin
            ) && g.scope.covers(place)
        }),
        Action::ManageStaff(place) | Action::ListAccounts(place) => grants.iter().any(|g| {
            matches!(g.role, Role::CommunityAdmin | Role::StreetAdmin) && g.scope.covers(place)
        }),
        Action::CreateAccount { role, place } => grants
            .iter()
            .any(|g| delegable_by(g.role, *role) && g.scope.covers(place)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(grid: &str, community: &str, street: &str) -> Place {
        Place {
            grid: Some(grid.into()),
            community: Some(community.into()),
            street: Some(street.into()),
        }
    }

    fn grant(role: Role, scope: Scope) -> Vec<Grant> {
        vec![Grant::new(role, scope).expect("well-formed grant")]
    }

    #[test]
    fn a_role_only_takes_its_own_kind_of_scope() {
        assert!(Grant::new(Role::GridWorker, Scope::Grid("G1".into())).is_some());
        assert!(Grant::new(Role::GridWorker, Scope::Community("C1".into())).is_none());
        assert!(Grant::new(Role::SystemAdmin, Scope::Everywhere).is_some());
        assert!(Grant::new(Role::Resident, Scope::Everywhere).is_none());
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
    }

    #[test]
    fn scopes_round_trip_through_storage() {
        for s in [
            Scope::None,
            Scope::Everywhere,
            Scope::Street("S".into()),
            Scope::Community("C".into()),
            Scope::Grid("G".into()),
            Scope::Unit(3),
            Scope::Company(4),
            Scope::Department("CG".into()),
        ] {
            let (k, r) = s.to_parts();
            assert_eq!(Scope::from_parts(k, &r), Some(s));
        }
        assert_eq!(Scope::from_parts("unit", "x"), None);
    }

    #[test]
    fn roster_is_visible_inside_scope_only() {
        let here = place("G1", "C1", "S1");
        let there = place("G2", "C2", "S2");
        let cases: Vec<(Vec<Grant>, bool, bool)> = vec![
            (
                grant(Role::GridWorker, Scope::Grid("G1".into())),
                true,
                false,
            ),
            (
                grant(Role::GridLeader, Scope::Grid("G1".into())),
                true,
                false,
            ),
            (
                grant(Role::Instructor, Scope::Grid("G1".into())),
                true,
                false,
            ),
            (
                grant(Role::CommunityAdmin, Scope::Community("C1".into())),
                true,
                false,
            ),
            (
                grant(Role::StreetAdmin, Scope::Street("S1".into())),
                true,
                false,
            ),
            (grant(Role::SystemAdmin, Scope::Everywhere), true, true),
            (grant(Role::Resident, Scope::None), false, false),
            (grant(Role::PartyMember, Scope::Unit(1)), false, false),
            (grant(Role::UnitAdmin, Scope::Unit(1)), false, false),
            (
                grant(Role::Department, Scope::Department("CG".into())),
                false,
                false,
            ),
            (
                grant(Role::PropertyCompany, Scope::Company(1)),
                false,
                false,
            ),
        ];
        for (g, in_scope, out_of_scope) in cases {
            assert_eq!(
                permits(&g, &Action::ViewRoster(here.clone())),
                in_scope,
                "{g:?} here"
            );
            assert_eq!(
                permits(&g, &Action::ViewRoster(there.clone())),
                out_of_scope,
                "{g:?} there"
            );
        }
    }

    #[test]
    fn only_area_admins_manage_staff_and_only_in_their_area() {
        let here = place("G1", "C1", "S1");
        let there = place("G9", "C9", "S1");
        let community = grant(Role::CommunityAdmin, Scope::Community("C1".into()));
        let street = grant(Role::StreetAdmin, Scope::Street("S1".into()));
        let leader = grant(Role::GridLeader, Scope::Grid("G1".into()));
        assert!(permits(&community, &Action::ManageStaff(here.clone())));
        assert!(!permits(&community, &Action::ManageStaff(there.clone())));
        assert!(permits(&street, &Action::ManageStaff(there.clone())));
        assert!(!permits(&leader, &Action::ManageStaff(here)));
    }

    #[test]
    fn account_creation_is_delegated_downwards_only() {
        let c1 = Place {
            community: Some("C1".into()),
            street: Some("S1".into()),
            ..Default::default()
        };
        let g1 = place("G1", "C1", "S1");
        let community = grant(Role::CommunityAdmin, Scope::Community("C1".into()));
        let street = grant(Role::StreetAdmin, Scope::Street("S1".into()));
        let create = |role, place: &Place| Action::CreateAccount {
            role,
            place: place.clone(),
        };
        assert!(permits(&community, &create(Role::GridWorker, &g1)));
        assert!(!permits(&community, &create(Role::CommunityAdmin, &c1)));
        assert!(!permits(
            &community,
            &create(Role::GridWorker, &place("G2", "C2", "S1"))
        ));
        assert!(permits(&street, &create(Role::CommunityAdmin, &c1)));
        assert!(!permits(&street, &create(Role::StreetAdmin, &c1)));
        assert!(!permits(&street, &create(Role::SystemAdmin, &c1)));
        assert!(!permits(&street, &create(Role::Department, &c1)));
        assert!(!permits(&community, &Action::ImportGeography));
        assert!(permits(
            &grant(Role::SystemAdmin, Scope::Everywhere),
            &Action::ImportGeography
        ));
    }
}
