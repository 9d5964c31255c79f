//! The three lists (三张清单): communities keep needs and projects, units
//! publish resources; a need is matched to resources nearest first.

use super::audit::{record, Target};
use super::auth::Viewer;
use super::notices::notify;
use super::text;
use crate::backend::state::AppState;
use crate::backend::store::lists::{self as db, NeedRow, ProjectRow, ResourceRow};
use crate::backend::store::{accounts, units};
use crate::domain::audit::AuditAction;
use crate::domain::auth::{Role, Scope};
use crate::domain::error::{AppError, Field, InputProblem};
use crate::domain::geography::Level;
use crate::domain::lists::*;
use crate::domain::notice::NoticeKind;
use crate::domain::unit::Review;
use crate::domain::wish::{community_side, unit_of, WishStatus};
use chrono::Utc;
use std::collections::HashMap;

fn editor(state: &AppState, viewer: Option<&Viewer>, community: &str) -> bool {
    viewer.is_some_and(|v| {
        state
            .atlas()
            .place_of(community)
            .is_some_and(|p| community_side(&v.grants, &p))
    })
}

fn community_code(state: &AppState, code: &str) -> Result<String, AppError> {
    let c = code.trim().to_ascii_uppercase();
    if state.atlas().level_of(&c) != Some(Level::Community) {
        return Err(AppError::invalid(Field::Community, InputProblem::Unknown));
    }
    Ok(c)
}

async fn unit_names(state: &AppState) -> Result<HashMap<i64, String>, AppError> {
    Ok(units::units_in(&state.db, None)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

fn name(state: &AppState, code: &str) -> String {
    state.atlas().name_of(code).unwrap_or_default().to_string()
}

fn need_item(state: &AppState, n: NeedRow) -> NeedItem {
    NeedItem {
        id: n.id,
        community_name: name(state, &n.community_code),
        community_code: n.community_code,
        category: n.category,
        title: n.title,
        detail: n.detail,
        wish_id: n.wish_id,
        open: n.open,
    }
}

fn resource_item(state: &AppState, r: ResourceRow, units: &HashMap<i64, String>) -> ResourceItem {
    ResourceItem {
        id: r.id,
        unit_id: r.unit_id,
        unit_name: units.get(&r.unit_id).cloned().unwrap_or_default(),
        community_name: name(state, &r.community_code),
        community_code: r.community_code,
        category: r.category,
        title: r.title,
        detail: r.detail,
        availability: r.availability,
    }
}

/// The three lists of a community (public: they name units, not people).
/// Resources are the whole district's: a need may be met from next door.
#[tracing::instrument(skip_all, fields(user = viewer.map(|v| v.id), community = community))]
pub async fn three_lists(
    state: &AppState,
    viewer: Option<&Viewer>,
    community: &str,
) -> Result<ThreeLists, AppError> {
    let community = community_code(state, community)?;
    let only = [community.clone()];
    let units = unit_names(state).await?;
    let needs = db::needs(&state.db, Some(&only)).await?;
    let resources = db::resources(&state.db, None).await?;
    let projects = db::projects(&state.db, Some(&only), None).await?;
    Ok(ThreeLists {
        needs: needs.into_iter().map(|n| need_item(state, n)).collect(),
        resources: resources
            .into_iter()
            .map(|r| resource_item(state, r, &units))
            .collect(),
        projects: projects
            .into_iter()
            .map(|p| ProjectItem {
                id: p.id,
                community_name: name(state, &p.community_code),
                community_code: p.community_code,
                title: p.title,
                detail: p.detail,
                status: p.status,
                progress: p.progress,
                needs: p.needs,
                resources: p.resources,
                units: p
                    .units
                    .iter()
                    .filter_map(|u| units.get(u).cloned())
                    .collect(),
            })
            .collect(),
        may_edit: editor(state, viewer, &community),
    })
}

/// The community adds a need (from a wish, or one it found).
#[tracing::instrument(skip_all, fields(user = viewer.id, community = community))]
pub async fn add_need(
    state: &AppState,
    viewer: &Viewer,
    community: &str,
    category: ServiceCategory,
    title: &str,
    detail: &str,
    wish_id: Option<i64>,
) -> Result<NeedItem, AppError> {
    let community = community_code(state, community)?;
    if !editor(state, Some(viewer), &community) {
        return Err(AppError::Forbidden);
    }
    // A need from a wish names one of this community's wishes.
    if let Some(w) = wish_id {
        let wish = crate::backend::store::wishes::by_id(&state.db, w).await?;
        let Some(wish) = wish.filter(|x| x.community_code == community) else {
            return Err(AppError::invalid(Field::Title, InputProblem::Unknown));
        };
        // Its needs close when the wish ends; one born after would stay open.
        if matches!(
            wish.status,
            WishStatus::Closed | WishStatus::Withdrawn | WishStatus::Rejected
        ) {
            return Err(AppError::WrongState);
        }
    }
    let row = NeedRow {
        id: 0,
        community_code: community,
        category,
        title: text(title, Field::Title, 40, true)?,
        detail: text(detail, Field::Note, 500, false)?,
        wish_id,
        open: true,
        created_by: viewer.id,
        created_at: Utc::now(),
    };
    let id = db::insert_need(&state.db, &row).await?;
    Ok(need_item(state, NeedRow { id, ..row }))
}

/// A unit admin publishes what the unit offers, in its community.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn add_resource(
    state: &AppState,
    viewer: &Viewer,
    category: ServiceCategory,
    title: &str,
    detail: &str,
    availability: &str,
) -> Result<ResourceItem, AppError> {
    let unit_id = unit_of(&viewer.grants, Role::UnitAdmin).ok_or(AppError::Forbidden)?;
    let unit = units::unit_by_id(&state.db, unit_id)
        .await?
        .filter(|u| u.status == Review::Approved)
        .ok_or(AppError::Forbidden)?;
    let row = ResourceRow {
        id: 0,
        unit_id,
        community_code: unit.community_code.clone(),
        category,
        title: text(title, Field::Title, 40, true)?,
        detail: text(detail, Field::Note, 500, false)?,
        availability: text(availability, Field::Time, 40, true)?,
        created_at: Utc::now(),
    };
    let id = db::insert_resource(&state.db, &row).await?;
    let names = HashMap::from([(unit_id, unit.name)]);
    Ok(resource_item(state, ResourceRow { id, ..row }, &names))
}

/// The community starts a project linking needs, resources and units.
#[tracing::instrument(skip_all, fields(user = viewer.id, community = community))]
pub async fn add_project(
    state: &AppState,
    viewer: &Viewer,
    community: &str,
    title: &str,
    detail: &str,
    needs: Vec<i64>,
    resources: Vec<i64>,
) -> Result<i64, AppError> {
    let community = community_code(state, community)?;
    if !editor(state, Some(viewer), &community) {
        return Err(AppError::Forbidden);
    }
    let (mut needs, mut resources) = (needs, resources);
    for ids in [&mut needs, &mut resources] {
        ids.sort_unstable();
        ids.dedup();
        if ids.len() > 50 {
            return Err(AppError::invalid(Field::Note, InputProblem::TooMany));
        }
    }
    // Links name this community's needs and resources that exist.
    let own_needs = db::needs(&state.db, Some(std::slice::from_ref(&community))).await?;
    if !needs.iter().all(|n| own_needs.iter().any(|x| x.id == *n)) {
        return Err(AppError::invalid(Field::Title, InputProblem::Unknown));
    }
    let all_resources = db::resources(&state.db, None).await?;
    if !resources
        .iter()
        .all(|r| all_resources.iter().any(|x| x.id == *r))
    {
        return Err(AppError::invalid(Field::Title, InputProblem::Unknown));
    }
    let units = units_of(&resources, &all_resources);
    let now = Utc::now();
    let project = ProjectRow {
        id: 0,
        community_code: community,
        title: text(title, Field::Title, 40, true)?,
        detail: text(detail, Field::Note, 500, false)?,
        status: ProjectStatus::Planning,
        progress: 0,
        needs,
        resources,
        units,
        created_at: now,
        updated_at: now,
    };
    Ok(db::insert_project(&state.db, &project).await?)
}

#[tracing::instrument(skip_all, fields(user = viewer.id, id = id))]
pub async fn set_progress(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    status: ProjectStatus,
    progress: i32,
) -> Result<(), AppError> {
    let p = db::project_by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !editor(state, Some(viewer), &p.community_code) {
        return Err(AppError::Forbidden);
    }
    if !(0..=100).contains(&progress) {
        return Err(AppError::invalid(Field::Progress, InputProblem::OutOfRange));
    }
    db::set_progress(&state.db, id, status, progress, Utc::now()).await?;
    Ok(())
}

/// Resources for a need: the same category, its community first, then its
/// street, then the district.
#[tracing::instrument(skip_all, fields(need_id = need_id))]
pub async fn suggest_for(state: &AppState, need_id: i64) -> Result<Vec<ResourceItem>, AppError> {
    let need = db::need_by_id(&state.db, need_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let units = unit_names(state).await?;
    let items: Vec<ResourceItem> = db::resources(&state.db, None)
        .await?
        .into_iter()
        .map(|r| resource_item(state, r, &units))
        .collect();
    let atlas = state.atlas();
    let street = |c: &str| atlas.place_of(c).and_then(|p| p.street);
    let need_street = street(&need.community_code);
    let nearness = |r: &ResourceItem| {
        if r.community_code == need.community_code {
            Nearness::SameCommunity
        } else if need_street.is_some() && street(&r.community_code) == need_street {
            Nearness::SameStreet
        } else {
            Nearness::Elsewhere
        }
    };
    Ok(suggest(need.category, &items, nearness, 5)
        .into_iter()
        .cloned()
        .collect())
}

/// The street of a community, for the audit line.
fn street_of(state: &AppState, community: &str) -> Option<String> {
    state.atlas().place_of(community).and_then(|p| p.street)
}

/// The units of some resources, once each.
fn units_of(resources: &[i64], all: &[ResourceRow]) -> Vec<i64> {
    let mut units: Vec<i64> = all
        .iter()
        .filter(|r| resources.contains(&r.id))
        .map(|r| r.unit_id)
        .collect();
    units.sort_unstable();
    units.dedup();
    units
}

/// The community takes up a resource for one of its open needs: the
/// resource joins the need's project that is not done yet (a new one named
/// after the need when there is none), and the unit's admins are told.
/// Returns the project.
#[tracing::instrument(skip_all, fields(user = viewer.id, need = need_id, resource = resource_id))]
pub async fn accept_resource(
    state: &AppState,
    viewer: &Viewer,
    need_id: i64,
    resource_id: i64,
) -> Result<i64, AppError> {
    let need = db::need_by_id(&state.db, need_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !editor(state, Some(viewer), &need.community_code) {
        return Err(AppError::Forbidden);
    }
    if !need.open {
        return Err(AppError::WrongState);
    }
    let all = db::resources(&state.db, None).await?;
    let resource = all
        .iter()
        .find(|r| r.id == resource_id)
        .ok_or(AppError::invalid(Field::Value, InputProblem::Unknown))?
        .clone();
    let project_id = match db::take_up(&state.db, need.id, &resource, Utc::now()).await? {
        db::TakenUp::NeedClosed => return Err(AppError::WrongState),
        // Taken up before (a second tap): nothing new to record or tell.
        db::TakenUp::Already { project } => return Ok(project),
        db::TakenUp::Linked { project, .. } => project,
    };
    record(
        state,
        viewer,
        AuditAction::ListsKept,
        Target::new("need", need.id).in_street(street_of(state, &need.community_code)),
        format!("resource {} into project {project_id}", resource.id),
    )
    .await?;
    let admins: Vec<i64> = accounts::users_scoped_to(&state.db, &[resource.unit_id.to_string()])
        .await?
        .into_iter()
        .filter(|(u, g)| {
            g.role == Role::UnitAdmin && g.scope == Scope::Unit(resource.unit_id) && !u.disabled
        })
        .map(|(u, _)| u.id)
        .collect();
    notify(
        state,
        &admins,
        NoticeKind::Unit,
        resource.id,
        "resource_accepted",
        &resource.title,
    )
    .await;
    Ok(project_id)
}

/// The community closes a need that is met.
#[tracing::instrument(skip_all, fields(user = viewer.id, need = need_id))]
pub async fn close_need(state: &AppState, viewer: &Viewer, need_id: i64) -> Result<(), AppError> {
    let need = db::need_by_id(&state.db, need_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !editor(state, Some(viewer), &need.community_code) {
        return Err(AppError::Forbidden);
    }
    if !db::close_need(&state.db, need.id).await? {
        return Err(AppError::WrongState);
    }
    record(
        state,
        viewer,
        AuditAction::ListsKept,
        Target::new("need", need.id).in_street(street_of(state, &need.community_code)),
        "closed",
    )
    .await
}

/// The community sets which of its needs and which resources a project
/// links (the resources' units follow).
#[tracing::instrument(skip_all, fields(user = viewer.id, project = project_id))]
pub async fn link_project(
    state: &AppState,
    viewer: &Viewer,
    project_id: i64,
    mut needs: Vec<i64>,
    mut resources: Vec<i64>,
) -> Result<(), AppError> {
    let mut p = db::project_by_id(&state.db, project_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !editor(state, Some(viewer), &p.community_code) {
        return Err(AppError::Forbidden);
    }
    for ids in [&mut needs, &mut resources] {
        ids.sort_unstable();
        ids.dedup();
        if ids.len() > 50 {
            return Err(AppError::invalid(Field::Note, InputProblem::TooMany));
        }
    }
    let own = db::needs(&state.db, Some(std::slice::from_ref(&p.community_code))).await?;
    if !needs.iter().all(|n| own.iter().any(|x| x.id == *n)) {
        return Err(AppError::invalid(Field::Title, InputProblem::Unknown));
    }
    let all = db::resources(&state.db, None).await?;
    if !resources.iter().all(|r| all.iter().any(|x| x.id == *r)) {
        return Err(AppError::invalid(Field::Value, InputProblem::Unknown));
    }
    p.units = units_of(&resources, &all);
    p.needs = needs;
    p.resources = resources;
    // Changed since it was read (another editor, a take-up): say so
    // rather than undo their change.
    if !db::set_links(&state.db, &p, Utc::now()).await? {
        return Err(AppError::WrongState);
    }
    record(
        state,
        viewer,
        AuditAction::ListsKept,
        Target::new("project", p.id).in_street(street_of(state, &p.community_code)),
        format!(
            "links: {} needs, {} resources",
            p.needs.len(),
            p.resources.len()
        ),
    )
    .await
}
