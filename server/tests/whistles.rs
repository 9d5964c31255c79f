//! Issue 10: the four-step whistle (吹哨报到: 呼叫—分办—联动—销号) through the
//! real router on SQLite and PostgreSQL — a lead and an assisting department,
//! accept, send back with a reason, report with a photo, close out with
//! ratings, and who may take each step.

mod common;

use app::domain::auth::{Grant, Role, Scope};
use app::domain::deadline::{china_date, midnight_after};
use chrono::{Duration, Utc};
use common::{act, phone_of, report_case, Backend, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

/// The middle of the demo grid `370103-001-001-01`.
const HOME: (f64, f64) = (36.6372, 117.0135);

async fn step(
    app: &TestApp,
    c: &Client,
    case: &Value,
    step: &str,
    extra: Value,
) -> (StatusCode, Value) {
    let mut req = json!({"case_id": case["id"], "version": case["version"], "step": step});
    for (k, v) in extra.as_object().unwrap() {
        req[k] = v.clone();
    }
    app.call_json(c, "whistle_step", json!({ "request": req }))
        .await
}

async fn detail(app: &TestApp, c: &Client, case: &Value) -> (StatusCode, Value) {
    app.call(c, "case_detail", &[("id", &case["id"].to_string())])
        .await
}

async fn told(app: &TestApp, who: &Client, id: &Value, event: &str) -> bool {
    let (_, notes) = app.call(who, "my_notices", &[]).await;
    notes
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["ref_id"] == *id && n["event"] == event)
}

async fn queue_ids(app: &TestApp, c: &Client) -> Vec<Value> {
    let (s, rows) = app
        .call_json(
            c,
            "case_queue",
            json!({"queue": "department", "statuses": [], "after": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{rows}");
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].clone())
        .collect()
}

/// A resident's report, confirmed by the street.
async fn confirmed(app: &TestApp, street: &Client, text: &str) -> Value {
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let (s, case) = report_case(app, &resident, HOME, text, true).await;
    assert_eq!(s, StatusCode::OK, "{case}");
    let (s, case) = act(app, street, &case, json!("confirm"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{case}");
    case
}

fn part<'a>(case: &'a Value, department: &str) -> &'a Value {
    case["whistle"]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["department"] == department)
        .unwrap_or_else(|| panic!("a part for {department}: {case}"))
}

async fn four_steps_with_a_lead_and_an_assisting_department(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let street = app.signed_in(phone_of(Role::StreetAdmin)).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let cg = app.signed_in(phone_of(Role::Department)).await;
    let sj_grant = Grant::new(Role::Department, Scope::Department("SJ".into())).unwrap();
    let (_, sj) = app.person("区市场监管局 王科长", &[sj_grant]).await;
    let hb_grant = Grant::new(Role::Department, Scope::Department("HB".into())).unwrap();
    let (_, other) = app.person("别的部门", &[hb_grant]).await;
    let case = confirmed(&app, &street, "商户占道经营，堵塞消防通道").await;
    let id = case["id"].clone();

    // 呼叫. Only the street whistles; the departments must be the district's,
    // each once and never the lead again; the date lies ahead.
    let today = china_date(Utc::now());
    let by = today + Duration::days(3);
    let whistle = json!({"dispatch": "department"});
    let (s, _) = act(
        &app,
        &worker,
        &case,
        whistle.clone(),
        json!({"department": "CG", "assisting": ["SJ"]}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    for (extra, field) in [
        (
            json!({"department": "CG", "assisting": ["CG"]}),
            "Assisting",
        ),
        (
            json!({"department": "CG", "assisting": ["XX"]}),
            "Assisting",
        ),
        (
            json!({"department": "CG", "assisting": ["SJ", "SJ"]}),
            "Assisting",
        ),
        (
            json!({"department": "CG", "required_by": today - Duration::days(1)}),
            "RequiredBy",
        ),
    ] {
        let (s, body) = act(&app, &street, &case, whistle.clone(), extra.clone()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{extra}: {body}");
        assert_eq!(body["field"], field, "{extra}: {body}");
    }
    let (s, case) = act(
        &app,
        &street,
        &case,
        whistle,
        json!({"department": "CG", "assisting": ["SJ"], "required_by": by, "note": "请城管牵头，市场监管配合"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{case}");
    assert_eq!(
        (&case["status"], &case["level"], &case["department"]),
        (&json!("dispatched"), &json!("department"), &json!("CG"))
    );
    assert_eq!(case["whistle"]["state"], "open");
    assert_eq!(case["whistle"]["required_by"], json!(by));
    assert_eq!(
        case["due_at"],
        json!(midnight_after(by)),
        "due at the end of the required-by date"
    );
    assert_eq!(part(&case, "CG")["lead"], true);
    assert_eq!(part(&case, "SJ")["lead"], false);
    assert_eq!(part(&case, "SJ")["state"], "called");
    assert!(told(&app, &cg, &id, "whistled").await);
    assert!(told(&app, &sj, &id, "whistled").await);

    // Both departments read it and find it in their queue; a third does not.
    for c in [&cg, &sj] {
        assert!(queue_ids(&app, c).await.contains(&id));
    }
    // (The case is on the public board: another department reads what
    // anyone reads, without the whistle.)
    assert!(!queue_ids(&app, &other).await.contains(&id));
    let (_, public) = detail(&app, &other, &case).await;
    assert!(public["whistle"].is_null(), "{public}");
    assert_eq!(
        step(&app, &other, &case, "accept", json!({})).await.0,
        StatusCode::FORBIDDEN
    );
    let (s, seen) = detail(&app, &sj, &case).await;
    assert_eq!(s, StatusCode::OK);
    assert!(seen["contact"].is_null(), "a department reads no contact");
    assert_eq!(
        seen["whistle"]["steps"],
        json!([["SJ", "accept"], ["SJ", "send_back"]])
    );

    // 分办. Each answers for its own part only; the resident for none.
    let (s, _) = step(&app, &sj, &case, "accept", json!({"department": "CG"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = step(&app, &resident, &case, "accept", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = step(&app, &street, &case, "accept", json!({})).await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "the street does not answer for a department"
    );
    let (s, body) = step(&app, &cg, &case, "report", json!({"note": "已处理"})).await;
    assert_eq!(
        (s, body),
        (StatusCode::CONFLICT, json!({"code": "wrong_state"})),
        "report after accepting"
    );
    let (s, case) = step(&app, &cg, &case, "accept", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{case}");
    assert_eq!(
        case["status"], "in_progress",
        "the lead's acceptance starts it"
    );
    assert!(told(&app, &street, &id, "whistle_accept").await);
    let (s, body) = step(&app, &sj, &case, "send_back", json!({})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["field"], "Reason");
    let (s, case) = step(
        &app,
        &sj,
        &case,
        "send_back",
        json!({"note": "占道经营不属于本部门职责"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{case}");
    assert!(
        case["whistle"].is_null(),
        "a department that sent its part back reads no more of it"
    );
    assert!(detail(&app, &sj, &case).await.1["whistle"].is_null());
    assert!(!queue_ids(&app, &sj).await.contains(&id));
    let (_, case) = detail(&app, &street, &case).await;
    assert_eq!(part(&case, "SJ")["state"], "sent_back");
    assert_eq!(part(&case, "SJ")["reason"], "占道经营不属于本部门职责");
    assert_eq!(case["status"], "in_progress", "the lead goes on");
    assert!(told(&app, &street, &id, "whistle_send_back").await);

    // 联动. The lead reports its part with a photo of the result.
    let photo = cg
        .post(app.url(&format!("/api/v1/cases/{id}/photos?phase=after")))
        .body(common::png(32, 24))
        .send()
        .await
        .unwrap();
    assert_eq!(photo.status(), StatusCode::OK);
    let (s, body) = step(&app, &cg, &case, "report", json!({})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["field"], "Report");
    let (s, case) = step(
        &app,
        &cg,
        &case,
        "report",
        json!({"note": "已依法劝离商户，通道已清空"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{case}");
    assert_eq!(part(&case, "CG")["state"], "reported");
    assert_eq!(
        part(&case, "CG")["photos"].as_array().unwrap().len(),
        1,
        "the report's photo is the department's"
    );
    let (_, mine) = detail(&app, &resident, &case).await;
    assert!(
        mine["whistle"].is_null(),
        "the whistle is staff's working record"
    );
    assert!(
        mine["photos"].as_array().unwrap().is_empty(),
        "the result's photo shows once the result is given"
    );

    // 销号. The street, with a rating for every department called.
    let (_, case) = detail(&app, &street, &case).await;
    assert_eq!(
        case["whistle"]["steps"],
        json!([[null, "close_out"], [null, "recall"]])
    );
    let close = |ratings: Value| json!({"note": "核查：通道已畅通", "ratings": ratings});
    let (s, _) = step(&app, &worker, &case, "close_out", close(json!([]))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    for ratings in [
        json!([{"department": "CG", "stars": 5}]),
        json!([{"department": "CG", "stars": 6}, {"department": "SJ", "stars": 2}]),
    ] {
        let (s, body) = step(&app, &street, &case, "close_out", close(ratings.clone())).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{ratings}");
        assert_eq!(body["field"], "Rating");
    }
    let (s, case) = step(
        &app,
        &street,
        &case,
        "close_out",
        close(json!([{"department": "CG", "stars": 5}, {"department": "SJ", "stars": 2}])),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{case}");
    assert_eq!(case["status"], "resolved");
    assert_eq!(case["result"], "核查：通道已畅通");
    assert_eq!(case["whistle"]["state"], "closed");
    assert_eq!(part(&case, "CG")["rating"], 5);
    assert_eq!(part(&case, "SJ")["rating"], 2);
    assert!(told(&app, &cg, &id, "whistle_close").await);
    let (s, _) = step(
        &app,
        &street,
        &case,
        "close_out",
        close(json!([{"department": "CG", "stars": 5}, {"department": "SJ", "stars": 2}])),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "once");

    // The resident's timeline: the call, the lead's acceptance and the
    // close-out; never a department's reasons or reports.
    let (_, mine) = detail(&app, &resident, &case).await;
    let actions: Vec<&str> = mine["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "report",
            "confirm",
            "dispatch",
            "whistle_accept",
            "whistle_close"
        ]
    );
    assert_eq!(
        mine["photos"].as_array().unwrap().len(),
        1,
        "the result's photo shows with the result"
    );
    let text = mine.to_string();
    for internal in ["不属于本部门职责", "依法劝离", "请城管牵头"] {
        assert!(!text.contains(internal), "{internal} in {text}");
    }
    // Staff read every step.
    let (_, full) = detail(&app, &street, &case).await;
    assert_eq!(full["timeline"].as_array().unwrap().len(), 7);
}

async fn the_lead_sending_back_returns_the_case_to_the_street(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let street = app.signed_in(phone_of(Role::StreetAdmin)).await;
    let cg = app.signed_in(phone_of(Role::Department)).await;
    let case = confirmed(&app, &street, "井盖破损，道路积水").await;
    let (s, case) = act(
        &app,
        &street,
        &case,
        json!({"dispatch": "department"}),
        json!({"department": "CG"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{case}");
    // Without a date the department time limit applies.
    assert_eq!(
        case["whistle"]["required_by"],
        json!(china_date(
            serde_json::from_value::<chrono::DateTime<Utc>>(case["due_at"].clone()).unwrap()
                - Duration::seconds(1)
        ))
    );
    let (s, back) = step(
        &app,
        &cg,
        &case,
        "send_back",
        json!({"note": "属于水务部门"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{back}");
    assert!(back["whistle"].is_null() && back["department"].is_null());
    let (_, case) = detail(&app, &street, &case).await;
    assert_eq!(
        (&case["status"], &case["level"]),
        (&json!("in_progress"), &json!("street")),
        "the street holds it again"
    );
    assert_eq!(case["whistle"]["state"], "returned");
    assert!(detail(&app, &cg, &case).await.1["whistle"].is_null());
    // The street whistles again, to another department.
    assert!(case["actions"]
        .as_array()
        .unwrap()
        .contains(&json!({"dispatch": "department"})));
    let (s, again) = act(
        &app,
        &street,
        &case,
        json!({"dispatch": "department"}),
        json!({"department": "SJ"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{again}");
    assert_eq!(again["whistle"]["state"], "open");
    assert_eq!(part(&again, "SJ")["lead"], true);
    assert_eq!(again["whistle"]["parts"].as_array().unwrap().len(), 1);

    // A department that never answers: the street takes the whistle back,
    // with a reason; the department no longer has the case.
    let sj_grant = Grant::new(Role::Department, Scope::Department("SJ".into())).unwrap();
    let (_, sj) = app.person("区市场监管局 值班", &[sj_grant]).await;
    let (s, _) = step(&app, &sj, &again, "recall", json!({"note": "x"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "only the street takes it back");
    let (s, body) = step(&app, &street, &again, "recall", json!({})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["field"], "Reason");
    let (s, back) = step(
        &app,
        &street,
        &again,
        "recall",
        json!({"note": "部门三日未签收，街道自行协调"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{back}");
    assert_eq!(
        (&back["status"], &back["level"], &back["whistle"]["state"]),
        (&json!("in_progress"), &json!("street"), &json!("returned"))
    );
    assert!(told(&app, &sj, &back["id"], "whistle_recall").await);
    assert!(detail(&app, &sj, &back).await.1["whistle"].is_null());
}

/// Departments answer at once and both land; the deadline warning reaches an
/// assisting department still owing its part; a part still owed when the
/// street closes out ends as 结束时未报到.
async fn parts_answered_at_once_and_a_part_left_unreported(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let street = app.signed_in(phone_of(Role::StreetAdmin)).await;
    let cg = app.signed_in(phone_of(Role::Department)).await;
    let sj_grant = Grant::new(Role::Department, Scope::Department("SJ".into())).unwrap();
    let (_, sj) = app.person("区市场监管局 李科员", &[sj_grant]).await;
    let hb_grant = Grant::new(Role::Department, Scope::Department("XF".into())).unwrap();
    let (_, hb) = app.person("区消防救援大队 张队员", &[hb_grant]).await;
    let case = confirmed(&app, &street, "夜市油烟扰民，摊位占道").await;
    let (s, case) = act(
        &app,
        &street,
        &case,
        json!({"dispatch": "department"}),
        json!({"department": "CG", "assisting": ["SJ", "XF"]}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{case}");

    // Three departments answer the same version of the case at once.
    let (a, b, c) = tokio::join!(
        step(&app, &cg, &case, "accept", json!({})),
        step(&app, &sj, &case, "accept", json!({})),
        step(
            &app,
            &hb,
            &case,
            "send_back",
            json!({"note": "不涉及消防职责"})
        ),
    );
    for (who, (s, body)) in [("CG", a), ("SJ", b), ("XF", c)] {
        assert_eq!(s, StatusCode::OK, "{who}: {body}");
    }
    let (_, case) = detail(&app, &street, &case).await;
    assert_eq!(part(&case, "CG")["state"], "accepted");
    assert_eq!(part(&case, "SJ")["state"], "accepted");
    assert_eq!(part(&case, "XF")["state"], "sent_back");
    assert_eq!(case["status"], "in_progress");
    // A second tap of the same answer is still refused.
    let (s, _) = step(&app, &sj, &case, "accept", json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT);

    // The deadline warning reaches the lead and SJ, which owes its report;
    // XF, which sent its part back, hears nothing more.
    let row = app::backend::store::cases::case_by_id(&app.state.db, case["id"].as_i64().unwrap())
        .await
        .unwrap()
        .unwrap();
    let warn_at = row.alarm_at.expect("a whistled case has an alarm");
    let r = app::backend::services::deadlines::sweep(&app.state, warn_at + Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(r.warned, 1, "{r:?}");
    assert!(told(&app, &cg, &case["id"], "due_soon").await);
    assert!(told(&app, &sj, &case["id"], "due_soon").await);
    assert!(!told(&app, &hb, &case["id"], "due_soon").await);

    // The lead reports; the street closes out with SJ's part still owed.
    let (s, case) = step(
        &app,
        &cg,
        &case,
        "report",
        json!({"note": "已取缔占道摊位"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{case}");
    let (s, case) = step(
        &app,
        &street,
        &case,
        "close_out",
        json!({"note": "核查：已整改", "ratings": [
            {"department": "CG", "stars": 5},
            {"department": "SJ", "stars": 2},
            {"department": "XF", "stars": 3}
        ]}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{case}");
    assert_eq!(part(&case, "CG")["state"], "reported");
    assert_eq!(part(&case, "SJ")["state"], "lapsed", "{case}");
    assert!(part(&case, "SJ")["reported_at"].is_null());
    assert_eq!(part(&case, "XF")["state"], "sent_back");
    let (_, seen) = detail(&app, &sj, &case).await;
    assert_eq!(seen["whistle"]["steps"], json!([]), "nothing left to do");
}

on_both_backends!(
    four_steps_with_a_lead_and_an_assisting_department,
    the_lead_sending_back_returns_the_case_to_the_street,
    parts_answered_at_once_and_a_part_left_unreported
);
