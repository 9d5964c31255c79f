//! Issue 11: four-step deliberation (四步议事) through the real router on
//! SQLite and PostgreSQL — propose, review, seconds up to the community's
//! threshold (onto the agenda exactly once), the meeting and the vote (200
//! concurrent votes from 100 residents count once each; outside the window
//! refused), paper ballots audited, one vote per household, the published
//! result and its implementation, hiding with a reason.

mod common;

use app::backend::store::audit as audit_log;
use app::domain::audit::{AuditAction, AuditFilter};
use app::domain::auth::{Grant, Role, Scope};
use chrono::{Duration, Utc};
use common::{phone_of, Backend, TestApp};
use reqwest::{Client, StatusCode};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{json, Value};

const COMMUNITY: &str = "370103-001-001";
const GRID: &str = "370103-001-001-01";

fn resident() -> Vec<Grant> {
    vec![Grant::new(Role::Resident, Scope::None).unwrap()]
}

async fn propose(app: &TestApp, c: &Client, title: &str) -> (StatusCode, Value) {
    app.call_json(
        c,
        "propose_topic",
        json!({"topic": {"community_code": COMMUNITY, "title": title,
            "body": "小区电动车在楼道充电，存在火灾隐患，建议建设集中充电棚。"}}),
    )
    .await
}

async fn step(app: &TestApp, c: &Client, id: &Value, step: Value) -> (StatusCode, Value) {
    app.call_json(c, "topic_step", json!({"id": id, "step": step}))
        .await
}

async fn detail(app: &TestApp, c: &Client, id: &Value) -> (StatusCode, Value) {
    app.call(c, "topic_detail", &[("id", &id.to_string())])
        .await
}

async fn vote(app: &TestApp, c: &Client, id: &Value, option: &Value) -> (StatusCode, Value) {
    app.call(
        c,
        "cast_vote",
        &[("id", &id.to_string()), ("option", &option.to_string())],
    )
    .await
}

async fn notices(app: &TestApp, c: &Client, id: &Value, event: &str) -> usize {
    let (_, notes) = app.call(c, "my_notices", &[]).await;
    notes
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "topic" && n["ref_id"] == *id && n["event"] == event)
        .count()
}

fn discussion(mode: &str) -> Value {
    let now = Utc::now();
    json!({"discuss": {
        "kind": "half_month", "held_at": now, "place": "社区党群服务中心",
        "minutes": "居民代表、物业和党员代表商议了充电棚选址，提出两个方案。",
        "options": ["同意在3号楼东侧建设", "不同意"],
        "mode": mode, "opens_at": now - Duration::minutes(1), "closes_at": now + Duration::days(1)
    }})
}

/// Moves a topic's vote window into the past.
async fn close_vote(app: &TestApp, id: &Value) {
    let db = &app.state.db;
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => "UPDATE topics SET closes_at = $1 WHERE id = $2",
        _ => "UPDATE topics SET closes_at = ? WHERE id = ?",
    };
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        sql,
        [
            (Utc::now() - Duration::minutes(1)).into(),
            id.as_i64().unwrap().into(),
        ],
    ))
    .await
    .unwrap();
}

/// Puts these accounts on the demo grid's household records (25 to a
/// household, one door each); answers each account's (household, member).
async fn on_records(
    app: &TestApp,
    worker: &Client,
    accounts: &[i64],
    building: &str,
) -> Vec<(i64, i64)> {
    let mut out = Vec::new();
    for (door, chunk) in accounts.chunks(25).enumerate() {
        let mut members = Vec::new();
        for (i, id) in chunk.iter().enumerate() {
            let phone = app::backend::store::accounts::user_by_id(&app.state.db, *id)
                .await
                .unwrap()
                .unwrap()
                .phone;
            let relation = if i == 0 { "head" } else { "other" };
            members.push(json!({"name": format!("住户{i}"), "relation": relation, "phone": phone, "id_number": ""}));
        }
        let (s, h) = app
            .call_json(
                worker,
                "save_household",
                json!({"household": {"id": null, "grid": GRID, "building": building, "unit": "1单元",
                    "room": format!("{}", 101 + door), "housing": "owner_occupied", "care_tags": [],
                    "account_phone": "", "members": members}}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{h}");
        for m in h["members"].as_array().unwrap() {
            out.push((h["id"].as_i64().unwrap(), m["id"].as_i64().unwrap()));
        }
    }
    out
}

async fn topic_audit_lines(app: &TestApp, actor: i64) -> Vec<String> {
    let filter = AuditFilter {
        action: Some(AuditAction::TopicStep),
        actor_id: Some(actor),
        ..Default::default()
    };
    audit_log::page(&app.state.db, None, &filter, None, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.detail)
        .collect()
}

async fn four_steps_from_proposal_to_result(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let community = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let community_id = app.user_id(phone_of(Role::CommunityAdmin)).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let (_, proposer) = app.person("提议居民 刘阿姨", &resident()).await;
    let (_, stranger) = app.person("别的居民", &resident()).await;
    let guest = app.client();

    // 1 征集. A proposal waits for review: only its proposer and the
    // community read it.
    let (s, body) = app
        .call_json(
            &proposer,
            "propose_topic",
            json!({"topic": {"community_code": COMMUNITY, "title": "", "body": "x"}}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["field"], "Title");
    let (s, t) = propose(&app, &proposer, "建设电动车集中充电棚").await;
    assert_eq!(s, StatusCode::OK, "{t}");
    let id = t["id"].clone();
    assert_eq!(t["stage"], "proposed");
    assert_eq!(notices(&app, &community, &id, "proposed").await, 1);
    for c in [&stranger, &guest, &worker] {
        assert_eq!(detail(&app, c, &id).await.0, StatusCode::NOT_FOUND);
    }
    let (_, list) = app.call(&guest, "topics", &[]).await;
    assert!(!list.as_array().unwrap().iter().any(|l| l["id"] == id));
    let (_, list) = app.call(&community, "topics", &[]).await;
    assert!(list.as_array().unwrap().iter().any(|l| l["id"] == id));
    let (_, list) = app.call(&proposer, "topics", &[]).await;
    assert!(
        list.as_array().unwrap().iter().any(|l| l["id"] == id),
        "the proposer's own list shows it"
    );
    assert_eq!(
        step(&app, &worker, &id, json!("approve")).await.0,
        StatusCode::NOT_FOUND,
        "a grid worker does not run the community's deliberation"
    );

    // The community sets its threshold and approves the topic.
    let (s, _) = app
        .call(
            &stranger,
            "topic_threshold",
            &[("community", COMMUNITY), ("threshold", "3")],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .call(
            &community,
            "topic_threshold",
            &[("community", COMMUNITY), ("threshold", "3")],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, t) = step(&app, &community, &id, json!("approve")).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(
        (&t["stage"], &t["threshold"]),
        (&json!("seconding"), &json!(3))
    );
    assert_eq!(notices(&app, &proposer, &id, "approve").await, 1);
    assert_eq!(detail(&app, &guest, &id).await.0, StatusCode::OK);

    // Seconds: not one's own, once each; the threshold is crossed by four
    // seconds at once and moves the topic onto the agenda exactly once.
    let (s, body) = app
        .call(&proposer, "second_topic", &[("id", &id.to_string())])
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["field"], "Second");
    let (s, body) = app
        .call(&stranger, "second_topic", &[("id", &id.to_string())])
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "not on the community's records");
    assert_eq!(body["field"], "Second");
    let mut neighbours = Vec::new();
    let mut neighbour_ids = Vec::new();
    for i in 0..4 {
        let (uid, c) = app.person(&format!("邻居{i}"), &resident()).await;
        neighbours.push(c);
        neighbour_ids.push(uid);
    }
    on_records(&app, &worker, &neighbour_ids, "20号楼").await;
    let id_text = id.to_string();
    let form = [("id", id_text.as_str())];
    let calls = neighbours
        .iter()
        .map(|c| app.call(c, "second_topic", &form));
    for (s, body) in futures::future::join_all(calls).await {
        assert_eq!(s, StatusCode::OK, "{body}");
    }
    let (s, body) = app
        .call(&neighbours[0], "second_topic", &[("id", &id.to_string())])
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["problem"], "Taken");
    let (_, t) = detail(&app, &guest, &id).await;
    assert_eq!((&t["stage"], &t["seconds"]), (&json!("agenda"), &json!(4)));
    assert_eq!(notices(&app, &community, &id, "agenda").await, 1, "once");

    // 2 商议 and 3 表决: the meeting opens the vote; 100 residents vote
    // twice each, all at once: one counted each.
    let (s, body) = step(
        &app,
        &community,
        &id,
        json!({"discuss": {
        "kind": "council", "held_at": Utc::now(), "place": "议事厅", "minutes": "纪要",
        "options": ["同意"], "mode": "resident",
        "opens_at": Utc::now(), "closes_at": Utc::now() + Duration::days(1)}}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "one option is no choice");
    assert_eq!(body["field"], "Options");
    let later = Utc::now() + Duration::days(3650);
    let (s, body) = step(
        &app,
        &community,
        &id,
        json!({"discuss": {
        "kind": "council", "held_at": Utc::now(), "place": "议事厅", "minutes": "纪要",
        "options": ["同意", "不同意"], "mode": "resident",
        "opens_at": later, "closes_at": later + Duration::days(1)}}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "a vote that never comes");
    assert_eq!(body["field"], "Time");
    let (s, t) = step(&app, &community, &id, discussion("resident")).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(t["stage"], "voting");
    let (yes, no) = (t["options"][0]["id"].clone(), t["options"][1]["id"].clone());
    let mut voters = Vec::new();
    let mut voter_ids = Vec::new();
    for i in 0..100 {
        let (uid, c) = app.person(&format!("投票居民{i}"), &resident()).await;
        voters.push(c);
        voter_ids.push(uid);
    }
    let listed = on_records(&app, &worker, &voter_ids, "21号楼").await;
    // Someone not on the records does not vote.
    let (s, body) = vote(&app, &stranger, &id, &yes).await;
    assert_eq!(
        (s, &body["problem"]),
        (StatusCode::BAD_REQUEST, &json!("Unknown"))
    );
    let calls = voters.iter().enumerate().flat_map(|(i, c)| {
        let first = if i % 3 == 0 { &no } else { &yes };
        [vote(&app, c, &id, first), vote(&app, c, &id, &yes)]
    });
    let answers = futures::future::join_all(calls).await;
    let counted = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert_eq!(counted, 100, "one vote counted per resident");
    for (s, body) in answers.iter().filter(|(s, _)| *s != StatusCode::OK) {
        assert_eq!(*s, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["problem"], "Taken", "{body}");
    }
    let (_, t) = detail(&app, &voters[0], &id).await;
    assert_eq!(t["votes"], 100);
    let sum: u64 = t["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["votes"].as_u64().unwrap())
        .sum();
    assert_eq!(sum, 100, "the tally adds up: {t}");
    assert_eq!((&t["voted"], &t["may_vote"]), (&json!(true), &json!(false)));

    // A paper ballot names a household of the community and its member;
    // entered once, audited without the choice.
    let (s, h) = app
        .call_json(
            &worker,
            "save_household",
            json!({"household": {"id": null, "grid": GRID, "building": "8号楼", "unit": "1单元",
                "room": "101", "housing": "owner_occupied", "care_tags": [], "account_phone": "",
                "members": [{"name": "王大爷", "relation": "head", "phone": "", "id_number": ""}]}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{h}");
    let ballot = [
        ("id", id.to_string()),
        ("option", no.to_string()),
        ("household", h["id"].to_string()),
        ("member", h["members"][0]["id"].to_string()),
    ];
    let form: Vec<(&str, &str)> = ballot.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        app.call(&voters[1], "paper_ballot", &form).await.0,
        StatusCode::FORBIDDEN
    );
    let (s, t) = app.call(&community, "paper_ballot", &form).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(t["votes"], 101);
    let (s, body) = app.call(&community, "paper_ballot", &form).await;
    assert_eq!(
        (s, &body["problem"]),
        (StatusCode::BAD_REQUEST, &json!("Taken"))
    );
    let lines = topic_audit_lines(&app, community_id).await;
    let slip = format!(
        "paper_ballot household {} member {}",
        h["id"], h["members"][0]["id"]
    );
    assert!(lines.contains(&slip), "{lines:?}");
    assert!(
        !lines.iter().any(|l| l.contains("同意")),
        "no choice in the log"
    );
    // A resident who voted online has no paper ballot too.
    let (household, member) = listed[0];
    let (s, body) = app
        .call(
            &community,
            "paper_ballot",
            &[
                ("id", &id.to_string()),
                ("option", &no.to_string()),
                ("household", &household.to_string()),
                ("member", &member.to_string()),
            ],
        )
        .await;
    assert_eq!(
        (s, &body["problem"]),
        (StatusCode::BAD_REQUEST, &json!("Taken"))
    );
    // Nor is a household of another community's ballot entered here.
    let admin = app.signed_in(phone_of(Role::SystemAdmin)).await;
    let (s, far) = app
        .call_json(
            &admin,
            "save_household",
            json!({"household": {"id": null, "grid": "370103-002-001-01", "building": "9号楼",
                "unit": "1单元", "room": "101", "housing": "owner_occupied", "care_tags": [],
                "account_phone": "",
                "members": [{"name": "外社区住户", "relation": "head", "phone": "", "id_number": ""}]}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{far}");
    let (s, body) = app
        .call(
            &community,
            "paper_ballot",
            &[
                ("id", &id.to_string()),
                ("option", &no.to_string()),
                ("household", &far["id"].to_string()),
                ("member", &far["members"][0]["id"].to_string()),
            ],
        )
        .await;
    assert_eq!(
        (s, &body["field"]),
        (StatusCode::BAD_REQUEST, &json!("Address"))
    );

    // The result only after the window; then no more votes.
    let (s, _) = step(
        &app,
        &community,
        &id,
        json!({"publish": {"decision": "同意建设"}}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "still voting");
    close_vote(&app, &id).await;
    let (s, body) = vote(&app, &stranger, &id, &yes).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["problem"], "OutOfRange", "outside the window");
    let (s, t) = step(
        &app,
        &community,
        &id,
        json!({"publish": {"decision": "多数居民同意在3号楼东侧建设充电棚，由物业牵头实施。"}}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(t["stage"], "decided");
    assert_eq!(notices(&app, &proposer, &id, "publish").await, 1);

    // 4 落实: progress climbs to done, linked to a case.
    let (s, _) = step(
        &app,
        &community,
        &id,
        json!({"progress": {"progress": 40, "note": ""}}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "a note says what was done");
    let (s, t) = step(
        &app,
        &community,
        &id,
        json!({"progress": {"progress": 40, "note": "物业已完成选址和报价"}}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(
        (&t["stage"], &t["progress"]),
        (&json!("implementing"), &json!(40))
    );
    let (s, body) = step(
        &app,
        &community,
        &id,
        json!({"progress": {"progress": 50, "note": "x", "case_id": 999999}}),
    )
    .await;
    assert_eq!(
        (s, &body["field"]),
        (StatusCode::BAD_REQUEST, &json!("LinkedCase"))
    );
    let (s, _) = step(
        &app,
        &community,
        &id,
        json!({"progress": {"progress": 20, "note": "倒退"}}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "progress does not go back");
    let (s, t) = step(
        &app,
        &community,
        &id,
        json!({"progress": {"progress": 100, "note": "充电棚已建成投用"}}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(t["stage"], "done");

    // The public result page shows the whole path and no one's name.
    let (s, public) = detail(&app, &guest, &id).await;
    assert_eq!(s, StatusCode::OK);
    assert!(public["meeting"]["minutes"].is_string());
    assert_eq!(public["updates"].as_array().unwrap().len(), 2);
    let text = public.to_string();
    for name in ["刘阿姨", "投票居民", "邻居", "王大爷"] {
        assert!(!text.contains(name), "{name} in {text}");
    }

    // Hiding: the proposer reads the reason; others no longer see it.
    let (_, other) = propose(&app, &proposer, "广告内容").await;
    let oid = other["id"].clone();
    let (s, _) = step(&app, &community, &oid, json!({"hide": {"reason": ""}})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = step(
        &app,
        &community,
        &oid,
        json!({"hide": {"reason": "与社区公共事务无关"}}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (_, mine) = detail(&app, &proposer, &oid).await;
    assert_eq!(mine["hidden_reason"], "与社区公共事务无关");
    assert_eq!(detail(&app, &stranger, &oid).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        step(&app, &community, &oid, json!("approve")).await.0,
        StatusCode::CONFLICT
    );
}

async fn one_vote_per_household(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let community = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let (_, proposer) = app.person("提议居民", &resident()).await;
    let (a_id, a) = app.person("张先生", &resident()).await;
    let (b_id, b) = app.person("张太太", &resident()).await;
    let (_, outsider) = app.person("外小区居民", &resident()).await;
    let phone = |id| {
        let db = app.state.db.clone();
        async move {
            app::backend::store::accounts::user_by_id(&db, id)
                .await
                .unwrap()
                .unwrap()
                .phone
        }
    };
    let (pa, pb) = (phone(a_id).await, phone(b_id).await);
    let (s, h) = app
        .call_json(
            &worker,
            "save_household",
            json!({"household": {"id": null, "grid": GRID, "building": "5号楼", "unit": "2单元",
            "room": "602", "housing": "owner_occupied", "care_tags": [], "account_phone": "",
            "members": [
                {"name": "张先生", "relation": "head", "phone": pa, "id_number": ""},
                {"name": "张太太", "relation": "spouse", "phone": pb, "id_number": ""}
            ]}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{h}");
    let (_, t) = propose(&app, &proposer, "更换单元门禁").await;
    let id = t["id"].clone();
    step(&app, &community, &id, json!("approve")).await;
    let (s, t) = step(&app, &community, &id, discussion("household")).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    let option = t["options"][0]["id"].clone();
    let (s, body) = vote(&app, &a, &id, &option).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (s, body) = vote(&app, &b, &id, &option).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "the household has voted");
    assert_eq!(body["problem"], "Taken");
    let (s, body) = vote(&app, &outsider, &id, &option).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "no household of this community");
    assert_eq!(
        (&body["field"], &body["problem"]),
        (&json!("Vote"), &json!("Unknown"))
    );
    // On paper too the household counts once.
    let (s, body) = app
        .call(
            &community,
            "paper_ballot",
            &[
                ("id", &id.to_string()),
                ("option", &option.to_string()),
                ("household", &h["id"].to_string()),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["problem"], "Taken");
    let (_, t) = detail(&app, &a, &id).await;
    assert_eq!(t["votes"], 1);
}

/// A first `make run` shows topics in every step (the demo with its cases).
async fn the_demo_shows_every_step(backend: Backend) {
    let app = TestApp::empty(backend).await;
    assert!(app::backend::demo::seed_if_empty(&app.state.db, 60)
        .await
        .unwrap());
    app.state.refresh_atlas().await.unwrap();
    let stages = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|l| l["stage"].as_str().unwrap().to_string())
            .collect()
    };
    let (s, public) = app.call(&app.client(), "topics", &[]).await;
    assert_eq!(s, StatusCode::OK, "{public}");
    let seen = stages(&public);
    for stage in [
        "seconding",
        "agenda",
        "voting",
        "decided",
        "implementing",
        "done",
    ] {
        assert!(seen.iter().any(|s| s == stage), "{stage} in {seen:?}");
    }
    assert!(
        !seen.iter().any(|s| s == "proposed"),
        "awaiting review is not public"
    );
    let community = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let (_, all) = app.call(&community, "topics", &[]).await;
    assert!(stages(&all).iter().any(|s| s == "proposed"));
    let voting = public
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["stage"] == "voting")
        .unwrap();
    let (_, t) = detail(&app, &community, &voting["id"]).await;
    assert_eq!(t["votes"], 23, "{t}");
    assert_eq!(t["mode"], "household");
}

on_both_backends!(
    four_steps_from_proposal_to_result,
    one_vote_per_household,
    the_demo_shows_every_step
);
