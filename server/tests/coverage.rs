//! The coverage check (四至清晰、不留盲区、避免重叠) through the real router
//! and the `server check-coverage` command: planted gaps and overlaps are
//! found with their areas, the demo district has none, and an import that
//! would overlap a stored grid is refused naming both grids.

mod common;

use app::backend::store::geography::{self, NewRegion};
use app::domain::auth::Role;
use app::domain::geography::{GridKind, Level};
use common::{phone_of, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::process::Command;

/// The area of a lng/lat rectangle on a sphere of the WGS-84 authalic
/// radius, computed here independently of `geo`.
fn sphere_m2(x0: f64, y0: f64, x1: f64, y1: f64) -> f64 {
    let r = 6_371_007.2_f64;
    r * r * (x1 - x0).to_radians() * (y1.to_radians().sin() - y0.to_radians().sin())
}

fn rect(x0: f64, x1: f64) -> String {
    let (y0, y1) = (36.6, 36.61);
    json!({"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]})
        .to_string()
}

fn region(level: Level, code: &str, parent: Option<&str>, x0: f64, x1: f64) -> NewRegion {
    NewRegion {
        level,
        code: code.into(),
        name: format!("{code}名"),
        parent_code: parent.map(str::to_string),
        kind: (level == Level::Grid).then_some(GridKind::Base),
        category: String::new(),
        households: 0,
        residents: 0,
        boundary: rect(x0, x1),
    }
}

/// A community 117.00–117.03 whose grid B overlaps grid A by 0.001° and
/// stops 0.001° short of grid C: written straight to the store, as an old
/// import or a hand-edited database would leave it.
async fn planted(app: &TestApp) {
    let regions = [
        region(Level::District, "P1", None, 117.0, 117.03),
        region(Level::Street, "P1-01", Some("P1"), 117.0, 117.03),
        region(Level::Community, "P1-01-01", Some("P1-01"), 117.0, 117.03),
        region(Level::Grid, "P1-01-01-A", Some("P1-01-01"), 117.0, 117.01),
        region(Level::Grid, "P1-01-01-B", Some("P1-01-01"), 117.009, 117.02),
        region(Level::Grid, "P1-01-01-C", Some("P1-01-01"), 117.021, 117.03),
    ];
    geography::upsert_regions(&app.state.db, &regions)
        .await
        .unwrap();
    app.state.refresh_atlas().await.unwrap();
}

fn close(found: f64, expected: f64) -> bool {
    (found / expected - 1.0).abs() < 0.01
}

fn cli(app: &TestApp, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("check-coverage")
        .args(args)
        .env("DATABASE_URL", &app.database_url)
        .env("GRIDLINK_DATA_KEY", "5a".repeat(32))
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

async fn the_demo_district_has_no_gaps_or_overlaps(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let sys = app.signed_in(phone_of(Role::SystemAdmin)).await;
    let (s, report) = app.call(&sys, "check_coverage", &[]).await;
    assert_eq!(s, StatusCode::OK, "{report}");
    assert_eq!(report["findings"], json!([]), "{report}");
    assert_eq!(report["grids_checked"], 74);
    let (ok, out) = cli(&app, &[]);
    assert!(ok, "{out}");
    assert!(out.contains("No gaps and no overlaps"), "{out}");
    // A street admin checks their own street, not the other one.
    let sa = app.signed_in(phone_of(Role::StreetAdmin)).await;
    let (s, report) = app
        .call(&sa, "check_coverage", &[("area", "370103-001")])
        .await;
    assert_eq!(s, StatusCode::OK, "{report}");
    assert_eq!(report["grids_checked"], 38);
    let (s, _) = app
        .call(&sa, "check_coverage", &[("area", "370103-002")])
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

async fn a_planted_gap_and_overlap_are_found_with_their_areas(backend: Backend) {
    let app = TestApp::demo(backend).await;
    planted(&app).await;
    let sys = app.signed_in(phone_of(Role::SystemAdmin)).await;
    let (s, report) = app
        .call(&sys, "check_coverage", &[("area", "P1-01-01")])
        .await;
    assert_eq!(s, StatusCode::OK, "{report}");
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "{report}");
    let of = |kind: &str| -> &Value { findings.iter().find(|f| f["kind"] == kind).unwrap() };
    let overlap = of("overlap");
    assert_eq!(overlap["grids"], json!(["P1-01-01-A", "P1-01-01-B"]));
    let m2 = overlap["area_m2"].as_f64().unwrap();
    assert!(close(m2, sphere_m2(117.009, 36.6, 117.01, 36.61)), "{m2}");
    let gap = of("gap");
    assert_eq!(gap["area"], "P1-01-01");
    assert_eq!(gap["grids"], json!(["P1-01-01-B", "P1-01-01-C"]));
    let m2 = gap["area_m2"].as_f64().unwrap();
    assert!(close(m2, sphere_m2(117.02, 36.6, 117.021, 36.61)), "{m2}");
    assert!(!gap["rings"][0].as_array().unwrap().is_empty(), "drawable");

    // The command prints both and fails; the demo district alone stays clean.
    let (ok, out) = cli(&app, &["--area", "P1"]);
    assert!(!ok, "{out}");
    assert!(out.contains("P1-01-01-A × P1-01-01-B"), "{out}");
    assert!(out.contains("1 gap(s) and 1 overlap(s)"), "{out}");
    let (ok, out) = cli(&app, &["--area", "370103"]);
    assert!(ok, "{out}");
}

async fn an_overlapping_import_is_refused_naming_both_grids(backend: Backend) {
    let app = TestApp::demo(backend).await;
    planted(&app).await;
    let sys = app.signed_in(phone_of(Role::SystemAdmin)).await;
    let file = |grids: &[(&str, f64, f64)]| {
        let features: Vec<Value> = grids
            .iter()
            .map(|(code, x0, x1)| {
                let geometry: Value = serde_json::from_str(&rect(*x0, *x1)).unwrap();
                json!({"type": "Feature", "geometry": geometry, "properties": {
                    "level": "grid", "code": code, "name": "新网格", "parent": "P1-01-01", "kind": "base"}})
            })
            .collect();
        json!({"type": "FeatureCollection", "features": features}).to_string()
    };
    let layer_before = app.grid_layer().await;
    // D reaches 0.002° into C.
    let (s, body) = app
        .call_json(
            &sys,
            "import_geography",
            json!({"geojson": file(&[("P1-01-01-D", 117.02, 117.023)])}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    let err: app::domain::error::AppError = serde_json::from_value(body.clone()).unwrap();
    let message = err.detail(app::domain::lang::Lang::Zh);
    assert!(
        message.contains("P1-01-01-D") && message.contains("P1-01-01-C"),
        "{message}"
    );
    assert!(message.contains("重叠"), "{message}");
    assert_eq!(body["refusal"]["problem"], "overlap", "{body}");
    // The area travels in the sentence (the refusal is worded on the server).
    let m2: f64 = message
        .split("重叠约 ")
        .nth(1)
        .and_then(|rest| rest.split(" 平方米").next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no area in {message}"));
    assert!(close(m2, sphere_m2(117.021, 36.6, 117.023, 36.61)), "{m2}");
    app.state.refresh_atlas().await.unwrap();
    assert_eq!(app.grid_layer().await, layer_before, "nothing written");

    // Fixing B (no longer reaching into A) and filling the strip is
    // accepted; a file that only narrows B is accepted with a gap warning.
    let (s, summary) = app
        .call_json(
            &sys,
            "import_geography",
            json!({"geojson": file(&[("P1-01-01-B", 117.01, 117.02), ("P1-01-01-D", 117.02, 117.021)])}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{summary}");
    assert_eq!(summary["gaps"], json!([]), "{summary}");
    let (s, summary) = app
        .call_json(
            &sys,
            "import_geography",
            json!({"geojson": file(&[("P1-01-01-B", 117.011, 117.02)])}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{summary}");
    let gaps = summary["gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 1, "{summary}");
    assert_eq!(gaps[0]["area"], "P1-01-01");
    let m2 = gaps[0]["area_m2"].as_f64().unwrap();
    assert!(close(m2, sphere_m2(117.01, 36.6, 117.011, 36.61)), "{m2}");
}

on_both_backends!(
    the_demo_district_has_no_gaps_or_overlaps,
    a_planted_gap_and_overlap_are_found_with_their_areas,
    an_overlapping_import_is_refused_naming_both_grids,
);
