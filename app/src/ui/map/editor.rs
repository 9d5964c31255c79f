//! Drawing and editing outlines on the live map, for the boundary editor
//! only (its chunk): draggable vertices with midpoint handles that add one,
//! a path of tapped points, and a fresh copy of the grid layer after a save.
//! Browser only; on the server every function is a no-op.

/// Rings of `[lat, lng]` points per part, outer ring first (not closed).
pub type Parts = Vec<Vec<Vec<[f64; 2]>>>;

#[cfg(feature = "hydrate")]
mod imp {
    use super::super::driver::{
        drop_grids, get, h, l_circle_marker, l_div_icon, l_layer_group, l_marker, l_polygon,
        l_polyline, load_grids, map, obj,
    };
    use super::Parts;
    use js_sys::Array;
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::prelude::*;

    thread_local! {
        static EDIT: RefCell<Option<leaflet::Layer>> = const { RefCell::new(None) };
    }

    fn latlngs(ring: &[[f64; 2]]) -> Array {
        ring.iter()
            .map(|p| Array::of2(&p[0].into(), &p[1].into()))
            .collect()
    }

    /// Clears whatever the editor drew.
    pub fn clear() {
        EDIT.with(|e| {
            if let Some(old) = e.borrow_mut().take() {
                old.remove();
            }
        });
    }

    fn show(group: leaflet::Layer) {
        clear();
        if let Some(m) = map() {
            group.add_to(&m);
            EDIT.with(|e| *e.borrow_mut() = Some(group));
        }
    }

    fn outline_style() -> JsValue {
        obj(&[
            ("color", "#c8161d".into()),
            ("weight", 3.into()),
            ("fillColor", "#f87171".into()),
            ("fillOpacity", 0.25.into()),
            ("className", "edit-outline".into()),
            ("interactive", false.into()),
        ])
    }

    /// Draws `parts` with a draggable handle on every vertex and a small
    /// one in the middle of every edge (dragging or tapping it adds a
    /// vertex there). With `deleting`, tapping a vertex removes it (a ring
    /// keeps three). Every change calls `changed` with the new parts.
    pub fn edit_parts(parts: Parts, deleting: bool, changed: Rc<dyn Fn(Parts)>) {
        let group = l_layer_group();
        for part in &parts {
            let rings: Array = part.iter().map(|r| latlngs(r)).collect();
            h(&group).add_layer(&l_polygon(&rings, &outline_style()));
        }
        let handle = |class: &str| {
            l_div_icon(&obj(&[
                ("className", class.into()),
                ("iconSize", Array::of2(&18.into(), &18.into()).into()),
            ]))
        };
        for (pi, part) in parts.iter().enumerate() {
            for (ri, ring) in part.iter().enumerate() {
                let n = ring.len();
                for vi in 0..n {
                    let p = ring[vi];
                    let vertex = l_marker(
                        &leaflet::LatLng::new(p[0], p[1]),
                        &obj(&[
                            ("icon", handle("vertex-handle")),
                            ("draggable", true.into()),
                        ]),
                    );
                    let (moved, cb) = (parts.clone(), changed.clone());
                    let drag = Closure::<dyn Fn(JsValue)>::new(move |e: JsValue| {
                        let at = h(&get(&e, &["target"])).get_lat_lng();
                        let mut next = moved.clone();
                        next[pi][ri][vi] = [at.lat(), at.lng()];
                        cb(next);
                    })
                    .into_js_value();
                    h(&vertex).on("dragend", &drag);
                    if deleting && n > 3 {
                        let (cut, cb) = (parts.clone(), changed.clone());
                        let tap = Closure::<dyn Fn(JsValue)>::new(move |_| {
                            let mut next = cut.clone();
                            next[pi][ri].remove(vi);
                            cb(next);
                        })
                        .into_js_value();
                        h(&vertex).on("click", &tap);
                    }
                    h(&group).add_layer(&vertex);
                    // The midpoint of the edge to the next vertex.
                    let q = ring[(vi + 1) % n];
                    let mid = [(p[0] + q[0]) / 2.0, (p[1] + q[1]) / 2.0];
                    let ghost = l_marker(
                        &leaflet::LatLng::new(mid[0], mid[1]),
                        &obj(&[
                            ("icon", handle("midpoint-handle")),
                            ("draggable", true.into()),
                        ]),
                    );
                    let (grown, cb) = (parts.clone(), changed.clone());
                    let insert = Rc::new(move |at: [f64; 2]| {
                        let mut next = grown.clone();
                        next[pi][ri].insert(vi + 1, at);
                        cb(next);
                    });
                    let on_drop = insert.clone();
                    let dropped = Closure::<dyn Fn(JsValue)>::new(move |e: JsValue| {
                        let at = h(&get(&e, &["target"])).get_lat_lng();
                        on_drop([at.lat(), at.lng()]);
                    })
                    .into_js_value();
                    let tapped =
                        Closure::<dyn Fn(JsValue)>::new(move |_| insert(mid)).into_js_value();
                    h(&ghost).on("dragend", &dropped);
                    h(&ghost).on("click", &tapped);
                    h(&group).add_layer(&ghost);
                }
            }
        }
        show(group);
    }

    /// Draws tapped points joined in order: closed as an outline (a new
    /// grid) or open as a line (a split).
    pub fn path(points: &[[f64; 2]], closed: bool) {
        let group = l_layer_group();
        let line = latlngs(points);
        if closed && points.len() >= 3 {
            h(&group).add_layer(&l_polygon(&line, &outline_style()));
        } else if points.len() >= 2 {
            h(&group).add_layer(&l_polyline(
                &line,
                &obj(&[
                    ("color", "#c8161d".into()),
                    ("weight", 3.into()),
                    ("dashArray", "6 4".into()),
                    ("className", "edit-line".into()),
                ]),
            ));
        }
        for p in points {
            h(&group).add_layer(&l_circle_marker(
                &leaflet::LatLng::new(p[0], p[1]),
                &obj(&[
                    ("radius", 6.into()),
                    ("color", "#c8161d".into()),
                    ("fillColor", "#ffffff".into()),
                    ("fillOpacity", 1.into()),
                    ("className", "edit-point".into()),
                    ("interactive", false.into()),
                ]),
            ));
        }
        show(group);
    }

    /// Frames the outline being edited with room around it to tap outside.
    pub fn frame(parts: &Parts) {
        let points = parts.iter().flatten().flatten();
        let (mut s, mut w, mut n, mut e) = (90.0f64, 180.0f64, -90.0f64, -180.0f64);
        for p in points {
            (s, w, n, e) = (s.min(p[0]), w.min(p[1]), n.max(p[0]), e.max(p[1]));
        }
        if let (Some(m), true) = (map(), s <= n) {
            m.fit_bounds_with_options(
                &leaflet::LatLngBounds::new(
                    &leaflet::LatLng::new(s, w),
                    &leaflet::LatLng::new(n, e),
                ),
                &obj(&[("padding", Array::of2(&48.into(), &48.into()).into())]),
            );
        }
    }

    /// Draws the grid layer afresh (after a save), keeping the view.
    pub async fn reload_grids(url: &str) -> Result<usize, String> {
        let view = map().map(|m| (m.get_center(), m.get_zoom()));
        drop_grids();
        let n = load_grids(url).await?;
        if let (Some(m), Some((centre, zoom))) = (map(), view) {
            m.set_view(&centre, zoom);
        }
        Ok(n)
    }
}

#[cfg(not(feature = "hydrate"))]
mod imp {
    use super::Parts;
    use std::rc::Rc;
    pub fn clear() {}
    pub fn edit_parts(_parts: Parts, _deleting: bool, _changed: Rc<dyn Fn(Parts)>) {}
    pub fn path(_points: &[[f64; 2]], _closed: bool) {}
    pub fn frame(_parts: &Parts) {}
    pub async fn reload_grids(_url: &str) -> Result<usize, String> {
        Ok(0)
    }
}

pub use imp::*;
