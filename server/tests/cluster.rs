//! Two app servers on one PostgreSQL (issue 13): a report made through
//! server A reaches a worker's live stream on server B, case and notice
//! alike, and server A's own listeners hear it once. (The deadline sweep
//! running on one server only is in `deadlines.rs`.) PostgreSQL only: a
//! SQLite file has one server.

mod common;

use app::domain::auth::Role;
use common::*;
use reqwest::StatusCode;
use std::time::{Duration, Instant};

/// A point inside the demo worker's grid (as `cases.rs`).
const HOME: (f64, f64) = (36.6372, 117.0135);

/// Reads server-sent events from `res` until one of `kind` whose data
/// contains `needle`, or `within` passes; the events seen, in order.
async fn events_until(
    res: &mut reqwest::Response,
    kind: &str,
    needle: &str,
    within: Duration,
) -> Result<Vec<(String, String)>, Vec<(String, String)>> {
    let deadline = tokio::time::Instant::now() + within;
    let mut text = String::new();
    let mut seen = Vec::new();
    loop {
        let chunk = match tokio::time::timeout_at(deadline, res.chunk()).await {
            Ok(Ok(Some(c))) => c,
            _ => return Err(seen),
        };
        text.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = text.find("\n\n") {
            let block: String = text.drain(..end + 2).collect();
            let field = |name: &str| {
                block
                    .lines()
                    .find_map(|l| l.strip_prefix(name))
                    .map(|v| v.trim().to_string())
                    .unwrap_or_default()
            };
            let (event, data) = (field("event:"), field("data:"));
            if event.is_empty() {
                continue; // a keep-alive comment
            }
            let done = event == kind && data.contains(needle);
            seen.push((event, data));
            if done {
                return Ok(seen);
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_live_update_crosses_servers() {
    let a = TestApp::demo(Backend::Postgres).await;
    let b = TestApp::at(a.database_url.clone()).await;
    assert_ne!(a.state.instance, b.state.instance);

    // The grid's worker watches on B, and on A too.
    let worker = phone_of(Role::GridWorker);
    let on_b = b.signed_in(worker).await;
    let on_a = a.signed_in(worker).await;
    let mut stream_b = on_b.get(b.url("/api/v1/stream")).send().await.unwrap();
    let mut stream_a = on_a.get(a.url("/api/v1/stream")).send().await.unwrap();
    assert_eq!(stream_b.status(), StatusCode::OK);
    assert_eq!(stream_a.status(), StatusCode::OK);

    // A stranger's stream on B hears nothing of a private case.
    let stranger = b.crowd(1).await.remove(0).1;
    let mut stream_x = stranger.get(b.url("/api/v1/stream")).send().await.unwrap();
    assert_eq!(stream_x.status(), StatusCode::OK);

    // A resident reports through A.
    let resident = a.signed_in(phone_of(Role::Resident)).await;
    let (s, case) = report_case(&a, &resident, HOME, "楼道灯坏了，晚上看不见台阶", false).await;
    assert_eq!(s, StatusCode::OK, "{case}");
    // From the answer: the change is sent once the case is stored.
    let sent = Instant::now();
    let id = case["id"].as_i64().unwrap();
    let needle = format!("\"case_id\":{id}");

    let seen = events_until(&mut stream_b, "case", &needle, Duration::from_secs(5))
        .await
        .unwrap_or_else(|seen| panic!("the case did not reach server B: {seen:?}"));
    let crossed = sent.elapsed();
    assert!(
        crossed < Duration::from_secs(1),
        "the change took {crossed:?} to cross"
    );
    // The worker is told of the new case in their grid, also on B.
    if !seen.iter().any(|(e, _)| e == "notice") {
        events_until(&mut stream_b, "notice", "", Duration::from_secs(5))
            .await
            .unwrap_or_else(|seen| panic!("no notice reached server B: {seen:?}"));
    }

    // On A the change is heard once: its own message back from the
    // channel is not passed on a second time.
    events_until(&mut stream_a, "case", &needle, Duration::from_secs(5))
        .await
        .unwrap_or_else(|seen| panic!("server A's own listener missed it: {seen:?}"));
    let again = events_until(&mut stream_a, "case", &needle, Duration::from_millis(800)).await;
    assert!(again.is_err(), "heard twice on A: {again:?}");

    // The stranger on B hears their own report, filed through A (the
    // session is the database's, so it holds on both), and nothing of the
    // private case before it.
    let (s, own) = report_case(&a, &stranger, HOME, "小区门口井盖松动，踩上去会响", false).await;
    assert_eq!(s, StatusCode::OK, "{own}");
    let own_needle = format!("\"case_id\":{}", own["id"]);
    let seen = events_until(&mut stream_x, "case", &own_needle, Duration::from_secs(5))
        .await
        .unwrap_or_else(|seen| panic!("their own case did not reach the stranger on B: {seen:?}"));
    assert!(
        !seen.iter().any(|(_, data)| data.contains(&needle)),
        "a stranger heard a private case: {seen:?}"
    );
}

/// The outbox sends what queued up together in one statement: a burst
/// larger than one statement's share arrives whole, in the order sent.
#[tokio::test(flavor = "multi_thread")]
async fn a_burst_of_messages_arrives_whole_and_in_order() {
    use app::backend::store::live;
    let a = TestApp::demo(Backend::Postgres).await;
    let mut heard = live::listen(&a.state.db).await.unwrap().unwrap();
    let sent: Vec<String> = (0..150).map(|i| format!("burst {i}")).collect();
    for part in sent.chunks(64) {
        live::notify(&a.state.db, part).await.unwrap();
    }
    let mut got = Vec::new();
    while got.len() < sent.len() {
        let next = tokio::time::timeout(Duration::from_secs(5), heard.next())
            .await
            .unwrap_or_else(|_| panic!("only {} of {} arrived", got.len(), sent.len()))
            .unwrap();
        match next {
            Some(p) if p.starts_with("burst ") => got.push(p),
            Some(_) => {}
            None => panic!("the listening connection was lost"),
        }
    }
    assert_eq!(got, sent);
}

/// A grid worker taken off (disabled, or their grid role revoked) through
/// server A owns no report made through server B after B's next geography
/// check (every `atlas::SYNC_EVERY` in a serving process; called here), and
/// B's public grid page no longer names them; a report B took before that
/// check is passed on by A's second pass. A report's owner comes from the
/// atlas's copy of the rosters.
async fn leaves_every_servers_rosters(revoke: bool) {
    use app::backend::store::cases as store;
    let a = TestApp::demo(Backend::Postgres).await;
    let b = TestApp::at(a.database_url.clone()).await;
    let worker = a.user_id(phone_of(Role::GridWorker)).await;
    let resident = b.signed_in(phone_of(Role::Resident)).await;
    let owner_of = |id: i64| {
        let db = b.state.db.clone();
        async move { store::case_by_id(&db, id).await.unwrap().unwrap().owner_id }
    };
    let report = |text: &'static str| {
        let (b, resident) = (&b, &resident);
        async move {
            let (s, case) = report_case(b, resident, HOME, text, false).await;
            assert_eq!(s, StatusCode::OK, "{case}");
            case["id"].as_i64().expect("a case id")
        }
    };
    assert_eq!(owner_of(report("楼道灯不亮").await).await, Some(worker));
    let grid = b
        .state
        .atlas()
        .place_at(HOME.0, HOME.1)
        .grid
        .expect("the demo grid");
    let named = |app: &TestApp| {
        let page = app
            .state
            .atlas()
            .grid_public(&grid)
            .expect("a public grid page");
        page.staff.iter().any(|s| s.name == "网格员 张伟")
    };
    assert!(named(&b), "the demo worker is on the public page first");

    let community = a.signed_in(phone_of(Role::CommunityAdmin)).await;
    let (s, body) = if revoke {
        let grant = serde_json::json!({"role": "grid_worker", "scope": {"Grid": grid}});
        a.call_json(
            &community,
            "revoke_role",
            serde_json::json!({"user_id": worker, "grant": grant}),
        )
        .await
    } else {
        let (id, yes) = (worker.to_string(), "true".to_string());
        a.call(
            &community,
            "set_account_disabled",
            &[("user_id", id.as_str()), ("disabled", yes.as_str())],
        )
        .await
    };
    assert_eq!(s, StatusCode::OK, "{body}");
    // Before B looks: its atlas still has them.
    let in_the_window = report("楼梯扶手松了").await;
    assert_eq!(owner_of(in_the_window).await, Some(worker));
    assert!(
        b.state.sync_atlas().await.unwrap(),
        "B saw no geography change"
    );
    assert!(!named(&b), "B's public page still names the worker");
    assert_ne!(owner_of(report("楼道灯又不亮").await).await, Some(worker));
    // A's second pass, `SYNC_EVERY` twice over after the change.
    let deadline = Instant::now() + app::backend::atlas::SYNC_EVERY * 4;
    while owner_of(in_the_window).await == Some(worker) {
        assert!(
            Instant::now() < deadline,
            "the case taken in the window kept the leaver"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_disabled_worker_leaves_every_servers_rosters() {
    leaves_every_servers_rosters(false).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_revoked_worker_leaves_every_servers_rosters() {
    leaves_every_servers_rosters(true).await
}

/// Polls `check` until it holds or `within` passes; how long it took.
async fn within<F, Fut>(within: Duration, what: &str, mut check: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while !check().await {
        assert!(start.elapsed() < within, "{what} after {within:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    start.elapsed()
}

/// B's kept copy, made at `kept_at`, must still have been fresh when the
/// change showed on B: else B merely let it expire, and nothing was proved.
fn proved_by_the_bus(kept_at: Instant) {
    let age = kept_at.elapsed();
    assert!(
        age < app::backend::sessions::TTL,
        "too slow to tell: {age:?}"
    );
}

/// Server B keeps a session it looked up (`backend::sessions`); a role
/// revoked and a sign-out made through server A hold on B within a second,
/// well inside the five seconds B keeps a session.
#[tokio::test(flavor = "multi_thread")]
async fn a_session_ended_through_one_server_ends_on_every_server() {
    use app::backend::services::auth;
    let a = TestApp::demo(Backend::Postgres).await;
    let b = TestApp::at(a.database_url.clone()).await;
    let worker = a.user_id(phone_of(Role::GridWorker)).await;
    let token = auth::start_session(&a.state, worker).await.unwrap();
    let (on_a, on_b) = (a.with_token(&token), b.with_token(&token));
    let grid = b
        .state
        .atlas()
        .place_at(HOME.0, HOME.1)
        .grid
        .expect("the demo grid");
    let roster = |c: reqwest::Client| {
        let (b, grid) = (&b, grid.clone());
        async move { b.call(&c, "grid_roster", &[("code", &grid)]).await.0 }
    };
    // Signed in first: Argon2 on a busy machine must not use up B's TTL.
    let community = a.signed_in(phone_of(Role::CommunityAdmin)).await;
    assert_eq!(roster(on_b.clone()).await, StatusCode::OK);
    let kept_at = Instant::now();
    assert!(!b.state.sessions.is_empty(), "B did not keep the session");
    let grant = serde_json::json!({"role": "grid_worker", "scope": {"Grid": grid}});
    let (s, body) = a
        .call_json(
            &community,
            "revoke_role",
            serde_json::json!({"user_id": worker, "grant": grant}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let took = within(
        Duration::from_secs(1),
        "B still serves the revoked role",
        || {
            let c = on_b.clone();
            let roster = &roster;
            async move { roster(c).await == StatusCode::FORBIDDEN }
        },
    )
    .await;
    println!("a revoked role held on B after {took:?}");
    proved_by_the_bus(kept_at);

    // Kept again on B, then signed out through A.
    assert_eq!(
        b.call(&on_b, "session_user", &[]).await.1["name"],
        "网格员 张伟"
    );
    let kept_at = Instant::now();
    assert!(!b.state.sessions.is_empty(), "B did not keep the session");
    let mut stream = on_b.get(b.url("/api/v1/stream")).send().await.unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    let (s, _) = a.call(&on_a, "logout", &[]).await;
    assert_eq!(s, StatusCode::OK);
    // The open stream on B ends at once, not at its 30 s check.
    let ends = tokio::time::timeout(Duration::from_secs(2), async {
        while let Ok(Some(_)) = stream.chunk().await {}
    })
    .await;
    assert!(ends.is_ok(), "the live stream on B outlived the sign-out");
    let took = within(
        Duration::from_secs(1),
        "B still serves the signed-out session",
        || {
            let (b, c) = (&b, on_b.clone());
            async move { b.call(&c, "session_user", &[]).await.1.is_null() }
        },
    )
    .await;
    println!("a sign-out held on B after {took:?}");
    proved_by_the_bus(kept_at);
}

/// A server whose channel to the others is lost forgets every session it
/// keeps (a sign-out elsewhere may have gone unheard), and keeps them
/// again once it listens again.
#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_lost_the_others_forgets_its_sessions() {
    let a = TestApp::demo(Backend::Postgres).await;
    let resident = a.signed_in(phone_of(Role::Resident)).await;
    let kept = || {
        let (a, resident) = (&a, resident.clone());
        async move {
            let (s, _) = a.call(&resident, "session_user", &[]).await;
            s == StatusCode::OK && !a.state.sessions.is_empty()
        }
    };
    within(Duration::from_secs(5), "the session was not kept", kept).await;
    // The listening connection dies (as in a network cut or a restart).
    use sea_orm::ConnectionTrait;
    let cut = a
        .state
        .db
        .execute_unprepared(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE query LIKE 'LISTEN%' AND datname = current_database()",
        )
        .await
        .unwrap();
    assert_eq!(cut.rows_affected(), 1, "one listening connection");
    // The loss is noticed: everything kept is forgotten (it listens again
    // within milliseconds, so the deaf state itself is seen by the unit
    // tests of `backend::sessions`).
    within(
        Duration::from_secs(5),
        "sessions kept after the loss",
        || async { a.state.sessions.is_empty() },
    )
    .await;
    // Listening again, it keeps sessions again.
    within(Duration::from_secs(10), "never kept again", kept).await;
    assert!(a.state.sessions.trusted());
}
