//! Accounts, sessions and permissions through the real router.

mod common;

use app::backend::demo::{DEMO_ACCOUNTS, DEMO_PASSWORD, DISTRICT_CODE};
use app::backend::password;
use app::backend::services::auth;
use app::backend::store::{accounts, audit as audit_log, cases as case_store};
use app::domain::audit::{AuditAction, AuditFilter};
use app::domain::auth::Role;
use app::domain::error::{AppError, Field, InputProblem};
use common::{phone_of, Backend, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// `password::verifications()` counts for the whole test process. The test
/// that reads it holds this for writing and runs alone; every other test
/// here signs people in, so it holds it for reading.
static VERIFICATION_COUNT: tokio::sync::RwLock<()> = tokio::sync::RwLock::const_new(());

async fn shared() -> tokio::sync::RwLockReadGuard<'static, ()> {
    VERIFICATION_COUNT.read().await
}

const PASSWORD: &str = "longenough1";

/// A new resident, registered (with consent) and signed in on `c`.
async fn register(app: &TestApp, c: &Client, phone: &str, name: &str) -> i64 {
    let (s, body) = app
        .call(
            c,
            "register",
            &[
                ("phone", phone),
                ("password", PASSWORD),
                ("name", name),
                ("consent", "true"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "register {phone}: {body}");
    user_id(app, phone).await
}

async fn user_id(app: &TestApp, phone: &str) -> i64 {
    accounts::user_by_phone(&app.state.db, phone)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no user {phone}"))
        .id
}

async fn login(app: &TestApp, c: &Client, phone: &str, pass: &str) -> (StatusCode, Value) {
    app.call(c, "login", &[("phone", phone), ("password", pass)])
        .await
}

async fn audited(app: &TestApp, action: AuditAction, user: i64) -> bool {
    let filter = AuditFilter {
        action: Some(action),
        target_kind: Some("user".into()),
        target_id: Some(user.to_string()),
        ..Default::default()
    };
    !audit_log::page(&app.state.db, None, &filter, None, 10)
        .await
        .unwrap()
        .is_empty()
}

async fn residents_register_and_sessions_are_safe_cookies(backend: Backend) {
    let _shared = shared().await;
    let app = TestApp::demo(backend).await;
    let c = app.client();
    let res = c
        .post(app.url("/api/register"))
        .form(&[
            ("phone", "13612345678"),
            ("password", "longenough1"),
            ("name", "新居民"),
            ("consent", "true"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.starts_with("gl_sid=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let (s, me) = app.call(&c, "session_user", &[]).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["name"], "新居民");
    assert_eq!(me["grants"][0]["role"], "resident");

    // The same number again.
    let (s, body) = app
        .call(
            &app.client(),
            "register",
            &[
                ("phone", "13612345678"),
                ("password", "longenough1"),
                ("name", "x"),
                ("consent", "true"),
            ],
        )
        .await;
    assert_eq!(
        (s, body),
        (StatusCode::CONFLICT, json!({"code": "phone_taken"}))
    );

    // Bad input gets a readable, field-specific refusal.
    for (form, field, problem) in [
        (
            vec![
                ("phone", "12345"),
                ("password", "longenough1"),
                ("name", "甲"),
            ],
            "Phone",
            "NotMobile",
        ),
        (
            vec![
                ("phone", "13612345679"),
                ("password", "short"),
                ("name", "甲"),
            ],
            "Password",
            "PasswordLength",
        ),
        (
            vec![
                ("phone", "13612345679"),
                ("password", "longenough1"),
                ("name", ""),
            ],
            "Name",
            "Required",
        ),
    ] {
        let (s, body) = app.call(&app.client(), "register", &form).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert_eq!(
            body,
            json!({"code": "invalid_input", "field": field, "problem": problem})
        );
    }

    // Logout ends the session on the server.
    let (s, _) = app.call(&c, "logout", &[]).await;
    assert_eq!(s, StatusCode::OK);
    let (_, me) = app.call(&c, "session_user", &[]).await;
    assert_eq!(me, Value::Null);
}

async fn every_demo_role_can_sign_in_and_wrong_passwords_are_limited(backend: Backend) {
    let _shared = shared().await;
    let app = TestApp::demo(backend).await;
    for (phone, name, role) in DEMO_ACCOUNTS {
        let c = app.signed_in(phone).await;
        let (_, me) = app.call(&c, "session_user", &[]).await;
        assert_eq!(me["name"], name);
        assert_eq!(me["grants"][0]["role"], serde_json::to_value(role).unwrap());
    }
    let phone = phone_of(Role::Resident);
    for _ in 0..5 {
        let (s, body) = app
            .call(
                &app.client(),
                "login",
                &[("phone", phone), ("password", "wrong-password")],
            )
            .await;
        assert_eq!(
            (s, body),
            (
                StatusCode::UNAUTHORIZED,
                json!({"code": "wrong_credentials"})
            )
        );
    }
    let (s, body) = app
        .call(
            &app.client(),
            "login",
            &[("phone", phone), ("password", "wrong-password")],
        )
        .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{body}");
    // An unknown number is refused the same way as a wrong password.
    let (s, body) = app
        .call(
            &app.client(),
            "login",
            &[("phone", "13999999999"), ("password", DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(
        (s, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({"code": "wrong_credentials"})
        )
    );
}

fn grid(community: u32, n: u32) -> String {
    format!("{DISTRICT_CODE}-001-{community:03}-{n:02}")
}

async fn each_role_is_refused_outside_its_scope(backend: Backend) {
    let _shared = shared().await;
    let app = TestApp::demo(backend).await;
    let own_grid = grid(1, 1);
    let same_community = grid(1, 2);
    let same_street = grid(2, 1);
    let other_street = format!("{DISTRICT_CODE}-002-001-01");
    // (role, own grid, same community, same street, other street)
    let expect = [
        (Role::SystemAdmin, true, true, true, true),
        (Role::StreetAdmin, true, true, true, false),
        (Role::CommunityAdmin, true, true, false, false),
        (Role::GridLeader, true, false, false, false),
        (Role::GridWorker, true, false, false, false),
        (Role::Instructor, true, false, false, false),
        (Role::Department, false, false, false, false),
        (Role::PropertyCompany, false, false, false, false),
        (Role::UnitAdmin, false, false, false, false),
        (Role::PartyMember, false, false, false, false),
        (Role::Resident, false, false, false, false),
    ];
    for (role, a, b, c, d) in expect {
        let client = app.signed_in(phone_of(role)).await;
        for (code, allowed) in [
            (&own_grid, a),
            (&same_community, b),
            (&same_street, c),
            (&other_street, d),
        ] {
            let (s, body) = app.call(&client, "grid_roster", &[("code", code)]).await;
            if allowed {
                assert_eq!(s, StatusCode::OK, "{role:?} roster {code}: {body}");
                assert!(body
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|p| p["phone"].as_str().is_some_and(|p| p.len() == 11)));
            } else {
                // Refused: a clear error and no data.
                assert_eq!(
                    (s, &body),
                    (StatusCode::FORBIDDEN, &json!({"code": "forbidden"})),
                    "{role:?} roster {code}"
                );
            }
        }
        // Only the system admin imports boundaries.
        let (s, _) = app
            .call_json(&client, "import_geography", json!({"geojson": "{}"}))
            .await;
        assert_eq!(
            s == StatusCode::FORBIDDEN,
            role != Role::SystemAdmin,
            "{role:?} import"
        );
    }
    // Signed out: asked to sign in, shown nothing.
    let (s, body) = app
        .call(&app.client(), "grid_roster", &[("code", &own_grid)])
        .await;
    assert_eq!(
        (s, body),
        (StatusCode::UNAUTHORIZED, json!({"code": "not_signed_in"}))
    );
}

async fn staff_accounts_are_created_only_downwards_and_inside_the_area(backend: Backend) {
    let _shared = shared().await;
    let app = TestApp::demo(backend).await;
    let account = |phone: &str, role: &str, scope: &str| json!({"account": {"phone": phone, "name": "新同事", "password": "longenough1", "role": role, "scope": scope, "position": null}});
    let community = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let street = app.signed_in(phone_of(Role::StreetAdmin)).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let cases = [
        (
            &community,
            account("13500000001", "grid_worker", &grid(1, 3)),
            StatusCode::OK,
        ),
        (
            &community,
            account("13500000002", "grid_worker", &grid(2, 3)),
            StatusCode::FORBIDDEN,
        ),
        (
            &community,
            account(
                "13500000003",
                "community_admin",
                &format!("{DISTRICT_CODE}-001-001"),
            ),
            StatusCode::FORBIDDEN,
        ),
        (
            &street,
            account(
                "13500000004",
                "community_admin",
                &format!("{DISTRICT_CODE}-001-002"),
            ),
            StatusCode::OK,
        ),
        (
            &street,
            account(
                "13500000005",
                "street_admin",
                &format!("{DISTRICT_CODE}-001"),
            ),
            StatusCode::FORBIDDEN,
        ),
        (
            &street,
            account(
                "13500000006",
                "grid_worker",
                &format!("{DISTRICT_CODE}-002-001-01"),
            ),
            StatusCode::FORBIDDEN,
        ),
        (
            &worker,
            account("13500000007", "grid_worker", &grid(1, 1)),
            StatusCode::FORBIDDEN,
        ),
        (
            &street,
            account("13500000008", "grid_worker", "NO-SUCH-GRID"),
            StatusCode::BAD_REQUEST,
        ),
        (
            &community,
            account("13500000001", "grid_worker", &grid(1, 4)),
            StatusCode::CONFLICT,
        ),
    ];
    for (client, body, want) in cases {
        let (s, answer) = app
            .call_json(client, "create_staff_account", body.clone())
            .await;
        assert_eq!(s, want, "{body} → {answer}");
    }
    // The new worker can sign in and sees their own grid's roster.
    let c = app.client();
    let (s, _) = app
        .call(
            &c,
            "login",
            &[("phone", "13500000001"), ("password", "longenough1")],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        app.call(&c, "grid_roster", &[("code", &grid(1, 3))])
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        app.call(&c, "grid_roster", &[("code", &grid(1, 4))])
            .await
            .0,
        StatusCode::FORBIDDEN
    );

    // Listing accounts follows the same scopes, and masks phones.
    let (s, list) = app
        .call(
            &community,
            "list_accounts",
            &[("code", &format!("{DISTRICT_CODE}-001-001"))],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["phone_masked"] == "135****0001"));
    assert!(!list.to_string().contains("13500000001"));
    let (s, _) = app
        .call(
            &community,
            "list_accounts",
            &[("code", &format!("{DISTRICT_CODE}-002"))],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

async fn phone_consent_controls_the_public_layer(backend: Backend) {
    let _shared = shared().await;
    let app = TestApp::demo(backend).await;
    let worker_phone = phone_of(Role::GridWorker);
    assert!(
        app.grid_layer().await.contains(worker_phone),
        "full-time workers publish by default in the demo"
    );
    let c = app.signed_in(worker_phone).await;
    let (s, _) = app
        .call(&c, "set_phone_consent", &[("show", "false")])
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(!app.grid_layer().await.contains(worker_phone));
    let (_, page) = app
        .call(&app.client(), "grid_page", &[("code", &grid(1, 1))])
        .await;
    assert!(!page.to_string().contains(worker_phone));
    // A resident is on no roster.
    let r = app.signed_in(phone_of(Role::Resident)).await;
    assert_eq!(
        app.call(&r, "set_phone_consent", &[("show", "true")])
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}

async fn writes_from_another_origin_are_refused(backend: Backend) {
    let _shared = shared().await;
    let app = TestApp::demo(backend).await;
    let res = app
        .client()
        .post(app.url("/api/login"))
        .header("Origin", "http://evil.example")
        .form(&[
            ("phone", phone_of(Role::SystemAdmin)),
            ("password", DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.headers().get("set-cookie").is_none());
    // The same request from our own origin works.
    let host = app.base.trim_start_matches("http://").to_string();
    let res = app
        .client()
        .post(app.url("/api/login"))
        .header("Origin", format!("http://{host}"))
        .form(&[
            ("phone", phone_of(Role::SystemAdmin)),
            ("password", DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

async fn oversized_bodies_are_refused(backend: Backend) {
    let _shared = shared().await;
    let app = TestApp::demo(backend).await;
    let big = "x".repeat(2 * 1024 * 1024);
    let res = app
        .client()
        .post(app.url("/api/login"))
        .form(&[("phone", big.as_str()), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

async fn pages_render_in_chinese_on_the_server(backend: Backend) {
    let _shared = shared().await;
    let app = TestApp::demo(backend).await;
    let html = reqwest::get(app.url(&format!("/grid/{}", grid(1, 1))))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("lang=\"zh-CN\""));
    assert!(
        html.contains("兴隆社区第1网格"),
        "server-rendered grid page"
    );
    assert!(
        !html.contains("13900"),
        "no part-time phone numbers on public pages"
    );
    let res = reqwest::get(app.url("/grid/NO-SUCH")).await.unwrap();
    assert!(res.text().await.unwrap().contains("没有这个网格"));
    let res = reqwest::get(app.url("/favicon.ico")).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

/// 50 wrong passwords on one number at once: the slots are taken before
/// Argon2 runs, so only the free failures (and one more per wait that has
/// passed) are ever checked; the owner then gets in once the wait is over.
async fn parallel_guesses_reach_argon2_only_as_often_as_allowed(backend: Backend) {
    let _alone = VERIFICATION_COUNT.write().await;
    let app = TestApp::demo(backend).await;
    let phone = phone_of(Role::Resident);
    let c = app.client();
    let before = password::verifications();
    let started = Instant::now();
    let answers =
        futures::future::join_all((0..50).map(|_| login(&app, &c, phone, "wrong-password"))).await;
    let elapsed = started.elapsed();
    let verified = password::verifications() - before;
    // 5 free failures; after that one more only each time a wait (1 s,
    // then 2 s, 4 s…) has passed since the last failure.
    let (mut allowed, mut waited, mut wait) = (5u64, 0u64, 1u64);
    while waited + wait <= elapsed.as_secs() {
        waited += wait;
        wait *= 2;
        allowed += 1;
    }
    assert!(
        (1..=allowed).contains(&verified),
        "{verified} password checks for 50 parallel guesses in {elapsed:?} (allowed {allowed})"
    );
    let wrong = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::UNAUTHORIZED)
        .count() as u64;
    let refused = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::TOO_MANY_REQUESTS)
        .count() as u64;
    assert_eq!(wrong + refused, 50, "{answers:?}");
    assert_eq!(wrong, verified, "each check answered 'wrong', no more");

    // The address limit (30 a minute) is not what this is about.
    app.state.login_by_ip.clear("127.0.0.1");
    // The right password: refused while the wait lasts, accepted after it.
    let owner = app.client();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (s, body) = login(&app, &owner, phone, DEMO_PASSWORD).await;
        if s == StatusCode::OK {
            break;
        }
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{body}");
        assert!(Instant::now() < deadline, "still refused: {body}");
        let secs = body["secs"].as_u64().unwrap_or(1);
        tokio::time::sleep(Duration::from_secs(secs)).await;
    }
    // Success forgets the failures: a slip now is just a wrong password.
    let (s, _) = login(&app, &app.client(), phone, "wrong-again").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

async fn a_password_change_ends_the_other_sessions(backend: Backend) {
    let _shared = shared().await;
    let app = TestApp::demo(backend).await;
    let phone = "13611110001";
    let here = app.client();
    let id = register(&app, &here, phone, "改密码").await;
    let elsewhere = app.client();
    assert_eq!(
        login(&app, &elsewhere, phone, PASSWORD).await.0,
        StatusCode::OK
    );
    // Both in use (kept by the server: `backend::sessions`).
    for c in [&here, &elsewhere] {
        assert_eq!(app.call(c, "session_user", &[]).await.1["name"], "改密码");
    }

    // The current password is needed, and the new one follows the rule.
    let (s, body) = app
        .call(
            &here,
            "change_password",
            &[
                ("current", "not-my-password"),
                ("new_password", "brand-new-1"),
            ],
        )
        .await;
    assert_eq!(
        (s, body),
        (StatusCode::FORBIDDEN, json!({"code": "wrong_password"}))
    );
    let (s, body) = app
        .call(
            &here,
            "change_password",
            &[("current", PASSWORD), ("new_password", "short")],
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");

    let (s, body) = app
        .call(
            &here,
            "change_password",
            &[("current", PASSWORD), ("new_password", "brand-new-1")],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    // This browser stays signed in; the other one is out.
    assert_eq!(
        app.call(&here, "session_user", &[]).await.1["name"],
        "改密码"
    );
    assert_eq!(
        app.call(&elsewhere, "session_user", &[]).await.1,
        Value::Null
    );
    assert_eq!(
        login(&app, &app.client(), phone, PASSWORD).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login(&app, &app.client(), phone, "brand-new-1").await.0,
        StatusCode::OK
    );
    assert!(audited(&app, AuditAction::PasswordChanged, id).await);
    // Signed out, nothing to change.
    let (s, _) = app
        .call(
            &app.client(),
            "change_password",
            &[("current", "brand-new-1"), ("new_password", "another-1")],
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

async fn set_disabled(app: &TestApp, c: &Client, id: i64, disabled: bool) -> (StatusCode, Value) {
    let (id, disabled) = (id.to_string(), disabled.to_string());
    app.call(
        c,
        "set_account_disabled",
        &[("user_id", id.as_str()), ("disabled", disabled.as_str())],
    )
    .await
}

async fn a_disabled_account_cannot_sign_in_and_its_sessions_stop(backend: Backend) {
    let _shared = shared().await;
    let app = TestApp::demo(backend).await;
    let worker_phone = phone_of(Role::GridWorker);
    let worker = app.signed_in(worker_phone).await;
    let worker_id = user_id(&app, worker_phone).await;
    let street = app.signed_in(phone_of(Role::StreetAdmin)).await;
    let community = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let street_id = user_id(&app, phone_of(Role::StreetAdmin)).await;
    let community_id = user_id(&app, phone_of(Role::CommunityAdmin)).await;
    // Refused: below the target, on oneself, from a grid role.
    assert_eq!(
        set_disabled(&app, &community, street_id, true).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        set_disabled(&app, &street, street_id, true).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        set_disabled(&app, &worker, community_id, true).await.0,
        StatusCode::FORBIDDEN
    );
    let worker_name = DEMO_ACCOUNTS
        .iter()
        .find(|(_, _, r)| *r == Role::GridWorker)
        .map(|(_, n, _)| *n)
        .unwrap();
    assert_eq!(
        app.call(&worker, "session_user", &[]).await.1["name"],
        worker_name
    );

    let (s, body) = set_disabled(&app, &street, worker_id, true).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(audited(&app, AuditAction::AccountDisabled, worker_id).await);
    // The live session is over at once, for server functions and streams.
    assert_eq!(app.call(&worker, "session_user", &[]).await.1, Value::Null);
    let (s, _) = app
        .call(&worker, "grid_roster", &[("code", &grid(1, 1))])
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let res = worker.get(app.url("/api/v1/stream")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // The right password gets the same answer as a wrong one.
    assert_eq!(
        login(&app, &app.client(), worker_phone, DEMO_PASSWORD).await,
        (
            StatusCode::UNAUTHORIZED,
            json!({"code": "wrong_credentials"})
        )
    );

    // Enabled again, the account signs in as before.
    let (s, body) = set_disabled(&app, &community, worker_id, false).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(audited(&app, AuditAction::AccountEnabled, worker_id).await);
    assert_eq!(
        login(&app, &app.client(), worker_phone, DEMO_PASSWORD)
            .await
            .0,
        StatusCode::OK
    );
}

async fn roles_are_revoked_only_inside_the_admins_area(backend: Backend) {
    let _shared = shared().await;
    let app = TestApp::demo(backend).await;
    let sysadmin = app.signed_in(phone_of(Role::SystemAdmin)).await;
    let street = app.signed_in(phone_of(Role::StreetAdmin)).await;
    let community = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let worker_phone = phone_of(Role::GridWorker);
    let worker = app.signed_in(worker_phone).await;
    let worker_id = user_id(&app, worker_phone).await;
    let own_grid = grid(1, 1);

    // A worker in the other street, made by the system admin.
    let far_grid = format!("{DISTRICT_CODE}-002-001-01");
    let (s, body) = app
        .call_json(
            &sysadmin,
            "create_staff_account",
            json!({"account": {"phone": "13500000021", "name": "远方网格员", "password": PASSWORD, "role": "grid_worker", "scope": far_grid, "position": null}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(
        audited(
            &app,
            AuditAction::AccountCreated,
            user_id(&app, "13500000021").await
        )
        .await
    );
    let far_id = user_id(&app, "13500000021").await;
    let revoke = |id: i64, code: &str| json!({"user_id": id, "grant": {"role": "grid_worker", "scope": {"Grid": code}}});
    for admin in [&street, &community] {
        let (s, body) = app
            .call_json(admin, "revoke_role", revoke(far_id, &far_grid))
            .await;
        assert_eq!(
            (s, body),
            (StatusCode::FORBIDDEN, json!({"code": "forbidden"}))
        );
    }

    // The community's list shows what the community admin may do.
    let (s, list) = app
        .call(
            &community,
            "list_accounts",
            &[("code", &format!("{DISTRICT_CODE}-001-001"))],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let line = |id: i64| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|a| a["user_id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("user {id} not listed: {list}"))
    };
    let w = line(worker_id);
    assert_eq!(
        (w["may_revoke"].clone(), w["may_disable"].clone()),
        (json!(true), json!(true))
    );
    let me = line(user_id(&app, phone_of(Role::CommunityAdmin)).await);
    assert_eq!(
        (me["may_revoke"].clone(), me["may_disable"].clone()),
        (json!(false), json!(false))
    );

    assert!(
        app.grid_layer().await.contains(worker_phone),
        "on the public roster"
    );
    // The worker's session in use (kept by the server: `backend::sessions`).
    let (s, _) = app
        .call(&worker, "grid_roster", &[("code", &own_grid)])
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, body) = app
        .call_json(&community, "revoke_role", revoke(worker_id, &own_grid))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(audited(&app, AuditAction::RoleRevoked, worker_id).await);
    // At once: no grid role, no roster, and off the public page.
    let (s, _) = app
        .call(&worker, "grid_roster", &[("code", &own_grid)])
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(!app.grid_layer().await.contains(worker_phone));
    // Gone already.
    let (s, _) = app
        .call_json(&community, "revoke_role", revoke(worker_id, &own_grid))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The system admin reaches everywhere.
    let (s, body) = app
        .call_json(&sysadmin, "revoke_role", revoke(far_id, &far_grid))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
}

/// The middle of the demo grid `370103-001-001-01`.
const HOME: (f64, f64) = (36.6372, 117.0135);

async fn report(app: &TestApp, c: &Client, text: &str) -> i64 {
    let (s, cats) = app.call(c, "case_categories", &[]).await;
    assert_eq!(s, StatusCode::OK);
    let cat = cats
        .as_array()
        .unwrap()
        .iter()
        .find(|c| !c["parent_id"].is_null())
        .unwrap()["id"]
        .clone();
    let (s, body) = app
        .call_json(
            c,
            "report_case",
            json!({"case": {"category_id": cat, "description": text, "lat": HOME.0, "lng": HOME.1, "public": false, "source": "resident", "contact_phone": null}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    body["id"].as_i64().unwrap()
}

async fn residents_download_their_own_data_only(backend: Backend) {
    let _shared = shared().await;
    let app = TestApp::demo(backend).await;
    let me = app.client();
    let my_id = register(&app, &me, "13611110002", "下载者").await;
    let mine = report(&app, &me, "我家楼下路灯坏了").await;
    let neighbour = app.client();
    register(&app, &neighbour, "13611110003", "邻居").await;
    let theirs = report(&app, &neighbour, "邻居家门口积水").await;

    let res = me.get(app.url("/api/my_data")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let disposition = res
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    let data: Value = res.json().await.unwrap();
    assert_eq!(data["profile"]["id"], my_id);
    assert_eq!(data["profile"]["phone"], "13611110002");
    assert!(
        !data["profile"]["consented_at"].is_null(),
        "consent is recorded"
    );
    assert_eq!(data["grants"][0]["role"], "resident");
    let cases = data["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 1, "{data}");
    assert_eq!(cases[0]["id"], mine);
    assert_eq!(cases[0]["description"], "我家楼下路灯坏了");
    assert!(!cases[0]["timeline"].as_array().unwrap().is_empty());
    let text = data.to_string();
    assert!(!text.contains("邻居家门口积水") && !text.contains("13611110003"));
    assert_ne!(mine, theirs);
    assert!(audited(&app, AuditAction::DataExported, my_id).await);
    // Nobody else's, and not signed out.
    let res = app
        .client()
        .get(app.url("/api/my_data"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

async fn deleting_an_account_anonymises_it_and_keeps_its_cases(backend: Backend) {
    let _shared = shared().await;
    let app = TestApp::demo(backend).await;
    let c = app.client();
    let phone = "13611110004";
    let id = register(&app, &c, phone, "要注销的人").await;
    let case = report(&app, &c, "小区门口垃圾没人清").await;

    let (s, body) = app
        .call(&c, "delete_account", &[("password", "not-my-password")])
        .await;
    assert_eq!(
        (s, body),
        (StatusCode::FORBIDDEN, json!({"code": "wrong_password"}))
    );
    let (s, body) = app
        .call(&c, "delete_account", &[("password", PASSWORD)])
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(audited(&app, AuditAction::AccountDeleted, id).await);

    // Signed out, cannot sign in, and the row holds nothing personal.
    assert_eq!(app.call(&c, "session_user", &[]).await.1, Value::Null);
    assert_eq!(
        login(&app, &app.client(), phone, PASSWORD).await.0,
        StatusCode::UNAUTHORIZED
    );
    let row = accounts::user_by_id(&app.state.db, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.name, "已注销用户");
    assert_eq!(row.phone, format!("deleted-{id}"));
    assert!(row.password_hash.is_none() && row.disabled);
    assert!(accounts::grants_of(&app.state.db, id)
        .await
        .unwrap()
        .is_empty());
    // The case stays, still theirs, without their name in the timeline.
    let kept = case_store::case_by_id(&app.state.db, case)
        .await
        .unwrap()
        .expect("the case stays");
    assert_eq!(kept.reporter_id, Some(id));
    let events = case_store::events(&app.state.db, case).await.unwrap();
    assert!(!events.is_empty());
    for e in events.iter().filter(|e| e.actor_id == Some(id)) {
        assert_eq!(e.actor_name, "已注销用户");
    }
    // Staff still read it.
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let (s, body) = app
        .call(&worker, "case_detail", &[("id", &case.to_string())])
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(!body.to_string().contains(phone));
    // The number is free again.
    register(&app, &app.client(), phone, "新主人").await;
}

async fn create_admin_works_on_an_empty_database(backend: Backend) {
    let _shared = shared().await;
    let app = TestApp::empty(backend).await;
    // The same password rule as registration.
    let weak = auth::create_admin(&app.state, "13900000000", "张三", "short").await;
    assert_eq!(
        weak,
        Err(AppError::invalid(
            Field::Password,
            InputProblem::PasswordLength
        ))
    );
    let id = auth::create_admin(&app.state, "13900000000", "张三", PASSWORD)
        .await
        .unwrap();
    let filter = AuditFilter {
        action: Some(AuditAction::AdminCreated),
        ..Default::default()
    };
    let lines = audit_log::page(&app.state.db, None, &filter, None, 10)
        .await
        .unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].target_id, id.to_string());
    assert_eq!(lines[0].actor_id, None, "done from the command line");
    let c = app.client();
    let (s, me) = login(&app, &c, "13900000000", PASSWORD).await;
    assert_eq!(s, StatusCode::OK, "{me}");
    assert_eq!(me["grants"][0]["role"], "system_admin");
    assert_eq!(
        auth::create_admin(&app.state, "13900000000", "李四", PASSWORD).await,
        Err(AppError::PhoneTaken)
    );
}

async fn registration_needs_consent(backend: Backend) {
    let _shared = shared().await;
    let app = TestApp::demo(backend).await;
    let form = |consent: Option<&'static str>| {
        let mut f = vec![
            ("phone", "13611110005"),
            ("password", PASSWORD),
            ("name", "不同意"),
        ];
        if let Some(v) = consent {
            f.push(("consent", v));
        }
        f
    };
    for consent in [None, Some("false")] {
        let (s, body) = app.call(&app.client(), "register", &form(consent)).await;
        assert_eq!(
            (s, body),
            (StatusCode::BAD_REQUEST, json!({"code": "consent_required"})),
            "{consent:?}"
        );
    }
    assert!(accounts::user_by_phone(&app.state.db, "13611110005")
        .await
        .unwrap()
        .is_none());
    let (s, body) = app
        .call(&app.client(), "register", &form(Some("true")))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    // The privacy page the form links to is there.
    let html = reqwest::get(app.url("/privacy"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("隐私说明"));
}

async fn idle_sessions_expire(backend: Backend) {
    let _shared = shared().await;
    let app = TestApp::demo(backend).await;
    let c = app.client();
    let id = register(&app, &c, "13611110006", "不常来").await;
    let db = &app.state.db;
    let ago = |days: i64| chrono::Utc::now() - chrono::Duration::days(days);
    // Sessions edited behind the servers' backs: a server sees the edit
    // once its kept copy is `sessions::TTL` old; the test does not wait.
    let sessions = &app.state.sessions;
    let backdate = |days: i64| async move {
        accounts::backdate_sessions(db, id, ago(days))
            .await
            .unwrap();
        sessions.forget_all();
    };

    // Six idle days: still signed in, and that use counts.
    backdate(6).await;
    assert_eq!(app.call(&c, "session_user", &[]).await.1["name"], "不常来");
    assert_eq!(auth::purge_sessions(&app.state).await.unwrap(), 0);
    // Eight: over, both when used and for the clean-up.
    backdate(8).await;
    assert_eq!(auth::purge_sessions(&app.state).await.unwrap(), 1);
    assert_eq!(app.call(&c, "session_user", &[]).await.1, Value::Null);
    // A session found idle on use is refused even before the clean-up.
    let c2 = app.client();
    assert_eq!(
        login(&app, &c2, "13611110006", PASSWORD).await.0,
        StatusCode::OK
    );
    backdate(8).await;
    assert_eq!(app.call(&c2, "session_user", &[]).await.1, Value::Null);
}

/// The server keeps live sessions for a few seconds (`backend::sessions`);
/// a token signed out is refused on its very next use all the same.
async fn a_signed_out_token_is_refused_at_once(backend: Backend) {
    let _shared = shared().await;
    let app = TestApp::demo(backend).await;
    let resident =
        app::domain::auth::Grant::new(Role::Resident, app::domain::auth::Scope::None).unwrap();
    let (_, copied) = app.person("退出的人", &[resident]).await;
    assert_eq!(
        app.call(&copied, "session_user", &[]).await.1["name"],
        "退出的人"
    );
    assert!(!app.state.sessions.is_empty(), "the session was not kept");
    let (s, _) = app.call(&copied, "logout", &[]).await;
    assert_eq!(s, StatusCode::OK);
    // The same token sent again (the client ignores the cleared cookie).
    assert_eq!(app.call(&copied, "session_user", &[]).await.1, Value::Null);
    let (s, _) = app.call(&copied, "my_home", &[]).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

on_both_backends!(
    a_signed_out_token_is_refused_at_once,
    residents_register_and_sessions_are_safe_cookies,
    every_demo_role_can_sign_in_and_wrong_passwords_are_limited,
    each_role_is_refused_outside_its_scope,
    staff_accounts_are_created_only_downwards_and_inside_the_area,
    phone_consent_controls_the_public_layer,
    writes_from_another_origin_are_refused,
    oversized_bodies_are_refused,
    pages_render_in_chinese_on_the_server,
    parallel_guesses_reach_argon2_only_as_often_as_allowed,
    a_password_change_ends_the_other_sessions,
    a_disabled_account_cannot_sign_in_and_its_sessions_stop,
    roles_are_revoked_only_inside_the_admins_area,
    residents_download_their_own_data_only,
    deleting_an_account_anonymises_it_and_keeps_its_cases,
    create_admin_works_on_an_empty_database,
    registration_needs_consent,
    idle_sessions_expire,
);
