//! Boundaries in and out, and finding places.

use super::auth::Viewer;
use crate::backend::import;
use crate::backend::state::AppState;
use crate::backend::store::geography;
use crate::domain::auth::{permits, Action, Role};
use crate::domain::error::{AppError, Field, InputProblem};
use crate::domain::geography::{
    CoverageKind, CoverageReport, GapWarning, ImportSummary, Level, PosterSheet,
    COVERAGE_TOLERANCE_M2,
};

/// Coverage checks running at once (each is CPU-bound).
static COVERAGE_SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

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
    let (regions, compounds, mut summary) = import::plan_all(text, &existing, &companies)?;
    let atlas = state.atlas();
    let file_grids = regions.clone();
    // Boolean operations over a city's grids take seconds: off the async workers.
    tokio::task::spawn_blocking(move || import::refuse_overlaps(&file_grids, &atlas))
        .await
        .map_err(|e| {
            tracing::error!("overlap check: {e}");
            AppError::Internal
        })??;
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
    // After the commit and the audit line: a failure here must not make a
    // written import look refused.
    summary.gaps = gaps_after(state, &regions).await.unwrap_or_else(|e| {
        tracing::warn!("gap report after import: {e:?}");
        Vec::new()
    });
    Ok(summary)
}

/// The coverage check of an area (a community, a street, a district) or,
/// with `None`, of everything: admins of the area, system admins.
pub async fn coverage(
    state: &AppState,
    viewer: &Viewer,
    area: Option<&str>,
) -> Result<CoverageReport, AppError> {
    let atlas = state.atlas();
    let sysadmin = viewer.grants.iter().any(|g| g.role == Role::SystemAdmin);
    let mut choices = super::assessment::areas(state, viewer);
    if sysadmin {
        choices.insert(0, (String::new(), String::new()));
    }
    // Nothing asked: everything for a system admin, else the caller's first area.
    let area = area
        .map(|a| a.trim().to_ascii_uppercase())
        .filter(|a| !a.is_empty())
        .or_else(|| {
            (!sysadmin)
                .then(|| choices.first().map(|c| c.0.clone()))
                .flatten()
        });
    let place = match &area {
        None => Default::default(),
        Some(code) => atlas.place_of(code).ok_or(AppError::NotFound)?,
    };
    if !permits(&viewer.grants, &Action::CheckCoverage(place)) {
        return Err(AppError::Forbidden);
    }
    // Boolean operations are CPU work on the blocking pool: a few checks at a
    // time, so repeated calls cannot crowd out everything else there.
    let _slot = COVERAGE_SLOTS
        .acquire()
        .await
        .map_err(|_| AppError::Internal)?;
    let mut report = tokio::task::spawn_blocking(move || {
        atlas
            .coverage(area.as_deref(), COVERAGE_TOLERANCE_M2)
            .ok_or(AppError::NotFound)
    })
    .await
    .map_err(|e| {
        tracing::error!("coverage check: {e}");
        AppError::Internal
    })??;
    report.choices = choices;
    Ok(report)
}

/// A grid's 上岗公示 poster: public facts only, its outline among its
/// neighbours, and the QR code of `{base}/report?grid={code}`.
pub async fn poster(state: &AppState, code: &str, base: &str) -> Result<PosterSheet, AppError> {
    let atlas = state.atlas();
    let code = code.trim().to_ascii_uppercase();
    let grid = atlas.grid_public(&code).ok_or(AppError::NotFound)?;
    let report_url = format!("{base}/report?grid={code}");
    let map_svg = crate::backend::poster::map_svg(&atlas.neighbourhood(&code));
    let qr_svg = crate::backend::poster::qr_svg(&report_url).map_err(|e| {
        tracing::error!("poster QR code: {e}");
        AppError::Internal
    })?;
    let services = super::cases::settings(state)
        .await?
        .categories
        .iter()
        .filter(|c| c.parent_id.is_none() && c.active)
        .map(|c| c.name.clone())
        .collect();
    Ok(PosterSheet {
        grid,
        map_svg,
        qr_svg,
        report_url,
        services,
        public_url_configured: true,
    })
}

/// Gaps left in the communities an import touched (its communities and the
/// parents of its grids): reported, not refused.
async fn gaps_after(
    state: &AppState,
    regions: &[geography::NewRegion],
) -> Result<Vec<GapWarning>, AppError> {
    let mut areas: Vec<String> = regions
        .iter()
        .filter_map(|r| match r.level {
            Level::Community => Some(r.code.clone()),
            Level::Grid => r.parent_code.clone(),
            _ => None,
        })
        .collect();
    areas.sort();
    areas.dedup();
    let atlas = state.atlas();
    let report = tokio::task::spawn_blocking(move || {
        areas
            .iter()
            .filter_map(|a| atlas.coverage(Some(a), COVERAGE_TOLERANCE_M2))
            .flat_map(|r| r.findings)
            .filter(|f| f.kind == CoverageKind::Gap && f.area_level == Level::Community)
            .map(|f| GapWarning {
                area: f.area,
                area_name: f.area_name,
                area_m2: f.area_m2,
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|e| {
        tracing::error!("coverage check: {e}");
        AppError::Internal
    })?;
    Ok(report)
}
