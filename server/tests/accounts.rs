//! Accounts, sessions and permissions through the real router.

mod common;

use app::backend::demo::{DEMO_ACCOUNTS, DEMO_PASSWORD, DISTRICT_CODE};
use app::domain::auth::Role;
use common::{phone_of, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn residents_register_and_sessions_are_safe_cookies(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let c = app.client();
    let res = c
        .post(app.url("/api/register"))
        .form(&[
            ("phone", "13612345678"),
            ("password", "longenough1"),
            ("name", "新居民"),
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
            ],
        )
        .await;
    assert_eq!((s, body), (StatusCode::CONFLICT, json!("PhoneTaken")));

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
            json!({"Invalid": {"field": field, "problem": problem}})
        );
    }

    // Logout ends the session on the server.
    let (s, _) = app.call(&c, "logout", &[]).await;
    assert_eq!(s, StatusCode::OK);
    let (_, me) = app.call(&c, "session_user", &[]).await;
    assert_eq!(me, Value::Null);
}

async fn every_demo_role_can_sign_in_and_wrong_passwords_are_limited(backend: Backend) {
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
            (StatusCode::UNAUTHORIZED, json!("WrongCredentials"))
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
        (StatusCode::UNAUTHORIZED, json!("WrongCredentials"))
    );
}

fn grid(community: u32, n: u32) -> String {
    format!("{DISTRICT_CODE}-001-{community:03}-{n:02}")
}

async fn each_role_is_refused_outside_its_scope(backend: Backend) {
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
                    (StatusCode::FORBIDDEN, &json!("Forbidden")),
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
    assert_eq!((s, body), (StatusCode::UNAUTHORIZED, json!("NotSignedIn")));
}

async fn staff_accounts_are_created_only_downwards_and_inside_the_area(backend: Backend) {
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

on_both_backends!(
    residents_register_and_sessions_are_safe_cookies,
    every_demo_role_can_sign_in_and_wrong_passwords_are_limited,
    each_role_is_refused_outside_its_scope,
    staff_accounts_are_created_only_downwards_and_inside_the_area,
    phone_consent_controls_the_public_layer,
    writes_from_another_origin_are_refused,
    oversized_bodies_are_refused,
    pages_render_in_chinese_on_the_server,
);
