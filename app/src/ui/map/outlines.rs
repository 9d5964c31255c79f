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
    use super::driver::{get, h, map, obj};
    use js_sys::{Array, Object, Reflect};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = L, js_name = geoJSON)]
        fn l_geo_json(data: &JsValue, options: &JsValue) -> leaflet::Layer;
    }

    let window = web_sys::window().ok_or("no window")?;
    let resp: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| format!("{e:?}"))?
        .dyn_into()
        .map_err(|_| "not a response")?;
    if !resp.ok() {
        return Err(format!("HTTP {}", resp.status()));
    }
    let data = JsFuture::from(resp.json().map_err(|e| format!("{e:?}"))?)
        .await
        .map_err(|e| format!("{e:?}"))?;
    let features: Array = get(&data, &["features"])
        .dyn_into()
        .map_err(|_| "no features")?;
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
