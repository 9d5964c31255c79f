//! Issue 11: 置换-分享 between people through the real router on SQLite and
//! PostgreSQL — offers and asks on a public list that names nobody, an
//! answer, and the two sides' contact shown only once both agreed (each
//! look audited); handover and return; limits and two clicks at once; the
//! community taking a post down with a reason; the demo.

mod common;

use app::backend::store::{accounts, audit as audit_log};
use app::domain::audit::{AuditAction, AuditFilter};
use app::domain::auth::{Grant, Role, Scope};
use common::{phone_of, Backend, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const COMMUNITY: &str = "370103-001-001";
const OTHER_COMMUNITY: &str = "370103-002-001";

fn must(answer: (StatusCode, Value), what: &str) -> Value {
    assert_eq!(answer.0, StatusCode::OK, "{what}: {}", answer.1);
    answer.1
}

fn offer(title: &str, deal: &str) -> Value {
    json!({"kind": "offer", "deal": deal, "thing": "item", "community_code": COMMUNITY,
        "title": title, "detail": "周末在家，可来取", "for_unit": false})
}

async fn post(app: &TestApp, c: &Client, form: Value) -> (StatusCode, Value) {
    app.call_json(c, "post_exchange", json!({ "post": form }))
        .await
}

async fn answer(app: &TestApp, c: &Client, post: i64, message: &str) -> (StatusCode, Value) {
    app.call(
        c,
        "answer_exchange",
        &[("post_id", &post.to_string()), ("message", message)],
    )
    .await
}

async fn step(app: &TestApp, c: &Client, m: i64, action: &str) -> StatusCode {
    app.call(
        c,
        "exchange_step",
        &[("match_id", &m.to_string()), ("action", action)],
    )
    .await
    .0
}

async fn contact(app: &TestApp, c: &Client, m: i64) -> (StatusCode, Value) {
    app.call(c, "exchange_contact", &[("match_id", &m.to_string())])
        .await
}

async fn board(app: &TestApp, c: &Client) -> Value {
    must(app.call(c, "exchanges", &[]).await, "the board")
}

fn resident() -> Grant {
    Grant::new(Role::Resident, Scope::None).unwrap()
}

async fn phone_of_user(app: &TestApp, id: i64) -> String {
    accounts::user_by_id(&app.state.db, id)
        .await
        .unwrap()
        .unwrap()
        .phone
}

async fn contact_details_appear_only_after_both_sides_agree(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let (a_id, a) = app.person("张阿姨", &[resident()]).await;
    let (b_id, b) = app.person("李师傅", &[resident()]).await;
    let (_, stranger) = app.person("路人甲", &[resident()]).await;
    let guest = app.client();
    let (a_phone, b_phone) = (
        phone_of_user(&app, a_id).await,
        phone_of_user(&app, b_id).await,
    );

    // A post must not carry a phone; a guest cannot post.
    let mut leaky = offer("电钻", "lend");
    leaky["detail"] = json!("有事打 138 0000 0001");
    let (s, body) = post(&app, &a, leaky).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["problem"], "HasPhone");
    assert_eq!(
        post(&app, &guest, offer("电钻", "lend")).await.0,
        StatusCode::UNAUTHORIZED
    );
    let drill = must(post(&app, &a, offer("电钻", "lend")).await, "a drill")
        .as_i64()
        .unwrap();

    // The public list shows it and names nobody.
    let public = board(&app, &guest).await;
    assert!(public["posts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == drill));
    let text = public.to_string();
    assert!(
        !text.contains("张阿姨") && !text.contains(&a_phone),
        "{text}"
    );
    assert_eq!(public["mine"], json!([]));

    // B answers (once); A cannot answer their own post.
    let (s, body) = answer(&app, &b, drill, "想借 13900000000").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["problem"], "HasPhone");
    let m = must(
        answer(&app, &b, drill, "周六上午想借用一下").await,
        "an answer",
    )
    .as_i64()
    .unwrap();
    let (s, body) = answer(&app, &b, drill, "再问一次").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["problem"], "Taken");
    assert_eq!(
        answer(&app, &a, drill, "自问自答").await.0,
        StatusCode::FORBIDDEN
    );

    // Before A agrees: no contact for anyone, and neither name on A's page.
    let a_view = board(&app, &a).await;
    let seen = &a_view["matches"][0];
    assert_eq!(seen["author_side"], true);
    assert_eq!(seen["step"], "asked");
    assert_eq!(seen["contact_ready"], false);
    assert_eq!(seen["actions"], json!(["agree", "decline"]));
    let text = a_view.to_string();
    assert!(
        !text.contains("李师傅") && !text.contains(&b_phone),
        "{text}"
    );
    assert_eq!(board(&app, &b).await["posts"][0]["answered"], "asked");
    assert_eq!(contact(&app, &a, m).await.0, StatusCode::CONFLICT);
    assert_eq!(contact(&app, &b, m).await.0, StatusCode::CONFLICT);
    assert_eq!(contact(&app, &stranger, m).await.0, StatusCode::NOT_FOUND);
    assert_eq!(contact(&app, &guest, m).await.0, StatusCode::UNAUTHORIZED);
    // Only the author agrees.
    assert_eq!(
        step(&app, &stranger, m, "agree").await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(step(&app, &b, m, "agree").await, StatusCode::FORBIDDEN);
    assert_eq!(step(&app, &a, m, "agree").await, StatusCode::OK);
    assert_eq!(step(&app, &a, m, "agree").await, StatusCode::CONFLICT);
    let told = must(app.call(&b, "my_notices", &[]).await, "B's notices");
    assert!(told.to_string().contains("swap_agreed"), "{told}");

    // Both agreed: each sees the other's name and phone, nobody else.
    let to_b = must(contact(&app, &b, m).await, "A's contact");
    assert_eq!(
        (to_b["name"].as_str(), to_b["phone"].as_str()),
        (Some("张阿姨"), Some(a_phone.as_str()))
    );
    let to_a = must(contact(&app, &a, m).await, "B's contact");
    assert_eq!(
        (to_a["name"].as_str(), to_a["phone"].as_str()),
        (Some("李师傅"), Some(b_phone.as_str()))
    );
    assert_eq!(contact(&app, &stranger, m).await.0, StatusCode::NOT_FOUND);
    let text = board(&app, &guest).await.to_string();
    assert!(
        !text.contains("张阿姨") && !text.contains(&a_phone),
        "{text}"
    );
    let looks = audit_log::page(
        &app.state.db,
        None,
        &AuditFilter {
            action: Some(AuditAction::ContactReveal),
            target_kind: Some("exchange_match".into()),
            ..Default::default()
        },
        None,
        20,
    )
    .await
    .unwrap();
    assert_eq!(looks.len(), 2, "each look is written down");

    // Handed over; only the lender (A, who offered) records the return;
    // once back, the contacts are no longer shown.
    assert_eq!(step(&app, &b, m, "hand_over").await, StatusCode::OK);
    assert_eq!(contact(&app, &b, m).await.0, StatusCode::OK);
    assert_eq!(step(&app, &b, m, "return").await, StatusCode::FORBIDDEN);
    assert_eq!(step(&app, &a, m, "return").await, StatusCode::OK);
    assert_eq!(contact(&app, &a, m).await.0, StatusCode::CONFLICT);

    // Two more answers; agreeing to both at once: a thing goes to one
    // person at a time, so one lands and the other is refused (the author
    // cannot collect every answerer's phone by agreeing to all).
    let (c_id, c) = app.person("王大哥", &[resident()]).await;
    let second = must(answer(&app, &c, drill, "我也想借").await, "C's answer")
        .as_i64()
        .unwrap();
    let (e_id, e) = app.person("孙阿姨", &[resident()]).await;
    let fourth = must(answer(&app, &e, drill, "我也借").await, "E's answer")
        .as_i64()
        .unwrap();
    let (x, y) = tokio::join!(
        step(&app, &a, second, "agree"),
        step(&app, &a, fourth, "agree")
    );
    let mut got = [x, y];
    got.sort();
    assert_eq!(got, [StatusCode::OK, StatusCode::BAD_REQUEST]);
    let (agreed_one, other) = if x == StatusCode::OK {
        (second, fourth)
    } else {
        (fourth, second)
    };
    assert_eq!(
        step(&app, &a, other, "agree").await,
        StatusCode::BAD_REQUEST
    );
    // Once that deal is off, the other may be agreed.
    assert_eq!(step(&app, &a, agreed_one, "withdraw").await, StatusCode::OK);
    assert_eq!(step(&app, &a, other, "agree").await, StatusCode::OK);
    let other_person = if other == second { c_id } else { e_id };

    // A deleted account's live deals are withdrawn: no contact of theirs.
    assert_eq!(contact(&app, &a, other).await.0, StatusCode::OK);
    accounts::anonymise_user(&app.state.db, other_person)
        .await
        .unwrap();
    assert_eq!(contact(&app, &a, other).await.0, StatusCode::CONFLICT);

    // Closing the post declines what still waits on it.
    let (_, d) = app.person("赵同学", &[resident()]).await;
    let third = must(answer(&app, &d, drill, "借两天").await, "D's answer")
        .as_i64()
        .unwrap();
    assert_eq!(
        app.call(&b, "close_exchange", &[("post_id", &drill.to_string())])
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    must(
        app.call(&a, "close_exchange", &[("post_id", &drill.to_string())])
            .await,
        "closed",
    );
    let d_view = board(&app, &d).await;
    assert_eq!(d_view["matches"][0]["id"], third);
    assert_eq!(d_view["matches"][0]["step"], "declined");
    assert!(!d_view["posts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == drill));
    let told = must(app.call(&d, "my_notices", &[]).await, "D's notices");
    assert!(told.to_string().contains("swap_declined"), "{told}");
    // A closed post takes no answers.
    assert_eq!(
        answer(&app, &stranger, drill, "还能借吗").await.0,
        StatusCode::NOT_FOUND
    );

    // The author's own data download carries their post, not who answered.
    let mine: Value = a
        .get(app.url("/api/my_data"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(mine["exchange_posts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == drill));
    assert!(!mine.to_string().contains("李师傅"));
    let theirs: Value = b
        .get(app.url("/api/my_data"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        theirs["exchange_answers"][0]["message"],
        "周六上午想借用一下"
    );
}

async fn the_community_takes_posts_down_and_limits_hold(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let (_, a) = app.person("钱阿姨", &[resident()]).await;
    let ca = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let elsewhere = Grant::new(
        Role::CommunityAdmin,
        Scope::Community(OTHER_COMMUNITY.into()),
    )
    .unwrap();
    let (_, other_ca) = app.person("别的社区 书记", &[elsewhere]).await;

    // Ten posts at once from one account: ten land; the rest are refused.
    let answers = futures::future::join_all(
        (0..14).map(|i| post(&app, &a, offer(&format!("旧书{i}"), "give"))),
    )
    .await;
    let ok = answers.iter().filter(|x| x.0 == StatusCode::OK).count();
    assert_eq!(
        ok,
        app::domain::exchange::MAX_OPEN_POSTS as usize,
        "{answers:?}"
    );
    for (s, body) in answers.iter().filter(|x| x.0 != StatusCode::OK) {
        assert_eq!(*s, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(
            *body,
            json!({"code": "invalid_input", "field": "Title", "problem": "TooMany"})
        );
    }
    let id = answers
        .iter()
        .find(|x| x.0 == StatusCode::OK)
        .unwrap()
        .1
        .as_i64()
        .unwrap();
    let target = id.to_string();

    // Another community's admin may not; ours must say why.
    let close = |c: &Client, reason: &str| {
        let c = c.clone();
        let (target, reason) = (target.clone(), reason.to_string());
        let app = &app;
        async move {
            app.call(
                &c,
                "close_exchange",
                &[("post_id", &target), ("reason", &reason)],
            )
            .await
        }
    };
    assert_eq!(close(&other_ca, "不合适").await.0, StatusCode::NOT_FOUND);
    let (s, body) = close(&ca, " ").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "Reason");
    must(close(&ca, "含广告内容").await, "taken down");
    assert_eq!(close(&ca, "含广告内容").await.0, StatusCode::CONFLICT);
    let mine = board(&app, &a).await;
    let gone = mine["mine"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap();
    assert_eq!(gone["status"], "removed");
    assert_eq!(gone["removed_reason"], "含广告内容");
    let lines = audit_log::page(
        &app.state.db,
        None,
        &AuditFilter {
            action: Some(AuditAction::SharingKept),
            target_kind: Some("exchange_post".into()),
            ..Default::default()
        },
        None,
        20,
    )
    .await
    .unwrap();
    assert_eq!(lines.len(), 1);
    // A deal agreed on a post the community takes down is called off: no
    // contact is handed out for a removed post.
    let (_, b) = app.person("周大姐", &[resident()]).await;
    let other_id = answers
        .iter()
        .filter(|x| x.0 == StatusCode::OK)
        .map(|x| x.1.as_i64().unwrap())
        .find(|p| *p != id)
        .unwrap();
    let m = must(answer(&app, &b, other_id, "想要").await, "an answer")
        .as_i64()
        .unwrap();
    assert_eq!(step(&app, &a, m, "agree").await, StatusCode::OK);
    assert_eq!(contact(&app, &b, m).await.0, StatusCode::OK);
    must(
        app.call(
            &ca,
            "close_exchange",
            &[("post_id", &other_id.to_string()), ("reason", "疑似诈骗")],
        )
        .await,
        "taken down",
    );
    assert_eq!(contact(&app, &b, m).await.0, StatusCode::CONFLICT);
    let told = must(app.call(&b, "my_notices", &[]).await, "notices");
    assert!(told.to_string().contains("swap_withdrawn"), "{told}");

    // With two closed, one more may be posted.
    must(
        post(&app, &a, offer("旧书再来", "give")).await,
        "room again",
    );

    // A unit admin posts for the unit (its name shown); a resident may not.
    let ua = app.signed_in(phone_of(Role::UnitAdmin)).await;
    let mut for_unit = offer("党员理发服务", "give");
    for_unit["thing"] = json!("skill");
    for_unit["for_unit"] = json!(true);
    assert_eq!(
        post(&app, &a, for_unit.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    let unit_post = must(post(&app, &ua, for_unit).await, "a unit's post");
    let public = board(&app, &app.client()).await;
    let shown = public["posts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == unit_post)
        .unwrap();
    assert!(shown["unit"].is_string(), "{shown}");
    // One community's list, and an unknown community is refused.
    let one = must(
        app.call(
            &app.client(),
            "exchanges",
            &[("community", OTHER_COMMUNITY)],
        )
        .await,
        "another community",
    );
    assert_eq!(one["community"], OTHER_COMMUNITY);
    assert!(one["posts"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["community_code"] == OTHER_COMMUNITY));
    let mut nowhere = offer("x", "give");
    nowhere["community_code"] = json!("999999");
    let (s, body) = post(&app, &ua, nowhere).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "Community");
}

/// A first `make run` shows offers and asks, one of them agreed.
async fn the_demo_shows_offers_and_asks(backend: Backend) {
    let app = TestApp::empty(backend).await;
    assert!(app::backend::demo::seed_if_empty(&app.state.db, 60)
        .await
        .unwrap());
    app.state.refresh_atlas().await.unwrap();
    let public = board(&app, &app.client()).await;
    let posts = public["posts"].as_array().unwrap();
    assert!(posts.len() >= 5, "{public}");
    for kind in ["offer", "ask"] {
        assert!(posts.iter().any(|p| p["kind"] == kind), "{kind}");
    }
    assert!(posts.iter().any(|p| p["unit"].is_string()));
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let mine = board(&app, &resident).await;
    assert!(
        mine["matches"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["contact_ready"] == true),
        "{mine}"
    );
}

on_both_backends!(
    contact_details_appear_only_after_both_sides_agree,
    the_community_takes_posts_down_and_limits_hold,
    the_demo_shows_offers_and_asks,
);
