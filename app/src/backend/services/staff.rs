//! Staff accounts and grid rosters, each guarded by role and scope.

use super::auth::Viewer;
use super::internal;
use crate::backend::password;
use crate::backend::state::AppState;
use crate::backend::store::{accounts, geography};
use crate::domain::auth::{permits, Action, Grant, Place, Role, Scope, ScopeKind};
use crate::domain::error::{from_validation, AppError, Field, InputProblem};
use crate::domain::geography::Level;
use crate::domain::person::{mask_phone, Registration};
use crate::domain::staff::{AccountSummary, NewStaffAccount, RosterEntry};
use validator::Validate;

fn place_of(state: &AppState, code: &str, level: Level) -> Result<Place, AppError> {
    let atlas = state.atlas();
    if atlas.level_of(code) != Some(level) {
        return Err(AppError::NotFound);
    }
    atlas.place_of(code).ok_or(AppError::NotFound)
}

/// A grid's full roster with phone numbers: staff and admins in scope only.
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
        .await
        .map_err(internal)?
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
    let hash = password::hash(reg.password).await.map_err(internal)?;
    let id = accounts::insert_user(&state.db, &reg.phone, &reg.name, Some(hash), &[grant])
        .await
        .map_err(internal)?
        .ok_or(AppError::PhoneTaken)?;
    if let (Some(position), Some(grid)) = (form.position, place.grid.as_deref()) {
        let grid_id = state.atlas().region_id(grid).ok_or(AppError::NotFound)?;
        geography::add_staff(&state.db, grid_id, id, position, "", false)
            .await
            .map_err(internal)?;
        state.refresh_atlas().await.map_err(internal)?;
    }
    Ok(())
}

/// Accounts scoped to a region and everything below it.
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
    Ok(accounts::users_scoped_to(&state.db, &codes)
        .await
        .map_err(internal)?
        .into_iter()
        .filter(|(_, g)| g.role.is_place_staff())
        .map(|(u, grant)| AccountSummary {
            name: u.name,
            phone_masked: mask_phone(&u.phone),
            grant,
        })
        .collect())
}

/// A staff member agrees (or stops agreeing) to show their phone publicly.
pub async fn set_phone_consent(
    state: &AppState,
    viewer: &Viewer,
    show: bool,
) -> Result<u64, AppError> {
    let n = geography::set_show_phone(&state.db, viewer.id, show)
        .await
        .map_err(internal)?;
    if n == 0 {
        return Err(AppError::NotFound);
    }
    state.refresh_atlas().await.map_err(internal)?;
    Ok(n)
}
