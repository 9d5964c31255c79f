//! Household records (人房信息, issue 12): staff of a grid and the admins
//! above keep its buildings, households and members, form 联户组 and push
//! tasks to them; a 联保长 ticks doors done; a resident sees their own
//! household and asks for corrections. Sensitive fields (ID numbers,
//! phones, care tags) leave the server masked unless revealed, and every
//! opening, reveal, change and import is in the audit log. Who may do what
//! is `domain::policy`; what a form or a sheet row may hold is
//! `domain::household`. The sheet import is in `household_import`.

use super::audit::{record, Target};
use super::auth::Viewer;
use super::first_problem;
use crate::backend::state::AppState;
use crate::backend::store::accounts;
use crate::backend::store::households::{
    self as db, Area, Codes, CorrectionRow, GroupError, GroupRow, HouseholdRow, MemberRow,
    NewHousehold, SaveError,
};
use crate::domain::audit::AuditAction;
use crate::domain::auth::Place;
use crate::domain::deadline::china_date;
use crate::domain::error::{AppError, Field, InputProblem};
use crate::domain::geography::Level;
use crate::domain::household::{
    self as rule, mask_phone, CareTag, CorrectionView, GroupDoor, GroupKind, GroupTaskView,
    GroupView, HouseholdHit, HouseholdInput, HouseholdView, HouseholdsPage, Housing, MemberView,
    MyHousehold, NewGroup, NewGroupTask, Relation,
};
use crate::domain::policy::{self, GroupAccess};
use chrono::Utc;
use std::collections::HashMap;

/// The place of a grid code (its community and street from the atlas).
pub(crate) fn place_of(state: &AppState, codes: &Codes) -> Place {
    state.atlas().place_of(&codes.grid).unwrap_or(Place {
        grid: Some(codes.grid.clone()),
        community: codes.community.clone(),
        street: codes.street.clone(),
    })
}

/// The codes a record of grid `grid` carries, or NotFound for no such grid.
fn codes_of(state: &AppState, grid: &str) -> Result<Codes, AppError> {
    let atlas = state.atlas();
    if atlas.level_of(grid) != Some(Level::Grid) {
        return Err(AppError::invalid(Field::Place, InputProblem::Unknown));
    }
    let p = atlas.place_of(grid).ok_or(AppError::NotFound)?;
    Ok(Codes {
        grid: grid.to_string(),
        community: p.community,
        street: p.street,
    })
}

/// The area `code` names, if the caller may read its records.
pub fn readable_area(state: &AppState, viewer: &Viewer, code: &str) -> Result<Area, AppError> {
    let atlas = state.atlas();
    let level = atlas.level_of(code).ok_or(AppError::NotFound)?;
    let place = atlas.place_of(code).ok_or(AppError::NotFound)?;
    if !policy::may_see_households(&viewer.grants, &place) {
        return Err(AppError::Forbidden);
    }
    Ok(match level {
        Level::Grid => Area::Grid(code.to_string()),
        Level::Community => Area::Community(code.to_string()),
        Level::Street => Area::Street(code.to_string()),
        Level::District => Area::Everywhere,
    })
}

/// The household `id` if the caller may read it (staff of its grid and
/// above); others' answer as missing.
async fn readable(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
) -> Result<(HouseholdRow, Vec<MemberRow>, Place), AppError> {
    let (h, members) = db::by_id(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let place = place_of(state, &h.codes);
    if !policy::may_see_households(&viewer.grants, &place) {
        return Err(AppError::NotFound);
    }
    Ok((h, members, place))
}

/// A household for a patrol visit: one of grid `grid`, or NotFound.
pub async fn in_grid(state: &AppState, id: i64, grid: &str) -> Result<i64, AppError> {
    match db::by_id(&state.db, id).await? {
        Some((h, _)) if h.codes.grid == grid => Ok(h.id),
        _ => Err(AppError::invalid(Field::Place, InputProblem::Unknown)),
    }
}

/// The full view (sensitive fields in clear): callers mask it unless the
/// reader revealed it.
async fn full_view(
    state: &AppState,
    h: HouseholdRow,
    members: Vec<MemberRow>,
    editable: bool,
) -> Result<HouseholdView, AppError> {
    let account = match h.resident_id {
        Some(u) => accounts::user_by_id(&state.db, u)
            .await?
            .map(|u| mask_phone(&u.phone)),
        None => None,
    };
    let group = db::group_of(&state.db, h.id).await?.map(|g| (g.id, g.name));
    let tags = CareTag::split(&h.care_tags);
    Ok(HouseholdView {
        id: h.id,
        grid_name: state
            .atlas()
            .name_of(&h.codes.grid)
            .unwrap_or(&h.codes.grid)
            .to_string(),
        grid_code: h.codes.grid,
        building: h.building,
        unit: h.unit,
        room: h.room,
        housing: Housing::parse(&h.housing).unwrap_or(Housing::OwnerOccupied),
        care_tags: Some(tags),
        members: members
            .into_iter()
            .map(|m| MemberView {
                id: m.id,
                name: m.name,
                relation: Relation::parse(&m.relation).unwrap_or(Relation::Other),
                phone: m.phone,
                id_number: m.id_number,
            })
            .collect(),
        revealed: true,
        account,
        group,
        updated_at: h.updated_at,
        editable,
    })
}

fn street_target(h: &HouseholdRow) -> Target {
    Target::new("household", h.id).in_street(h.codes.street.clone())
}

/// A household with its sensitive fields masked; the look is audited.
#[tracing::instrument(skip_all, fields(user = viewer.id, household = id))]
pub async fn get(state: &AppState, viewer: &Viewer, id: i64) -> Result<HouseholdView, AppError> {
    let (h, members, place) = readable(state, viewer, id).await?;
    record(
        state,
        viewer,
        AuditAction::HouseholdRead,
        street_target(&h),
        h.door.clone(),
    )
    .await?;
    let editable = policy::may_keep_households(&viewer.grants, &place);
    Ok(full_view(state, h, members, editable).await?.masked())
}

/// A household with its sensitive fields in full: audited first (no line,
/// no reveal).
#[tracing::instrument(skip_all, fields(user = viewer.id, household = id))]
pub async fn reveal(state: &AppState, viewer: &Viewer, id: i64) -> Result<HouseholdView, AppError> {
    let (h, members, place) = readable(state, viewer, id).await?;
    if !policy::may_reveal_household(&viewer.grants, &place) {
        return Err(AppError::NotFound);
    }
    record(
        state,
        viewer,
        AuditAction::HouseholdRevealed,
        street_target(&h),
        h.door.clone(),
    )
    .await?;
    let editable = policy::may_keep_households(&viewer.grants, &place);
    full_view(state, h, members, editable).await
}

/// The households page of an area: the caller's first area unless one is
/// named; the first doors, or those matching `q`.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn page(
    state: &AppState,
    viewer: &Viewer,
    area: Option<String>,
    q: String,
) -> Result<HouseholdsPage, AppError> {
    let areas = super::staff_areas(state, viewer);
    let code = match area.filter(|a| !a.is_empty()) {
        Some(a) => a,
        None => areas
            .first()
            .map(|a| a.0.clone())
            .ok_or(AppError::Forbidden)?,
    };
    let scope = readable_area(state, viewer, &code)?;
    let q = super::text(&q, Field::Query, rule::MAX_QUERY, false)?;
    let found = db::search(&state.db, &scope, &q, rule::SEARCH_LIMIT as u64).await?;
    let hits = found
        .into_iter()
        .map(|f| HouseholdHit {
            id: f.id,
            grid_code: f.grid,
            door: f.door,
            head: f.head,
            members: f.members.max(0) as u32,
            housing: Housing::parse(&f.housing).unwrap_or(Housing::OwnerOccupied),
            matched: f.matched,
        })
        .collect();
    let first_load = q.is_empty();
    let total = match first_load {
        true => Some(db::count_in(&state.db, &scope).await?),
        false => None,
    };
    let place = state.atlas().place_of(&code).unwrap_or_default();
    let editable = policy::may_keep_households(&viewer.grants, &place);
    let atlas = state.atlas();
    let grids = match first_load {
        true => atlas
            .codes_within(&code)
            .into_iter()
            .filter(|c| atlas.level_of(c) == Some(Level::Grid))
            .filter_map(|c| atlas.name_of(&c).map(|n| (c.clone(), n.to_string())))
            .collect(),
        false => Vec::new(),
    };
    let (groups, corrections) = if first_load {
        let groups = db::groups_in(&state.db, &scope).await?;
        (
            group_views(state, viewer, groups).await?,
            corrections(state, db::open_corrections(&state.db, &scope).await?).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(HouseholdsPage {
        areas,
        area: code,
        grids,
        hits,
        total,
        groups,
        corrections,
        editable,
    })
}

/// Turns a form into what the store writes. A field sent back exactly as
/// its mask keeps the stored value (the editor did not reveal it); any
/// other masked text, a member id not of this household, or one id twice
/// is refused (a stale or altered form).
fn to_record(
    input: &HouseholdInput,
    codes: Codes,
    stored: Option<(&HouseholdRow, &[MemberRow])>,
    resident_id: Option<i64>,
) -> Result<NewHousehold, AppError> {
    let stored_members = stored.map(|(_, ms)| ms).unwrap_or_default();
    let mut seen = Vec::new();
    for id in input.members.iter().filter_map(|m| m.id) {
        if seen.contains(&id) || !stored_members.iter().any(|m| m.id == id) {
            return Err(AppError::WrongState);
        }
        seen.push(id);
    }
    let care_tags = match (&input.care_tags, stored) {
        (Some(tags), _) => CareTag::join(tags),
        (None, Some((h, _))) => h.care_tags.clone(),
        (None, None) => String::new(),
    };
    let keep = |value: &str,
                old: Option<&String>,
                mask: fn(&str) -> String,
                field: Field,
                problem: InputProblem|
     -> Result<Option<String>, AppError> {
        let v = value.trim();
        if v.is_empty() {
            Ok(None)
        } else if rule::is_masked(v) {
            match old {
                Some(o) if mask(o) == v => Ok(Some(o.clone())),
                _ => Err(AppError::invalid(field, problem)),
            }
        } else {
            Ok(Some(v.to_string()))
        }
    };
    let mut members = Vec::new();
    for m in &input.members {
        let old =
            m.id.and_then(|id| stored_members.iter().find(|s| s.id == id));
        members.push((
            m.name.trim().to_string(),
            m.relation.unwrap_or(Relation::Other).as_str().to_string(),
            keep(
                &m.phone,
                old.and_then(|o| o.phone.as_ref()),
                rule::mask_phone,
                Field::Phone,
                InputProblem::NotPhone,
            )?,
            keep(
                &m.id_number.to_uppercase(),
                old.and_then(|o| o.id_number.as_ref()),
                rule::mask_id_number,
                Field::IdNumber,
                InputProblem::NotIdNumber,
            )?,
        ));
    }
    Ok(NewHousehold {
        codes,
        building: input.building.trim().to_string(),
        unit: input.unit.trim().to_string(),
        room: input.room.trim().to_string(),
        housing: input.housing.as_str().to_string(),
        care_tags,
        resident_id,
        members,
    })
}

/// The resident account a household is linked to, by its mobile number:
/// an account that is a resident and nothing else (never staff or a body's
/// account), not linked to another household. Refused otherwise.
async fn resident_of(
    state: &AppState,
    phone: &str,
    household: Option<i64>,
) -> Result<Option<i64>, AppError> {
    let phone = phone.trim();
    if phone.is_empty() {
        return Ok(None);
    }
    let refused = || AppError::invalid(Field::AccountPhone, InputProblem::Unknown);
    let user = accounts::user_by_phone(&state.db, phone)
        .await?
        .filter(|u| !u.disabled)
        .ok_or_else(refused)?;
    let grants = accounts::grants_of(&state.db, user.id).await?;
    if !policy::may_see_a_household(&grants) {
        return Err(refused());
    }
    match db::of_resident(&state.db, user.id).await? {
        Some(other) if Some(other) != household => {
            Err(AppError::invalid(Field::AccountPhone, InputProblem::Taken))
        }
        _ => Ok(Some(user.id)),
    }
}

/// Adds a household, or changes one, in a grid the caller keeps.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn save(
    state: &AppState,
    viewer: &Viewer,
    input: HouseholdInput,
) -> Result<HouseholdView, AppError> {
    first_problem(rule::household_problems(&input))?;
    let codes = codes_of(state, input.grid.trim())?;
    let place = place_of(state, &codes);
    if !policy::may_keep_households(&viewer.grants, &place) {
        return Err(AppError::Forbidden);
    }
    let stored = match input.id {
        Some(id) => {
            let (h, ms, old_place) = readable(state, viewer, id).await?;
            // Moving a household to another grid needs the right to keep both.
            if !policy::may_keep_households(&viewer.grants, &old_place) {
                return Err(AppError::Forbidden);
            }
            // Changed since the form was filled: this edit would undo that one.
            if input.updated_at != Some(h.updated_at) {
                return Err(AppError::WrongState);
            }
            // A household of a 联户组 stays in its grid (its leader sees it).
            if h.codes.grid != codes.grid && db::group_of(&state.db, h.id).await?.is_some() {
                return Err(AppError::WrongState);
            }
            Some((h, ms))
        }
        None => None,
    };
    // An unchanged link stays even when the form shows it masked.
    let resident_id = match &stored {
        Some((h, _)) if rule::is_masked(&input.account_phone) => h.resident_id,
        _ => resident_of(state, &input.account_phone, input.id).await?,
    };
    let rec = to_record(
        &input,
        codes,
        stored.as_ref().map(|(h, ms)| (h, ms.as_slice())),
        resident_id,
    )?;
    // Audited first: a change the log cannot record does not happen.
    let linked = resident_id
        .map(|u| format!(" resident {u}"))
        .unwrap_or_default();
    record(
        state,
        viewer,
        AuditAction::HouseholdChanged,
        Target::new(
            "household",
            input.id.map(|i| i.to_string()).unwrap_or("new".into()),
        )
        .in_street(place.street.clone()),
        format!(
            "{} {}{linked}",
            if input.id.is_some() { "edit" } else { "add" },
            rec.door()
        ),
    )
    .await?;
    let id = match db::save(&state.db, &rec, input.id, Utc::now()).await {
        Ok(id) => id,
        Err(SaveError::DoorTaken) => {
            return Err(AppError::invalid(Field::Room, InputProblem::Taken));
        }
        Err(SaveError::Db(e)) => return Err(e.into()),
    };
    let (h, members) = db::by_id(&state.db, id).await?.ok_or(AppError::NotFound)?;
    Ok(full_view(state, h, members, true).await?.masked())
}

// ---------------------------------------------------------------- groups

async fn group_views(
    state: &AppState,
    viewer: &Viewer,
    groups: Vec<GroupRow>,
) -> Result<Vec<GroupView>, AppError> {
    let ids: Vec<i64> = groups.iter().map(|g| g.id).collect();
    let links = db::doors_of(&state.db, &ids).await?;
    let households: Vec<i64> = links.iter().map(|l| l.1).collect();
    let heads = db::heads_of(&state.db, &households).await?;
    let tasks = db::tasks_of(&state.db, &ids).await?;
    let task_ids: Vec<i64> = tasks.iter().map(|t| t.id).collect();
    let marks = db::marks_of(&state.db, &task_ids).await?;
    let mut out = Vec::new();
    for g in groups {
        let place = place_of(state, &g.codes);
        let access = policy::group_access(viewer.id, &viewer.grants, &place, g.leader_id);
        if access == GroupAccess::None {
            continue;
        }
        let doors: Vec<GroupDoor> = links
            .iter()
            .filter(|l| l.0 == g.id)
            .filter_map(|l| {
                heads.get(&l.1).map(|(door, head)| GroupDoor {
                    household_id: l.1,
                    door: door.clone(),
                    head: head.clone(),
                })
            })
            .collect();
        out.push(GroupView {
            id: g.id,
            grid_code: g.codes.grid.clone(),
            name: g.name,
            kind: GroupKind::parse(&g.kind).unwrap_or(GroupKind::Households),
            leader_name: g.leader_name,
            leader_phone: match access {
                GroupAccess::Staff => g.leader_phone,
                _ => mask_phone(&g.leader_phone),
            },
            tasks: tasks
                .iter()
                .filter(|t| t.group_id == g.id)
                .map(|t| GroupTaskView {
                    id: t.id,
                    title: t.title.clone(),
                    body: t.body.clone(),
                    due_on: t.due_on,
                    created_at: t.created_at,
                    done: marks
                        .iter()
                        .filter(|m| m.0 == t.id && doors.iter().any(|d| d.household_id == m.1))
                        .map(|m| m.1)
                        .collect(),
                })
                .collect(),
            doors,
            manage: policy::may_keep_households(&viewer.grants, &place),
        });
    }
    Ok(out)
}

async fn one_group(state: &AppState, viewer: &Viewer, id: i64) -> Result<GroupView, AppError> {
    let g = db::group_by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    group_views(state, viewer, vec![g])
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// Forms a 联户组 of households of one grid the caller keeps.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn create_group(
    state: &AppState,
    viewer: &Viewer,
    g: NewGroup,
) -> Result<GroupView, AppError> {
    first_problem(rule::group_problems(&g))?;
    let codes = codes_of(state, g.grid.trim())?;
    let place = place_of(state, &codes);
    if !policy::may_keep_households(&viewer.grants, &place) {
        return Err(AppError::Forbidden);
    }
    let mut households = g.households.clone();
    households.sort_unstable();
    households.dedup();
    for id in &households {
        match db::by_id(&state.db, *id).await? {
            Some((h, _)) if h.codes.grid == codes.grid => {}
            _ => return Err(AppError::invalid(Field::Members, InputProblem::Unknown)),
        }
    }
    // The 联保长 sees the group under 我的家庭 when their number is a
    // resident's account (never a staff or a body's account: what they see
    // as staff is another matter); otherwise the group is kept by staff alone.
    let leader_phone = g.leader_phone.trim().to_string();
    let leader_id = match accounts::user_by_phone(&state.db, &leader_phone).await? {
        Some(u) if !u.disabled => {
            let grants = accounts::grants_of(&state.db, u.id).await?;
            policy::may_see_a_household(&grants).then_some(u.id)
        }
        _ => None,
    };
    // Audited first: a change the log cannot record does not happen.
    record(
        state,
        viewer,
        AuditAction::HouseholdChanged,
        Target::new("household_group", "new").in_street(place.street.clone()),
        format!(
            "group {} of {} households, leader account {:?}",
            g.name.trim(),
            households.len(),
            leader_id
        ),
    )
    .await?;
    let row = GroupRow {
        id: 0,
        codes,
        name: g.name.trim().to_string(),
        kind: g.kind.as_str().to_string(),
        leader_name: g.leader_name.trim().to_string(),
        leader_phone,
        leader_id,
    };
    let id = match db::create_group(&state.db, &row, &households, Utc::now()).await {
        Ok(id) => id,
        Err(GroupError::Taken(_)) => {
            return Err(AppError::invalid(Field::Members, InputProblem::Taken));
        }
        Err(GroupError::Db(e)) => return Err(e.into()),
    };
    one_group(state, viewer, id).await
}

/// Pushes a task to a group the caller keeps.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn push_task(
    state: &AppState,
    viewer: &Viewer,
    t: NewGroupTask,
) -> Result<GroupView, AppError> {
    let g = db::group_by_id(&state.db, t.group_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let place = place_of(state, &g.codes);
    match policy::group_access(viewer.id, &viewer.grants, &place, g.leader_id) {
        GroupAccess::None => return Err(AppError::NotFound),
        _ if !policy::may_keep_households(&viewer.grants, &place) => {
            return Err(AppError::Forbidden)
        }
        _ => {}
    }
    first_problem(rule::task_problems(&t, china_date(Utc::now())))?;
    record(
        state,
        viewer,
        AuditAction::HouseholdChanged,
        Target::new("household_group", g.id).in_street(place.street.clone()),
        format!("task {}", t.title.trim()),
    )
    .await?;
    db::insert_task(
        &state.db,
        g.id,
        t.title.trim(),
        t.body.trim(),
        t.due_on,
        viewer.id,
        Utc::now(),
    )
    .await?;
    one_group(state, viewer, g.id).await
}

/// Marks a door of a group's task done or not: staff of the grid, or the
/// group's 联保长.
#[tracing::instrument(skip_all, fields(user = viewer.id, task = task_id))]
pub async fn mark_door(
    state: &AppState,
    viewer: &Viewer,
    task_id: i64,
    household_id: i64,
    done: bool,
) -> Result<GroupView, AppError> {
    let t = db::task_by_id(&state.db, task_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let g = db::group_by_id(&state.db, t.group_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let place = place_of(state, &g.codes);
    let access = policy::group_access(viewer.id, &viewer.grants, &place, g.leader_id);
    let may = match access {
        GroupAccess::None => return Err(AppError::NotFound),
        GroupAccess::Leader => true,
        GroupAccess::Staff => policy::may_keep_households(&viewer.grants, &place),
    };
    if !may {
        return Err(AppError::Forbidden);
    }
    if !db::doors_of(&state.db, &[g.id])
        .await?
        .iter()
        .any(|l| l.1 == household_id)
    {
        return Err(AppError::NotFound);
    }
    record(
        state,
        viewer,
        AuditAction::HouseholdChanged,
        Target::new("group_task", t.id).in_street(place.street.clone()),
        format!("{} {household_id}", if done { "done" } else { "undone" }),
    )
    .await?;
    db::mark(&state.db, t.id, household_id, done, viewer.id, Utc::now()).await?;
    one_group(state, viewer, g.id).await
}

// ---------------------------------------------------------------- residents

async fn corrections(
    state: &AppState,
    rows: Vec<CorrectionRow>,
) -> Result<Vec<CorrectionView>, AppError> {
    let ids: Vec<i64> = rows.iter().map(|c| c.household_id).collect();
    let heads = db::heads_of(&state.db, &ids).await?;
    let mut names: HashMap<i64, String> = HashMap::new();
    for c in &rows {
        if let std::collections::hash_map::Entry::Vacant(e) = names.entry(c.user_id) {
            let n = accounts::user_by_id(&state.db, c.user_id)
                .await?
                .map(|u| u.name)
                .unwrap_or_default();
            e.insert(n);
        }
    }
    Ok(rows
        .into_iter()
        .map(|c| CorrectionView {
            id: c.id,
            household_id: c.household_id,
            door: heads
                .get(&c.household_id)
                .map(|h| h.0.clone())
                .unwrap_or_default(),
            text: c.text,
            by: names.get(&c.user_id).cloned().unwrap_or_default(),
            created_at: c.created_at,
            done: c.done,
        })
        .collect())
}

/// What the caller sees as a resident: their household (masked: the
/// phone's owner sees their own, but a shared phone should not show every
/// ID number in full), their correction requests, the groups they lead.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn mine(state: &AppState, viewer: &Viewer) -> Result<MyHousehold, AppError> {
    let household = match db::of_resident(&state.db, viewer.id).await? {
        Some(id) => {
            let (h, members) = db::by_id(&state.db, id).await?.ok_or(AppError::NotFound)?;
            if !policy::owns_household(viewer.id, h.resident_id) {
                return Err(AppError::NotFound);
            }
            // Masked as for anyone (a shared phone should not show every ID
            // number or care tag); the group is staff's business.
            let mut v = full_view(state, h, members, false).await?.masked();
            v.group = None;
            v.account = None;
            Some(v)
        }
        None => None,
    };
    let corrections = corrections(state, db::corrections_by(&state.db, viewer.id).await?).await?;
    let led = db::groups_led_by(&state.db, viewer.id).await?;
    let groups = group_views(state, viewer, led).await?;
    Ok(MyHousehold {
        household,
        corrections,
        groups,
    })
}

/// A resident asks for their household's record to be corrected.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn ask_correction(
    state: &AppState,
    viewer: &Viewer,
    text: String,
) -> Result<MyHousehold, AppError> {
    let text = super::text(&text, Field::Correction, rule::MAX_CORRECTION, true)?;
    let id = db::of_resident(&state.db, viewer.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (h, _) = db::by_id(&state.db, id).await?.ok_or(AppError::NotFound)?;
    if !policy::owns_household(viewer.id, h.resident_id) {
        return Err(AppError::NotFound);
    }
    if db::corrections_by(&state.db, viewer.id)
        .await?
        .iter()
        .filter(|c| !c.done)
        .count()
        >= 3
    {
        return Err(AppError::invalid(Field::Correction, InputProblem::TooMany));
    }
    db::insert_correction(&state.db, h.id, &h.codes, viewer.id, &text, Utc::now()).await?;
    mine(state, viewer).await
}

/// Staff mark a correction request handled (after editing the record).
#[tracing::instrument(skip_all, fields(user = viewer.id, correction = id))]
pub async fn close_correction(state: &AppState, viewer: &Viewer, id: i64) -> Result<(), AppError> {
    let c = db::correction_by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let place = place_of(state, &c.codes);
    if !policy::may_see_households(&viewer.grants, &place) {
        return Err(AppError::NotFound);
    }
    if !policy::may_keep_households(&viewer.grants, &place) {
        return Err(AppError::Forbidden);
    }
    record(
        state,
        viewer,
        AuditAction::HouseholdChanged,
        Target::new("household", c.household_id).in_street(place.street.clone()),
        "correction handled",
    )
    .await?;
    db::close_correction(&state.db, c.id, viewer.id, Utc::now()).await?;
    Ok(())
}

/// The area `code` names if the caller may import into it (checked before
/// the upload is read).
pub fn may_import(state: &AppState, viewer: &Viewer, code: &str) -> Result<Area, AppError> {
    let area = readable_area(state, viewer, code)?;
    let place = state.atlas().place_of(code).ok_or(AppError::NotFound)?;
    if !policy::may_keep_households(&viewer.grants, &place) {
        return Err(AppError::Forbidden);
    }
    Ok(area)
}
