//! District departments: the list for dispatch, and the catalogue system
//! admins keep.

use crate::domain::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Department {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub active: bool,
}

#[cfg(feature = "ssr")]
impl From<crate::backend::store::geography::DepartmentRow> for Department {
    fn from(d: crate::backend::store::geography::DepartmentRow) -> Department {
        Department {
            id: d.id,
            code: d.code,
            name: d.name,
            active: d.active,
        }
    }
}

/// Departments a case can be whistled to (public: names only).
#[server(prefix = "/api", endpoint = "departments")]
pub async fn departments() -> Result<Vec<Department>, AppError> {
    use crate::backend::{request, services};
    request::open(|state| async move {
        Ok(services::departments::active(&state)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    })
    .await
}

/// Every department, retired ones too (system admins).
#[server(prefix = "/api", endpoint = "department_catalogue")]
pub async fn department_catalogue() -> Result<Vec<Department>, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        Ok(services::departments::all(&state, &viewer)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    })
    .await
}

#[server(prefix = "/api", endpoint = "add_department")]
pub async fn add_department(code: String, name: String) -> Result<i64, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::departments::add(&state, &viewer, &code, &name).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "edit_department")]
pub async fn edit_department(
    id: i64,
    #[server(default)] name: Option<String>,
    #[server(default)] active: Option<bool>,
) -> Result<(), AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::departments::edit(&state, &viewer, id, name, active).await
    })
    .await
}
