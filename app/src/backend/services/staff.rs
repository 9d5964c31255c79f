//! Staff accounts and grid rosters, each guarded by role and scope.

use super::audit::{self, Target};
use super::auth::{changing, Viewer};
use super::internal;
use crate::backend::atlas::Atlas;
use crate::backend::password;
use crate::backend::state::AppState;
use crate::backend::store::rosters::{self, GridRef};
use crate::backend::store::{accounts, geography};
use crate::domain::audit::AuditAction;
use crate::domain::auth::{permits, Action, Grant, Place, PlacedGrant, Role, Scope, ScopeKind};
use crate::domain::error::{from_validation, AppError, Field, InputProblem};
use crate::domain::geography::{GridKind, Level, StaffPosition};
use crate::domain::person::{mask_phone, Registration};
use crate::domain::staff::{
    role_for, staffing_gaps, AccountSummary, GridStaffing, NewStaffAccount, RosterChange,
    RosterEntry, StaffingReport, MAX_DUTIES,
};
use std::collections::HashMap;
use validator::Validate;

fn place_of(state: &AppState, code: &str, level: Level) -> Result<Place, AppError> {
    let atlas = state.atlas();
    if atlas.level_of(code) != Some(level) {
        return Err(AppError::NotFound);
    }
    atlas.place_of(code).ok_or(AppError::NotFound)
}

/// A grid's full roster with phone numbers: staff and admins in scope only.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn roster(
    state: &AppState,
    viewer: &Viewer,
    grid_code: &str,
) -> Result<Vec<RosterEntry>, AppError> {
    let place = place_of(state, grid_code, Level::Grid)?;
    if !permits(&viewer.grants, &Action::ViewRoster(place)) {
        return Err(AppError::Forbidden);
    }
    let grid_id = state
        .atlas()
        .region_id(grid_code)
        .ok_or(AppError::NotFound)?;
    Ok(geography::roster(&state.db, grid_id)
        .await?
        .into_iter()
        .map(|s| RosterEntry {
            name: s.name,
            phone: s.phone,
            position: s.position,
            duties: s.duties,
            show_phone: s.show_phone,
        })
        .collect())
}

/// Resolves the scope a new account's role needs, and the place it touches.
fn scope_for(state: &AppState, role: Role, raw: &str) -> Result<(Scope, Place), AppError> {
    let raw = raw.trim().to_ascii_uppercase();
    let bad = || AppError::invalid(Field::Scope, InputProblem::Unknown);
    let at = |level| place_of(state, &raw, level).map_err(|_| bad());
    Ok(match role.scope_kind() {
        ScopeKind::Grid => (Scope::Grid(raw.clone()), at(Level::Grid)?),
        ScopeKind::Community => (Scope::Community(raw.clone()), at(Level::Community)?),
        ScopeKind::Street => (Scope::Street(raw.clone()), at(Level::Street)?),
        ScopeKind::Unit => (
            Scope::Unit(raw.parse().map_err(|_| bad())?),
            Place::default(),
        ),
        ScopeKind::Company => (
            Scope::Company(raw.parse().map_err(|_| bad())?),
            Place::default(),
        ),
        ScopeKind::Department if !raw.is_empty() => (Scope::Department(raw), Place::default()),
        ScopeKind::Everywhere => (Scope::Everywhere, Place::default()),
        ScopeKind::None => (Scope::None, Place::default()),
        ScopeKind::Department => return Err(bad()),
    })
}

/// Creates a staff account (admins, and street/community admins within
/// their area for the roles below them).
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn create_account(
    state: &AppState,
    viewer: &Viewer,
    form: NewStaffAccount,
) -> Result<(), AppError> {
    let (scope, place) = scope_for(state, form.role, &form.scope)?;
    if !permits(
        &viewer.grants,
        &Action::CreateAccount {
            role: form.role,
            place: place.clone(),
        },
    ) {
        return Err(AppError::Forbidden);
    }
    let grant = Grant::new(form.role, scope)
        .ok_or(AppError::invalid(Field::Scope, InputProblem::Unknown))?;
    if form.position.is_some() && form.role.scope_kind() != ScopeKind::Grid {
        return Err(AppError::invalid(Field::Position, InputProblem::Unknown));
    }
    let id = open_account(
        state,
        viewer,
        (&form.phone, &form.name, &form.password),
        grant,
        place.street.clone(),
    )
    .await?;
    if let (Some(position), Some(grid)) = (form.position, place.grid.as_deref()) {
        let grid_id = state.atlas().region_id(grid).ok_or(AppError::NotFound)?;
        geography::add_staff(&state.db, grid_id, id, position, "", false).await?;
        state.refresh_atlas().await?;
    }
    Ok(())
}

/// Opens an account holding one staff grant, after the registration rules
/// every account meets; audited with the street it lies in. A phone
/// already registered answers `PhoneTaken`. The caller has checked
/// that `viewer` may hand the grant out.
pub(super) async fn open_account(
    state: &AppState,
    viewer: &Viewer,
    (phone, name, password): (&str, &str, &str),
    grant: Grant,
    street: Option<String>,
) -> Result<i64, AppError> {
    let reg = Registration::new(phone, password, name);
    reg.validate().map_err(|e| {
        from_validation(
            &e,
            &[
                ("phone", Field::Phone),
                ("password", Field::Password),
                ("name", Field::Name),
            ],
        )
    })?;
    let hash = password::hash(reg.password)
        .await
        .map_err(|e| internal(e))?;
    let id = accounts::insert_user(
        &state.db,
        &reg.phone,
        &reg.name,
        Some(hash),
        std::slice::from_ref(&grant),
    )
    .await?
    .ok_or(AppError::PhoneTaken)?;
    audit::record(
        state,
        viewer,
        AuditAction::AccountCreated,
        Target::new("user", id).in_street(street),
        format!("{} {}", grant.role.as_str(), grant_scope_text(&grant)),
    )
    .await?;
    Ok(id)
}

fn grant_scope_text(grant: &Grant) -> String {
    let (kind, reference) = grant.scope.to_parts();
    if reference.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}:{reference}")
    }
}

/// Where a grant lies, from the atlas: places for grid, community and
/// street scopes; nothing for the rest (and for codes no longer known).
fn placed(atlas: &Atlas, grant: &Grant) -> PlacedGrant {
    let place = match &grant.scope {
        Scope::Grid(c) | Scope::Community(c) | Scope::Street(c) => atlas.place_of(c),
        _ => None,
    };
    PlacedGrant {
        grant: grant.clone(),
        place,
    }
}

/// The account an admin acts on, with every grant it holds, placed.
async fn target(
    state: &AppState,
    user_id: i64,
) -> Result<(accounts::UserRow, Vec<PlacedGrant>), AppError> {
    let user = accounts::user_by_id(&state.db, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let grants = accounts::grants_of(&state.db, user_id).await?;
    let atlas = state.atlas();
    let holder = grants.iter().map(|g| placed(&atlas, g)).collect();
    Ok((user, holder))
}

/// The street an account's roles lie in, for the audit log (street admins
/// read their own street's lines).
fn street_of(holder: &[PlacedGrant]) -> Option<String> {
    holder
        .iter()
        .find_map(|h| h.place.as_ref().and_then(|p| p.street.clone()))
}

/// Takes one role from an account (撤销角色): system admins anywhere,
/// street and community admins for the roles they could have granted, in
/// their area. A grid role also leaves that grid's roster.
#[tracing::instrument(skip_all, fields(user = viewer.id, target_user = user_id))]
pub async fn revoke_grant(
    state: &AppState,
    viewer: &Viewer,
    user_id: i64,
    grant: Grant,
) -> Result<(), AppError> {
    let (user, holder) = target(state, user_id).await?;
    let Some(revoked) = holder.iter().find(|h| h.grant == grant).cloned() else {
        return Err(AppError::NotFound);
    };
    let action = Action::RevokeGrant {
        grant: revoked.clone(),
        holder: holder.clone(),
        own: viewer.id == user.id,
    };
    if !permits(&viewer.grants, &action) {
        return Err(AppError::Forbidden);
    }
    let forget = changing(state, &[user.id]);
    if accounts::delete_grant(&state.db, user.id, &grant).await? == 0 {
        // Someone else revoked it in the meantime.
        return Err(AppError::AlreadyHandled {
            by: String::new(),
            role: None,
        });
    }
    forget.done();
    audit::record(
        state,
        viewer,
        AuditAction::RoleRevoked,
        Target::new("user", user.id).in_street(street_of(std::slice::from_ref(&revoked))),
        format!("{} {}", grant.role.as_str(), grant_scope_text(&grant)),
    )
    .await?;
    // Off the roster of that grid, unless another grid role keeps them there.
    if let Scope::Grid(code) = &grant.scope {
        let still_there = holder
            .iter()
            .filter(|h| h.grant.scope == grant.scope)
            .count()
            > 1;
        if !still_there {
            if let Some(grid_id) = state.atlas().region_id(code) {
                let removed = accounts::remove_from_roster(&state.db, user.id, grid_id).await?;
                if removed > 0 {
                    state.refresh_atlas().await?;
                    // Off the roster, they answer for nothing there.
                    super::owners::hand_on_everywhere(state, viewer, vec![code.clone()], user.id)
                        .await?;
                }
            }
        }
    }
    Ok(())
}

/// Disables an account (its sessions end at once) or enables it again:
/// system admins anywhere, street and community admins for accounts whose
/// every role they could have granted; never one's own account.
#[tracing::instrument(skip_all, fields(user = viewer.id, target_user = user_id))]
pub async fn set_disabled(
    state: &AppState,
    viewer: &Viewer,
    user_id: i64,
    disabled: bool,
) -> Result<(), AppError> {
    let (user, holder) = target(state, user_id).await?;
    let action = Action::ManageAccount {
        holder: holder.clone(),
        own: viewer.id == user.id,
    };
    if !permits(&viewer.grants, &action) {
        return Err(AppError::Forbidden);
    }
    let forget = changing(state, &[user.id]);
    accounts::set_disabled(&state.db, user.id, disabled).await?;
    forget.done();
    audit::record(
        state,
        viewer,
        if disabled {
            AuditAction::AccountDisabled
        } else {
            AuditAction::AccountEnabled
        },
        Target::new("user", user.id).in_street(street_of(&holder)),
        format!("{} {}", user.name, mask_phone(&user.phone)),
    )
    .await?;
    // On a roster, the account leaves (or rejoins) the grid's owners here
    // at once; other servers follow within `atlas::SYNC_EVERY`.
    state.refresh_atlas().await?;
    if disabled {
        // A disabled account answers for nothing: its open cases pass to
        // the next owner of each grid it is on (it stays on the rosters,
        // inactive, until an admin edits them).
        let atlas = state.atlas();
        let grids = geography::grids_of(&state.db, user.id)
            .await?
            .into_iter()
            .filter_map(|g| atlas.code_of_id(g))
            .collect();
        super::owners::hand_on_everywhere(state, viewer, grids, user.id).await?;
    }
    Ok(())
}

/// Accounts scoped to a region and everything below it.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn accounts_in(
    state: &AppState,
    viewer: &Viewer,
    code: &str,
) -> Result<Vec<AccountSummary>, AppError> {
    let code = code.trim().to_ascii_uppercase();
    let atlas = state.atlas();
    let place = atlas.place_of(&code).ok_or(AppError::NotFound)?;
    if !permits(&viewer.grants, &Action::ListAccounts(place)) {
        return Err(AppError::Forbidden);
    }
    let codes = atlas.codes_within(&code);
    let rows = accounts::users_scoped_to(&state.db, &codes).await?;
    // Each account's whole set of grants decides what may be done to it;
    // read once per account.
    let mut holders: HashMap<i64, Vec<PlacedGrant>> = HashMap::new();
    let mut out = Vec::new();
    for (u, grant) in rows {
        if !grant.role.is_place_staff() {
            continue;
        }
        if let std::collections::hash_map::Entry::Vacant(e) = holders.entry(u.id) {
            let grants = accounts::grants_of(&state.db, u.id).await?;
            e.insert(grants.iter().map(|g| placed(&atlas, g)).collect());
        }
        let holder = holders.get(&u.id).cloned().unwrap_or_default();
        let own = u.id == viewer.id;
        let may_disable = permits(
            &viewer.grants,
            &Action::ManageAccount {
                holder: holder.clone(),
                own,
            },
        );
        let may_revoke = permits(
            &viewer.grants,
            &Action::RevokeGrant {
                grant: placed(&atlas, &grant),
                holder,
                own,
            },
        );
        out.push(AccountSummary {
            name: u.name,
            phone_masked: mask_phone(&u.phone),
            grant,
            user_id: u.id,
            disabled: u.disabled,
            may_revoke,
            may_disable,
        });
    }
    Ok(out)
}

/// A staff member agrees (or stops agreeing) to show their phone publicly.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn set_phone_consent(
    state: &AppState,
    viewer: &Viewer,
    show: bool,
) -> Result<u64, AppError> {
    let n = geography::set_show_phone(&state.db, viewer.id, show).await?;
    if n == 0 {
        return Err(AppError::NotFound);
    }
    state.refresh_atlas().await?;
    Ok(n)
}

/// Changes a grid's roster (网格力量调整): street and community admins of the
/// grid (and of the target grid for a move), for positions whose grid role
/// they could hand out there; system admins anywhere. The person is named by
/// their account's phone number. Answers the grid's roster afterwards (the
/// target grid's for a move).
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn change_roster(
    state: &AppState,
    viewer: &Viewer,
    change: RosterChange,
) -> Result<Vec<RosterEntry>, AppError> {
    let grid = change.grid().trim().to_ascii_uppercase();
    let place = place_of(state, &grid, Level::Grid)?;
    if !permits(&viewer.grants, &Action::ManageStaff(place.clone())) {
        return Err(AppError::Forbidden);
    }
    let may_place = |position, place: &Place| {
        permits(
            &viewer.grants,
            &Action::CreateAccount {
                role: role_for(position),
                place: place.clone(),
            },
        )
    };
    let phone = change.phone().trim().to_string();
    let user = accounts::user_by_phone(&state.db, &phone)
        .await?
        .ok_or(AppError::invalid(Field::Phone, InputProblem::Unknown))?;
    let grid_id = state.atlas().region_id(&grid).ok_or(AppError::NotFound)?;
    let at = GridRef {
        id: grid_id,
        code: &grid,
    };
    let (detail, shown) = match &change {
        RosterChange::Set {
            position, duties, ..
        } => {
            let duties = duties.trim();
            if duties.chars().count() > MAX_DUTIES {
                return Err(AppError::invalid(Field::Duties, InputProblem::TooLong));
            }
            if !may_place(*position, &place) {
                return Err(AppError::Forbidden);
            }
            let forget = changing(state, &[user.id]);
            rosters::set(&state.db, user.id, at, *position, duties).await?;
            forget.done();
            (
                format!("{grid}: {} {duties}", position.as_str()),
                grid.clone(),
            )
        }
        RosterChange::Remove { .. } => {
            // Takes their grid roles there even when they were not on
            // the roster (an account made with a grid role but no place).
            let forget = changing(state, &[user.id]);
            let removed = rosters::remove(&state.db, user.id, at).await?;
            forget.done();
            if !removed {
                return Err(AppError::NotFound);
            }
            (format!("{grid}: off"), grid.clone())
        }
        RosterChange::Move { to, .. } => {
            let to = to.trim().to_ascii_uppercase();
            let to_place = place_of(state, &to, Level::Grid)
                .map_err(|_| AppError::invalid(Field::Scope, InputProblem::Unknown))?;
            if to == grid {
                return Err(AppError::invalid(Field::Scope, InputProblem::Unknown));
            }
            let position = geography::position_of(&state.db, grid_id, user.id)
                .await?
                .ok_or(AppError::NotFound)?;
            if !permits(&viewer.grants, &Action::ManageStaff(to_place.clone()))
                || !may_place(position, &to_place)
            {
                return Err(AppError::Forbidden);
            }
            let to_id = state.atlas().region_id(&to).ok_or(AppError::NotFound)?;
            let target = GridRef {
                id: to_id,
                code: &to,
            };
            let forget = changing(state, &[user.id]);
            let moved = rosters::relocate(&state.db, user.id, at, target).await?;
            forget.done();
            if moved.is_none() {
                return Err(AppError::NotFound);
            }
            (format!("{grid} → {to}: {}", position.as_str()), to.clone())
        }
    };
    audit::record(
        state,
        viewer,
        AuditAction::RosterChanged,
        Target::new("user", user.id).in_street(place.street.clone()),
        detail,
    )
    .await?;
    state.refresh_atlas().await?;
    // Whoever left a grid, or stays in a position that owns no cases (an
    // instructor), leaves its open cases to the grid's next owner.
    let leaves_cases = match &change {
        RosterChange::Set { position, .. } => !crate::domain::policy::may_own(*position),
        RosterChange::Remove { .. } | RosterChange::Move { .. } => true,
    };
    if leaves_cases {
        super::owners::hand_on_everywhere(state, viewer, vec![grid], user.id).await?;
    }
    roster(state, viewer, &shown).await
}

/// The grids of an area with their staffing against "1+1+N+X" (base) and
/// "1+X+Y" (dedicated), those with gaps first: admins of the area.
pub async fn staffing(
    state: &AppState,
    viewer: &Viewer,
    area: Option<&str>,
) -> Result<StaffingReport, AppError> {
    let atlas = state.atlas();
    let choices: Vec<(String, String)> = super::assessment::areas(state, viewer)
        .into_iter()
        .filter(|(c, _)| atlas.level_of(c) != Some(Level::Grid))
        .collect();
    let area = area
        .map(|a| a.trim().to_ascii_uppercase())
        .filter(|a| !a.is_empty())
        .or_else(|| choices.first().map(|c| c.0.clone()))
        .ok_or(AppError::Forbidden)?;
    let place = atlas.place_of(&area).ok_or(AppError::NotFound)?;
    let level = atlas.level_of(&area);
    if !matches!(level, Some(Level::Community | Level::Street))
        || !permits(&viewer.grants, &Action::ManageStaff(place))
    {
        return Err(AppError::Forbidden);
    }
    let mut grids: Vec<GridStaffing> = atlas
        .codes_within(&area)
        .into_iter()
        .filter(|c| atlas.level_of(c) == Some(Level::Grid))
        .map(|code| {
            let positions = atlas.staff_positions(&code);
            let kind = atlas.grid_kind(&code).unwrap_or(GridKind::Base);
            let count = |p| positions.iter().filter(|x| **x == p).count();
            GridStaffing {
                name: atlas.name_of(&code).unwrap_or_default().to_string(),
                kind,
                counts: StaffPosition::ALL.map(count),
                gaps: staffing_gaps(kind, &positions),
                code,
            }
        })
        .collect();
    grids.sort_by(|a, b| (a.gaps.is_empty(), &a.code).cmp(&(b.gaps.is_empty(), &b.code)));
    Ok(StaffingReport {
        scope_name: atlas.name_of(&area).unwrap_or_default().to_string(),
        scope: area,
        grids,
        choices,
    })
}
