//! Staff accounts and grid rosters, each guarded by role and scope.

use super::audit::{self, Target};
use super::auth::Viewer;
use super::internal;
use crate::backend::atlas::Atlas;
use crate::backend::password;
use crate::backend::state::AppState;
use crate::backend::store::{accounts, geography};
use crate::domain::audit::AuditAction;
use crate::domain::auth::{permits, Action, Grant, Place, PlacedGrant, Role, Scope, ScopeKind};
use crate::domain::error::{from_validation, AppError, Field, InputProblem};
use crate::domain::geography::Level;
use crate::domain::person::{mask_phone, Registration};
use crate::domain::staff::{AccountSummary, NewStaffAccount, RosterEntry};
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
    let reg = Registration::new(&form.phone, &form.password, &form.name);
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
    let grant = Grant::new(form.role, scope)
        .ok_or(AppError::invalid(Field::Scope, InputProblem::Unknown))?;
    if form.position.is_some() && form.role.scope_kind() != ScopeKind::Grid {
        return Err(AppError::invalid(Field::Position, InputProblem::Unknown));
    }
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
        Target::new("user", id).in_street(place.street.clone()),
        format!("{} {}", form.role.as_str(), grant_scope_text(&grant)),
    )
    .await?;
    if let (Some(position), Some(grid)) = (form.position, place.grid.as_deref()) {
        let grid_id = state.atlas().region_id(grid).ok_or(AppError::NotFound)?;
        geography::add_staff(&state.db, grid_id, id, position, "", false).await?;
        state.refresh_atlas().await?;
    }
    Ok(())
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
    if accounts::delete_grant(&state.db, user.id, &grant).await? == 0 {
        // Someone else revoked it in the meantime.
        return Err(AppError::AlreadyHandled {
            by: String::new(),
            role: None,
        });
    }
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
    accounts::set_disabled(&state.db, user.id, disabled).await?;
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
    .await
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
