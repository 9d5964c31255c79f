//! Roles, scopes and the one rule deciding who may do what where.

use serde::{Deserialize, Serialize};

/// A role a user holds. A user may hold several, each with its own scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
    /// Run the coverage check (gaps and overlaps) of an area; the whole
    /// geography is `Place::default()`, a system admin's alone.
    CheckCoverage(Place),
    /// Draw, reshape, split or merge grids, or restore an earlier version
    /// (网格边界调整): the street of the place and system admins.
    EditBoundaries(Place),
    /// Disable or enable an account (停用/启用账号). `holder` is every grant
    /// the account holds; `own` is true when the caller is the account.
    ManageAccount { holder: Vec<PlacedGrant>, own: bool },
    /// Take one grant from an account (撤销角色); `holder` as above.
    RevokeGrant {
        grant: PlacedGrant,
        holder: Vec<PlacedGrant>,
        own: bool,
    },
}

/// A grant with the place its scope names: grids, communities and streets
/// resolve to a place; units, companies, departments and "none" do not.
/// The server resolves places from its atlas; the rule only compares them.
#[derive(Clone, Debug, PartialEq)]
pub struct PlacedGrant {
    pub grant: Grant,
    pub place: Option<Place>,
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

/// The roles these grants may hand out (and so the roles the account form
/// offers): every role but resident for a system admin, the roles below
/// them for street and community admins, none for anyone else.
pub fn delegable_roles(grants: &[Grant]) -> Vec<Role> {
    let sysadmin = grants.iter().any(|g| g.role == Role::SystemAdmin);
    Role::ALL
        .into_iter()
        // Residents register themselves; nobody creates them.
        .filter(|r| *r != Role::Resident)
        .filter(|r| sysadmin || grants.iter().any(|g| delegable_by(g.role, *r)))
        .collect()
}

/// Whether these grants could have handed out `held` where it lies: the
/// same rule as creating it, so an admin manages exactly the accounts
/// they could have made.
fn could_hand_out(grants: &[Grant], held: &PlacedGrant) -> bool {
    held.place.as_ref().is_some_and(|place| {
        grants
            .iter()
            .any(|g| delegable_by(g.role, held.grant.role) && g.scope.covers(place))
    })
}

fn holds_system_admin(holder: &[PlacedGrant]) -> bool {
    holder.iter().any(|h| h.grant.role == Role::SystemAdmin)
}

/// The one rule: may a holder of these grants take this action?
pub fn permits(grants: &[Grant], action: &Action) -> bool {
    // Nobody disables or strips their own account, system admins included:
    // one slip would lock out the only admin of an area.
    if matches!(
        action,
        Action::ManageAccount { own: true, .. } | Action::RevokeGrant { own: true, .. }
    ) {
        return false;
    }
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
        Action::ManageStaff(place) | Action::ListAccounts(place) | Action::CheckCoverage(place) => {
            grants.iter().any(|g| {
                matches!(g.role, Role::CommunityAdmin | Role::StreetAdmin) && g.scope.covers(place)
            })
        }
        Action::EditBoundaries(place) => grants
            .iter()
            .any(|g| g.role == Role::StreetAdmin && g.scope.covers(place)),
        Action::CreateAccount { role, place } => grants
            .iter()
            .any(|g| delegable_by(g.role, *role) && g.scope.covers(place)),
        // The whole account is touched, so every role it holds must be one
        // the caller could have handed out where it lies; the resident role
        // is everyone's and lies nowhere, so it neither helps nor blocks.
        Action::ManageAccount { holder, .. } => {
            let staff: Vec<&PlacedGrant> = holder
                .iter()
                .filter(|h| h.grant.role != Role::Resident)
                .collect();
            !holds_system_admin(holder)
                && !staff.is_empty()
                && staff.iter().all(|h| could_hand_out(grants, h))
        }
        Action::RevokeGrant { grant, holder, .. } => {
            !holds_system_admin(holder) && could_hand_out(grants, grant)
        }
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

    fn placed(role: Role, scope: Scope, place: Option<Place>) -> PlacedGrant {
        PlacedGrant {
            grant: Grant::new(role, scope).expect("well-formed grant"),
            place,
        }
    }

    fn community_place(community: &str, street: &str) -> Place {
        Place {
            community: Some(community.into()),
            street: Some(street.into()),
            ..Default::default()
        }
    }

    #[test]
    fn the_account_form_offers_only_roles_the_caller_may_hand_out() {
        let sysadmin = grant(Role::SystemAdmin, Scope::Everywhere);
        let all = delegable_roles(&sysadmin);
        assert!(all.contains(&Role::SystemAdmin) && !all.contains(&Role::Resident));
        assert_eq!(all.len(), Role::ALL.len() - 1);
        assert_eq!(
            delegable_roles(&grant(Role::StreetAdmin, Scope::Street("S1".into()))),
            vec![
                Role::GridWorker,
                Role::GridLeader,
                Role::Instructor,
                Role::CommunityAdmin
            ]
        );
        assert_eq!(
            delegable_roles(&grant(Role::CommunityAdmin, Scope::Community("C1".into()))),
            vec![Role::GridWorker, Role::GridLeader, Role::Instructor]
        );
        for nobody in [
            grant(Role::GridWorker, Scope::Grid("G1".into())),
            grant(Role::GridLeader, Scope::Grid("G1".into())),
            grant(Role::Resident, Scope::None),
            grant(Role::Department, Scope::Department("CG".into())),
            Vec::new(),
        ] {
            assert!(delegable_roles(&nobody).is_empty(), "{nobody:?}");
        }
        // The list and the rule agree: each offered role may be created
        // somewhere in the caller's area, and no other.
        let community = grant(Role::CommunityAdmin, Scope::Community("C1".into()));
        for r in Role::ALL {
            let create = Action::CreateAccount {
                role: r,
                place: place("G1", "C1", "S1"),
            };
            assert_eq!(
                permits(&community, &create),
                delegable_roles(&community).contains(&r),
                "{r:?}"
            );
        }
    }

    #[test]
    fn admins_manage_accounts_only_inside_their_area_and_below_them() {
        let street = grant(Role::StreetAdmin, Scope::Street("S1".into()));
        let community = grant(Role::CommunityAdmin, Scope::Community("C1".into()));
        let sysadmin = grant(Role::SystemAdmin, Scope::Everywhere);
        let worker_here = vec![
            placed(Role::Resident, Scope::None, None),
            placed(
                Role::GridWorker,
                Scope::Grid("G1".into()),
                Some(place("G1", "C1", "S1")),
            ),
        ];
        let worker_next_community = vec![placed(
            Role::GridWorker,
            Scope::Grid("G5".into()),
            Some(place("G5", "C2", "S1")),
        )];
        let worker_other_street = vec![placed(
            Role::GridWorker,
            Scope::Grid("G9".into()),
            Some(place("G9", "C9", "S2")),
        )];
        let community_admin = vec![placed(
            Role::CommunityAdmin,
            Scope::Community("C1".into()),
            Some(community_place("C1", "S1")),
        )];
        let straddling = vec![worker_here[1].clone(), worker_other_street[0].clone()];
        let department = vec![placed(
            Role::Department,
            Scope::Department("CG".into()),
            None,
        )];
        let resident_only = vec![placed(Role::Resident, Scope::None, None)];
        let admin = vec![placed(Role::SystemAdmin, Scope::Everywhere, None)];
        let manage = |holder: &Vec<PlacedGrant>| Action::ManageAccount {
            holder: holder.clone(),
            own: false,
        };
        // (caller, holder, allowed)
        let cases = [
            (&community, &worker_here, true),
            (&community, &worker_next_community, false),
            (&community, &community_admin, false),
            (&street, &worker_here, true),
            (&street, &worker_next_community, true),
            (&street, &community_admin, true),
            (&street, &worker_other_street, false),
            // One role outside the area is enough to refuse the account.
            (&street, &straddling, false),
            (&street, &department, false),
            (&street, &resident_only, false),
            (&street, &admin, false),
            (&sysadmin, &department, true),
            (&sysadmin, &admin, true),
        ];
        for (caller, holder, allowed) in cases {
            assert_eq!(
                permits(caller, &manage(holder)),
                allowed,
                "{caller:?} on {holder:?}"
            );
        }
        let worker = grant(Role::GridWorker, Scope::Grid("G1".into()));
        assert!(!permits(&worker, &manage(&worker_here)));
    }

    #[test]
    fn nobody_disables_or_strips_themselves() {
        let sysadmin = grant(Role::SystemAdmin, Scope::Everywhere);
        let me = vec![placed(Role::SystemAdmin, Scope::Everywhere, None)];
        assert!(!permits(
            &sysadmin,
            &Action::ManageAccount {
                holder: me.clone(),
                own: true
            }
        ));
        assert!(!permits(
            &sysadmin,
            &Action::RevokeGrant {
                grant: me[0].clone(),
                holder: me,
                own: true
            }
        ));
        let street = grant(Role::StreetAdmin, Scope::Street("S1".into()));
        let street_me = vec![placed(
            Role::StreetAdmin,
            Scope::Street("S1".into()),
            Some(Place {
                street: Some("S1".into()),
                ..Default::default()
            }),
        )];
        assert!(!permits(
            &street,
            &Action::ManageAccount {
                holder: street_me,
                own: true
            }
        ));
    }

    #[test]
    fn a_role_is_revoked_by_whoever_could_have_granted_it() {
        let community = grant(Role::CommunityAdmin, Scope::Community("C1".into()));
        let street = grant(Role::StreetAdmin, Scope::Street("S1".into()));
        let here = placed(
            Role::GridLeader,
            Scope::Grid("G1".into()),
            Some(place("G1", "C1", "S1")),
        );
        let elsewhere = placed(
            Role::GridLeader,
            Scope::Grid("G9".into()),
            Some(place("G9", "C9", "S2")),
        );
        let revoke = |g: &PlacedGrant, holder: Vec<PlacedGrant>| Action::RevokeGrant {
            grant: g.clone(),
            holder,
            own: false,
        };
        let both = vec![here.clone(), elsewhere.clone()];
        // Each role separately: the one inside the area may go.
        assert!(permits(&community, &revoke(&here, both.clone())));
        assert!(!permits(&community, &revoke(&elsewhere, both.clone())));
        assert!(!permits(&street, &revoke(&elsewhere, both)));
        // A system admin's other roles are out of reach below them.
        let admin_too = vec![
            here.clone(),
            placed(Role::SystemAdmin, Scope::Everywhere, None),
        ];
        assert!(!permits(&street, &revoke(&here, admin_too.clone())));
        assert!(permits(
            &grant(Role::SystemAdmin, Scope::Everywhere),
            &revoke(&here, admin_too)
        ));
        // Nobody but the system admin takes the resident role.
        let resident = placed(Role::Resident, Scope::None, None);
        assert!(!permits(
            &street,
            &revoke(&resident, vec![resident.clone()])
        ));
    }
}

/// Where to go after signing in: the page that asked (`?next=`), if it is a page
/// of this site, else 我的. Never another site (`//evil.example`, `/\\evil`), never
/// the sign-in pages themselves.
pub fn safe_next(next: Option<&str>) -> String {
    const HOME: &str = "/me";
    let Some(next) = next.map(str::trim).filter(|n| !n.is_empty()) else {
        return HOME.into();
    };
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.len() <= 300
        // It becomes a Location header: ASCII only (a page's own links are escaped).
        && next.is_ascii()
        && !next.chars().any(|c| c.is_control() || c == '\\');
    let path = next.split(['?', '#']).next().unwrap_or_default();
    if local && path != "/login" && path != "/register" {
        next.into()
    } else {
        HOME.into()
    }
}

#[cfg(test)]
mod next_tests {
    use super::safe_next;

    #[test]
    fn only_pages_of_this_site_are_returned_to() {
        assert_eq!(safe_next(Some("/report")), "/report");
        assert_eq!(safe_next(Some("/cases?queue=mine")), "/cases?queue=mine");
        assert_eq!(safe_next(None), "/me");
        assert_eq!(safe_next(Some("")), "/me");
        for hostile in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "/login",
            "/register?x=1",
            "/a\nb",
            "/报告",
        ] {
            assert_eq!(safe_next(Some(hostile)), "/me", "{hostile}");
        }
    }
}
