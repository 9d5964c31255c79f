//! Issue 10: patrols (巡查走访) through the real router on SQLite and
//! PostgreSQL — start, the recorded track and its length, a visit with a
//! photo, a finding filed as a case in one tap, the end, the day's rule, who
//! may read a worker's track, and each grid's key-issues list.

mod common;

use app::domain::auth::{Grant, Role, Scope};
use app::domain::deadline::china_date;
use chrono::{DateTime, Duration, Utc};
use common::{category, phone_of, png, Backend, TestApp};
use reqwest::{Client, StatusCode};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{json, Value};

/// The middle of the demo grid `370103-001-001-01`.
const HOME: (f64, f64) = (36.6372, 117.0135);
const GRID: &str = "370103-001-001-01";
const OTHER_GRID: &str = "370103-002-001-01";

/// Moves a patrol's start back, as if it had begun `minutes` ago.
async fn backdate(app: &TestApp, id: &Value, minutes: i64) -> DateTime<Utc> {
    let at = Utc::now() - Duration::minutes(minutes);
    let db = &app.state.db;
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => "UPDATE patrols SET started_at = $1 WHERE id = $2",
        _ => "UPDATE patrols SET started_at = ? WHERE id = ?",
    };
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        sql,
        [at.into(), id.as_i64().unwrap().into()],
    ))
    .await
    .unwrap();
    at
}

async fn start(app: &TestApp, c: &Client) -> (StatusCode, Value) {
    app.call(c, "start_patrol", &[]).await
}

fn point(lat: f64, lng: f64, at: DateTime<Utc>) -> Value {
    json!({"lat": lat, "lng": lng, "at": at, "accuracy": 8.0})
}

async fn points(app: &TestApp, c: &Client, id: &Value, pts: Value) -> (StatusCode, Value) {
    app.call_json(c, "record_points", json!({"patrol_id": id, "points": pts}))
        .await
}

async fn visit(app: &TestApp, c: &Client, id: &Value, subject: &str) -> (StatusCode, Value) {
    app.call_json(
        c,
        "log_visit",
        json!({"visit": {"patrol_id": id, "kind": "household", "subject": subject,
            "note": "楼道堆放纸箱，存在消防隐患", "lat": HOME.0, "lng": HOME.1}}),
    )
    .await
}

async fn a_worker_patrols_logs_a_visit_files_a_finding_and_ends(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let leader = app.signed_in(phone_of(Role::GridLeader)).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let grant = Grant::new(Role::GridWorker, Scope::Grid(OTHER_GRID.into())).unwrap();
    let (_, stranger) = app.person("别的网格员", &[grant]).await;

    // Only grid staff patrol.
    assert_eq!(start(&app, &resident).await.0, StatusCode::FORBIDDEN);
    let (s, p) = start(&app, &worker).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["grid_code"], GRID);
    let id = p["id"].clone();
    let (_, again) = start(&app, &worker).await;
    assert_eq!(
        again["id"], id,
        "a second tap gives back the patrol running"
    );
    let started = backdate(&app, &id, 15).await;

    // The track: three points a minute apart, ~111 m each (one inaccurate
    // point is kept but not counted).
    let t = |m: i64| started + Duration::minutes(m);
    let (s, after) = points(
        &app,
        &worker,
        &id,
        json!([
            point(36.6360, 117.0135, t(1)),
            point(36.6370, 117.0135, t(2)),
            {"lat": 36.70, "lng": 117.0135, "at": t(3), "accuracy": 900.0},
        ]),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{after}");
    let last = json!([point(36.6380, 117.0135, t(4))]);
    let (_, after) = points(&app, &worker, &id, last.clone()).await;
    assert_eq!(after["points"], 4);
    // The same batch again (its answer was lost): stored once, walked once.
    let (s, again) = points(&app, &worker, &id, last).await;
    assert_eq!(s, StatusCode::OK, "{again}");
    assert_eq!(again, after);
    let walked = after["length_m"].as_f64().unwrap();
    assert!(
        (walked - 222.4).abs() < 2.0,
        "two steps counted across uploads: {walked}"
    );
    for (bad, field) in [
        (json!([point(0.0, 0.0, t(5))]), "Coordinates"),
        (
            json!([point(36.6, 117.0, Utc::now() + Duration::hours(1))]),
            "Time",
        ),
        (
            json!([point(36.6, 117.0, started - Duration::hours(1))]),
            "Time",
        ),
    ] {
        let (s, body) = points(&app, &worker, &id, bad).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["field"], field);
    }
    // Nobody adds to another's patrol.
    assert_eq!(
        points(&app, &leader, &id, json!([point(36.6380, 117.0135, t(5))]))
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    // A visit with a photo.
    let (s, body) = visit(&app, &worker, &id, " ").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["field"], "Place");
    let (s, with_visit) = visit(&app, &worker, &id, "3号楼2单元").await;
    assert_eq!(s, StatusCode::OK, "{with_visit}");
    let v = with_visit["visits"][0].clone();
    assert_eq!(v["subject"], "3号楼2单元");
    let upload = |c: &Client| {
        c.post(app.url(&format!("/api/v1/visits/{}/photos", v["id"])))
            .body(png(30, 20))
            .send()
    };
    assert_eq!(
        upload(&stranger).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let res = upload(&worker).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let photo: Value = res.json().await.unwrap();
    let photo_url = app.url(photo["url"].as_str().unwrap());
    assert_eq!(
        worker.get(&photo_url).send().await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        stranger.get(&photo_url).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        resident.get(&photo_url).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );

    // The finding becomes a case in one tap: 主动发现, the visit's place,
    // its words, its photo; a second tap gives back the same case.
    let cat = category(&app, &worker).await;
    let (s, case) = app
        .call(
            &worker,
            "visit_to_case",
            &[
                ("visit_id", &v["id"].to_string()),
                ("category_id", &cat.to_string()),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{case}");
    assert_eq!(case["source"], "patrol");
    assert_eq!(case["grid_code"], GRID);
    assert!(case["description"].as_str().unwrap().contains("3号楼2单元"));
    assert_eq!(case["photos"].as_array().unwrap().len(), 1);
    assert_eq!(case["photos"][0]["phase"], "before");
    let (_, again) = app
        .call(
            &worker,
            "visit_to_case",
            &[
                ("visit_id", &v["id"].to_string()),
                ("category_id", &cat.to_string()),
            ],
        )
        .await;
    assert_eq!(again["id"], case["id"]);
    assert_eq!(
        again["photos"].as_array().unwrap().len(),
        1,
        "the photo once"
    );

    // Ending stores it; nothing more is added afterwards.
    let (s, ended) = app
        .call(&worker, "end_patrol", &[("patrol_id", &id.to_string())])
        .await;
    assert_eq!(s, StatusCode::OK, "{ended}");
    assert!(ended["ended_at"].is_string());
    assert_eq!(ended["counts"], true, "15 minutes long");
    assert_eq!(ended["visits"][0]["case_id"], case["id"]);
    let (s, body) = visit(&app, &worker, &id, "4号楼").await;
    assert_eq!(
        (s, body),
        (StatusCode::CONFLICT, json!({"code": "wrong_state"}))
    );

    // The worker's track is theirs and their supervisors': the leader reads
    // it (an audited look), a fellow worker elsewhere and a resident do not.
    for c in [&stranger, &resident] {
        let (s, _) = app
            .call(c, "patrol_detail", &[("id", &id.to_string())])
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
    let (s, seen) = app
        .call(&leader, "patrol_detail", &[("id", &id.to_string())])
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(seen["worker"], "网格员 张伟");
    assert_eq!(seen["track"].as_array().unwrap().len(), 4);
    // Its photo read with it is not a second audited look.
    assert_eq!(
        leader.get(&photo_url).send().await.unwrap().status(),
        StatusCode::OK
    );
    let (_, log) = app
        .call_json(
            &app.signed_in(phone_of(Role::SystemAdmin)).await,
            "audit_log",
            json!({"filter": {"action": "patrol_read", "target_id": id.to_string()}, "before": null}),
        )
        .await;
    assert_eq!(log.as_array().unwrap().len(), 1, "{log}");

    // The day's rule: one patrol of two, then a second makes the day.
    let day = china_date(started);
    let rule = |c: Client| {
        let app = &app;
        async move {
            let (s, d) = app
                .call(
                    &c,
                    "patrol_day",
                    &[("area", GRID), ("day", &day.to_string())],
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{d}");
            d["workers"]
                .as_array()
                .unwrap()
                .iter()
                .find(|w| w["name"] == "网格员 张伟")
                .cloned()
                .expect("the worker is on the roster")
        }
    };
    let w = rule(leader.clone()).await;
    assert_eq!(
        (w["patrols"].clone(), w["done"].clone()),
        (json!(1), json!(false))
    );
    let (_, second) = start(&app, &worker).await;
    assert_ne!(second["id"], id);
    let second_started = backdate(&app, &second["id"], 12).await;
    // Ten minutes without a track would not count: two points of the walk.
    let (s, _) = points(
        &app,
        &worker,
        &second["id"],
        json!([
            point(36.6372, 117.0135, second_started + Duration::minutes(1)),
            point(36.6375, 117.0135, second_started + Duration::minutes(6)),
        ]),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    app.call(
        &worker,
        "end_patrol",
        &[("patrol_id", &second["id"].to_string())],
    )
    .await;
    if china_date(second_started) == day {
        let w = rule(leader.clone()).await;
        assert_eq!(
            (w["patrols"].clone(), w["done"].clone()),
            (json!(2), json!(true))
        );
    }
    if day == china_date(Utc::now()) {
        let (_, mine) = app.call(&worker, "my_patrols", &[]).await;
        assert!(mine["today"].as_u64().unwrap() >= 1, "{mine}");
        assert_eq!(mine["needed"], 2);
        assert!(mine["running"].is_null());
    }
    // Other places' rules are not the resident's, nor another grid's worker's.
    for c in [&resident, &stranger] {
        let (s, _) = app.call(c, "patrol_day", &[("area", GRID)]).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
}

/// A phone photo of a few megabytes (noise does not compress).
fn big_photo() -> Vec<u8> {
    let mut img = image::RgbImage::new(900, 900);
    for (i, p) in img.pixels_mut().enumerate() {
        let v = (i as u32).wrapping_mul(2_654_435_761);
        *p = image::Rgb([(v >> 24) as u8, (v >> 16) as u8, (v >> 8) as u8]);
    }
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

async fn a_removed_worker_patrols_no_more_and_photos_are_phone_sized(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let grant = Grant::new(Role::GridWorker, Scope::Grid(GRID.into())).unwrap();
    let (user, worker) = app.person("新网格员", std::slice::from_ref(&grant)).await;
    let (_, p) = start(&app, &worker).await;
    let id = p["id"].clone();
    let (_, with_visit) = visit(&app, &worker, &id, "6号楼").await;
    let photo = big_photo();
    assert!(photo.len() > 2 * 1024 * 1024, "{}", photo.len());
    let res = worker
        .post(app.url(&format!(
            "/api/v1/visits/{}/photos",
            with_visit["visits"][0]["id"]
        )))
        .body(photo)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "a phone photo is accepted");
    // The role taken away: the next upload ends the patrol.
    app::backend::store::accounts::delete_grant(&app.state.db, user, &grant)
        .await
        .unwrap();
    app::backend::services::auth::accounts_changed(&app.state, &[user]);
    let (s, _) = points(
        &app,
        &worker,
        &id,
        json!([point(HOME.0, HOME.1, Utc::now())]),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let row = app::backend::store::patrols::by_id(&app.state.db, id.as_i64().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(row.ended_at.is_some(), "ended with the role");
}

async fn a_patrol_left_running_ends_by_itself(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let (_, p) = start(&app, &worker).await;
    backdate(&app, &p["id"], 13 * 60).await;
    let (_, mine) = app.call(&worker, "my_patrols", &[]).await;
    assert!(mine["running"].is_null(), "{mine}");
    let (_, seen) = app
        .call(&worker, "patrol_detail", &[("id", &p["id"].to_string())])
        .await;
    assert!(seen["ended_at"].is_string());
    // Ended at its last point (none here: at its start), so it does not
    // count towards the day's rule.
    assert_eq!(seen["ended_at"], seen["started_at"]);
    assert_eq!(seen["counts"], false);

    // One its owner never comes back to is ended by the server's sweep, at
    // its last point (here past its 12 hours: at the 12th), once.
    let (_, p) = start(&app, &worker).await;
    let (s, _) = points(
        &app,
        &worker,
        &p["id"],
        json!([point(HOME.0, HOME.1, Utc::now())]),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let at = backdate(&app, &p["id"], 14 * 60).await;
    use app::backend::services::patrols::end_left_running;
    assert_eq!(
        end_left_running(&app.state, Utc::now() - Duration::hours(3))
            .await
            .unwrap(),
        0,
        "not yet 12 hours"
    );
    assert_eq!(end_left_running(&app.state, Utc::now()).await.unwrap(), 1);
    assert_eq!(
        end_left_running(&app.state, Utc::now()).await.unwrap(),
        0,
        "once"
    );
    let row = app::backend::store::patrols::by_id(&app.state.db, p["id"].as_i64().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        row.ended_at.map(|t| t.timestamp()),
        Some((at + Duration::hours(12)).timestamp()),
        "ended at its last point, at most 12 hours in"
    );
}

/// A worker of two grids patrols either; a grid not theirs is refused.
async fn a_worker_of_two_grids_patrols_each(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let grants = [
        Grant::new(Role::GridWorker, Scope::Grid(GRID.into())).unwrap(),
        Grant::new(Role::GridWorker, Scope::Grid(OTHER_GRID.into())).unwrap(),
    ];
    let (_, worker) = app.person("两网格网格员", &grants).await;
    let (s, mine) = app.call(&worker, "my_patrols", &[]).await;
    assert_eq!(s, StatusCode::OK, "{mine}");
    let codes: Vec<&str> = mine["grids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g[0].as_str().unwrap())
        .collect();
    assert_eq!(codes, [GRID, OTHER_GRID]);
    let (s, _) = app
        .call(&worker, "start_patrol", &[("grid", "370103-001-002-01")])
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "not one of theirs");
    let (s, p) = app
        .call(&worker, "start_patrol", &[("grid", OTHER_GRID)])
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["grid_code"], OTHER_GRID);
    // The patrol of the second grid takes visits like any other.
    let (s, body) = points(
        &app,
        &worker,
        &p["id"],
        json!([point(HOME.0, HOME.1, Utc::now())]),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (s, body) = app
        .call(
            &worker,
            "end_patrol",
            &[("patrol_id", &p["id"].to_string())],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
}

async fn each_grid_keeps_its_key_issues(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let instructor = app.signed_in(phone_of(Role::Instructor)).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let grant = Grant::new(Role::GridWorker, Scope::Grid(OTHER_GRID.into())).unwrap();
    let (_, stranger) = app.person("别的网格员", &[grant]).await;
    let cat = category(&app, &worker).await;
    let issue = json!({"issue": {"grid_code": GRID, "category_id": cat, "title": "8号楼外墙瓷砖脱落", "risk": "high"}});
    for c in [&resident, &stranger, &instructor] {
        let (s, _) = app.call_json(c, "add_key_issue", issue.clone()).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
    let (s, body) = app
        .call_json(
            &worker,
            "add_key_issue",
            json!({"issue": {"grid_code": GRID, "category_id": cat, "title": "", "risk": "high"}}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["field"], "Title");
    let (s, list) = app.call_json(&worker, "add_key_issue", issue).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let item = list[0].clone();
    assert_eq!(
        (&item["risk"], &item["status"], &item["owner"]),
        (&json!("high"), &json!("open"), &json!("网格员 张伟"))
    );
    let (s, list) = app
        .call_json(
            &worker,
            "review_key_issue",
            json!({"review": {"issue_id": item["id"], "kind": "weekly", "text": "已联系物业搭设防护网", "status": "watching"}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert_eq!(list[0]["status"], "watching");
    assert_eq!(list[0]["reviews"][0]["kind"], "weekly");
    assert_eq!(list[0]["reviews"][0]["author"], "网格员 张伟");
    // The instructor reads the list; a resident and another grid do not.
    let (s, seen) = app.call(&instructor, "key_issues", &[("grid", GRID)]).await;
    assert_eq!(
        (s, seen[0]["id"].clone()),
        (StatusCode::OK, item["id"].clone())
    );
    for c in [&resident, &stranger] {
        let (s, _) = app.call(c, "key_issues", &[("grid", GRID)]).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = app
            .call_json(
                c,
                "review_key_issue",
                json!({"review": {"issue_id": item["id"], "kind": "note", "text": "x"}}),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }

    // The list is capped: 50 unresolved issues a grid, 200 reviews an issue.
    use app::backend::store::patrols as store;
    use app::domain::patrol::{MAX_OPEN_ISSUES, MAX_REVIEWS};
    let row = store::issue_by_id(&app.state.db, item["id"].as_i64().unwrap())
        .await
        .unwrap()
        .unwrap();
    for i in 1..MAX_OPEN_ISSUES {
        let mut more = row.clone();
        more.title = format!("第{i}项隐患");
        store::insert_issue(&app.state.db, &more).await.unwrap();
    }
    let more = json!({"issue": {"grid_code": GRID, "category_id": cat, "title": "又一项隐患", "risk": "low"}});
    let (s, body) = app.call_json(&worker, "add_key_issue", more).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "KeyIssue");
    let (s, list) = app.call(&worker, "key_issues", &[("grid", GRID)]).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len() as u64, MAX_OPEN_ISSUES);
    let review = store::ReviewRow {
        issue_id: row.id,
        kind: "note".into(),
        text: "跟进".into(),
        author_name: "网格员 张伟".into(),
        at: Utc::now(),
    };
    for _ in 1..MAX_REVIEWS {
        store::review(&app.state.db, row.id, &review, 0, None, None)
            .await
            .unwrap();
    }
    let (s, body) = app
        .call_json(
            &worker,
            "review_key_issue",
            json!({"review": {"issue_id": item["id"], "kind": "note", "text": "再跟进"}}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "Review");
}

on_both_backends!(
    a_worker_of_two_grids_patrols_each,
    a_worker_patrols_logs_a_visit_files_a_finding_and_ends,
    a_removed_worker_patrols_no_more_and_photos_are_phone_sized,
    a_patrol_left_running_ends_by_itself,
    each_grid_keeps_its_key_issues
);
