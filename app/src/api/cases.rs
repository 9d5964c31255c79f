use crate::domain::case::{
    ActRequest, CaseStatus, CaseSummary, CaseView, NewCase, Queue, QueueCounts, QueueView,
};
use crate::domain::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// An entry of the two-level category catalogue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CategoryOption {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
}

#[server(prefix = "/api", endpoint = "case_categories")]
pub async fn case_categories() -> Result<Vec<CategoryOption>, AppError> {
    use crate::backend::{request, store};
    request::open(|state| async move {
        Ok(store::cases::categories(&state.db)
            .await?
            .into_iter()
            .filter(|c| c.active)
            .map(|c| CategoryOption {
                id: c.id,
                parent_id: c.parent_id,
                name: c.name,
            })
            .collect())
    })
    .await
}

/// An entry of the catalogue as the admin's editor shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CatalogueEntry {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub active: bool,
}

/// The whole catalogue, retired entries too (system admins).
#[server(prefix = "/api", endpoint = "category_catalogue")]
pub async fn category_catalogue() -> Result<Vec<CatalogueEntry>, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        if !crate::domain::auth::permits(
            &viewer.grants,
            &crate::domain::auth::Action::ManageSettings,
        ) {
            return Err(AppError::Forbidden);
        }
        Ok(services::cases::catalogue(&state)
            .await?
            .into_iter()
            .map(|c| CatalogueEntry {
                id: c.id,
                parent_id: c.parent_id,
                name: c.name,
                active: c.active,
            })
            .collect())
    })
    .await
}

#[server(prefix = "/api", endpoint = "add_category")]
pub async fn add_category(
    #[server(default)] parent_id: Option<i64>,
    name: String,
) -> Result<i64, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::cases::add_category(&state, &viewer, parent_id, &name).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "edit_category")]
pub async fn edit_category(
    id: i64,
    #[server(default)] name: Option<String>,
    #[server(default)] active: Option<bool>,
) -> Result<(), AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::cases::edit_category(&state, &viewer, id, name, active).await
    })
    .await
}

/// A resident reports a problem (or staff file a patrol or hotline case).
#[server(prefix = "/api", endpoint = "report_case", input = server_fn::codec::Json)]
pub async fn report_case(case: NewCase) -> Result<CaseView, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::cases::report(&state, &viewer, case).await
    })
    .await
}

/// One case, with the actions the caller may take.
#[server(prefix = "/api", endpoint = "case_detail")]
pub async fn case_detail(id: i64) -> Result<CaseView, AppError> {
    use crate::backend::{request, services};
    // Board cases are open to everyone, signed in or not.
    request::guest(|state, viewer| async move {
        services::cases::get(&state, viewer.as_ref(), id).await
    })
    .await
}

/// One step of the closed loop.
#[server(prefix = "/api", endpoint = "act_on_case", input = server_fn::codec::Json)]
pub async fn act_on_case(request: ActRequest) -> Result<CaseView, AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(
        |state, viewer| async move { services::cases::act(&state, &viewer, request).await },
    )
    .await
}

/// 吹哨报到 after the call: a department accepts, sends back or reports its
/// part; the street closes the whistle out with a rating for each department.
#[server(prefix = "/api", endpoint = "whistle_step", input = server_fn::codec::Json)]
pub async fn whistle_step(
    request: crate::domain::whistle::StepRequest,
) -> Result<CaseView, AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(|state, viewer| async move {
        services::whistles::step(&state, &viewer, request).await
    })
    .await
}

/// Gives an open grid case to another of the grid's staff (its leader and the
/// admins above; `policy::may_assign`). `version` is the one the page showed.
#[server(prefix = "/api", endpoint = "assign_case")]
pub async fn assign_case(id: i64, owner: i64, version: i64) -> Result<CaseView, AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(|state, viewer| async move {
        services::owners::assign(&state, &viewer, id, owner, version).await
    })
    .await
}

/// 催办: the reporter of an overdue case tells its owner and their supervisor
/// (once a day).
#[server(prefix = "/api", endpoint = "urge_case")]
pub async fn urge_case(id: i64) -> Result<CaseView, AppError> {
    use crate::backend::{request as req, services};
    req::signed_in(|state, viewer| async move { services::urge::urge(&state, &viewer, id).await })
        .await
}

/// A page of a queue: `view` picks the deadline tab (soonest first) or all
/// cases (newest first); pass the last id seen as `after` (and, on a deadline
/// tab, its deadline as `after_due`).
#[server(prefix = "/api", endpoint = "case_queue", input = server_fn::codec::Json)]
pub async fn case_queue(
    queue: Queue,
    statuses: Vec<CaseStatus>,
    after: Option<i64>,
    /// A category, or a top-level group with all its items.
    #[server(default)]
    category_id: Option<i64>,
    /// One grid of the queue's place.
    #[server(default)]
    grid: Option<String>,
    #[server(default)] view: QueueView,
    #[server(default)] after_due: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<Vec<CaseSummary>, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        let ask = services::cases::QueueAsk {
            statuses,
            view,
            category_id,
            grid,
            after_due,
        };
        services::cases::list(&state, &viewer, queue, &ask, after).await
    })
    .await
}

/// How many cases each deadline tab of a queue holds (with the same
/// category and grid filters as the list).
#[server(prefix = "/api", endpoint = "case_queue_counts", input = server_fn::codec::Json)]
pub async fn case_queue_counts(
    queue: Queue,
    #[server(default)] category_id: Option<i64>,
    #[server(default)] grid: Option<String>,
) -> Result<QueueCounts, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::cases::queue_counts(&state, &viewer, queue, category_id, grid).await
    })
    .await
}

/// Open cases of this category within ~50 m (last 30 days), before reporting.
#[server(prefix = "/api", endpoint = "nearby_cases")]
pub async fn nearby_cases(
    category_id: i64,
    lat: f64,
    lng: f64,
) -> Result<Vec<CaseSummary>, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, _viewer| async move {
        services::cases::nearby(&state, category_id, lat, lng).await
    })
    .await
}

/// "Me too": follow an open case instead of reporting it again.
#[server(prefix = "/api", endpoint = "follow_case")]
pub async fn follow_case(id: i64) -> Result<(), AppError> {
    use crate::backend::{request, services};
    request::signed_in(
        |state, viewer| async move { services::cases::follow(&state, &viewer, id).await },
    )
    .await
}

/// The public board (公开栏), anonymised; open to everyone.
#[server(prefix = "/api", endpoint = "public_board")]
pub async fn public_board(
    #[server(default)] status: Option<crate::domain::case::CaseStatus>,
    #[server(default)] community: Option<String>,
    #[server(default)] after: Option<i64>,
) -> Result<Vec<crate::domain::case::BoardItem>, AppError> {
    use crate::backend::{request, services, store};
    request::open(|state| async move {
        let filter = store::cases::Filter {
            statuses: status.into_iter().collect(),
            community: community.filter(|c| !c.is_empty()),
            ..Default::default()
        };
        services::cases::board(&state, filter, after, crate::domain::PAGE).await
    })
    .await
}

/// Time limits and the working-day calendar, for the settings page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeadlineConfig {
    pub limits: crate::domain::deadline::TimeLimits,
    pub days: Vec<crate::domain::deadline::SpecialDay>,
}

#[server(prefix = "/api", endpoint = "deadline_settings")]
pub async fn deadline_settings() -> Result<DeadlineConfig, AppError> {
    use crate::backend::{request, services, store};
    request::signed_in(|state, _viewer| async move {
        Ok(DeadlineConfig {
            limits: services::cases::time_limits(&state).await?,
            days: store::cases::special_days(&state.db).await?,
        })
    })
    .await
}

#[server(prefix = "/api", endpoint = "set_time_limits", input = server_fn::codec::Json)]
pub async fn set_time_limits(limits: crate::domain::deadline::TimeLimits) -> Result<(), AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::cases::set_time_limits(&state, &viewer, limits).await
    })
    .await
}

/// `kind`: `holiday`, `workday` (调休) or `normal` (clears the day).
#[server(prefix = "/api", endpoint = "set_calendar_day")]
pub async fn set_calendar_day(
    day: String,
    kind: String,
    #[server(default)] name: String,
) -> Result<(), AppError> {
    use crate::backend::{request, services};
    use crate::domain::error::{Field, InputProblem};
    request::signed_in(|state, viewer| async move {
        let date = chrono::NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d")
            .map_err(|_| AppError::invalid(Field::Query, InputProblem::Unknown))?;
        let workday = match kind.as_str() {
            "holiday" => Some(false),
            "workday" => Some(true),
            "normal" => None,
            _ => return Err(AppError::invalid(Field::Query, InputProblem::Unknown)),
        };
        services::cases::set_calendar_day(&state, &viewer, date, workday, &name).await
    })
    .await
}

/// The case layer of the map (open cases the caller may see).
#[server(prefix = "/api", endpoint = "map_cases")]
pub async fn map_cases() -> Result<Vec<crate::domain::case::CasePoint>, AppError> {
    use crate::backend::{request, services};
    request::guest(|state, viewer| async move {
        services::cases::map_points(&state, viewer.as_ref()).await
    })
    .await
}
