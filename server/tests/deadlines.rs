//! Issue 10: deadlines that enforce themselves. The scheduler runs under an
//! injected clock (no sleeps) on SQLite and PostgreSQL: it warns, flags and
//! escalates each case once, catches up after downtime with one step per
//! case, and only one of two servers on the same database sweeps.

mod common;

use app::backend::services::deadlines::{self, SweepReport};
use app::backend::store::cases as store;
use app::domain::auth::Role;
use chrono::{DateTime, Duration, Utc};
use common::{phone_of, report_case, Backend, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::Value;

/// The middle of the demo grid `370103-001-001-01`.
const HOME: (f64, f64) = (36.6372, 117.0135);

async fn new_case(app: &TestApp, resident: &Client, text: &str) -> i64 {
    let (s, case) = report_case(app, resident, HOME, text, true).await;
    assert_eq!(s, StatusCode::OK, "{case}");
    case["id"].as_i64().unwrap()
}

async fn row(app: &TestApp, id: i64) -> store::CaseRow {
    store::case_by_id(&app.state.db, id).await.unwrap().unwrap()
}

async fn sweep(app: &TestApp, at: DateTime<Utc>) -> SweepReport {
    deadlines::sweep(&app.state, at).await.unwrap()
}

/// Whether `who` has a notice `event` about case `id`.
async fn told(app: &TestApp, who: &Client, id: i64, event: &str) -> bool {
    let (_, notes) = app.call(who, "my_notices", &[]).await;
    notes
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["ref_id"] == id && n["event"] == event)
}

fn actions(case: &Value) -> Vec<String> {
    case["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

/// A case is warned when a quarter of its working time is left, flagged when
/// its deadline passes and escalated a level after the grace (24 hours),
/// each once, each told to the owner and the supervisor.
async fn the_scheduler_warns_flags_and_escalates_once(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let leader = app.signed_in(phone_of(Role::GridLeader)).await;
    let community = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let id = new_case(&app, &resident, "楼道里的声控灯坏了一个多星期").await;
    let fresh = row(&app, id).await;
    let due = fresh.due_at.expect("a new case has a deadline");
    let warn_at = fresh.alarm_at.expect("and an alarm");
    assert!(fresh.started_at < warn_at && warn_at < due, "{fresh:?}");

    // Nothing to do before the warning: the sweep does not even read the case.
    assert!(sweep(&app, fresh.started_at + Duration::minutes(1))
        .await
        .is_empty());

    let r = sweep(&app, warn_at + Duration::seconds(1)).await;
    assert_eq!(r.warned, 1, "{r:?}");
    assert!(
        told(&app, &worker, id, "due_soon").await,
        "the owner is warned"
    );
    assert!(told(&app, &leader, id, "due_soon").await, "and the leader");
    assert!(
        sweep(&app, warn_at + Duration::seconds(2)).await.is_empty(),
        "once"
    );

    let r = sweep(&app, due + Duration::seconds(1)).await;
    assert_eq!((r.warned, r.flagged, r.escalated), (0, 1, 0), "{r:?}");
    assert!(told(&app, &worker, id, "overdue").await);
    assert!(told(&app, &leader, id, "overdue").await);
    assert!(
        sweep(&app, due + Duration::hours(1)).await.is_empty(),
        "once"
    );
    let id_s = id.to_string();
    let (_, staff_view) = app.call(&worker, "case_detail", &[("id", &id_s)]).await;
    assert!(
        actions(&staff_view).contains(&"overdue".to_string()),
        "{staff_view}"
    );
    let (_, own_view) = app.call(&resident, "case_detail", &[("id", &id_s)]).await;
    assert!(
        !actions(&own_view).contains(&"overdue".to_string()),
        "the overdue flag is a staff entry"
    );

    // The grace runs on working days, as the sweep counts it.
    let calendar = store::calendar(&app.state.db).await.unwrap();
    let climb = calendar.after_working_time(due, app.state.config.sweep.grace);
    assert!(
        sweep(&app, climb - Duration::seconds(1)).await.is_empty(),
        "not before the grace"
    );
    let r = sweep(&app, climb + Duration::seconds(1)).await;
    assert_eq!(r.escalated, 1, "{r:?}");
    let up = row(&app, id).await;
    assert_eq!(
        (up.status.as_str(), up.level.map(|l| l.as_str())),
        ("reported", Some("community")),
        "nobody confirmed it: the community may still confirm, reject or merge it"
    );
    assert!(up.due_at.unwrap() > climb, "the community's own time limit");
    assert_eq!(up.alarm_stage, 0, "a new deadline starts over");
    assert!(
        told(&app, &community, id, "escalated").await,
        "the new level is told"
    );
    assert!(
        told(&app, &worker, id, "escalated").await,
        "and the owner it left"
    );
    let (_, own_view) = app.call(&resident, "case_detail", &[("id", &id_s)]).await;
    assert_eq!(
        actions(&own_view).last().map(String::as_str),
        Some("auto_escalate"),
        "the reporter sees it climb: {own_view}"
    );
    assert!(
        sweep(&app, climb + Duration::seconds(2)).await.is_empty(),
        "once"
    );

    // A case handled in time is never warned.
    let handled = new_case(&app, &resident, "垃圾桶满了没人清理").await;
    let (s, body) = app
        .call(&worker, "case_detail", &[("id", &handled.to_string())])
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, body) = common::act(
        &app,
        &worker,
        &body,
        serde_json::json!("reject"),
        serde_json::json!({ "note": "不属于网格事件" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(
        row(&app, handled).await.alarm_at,
        None,
        "no alarm once closed"
    );
}

on_both_backends!(the_scheduler_warns_flags_and_escalates_once);

/// After downtime, the first sweep takes each case straight to the step it
/// has reached, once; a case at the top level is flagged and then left alone.
async fn after_downtime_each_case_catches_up_once(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let id = new_case(&app, &resident, "小区门口路灯不亮").await;
    let due = row(&app, id).await.due_at.unwrap();

    let t1 = due + Duration::days(10);
    let r = sweep(&app, t1).await;
    assert_eq!((r.warned, r.flagged, r.escalated), (0, 0, 1), "{r:?}");
    assert!(
        !told(&app, &worker, id, "due_soon").await,
        "no stale warning"
    );
    assert!(sweep(&app, t1).await.is_empty());

    let t2 = t1 + Duration::days(30);
    assert_eq!(sweep(&app, t2).await.escalated, 1, "community → street");
    assert_eq!(
        row(&app, id).await.level.map(|l| l.as_str()),
        Some("street")
    );

    // The street whistles departments itself: it is flagged, never climbs.
    let t3 = t2 + Duration::days(30);
    let r = sweep(&app, t3).await;
    assert_eq!((r.flagged, r.escalated), (1, 0), "{r:?}");
    assert_eq!(row(&app, id).await.alarm_at, None, "nothing left to do");
    assert!(sweep(&app, t3 + Duration::days(30)).await.is_empty());
}

on_both_backends!(after_downtime_each_case_catches_up_once);

/// Two servers on one database: only the lease holder sweeps; when its lease
/// runs out the other takes over; two sweeps that meet warn each case once.
async fn one_server_of_two_sweeps(backend: Backend) {
    let a = TestApp::demo(backend).await;
    let b = TestApp::at(a.database_url.clone()).await;
    let resident = a.signed_in(phone_of(Role::Resident)).await;
    let mut ids = Vec::new();
    for i in 0..6 {
        ids.push(new_case(&a, &resident, &format!("第{i}号楼下水道堵塞")).await);
    }
    let now = Utc::now();
    let (ra, rb) = tokio::join!(
        deadlines::run(&a.state, "server-a", now),
        deadlines::run(&b.state, "server-b", now)
    );
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert!(
        ra.is_some() != rb.is_some(),
        "exactly one sweeps: {ra:?} {rb:?}"
    );
    let (first, second) = if ra.is_some() {
        ("server-a", "server-b")
    } else {
        ("server-b", "server-a")
    };
    let later = now + Duration::minutes(1);
    assert!(deadlines::run(&b.state, second, later)
        .await
        .unwrap()
        .is_none());
    assert!(
        deadlines::run(&a.state, first, later)
            .await
            .unwrap()
            .is_some(),
        "renewed"
    );
    let gone = later + Duration::minutes(3);
    assert!(
        deadlines::run(&b.state, second, gone)
            .await
            .unwrap()
            .is_some(),
        "a lease that ran out is taken over"
    );

    // Even if two sweeps ever met, each case is warned once.
    let mut warn = Utc::now();
    for id in &ids {
        warn = warn.max(row(&a, *id).await.alarm_at.unwrap());
    }
    let warn = warn + Duration::seconds(1);
    let (ra, rb) = tokio::join!(
        deadlines::sweep(&a.state, warn),
        deadlines::sweep(&b.state, warn)
    );
    let warned = ra.unwrap().warned + rb.unwrap().warned;
    assert_eq!(warned, ids.len());
    for id in &ids {
        assert_eq!(row(&a, *id).await.alarm_stage, 1);
    }
}

on_both_backends!(one_server_of_two_sweeps);

/// Staff queues open on what needs action: 待办 / 即将超期 / 已超期 tabs with
/// counts, soonest deadline first, paged without gaps or repeats.
async fn staff_queues_show_deadlines_soonest_first_with_counts(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let grid = serde_json::json!({ "grid": "370103-001-001-01" });
    let counts = |who: Client| {
        let (app, grid) = (&app, grid.clone());
        async move {
            let (s, c) = app
                .call_json(
                    &who,
                    "case_queue_counts",
                    serde_json::json!({ "queue": grid }),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{c}");
            c
        }
    };
    let before = counts(worker.clone()).await;

    let late = new_case(&app, &resident, "消防通道被车辆堵住").await;
    let soon = new_case(&app, &resident, "单元门门禁坏了").await;
    let _fresh = new_case(&app, &resident, "绿化带里有建筑垃圾").await;
    let (_, late_case) = app
        .call(&worker, "case_detail", &[("id", &late.to_string())])
        .await;
    common::make_overdue(&app, &late_case).await;
    // Due in two hours, its warning time passed: the sweep warns it.
    let now = Utc::now();
    let r = row(&app, soon).await;
    let change = store::CaseChange {
        started_at: Some(now - Duration::hours(22)),
        due_at: Some(Some(now + Duration::hours(2))),
        alarm: Some((0, Some(now - Duration::minutes(1)))),
        ..Default::default()
    };
    let event = store::NewEvent {
        actor_id: None,
        actor_name: String::new(),
        actor_role: "system".into(),
        action: "progress".into(),
        from_status: None,
        to_status: r.status,
        note: "测试：时间过去了".into(),
        public: false,
    };
    assert!(
        store::apply(&app.state.db, soon, r.version, &change, &event, now)
            .await
            .unwrap()
    );
    assert!(sweep(&app, now).await.warned >= 1);

    let after = counts(worker.clone()).await;
    let delta = |k: &str| after[k].as_u64().unwrap() - before[k].as_u64().unwrap();
    assert_eq!(
        (delta("todo"), delta("due_soon"), delta("overdue")),
        (3, 1, 1),
        "{after}"
    );

    let list = |view: &'static str, after: Option<(Value, Value)>| {
        let (app, grid, worker) = (&app, grid.clone(), worker.clone());
        let (after, after_due) = after.unzip();
        async move {
            let (s, rows) = app
                .call_json(
                    &worker,
                    "case_queue",
                    serde_json::json!({"queue": grid, "statuses": [], "after": after, "after_due": after_due, "view": view}),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{rows}");
            rows.as_array().unwrap().clone()
        }
    };
    let ids = |rows: &[Value]| {
        rows.iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    let overdue = list("overdue", None).await;
    assert!(ids(&overdue).contains(&late) && !ids(&overdue).contains(&soon));
    assert!(
        overdue.iter().all(|r| r["due_state"] == "overdue"),
        "{overdue:?}"
    );
    let due_soon = list("due_soon", None).await;
    assert!(ids(&due_soon).contains(&soon) && !ids(&due_soon).contains(&late));
    assert!(
        due_soon.iter().all(|r| r["due_state"] == "due_soon"),
        "{due_soon:?}"
    );

    // 待办: every open case, soonest deadline first, page after page.
    let mut all = Vec::new();
    let mut after_id = None;
    loop {
        let page = list("todo", after_id).await;
        if page.is_empty() {
            break;
        }
        after_id = page.last().map(|r| (r["id"].clone(), r["due_at"].clone()));
        all.extend(page);
    }
    assert_eq!(
        all.len() as u64,
        after["todo"].as_u64().unwrap(),
        "every open case once"
    );
    let dues: Vec<&str> = all.iter().map(|r| r["due_at"].as_str().unwrap()).collect();
    let parsed: Vec<DateTime<Utc>> = dues.iter().map(|d| d.parse().unwrap()).collect();
    assert!(
        parsed.windows(2).all(|w| w[0] <= w[1]),
        "soonest first: {dues:?}"
    );
    let mut unique = ids(&all);
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), all.len(), "no repeats across pages");
    assert!(all.iter().all(|r| r["due_state"] != Value::Null));

    // A tab that does not exist is the caller's mistake (400), not the server's.
    let (s, body) = app
        .call_json(
            &worker,
            "case_queue",
            serde_json::json!({"queue": grid, "statuses": [], "after": null, "view": "soon"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    // A resident has no such tabs: their queue is refused to them.
    let (s, _) = app
        .call_json(
            &resident,
            "case_queue_counts",
            serde_json::json!({ "queue": grid }),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

on_both_backends!(staff_queues_show_deadlines_soonest_first_with_counts);
