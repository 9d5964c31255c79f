//! Boundaries in and out, and finding places.

use super::auth::Viewer;
use crate::backend::import;
use crate::backend::state::AppState;
use crate::backend::store::geography;
use crate::domain::auth::{permits, Action};
use crate::domain::error::{AppError, Field, InputProblem};
use crate::domain::geography::ImportSummary;

/// Largest GeoJSON file accepted (a city of 15,000 grids is ~15 MB).
pub const MAX_IMPORT_BYTES: usize = 32 * 1024 * 1024;

/// Imports a FeatureCollection of boundaries: all or nothing; the spatial
/// index is rebuilt afterwards. Used by the CLI (`viewer = None`) and by admins.
#[tracing::instrument(skip_all)]
pub async fn import_geojson(
    state: &AppState,
    viewer: Option<&Viewer>,
    text: &str,
) -> Result<ImportSummary, AppError> {
    if let Some(v) = viewer {
        if !permits(&v.grants, &Action::ImportGeography) {
            return Err(AppError::Forbidden);
        }
    }
    if text.len() > MAX_IMPORT_BYTES {
        return Err(AppError::invalid(Field::File, InputProblem::TooLarge));
    }
    let existing = geography::region_levels(&state.db).await?;
    let companies = geography::company_codes(&state.db)
        .await?
        .into_iter()
        .collect();
    let (regions, compounds, summary) = import::plan_all(text, &existing, &companies)?;
    geography::upsert_geography(&state.db, &regions, &compounds).await?;
    state.refresh_atlas().await?;
    if let Some(v) = viewer {
        super::audit::record(
            state,
            v,
            crate::domain::audit::AuditAction::GeographyImported,
            super::audit::Target::new("geography", regions.len() + compounds.len()),
            format!("{summary:?}; compounds {}", compounds.len()),
        )
        .await?;
    }
    Ok(summary)
}
