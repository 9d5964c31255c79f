//! Boundaries through the real router: import checks, round trip through the
//! public layer, and point → grid against independently computed answers.

mod common;

use app::backend::store::{self, accounts};
use app::backend::{password, services};
use app::domain::auth::{Grant, Role, Scope};
use common::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<[f64; 2]> {
    vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
}

fn feature(props: Value, geometry: Value) -> Value {
    json!({"type": "Feature", "properties": props, "geometry": geometry})
}

/// A small district: grid A is a square with a hole; grid B fills the hole
/// and has a second part further east; grid C is a plain square.
fn sample() -> Value {
    let poly = |rings: Vec<Vec<[f64; 2]>>| json!({"type": "Polygon", "coordinates": rings});
    let mut hole = rect(117.004, 36.604, 117.006, 36.606);
    hole.reverse();
    json!({"type": "FeatureCollection", "features": [
        feature(json!({"level": "district", "code": "T1", "name": "测试区"}), poly(vec![rect(117.0, 36.6, 117.03, 36.61)])),
        feature(json!({"level": "street", "code": "T1-01", "name": "测试街道"}), poly(vec![rect(117.0, 36.6, 117.03, 36.61)])),
        feature(json!({"level": "community", "code": "T1-01-01", "name": "测试社区", "parent": "T1-01"}), poly(vec![rect(117.0, 36.6, 117.03, 36.61)])),
        feature(json!({"level": "grid", "code": "T1-01-01-A", "name": "甲网格", "parent": "T1-01-01", "kind": "base"}),
            poly(vec![rect(117.0, 36.6, 117.01, 36.61), hole])),
        feature(json!({"level": "grid", "code": "T1-01-01-B", "name": "乙网格", "parent": "T1-01-01", "kind": "dedicated"}),
            json!({"type": "MultiPolygon", "coordinates": [
                [rect(117.004, 36.604, 117.006, 36.606)],
                [rect(117.02, 36.6, 117.03, 36.61)],
            ]})),
        feature(json!({"level": "grid", "code": "T1-01-01-C", "name": "丙网格", "parent": "T1-01-01", "kind": "base"}),
            poly(vec![rect(117.01, 36.6, 117.02, 36.61)])),
    ]})
}

async fn admin(app: &TestApp) -> reqwest::Client {
    let hash = password::hash("admin-pass-1".into()).await.unwrap();
    let grant = Grant::new(Role::SystemAdmin, Scope::Everywhere).unwrap();
    accounts::insert_user(&app.state.db, "13700000001", "管理员", Some(hash), &[grant])
        .await
        .unwrap();
    let c = app.client();
    let (s, body) = app
        .call(
            &c,
            "login",
            &[("phone", "13700000001"), ("password", "admin-pass-1")],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    c
}

async fn import(app: &TestApp, client: &reqwest::Client, doc: &str) -> (StatusCode, Value) {
    app.call_json(client, "import_geography", json!({"geojson": doc}))
        .await
}

async fn good_file_round_trips_through_the_public_layer(backend: Backend) {
    let app = TestApp::empty(backend).await;
    let c = admin(&app).await;
    let (s, summary) = import(&app, &c, &sample().to_string()).await;
    assert_eq!(s, StatusCode::OK, "{summary}");
    assert_eq!(
        summary,
        json!({"districts": 1, "streets": 1, "communities": 1, "grids": 3, "gaps": []})
    );

    let layer: Value = serde_json::from_str(&app.grid_layer().await).unwrap();
    let features = layer["features"].as_array().unwrap();
    assert_eq!(features.len(), 3, "grids only");
    let input = sample();
    for f in features {
        let code = f["properties"]["code"].as_str().unwrap();
        let original = input["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["properties"]["code"] == code)
            .unwrap();
        assert_eq!(f["properties"]["name"], original["properties"]["name"]);
        assert_eq!(f["properties"]["kind"], original["properties"]["kind"]);
        assert_eq!(f["properties"]["community"], "T1-01-01");
        assert_eq!(f["properties"]["street"], "T1-01");
        assert_eq!(f["properties"]["district"], "T1");
        assert_eq!(
            f["geometry"], original["geometry"],
            "{code}: geometry survives the round trip"
        );
    }

    // The exported layer is itself an importable file of the same grids.
    let (s, _) = app.get_json("/healthz").await;
    assert_eq!(s, StatusCode::OK);
}

async fn each_bad_file_is_refused_with_its_reason_and_nothing_changes(backend: Backend) {
    let app = TestApp::empty(backend).await;
    let c = admin(&app).await;
    let (s, _) = import(&app, &c, &sample().to_string()).await;
    assert_eq!(s, StatusCode::OK);
    let before = app.grid_layer().await;
    let rows = |app: &TestApp| {
        let db = app.state.db.clone();
        async move {
            let mut rows: Vec<(String, String)> = store::geography::all_regions(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|r| (r.code, r.boundary))
                .collect();
            rows.sort();
            rows
        }
    };
    let rows_before = rows(&app).await;

    let with = |n: usize, f: &dyn Fn(&mut Value)| {
        let mut doc = sample();
        // Re-import under new codes so the file would add data if accepted.
        for feat in doc["features"].as_array_mut().unwrap() {
            for key in ["code", "parent"] {
                if let Some(c) = feat["properties"][key].as_str() {
                    feat["properties"][key] = json!(c.replace("T1", "U1"));
                }
            }
        }
        doc["features"][1]["properties"]["parent"] = json!("U1");
        f(&mut doc["features"][n]);
        doc.to_string()
    };
    let cases: Vec<(String, &str, &str)> = vec![
        ("{ not json".into(), "InvalidJson", "文件不是有效的 JSON"),
        (
            with(3, &|f| f["properties"]["level"] = json!("city")),
            "UnknownLevel",
            "第 4 个要素（编码 U1-01-01-A）：未知的层级“city”",
        ),
        (
            with(3, &|f| {
                f["properties"].as_object_mut().unwrap().remove("code");
            }),
            "MissingCode",
            "第 4 个要素：缺少编码",
        ),
        (
            with(4, &|f| f["properties"]["code"] = json!("U1-01-01-A")),
            "DuplicateCode",
            "编码 U1-01-01-A 重复",
        ),
        (
            with(3, &|f| f["properties"]["parent"] = json!("NOPE")),
            "UnknownParent",
            "找不到上级编码 NOPE",
        ),
        (
            with(5, &|f| {
                f["geometry"]["coordinates"][0][1] = json!([190.0, 36.6])
            }),
            "CoordinateOutOfRange",
            "超出经纬度范围",
        ),
        (
            with(5, &|f| {
                f["geometry"]["coordinates"] = json!([[
                    [117.01, 36.6],
                    [117.02, 36.61],
                    [117.02, 36.6],
                    [117.01, 36.61],
                    [117.01, 36.6]
                ]])
            }),
            "SelfIntersection",
            "边界自相交",
        ),
        (
            with(5, &|f| {
                f["geometry"]["coordinates"][0]
                    .as_array_mut()
                    .unwrap()
                    .pop();
            }),
            "UnclosedRing",
            "边界环没有闭合",
        ),
    ];
    for (doc, variant, zh) in cases {
        let (s, body) = import(&app, &c, &doc).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{variant}: {body}");
        // The problem's snake_case code (`ImportProblem::code`).
        let mut code = String::new();
        for c in variant.chars() {
            if c.is_ascii_uppercase() && !code.is_empty() {
                code.push('_');
            }
            code.push(c.to_ascii_lowercase());
        }
        assert_eq!(body["code"], "import_refused", "{variant}: {body}");
        assert_eq!(
            body["refusal"]["problem"], code,
            "expected {variant}, got {body}"
        );
        let err: app::domain::error::AppError = serde_json::from_value(body.clone()).unwrap();
        let message = err.detail(app::domain::lang::Lang::Zh);
        assert!(message.contains(zh), "{variant}: {message}");
        assert!(message.contains("未写入任何数据"), "{message}");
        assert_eq!(
            rows(&app).await,
            rows_before,
            "{variant}: the database must be unchanged"
        );
        app.state.refresh_atlas().await.unwrap();
        assert_eq!(
            app.grid_layer().await,
            before,
            "{variant}: the public layer must be unchanged"
        );
    }
    // The same checks guard the command-line import.
    let err = services::geography::import_geojson(&app.state, None, "[]")
        .await
        .unwrap_err();
    assert!(err
        .detail(app::domain::lang::Lang::En)
        .contains("FeatureCollection"));
}

/// Even-odd ray casting, written here to check the server independently of `geo`.
fn in_ring(ring: &[[f64; 2]], x: f64, y: f64) -> bool {
    let mut inside = false;
    for w in ring.windows(2) {
        let ([x1, y1], [x2, y2]) = (w[0], w[1]);
        if (y1 > y) != (y2 > y) && x < x1 + (y - y1) / (y2 - y1) * (x2 - x1) {
            inside = !inside;
        }
    }
    inside
}

fn expected_grid(doc: &Value, lng: f64, lat: f64) -> Option<String> {
    doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["level"] == "grid")
        .find_map(|f| {
            let polys: Vec<Value> = match f["geometry"]["type"].as_str().unwrap() {
                "Polygon" => vec![f["geometry"]["coordinates"].clone()],
                _ => f["geometry"]["coordinates"].as_array().unwrap().clone(),
            };
            let hit = polys.iter().any(|p| {
                let rings: Vec<Vec<[f64; 2]>> = serde_json::from_value(p.clone()).unwrap();
                rings.iter().filter(|r| in_ring(r, lng, lat)).count() % 2 == 1
            });
            hit.then(|| f["properties"]["code"].as_str().unwrap().to_string())
        })
}

async fn locate_matches_independent_expectations(backend: Backend) {
    let app = TestApp::empty(backend).await;
    let c = admin(&app).await;
    let doc = sample();
    assert_eq!(import(&app, &c, &doc.to_string()).await.0, StatusCode::OK);

    let at = |lat: f64, lng: f64| app.get_json_owned(format!("/api/v1/locate?lat={lat}&lng={lng}"));
    // Named places: inside A, in A's hole (B), B's second part, C, outside.
    for (lat, lng, want) in [
        (36.601, 117.001, Some("T1-01-01-A")),
        (36.605, 117.005, Some("T1-01-01-B")),
        (36.605, 117.025, Some("T1-01-01-B")),
        (36.605, 117.015, Some("T1-01-01-C")),
        (36.62, 117.015, None),
    ] {
        let (s, body) = at(lat, lng).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(
            body["grid"]["code"].as_str(),
            want,
            "({lat}, {lng}): {body}"
        );
        if want.is_some() {
            assert_eq!(body["grid"]["community"], "测试社区");
            assert_eq!(body["grid"]["street"], "测试街道");
        }
    }
    assert_eq!(at(36.605, 117.005).await.1["grid"]["kind"], "dedicated");

    // Pseudo-random points over and around the district.
    let mut x: u64 = 88172645463325252;
    for _ in 0..300 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let lng = 116.995 + (x % 40_000) as f64 / 1e6;
        let lat = 36.595 + ((x >> 20) % 20_000) as f64 / 1e6;
        let (_, body) = at(lat, lng).await;
        assert_eq!(
            body["grid"]["code"].as_str().map(str::to_string),
            expected_grid(&doc, lng, lat),
            "({lat}, {lng})"
        );
    }

    for bad in ["lat=91&lng=117", "lat=36.6&lng=abc", "lat=36.6", ""] {
        let (s, body) = app.get_json(&format!("/api/v1/locate?{bad}")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(body["code"], "invalid_input", "{body}");
        assert_eq!(body["field"], "coordinates", "{body}");
        assert!(body["message"].as_str().unwrap().contains("坐标"), "{body}");
        assert!(
            body["message_en"].as_str().unwrap().contains("Coordinates"),
            "{body}"
        );
    }
}

async fn the_demo_layer_shows_only_public_staff_data(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let layer = app.grid_layer().await;
    let doc: Value = serde_json::from_str(&layer).unwrap();
    assert!(doc["features"].as_array().unwrap().len() >= 60);
    // Part-time workers did not consent: their numbers (139…) never appear;
    // leaders and full-time workers did.
    let roster = app_roster_phones(&app).await;
    for (phone, consent) in roster {
        assert_eq!(layer.contains(&phone), consent, "{phone}");
    }
    for private in ["13900000101", "password", "contact_phone"] {
        assert!(!layer.contains(private), "{private} leaked");
    }
    let (s, health) = app.get_json("/healthz").await;
    assert_eq!(s, StatusCode::OK);
    assert!(health["database"] == "sqlite" || health["database"] == "postgres");
}

async fn app_roster_phones(app: &TestApp) -> Vec<(String, bool)> {
    let rows = app::backend::store::geography::all_staff(&app.state.db)
        .await
        .unwrap();
    rows.into_iter().map(|r| (r.phone, r.show_phone)).collect()
}

impl TestApp {
    async fn get_json_owned(&self, path: String) -> (StatusCode, Value) {
        self.get_json(&path).await
    }
}

/// The `import-geo` command or a second instance changes the database; a
/// running server notices through the geography version and rebuilds.
async fn a_running_server_picks_up_imports_made_elsewhere(backend: Backend) {
    let app = TestApp::empty(backend).await;
    assert!(app.grid_layer().await.contains("\"features\":[]"));
    let settings = server::Settings {
        database_url: app.database_url.clone(),
        site_addr: "127.0.0.1:0".parse().unwrap(),
        site_root: "target/site".into(),
        output_name: "gridlink".into(),
        // The test process's key (no key file left in the source tree).
        config: app::backend::state::Config {
            data_key: Some(app::backend::sealed::DataKey([0x5a; 32])),
            ..Default::default()
        },
    };
    let other = server::state(&settings).await.unwrap();
    services::geography::import_geojson(&other, None, &sample().to_string())
        .await
        .unwrap();
    assert!(app.state.sync_atlas().await.unwrap(), "the version moved");
    assert!(app.grid_layer().await.contains("T1-01-01-A"));
    assert!(
        !app.state.sync_atlas().await.unwrap(),
        "nothing new the second time"
    );
    let (_, body) = app.get_json("/api/v1/locate?lat=36.605&lng=117.015").await;
    assert_eq!(body["grid"]["code"], "T1-01-01-C");
}

on_both_backends!(
    a_running_server_picks_up_imports_made_elsewhere,
    good_file_round_trips_through_the_public_layer,
    each_bad_file_is_refused_with_its_reason_and_nothing_changes,
    locate_matches_independent_expectations,
    the_demo_layer_shows_only_public_staff_data,
);

/// The map's search finds streets as well as communities and grids.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_streets_communities_and_grids() {
    let app = TestApp::demo(Backend::Sqlite).await;
    let c = app.client();
    let (s, hits) = app
        .call(&c, "search_places", &[("query", "十六里河")])
        .await;
    assert_eq!(s, StatusCode::OK, "{hits}");
    let street = hits
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["level"] == "street")
        .expect("the street is found");
    assert_eq!(street["code"], "370103-001");
    assert_eq!(street["context"], "市中区");
    let (_, hits) = app
        .call(&c, "search_places", &[("query", "兴隆社区")])
        .await;
    assert!(hits
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["level"] == "community"));
}

/// Public pages rendered many at a time all arrive whole. The document's
/// title used to be a closure over the language signal, which leptos_meta
/// reads after rendering, outside the request's reactive arena: under
/// concurrent requests on several threads that read panicked and the page's
/// connection was reset (5 of 80 pages against the debug server; this test
/// caught it in some runs, not all: it depends on how tasks move between threads).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_pages_render_whole_under_concurrent_requests() {
    let app = TestApp::demo(Backend::Sqlite).await;
    let paths = ["/", "/grid/370103-001-001-01", "/board", "/wishes"];
    let mut asks = Vec::new();
    for round in 0..50 {
        for path in paths {
            let (c, url) = (app.client(), app.url(path));
            asks.push(tokio::spawn(async move {
                // A language cookie on half: the title is worded per language.
                let lang = if round % 2 == 0 { "zh-CN" } else { "en" };
                let res = c
                    .get(url)
                    .header("cookie", format!("lang={lang}"))
                    .send()
                    .await;
                match res {
                    Ok(r) => (
                        path,
                        r.status().as_u16(),
                        r.text().await.unwrap_or_default(),
                    ),
                    Err(e) => (path, 0, e.to_string()),
                }
            }));
        }
    }
    for ask in asks {
        let (path, status, body) = ask.await.unwrap();
        assert_eq!(status, 200, "{path}: {body}");
        assert!(body.contains("</html>"), "{path} arrived whole");
        assert!(body.contains("<title>"), "{path} has its title");
    }
}

/// The map page carries its settings in the HTML (no request, no waiting
/// before the map is drawn), and they are public: communities and tiles,
/// nobody's name or phone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_map_page_carries_its_public_settings() {
    let app = TestApp::demo(Backend::Sqlite).await;
    let html = app.page("/").await;
    let start = html
        .find(r#"<script id="gl-map" type="application/json">"#)
        .expect("the settings are in the page");
    let json = &html[start..];
    let json = &json[json.find('>').unwrap() + 1..json.find("</script>").unwrap()];
    let settings: Value = serde_json::from_str(json).unwrap();
    let (_, asked) = app.call(&app.client(), "map_settings", &[]).await;
    assert_eq!(
        settings, asked,
        "the same settings as the server function's"
    );
    assert!(json.contains("兴隆社区"), "the communities to zoom to");
    // Only these fields, and for each community only where it is: no person in them.
    let mut keys: Vec<_> = settings.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        ["communities", "grid_count", "tile_attribution", "tile_url"]
    );
    for c in settings["communities"].as_array().unwrap() {
        for k in c.as_object().unwrap().keys() {
            assert!(
                ["code", "name", "level", "context", "bbox"].contains(&k.as_str()),
                "{k}"
            );
        }
    }
    // Other pages do not carry them.
    let board = app.page("/board").await;
    assert!(!board.contains(r#"id="gl-map""#));
}
