//! Joint meetings (物业联席会, issue 11): the community convenes its property
//! companies, owners' committee and resident representatives, records the
//! agenda (open cases, topics, free items), attendance and minutes, and
//! turns decisions into resolutions that their owners carry out and report
//! on. The rules are `policy::may_run_meetings`, `may_see_meeting` and
//! `may_see_resolution`: a resolution is for the community and its owner.

use super::audit::{record, Target};
use super::auth::Viewer;
use super::notices::{notify, reviewers_of};
use super::{community_place, first_problem};
use crate::backend::state::AppState;
use crate::backend::store::meetings::{
    self as db, MeetingRow, MeetingWrite, ResolutionRow, ResolutionWrite,
};
use crate::backend::store::{accounts, alliance, geography, units};
use crate::domain::audit::AuditAction;
use crate::domain::auth::{Grant, Place, Role, Scope};
use crate::domain::deadline::china_date;
use crate::domain::error::{AppError, Field, InputProblem};
use crate::domain::meeting::{
    is_overdue, order_resolutions, Invited, ItemKind, MeetingChoices, MeetingForm, MeetingLine,
    MeetingView, MeetingsView, Owner, OwnerKind, ProgressForm, ProgressLine, ResolutionForm,
    ResolutionStatus, ResolutionView, CANDIDATES, LISTED, LISTED_RESOLUTIONS,
};
use crate::domain::notice::NoticeKind;
use crate::domain::policy;
use crate::domain::unit::Review;
use chrono::{NaiveDate, Utc};
use std::collections::HashMap;

fn today() -> NaiveDate {
    china_date(Utc::now())
}

fn place_of(state: &AppState, code: &str) -> Place {
    community_place(state, code).unwrap_or_default()
}

/// The companies of the caller's grants.
fn companies_of(grants: &[Grant]) -> Vec<i64> {
    grants
        .iter()
        .filter_map(|g| match (g.role, &g.scope) {
            (Role::PropertyCompany, Scope::Company(c)) => Some(*c),
            _ => None,
        })
        .collect()
}

/// A resolution's words for a notice: its first words.
fn short(text: &str) -> String {
    let t: String = text.chars().take(24).collect();
    if t.chars().count() < text.chars().count() {
        format!("{t}…")
    } else {
        t
    }
}

/// The names of every possible owner, by `Owner` (for the views).
struct Names {
    companies: HashMap<i64, String>,
    units: HashMap<i64, String>,
    departments: HashMap<String, String>,
}

impl Names {
    async fn load(state: &AppState) -> Result<Names, AppError> {
        Ok(Names {
            companies: alliance::companies(&state.db)
                .await?
                .into_iter()
                .map(|c| (c.id, c.name))
                .collect(),
            units: units::units_in(&state.db, None)
                .await?
                .into_iter()
                .map(|u| (u.id, u.name))
                .collect(),
            departments: geography::departments(&state.db)
                .await?
                .into_iter()
                .map(|d| (d.code, d.name))
                .collect(),
        })
    }

    fn of(&self, state: &AppState, owner: &Owner) -> String {
        let id = owner.reference.parse::<i64>().ok();
        match owner.kind {
            OwnerKind::Company => id.and_then(|i| self.companies.get(&i).cloned()),
            OwnerKind::Unit => id.and_then(|i| self.units.get(&i).cloned()),
            OwnerKind::Department => self.departments.get(&owner.reference).cloned(),
            OwnerKind::Community => state.atlas().name_of(&owner.reference).map(str::to_string),
        }
        .unwrap_or_else(|| owner.reference.clone())
    }
}

/// The resolutions' views with their history, for a reader allowed each.
async fn resolution_views(
    state: &AppState,
    viewer: &Viewer,
    rows: Vec<ResolutionRow>,
    names: &Names,
    with_history: bool,
) -> Result<Vec<ResolutionView>, AppError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let updates = if with_history {
        db::updates_of(&state.db, &ids).await?
    } else {
        Vec::new()
    };
    let authors: Vec<i64> = updates.iter().map(|u| u.author_id).collect();
    let who = units::user_names(&state.db, &authors).await?;
    let meetings: Vec<i64> = rows.iter().map(|r| r.meeting_id).collect();
    let titles = db::titles(&state.db, &meetings).await?;
    let today = today();
    Ok(rows
        .into_iter()
        .map(|r| {
            let place = place_of(state, &r.community_code);
            ResolutionView {
                id: r.id,
                meeting_id: r.meeting_id,
                meeting_title: titles.get(&r.meeting_id).cloned().unwrap_or_default(),
                owner_name: names.of(state, &r.owner),
                overdue: is_overdue(r.status, r.due_on, today),
                may_report: r.status != ResolutionStatus::Dropped
                    && policy::may_see_resolution(&viewer.grants, &r.owner, &place),
                updates: updates
                    .iter()
                    .filter(|u| u.resolution_id == r.id)
                    .map(|u| ProgressLine {
                        progress: u.progress,
                        status: u.status,
                        note: u.note.clone(),
                        by: who.get(&u.author_id).cloned().unwrap_or_default(),
                        at: u.at,
                    })
                    .collect(),
                text: r.body,
                owner: r.owner,
                due_on: r.due_on,
                progress: r.progress,
                status: r.status,
                case_id: r.case_id,
                version: r.version,
            }
        })
        .collect())
}

/// The joint meetings page: the meetings that concern the caller, their
/// open resolutions (overdue first), and where they may convene one.
pub async fn overview(state: &AppState, viewer: &Viewer) -> Result<MeetingsView, AppError> {
    let grants = &viewer.grants;
    // The admins who run a community's meetings are those who run its
    // deliberation: one scope.
    let staff = policy::topic_staff_scope(grants);
    let companies = companies_of(grants);
    let owners = policy::resolution_owners(grants);
    let rows = db::meetings_for(&state.db, &staff, &companies, &owners, LISTED).await?;
    let atlas = state.atlas();
    let meetings = rows
        .into_iter()
        .map(|m| MeetingLine {
            id: m.id,
            community: atlas
                .name_of(&m.community_code)
                .unwrap_or_default()
                .to_string(),
            title: m.title,
            starts_at: m.starts_at,
            place: m.place,
        })
        .collect();
    let communities = atlas
        .communities()
        .into_iter()
        .filter(|c| {
            atlas
                .place_of(&c.code)
                .is_some_and(|p| policy::may_run_meetings(grants, &p))
        })
        .map(|c| (c.code, c.name))
        .collect();
    drop(atlas);
    let open = db::open_resolutions_for(&state.db, &staff, &owners, LISTED_RESOLUTIONS)
        .await?
        .into_iter()
        .filter(|r| {
            policy::may_see_resolution(grants, &r.owner, &place_of(state, &r.community_code))
        })
        .collect();
    let names = Names::load(state).await?;
    let mut resolutions = resolution_views(state, viewer, open, &names, false).await?;
    order_resolutions(&mut resolutions);
    Ok(MeetingsView {
        meetings,
        resolutions,
        communities,
    })
}

/// A meeting and its resolutions, or 404 for whoever it does not concern.
async fn readable(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
) -> Result<(MeetingRow, Place, Vec<ResolutionRow>), AppError> {
    let row = db::meeting(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let place = place_of(state, &row.community_code);
    let resolutions = db::resolutions_of(&state.db, id).await?;
    let owners: Vec<Owner> = resolutions.iter().map(|r| r.owner.clone()).collect();
    let invited: Vec<i64> = row.companies.iter().map(|c| c.0).collect();
    if !policy::may_see_meeting(&viewer.grants, &place, &invited, &owners) {
        return Err(AppError::NotFound);
    }
    Ok((row, place, resolutions))
}

/// A meeting's page: all its resolutions for the community, an owner's
/// own for an owner.
pub async fn detail(state: &AppState, viewer: &Viewer, id: i64) -> Result<MeetingView, AppError> {
    let (row, place, resolutions) = readable(state, viewer, id).await?;
    let may_keep = policy::may_run_meetings(&viewer.grants, &place);
    let seen: Vec<ResolutionRow> = resolutions
        .into_iter()
        .filter(|r| policy::may_see_resolution(&viewer.grants, &r.owner, &place))
        .collect();
    let names = Names::load(state).await?;
    let resolutions = resolution_views(state, viewer, seen, &names, true).await?;
    let compound_names: HashMap<i64, String> = geography::compounds(&state.db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let choices = if may_keep {
        Some(choices(state, &row.community_code, &names).await?)
    } else {
        None
    };
    Ok(MeetingView {
        id: row.id,
        version: row.version,
        community: state
            .atlas()
            .name_of(&row.community_code)
            .unwrap_or_default()
            .to_string(),
        community_code: row.community_code,
        title: row.title,
        starts_at: row.starts_at,
        place: row.place,
        compounds: row
            .compounds
            .iter()
            .map(|c| (*c, compound_names.get(c).cloned().unwrap_or_default()))
            .collect(),
        companies: row
            .companies
            .iter()
            .map(|(c, present)| Invited {
                id: *c,
                name: names.companies.get(c).cloned().unwrap_or_default(),
                present: *present,
            })
            .collect(),
        committee: row.committee,
        representatives: row.representatives,
        committee_present: row.committee_present,
        representatives_present: row.representatives_present,
        agenda: row.agenda,
        minutes: row.minutes,
        resolutions,
        may_keep,
        choices,
    })
}

/// The compounds of a community (id, name).
async fn compounds_in(state: &AppState, community: &str) -> Result<Vec<(i64, String)>, AppError> {
    let all = geography::compounds(&state.db).await?;
    let atlas = state.atlas();
    Ok(all
        .into_iter()
        .filter(|c| {
            atlas
                .code_of_id(c.grid_id)
                .and_then(|g| atlas.place_of(&g))
                .is_some_and(|p| p.community.as_deref() == Some(community))
        })
        .map(|c| (c.id, c.name))
        .collect())
}

/// Who may own a resolution of a community's meeting: every company, the
/// community's approved units, the active departments, the community.
async fn owners_for(
    state: &AppState,
    community: &str,
    names: &Names,
) -> Result<Vec<(Owner, String)>, AppError> {
    let mut out: Vec<(Owner, String)> = vec![(
        Owner {
            kind: OwnerKind::Community,
            reference: community.to_string(),
        },
        state
            .atlas()
            .name_of(community)
            .unwrap_or(community)
            .to_string(),
    )];
    let mut companies: Vec<(&i64, &String)> = names.companies.iter().collect();
    companies.sort();
    out.extend(
        companies
            .into_iter()
            .map(|(id, n)| (Owner::company(*id), n.clone())),
    );
    let community_units = units::units_in(&state.db, Some(&[community.to_string()])).await?;
    out.extend(
        community_units
            .into_iter()
            .filter(|u| u.status == Review::Approved)
            .map(|u| {
                (
                    Owner {
                        kind: OwnerKind::Unit,
                        reference: u.id.to_string(),
                    },
                    u.name,
                )
            }),
    );
    out.extend(
        geography::departments(&state.db)
            .await?
            .into_iter()
            .filter(|d| d.active)
            .map(|d| {
                (
                    Owner {
                        kind: OwnerKind::Department,
                        reference: d.code,
                    },
                    d.name,
                )
            }),
    );
    Ok(out)
}

async fn choices(
    state: &AppState,
    community: &str,
    names: &Names,
) -> Result<MeetingChoices, AppError> {
    let compounds = compounds_in(state, community).await?;
    // The companies managing the community's compounds first: those a
    // meeting of the community invites.
    let local: Vec<i64> = geography::compounds(&state.db)
        .await?
        .into_iter()
        .filter(|c| compounds.iter().any(|(id, _)| *id == c.id))
        .filter_map(|c| c.company_id)
        .collect();
    let mut companies: Vec<(i64, String)> = names
        .companies
        .iter()
        .map(|(i, n)| (*i, n.clone()))
        .collect();
    companies.sort_by_key(|(i, _)| (!local.contains(i), *i));
    Ok(MeetingChoices {
        compounds,
        companies,
        cases: db::open_cases_in(&state.db, community, CANDIDATES).await?,
        topics: db::agenda_topics(&state.db, community, CANDIDATES).await?,
        owners: owners_for(state, community, names)
            .await?
            .into_iter()
            .map(|(o, n)| (o.key(), n))
            .collect(),
    })
}

/// Keeps the order of first appearance and drops repeats.
fn unique<T: PartialEq + Clone>(list: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(list.len());
    for x in list {
        if !out.contains(x) {
            out.push(x.clone());
        }
    }
    out
}

/// Convenes a meeting (`form.id` none) or records it: invitations,
/// compounds, agenda, attendance, minutes. The community and the admins
/// above it; the invited companies' staff are told once.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn save(
    state: &AppState,
    viewer: &Viewer,
    mut form: MeetingForm,
) -> Result<MeetingView, AppError> {
    form.community_code = form.community_code.trim().to_string();
    let before = match form.id {
        Some(id) => {
            let (row, place, _) = readable(state, viewer, id).await?;
            if !policy::may_run_meetings(&viewer.grants, &place) {
                return Err(AppError::Forbidden);
            }
            // A meeting stays with the community that convened it.
            form.community_code = row.community_code.clone();
            Some(row)
        }
        None => None,
    };
    first_problem(form.problems())?;
    let place = community_place(state, &form.community_code)
        .ok_or(AppError::invalid(Field::Community, InputProblem::Unknown))?;
    if !policy::may_run_meetings(&viewer.grants, &place) {
        return Err(AppError::Forbidden);
    }
    form.companies = unique(&form.companies);
    form.compounds = unique(&form.compounds);
    form.present = unique(&form.present);
    let companies: Vec<i64> = alliance::companies(&state.db)
        .await?
        .iter()
        .map(|c| c.id)
        .collect();
    if form.companies.iter().any(|c| !companies.contains(c)) {
        return Err(AppError::invalid(Field::Company, InputProblem::Unknown));
    }
    let compounds: Vec<i64> = compounds_in(state, &form.community_code)
        .await?
        .iter()
        .map(|c| c.0)
        .collect();
    if form.compounds.iter().any(|c| !compounds.contains(c)) {
        return Err(AppError::invalid(Field::Compound, InputProblem::Unknown));
    }
    name_agenda(state, &mut form).await?;
    // One line per case, topic or wording, however the client sent them.
    let mut seen = Vec::new();
    form.agenda.retain(|i| {
        let key = (
            i.kind,
            i.ref_id,
            i.ref_id.is_none().then(|| i.title.clone()),
        );
        let fresh = !seen.contains(&key);
        seen.push(key);
        fresh
    });
    let now = Utc::now();
    let write = MeetingWrite {
        form: &form,
        street_code: place.street.clone(),
        by: viewer.id,
        at: now,
    };
    let id = match form.id {
        Some(id) => {
            if !db::update_meeting(&state.db, id, &write).await? {
                return Err(AppError::WrongState);
            }
            id
        }
        None => db::insert_meeting(&state.db, &write).await?,
    };
    record(
        state,
        viewer,
        AuditAction::MeetingKept,
        Target::new("meeting", id).in_street(place.street.clone()),
        if before.is_some() {
            "recorded"
        } else {
            "convened"
        },
    )
    .await?;
    let was: Vec<i64> = before
        .map(|b| b.companies.iter().map(|c| c.0).collect())
        .unwrap_or_default();
    for company in form.companies.iter().filter(|c| !was.contains(c)) {
        let to = owner_users(state, &Owner::company(*company)).await;
        notify(
            state,
            &to,
            NoticeKind::Meeting,
            id,
            "invited",
            form.title.trim(),
        )
        .await;
    }
    detail(state, viewer, id).await
}

/// Names each case and topic item as the server reads it; a case or topic
/// of another community is refused.
async fn name_agenda(state: &AppState, form: &mut MeetingForm) -> Result<(), AppError> {
    let ids = |kind: ItemKind| -> Vec<i64> {
        form.agenda
            .iter()
            .filter(|i| i.kind == kind)
            .filter_map(|i| i.ref_id)
            .collect()
    };
    let cases = db::case_titles(&state.db, &form.community_code, &ids(ItemKind::Case)).await?;
    let topics = db::topic_titles(&state.db, &form.community_code, &ids(ItemKind::Topic)).await?;
    for item in &mut form.agenda {
        let known = match item.kind {
            ItemKind::Case => item.ref_id.and_then(|i| cases.get(&i)),
            ItemKind::Topic => item.ref_id.and_then(|i| topics.get(&i)),
            ItemKind::Free => {
                item.ref_id = None;
                item.title = item.title.trim().to_string();
                continue;
            }
        };
        item.title = known
            .cloned()
            .ok_or(AppError::invalid(Field::Agenda, InputProblem::Unknown))?;
    }
    Ok(())
}

/// The accounts that answer for an owner: the company's staff, the unit's
/// admins, the department's staff, the community's admins.
async fn owner_users(state: &AppState, owner: &Owner) -> Vec<i64> {
    let wanted = match owner.kind {
        OwnerKind::Community => return reviewers_of(state, &owner.reference).await,
        OwnerKind::Company => owner
            .reference
            .parse()
            .ok()
            .and_then(|c| Grant::new(Role::PropertyCompany, Scope::Company(c))),
        OwnerKind::Unit => owner
            .reference
            .parse()
            .ok()
            .and_then(|u| Grant::new(Role::UnitAdmin, Scope::Unit(u))),
        OwnerKind::Department => {
            Grant::new(Role::Department, Scope::Department(owner.reference.clone()))
        }
    };
    let Some(wanted) = wanted else {
        return Vec::new();
    };
    match accounts::users_scoped_to(&state.db, std::slice::from_ref(&owner.reference)).await {
        Ok(rows) => rows
            .into_iter()
            .filter(|(u, g)| *g == wanted && !u.disabled)
            .map(|(u, _)| u.id)
            .collect(),
        Err(e) => {
            super::internal(e);
            Vec::new()
        }
    }
}

/// Writes a resolution of a meeting, or withdraws one (the community); its
/// owner is told when it is theirs to carry out.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn keep_resolution(
    state: &AppState,
    viewer: &Viewer,
    form: ResolutionForm,
) -> Result<MeetingView, AppError> {
    let (meeting, place, existing) = readable(state, viewer, form.meeting_id).await?;
    if !policy::may_run_meetings(&viewer.grants, &place) {
        return Err(AppError::Forbidden);
    }
    first_problem(form.problems(today()))?;
    let before = match form.id {
        Some(id) => Some(
            existing
                .iter()
                .find(|r| r.id == id)
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    if let Some(b) = before {
        // Only what is still to be carried out is edited or withdrawn.
        if !b.status.is_open() {
            return Err(AppError::WrongState);
        }
        if b.due_on != form.due_on && form.due_on < today() {
            return Err(AppError::invalid(Field::Due, InputProblem::InPast));
        }
    }
    // What the resolution had may stay even when it would no longer be
    // offered (a unit since withdrawn, a case taken off the agenda).
    if before.is_none_or(|b| b.owner != form.owner) {
        let names = Names::load(state).await?;
        let owners = owners_for(state, &meeting.community_code, &names).await?;
        // A company carries out what it was invited to decide.
        let invited = match form.owner.kind {
            OwnerKind::Company => form
                .owner
                .reference
                .parse::<i64>()
                .is_ok_and(|c| meeting.companies.iter().any(|(i, _)| *i == c)),
            _ => true,
        };
        if !invited || !owners.iter().any(|(o, _)| *o == form.owner) {
            return Err(AppError::invalid(Field::Owner, InputProblem::Unknown));
        }
    }
    // A resolution settles a case the meeting took up, nothing else.
    if let Some(case) = form
        .case_id
        .filter(|c| before.is_none_or(|b| b.case_id != Some(*c)))
    {
        let on_agenda = meeting
            .agenda
            .iter()
            .any(|i| i.kind == ItemKind::Case && i.ref_id == Some(case));
        if !on_agenda {
            return Err(AppError::invalid(Field::LinkedCase, InputProblem::Unknown));
        }
    }
    let write = ResolutionWrite {
        meeting_id: meeting.id,
        community_code: meeting.community_code.clone(),
        street_code: meeting.street_code.clone(),
        body: form.text.trim().to_string(),
        owner: form.owner.clone(),
        due_on: form.due_on,
        case_id: form.case_id,
        at: Utc::now(),
    };
    let (id, new_owner) = match before {
        Some(b) => {
            let owner_moved = b.owner != form.owner;
            let due_moved = b.due_on != form.due_on;
            if !db::update_resolution(
                &state.db,
                b.id,
                form.version,
                &write,
                form.dropped,
                due_moved,
                owner_moved,
            )
            .await?
            {
                return Err(AppError::WrongState);
            }
            (b.id, owner_moved && !form.dropped)
        }
        None => (db::insert_resolution(&state.db, &write).await?, true),
    };
    let what = match (form.id, form.dropped) {
        (None, _) => "added",
        (Some(_), true) => "withdrawn",
        (Some(_), false) => "edited",
    };
    record(
        state,
        viewer,
        AuditAction::MeetingKept,
        Target::new("resolution", id).in_street(place.street.clone()),
        format!("resolution {what}, owner {}", form.owner.key()),
    )
    .await?;
    if new_owner {
        let to = owner_users(state, &form.owner).await;
        notify(
            state,
            &to,
            NoticeKind::Meeting,
            meeting.id,
            "resolution",
            &short(&write.body),
        )
        .await;
    }
    detail(state, viewer, meeting.id).await
}

/// An owner (or the community) reports a resolution's progress: 100 % is
/// done. Over the version read: two reports at once do not both land.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn report(
    state: &AppState,
    viewer: &Viewer,
    form: ProgressForm,
) -> Result<MeetingView, AppError> {
    let r = db::resolution(&state.db, form.resolution_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let place = place_of(state, &r.community_code);
    if !policy::may_see_resolution(&viewer.grants, &r.owner, &place) {
        return Err(AppError::NotFound);
    }
    // Withdrawn, it takes nothing; done, only the community reopens it (an
    // owner does not undo what it reported finished).
    let reopens = r.status == ResolutionStatus::Done;
    if r.status == ResolutionStatus::Dropped
        || (reopens && !policy::may_run_meetings(&viewer.grants, &place))
    {
        return Err(AppError::WrongState);
    }
    first_problem(form.problems())?;
    let status = ResolutionStatus::after_progress(form.progress);
    let note = form.note.trim();
    if !db::report_progress(
        &state.db,
        r.id,
        form.version,
        form.progress,
        status,
        note,
        viewer.id,
        Utc::now(),
    )
    .await?
    {
        return Err(AppError::WrongState);
    }
    record(
        state,
        viewer,
        AuditAction::MeetingKept,
        Target::new("resolution", r.id).in_street(r.street_code.clone()),
        format!(
            "progress {} -> {} ({})",
            r.progress,
            form.progress,
            status.as_str()
        ),
    )
    .await?;
    if status == ResolutionStatus::Done && !reopens {
        let to: Vec<i64> = reviewers_of(state, &r.community_code)
            .await
            .into_iter()
            .filter(|u| *u != viewer.id)
            .collect();
        notify(
            state,
            &to,
            NoticeKind::Meeting,
            r.meeting_id,
            "resolution_done",
            &short(&r.body),
        )
        .await;
    }
    detail(state, viewer, r.meeting_id).await
}

/// Tells the community and the owner of each open resolution past its due
/// date, once (the store marks each row on its own terms).
pub async fn flag_overdue(state: &AppState, today: NaiveDate) -> Result<usize, AppError> {
    let rows = db::take_new_overdue(&state.db, today, 200).await?;
    for r in &rows {
        let mut to = reviewers_of(state, &r.community_code).await;
        for u in owner_users(state, &r.owner).await {
            if !to.contains(&u) {
                to.push(u);
            }
        }
        notify(
            state,
            &to,
            NoticeKind::Meeting,
            r.meeting_id,
            "resolution_overdue",
            &short(&r.body),
        )
        .await;
    }
    Ok(rows.len())
}

/// The joint meeting that took a case up, for a reader the meeting
/// concerns (the case page says 列入联席会决议 and links to it).
pub async fn meeting_of_case(
    state: &AppState,
    viewer: Option<&Viewer>,
    case: i64,
) -> Result<Option<i64>, AppError> {
    let Some(viewer) = viewer else {
        return Ok(None);
    };
    // The newest the reader is concerned by: an earlier meeting they sat
    // in still says so when a later one did not invite them.
    for id in db::meetings_of_case(&state.db, case).await? {
        match readable(state, viewer, id).await {
            Ok(_) => return Ok(Some(id)),
            Err(AppError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}
