//! The red-property alliance (物业联盟, issue 11): companies' records kept by
//! their street, the compounds each manages, and a company's desk (its open
//! tasks overdue first, its figures, its staff). The rules are
//! `policy::may_keep_company`, `may_see_company_desk` and
//! `may_assign_compound`; the public page never carries a contact.

use super::audit::{record, Target};
use super::auth::Viewer;
use super::first_problem;
use super::staff::open_account;
use crate::backend::state::AppState;
use crate::backend::store::alliance::{self as db, CompanyRow};
use crate::backend::store::{accounts, geography};
use crate::domain::alliance::{
    order_tasks, AllianceView, CompanyDesk, CompanyForm, CompanyLine, CompoundLine,
    NewCompanyStaff, StaffLine, TaskLine, MAX_TASKS,
};
use crate::domain::audit::AuditAction;
use crate::domain::auth::{Grant, Place, Role, Scope};
use crate::domain::error::{AppError, Field, InputProblem};
use crate::domain::person::mask_phone;
use crate::domain::policy;
use chrono::Utc;

/// The compounds of the district with where each lies, by company.
struct Compounds {
    all: Vec<(geography::CompoundRow, Option<Place>, String)>,
}

impl Compounds {
    async fn load(state: &AppState) -> Result<Compounds, AppError> {
        let atlas = state.atlas();
        let all = geography::compounds(&state.db)
            .await?
            .into_iter()
            .map(|c| {
                let code = atlas.code_of_id(c.grid_id).unwrap_or_default();
                let place = atlas.place_of(&code);
                (c, place, code)
            })
            .collect();
        Ok(Compounds { all })
    }

    fn names_of(&self, company: i64) -> Vec<String> {
        self.all
            .iter()
            .filter(|(c, _, _)| c.company_id == Some(company))
            .map(|(c, _, _)| c.name.clone())
            .collect()
    }

    fn lines(
        &self,
        state: &AppState,
        keep: impl Fn(&geography::CompoundRow, Option<&Place>) -> bool,
    ) -> Vec<CompoundLine> {
        let atlas = state.atlas();
        self.all
            .iter()
            .filter(|(c, p, _)| keep(c, p.as_ref()))
            .map(|(c, _, code)| CompoundLine {
                id: c.id,
                name: c.name.clone(),
                grid_code: code.clone(),
                grid_name: atlas.name_of(code).unwrap_or_default().to_string(),
                company: c.company.clone(),
            })
            .collect()
    }
}

fn line(state: &AppState, c: &CompanyRow, compounds: &Compounds) -> CompanyLine {
    CompanyLine {
        id: c.id,
        name: c.name.clone(),
        alliance: c.alliance,
        party_org: c.party_org.clone(),
        street: c
            .street_code
            .as_deref()
            .and_then(|s| state.atlas().name_of(s).map(str::to_string)),
        compounds: compounds.names_of(c.id),
    }
}

/// The alliance page: every company (alliance members first) with its
/// compounds; the streets where the caller may add one.
pub async fn overview(state: &AppState, viewer: Option<&Viewer>) -> Result<AllianceView, AppError> {
    let compounds = Compounds::load(state).await?;
    let companies = db::companies(&state.db)
        .await?
        .iter()
        .map(|c| line(state, c, &compounds))
        .collect();
    let grants: &[Grant] = viewer.map(|v| v.grants.as_slice()).unwrap_or(&[]);
    Ok(AllianceView {
        companies,
        streets: keeper_streets(state, grants),
        own: policy::company_of(grants),
    })
}

/// The streets where these grants keep company records (code, name).
fn keeper_streets(state: &AppState, grants: &[Grant]) -> Vec<(String, String)> {
    let atlas = state.atlas();
    let codes = match policy::company_streets(grants) {
        None => atlas.streets(),
        Some(s) => s,
    };
    codes
        .into_iter()
        .filter_map(|c| atlas.name_of(&c).map(|n| (c.clone(), n.to_string())))
        .collect()
}

async fn company_or_404(state: &AppState, id: i64) -> Result<CompanyRow, AppError> {
    db::company(&state.db, id).await?.ok_or(AppError::NotFound)
}

/// A company's desk, for its own staff and its keepers; anyone else is
/// told it does not exist.
pub async fn desk(state: &AppState, viewer: &Viewer, id: i64) -> Result<CompanyDesk, AppError> {
    let company = company_or_404(state, id).await?;
    if !policy::may_see_company_desk(&viewer.grants, id, company.street_code.as_deref()) {
        return Err(AppError::NotFound);
    }
    let may_keep = policy::may_keep_company(&viewer.grants, company.street_code.as_deref());
    let compounds = Compounds::load(state).await?;
    let own = compounds.lines(state, |c, _| c.company_id == Some(id));
    let assignable = if may_keep {
        compounds.lines(state, |c, place| {
            c.company_id != Some(id)
                && place.is_some_and(|p| policy::may_assign_compound(&viewer.grants, p))
        })
    } else {
        Vec::new()
    };
    let staff = if may_keep {
        staff_of(state, id).await?
    } else {
        Vec::new()
    };
    let now = Utc::now();
    let figures = db::figures(&state.db, id, now).await?;
    let atlas = state.atlas();
    let mut tasks: Vec<TaskLine> = db::open_tasks(&state.db, id, MAX_TASKS)
        .await?
        .into_iter()
        .filter(|t| {
            let place = t.grid_code.as_deref().and_then(|g| atlas.place_of(g));
            policy::may_see_company_task(&viewer.grants, id, place.as_ref())
        })
        .map(|t| TaskLine {
            case_id: t.case_id,
            category: t.category,
            status: t.status,
            summary: t.description.chars().take(40).collect(),
            overdue: t.due_at.is_some_and(|d| d < now),
            due_at: t.due_at,
            grid_code: t.grid_code,
        })
        .collect();
    drop(atlas);
    order_tasks(&mut tasks);
    let streets = if may_keep {
        keeper_streets(state, &viewer.grants)
    } else {
        Vec::new()
    };
    Ok(CompanyDesk {
        company: line(state, &company, &compounds),
        street_code: company.street_code,
        contact_name: company.contact_name,
        contact_phone: company.contact_phone,
        may_keep,
        compounds: own,
        assignable,
        streets,
        staff,
        figures,
        tasks,
    })
}

async fn staff_of(state: &AppState, company: i64) -> Result<Vec<StaffLine>, AppError> {
    Ok(accounts::users_scoped_to(&state.db, &[company.to_string()])
        .await?
        .into_iter()
        .filter(|(u, g)| {
            g.role == Role::PropertyCompany && g.scope == Scope::Company(company) && !u.disabled
        })
        .map(|(u, _)| StaffLine {
            user_id: u.id,
            name: u.name,
            phone_masked: mask_phone(&u.phone),
        })
        .collect())
}

/// Adds a company or edits one's record. A street admin adds companies in
/// their own street and edits those their street keeps; moving a record
/// to another street needs the right to keep it there too.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn save(
    state: &AppState,
    viewer: &Viewer,
    mut form: CompanyForm,
) -> Result<CompanyDesk, AppError> {
    form.street_code = form.street_code.trim().to_string();
    let mut before = None;
    if let Some(id) = form.id {
        let company = company_or_404(state, id).await?;
        if !policy::may_keep_company(&viewer.grants, company.street_code.as_deref()) {
            return Err(if policy::works_for_company(&viewer.grants, id) {
                AppError::Forbidden
            } else {
                AppError::NotFound
            });
        }
        before = Some(company);
    } else if policy::company_streets(&viewer.grants).is_some_and(|s| s.is_empty()) {
        return Err(AppError::Forbidden);
    }
    first_problem(form.problems())?;
    if state
        .atlas()
        .place_of(&form.street_code)
        .and_then(|p| p.street)
        != Some(form.street_code.clone())
    {
        return Err(AppError::invalid(Field::Street, InputProblem::Unknown));
    }
    if !policy::may_keep_company(&viewer.grants, Some(&form.street_code)) {
        return Err(AppError::Forbidden);
    }
    let id = db::save_company(&state.db, &form)
        .await?
        .ok_or(AppError::invalid(Field::Name, InputProblem::Taken))?;
    let detail = match &before {
        None => "added".to_string(),
        Some(b) => format!("edited: {}", changed_fields(b, &form).join(", ")),
    };
    record(
        state,
        viewer,
        AuditAction::CompanyKept,
        Target::new("company", id).in_street(Some(form.street_code.clone())),
        &detail,
    )
    .await?;
    // A record handed to another street leaves a line in the old one too.
    if let Some(old) = before
        .and_then(|b| b.street_code)
        .filter(|s| *s != form.street_code)
    {
        record(
            state,
            viewer,
            AuditAction::CompanyKept,
            Target::new("company", id).in_street(Some(old)),
            format!("moved to {}", form.street_code),
        )
        .await?;
    }
    desk(state, viewer, id).await
}

/// The names of the fields an edit changes (the audit line says which,
/// never the values: a contact's phone is personal data).
fn changed_fields(before: &CompanyRow, after: &CompanyForm) -> Vec<&'static str> {
    let text = |o: &Option<String>| o.clone().unwrap_or_default();
    [
        ("name", before.name != after.name.trim()),
        ("alliance", before.alliance != after.alliance),
        (
            "party_org",
            text(&before.party_org) != after.party_org.trim(),
        ),
        (
            "contact_name",
            text(&before.contact_name) != after.contact_name.trim(),
        ),
        (
            "contact_phone",
            text(&before.contact_phone) != after.contact_phone.trim(),
        ),
        ("street", text(&before.street_code) != after.street_code),
    ]
    .into_iter()
    .filter_map(|(f, changed)| changed.then_some(f))
    .collect()
}

/// Gives a compound to the company whose desk this is (`manage`), or takes
/// it away. Decided by the admins of the street where the compound lies.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn assign_compound(
    state: &AppState,
    viewer: &Viewer,
    company: i64,
    compound: i64,
    manage: bool,
) -> Result<CompanyDesk, AppError> {
    let target = company_or_404(state, company).await?;
    if !policy::may_see_company_desk(&viewer.grants, company, target.street_code.as_deref()) {
        return Err(AppError::NotFound);
    }
    // Only street and system admins give compounds; anyone else learns
    // nothing about which compound ids exist.
    if policy::company_streets(&viewer.grants).is_some_and(|s| s.is_empty()) {
        return Err(AppError::Forbidden);
    }
    let row = db::compound(&state.db, compound)
        .await?
        .ok_or(AppError::invalid(Field::Compound, InputProblem::Unknown))?;
    let atlas = state.atlas();
    let code = atlas.code_of_id(row.grid_id).unwrap_or_default();
    let place = atlas.place_of(&code).unwrap_or_default();
    drop(atlas);
    if !policy::may_assign_compound(&viewer.grants, &place) {
        return Err(AppError::Forbidden);
    }
    let to = if manage {
        Some(company)
    } else if row.company_id == Some(company) {
        None
    } else {
        // Not this company's: nothing to take away.
        return desk(state, viewer, company).await;
    };
    if row.company_id != to {
        // Moved only from the company read above: two admins at once do
        // not undo each other unseen.
        if !db::set_compound_company(&state.db, compound, row.company_id, to).await? {
            return Err(AppError::WrongState);
        }
        state.refresh_atlas().await?;
        record(
            state,
            viewer,
            AuditAction::CompanyKept,
            Target::new("compound", compound).in_street(place.street.clone()),
            format!(
                "compound {} company {} -> {}",
                row.name,
                row.company_id.map_or("-".into(), |c| c.to_string()),
                to.map_or("-".into(), |c| c.to_string()),
            ),
        )
        .await?;
    }
    desk(state, viewer, company).await
}

/// Opens a staff account of a company (物业公司账号): its keepers.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn add_staff(
    state: &AppState,
    viewer: &Viewer,
    form: NewCompanyStaff,
) -> Result<CompanyDesk, AppError> {
    let company = company_or_404(state, form.company_id).await?;
    if !policy::may_keep_company(&viewer.grants, company.street_code.as_deref()) {
        return Err(if policy::works_for_company(&viewer.grants, company.id) {
            AppError::Forbidden
        } else {
            AppError::NotFound
        });
    }
    if !form.phone_ok() {
        return Err(AppError::invalid(Field::Phone, InputProblem::NotMobile));
    }
    let grant =
        Grant::new(Role::PropertyCompany, Scope::Company(company.id)).ok_or(AppError::Internal)?;
    open_account(
        state,
        viewer,
        (form.phone.trim(), &form.name, &form.password),
        grant,
        company.street_code.clone(),
    )
    .await?;
    desk(state, viewer, company.id).await
}
