//! Street and community outlines on the public map, by zoom level: streets
//! always (a thick line), communities from [`COMMUNITY_ZOOM`] on (dashed),
//! neither taking taps from the grids below. Loaded after the grids, in
//! its own chunk (`MapPage` calls it through a `#[lazy]` function).

/// Community outlines appear from this zoom on; further out they would
/// crowd the street lines.
#[cfg(feature = "hydrate")]
const COMMUNITY_ZOOM: f64 = 13.0;

#[cfg(feature = "hydrate")]
pub async fn draw(url: &str) -> Result<(), String> {
    use super::driver::{fetch_features, get, h, map, obj};
    use js_sys::{Array, Object, Reflect};
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = L, js_name = geoJSON)]
        fn l_geo_json(data: &JsValue, options: &JsValue) -> leaflet::Layer;
    }

    let (_, features) = fetch_features(url).await?;
    let of_level = |level: &str| -> JsValue {
        let picked: Array = features
            .iter()
            .filter(|f| get(f, &["properties", "level"]).as_string().as_deref() == Some(level))
            .collect();
        let fc = Object::new();
        let _ = Reflect::set(&fc, &"type".into(), &"FeatureCollection".into());
        let _ = Reflect::set(&fc, &"features".into(), &picked);
        fc.into()
    };
    let style = |color: &str, weight: f64, dash: Option<&str>, class: &str| {
        obj(&[
            (
                "style",
                obj(&[
                    ("color", color.into()),
                    ("weight", weight.into()),
                    ("fill", false.into()),
                    (
                        "dashArray",
                        dash.map(JsValue::from).unwrap_or(JsValue::NULL),
                    ),
                    ("className", class.into()),
                ]),
            ),
            ("interactive", false.into()),
        ])
    };
    let streets = l_geo_json(
        &of_level("street"),
        &style("#7f1d1d", 3.5, None, "street-outline"),
    );
    let communities = l_geo_json(
        &of_level("community"),
        &style("#9a3412", 2.0, Some("6 4"), "community-outline"),
    );
    let Some(m) = map() else {
        return Ok(());
    };
    streets.add_to(&m);
    let sync = {
        let (m, communities) = (m.clone(), communities.clone());
        move || {
            let shown = m.has_layer(&communities);
            let want = m.get_zoom() >= COMMUNITY_ZOOM;
            if want && !shown {
                communities.add_to(&m);
            } else if !want && shown {
                communities.remove();
            }
        }
    };
    sync();
    let on_zoom = Closure::<dyn Fn()>::new(sync).into_js_value();
    h(&m).on("zoomend", &on_zoom);
    Ok(())
}

#[cfg(not(feature = "hydrate"))]
pub async fn draw(_url: &str) -> Result<(), String> {
    Ok(())
}
