use crate::domain::error::AppError;
use crate::domain::geography::{CoverageReport, GridPublic, ImportSummary, PlaceHit, PosterSheet};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the map page needs besides the grid layer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapConfig {
    pub tile_url: Option<String>,
    pub tile_attribution: Option<String>,
    pub communities: Vec<PlaceHit>,
    pub grid_count: usize,
}

/// The map page's settings: the atlas is in memory, so the page renders with
/// them at once (`ui::map::initial_settings`).
#[cfg(feature = "ssr")]
pub fn map_config(state: &crate::backend::state::AppState) -> MapConfig {
    let atlas = state.atlas();
    MapConfig {
        tile_url: state.config.tile_url.clone(),
        tile_attribution: state.config.tile_attribution.clone(),
        communities: atlas.communities(),
        grid_count: atlas.grid_count(),
    }
}

#[server(prefix = "/api", endpoint = "map_settings")]
pub async fn map_settings() -> Result<MapConfig, AppError> {
    use crate::backend::request;
    request::open(|state| async move { Ok(map_config(&state)) }).await
}

/// Grids, communities and streets by code or name (at most 20).
#[server(prefix = "/api", endpoint = "search_places")]
pub async fn search_places(query: String) -> Result<Vec<PlaceHit>, AppError> {
    use crate::backend::request;
    use crate::domain::error::{Field, InputProblem};
    request::open(|state| async move {
        if query.chars().count() > 40 {
            return Err(AppError::invalid(Field::Query, InputProblem::TooLong));
        }
        Ok(state.atlas().search(&query, 20))
    })
    .await
}

/// A grid's public page (上岗公示): no private data.
#[server(prefix = "/api", endpoint = "grid_page")]
pub async fn grid_page(code: String) -> Result<GridPublic, AppError> {
    use crate::backend::request;
    request::open(|state| async move {
        let code = code.trim().to_ascii_uppercase();
        state.atlas().grid_public(&code).ok_or(AppError::NotFound)
    })
    .await
}

/// A grid's 上岗公示 poster (public: it is meant to hang in the street).
#[server(prefix = "/api", endpoint = "grid_poster")]
pub async fn grid_poster(code: String) -> Result<PosterSheet, AppError> {
    use crate::backend::{request, services};
    request::open(|state| async move {
        let (base, configured) = request::public_base(&state);
        let mut sheet = services::geography::poster(&state, &code, &base).await?;
        sheet.public_url_configured = configured;
        Ok(sheet)
    })
    .await
}

/// An admin imports boundaries from a GeoJSON FeatureCollection.
#[server(prefix = "/api", endpoint = "import_geography", input = server_fn::codec::Json)]
pub async fn import_geography(geojson: String) -> Result<ImportSummary, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::geography::import_geojson(&state, Some(&viewer), &geojson).await
    })
    .await
}

/// Gaps and overlaps of an area's grids (admins of the area; `None`: the
/// whole geography, system admins).
#[server(prefix = "/api", endpoint = "check_coverage")]
pub async fn check_coverage(area: Option<String>) -> Result<CoverageReport, AppError> {
    use crate::backend::{request, services};
    request::signed_in(|state, viewer| async move {
        services::geography::coverage(&state, &viewer, area.as_deref()).await
    })
    .await
}

/// Which grid holds a point: for "locate me".
#[server(prefix = "/api", endpoint = "locate_point")]
pub async fn locate_point(
    lat: f64,
    lng: f64,
) -> Result<Option<crate::domain::geography::LocatedGrid>, AppError> {
    use crate::backend::request;
    use crate::domain::error::{Field, InputProblem};
    use crate::domain::geography::valid_lat_lng;
    request::open(|state| async move {
        if !valid_lat_lng(lat, lng) {
            return Err(AppError::invalid(
                Field::Coordinates,
                InputProblem::OutOfRange,
            ));
        }
        Ok(state.atlas().locate(lat, lng).cloned())
    })
    .await
}
