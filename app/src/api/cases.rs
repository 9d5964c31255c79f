use crate::domain::case::{ActRequest, CaseStatus, CaseSummary, CaseView, NewCase, Queue};
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
    use crate::backend::{request, services::internal, store};
    request::respond(async {
        let state = request::state()?;
        Ok(store::cases::categories(&state.db)
            .await
            .map_err(internal)?
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

/// A resident reports a problem (or staff file a patrol or hotline case).
#[server(prefix = "/api", endpoint = "report_case", input = server_fn::codec::Json)]
pub async fn report_case(case: NewCase) -> Result<CaseView, AppError> {
    use crate::backend::{request, services};
    request::respond(async {
        let state = request::state()?;
        let viewer = request::require_viewer(&state).await?;
        services::cases::report(&state, &viewer, case).await
    })
    .await
}

/// One case, with the actions the caller may take.
#[server(prefix = "/api", endpoint = "case_detail")]
pub async fn case_detail(id: i64) -> Result<CaseView, AppError> {
    use crate::backend::{request, services};
    request::respond(async {
        let state = request::state()?;
        let viewer = request::require_viewer(&state).await?;
        services::cases::get(&state, &viewer, id).await
    })
    .await
}

/// One step of the closed loop.
#[server(prefix = "/api", endpoint = "act_on_case", input = server_fn::codec::Json)]
pub async fn act_on_case(request: ActRequest) -> Result<CaseView, AppError> {
    use crate::backend::{request as req, services};
    req::respond(async {
        let state = req::state()?;
        let viewer = req::require_viewer(&state).await?;
        services::cases::act(&state, &viewer, request).await
    })
    .await
}

/// A page of a queue, newest first; pass the last id seen as `after`.
#[server(prefix = "/api", endpoint = "case_queue", input = server_fn::codec::Json)]
pub async fn case_queue(
    queue: Queue,
    statuses: Vec<CaseStatus>,
    #[server(default)] overdue_only: bool,
    after: Option<i64>,
) -> Result<Vec<CaseSummary>, AppError> {
    use crate::backend::{request, services, store};
    request::respond(async {
        let state = request::state()?;
        let viewer = request::require_viewer(&state).await?;
        let filter = store::cases::Filter {
            statuses,
            due_before: overdue_only.then(chrono::Utc::now),
            ..Default::default()
        };
        services::cases::queue(&state, &viewer, queue, filter, after).await
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
    request::respond(async {
        let state = request::state()?;
        request::require_viewer(&state).await?;
        services::cases::nearby(&state, category_id, lat, lng).await
    })
    .await
}

/// "Me too": follow an open case instead of reporting it again.
#[server(prefix = "/api", endpoint = "follow_case")]
pub async fn follow_case(id: i64) -> Result<(), AppError> {
    use crate::backend::{request, services};
    request::respond(async {
        let state = request::state()?;
        let viewer = request::require_viewer(&state).await?;
        services::cases::follow(&state, &viewer, id).await
    })
    .await
}
