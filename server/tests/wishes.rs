//! Micro-wishes, dual reporting, the ledger and volunteering through the
//! real router on SQLite and PostgreSQL.

mod common;

use app::backend::demo::DISTRICT_CODE;
use app::domain::auth::Role;
use common::{phone_of, Backend, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

fn community() -> String {
    format!("{DISTRICT_CODE}-001-001")
}

fn in_days(n: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(n)).to_string()
}

async fn post(app: &TestApp, c: &Client, title: &str, wanted_by: &str) -> (StatusCode, Value) {
    app.call_json(
        c,
        "post_wish",
        json!({"wish": {
            "title": title,
            "story": "老伴腿脚不便，想请人帮忙把阳台的旧柜子搬下楼。",
            "kind": "service",
            "value_yuan": 0,
            "wanted_by": wanted_by,
            "community_code": community(),
            "address": "阳光花园3号楼2单元401",
        }}),
    )
    .await
}

async fn step(
    app: &TestApp,
    c: &Client,
    wish: &Value,
    action: &str,
    extra: Value,
) -> (StatusCode, Value) {
    let mut req = json!({"wish_id": wish["card"]["id"], "version": wish["version"], "action": action, "note": ""});
    for (k, v) in extra.as_object().unwrap() {
        req[k] = v.clone();
    }
    app.call_json(c, "take_wish_step", json!({"step": req}))
        .await
}

/// Takes a step that must succeed; returns the wish after it.
async fn must(
    app: &TestApp,
    c: &Client,
    wish: Value,
    action: &str,
    extra: Value,
    want: &str,
) -> Value {
    let (s, body) = step(app, c, &wish, action, extra).await;
    assert_eq!(s, StatusCode::OK, "{action}: {body}");
    assert_eq!(body["card"]["status"], want, "{action}");
    body
}

async fn detail(app: &TestApp, c: &Client, id: &Value) -> Value {
    let (s, body) = app.call(c, "wish_detail", &[("id", &id.to_string())]).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    body
}

fn tiny_jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([x as u8 * 5, y as u8 * 7, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

async fn upload(app: &TestApp, c: &Client, id: &Value, bytes: Vec<u8>) -> (StatusCode, Value) {
    let res = c
        .post(app.url(&format!("/api/v1/wishes/{id}/photos")))
        .body(bytes)
        .send()
        .await
        .unwrap();
    let s = res.status();
    (s, res.json().await.unwrap_or(Value::Null))
}

async fn the_whole_wish_loop_credits_the_member_and_the_unit(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let community_admin = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let member = app.signed_in(phone_of(Role::PartyMember)).await;
    let unit_admin = app.signed_in(phone_of(Role::UnitAdmin)).await;

    let (s, wish) = post(&app, &resident, "帮忙搬旧柜子", &in_days(10)).await;
    assert_eq!(s, StatusCode::OK, "{wish}");
    assert_eq!(wish["card"]["status"], "pending");
    let id = wish["card"]["id"].clone();
    let (s, _) = upload(&app, &resident, &id, tiny_jpeg()).await;
    assert_eq!(s, StatusCode::OK);

    // Not on the wall, and not readable by others, until approved.
    let (_, wall) = app.get_json("/api/v1/wishes.json").await;
    assert!(wall["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|w| w["id"] != id));
    let (s, _) = app
        .call(&member, "wish_detail", &[("id", &id.to_string())])
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // A party member cannot approve; the community can.
    let (s, _) = step(&app, &member, &wish, "approve", json!({})).await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "a member cannot even see it under review"
    );
    let wish = detail(&app, &community_admin, &id).await;
    assert!(
        wish["contact"]["phone"].is_string(),
        "the community sees the contact"
    );
    must(
        &app,
        &community_admin,
        wish,
        "approve",
        json!({}),
        "published",
    )
    .await;

    // On the wall now: public fields only.
    let (_, wall) = app.get_json("/api/v1/wishes.json").await;
    let text = wall.to_string();
    let card = wall["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == id)
        .unwrap();
    assert_eq!(card["title"], "帮忙搬旧柜子");
    assert_eq!(card["photos"].as_array().unwrap().len(), 1);
    for private in [phone_of(Role::Resident), "阳光花园3号楼", "郑丽"] {
        assert!(!text.contains(private), "the wall leaks {private}");
    }
    // The member sees no contact before claiming; a resident cannot claim.
    let before = detail(&app, &member, &id).await;
    assert!(before["contact"].is_null());
    assert!(before["actions"]
        .as_array()
        .unwrap()
        .contains(&json!("claim")));
    let (s, _) = step(&app, &resident, &before, "claim", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the wisher cannot claim");
    let outsider = app.crowd(1).await.pop().unwrap().1;
    let (s, body) = step(&app, &outsider, &before, "claim", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");

    let stale = before.clone();
    let claimed = must(&app, &member, before, "claim", json!({}), "claimed").await;
    // The member's unit admin has no say over a member's own claim, and
    // does not see the wisher's contact.
    let for_unit = detail(&app, &unit_admin, &id).await;
    assert!(for_unit["contact"].is_null(), "{for_unit}");
    assert_eq!(for_unit["actions"], json!([]));
    // Someone who may not act learns nothing from a stale version.
    let (s, body) = step(&app, &outsider, &stale, "give_back", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(claimed["contact"]["address"], "阳光花园3号楼2单元401");
    assert_eq!(claimed["card"]["claimed_by"], "吴**");
    let (_, wall) = app.get_json("/api/v1/wishes.json").await;
    assert!(!wall.to_string().contains("阳光花园3号楼"));

    // Fulfil: a note, hours, and a photo of it done.
    let (s, body) = step(
        &app,
        &member,
        &claimed,
        "fulfil",
        json!({"note": "已搬到楼下"}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "hours are required: {body}");
    let (s, _) = upload(&app, &member, &id, tiny_jpeg()).await;
    assert_eq!(s, StatusCode::OK);
    let done = must(
        &app,
        &member,
        claimed,
        "fulfil",
        json!({"note": "已帮忙搬到楼下回收点", "hours": 1.5}),
        "fulfilled",
    )
    .await;
    assert_eq!(done["fulfil_photos"].as_array().unwrap().len(), 1);
    let for_wisher = detail(&app, &resident, &id).await;
    assert!(for_wisher["actions"]
        .as_array()
        .unwrap()
        .contains(&json!("confirm")));
    must(
        &app,
        &resident,
        for_wisher,
        "confirm",
        json!({"note": "谢谢小吴！"}),
        "closed",
    )
    .await;

    // Points: 10 for the wish + 2 per hour.
    let (s, mine) = app.call(&member, "my_service", &[]).await;
    assert_eq!(s, StatusCode::OK, "{mine}");
    assert_eq!(mine["record"]["points"], 13);
    assert_eq!(mine["record"]["lines"][0]["title"], "帮忙搬旧柜子");
    let unit_id = mine["membership"]["unit_id"].as_i64().unwrap();
    let (s, ledger) = app
        .call(
            &unit_admin,
            "unit_ledger",
            &[("unit_id", &unit_id.to_string())],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{ledger}");
    assert_eq!(ledger["points"], 13);
    assert_eq!(ledger["lines"][0]["member"], "党员 吴磊");

    // Exports: CSV with a BOM (Excel reads the Chinese), and a real XLSX.
    let csv = unit_admin
        .get(app.url(&format!("/api/v1/units/{unit_id}/ledger.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    let bytes = csv.bytes().await.unwrap();
    assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.starts_with("日期,党员,单位"), "{text}");
    assert!(
        text.contains("帮忙搬旧柜子") && text.contains(",13,1.5"),
        "{text}"
    );
    let xlsx = unit_admin
        .get(app.url(&format!("/api/v1/units/{unit_id}/ledger.xlsx")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&xlsx[..2], b"PK", "an XLSX is a zip");
    let (s, _) = resident
        .get(app.url(&format!("/api/v1/units/{unit_id}/ledger.csv")))
        .send()
        .await
        .map(|r| (r.status(), ()))
        .unwrap();
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "a resident cannot export a unit's ledger"
    );

    // Leaderboard (public): surname only.
    let (_, board) = app
        .call(
            &Client::new(),
            "leaderboard",
            &[("community", &community())],
        )
        .await;
    assert_eq!(board[0]["name"], "吴**");
    assert_eq!(board[0]["points"], 13);

    // Notifications reached the wisher at each step.
    let (_, notices) = app.call(&resident, "my_notices", &[]).await;
    let events: Vec<&str> = notices
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["event"].as_str().unwrap())
        .collect();
    assert!(
        events.contains(&"approve") && events.contains(&"claim") && events.contains(&"fulfil"),
        "{events:?}"
    );
}

async fn fifty_concurrent_claims_have_exactly_one_winner(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let community_admin = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let member = app.signed_in(phone_of(Role::PartyMember)).await;
    let unit_admin = app.signed_in(phone_of(Role::UnitAdmin)).await;
    let (_, wish) = post(&app, &resident, "给孩子买几本课外书", &in_days(5)).await;
    let wish = must(
        &app,
        &community_admin,
        wish,
        "approve",
        json!({}),
        "published",
    )
    .await;
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for i in 0..50 {
        let (app, wish) = (app.clone(), wish.clone());
        let (client, action) = if i % 2 == 0 {
            (member.clone(), "claim")
        } else {
            (unit_admin.clone(), "claim_for_unit")
        };
        tasks.push(tokio::spawn(async move {
            step(&app, &client, &wish, action, json!({})).await
        }));
    }
    let mut winners = 0;
    for t in tasks {
        let (s, body) = t.await.unwrap();
        match s {
            StatusCode::OK => winners += 1,
            StatusCode::CONFLICT => {
                let by = body["text"].as_str().unwrap_or_default();
                assert!(
                    by == "吴**" || by == "市中区税务局",
                    "told who has it: {body}"
                );
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(winners, 1, "exactly one claim wins");
    let now = detail(&app, &community_admin, &wish["card"]["id"]).await;
    let claims = now["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "claim" || e["action"] == "claim_for_unit")
        .count();
    assert_eq!(claims, 1);
    // A week after its date the community and the claimer hear of it, once.
    let later = chrono::Utc::now().date_naive() + chrono::Duration::days(12);
    use app::backend::services::wishes::flag_overdue_claims;
    assert_eq!(flag_overdue_claims(&app.state, later).await.unwrap(), 1);
    assert_eq!(flag_overdue_claims(&app.state, later).await.unwrap(), 0);
    let (_, notices) = app.call(&community_admin, "my_notices", &[]).await;
    assert_eq!(notices[0]["event"], "overdue", "{notices}");
    // Giving it back returns it to the wall.
    let holder = if now["card"]["claimed_by"] == "吴**" {
        &member
    } else {
        &unit_admin
    };
    must(&app, holder, now, "give_back", json!({}), "published").await;
}

async fn bad_wishes_are_refused_and_nothing_is_stored(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let before = app::backend::store::wishes::count(&app.state.db)
        .await
        .unwrap();
    let (s, body) = post(&app, &resident, "   ", &in_days(3)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["field"], "Title");
    let (s, body) = post(&app, &resident, "想要一个轮椅", &in_days(-1)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["problem"], "InPast");
    assert_eq!(
        app::backend::store::wishes::count(&app.state.db)
            .await
            .unwrap(),
        before
    );

    // An oversized photo is refused with a reason; nothing is kept.
    let (_, wish) = post(&app, &resident, "想要一个轮椅", &in_days(3)).await;
    let id = wish["card"]["id"].clone();
    let (s, body) = upload(&app, &resident, &id, vec![0xFF; 11 * 1024 * 1024]).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["problem"], "too_large", "{body}");
    let (s, body) = upload(&app, &resident, &id, b"not an image at all".to_vec()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        app::backend::store::wishes::count_all_photos(&app.state.db)
            .await
            .unwrap(),
        0
    );
    // Another resident can neither see it nor add to it.
    let other = app.crowd(1).await.pop().unwrap().1;
    let (s, _) = upload(&app, &other, &id, tiny_jpeg()).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn units_and_members_register_and_the_community_approves(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let community_admin = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let mut crowd = app.crowd(2).await;
    let (applicant_id, applicant) = crowd.pop().unwrap();
    let (_, member) = crowd.pop().unwrap();
    let unit = json!({"unit": {
        "name": "历下区图书馆", "kind": "institution", "party_org": "区图书馆党支部",
        "contact_name": "韩馆长", "contact_phone": "13912345678", "community_code": community(),
    }});
    let (s, body) = app
        .call_json(&applicant, "register_unit", unit.clone())
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "pending");
    let unit_id = body["id"].as_i64().unwrap();
    let (s, body) = app.call_json(&applicant, "register_unit", unit).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "a name registers once: {body}");
    // Not approved yet: members cannot pick it, its applicant cannot publish.
    let (_, choices) = app.call(&member, "unit_choices", &[]).await;
    assert!(choices
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["id"] != unit_id));
    let (s, _) = app
        .call(
            &applicant,
            "review_unit",
            &[("unit_id", &unit_id.to_string()), ("approve", "true")],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "nobody approves their own unit");
    let (s, body) = app
        .call(
            &community_admin,
            "review_unit",
            &[("unit_id", &unit_id.to_string()), ("approve", "true")],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let grants = app::backend::store::accounts::grants_of(&app.state.db, applicant_id)
        .await
        .unwrap();
    assert!(
        grants.iter().any(|g| g.role == Role::UnitAdmin),
        "approval makes the applicant its admin"
    );

    // A member reports under the unit; the community approves; the unit sees them.
    let (s, body) = app
        .call(
            &member,
            "report_member",
            &[
                ("unit_id", &unit_id.to_string()),
                ("community", &community()),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let member_id = body["user_id"].as_i64().unwrap();
    let (_, overview) = app.call(&community_admin, "my_service", &[]).await;
    assert!(overview["members"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["user_id"] == member_id && m["status"] == "pending"));
    let (s, _) = app
        .call(
            &community_admin,
            "review_member",
            &[("user_id", &member_id.to_string()), ("approve", "true")],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, overview) = app.call(&applicant, "my_service", &[]).await;
    let members = overview["members"].as_array().unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0]["status"], "approved");
    // The unit publishes a resource; a need of the same category finds it.
    let (s, res) = app
        .call(
            &applicant,
            "add_resource",
            &[
                ("category", "education"),
                ("title", "周末阅读辅导"),
                ("availability", "每周六上午"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{res}");
    let (s, need) = app
        .call(
            &community_admin,
            "add_need",
            &[
                ("community", &community()),
                ("category", "education"),
                ("title", "留守儿童课业辅导"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{need}");
    let (_, suggested) = app
        .call(
            &Client::new(),
            "suggest_resources",
            &[("need_id", &need["id"].to_string())],
        )
        .await;
    assert_eq!(suggested[0]["id"], res["id"]);
    let (s, _) = app
        .call(
            &member,
            "add_need",
            &[
                ("community", &community()),
                ("category", "education"),
                ("title", "x"),
            ],
        )
        .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "members do not edit the community's lists"
    );
}

async fn thirty_sign_ups_for_twenty_places_fill_exactly_twenty(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let community_admin = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let start = chrono::Utc::now() + chrono::Duration::days(2);
    let activity = json!({"activity": {
        "community_code": community(), "title": "周末清理楼道小广告", "description": "带好手套",
        "place": "社区党群服务中心门口", "starts_at": start, "ends_at": start + chrono::Duration::hours(2),
        "capacity": 20, "hours": 2.0,
    }});
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let (s, _) = app
        .call_json(&resident, "publish_activity", activity.clone())
        .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "residents do not publish activities"
    );
    let (s, a) = app
        .call_json(&community_admin, "publish_activity", activity)
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let id = a["id"].as_i64().unwrap();
    let crowd = app.crowd(30).await;
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for (_, c) in crowd {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            app.call(
                &c,
                "sign_up",
                &[("activity_id", &id.to_string()), ("join", "true")],
            )
            .await
        }));
    }
    let (mut ok, mut full) = (0, 0);
    for t in tasks {
        let (s, body) = t.await.unwrap();
        match s {
            StatusCode::OK => ok += 1,
            StatusCode::CONFLICT => {
                assert!(body == json!({"code": "full"}), "{body}");
                full += 1
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!((ok, full), (20, 10));
    let stored = app::backend::store::activities::by_id(&app.state.db, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.taken, 20);
    assert_eq!(
        app::backend::store::activities::count_signed(&app.state.db, id)
            .await
            .unwrap(),
        20
    );
    // Organisers see the list; check-in is refused before the activity opens.
    let (s, list) = app
        .call(
            &community_admin,
            "attendees",
            &[("activity_id", &id.to_string())],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let first = list[0]["user_id"].to_string();
    let (s, _) = app
        .call(
            &community_admin,
            "check_in",
            &[("activity_id", &id.to_string()), ("user_id", &first)],
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "too early to check in");
}

async fn grid_staff_post_for_residents_without_a_phone(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let community_admin = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let for_someone = |phone: &str| {
        json!({"wish": {
            "title": "想要一台收音机", "story": "眼睛不好，想听戏曲。", "kind": "material",
            "value_yuan": 60, "wanted_by": in_days(7), "community_code": community(),
            "address": "阳光花园5号楼101", "for_name": "王大爷", "for_phone": phone,
        }})
    };
    let (s, body) = app.call_json(&resident, "post_wish", for_someone("")).await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "residents post only their own: {body}"
    );
    let (s, body) = app
        .call_json(&worker, "post_wish", for_someone("123"))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["problem"], "NotMobile");
    let (s, wish) = app.call_json(&worker, "post_wish", for_someone("")).await;
    assert_eq!(s, StatusCode::OK, "{wish}");
    assert_eq!(wish["contact"]["name"], "王大爷");
    // The worker's community sees it for review, with the contact.
    let (_, list) = app
        .call_json(
            &community_admin,
            "wishes_page",
            json!({"list": {"community": community()}}),
        )
        .await;
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["id"] == wish["card"]["id"]));
    let (s, _) = app
        .call_json(
            &resident,
            "wishes_page",
            json!({"list": {"community": community()}}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "a resident cannot read the review list"
    );
}

on_both_backends!(
    grid_staff_post_for_residents_without_a_phone,
    the_whole_wish_loop_credits_the_member_and_the_unit,
    fifty_concurrent_claims_have_exactly_one_winner,
    bad_wishes_are_refused_and_nothing_is_stored,
    units_and_members_register_and_the_community_approves,
    thirty_sign_ups_for_twenty_places_fill_exactly_twenty,
);
