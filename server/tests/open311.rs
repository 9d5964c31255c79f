//! Issue 13: Open311 GeoReport v2, the read side, through the real router on
//! SQLite and PostgreSQL — every endpoint in JSON and in XML with the spec's
//! field names, nesting and content types; public cases only, blurred and
//! without what the resident wrote; the filters; errors as
//! `errors/error{code, description}`.

mod common;

use app::domain::auth::Role;
use common::{act, category, phone_of, report_case, Backend, TestApp};
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

/// The middle of the demo grid.
const HOME: (f64, f64) = (36.6372, 117.0135);
const SECRET: &str = "O311楼道堆物 张先生家门口";

/// Whether an Open311 list (requests or updates) names the request `id`.
fn names(list: &Value, id: &str) -> bool {
    list.as_array()
        .unwrap()
        .iter()
        .any(|r| r["service_request_id"] == id)
}

async fn get(app: &TestApp, path: &str) -> (StatusCode, String, String) {
    let res = app
        .client()
        .get(app.url(&format!("/open311/v2/{path}")))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let kind = res
        .headers()
        .get("content-type")
        .map(|h| h.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, kind, res.text().await.unwrap())
}

async fn json_of(app: &TestApp, path: &str) -> Value {
    let (s, kind, body) = get(app, path).await;
    assert_eq!(s, StatusCode::OK, "{path}: {body}");
    assert!(kind.starts_with("application/json"), "{path}: {kind}");
    serde_json::from_str(&body).unwrap()
}

async fn xml_of(app: &TestApp, path: &str) -> String {
    let (s, kind, body) = get(app, path).await;
    assert_eq!(s, StatusCode::OK, "{path}: {body}");
    assert!(kind.starts_with("text/xml"), "{path}: {kind}");
    assert!(
        body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"),
        "{body}"
    );
    body
}

/// A refusal: its status, and the spec's error body in both formats.
async fn refused(app: &TestApp, path: &str, status: u16) {
    let (s, kind, body) = get(app, &format!("{path}.json")).await;
    assert_eq!(s.as_u16(), status, "{path}: {body}");
    assert!(kind.starts_with("application/json"));
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v[0]["code"], status, "{body}");
    assert!(v[0]["description"].is_string(), "{body}");
    let (s, kind, body) = get(app, &format!("{path}.xml")).await;
    assert_eq!(s.as_u16(), status, "{path}: {body}");
    assert!(kind.starts_with("text/xml"));
    assert!(
        body.contains(&format!(
            "<errors><error><code>{status}</code><description>"
        )),
        "{body}"
    );
}

async fn every_endpoint_in_both_formats(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let (s, public) = report_case(&app, &resident, HOME, SECRET, true).await;
    assert_eq!(s, StatusCode::OK, "{public}");
    let (s, private) = report_case(&app, &resident, HOME, "O311私密诉求", false).await;
    assert_eq!(s, StatusCode::OK, "{private}");
    let code = category(&app, &resident).await;
    let code_s = code.to_string();
    let (public_id, private_id) = (public["id"].to_string(), private["id"].to_string());

    // Discovery.
    let d = json_of(&app, "discovery.json").await;
    let endpoint = &d["endpoints"][0];
    assert_eq!(
        endpoint["specification"],
        "http://wiki.open311.org/GeoReport_v2"
    );
    assert!(endpoint["url"].as_str().unwrap().ends_with("/open311/v2"));
    assert_eq!(endpoint["formats"], json!(["text/xml", "application/json"]));
    assert!(d["changeset"].as_str().unwrap().ends_with("+08:00"));
    let x = xml_of(&app, "discovery.xml").await;
    assert!(x.contains("<discovery><changeset>"), "{x}");
    assert!(x.contains("<endpoints><endpoint><specification>http://wiki.open311.org/GeoReport_v2</specification>"), "{x}");
    assert!(
        x.contains("<formats><format>text/xml</format><format>application/json</format></formats>"),
        "{x}"
    );

    // Services: the catalogue's second level, grouped by the first.
    let services = json_of(&app, "services.json").await;
    let list = services.as_array().unwrap();
    let ours = list
        .iter()
        .find(|s| s["service_code"] == code_s.as_str())
        .unwrap_or_else(|| panic!("{code} in {services}"));
    for field in ["service_name", "description", "type", "keywords", "group"] {
        assert!(ours[field].is_string(), "{field}: {ours}");
    }
    assert_eq!(ours["metadata"], false);
    assert_eq!(ours["type"], "realtime");
    let x = xml_of(&app, "services.xml").await;
    assert!(x.contains("<services><service><service_code>"), "{x}");
    assert!(
        x.contains(&format!("<service_code>{code}</service_code>")),
        "{x}"
    );
    // A renamed category keeps its code.
    let admin = app.signed_in(phone_of(Role::SystemAdmin)).await;
    let (s, body) = app
        .call(
            &admin,
            "edit_category",
            &[("id", &code.to_string()), ("name", "改名后的类别")],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let after = json_of(&app, "services.json").await;
    let renamed = after
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service_code"] == code_s.as_str())
        .unwrap();
    assert_eq!(renamed["service_name"], "改名后的类别");

    // A service definition; an unknown code.
    let def = json_of(&app, &format!("services/{code}.json")).await;
    assert_eq!(
        def,
        json!({"service_code": code.to_string(), "attributes": []})
    );
    let x = xml_of(&app, &format!("services/{code}.xml")).await;
    assert!(x.ends_with(&format!("<service_definition><service_code>{code}</service_code><attributes></attributes></service_definition>")), "{x}");
    refused(&app, "services/999999", 404).await;

    // Requests: the public case, blurred, without its words; never the private one.
    let all = json_of(&app, "requests.json").await;
    let text = all.to_string();
    assert!(
        !text.contains("O311私密诉求") && !text.contains(SECRET),
        "{text}"
    );
    let ours = all
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["service_request_id"] == public_id.as_str())
        .unwrap_or_else(|| panic!("the public case in {all}"));
    assert!(!names(&all, private_id.as_str()));
    assert_eq!(ours["status"], "open");
    assert!(ours["status_notes"].is_string());
    assert_eq!(ours["service_code"], code.to_string());
    assert!(ours["description"].is_null());
    assert!(ours["requested_datetime"]
        .as_str()
        .unwrap()
        .ends_with("+08:00"));
    assert!(ours["expected_datetime"].is_string());
    let lat = ours["lat"].as_f64().unwrap();
    assert_eq!(
        lat,
        (lat * 1000.0).round() / 1000.0,
        "blurred as on the board"
    );
    assert!(ours["long"].is_number());
    assert!(ours["address"].is_string());
    let x = xml_of(&app, "requests.xml").await;
    assert!(
        x.contains("<service_requests><request><service_request_id>"),
        "{x}"
    );
    assert!(
        x.contains(&format!(
            "<service_request_id>{}</service_request_id><status>open</status>",
            public["id"]
        )),
        "{x}"
    );
    assert!(!x.contains(SECRET));

    // Filters.
    let id = public["id"].to_string();
    let only = json_of(
        &app,
        &format!("requests.json?service_request_id={id},{}", private["id"]),
    )
    .await;
    assert_eq!(only.as_array().unwrap().len(), 1, "{only}");
    let closed = json_of(&app, "requests.json?status=closed").await;
    assert!(!names(&closed, &id));
    let open = json_of(
        &app,
        &format!("requests.json?status=open&service_code={code}"),
    )
    .await;
    assert!(names(&open, &id));
    let future = json_of(&app, "requests.json?start_date=2099-01-01T00:00:00Z").await;
    assert_eq!(future, json!([]));
    // The spec's comma lists; a zone's `+` sent unencoded.
    let both = json_of(&app, "requests.json?status=open,closed").await;
    assert!(names(&both, public_id.as_str()));
    // A day ago in Beijing time, so the default 90-day span from it covers now.
    let since = (chrono::Utc::now() - chrono::Duration::days(1))
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .format("%Y-%m-%dT%H:%M:%S%:z");
    let plus = json_of(&app, &format!("requests.json?start_date={since}")).await;
    assert!(names(&plus, public_id.as_str()));
    let codes = json_of(&app, &format!("requests.json?service_code=999999,{code}")).await;
    assert!(names(&codes, public_id.as_str()));
    let twice = json_of(
        &app,
        &format!("requests.json?service_request_id={id},{id},{id}"),
    )
    .await;
    assert_eq!(twice.as_array().unwrap().len(), 1);
    let old = json_of(&app, "requests.json?end_date=2020-01-01T00:00:00%2B08:00").await;
    assert_eq!(old, json!([]));
    for bad in ["status=pending", "start_date=yesterday", "service_code=x"] {
        let (s, _, body) = get(&app, &format!("requests.json?{bad}")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v[0]["code"], 400);
        let (s, kind, body) = get(&app, &format!("requests.xml?{bad}")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert!(kind.starts_with("text/xml") && body.contains("<errors><error><code>400</code>"));
    }

    // One request: a one-element list; a private or unknown one is not found.
    let one = json_of(&app, &format!("requests/{id}.json")).await;
    assert_eq!(one.as_array().unwrap().len(), 1);
    assert_eq!(one[0]["service_request_id"], id);
    let x = xml_of(&app, &format!("requests/{id}.xml")).await;
    assert!(x.contains(&format!(
        "<service_requests><request><service_request_id>{id}</service_request_id>"
    )));
    refused(&app, &format!("requests/{}", private["id"]), 404).await;
    refused(&app, "requests/999999", 404).await;
    refused(&app, "nonsense", 404).await;
    let (s, _, _) = get(&app, "services.csv").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // servicerequestupdates: the public steps of public cases only.
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    // A staff note naming someone's phone is on the case page's public
    // timeline, but not sent in bulk.
    let note = json!({"note": "已联系王女士 138 0000 0099，明天处理"});
    for case in [&public, &private] {
        let (s, body) = act(&app, &worker, case, json!("confirm"), note.clone()).await;
        assert_eq!(s, StatusCode::OK, "{body}");
    }
    let updates = json_of(&app, "servicerequestupdates.json").await;
    let list = updates.as_array().unwrap();
    let steps: Vec<&Value> = list
        .iter()
        .filter(|u| u["service_request_id"] == public_id.as_str())
        .collect();
    assert!(steps.len() >= 2, "report and confirm: {updates}");
    for u in &steps {
        assert_eq!(u["status"], "open");
        assert!(u["update_id"].is_string() && u["description"].is_string());
        assert!(u["updated_datetime"].as_str().unwrap().ends_with("+08:00"));
    }
    assert!(!list
        .iter()
        .any(|u| u["service_request_id"] == private_id.as_str()));
    assert!(!updates.to_string().contains("0099"), "{updates}");
    let x = xml_of(&app, "servicerequestupdates.xml").await;
    assert!(
        x.contains("<service_request_updates><request_update><update_id>"),
        "{x}"
    );
    let none = json_of(
        &app,
        "servicerequestupdates.json?start_date=2099-01-01T00:00:00Z",
    )
    .await;
    assert_eq!(none, json!([]));

    // The OpenAPI document names every path, and each path answers.
    let doc = json_of(&app, "openapi.json").await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths: Vec<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    assert_eq!(paths.len(), 6, "{paths:?}");
    for p in paths {
        let path = p
            .trim_start_matches('/')
            .replace("{service_code}", &code_s)
            .replace("{service_request_id}", &public_id);
        for f in ["json", "xml"] {
            let (s, _, body) = get(&app, &path.replace("{format}", f)).await;
            assert_eq!(s, StatusCode::OK, "{path} {f}: {body}");
        }
    }
}

on_both_backends!(every_endpoint_in_both_formats);

/// POSTs a request: the status, the content type and the body.
async fn post(app: &TestApp, format: &str, form: &[(&str, String)]) -> (u16, String, String) {
    let res = reqwest::Client::new()
        .post(app.url(&format!("/open311/v2/requests.{format}")))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let kind = res
        .headers()
        .get("content-type")
        .map(|h| h.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, kind, res.text().await.unwrap())
}

async fn post_refused(app: &TestApp, form: &[(&str, String)], status: u16, says: &str) {
    let (s, kind, body) = post(app, "json", form).await;
    assert_eq!(s, status, "{form:?}: {body}");
    assert!(kind.starts_with("application/json"), "{kind}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v[0]["code"], status, "{body}");
    assert!(
        v[0]["description"].as_str().unwrap().contains(says),
        "{says} in {body}"
    );
    let (s, kind, body) = post(app, "xml", form).await;
    assert_eq!(s, status, "{body}");
    assert!(kind.starts_with("text/xml"), "{kind}");
    assert!(
        body.contains(&format!("<errors><error><code>{status}</code>")),
        "{body}"
    );
}

/// Filing through Open311: only with a live client key; the spec's fields;
/// the case lands in the grid worker's queue with source "open311", runs
/// the whole loop, and its client follows it (its own private case, by key)
/// through `requests/{id}` and `servicerequestupdates`; nobody else reads
/// it; a revoked key files nothing more.
async fn filing_through_open311(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let code = category(&app, &worker).await;
    let made = app::backend::services::open311_clients::register_cli(&app.state, "12345平台")
        .await
        .unwrap();
    let key = made.key.clone();
    assert_eq!(key.len(), 64);
    let fields = |k: Option<&str>| -> Vec<(&'static str, String)> {
        let mut f = vec![
            ("service_code", code.to_string()),
            ("lat", HOME.0.to_string()),
            ("long", HOME.1.to_string()),
            ("description", "O311井盖缺失，行人易跌".to_string()),
            ("media_url", "https://example.org/p/1.jpg".to_string()),
            ("phone", "13800001234".to_string()),
            ("first_name", "李".to_string()),
            ("email", "li@example.org".to_string()),
        ];
        if let Some(k) = k {
            f.push(("api_key", k.to_string()));
        }
        f
    };
    let with = |k: &'static str, v: &str| -> Vec<(&'static str, String)> {
        let mut f = fields(Some(&key));
        f.retain(|(n, _)| *n != k);
        if !v.is_empty() {
            f.push((k, v.to_string()));
        }
        f
    };

    // Refusals, each with its status and the spec's error body.
    post_refused(&app, &fields(None), 403, "api_key").await;
    post_refused(&app, &fields(Some(&"0".repeat(64))), 403, "api_key").await;
    post_refused(&app, &fields(Some("short")), 403, "api_key").await;
    post_refused(&app, &with("service_code", "999999"), 400, "service_code").await;
    post_refused(&app, &with("service_code", ""), 400, "service_code").await;
    post_refused(&app, &with("lat", ""), 400, "lat and long").await;
    // Beijing: in China, outside every grid of this district.
    let mut outside = with("lat", "39.9042");
    outside.retain(|(n, _)| *n != "long");
    outside.push(("long", "116.4074".into()));
    post_refused(&app, &outside, 400, "outside every grid").await;
    post_refused(&app, &with("description", ""), 400, "description").await;
    post_refused(
        &app,
        &with("media_url", "javascript:alert(1)"),
        400,
        "media_url",
    )
    .await;
    post_refused(&app, &with("phone", "12345"), 400, "phone").await;
    // Not form-encoded: said so, in the spec's shape.
    let res = reqwest::Client::new()
        .post(app.url("/open311/v2/requests.json"))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    assert!(res.text().await.unwrap().contains("form-encoded"));
    assert_eq!(
        app.state
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                app.state.db.get_database_backend(),
                "SELECT COUNT(*) AS n FROM open311_cases",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap(),
        0,
        "no refusal made a case"
    );

    // Filed, in both formats; a cross-site page's Origin does not matter
    // (no cookie is read here), nor the key's letter case.
    let res = reqwest::Client::new()
        .post(app.url("/open311/v2/requests.json"))
        .header("origin", "https://elsewhere.example")
        .header("sec-fetch-site", "cross-site")
        .form(&fields(Some(&key.to_ascii_uppercase())))
        .send()
        .await
        .unwrap();
    let (s, kind, body) = (
        res.status().as_u16(),
        res.headers()["content-type"].to_str().unwrap().to_string(),
        res.text().await.unwrap(),
    );
    assert_eq!(s, 200, "{body}");
    assert!(kind.starts_with("application/json"));
    let v: Value = serde_json::from_str(&body).unwrap();
    let id = v[0]["service_request_id"].as_str().unwrap().to_string();
    assert!(v[0]["service_notice"].is_string() && v[0]["account_id"].is_null());
    let (s, kind, x) = post(&app, "xml", &fields(Some(&key))).await;
    assert_eq!(s, 200, "{x}");
    assert!(kind.starts_with("text/xml"));
    assert!(
        x.contains("<service_requests><request><service_request_id>"),
        "{x}"
    );
    // The same fields sent again (its answer lost): the same case, not a
    // second one; a report that differs in anything is a new case.
    assert!(
        x.contains(&format!("<service_request_id>{id}</service_request_id>")),
        "a resend is answered with the first case: {x}"
    );
    let (s, _, other) = post(&app, "json", &with("description", "O311井盖缺失，另一处")).await;
    assert_eq!(s, 200, "{other}");
    let other: Value = serde_json::from_str(&other).unwrap();
    assert_ne!(other[0]["service_request_id"], id.as_str());
    // Another person on the same platform with the same words at the same
    // spot (their name differs, though it is not kept): their own case.
    let (s, _, second) = post(&app, "json", &with("first_name", "王")).await;
    assert_eq!(s, 200, "{second}");
    let second: Value = serde_json::from_str(&second).unwrap();
    assert_ne!(second[0]["service_request_id"], id.as_str());

    // In the grid worker's queue, source open311, the phone for staff only.
    let (s, case) = app.call(&worker, "case_detail", &[("id", &id)]).await;
    assert_eq!(s, StatusCode::OK, "{case}");
    assert_eq!(case["source"], "open311");
    assert_eq!(case["status"], "reported");
    assert_eq!(case["grid_code"], "370103-001-001-01");
    assert!(case.to_string().contains("13800001234"), "{case}");
    assert!(!case.to_string().contains("li@example.org"));
    // The photo address the client sent, for the staff handling it.
    assert_eq!(case["media_url"], "https://example.org/p/1.jpg");
    assert!(case["timeline"][0]["actor"]
        .as_str()
        .unwrap()
        .contains("12345平台"));
    let (s, queue) = app
        .call_json(
            &worker,
            "case_queue",
            json!({"queue": {"grid": "370103-001-001-01"}, "statuses": [], "after": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        queue.to_string().contains(&format!("\"id\":{id}")),
        "{queue}"
    );
    // Private: not on the board, not for a reader without the key.
    refused(&app, &format!("requests/{id}"), 404).await;
    let everyone = json_of(&app, "requests.json").await;
    assert!(!names(&everyone, id.as_str()));
    // Its client reads it back, blurred, with the media_url it sent.
    let mine = json_of(&app, &format!("requests/{id}.json?api_key={key}")).await;
    assert_eq!(mine[0]["service_request_id"], id.as_str());
    assert_eq!(mine[0]["status"], "open");
    assert_eq!(mine[0]["media_url"], "https://example.org/p/1.jpg");
    assert!(mine[0]["description"].is_null());
    assert_ne!(mine[0]["lat"], json!(HOME.0));
    // Another client does not read it; this client reads no resident's
    // private case.
    let other = app::backend::services::open311_clients::register_cli(&app.state, "别家平台")
        .await
        .unwrap();
    let (s, _, body) = get(&app, &format!("requests/{id}.json?api_key={}", other.key)).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
    // The same fields from another client are its own case, never this one.
    let (s, _, body) = post(&app, "json", &fields(Some(&other.key))).await;
    assert_eq!(s, 200, "{body}");
    let theirs_too: Value = serde_json::from_str(&body).unwrap();
    assert_ne!(theirs_too[0]["service_request_id"], id.as_str());
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let (s, private) = report_case(&app, &resident, HOME, "O311居民私密", false).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _, body) = get(
        &app,
        &format!("requests/{}.json?api_key={key}", private["id"]),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
    let theirs = json_of(&app, &format!("requests.json?api_key={}", other.key)).await;
    assert!(
        !theirs.to_string().contains(&format!("\"{id}\"")),
        "{theirs}"
    );
    let listed = json_of(&app, &format!("requests.json?api_key={key}")).await;
    assert!(names(&listed, id.as_str()));
    let (s, _, body) = get(
        &app,
        &format!("requests/{id}.json?api_key={}", "0".repeat(64)),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a wrong key is told so: {body}");

    // The whole loop, by the grid's own staff.
    let mut case = case;
    for (action, extra) in [
        (json!("confirm"), json!({})),
        (json!({"dispatch": "grid"}), json!({})),
        (json!("accept"), json!({})),
        (json!("resolve"), json!({"note": "已补装井盖"})),
        (json!("feedback"), json!({"note": "已回访"})),
        (json!("close"), json!({})),
    ] {
        let (s, body) = act(&app, &worker, &case, action.clone(), extra).await;
        assert_eq!(s, StatusCode::OK, "{action}: {body}");
        case = body;
    }
    assert_eq!(case["status"], "closed");
    // Its updates reach its client, the last one closed; not the public.
    let updates = json_of(&app, &format!("servicerequestupdates.json?api_key={key}")).await;
    let steps: Vec<&Value> = updates
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["service_request_id"] == id.as_str())
        .collect();
    assert!(steps.len() >= 6, "{updates}");
    assert_eq!(steps.last().unwrap()["status"], "closed");
    assert!(
        steps.iter().any(|u| u["description"] == "已补装井盖"),
        "{updates}"
    );
    let public = json_of(&app, "servicerequestupdates.json").await;
    assert!(!names(&public, id.as_str()));
    let x = xml_of(&app, &format!("servicerequestupdates.xml?api_key={key}")).await;
    assert!(x.contains(&format!("<service_request_id>{id}</service_request_id>")));

    // The admin's list counts what it filed; a revoked key files nothing.
    let admin = app.signed_in(phone_of(Role::SystemAdmin)).await;
    let (s, list) = app.call(&admin, "open311_clients", &[]).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let ours = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == made.client.id)
        .unwrap();
    assert_eq!(ours["filed"], 3, "a resend is not counted again");
    assert_eq!(ours["key_tail"], &key[60..]);
    assert!(
        !list.to_string().contains(&key),
        "the key is never shown again"
    );
    let (s, body) = app
        .call(
            &admin,
            "revoke_open311_client",
            &[("id", &made.client.id.to_string())],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    post_refused(&app, &fields(Some(&key)), 403, "api_key").await;
    let (s, _, _) = get(&app, &format!("servicerequestupdates.json?api_key={key}")).await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "a revoked key reads nothing either"
    );
    // A key registered on the page works at once.
    let (s, fresh) = app
        .call(&admin, "register_open311_client", &[("name", "网格通测试")])
        .await;
    assert_eq!(s, StatusCode::OK, "{fresh}");
    let (s, _, body) = post(&app, "json", &fields(Some(fresh["key"].as_str().unwrap()))).await;
    assert_eq!(s, 200, "{body}");
    let (s, _) = app
        .call(&worker, "register_open311_client", &[("name", "越权")])
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

on_both_backends!(filing_through_open311);

/// A number the test database answers to `sql` (a `COUNT(*) AS n`).
async fn count(app: &TestApp, sql: &str) -> i64 {
    app.state
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.state.db.get_database_backend(),
            sql,
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap()
}

/// Resends are filed once even when the copies arrive together, and the
/// fingerprints that make that so are kept only through the resend window:
/// the sweep forgets older ones, and a report sent again after the window
/// is a new case whether or not the sweep has run yet.
async fn resends_filed_once(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let code = category(&app, &worker).await;
    let key = app::backend::services::open311_clients::register_cli(&app.state, "12345平台")
        .await
        .unwrap()
        .key;
    let form = |words: &str| -> Vec<(&'static str, String)> {
        vec![
            ("api_key", key.clone()),
            ("service_code", code.to_string()),
            ("lat", HOME.0.to_string()),
            ("long", HOME.1.to_string()),
            ("description", words.to_string()),
            ("phone", "13800001234".to_string()),
        ]
    };
    let id_of = |body: &str| -> String {
        let v: Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("{body}"));
        v[0]["service_request_id"]
            .as_str()
            .unwrap_or_else(|| panic!("{body}"))
            .to_string()
    };

    // Eight copies of one report at the same moment: one case, and every
    // copy is answered with it.
    let copies = (0..8).map(|_| {
        let (app, form) = (&app, form("O311同时到达的八份"));
        async move { post(app, "json", &form).await }
    });
    let answers = futures::future::join_all(copies).await;
    let ids: std::collections::BTreeSet<String> = answers
        .iter()
        .map(|(s, _, body)| {
            assert_eq!(*s, 200, "{body}");
            id_of(body)
        })
        .collect();
    assert_eq!(ids.len(), 1, "every copy names one case: {ids:?}");
    let first = ids.into_iter().next().unwrap();
    let filed = "SELECT COUNT(*) AS n FROM open311_cases";
    assert_eq!(count(&app, filed).await, 1, "one case filed");

    // Within the window the sweep keeps the fingerprint.
    use app::backend::services::open311::forget_old_fingerprints;
    let now = chrono::Utc::now();
    assert_eq!(forget_old_fingerprints(&app.state, now).await.unwrap(), 0);
    let (_, _, again) = post(&app, "json", &form("O311同时到达的八份")).await;
    assert_eq!(id_of(&again), first);

    // A day later the sweep forgets it; the same words are a new case.
    let later = now + chrono::Duration::hours(25);
    assert_eq!(forget_old_fingerprints(&app.state, later).await.unwrap(), 1);
    let kept = "SELECT COUNT(*) AS n FROM open311_cases WHERE fingerprint IS NOT NULL";
    assert_eq!(count(&app, kept).await, 0, "nothing kept past the window");
    let (_, _, anew) = post(&app, "json", &form("O311同时到达的八份")).await;
    let second = id_of(&anew);
    assert_ne!(second, first, "past the window: a new case");

    // Past the window but not yet swept (the report's day moved back): the
    // old fingerprint gives way and the resend is a new case, which resends
    // then find.
    let db = &app.state.db;
    let sql = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => "UPDATE cases SET created_at = $1 WHERE id = $2",
        _ => "UPDATE cases SET created_at = ? WHERE id = ?",
    };
    let day_before = now - chrono::Duration::hours(25);
    let id: i64 = second.parse().unwrap();
    db.execute_raw(sea_orm::Statement::from_sql_and_values(
        db.get_database_backend(),
        sql,
        [day_before.into(), id.into()],
    ))
    .await
    .unwrap();
    let (_, _, third) = post(&app, "json", &form("O311同时到达的八份")).await;
    let third = id_of(&third);
    assert!(third != second && third != first, "{third}");
    let (_, _, again) = post(&app, "json", &form("O311同时到达的八份")).await;
    assert_eq!(id_of(&again), third);
    assert_eq!(count(&app, filed).await, 3);
    assert_eq!(count(&app, kept).await, 1, "only the newest is kept");

    // A database of the last release (one plain index, and a fingerprint
    // two cases share, as the race there could leave) upgrades in place:
    // the newest case keeps it, and the index becomes unique.
    for sql in [
        "DROP INDEX idx_open311_cases_kept_fingerprint".to_string(),
        "CREATE INDEX idx_open311_cases_fingerprint ON open311_cases (client_id, fingerprint)"
            .to_string(),
        "UPDATE open311_cases SET fingerprint = 'shared'".to_string(),
        "DELETE FROM seaql_migrations WHERE version = 'm20261215_000001_open311_resends_once'"
            .to_string(),
    ] {
        db.execute_unprepared(&sql).await.unwrap();
    }
    let upgraded = TestApp::at(app.database_url.clone()).await;
    assert_eq!(count(&upgraded, kept).await, 1);
    let newest = format!(
        "SELECT COUNT(*) AS n FROM open311_cases WHERE fingerprint = 'shared' AND case_id = {third}"
    );
    assert_eq!(count(&upgraded, &newest).await, 1, "the newest keeps it");
    let (_, _, again) = post(&upgraded, "json", &form("O311同时到达的八份")).await;
    assert_ne!(id_of(&again), third, "its fingerprint is another now");
    let copy = upgraded
        .state
        .db
        .execute_unprepared(&format!(
            "UPDATE open311_cases SET fingerprint = 'shared' WHERE case_id = {first}"
        ))
        .await;
    assert!(copy.is_err(), "the index is unique now");
}

on_both_backends!(resends_filed_once);
