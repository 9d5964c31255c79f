//! The Leaflet map, driven from Rust through the `leaflet` crate (plus the
//! few Leaflet calls it does not bind). Browser only: on the server every
//! function is a no-op, because Leaflet must never run during SSR.

/// Leaflet's files (vendored under `public/leaflet`).
pub const LEAFLET_JS: &str = "/leaflet/leaflet.js";
pub const LEAFLET_CSS: &str = "/leaflet/leaflet.css";

/// An area drawn over the grids: its rings of `[lat, lng]`, a colour, a class name.
pub type Shape = (Vec<Vec<[f64; 2]>>, &'static str, &'static str);

/// Pages whose HTML carries Leaflet in its head: those that show a map as soon
/// as they open. Any other page gets it when a map mounts ([`leaflet`]).
pub fn shows_map(path: &str) -> bool {
    matches!(path.trim_end_matches('/'), "" | "/report")
}

#[cfg(feature = "hydrate")]
mod imp {
    use js_sys::{Array, Object, Reflect, JSON};
    use std::cell::RefCell;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = L, js_name = map)]
        fn l_map(id: &str, options: &JsValue) -> leaflet::Map;
        #[wasm_bindgen(js_namespace = L, js_name = geoJSON)]
        fn l_geo_json(data: &JsValue, options: &JsValue) -> leaflet::GeoJson;
        #[wasm_bindgen(js_namespace = L, js_name = tileLayer)]
        fn l_tile_layer(url: &str, options: &JsValue) -> leaflet::Layer;
        #[wasm_bindgen(js_namespace = L, js_name = layerGroup)]
        pub(crate) fn l_layer_group() -> leaflet::Layer;
        #[wasm_bindgen(js_namespace = L, js_name = marker)]
        pub(crate) fn l_marker(at: &leaflet::LatLng, options: &JsValue) -> leaflet::Layer;
        #[wasm_bindgen(js_namespace = L, js_name = divIcon)]
        pub(crate) fn l_div_icon(options: &JsValue) -> JsValue;
        #[wasm_bindgen(js_namespace = L, js_name = circleMarker)]
        pub(crate) fn l_circle_marker(at: &leaflet::LatLng, options: &JsValue) -> leaflet::Layer;
        #[wasm_bindgen(js_namespace = L, js_name = polygon)]
        pub(crate) fn l_polygon(latlngs: &JsValue, options: &JsValue) -> leaflet::Layer;
        #[wasm_bindgen(js_namespace = L, js_name = polyline)]
        pub(crate) fn l_polyline(latlngs: &JsValue, options: &JsValue) -> leaflet::Layer;

    }

    #[wasm_bindgen(module = "/src/ui/map/leaflet.js")]
    extern "C" {
        #[wasm_bindgen(js_name = ensureLeaflet)]
        fn ensure_leaflet(js: &str, css: &str) -> js_sys::Promise;
    }

    /// Waits for Leaflet, loading it if this page's HTML did not carry it.
    /// False when it could not be loaded (offline without a cached copy).
    pub async fn leaflet() -> bool {
        JsFuture::from(ensure_leaflet(super::LEAFLET_JS, super::LEAFLET_CSS))
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
    }

    #[wasm_bindgen]
    extern "C" {
        /// Any Leaflet object, for the methods the `leaflet` crate does not bind.
        pub(crate) type Obj;
        #[wasm_bindgen(method, js_name = on)]
        pub(crate) fn on(this: &Obj, kind: &str, f: &JsValue);
        #[wasm_bindgen(method, js_name = remove)]
        pub(crate) fn remove(this: &Obj);
        #[wasm_bindgen(method, js_name = getBounds)]
        pub(crate) fn get_bounds(this: &Obj) -> leaflet::LatLngBounds;
        #[wasm_bindgen(method, js_name = addLayer)]
        pub(crate) fn add_layer(this: &Obj, layer: &JsValue);
        #[wasm_bindgen(method, js_name = setStyle)]
        pub(crate) fn set_style(this: &Obj, style: &JsValue);
        #[wasm_bindgen(method, js_name = getLatLng)]
        pub(crate) fn get_lat_lng(this: &Obj) -> leaflet::LatLng;
        #[wasm_bindgen(method, js_name = bringToFront)]
        fn bring_to_front(this: &Obj);
    }

    pub(crate) fn h(v: &impl AsRef<JsValue>) -> &Obj {
        v.as_ref().unchecked_ref()
    }

    struct Live {
        map: leaflet::Map,
        grids: Option<leaflet::GeoJson>,
        labels: Option<leaflet::Layer>,
        labels_shown: bool,
        picked: Option<JsValue>,
        me: Option<leaflet::Layer>,
        on_pick: Option<Box<dyn Fn(String)>>,
    }

    thread_local! {
        static LIVE: RefCell<Option<Live>> = const { RefCell::new(None) };
    }

    /// Labels (grid codes) appear from this zoom on, so a city-wide view stays light.
    const LABEL_ZOOM: f64 = 14.5;

    pub(crate) fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
        let o = Object::new();
        for (k, v) in pairs {
            let _ = Reflect::set(&o, &JsValue::from_str(k), v);
        }
        o.into()
    }

    pub(crate) fn get(v: &JsValue, path: &[&str]) -> JsValue {
        path.iter().fold(v.clone(), |cur, k| {
            Reflect::get(&cur, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
        })
    }

    /// Colours by kind; the class names let tests and styles find one grid.
    fn style_for(kind: &str, code: &str) -> JsValue {
        let (color, fill) = if kind == "dedicated" {
            ("#b45309", "#f59e0b")
        } else {
            ("#1d4ed8", "#60a5fa")
        };
        obj(&[
            ("color", color.into()),
            ("weight", 1.2.into()),
            ("fillColor", fill.into()),
            ("fillOpacity", 0.28.into()),
            (
                "className",
                format!("grid-poly grid-{kind} gc-{code}").into(),
            ),
        ])
    }

    /// Mounts the map in the element `id`; false when the element is gone (the
    /// page was left while Leaflet loaded) or Leaflet is missing.
    pub fn mount(
        id: &str,
        tile: Option<(String, Option<String>)>,
        on_pick: impl Fn(String) + 'static,
    ) -> bool {
        unmount();
        let present = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .is_some();
        if !present || js_sys::Reflect::has(&js_sys::global(), &"L".into()) != Ok(true) {
            return false;
        }
        let map = l_map(
            id,
            &obj(&[
                ("zoomControl", true.into()),
                ("zoomSnap", 0.25.into()),
                // Removing a map mid zoom-animation throws in Leaflet 1.9 (`_leaflet_pos`).
                ("zoomAnimation", false.into()),
                ("attributionControl", tile.is_some().into()),
            ]),
        );
        map.set_view(&leaflet::LatLng::new(36.65, 117.03), 14.0);
        if let Some((url, attribution)) = tile {
            let opts = obj(&[
                ("maxZoom", 19.into()),
                ("attribution", attribution.unwrap_or_default().into()),
            ]);
            l_tile_layer(&url, &opts).add_to(&map);
        }
        let zoomend = Closure::<dyn Fn()>::new(sync_labels).into_js_value();
        h(&map).on("zoomend", &zoomend);
        LIVE.with(|l| {
            *l.borrow_mut() = Some(Live {
                map,
                grids: None,
                labels: None,
                labels_shown: false,
                picked: None,
                me: None,
                on_pick: Some(Box::new(on_pick)),
            })
        });
        true
    }

    /// A handle on the live map, so calls on it run with LIVE released.
    pub(crate) fn map() -> Option<leaflet::Map> {
        LIVE.with(|l| l.borrow().as_ref().map(|live| live.map.clone()))
    }

    /// Waits (up to ~5 s) until the map is mounted, for layers asked for
    /// before it exists (`/?layer=wishes`).
    pub async fn ready() -> bool {
        for _ in 0..50 {
            if map().is_some() {
                return true;
            }
            gloo_timers::future::TimeoutFuture::new(100).await;
        }
        false
    }

    pub fn unmount() {
        LIVE.with(|l| {
            if let Some(live) = l.borrow_mut().take() {
                h(&live.map).remove();
            }
        });
    }

    fn sync_labels() {
        LIVE.with(|l| {
            let mut guard = l.borrow_mut();
            let Some(live) = guard.as_mut() else { return };
            let want = live.map.get_zoom() >= LABEL_ZOOM;
            if want == live.labels_shown {
                return;
            }
            if let Some(labels) = &live.labels {
                if want {
                    labels.add_to(&live.map);
                } else {
                    labels.remove();
                }
                live.labels_shown = want;
            }
        });
    }

    fn pick(event: JsValue) {
        let layer = get(&event, &["layer"]);
        let props = get(&layer, &["feature", "properties"]);
        let Ok(json) = JSON::stringify(&props) else {
            return;
        };
        let json: String = json.into();
        LIVE.with(|l| {
            let mut guard = l.borrow_mut();
            let Some(live) = guard.as_mut() else { return };
            if let (Some(prev), Some(grids)) = (live.picked.take(), &live.grids) {
                grids.reset_style(prev.dyn_ref::<leaflet::Layer>());
            }
            h(&layer).set_style(&obj(&[
                ("weight", 3.into()),
                ("color", "#c8161d".into()),
                ("fillOpacity", 0.45.into()),
            ]));
            h(&layer).bring_to_front();
            live.picked = Some(layer);
            if let Some(cb) = &live.on_pick {
                cb(json);
            }
        });
    }

    /// Fetches a GeoJSON layer: the collection and its features.
    pub(crate) async fn fetch_features(url: &str) -> Result<(JsValue, Array), String> {
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
        Ok((data, features))
    }

    /// Fetches the public grid layer and draws it; returns how many grids.
    pub async fn load_grids(url: &str) -> Result<usize, String> {
        let (data, features) = fetch_features(url).await?;
        let count = features.length() as usize;
        let style = Closure::<dyn Fn(JsValue) -> JsValue>::new(|f: JsValue| {
            let prop = |k| get(&f, &["properties", k]).as_string().unwrap_or_default();
            style_for(&prop("kind"), &prop("code"))
        })
        .into_js_value();
        let grids = l_geo_json(&data, &obj(&[("style", style)]));
        let labels = l_layer_group();
        for f in features.iter() {
            let label = get(&f, &["properties", "label"]);
            let code = get(&f, &["properties", "code"])
                .as_string()
                .unwrap_or_default();
            // The last part of the code (e.g. `06`, `Z1`) fits inside a grid;
            // the card shows the whole code.
            let code = code.rsplit('-').next().unwrap_or_default().to_string();
            if let (Some(lat), Some(lng)) =
                (get(&label, &["0"]).as_f64(), get(&label, &["1"]).as_f64())
            {
                let icon = l_div_icon(&obj(&[
                    ("className", "grid-label".into()),
                    ("html", code.into()),
                    ("iconSize", JsValue::NULL),
                ]));
                h(&labels).add_layer(&l_marker(
                    &leaflet::LatLng::new(lat, lng),
                    &obj(&[("icon", icon), ("interactive", false.into())]),
                ));
            }
        }
        let click = Closure::<dyn Fn(JsValue)>::new(pick).into_js_value();
        h(&grids).on("click", &click);
        let bounds = h(&grids).get_bounds();
        LIVE.with(|l| {
            let mut guard = l.borrow_mut();
            let live = guard.as_mut().ok_or("map gone")?;
            grids.add_to(&live.map);
            live.grids = Some(grids);
            live.labels = Some(labels);
            live.labels_shown = false;
            Ok::<(), String>(())
        })?;
        // Map calls fire `zoomend` at once, whose handler borrows LIVE: never
        // call them while LIVE is borrowed.
        if let (Some(map), true) = (map(), count > 0) {
            map.fit_bounds(&bounds);
        }
        sync_labels();
        // For the map-drawing benchmark and Lighthouse's user timings
        // (`gridlink:map-ready`, docs/performance.md).
        if let (Some(body), Some(perf)) = (
            web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.body()),
            web_sys::window().and_then(|w| w.performance()),
        ) {
            let _ = body.set_attribute("data-grids-drawn-at", &format!("{:.1}", perf.now()));
            let _ = perf.mark("gridlink:map-ready");
        }
        Ok(count)
    }

    /// Takes the grid layer and its labels off the map (before drawing a
    /// fresh copy of the layer, after an edit).
    pub fn drop_grids() {
        let old = LIVE.with(|l| {
            let mut guard = l.borrow_mut();
            let live = guard.as_mut()?;
            live.picked = None;
            live.labels_shown = false;
            Some((live.grids.take(), live.labels.take()))
        });
        if let Some((grids, labels)) = old {
            grids.into_iter().for_each(|g| h(&g).remove());
            labels.into_iter().for_each(|g| h(&g).remove());
        }
    }

    /// Shows a [south, west, north, east] box.
    pub fn fit(bbox: [f64; 4]) {
        if let Some(map) = map() {
            map.fit_bounds(&leaflet::LatLngBounds::new(
                &leaflet::LatLng::new(bbox[0], bbox[1]),
                &leaflet::LatLng::new(bbox[2], bbox[3]),
            ));
        }
    }

    /// Marks a position (the user's, or a picked place); `zoom_in` brings
    /// the map close to it.
    pub fn mark_me(lat: f64, lng: f64, zoom_in: bool) {
        let at = leaflet::LatLng::new(lat, lng);
        LIVE.with(|l| {
            if let Some(live) = l.borrow_mut().as_mut() {
                if let Some(old) = live.me.take() {
                    old.remove();
                }
                let dot = l_circle_marker(
                    &at,
                    &obj(&[
                        ("radius", 8.into()),
                        ("color", "#c8161d".into()),
                        ("fillOpacity", 0.9.into()),
                        ("className", "me-dot".into()),
                    ]),
                );
                dot.add_to(&live.map);
                live.me = Some(dot);
            }
        });
        if let (Some(map), true) = (map(), zoom_in) {
            map.set_view(&at, map.get_zoom().max(16.0));
        }
    }

    thread_local! {
        static CASES: RefCell<Option<leaflet::Layer>> = const { RefCell::new(None) };
        static WISHES: RefCell<Option<leaflet::Layer>> = const { RefCell::new(None) };
        static SHAPES: RefCell<Option<leaflet::Layer>> = const { RefCell::new(None) };
    }

    /// Draws outlined areas over the grids (the coverage check's gaps and
    /// overlaps): each shape is its rings of `[lat, lng]`, a colour and a
    /// class name; an empty list clears them. The map moves to show them.
    pub fn show_shapes(shapes: Vec<super::Shape>) {
        SHAPES.with(|c| {
            if let Some(old) = c.borrow_mut().take() {
                old.remove();
            }
        });
        let Some(map) = map() else { return };
        if shapes.is_empty() {
            return;
        }
        let group = l_layer_group();
        let mut bounds: Option<leaflet::LatLngBounds> = None;
        for (rings, colour, class) in shapes {
            let latlngs: Array = rings
                .iter()
                .map(|ring| {
                    ring.iter()
                        .map(|p| Array::of2(&p[0].into(), &p[1].into()))
                        .collect::<Array>()
                })
                .collect();
            let shape = l_polygon(
                &latlngs,
                &obj(&[
                    ("color", colour.into()),
                    ("weight", 3.into()),
                    ("fillColor", colour.into()),
                    ("fillOpacity", 0.55.into()),
                    ("className", class.into()),
                ]),
            );
            let b = h(&shape).get_bounds();
            match &bounds {
                Some(all) => {
                    all.extend_with_bounds(&b);
                }
                None => bounds = Some(b),
            }
            h(&group).add_layer(&shape);
        }
        group.add_to(&map);
        SHAPES.with(|c| *c.borrow_mut() = Some(group));
        if let Some(b) = bounds {
            map.fit_bounds(&b);
        }
    }

    /// Shows (or with an empty list, hides) the case layer: one dot per
    /// case, coloured by status, ringed red when overdue. `points` are
    /// (lat, lng, colour, overdue, popup HTML made only of our own labels).
    pub fn show_cases(points: Vec<(f64, f64, &'static str, bool, String)>) {
        show_dots(&CASES, points, "case-dot", 7);
    }

    /// The wish layer, like the case layer (popups are escaped by the caller).
    pub fn show_wishes(points: Vec<(f64, f64, &'static str, bool, String)>) {
        show_dots(&WISHES, points, "wish-dot", 8);
    }

    fn show_dots(
        slot: &'static std::thread::LocalKey<RefCell<Option<leaflet::Layer>>>,
        points: Vec<(f64, f64, &'static str, bool, String)>,
        class: &'static str,
        radius: i32,
    ) {
        slot.with(|c| {
            if let Some(old) = c.borrow_mut().take() {
                old.remove();
            }
        });
        let Some(map) = map() else { return };
        if points.is_empty() {
            return;
        }
        let group = l_layer_group();
        for (lat, lng, colour, flagged, popup) in points {
            let dot = l_circle_marker(
                &leaflet::LatLng::new(lat, lng),
                &obj(&[
                    ("radius", radius.into()),
                    ("color", if flagged { "#c8161d" } else { "#ffffff" }.into()),
                    ("weight", if flagged { 3 } else { 1 }.into()),
                    ("fillColor", colour.into()),
                    ("fillOpacity", 0.95.into()),
                    (
                        "className",
                        if flagged {
                            format!("{class} overdue")
                        } else {
                            class.to_string()
                        }
                        .into(),
                    ),
                ]),
            );
            dot.bind_popup_with_options(&JsValue::from_str(&popup), &JsValue::UNDEFINED);
            h(&group).add_layer(&dot);
        }
        group.add_to(&map);
        slot.with(|c| *c.borrow_mut() = Some(group));
    }

    /// Calls `f(lat, lng)` when the map itself is tapped (to pick a place).
    pub fn on_tap(f: impl Fn(f64, f64) + 'static) {
        let Some(map) = map() else { return };
        let handler = Closure::<dyn Fn(JsValue)>::new(move |e: JsValue| {
            if let (Some(lat), Some(lng)) = (
                get(&e, &["latlng", "lat"]).as_f64(),
                get(&e, &["latlng", "lng"]).as_f64(),
            ) {
                f(lat, lng);
            }
        })
        .into_js_value();
        h(&map).on("click", &handler);
    }

    /// Asks the browser for the user's position.
    pub fn locate_me(done: impl FnOnce(Result<(f64, f64), String>) + 'static) {
        let done = std::rc::Rc::new(RefCell::new(Some(done)));
        let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
            if let Some(f) = done.borrow_mut().take() {
                f(Err("no geolocation".into()));
            }
            return;
        };
        let ok_done = done.clone();
        let ok = Closure::once_into_js(move |pos: JsValue| {
            let lat = get(&pos, &["coords", "latitude"]).as_f64();
            let lng = get(&pos, &["coords", "longitude"]).as_f64();
            if let Some(f) = ok_done.borrow_mut().take() {
                f(lat.zip(lng).ok_or_else(|| "no coordinates".to_string()));
            }
        });
        let err = Closure::once_into_js(move |e: JsValue| {
            if let Some(f) = done.borrow_mut().take() {
                f(Err(get(&e, &["message"]).as_string().unwrap_or_default()));
            }
        });
        let opts = web_sys::PositionOptions::new();
        opts.set_enable_high_accuracy(true);
        opts.set_timeout(10_000);
        let _ = geo.get_current_position_with_error_callback_and_options(
            ok.unchecked_ref(),
            Some(err.unchecked_ref()),
            &opts,
        );
    }
}

#[cfg(not(feature = "hydrate"))]
mod imp {
    pub fn mount(
        _id: &str,
        _tile: Option<(String, Option<String>)>,
        _on_pick: impl Fn(String) + 'static,
    ) -> bool {
        false
    }
    pub fn unmount() {}
    pub async fn load_grids(_url: &str) -> Result<usize, String> {
        Ok(0)
    }
    pub async fn leaflet() -> bool {
        false
    }
    pub fn fit(_bbox: [f64; 4]) {}
    pub fn mark_me(_lat: f64, _lng: f64, _zoom_in: bool) {}
    pub fn on_tap(_f: impl Fn(f64, f64) + 'static) {}
    pub fn show_cases(_points: Vec<(f64, f64, &'static str, bool, String)>) {}
    pub fn show_wishes(_points: Vec<(f64, f64, &'static str, bool, String)>) {}
    pub fn show_shapes(_shapes: Vec<super::Shape>) {}
    pub async fn ready() -> bool {
        false
    }
    pub fn locate_me(_done: impl FnOnce(Result<(f64, f64), String>) + 'static) {}
}

pub use imp::*;
