//! axum's path and query extractors, refusing in the REST error shape (a
//! JSON `ErrorBody`) instead of axum's plain-text rejections.

use app::domain::error::{AppError, Field, InputProblem};
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// Path parameters; a path that does not parse (`/api/v1/photos/abc`)
/// names nothing: `not_found`.
pub struct ApiPath<T>(pub T);

/// Query parameters; ones that do not parse are `invalid_input` (`query`).
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(t)) => Ok(ApiPath(t)),
            Err(_) => Err(AppError::NotFound),
        }
    }
}

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(t)) => Ok(ApiQuery(t)),
            Err(_) => Err(AppError::invalid(Field::Query, InputProblem::Unknown)),
        }
    }
}
