//! Regressions for the holes an attacker's review found (issue 8), each
//! through the real router on SQLite and PostgreSQL: private cases read by
//! following them, `nearby` leaking private cases, companies reading every
//! case of their grid, names in stale-version answers, contact harvesting
//! through wish claims, unknown departments, merges across communities,
//! reopened cases overdue at once.

mod common;

use app::backend::demo::DISTRICT_CODE;
use app::domain::auth::Role;
use common::{act, category, phone_of, report_case, Backend, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

/// The middle of the demo grid `370103-001-001-01`.
const HOME: (f64, f64) = (36.6372, 117.0135);

fn demo_grid() -> String {
    format!("{DISTRICT_CODE}-001-001-01")
}

async fn report_at(app: &TestApp, c: &Client, at: (f64, f64), text: &str, public: bool) -> Value {
    let (s, body) = report_case(app, c, at, text, public).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    body
}

async fn must(app: &TestApp, c: &Client, case: Value, action: Value, extra: Value) -> Value {
    let (s, body) = act(app, c, &case, action.clone(), extra).await;
    assert_eq!(s, StatusCode::OK, "{action}: {body}");
    body
}

async fn detail(app: &TestApp, c: &Client, id: &Value) -> (StatusCode, Value) {
    app.call(c, "case_detail", &[("id", &id.to_string())]).await
}

/// A point of the demo grid inside a compound managed by `company`.
fn spot_of(app: &TestApp, company: i64) -> (f64, f64) {
    let atlas = app.state.atlas();
    let grid = demo_grid();
    for dy in -40..=40 {
        for dx in -40..=40 {
            let (lat, lng) = (HOME.0 + dy as f64 * 0.0001, HOME.1 + dx as f64 * 0.0001);
            if atlas.company_at(&grid, lat, lng) == Some(company) {
                return (lat, lng);
            }
        }
    }
    panic!("no compound of company {company} in the demo grid")
}

async fn a_fresh_resident_following_private_cases_reads_none(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let owner = app.signed_in(phone_of(Role::Resident)).await;
    // Some private cases of the owner, some public ones.
    let mut private = Vec::new();
    for i in 0..5 {
        private.push(
            report_at(
                &app,
                &owner,
                HOME,
                &format!("家里漏水 {i}，电话 13912345678"),
                false,
            )
            .await,
        );
    }
    let public = report_at(&app, &owner, HOME, "路灯不亮", true).await;
    let (_, stranger) = app.crowd(1).await.remove(0);
    // The first 100 ids hold private demo cases too; together with ours
    // the stranger tries them all.
    let mut ids: Vec<i64> = (1..=100).collect();
    ids.extend(private.iter().map(|c| c["id"].as_i64().unwrap()));
    let mut private_seen = 0;
    for id in &ids {
        let (followed, _) = app
            .call(&stranger, "follow_case", &[("id", &id.to_string())])
            .await;
        let (s, body) = detail(&app, &stranger, &json!(id)).await;
        if s == StatusCode::OK {
            // Readable only because it is on the public board.
            if body["public"] != true || body["status"] == "rejected" || body["status"] == "merged"
            {
                private_seen += 1;
            }
            assert!(
                body["contact"].is_null(),
                "no contact for a stranger: {body}"
            );
        } else {
            assert_eq!(s, StatusCode::NOT_FOUND);
            assert_ne!(
                followed,
                StatusCode::OK,
                "following private case {id} was allowed"
            );
        }
    }
    assert_eq!(private_seen, 0, "private cases read by a stranger");
    for c in &private {
        let (s, _) = detail(&app, &stranger, &c["id"]).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "a private case stays private");
    }
    // A board case can be followed, and the follower gets the public view:
    // the place blurred, staff names hidden.
    let (s, body) = app
        .call(
            &stranger,
            "follow_case",
            &[("id", &public["id"].to_string())],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (s, seen) = detail(&app, &stranger, &public["id"]).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(seen["lat"], json!((HOME.0 * 1000.0).round() / 1000.0));
    // The "following" list places it as the board does, never exactly.
    let (s, following) = app
        .call_json(
            &stranger,
            "case_queue",
            json!({"queue": "following", "statuses": [], "overdue_only": false, "after": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{following}");
    let rows = following.as_array().unwrap();
    assert!(rows.iter().any(|r| r["id"] == public["id"]));
    for r in rows {
        let lat = r["lat"].as_f64().unwrap();
        assert_eq!(lat, (lat * 1000.0).round() / 1000.0, "blurred: {r}");
    }
    assert!(seen["actions"].as_array().unwrap().is_empty());
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    must(&app, &worker, public.clone(), json!("confirm"), json!({})).await;
    let (_, seen) = detail(&app, &stranger, &public["id"]).await;
    for e in seen["timeline"].as_array().unwrap() {
        assert_eq!(e["actor"], "", "a role, never a name: {e}");
        assert!(
            Role::parse(e["actor_role"].as_str().unwrap()).is_some(),
            "{e}"
        );
    }
    // Staff of the place see the reporter's contact, and that look is audited.
    let (_, staff_view) = detail(&app, &worker, &public["id"]).await;
    assert_eq!(staff_view["contact"]["phone"], phone_of(Role::Resident));
    let (_, log) = app
        .call_json(
            &app.signed_in(phone_of(Role::SystemAdmin)).await,
            "audit_log",
            json!({"filter": {"action": "case_read", "target_id": public["id"].to_string()}, "before": null}),
        )
        .await;
    assert!(
        !log.as_array().unwrap().is_empty(),
        "the staff read is in the audit log: {log}"
    );
}

async fn nearby_offers_only_board_cases_blurred(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let owner = app.signed_in(phone_of(Role::Resident)).await;
    let secret = report_at(&app, &owner, HOME, "私事：邻居家暴", false).await;
    let open = report_at(&app, &owner, HOME, "井盖松动", true).await;
    let (_, other) = app.crowd(1).await.remove(0);
    let cat = category(&app, &other).await;
    let (s, near) = app
        .call(
            &other,
            "nearby_cases",
            &[
                ("category_id", &cat.to_string()),
                ("lat", &HOME.0.to_string()),
                ("lng", &HOME.1.to_string()),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{near}");
    let near = near.as_array().unwrap();
    assert!(
        near.iter().any(|c| c["id"] == open["id"]),
        "the board case is offered"
    );
    assert!(
        !near.iter().any(|c| c["id"] == secret["id"]),
        "the private case is not"
    );
    for c in near {
        let lat = c["lat"].as_f64().unwrap();
        assert_eq!(
            lat,
            (lat * 1000.0).round() / 1000.0,
            "places are blurred: {c}"
        );
    }
}

async fn companies_see_only_what_is_dispatched_to_them(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let company = app.signed_in(phone_of(Role::PropertyCompany)).await;
    // The demo company is company 1; the demo grid also holds a compound
    // of another company.
    let (_, me) = app.call(&company, "session_user", &[]).await;
    let mine_id = me["grants"][0]["scope"]["Company"]
        .as_i64()
        .expect("a company scope");
    let other_id = (1..=3)
        .find(|c| {
            *c != mine_id && {
                let atlas = app.state.atlas();
                let g = demo_grid();
                (-40..=40).any(|dy| {
                    (-40..=40).any(|dx| {
                        atlas.company_at(&g, HOME.0 + dy as f64 * 1e-4, HOME.1 + dx as f64 * 1e-4)
                            == Some(*c)
                    })
                })
            }
        })
        .expect("a second company in the demo grid");
    let in_mine = report_at(
        &app,
        &resident,
        spot_of(&app, mine_id),
        "电梯故障，投诉物业",
        false,
    )
    .await;
    let in_other = report_at(&app, &resident, spot_of(&app, other_id), "车库漏水", false).await;
    let queue = |c: Client| {
        let app = &app;
        async move {
            let (s, rows) = app
                .call_json(&c, "case_queue", json!({"queue": "company", "statuses": [], "overdue_only": false, "after": null}))
                .await;
            assert_eq!(s, StatusCode::OK);
            rows.as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_i64().unwrap())
                .collect::<Vec<_>>()
        }
    };
    let fresh = queue(company.clone()).await;
    assert!(
        !fresh.contains(&in_mine["id"].as_i64().unwrap()),
        "a complaint still with the grid"
    );
    assert_eq!(
        detail(&app, &company, &in_mine["id"]).await.0,
        StatusCode::NOT_FOUND
    );
    // Dispatched to the company: now it is theirs.
    let c = must(&app, &worker, in_mine.clone(), json!("confirm"), json!({})).await;
    let c = must(&app, &worker, c, json!({"dispatch": "company"}), json!({})).await;
    assert!(queue(company.clone())
        .await
        .contains(&c["id"].as_i64().unwrap()));
    let (s, seen) = detail(&app, &company, &c["id"]).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        seen["contact"].is_null(),
        "a company does not get the reporter's phone"
    );
    // Nor anyone's name: the complainant's would be the first line.
    for e in seen["timeline"].as_array().unwrap() {
        assert_eq!(e["actor"], "", "a role, never a name: {e}");
        assert!(
            Role::parse(e["actor_role"].as_str().unwrap()).is_some(),
            "{e}"
        );
    }
    must(&app, &company, seen, json!("accept"), json!({})).await;
    // The other company's case in the same grid goes to the other company,
    // never to ours.
    let o = must(&app, &worker, in_other.clone(), json!("confirm"), json!({})).await;
    let o = must(&app, &worker, o, json!({"dispatch": "company"}), json!({})).await;
    assert!(!queue(company.clone())
        .await
        .contains(&o["id"].as_i64().unwrap()));
    assert_eq!(
        detail(&app, &company, &o["id"]).await.0,
        StatusCode::NOT_FOUND
    );
    // A case outside every compound cannot go to a company at all.
    let outside = report_at(
        &app,
        &resident,
        (HOME.0 + 0.0030, HOME.1 + 0.0030),
        "路面坑洼",
        false,
    )
    .await;
    if outside["grid_code"] == json!(demo_grid()) {
        let x = must(&app, &worker, outside, json!("confirm"), json!({})).await;
        if app
            .state
            .atlas()
            .company_at(
                &demo_grid(),
                x["lat"].as_f64().unwrap(),
                x["lng"].as_f64().unwrap(),
            )
            .is_none()
        {
            let (s, _) = act(&app, &worker, &x, json!({"dispatch": "company"}), json!({})).await;
            assert_eq!(s, StatusCode::FORBIDDEN);
        }
    }
}

async fn a_stale_version_names_nobody_to_outsiders(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let case = report_at(&app, &resident, HOME, "楼道堆物", true).await;
    let moved = must(&app, &worker, case.clone(), json!("confirm"), json!({})).await;
    // A stranger (who may read the board case) acts with the old version.
    let (_, stranger) = app.crowd(1).await.remove(0);
    app.call(&stranger, "follow_case", &[("id", &case["id"].to_string())])
        .await;
    for action in [
        json!("confirm"),
        json!("reject"),
        json!("close"),
        json!("evaluate"),
    ] {
        let (s, body) = act(&app, &stranger, &case, action.clone(), json!({"rating": 5})).await;
        assert!(
            s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND,
            "{action}: {s} {body}"
        );
        let text = body.to_string();
        assert!(
            !text.contains("网格员") && !text.contains("already_handled"),
            "{action}: {text}"
        );
    }
    // Staff who lose a race are told who got there first.
    let (s, body) = act(&app, &worker, &case, json!("confirm"), json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert!(body["text"].as_str().is_some_and(|b| !b.is_empty()));
    let _ = moved;
}

async fn departments_come_from_the_table_and_merges_stay_in_the_community(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let street = app.signed_in(phone_of(Role::StreetAdmin)).await;
    let admin = app.signed_in(phone_of(Role::SystemAdmin)).await;
    let (s, list) = app.call(&resident, "departments", &[]).await;
    assert_eq!(s, StatusCode::OK);
    assert!(list.as_array().unwrap().iter().any(|d| d["code"] == "CG"));
    let case = report_at(&app, &resident, HOME, "占道经营", false).await;
    let case = must(&app, &street, case, json!("confirm"), json!({})).await;
    let (s, body) = act(
        &app,
        &street,
        &case,
        json!({"dispatch": "department"}),
        json!({"department": "NOPE"}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    // Admins add, rename and retire departments; a retired one is refused.
    let (s, _) = app
        .call(
            &street,
            "add_department",
            &[("code", "WJ"), ("name", "区卫健局")],
        )
        .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "street admins do not keep the table"
    );
    let (s, id) = app
        .call(
            &admin,
            "add_department",
            &[("code", "wj"), ("name", "区卫健局")],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{id}");
    let (s, _) = app
        .call(
            &admin,
            "add_department",
            &[("code", "WJ"), ("name", "重复")],
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = app
        .call(
            &admin,
            "edit_department",
            &[("id", &id.to_string()), ("active", "false")],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = act(
        &app,
        &street,
        &case,
        json!({"dispatch": "department"}),
        json!({"department": "WJ"}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "a retired department");
    let case = must(
        &app,
        &street,
        case,
        json!({"dispatch": "department"}),
        json!({"department": "CG"}),
    )
    .await;
    assert_eq!(case["department"], "CG");
    // Merges: only into an open case of the same community.
    let dup = report_at(&app, &resident, HOME, "占道经营（重复）", false).await;
    let far = report_at(&app, &resident, (36.6372, 117.0465), "别的社区", false).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    if far["community_code"] != dup["community_code"] {
        let (s, body) = act(
            &app,
            &worker,
            &dup,
            json!("merge"),
            json!({"merge_into": far["id"]}),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::BAD_REQUEST,
            "merge across communities: {body}"
        );
    }
    let (s, _) = act(
        &app,
        &worker,
        &dup,
        json!("merge"),
        json!({"merge_into": 999999}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, body) = act(
        &app,
        &worker,
        &dup,
        json!("merge"),
        json!({"merge_into": case["id"]}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
}

async fn a_reopened_case_gets_a_fresh_deadline(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let mut case = report_at(&app, &resident, HOME, "垃圾清运不及时", false).await;
    for (who, action) in [
        (&worker, json!("confirm")),
        (&worker, json!({"dispatch": "grid"})),
        (&worker, json!("accept")),
    ] {
        case = must(&app, who, case, action, json!({})).await;
    }
    let (s, c) = app
        .call_json(&worker, "act_on_case", json!({"request": {"case_id": case["id"], "version": case["version"], "action": "resolve", "note": "已清运"}}))
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    let c = must(&app, &worker, c, json!("feedback"), json!({})).await;
    let c = must(&app, &worker, c, json!("close"), json!({})).await;
    assert!(c["due_at"].is_null(), "closed: no deadline");
    let reopened = must(&app, &resident, c, json!("reopen"), json!({})).await;
    let due: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(reopened["due_at"].clone()).expect("a reopened case has a deadline");
    assert!(due > chrono::Utc::now(), "and it is not overdue at once");
    assert_ne!(reopened["due_state"], "overdue");
}

on_both_backends!(
    a_fresh_resident_following_private_cases_reads_none,
    nearby_offers_only_board_cases_blurred,
    companies_see_only_what_is_dispatched_to_them,
    a_stale_version_names_nobody_to_outsiders,
    departments_come_from_the_table_and_merges_stay_in_the_community,
    a_reopened_case_gets_a_fresh_deadline,
);

async fn claim_limits_hold_under_parallel_claims(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let community = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let member = app.signed_in(phone_of(Role::PartyMember)).await;
    let wanted = (chrono::Utc::now().date_naive() + chrono::Duration::days(9)).to_string();
    let mut wishes = Vec::new();
    for i in 0..8 {
        let (s, w) = app
            .call_json(
                &resident,
                "post_wish",
                json!({"wish": {"title": format!("想要一本书{i}"), "story": "想看书", "kind": "material",
                    "value_yuan": 20, "wanted_by": wanted, "community_code": format!("{DISTRICT_CODE}-001-001"),
                    "address": "阳光花园1号楼"}}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{w}");
        let (s, w) = app
            .call_json(&community, "take_wish_step", json!({"step": {"wish_id": w["card"]["id"], "version": w["version"], "action": "approve", "note": ""}}))
            .await;
        assert_eq!(s, StatusCode::OK, "{w}");
        wishes.push(w);
    }
    // All eight claimed at once by one member (who holds no claim in the
    // test district): the open-claims limit lets exactly three through.
    let app = std::sync::Arc::new(app);
    let tasks: Vec<_> = wishes
        .iter()
        .map(|w| {
            let (app, member, w) = (app.clone(), member.clone(), w.clone());
            tokio::spawn(async move {
                app.call_json(&member, "take_wish_step", json!({"step": {"wish_id": w["card"]["id"], "version": w["version"], "action": "claim", "note": ""}}))
                    .await
            })
        })
        .collect();
    let mut won = 0u64;
    for t in tasks {
        let (s, body) = t.await.unwrap();
        match s {
            StatusCode::OK => won += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                assert_eq!(body["kind"], "OpenClaims", "{body}")
            }
            other => panic!("{other}: {body}"),
        }
    }
    assert_eq!(
        won,
        app::backend::state::ClaimLimits::default().open_max,
        "parallel claims cannot all pass the count"
    );
}

async fn nobody_approves_their_own_application(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let community = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let (s, unit) = app
        .call_json(
            &community,
            "register_unit",
            json!({"unit": {"name": "自家单位", "kind": "institution", "party_org": "自家党支部",
                "contact_name": "李书记", "contact_phone": "13912345670", "community_code": format!("{DISTRICT_CODE}-001-001")}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{unit}");
    let (s, body) = app
        .call(
            &community,
            "review_unit",
            &[("unit_id", &unit["id"].to_string()), ("approve", "true")],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "self-approval: {body}");
}

async fn only_importers_may_send_a_big_body(backend: Backend) {
    let app = TestApp::demo(backend).await;
    // 3 MB: over the 1 MB everyone gets, small enough that the server reads
    // it through to answer (bigger ones are cut off mid-send).
    let big = vec![b' '; 3 * 1024 * 1024];
    let res = app
        .client()
        .post(app.url("/api/import_geography"))
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::PAYLOAD_TOO_LARGE,
        "a stranger's 3 MB import"
    );
    let admin = app.signed_in(phone_of(Role::SystemAdmin)).await;
    let res = admin
        .post(app.url("/api/import_geography"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_ne!(
        res.status(),
        StatusCode::PAYLOAD_TOO_LARGE,
        "an admin's import is read"
    );
}

async fn escalating_past_the_street_is_a_whistle(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let street = app.signed_in(phone_of(Role::StreetAdmin)).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let case = report_at(&app, &resident, HOME, "违章搭建", false).await;
    let case = must(&app, &street, case, json!("confirm"), json!({})).await;
    let case = must(
        &app,
        &street,
        case,
        json!({"dispatch": "street"}),
        json!({}),
    )
    .await;
    for who in [&worker, &street] {
        let (s, body) = act(&app, who, &case, json!("escalate"), json!({})).await;
        assert!(
            s == StatusCode::CONFLICT || s == StatusCode::FORBIDDEN,
            "{s} {body}"
        );
    }
    let (_, now) = detail(&app, &street, &case["id"]).await;
    assert_eq!(now["level"], "street");
}

on_both_backends!(
    claim_limits_hold_under_parallel_claims,
    nobody_approves_their_own_application,
    only_importers_may_send_a_big_body,
    escalating_past_the_street_is_a_whistle,
);

/// Wrong guesses at one address put that address in the back-off for the
/// number, not the owner signing in from elsewhere.
async fn a_guesser_cannot_keep_the_owner_out(backend: Backend) {
    let app = TestApp::with_config(
        backend,
        app::backend::Config {
            trusted_proxies: app::backend::request::TrustedProxies::parse("127.0.0.1").unwrap(),
            ..Default::default()
        },
    )
    .await;
    assert!(app::backend::demo::seed_if_empty(&app.state.db, 0)
        .await
        .unwrap());
    app.state.refresh_atlas().await.unwrap();
    let phone = phone_of(Role::Resident);
    let login = |from: &'static str, password: &'static str| {
        let app = &app;
        async move {
            app.client()
                .post(app.url("/api/login"))
                .header("x-forwarded-for", from)
                .form(&[("phone", phone), ("password", password)])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    // The guesser uses up the free failures and is made to wait.
    let mut refused = false;
    for _ in 0..8 {
        if login("203.0.113.7", "wrong-guess").await == StatusCode::TOO_MANY_REQUESTS {
            refused = true;
        }
    }
    assert!(refused, "the guesser's address waits");
    // The owner, at home, signs in at once.
    assert_eq!(
        login("198.51.100.23", app::backend::demo::DEMO_PASSWORD).await,
        StatusCode::OK
    );
}

on_both_backends!(a_guesser_cannot_keep_the_owner_out);
