//! 物业联盟: property companies, their compounds and their desks.

use crate::domain::alliance::{AllianceView, CompanyDesk, CompanyForm, NewCompanyStaff};
use crate::domain::error::AppError;
use leptos::prelude::*;

/// Every property company with its compounds (public: never a contact), and
/// where the caller may add one.
#[server(prefix = "/api", endpoint = "alliance")]
pub async fn alliance() -> Result<AllianceView, AppError> {
    use crate::backend::{request, services};
    request::guest(|state, viewer| async move {
        services::alliance::overview(&state, viewer.as_ref()).await
    })
    .await
}

/// A company's desk: its open tasks (overdue first) and figures; for its
/// keepers also its contact, compounds to assign and staff.
#[server(prefix = "/api", endpoint = "company_desk")]
pub async fn desk_of_company(id: i64) -> Result<CompanyDesk, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::alliance::desk(&state, &viewer, id).await
    })
    .await
}

/// Adds a company or edits its record (the street keeping it).
#[server(prefix = "/api", endpoint = "save_company", input = server_fn::codec::Json)]
pub async fn save_company(company: CompanyForm) -> Result<CompanyDesk, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::alliance::save(&state, &viewer, company).await
    })
    .await
}

/// Gives a compound to the company (`manage`) or takes it away.
#[server(prefix = "/api", endpoint = "assign_compound")]
pub async fn assign_compound(
    company: i64,
    compound: i64,
    manage: bool,
) -> Result<CompanyDesk, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::alliance::assign_compound(&state, &viewer, company, compound, manage).await
    })
    .await
}

/// Opens a staff account of the company.
#[server(prefix = "/api", endpoint = "add_company_staff", input = server_fn::codec::Json)]
pub async fn add_company_staff(staff: NewCompanyStaff) -> Result<CompanyDesk, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::alliance::add_staff(&state, &viewer, staff).await
    })
    .await
}
