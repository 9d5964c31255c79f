//! The 上岗公示 poster through the real router: server-rendered, public
//! facts only, and its QR code (decoded here with `rqrr` from the SVG the
//! page carries) opens the report form bound to the grid, which refuses a
//! place outside the grid.

mod common;

use app::backend::Config;
use app::domain::auth::Role;
use common::{category, phone_of, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::json;

const GRID: &str = "370103-001-001-01";

/// The QR code's SVG (one unit per module) painted into a greyscale image,
/// four pixels a module, and decoded.
fn decode_qr(html: &str) -> String {
    let start = html.find(r#"<svg class="poster-qr""#).expect("a QR code");
    let svg = &html[start..start + html[start..].find("</svg>").unwrap()];
    let size = |attr: &str| -> usize {
        let at = svg.find(&format!(" {attr}=\"")).unwrap() + attr.len() + 3;
        svg[at..at + svg[at..].find('"').unwrap()].parse().unwrap()
    };
    let (w, h) = (size("width"), size("height"));
    let d_at = svg.find(" d=\"").unwrap() + 4;
    let d = &svg[d_at..d_at + svg[d_at..].find('"').unwrap()];
    let mut dark = vec![false; w * h];
    // Each module is `M{x} {y}h{w}v{h}H{x}V{y}`.
    for rect in d.split('M').filter(|r| !r.is_empty()) {
        let nums: Vec<usize> = rect
            .split(|c: char| !c.is_ascii_digit())
            .filter(|t| !t.is_empty())
            .map(|t| t.parse().unwrap())
            .collect();
        let (x, y, rw, rh) = (nums[0], nums[1], nums[2], nums[3]);
        for yy in y..y + rh {
            for xx in x..x + rw {
                dark[yy * w + xx] = true;
            }
        }
    }
    let scale = 4;
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w * scale, h * scale, |x, y| {
        if dark[(y / scale) * w + x / scale] {
            0
        } else {
            255
        }
    });
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    grids[0].decode().expect("a readable QR code").1
}

async fn poster_html(app: &TestApp, code: &str) -> (StatusCode, String) {
    let res = reqwest::get(app.url(&format!("/grid/{code}/poster")))
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn the_posters_qr_code_opens_the_bound_report_form(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let (status, html) = poster_html(&app, GRID).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("网格员上岗公示"), "server-rendered");
    assert!(html.contains("兴隆社区第1网格"));
    assert!(html.contains(r#"class="poster-map""#), "the grid's map");
    // Only the phones staff agreed to show (the demo part-timers' 139… are not).
    assert!(!html.contains("13900"), "no hidden phone numbers");
    let url = decode_qr(&html);
    assert_eq!(url, format!("{}/report?grid={GRID}", app.base));
    let (_, html) = poster_html(&app, "NO-SUCH").await;
    assert!(html.contains("没有这个网格"));

    // With a public address configured, posters print that one.
    let config = Config {
        public_url: Some("https://wgt.example.gov.cn".into()),
        ..Default::default()
    };
    let other = TestApp::with_config(backend_again(&app), config).await;
    app::backend::demo::seed_if_empty(&other.state.db, 0)
        .await
        .unwrap();
    other.state.refresh_atlas().await.unwrap();
    let (_, html) = poster_html(&other, GRID).await;
    assert_eq!(
        decode_qr(&html),
        format!("https://wgt.example.gov.cn/report?grid={GRID}")
    );
}

fn backend_again(app: &TestApp) -> Backend {
    if app.database_url.starts_with("sqlite") {
        Backend::Sqlite
    } else {
        Backend::Postgres
    }
}

async fn the_bound_form_refuses_a_place_outside_its_grid(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let cat = category(&app, &resident).await;
    let atlas = app.state.atlas();
    let inside = atlas.spot_in(GRID, (0.5, 0.5)).unwrap();
    let next_door = atlas.spot_in("370103-001-001-02", (0.5, 0.5)).unwrap();
    let report = |at: (f64, f64), grid: &str| {
        json!({"case": {"category_id": cat, "description": "楼道灯坏了", "lat": at.0, "lng": at.1,
            "public": false, "source": "resident", "contact_phone": null, "grid": grid}})
    };
    let (s, body) = app
        .call_json(&resident, "report_case", report(next_door, GRID))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    let err: app::domain::error::AppError = serde_json::from_value(body.clone()).unwrap();
    assert!(
        err.message(app::domain::lang::Lang::Zh)
            .contains("不在本网格内"),
        "{body}"
    );
    let (s, body) = app
        .call_json(&resident, "report_case", report(inside, GRID))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["grid_code"], GRID, "{body}");
    // An unbound form takes the same place next door as before.
    let (s, body) = app
        .call_json(&resident, "report_case", report(next_door, ""))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
}

on_both_backends!(
    the_posters_qr_code_opens_the_bound_report_form,
    the_bound_form_refuses_a_place_outside_its_grid,
);
