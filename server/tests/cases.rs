//! The case loop through the real router on SQLite and PostgreSQL.

mod common;

use common::png;

use app::backend::demo::DISTRICT_CODE;
use app::domain::auth::Role;
use common::{act, category, phone_of, report_case, upload_case_photo as upload, Backend, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

/// The middle of the demo grid `370103-001-001-01` (company 1's compound).
const HOME: (f64, f64) = (36.6372, 117.0135);
/// The middle of grid `370103-001-001-02` (another company).
const NEXT_DOOR: (f64, f64) = (36.6372, 117.0165);

async fn report(app: &TestApp, c: &Client, at: (f64, f64), text: &str) -> (StatusCode, Value) {
    report_case(app, c, at, text, true).await
}

/// Steps a case must pass, asserting each succeeds; returns the case after.
async fn step(
    app: &TestApp,
    c: &Client,
    case: Value,
    action: Value,
    extra: Value,
    want: &str,
) -> Value {
    let (s, body) = act(app, c, &case, action.clone(), extra).await;
    assert_eq!(s, StatusCode::OK, "{action}: {body}");
    assert_eq!(body["status"], want, "{action}");
    body
}

async fn the_whole_loop_from_report_to_close(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let (s, case) = report(&app, &resident, HOME, "楼道灯坏了一周，晚上很黑").await;
    assert_eq!(s, StatusCode::OK, "{case}");
    assert_eq!(case["status"], "reported");
    assert_eq!(case["grid_code"], format!("{DISTRICT_CODE}-001-001-01"));
    assert!(
        case["due_at"].is_string(),
        "every case carries its deadline"
    );
    assert_eq!(
        case["actions"],
        json!([]),
        "a resident cannot act on a fresh report"
    );

    // The resident may not confirm their own report.
    let (s, _) = act(&app, &resident, &case, json!("confirm"), json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Nor may anyone accept before it is dispatched.
    let (s, body) = act(&app, &worker, &case, json!("accept"), json!({})).await;
    assert_eq!(
        (s, body),
        (StatusCode::CONFLICT, json!({"code": "wrong_state"}))
    );

    let case = step(
        &app,
        &worker,
        case,
        json!("confirm"),
        json!({}),
        "confirmed",
    )
    .await;
    let case = step(
        &app,
        &worker,
        case,
        json!({"dispatch": "grid"}),
        json!({}),
        "dispatched",
    )
    .await;
    assert_eq!(case["level"], "grid");
    let case = step(
        &app,
        &worker,
        case,
        json!("accept"),
        json!({}),
        "in_progress",
    )
    .await;
    let case = step(
        &app,
        &worker,
        case,
        json!("progress"),
        json!({"note": "已联系物业更换灯泡（内部）"}),
        "in_progress",
    )
    .await;
    // Resolving needs a result.
    let (s, _) = act(&app, &worker, &case, json!("resolve"), json!({})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let case = step(
        &app,
        &worker,
        case,
        json!("resolve"),
        json!({"note": "已更换楼道灯"}),
        "resolved",
    )
    .await;
    let case = step(
        &app,
        &worker,
        case,
        json!("feedback"),
        json!({}),
        "fed_back",
    )
    .await;

    // The resident sees the result and the public timeline, not internal notes.
    let (_, seen) = app
        .call(&resident, "case_detail", &[("id", &case["id"].to_string())])
        .await;
    assert_eq!(seen["result"], "已更换楼道灯");
    assert_eq!(seen["actions"], json!(["evaluate", "reopen"]));
    let timeline = seen["timeline"].to_string();
    assert!(
        !timeline.contains("内部"),
        "progress notes are internal: {timeline}"
    );
    assert!(
        !timeline.contains("网格员 张伟"),
        "residents see roles, not staff names"
    );
    // Each public step reached the resident's notification list (消息),
    // the internal progress note did not.
    let (_, notices) = app.call(&resident, "my_notices", &[]).await;
    let events: Vec<&str> = notices
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["event"].as_str().unwrap())
        .collect();
    for want in ["confirmed", "dispatched", "resolved", "fed_back"] {
        assert!(events.contains(&want), "{want} in {events:?}");
    }
    assert_eq!(
        events.iter().filter(|e| **e == "in_progress").count(),
        1,
        "accept notifies, the internal progress note does not: {events:?}"
    );
    let (_, unread) = app.call(&resident, "unread_notices", &[]).await;
    assert_eq!(unread.as_u64().unwrap() as usize, events.len());
    app.call(&resident, "mark_notices_read", &[]).await;
    let (_, unread) = app.call(&resident, "unread_notices", &[]).await;
    assert_eq!(unread, 0);

    let (s, _) = act(
        &app,
        &resident,
        &seen,
        json!("evaluate"),
        json!({"rating": 6}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "ratings are 1–5");
    let case = step(
        &app,
        &resident,
        seen,
        json!("evaluate"),
        json!({"rating": 5, "note": "很及时"}),
        "evaluated",
    )
    .await;
    assert_eq!(case["rating"], 5);
    let (_, case) = app
        .call(&worker, "case_detail", &[("id", &case["id"].to_string())])
        .await;
    let case = step(&app, &worker, case, json!("close"), json!({}), "closed").await;
    let actions: Vec<_> = case["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        actions,
        [
            "report", "confirm", "dispatch", "accept", "progress", "resolve", "feedback",
            "evaluate", "close"
        ]
    );
    assert!(
        case["due_state"].is_null(),
        "closed cases are off the clock"
    );
}

async fn residents_companies_and_departments_see_only_their_cases(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let other = app.client();
    let (s, _) = app
        .call(
            &other,
            "register",
            &[
                ("phone", "13698765432"),
                ("password", "longenough1"),
                ("name", "邻居"),
                ("consent", "true"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, mine) = report(&app, &resident, HOME, "车库漏水").await;
    let cat = category(&app, &other).await;
    let (_, theirs) = app
        .call_json(
            &other,
            "report_case",
            json!({"case": {"category_id": cat, "description": "电梯故障", "lat": NEXT_DOOR.0, "lng": NEXT_DOOR.1, "public": false, "source": "resident", "contact_phone": null}}),
        )
        .await;

    // A resident cannot read another resident's case (and learns nothing from the id).
    let (s, body) = app
        .call(
            &resident,
            "case_detail",
            &[("id", &theirs["id"].to_string())],
        )
        .await;
    assert_eq!(
        (s, body),
        (StatusCode::NOT_FOUND, json!({"code": "not_found"}))
    );
    let (_, my_list) = app
        .call_json(
            &resident,
            "case_queue",
            json!({"queue": "mine", "statuses": [], "after": null}),
        )
        .await;
    assert_eq!(my_list.as_array().unwrap().len(), 1);

    // The property company sees nothing of a fresh case, not even one in
    // its own compound: it sees only what is dispatched to it.
    let company = app.signed_in(phone_of(Role::PropertyCompany)).await;
    let (s, tasks) = app
        .call_json(
            &company,
            "case_queue",
            json!({"queue": "company", "statuses": [], "after": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        !tasks
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == mine["id"]),
        "a fresh case is the grid's, not the company's: {tasks}"
    );
    assert_eq!(
        app.call(
            &company,
            "case_detail",
            &[("id", &theirs["id"].to_string())]
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    // A board case it may read as anyone may: the public view, no steps.
    let (s, seen) = app
        .call(&company, "case_detail", &[("id", &mine["id"].to_string())])
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(seen["actions"].as_array().unwrap().is_empty(), "{seen}");
    assert!(seen["contact"].is_null());

    // A department sees a case only once the street whistles it to them.
    let street = app.signed_in(phone_of(Role::StreetAdmin)).await;
    let department = app.signed_in(phone_of(Role::Department)).await;
    assert_eq!(
        app.call(
            &department,
            "case_detail",
            &[("id", &theirs["id"].to_string())]
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    let (_, before) = app
        .call(
            &department,
            "case_detail",
            &[("id", &mine["id"].to_string())],
        )
        .await;
    assert!(before["actions"].as_array().unwrap().is_empty(), "{before}");
    let case = step(
        &app,
        &street,
        mine,
        json!("confirm"),
        json!({}),
        "confirmed",
    )
    .await;
    // Grid staff may not whistle departments; the street may.
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let (s, _) = act(
        &app,
        &worker,
        &case,
        json!({"dispatch": "department"}),
        json!({"department": "CG"}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = act(
        &app,
        &street,
        &case,
        json!({"dispatch": "department"}),
        json!({}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "which department?");
    let case = step(
        &app,
        &street,
        case,
        json!({"dispatch": "department"}),
        json!({"department": "CG"}),
        "dispatched",
    )
    .await;
    let (_, inbox) = app
        .call_json(
            &department,
            "case_queue",
            json!({"queue": "department", "statuses": [], "after": null}),
        )
        .await;
    assert_eq!(inbox.as_array().unwrap().len(), 1);
    let (_, detail) = app
        .call(
            &department,
            "case_detail",
            &[("id", &case["id"].to_string())],
        )
        .await;
    // A department case cannot be escalated further, and is accepted
    // through its whistle (吹哨报到, server/tests/whistles.rs).
    assert_eq!(detail["actions"], json!([]));
    assert_eq!(
        detail["whistle"]["steps"],
        json!([["CG", "accept"], ["CG", "send_back"]])
    );
    let (s, accepted) = app
        .call_json(
            &department,
            "whistle_step",
            json!({"request": {"case_id": detail["id"], "version": detail["version"], "step": "accept"}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{accepted}");
    assert_eq!(accepted["status"], "in_progress");
    // Queues of other places are refused.
    let (s, _) = app.call_json(&worker, "case_queue", json!({"queue": {"grid": format!("{DISTRICT_CODE}-002-001-01")}, "statuses": [], "after": null})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

async fn twenty_concurrent_accepts_let_exactly_one_through(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let leader = app.signed_in(phone_of(Role::GridLeader)).await;
    let (_, case) = report(&app, &resident, HOME, "井盖缺失，很危险").await;
    let case = step(
        &app,
        &worker,
        case,
        json!("confirm"),
        json!({}),
        "confirmed",
    )
    .await;
    let case = step(
        &app,
        &worker,
        case,
        json!({"dispatch": "grid"}),
        json!({}),
        "dispatched",
    )
    .await;
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for i in 0..20 {
        let (app, case) = (app.clone(), case.clone());
        let client = if i % 2 == 0 {
            worker.clone()
        } else {
            leader.clone()
        };
        tasks.push(tokio::spawn(async move {
            act(&app, &client, &case, json!("accept"), json!({})).await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        let (s, body) = t.await.unwrap();
        match s {
            StatusCode::OK => ok += 1,
            StatusCode::CONFLICT => {
                let by = body["text"].as_str().unwrap_or_default().to_string();
                assert!(by.starts_with("网格"), "told who has it: {body}");
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(ok, 1, "exactly one accept applies");
    let (_, now) = app
        .call(&worker, "case_detail", &[("id", &case["id"].to_string())])
        .await;
    let accepts = now["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "accept")
        .count();
    assert_eq!(accepts, 1);
}

async fn bad_reports_are_refused_and_nothing_is_stored(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let cat = category(&app, &resident).await;
    let cases = [
        (
            json!({"category_id": cat, "description": "   ", "lat": HOME.0, "lng": HOME.1}),
            json!({"code": "invalid_input", "field": "Description", "problem": "Required"}),
        ),
        (
            json!({"category_id": cat, "description": "x", "lat": 48.85, "lng": 2.35}),
            json!({"code": "invalid_input", "field": "Coordinates", "problem": "OutOfRange"}),
        ),
        (
            json!({"category_id": cat, "description": "x", "lat": 39.9, "lng": 116.4}),
            json!({"code": "invalid_input", "field": "Coordinates", "problem": "OutOfRange"}),
        ),
        (
            json!({"category_id": 99999, "description": "x", "lat": HOME.0, "lng": HOME.1}),
            json!({"code": "invalid_input", "field": "Category", "problem": "Unknown"}),
        ),
        (
            json!({"category_id": cat, "description": "长".repeat(1001), "lat": HOME.0, "lng": HOME.1}),
            json!({"code": "invalid_input", "field": "Description", "problem": "TooLong"}),
        ),
    ];
    for (mut case, want) in cases {
        case["public"] = json!(true);
        case["source"] = json!("resident");
        case["contact_phone"] = Value::Null;
        let (s, body) = app
            .call_json(&resident, "report_case", json!({"case": case}))
            .await;
        assert_eq!((s, &body), (StatusCode::BAD_REQUEST, &want));
        let err: app::domain::error::AppError = serde_json::from_value(body).unwrap();
        assert!(!err.message(app::domain::lang::Lang::Zh).is_empty());
    }
    // A resident cannot pose as a patrol.
    let (s, _) = app
        .call_json(&resident, "report_case", json!({"case": {"category_id": cat, "description": "x", "lat": HOME.0, "lng": HOME.1, "public": false, "source": "patrol", "contact_phone": null}}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        app::backend::store::cases::count_cases(&app.state.db)
            .await
            .unwrap(),
        0
    );
    // Signed out: nothing.
    let (s, _) = report(&app, &app.client(), HOME, "x").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

async fn the_public_board_is_anonymised_open_data(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let cat = category(&app, &resident).await;
    let mut ids = Vec::new();
    for (public, text) in [
        (true, "公开的问题：张三家门口 13912345678"),
        (false, "不公开的问题"),
        (true, "第二个公开的问题"),
    ] {
        let (s, case) = app
            .call_json(&resident, "report_case", json!({"case": {"category_id": cat, "description": text, "lat": HOME.0, "lng": HOME.1, "public": public, "source": "resident", "contact_phone": null}}))
            .await;
        assert_eq!(s, StatusCode::OK);
        ids.push(case["id"].as_i64().unwrap());
    }
    let (s, board) = app.get_json("/api/v1/board.json").await;
    assert_eq!(s, StatusCode::OK);
    let listed: Vec<i64> = board["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        listed,
        vec![ids[2], ids[0]],
        "public cases only, newest first"
    );
    let text = board.to_string();
    for private in [
        "张三",
        "13912345678",
        "不公开",
        "reporter",
        "description",
        "contact",
    ] {
        assert!(!text.contains(private), "{private} on the public board");
    }
    let lat = board["items"][0]["lat"].as_f64().unwrap();
    assert_eq!(
        lat,
        (HOME.0 * 1000.0).round() / 1000.0,
        "place blurred to ~100 m"
    );

    // Filters and pages.
    let grid = format!("{DISTRICT_CODE}-001-001-01");
    let (_, page1) = app
        .get_json(&format!(
            "/api/v1/board.json?grid={grid}&status=reported&limit=1"
        ))
        .await;
    assert_eq!(page1["items"].as_array().unwrap().len(), 1);
    let next = page1["next"].as_i64().unwrap();
    let (_, page2) = app
        .get_json(&format!(
            "/api/v1/board.json?grid={grid}&status=reported&limit=1&after={next}"
        ))
        .await;
    assert_eq!(page2["items"][0]["id"], ids[0]);
    let (_, none) = app.get_json("/api/v1/board.json?status=closed").await;
    assert_eq!(none["items"], json!([]));
    for bad in ["status=bogus", "category=x", "since=yesterday", "after=abc"] {
        let (s, body) = app.get_json(&format!("/api/v1/board.json?{bad}")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
}

async fn deadlines_follow_the_admins_calendar_and_limits(backend: Backend) {
    use app::domain::deadline::china;
    use chrono::{Duration, Utc};
    let app = TestApp::demo(backend).await;
    let admin = app.signed_in(phone_of(Role::SystemAdmin)).await;
    let street = app.signed_in(phone_of(Role::StreetAdmin)).await;
    let today = Utc::now().with_timezone(&china()).date_naive();
    let day = |n: i64| (today + Duration::days(n)).format("%Y-%m-%d").to_string();
    // Today is worked, the next nine days are a holiday, day 10 is worked.
    let (s, _) = app
        .call(
            &admin,
            "set_calendar_day",
            &[("day", &day(0)), ("kind", "workday"), ("name", "调休")],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    for n in 1..10 {
        let (s, _) = app
            .call(
                &admin,
                "set_calendar_day",
                &[("day", &day(n)), ("kind", "holiday"), ("name", "长假")],
            )
            .await;
        assert_eq!(s, StatusCode::OK);
    }
    assert_eq!(
        app.call(
            &admin,
            "set_calendar_day",
            &[("day", &day(10)), ("kind", "workday"), ("name", "调休")]
        )
        .await
        .0,
        StatusCode::OK
    );
    // Only admins keep the calendar; bad input is refused.
    assert_eq!(
        app.call(
            &street,
            "set_calendar_day",
            &[("day", &day(11)), ("kind", "holiday")]
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(
            &admin,
            "set_calendar_day",
            &[("day", "2026-13-01"), ("kind", "holiday")]
        )
        .await
        .0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.call(
            &admin,
            "set_calendar_day",
            &[("day", &day(11)), ("kind", "someday")]
        )
        .await
        .0,
        StatusCode::BAD_REQUEST
    );
    let (s, _) = app
        .call_json(
            &admin,
            "set_time_limits",
            json!({"limits": {"grid": 0, "community": 3, "department": 5}}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = app
        .call_json(
            &street,
            "set_time_limits",
            json!({"limits": {"grid": 2, "community": 3, "department": 5}}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let (_, case) = report(&app, &resident, HOME, "路面坑洼").await;
    let created: chrono::DateTime<Utc> = case["created_at"].as_str().unwrap().parse().unwrap();
    let due: chrono::DateTime<Utc> = case["due_at"].as_str().unwrap().parse().unwrap();
    let (created, due) = (created.with_timezone(&china()), due.with_timezone(&china()));
    assert_eq!(
        due.date_naive(),
        today + Duration::days(10),
        "one working day, over the holiday"
    );
    assert_eq!(due.time(), created.time());

    // Two working days at the grid now: day 10, then the first weekday after it
    // that is not a weekend (day 11 or later).
    let (s, _) = app
        .call_json(
            &admin,
            "set_time_limits",
            json!({"limits": {"grid": 2, "community": 3, "department": 5}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, settings) = app.call(&admin, "deadline_settings", &[]).await;
    assert_eq!(settings["limits"]["grid"], 2);
    assert_eq!(settings["days"].as_array().unwrap().len(), 11);
    let (_, case) = report(&app, &resident, HOME, "又一个坑").await;
    let due: chrono::DateTime<Utc> = case["due_at"].as_str().unwrap().parse().unwrap();
    assert!(due.with_timezone(&china()).date_naive() > today + Duration::days(10));
}

/// A JPEG carrying an EXIF block with a GPS marker.
fn jpeg_with_gps() -> Vec<u8> {
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new(&mut plain)
        .encode_image(&image::DynamicImage::new_rgb8(16, 16).to_rgb8())
        .unwrap();
    let payload = b"Exif\0\0GPSLatitude 36.6512 N";
    let mut out = plain[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(payload);
    out.extend_from_slice(&plain[2..]);
    out
}

async fn photos_are_checked_stripped_and_shown_only_where_allowed(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let (_, case) = report(&app, &resident, HOME, "路灯不亮，附照片").await;

    let (s, first) = upload(&app, &resident, &case, jpeg_with_gps()).await;
    assert_eq!(s, StatusCode::OK, "{first}");
    let stored = reqwest::get(app.url(first["url"].as_str().unwrap()))
        .await
        .unwrap();
    assert_eq!(
        stored.status(),
        StatusCode::OK,
        "public case, reporter's photo: on the board"
    );
    let bytes = stored.bytes().await.unwrap();
    assert!(
        !bytes.windows(11).any(|w| w == b"GPSLatitude"),
        "EXIF (GPS) must be stripped"
    );
    let thumb = reqwest::get(app.url(first["thumb_url"].as_str().unwrap()))
        .await
        .unwrap();
    assert_eq!(thumb.status(), StatusCode::OK);
    for _ in 0..4 {
        assert_eq!(
            upload(&app, &resident, &case, png(40, 30)).await.0,
            StatusCode::OK
        );
    }
    // Bad uploads: each refused with its reason, nothing stored.
    let too_big = vec![0xFFu8; 20 * 1024 * 1024];
    let bad: Vec<(Vec<u8>, StatusCode, &str)> = vec![
        (
            b"%PDF-1.7 this is not a photo".to_vec(),
            StatusCode::BAD_REQUEST,
            "not_image",
        ),
        (too_big, StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
    ];
    for (bytes, status, problem) in bad {
        let (s, body) = upload(&app, &resident, &case, bytes).await;
        assert_eq!(s, status, "{body}");
        assert_eq!(body["code"], "invalid_input", "{body}");
        assert_eq!(body["problem"], problem);
    }
    assert_eq!(
        upload(&app, &resident, &case, png(40, 30)).await.0,
        StatusCode::OK,
        "the sixth"
    );
    for (bytes, status, problem) in [
        (png(10, 10), StatusCode::BAD_REQUEST, "too_many"),
        (
            b"%PDF-1.7 this is not a photo".to_vec(),
            StatusCode::BAD_REQUEST,
            "too_many",
        ),
    ] {
        let (s, body) = upload(&app, &resident, &case, bytes).await;
        assert_eq!(s, status, "{body}");
        assert_eq!(body["field"], "photo");
        assert_eq!(body["problem"], problem);
        let err: app::domain::error::ErrorBody = serde_json::from_value(body).unwrap();
        assert!(err.message(app::domain::lang::Lang::Zh).contains("照片"));
    }
    assert_eq!(
        app::backend::store::photos::count_all(&app.state.db)
            .await
            .unwrap(),
        6
    );
    let (_, detail) = app
        .call(&resident, "case_detail", &[("id", &case["id"].to_string())])
        .await;
    assert_eq!(detail["photos"].as_array().unwrap().len(), 6);

    // A private case's photos are for its readers only.
    let cat = category(&app, &resident).await;
    let (_, private) = app
        .call_json(&resident, "report_case", json!({"case": {"category_id": cat, "description": "私下反映", "lat": HOME.0, "lng": HOME.1, "public": false, "source": "resident", "contact_phone": null}}))
        .await;
    let (_, p) = upload(&app, &resident, &private, png(20, 20)).await;
    let url = app.url(p["url"].as_str().unwrap());
    assert_eq!(
        reqwest::get(&url).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let neighbour = app.client();
    app.call(
        &neighbour,
        "register",
        &[
            ("phone", "13698765000"),
            ("password", "longenough1"),
            ("name", "邻居"),
            ("consent", "true"),
        ],
    )
    .await;
    assert_eq!(
        neighbour.get(&url).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        resident.get(&url).send().await.unwrap().status(),
        StatusCode::OK
    );
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    assert_eq!(
        worker.get(&url).send().await.unwrap().status(),
        StatusCode::OK
    );
    // The neighbour cannot add photos to someone else's case either.
    assert_eq!(
        upload(&app, &neighbour, &private, png(20, 20)).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, board) = app.get_json("/api/v1/board.json").await;
    assert_eq!(board["items"][0]["photos"].as_array().unwrap().len(), 6);
}

async fn staff_file_patrol_and_hotline_cases(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let community = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let cat = category(&app, &worker).await;
    let case = |source: &str, phone: Value| json!({"case": {"category_id": cat, "description": "巡查发现占道经营", "lat": HOME.0, "lng": HOME.1, "public": false, "source": source, "contact_phone": phone}});
    let (s, patrol) = app
        .call_json(&worker, "report_case", case("patrol", Value::Null))
        .await;
    assert_eq!(s, StatusCode::OK, "{patrol}");
    assert_eq!(patrol["source"], "patrol");
    // Patrol outside the worker's grid is refused.
    let far = json!({"case": {"category_id": cat, "description": "x", "lat": NEXT_DOOR.0, "lng": NEXT_DOOR.1, "public": false, "source": "patrol", "contact_phone": null}});
    assert_eq!(
        app.call_json(&worker, "report_case", far).await.0,
        StatusCode::FORBIDDEN
    );
    let (s, body) = app
        .call_json(&community, "report_case", case("hotline", json!("123")))
        .await;
    assert_eq!(
        (s, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"code": "invalid_input", "field": "Phone", "problem": "NotMobile"})
        )
    );
    let (s, hotline) = app
        .call_json(
            &community,
            "report_case",
            case("hotline", json!("13712345678")),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{hotline}");
    assert_eq!(hotline["source"], "hotline");
    // Staff of the place see the caller's number to call back (the look is
    // audited); nobody else ever does.
    assert_eq!(hotline["contact"]["phone"], "13712345678");
    let (s, seen) = app
        .call(
            &resident,
            "case_detail",
            &[("id", &hotline["id"].to_string())],
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{seen}");
    assert_eq!(
        app.call_json(
            &resident,
            "report_case",
            case("hotline", json!("13712345678"))
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
}

/// A shared link brings many strangers at once: while the first one's page
/// renders, the others wait for it (one render, every other a hit), each
/// with a nonce of its own.
async fn strangers_arriving_together_share_one_render(backend: Backend) {
    let app = TestApp::demo(backend).await;
    // Any kept page forgotten: a case changes.
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let (s, _) = report(&app, &resident, HOME, "楼下路面塌陷").await;
    assert_eq!(s, StatusCode::OK);
    let strangers: Vec<Client> = (0..12).map(|_| app.client()).collect();
    let pages =
        futures::future::join_all(strangers.iter().map(|c| board_page(&app, c, None))).await;
    let misses = pages
        .iter()
        .filter(|(_, _, kept)| kept.as_deref() == Some("miss"))
        .count();
    assert_eq!(misses, 1, "one render for twelve strangers at once");
    let nonces: std::collections::HashSet<_> = pages.iter().map(|(_, n, _)| n).collect();
    assert_eq!(nonces.len(), pages.len(), "every answer has its own nonce");
    for (body, nonce, _) in &pages {
        assert!(body.contains(&format!("nonce=\"{nonce}\"")));
    }
}

/// The page, the nonce its CSP header allows, and whether it came from the
/// page cache (`hit`), was rendered for it (`miss`), or neither (none).
async fn board_page(
    app: &TestApp,
    c: &Client,
    cookie: Option<&str>,
) -> (String, String, Option<String>) {
    let mut req = c.get(app.url("/board"));
    if let Some(cookie) = cookie {
        req = req.header("cookie", cookie);
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|t| t.split('\'').next())
        .expect("a nonce in the CSP")
        .to_string();
    let kept = res
        .headers()
        .get("x-page-cache")
        .map(|v| v.to_str().unwrap().to_string());
    (res.text().await.unwrap(), nonce, kept)
}

/// A stranger's board page is rendered once and handed to the next
/// strangers for a second (server/src/page_cache.rs): each copy carries its
/// own request's nonce, a case change shows at once, and a signed-in
/// person's page is never kept nor handed to anyone.
async fn the_strangers_board_page_is_kept_briefly_and_never_shared(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let stranger = app.client();
    let (_, _, kept) = board_page(&app, &stranger, None).await;
    assert_eq!(kept.as_deref(), Some("miss"), "the first is rendered");
    // Two strangers in a row share a page (a few tries: on a loaded test
    // machine a second may pass between them).
    let mut pair = None;
    for _ in 0..10 {
        let (a, na, _) = board_page(&app, &stranger, None).await;
        let (b, nb, kb) = board_page(&app, &stranger, None).await;
        if kb.as_deref() == Some("hit") {
            pair = Some((a, na, b, nb));
            break;
        }
    }
    let (first, n1, second, n2) = pair.expect("a stranger handed a kept page");
    assert_ne!(n1, n2, "every answer has a nonce of its own");
    assert!(
        first.contains(&format!("nonce=\"{n1}\"")),
        "the page carries its header's nonce"
    );
    assert!(
        second.contains(&format!("nonce=\"{n2}\"")),
        "a kept page gets the new nonce"
    );
    assert!(
        !second.contains(&n1),
        "no trace of the first answer's nonce"
    );
    assert_eq!(first.replace(&n1, "N"), second.replace(&n2, "N"));

    // A new public case is on the very next stranger's page.
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    board_page(&app, &stranger, None).await;
    let (s, case) = report(&app, &resident, HOME, "路灯不亮").await;
    assert_eq!(s, StatusCode::OK);
    let shown = format!(">#{}<", case["id"]);
    assert!(!second.contains(&shown), "not there before");
    let (after, _, kept3) = board_page(&app, &stranger, None).await;
    assert_eq!(
        kept3.as_deref(),
        Some("miss"),
        "the change forgot the kept page"
    );
    assert!(after.contains(&shown), "the new case is on it: {after}");

    // The signed-in resident's page names her and bypasses the cache both
    // ways: no stranger ever gets it, and she never gets a stranger's.
    let name = "居民 郑丽";
    let (hers, _, kept) = board_page(&app, &resident, None).await;
    assert!(hers.contains(name));
    assert_eq!(
        kept, None,
        "a signed-in page is neither kept nor handed out"
    );
    let (theirs, _, kept) = board_page(&app, &stranger, None).await;
    assert!(!theirs.contains(name));
    assert!(
        kept.is_some(),
        "a stranger's page, kept or rendered for them"
    );

    // Each language is its own page.
    let (english, _, kept) = board_page(&app, &stranger, Some("lang=en")).await;
    assert_eq!(kept.as_deref(), Some("miss"), "not the kept Chinese page");
    assert!(english.contains("lang=\"en\""));
}

on_both_backends!(
    the_strangers_board_page_is_kept_briefly_and_never_shared,
    strangers_arriving_together_share_one_render,
    staff_file_patrol_and_hotline_cases,
    photos_are_checked_stripped_and_shown_only_where_allowed,
    deadlines_follow_the_admins_calendar_and_limits,
    the_public_board_is_anonymised_open_data,
    the_whole_loop_from_report_to_close,
    residents_companies_and_departments_see_only_their_cases,
    twenty_concurrent_accepts_let_exactly_one_through,
    bad_reports_are_refused_and_nothing_is_stored,
);

async fn queues_filter_by_category_and_grid(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let community = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let (s, cats) = app.call(&resident, "case_categories", &[]).await;
    assert_eq!(s, StatusCode::OK);
    let cats = cats.as_array().unwrap().clone();
    let item = cats.iter().find(|c| !c["parent_id"].is_null()).unwrap();
    let top = item["parent_id"].as_i64().unwrap();
    let other_top = cats
        .iter()
        .find(|c| c["parent_id"].is_null() && c["id"] != top)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    // `report` files under the first item, in the grid at HOME.
    let (_, here) = report(&app, &resident, HOME, "楼道灯坏了").await;
    let (_, there) = report(&app, &resident, NEXT_DOOR, "井盖松动").await;
    let queue = |extra: Value| {
        let mut body = json!({"queue": {"community": format!("{DISTRICT_CODE}-001-001")}, "statuses": [], "after": null});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let ids = |v: &Value| -> Vec<Value> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].clone())
            .collect()
    };
    let (_, by_group) = app
        .call_json(&community, "case_queue", queue(json!({"category_id": top})))
        .await;
    assert!(
        ids(&by_group).contains(&here["id"]),
        "a group holds its items"
    );
    let (_, by_other) = app
        .call_json(
            &community,
            "case_queue",
            queue(json!({"category_id": other_top})),
        )
        .await;
    assert!(!ids(&by_other).contains(&here["id"]));
    let (_, by_grid) = app
        .call_json(
            &community,
            "case_queue",
            queue(json!({"grid": format!("{DISTRICT_CODE}-001-001-01")})),
        )
        .await;
    assert!(ids(&by_grid).contains(&here["id"]));
    assert!(
        !ids(&by_grid).contains(&there["id"]),
        "another grid is left out"
    );
}

async fn admins_keep_the_category_catalogue(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let admin = app.signed_in(phone_of(Role::SystemAdmin)).await;
    let community = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let offered =
        |body: &Value, name: &str| body.as_array().unwrap().iter().any(|c| c["name"] == name);
    let (s, top) = app
        .call(&admin, "add_category", &[("name", "文明养犬")])
        .await;
    assert_eq!(s, StatusCode::OK, "{top}");
    let (s, item) = app
        .call(
            &admin,
            "add_category",
            &[("parent_id", &top.to_string()), ("name", "遛狗不牵绳")],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{item}");
    let (s, body) = app
        .call(
            &admin,
            "add_category",
            &[("parent_id", &item.to_string()), ("name", "三级")],
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "two levels only: {body}");
    let (s, _) = app
        .call(&community, "add_category", &[("name", "随便加")])
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, cats) = app.call(&community, "case_categories", &[]).await;
    assert!(offered(&cats, "遛狗不牵绳"), "offered at once");
    let (s, _) = app
        .call(
            &admin,
            "edit_category",
            &[("id", &item.to_string()), ("active", "false")],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, cats) = app.call(&community, "case_categories", &[]).await;
    assert!(
        !offered(&cats, "遛狗不牵绳"),
        "a retired item is not offered"
    );
    let (_, all) = app.call(&admin, "category_catalogue", &[]).await;
    assert!(offered(&all, "遛狗不牵绳"), "the editor still lists it");
}

/// A draft resent after a lost answer, or sent twice at once, makes one
/// case: the key the phone gave it is unique per person who filed it.
async fn a_resent_report_makes_no_second_case(backend: Backend) {
    let app = std::sync::Arc::new(TestApp::demo(backend).await);
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let cat = category(&app, &resident).await;
    let draft = |key: &str, text: &str| {
        json!({"case": {"category_id": cat, "description": text, "lat": HOME.0, "lng": HOME.1,
            "public": false, "source": "resident", "contact_phone": null, "idempotency_key": key}})
    };
    let (s, first) = app
        .call_json(
            &resident,
            "report_case",
            draft("draft-0001-aaaa", "井盖丢了"),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{first}");
    // The answer was lost; the phone sends the same draft again.
    let (s, again) = app
        .call_json(
            &resident,
            "report_case",
            draft("draft-0001-aaaa", "井盖丢了"),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{again}");
    assert_eq!(again["id"], first["id"]);
    // Ten copies of another draft at once: one case.
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let (app, c, body) = (
                app.clone(),
                resident.clone(),
                draft("draft-0002-bbbb", "路灯坏了"),
            );
            tokio::spawn(async move { app.call_json(&c, "report_case", body).await })
        })
        .collect();
    let mut ids = std::collections::HashSet::new();
    for t in tasks {
        let (s, body) = t.await.unwrap();
        assert_eq!(s, StatusCode::OK, "{body}");
        ids.insert(body["id"].as_i64().unwrap());
    }
    assert_eq!(ids.len(), 1, "one case for ten copies of a draft");
    let (_, mine) = app
        .call_json(
            &resident,
            "case_queue",
            json!({"queue": "mine", "statuses": [], "after": null}),
        )
        .await;
    let lamps = mine
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["description"] == "路灯坏了")
        .count();
    assert_eq!(lamps, 1);
    // Keys are the reporter's own: another resident's draft is another case.
    let (_, other) = app.crowd(1).await.remove(0);
    let (s, theirs) = app
        .call_json(&other, "report_case", draft("draft-0001-aaaa", "井盖丢了"))
        .await;
    assert_eq!(s, StatusCode::OK, "{theirs}");
    assert_ne!(theirs["id"], first["id"]);
    // A malformed key is refused, nothing stored.
    let (s, _) = app
        .call_json(&resident, "report_case", draft("x", "太短的键"))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // A hotline call entered by staff has no reporter account: its key is the
    // filer's, and a resend after a lost answer still makes no second case.
    use app::domain::auth::{Grant, Scope};
    let post = Grant::new(
        Role::GridWorker,
        Scope::Grid(format!("{DISTRICT_CODE}-001-001-01")),
    )
    .unwrap();
    let (worker_id, worker) = app.person("热线网格员", std::slice::from_ref(&post)).await;
    let call = |source: &str| {
        json!({"case": {"category_id": cat, "description": "热线：楼道堆放杂物", "lat": HOME.0, "lng": HOME.1,
        "public": false, "source": source, "contact_phone": "13712345678", "idempotency_key": "call-0001-cccc"}})
    };
    let (s, first_call) = app.call_json(&worker, "report_case", call("hotline")).await;
    assert_eq!(s, StatusCode::OK, "{first_call}");
    let (s, again_call) = app.call_json(&worker, "report_case", call("hotline")).await;
    assert_eq!(s, StatusCode::OK, "{again_call}");
    assert_eq!(
        again_call["id"], first_call["id"],
        "one case for a resent call"
    );
    // Off the grid now: the key no longer opens the private call, whatever the
    // resend claims to be.
    app::backend::store::accounts::delete_grant(&app.state.db, worker_id, &post)
        .await
        .unwrap();
    app::backend::services::auth::accounts_changed(&app.state, &[worker_id]);
    let (s, body) = app
        .call_json(&worker, "report_case", call("resident"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
    assert!(!body.to_string().contains("楼道堆放杂物"), "{body}");
}

on_both_backends!(
    a_resent_report_makes_no_second_case,
    admins_keep_the_category_catalogue,
    queues_filter_by_category_and_grid
);

/// A kind's count in a `my_home` answer, or `None` when the caller does
/// not get that kind.
fn home_count(home: &Value, kind: &str) -> Option<u64> {
    home["items"]
        .as_array()
        .expect("a list of items")
        .iter()
        .find(|i| i["kind"] == kind)
        .map(|i| i["count"].as_u64().expect("a count"))
}

/// The home of 我的 counts what waits for each role: the grid worker finds
/// a new report of their grid in their inbox; a new resident gets no staff
/// kinds, only their own reports (the new one counted); the grid's
/// instructor reads (overdue) but has nothing waiting; counts carry no text.
async fn the_home_counts_what_waits_by_role(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let (_, resident) = app.crowd(1).await.remove(0);
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let instructor = app.signed_in(phone_of(Role::Instructor)).await;

    let (s, before) = app.call(&resident, "my_home", &[]).await;
    assert_eq!(s, StatusCode::OK, "{before}");
    assert_eq!(home_count(&before, "my_reports"), Some(0), "{before}");
    let (s, work_before) = app.call(&worker, "my_home", &[]).await;
    assert_eq!(s, StatusCode::OK, "{work_before}");
    let waiting_before = home_count(&work_before, "cases_waiting").expect("the worker's inbox");

    let text = "单元门口的路灯不亮了";
    let (s, case) = report(&app, &resident, HOME, text).await;
    assert_eq!(s, StatusCode::OK, "{case}");
    assert_eq!(case["grid_code"], format!("{DISTRICT_CODE}-001-001-01"));

    let (s, mine) = app.call(&resident, "my_home", &[]).await;
    assert_eq!(s, StatusCode::OK, "{mine}");
    assert_eq!(home_count(&mine, "my_reports"), Some(1), "{mine}");
    for kind in [
        "cases_waiting",
        "cases_overdue",
        "wishes_to_review",
        "registrations_to_review",
        "my_claims",
    ] {
        assert_eq!(
            home_count(&mine, kind),
            None,
            "a resident has no {kind}: {mine}"
        );
    }

    let (s, work) = app.call(&worker, "my_home", &[]).await;
    assert_eq!(s, StatusCode::OK, "{work}");
    let waiting = home_count(&work, "cases_waiting").expect("the worker's inbox");
    assert!(waiting >= 1 && waiting > waiting_before, "{work}");
    assert!(home_count(&work, "cases_overdue").is_some(), "{work}");
    assert!(!work.to_string().contains(text), "counts only: {work}");

    let (s, reads) = app.call(&instructor, "my_home", &[]).await;
    assert_eq!(s, StatusCode::OK, "{reads}");
    assert_eq!(home_count(&reads, "cases_waiting"), None, "{reads}");
    assert!(home_count(&reads, "cases_overdue").is_some(), "{reads}");

    // The worker of the neighbouring grid has nothing new waiting.
    use app::domain::auth::{Grant, Scope};
    let grid = |n: &str| Scope::Grid(format!("{DISTRICT_CODE}-001-001-{n}"));
    let community = Scope::Community(format!("{DISTRICT_CODE}-001-001"));
    let (_, neighbour) = app
        .person(
            "邻格网格员",
            &[Grant::new(Role::GridWorker, grid("02")).unwrap()],
        )
        .await;
    let (_, next_door) = app.call(&neighbour, "my_home", &[]).await;
    let (_, admin) = app
        .person(
            "社区干部",
            &[Grant::new(Role::CommunityAdmin, community.clone()).unwrap()],
        )
        .await;
    let (_, community_home) = app.call(&admin, "my_home", &[]).await;
    // Someone holding the grid and its community counts each case once.
    let (_, both) = app
        .person(
            "兼任社区的网格员",
            &[
                Grant::new(Role::GridWorker, grid("01")).unwrap(),
                Grant::new(Role::CommunityAdmin, community).unwrap(),
            ],
        )
        .await;
    let (_, both_home) = app.call(&both, "my_home", &[]).await;
    let count = |home: &Value| home_count(home, "cases_waiting").expect("an inbox");
    assert!(count(&community_home) >= waiting, "{community_home}");
    assert_eq!(
        count(&both_home),
        count(&community_home),
        "counted once: {both_home}"
    );
    let (_, after) = report(&app, &resident, HOME, "楼下的井盖松动了").await;
    assert_eq!(after["grid_code"], format!("{DISTRICT_CODE}-001-001-01"));
    let (_, next_door_after) = app.call(&neighbour, "my_home", &[]).await;
    assert_eq!(
        count(&next_door_after),
        count(&next_door),
        "{next_door_after}"
    );
    let (_, both_after) = app.call(&both, "my_home", &[]).await;
    assert_eq!(count(&both_after), count(&both_home) + 1, "{both_after}");

    // Signed out: what every signed-in function answers.
    let (s, body) = app.call(&app.client(), "my_home", &[]).await;
    assert_eq!(
        (s, body),
        (StatusCode::UNAUTHORIZED, json!({"code": "not_signed_in"}))
    );
}

on_both_backends!(the_home_counts_what_waits_by_role);

/// Issue 10: a new case is named to its grid's full-time worker, who is told;
/// the grid leader (and the admins above) give it to another of the grid's staff.
async fn a_case_has_a_named_owner_whom_the_leader_can_change(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let leader = app.signed_in(phone_of(Role::GridLeader)).await;
    let instructor = app.signed_in(phone_of(Role::Instructor)).await;
    let (s, case) = report(&app, &resident, HOME, "单元门禁坏了，外人随便进出").await;
    assert_eq!(s, StatusCode::OK, "{case}");
    let id = case["id"].as_i64().unwrap().to_string();
    // The resident is not told who (staff names go to staff of the place).
    assert!(case["owner"].is_null(), "{case}");
    assert_eq!(case["assignable"], json!([]));

    let (_, seen) = app.call(&worker, "case_detail", &[("id", &id)]).await;
    assert_eq!(seen["owner"]["name"], "网格员 张伟", "{seen}");
    assert_eq!(seen["owner"]["position"], "full_time");
    assert_eq!(seen["assignable"], json!([]), "a worker does not reassign");
    let (_, notes) = app.call(&worker, "my_notices", &[]).await;
    let told = notes
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["ref_id"] == case["id"] && n["event"] == "assigned");
    assert!(told, "the owner is told: {notes}");
    let (_, notes) = app.call(&leader, "my_notices", &[]).await;
    assert!(
        !notes
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["ref_id"] == case["id"]),
        "only the owner is told: {notes}"
    );

    // The leader sees the grid's leader and workers, not its instructor.
    let (_, led) = app.call(&leader, "case_detail", &[("id", &id)]).await;
    let candidates = led["assignable"].as_array().unwrap().clone();
    let positions: Vec<&str> = candidates
        .iter()
        .map(|c| c["position"].as_str().unwrap())
        .collect();
    assert_eq!(positions, ["leader", "full_time", "part_time", "part_time"]);
    let part_timer = candidates[2]["id"].as_i64().unwrap().to_string();
    let version = led["version"].as_i64().unwrap().to_string();
    let args = |owner: &str, version: &str| {
        [
            ("id", id.clone()),
            ("owner", owner.to_string()),
            ("version", version.to_string()),
        ]
    };
    let call = |c: &Client, a: [(&'static str, String); 3]| {
        let app = &app;
        let c = c.clone();
        async move {
            let form: Vec<(&str, &str)> = a.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call(&c, "assign_case", &form).await
        }
    };
    // Not the worker, the instructor or the resident.
    for who in [&worker, &instructor] {
        let (s, _) = call(who, args(&part_timer, &version)).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
    let (s, _) = call(&resident, args(&part_timer, &version)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Only someone on the grid's roster who handles cases.
    let instructor_id = app.user_id(phone_of(Role::Instructor)).await.to_string();
    let (s, body) = call(&leader, args(&instructor_id, &version)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "Owner", "{body}");

    let (s, after) = call(&leader, args(&part_timer, &version)).await;
    assert_eq!(s, StatusCode::OK, "{after}");
    assert_eq!(after["owner"]["id"].to_string(), part_timer);
    let last = after["timeline"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["action"], "assign");
    // No name in the step itself: departments read internal notes, and an erased
    // account's name must leave timelines. The case names its owner.
    assert_eq!(last["note"], "");
    assert_eq!(after["owner"]["name"], candidates[2]["name"]);
    // The worker it was taken from is told it is no longer theirs.
    let (_, notes) = app.call(&worker, "my_notices", &[]).await;
    assert!(
        notes
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["ref_id"] == case["id"] && n["event"] == "reassigned_away"),
        "the previous owner is told: {notes}"
    );
    // The page the leader had is stale now: they learn someone acted.
    let (s, body) = call(&leader, args(&part_timer, &version)).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    // The resident's timeline does not carry the staff's arrangements.
    let (_, mine) = app.call(&resident, "case_detail", &[("id", &id)]).await;
    assert!(
        !mine["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "assign"),
        "{mine}"
    );
    // A leader of another grid may not; nor may anyone once the case left the grid.
    let (_, stranger) = app
        .person(
            "别的网格长",
            &[app::domain::auth::Grant::new(
                Role::GridLeader,
                app::domain::auth::Scope::Grid(format!("{DISTRICT_CODE}-002-001-01")),
            )
            .unwrap()],
        )
        .await;
    let now = after["version"].as_i64().unwrap().to_string();
    let (s, _) = call(&stranger, args(&part_timer, &now)).await;
    // The report is on the public board, so it is refused rather than hidden.
    assert_eq!(s, StatusCode::FORBIDDEN, "another grid's leader");
    // Given back to the worker.
    let zhang = app.user_id(phone_of(Role::GridWorker)).await.to_string();
    let (s, back) = call(&leader, args(&zhang, &now)).await;
    assert_eq!(s, StatusCode::OK, "{back}");
    assert_eq!(back["owner"]["name"], "网格员 张伟");
    let street = app.signed_in(phone_of(Role::StreetAdmin)).await;
    let confirmed = step(
        &app,
        &worker,
        back,
        json!("confirm"),
        json!({}),
        "confirmed",
    )
    .await;
    let up = step(
        &app,
        &street,
        confirmed,
        json!({"dispatch": "street"}),
        json!({}),
        "dispatched",
    )
    .await;
    let v = up["version"].as_i64().unwrap().to_string();
    let (s, body) = call(&leader, args(&part_timer, &v)).await;
    assert_eq!(
        (s, body),
        (StatusCode::CONFLICT, json!({"code": "wrong_state"})),
        "not once it is with the street"
    );
    // A stale page after that is told someone acted, before any other check.
    let (s, body) = call(&leader, args(&part_timer, &version)).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert!(body["code"] == "already_handled", "{body}");
}

on_both_backends!(a_case_has_a_named_owner_whom_the_leader_can_change);

/// Issue 10: 催办. The reporter of an overdue case urges it once a day; its
/// owner and the grid leader are told; nobody else may.
async fn a_reporter_urges_an_overdue_case_once_a_day(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let leader = app.signed_in(phone_of(Role::GridLeader)).await;
    let (s, case) = report_case(
        &app,
        &resident,
        HOME,
        "小区健身器材断裂，孩子玩很危险",
        false,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{case}");
    let id = case["id"].as_i64().unwrap().to_string();
    assert_eq!(case["may_urge"], false, "not before the deadline");
    let (s, body) = app.call(&resident, "urge_case", &[("id", &id)]).await;
    assert_eq!(
        (s, body),
        (StatusCode::CONFLICT, json!({"code": "wrong_state"}))
    );

    common::make_overdue(&app, &case).await;
    let (_, seen) = app.call(&resident, "case_detail", &[("id", &id)]).await;
    assert_eq!(seen["may_urge"], true, "{seen}");
    let (_, staff_view) = app.call(&worker, "case_detail", &[("id", &id)]).await;
    assert_eq!(staff_view["may_urge"], false, "only the reporter urges");
    let (s, _) = app.call(&worker, "urge_case", &[("id", &id)]).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, stranger) = app
        .person(
            "别的居民",
            &[
                app::domain::auth::Grant::new(Role::Resident, app::domain::auth::Scope::None)
                    .unwrap(),
            ],
        )
        .await;
    let (s, _) = app.call(&stranger, "urge_case", &[("id", &id)]).await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "a private case does not exist for others"
    );
    let (s, _) = app.call(&app.client(), "urge_case", &[("id", &id)]).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // Five presses at once (a double tap, a flaky connection): one goes through,
    // the others are told it was urged; none fails.
    let form = [("id", id.as_str())];
    let presses = (0..5).map(|_| app.call(&resident, "urge_case", &form));
    let answers = futures::future::join_all(presses).await;
    let ok: Vec<_> = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::OK)
        .collect();
    assert_eq!(ok.len(), 1, "{answers:?}");
    assert!(
        answers
            .iter()
            .all(|(s, _)| *s == StatusCode::OK || *s == StatusCode::TOO_MANY_REQUESTS),
        "{answers:?}"
    );
    let urged = ok[0].1.clone();
    assert_eq!(urged["may_urge"], false, "once a day");
    assert_eq!(urged["urged"], true, "the page says it was urged");
    assert_eq!(
        urged["version"], seen["version"],
        "staff pages stay current"
    );
    let last = urged["timeline"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["action"], "urge");
    for (who, name) in [(&worker, "owner"), (&leader, "supervisor")] {
        let (_, notes) = app.call(who, "my_notices", &[]).await;
        assert!(
            notes
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n["ref_id"] == case["id"] && n["event"] == "urged"),
            "the {name} is told: {notes}"
        );
    }
    let (s, body) = app.call(&resident, "urge_case", &[("id", &id)]).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(body["code"] == "already_urged", "{body}");
}

on_both_backends!(a_reporter_urges_an_overdue_case_once_a_day);

/// A photo sent to a case as staff taken before or after handling it.
async fn upload_phase(app: &TestApp, c: &Client, case: &Value, phase: &str) -> (StatusCode, Value) {
    let res = c
        .post(app.url(&format!(
            "/api/v1/cases/{}/photos?phase={phase}",
            case["id"]
        )))
        .body(png(40, 30))
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Issue 10, 立即解决: the grid takes a new report and settles it in one step
/// ("受理并自行处置") with its result and a photo after handling; the reporter
/// sees the result and the after photo (not staff's before photo) and may rate
/// it. Nobody else may take the step, and it needs the after photo first.
async fn the_grid_solves_a_report_at_once_in_one_step(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let community = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let (s, case) = report(&app, &resident, HOME, "楼道里堆的纸箱挡住了消防通道").await;
    assert_eq!(s, StatusCode::OK, "{case}");
    let id = case["id"].as_i64().unwrap().to_string();
    let (_, seen) = app.call(&worker, "case_detail", &[("id", &id)]).await;
    assert!(
        seen["actions"]
            .as_array()
            .unwrap()
            .contains(&json!("solve_now")),
        "offered to the grid: {seen}"
    );
    let (_, theirs) = app.call(&community, "case_detail", &[("id", &id)]).await;
    assert!(!theirs["actions"]
        .as_array()
        .unwrap()
        .contains(&json!("solve_now")));

    let solve = json!("solve_now");
    let (s, body) = act(
        &app,
        &worker,
        &seen,
        solve.clone(),
        json!({"note": "已清理"}),
    )
    .await;
    assert_eq!(
        (s, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"code": "invalid_input", "field": "AfterPhoto", "problem": "Required"})
        ),
        "the result's photo first"
    );
    assert_eq!(
        upload_phase(&app, &resident, &case, "after").await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        upload_phase(&app, &worker, &case, "later").await.0,
        StatusCode::BAD_REQUEST
    );
    let (s, before) = upload_phase(&app, &worker, &case, "before").await;
    assert_eq!(s, StatusCode::OK, "{before}");
    let (s, after) = upload_phase(&app, &worker, &case, "after").await;
    assert_eq!(s, StatusCode::OK, "{after}");
    assert_eq!(after["phase"], "after");
    let (_, early) = app.call(&resident, "case_detail", &[("id", &id)]).await;
    assert!(
        early["photos"].as_array().unwrap().is_empty(),
        "the after photo shows once the result is given, not before: {early}"
    );

    let (s, body) = act(&app, &worker, &seen, solve.clone(), json!({})).await;
    assert_eq!(
        (s, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"code": "invalid_input", "field": "Result", "problem": "Required"})
        )
    );
    let (s, body) = act(&app, &community, &seen, solve.clone(), json!({"note": "x"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    let (s, done) = act(
        &app,
        &worker,
        &seen,
        solve.clone(),
        json!({"note": "纸箱已清走，通道畅通"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{done}");
    assert_eq!(
        done["status"], "fed_back",
        "one step, the resident's turn to rate"
    );
    assert_eq!(done["level"], "grid");
    assert_eq!(
        done["timeline"].as_array().unwrap().len(),
        2,
        "report, then one step"
    );

    let (_, mine) = app.call(&resident, "case_detail", &[("id", &id)]).await;
    assert_eq!(mine["result"], "纸箱已清走，通道畅通");
    let phases: Vec<&Value> = mine["photos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["phase"])
        .collect();
    assert_eq!(
        phases,
        vec![&json!("after")],
        "the after photo, not staff's before photo"
    );
    assert!(mine["actions"]
        .as_array()
        .unwrap()
        .contains(&json!("evaluate")));
    let (s, _) = act(&app, &worker, &done, solve, json!({"note": "again"})).await;
    assert_eq!(s, StatusCode::CONFLICT, "once");
}

on_both_backends!(the_grid_solves_a_report_at_once_in_one_step);
