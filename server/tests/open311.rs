//! Issue 13: Open311 GeoReport v2, the read side, through the real router on
//! SQLite and PostgreSQL — every endpoint in JSON and in XML with the spec's
//! field names, nesting and content types; public cases only, blurred and
//! without what the resident wrote; the filters; errors as
//! `errors/error{code, description}`.

mod common;

use app::domain::auth::Role;
use common::{act, category, phone_of, report_case, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The middle of the demo grid.
const HOME: (f64, f64) = (36.6372, 117.0135);
const SECRET: &str = "O311楼道堆物 张先生家门口";

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
    assert!(!all
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["service_request_id"] == private_id.as_str()));
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
    assert!(!closed
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["service_request_id"] == id));
    let open = json_of(
        &app,
        &format!("requests.json?status=open&service_code={code}"),
    )
    .await;
    assert!(open
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["service_request_id"] == id));
    let future = json_of(&app, "requests.json?start_date=2099-01-01T00:00:00Z").await;
    assert_eq!(future, json!([]));
    // The spec's comma lists; a zone's `+` sent unencoded.
    let both = json_of(&app, "requests.json?status=open,closed").await;
    assert!(both
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["service_request_id"] == public_id.as_str()));
    // A day ago in Beijing time, so the default 90-day span from it covers now.
    let since = (chrono::Utc::now() - chrono::Duration::days(1))
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .format("%Y-%m-%dT%H:%M:%S%:z");
    let plus = json_of(&app, &format!("requests.json?start_date={since}")).await;
    assert!(plus
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["service_request_id"] == public_id.as_str()));
    let codes = json_of(&app, &format!("requests.json?service_code=999999,{code}")).await;
    assert!(codes
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["service_request_id"] == public_id.as_str()));
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
